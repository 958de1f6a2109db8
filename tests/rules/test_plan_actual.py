"""Plan and actual are two sets of figures: the 見込み of the 計画書 (`monthly`) and the 実績 of the 実績報告書
(`monthly_actual`, or the roster). A file from before the split reads as it always did."""

from decimal import Decimal

from support.builders import codes, payload, run

from kaigo_xl.inputs import parse_payload
from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.report import to_json

SPENT = [{"category": "人件費", "description": "手当", "planned_yen": 54_000, "actual_yen": 54_000}]


def months(fte: str, tokutei: str = "0") -> list[dict]:
    return [{"month": m, "fte": Decimal(fte), "tokutei_fte": Decimal(tokutei)} for m in FISCAL_MONTHS]


def test_a_plan_is_computed_from_the_expected_figures():
    ev = run(payload(fte="2.0", monthly_actual=months("9.0")))
    assert ev.phase == "plan" and ev.annual_yen == 2 * 54_000
    assert ev.actual is None  # a plan does not look at the actual figures


def test_a_report_is_computed_from_the_actual_figures_with_the_plan_beside_them():
    ev = run(payload(fte="2.0", monthly_actual=months("1.5"), phase="report", expenses=SPENT, received_yen=108_000))
    assert ev.annual_yen == 81_000  # 1.5 persons × 54,000 (実績)
    assert ev.plan.result.annual_yen == 108_000  # 2.0 persons (見込み), shown beside
    assert ev.settlement.entitlement_yen == 81_000


def test_the_payment_schedule_stays_the_plans_in_a_report():
    ev = run(payload(fte="2.0", monthly_actual=months("1.5"), phase="report", expenses=SPENT,
                     payment={"installments": 2, "first_month": 4}))
    assert [p.yen for p in ev.payments] == [54_000, 54_000]


def test_without_a_received_amount_the_report_assumes_the_plan_was_paid():
    ev = run(payload(fte="2.0", monthly_actual=months("1.5"), phase="report", expenses=SPENT))
    assert ev.settlement.received_yen == 108_000
    [f] = [f for f in ev.findings if f.code == "RECEIVED_MISSING"]
    assert "計画の加算総額 108,000円" in f.message


def test_an_old_report_file_with_only_monthly_reads_as_before():
    ev = run(payload(fte="2.0", phase="report", expenses=SPENT, received_yen=108_000))
    assert ev.annual_yen == 108_000 and ev.plan.result.annual_yen == 108_000
    assert ev.actual.source == "monthly" and codes(ev) == {"REFUND_DUE"}  # 108,000 received, 54,000 spent


def test_an_old_plan_file_with_only_a_roster_takes_the_plan_from_the_roster():
    roster = {"staff": [{"job": "支援員", "pattern": "A", "sochi_hours": {m: 160 for m in FISCAL_MONTHS}}]}
    assert run(payload(monthly=[], roster=roster)).annual_yen == 54_000


def test_the_roster_feeds_the_actual_figures_not_the_plan():
    roster = {"staff": [{"job": "支援員", "pattern": "A", "sochi_hours": {m: 160 for m in FISCAL_MONTHS}}]}
    ev = run(payload(fte="3.0", monthly_actual=[], roster=roster, phase="report", expenses=SPENT))
    assert ev.annual_yen == 54_000 and ev.plan.result.annual_yen == 3 * 54_000
    assert ev.actual.source == "roster"


def test_a_report_checks_its_actual_figures_where_they_are():
    actual = months("1.0")
    actual[2]["fte"] = Decimal("-1")
    ev = run(payload(monthly_actual=actual, phase="report", expenses=SPENT))
    assert [f.location for f in ev.findings if f.code == "FTE_NEGATIVE"] == ["monthly_actual[2].fte"]
    assert ev.annual_yen is None


def test_a_wrong_plan_month_in_a_report_only_leaves_the_plan_total_blank():
    plan = months("1.0")
    plan[0]["fte"] = Decimal("-1")
    ev = run(payload(monthly=plan, monthly_actual=months("1.0"), phase="report", expenses=SPENT))
    assert "FTE_NEGATIVE" not in codes(ev)  # the plan was checked when it was submitted
    assert ev.plan.result is None and ev.annual_yen == 54_000


