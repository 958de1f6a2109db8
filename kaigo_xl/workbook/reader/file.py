"""A workbook file → the facility input: the preflight refuses hostile files, python-calamine reads the values.

Fast enough for a municipality's 3,000 returned workbooks; the file is only read, never changed. Error values
(#DIV/0!, #SPILL! …) come from the preflight's scan with their cells and are put in the grid as CellError, so
that the reader reports each as what it is: calamine reads the classic ones as "" and refuses the newer ones
(it then reads a copy in memory whose error cells say #N/A: kaigo_xl.xlsx.cellerrors).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from kaigo_xl.findings import Finding, finding
from kaigo_xl.models import FacilityInput
from kaigo_xl.texts import clean_text
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader.cells import CellError, Grid
from kaigo_xl.workbook.reader.grids import Locate, read_grids
from kaigo_xl.workbook.reader.integrity import SHEETS_TO_READ
from kaigo_xl.xlsx.refs import column_letters, name_target, split_ref


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
    not readable workbooks; the file is only read, never changed. `deep_check=False` skips inflating the sheets
    this reader never opens (safety.preflight `deep`); callers that load the whole book afterwards keep the default."""
    from python_calamine import CalamineWorkbook

    from kaigo_xl.xlsx.cellerrors import CALAMINE_ERRORS, calamine_copy
    from kaigo_xl.xlsx.preflight import MAX_SHEET_CELLS, parser_errors, preflight

    path = Path(path)
    checked = preflight(path, SHEETS_TO_READ, deep=deep_check)  # refuses damaged, hostile and absurdly wide books
    with parser_errors(path):
        names = checked.defined_names  # read from xl/workbook.xml by preflight: the zip is not opened twice
        version_at = name_target(names.get("KX_TEMPLATE_VERSION", ""))
        wanted = dict.fromkeys([*SHEETS_TO_READ, *([version_at[0]] if version_at else [])])
        refused = [part for sheet, found in checked.cell_errors.items() if set(found.values()) - CALAMINE_ERRORS
                   for part in checked.error_parts.get(sheet, ())]
        if refused:  # calamine refuses the whole book on an error value it does not know: read a copy
            book = CalamineWorkbook.from_filelike(io.BytesIO(calamine_copy(path, refused)))
        else:
            book = CalamineWorkbook.from_path(str(path))
        try:
            # every name (cleaned: it may be quoted in a message), for renamed-sheet hints
            grids: dict[str, Grid] = {clean_text(s, 100).text: [] for s in book.sheet_names}
            merged: dict[str, list[str]] = {}
            for sheet in wanted:
                if sheet == L.S_ROSTER and _direct_entry(grids.get(L.S_MONTHLY)):
                    continue  # 直接入力 chosen: the roster is never looked at, so it is not parsed either
                extent = checked.sheets.get(sheet)
                if sheet in grids and (extent is None or extent.cells <= MAX_SHEET_CELLS):
                    values = book.get_sheet_by_name(sheet)
                    grids[sheet] = _with_errors(values.to_python(skip_empty_area=False),
                                                checked.cell_errors.get(sheet, {}))
                    merged[sheet] = [f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
                                     for (r0, c0), (r1, c1) in values.merged_cell_ranges or ()]
        finally:
            book.close()
    inp, findings, locate = read_grids(grids, str(path), names, merged)
    if checked.macro_enabled:
        findings.append(finding("MACROS_IGNORED", "マクロ付きのブック（.xlsm）です。kaigo-xl はマクロを実行せず、入力された値"
                                "だけを読みました。市区町村から配布された様式（.xlsx）への入力をお勧めします。"))
    return inp, findings, locate
