"""対象職員数（月平均）and 加算総額（年間）— 別添1 2(2).

ア 各月の職員数（養護: 支援員, 軽費: 介護職員; 常勤換算）から特定施設入居者生活介護を担当する職員数（常勤換算）を
  除いた数を12ヶ月分合計し、12で除して「対象職員数（月平均）」を求める。
イ 「対象職員数（月平均）」× 54,000円 により「加算総額」を求める。

The average is not rounded (our convention, see README): 加算総額 = 合計 × 54,000 ÷ 12 = 合計 × 4,500, which is a whole
number of yen whenever the monthly figures have one decimal. Only inputs with finer decimals need yen rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

RATE_R7_YEN = 54_000  # 令和7年度: 職員1人当たり54,000円 (別添1 2(2))
DIVISOR = 12  # 12で除して (別添1 2(2)ア)
FIRST_FISCAL_YEAR = 2025  # 令和7年度において…増額されるようにする (別添1 2(2)); 令和8年度以降は検討中 (Q6)

# 職員1人当たりの年額 by fiscal year, as the notice gives it. Only 令和7年度 is known: Q6 says whether the add-on
# continues from 令和8年度 is still under study. A municipality sets later years' rates in its policy.
NOTICE_RATES_YEN: dict[int, int] = {2025: RATE_R7_YEN}

_ROUNDING = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceiling": ROUND_CEILING}


def target_fte(fte: Decimal, tokutei_fte: Decimal) -> Decimal:
    """対象職員数 of a month = 職員数 − 特定施設を担当する職員数 (a negative result is an input error)."""
    return fte - tokutei_fte


def average_fte(monthly_targets: Sequence[Decimal], divisor: int = DIVISOR) -> Fraction:
    """対象職員数（月平均）: the sum of the months ÷ 12, exact. A month without staff contributes 0."""
    return Fraction(sum(monthly_targets, Decimal(0))) / divisor


def annual_total(average: Fraction, rate_yen: int = RATE_R7_YEN, rounding: str = "floor") -> tuple[int, bool]:
    """加算総額（年間） = 月平均 × 54,000円, in whole yen; the flag tells whether rounding was needed."""
    exact = average * rate_yen
    if exact.denominator == 1:
        return int(exact), False
    yen = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal(1), rounding=_ROUNDING[rounding])
    return int(yen), True


def monthly_rate(rate_yen: int = RATE_R7_YEN, months: int = 12) -> Fraction:
    """Q1: 54,000円 spread over 12 months is 4,500円 a month; over 6 months, 9,000円."""
    return Fraction(rate_yen, months)


def display_average(average: Fraction, places: int = 2) -> Decimal:
    """The average as shown to people (two decimals, rounded half up); never used for money."""
    q = Decimal(1).scaleb(-places)
    return (Decimal(average.numerator) / Decimal(average.denominator)).quantize(q, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class KasanResult:
    monthly_targets: tuple[Decimal, ...]  # April … March
    average: Fraction
    annual_yen: int
    rounded: bool


def compute(monthly_targets: Sequence[Decimal], rate_yen: int, divisor: int, rounding: str) -> KasanResult:
    avg = average_fte(monthly_targets, divisor)
    yen, rounded = annual_total(avg, rate_yen, rounding)
    return KasanResult(tuple(monthly_targets), avg, yen, rounded)


# 各月の職員数: 養護老人ホームにおいては支援員、軽費老人ホームにおいては介護職員の数 (別添1 2(2)ア).
# 主任支援員 is a 支援員. Other jobs (生活相談員, 看護職員, 調理員, 事務員, 施設長 …) never count.
COUNTED_JOBS: dict[str, frozenset[str]] = {
    "養護": frozenset({"支援員", "主任支援員"}),
    "軽費": frozenset({"介護職員"}),
}
