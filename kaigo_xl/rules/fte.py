"""常勤換算 (full-time equivalents) from hours, as the standard 勤務形態一覧表 computes it.

Not in the notice: 別添1 2(2)ア only says "常勤換算した数". We follow the convention of the 介護 standards:
hours worked in the role ÷ the hours a full-time employee must work in the month, truncated to one decimal
(小数点第2位以下切り捨て); a week under 32 hours is raised to 32; a 常勤専従 employee counts 1.0; staff on
育児・介護 short-time measures working 30 hours a week or more count 1.0.

Arithmetic is exact (fractions): 600 h in a 30-day month with a 40-hour week is exactly 3.5, which binary floats
compute as 3.4999… and truncate to 3.4.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MIN_WEEKLY_HOURS = Decimal(32)  # 常勤の従業者が勤務すべき時間数が32時間を下回る場合は32時間
SHORT_TIME_WEEKLY_HOURS = Decimal(30)  # 育児・介護の短時間勤務で週30時間以上なら常勤扱い


def truncate_tenth(value: Fraction | Decimal) -> Decimal:
    """小数点第2位以下切り捨て (towards zero, as FTEs are never negative)."""
    tenths = int(Fraction(value) * 10)  # int() truncates towards zero
    return Decimal(tenths) / 10


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def monthly_fulltime_hours(weekly_fulltime_hours: Decimal, days: int) -> Fraction:
    """常勤の従業者が勤務すべき時間数 of a month: weekly hours × days ÷ 7, the week at least 32 hours."""
    weekly = max(Decimal(weekly_fulltime_hours), MIN_WEEKLY_HOURS)
    return Fraction(weekly) * days / 7


def fte_from_hours(hours: Decimal, weekly_fulltime_hours: Decimal, days: int) -> Decimal:
    """Hours in the role ÷ the month's full-time hours, truncated to one decimal."""
    if type(days) is not int or days <= 0:  # (no month has such days; the general way, as the formula reads)
        return truncate_tenth(Fraction(hours) / monthly_fulltime_hours(weekly_fulltime_hours, days))
    # The same exact quotient in whole numbers (a Fraction per step costs more than the rest of the roster):
    # hours ÷ (weekly × days ÷ 7) = (hn/hd) × 7 × wd ÷ (wn × days).
    weekly = max(Decimal(weekly_fulltime_hours), MIN_WEEKLY_HOURS)
    hn, hd = hours.as_integer_ratio() if type(hours) is Decimal else Fraction(hours).as_integer_ratio()
    wn, wd = weekly.as_integer_ratio()
    num, den = hn * 7 * wd, hd * wn * days  # den > 0: hd, wd ≥ 1, wn ≥ 32, days ≥ 1
    tenths = abs(num) * 10 // den
    return Decimal(tenths if num >= 0 else -tenths) / 10  # towards zero, as truncate_tenth


def weekly_hours(hours: Decimal, days: int) -> Fraction:
    """Average hours a week of a month's hours (used for the 30-hour short-time rule)."""
    return Fraction(hours) * 7 / days


@dataclass(frozen=True)
class MonthFte:
    """One month of the roster: the 措置 FTE (what counts) and the 特定施設 FTE (excluded)."""

    sochi: Decimal
    tokutei: Decimal

    @property
    def total(self) -> Decimal:
        return self.sochi + self.tokutei


@dataclass(frozen=True)
class StaffMonth:
    """One counted person in one month."""

    full_time_dedicated: bool  # 勤務形態 A
    short_time: bool  # 育児・介護の短時間勤務
    sochi_hours: Decimal
    tokutei_hours: Decimal


def month_fte(staff: list[StaffMonth], weekly_fulltime_hours: Decimal, days: int) -> MonthFte:
    """FTE of the counted role in one month.

    Whole persons (常勤専従, or short-time ≥ 30 h/week) count 1.0 on the side they work on; everyone else's
    hours are summed per side and converted once, truncated to one decimal, as the 勤務形態一覧表 does.
    A person who works on both sides is converted by hours: only the 措置 hours count (兼務).
    """
    whole_sochi = whole_tokutei = 0
    hours_sochi = hours_tokutei = Decimal(0)
    for s in staff:
        one_side = (s.sochi_hours > 0) != (s.tokutei_hours > 0)
        whole = s.full_time_dedicated or (
            s.short_time and weekly_hours(s.sochi_hours + s.tokutei_hours, days) >= SHORT_TIME_WEEKLY_HOURS
        )
        if whole and one_side:
            if s.sochi_hours > 0:
                whole_sochi += 1
            else:
                whole_tokutei += 1
        else:
            hours_sochi += s.sochi_hours
            hours_tokutei += s.tokutei_hours
    return MonthFte(
        sochi=whole_sochi + fte_from_hours(hours_sochi, weekly_fulltime_hours, days),
        tokutei=whole_tokutei + fte_from_hours(hours_tokutei, weekly_fulltime_hours, days),
    )
