"""The values of plainly written sheets, read by a few C-speed regex passes over the bytes the preflight already
checked: exactly what python-calamine returns for them, or None when anything is written another way (python-calamine
then reads the book, as before).

Why: `collect` needs ~400 cells of four sheets per book, but python-calamine's fixed costs (opening the zip, the
styles, one XML reader per sheet) are about 1 ms per book, more than the preflight's whole scan of the same bytes.
Excel, LibreOffice and openpyxl write cells one way (`<c r="C6" s="12" t="s"><v>3</v></c>`); only that way is read
here. Everything else declines, and so does anything python-calamine might read otherwise between its versions: a
namespace prefix, whitespace inside a cell, a character reference, `_x000D_` escapes, CR, text with edge spaces, a
1904 book, a number format in brackets or with times, a date before 1900-03-01 (kaigo_xl.xlsx.plainvalues). The
tests compare both readers on every book the suite makes, on the hostile corpus, on LibreOffice's output and on
generated sheets.

Rows are remembered from book to book: the labels, headings and formulas of a template recur byte for byte in every
book made from it (95 % of the cells of the benchmark's books, two thirds in books LibreOffice saved), so a row read
once is not parsed again. What a row holds depends only on its bytes and the number formats (rows are remembered per
set of formats); shared strings stay indices, looked up in each book's own table.

The grid has python-calamine's shape (`to_python(skip_empty_area=False)`): rows from A1 to the last cell with a value,
"" for an empty cell, float for a number, date for a whole number in a date format, bool, str; an error value reads
"" (the reader puts the preflight's CellError there, as it does after calamine).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaigo_xl.xlsx.extent import MAX_SHEET_CELLS, SheetExtent
from kaigo_xl.xlsx.plainvalues import DATE, PLAIN, Declined, char_data, rich_text, style_kinds, t_text
from kaigo_xl.xlsx.refs import MAX_COL, MAX_ROW, column_number

PACKAGE_RELS, WORKBOOK, STYLES, STRINGS = "_rels/.rels", "xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml"
Merge = tuple[tuple[int, int], tuple[int, int]]  # ((row0, col0), (row1, col1)), 0-based, as python-calamine gives


@dataclass(frozen=True)
class PlainBook:
    """What python-calamine would give for the requested sheets of one book."""

    sheet_names: list[str]  # every sheet, in the book's order
    values: dict[str, list[list[Any]]]  # python-calamine's shapes: float, str, bool, date …
    merged: dict[str, list[Merge]]
    extents: dict[str, SheetExtent] = field(default_factory=dict)  # the used range python-calamine allocates
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # cell → error value as stored (#DIV/0! …)


def read_plain(kept: Mapping[str, bytes], present: Collection[str], sheet_parts: Mapping[str, Sequence[str]],
               sheets: Sequence[str]) -> PlainBook | None:
    """The requested sheets' values from the checked bytes `kept` (zip part → bytes), or None to let python-calamine
    read them. `present`: the zip's parts python-calamine reads besides sheets; `sheet_parts`: sheet name → its zip
    parts, in the book's order (kaigo_xl.xlsx.preflight)."""
    try:
        book = _Book(kept, present, sheet_parts)
        found = PlainBook(list(sheet_parts), {}, {})
        for sheet in sheets:
            parts = sheet_parts.get(sheet, ())
            if len(parts) != 1 or parts[0] not in kept:
                raise Declined
            read = _sheet(kept[parts[0]], book)
            found.values[sheet], found.merged[sheet], found.extents[sheet], found.errors[sheet] = read
    except (Declined, UnicodeDecodeError, ValueError, IndexError):
        return None
    return found


# ---- the book: where python-calamine looks, its shared strings and its number formats ----

_RELATIONSHIP = re.compile(rb"<Relationship [^>]*/officeDocument/2006/relationships/officeDocument\"[^>]*>")
_SHEET_TAG = re.compile(rb"<sheet[\s/>][^>]*")
_DATE1904 = re.compile(rb'date1904="([^"]*)"')


