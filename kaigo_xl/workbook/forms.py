"""Drawing the official forms (計画書・実績報告書) described in `forms_spec`, and `kaigo-xl forms`.

Two modes share one description: formula mode (the template: plain Excel computes the forms from the input sheets)
and value mode (a snapshot computed by the engine, written in place by `kaigo-xl forms` or by the Excel add-in).
`form_values` is pure data (cell → value) so the xlwings writer can use it as well as openpyxl.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from ..catalog import default_catalog
from ..engine import Evaluation
from ..models import FISCAL_MONTHS, FacilityType, Status
from ..policy import Policy
from ..rules.kasan import display_average
from ..rules.spending import category_of
from ..wareki import fiscal_year_label, wareki_date, wareki_month
from . import layout
from .forms_spec import (
    BLANK_DATE,
    FORMS,
    FTE,
    LINE_PT,
    PLAN,
    REPORT,
    REQUIREMENT_CODES,
    STYLES,
    UNIT_PT,
    Box,
    FormSpec,
    Style,
)

__all__ = ["PLAN", "REPORT", "FORMS", "add_form_sheets", "form_values", "value_table", "row_heights",
           "render_form_sheet", "cli_forms"]

_CATEGORIES = layout.EXPENSE_CATEGORIES[:2]  # 人件費, 職場環境改善経費 (the allowed ones)


# ---------------------------------------------------------------------------------------------------------------
# value mode: the engine's results as the forms show them
# ---------------------------------------------------------------------------------------------------------------

def _fte_text(value: Decimal | Fraction | None) -> str | None:
    """An FTE as printed: at least one decimal (10.5, 8.0), more only when entered (10.25)."""
    if value is None:
        return None
    d = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(value)
    return f"{d:.1f}" if d == d.quantize(Decimal("0.1")) else format(d.normalize(), "f")


def _check(on: bool, label: str) -> str:
    return f"{'☑' if on else '□'} {label}"


def _date(text: str | None) -> str:
    """令和7年6月10日 for an ISO date; the blank form line when there is none."""
    if not text:
        return BLANK_DATE
    try:
        return wareki_date(dt.date.fromisoformat(text))
    except ValueError:
        return ""  # the engine reports the bad date (INPUT_INVALID); the template's formula shows nothing either


def value_table(ev: Evaluation, stamp: dt.datetime | None = None) -> dict[str, object]:
    """Every value key of the form specs → what the form shows (str, int or None), from the engine only."""
    table = _header_values(ev, stamp)
    table.update(_monthly_values(ev))
    table.update(_requirement_values(ev))
    table.update(_money_values(ev))
    return table


def _header_values(ev: Evaluation, stamp: dt.datetime | None) -> dict[str, object]:
    inp, fac, pol = ev.input, ev.input.facility, ev.policy
    fy = fiscal_year_label(inp.fiscal_year)
    t: dict[str, object] = {
        "stamp": f"作成日時 {stamp:%Y-%m-%d %H:%M}（kaigo-xl）" if stamp else None,
        "submitted_on:計画書": _date(inp.submitted_on if ev.phase == "plan" else None),
        "submitted_on:実績報告書": _date(inp.submitted_on if ev.phase == "report" else None),
        "addressee": f"{inp.addressee or pol.mayor_title}　殿",
        "corporation": fac.corporation or None,
        "representative": fac.representative or None,
        "facility_name": fac.name or None,
        "facility_number": fac.number or None,
        "facility_type": ("養護老人ホーム" if fac.type is FacilityType.YOGO
                          else "軽費老人ホーム" + (f"（{fac.subtype}）" if fac.subtype else "")),
        "capacity": fac.capacity,
        "address": fac.address or None,
        "tokutei": (f"{_check(fac.tokutei_designated is True, 'あり')}　"
                    f"{_check(fac.tokutei_designated is False, 'なし')}"),
        "fy_label": fy,
        "period": f"{wareki_month(inp.fiscal_year, 4)}から{wareki_month(inp.fiscal_year + 1, 3)}まで",
        "contact": fac.contact or None,
        "due": f"{wareki_date(ev.report_due)}（{ev.report_due.year}年{ev.report_due.month}月{ev.report_due.day}日）",
    }
    for spec in FORMS:  # 令和7年度　…　計画書 and the opening sentence carry the fiscal year
        for box in spec.boxes:
            if box.key and box.key.startswith(("title:", "preamble:")):
                t[box.key] = fy + ("　" if box.key.startswith("title:") else "") + box.key.split(":", 1)[1]
    return t


def _monthly_values(ev: Evaluation) -> dict[str, object]:
    by_month = {m.month: m for m in ev.monthly}
    targets = ev.result.monthly_targets if ev.result else None
    pays = {p.month: p.yen for p in ev.payments}
    t: dict[str, object] = {}
    for i, month in enumerate(FISCAL_MONTHS):
        row = by_month.get(month)
        t[f"fte.{i}"] = _fte_text(row.fte) if row else None
        t[f"tokutei.{i}"] = _fte_text(row.tokutei_fte) if row else None
        t[f"target.{i}"] = _fte_text(targets[i]) if targets else None
        t[f"pay.{i}"] = pays.get(month)
    t["target_sum"] = f"{_fte_text(sum(targets, Decimal(0)))}人" if targets else None
    t["average"] = f"{display_average(ev.average)}人" if ev.result else None
    t["annual"] = ev.annual_yen
    t["rate"] = ev.policy.rate_yen
    t["pay_method"] = None
    if ev.payments:
        first, last, n = ev.payments[0], ev.payments[-1], len(ev.payments)
        when = wareki_month(first.year, first.month)
        if n > 1:
            when += f"から{wareki_month(last.year, last.month)}まで"
        t["pay_method"] = f"{n}回払い（{when}）"
    return t


def _requirement_values(ev: Evaluation) -> dict[str, object]:
    ini = {i.code: i for i in ev.input.initiatives}
    t: dict[str, object] = {}
    for code in REQUIREMENT_CODES:
        status = ini[code].status if code in ini else None
        done = _check(status is Status.DONE, "実施済")
        t[f"req.{code}.plan"] = f"{done}\n{_check(status is Status.PLANNED, '実施予定')}"
        t[f"req.{code}.report"] = f"{done}\n{_check(status is Status.PLANNED, '未実施')}"
        t[f"req.{code}.detail"] = (ini[code].detail or None) if code in ini else None
    catalog = default_catalog()
    others = [i for i in ev.input.initiatives if i.code not in REQUIREMENT_CODES and catalog.knows(i.code)]
    t["req.other"] = "、".join(f"{i.code}（{i.status.value}）" for i in others) or None
    return t


def _money_values(ev: Evaluation) -> dict[str, object]:
    sp, st = ev.spending, ev.settlement
    t: dict[str, object] = {}
    for cat in _CATEGORIES:
        lines = [e for e in ev.input.expenses if (c := category_of(e.category)) is not None and c.value == cat]
        t[f"exp.desc.{cat}"] = "、".join(e.description for e in lines if e.description) or None
        t[f"exp.planned.{cat}"] = sp.planned_by_category.get(cat, 0)
        t[f"exp.actual.{cat}"] = sp.actual_by_category.get(cat, 0) if sp.has_actual else None
    t["exp.planned.total"] = sp.planned_allowed_yen
    t["exp.actual.total"] = sp.actual_allowed_yen if sp.has_actual else None
    t["received"] = st.received_yen if st else ev.input.received_yen
    t["refund"] = st.refund_yen if st else None
    t["additional"] = st.additional_yen if st else None
    return t


def form_values(spec: FormSpec, ev: Evaluation, stamp: dt.datetime | None = None) -> dict[str, object]:
    """Cell address → value for the spec's dynamic boxes (value mode). Pure data: no openpyxl objects."""
    table = value_table(ev, stamp)
    return {box.anchor: table[box.key] for box in spec.dynamic_boxes()}


