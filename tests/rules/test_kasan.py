"""別添1 2(2): 対象職員数（月平均）and 加算総額, with the notice's own figures."""

from decimal import Decimal
from fractions import Fraction

from support.builders import payload, run

from kaigo_xl.rules import kasan


def test_one_person_all_year_earns_54000_yen():
    # 職員1人当たり54,000円 (別添1 2(2))
    assert run(payload(fte="1.0")).annual_yen == 54_000


def test_average_is_sum_of_twelve_months_divided_by_twelve():
    # 2(2)ア: 12ヶ月分合計した上で12で除して
    months = ["2.0"] * 6 + ["1.0"] * 6  # sum 18 → 1.5
    assert run(payload(fte=months)).average == Fraction(3, 2)


def test_divisor_stays_twelve_when_the_home_opened_mid_year():
    # A month without staff contributes 0; the divisor is still 12: 6 months × 2.0 = 12 → average 1.0.
    months = ["0"] * 6 + ["2.0"] * 6
    ev = run(payload(fte=months))
    assert ev.average == 1
    assert ev.annual_yen == 54_000


def test_tokutei_staff_are_excluded_month_by_month():
    # 2(2)ア: 特定施設入居者生活介護を担当する職員数（常勤換算）を除いた数
    ev = run(payload(fte="5.0", tokutei="1.5"))
    assert ev.result.monthly_targets == (Decimal("3.5"),) * 12
    assert ev.annual_yen == 3_5 * 54_000 // 10  # 3.5 persons → 189,000円


def test_annual_total_of_one_decimal_months_is_sum_times_4500():
    # Our convention: no rounding of the average; with one-decimal months 合計 × 4,500 is whole yen.
    months = ["8.5", "8.5", "8.7", "8.9", "8.9", "8.7", "8.7", "8.9", "8.9", "8.7", "8.7", "8.9"]  # sum 105.0
    assert run(payload(fte=months)).annual_yen == 105 * 4_500 == 472_500


def test_a_repeating_average_is_not_rounded_before_the_money():
    # sum 1.3 → average 0.108333…; 0.1083 × 54,000 would give 5,848.2, the exact rule gives 5,850.
    months = ["1.3"] + ["0"] * 11
    assert run(payload(fte=months)).annual_yen == 5_850


def test_two_decimal_inputs_are_floored_to_the_yen_and_say_so():
    # sum 0.01 → 0.01 × 4,500 = 45 exactly; sum 0.01 over 7 months… use 0.07/12 × 54000 = 315
    months = ["0.01"] + ["0"] * 11  # 0.01 × 4,500 = 45.0 — whole
    assert run(payload(fte=months)).annual_yen == 45
    yen, rounded = kasan.annual_total(Fraction(1, 1200) / 7, 54_000, "floor")  # 54000/8400 = 6.428…
    assert (yen, rounded) == (6, True)


def test_q1_monthly_rates():
    # Q1: 12ヶ月分として一月あたり4,500円、6ヶ月分として9,000円
    assert kasan.monthly_rate(54_000, 12) == 4_500
    assert kasan.monthly_rate(54_000, 6) == 9_000


def test_average_is_displayed_with_two_decimals():
    assert str(kasan.display_average(Fraction(105, 12))) == "8.75"
    assert str(kasan.display_average(Fraction(13, 120))) == "0.11"


def test_a_municipal_rate_and_divisor_come_from_the_policy():
    from kaigo_xl.policy import Policy

    ev = run(payload(fte="1.0"), policy=Policy(rate_yen=60_000))
    assert ev.annual_yen == 60_000


# ---- the rate by fiscal year (別添1 2(2)イ: 令和7年度 54,000円; Q6: 令和8年度以降は検討中) ----


def test_only_fiscal_2025_has_a_rate_from_the_notice():
    assert kasan.NOTICE_RATES_YEN == {2025: 54_000}


def test_a_later_year_says_the_rate_and_the_add_on_itself_are_undecided():
    ev = run(payload(fiscal_year=2026))
    [f] = [f for f in ev.findings if f.code == "FY_RATE_UNCONFIRMED"]
    assert "令和8年度の単価は国から示されていません" in f.message and "検討中" in f.message and "Q6" in f.message
    assert ev.rate.source == "assumed" and ev.annual_yen == 54_000


def test_the_policy_sets_a_years_rate():
    from kaigo_xl.policy import Policy

    ev = run(payload(fiscal_year=2026), policy=Policy(rates_by_fiscal_year={2026: 60_000}))
    assert "FY_RATE_UNCONFIRMED" not in {f.code for f in ev.findings}
    assert (ev.rate.yen, ev.rate.source, ev.annual_yen) == (60_000, "policy", 60_000)


def test_a_rate_the_municipality_wrote_applies_to_every_year_and_needs_no_warning():
    from kaigo_xl.policy import Policy

    ev = run(payload(fiscal_year=2027), policy=Policy(rate_yen=54_000))
    assert "FY_RATE_UNCONFIRMED" not in {f.code for f in ev.findings} and ev.rate.source == "policy"
