"""Payment schedule (Q1; remainder on the last installment — our convention)."""

import pytest

from kaigo_xl.rules.payments import schedule, split


def test_twelve_installments_of_54000_are_4500_each():
    assert split(54_000, 12) == [4_500] * 12


def test_six_installments_of_54000_are_9000_each():
    assert split(54_000, 6) == [9_000] * 6


def test_the_remainder_goes_on_the_last_installment():
    assert split(100_000, 3) == [33_333, 33_333, 33_334]


def test_schedule_months_run_from_the_first_month_across_the_new_year():
    pays = schedule(472_500, 6, 10, 2025)
    assert [p.label for p in pays] == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert sum(p.yen for p in pays) == 472_500


def test_a_lump_sum_is_one_payment():
    assert [(p.label, p.yen) for p in schedule(54_000, 1, 4, 2025)] == [("2025-04", 54_000)]


def test_a_schedule_past_march_is_refused():
    with pytest.raises(ValueError):
        schedule(54_000, 3, 2, 2025)
