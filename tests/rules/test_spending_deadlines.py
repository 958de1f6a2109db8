"""Spending categories (別添1 2(3)イ) and the report deadline (2(3)ウ(イ)); 和暦."""

from datetime import date

from support.builders import codes, payload, run

from kaigo_xl.rules.deadlines import report_due
from kaigo_xl.wareki import fiscal_year_label, wareki_date


def test_technology_purchase_is_refused_and_points_to_the_support_project():
    ev = run(payload(expenses=[{"category": "介護テクノロジー機器購入", "description": "見守りセンサー",
                                "planned_yen": 54_000}]))
    f = next(f for f in ev.findings if f.code == "EXP_TECHNOLOGY")
    assert f.severity == "error"
    assert "介護テクノロジー導入・協働化等支援事業" in f.message
    assert f.location == "expenses[0].category"


def test_planned_spending_below_the_total_is_a_warning():
    ev = run(payload(expenses=[{"category": "人件費", "planned_yen": 50_000}]))
    assert "EXP_PLANNED_SHORT" in codes(ev)


def test_unknown_category_and_negative_amount():
    ev = run(payload(expenses=[{"category": "交際費", "planned_yen": 1}, {"category": "人件費", "planned_yen": -5}]))
    assert {"EXP_UNKNOWN_CATEGORY", "EXP_NEGATIVE"} <= codes(ev)


def test_report_of_fiscal_2025_is_due_on_2026_04_30():
    assert report_due(2025) == date(2026, 4, 30)


def test_next_business_day_rule_moves_a_sunday_deadline():
    # 2028-04-30 is a Sunday; 2028-05-01 (Monday) is a business day.
    assert report_due(2027) == date(2028, 4, 30)
    assert report_due(2027, next_business_day_rule=True) == date(2028, 5, 1)


def test_next_business_day_rule_skips_golden_week_holidays():
    # 2033-04-30 is a Saturday; May 1 is Sunday... 2033-05-02 (Monday) is a business day.
    assert report_due(2032, next_business_day_rule=True) == date(2033, 5, 2)


def test_late_report_is_a_warning():
    ev = run(payload(phase="report", submitted_on="2026-05-07", expenses=[
        {"category": "人件費", "planned_yen": 54_000, "actual_yen": 54_000}]))
    assert "REPORT_LATE" in codes(ev)


def test_wareki():
    assert wareki_date(date(2025, 4, 1)) == "令和7年4月1日"
    assert wareki_date(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki_date(date(2019, 4, 30)) == "平成31年4月30日"
    assert fiscal_year_label(2025) == "令和7年度"


# ---- technology caught by what it is (kaigo_xl/data/technology_keywords.toml) ----


def test_a_free_text_technology_category_is_technology_not_unknown():
    ev = run(payload(expenses=[{"category": "介護ロボット", "planned_yen": 1}]))
    assert "EXP_TECHNOLOGY" in codes(ev) and "EXP_UNKNOWN_CATEGORY" not in codes(ev)


def test_a_technology_description_in_an_allowed_category_is_a_warning_pointing_to_the_support_measures():
    ev = run(payload(expenses=[{"category": "職場環境改善経費", "description": "見守りセンサーの購入", "planned_yen": 1}]))
    [f] = [f for f in ev.findings if f.code == "EXP_TECHNOLOGY_SUSPECTED"]
    assert f.severity == "warning" and f.location == "expenses[0].description"
    assert "介護テクノロジー導入・協働化等支援事業" in f.message and "予定" in f.message


def test_keywords_match_whatever_the_width_of_the_letters():
    for text in ("ｲﾝｶﾑ一式", "ＩＣＴ機器の整備", "wi-fi工事"):
        ev = run(payload(expenses=[{"category": "人件費", "description": text, "planned_yen": 1}]))
        assert "EXP_TECHNOLOGY_SUSPECTED" in codes(ev), text


def test_an_ordinary_description_is_not_suspected():
    assert "EXP_TECHNOLOGY_SUSPECTED" not in codes(run(payload()))


def test_the_technology_error_names_the_related_support_measures_and_says_planned():
    ev = run(payload(expenses=[{"category": "介護テクノロジー機器購入", "planned_yen": 1}]))
    [f] = [f for f in ev.findings if f.code == "EXP_TECHNOLOGY"]
    assert "地域医療介護総合確保基金による介護テクノロジー導入支援事業" in f.message
    assert "新たに助成対象とする予定" in f.message


def test_the_keyword_list_refuses_pattern_characters():
    import pytest

    from kaigo_xl.catalog import keywords

    with pytest.raises(ValueError):
        keywords({"keywords": ["見守り*"]})


def test_texts_longer_than_the_printed_boxes_are_a_warning():
    from kaigo_xl.rules import printing

    long_line = "あ" * 60
    ev = run(payload(expenses=[{"category": "人件費", "description": long_line, "planned_yen": 1},
                               {"category": "人件費", "description": long_line, "planned_yen": 1}],
                     initiatives=[{"code": "ア", "status": "実施済", "detail": "い" * (printing.INITIATIVE_DETAIL_CHARS + 1)}]))
    assert sorted(f.location for f in ev.findings if f.code == "TEXT_TOO_LONG") == [
        "expenses[0].description", "initiatives[0].detail"]
