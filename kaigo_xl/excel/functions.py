"""Excel custom functions: =KAIGO.<NAME>(…) through the server add-in (namespace from its manifest), =<NAME>(…)
through xlwings Lite (the workbook's main.py imports these very functions; Lite has no namespace).

Every number comes from kaigo_xl.rules / kaigo_xl.engine; this module only converts cells and shapes results.
The functions stay plain Python callables (xlwings' server decorators return the function itself), so tests call
them directly and kaigo_xl.excel.udfs wraps them for classic desktop xlwings.

A cell the function cannot use gives a Japanese sentence starting with 「エラー: 」 in the result cell — never a
traceback and never an HTTP error that the Excel client would retry.

The decorators come from `xlwings.server`: `from xlwings import func` is a no-op outside Windows/macOS unless
XLWINGS_ON_SERVER was set before xlwings was imported, and the functions would silently disappear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from xlwings.server import arg, func

from ..engine import evaluate
from ..findings import Finding, finding
from ..models import FISCAL_MONTHS, Facility, FacilityInput, FacilityType, MonthlyStaffing
from ..rules import fte as fte_rules
from ..rules import kasan, payments
from ..wareki import wareki_month
from . import context
from .cells import CellProblem, exact_average, message, month_ranges, shape, to_decimal, to_excel, to_int

OK_ROW = ["○", "月別職員数に問題はありません。"]
HOURS_MAX = Decimal(24 * 31)  # hours in the longest month
WEEKLY_HOURS_MAX = Decimal(24 * 7)


def _cell_safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A CellProblem becomes the Japanese message in the result cell."""

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        try:
            return fn(*args)
        except CellProblem as exc:
            return message(str(exc))

    return wrapper


# ---- the monthly staffing checks, reused from the engine ----

_MONTHLY_PATH = re.compile(r"monthly\[(\d+)\]")


def _staffing_findings(rows: list[MonthlyStaffing], problems: dict[int, str]) -> tuple[list[Finding], Any]:
    """Run the engine on the twelve months alone; keep only the findings about the monthly numbers.

    Unreadable cells were left out of `rows`; they are reported as INPUT_INVALID instead of the engine's
    MONTH_MISSING, which would only say the same thing less precisely.
    """
    inp = FacilityInput(facility=Facility(type=FacilityType.YOGO, name="-", number="-"),
                        fiscal_year=context.DEFAULT_FISCAL_YEAR, monthly=rows)
    ev = evaluate(inp, context.policy())
    found = [finding("INPUT_INVALID", text, f"monthly[{i}]") for i, text in sorted(problems.items())]
    for f in ev.findings:
        if f.location.startswith("monthly") and not (problems and f.code == "MONTH_MISSING"):
            found.append(_fiscal_location(f, rows))
    return found, ev


def _read_months(fte_range: object, tokutei_range: object) -> tuple[list[MonthlyStaffing], list[Finding], Any]:
    """The two 12-cell ranges → readable months, the staffing findings and the engine's evaluation."""
    rows, problems = month_ranges(fte_range, tokutei_range)
    found, ev = _staffing_findings(rows, problems)
    return rows, found, ev


def _fiscal_location(f: Finding, rows: list[MonthlyStaffing]) -> Finding:
    """Engine locations index `rows`; rewrite them to index the twelve fiscal months of the range."""
    m = _MONTHLY_PATH.match(f.location)
    if not m:
        return f
    month = rows[int(m.group(1))].month
    return f.model_copy(update={"location": f"monthly[{FISCAL_MONTHS.index(month)}]"})


def _month_index(f: Finding) -> int | None:
    m = _MONTHLY_PATH.match(f.location)
    return int(m.group(1)) if m else None


def _errors(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.severity == "error"]


def _first_error(found: list[Finding]) -> str:
    errors = _errors(found)
    more = f"（ほか{len(errors) - 1}件。CHECK_FTE 関数で一覧できます）" if len(errors) > 1 else ""
    return message(errors[0].message + more)


def _spill_like(rng: object, values: list[Any]) -> list[list[Any]]:
    """Twelve results laid out like the input range: a row for a row, otherwise a column."""
    rows, _ = shape(rng)
    return [values] if rows == 1 else [[v] for v in values]


