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
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader.cells import CellReader, Grid, SheetValues
from kaigo_xl.workbook.reader.integrity import (
    SHEETS_TO_READ,
    check_template_version,
    legacy_version,
    merged_inputs,
    missing_sheets,
    moved_names,
    template_version,
)
from kaigo_xl.workbook.reader.sections import (
    read_expenses,
    read_facility,
    read_initiatives,
    read_method,
    read_monthly,
    read_roster,
)
from kaigo_xl.xlsx.refs import column_letters, runs

Locate = Callable[[str], str]


class Locator:
    """The reader's `locate`: an engine field path → `sheet!cell`; `unread` holds the months whose cells could not be
    read (`monthly.6`, `monthly_actual.6`), so the engine neither calls them missing nor adds them up."""

    def __init__(self, r: CellReader) -> None:
        self.r = r
        self.unread: set[str] = set()
        self.missing: dict[str, list[str]] = {"monthly": [], "monthly_actual": []}
        self.roster = False  # the 実績 come from the roster
        self.roster_empty = False
        self.legacy = False  # a book of version 2025.1: one column of monthly figures

    def __call__(self, path: str) -> str:
        if path in ("monthly", "monthly_actual"):
            return self._side(path)
        m = re.fullmatch(r"(monthly|monthly_actual)\[(\d+)\]\.(fte|tokutei_fte|month)", path)
        if m and self.roster and (m.group(1) == "monthly_actual" or self.legacy) and int(m.group(2)) < 12:
            return self._roster_month(int(m.group(2)), m.group(3))
        key = path
        while (found := self.r.where.get(key)) is None:
            shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", key)  # roster.staff[2].pattern → roster.staff[2]
            if shorter == key:
                return L.locate(path)
            key = shorter
        return found

    def _roster_month(self, i: int, field: str) -> str:
        """A month computed from the roster (April … March): its result on 月別職員数 (I, J), or in a 2025.1 book
        the roster's own summary (勤務形態一覧 rows 7, 8), which both layouts share."""
        if self.legacy:
            col = column_letters(L.roster_cols(FISCAL_MONTHS[i])[0])
            row = L.ROSTER_SUMMARY_ROWS["tokutei" if field == "tokutei_fte" else "sochi"]
            return L.cell(L.S_ROSTER, f"{col}{row}")
        col = {"fte": L.COL_ROSTER_FTE, "tokutei_fte": L.COL_ROSTER_TOKUTEI, "month": L.COL_MONTH}[field]
        return L.cell(L.S_MONTHLY, f"{col}{L.MONTHLY_ROWS[i]}")

    def _side(self, key: str) -> str:
        """Where a finding about a whole set of figures points: its blank cells, the empty roster, or its totals."""
        if self.missing[key]:
            return f"{L.S_MONTHLY}!{runs(self.missing[key])}"
        if self.roster_empty and (key == "monthly_actual" or self.legacy):
            return L.cell(L.S_ROSTER, f"{L.ROSTER_COL_JOB}{L.ROSTER_FIRST_ROW}")
        col = L.COL_ACTUAL_TARGET if key == "monthly_actual" and not self.legacy else L.COL_TARGET
        return L.cell(L.S_MONTHLY, f"{col}{L.MONTHLY_ROWS[0]}:{col}{L.MONTHLY_ROWS[-1]}")


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
    locate = Locator(r)
    version, version_at = template_version(grids, names)
    check_template_version(r, version, version_at)
    lost = missing_sheets(grids, names, source) or moved_names(names)
    if lost:
        return None, lost + r.findings, locate
    r.findings += merged_inputs(merged or {})
    sheets = {name: SheetValues(name, grids[name]) for name in SHEETS_TO_READ if name in grids}
    locate.legacy = legacy_version(version)
    data: dict = {}
    usable = read_facility(r, sheets[L.S_FACILITY], data)
    _read_staffing(r, sheets, data, locate)
    data["initiatives"] = read_initiatives(r, sheets[L.S_INITIATIVES])
    data["expenses"] = read_expenses(r, sheets[L.S_EXPENSES])
    if not usable:
        return None, r.findings, locate
    try:
        inp = FacilityInput.model_validate(data)
    except ValidationError as exc:  # the cells were checked one by one; this is the safety net
        return None, r.findings + validation_findings(exc, lambda loc: locate(json_path(loc))), locate
    return inp, r.findings, locate


def _read_staffing(r: CellReader, sheets: Mapping[str, SheetValues], data: dict, locate: Locator) -> None:
    """月別職員数: the 見込み (C, D) into `monthly`; the 実績 typed (E, F) into `monthly_actual`, or the roster.

    A 2025.1 book has one pair of columns (C, D) that was read as the plan's or the report's figures: it is read
    into `monthly` without `monthly_actual`, which the engine reads as before (engine.staffing)."""
    monthly = sheets[L.S_MONTHLY]
    method = read_method(r, monthly, sheets[L.S_ROSTER])
    locate.roster = method == L.INPUT_METHODS[1]
    if locate.legacy and locate.roster:
        data["monthly"] = []
    else:
        data["monthly"], locate.missing["monthly"], unread = read_monthly(r, monthly, "monthly", (L.COL_FTE, L.COL_TOKUTEI),
                                                                           "" if locate.legacy else "見込みの")
        locate.unread |= {f"monthly.{m}" for m in unread}
    side = "monthly" if locate.legacy else "monthly_actual"
    if locate.roster:
        unread = set()
        data["roster"] = read_roster(r, sheets[L.S_ROSTER], unread)
        locate.unread |= {f"{side}.{m}" for m in unread}
        locate.roster_empty = not data["roster"]["staff"]
        if not locate.legacy:
            data["monthly_actual"] = []
    elif not locate.legacy:
        data["monthly_actual"], locate.missing["monthly_actual"], unread = read_monthly(
            r, monthly, "monthly_actual", (L.COL_ACTUAL_FTE, L.COL_ACTUAL_TOKUTEI), "実績の")
        locate.unread |= {f"monthly_actual.{m}" for m in unread}
