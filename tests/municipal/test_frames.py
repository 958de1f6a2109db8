"""The findings and the facility table as frames, on results made by hand (no workbook is read)."""

from __future__ import annotations

from decimal import Decimal

from kaigo_xl.municipal.collect import BookResult
from kaigo_xl.municipal.frames import (
    book_frame,
    collapsed_findings,
    facility_columns,
    findings_frame,
    table_rows,
    totals,
)
from kaigo_xl.municipal.summary import build_summary


def _book(file: str, number: str, annual: int | None, *, year: int = 2025, infos: int = 0, error: bool = False):
    r = BookResult(file=file, number=number, name=f"園{number}", fiscal_year=year, phase="plan",
                   annual_yen=annual, average=(annual // 54_000, 1) if annual else None)
    if annual:
        r.payments[0] = annual
    for k in range(infos):
        r.add_finding("INPUT_NORMALISED", "info", f"「{k}．５」を {k}.5 として読みました。", f"月別職員数!C{6 + k}")
    if error:
        r.add_finding("TOKUTEI_EXCEEDS_FTE", "error", "特定施設担当が多すぎます。", "月別職員数!D8")
    return r


def test_twelve_identical_information_rows_become_one_row_with_a_count():
    s = build_summary([_book("a.xlsx", "1", 54_000, infos=12), _book("b.xlsx", "2", None, error=True)], [])
    full = findings_frame(s)
    table = collapsed_findings(full)
    assert len(full) == 13 and len(table) == 2
    info = table[table["区分"] == "情報"].iloc[0]
    assert (info["件数"], info["セル"], info["シート"]) == (12, "C6:C17", "月別職員数")
    assert info["内容"].startswith("全角数字や空白を読み替えた（12件。例: ")
    assert table.iloc[0]["区分"] == "エラー"  # errors first


def test_books_of_another_year_stay_out_of_the_table_and_its_totals():
    s = build_summary([_book("a.xlsx", "1", 108_000), _book("b.xlsx", "2", 54_000), _book("c.xlsx", "3", 540_000,
                                                                                         year=2024)], [])
    assert s.fiscal_year == 2025 and [r.file for r in s.other_years] == ["c.xlsx"]
    cols = facility_columns(s.month_labels())
    rows = table_rows(book_frame(s), cols)
    sums = dict(zip([c.header for c in cols], totals(rows, cols)))
    assert len(rows) == 2 and sums["加算総額（円）"] == 162_000 == s.total_annual_yen
    assert sums["令和7年4月支払額（円）"] == 162_000 and s.month_totals()[0] == 162_000
    assert sums["対象職員数（月平均）"] == Decimal(3)


def test_a_tie_between_years_takes_the_later_one_and_says_so():
    s = build_summary([_book("a.xlsx", "1", 54_000, year=2025), _book("b.xlsx", "2", 54_000, year=2026)], [])
    assert s.fiscal_year == 2026 and "ブックで最も多い年度" in s.year_sentence()
