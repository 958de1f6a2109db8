"""Money: the payment schedule of the plan (Q1), the spending lines (別添1 2(3)イ, Q5) and the settlement of the report.

The schedule pays the 加算総額 of the 見込み (the plan's figures); the report settles what was received against the
加算総額 of the 実績 and the allowed spending (our convention, rules.settlement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kaigo_xl.catalog import Catalog
from kaigo_xl.findings import Finding, finding
from kaigo_xl.models import FISCAL_MONTHS, ExpenseCategory, FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.rules import kasan, payments, settlement, spending

Locate = Callable[[str], str]


@dataclass
class SpendingSummary:
    planned_by_category: dict[str, int] = field(default_factory=dict)
    actual_by_category: dict[str, int] = field(default_factory=dict)
    descriptions: dict[str, list[str]] = field(default_factory=dict)  # category → its lines' 内容, in order
    first_line: dict[str, int] = field(default_factory=dict)  # category → index of its first spending line
    planned_allowed_yen: int = 0
    actual_allowed_yen: int = 0
    has_actual: bool = False


def schedule(inp: FacilityInput, plan: kasan.KasanResult | None, locate: Locate,
             out: list[Finding]) -> list[payments.Payment]:
    """The installments of the plan's 加算総額 (floor(total ÷ N), the remainder last: our convention)."""
    n, first = inp.payment.installments, inp.payment.first_month
    if first not in FISCAL_MONTHS:
        out.append(finding("PAY_FIRST_MONTH_INVALID", f"支払の初回の月「{first}」は1～12で入力してください。",
                           locate("payment.first_month")))
        return []
    if not 1 <= n <= 12:
        out.append(finding("PAY_INSTALLMENTS_INVALID", f"支払回数「{n}」は1～12で入力してください。",
                           locate("payment.installments")))
        return []
    if n > payments.months_left(first):
        out.append(finding("PAY_BEYOND_FISCAL_YEAR",
                           f"{first}月から{n}回払いでは年度末（{FISCAL_MONTHS[-1]}月）を越えます。"
                           f"{first}月開始なら{payments.months_left(first)}回以内にしてください。",
                           locate("payment.installments")))
        return []
    if plan is None:
        return []
    return payments.schedule(plan.annual_yen, n, first, inp.fiscal_year)


def spend(inp: FacilityInput, plan: kasan.KasanResult | None, phase: str, policy: Policy, catalog: Catalog,
          locate: Locate, out: list[Finding]) -> SpendingSummary:
    """Each spending line checked and summed by category; the plan's allowed spending against its 加算総額."""
    s = SpendingSummary()
    if not inp.expenses:
        out.append(finding("EXP_NONE", "加算の使い道（経費）を入力してください（人件費・職場環境改善経費）。",
                           locate("expenses")))
        return s
    words = catalog.technology_keywords
    for i, e in enumerate(inp.expenses):
        cat = spending.category_of(e.category, words)
        _technology(e.category, e.description, cat, catalog, locate, i, out)
        if cat is None:
            out.append(finding("EXP_UNKNOWN_CATEGORY", f"経費区分「{e.category}」は使えません。人件費・職場環境改善経費"
                               "のいずれかを選んでください。", locate(f"expenses[{i}].category")))
            continue
        for key in ("planned_yen", "actual_yen"):
            v = getattr(e, key)
            if v is not None and v < 0:
                out.append(finding("EXP_NEGATIVE", f"金額 {v:,}円 が負の値です。", locate(f"expenses[{i}].{key}")))
            elif v is not None and v > policy.yen_max:
                out.append(finding("EXP_TOO_LARGE", f"金額 {v:,}円 は大きすぎます（上限 {policy.yen_max:,}円）。"
                                   "桁を確認してください。", locate(f"expenses[{i}].{key}")))
        _add(s, cat, i, e.description, *(min(max(v or 0, 0), policy.yen_max) for v in (e.planned_yen, e.actual_yen)))
        s.has_actual |= e.actual_yen is not None
    if phase == "plan" and plan is not None and s.planned_allowed_yen < plan.annual_yen:
        out.append(finding("EXP_PLANNED_SHORT", f"使い道の計画額 {s.planned_allowed_yen:,}円 が加算総額 "
                           f"{plan.annual_yen:,}円 に届いていません。全額を人件費・職場環境改善経費に充ててください。",
                           locate("expenses")))
    return s


