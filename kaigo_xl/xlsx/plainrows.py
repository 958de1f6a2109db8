"""The rows and cells of a plainly written sheet, each parsed once and remembered from book to book.

Why: the labels, headings and formulas of a template recur byte for byte in every book made from it (two thirds of
the cells of the input sheets in books LibreOffice saved, more in books written by a program), so a row read
once is not parsed again; in a row that is new (one holding the facility's own figures) only its new cells are.

What a row or a cell holds depends on its bytes alone, and on the book's number formats for a number (the memory is
kept per set of formats). A shared string stays its index (`Shared`), looked up in each book's own table. Splitting
at "<row " and "<c " gives exactly the cells one pass over the whole sheetData finds: those strings cannot stand in
text or attribute values, and a cell cut apart (a "<c " inside an `<is>`) no longer parses, so the sheet is declined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaigo_xl.xlsx.plainvalues import EMPTY, Declined, Shared, cell_value, char_data, number_value, plain_t
from kaigo_xl.xlsx.refs import column_number

Kinds = tuple[int, ...] | None  # the number formats of a book (kaigo_xl.xlsx.plainvalues.style_kinds)
# (row, column, value, "C6", the error value as stored or None); () for a cell without a value
Cell = tuple[int, int, object, str, str | None] | tuple[()]

_CELL = re.compile(  # one cell written plainly, from just after its "<c "
    rb'r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([A-Za-z]{1,9})")? ?(?:/>|>'
    rb"(?:<f(?: [^<>]*)?(?: ?/>|>[^<]*</f>))?"
    rb"(?:(<v ?/>|<v>[^<]*</v>)|<is>(<t>[^<]*</t>)</is>|(<is>[^<]*(?:<(?!/is>)[^<]*)*</is>))?</c>)")
_ODD = re.compile(rb"<(?!/?row[ >/])")  # any element but a row's own tags
# what precedes a row's first cell: nothing (before the first row), or the rest of its start tag (an empty row: and
# its end tag); an attribute holding "<c …" or anything but plain attributes declines
_ROW_HEAD = re.compile(rb'\s*|(?:[\w:.-]+="[^"<>]*"\s*)*/?>\s*(?:</row>\s*)?')


@dataclass(slots=True)
class Row:
    """What one piece of sheetData (split at "<row ") holds, in document order."""

    cells: list[tuple[int, int, object]]  # (row, column, value); a Shared for t="s"
    shared: list[tuple[int, int, Shared]]
    errors: dict[str, str]  # cell → error value as stored (#DIV/0! …)
    rows: int  # the highest row with a value, and the first cell reaching it …
    row_cell: str
    cols: int  # … and the same for columns
    col_cell: str
    used: bool = False  # read again in a later book: kept when the memory is pruned


# Bounds per set of number formats (at most MEMORIES of them): entries, and bytes of XML remembered (what a row or
# cell holds takes up to about four times its XML); a longer row or cell (a hostile one) is read, never kept
ROWS_REMEMBERED, ROW_BYTES, LONGEST_ROW = 1024, 1 << 20, 16_384
CELLS_REMEMBERED, CELL_BYTES, LONGEST_CELL = 8192, 256 << 10, 2048
MEMORIES = 4


class Memory:
    """The rows and cells read so far under one set of number formats."""

    def __init__(self, kinds: Kinds) -> None:
        self.kinds = kinds
        self.rows: dict[bytes, Row] = {}
        self.cells: dict[bytes, Cell] = {}
        self.row_bytes = self.cell_bytes = 0

    def row(self, piece: bytes) -> Row:
        read = self.rows.get(piece)
        if read is not None:
            read.used = True
            return read
        read = self._read_row(piece)
        if len(piece) <= min(LONGEST_ROW, ROW_BYTES // 2):  # (after pruning, at most half is kept)
            if len(self.rows) >= ROWS_REMEMBERED or self.row_bytes + len(piece) > ROW_BYTES:
                self._prune()
            self.rows[piece] = read
            self.row_bytes += len(piece)
        return read

    def _prune(self) -> None:
        """Keep only the rows read more than once (the template's); when they are most of the memory, none."""
        kept = [(k, v) for k, v in list(self.rows.items()) if v.used]
        kept_bytes = sum(len(k) for k, _ in kept)
        self.rows.clear()
        self.row_bytes = 0
        if len(kept) < ROWS_REMEMBERED // 2 and kept_bytes < ROW_BYTES // 2:
            for key, row in kept:
                row.used = False  # to be kept again, it must be read again
                self.rows[key] = row
            self.row_bytes = kept_bytes

    def _read_row(self, piece: bytes) -> Row:
        head, *pieces = piece.split(b"<c ")
        if not _ROW_HEAD.fullmatch(head):
            raise Declined  # any other element in sheetData, or a row tag written another way
        read = Row([], [], {}, 0, "", 0, "")
        for text in pieces:
            cell = self.cells.get(text)
            if cell is None:
                cell = self._cell(text)
            if not cell:
                continue  # no value
            row, col, value, ref, error = cell
            read.cells.append((row, col, value))
            if type(value) is Shared:
                read.shared.append((row, col, value))
            if error is not None:
                read.errors[ref] = error
            if row > read.rows:
                read.rows, read.row_cell = row, ref
            if col > read.cols:
                read.cols, read.col_cell = col, ref
        return read

    def _cell(self, text: bytes) -> Cell:
        cell = read_cell(text, self.kinds)
        if len(text) <= min(LONGEST_CELL, CELL_BYTES):
            if len(self.cells) >= CELLS_REMEMBERED or self.cell_bytes + len(text) > CELL_BYTES:
                self.cells.clear()
                self.cell_bytes = 0
            self.cells[text] = cell
            self.cell_bytes += len(text)
        return cell


def read_cell(text: bytes, kinds: Kinds) -> Cell:
    """One cell from just after its "<c " to the next; Declined unless it is written plainly."""
    m = _CELL.match(text)
    if m is None or _ODD.search(text, m.end()):
        raise Declined  # another form of cell, or any other element after it
    letters, digits, style, kind, v, plain_is, rich_is = m.groups(b"")
    if v:  # the most common cells first: numbers, and formulas without a result (<v/>)
        if v[2] != 62 and kind != b"str":
            return ()  # <v/>: no value (a text formula's <v/> is "", in cell_value)
        value = number_value(v[3:-4], style, kinds) if not kind or kind == b"n" else \
            cell_value(kind, v, b"", style, kinds)
    elif plain_is and kind == b"inlineStr":
        value = plain_t(plain_is)
    elif plain_is or rich_is:
        value = cell_value(kind, v, rich_is or plain_is, style, kinds)
    else:
        return ()  # <c …/>, or a formula with no <v>: no value
    if value is EMPTY:
        return ()
    ref = (letters + digits).decode()
    error = char_data(v[3:-4]) if kind == b"e" and v.startswith(b"<v>") and v[3:-4].strip() else None
    return int(digits), column_of(letters), value, ref, error


_MEMORY: dict[Kinds, Memory] = {}


def memory(kinds: Kinds) -> Memory:
    """The memory for a book with these number formats (a number's value depends on its format)."""
    found = _MEMORY.get(kinds)
    if found is None:
        if len(_MEMORY) >= MEMORIES:
            _MEMORY.clear()
        found = _MEMORY[kinds] = Memory(kinds)
    return found


_COLUMNS: dict[bytes, int] = {}


def column_of(letters: bytes) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_number(letters)
    return col
