"""The used range of a sheet, found in its XML without building a parser's tree.

Why: python-calamine allocates a sheet's used range from A1 as one dense grid, and for A1…XFD1048576 the process
aborts (a Rust allocation failure no `except` can catch). The scanner follows cell positions as a reader does (the
`r` attributes, or the next row/column when absent), so a sheet whose range is absurd is refused before it is read.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from kaigo_xl.texts import clipped
from kaigo_xl.xlsx.parts import Refused
from kaigo_xl.xlsx.refs import MAX_COL, MAX_ROW, column_letters, column_number

MAX_SHEET_CELLS = 2_000_000  # rows × columns of a sheet's used range counted from A1 (≈ 80 MB in calamine)


@dataclass(frozen=True)
class SheetExtent:
    """The used range of one sheet as calamine will allocate it: from A1 to (rows, cols)."""

    rows: int = 0
    cols: int = 0
    last_row_cell: str = ""  # a cell in the last used row
    last_col_cell: str = ""  # a cell in the last used column

    @property
    def cells(self) -> int:
        return self.rows * self.cols


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
# a cell position of any length: python-calamine honours `r="D99999999999"` too (and allocates for it), so it is
# measured against the limits, never taken for a cell without `r`
_CELL_REF = re.compile(rb"\$?([A-Za-z]+)\$?(\d+)")
BEYOND = MAX_ROW + 1  # a row or column written with more digits or letters than any inside the limits
_FAST_PREFIXED = re.compile(rb":c[\s/>]")  # <x:c …>
# every <c> tag: (letters, digits, "/" when empty), or ("", "", "") when it is not written plainly
_FAST_CELL = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]{1,3})([0-9]{1,7})"(?: [\w:.-]++="[^"<]*+")*+ ?(/?)>|)')
_ODD_CELL = (b"", b"", b"")
_ROW_R = re.compile(rb'<row r="(\d{1,7})"')


class ExtentScanner:
    """Follows <row>/<c> positions as a reader does (r attributes, or the next row/column when absent)."""

    def __init__(self, sheet: str | None = None) -> None:
        self.where = f"シート「{sheet}」の" if sheet is not None else "シートの"  # (messages name the sheet)
        self.tail = b""
        self.utf16: codecs.IncrementalDecoder | None = None
        self.first = True
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.row_cell = ""
        self.col_cell = ""
        self.slow = False

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                self.utf16 = codecs.getincrementaldecoder("utf-16")()
        if self.utf16 is not None:
            chunk = self.utf16.decode(chunk).encode("utf-8")
        buf = self.tail + chunk
        last_lt = buf.rfind(b"<")
        if last_lt >= 0 and buf.find(b">", last_lt) < 0:
            body, self.tail = buf[:last_lt], buf[last_lt:]
            if len(self.tail) > 1024 * 1024:
                raise Refused("シートの XML に異常に長いタグがあります。壊れているか、改変されたファイルです。")
        else:
            body, self.tail = buf, b""
        if not self.slow and not self._fast(body):
            self.slow = True  # some cell has no `r`: follow positions tag by tag from here on
            self.col = self.max_col  # an upper bound for the row we are in
        if self.slow:
            for m in _TAG.finditer(body):
                self._tag(m.group(1), m.group(2))

    def _fast(self, body: bytes) -> bool:
        """Every cell is written `<c r="A1" …>` (as Excel and openpyxl do): the extent is the largest row and
        column among cells with a value, found by C-speed searches instead of one Python step per cell.

        Every `<c` tag must be a plain tag of _FAST_CELL (`r` first, simple attributes whose values hold no `<`, so a
        `>` inside a value is read as the parser reads it), which also tells a cell with a value from an empty
        `<c …/>`. Anything else — another prefix, whitespace other than one space, an odd `r` — goes to the
        careful path."""
        if _FAST_PREFIXED.search(body):
            return False  # prefixed cells: the careful path
        cells = _FAST_CELL.findall(body)
        if _ODD_CELL in cells:
            return False  # <c>, <c/>, a line break before `r`, an odd `r` …: the careful path
        valued = [cell for cell in cells if not cell[2]]
        last_row = body.rfind(b'<row r="')
        if last_row >= 0 and (m := _ROW_R.match(body, last_row)):
            self.row = int(m.group(1))
        if not valued:
            return True
        letters, digits, _ = zip(*valued)
        top_digits = max(set(digits), key=int)
        top_letters = max(set(letters), key=lambda c: (len(c), c))
        top_row, top_col = int(top_digits), column_number(top_letters)
        if top_row > MAX_ROW or top_col > MAX_COL:
            at = digits.index(top_digits) if top_row > MAX_ROW else letters.index(top_letters)
            raise Refused(self._beyond((letters[at] + digits[at]).decode()))
        if top_row > self.max_row:
            at = digits.index(top_digits)
            self.max_row, self.row_cell = top_row, (letters[at] + digits[at]).decode()
        if top_col > self.max_col:
            at = letters.index(top_letters)
            self.max_col, self.col_cell = top_col, (letters[at] + digits[at]).decode()
        return True

    def _tag(self, kind: bytes, attrs: bytes) -> None:
        r = _R_ATTR.search(attrs)
        if kind == b"row":
            self.row = _bounded_int(r.group(1)) if r and r.group(1).isdigit() else self.row + 1
            self.col = 0
            return
        row = self.row  # a cell without `r` sits in its <row>, one column right of the previous cell
        ref = _CELL_REF.fullmatch(r.group(1)) if r else None
        if ref:
            letters = ref.group(1)
            self.col = column_number(letters) if len(letters) <= 3 else BEYOND
            row = _bounded_int(ref.group(2))
        else:
            self.col += 1
        if attrs.rstrip().endswith(b"/"):
            return  # an empty (formatted only) cell: readers skip it
        if row > MAX_ROW or self.col > MAX_COL:
            written = ref.group(0).decode("ascii", "replace") if ref else f"{column_letters(min(self.col, 99999))}{row}"
            raise Refused(self._beyond(clipped(written, 16)))
        name = f"{column_letters(self.col)}{row}"
        if row > self.max_row:
            self.max_row, self.row_cell = row, name
        if self.col > self.max_col:
            self.max_col, self.col_cell = self.col, name

    def _beyond(self, cell: str) -> str:
        return f"{self.where}セル位置（{cell}）が Excel の範囲を超えています。壊れているか、改変されたファイルです。"

    def close(self) -> SheetExtent:
        for m in _TAG.finditer(self.tail):
            self._tag(m.group(1), m.group(2))
        return SheetExtent(self.max_row, self.max_col, self.row_cell, self.col_cell)


def _bounded_int(digits: bytes) -> int:
    """A row number as written, or BEYOND when it has more digits than any row inside the limits (int() of
    thousands of digits is refused by Python, and slow before that)."""
    digits = digits.lstrip(b"0") or b"0"  # (C00000006 is C6 to python-calamine)
    return int(digits) if len(digits) <= 7 else BEYOND


def too_wide(sheet: str, ext: SheetExtent) -> str:
    corner = f"A1:{column_letters(ext.cols)}{ext.rows}"
    cells = sorted({ext.last_row_cell, ext.last_col_cell})
    where = "、".join(f"{sheet}!{c}" for c in cells)
    return (f"シート「{sheet}」の使われている範囲が {corner}（{ext.rows:,}行×{ext.cols:,}列）と大きすぎるため読み込みません"
            f"（{MAX_SHEET_CELLS:,}セルまで）。{where} など、離れた場所の不要な値を削除して保存し直してください。")