def _add(s: SpendingSummary, cat: ExpenseCategory, i: int, description: str, planned: int, actual: int) -> None:
    name = str(cat)  # StrEnum: the category's Japanese name
    s.planned_by_category[name] = s.planned_by_category.get(name, 0) + planned
    s.actual_by_category[name] = s.actual_by_category.get(name, 0) + actual
    s.descriptions.setdefault(name, []).append(description)
    s.first_line.setdefault(name, i)
    if cat in spending.ALLOWED:
        s.planned_allowed_yen += planned
        s.actual_allowed_yen += actual


def _technology(category: str, description: str, cat: ExpenseCategory | None, catalog: Catalog, locate: Locate,
                i: int, out: list[Finding]) -> None:
    """A technology purchase, by its category (an error) or by the words of its 内容 (a warning)."""
    if cat is ExpenseCategory.TECHNOLOGY:
        others = "".join(f"「{m['name']}」" for m in catalog.measures_for("technology_expense")
                         if m["name"] not in spending.TECHNOLOGY_ADVICE)
        what = f"「{description}」" if description else f"経費区分「{category}」"
        more = f"ほかに{others}もあります。" if others else ""
        out.append(finding("EXP_TECHNOLOGY", f"{what}: {spending.TECHNOLOGY_ADVICE}{more}", locate(f"expenses[{i}].category")))
        return
    word = spending.technology_word(description, catalog.technology_keywords)
    if word is not None:
        measures = catalog.measure_names("technology_expense")
        out.append(finding("EXP_TECHNOLOGY_SUSPECTED", f"経費の内容「{description}」に「{word}」とあります。介護テクノロジー等の"
                           "機器の購入であれば、この加算は充当できません（別添1 2(3)イ）。機器の導入には"
                           f"{measures}（養護老人ホーム等も新たに助成対象とする予定、別添1 2(4)）をご検討ください。"
                           "機器の購入でなければ（研修の受講料など）、このままで差し支えありません。",
                           locate(f"expenses[{i}].description")))


def settle(inp: FacilityInput, plan: kasan.KasanResult | None, actual: kasan.KasanResult | None, s: SpendingSummary,
           policy: Policy, phase: str, locate: Locate, out: list[Finding]) -> settlement.Settlement | None:
    """Received against earned (実績) and spent, for a results report only: a plan is not settled."""
    if phase != "report":
        return None
    if inp.expenses and not s.has_actual:
        out.append(finding("ACTUAL_MISSING", "実績報告書では経費の実績額を入力してください（支出がない行は 0 を入力）。",
                           locate("expenses[0].actual_yen")))
    if actual is None or not s.has_actual:
        return None
    assumed = plan if plan is not None else actual  # 受領額 not given: what the plan would have paid
    received = inp.received_yen if inp.received_yen is not None else assumed.annual_yen
    if inp.received_yen is None:
        which = "計画" if plan is not None else "実績"
        out.append(finding("RECEIVED_MISSING", f"受領済みの加算額が未入力のため、{which}の加算総額 {assumed.annual_yen:,}円"
                           " を受領したものとして返還見込額を計算しました。受領額を入力してください。", locate("received_yen")))
    st = settlement.settle(received, actual.annual_yen, s.actual_allowed_yen, refund_enabled=policy.refund_enabled,
                           includes_overpayment=policy.refund_includes_overpayment)
    if st.refund_yen > 0:
        out.append(finding("REFUND_DUE", f"受領額 {st.received_yen:,}円 のうち {st.refund_yen:,}円 が返還見込額です"
                           f"（実績の加算総額 {st.entitlement_yen:,}円、対象経費の支出 {st.allowed_spent_yen:,}円）。",
                           locate("received_yen")))
    if st.additional_yen > 0:
        out.append(finding("ADDITIONAL_DUE", f"実績の加算総額が受領額を {st.additional_yen:,}円 上回ります"
                           "（追加支弁の見込み）。", locate("received_yen")))
    return st
