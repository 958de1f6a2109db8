"""Books and facilities are counted apart: a facility that returned two books is one facility (the tables still
have a row per book), so the summary says 「4冊・3施設」 rather than 「4施設」."""

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
