"""Error values in cells (issue 9): found with their cells while the preflight scans a sheet, and a copy that
python-calamine reads where it would refuse the book."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import support.bad_corpus as corpus

from kaigo_xl.workbook import layout as L
from kaigo_xl.xlsx.cellerrors import ErrorSniffer, calamine_copy, error_cells
from kaigo_xl.xlsx.preflight import preflight

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet(cells: str, ns: str = NS) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{cells}</sheetData></worksheet>'.encode()


def test_each_error_value_is_found_at_its_cell() -> None:
    xml = sheet('<row r="6"><c r="C6" t="e"><v>#SPILL!</v></c><c r="D6"><v>2</v></c></row>'
                '<row r="7"><c r="C7" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D7" t="str"><v>#CALC!</v></c></row>')
    assert error_cells([xml]) == {"C6": "#SPILL!", "C7": "#DIV/0!"}  # D7 is text that looks like an error


def test_positions_without_references_follow_the_reader() -> None:
    xml = sheet('<row r="3"><c><v>1</v></c><c t="e"><v>#N/A</v></c></row><row><c t="e"><v>#BUSY!</v></c></row>')
    assert error_cells([xml]) == {"B3": "#N/A", "A4": "#BUSY!"}


def test_prefixed_tags_and_cut_chunks_are_read() -> None:
    xml = sheet('<x:row r="2"><x:c r="E2" t="e"><x:v>#FIELD!</x:v></x:c></x:row>',
                'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"').replace(b"<sheetData>", b"<x:sheetData>").replace(b"</sheetData>", b"</x:sheetData>")
    chunks = [xml[i:i + 7] for i in range(0, len(xml), 7)]
    assert error_cells(chunks) == {"E2": "#FIELD!"}


def test_an_error_value_is_kept_as_stored() -> None:
    assert error_cells([sheet('<row r="1"><c r="A1" t="e"><v> #N/A</v></c></row>')]) == {"A1": " #N/A"}


def test_an_error_cell_without_a_value_is_not_a_value() -> None:
    assert error_cells([sheet('<row r="1"><c r="A1" t="e"/><c r="B1" t="e"><v> </v></c></row>')]) == {}


def test_the_sniffer_sees_an_error_cell_split_between_chunks() -> None:
    xml = b'<row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>'
    at = xml.index(b't="e"') + 2
    sniffer = ErrorSniffer()
    sniffer.feed(xml[:at])
    assert not sniffer.found
    sniffer.feed(xml[at:])
    assert sniffer.found


def _book_with(tmp_path: Path, name: str, cells: dict[str, str]) -> Path:
    data = corpus.base_bytes()
    for ref, xml in cells.items():
        data = corpus.cell_xml(data, L.S_MONTHLY, ref, xml)
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.skipif(corpus.template_bytes() is None, reason="the template builder is not available")
def test_the_preflight_reports_error_cells_of_the_sheets_it_scans(tmp_path: Path) -> None:
    path = _book_with(tmp_path, "errors.xlsx", {"C6": corpus.error_cell("C6", "#SPILL!"),
                                                "C8": corpus.error_cell("C8", "#DIV/0!")})
    found = preflight(path, sheets=[L.S_MONTHLY])
    assert found.cell_errors == {L.S_MONTHLY: {"C6": "#SPILL!", "C8": "#DIV/0!"}}
    assert found.error_parts == {L.S_MONTHLY: [corpus.part_of_sheet(path.read_bytes(), L.S_MONTHLY)]}
    assert preflight(path, sheets=[L.S_FACILITY]).cell_errors == {}  # sheets no reader opens are not parsed again


@pytest.mark.skipif(corpus.template_bytes() is None, reason="the template builder is not available")
def test_the_copy_for_calamine_says_na_where_calamine_refuses_and_keeps_every_other_cell(tmp_path: Path) -> None:
    from python_calamine import CalamineError, CalamineWorkbook

    path = _book_with(tmp_path, "spill.xlsx", {"C6": corpus.error_cell("C6", "#SPILL!"),
                                               "C7": '<c r="C7" t="str"><v>#SPILL!</v></c>'})
    with pytest.raises(CalamineError, match="#SPILL!"):
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.S_MONTHLY).to_python()
    part = corpus.part_of_sheet(path.read_bytes(), L.S_MONTHLY)
    copy = calamine_copy(path, [part])
    grid = CalamineWorkbook.from_filelike(io.BytesIO(copy)).get_sheet_by_name(L.S_MONTHLY).to_python(
        skip_empty_area=False)
    original = CalamineWorkbook.from_path(str(corpus_clean(tmp_path))).get_sheet_by_name(L.S_MONTHLY).to_python(
        skip_empty_area=False)
    assert grid[5][2] == "" and grid[6][2] == "#SPILL!"  # the error cell (#N/A reads as ""), the text cell as text
    assert [row for i, row in enumerate(grid) if i not in (5, 6)] == [
        row for i, row in enumerate(original) if i not in (5, 6)]
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        assert b'<c r="C6" t="e"><v>#N/A</v></c>' in z.read(part)


def corpus_clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.xlsx"
    path.write_bytes(corpus.base_bytes())
    return path
