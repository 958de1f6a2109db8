"""One facility's evaluation: input model → rules → results and findings.

The engine never reads files. Readers (JSON, workbook) give it a `locate` function that turns a field path such as
`monthly[3].fte` into what the user can find (`月別職員数!C8` for a workbook, the JSON path for JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kaigo_xl.catalog import Catalog, default_catalog
from kaigo_xl.findings import Finding, finding, has_errors
from kaigo_xl.models import FISCAL_MONTHS, ExpenseCategory, FacilityInput, MonthlyStaffing, Status
from kaigo_xl.policy import Policy
from kaigo_xl.rules import deadlines, fte, kasan, payments, requirements, settlement, spending
from kaigo_xl.wareki import fiscal_year_label, wareki_date, wareki_month

Locate = Callable[[str], str]


def _identity(path: str) -> str:
    return path


@dataclass
class SpendingSummary:
    planned_by_category: dict[str, int] = field(default_factory=dict)
    actual_by_category: dict[str, int] = field(default_factory=dict)
    planned_allowed_yen: int = 0
    actual_allowed_yen: int = 0
    has_actual: bool = False


@dataclass
class Evaluation:
    input: FacilityInput
    policy: Policy
    phase: str  # "plan" | "report"
    monthly: list[MonthlyStaffing]  # April … March (from the roster when one is given)
    result: kasan.KasanResult | None  # None when the monthly numbers have errors
    payments: list[payments.Payment]
    requirements: list[requirements.Outcome]
    spending: SpendingSummary
    settlement: settlement.Settlement | None
    report_due: date
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def annual_yen(self) -> int | None:
        return self.result.annual_yen if self.result else None

    @property
    def average(self) -> Fraction | None:
        return self.result.average if self.result else None


def evaluate(
    inp: FacilityInput,
    policy: Policy | None = None,
    catalog: Catalog | None = None,
    locate: Locate = _identity,
    findings: list[Finding] | None = None,
) -> Evaluation:
    policy = policy or Policy()
    catalog = catalog or default_catalog()
    out: list[Finding] = list(findings or [])
    phase = inp.phase or ("report" if any(e.actual_yen is not None for e in inp.expenses) else "plan")

    _check_facility(inp, policy, locate, out)
    monthly = _monthly(inp, locate, out)
    result = _kasan(inp, monthly, policy, locate, out)
    pays = _payments(inp, result, locate, out)
    outcomes = _requirements(inp, policy, catalog, phase, locate, out)
    summary = _spending(inp, result, phase, policy, locate, out)
    settle = _settlement(inp, result, summary, policy, phase, locate, out)
    due = deadlines.report_due(inp.fiscal_year, policy.report_due_next_business_day)
    if phase == "report" and inp.submitted_on:
        try:
            submitted = date.fromisoformat(inp.submitted_on)
        except ValueError:
            out.append(finding("INPUT_INVALID", f"提出日「{inp.submitted_on}」は日付として読めません。",
                               locate("submitted_on")))
        else:
            if submitted > due:
                out.append(finding("REPORT_LATE", f"実績報告書の提出期限は{wareki_date(due)}です"
                                   f"（提出日 {wareki_date(submitted)}）。", locate("submitted_on")))
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda f: order[f.severity])
    return Evaluation(inp, policy, phase, monthly, result, pays, outcomes, summary, settle, due, out)


def _check_facility(inp: FacilityInput, policy: Policy, locate: Locate, out: list[Finding]) -> None:
    if not inp.facility.name:
        out.append(finding("FACILITY_NAME_MISSING", "施設名を入力してください。", locate("facility.name")))
    if not inp.facility.number:
        out.append(finding("FACILITY_NUMBER_MISSING", "施設番号を入力してください（市区町村での照合に使います）。",
                           locate("facility.number")))
    if inp.fiscal_year < kasan.FIRST_FISCAL_YEAR:
        out.append(finding(
            "FY_BEFORE_START",
            f"{fiscal_year_label(inp.fiscal_year)}は対象外です。この加算は{fiscal_year_label(kasan.FIRST_FISCAL_YEAR)}から"
            "です（別添1 2(2)）。年度（西暦）を確認してください。",
            locate("fiscal_year"),
        ))
    elif inp.fiscal_year > kasan.FIRST_FISCAL_YEAR and policy.rate_yen == kasan.RATE_R7_YEN:
        out.append(finding(
            "FY_RATE_UNCONFIRMED",
            f"{fiscal_year_label(inp.fiscal_year)}の単価は国から示されていません（Q6: 令和8年度以降は検討中）。"
            "54,000円で計算しています。市区町村の設定をご確認ください。",
            locate("fiscal_year"),
        ))


def _monthly(inp: FacilityInput, locate: Locate, out: list[Finding]) -> list[MonthlyStaffing]:
    if inp.roster is not None and inp.roster.staff:
        if inp.monthly:
            out.append(finding("ROSTER_REPLACES_MONTHLY",
                               "勤務形態一覧の勤務時間から月別の常勤換算数を計算しました（直接入力の月別職員数は使いません）。",
                               locate("roster")))
        return _monthly_from_roster(inp, locate, out)
    return list(inp.monthly)


def _monthly_from_roster(inp: FacilityInput, locate: Locate, out: list[Finding]) -> list[MonthlyStaffing]:
    roster = inp.roster
    assert roster is not None
    counted = kasan.COUNTED_JOBS[inp.facility.type.value]
    rows: list[MonthlyStaffing] = []
    skipped: dict[str, int] = {}  # job not counted → first roster row with it
    for month in FISCAL_MONTHS:
        year = payments.calendar_year(inp.fiscal_year, month)
        days = fte.days_in_month(year, month)
        people: list[fte.StaffMonth] = []
        for i, s in enumerate(roster.staff):
            if s.job not in counted:
                skipped.setdefault(s.job, i)
                continue
            sochi = s.sochi_hours.get(month, Decimal(0))
            tokutei = s.tokutei_hours.get(month, Decimal(0))
            for kind, hours in (("sochi_hours", sochi), ("tokutei_hours", tokutei)):
                if hours < 0 or hours > 24 * days:
                    out.append(finding("ROSTER_HOURS_INVALID",
                                       f"{s.name or f'{i + 1}人目'}の{month}月の勤務時間 {hours} は0～{24 * days}時間の範囲で入力してください。",
                                       locate(f"roster.staff[{i}].{kind}.{month}")))
            if s.pattern.value == "A" and sochi > 0 and tokutei > 0:
                out.append(finding("ROSTER_A_SPLIT",
                                   f"{s.name or f'{i + 1}人目'}は常勤専従（A）ですが{month}月に特定施設の勤務時間もあります。"
                                   "兼務（B）として勤務時間で換算しました。",
                                   locate(f"roster.staff[{i}].pattern")))
            people.append(fte.StaffMonth(s.pattern.value == "A", s.short_time,
                                         max(sochi, Decimal(0)), max(tokutei, Decimal(0))))
        m = fte.month_fte(people, roster.weekly_fulltime_hours, days)
        rows.append(MonthlyStaffing(month=month, fte=m.total, tokutei_fte=m.tokutei))
    for job, i in sorted(skipped.items()):
        out.append(finding("ROSTER_JOB_NOT_COUNTED",
                           f"職種「{job}」は対象職員数に含めません（{inp.facility.type.value}では"
                           f"{'・'.join(sorted(counted))}のみ、別添1 2(2)ア）。", locate(f"roster.staff[{i}].job")))
    return rows


def _kasan(inp: FacilityInput, monthly: list[MonthlyStaffing], policy: Policy, locate: Locate,
           out: list[Finding]) -> kasan.KasanResult | None:
    """対象職員数 month by month and 加算総額 (別添1 2(2)); None while a month has an error (no total is shown)."""
    before = len(out)
    by_month = _checked_months(inp, monthly, policy, locate, out)
    missing = [m for m in FISCAL_MONTHS if m not in by_month]
    if missing:
        out.append(finding("MONTH_MISSING",
                           f"{'・'.join(f'{m}月' for m in missing)}の職員数がありません。12か月分を入力してください"
                           "（職員がいない月は 0 を入力）。", locate("monthly")))
    if any(f.severity == "error" for f in out[before:]):
        return None
    targets = [kasan.target_fte(by_month[m].fte, by_month[m].tokutei_fte) for m in FISCAL_MONTHS]
    result = kasan.compute(targets, policy.rate_yen, policy.divisor, policy.yen_rounding)
    zero = [m for m, t in zip(FISCAL_MONTHS, targets) if t == 0]
    if len(zero) == 12:
        out.append(finding("NO_TARGET_STAFF", "対象職員数が12か月とも0のため、加算総額は0円です。", locate("monthly")))
    elif zero:
        out.append(finding("MONTH_ZERO", f"{'・'.join(f'{m}月' for m in zero)}の対象職員数は0です"
                           f"（月平均は{policy.divisor}で割ります）。", locate("monthly")))
    if result.rounded:
        out.append(finding("YEN_ROUNDED", "常勤換算数に小数第2位以下があるため、加算総額の1円未満を"
                           f"{_ROUNDING_LABEL[policy.yen_rounding]}しました。", locate("monthly")))
    return result


def _checked_months(inp: FacilityInput, monthly: list[MonthlyStaffing], policy: Policy, locate: Locate,
                    out: list[Finding]) -> dict[int, MonthlyStaffing]:
    """Each month once, its figures checked (negative, too large, 特定施設 above the total, not designated)."""
    by_month: dict[int, MonthlyStaffing] = {}
    undesignated: list[int] = []  # months with 特定施設 staff although the facility says it is not designated
    for i, row in enumerate(monthly):
        label = f"{row.month}月"
        if row.month in by_month:
            out.append(finding("MONTH_DUPLICATE", f"{label}が二度入力されています。", locate(f"monthly[{i}].month")))
            continue
        by_month[row.month] = row
        if row.fte < 0:
            out.append(finding("FTE_NEGATIVE", f"{label}の職員数（常勤換算）{row.fte} が負の値です。", locate(f"monthly[{i}].fte")))
        elif row.fte > policy.fte_max:
            out.append(finding("FTE_TOO_LARGE", f"{label}の職員数（常勤換算）{row.fte} は大きすぎます"
                               f"（上限 {policy.fte_max}）。人数ではなく時間数を入力していないかご確認ください。",
                               locate(f"monthly[{i}].fte")))
        if row.tokutei_fte < 0:
            out.append(finding("FTE_NEGATIVE", f"{label}の特定施設担当職員数 {row.tokutei_fte} が負の値です。",
                               locate(f"monthly[{i}].tokutei_fte")))
        elif row.tokutei_fte > row.fte >= 0:
            out.append(finding("TOKUTEI_EXCEEDS_FTE",
                               f"{label}の特定施設担当職員数 {row.tokutei_fte} が職員数 {row.fte} を上回っています。",
                               locate(f"monthly[{i}].tokutei_fte")))
        if row.tokutei_fte > 0 and inp.facility.tokutei_designated is False:
            undesignated.append(i)
    if undesignated:
        months = "・".join(f"{monthly[i].month}月" for i in undesignated)
        out.append(finding("TOKUTEI_NOT_DESIGNATED",
                           f"{months}に特定施設担当職員数がありますが、施設情報では特定施設の指定「なし」です。",
                           locate(f"monthly[{undesignated[0]}].tokutei_fte")))
    return by_month


_ROUNDING_LABEL = {"floor": "切り捨て", "half_up": "四捨五入", "ceiling": "切り上げ"}


def _payments(inp: FacilityInput, result: kasan.KasanResult | None, locate: Locate,
              out: list[Finding]) -> list[payments.Payment]:
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
        last = FISCAL_MONTHS[-1]
        out.append(finding("PAY_BEYOND_FISCAL_YEAR",
                           f"{first}月から{n}回払いでは年度末（{last}月）を越えます。"
                           f"{first}月開始なら{payments.months_left(first)}回以内にしてください。",
                           locate("payment.installments")))
        return []
    if result is None:
        return []
    return payments.schedule(result.annual_yen, n, first, inp.fiscal_year)


def _requirements(inp: FacilityInput, policy: Policy, catalog: Catalog, phase: str, locate: Locate,
                  out: list[Finding]) -> list[requirements.Outcome]:
    for i, ini in enumerate(inp.initiatives):
        if not catalog.knows(ini.code):
            out.append(finding("REQ_UNKNOWN_ITEM", f"取組の区分「{ini.code}」は不明です（ア・イ・ウ または ①～㉘）。",
                               locate(f"initiatives[{i}].code")))
        elif not ini.detail:
            out.append(finding("REQ_DETAIL_MISSING", f"取組（{ini.code}）の具体的な内容を記入してください。",
                               locate(f"initiatives[{i}].detail")))
        if phase == "report" and ini.status is Status.PLANNED:
            out.append(finding("REQ_STILL_PLANNED", f"取組（{ini.code}）が「実施予定」のままです。実績報告では"
                               "実施したものだけが要件に数えられます。", locate(f"initiatives[{i}].status")))
    outcomes = requirements.evaluate(inp.initiatives, policy.requirements, phase=phase,
                                     aliases=catalog.aliases, categories=catalog.categories)
    for o in outcomes:
        if not o.satisfied:
            scope = catalog.category_names.get(o.category, "") if o.category else o.label
            when = "実施済の取組" if phase == "report" else "実施済または実施予定の取組"
            out.append(finding("REQ_NOT_MET", f"加算要件「{scope}」: {when}が{o.needed}件以上必要です"
                               f"（現在 {len(o.found)}件）。別添1 2(3)ア", locate("initiatives")))
    return outcomes


def _spending(inp: FacilityInput, result: kasan.KasanResult | None, phase: str, policy: Policy, locate: Locate,
              out: list[Finding]) -> SpendingSummary:
    s = SpendingSummary()
    if not inp.expenses:
        out.append(finding("EXP_NONE", "加算の使い道（経費）を入力してください（人件費・職場環境改善経費）。",
                           locate("expenses")))
        return s
    for i, e in enumerate(inp.expenses):
        cat = spending.category_of(e.category)
        if cat is None:
            out.append(finding("EXP_UNKNOWN_CATEGORY", f"経費区分「{e.category}」は使えません。人件費・職場環境改善経費"
                               "のいずれかを選んでください。", locate(f"expenses[{i}].category")))
            continue
        if cat is ExpenseCategory.TECHNOLOGY:
            what = f"「{e.description}」" if e.description else ""
            out.append(finding("EXP_TECHNOLOGY", f"{what}{spending.TECHNOLOGY_ADVICE}", locate(f"expenses[{i}].category")))
        for key in ("planned_yen", "actual_yen"):
            v = getattr(e, key)
            if v is not None and v < 0:
                out.append(finding("EXP_NEGATIVE", f"金額 {v:,}円 が負の値です。", locate(f"expenses[{i}].{key}")))
            elif v is not None and v > policy.yen_max:
                out.append(finding("EXP_TOO_LARGE", f"金額 {v:,}円 は大きすぎます（上限 {policy.yen_max:,}円）。"
                                   "桁を確認してください。", locate(f"expenses[{i}].{key}")))
        planned = min(max(e.planned_yen or 0, 0), policy.yen_max)
        actual = min(max(e.actual_yen or 0, 0), policy.yen_max)
        s.planned_by_category[cat.value] = s.planned_by_category.get(cat.value, 0) + planned
        s.actual_by_category[cat.value] = s.actual_by_category.get(cat.value, 0) + actual
        s.has_actual |= e.actual_yen is not None
        if spending.is_allowed(cat):
            s.planned_allowed_yen += planned
            s.actual_allowed_yen += actual
    if phase == "plan" and result is not None and s.planned_allowed_yen < result.annual_yen:
        out.append(finding("EXP_PLANNED_SHORT", f"使い道の計画額 {s.planned_allowed_yen:,}円 が加算総額 "
                           f"{result.annual_yen:,}円 に届いていません。全額を人件費・職場環境改善経費に充ててください。",
                           locate("expenses")))
    return s


def _settlement(inp: FacilityInput, result: kasan.KasanResult | None, s: SpendingSummary, policy: Policy,
                phase: str, locate: Locate, out: list[Finding]) -> settlement.Settlement | None:
    if phase == "report" and inp.expenses and not s.has_actual:
        out.append(finding("ACTUAL_MISSING", "実績報告書では経費の実績額を入力してください（支出がない行は 0 を入力）。",
                           locate("expenses[0].actual_yen")))
    if result is None or not s.has_actual:
        return None
    received = inp.received_yen if inp.received_yen is not None else result.annual_yen
    if phase == "report" and inp.received_yen is None:
        out.append(finding("RECEIVED_MISSING", f"受領済みの加算額が未入力のため、加算総額 {result.annual_yen:,}円 を受領"
                           "したものとして返還見込額を計算しました。受領額を入力してください。", locate("received_yen")))
    st = settlement.settle(received, result.annual_yen, s.actual_allowed_yen, refund_enabled=policy.refund_enabled,
                           includes_overpayment=policy.refund_includes_overpayment)
    if st.refund_yen > 0:
        out.append(finding("REFUND_DUE", f"受領額 {st.received_yen:,}円 のうち {st.refund_yen:,}円 が返還見込額です"
                           f"（実績の加算総額 {st.entitlement_yen:,}円、対象経費の支出 {st.allowed_spent_yen:,}円）。",
                           locate("received_yen")))
    if st.additional_yen > 0:
        out.append(finding("ADDITIONAL_DUE", f"実績の加算総額が受領額を {st.additional_yen:,}円 上回ります"
                           "（追加支弁の見込み）。", locate("received_yen")))
    return st


def month_labels(fiscal_year: int) -> list[str]:
    """令和7年4月 … 令和8年3月."""
    return [wareki_month(payments.calendar_year(fiscal_year, m), m) for m in FISCAL_MONTHS]
