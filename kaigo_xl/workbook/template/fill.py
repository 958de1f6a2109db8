"""Writing a FacilityInput into a template's input cells (layout.py), for `kaigo-xl template --data`, for
`kaigo-xl distribute` and for the tests.

The input areas are cleared first, so a filled workbook holds exactly the given input and nothing left over.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kaigo_xl.engine import staffing_rows
from kaigo_xl.errors import CapacityExceeded
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput, MonthlyStaffing
from kaigo_xl.numbers import exact_cell_value
from kaigo_xl.workbook import layout
from kaigo_xl.xlsx.save import put_value

_PHASE_LABEL = {v: k for k, v in layout.PHASE_VALUES.items()}  # plan → 計画書



def facility_cell_values(inp: FacilityInput) -> dict[str, Any]:
    f = inp.facility
    designated = {True: "あり", False: "なし", None: None}[f.tokutei_designated]
    submitted: date | str | None = None
    if inp.submitted_on:
        try:
            submitted = date.fromisoformat(inp.submitted_on)
        except ValueError:
            submitted = inp.submitted_on  # kept as typed: the reader and the checks report it
    return {
        "facility.name": f.name, "facility.type": f.type.value, "facility.subtype": f.subtype,
        "facility.number": f.number, "facility.municipality": f.municipality, "facility.corporation": f.corporation,
        "facility.representative": f.representative, "facility.address": f.address,
        "facility.capacity": f.capacity, "facility.tokutei_designated": designated, "facility.contact": f.contact,
        "fiscal_year": inp.fiscal_year, "phase": _PHASE_LABEL.get(inp.phase) if inp.phase else None,
        "submitted_on": submitted, "payment.installments": inp.payment.installments,
        "payment.first_month": inp.payment.first_month, "received_yen": inp.received_yen,
        "addressee": inp.addressee,
    }


def _clear(ws, refs) -> None:
    for ref in refs:
        ws[ref].value = None


def fill_inputs(wb: Workbook, inp: FacilityInput) -> None:
    """Write `inp` into the input cells of a template built by build_template (cells per layout.py)."""
    if inp.roster is not None and len(inp.roster.staff) > layout.ROSTER_MAX_STAFF:
        raise CapacityExceeded(f"勤務形態一覧に入力できる職員は{layout.ROSTER_MAX_STAFF}人までです"
                         f"（{len(inp.roster.staff)}人）。")
    extra_codes = [i for i in inp.initiatives if i.code not in layout.INITIATIVE_FIXED_ROWS]
    seen: set[str] = set()
    for ini in inp.initiatives:  # a second ア/イ/ウ goes to the extra rows
        if ini.code in layout.INITIATIVE_FIXED_ROWS:
            if ini.code in seen:
                extra_codes.append(ini)
            seen.add(ini.code)
    if len(extra_codes) > len(layout.INITIATIVE_EXTRA_ROWS):
        raise CapacityExceeded(f"取組シートに追加できる取組は{len(layout.INITIATIVE_EXTRA_ROWS)}件までです。")
    if len(inp.expenses) > len(layout.EXPENSE_ROWS):
        raise CapacityExceeded(f"経費シートに入力できる経費は{len(layout.EXPENSE_ROWS)}行までです（{len(inp.expenses)}行）。")

    ws = wb[layout.S_FACILITY]
    for key, value in facility_cell_values(inp).items():
        if key == "addressee" and not value:
            continue  # keep the policy's default addressee
        put_value(ws[layout.FIELD_BY_KEY[key].cell], value if value != "" else None)  # text stays text

    _fill_monthly(wb, inp)
    _fill_roster(wb, inp)
    _fill_initiatives(wb, inp, extra_codes)
    _fill_expenses(wb, inp)


def _fill_monthly(wb: Workbook, inp: FacilityInput) -> None:
    """The 見込み into C, D and the typed 実績 into E, F, as the engine reads the input (engine.staffing_rows)."""
    ws = wb[layout.S_MONTHLY]
    uses_roster = inp.roster is not None and bool(inp.roster.staff)
    ws[layout.INPUT_METHOD_CELL].value = layout.INPUT_METHODS[1 if uses_roster else 0]
    plan, actual = staffing_rows(inp)
    _put_months(ws, plan, layout.COL_FTE, layout.COL_TOKUTEI)
    _put_months(ws, actual or [], layout.COL_ACTUAL_FTE, layout.COL_ACTUAL_TOKUTEI)


def _put_months(ws, rows: list[MonthlyStaffing], fte_col: str, tok_col: str) -> None:
    _clear(ws, [f"{c}{r}" for r in layout.MONTHLY_ROWS for c in (fte_col, tok_col)])
    for row in rows:
        r = layout.MONTH_ROW[row.month]
        ws[f"{fte_col}{r}"].value = exact_cell_value(row.fte)
        ws[f"{tok_col}{r}"].value = exact_cell_value(row.tokutei_fte)


def _fill_roster(wb: Workbook, inp: FacilityInput) -> None:
    ws = wb[layout.S_ROSTER]
    last = layout.roster_cols(FISCAL_MONTHS[-1])[1]
    for r in layout.ROSTER_ROWS:
        _clear(ws, [f"{c}{r}" for c in (layout.ROSTER_COL_NAME, layout.ROSTER_COL_JOB, layout.ROSTER_COL_PATTERN,
                                        layout.ROSTER_COL_SHORT)])
        _clear(ws, [f"{get_column_letter(c)}{r}" for c in range(layout.ROSTER_FIRST_MONTH_COL, last + 1)])
    if inp.roster is None:
        return
    ws[layout.ROSTER_WEEKLY_HOURS_CELL].value = exact_cell_value(inp.roster.weekly_fulltime_hours)
    for r, s in zip(layout.ROSTER_ROWS, inp.roster.staff):
        put_value(ws[f"{layout.ROSTER_COL_NAME}{r}"], s.name or None)
        put_value(ws[f"{layout.ROSTER_COL_JOB}{r}"], s.job)
        ws[f"{layout.ROSTER_COL_PATTERN}{r}"].value = s.pattern.value
        ws[f"{layout.ROSTER_COL_SHORT}{r}"].value = layout.ROSTER_SHORT_MARK if s.short_time else None
        for month in FISCAL_MONTHS:
            cs, ct = layout.roster_cols(month)
            ws.cell(row=r, column=cs).value = exact_cell_value(s.sochi_hours.get(month))
            ws.cell(row=r, column=ct).value = exact_cell_value(s.tokutei_hours.get(month))


def _fill_initiatives(wb: Workbook, inp: FacilityInput, extra) -> None:
    ws = wb[layout.S_INITIATIVES]
    for r in (*layout.INITIATIVE_FIXED_ROWS.values(), *layout.INITIATIVE_EXTRA_ROWS):
        _clear(ws, [f"{layout.INI_COL_STATUS}{r}", f"{layout.INI_COL_DETAIL}{r}"])
    _clear(ws, [f"{layout.INI_COL_CODE}{r}" for r in layout.INITIATIVE_EXTRA_ROWS])
    placed: set[str] = set()
    for ini in inp.initiatives:
        if ini.code in layout.INITIATIVE_FIXED_ROWS and ini.code not in placed:
            placed.add(ini.code)
            r = layout.INITIATIVE_FIXED_ROWS[ini.code]
            ws[f"{layout.INI_COL_STATUS}{r}"].value = ini.status.value
            put_value(ws[f"{layout.INI_COL_DETAIL}{r}"], ini.detail or None)
    for r, ini in zip(layout.INITIATIVE_EXTRA_ROWS, extra):
        put_value(ws[f"{layout.INI_COL_CODE}{r}"], ini.code)
        ws[f"{layout.INI_COL_STATUS}{r}"].value = ini.status.value
        put_value(ws[f"{layout.INI_COL_DETAIL}{r}"], ini.detail or None)


def _fill_expenses(wb: Workbook, inp: FacilityInput) -> None:
    ws = wb[layout.S_EXPENSES]
    cols = (layout.EXP_COL_CATEGORY, layout.EXP_COL_DESCRIPTION, layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL)
    for r in layout.EXPENSE_ROWS:
        _clear(ws, [f"{c}{r}" for c in cols])
    for r, e in zip(layout.EXPENSE_ROWS, inp.expenses):
        for c, v in zip(cols, (e.category, e.description or None, e.planned_yen, e.actual_yen)):
            put_value(ws[f"{c}{r}"], v)
