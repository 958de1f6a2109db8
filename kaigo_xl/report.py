"""Results for people (a Japanese summary) and for programs (the documented JSON)."""

from __future__ import annotations

from decimal import Decimal

from kaigo_xl.engine import Evaluation, Side, month_labels
from kaigo_xl.findings import Finding, Severity, count
from kaigo_xl.numbers import json_number
from kaigo_xl.rules.kasan import display_average
from kaigo_xl.wareki import fiscal_year_label, wareki_date


def findings_json(findings: list[Finding]) -> list[dict]:
    return [f.model_dump(mode="json") for f in findings]


def side_json(side: Side | None) -> dict | None:
    """One set of monthly figures (見込み or 実績) and the 加算総額 they give."""
    if side is None:
        return None
    r = side.result
    return {"source": side.source,
            "monthly_target_fte": [json_number(t) for t in r.monthly_targets] if r else None,
            "average_fte": json_number(r.average) if r else None,
            "annual_yen": r.annual_yen if r else None}


def to_json(ev: Evaluation) -> dict:
    """The documented results: the top-level figures are the document's own (見込み for a plan, 実績 for a report);
    `plan` and `actual` give both sets (`actual` is null for a plan)."""
    r = ev.result
    out: dict = {
        "facility": {"name": ev.input.facility.name, "type": ev.input.facility.type.value,
                     "number": ev.input.facility.number, "municipality": ev.input.facility.municipality},
        "fiscal_year": ev.input.fiscal_year,
        "phase": ev.phase,
        "monthly_target_fte": [json_number(t) for t in r.monthly_targets] if r else None,
        "average_fte": json_number(r.average) if r else None,
        "annual_yen": r.annual_yen if r else None,
        "plan": side_json(ev.plan),
        "actual": side_json(ev.actual),
        "rate_yen": ev.rate.yen,
        "rate_source": ev.rate.source,
        "payments": [{"month": p.label, "yen": p.yen} for p in ev.payments],
        "requirements": [{"label": o.label, "category": o.category, "satisfied": o.satisfied,
                          "found": list(o.found), "needed": o.needed} for o in ev.requirements],
        "spending": {"planned_by_category": ev.spending.planned_by_category,
                     "actual_by_category": ev.spending.actual_by_category,
                     "planned_allowed_yen": ev.spending.planned_allowed_yen,
                     "actual_allowed_yen": ev.spending.actual_allowed_yen},
        "report_due": ev.report_due.isoformat(),
        "findings": findings_json(ev.findings),
    }
    if ev.settlement is not None:
        out["received_yen"] = ev.settlement.received_yen
        out["refund_yen"] = ev.settlement.refund_yen
        out["additional_yen"] = ev.settlement.additional_yen
    return out


def summary_text(ev: Evaluation, source: str = "") -> str:
    f, r = ev.input.facility, ev.result
    lines = [
        f"【{fiscal_year_label(ev.input.fiscal_year)} 介護人材確保・職場環境改善等加算】"
        f"{'計画' if ev.phase == 'plan' else '実績'}" + (f"  （{source}）" if source else ""),
        f"施設: {f.name or '（未入力）'}（{f.type.value}老人ホーム）  施設番号: {f.number or '（未入力）'}"
        + (f"  {f.municipality}" if f.municipality else ""),
        "",
    ]
    if r is not None:
        lines.append("  月        職員数  特定施設  対象職員数" + ("（実績）" if ev.phase == "report" else "（見込み）"))
        for label, row, t in zip(month_labels(ev.input.fiscal_year), ev.monthly, r.monthly_targets):
            lines.append(f"  {label:<9} {row.fte:>6}  {row.tokutei_fte:>7}  {t:>9}")
        lines += [
            "",
            f"対象職員数（月平均）: {display_average(r.average)} 人"
            f"（合計 {sum(r.monthly_targets, Decimal(0))} ÷ {ev.policy.divisor}）",
            f"加算総額（年間）    : {r.annual_yen:,} 円（月平均 × {ev.rate.yen:,}円）",
        ]
        if ev.phase == "report" and ev.plan.result is not None:
            p = ev.plan.result
            lines.append(f"（計画: 月平均 {display_average(p.average)} 人、加算総額 {p.annual_yen:,} 円）")
        if ev.payments:
            lines.append("支払予定: " + "、".join(f"{p.month}月 {p.yen:,}円" for p in ev.payments))
    else:
        lines.append("月別職員数に誤りがあるため、加算総額を計算できません。")
    for o in ev.requirements:
        mark = "○" if o.satisfied else "×"
        lines.append(f"加算要件 {mark} {o.label or o.category}: {'・'.join(o.found) or 'なし'}")
    if ev.settlement is not None:
        s = ev.settlement
        lines.append(f"受領額 {s.received_yen:,}円 / 対象経費の支出 {s.allowed_spent_yen:,}円 / 返還見込額 {s.refund_yen:,}円")
    lines.append(f"実績報告書の提出期限: {wareki_date(ev.report_due)}（{ev.report_due.isoformat()}）")
    lines.append("")
    e, w, i = (count(ev.findings, s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    lines.append(f"チェック結果: エラー {e}件、注意 {w}件、情報 {i}件")
    lines += [f"  {x}" for x in ev.findings]
    return "\n".join(lines)
