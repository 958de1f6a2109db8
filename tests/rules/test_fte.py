"""常勤換算 from roster hours (convention of the 勤務形態一覧表; see kaigo_xl/rules/fte.py)."""

from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from support.builders import payload, run

from kaigo_xl.rules.fte import StaffMonth, fte_from_hours, month_fte, monthly_fulltime_hours, truncate_tenth


def test_600_hours_in_a_30_day_month_with_a_40_hour_week_is_exactly_3_5():
    # 40 h × 30 / 7 = 171.43 h a month; 600 ÷ 171.43 = 3.5 exactly.
    assert fte_from_hours(D(600), D(40), 30) == D("3.5")


def test_hours_landing_exactly_on_a_tenth_are_not_lost_to_float_error():
    # 7 h 45 min a day = 38.75 h a week; 30-day month → 166.07 h; 581.25 h ÷ 166.07 = 3.5 exactly.
    # Binary floats give 3.4999999999999996, which truncates to 3.4: the exact rule must say 3.5.
    assert int(581.25 / (38.75 * 30 / 7) * 10) == 34  # the trap
    assert fte_from_hours(D("581.25"), D("38.75"), 30) == D("3.5")


def test_fte_is_truncated_not_rounded():
    # 170 h in a 31-day month, 40-hour week: 170 ÷ (40 × 31 / 7 = 177.14) = 0.9596… → 0.9
    assert fte_from_hours(D(170), D(40), 31) == D("0.9")


def test_a_week_under_32_hours_is_raised_to_32():
    # 30-hour week → 32: 32 × 28 / 7 = 128 h in February; 64 h → 0.5
    assert monthly_fulltime_hours(D(30), 28) == 128
    assert fte_from_hours(D(64), D(30), 28) == D("0.5")


def full(sochi=0, tokutei=0, short=False):
    return StaffMonth(True, short, D(sochi), D(tokutei))


def part(sochi=0, tokutei=0, short=False):
    return StaffMonth(False, short, D(sochi), D(tokutei))


def test_full_time_dedicated_counts_one_even_with_leave():
    # 常勤専従 with 120 h (leave inside the month) still counts 1.0
    assert month_fte([full(sochi=120)], D(40), 30).sochi == D(1)


def test_part_timers_hours_are_summed_then_truncated_once():
    # 3 × 60 h = 180 h ÷ 171.43 = 1.05 → 1.0 (truncating each person: 0.3 × 3 = 0.9 would lose 0.1)
    assert month_fte([part(60), part(60), part(60)], D(40), 30).sochi == D("1.0")


def test_short_time_staff_of_30_hours_a_week_count_one():
    # 育児短時間: 30 h/week in a 28-day month = 120 h → 1.0; 116 h (29 h/week) → 116 ÷ 160 = 0.725 → 0.7
    assert month_fte([part(sochi=120, short=True)], D(40), 28).sochi == D(1)
    assert month_fte([part(sochi=116, short=True)], D(40), 28).sochi == D("0.7")


def test_split_staff_count_only_their_sochi_hours():
    # 兼務: 100 h 措置 + 71.43 h 特定施設 in a 30-day month → 措置 100 ÷ 171.43 = 0.58 → 0.5
    m = month_fte([part(sochi=100, tokutei=D("71.43"))], D(40), 30)
    assert (m.sochi, m.tokutei) == (D("0.5"), D("0.4"))


def test_roster_makes_the_monthly_numbers_and_excludes_other_jobs():
    hours = {m: D(160) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)}
    roster = {
        "weekly_fulltime_hours": 40,
        "staff": [
            {"name": "支援員A", "job": "支援員", "pattern": "A", "sochi_hours": hours},
            {"name": "支援員B", "job": "支援員", "pattern": "C", "sochi_hours": {4: D(600)}},
            {"name": "相談員", "job": "生活相談員", "pattern": "A", "sochi_hours": hours},
        ],
    }
    ev = run(payload(roster=roster, monthly=[]))
    # April (30 days): 1.0 + 600 h → 3.5 = 4.5; other months 1.0 → sum 4.5 + 11 = 15.5 → × 4,500 = 69,750
    assert ev.result.monthly_targets[0] == D("4.5")
    assert ev.annual_yen == 69_750
    assert "ROSTER_JOB_NOT_COUNTED" in {f.code for f in ev.findings}


@settings(max_examples=2000, deadline=None)
@given(hours=st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, places=4) | st.integers(-10**6, 10**6),
       weekly=st.decimals(min_value=0, max_value=200, allow_nan=False, places=3), days=st.integers(1, 400))
def test_fte_from_hours_is_the_exact_quotient_truncated(hours, weekly, days):
    # Whole-number arithmetic, the same value as with Fractions step by step (the rule as written above).
    reference = truncate_tenth(Fraction(hours) / (Fraction(max(weekly, D(32))) * days / 7))
    assert fte_from_hours(D(hours), weekly, days) == reference
    assert str(fte_from_hours(D(hours), weekly, days)) == str(reference)
