"""Authentication: the shared connection token (KAIGO_XL_AUTH_TOKEN) through xlwings Server's custom provider.

Calls that carry workbook data (custom-functions-call, custom-scripts-call) need the token; what Excel loads before
it can send one (manifest, task pane, static files, function metadata and code, the health check) stays public.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import xlwings as xw
from fastapi.testclient import TestClient
from support.payload import function_call_body

import kaigo_xl.excel.server as server
from kaigo_xl.excel import auth

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "kaigo-test-token-0123456789"
BOOK = {"client": "Office.js", "version": xw.__version__, "book": {"name": "x.xlsx", "active_sheet_index": 0},
        "names": [], "sheets": [{"name": "S", "values": [[""]], "pictures": [], "tables": []}]}
PUBLIC = ["/", "/manifest", "/taskpane.html", "/static/js/auth.js", "/static/js/ribbon.js",
          "/xlwings/custom-functions-meta", "/xlwings/custom-functions-code.js", "/xlwings/custom-scripts-meta"]


@pytest.fixture
def client(monkeypatch):
    """The app with the custom provider on and TOKEN configured (as KAIGO_XL_AUTH_TOKEN would do at start)."""
    app = server.get_app()
    from xlwings_server.config import settings

    monkeypatch.setattr(settings, "auth_providers", ["custom"])
    auth.install(TOKEN)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            yield c
    finally:
        auth.install(None)


def call_function(client, headers=None):
    return client.post("/xlwings/custom-functions-call", headers=headers or {},
                       json=function_call_body("kasan_total", [[8.75]], [[None]]))


def call_script(client, headers=None):
    return client.post("/xlwings/custom-scripts-call/validate", headers=headers or {}, json=BOOK)


@pytest.mark.parametrize("call", [call_function, call_script], ids=["custom-functions", "custom-scripts"])
@pytest.mark.parametrize("headers", [None, {"Authorization": ""}, {"Authorization": "Bearer wrong-token-0123456789"},
                                     {"Authorization": "Bearer " + TOKEN[:-1]}, {"Authorization": "Basic " + TOKEN},
                                     {"Authorization": "Bearer " + TOKEN + "x"}, {"Authorization": "test-token"},
                                     {"Authorization": "Bearer 介護トークン".encode()}])
def test_calls_without_the_right_token_are_refused(client, call, headers):
    r = call(client, headers)
    assert r.status_code == 401
    assert "接続用トークンが正しくありません" in r.json()["detail"]
    assert TOKEN not in r.text


@pytest.mark.parametrize("call", [call_function, call_script], ids=["custom-functions", "custom-scripts"])
@pytest.mark.parametrize("value", ["Bearer " + TOKEN, "bearer " + TOKEN, TOKEN, f"  Bearer   {TOKEN} "])
def test_calls_with_the_token_pass(client, call, value):
    r = call(client, {"Authorization": value})
    assert r.status_code == 200, r.text
    if call is call_function:
        assert r.json() == {"result": [[472_500]]}
    else:
        assert "actions" in r.json()


@pytest.mark.parametrize("path", PUBLIC)
def test_what_excel_loads_before_it_can_authenticate_stays_public(client, path):
    assert client.get(path).status_code == 200


def test_the_task_pane_tells_the_client_which_provider_to_use(client):
    assert '"authProviders": ["custom"]' in client.get("/taskpane.html").text
    js = client.get("/static/js/auth.js").text
    assert "kaigo-xl-auth-token" in js and '"Bearer "' in js and "接続用トークン" in js


def test_the_upstream_placeholder_token_is_never_accepted(client):
    """xlwings_server.auth.custom (1.20) accepts the literal "test-token"; ours replaces it even without a token."""
    auth.install(None)
    for value in ("test-token", "Bearer test-token", ""):
        assert call_function(client, {"Authorization": value}).status_code == 401


@pytest.mark.parametrize("header, ok", [("Bearer " + TOKEN, True), (TOKEN, True), ("BEARER " + TOKEN, True),
                                        ("", False), ("Bearer", False), ("Bearer ", False), (TOKEN[:-1], False),
                                        ("Bearer \udcff", False), ("Bearer トークン", False)])
def test_token_matches(header, ok):
    assert auth.token_matches(header, TOKEN) is ok
    assert auth.token_matches(header, None) is False and auth.token_matches(header, "") is False


def test_without_authentication_calls_need_no_token():
    with TestClient(server.get_app()) as c:
        assert call_function(c).json() == {"result": [[472_500]]}


def test_the_token_setting_turns_authentication_on():
    """KAIGO_XL_AUTH_TOKEN alone: XLWINGS_AUTH_PROVIDERS defaults to ["custom"] and calls need the token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "KAIGO_XL_"))}
    env["PYTHONPATH"] = str(ROOT / "tests")
    env["KAIGO_XL_AUTH_TOKEN"] = TOKEN
    code = textwrap.dedent(f"""
        import kaigo_xl.excel.server as s
        from fastapi.testclient import TestClient
        from support.payload import function_call_body
        c = TestClient(s.get_app())
        body = function_call_body("kasan_total", [[8.75]], [[None]])
        print(s.auth_providers())
        print(c.post("/xlwings/custom-functions-call", json=body).status_code)
        print(c.post("/xlwings/custom-functions-call", json=body, headers={{"Authorization": "Bearer {TOKEN}"}}).json())
    """)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["['custom']", "401", "{'result': [[472500]]}"]
