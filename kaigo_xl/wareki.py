"""和暦 (Japanese era) dates, as officials write them: 令和7年4月1日, 令和7年度, 令和元年."""

from __future__ import annotations

from datetime import date

_ERAS = (  # (first day, name)
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
)


def era_year(day: date) -> tuple[str, int]:
    for start, name in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before 昭和")


def _year_text(n: int) -> str:
    return "元" if n == 1 else str(n)


def wareki_date(day: date) -> str:
    """令和7年4月1日."""
    name, n = era_year(day)
    return f"{name}{_year_text(n)}年{day.month}月{day.day}日"


def wareki_month(year: int, month: int) -> str:
    """令和7年4月."""
    name, n = era_year(date(year, month, 28))
    return f"{name}{_year_text(n)}年{month}月"


def fiscal_year_label(fiscal_year: int) -> str:
    """令和7年度 for 2025 (a fiscal year is named after its April)."""
    name, n = era_year(date(fiscal_year, 4, 1))
    return f"{name}{_year_text(n)}年度"
