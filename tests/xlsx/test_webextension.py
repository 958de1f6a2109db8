"""Task-pane add-ins stored in a workbook: the parts are written exactly as Excel writes them.

The reference is a public workbook saved by xlwings Lite 1.0.0.0-18 (amararun/xlwings-lite-apps-codes-docs,
technical-analysis/TECHNICAL_ANALYSIS_PDF_HTML_V2_1025.xlsx; ../shared/XLWINGS_LITE.md). Its webextension part is
reproduced here byte for byte with every setting but main.py (someone else's code); the writer must give the same
bytes for the same settings.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest

from kaigo_xl.xlsx.opc import OpcPackage
from kaigo_xl.xlsx.webextension import (
    CT_TASKPANES,
    CT_WEBEXTENSION,
    REL_TASKPANES,
    REL_WEBEXTENSION,
    TASKPANES,
    TaskPaneAddin,
    add_taskpane_addin,
    encode_setting,
    read_settings,
    taskpanes_xml,
    webextension_xml,
)

REQUIREMENTS = ("xlwings==0.33.15  # required\npython-dotenv==1.0.1  # required\npyodide-http  # required\n"
                "black  # required\npandas\nmatplotlib\nseaborn\nrequests\nfinta\nmplfinance\npillow\naiohttp")
SAVED_BY_EXCEL = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" '
    b'id="{DC9C9D73-18BC-4703-85D5-9E3765795B96}"><we:reference id="wa200008175" version="1.0.0.0" store="en-IN" '
    b'storeType="OMEX"/><we:alternateReferences><we:reference id="WA200008175" version="1.0.0.0" store="WA200008175" '
    b'storeType="OMEX"/></we:alternateReferences><we:properties>'
    b'<we:property name="pyodideVersion" value="&quot;0.27.5&quot;"/>'
    b'<we:property name="addinVersion" value="&quot;1.0.0.0-18&quot;"/>'
    b'<we:property name="requirements.txt" value="&quot;xlwings==0.33.15  # required\\npython-dotenv==1.0.1  # '
    b'required\\npyodide-http  # required\\nblack  # required\\npandas\\nmatplotlib\\nseaborn\\nrequests\\nfinta\\n'
    b'mplfinance\\npillow\\naiohttp&quot;"/></we:properties><we:bindings/>'
    b'<we:snapshot xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/><we:extLst>'
    b'<a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" uri="{D87F86FE-615C-45B5-9D79-34F1136793EB}">'
    b'<we:containsCustomFunctions/></a:ext><a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    b'uri="{7C84B067-C214-45C3-A712-C9D94CD141B2}"><we:customFunctionIdList/></a:ext></we:extLst></we:webextension>'
)
TASKPANES_SAVED_BY_EXCEL = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11">'
    b'<wetp:taskpane dockstate="right" visibility="0" width="350" row="2"><wetp:webextensionref '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></wetp:taskpane>'
    b'</wetp:taskpanes>')
SAMPLE = TaskPaneAddin(store_id="WA200008175", guid="{DC9C9D73-18BC-4703-85D5-9E3765795B96}", culture="en-IN",
                       properties={"pyodideVersion": "0.27.5", "addinVersion": "1.0.0.0-18",
                                   "requirements.txt": REQUIREMENTS},
                       custom_functions=True, visible=False)


def test_the_webextension_part_is_byte_for_byte_what_excel_saved():
    assert webextension_xml(SAMPLE) == SAVED_BY_EXCEL


def test_the_taskpanes_part_is_byte_for_byte_what_excel_saved():
    assert taskpanes_xml(SAMPLE, "rId1") == TASKPANES_SAVED_BY_EXCEL


def test_visible_opens_the_pane_when_the_book_opens():
    shown = TaskPaneAddin(store_id="WA200008175", guid="{0}")
    assert b'visibility="1"' in taskpanes_xml(shown, "rId1")


@pytest.mark.parametrize("value, stored", [
    ('print("a/b")\n', '"print(\\"a\\/b\\")\\n"'),  # Office escapes the slash
    ("介護加算 <&>", '"介護加算 <&>"'),  # non-ASCII stays raw UTF-8; XML escaping comes afterwards
    ("tab\there", '"tab\\there"'),
])
def test_settings_are_json_the_way_office_js_writes_them(value, stored):
    assert encode_setting(value) == stored


def test_a_setting_survives_the_round_trip_through_the_attribute():
    code = 'x = "</we:property>"\n# 日本語 & <tags> \\ / "quotes"\n\tend'
    addin = TaskPaneAddin(store_id="WA200008175", guid="{0}", properties={"main.py": code})
    root = ET.fromstring(webextension_xml(addin))
    assert root.find(".//{*}property").get("value") == encode_setting(code)


# ---- adding the parts to a workbook ----

@pytest.fixture(scope="module")
def book() -> bytes:
    from kaigo_xl.xlsx.save import workbook_bytes

    wb = openpyxl.Workbook()
    wb.active["A1"] = "見本"
    return workbook_bytes(wb)


@pytest.fixture(scope="module")
def with_addin(book) -> bytes:
    return add_taskpane_addin(book, TaskPaneAddin(store_id="WA200008175", guid="{0}", properties={"a": "1"}))


def test_the_package_names_the_task_pane_from_its_root(with_addin):
    package = OpcPackage(with_addin)
    roots = {r.type: r.target for r in package.relationships("")}
    assert roots[REL_TASKPANES] == TASKPANES
    assert [(r.type, r.target) for r in package.relationships(TASKPANES)] == [
        (REL_WEBEXTENSION, "xl/webextensions/webextension1.xml")]


def test_the_parts_have_their_content_types(with_addin):
    package = OpcPackage(with_addin)
    assert package.content_type(TASKPANES) == CT_TASKPANES
    assert package.content_type("xl/webextensions/webextension1.xml") == CT_WEBEXTENSION


def test_every_other_part_is_unchanged(book, with_addin):
    before, after = OpcPackage(book), OpcPackage(with_addin)
    changed = {n for n in before.parts if before.parts[n] != after.parts[n]}
    assert changed == {"[Content_Types].xml", "_rels/.rels"}


def test_the_taskpanes_reference_id_is_a_relationship_of_its_part(with_addin):
    with zipfile.ZipFile(io.BytesIO(with_addin)) as z:
        ref = ET.fromstring(z.read(TASKPANES)).find(".//{*}webextensionref")
    rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert rid in {r.id for r in OpcPackage(with_addin).relationships(TASKPANES)}


def test_the_settings_read_back(with_addin):
    assert read_settings(with_addin) == {"xl/webextensions/webextension1.xml": {"a": "1"}}


def test_openpyxl_still_opens_the_book(with_addin):
    assert openpyxl.load_workbook(io.BytesIO(with_addin)).active["A1"].value == "見本"


def test_the_same_book_gives_the_same_bytes(book, with_addin):
    again = add_taskpane_addin(book, TaskPaneAddin(store_id="WA200008175", guid="{0}", properties={"a": "1"}))
    assert again == with_addin


def test_a_second_task_pane_is_refused(with_addin):
    with pytest.raises(ValueError):
        add_taskpane_addin(with_addin, TaskPaneAddin(store_id="WA200008175", guid="{1}"))