class _Book:
    def __init__(self, kept: Mapping[str, bytes], present: Collection[str],
                 sheet_parts: Mapping[str, Sequence[str]]) -> None:
        known = (PACKAGE_RELS, WORKBOOK, STYLES, STRINGS)
        if any(part in present and part not in kept for part in known):
            raise Declined  # a part python-calamine would read, not kept by the preflight
        if any(name.lower() in known and name not in known for name in present):
            raise Declined  # xl/Styles.xml …: python-calamine may find a part by another case
        rels, workbook = kept.get(PACKAGE_RELS, b""), kept.get(WORKBOOK, b"")
        office = _RELATIONSHIP.findall(rels)
        if len(office) != 1 or not re.search(rb' Target="/?xl/workbook\.xml"', office[0]):
            raise Declined  # python-calamine would read another workbook part
        epoch = _DATE1904.findall(workbook)
        if workbook.count(b"date1904") != len(epoch) or set(epoch) - {b"0", b"false"}:
            raise Declined  # a 1904 book: its dates count from another day
        tags = _SHEET_TAG.findall(workbook)
        if len(tags) != len(sheet_parts) or any(b"&#" in t or b"\t" in t or b"\n" in t or b"\r" in t for t in tags):
            raise Declined  # sheets the index could not resolve one by one, names parsers may read apart
        self.strings = _Strings(kept.get(STRINGS))
        self.kinds = style_kinds(kept[STYLES]) if STYLES in kept else ()  # no styles: every number is plain


class _Strings:
    """The shared strings, split once when a cell first needs one; each item is decoded when first asked for."""

    def __init__(self, data: bytes | None) -> None:
        self._data = data
        self._items: list[bytes] | None = None
        self._decoded: dict[int, str] = {}

    def __getitem__(self, index: int) -> str:
        if index in self._decoded:
            return self._decoded[index]
        if self._items is None:
            self._items = _split_strings(self._data)
        text = self._decoded[index] = rich_text(self._items[index])  # IndexError: declined
        return text


_SI = re.compile(rb"<si>(.*?)</si>|<si ?/>", re.S)


def _split_strings(data: bytes | None) -> list[bytes]:
    if data is None:
        raise Declined  # a cell refers to shared strings the book does not have: python-calamine says what it does
    items = _SI.findall(data)
    if data.count(b"<si") != len(items) or b":si" in data:
        raise Declined  # attributes on <si>, or a prefix
    return items


# ---- one sheet ----

_TOKEN = re.compile(  # a cell written plainly | any element but a row's tags: declined
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([A-Za-z]{1,9})")? ?(?:/>|>'
    rb"(?:<f(?: [^<>]*)?(?: ?/>|>[^<]*</f>))?"
    rb"(?:(<v ?/>|<v>[^<]*</v>)|<is>(<t>[^<]*</t>)</is>|(<is>[^<]*(?:<(?!/is>)[^<]*)*</is>))?</c>)"
    rb"|(<(?!/?row[ >/]))")
_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})" ?/>')
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FIRST_TRUE_SERIAL, _LAST_SERIAL = 61, 2958465  # 1900-03-01 (before it, Excel's 1900-02-29), 9999-12-31


def _sheet(xml: bytes, book: _Book) -> tuple[list[list[object]], list[Merge], SheetExtent, dict[str, str]]:
    body, tail = _sheet_data(xml)
    known = _known_rows(book.kinds)
    cells: list[tuple[int, int, object]] = []
    shared: list[tuple[int, int, _Shared]] = []
    errors: dict[str, str] = {}
    rows = cols = 0
    row_cell = col_cell = ""
    for piece in body.split(b"<row "):
        read = known.get(piece)
        if read is None:
            read = _remember(known, piece, _row_cells(piece, book.kinds))
        else:
            read.used = True
        cells += read.cells
        if read.shared:
            shared += read.shared
        if read.errors:
            errors.update(read.errors)
        if read.rows > rows:
            rows, row_cell = read.rows, read.row_cell
        if read.cols > cols:
            cols, col_cell = read.cols, read.col_cell
    extent = SheetExtent(rows, cols, row_cell, col_cell)
    grid = _grid(cells, extent)
    for row, col, index in shared:  # every one looked up, even one a later duplicate replaced: as before
        text = book.strings[index]
        if grid[row - 1][col - 1] is index:
            grid[row - 1][col - 1] = text
    return grid, _merges(xml, tail), extent, errors


