"""The facility, the fiscal year and its rate, the 加算要件, the report's date and the length of printed texts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kaigo_xl.catalog import Catalog
from kaigo_xl.findings import Finding, finding
from kaigo_xl.models import FacilityInput, Status
from kaigo_xl.policy import Policy
from kaigo_xl.rules import kasan, printing, requirements
from kaigo_xl.texts import printable
from kaigo_xl.wareki import fiscal_year_label, wareki_date

Locate = Callable[[str], str]


def facility(inp: FacilityInput, policy: Policy, locate: Locate, out: list[Finding]) -> None:
    if not inp.facility.name:
        out.append(finding("FACILITY_NAME_MISSING", "施設名を入力してください。", locate("facility.name")))
    if not inp.facility.number:
        out.append(finding("FACILITY_NUMBER_MISSING", "施設番号を入力してください（市区町村での照合に使います）。",
                           locate("facility.number")))
    fy = inp.fiscal_year
    if fy < kasan.FIRST_FISCAL_YEAR:
        out.append(finding("FY_BEFORE_START", f"{fiscal_year_label(fy)}は対象外です。この加算は"
                           f"{fiscal_year_label(kasan.FIRST_FISCAL_YEAR)}からです（別添1 2(2)）。年度（西暦）を確認してください。",
                           locate("fiscal_year")))
        return
    rate = policy.rate_for(fy)
    if rate.source == "assumed":
        out.append(finding("FY_RATE_UNCONFIRMED", f"{fiscal_year_label(fy)}の単価は国から示されていません。令和8年度以降に"
                           "この加算を続けるかどうかも国で検討中です（Q6）。"
                           f"{fiscal_year_label(kasan.FIRST_FISCAL_YEAR)}の{rate.yen:,}円で仮に計算しています。"
                           "市区町村が単価を決めたら、設定（rates_by_fiscal_year）に入れてください。", locate("fiscal_year")))


def initiatives(inp: FacilityInput, policy: Policy, catalog: Catalog, phase: str, locate: Locate,
                out: list[Finding]) -> list[requirements.Outcome]:
    """Each initiative, then the requirement set (別添1 2(3)ア, or the municipality's own set: Q2)."""
    done_only = phase == "report" and policy.report_requires_done
    for i, ini in enumerate(inp.initiatives):
        if not catalog.knows(ini.code):
            out.append(finding("REQ_UNKNOWN_ITEM", f"取組の区分「{printable(ini.code, 40)}」は不明です（ア・イ・ウ または ①～㉘）。",
                               locate(f"initiatives[{i}].code")))
        elif not ini.detail:
            out.append(finding("REQ_DETAIL_MISSING", f"取組（{ini.code}）の具体的な内容を記入してください。",
                               locate(f"initiatives[{i}].detail")))
        if phase == "report" and ini.status is Status.PLANNED:
            why = ("市区町村の規則により、実績報告では要件に数えません" if done_only
                   else "通知の要件（計画又は既に実施）により、要件には数えています")
            out.append(finding("REQ_STILL_PLANNED", f"取組（{ini.code}）が「実施予定」のままです。実績報告書には「未実施」と"
                               f"印刷されます（{why}）。", locate(f"initiatives[{i}].status")))
    outcomes = requirements.evaluate(inp.initiatives, policy.requirements, done_only=done_only,
                                     aliases=catalog.aliases, categories=catalog.categories)
    basis = "市区町村が定めた代替の要件、別添2 Q2" if policy.custom_requirements else "別添1 2(3)ア"
    for o in outcomes:
        if o.satisfied:
            continue
        scope = catalog.category_names.get(o.category, "") if o.category else o.label
        when = "実施済の取組" if done_only else "実施済または実施予定の取組"
        rule = ("。実績報告で実施済の取組だけを数えるのは市区町村の規則です（通知の要件は「計画又は既に実施」）"
                if done_only else "")
        out.append(finding("REQ_NOT_MET", f"加算要件「{scope}」: {when}が{o.needed}件以上必要です（現在 {len(o.found)}件。"
                           f"{basis}）{rule}。", locate("initiatives")))
    return outcomes


def submitted(inp: FacilityInput, phase: str, due: date, locate: Locate, out: list[Finding]) -> None:
    """The results report is due by April 30 of the next year (別添1 2(3)ウ(イ))."""
    if phase != "report" or not inp.submitted_on:
        return
    try:
        day = date.fromisoformat(inp.submitted_on)
    except ValueError:
        out.append(finding("INPUT_INVALID", f"提出日「{inp.submitted_on}」は日付として読めません。", locate("submitted_on")))
        return
    if day > due:
        out.append(finding("REPORT_LATE", f"実績報告書の提出期限は{wareki_date(due)}です（提出日 {wareki_date(day)}）。",
                           locate("submitted_on")))


def texts(inp: FacilityInput, descriptions: dict[str, list[str]], first_line: dict[str, int], locate: Locate,
          out: list[Finding]) -> None:
    """Texts longer than the printed forms' boxes hold (rules.printing): cut off when printed from Excel alone."""
    tail = "。Excel だけで印刷すると途中までしか表示されません。短くするか、kaigo-xl forms で様式を作成してください。"
    if len(inp.facility.name) > printing.FACILITY_NAME_CHARS:
        out.append(finding("TEXT_TOO_LONG", f"施設名が{len(inp.facility.name)}字あり、様式の欄（{printing.FACILITY_NAME_CHARS}"
                           f"字）に収まりません{tail}", locate("facility.name")))
    for i, ini in enumerate(inp.initiatives):
        if len(ini.detail) > printing.INITIATIVE_DETAIL_CHARS:
            out.append(finding("TEXT_TOO_LONG", f"取組（{ini.code}）の内容が{len(ini.detail)}字あり、様式の欄"
                               f"（{printing.INITIATIVE_DETAIL_CHARS}字）に収まりません{tail}", locate(f"initiatives[{i}].detail")))
    for category, lines in descriptions.items():
        text = printing.joined(lines)
        if len(text) > printing.EXPENSE_DESCRIPTION_CHARS:
            out.append(finding("TEXT_TOO_LONG", f"経費「{category}」の内容が合わせて{len(text)}字あり、様式の欄"
                               f"（{printing.EXPENSE_DESCRIPTION_CHARS}字）に収まりません{tail}",
                               locate(f"expenses[{first_line[category]}].description")))
