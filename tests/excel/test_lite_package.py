"""The xlwings Lite variant of the templates: the package holds what ../shared/XLWINGS_LITE.md describes, the
bundle keeps to what Pyodide runs, and workbooks/ holds both variants, reproducible byte for byte."""

from __future__ import annotations

import io
import json
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kaigo_xl.excel.lite import lite_name, make_lite
from kaigo_xl.excel.lite.bundle import bundle_zip, external_imports, modules
from kaigo_xl.excel.lite.code import main_py, requirements_txt
from kaigo_xl.workbook.template import TEMPLATE_FILES, distributable_templates
from kaigo_xl.xlsx.save import workbook_bytes

ROOT = Path(__file__).resolve().parents[2]
WORKBOOKS = ROOT / "workbooks"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WE = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
WETP = "{http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
LITE = WORKBOOKS / lite_name(TEMPLATE_FILES["養護"])

# What the bundle may import besides itself: the standard library modules it uses, and the three packages Lite
# installs (requirements.txt). Nothing that needs threads, processes, sockets or a C extension Pyodide lacks.
ALLOWED_IMPORTS = {
    "__future__", "calendar", "collections", "dataclasses", "datetime", "decimal", "difflib", "enum", "errno",
    "fractions", "functools", "importlib", "math", "os", "pathlib", "re", "stat", "sys", "tomllib", "typing",
    "unicodedata", "pydantic", "holidays", "xlwings",
}
MAX_BUNDLE_BYTES = 150_000  # the zip today: about 87 KB (37 modules, 2 data files)
MAX_MAIN_PY_CHARS = 200_000  # main.py today: about 119,000 characters (base64 of the zip plus the bootstrap)


def zip_of(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path)


# ---- the package (XLWINGS_LITE.md "Where it is stored") ----

def test_the_package_root_names_the_task_panes_part():
    with zip_of(LITE) as z:
        rels = ET.fromstring(z.read("_rels/.rels"))
    targets = {r.get("Type"): r.get("Target") for r in rels.iter(f"{REL}Relationship")}
    assert targets["http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"] == \
        "xl/webextensions/taskpanes.xml"


def test_both_parts_have_their_content_type_overrides():
    with zip_of(LITE) as z:
        types = ET.fromstring(z.read("[Content_Types].xml"))
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    assert overrides["/xl/webextensions/taskpanes.xml"] == "application/vnd.ms-office.webextensiontaskpanes+xml"
    assert overrides["/xl/webextensions/webextension1.xml"] == "application/vnd.ms-office.webextension+xml"


def test_the_task_pane_is_docked_right_open_on_opening_and_points_at_the_webextension():
    with zip_of(LITE) as z:
        pane = ET.fromstring(z.read("xl/webextensions/taskpanes.xml")).find(f"{WETP}taskpane")
        rels = ET.fromstring(z.read("xl/webextensions/_rels/taskpanes.xml.rels"))
    assert (pane.get("dockstate"), pane.get("visibility"), pane.get("width")) == ("right", "1", "350")
    rid = pane.find(f"{WETP}webextensionref").get(R_ID)
    (rel,) = [r for r in rels.iter(f"{REL}Relationship") if r.get("Id") == rid]
    assert rel.get("Type") == "http://schemas.microsoft.com/office/2011/relationships/webextension"
    assert rel.get("Target") == "webextension1.xml"


def test_the_webextension_names_xlwings_lite_in_the_office_store():
    with zip_of(LITE) as z:
        web = ET.fromstring(z.read("xl/webextensions/webextension1.xml"))
    ref = web.find(f"{WE}reference")
    alt = web.find(f"{WE}alternateReferences/{WE}reference")
    assert (ref.get("id"), ref.get("version"), ref.get("store"), ref.get("storeType")) == \
        ("wa200008175", "1.0.0.0", "ja-JP", "OMEX")
    assert (alt.get("id"), alt.get("store"), alt.get("storeType")) == ("WA200008175", "WA200008175", "OMEX")
    assert web.get("id").startswith("{") and web.get("id").endswith("}")
    assert web.find(f"{WE}extLst") is not None  # marks the custom functions


def test_main_py_and_requirements_are_json_encoded_settings():
    with zip_of(LITE) as z:
        raw = z.read("xl/webextensions/webextension1.xml").decode("utf-8")
        web = ET.fromstring(raw)
    values = {p.get("name"): p.get("value") for p in web.iter(f"{WE}property")}
    assert set(values) == {"main.py", "requirements.txt"}
    assert json.loads(values["main.py"]) == main_py()
    assert json.loads(values["requirements.txt"]) == requirements_txt()
    assert values["main.py"].startswith('"') and "\\/" in values["main.py"] and "\\n" in values["main.py"]
    assert "\n" not in raw.split("?>\r\n", 1)[1]  # no raw newline in an attribute: XML would turn it into a space


