"""Path traversal through the static mounts (issue 9): no file outside a mount's folder is ever served.

xlwings-server 1.20's OverridableStaticFiles.lookup_path joins the request path onto the project's static folder
without a containment check, so `curl --path-as-is .../static/../../../../etc/passwd` returned the file.
TestClient/httpx removes literal `../` from URLs, so the literal variants are sent here as ASGI scopes exactly as
uvicorn builds them (path = percent-decoded raw path); test_server_live.py sends them over a real socket.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

import kaigo_xl.excel.server as server
from kaigo_xl.excel import hardening

ROOT = Path(__file__).resolve().parents[2]
DEEP = 20  # more ../ than any install is deep
PASSWD = Path("/etc/passwd")
PROJECT_STATIC = server.XLWINGS_PROJECT_DIR / "static"
MANIFEST_TEMPLATE = server.XLWINGS_PROJECT_DIR / "templates" / "manifest.xml"  # one level above the static root


def variants(target: str, levels: int) -> dict[str, str]:
    """Raw request paths (after the mount prefix) that step `levels` folders up to `target`."""
    win = target.replace("/", "\\")
    return {
        "dotdot": "../" * levels + target,
        "encoded-dots": "%2e%2e/" * levels + target,
        "encoded-slash": "..%2f" * levels + target,
        "all-encoded": "%2e%2e%2f" * levels + target,
        "upper-encoded": "%2E%2E%2F" * levels + target,
        "double-encoded": "%252e%252e%252f" * levels + target,
        "backslash": "..\\" * levels + win,
        "encoded-backslash": "..%5c" * levels + win,
        "mixed": "..%2f../%2e%2e%5c" * levels + target,
        "dot-segments": "./" + "../" * levels + target,
        "nul-suffix": "../" * levels + target + "%00.png",
    }


def absolute_variants() -> dict[str, str]:
    return {"absolute": "/etc/passwd", "encoded-absolute": "%2fetc%2fpasswd", "windows-drive": "C:/Windows/win.ini",
            "windows-drive-encoded": "c:%5cwindows%5cwin.ini", "nul": "js/ribbon.js%00", "unc": "\\\\server\\share"}


def asgi_get(app, raw: str) -> tuple[int, bytes]:
    """GET `raw` through the ASGI app as uvicorn would (path = the percent-decoded raw path, nothing normalised)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": unquote(raw), "raw_path": raw.encode("latin-1"), "root_path": "", "query_string": b"",
             "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    sent: list[dict] = []
    requested = False

    async def receive():
        nonlocal requested
        if requested:  # after the request, only a disconnect could follow: never, while the app answers
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.fixture(scope="module")
def app():
    return server.get_app()


def static_mounts() -> list[str]:
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles
    from xlwings_server.main import app

    return [r.path for r in app.routes if isinstance(r, Mount) and isinstance(r.app, StaticFiles)]


def _attacks():
    server.get_app()
    for mount in static_mounts():
        for name, tail in {**variants("etc/passwd", DEEP), **variants("templates/manifest.xml", 1),
                           **absolute_variants()}.items():
            yield f"{mount}/{tail}", name


ATTACKS = list(_attacks())


@pytest.mark.parametrize("layer", ["whole app", "without PathGuard"])
@pytest.mark.parametrize("raw, name", ATTACKS, ids=[f"{n}:{r[:40]}" for r, n in ATTACKS])
def test_no_traversal_variant_reads_a_file_outside_the_static_folder(app, layer, raw, name):
    target = app if layer == "whole app" else app.app  # the static mounts are guarded on their own too
    status, body = asgi_get(target, raw)
    assert status in (400, 404), (status, body[:80])
    assert b"root:" not in body and b"<OfficeApp" not in body


def test_the_guard_answers_in_japanese(app):
    status, body = asgi_get(app, "/static/../../etc/passwd")
    assert status == 400 and "URL に使えない文字" in body.decode()


@pytest.mark.parametrize("path", ["/static/js/ribbon.js", "/static/js/kaigo-taskpane.js",
                                  "/static/images/icons/kaigo-32.png",   # project overrides
                                  "/static/css/core.css", "/static/js/config.js"])  # xlwings_server's own files
def test_legitimate_static_files_are_still_served(app, path):
    status, body = asgi_get(app, path)
    assert status == 200 and body


@pytest.mark.parametrize("tail", ["%2e%2e/" * DEEP + "etc/passwd", "..%2f" * DEEP + "etc/passwd",
                                  "%2e%2e%2f" * DEEP + "etc/passwd", "%252e%252e%252f" * DEEP + "etc/passwd",
                                  "..%5c" * DEEP + "etc%5cpasswd", "%2fetc%2fpasswd", "js/ribbon.js%00.png",
                                  "%2e%2e/templates/manifest.xml"])
def test_encoded_traversal_through_the_test_client(tail):
    with TestClient(server.get_app()) as client:
        r = client.get(f"/static/{tail}")
    assert r.status_code in (400, 404) and "root:" not in r.text and "<OfficeApp" not in r.text


def test_every_static_mount_is_guarded():
    from xlwings_server.main import app

    assert hardening.guard_static_mounts(app) == static_mounts() == ["/static"]
    for route in app.routes:
        if getattr(route, "path", None) == "/static":
            assert route.app.lookup_path("../templates/manifest.xml") == ("", None)
            assert route.app.lookup_path("../" * DEEP + "etc/passwd") == ("", None)
            assert route.app.lookup_path("js/ribbon.js")[0] == str(PROJECT_STATIC / "js" / "ribbon.js")


def test_the_upstream_lookup_has_the_hole_that_we_close():
    """Documents the upstream bug in the installed xlwings-server; if this fails, upstream has fixed it."""
    from xlwings_server._version import __version__
    from xlwings_server.main import OverridableStaticFiles

    upstream = OverridableStaticFiles(package_directory=Path(hardening.__file__).parent, user_directory=PROJECT_STATIC)
    found, _ = upstream.lookup_path("../templates/manifest.xml")
    assert __version__.startswith("1.20") and Path(found).resolve() == MANIFEST_TEMPLATE.resolve()


@pytest.mark.parametrize("path, unsafe", [("/static/a/../b", True), ("/static/./b", True), ("/x\\y", True),
                                          ("/x%00", True), ("/x\x00", True), ("/C:/x", True),
                                          ("/static/%2e%2e/x", True), ("/static/js/ribbon.js", False),
                                          ("/xlwings/custom-functions-call", False), ("/", False),
                                          ("/static/a..b/c...js", False)])
def test_unsafe_paths(path, unsafe):
    assert hardening.unsafe_path(path) is unsafe  # a %-sequence is decoded once more: %00, %2e%2e


def test_the_wasm_mounts_are_guarded_too():
    """With XLWINGS_ENABLE_WASM=true xlwings Server adds three more overridable mounts; all get the lookup."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "KAIGO_XL_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), str(ROOT / "tests" / "excel")])
    env["XLWINGS_ENABLE_WASM"] = "true"
    code = textwrap.dedent("""
        import kaigo_xl.excel.server as s
        from test_server_traversal import asgi_get, static_mounts
        app = s.get_app()
        mounts = static_mounts()
        print(sorted(mounts))
        for m in mounts:
            for raw in (m + "/" + "../" * 20 + "etc/passwd", m + "/" + "..%2f" * 20 + "etc/passwd",
                        m + "/../__init__.py"):
                for target in (app, app.app):
                    status, body = asgi_get(target, raw)
                    assert status in (400, 404) and b"root:" not in body and b"import" not in body, (raw, status)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["['/custom_functions', '/custom_scripts', '/static', '/wasm']", "ok"]
