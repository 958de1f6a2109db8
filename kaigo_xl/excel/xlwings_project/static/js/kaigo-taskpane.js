// kaigo_xl task pane: shows whether the add-in server answers (GET {app_path}/ → {"status": "ok"}).
(function () {
  const appPath = document.getElementById("kaigo-taskpane-js").dataset.appPath || "";
  const status = document.getElementById("kaigo-status");
  fetch(`${appPath}/`)
    .then((r) => r.json())
    .then((d) => {
      status.textContent =
        d.status === "ok" ? "サーバーに接続できています。" : "サーバーの応答が正しくありません。";
    })
    .catch(() => {
      status.textContent = "サーバーに接続できません。管理者にお問い合わせください。";
    });
})();
