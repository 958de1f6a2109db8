"""A workbook file → the facility input: the preflight refuses hostile files; the values of plainly written sheets
are read from the checked bytes directly (kaigo_xl.xlsx.plainread), any other by python-calamine — the same values.

Fast enough for a municipality's 3,000 returned workbooks; the file is only read, never changed. Error values
(#DIV/0!, #SPILL! …) come from the scan with their cells and are put in the grid as CellError, so that the reader
reports each as what it is: calamine reads the classic ones as "" and refuses the newer ones (it then reads a copy
in memory whose error cells say #N/A: kaigo_xl.xlsx.cellerrors).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaigo_xl.findings import Finding, finding
from kaigo_xl.models import FacilityInput
from kaigo_xl.texts import clean_text
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader.cells import CellError, Grid
from kaigo_xl.workbook.reader.grids import Locate, read_grids
from kaigo_xl.workbook.reader.integrity import SHEETS_TO_READ
from kaigo_xl.xlsx.plainread import PlainBook
from kaigo_xl.xlsx.refs import column_letters, name_target, split_ref

if TYPE_CHECKING:
    from kaigo_xl.xlsx.preflight import Preflight

# Scanned and parsed for every book; the roster only when the 実績 come from it.
EAGER_SHEETS = tuple(s for s in SHEETS_TO_READ if s != L.S_ROSTER)


def _direct_entry(monthly: Grid | None) -> bool:
    """The input-method cell says 直接入力 exactly (anything else, blank included, may need the roster)."""
    row, col = split_ref(L.INPUT_METHOD_CELL)
    try:
        value = monthly[row - 1][col - 1] if monthly else None
    except IndexError:
        return False
    return value == L.INPUT_METHODS[0]


def _with_errors(grid: list[list], errors: Mapping[str, str]) -> Grid:
    """The grid with each error value at its cell, as a CellError (calamine left "" or #N/A there)."""
    for ref, code in errors.items():
        row, col = split_ref(ref)
        if row <= len(grid) and col <= len(grid[row - 1]):
            grid[row - 1][col - 1] = CellError(code)
    return grid


def read_workbook(path: Path, *, deep_check: bool = True) -> tuple[FacilityInput | None, list[Finding], Locate]:
    """A filled workbook file → (input, findings, locate). Raises InputUnreadable (exit code 2) for files that are
    not readable workbooks; the file is only read, never changed. `deep_check=False` leaves uninflated the parts
    no reader parses (preflight `deep`); callers that load the whole book afterwards keep the default.

    The values come from the bytes the preflight checked (Preflight.plain_values, or python-calamine through
    Preflight.reader_zip), never from the file again; the roster is scanned and read only when the book's figures
    come from it."""
    from kaigo_xl.xlsx.preflight import parser_errors, preflight

    path = Path(path)
    checked = preflight(path, EAGER_SHEETS, deep=deep_check, keep=True)  # refuses damaged and hostile books
    with parser_errors(path):
        names = checked.defined_names  # read from xl/workbook.xml by preflight: the zip is not opened twice
        version_at = name_target(names.get("KX_TEMPLATE_VERSION", ""))
        first = [s for s in dict.fromkeys([*EAGER_SHEETS, *([version_at[0]] if version_at else [])])
                 if s in checked.sheet_parts]
        grids, merged = _parse(checked, first, every_name=True)
        if L.S_ROSTER in checked.sheet_parts and not _direct_entry(grids.get(L.S_MONTHLY)):
            roster, roster_merged = _parse(checked, [L.S_ROSTER])
            grids |= roster
            merged |= roster_merged
    inp, findings, locate = read_grids(grids, str(path), names, merged)
    if checked.macro_enabled:
        findings.append(finding("MACROS_IGNORED", "マクロ付きのブック（.xlsm）です。kaigo-xl はマクロを実行せず、入力された値"
                                "だけを読みました。市区町村から配布された様式（.xlsx）への入力をお勧めします。"))
    return inp, findings, locate


def _parse(checked: Preflight, sheets: list[str], every_name: bool = False) -> tuple[dict[str, Grid],
                                                                                    dict[str, list[str]]]:
    """The values (error cells as CellError) and merged ranges of `sheets`, read from the checked bytes — plainly
    written sheets without a parser (Preflight.plain_values), any other by python-calamine; with `every_name`, every
    sheet name of the book too (empty), for renamed-sheet hints."""
    book = checked.plain_values(sheets) or _calamine(checked, sheets)
    # every name (cleaned: it may be quoted in a message)
    grids: dict[str, Grid] = {clean_text(s, 100).text: [] for s in book.sheet_names} if every_name else {}
    merged: dict[str, list[str]] = {}
    for sheet in sheets:
        grids[sheet] = _with_errors(book.values[sheet], checked.cell_errors.get(sheet, {}))
        merged[sheet] = [f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
                         for (r0, c0), (r1, c1) in book.merged[sheet]]
    return grids, merged


def _calamine(checked: Preflight, sheets: list[str]) -> PlainBook:
    """`sheets` parsed by python-calamine from a zip of the checked bytes (Preflight.reader_zip)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(checked.reader_zip(sheets)))
    try:
        values: dict[str, list[list[Any]]] = {}
        merged = {}
        for sheet in sheets:
            found = book.get_sheet_by_name(sheet)
            values[sheet] = found.to_python(skip_empty_area=False)
            merged[sheet] = list(found.merged_cell_ranges or ())
        return PlainBook(list(book.sheet_names), values, merged)
    finally:
        book.close()