def test_the_plain_templates_carry_no_add_in_and_open_no_pane():
    for name in TEMPLATE_FILES.values():
        with zip_of(WORKBOOKS / name) as z:
            assert not [n for n in z.namelist() if "webextension" in n]


def test_the_lite_book_has_no_macros_and_is_an_xlsx():
    with zip_of(LITE) as z:
        assert not [n for n in z.namelist() if "vbaProject" in n]
        assert b"sheet.main+xml" in z.read("[Content_Types].xml")


def test_every_part_of_the_plain_template_is_in_the_lite_one_unchanged():
    plain, lite = WORKBOOKS / TEMPLATE_FILES["養護"], LITE
    with zip_of(plain) as p, zip_of(lite) as q:
        changed = {n for n in p.namelist() if p.read(n) != q.read(n)}
    assert changed == {"[Content_Types].xml", "_rels/.rels"}


def test_openpyxl_reads_the_lite_book_like_the_plain_one():
    plain = openpyxl.load_workbook(WORKBOOKS / TEMPLATE_FILES["養護"])
    lite = openpyxl.load_workbook(LITE)
    assert lite.sheetnames == plain.sheetnames and set(lite.defined_names) == set(plain.defined_names)


# ---- the bundle ----

def test_the_bundle_imports_only_what_pyodide_runs():
    assert set(external_imports()) - ALLOWED_IMPORTS == set()


def test_the_bundle_and_main_py_stay_small():
    assert len(bundle_zip()) <= MAX_BUNDLE_BYTES
    assert len(main_py()) <= MAX_MAIN_PY_CHARS


def test_the_bundle_is_the_package_sources_not_a_copy():
    with zipfile.ZipFile(io.BytesIO(bundle_zip())) as z:
        for module in modules():
            assert z.read(module.member) == module.path.read_bytes(), module.name


def test_the_bundle_holds_neither_the_server_nor_the_file_readers():
    names = {m.name for m in modules()}
    assert not names & {"kaigo_xl.excel.server", "kaigo_xl.excel.udfs", "kaigo_xl.workbook.reader.file",
                        "kaigo_xl.workbook.template.book", "kaigo_xl.workbook.forms.render", "kaigo_xl.xlsx.preflight"}


def test_every_bundled_module_is_held_pure_by_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (pure,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "pure-core"]
    assert {m.name for m in modules()} - set(pure["source_modules"]) == set()


def test_requirements_name_the_packages_the_bundle_imports():
    wanted = {line.split("<")[0].split("=")[0].strip() for line in requirements_txt().splitlines()
              if line and not line.startswith("#")}
    assert wanted == set(external_imports()) & {"pydantic", "holidays", "xlwings"}


# ---- workbooks/ ----

@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {lite_name(name): make_lite(workbook_bytes(wb)) for name, wb in distributable_templates().items()}


@pytest.mark.parametrize("name", sorted(lite_name(n) for n in TEMPLATE_FILES.values()))
def test_the_committed_lite_template_matches_the_builder(built, name):
    committed = WORKBOOKS / name
    assert committed.exists(), f"{committed} がありません。`make workbooks` を実行してください。"
    assert committed.read_bytes() == built[name], (
        f"{committed} が現在のビルド結果と異なります（kaigo_xl のコードを変えると main.py も変わります）。"
        "`make workbooks` を実行して作り直し、コミットしてください。")


def test_build_workbooks_writes_the_lite_variants(tmp_path, built):
    from kaigo_xl.commands import main

    assert main(["build-workbooks", str(tmp_path)]) == 0
    for name, data in built.items():
        assert (tmp_path / name).read_bytes() == data


# ---- 使い方 ----

def test_the_guide_says_the_book_works_without_an_add_in_and_how_to_add_xlwings_lite():
    from kaigo_xl.workbook import layout

    ws = openpyxl.load_workbook(LITE)[layout.S_GUIDE]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Excel の数式だけで" in text and "アドインを入れなくてもかまいません" in text
    assert "「ホーム」タブの「アドイン」" in text and "検索欄に「xlwings」" in text and "「追加」" in text
    assert "Microsoft Marketplace（Office アドイン ストア）" in text and "無料" in text
    assert "管理者" in text and "統合アプリ" in text  # managed Microsoft 365 tenants
