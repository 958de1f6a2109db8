"""openpyxl drops the parts it does not understand; every in-place write puts back what can be kept and refuses
(exit code 4, naming it in Japanese, the file untouched) when something would still be lost.

The books are the project's template with parts added the way Excel or an add-in stores them; `kaigo-xl forms` is
the in-place write (it loads the book with openpyxl, redraws the two forms and saves).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kaigo_xl.commands import main
from kaigo_xl.demo import sample_payload
from kaigo_xl.excel.lite import make_lite
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template import build_template
from kaigo_xl.xlsx.carryover import carry_over
from kaigo_xl.xlsx.opc import (
    CONTENT_TYPES,
    ROOT_RELS,
    OpcPackage,
    add_content_types,
    add_relationships,
    rewrite,
)
from kaigo_xl.xlsx.package import book_index
from kaigo_xl.xlsx.save import workbook_bytes

LITE_PARTS = ("xl/webextensions/taskpanes.xml", "xl/webextensions/_rels/taskpanes.xml.rels",
              "xl/webextensions/webextension1.xml")
CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
METADATA = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
SS = "application/vnd.openxmlformats-officedocument.spreadsheetml."
SPARKLINES = ('<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
              'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:sparklineGroups '
              'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:sparklineGroup><x14:colorSeries '
              'rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>月別職員数!C6:C17</xm:f><xm:sqref>H20</xm:sqref>'
              '</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>')
SHAPE = ('<twoCellAnchor><from><col>1</col><colOff>0</colOff><row>1</row><rowOff>0</rowOff></from><to><col>3</col>'
         '<colOff>0</colOff><row>3</row><rowOff>0</rowOff></to><sp macro="" textlink=""><nvSpPr><cNvPr id="9" '
         'name="btnCheck"/><cNvSpPr/></nvSpPr><spPr/></sp><clientData/></twoCellAnchor>')  # a button, as in Lite


@pytest.fixture(scope="module")
def template() -> bytes:
    """The sample facility's book as `kaigo-xl template --data` writes it."""
    return workbook_bytes(build_template(Policy(), data=FacilityInput.model_validate(sample_payload())), fixed_time=None)


def book_with(template: bytes, tmp_path: Path, *, parts: dict[str, bytes] | None = None,
              types: dict[str, str] | None = None, root: list | None = None, book: list | None = None,
              rels: dict[str, list] | None = None, edit: dict[str, tuple[bytes, bytes]] | None = None) -> Path:
    """The template with parts added (content types, relationships from the package, the workbook or any part)
    and part texts edited (old → new); saved as tmp_path/book.xlsx."""
    package = OpcPackage(template)
    replace: dict[str, bytes] = {CONTENT_TYPES: add_content_types(package.parts[CONTENT_TYPES], types or {})}
    for name, extra in ((ROOT_RELS, root), ("xl/_rels/workbook.xml.rels", book)):
        if extra:
            replace[name] = add_relationships(package.parts.get(name), extra)
    new = dict(parts or {})
    for name, extra in (rels or {}).items():
        target = replace if name in package.parts else new
        target[name] = add_relationships(package.parts.get(name), extra)
    for name, (old, text) in (edit or {}).items():
        assert old in package.parts[name], name
        replace[name] = package.parts[name].replace(old, text, 1)
    path = tmp_path / "book.xlsx"
    path.write_bytes(rewrite(template, replace, new))
    return path