def _twelve_months(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The two ranges of the monthly functions: always a list of rows (even one cell), error cells as text."""
    fn = arg("tokutei_range", ndim=2, err_to_str=True,
             doc="4月～3月のうち特定施設入居者生活介護を担当する職員数の12セル（空欄は0）")(fn)
    return arg("fte_range", ndim=2, err_to_str=True, doc="4月～3月の職員数（常勤換算）の12セル")(fn)


# ---- the functions ----

@func
@arg("hours", doc="その月に対象の業務に従事した勤務時間の合計（時間）")
@arg("weekly_fulltime_hours", doc="常勤の従業者が勤務すべき週の時間数（例: 40）。32時間未満なら32時間で計算")
@arg("days_in_month", doc="その月の日数（28～31）")
@_cell_safe
def fte_from_hours(hours, weekly_fulltime_hours, days_in_month):
    """勤務時間から常勤換算数を求めます（勤務時間 ÷ 常勤の勤務すべき時間数、小数点第2位以下切り捨て）。例: 600時間・週40時間・30日 → 3.5"""
    h = to_decimal(hours, "勤務時間")
    weekly = to_decimal(weekly_fulltime_hours, "週の時間数")
    days = to_int(days_in_month, "月の日数", low=28, high=31)
    if h < 0:
        raise CellProblem(f"勤務時間「{h}」が負の値です。")
    if h > HOURS_MAX:
        raise CellProblem(f"勤務時間「{h}」は1か月の上限（{HOURS_MAX}時間＝24時間×31日）を超えています。"
                          "1人1か月の時間数を入力してください。")
    if weekly <= 0:
        raise CellProblem(f"週の時間数「{weekly}」は正の数で入力してください。")
    if weekly > WEEKLY_HOURS_MAX:
        raise CellProblem(f"週の時間数「{weekly}」は1週間の時間（{WEEKLY_HOURS_MAX}時間）を超えています。")
    return to_excel(fte_rules.fte_from_hours(h, weekly, days))


@func
@_twelve_months
@_cell_safe
def target_fte(fte_range, tokutei_range):
    """各月の対象職員数（職員数 − 特定施設の担当職員数）を12か月分スピルで返します（別添1 2(2)ア）。"""
    rows, found, _ = _read_months(fte_range, tokutei_range)
    by_month = {r.month: kasan.target_fte(r.fte, r.tokutei_fte) for r in rows}
    out: list[Any] = [to_excel(by_month[m]) if m in by_month else None for m in FISCAL_MONTHS]
    for f in _errors(found):
        i = _month_index(f)
        if i is not None and not isinstance(out[i], str):
            out[i] = message(f.message)
    return _spill_like(fte_range, out)


@func
@_twelve_months
@_cell_safe
def average_fte(fte_range, tokutei_range):
    """対象職員数（月平均）= 12か月の対象職員数の合計 ÷ 12 を返します（端数処理なし。表示は小数2位で）。"""
    _, found, ev = _read_months(fte_range, tokutei_range)
    if _errors(found) or ev.result is None:
        return _first_error(found)
    return to_excel(ev.result.average)


@func
@arg("average", doc="対象職員数（月平均）。AVERAGE_FTE 関数の結果のセル")
@arg("rate", doc="職員1人当たりの年額（円）。省略時は54,000円（令和7年度）")
@_cell_safe
def kasan_total(average, rate=None):
    """加算総額（年間）= 対象職員数（月平均）× 54,000円 を円単位で返します（別添1 2(2)イ）。"""
    policy = context.policy()
    avg = to_decimal(average, "対象職員数（月平均）")
    if avg < 0:
        raise CellProblem(f"対象職員数（月平均）「{avg}」が負の値です。")
    if avg > policy.fte_max:
        raise CellProblem(f"対象職員数（月平均）「{avg}」は大きすぎます（上限 {policy.fte_max}）。"
                          "人数ではなく時間数を入力していないかご確認ください。")
    yen_rate = policy.rate_yen if rate is None else to_int(rate, "単価", low=1)
    if yen_rate > policy.yen_max:
        raise CellProblem(f"単価「{yen_rate:,}」円は大きすぎます（上限 {policy.yen_max:,}円）。")
    yen, _ = kasan.annual_total(exact_average(avg, policy.divisor), yen_rate, policy.yen_rounding)
    return yen


@func
@arg("total_yen", doc="加算総額（円）。KASAN_TOTAL 関数の結果のセル")
@arg("installments", doc="支払回数（1～12）")
@arg("first_month", doc="初回の支払月（4～12、1～3）。省略時は4月")
@arg("fiscal_year", doc="年度（西暦）。省略時は2025（令和7年度）")
@_cell_safe
def payment_schedule(total_yen, installments, first_month=4, fiscal_year=context.DEFAULT_FISCAL_YEAR):
    """支払予定（支払月と金額）をスピルで返します。各回は総額÷回数の切り捨てで、端数は最終回に加えます（このツールの取扱い）。"""
    total = to_int(total_yen, "加算総額", low=0)
    if total > context.policy().yen_max:
        raise CellProblem(f"加算総額「{total:,}」円は大きすぎます（上限 {context.policy().yen_max:,}円）。")
    n = to_int(installments, "支払回数", low=1, high=12)
    first = to_int(first_month, "初回の支払月", low=1, high=12)
    year = to_int(fiscal_year, "年度", low=2019, high=2100)
    if n > payments.months_left(first):
        raise CellProblem(f"{first}月から{n}回払いでは年度末（3月）を越えます。"
                          f"{first}月開始なら{payments.months_left(first)}回以内にしてください。")
    return [[wareki_month(p.year, p.month), p.yen] for p in payments.schedule(total, n, first, year)]


@func
@_twelve_months
@_cell_safe
def check_fte(fte_range, tokutei_range):
    """月別職員数をチェックし、指摘（コードと内容）をスピルで返します。問題がなければ ○ を返します。"""
    _, found, _ = _read_months(fte_range, tokutei_range)
    if not found:
        return [OK_ROW]
    label = {"error": "エラー", "warning": "注意", "info": "情報"}
    return [[f.code, f"{label[f.severity]}: {f.message}"] for f in found]


FUNCTIONS = (fte_from_hours, target_fte, average_fte, kasan_total, payment_schedule, check_fte)
