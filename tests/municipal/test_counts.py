"""Books and facilities are counted apart: a facility that returned two books is one facility (the tables still
have a row per book), so the summary says 「4冊・3施設」 rather than 「4施設」; and months of payment are counted
only where there is a schedule (a 計画書 with an amount), blank elsewhere."""

from __future__ import annotations

from kaigo_xl.municipal.collect import STATUS_FIX, BookResult
from kaigo_xl.municipal.summary import build_summary


def _book(file: str, number: str, *, fix: bool = False) -> BookResult:
    r = BookResult(file=file, number=number, name=f"園{number}", fiscal_year=2025, phase="plan")
    if fix:
        r.status = STATUS_FIX
    return r


def test_one_book_per_facility_counts_facilities():
    s = build_summary([_book("a.xlsx", "1"), _book("b.xlsx", "2", fix=True)], [])
    assert (s.count_label(), s.status_counts()) == ("2施設", "2施設（提出可 1、要修正 1）")


def test_two_books_of_one_facility_count_as_two_books_of_one_facility():
    s = build_summary([_book("a.xlsx", "1"), _book("a（修正）.xlsx", "1"), _book("b.xlsx", "2", fix=True)], [])
    assert s.facility_count == 2
    assert s.status_counts() == "3冊・2施設（提出可 2冊、要修正 1冊）"


def test_books_without_a_number_each_count_as_a_facility():
    s = build_summary([_book("a.xlsx", ""), _book("b.xlsx", "")], [])
    assert s.count_label() == "2施設"


def test_the_duplicate_note_says_the_totals_count_that_facility_twice():
    s = build_summary([_book("a.xlsx", "1"), _book("a2.xlsx", "1")], [])
    note = next(n for n in s.notes() if "施設番号「1」" in n)
    assert "重ねて数えています" in note and "a.xlsx" in note and "a2.xlsx" in note


# ---- months of payment: only a 計画書 with an amount has a schedule ----

def _paid(file: str, number: str, phase: str, annual: int | None) -> BookResult:
    r = BookResult(file=file, number=number, name=f"園{number}", fiscal_year=2025, phase=phase, annual_yen=annual)
    if phase == "plan" and annual:
        r.payments[6:] = [annual // 6] * 6  # October … March
    return r


def _payments_sheet(books: list[BookResult]) -> list[tuple]:
    import io

    import openpyxl

    from kaigo_xl.municipal.summary_book import summary_bytes

    ws = openpyxl.load_workbook(io.BytesIO(summary_bytes(build_summary(books, []))), data_only=True)["支払予定"]
    return [row for row in ws.iter_rows(min_row=3, values_only=True) if any(v is not None for v in row)]


ROUND = [_paid("plan.xlsx", "1", "plan", 540_000), _paid("report.xlsx", "2", "report", 405_000),
         _paid("broken.xlsx", "3", "plan", None)]


def test_the_payments_sheet_has_a_column_only_for_plans_with_an_amount():
    header = next(row for row in _payments_sheet(ROUND) if row[0] == "月")
    assert [h for h in header[3:] if h] == ["1 園1"]


def test_the_payments_sheet_counts_the_facilities_paid_in_the_year():
    total = next(row for row in _payments_sheet(ROUND) if row[0] == "合計")
    assert total[1:4] == (540_000, 1, 540_000)


def test_months_of_a_report_or_an_uncomputed_book_are_blank_not_zero():
    from kaigo_xl.municipal.tables import facility_columns, facility_rows

    s = build_summary(ROUND, [])
    cols = facility_columns(s.month_labels())
    months = [i for i, c in enumerate(cols) if c.header.endswith("支払額（円）")]
    by_file = {row[[c.header for c in cols].index("ファイル")]: [row[i] for i in months] for row in facility_rows(s, cols)}
    assert by_file["plan.xlsx"] == [0] * 6 + [90_000] * 6
    assert by_file["report.xlsx"] == [None] * 12 and by_file["broken.xlsx"] == [None] * 12


def test_the_summary_is_dated_in_wareki():
    from datetime import datetime

    s = build_summary([_book("a.xlsx", "1")], [])
    s.created = datetime(2026, 12, 2, 9, 5)
    assert s.created_label == "令和8年12月2日 9:05"


# ---- books returned as they were sent ----

def test_a_folder_of_untouched_books_asks_whether_it_is_the_distribution_folder():
    books = [_book("a.xlsx", "1"), _book("b.xlsx", "2")]
    for r in books:
        r.blank = True
    note = next(n for n in build_summary(books, []).notes() if "入力されていません" in n)
    assert "どのブックにも" in note and "配布したフォルダーを指定していないか" in note


def test_one_untouched_book_among_others_is_named_in_the_remarks():
    from kaigo_xl.municipal.tables import remarks

    blank = _book("b.xlsx", "2")
    blank.blank = True
    notes = build_summary([_book("a.xlsx", "1"), blank], []).notes()
    assert any(n.startswith("職員数・取組・経費が何も入力されていないブックが1件") for n in notes)
    assert remarks(blank) == "未入力（配布したまま）" and remarks(_book("a.xlsx", "1")) == ""


def test_the_headline_names_the_reports_part_when_plans_and_reports_were_collected_together():
    assert build_summary(ROUND, []).total_sentence() == (
        "加算総額の合計: 945,000円（うち実績報告書 1施設 405,000円。支払予定の合計 540,000円）")


def test_the_headline_of_a_round_of_plans_only_has_no_reports_part():
    assert build_summary(ROUND[:1], []).total_sentence() == "加算総額の合計: 540,000円（支払予定の合計 540,000円）"


def test_a_round_of_reports_only_has_no_reports_part_in_the_headline():
    reports = [_paid("r1.xlsx", "1", "report", 100), _paid("r2.xlsx", "2", "report", None)]
    assert build_summary(reports, []).total_sentence() == "加算総額の合計: 100円（支払予定の合計 0円）"


def test_the_notes_count_books_when_a_facility_returned_two():
    s = build_summary([_paid("a.xlsx", "1", "plan", 540_000), _paid("a2.xlsx", "1", "plan", 540_000)], [])
    assert any("計算できた2冊の合計" in n for n in s.notes())


def test_a_plan_whose_schedule_was_refused_has_blank_months_and_no_column():
    refused = _paid("refused.xlsx", "4", "plan", 540_000)
    refused.payments = [0] * 12  # (the engine refused the schedule: PAY_BEYOND_FISCAL_YEAR …)
    header = next(row for row in _payments_sheet([ROUND[0], refused]) if row[0] == "月")
    assert [h for h in header[3:] if h] == ["1 園1"]


def test_a_book_whose_only_entries_could_not_be_read_is_not_blank():
    """「十人」 typed in a month: nothing usable, but the facility did type (INPUT_INVALID), so not 配布したまま."""
    from kaigo_xl.engine import evaluate
    from kaigo_xl.findings import finding
    from kaigo_xl.models import FacilityInput
    from kaigo_xl.municipal.collect import _fill
    from kaigo_xl.policy import Policy

    inp = FacilityInput.model_validate({"facility": {"type": "養護", "number": "1"}, "fiscal_year": 2025})
    untouched, typed = BookResult(file="a.xlsx"), BookResult(file="b.xlsx")
    _fill(untouched, evaluate(inp, Policy()))
    _fill(typed, evaluate(inp, Policy(), findings=[finding("INPUT_INVALID", "「十人」: 数値として読めません。",
                                                           "月別職員数!C6")]))
    assert untouched.blank and not typed.blank