# ---- one row at a time, remembered: the rows of a template recur, byte for byte, in every book made from it ----

class _Shared(int):
    """A shared string's index standing in a remembered row's cell: the text is each book's own."""


@dataclass(slots=True)
class _Row:
    """What a piece of sheetData (one <row …>…</row>, split at "<row ") holds, independent of the book's strings."""

    cells: list[tuple[int, int, object]]  # (row, column, value) in document order; a _Shared for t="s"
    shared: list[tuple[int, int, _Shared]]
    errors: dict[str, str]
    rows: int  # the highest row with a value, and the first cell reaching it …
    row_cell: str
    cols: int  # … and the same for columns
    col_cell: str
    used: bool = False  # read again in a later book: kept when the memory is pruned


ROWS_REMEMBERED = 4096  # per set of number formats; about 1 KB each
_LONGEST_REMEMBERED = 16_384  # bytes: a longer row (a hostile one) is read, never kept
_KNOWN: dict[tuple[int, ...] | None, dict[bytes, _Row]] = {}


def _known_rows(kinds: tuple[int, ...] | None) -> dict[bytes, _Row]:
    """The rows read so far under these number formats (a number's value depends on its format)."""
    known = _KNOWN.get(kinds)
    if known is None:
        if len(_KNOWN) >= 16:
            _KNOWN.clear()
        known = _KNOWN[kinds] = {}
    return known


def _remember(known: dict[bytes, _Row], piece: bytes, read: _Row) -> _Row:
    """Keep `read` for the next book; when full, keep only the rows read more than once (the template's)."""
    if len(piece) <= _LONGEST_REMEMBERED:
        if len(known) >= ROWS_REMEMBERED:
            kept = [(k, v) for k, v in list(known.items()) if v.used]
            known.clear()
            if len(kept) < ROWS_REMEMBERED // 2:
                for key, row in kept:
                    row.used = False  # to be kept again, it must be read again
                    known[key] = row
        known[piece] = read
    return read


def _row_cells(piece: bytes, kinds: tuple[int, ...] | None) -> _Row:
    cells: list[tuple[int, int, object]] = []
    shared: list[tuple[int, int, _Shared]] = []
    errors: dict[str, str] = {}
    rows = cols = 0
    row_cell = col_cell = b""
    for letters, digits, style, kind, v, plain_is, rich_is, odd in _TOKEN.findall(piece):
        if odd:
            raise Declined  # any other element, attribute or form in sheetData
        if v:  # the most common cells first: numbers, and formulas without a result (<v/>)
            if v[2] != 62 and kind != b"str":
                continue  # <v/>: no value (a text formula's <v/> is "", in _value)
            value: object = _number(v[3:-4], style, kinds) if not kind or kind == b"n" else \
                _value(kind, v, b"", style, kinds)
        elif plain_is and kind == b"inlineStr":
            value = _plain_t(plain_is)
        elif plain_is or rich_is:
            value = _value(kind, v, rich_is or plain_is, style, kinds)
        else:
            continue  # <c …/>, or a formula with no <v>: no value
        if value is _EMPTY:
            continue
        if kind == b"e" and v.startswith(b"<v>") and v[3:-4].strip():
            errors[(letters + digits).decode()] = char_data(v[3:-4])  # as stored, as error_cells has it
        row, col = int(digits), _COLUMNS.get(letters) or _col(letters)
        cells.append((row, col, value))
        if type(value) is _Shared:
            shared.append((row, col, value))
        if row > rows:
            rows, row_cell = row, letters + digits
        if col > cols:
            cols, col_cell = col, letters + digits
    return _Row(cells, shared, errors, rows, row_cell.decode(), cols, col_cell.decode())


def _grid(cells: list[tuple[int, int, object]], extent: SheetExtent) -> list[list[object]]:
    """The dense grid from A1, as python-calamine allocates it (a sheet too wide: the careful path refuses it)."""
    if extent.rows > MAX_ROW or extent.cols > MAX_COL or extent.cells > MAX_SHEET_CELLS:
        raise Declined
    grid: list[list[object]] = [[""] * extent.cols for _ in range(extent.rows)]
    for row, col, value in cells:
        grid[row - 1][col - 1] = value
    return grid


