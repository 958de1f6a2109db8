"""The server add-in's manifest and task pane shell: version, provider, help page, XML, Japanese.

kaigo_xl.excel.server puts `addin.template_globals` (the provider from KAIGO_XL_PROVIDER_NAME) into the templates and
wraps the app in `addin.ManifestAsXml`; the fixture sets the provider as the settings would, and a fresh process
checks the wiring from the environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import kaigo_xl.excel.server as server
from kaigo_xl import __version__
from kaigo_xl.excel import addin

NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1"}
ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "kaigo_xl" / "excel" / "xlwings_project"


@pytest.fixture
def client(monkeypatch):
    app = server.get_app()  # configures xlwings Server first: it must not be imported before
    from xlwings_server.templates import templates

    for key, value in addin.template_globals({addin.PROVIDER_ENV: "見本市 高齢福祉課"}).items():
        monkeypatch.setitem(templates.env.globals, key, value)  # restored after the test
    with TestClient(app) as c:
        yield c


def test_the_server_takes_the_provider_from_its_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "KAIGO_XL_"))}
    env[addin.PROVIDER_ENV] = "見本市 高齢福祉課"
    code = ("import kaigo_xl.excel.server as s; from fastapi.testclient import TestClient; "
            "r = TestClient(s.get_app()).get('/manifest'); print(r.headers['content-type']); "
            "print('<ProviderName>見本市 高齢福祉課</ProviderName>' in r.text)")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    content_type, found = out.stdout.splitlines()
    assert content_type.startswith("application/xml") and found == "True"


def manifest(client) -> ET.Element:
    return ET.fromstring(client.get("/manifest").content)


def test_the_manifest_version_is_the_package_version_in_four_numbers(client):
    major, minor, patch = (int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", __version__).groups())
    assert manifest(client).find("o:Version", NS).text == f"{major}.{minor}.{patch}.0"


def test_the_provider_is_the_municipality_from_the_settings(client):
    assert manifest(client).find("o:ProviderName", NS).text == "見本市 高齢福祉課"


def test_the_display_name_is_the_project_name_setting(client):
    assert manifest(client).find("o:DisplayName", NS).get("DefaultValue") == "介護加算"


def test_the_provider_defaults_to_kaigo_xl():
    assert addin.template_globals({}) == {"kaigo_provider_name": "kaigo_xl"}
    assert addin.template_globals({addin.PROVIDER_ENV: "  "}) == {"kaigo_provider_name": "kaigo_xl"}


def test_the_support_url_is_a_japanese_help_page_the_server_serves(client):
    url = manifest(client).find("o:SupportUrl", NS).get("DefaultValue")
    r = client.get(url.replace("http://testserver", ""))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="ja">' in r.text and "入力チェック" in r.text and "KASAN_TOTAL" in r.text


def test_the_manifest_is_served_as_xml(client):
    r = client.get("/manifest")
    assert r.headers["content-type"] == "application/xml; charset=utf-8"
    assert client.get("/manifest.xml").headers["content-type"] == "application/xml; charset=utf-8"


def test_the_manifest_downloads_under_the_name_the_readme_gives(client):
    r = client.get("/manifest/download")
    assert r.headers["content-disposition"] == f'attachment; filename="{addin.MANIFEST_FILENAME}"'
    readme = (ROOT / "addin" / "README_ja.md").read_text(encoding="utf-8")
    assert "/manifest/download" in readme and f"`{addin.MANIFEST_FILENAME}`" in readme


def test_other_responses_are_left_alone(client):
    assert client.get("/").headers["content-type"] == "application/json"
    assert client.get("/static/help.html").headers["content-type"].startswith("text/html")


def test_without_a_provider_setting_the_manifest_names_kaigo_xl():
    with TestClient(server.get_app()) as c:
        root = ET.fromstring(c.get("/manifest").content)
    assert root.find("o:ProviderName", NS).text == "kaigo_xl"
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", root.find("o:Version", NS).text)


# ---- the task pane shell ----

def test_the_task_pane_is_japanese(client):
    html = client.get("/taskpane.html").text
    assert '<html lang="ja">' in html and "<title>介護加算</title>" in html
    assert "アドインを正しく読み込めませんでした" in html and ">再読み込み</button>" in html
    assert "didn't load" not in html and ">Reload<" not in html
    assert "/static/help.html" in html


def test_the_shell_still_loads_everything_xlwings_server_loads():
    import xlwings_server

    package = (Path(xlwings_server.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    ours = (PROJECT / "templates" / "base.html").read_text(encoding="utf-8")
    loads = re.compile(r"<(?:script|link)\b[^>]*>")
    assert set(loads.findall(package)) <= set(loads.findall(ours))
    assert set(re.findall(r"{%\s*block (\w+)", package)) == set(re.findall(r"{%\s*block (\w+)", ours))
