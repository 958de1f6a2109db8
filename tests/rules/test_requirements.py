"""加算要件 (別添1 2(3)ア, Q2): requirement sets as data."""

from support.builders import codes, payload, run

from kaigo_xl.policy import Policy, RequirementRule


def ini(code, status="実施済", detail="内容"):
    return {"code": code, "status": status, "detail": detail}


def test_one_planned_action_is_enough_for_a_plan():
    assert "REQ_NOT_MET" not in codes(run(payload(initiatives=[ini("ウ", "実施予定")])))


def test_no_action_fails_the_plan():
    assert "REQ_NOT_MET" in codes(run(payload(initiatives=[])))


def test_a_report_needs_an_action_actually_done():
    ev = run(payload(phase="report", initiatives=[ini("イ", "実施予定")]))
    assert {"REQ_NOT_MET", "REQ_STILL_PLANNED"} <= codes(ev)


def test_catalog_number_counts_as_its_letter():
    # ア corresponds to 職場環境等要件 ⑱
    assert "REQ_NOT_MET" not in codes(run(payload(initiatives=[ini("⑱")])))


def test_a_municipality_can_require_items_in_each_category():
    policy = Policy(requirements=[RequirementRule(label="各区分1以上", each_category=True, min_count=1)])
    ev = run(payload(initiatives=[ini("①"), ini("⑤")]), policy=policy)
    failed = [o.category for o in ev.requirements if not o.satisfied]
    assert failed == ["balance", "health", "productivity", "motivation"]


def test_unknown_codes_and_missing_details_are_reported():
    ev = run(payload(initiatives=[ini("ア", detail=""), ini("Z")]))
    assert {"REQ_UNKNOWN_ITEM", "REQ_DETAIL_MISSING"} <= codes(ev)
