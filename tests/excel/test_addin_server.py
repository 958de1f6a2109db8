"""The add-in server: manifest and ribbon, task pane, request-size limit, `kaigo-xl serve` defaults, settings."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.payload import function_call_body

import kaigo_xl.excel.server as server
from kaigo_xl import commands as cli
from kaigo_xl.errors import ExitCode
from kaigo_xl.excel import binding, settings

NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
BUTTONS = {"kaigo-validate": "validate", "kaigo-make-plan": "make_plan", "kaigo-make-report": "make_report",
           "kaigo-payment-table": "payment_table"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client():
    with TestClient(server.get_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def manifest(client):
    r = client.get("/manifest")
    assert r.status_code == 200
    return ET.fromstring(r.content)


def strings(root) -> dict[str, str]:
    return {e.get("id"): e.get("DefaultValue") for e in root.iter(f"{{{NS['bt']}}}String")}


# ---- manifest and ribbon ----

def test_the_manifest_has_the_fixed_add_in_id(manifest):
    assert manifest.find("o:Id", NS).text == settings.XLWINGS_DEFAULTS["XLWINGS_MANIFEST_ID_PROD"]
    assert manifest.find("o:DefaultLocale", NS).text == "ja-JP"


def test_the_ribbon_tab_is_called_kaigo_kasan(manifest):
    tab = manifest.find(".//v:CustomTab", NS)
    assert strings(manifest)[tab.find("v:Label", NS).get("resid")] == "介護加算"


def test_the_manifest_names_every_ribbon_button(manifest):
    assert [e.text for e in manifest.iter(f"{{{NS['v']}}}FunctionName")] == list(BUTTONS)
    labels = [strings(manifest)[c.find("v:Label", NS).get("resid")] for c in manifest.iter(f"{{{NS['v']}}}Control")]
    assert labels == ["入力チェック", "計画書作成", "実績報告書作成", "支払予定表", "情報"]


def test_every_ribbon_button_runs_an_existing_script(client):
    js = client.get("/static/js/ribbon.js").text
    scripts = {m["function_name"] for m in client.get("/xlwings/custom-scripts-meta").json()}
    assert scripts == set(BUTTONS.values())
    for action, script in BUTTONS.items():
        assert f'"{action}": "{script}"' in js
    assert "xlwings.runPython" in js and "event.completed()" in js


def test_every_icon_in_the_manifest_is_served_as_png(client, manifest):
    urls = {e.get("DefaultValue") for e in manifest.iter(f"{{{NS['bt']}}}Image") if e.get("DefaultValue")}
    assert len(urls) == 15
    for url in urls:
        r = client.get(url.replace("http://testserver", ""))
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")


def test_functions_appear_as_kaigo_dot_name(manifest, client):
    assert strings(manifest)["Functions.Namespace"] == "KAIGO"
    js = client.get("/xlwings/custom-functions-code.js").text
    assert 'CustomFunctions.associate("AVERAGE_FTE", average_fte);' in js


def test_manifest_urls_become_https_behind_a_tls_proxy(client):
    assert "https://testserver/taskpane.html" in client.get("/manifest", headers={"X-Forwarded-Proto": "https"}).text


def test_the_task_pane_shows_versions_and_the_function_names(client):
    from xlwings_server._version import __version__ as server_version

    from kaigo_xl import __version__

    html = client.get("/taskpane.html").text
    assert f"kaigo_xl {__version__}" in html and f"xlwings Server {server_version}" in html
    assert "=KAIGO.AVERAGE_FTE(" in html and "/static/js/ribbon.js" in html
    assert client.get("/static/js/kaigo-taskpane.js").status_code == 200


def test_the_health_check_answers(client):
    assert client.get("/").json() == {"status": "ok"}


# ---- only the decorated functions are reachable ----

def test_helpers_of_the_modules_cannot_be_called(client):
    assert client.post("/xlwings/custom-scripts-call/read_book", json={"client": "Office.js"}).status_code == 500
    r = client.post("/xlwings/custom-functions-call", json=function_call_body("_staffing_findings", [[1]], [[1]]))
    assert r.status_code == 500
    assert set(vars(sys.modules["custom_scripts"])) - {"__name__", "__doc__", "__package__", "__loader__",
                                                      "__spec__"} == set(BUTTONS.values())


def test_a_script_call_without_a_book_is_refused(client):
    assert client.post("/xlwings/custom-scripts-call/validate").status_code == 400


# ---- request size limit ----

def test_a_request_over_the_limit_gets_413_in_japanese(client):
    r = client.post("/xlwings/custom-scripts-call/validate", content=b"{" + b" " * settings.get_settings().max_body_bytes)
    assert r.status_code == 413
    assert r.text.startswith("送信されたデータが大きすぎます（上限 20MB）")


def test_a_chunked_request_over_the_limit_gets_413(client):
    def chunks():
        for _ in range(settings.get_settings().max_body_bytes // (1024 * 1024) + 1):
            yield b" " * (1024 * 1024)

    r = client.post("/xlwings/custom-scripts-call/validate", content=chunks())
    assert r.status_code == 413


def test_a_request_under_the_limit_passes(client):
    r = client.post("/xlwings/custom-functions-call", json=function_call_body("kasan_total", [[8.75]], [[None]]))
    assert r.json() == {"result": [[472_500]]}


# ---- kaigo-xl serve ----

@pytest.fixture
def no_listen(monkeypatch):
    """Run `kaigo-xl serve` up to the point where uvicorn would start; record what it would have served."""
    calls = []

    def fake_serve(app, sock, cfg, keyfile=None, certfile=None, **kw):
        calls.append((sock.getsockname()[:2], keyfile, certfile))
        sock.close()

    monkeypatch.setattr(server, "serve", fake_serve)
    return calls


@pytest.fixture
def fake_bind(monkeypatch, no_listen):
    """Also skip the real bind (port 8000 may be taken on a shared machine); the address it would bind."""
    import socket

    def bind(host, port, address):
        sock = socket.socket(address[0], socket.SOCK_STREAM)
        sock.bind((address[4][0], 0))
        no_listen.append(("bind", address[4][:2]))
        return sock

    monkeypatch.setattr(binding, "bind", bind)
    return no_listen


def test_serve_binds_to_127_0_0_1_and_port_8000_by_default(fake_bind, capsys):
    assert cli.main(["serve"]) == 0
    assert fake_bind[0] == ("bind", ("127.0.0.1", 8000))
    assert "http://127.0.0.1:8000/manifest" in capsys.readouterr().out


def test_serve_refuses_other_computers_without_authentication(fake_bind, capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8443"]) == ExitCode.UNUSABLE_INPUT
    err = capsys.readouterr().err
    assert "認証の設定が必要です" in err and "--allow-unauthenticated" in err and "Traceback" not in err
    assert fake_bind == []


def test_serve_warns_when_reachable_from_other_computers_if_acknowledged(fake_bind, capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8443", "--allow-unauthenticated"]) == 0
    assert fake_bind[0] == ("bind", ("0.0.0.0", 8443))
    out = capsys.readouterr().out
    assert "このパソコン以外からも接続できます" in out and "認証なしで公開しています" in out


def test_serve_needs_both_tls_files(tmp_path, capsys):
    key = tmp_path / "key.pem"
    key.write_text("x")
    assert cli.main(["serve", "--ssl-keyfile", str(key)]) == ExitCode.UNUSABLE_INPUT
    assert "両方を指定" in capsys.readouterr().err


def test_serve_reports_a_missing_certificate_file(tmp_path, capsys):
    assert cli.main(["serve", "--ssl-keyfile", str(tmp_path / "k.pem"), "--ssl-certfile",
                     str(tmp_path / "c.pem")]) == ExitCode.UNUSABLE_INPUT
    assert "が見つかりません" in capsys.readouterr().err


def test_serve_reports_an_unreadable_certificate(tmp_path, capsys):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    key.write_text("not a key")
    cert.write_text("not a certificate")
    assert cli.main(["serve", "--ssl-keyfile", str(key), "--ssl-certfile", str(cert)]) == ExitCode.UNUSABLE_INPUT
    assert "証明書（--ssl-certfile）と秘密鍵（--ssl-keyfile）を読み込めません" in capsys.readouterr().err


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("0.0.0.0", False), ("192.168.1.10", False)])
def test_loopback_hosts(host, loopback):
    assert server.is_loopback(host) is loopback


# ---- settings that need a fresh process ----

def _fresh(code: str, **env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "KAIGO_XL_"))}
    clean.update(env, PYTHONPATH=str(ROOT / "tests"))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=clean, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


def test_functions_work_even_when_xlwings_was_imported_first():
    # xlwings only registers its Office.js engines when the licence key is set at its first import
    assert _fresh("""
        import xlwings
        import kaigo_xl.excel.server as s
        from fastapi.testclient import TestClient
        from support.payload import function_call_body
        print(TestClient(s.get_app()).post("/xlwings/custom-functions-call",
              json=function_call_body("kasan_total", [[8.75]], [[None]])).json())
    """) == ["{'result': [[472500]]}"]


def test_the_size_limit_and_policy_come_from_the_environment(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[policy]\nrate_yen = 60000\n", encoding="utf-8")
    assert _fresh("""
        import kaigo_xl.excel.server as s
        from fastapi.testclient import TestClient
        from support.payload import function_call_body
        c = TestClient(s.get_app())
        print(c.post("/xlwings/custom-functions-call", json=function_call_body("kasan_total", [[8.75]], [[None]])).json())
        print(c.post("/xlwings/custom-functions-call", content=b" " * 2_000_000).status_code)
    """, KAIGO_XL_POLICY=str(policy), KAIGO_XL_MAX_BODY_MB="1") == ["{'result': [[525000]]}", "413"]


def test_kaigo_settings_in_the_env_file_are_read_too(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[policy]\nrate_yen = 60000\n", encoding="utf-8")
    env = tmp_path / "kaigo.env"
    env.write_text(f'KAIGO_XL_POLICY="{policy}"\nKAIGO_XL_MAX_BODY_MB=1\nKAIGO_XL_TIMEOUT_HEADER=3\n', encoding="utf-8")
    assert _fresh("""
        import kaigo_xl.excel.server as s
        from kaigo_xl.excel.settings import get_settings
        from fastapi.testclient import TestClient
        from support.payload import function_call_body
        c = TestClient(s.get_app())
        print(c.post("/xlwings/custom-functions-call", json=function_call_body("kasan_total", [[8.75]], [[None]])).json())
        print(c.post("/xlwings/custom-functions-call", content=b" " * 2_000_000).status_code)
        print(get_settings().timeout_header)
    """, DOTENV_PATH=str(env)) == ["{'result': [[525000]]}", "413", "3.0"]


def test_the_xlwings_server_project_dir_layout_also_works(tmp_path):
    """The documented xlwings-server layout (custom_functions/, custom_scripts/ re-exporting our functions)."""
    (tmp_path / "custom_functions").mkdir()
    (tmp_path / "custom_functions/__init__.py").write_text(
        "from kaigo_xl.excel.functions import FUNCTIONS\n"
        "globals().update({f.__name__: f for f in FUNCTIONS})\n")
    (tmp_path / "custom_scripts").mkdir()
    (tmp_path / "custom_scripts/__init__.py").write_text(
        "from kaigo_xl.excel.scripts import make_plan, make_report, payment_table, validate  # noqa: F401\n")
    assert _fresh("""
        from fastapi.testclient import TestClient
        from xlwings_server.main import app
        c = TestClient(app)
        print(sorted(f["id"] for f in c.get("/xlwings/custom-functions-meta").json()["functions"]))
        print(sorted(m["function_name"] for m in c.get("/xlwings/custom-scripts-meta").json()))
    """, XLWINGS_PROJECT_DIR=str(tmp_path), XLWINGS_LICENSE_KEY="noncommercial") == [
        "['AVERAGE_FTE', 'CHECK_FTE', 'FTE_FROM_HOURS', 'KASAN_TOTAL', 'PAYMENT_SCHEDULE', 'TARGET_FTE']",
        "['make_plan', 'make_report', 'payment_table', 'validate']"]


def test_settings_in_the_env_file_replace_the_defaults(tmp_path):
    env = tmp_path / "kaigo.env"
    env.write_text('XLWINGS_FUNCTIONS_NAMESPACE="KAIGOTEST"\nXLWINGS_PROJECT_NAME="介護加算（見本市）"\n', encoding="utf-8")
    assert _fresh("""
        import kaigo_xl.excel.server as s
        from fastapi.testclient import TestClient
        text = TestClient(s.get_app()).get("/manifest").text
        print("KAIGOTEST" in text, "介護加算（見本市）" in text)
    """, DOTENV_PATH=str(env)) == ["True True"]
