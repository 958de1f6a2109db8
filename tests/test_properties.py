"""Properties that must hold for every input (hypothesis)."""

from dataclasses import fields
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from support.builders import payload, run

from kaigo_xl.rules.payments import schedule, split

tenths = st.integers(min_value=0, max_value=3000).map(lambda n: Decimal(n) / 10)


@given(total=st.integers(0, 10**10), n=st.integers(1, 12))
def test_installments_always_add_up_to_the_total(total, n):
    parts = split(total, n)
    assert sum(parts) == total and len(parts) == n
    assert max(parts) - min(parts) < n  # the remainder is less than one yen per installment


@given(total=st.integers(0, 10**9), first=st.sampled_from([4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]),
       data=st.data())
def test_schedules_stay_in_the_fiscal_year(total, first, data):
    from kaigo_xl.rules.payments import months_left

    n = data.draw(st.integers(1, months_left(first)))
    pays = schedule(total, n, first, 2025)
    assert sum(p.yen for p in pays) == total
    assert "2025-04" <= pays[0].label and pays[-1].label <= "2026-03"


@given(st.lists(tenths, min_size=12, max_size=12))
def test_average_never_exceeds_the_largest_month(months):
    ev = run(payload(fte=[str(m) for m in months]))
    assert ev.average <= max(months)


@given(st.lists(tenths, min_size=12, max_size=12))
def test_one_decimal_months_give_whole_yen_equal_to_sum_times_4500(months):
    ev = run(payload(fte=[str(m) for m in months]))
    assert ev.annual_yen == sum(months) * 4500
    assert not ev.result.rounded


@given(st.lists(tenths, min_size=12, max_size=12), st.integers(0, 10**7), st.integers(0, 10**7))
def test_no_money_value_is_ever_a_float(months, spent, received):
    ev = run(payload(fte=[str(m) for m in months], received_yen=received,
                     expenses=[{"category": "人件費", "planned_yen": spent, "actual_yen": spent}],
                     payment={"installments": 12, "first_month": 4}))
    money = [ev.annual_yen] + [p.yen for p in ev.payments]
    money += [getattr(ev.settlement, f.name) for f in fields(ev.settlement)]
    assert all(type(v) is int for v in money)
    assert ev.settlement.refund_yen >= 0
