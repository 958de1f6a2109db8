"""One facility's evaluation: input model → rules → results and findings.

The engine never reads files. Readers (JSON, workbook) give it a `locate` function that turns a field path such as
`monthly[3].fte` into what the user can find (`月別職員数!C8` for a workbook, the JSON path for JSON). A workbook
reader's `locate` may also carry `unread`: the months it could not read (`"monthly.6"`, `"monthly_actual.6"`),
already reported at their cells, so they are neither reported again as missing nor added up.

A plan (計画書) is about the 見込み: its 加算総額 and payment schedule come from `monthly`. A results report
(実績報告書) is about the 実績: its 加算総額 (the entitlement) and the settlement come from the actual figures, and the
plan's figures are shown beside them (engine.staffing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kaigo_xl.catalog import Catalog, default_catalog
from kaigo_xl.engine import checks, money, staffing
from kaigo_xl.engine.money import SpendingSummary
from kaigo_xl.engine.staffing import ACTUAL, PLAN, Locate, Side
from kaigo_xl.findings import Finding, has_errors
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput, MonthlyStaffing
from kaigo_xl.policy import Policy, Rate
from kaigo_xl.rules import deadlines, kasan, payments, requirements, settlement
from kaigo_xl.wareki import wareki_month

__all__ = ["Evaluation", "Locate", "Side", "SpendingSummary", "evaluate", "month_labels", "phase_of", "staffing_rows"]


def _identity(path: str) -> str:
    return path


@dataclass
class Evaluation:
    input: FacilityInput
    policy: Policy
    phase: str  # "plan" | "report"
    plan: Side  # the 見込み
    actual: Side | None  # the 実績 (None for a plan: not looked at)
    rate: Rate  # 職員1人当たりの年額 of the fiscal year, and whose it is
    payments: list[payments.Payment]  # the plan's schedule
    requirements: list[requirements.Outcome]
    spending: SpendingSummary
    settlement: settlement.Settlement | None  # a results report only
    report_due: date
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def side(self) -> Side:
        """The figures this document is about: 見込み for a plan, 実績 for a results report."""
        return self.actual if self.phase == "report" and self.actual is not None else self.plan

    @property
    def monthly(self) -> list[MonthlyStaffing]:
        return self.side.monthly

    @property
    def result(self) -> kasan.KasanResult | None:
        return self.side.result

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
    phase = phase_of(inp)
    unread = frozenset(getattr(locate, "unread", ()))

    checks.facility(inp, policy, locate, out)
    plan_from, actual_from = staffing.sources(inp)
    report = phase == "report"
    plan = staffing.side(inp, PLAN, plan_from, policy, locate, unread, report=not report)
    actual = staffing.side(inp, ACTUAL, actual_from, policy, locate, unread, report=True) if report else None
    out += (actual or plan).findings
    pays = money.schedule(inp, plan.result, locate, out)
    outcomes = checks.initiatives(inp, policy, catalog, phase, locate, out)
    summary = money.spend(inp, plan.result, phase, policy, catalog, locate, out)
    settle = money.settle(inp, plan.result, actual.result if actual else None, summary, policy, phase, locate, out)
    due = deadlines.report_due(inp.fiscal_year, policy.report_due_next_business_day)
    checks.submitted(inp, phase, due, locate, out)
    checks.texts(inp, summary.descriptions, summary.first_line, locate, out)
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda f: order[f.severity])
    return Evaluation(inp, policy, phase, plan, actual, policy.rate_for(inp.fiscal_year), pays, outcomes, summary,
                      settle, due, out)


def phase_of(inp: FacilityInput) -> str:
    """The document: as chosen, else a results report when a spending line has an actual amount."""
    return inp.phase or ("report" if any(e.actual_yen is not None for e in inp.expenses) else "plan")


def staffing_rows(inp: FacilityInput) -> tuple[list[MonthlyStaffing], list[MonthlyStaffing] | None]:
    """The 見込み and the typed 実績 a workbook gets for `inp` (README「施設入力 JSON の形式」): the plan from
    `monthly` (or, in an old plan file with only a roster, computed from it), the actual figures from
    `monthly_actual` (or, in an old report file, from `monthly`); None when the 実績 are not typed (a roster, or
    an old plan file)."""
    plan_from, actual_from = staffing.sources(inp)
    plan = staffing.roster_months(inp, _identity, []) if plan_from == "roster" else list(inp.monthly)
    if actual_from == "roster":
        return plan, list(inp.monthly_actual) if inp.monthly_actual else None
    if actual_from == ACTUAL:
        return plan, list(inp.monthly_actual or [])
    return plan, list(inp.monthly) if phase_of(inp) == "report" else None


def month_labels(fiscal_year: int) -> list[str]:
    """令和7年4月 … 令和8年3月."""
    return [wareki_month(payments.calendar_year(fiscal_year, m), m) for m in FISCAL_MONTHS]
