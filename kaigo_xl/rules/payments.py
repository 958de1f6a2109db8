"""Payment schedule of the add-on (別添2 Q1).

Q1: 54,000円 is the 令和7年度 amount; per month it is 4,500円 over 12 months or 9,000円 over 6 months, and paying early,
several months at once, is encouraged. Our convention: N installments from a chosen month, each floor(total ÷ N),
the remainder in the last one, so the installments always add up to the total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaigo_xl.models import FISCAL_MONTHS


@dataclass(frozen=True)
class Payment:
    year: int
    month: int
    yen: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def calendar_year(fiscal_year: int, month: int) -> int:
    """April–December belong to the fiscal year's own calendar year, January–March to the next."""
    return fiscal_year if month >= 4 else fiscal_year + 1


def months_left(first_month: int) -> int:
    """How many installments fit from `first_month` to March."""
    return 12 - FISCAL_MONTHS.index(first_month)


def split(total_yen: int, installments: int) -> list[int]:
    """floor(total ÷ N) each time, the remainder on the last installment."""
    if installments < 1:
        raise ValueError("installments must be at least 1")
    base, remainder = divmod(total_yen, installments)
    return [base] * (installments - 1) + [base + remainder]


def schedule(total_yen: int, installments: int, first_month: int, fiscal_year: int) -> list[Payment]:
    if first_month not in FISCAL_MONTHS:
        raise ValueError(f"first_month must be 1..12, got {first_month}")
    if not 1 <= installments <= months_left(first_month):
        raise ValueError("installments do not fit in the fiscal year")
    start = FISCAL_MONTHS.index(first_month)
    months = FISCAL_MONTHS[start : start + installments]
    return [Payment(calendar_year(fiscal_year, m), m, yen) for m, yen in zip(months, split(total_yen, installments))]
