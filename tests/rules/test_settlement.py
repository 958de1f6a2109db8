"""Settlement: received vs. earned vs. spent on allowed categories → 返還見込額."""

from support.builders import codes, payload, run

from kaigo_xl.rules.settlement import settle


def test_everything_spent_means_nothing_to_return():
    assert settle(54_000, 54_000, 54_000).refund_yen == 0


def test_unspent_money_is_returned():
    assert settle(54_000, 54_000, 40_000).refund_yen == 14_000


def test_money_received_beyond_the_actual_entitlement_is_returned_even_if_spent():
    # Paid on the plan (54,000), actual staff earned 45,000, spent 60,000 → 9,000 back.
    assert settle(54_000, 45_000, 60_000).refund_yen == 9_000


def test_overpayment_can_be_left_out_by_policy():
    assert settle(54_000, 45_000, 60_000, includes_overpayment=False).refund_yen == 0


def test_refund_can_be_switched_off():
    assert settle(54_000, 54_000, 0, refund_enabled=False).refund_yen == 0


def test_earning_more_than_received_shows_an_additional_payment():
    assert settle(50_000, 54_000, 54_000).additional_yen == 4_000


def test_report_with_technology_spending_counts_only_allowed_spending():
    data = payload(fte="1.0", received_yen=54_000, phase="report", expenses=[
        {"category": "人件費", "description": "手当", "planned_yen": 30_000, "actual_yen": 30_000},
        {"category": "介護テクノロジー機器購入", "description": "見守りセンサー", "planned_yen": 0, "actual_yen": 24_000},
    ])
    ev = run(data)
    assert ev.settlement.refund_yen == 24_000
    assert {"REFUND_DUE", "EXP_TECHNOLOGY"} <= codes(ev)