# ---------------------------------------------------------------------------------------------------------------
# drawing with openpyxl
# ---------------------------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDERS = {"": Border(), "box": Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
            "under": Border(bottom=_THIN)}


def _font(style: Style, name: str) -> Font:
    return Font(name=name, size=style.size, bold=style.bold, color=style.color or None)


def _cells(ws: Worksheet, ref: str):
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        yield from row


def render_form_sheet(ws: Worksheet, spec: FormSpec, values: Mapping[str, object] | None,
                      font: str | None = None) -> None:
    """Draw `spec` on an empty worksheet: formulas when `values` is None, else the given values (value mode).

    `font` overrides the spec's font (the PDF copy names a font LibreOffice has, so digits and kana match).
    """
    font_name = font
    for col, width in spec.widths.items():
        ws.column_dimensions[col].width = width
    ws.sheet_format.defaultRowHeight = spec.default_height
    ws.sheet_format.customHeight = True
    heights = row_heights(spec, values)
    for row in range(1, spec.last_row + 1):
        ws.row_dimensions[row].height = heights[row]
    for box in spec.boxes:
        style = STYLES[box.style]
        font, border = _font(style, font_name or spec.font), _BORDERS[style.border]
        align = Alignment(horizontal=style.h, vertical=style.v, wrap_text=style.wrap or None,
                          indent=style.indent or 0, shrink_to_fit=None)
        fill = PatternFill("solid", fgColor=style.fill) if style.fill else None
        for c in _cells(ws, box.ref):
            c.font, c.border, c.alignment = font, border, align
            if fill:
                c.fill = fill
            c.number_format = box.number_format
        if ":" in box.ref:
            ws.merge_cells(box.ref)
        anchor = ws[box.anchor]
        if not box.dynamic:
            anchor.value = box.text or None
        elif values is None:
            anchor.value = box.formula
        else:
            anchor.value = _cell_value(box, values.get(box.anchor))
    _page_setup(ws, spec)


