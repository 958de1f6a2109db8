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


def test_an_unknown_code_of_thousands_of_characters_is_quoted_shortened():
    ev = run(payload(initiatives=[ini("9" * 5000)]))
    [message] = [f.message for f in ev.findings if f.code == "REQ_UNKNOWN_ITEM"]
    assert "9" * 39 + "…" in message and len(message) < 100


# ---- whose rule: the notice's (別添1 2(3)ア), the municipality's own set (Q2), the report rule (a municipality's) ----


def not_met(ev) -> str:
    return next(f.message for f in ev.findings if f.code == "REQ_NOT_MET")


def test_the_notices_requirement_is_cited_as_2_3_a():
    assert "別添1 2(3)ア" in not_met(run(payload(initiatives=[])))


def test_a_municipalitys_own_requirement_set_cites_q2():
    policy = Policy(requirements=[RequirementRule(category="productivity", min_count=2)])
    message = not_met(run(payload(initiatives=[ini("⑰")]), policy=policy))
    assert "別添2 Q2" in message and "2(3)ア" not in message


def test_requiring_done_actions_in_a_report_is_said_to_be_the_municipalitys_rule():
    message = not_met(run(payload(phase="report", initiatives=[ini("イ", "実施予定")])))
    assert "市区町村の規則" in message and "計画又は既に実施" in message


def test_without_that_rule_a_planned_action_still_counts_in_a_report():
    ev = run(payload(phase="report", initiatives=[ini("イ", "実施予定")]), policy=Policy(report_requires_done=False))
    assert "REQ_NOT_MET" not in codes(ev)
    [still] = [f for f in ev.findings if f.code == "REQ_STILL_PLANNED"]
    assert "未実施" in still.message and "要件には数えています" in still.message


def test_the_default_set_written_out_in_a_policy_file_is_still_the_notices():
    policy = Policy(requirements=[RequirementRule(label="独自の名前", items=["ア", "イ", "ウ"], min_count=1)])
    assert not policy.custom_requirements
