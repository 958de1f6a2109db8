"""Every finding code is produced by some input, carries its declared severity and a Japanese message."""

from decimal import Decimal

import pytest
from support.builders import payload, run

from kaigo_xl.findings import CODES

# Codes produced while reading workbooks (and JSON: TEXT_TRUNCATED) are tested with the readers.
WORKBOOK_ONLY = {"SHEET_MISSING", "TEMPLATE_OLD", "INPUT_NORMALISED", "INPUT_INVALID", "LAYOUT_CHANGED",
                 "MACROS_IGNORED", "TEXT_TRUNCATED"}

_12 = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def monthly(**changes):
    rows = [{"month": m, "fte": Decimal("2.0"), "tokutei_fte": Decimal(0)} for m in _12]
    for i, row in changes.items():
        rows[int(i[1:])].update(row)
    return rows


CASES = {
    "FACILITY_NAME_MISSING": payload(facility={"name": "", "type": "養護", "number": "1"}),
    "FACILITY_NUMBER_MISSING": payload(facility={"name": "テスト荘", "type": "軽費"}),
    "FY_RATE_UNCONFIRMED": payload(fiscal_year=2026),
    "FY_BEFORE_START": payload(fiscal_year=2024),
    "ACTUAL_MISSING": payload(phase="report", expenses=[{"category": "人件費", "planned_yen": 54_000}]),
    "RECEIVED_MISSING": payload(phase="report", expenses=[{"category": "人件費", "planned_yen": 54_000,
                                                            "actual_yen": 54_000}]),
    "MONTH_MISSING": payload(monthly=monthly()[:11]),
    "MONTH_DUPLICATE": payload(monthly=monthly() + [{"month": 4, "fte": 1}]),
    "FTE_NEGATIVE": payload(monthly=monthly(m0={"fte": Decimal("-1")})),
    "FTE_TOO_LARGE": payload(monthly=monthly(m0={"fte": Decimal("1600")})),
    "TOKUTEI_EXCEEDS_FTE": payload(monthly=monthly(m0={"tokutei_fte": Decimal("3")})),
    "TOKUTEI_NOT_DESIGNATED": payload(facility={"name": "a", "type": "養護", "number": "1",
                                                "tokutei_designated": False},
                                      monthly=monthly(m0={"tokutei_fte": Decimal("1")})),
    "MONTH_ZERO": payload(monthly=monthly(m3={"fte": Decimal(0)})),
    "NO_TARGET_STAFF": payload(fte="0"),
    "YEN_ROUNDED": payload(fte=["0.001"] + ["0"] * 11),  # 0.001 × 4,500 = 4.5 yen → 4
    "ROSTER_HOURS_INVALID": payload(monthly=[], roster={"staff": [
        {"job": "支援員", "pattern": "C", "sochi_hours": {4: -3}}]}),
    "ROSTER_A_SPLIT": payload(monthly=[], roster={"staff": [
        {"job": "支援員", "pattern": "A", "sochi_hours": {4: 100}, "tokutei_hours": {4: 60}}]}),
    "ROSTER_JOB_NOT_COUNTED": payload(monthly=[], roster={"staff": [
        {"job": "調理員", "pattern": "A", "sochi_hours": {4: 160}}]}),
    "ROSTER_REPLACES_MONTHLY": payload(phase="report", monthly_actual=monthly(), roster={"staff": [
        {"job": "支援員", "pattern": "A", "sochi_hours": {4: 160}}]}),
    "FTE_PRECISION": payload(fte="1.25"),
    "EXP_TECHNOLOGY_SUSPECTED": payload(expenses=[{"category": "職場環境改善経費", "description": "インカムの購入",
                                                   "planned_yen": 1}]),
    "TEXT_TOO_LONG": payload(facility={"name": "長" * 41, "type": "養護", "number": "1"}),
    "REQ_NOT_MET": payload(initiatives=[]),
    "REQ_UNKNOWN_ITEM": payload(initiatives=[{"code": "エ", "status": "実施済", "detail": "x"}]),
    "REQ_DETAIL_MISSING": payload(initiatives=[{"code": "ア", "status": "実施済"}]),
    "REQ_STILL_PLANNED": payload(phase="report", initiatives=[{"code": "ア", "status": "実施予定", "detail": "x"}]),
    "EXP_TECHNOLOGY": payload(expenses=[{"category": "介護テクノロジー機器購入", "planned_yen": 1}]),
    "EXP_UNKNOWN_CATEGORY": payload(expenses=[{"category": "その他", "planned_yen": 1}]),
    "EXP_NEGATIVE": payload(expenses=[{"category": "人件費", "planned_yen": -1}]),
    "EXP_TOO_LARGE": payload(expenses=[{"category": "人件費", "planned_yen": 10**13}]),  # over yen_max, within the bounds
    "EXP_PLANNED_SHORT": payload(expenses=[{"category": "人件費", "planned_yen": 1}]),
    "EXP_NONE": payload(expenses=[]),
    "REFUND_DUE": payload(expenses=[{"category": "人件費", "planned_yen": 54_000, "actual_yen": 1}]),
    "ADDITIONAL_DUE": payload(received_yen=1, expenses=[{"category": "人件費", "planned_yen": 54_000,
                                                          "actual_yen": 54_000}]),
    "PAY_INSTALLMENTS_INVALID": payload(payment={"installments": 0, "first_month": 4}),
    "PAY_FIRST_MONTH_INVALID": payload(payment={"installments": 1, "first_month": 13}),
    "PAY_BEYOND_FISCAL_YEAR": payload(payment={"installments": 4, "first_month": 1}),
    "REPORT_LATE": payload(phase="report", submitted_on="2026-05-01"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_produced(code):
    ev = run(CASES[code])
    found = [f for f in ev.findings if f.code == code]
    assert found, f"{code} not produced; got {[f.code for f in ev.findings]}"
    assert all(f.severity == CODES[code][0] for f in found)
    assert all(any("\u3040" <= ch <= "\u9fff" for ch in f.message) for f in found)  # Japanese text


def test_every_declared_code_has_a_case():
    assert set(CODES) - WORKBOOK_ONLY == set(CASES)


def test_findings_name_their_location():
    ev = run(CASES["FTE_NEGATIVE"])
    assert [f.location for f in ev.findings if f.code == "FTE_NEGATIVE"] == ["monthly[0].fte"]