_TEXTS: dict[bytes, str] = {}  # `<t>…</t>` → its text: the labels of a template recur in every book


def _plain_t(element: bytes) -> str:
    text = _TEXTS.get(element)
    if text is None:
        if len(_TEXTS) > 100_000:
            _TEXTS.clear()
        text = _TEXTS[element] = t_text(element[3:-4], False)
    return text


def _sheet_data(xml: bytes) -> tuple[bytes, bytes]:
    """The sheetData element's content and what follows it; Declined unless there is exactly one, unprefixed."""
    if not xml.startswith(b"<") or _foreign_encoding(xml):
        raise Declined
    start = xml.find(b"<sheetData")
    if start < 0 or xml.count(b"sheetData") not in (1, 2) or b":sheetData" in xml:
        raise Declined
    after = start + len(b"<sheetData")
    for empty in (b"/>", b" />"):
        if xml.startswith(empty, after):
            return b"", xml[after + len(empty):]
    end = xml.find(b"</sheetData>", after)
    if not xml.startswith(b">", after) or end < 0:
        raise Declined
    return xml[after + 1:end], xml[end + len(b"</sheetData>"):]


def _foreign_encoding(xml: bytes) -> bool:
    if not xml.startswith(b"<?xml"):
        return False
    declaration = xml[:xml.find(b"?>") + 2]
    m = re.search(rb"""encoding\s*=\s*["']([^"']*)["']""", declaration)
    return m is not None and m.group(1).lower() not in (b"utf-8", b"utf8")


_EMPTY = object()


def _value(kind: bytes, v: bytes, inline: bytes, style: bytes, kinds: tuple[int, ...] | None) -> object:
    """A cell's value as python-calamine gives it (_EMPTY: no value, the cell does not count; a _Shared: the book's
    shared string)."""
    if kind == b"inlineStr":
        return rich_text(inline[4:-5] if inline.startswith(b"<is>") else inline) if inline else _EMPTY
    if inline:
        raise Declined  # <is> in a cell of another type
    text = v[3:-4] if v.startswith(b"<v>") else b""  # <v/>: no text
    if kind in (b"", b"n"):
        return _number(text, style, kinds)
    if kind == b"str":
        return char_data(text)  # even "" (<v/>, <v></v>): a value, as python-calamine counts it
    if not text:
        raise Declined
    if kind == b"s":
        if not text.isdigit():
            raise Declined
        return _Shared(text)
    if kind == b"b" and text in (b"0", b"1"):
        return text == b"1"
    if kind == b"e":
        return ""  # the preflight's error_cells has the real text, put at the cell by the reader
    raise Declined  # t="d" (ISO dates) and anything unknown


def _number(text: bytes, style: bytes, kinds: tuple[int, ...] | None) -> object:
    if not text:
        return _EMPTY  # <v></v>
    if not _NUMBER.fullmatch(text):
        raise Declined  # "1.", "+1", "inf" …: left to python-calamine's own number parser
    x = float(text)
    if not style:
        return x  # no style: a plain number
    if kinds is None:
        raise Declined  # styles.xml not read here
    n = int(style)
    kind = kinds[n] if n < len(kinds) else PLAIN  # an index past the end: python-calamine reads a plain number
    if kind == PLAIN:
        return x
    if kind == DATE and x.is_integer() and _FIRST_TRUE_SERIAL <= x <= _LAST_SERIAL:
        return _EXCEL_EPOCH + dt.timedelta(days=int(x))
    raise Declined  # a time, a date and time, a date before 1900-03-01, a format we do not classify


_COLUMNS: dict[bytes, int] = {}


def _col(letters: bytes) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_number(letters)
    return col


def _merges(xml: bytes, tail: bytes) -> list[Merge]:
    found = _MERGE.findall(tail)
    if xml.count(b"<mergeCell ") != len(found) or b":mergeCell" in xml:
        raise Declined  # a single-cell merge, a prefix, merges before the cells …
    return [((int(r0) - 1, _col(c0) - 1), (int(r1) - 1, _col(c1) - 1)) for c0, r0, c1, r1 in found]
