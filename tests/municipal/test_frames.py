"""The findings and the facility table as rows and as frames, on results made by hand (no workbook is read)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from kaigo_xl.municipal.collect import BookResult, unreadable
from kaigo_xl.municipal.frames import book_frame, findings_frame
from kaigo_xl.municipal.summary import build_summary
from kaigo_xl.municipal.tables import (
    IN_TOTALS,
    collapsed_rows,
    facility_columns,
    facility_rows,
    finding_rows,
    fte_value,
    totals,
)


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
    full = finding_rows(s)
    table = collapsed_rows(full)
    assert len(full) == len(findings_frame(s)) == 13 and len(table) == 2
    _, _, _, sheet, cells, _, severity, count, message = table[1]
    assert (severity, count, cells, sheet) == ("情報", 12, "C6:C17", "月別職員数")
    assert str(message).startswith("全角数字や空白を読み替えた（12件。例: ")
    assert table[0][6] == "エラー"  # errors first


def test_books_of_another_year_stay_out_of_the_table_and_its_totals():
    s = build_summary([_book("a.xlsx", "1", 108_000), _book("b.xlsx", "2", 54_000), _book("c.xlsx", "3", 540_000,
                                                                                         year=2024)], [])
    assert s.fiscal_year == 2025 and [r.file for r in s.other_years] == ["c.xlsx"]
    cols = facility_columns(s.month_labels())
    rows = facility_rows(s, cols)
    sums = dict(zip([c.header for c in cols], totals(rows, cols)))
    assert len(rows) == 2 and sums["加算総額（円）"] == 162_000 == s.total_annual_yen
    assert sums["令和7年4月支払額（円）"] == 162_000 and s.month_totals()[0] == 162_000
    assert sums["対象職員数（月平均）"] == Decimal(3)


def test_a_tie_between_years_takes_the_later_one_and_says_so():
    s = build_summary([_book("a.xlsx", "1", 54_000, year=2025), _book("b.xlsx", "2", 54_000, year=2026)], [])
    assert s.fiscal_year == 2026 and "ブックで最も多い年度" in s.year_sentence()


def _varied() -> list[BookResult]:
    """Books with every kind of cell: empty and odd categories, no average, 加算要件 either way, unreadable."""
    books = [_book("a.xlsx", "1", 54_000, infos=2), _book("b.xlsx", "", None, error=True),
             _book("c.xlsx", "3", 108_000, year=2024), unreadable("d.xlsx", "壊れています。")]
    books[0].type, books[0].requirements_ok, books[0].refund_yen = "養護", True, 5
    books[1].type, books[1].phase, books[1].requirements_ok, books[1].name = "", "", False, ""
    return books


def test_the_frame_holds_exactly_the_rows_of_the_sheet_and_the_csv():
    """The 集計 sheet and the CSV are laid out from `facility_rows`, the API returns `book_frame`: same values."""
    s = build_summary(_varied(), [])
    cols = facility_columns(s.month_labels())
    frame = book_frame(s)
    shown = frame[frame[IN_TOTALS] | (frame["状態"] == "読込不可")]
    rows = facility_rows(s, cols)
    assert len(rows) == len(shown) == 3
    for row, (_, expected) in zip(rows, shown.iterrows()):
        for c, got in zip(cols, row):
            want = expected[c.header]
            if c.kind == "fte":
                want = fte_value(expected["対象職員数（月平均・分数）"])
            elif pd.isna(want):
                want = None
            elif c.kind == "bool":
                want = "○" if want else "×"
            elif c.kind in ("yen", "count"):
                want = int(want)
            assert got == want and type(got) is type(want), (c.header, got, want)
    assert isinstance(rows[0][9], Decimal) and rows[0][9] == fte_value(Fraction(1))


def test_the_findings_frame_holds_exactly_the_finding_rows():
    s = build_summary(_varied(), [])
    frame = findings_frame(s)
    assert [[None if v is pd.NA else v for v in r] for r in frame.astype(object).values.tolist()] == finding_rows(s)
    assert frame["区分"].is_monotonic_increasing


def test_writing_the_workbook_and_the_csv_does_not_import_pandas():
    code = ("import sys\n"
            "from kaigo_xl.commands import batch\n"
            "from kaigo_xl.municipal.collect import BookResult\n"
            "from kaigo_xl.municipal.export import csv_bytes\n"
            "from kaigo_xl.municipal.summary import build_summary\n"
            "from kaigo_xl.municipal.summary_book import summary_bytes\n"
            "s = build_summary([BookResult(file='a.xlsx', number='1', fiscal_year=2025)], [])\n"
            "summary_bytes(s), csv_bytes(s)\n"
            "print('pandas' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_display_width_counts_wide_characters_twice():
    from kaigo_xl.municipal.text import display_width

    assert [display_width(t) for t in ("", "abc 1", "養護ホーム", "ＡＢＣ", "ｱｲｳ", "a養𠮷\n")] == [0, 5, 10, 6, 3, 6]


def test_month_totals_add_the_years_books_month_by_month():
    books = [_book("a.xlsx", "1", 54_000), _book("b.xlsx", "2", 108_000), _book("c.xlsx", "3", 1, year=2024)]
    books[1].payments[11] = 7
    s = build_summary(books, [])
    assert s.month_totals() == [162_000] + [0] * 10 + [7]
    assert build_summary([], []).month_totals() == [0] * 12
