"""The used range the preflight measures (kaigo_xl.xlsx.extent): every cell position python-calamine would honour
is measured, however it is written, so a row of 8 or 20 digits is refused instead of being allocated."""

from __future__ import annotations

import pytest

from kaigo_xl.xlsx.extent import ExtentScanner
from kaigo_xl.xlsx.parts import Refused


def extent_of(cells: str, sheet: str | None = "月別職員数"):
    scanner = ExtentScanner(sheet)
    scanner.feed(f"<worksheet><sheetData><row r=\"6\">{cells}</row></sheetData></worksheet>".encode())
    return scanner.close()


def test_leading_zeros_are_the_row_they_spell():
    ext = extent_of('<c r="B6"><v>1</v></c><c r="C00000006"><v>1</v></c>')
    assert (ext.rows, ext.cols) == (6, 3)


@pytest.mark.parametrize("ref", ["D10000000", "D99999999999999999999", "XFEA1", "AAAA6", "XFE6", "A1048577"])
def test_a_position_beyond_excel_names_the_sheet_and_the_cell_as_written(ref):
    with pytest.raises(Refused, match=f"シート「月別職員数」のセル位置（{ref[:16]}"):
        extent_of(f'<c r="B6"><v>1</v></c><c r="{ref}"><v>1</v></c>')


def test_a_row_of_many_digits_is_beyond_without_converting_it():
    with pytest.raises(Refused, match="（4,301文字）"):
        extent_of(f'<c r="B6"><v>1</v></c><c r="D{"9" * 4300}"><v>1</v></c>')


def test_an_empty_cell_far_away_is_no_part_of_the_used_range():
    assert extent_of('<c r="B6"><v>1</v></c><c r="D99999999999"/>').rows == 6
