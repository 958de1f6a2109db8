"""A1 references (kaigo_xl.xlsx.refs): our pure-Python maths agrees with openpyxl's on every column and any cell."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_to_tuple,
    get_column_letter,
    range_boundaries,
)

from kaigo_xl.xlsx.refs import (
    MAX_COL,
    MAX_ROW,
    absolute,
    column_letters,
    column_number,
    name_target,
    quote_sheet,
    range_bounds,
    runs,
    split_ref,
    unquote_sheet,
)


def test_every_column_of_the_grid_round_trips_as_openpyxl_writes_it():
    for col in range(1, MAX_COL + 1):
        letters = column_letters(col)
        assert letters == get_column_letter(col)
        assert column_number(letters) == column_index_from_string(letters) == col


@given(row=st.integers(1, MAX_ROW), col=st.integers(1, MAX_COL), dollars=st.booleans())
def test_a_cell_reference_splits_as_openpyxl_splits_it(row, col, dollars):
    ref = f"${column_letters(col)}${row}" if dollars else f"{column_letters(col)}{row}"
    assert split_ref(ref) == coordinate_to_tuple(ref.replace("$", "")) == (row, col)


@given(a=st.tuples(st.integers(1, 5000), st.integers(1, 300)), b=st.tuples(st.integers(1, 5000), st.integers(1, 300)))
def test_a_range_gives_the_same_bounds_as_openpyxl(a, b):
    (r0, r1), (c0, c1) = sorted((a[0], b[0])), sorted((a[1], b[1]))
    ref = f"{column_letters(c0)}{r0}:{column_letters(c1)}{r1}"
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    assert range_bounds(ref) == (min_row, min_col, max_row, max_col)


def test_a_range_written_backwards_is_read_as_the_same_rectangle():
    assert range_bounds("D7:B3") == range_bounds("B3:D7") == (3, 2, 7, 4)


@pytest.mark.parametrize("bad", ["", "A", "1", "A0B", "ABCD1", "A12345678", "C-1", "😀1"])
def test_anything_but_a_cell_is_refused(bad):
    with pytest.raises(ValueError):
        split_ref(bad)


def test_a_defined_name_points_at_its_sheet_and_range():
    assert name_target("'月別職員数'!$C$6:$C$17") == ("月別職員数", "C6:C17")
    assert name_target("=計算!$C$5") == ("計算", "C5")
    assert name_target("'It''s'!A1") == ("It's", "A1")
    assert name_target("SUM(A1:A3)") is None


def test_absolute_references_quote_the_sheet_as_formulas_need():
    assert absolute("施設情報", "C4") == "'施設情報'!$C$4"
    assert absolute("It's", "A1:B2") == "'It''s'!$A$1:$B$2"


@given(st.text(min_size=1, max_size=31))
def test_a_quoted_sheet_name_reads_back_as_itself(sheet):
    assert unquote_sheet(quote_sheet(sheet)) == sheet


def test_an_unquoted_sheet_prefix_is_the_name_itself():
    assert unquote_sheet("Sheet1") == "Sheet1"


def test_runs_join_cells_that_follow_each_other_down_a_column():
    assert runs(["C8", "C9", "C12"]) == "C8:C9,C12"
    assert runs(["AA1"]) == "AA1"