def _cell_value(box: Box, value: object) -> object:
    """FTE figures travel as text ("10.5"); openpyxl stores them as numbers so Excel shows no "number as text" mark."""
    if box.number_format == FTE and isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _text_em(text: str) -> float:
    """Printed width in ems: full-width characters 1, ASCII about half."""
    return sum(0.55 if ord(ch) < 0x2000 else 1.0 for ch in text)


def row_heights(spec: FormSpec, values: Mapping[str, object] | None = None) -> dict[int, float]:
    """Row → height in points; with values, rows grow to hold their wrapped text, so nothing is cut off.

    Pure data, like `form_values`, so the Excel add-in can set the same heights through xlwings.
    """
    heights = {row: spec.heights.get(row, spec.default_height) for row in range(1, spec.last_row + 1)}
    for box in spec.dynamic_boxes() if values is not None else ():
        text, style = values.get(box.anchor), STYLES[box.style]
        if not (style.wrap and isinstance(text, str)):
            continue
        min_col, min_row, max_col, _ = range_boundaries(box.ref)
        units = sum(spec.widths[get_column_letter(c)] for c in range(min_col, max_col + 1))
        per_line = max(1.0, units * UNIT_PT / style.size - 1)
        lines = sum(max(1, math.ceil(_text_em(part) / per_line)) for part in text.split("\n"))
        heights[min_row] = max(heights[min_row], round(lines * LINE_PT * style.size / 10 + 2, 1))
    return heights


def _page_setup(ws: Worksheet, spec: FormSpec) -> None:
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = spec.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    left, right, top, bottom = (cm / 2.54 for cm in spec.margins_cm)
    ws.page_margins.left, ws.page_margins.right = left, right
    ws.page_margins.top, ws.page_margins.bottom = top, bottom
    ws.page_margins.header = ws.page_margins.footer = 0.2
    ws.print_area = spec.print_area
    ws.protection.sheet = True  # the form is output: typing belongs in the input sheets


def add_form_sheets(wb: openpyxl.Workbook, policy: Policy) -> None:
    """Add (or redraw) the 計画書 and 実績報告書 sheets in formula mode: plain Excel fills them from the inputs.

    `policy` is not needed here: the formulas read the municipality's values (宛先, 返還, 期限) from 設定.
    """
    del policy
    for spec in FORMS:
        render_form_sheet(fresh_sheet(wb, spec.sheet), spec, None)


def fresh_sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    """An empty sheet called `name` at the place of the old one (or at the end), other sheets untouched."""
    if name not in wb.sheetnames:
        return wb.create_sheet(name)
    old = wb[name]
    index = wb.sheetnames.index(name)
    active = wb.active.title if wb.active is not None else None
    tab = old.sheet_properties.tabColor
    wb.remove(old)
    ws = wb.create_sheet(name, index)
    if tab is not None:
        ws.sheet_properties.tabColor = tab
    if active is not None and active in wb.sheetnames:
        wb.active = wb.sheetnames.index(active)
    return ws


def cli_forms(args) -> int:  # noqa: ANN001 - argparse namespace
    from .forms_cli import run

    return run(args)
