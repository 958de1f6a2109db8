"""The forms' values: what the engine's results look like on the 計画書 and 実績報告書 (value mode).

Pure data (cell → value, row → height) so that every writer can use it: openpyxl (`kaigo-xl forms`), xlwings (the
ribbon and xlwings Lite buttons). The template's formula mode needs none of it: its formulas are in forms.spec.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal

from kaigo_xl.catalog import default_catalog
from kaigo_xl.engine import Evaluation, Side
from kaigo_xl.findings import has_errors
from kaigo_xl.models import FISCAL_MONTHS, FacilityType, Initiative, Status
from kaigo_xl.numbers import fte_text
from kaigo_xl.rules import printing
from kaigo_xl.rules.kasan import display_average
from kaigo_xl.wareki import fiscal_year_label, wareki_date, wareki_month
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.forms.boxes import (
    BLANK_DATE,
    DRAFT,
    LINE_PT,
    NOT_YET,
    REQUIREMENT_CODES,
    STYLES,
    UNIT_PT,
    FormSpec,
)
from kaigo_xl.workbook.forms.spec import FORMS, PLAN, REPORT
from kaigo_xl.xlsx.refs import column_letters, range_bounds

__all__ = ["PLAN", "REPORT", "FORMS", "form_values", "value_table", "row_heights", "lookup"]


# ---------------------------------------------------------------------------------------------------------------
# value mode: the engine's results as the forms show them
# ---------------------------------------------------------------------------------------------------------------


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


def lookup(spec: FormSpec, table: Mapping[str, object], key: str) -> object:
    """A box's value: its key, or (a key without a side) the form's own side's (`annual` → `plan.annual`)."""
    return table[key] if key in table else table[f"{spec.side}.{key}"]


def _header_values(ev: Evaluation, stamp: dt.datetime | None) -> dict[str, object]:
    inp, fac, pol = ev.input, ev.input.facility, ev.policy
    fy = fiscal_year_label(inp.fiscal_year)
    t: dict[str, object] = {
        "stamp": f"作成日時 {stamp:%Y-%m-%d %H:%M}（kaigo-xl）" if stamp else None,
        "draft:計画書": DRAFT if has_errors(ev.findings) else None,
        "draft:実績報告書": DRAFT if has_errors(ev.findings) else NOT_YET if ev.phase != "report" else None,
        "form_label:計画書": pol.plan_form_label or None,
        "form_label:実績報告書": pol.report_form_label or None,
        "title:計画書": f"{fy}　{pol.program_name}　計画書",
        "title:実績報告書": f"{fy}　{pol.program_name}　実績報告書",
        "preamble:計画書": f"{fy}において{pol.program_name}を受けたいので、下記のとおり計画書を提出します。",
        "preamble:実績報告書": f"{fy}における{pol.program_name}の実績について、下記のとおり報告します。",
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
        "period": f"{wareki_month(inp.fiscal_year, 4)}から{wareki_month(inp.fiscal_year + 1, 3)}まで",
        "contact": fac.contact or None,
        "due": f"{wareki_date(ev.report_due)}（{ev.report_due.year}年{ev.report_due.month}月{ev.report_due.day}日）",
    }
    return t


def _side_values(prefix: str, side: Side | None) -> dict[str, object]:
    """One set of monthly figures (見込み or 実績) as a form prints them; blank when it was not looked at."""
    by_month = {m.month: m for m in side.monthly} if side is not None else {}
    result = side.result if side is not None else None
    targets = result.monthly_targets if result else None
    t: dict[str, object] = {}
    for i, month in enumerate(FISCAL_MONTHS):
        row = by_month.get(month)
        t[f"{prefix}.fte.{i}"] = fte_text(row.fte) if row else None
        t[f"{prefix}.tokutei.{i}"] = fte_text(row.tokutei_fte) if row else None
        t[f"{prefix}.target.{i}"] = fte_text(row.fte - row.tokutei_fte) if row else None
    t[f"{prefix}.target_sum"] = f"{fte_text(sum(targets, Decimal(0)))}人" if targets else None
    t[f"{prefix}.average"] = f"{display_average(result.average)}人" if result else None
    t[f"{prefix}.annual"] = result.annual_yen if result else None
    return t


