"""A1 references: the one home for turning `C8`, `$AB$12`, `'月別職員数'!$C$6:$C$17` into numbers and back.

Pure Python on purpose (no openpyxl): the workbook reader runs inside Excel through xlwings Lite (Pyodide), where
only the pure core travels. `tests/xlsx/test_refs.py` holds these functions to openpyxl.utils on every column.
"""

from __future__ import annotations

import functools
import re

MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's grid: A1 … XFD1048576

_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_NAME_TARGET = re.compile(r"=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)")


def column_letters(col: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    if col < 1:
        raise ValueError(f"column number must be at least 1, got {col}")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_number(letters: str | bytes) -> int:
    """A → 1, AA → 27 (upper or lower case; bytes as a scanner of raw XML has them)."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    n = 0
    for ch in text.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {text!r}")
        n = n * 26 + ord(ch) - 64
    return n


@functools.cache
def split_ref(ref: str) -> tuple[int, int]:
    """'C8' or '$C$8' → (row 8, column 3), both 1-based; ValueError for anything else."""
    m = _CELL.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), column_number(m.group(1))


def cell_ref(row: int, col: int) -> str:
    """(8, 3) → 'C8'."""
    return f"{column_letters(col)}{row}"


def split_col(ref: str) -> tuple[str, int]:
    """'AB12' → ('AB', 12): the column letters and the row of a cell."""
    m = _CELL.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return m.group(1).upper(), int(m.group(2))


def range_bounds(ref: str) -> tuple[int, int, int, int]:
    """'B3:D7' (or one cell 'B3') → (min_row, min_col, max_row, max_col)."""
    first, _, last = ref.replace("$", "").partition(":")
    r0, c0 = split_ref(first)
    r1, c1 = split_ref(last) if last else (r0, c0)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def quote_sheet(sheet: str) -> str:
    """A sheet name as a formula writes it before `!`: 施設情報 → '施設情報', it's → 'it''s'."""
    return "'" + sheet.replace("'", "''") + "'"


def unquote_sheet(sheet: str) -> str:
    """The name a formula's sheet prefix stands for: 'it''s' → it's (an unquoted name stays as it is)."""
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") and sheet.endswith("'") else sheet


def absolute(sheet: str, ref: str) -> str:
    """An absolute reference to a cell or range of another sheet, as a formula writes it: '施設情報'!$C$4."""
    parts = []
    for one in ref.split(":"):
        letters, row = split_col(one)
        parts.append(f"${letters}${row}")
    return f"{quote_sheet(sheet)}!" + ":".join(parts)


@functools.cache
def name_target(text: str) -> tuple[str, str] | None:
    """What a defined name points at: "'月別職員数'!$C$6:$C$17" → ('月別職員数', 'C6:C17'); None when it is not a
    plain reference to one cell or one range of one sheet."""
    m = _NAME_TARGET.fullmatch(text.strip())
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    return sheet, m.group(3).replace("$", "")


def runs(refs: list[str]) -> str:
    """['C8', 'C9', 'C12'] → 'C8:C9,C12' (an Excel multi-area reference of vertical runs)."""
    parts: list[list[tuple[int, int]]] = []
    for row, col in (split_ref(x) for x in refs):
        if parts and parts[-1][-1] == (row - 1, col):
            parts[-1].append((row, col))
        else:
            parts.append([(row, col)])
    return ",".join(cell_ref(*p[0]) + (f":{cell_ref(*p[-1])}" if len(p) > 1 else "") for p in parts)
