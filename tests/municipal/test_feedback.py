"""The request a municipality sends back to a facility (kaigo_xl.municipal.feedback): addressed as a letter, the
fixes first, the warnings worth a look after them, dated in 和暦."""

from __future__ import annotations

from datetime import datetime

from kaigo_xl.municipal.collect import BookResult
from kaigo_xl.municipal.feedback import feedback_items, mail_text
from kaigo_xl.municipal.summary import build_summary


def _letter(*, contact: str = "", warning: bool = False, name: str = "ケアハウス ひまわり") -> str:
    r = BookResult(file="ひまわり.xlsx", number="0112345679", name=name, contact=contact, fiscal_year=2025,
                   phase="plan")
    r.add_finding("MONTH_MISSING", "error", "6月の職員数がありません。", "月別職員数!C8")
    if warning:
        r.add_finding("EXP_TECHNOLOGY_SUSPECTED", "warning", "「見守りセンサーの購入」は介護テクノロジー機器の購入に"
                      "当たる可能性があります。", "経費!B6")
    r.add_finding("INPUT_NORMALISED", "info", "「８．５」を 8.5 として読みました。", "月別職員数!C6")
    summary = build_summary([r], [])
    summary.created = datetime(2026, 12, 2, 9, 30)
    (item,) = feedback_items(summary)
    return mail_text(item, summary)


def test_the_letter_is_addressed_to_the_facility_with_its_contact_beside():
    lines = _letter(contact="施設長 佐藤 次郎（0123-45-6789）").splitlines()
    assert lines[:2] == ["ケアハウス ひまわり　御中", "（ご担当: 施設長 佐藤 次郎（0123-45-6789））"]


def test_a_letter_without_a_facility_name_goes_to_the_person_in_charge():
    assert _letter(name="").splitlines()[0] == "ご担当者様"


def test_the_date_of_the_check_is_written_in_wareki():
    assert _letter().splitlines()[-1] == "（令和8年12月2日 kaigo-xl で確認）"


def test_errors_are_the_fixes_and_warnings_follow_as_points_to_check():
    text = _letter(warning=True)
    fixes, cautions = text.split("あわせて、次の1点もご確認ください")
    assert "次の1点の修正が必要です" in fixes and "・月別職員数!C8: 6月の職員数がありません。" in fixes
    assert "・経費!B6: 「見守りセンサーの購入」" in cautions and "見守りセンサー" not in fixes


def test_information_findings_stay_out_of_the_letter():
    assert "８．５" not in _letter(warning=True)


def test_a_letter_without_warnings_has_no_section_for_them():
    assert "あわせて" not in _letter()


def test_a_letter_without_a_facility_name_names_the_contact_once():
    assert _letter(name="", contact="事務長 山田").splitlines()[:2] == ["ご担当者様（事務長 山田）", ""]


def test_warnings_about_the_round_stay_with_the_municipality():
    r = BookResult(file="a.xlsx", number="1", name="園", fiscal_year=2025, phase="plan")
    r.add_finding("MONTH_MISSING", "error", "6月の職員数がありません。", "月別職員数!C8")
    r.add_finding("DUPLICATE_NUMBER", "warning", "施設番号「1」のブックが2件あります。", "施設情報!C7")
    summary = build_summary([r], [])
    (item,) = feedback_items(summary)
    assert "あわせて" not in mail_text(item, summary) and "2件" not in mail_text(item, summary)