def _monthly_values(ev: Evaluation) -> dict[str, object]:
    t = _side_values("plan", ev.plan)
    t.update(_side_values("actual", ev.actual))
    pays = {p.month: p.yen for p in ev.payments}
    for i, month in enumerate(FISCAL_MONTHS):
        t[f"pay.{i}"] = pays.get(month)
    t["rate"] = ev.rate.yen
    t["pay_method"] = None
    if ev.payments:
        first, last, n = ev.payments[0], ev.payments[-1], len(ev.payments)
        when = wareki_month(first.year, first.month)
        if n > 1:
            when += f"から{wareki_month(last.year, last.month)}まで"
        t["pay_method"] = f"{n}回払い（{when}）"
    return t


def _statuses(status: Status | None) -> dict[str, str]:
    done = _check(status is Status.DONE, "実施済")
    return {"plan": f"{done}\n{_check(status is Status.PLANNED, '実施予定')}",
            "report": f"{done}\n{_check(status is Status.PLANNED, '未実施')}"}


def _requirement_values(ev: Evaluation) -> dict[str, object]:
    ini: dict[str, Initiative] = {}
    for i in ev.input.initiatives:
        ini.setdefault(i.code, i)
    t: dict[str, object] = {}
    for code in REQUIREMENT_CODES:
        status = ini[code].status if code in ini else None
        for kind, text in _statuses(status).items():
            t[f"req.{code}.{kind}"] = text
        t[f"req.{code}.detail"] = (ini[code].detail or None) if code in ini else None
    catalog = default_catalog()
    others = [i for i in ev.input.initiatives if i.code not in REQUIREMENT_CODES and i.code in catalog.items]
    shown = printing.EXTRA_INITIATIVES_ON_FORM
    for k in range(1, shown + 1):
        item = others[k - 1] if k <= len(others) else None
        t[f"req.extra.{k}.title"] = f"{item.code} {catalog.text(item.code)}" if item else None
        for kind, text in _statuses(item.status if item else None).items():
            t[f"req.extra.{k}.{kind}"] = text if item else None
        t[f"req.extra.{k}.detail"] = (item.detail or None) if item else None
    t["req.more"] = f"※ ほか{len(others) - shown}件の取組は取組シートのとおり" if len(others) > shown else None
    return t


def _money_values(ev: Evaluation) -> dict[str, object]:
    sp, st = ev.spending, ev.settlement
    t: dict[str, object] = {}
    for cat in layout.EXPENSE_CATEGORIES:
        t[f"exp.desc.{cat}"] = printing.joined(sp.descriptions.get(cat, [])) or None
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
    return {box.anchor: lookup(spec, table, box.key) for box in spec.dynamic_boxes() if box.key is not None}


def _text_em(text: str) -> float:
    """Printed width in ems: full-width characters 1, ASCII about half."""
    return sum(0.55 if ord(ch) < 0x2000 else 1.0 for ch in text)


def row_heights(spec: FormSpec, values: Mapping[str, object] | None = None) -> dict[int, float]:
    """Row → height in points; with values, rows grow to hold their wrapped text, so nothing is cut off.

    Pure data, like `form_values`, so the Excel add-in can set the same heights through xlwings.
    """
    heights = {row: spec.heights.get(row, spec.default_height) for row in range(1, spec.last_row + 1)}
    for box in spec.dynamic_boxes() if values is not None else ():
        assert values is not None
        text, style = values.get(box.anchor), STYLES[box.style]
        if not (style.wrap and isinstance(text, str)) or style.shrink:
            continue
        min_row, min_col, _, max_col = range_bounds(box.ref)
        units = sum(spec.widths[column_letters(c)] for c in range(min_col, max_col + 1))
        per_line = max(1.0, units * UNIT_PT / style.size - 1)
        lines = sum(max(1, math.ceil(_text_em(part) / per_line)) for part in text.split("\n"))
        heights[min_row] = max(heights[min_row], round(lines * LINE_PT * style.size / 10 + 2, 1))
    return heights
