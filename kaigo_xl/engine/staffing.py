"""The monthly figures: the plan's 見込み and the report's 実績, their checks and their 加算総額 (別添1 2(2)).

Where each set comes from (this tool's JSON format, README「施設入力 JSON の形式」):
- 見込み (plan) = `monthly`.
- 実績 (actual) = the roster's hours when a roster has staff, else `monthly_actual`.
- A file without the `monthly_actual` key was written before plan and actual were kept apart and reads as before:
  in a results report its `monthly` are the actual figures, and a plan with only a roster takes its figures from
  the roster.

The set the document is about (見込み for a 計画書, 実績 for a 実績報告書) is checked and every problem reported; the
other set is only shown (the plan beside the actual figures in a report) and computed when it is complete and clean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from kaigo_xl.findings import Finding, finding
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput, MonthlyStaffing
from kaigo_xl.policy import Policy
from kaigo_xl.rules import fte, kasan, payments

Locate = Callable[[str], str]
PLAN, ACTUAL = "monthly", "monthly_actual"  # the JSON keys, and the path prefixes of findings


@dataclass
class Side:
    """One set of monthly figures."""

    key: str  # PLAN or ACTUAL: the JSON key of its rows, where findings point (`monthly[3].fte`)
    source: str  # "monthly", "monthly_actual" or "roster"
    is_actual: bool  # the 実績 (else the 見込み)
    rows: list[MonthlyStaffing]  # as given (finding paths index into them); from a roster, April … March
    unread: frozenset[int] = frozenset()  # months the reader could not read (already reported there)
    result: kasan.KasanResult | None = None  # None while a month is missing or wrong
    findings: list[Finding] = field(default_factory=list)

    @property
    def monthly(self) -> list[MonthlyStaffing]:
        """April … March, each month once (its first entry); months without figures are left out."""
        first: dict[int, MonthlyStaffing] = {}
        for row in self.rows:
            first.setdefault(row.month, row)
        return [first[m] for m in FISCAL_MONTHS if m in first]


def sources(inp: FacilityInput) -> tuple[str, str]:
    """(plan source, actual source) by the rule in the module docstring."""
    roster = inp.roster is not None and bool(inp.roster.staff)
    legacy = inp.monthly_actual is None
    actual = "roster" if roster else (ACTUAL if not legacy else PLAN)
    plan = "roster" if legacy and roster and not inp.monthly else PLAN
    return plan, actual


def side(inp: FacilityInput, key: str, source: str, policy: Policy, locate: Locate, unread: frozenset[str],
         report: bool) -> Side:
    """The figures of side `key` (PLAN or ACTUAL) from `source`, checked; `report` says whether its findings are shown
    (the document's own side). Findings point into the rows' own JSON key (a roster's rows: the side's key)."""
    path = key if source == "roster" else source
    months = frozenset(int(u.split(".")[1]) for u in unread if u.split(".")[0] == path)
    s = Side(path, source, key == ACTUAL, [], months)
    out = s.findings
    if source == "roster":
        if key == ACTUAL and inp.monthly_actual:
            out.append(finding("ROSTER_REPLACES_MONTHLY", "勤務形態一覧の勤務時間から実績の月別職員数を計算しました"
                               "（monthly_actual の月別職員数は使いません）。", locate("roster")))
        s.rows = [r for r in roster_months(inp, locate, out) if r.month not in months]
    else:
        s.rows = list(inp.monthly if source == PLAN else inp.monthly_actual or [])
    s.result = _kasan(inp, s, policy, locate, out)
    if not report:
        s.findings = []
    return s


def roster_months(inp: FacilityInput, locate: Locate, out: list[Finding]) -> list[MonthlyStaffing]:
    """April … March from the 勤務形態一覧 (常勤換算, rules.fte); the hours are checked on the way."""
    roster = inp.roster
    assert roster is not None
    counted = kasan.COUNTED_JOBS[inp.facility.type.value]
    staff = [(i, s, s.pattern.value == "A") for i, s in enumerate(roster.staff) if s.job in counted]
    zero = Decimal(0)
    rows: list[MonthlyStaffing] = []
    for month in FISCAL_MONTHS:
        days = fte.days_in_month(payments.calendar_year(inp.fiscal_year, month), month)
        people: list[fte.StaffMonth] = []
        for i, s, dedicated in staff:
            sochi = s.sochi_hours.get(month, zero)
            tokutei = s.tokutei_hours.get(month, zero)
            if not (0 <= sochi <= 24 * days and 0 <= tokutei <= 24 * days) or (dedicated and sochi > 0 and tokutei > 0):
                _hour_findings(i, s.name or f"{i + 1}人目", month, days, sochi, tokutei, dedicated, locate, out)
            people.append(fte.StaffMonth(dedicated, s.short_time, max(sochi, zero), max(tokutei, zero)))
        m = fte.month_fte(people, roster.weekly_fulltime_hours, days)
        rows.append(MonthlyStaffing(month=month, fte=m.total, tokutei_fte=m.tokutei))
    _jobs_not_counted(inp, counted, locate, out)
    return rows


def _hour_findings(i: int, who: str, month: int, days: int, sochi: Decimal, tokutei: Decimal, dedicated: bool,
                   locate: Locate, out: list[Finding]) -> None:
    """What is wrong with one counted person's hours in one month: out of 0 … 24 × days, or a 常勤専従 split."""
    for kind, hours in (("sochi_hours", sochi), ("tokutei_hours", tokutei)):
        if hours < 0 or hours > 24 * days:
            out.append(finding("ROSTER_HOURS_INVALID", f"{who}の{month}月の勤務時間 {hours} は0～{24 * days}"
                               "時間の範囲で入力してください。", locate(f"roster.staff[{i}].{kind}.{month}")))
    if dedicated and sochi > 0 and tokutei > 0:
        out.append(finding("ROSTER_A_SPLIT", f"{who}は常勤専従（A）ですが{month}月に特定施設の勤務時間も"
                           "あります。兼務（B）として勤務時間で換算しました。", locate(f"roster.staff[{i}].pattern")))


def _jobs_not_counted(inp: FacilityInput, counted: frozenset[str], locate: Locate, out: list[Finding]) -> None:
    """One note per job that does not count, at the first roster row with it (rows in order)."""
    assert inp.roster is not None
    seen: set[str] = set()
    for i, s in enumerate(inp.roster.staff):
        if s.job in counted or s.job in seen:
            continue
        seen.add(s.job)
        out.append(finding("ROSTER_JOB_NOT_COUNTED", f"職種「{s.job}」は対象職員数に含めません（{inp.facility.type.value}"
                           f"では{'・'.join(sorted(counted))}のみ、別添1 2(2)ア）。", locate(f"roster.staff[{i}].job")))


def _kasan(inp: FacilityInput, s: Side, policy: Policy, locate: Locate, out: list[Finding]) -> kasan.KasanResult | None:
    """対象職員数 month by month and 加算総額 (別添1 2(2)); None while a month is missing or wrong."""
    before = len(out)
    by_month = _checked_months(inp, s, policy, locate, out)
    missing = [m for m in FISCAL_MONTHS if m not in by_month and m not in s.unread]
    if missing:
        what = "実績の" if s.is_actual else ""
        out.append(finding("MONTH_MISSING", f"{'・'.join(f'{m}月' for m in missing)}の{what}職員数がありません。12か月分を"
                           "入力してください（職員がいない月は 0 を入力）。", locate(s.key)))
    if s.unread or any(f.severity == "error" for f in out[before:]):
        return None
    targets = [kasan.target_fte(by_month[m].fte, by_month[m].tokutei_fte) for m in FISCAL_MONTHS]
    result = kasan.compute(targets, policy.rate_for(inp.fiscal_year).yen, policy.divisor, policy.yen_rounding)
    zero = [m for m, t in zip(FISCAL_MONTHS, targets) if t == 0]
    if len(zero) == 12:
        out.append(finding("NO_TARGET_STAFF", "対象職員数が12か月とも0のため、加算総額は0円です。", locate(s.key)))
    elif zero:
        out.append(finding("MONTH_ZERO", f"{'・'.join(f'{m}月' for m in zero)}の対象職員数は0です"
                           f"（月平均は{policy.divisor}で割ります）。", locate(s.key)))
    if result.rounded:
        fine = any(_places(v) >= 3 for row in by_month.values() for v in (row.fte, row.tokutei_fte))
        cause = "小数第3位以下の常勤換算数があるため" if fine else "単価と除数の設定により"
        out.append(finding("YEN_ROUNDED", f"{cause}、加算総額（合計 × 単価 ÷ 除数）に1円未満の端数が出ました。"
                           f"{_ROUNDING_LABEL[policy.yen_rounding]}しています。", locate(s.key)))
    return result


_ROUNDING_LABEL = {"floor": "切り捨て", "half_up": "四捨五入", "ceiling": "切り上げ"}


def _finer_than_tenths(value: Decimal) -> bool:
    """Two decimals or more (10.25; 10.50 is 10.5): the exact fraction's denominator does not divide 10."""
    return 10 % value.as_integer_ratio()[1] != 0


def _places(value: Decimal) -> int:
    """Decimal places of a value as typed in meaning (10.50 has one: 10.5)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _checked_months(inp: FacilityInput, s: Side, policy: Policy, locate: Locate,
                    out: list[Finding]) -> dict[int, MonthlyStaffing]:
    """Each month once, its figures checked (negative, too large, 特定施設 above the total, not designated, finer than
    a tenth)."""
    by_month: dict[int, MonthlyStaffing] = {}
    undesignated: list[int] = []  # rows with 特定施設 staff although the facility says it is not designated
    fine: list[tuple[int, str]] = []  # (row, field) with two decimals or more
    for i, row in enumerate(s.rows):
        label, at = f"{row.month}月", f"{s.key}[{i}]"
        if row.month in by_month:
            out.append(finding("MONTH_DUPLICATE", f"{label}が二度入力されています。", locate(f"{at}.month")))
            continue
        by_month[row.month] = row
        if row.fte < 0:
            out.append(finding("FTE_NEGATIVE", f"{label}の職員数（常勤換算）{row.fte} が負の値です。", locate(f"{at}.fte")))
        elif row.fte > policy.fte_max:
            out.append(finding("FTE_TOO_LARGE", f"{label}の職員数（常勤換算）{row.fte} は大きすぎます"
                               f"（上限 {policy.fte_max}）。人数ではなく時間数を入力していないかご確認ください。",
                               locate(f"{at}.fte")))
        if row.tokutei_fte < 0:
            out.append(finding("FTE_NEGATIVE", f"{label}の特定施設担当職員数 {row.tokutei_fte} が負の値です。",
                               locate(f"{at}.tokutei_fte")))
        elif row.tokutei_fte > row.fte >= 0:
            out.append(finding("TOKUTEI_EXCEEDS_FTE",
                               f"{label}の特定施設担当職員数 {row.tokutei_fte} が職員数 {row.fte} を上回っています。",
                               locate(f"{at}.tokutei_fte")))
        if row.tokutei_fte > 0 and inp.facility.tokutei_designated is False:
            undesignated.append(i)
        if _finer_than_tenths(row.fte):
            fine.append((i, "fte"))
        if _finer_than_tenths(row.tokutei_fte):
            fine.append((i, "tokutei_fte"))
    if undesignated:
        months = "・".join(f"{s.rows[i].month}月" for i in undesignated)
        out.append(finding("TOKUTEI_NOT_DESIGNATED",
                           f"{months}に特定施設担当職員数がありますが、施設情報では特定施設の指定「なし」です。",
                           locate(f"{s.key}[{undesignated[0]}].tokutei_fte")))
    if fine and s.source != "roster":
        i, key = fine[0]
        shown = "・".join(dict.fromkeys(f"{s.rows[j].month}月" for j, _ in fine))
        out.append(finding("FTE_PRECISION", f"{shown}の常勤換算数（{getattr(s.rows[i], key)} など）に小数第2位以下が"
                           "あります。常勤換算数はふつう小数第1位までです（勤務形態一覧では第2位以下を切り捨てます）。"
                           "入力どおりの値で計算しています。", locate(f"{s.key}[{i}].{key}")))
    return by_month
