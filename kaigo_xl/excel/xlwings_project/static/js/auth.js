// kaigo_xl: override of xlwings_server/static/js/auth.js (1.20). xlwings' task pane, ribbon and custom functions
// call globalThis.getAuth() before each call and send its token as the Authorization header.
//   entraid  Microsoft Entra ID single sign-on (as upstream)
//   custom   the shared connection token of the server (KAIGO_XL_AUTH_TOKEN): typed once into the task pane and
//            kept in this add-in's localStorage (the task pane and the functions share one runtime)
const KAIGO_TOKEN_KEY = "kaigo-xl-auth-token";

function kaigoAuthProviders() {
  const element = document.getElementById("config");
  try {
    return element ? JSON.parse(element.textContent).authProviders || [] : [];
  } catch (e) {
    return [];
  }
}

globalThis.getAuth = async function () {
  const providers = kaigoAuthProviders();
  if (providers.includes("entraid")) {
    const token = await xlwings.getAccessToken();
    return { token: token, provider: "entraid" };
  }
  if (providers.includes("custom")) {
    const token = localStorage.getItem(KAIGO_TOKEN_KEY) || "";
    return { token: token ? "Bearer " + token : "", provider: "custom" };
  }
  return { token: "", provider: "" };
};

// In the task pane (the page with #kaigo-status): a field to enter the token, when the server asks for one.
document.addEventListener("DOMContentLoaded", function () {
  const status = document.getElementById("kaigo-status");
  if (!status || !kaigoAuthProviders().includes("custom")) {
    return;
  }
  const box = document.createElement("div");
  box.className = "mt-2 mb-2";
  const label = document.createElement("label");
  label.className = "form-label small mb-1";
  label.htmlFor = "kaigo-token";
  label.textContent = "接続用トークン（管理者から知らされたもの）";
  const input = document.createElement("input");
  input.type = "password";
  input.id = "kaigo-token";
  input.autocomplete = "off";
  input.className = "form-control form-control-sm mb-1";
  const save = document.createElement("button");
  save.type = "button";
  save.className = "btn btn-outline-primary btn-sm";
  save.textContent = "保存";
  const note = document.createElement("p");
  note.className = "small text-muted mt-1 mb-0";
  const show = function () {
    note.textContent = localStorage.getItem(KAIGO_TOKEN_KEY)
      ? "トークンは保存されています（変えるときは入力し直して「保存」）。"
      : "トークンが未入力です。入力して「保存」を押してください。";
  };
  save.addEventListener("click", function () {
    const value = input.value.trim();
    if (value) {
      localStorage.setItem(KAIGO_TOKEN_KEY, value);
    } else {
      localStorage.removeItem(KAIGO_TOKEN_KEY);
    }
    input.value = "";
    show();
  });
  box.append(label, input, save, note);
  status.after(box);
  show();
});
