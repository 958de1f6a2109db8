"""Deadline of the results report — 別添1 2(3)ウ(イ): 実績報告書を翌年4月末日までに提出させること.

Moving a deadline that falls on a weekend or national holiday to the next business day is a municipal choice
(policy `report_due_next_business_day`, off by default). 年末年始 does not matter for a date in April/May.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("JP", years=day.year)


def next_business_day(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def report_due(fiscal_year: int, next_business_day_rule: bool = False) -> date:
    """April 30 of the year after the fiscal year (令和7年度 → 2026-04-30)."""
    due = date(fiscal_year + 1, 4, 30)
    return next_business_day(due) if next_business_day_rule else due