def test_missing_actual_figures_are_missing_in_a_report():
    ev = run(payload(monthly_actual=[], phase="report", expenses=SPENT))
    [f] = [f for f in ev.findings if f.code == "MONTH_MISSING"]
    assert "実績の職員数" in f.message and f.location == "monthly_actual"


def test_a_plan_with_actual_amounts_is_not_settled():
    ev = run(payload(phase="plan", expenses=[{"category": "人件費", "planned_yen": 54_000, "actual_yen": 1}]))
    assert ev.settlement is None
    assert not {"REFUND_DUE", "ADDITIONAL_DUE", "RECEIVED_MISSING", "ACTUAL_MISSING"} & codes(ev)


def test_the_json_results_carry_both_sets():
    out = to_json(run(payload(fte="2.0", monthly_actual=months("1.5"), phase="report", expenses=SPENT)))
    assert out["annual_yen"] == 81_000  # the document's own figures, as before
    assert out["plan"]["annual_yen"] == 108_000 and out["actual"]["annual_yen"] == 81_000
    assert out["actual"]["source"] == "monthly_actual"
    assert to_json(run(payload()))["actual"] is None


def test_months_the_reader_could_not_read_are_neither_missing_nor_added_up():
    data = payload()
    data["monthly"] = data["monthly"][1:]  # April unreadable: the reader left it out and reported its cell

    def locate(path: str) -> str:
        return path

    locate.unread = {"monthly.4"}  # type: ignore[attr-defined]
    ev = run(data, locate=locate)
    assert "MONTH_MISSING" not in codes(ev) and ev.annual_yen is None


# ---- one mistake, one error: the JSON file ---------------------------------------------------------------------


def test_a_month_given_twice_stops_the_file():
    data = payload()
    data["monthly"].append({"month": 4, "fte": "9.0"})
    inp, findings = parse_payload(data)
    assert inp is None
    assert [(f.code, f.location) for f in findings] == [("MONTH_DUPLICATE", "monthly[12].month")]


def test_a_month_given_twice_in_the_actual_figures_stops_the_file_too():
    inp, findings = parse_payload(payload(monthly_actual=months("1.0") + months("1.0")[:1]))
    assert inp is None and [f.location for f in findings] == ["monthly_actual[12].month"]


def test_a_negative_received_amount_is_an_input_error():
    inp, findings = parse_payload(payload(received_yen=-1))
    assert inp is None
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "received_yen")]


# ---- finer figures than a tenth ----------------------------------------------------------------------------------


def test_two_decimals_are_a_warning_that_says_the_typed_value_is_used():
    ev = run(payload(fte=["10.25", "10.5", "10.75"] + ["10.0"] * 9))
    [f] = [f for f in ev.findings if f.code == "FTE_PRECISION"]
    assert f.severity == "warning" and f.location == "monthly[0].fte"
    assert "4月・6月" in f.message and "入力どおりの値で計算" in f.message and "切り捨て" in f.message
    assert ev.annual_yen == int(Decimal("121.5") * 4_500)  # 10.25 + 10.5 + 10.75 + 9 × 10.0, as typed


def test_two_decimals_never_need_yen_rounding():
    # 0.01 × 4,500 = 45: any hundredths give whole yen with the notice's 54,000 ÷ 12
    assert "YEN_ROUNDED" not in codes(run(payload(fte=["0.01"] + ["0"] * 11)))


def test_yen_rounding_blames_three_decimals():
    [f] = [f for f in run(payload(fte=["0.001"] + ["0"] * 11)).findings if f.code == "YEN_ROUNDED"]
    assert "小数第3位以下" in f.message


def test_yen_rounding_from_the_divisor_blames_the_settings():
    from kaigo_xl.policy import Policy

    [f] = [f for f in run(payload(fte="1.1"), policy=Policy(divisor=7)).findings if f.code == "YEN_ROUNDED"]
    assert "設定" in f.message and "小数第3位" not in f.message


def test_calc_and_template_refuse_a_file_with_a_month_twice(tmp_path, capsys):
    import json

    from kaigo_xl.commands import main

    data = payload()
    data["monthly"].append({"month": 4, "fte": "9.0"})
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    assert main(["calc", str(path)]) == 1
    assert main(["template", str(tmp_path / "book.xlsx"), "--data", str(path)]) == 1
    assert not (tmp_path / "book.xlsx").exists()
    assert "MONTH_DUPLICATE" in capsys.readouterr().out
