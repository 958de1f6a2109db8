"""Reading a filled workbook into the models, cell by cell, with a finding at `sheet!cell` for every cell we cannot use.

Only input cells are read (the yellow cells of layout.py); every formula result (計算, チェック, 月別職員数!G …) is
ignored, so a stale or tampered cached value can never change a number: the engine recomputes everything.

`read_grids` works on plain values (rows of cells, A1 at [0][0]) so the Excel add-in (xlwings Server, classic and
Lite) can feed it the values of a live book; `kaigo_xl.workbook.reader.file` gets those values from a file.
Nothing here touches files, openpyxl or python-calamine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from pydantic import ValidationError

from kaigo_xl.findings import Finding, json_path, validation_findings
from kaigo_xl.models import FacilityInput
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader.cells import CellReader, Grid, SheetValues
from kaigo_xl.workbook.reader.integrity import (
    SHEETS_TO_READ,
    check_template_version,
    merged_inputs,
    missing_sheets,
    moved_names,
)
from kaigo_xl.workbook.reader.sections import (
    read_expenses,
    read_facility,
    read_initiatives,
    read_method,
    read_monthly,
    read_roster,
)
from kaigo_xl.xlsx.refs import runs

Locate = Callable[[str], str]


def read_grids(grids: Mapping[str, Grid], source: str, defined_names: Mapping[str, str] | None = None,
               merged: Mapping[str, Sequence[str]] | None = None) -> tuple[FacilityInput | None, list[Finding], Locate]:
    """Sheet values (A1 at [0][0]) → the facility input, the reading findings and a `locate` for the engine.

    `defined_names` (KX_FTE → '月別職員数'!$C$6:$C$17) and `merged` (sheet → ["C6:D6", …]) are optional: given,
    they let the reader tell a renamed sheet, inserted rows and merged input cells. The input is None when the book
    cannot be evaluated (a sheet is missing, rows were inserted, the type or the year is unusable); the findings then
    say why. Nothing here touches files.
    """
    names = defined_names or {}
    r = CellReader()
    missing_months: list[str] = []
    mode = {"method": L.INPUT_METHODS[0], "roster_empty": False}

    def locate(path: str) -> str:
        if path == "monthly":
            if missing_months:
                return f"{L.S_MONTHLY}!{runs(missing_months)}"
            if mode["roster_empty"]:
                return L.cell(L.S_ROSTER, f"{L.ROSTER_COL_JOB}{L.ROSTER_FIRST_ROW}")
            return L.cell(L.S_MONTHLY, f"{L.COL_TARGET}{L.MONTHLY_ROWS[0]}:{L.COL_TARGET}{L.MONTHLY_ROWS[-1]}")
        m = re.fullmatch(r"monthly\[(\d+)\]\.(fte|tokutei_fte|month)", path)
        if m and mode["method"] == L.INPUT_METHODS[1] and int(m.group(1)) < 12:
            row = L.MONTHLY_ROWS[int(m.group(1))]  # roster mode: the engine's months are April … March
            col = {"fte": L.COL_ROSTER_FTE, "tokutei_fte": L.COL_ROSTER_TOKUTEI, "month": L.COL_MONTH}[m.group(2)]
            return L.cell(L.S_MONTHLY, f"{col}{row}")
        key = path
        while key not in r.where:
            shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", key)  # roster.staff[2].pattern → roster.staff[2]
            if shorter == key:
                return L.locate(path)
            key = shorter
        return r.where[key]

    check_template_version(r, grids, names)
    lost = missing_sheets(grids, names, source) or moved_names(names)
    if lost:
        return None, lost + r.findings, locate
    r.findings += merged_inputs(merged or {})
    sheets = {name: SheetValues(name, grids[name]) for name in SHEETS_TO_READ if name in grids}
    data: dict = {}
    usable = read_facility(r, sheets[L.S_FACILITY], data)
    mode["method"] = read_method(r, sheets[L.S_MONTHLY], sheets[L.S_ROSTER])
    if mode["method"] == L.INPUT_METHODS[0]:
        data["monthly"], missing = read_monthly(r, sheets[L.S_MONTHLY])
        missing_months.extend(missing)
    else:
        data["monthly"], data["roster"] = [], read_roster(r, sheets[L.S_ROSTER])
        mode["roster_empty"] = not data["roster"]["staff"]
    data["initiatives"] = read_initiatives(r, sheets[L.S_INITIATIVES])
    data["expenses"] = read_expenses(r, sheets[L.S_EXPENSES])
    if not usable:
        return None, r.findings, locate
    try:
        inp = FacilityInput.model_validate(data)
    except ValidationError as exc:  # the cells were checked one by one; this is the safety net
        return None, r.findings + validation_findings(exc, lambda loc: locate(json_path(loc))), locate
    return inp, r.findings, locate