def sheet_part(data: bytes, sheet: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return book_index(z).sheets[sheet]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def refused(path: Path, capsys) -> str:
    before = path.read_bytes()
    assert main(["forms", str(path)]) == 4
    assert path.read_bytes() == before
    return capsys.readouterr().err


# ---- kept ----

def test_a_lite_book_rewritten_by_forms_keeps_byte_identical_lite_parts(template, tmp_path):
    path = tmp_path / "lite.xlsx"
    path.write_bytes(make_lite(template))
    before = members(path)
    assert main(["forms", str(path)]) == 0
    after = members(path)
    plan = sheet_part(path.read_bytes(), layout.S_PLAN)
    assert after[plan] != before[plan]  # the forms were redrawn with the engine's values
    assert {p: after[p] for p in LITE_PARTS} == {p: before[p] for p in LITE_PARTS}


def test_the_kept_task_pane_is_still_named_by_the_package_with_its_content_types(template, tmp_path):
    path = tmp_path / "lite.xlsx"
    path.write_bytes(make_lite(template))
    assert main(["forms", str(path)]) == 0
    package = OpcPackage(path.read_bytes())
    assert [r.target for r in package.relationships("") if r.type.endswith("/webextensiontaskpanes")] == [LITE_PARTS[0]]
    assert package.content_type(LITE_PARTS[2]) == "application/vnd.ms-office.webextension+xml"
    assert openpyxl.load_workbook(path).sheetnames == list(layout.BOOK_ORDER)


def test_custom_xml_of_the_workbook_is_kept(template, tmp_path):
    item = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<kaigo xmlns="urn:x">見本</kaigo>'.encode()
    props = (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n<ds:datastoreItem ds:itemID="{1}" '
             b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>')
    path = book_with(template, tmp_path, parts={"customXml/item1.xml": item, "customXml/itemProps1.xml": props},
                     types={"customXml/itemProps1.xml": "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"},
                     book=[("rId900", CUSTOM_XML, "../customXml/item1.xml")],
                     rels={"customXml/_rels/item1.xml.rels": [(
                         "rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps",
                         "itemProps1.xml")]})
    assert main(["forms", str(path)]) == 0
    after = OpcPackage(path.read_bytes())
    assert after.parts["customXml/item1.xml"] == item and after.parts["customXml/itemProps1.xml"] == props
    assert [r.target for r in after.relationships("xl/workbook.xml") if r.type == CUSTOM_XML] == ["customXml/item1.xml"]
    assert [r.target for r in after.relationships("customXml/item1.xml")] == ["customXml/itemProps1.xml"]


def test_a_thumbnail_of_the_package_is_kept(template, tmp_path):
    path = book_with(template, tmp_path, parts={"docProps/thumbnail.emf": b"EMF data"},
                     types={"docProps/thumbnail.emf": "image/x-emf"}, root=[("rId99", THUMBNAIL, "docProps/thumbnail.emf")])
    assert main(["forms", str(path)]) == 0
    after = OpcPackage(path.read_bytes())
    assert after.parts["docProps/thumbnail.emf"] == b"EMF data"
    assert any(r.type == THUMBNAIL for r in after.relationships(""))


def test_what_excel_rebuilds_by_itself_is_let_go(template, tmp_path):
    path = book_with(template, tmp_path, parts={"xl/calcChain.xml": b'<calcChain xmlns="x"/>'},
                     types={"xl/calcChain.xml": SS + "calcChain+xml"}, book=[("rId901", CALC_CHAIN, "calcChain.xml")])
    assert main(["forms", str(path)]) == 0
    assert "xl/calcChain.xml" not in members(path)


# ---- refused, naming what would be lost ----

def test_sparklines_are_named_and_the_book_is_not_written(template, tmp_path, capsys):
    sheet = sheet_part(template, layout.S_CALC)
    path = book_with(template, tmp_path, edit={sheet: (b"</worksheet>", SPARKLINES.encode() + b"</worksheet>")})
    assert "スパークライン" in refused(path, capsys)


def test_a_shape_in_a_drawing_is_named_and_the_book_is_not_written(template, tmp_path, capsys):
    drawing = next(p for p in OpcPackage(template).parts if p.startswith("xl/drawings/drawing"))
    path = book_with(template, tmp_path, edit={drawing: (b"</wsDr>", SHAPE.encode() + b"</wsDr>")})
    assert "図形" in refused(path, capsys)


def test_dynamic_array_metadata_cannot_be_carried_alone(template, tmp_path, capsys):
    path = book_with(template, tmp_path, parts={"xl/metadata.xml": b'<metadata xmlns="x"/>'},
                     types={"xl/metadata.xml": SS + "sheetMetadata+xml"}, book=[("rId902", METADATA, "metadata.xml")])
    assert "動的配列の数式（スピル）" in refused(path, capsys)


def test_threaded_comments_of_a_sheet_are_named(template, tmp_path, capsys):
    sheet = sheet_part(template, layout.S_MONTHLY)
    rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    path = book_with(template, tmp_path, parts={"xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>"},
                     types={"xl/threadedComments/threadedComment1.xml": "application/vnd.ms-excel.threadedcomments+xml"},
                     rels={rels: [("rId903", THREADED, "../threadedComments/threadedComment1.xml")]})
    assert "スレッド形式のコメント" in refused(path, capsys)


def test_an_unknown_part_of_a_sheet_is_named_by_its_path(template, tmp_path, capsys):
    sheet = sheet_part(template, layout.S_MONTHLY)
    rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    path = book_with(template, tmp_path, parts={"xl/mystery/thing1.xml": b"<thing/>"},
                     types={"xl/mystery/thing1.xml": "application/x-mystery+xml"},
                     rels={rels: [("rId904", "urn:mystery", "../mystery/thing1.xml")]})
    assert "xl/mystery/thing1.xml" in refused(path, capsys)


# ---- the mechanism on its own (no template: any openpyxl round trip) ----

def test_a_round_trip_of_a_plain_book_loses_nothing():
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    data = workbook_bytes(wb)
    again = workbook_bytes(openpyxl.load_workbook(io.BytesIO(data)))
    done = carry_over(data, again)
    assert (done.data, done.kept, done.lost) == (again, [], [])


def test_a_part_named_inside_the_workbook_xml_is_not_carried(template):
    """A relationship the workbook names by id (here a made-up one) hangs on XML openpyxl rewrote."""
    package = OpcPackage(template)
    book = package.parts["xl/workbook.xml"].replace(b"</workbook>", b'<x r:id="rId905"/></workbook>')
    original = rewrite(template, {
        "xl/workbook.xml": book,
        CONTENT_TYPES: add_content_types(package.parts[CONTENT_TYPES], {"xl/extra.xml": "application/x-extra+xml"}),
        "xl/_rels/workbook.xml.rels": add_relationships(package.parts["xl/_rels/workbook.xml.rels"],
                                                        [("rId905", "urn:extra", "extra.xml")])},
        {"xl/extra.xml": b"<extra/>"})
    done = carry_over(original, template)
    assert done.kept == [] and done.lost == ["Excel の部品 xl/extra.xml"]
