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

Rows and cells are parsed once and remembered from book to book (kaigo_xl.xlsx.plainrows): a template's labels,
headings and formulas recur byte for byte in every book made from it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaigo_xl.xlsx.extent import MAX_SHEET_CELLS, SheetExtent
from kaigo_xl.xlsx.plainrows import column_of, memory
from kaigo_xl.xlsx.plainvalues import Declined, Shared, rich_text, style_kinds
from kaigo_xl.xlsx.refs import MAX_COL, MAX_ROW

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

_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})" ?/>')
_MERGE_TAG = re.compile(rb"<mergeCell[\s/>]")  # any <mergeCell …> however written


def _sheet(xml: bytes, book: _Book) -> tuple[list[list[object]], list[Merge], SheetExtent, dict[str, str]]:
    head, body, tail = _sheet_data(xml)
    remembered = memory(book.kinds)
    cells: list[tuple[int, int, object]] = []
    shared: list[tuple[int, int, Shared]] = []
    errors: dict[str, str] = {}
    rows = cols = 0
    row_cell = col_cell = ""
    for piece in body.split(b"<row "):
        read = remembered.row(piece)
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
    return grid, _merges(head, tail), extent, errors


def _grid(cells: list[tuple[int, int, object]], extent: SheetExtent) -> list[list[object]]:
    """The dense grid from A1, as python-calamine allocates it (a sheet too wide: the careful path refuses it)."""
    if extent.rows > MAX_ROW or extent.cols > MAX_COL or extent.cells > MAX_SHEET_CELLS:
        raise Declined
    grid: list[list[object]] = [[""] * extent.cols for _ in range(extent.rows)]
    for row, col, value in cells:
        grid[row - 1][col - 1] = value
    return grid


def _sheet_data(xml: bytes) -> tuple[bytes, bytes, bytes]:
    """What stands before the sheetData element, its content, and what follows it; Declined unless there is exactly
    one, unprefixed. (Only the ends are searched: "sheetData" anywhere inside the content stands in an element the
    rows refuse, or in text, where it is text.)"""
    if not xml.startswith(b"<") or _foreign_encoding(xml):
        raise Declined
    first, last = xml.find(b"sheetData"), xml.rfind(b"sheetData")
    if first < 1 or xml[first - 1] != 60:  # "<": the element itself comes first, not a prefixed or closing one
        raise Declined
    after = first + len(b"sheetData")
    if last == first:
        for empty in (b"/>", b" />"):
            if xml.startswith(empty, after):
                return xml[:first - 1], b"", xml[after + len(empty):]
        raise Declined
    if xml[after] != 62 or xml[last - 2:last] != b"</" or not xml.startswith(b">", last + len(b"sheetData")):
        raise Declined
    return xml[:first - 1], xml[after + 1:last - 2], xml[last + len(b"sheetData>"):]


def _foreign_encoding(xml: bytes) -> bool:
    if not xml.startswith(b"<?xml"):
        return False
    declaration = xml[:xml.find(b"?>") + 2]
    m = re.search(rb"""encoding\s*=\s*["']([^"']*)["']""", declaration)
    return m is not None and m.group(1).lower() not in (b"utf-8", b"utf8")


def _merges(head: bytes, tail: bytes) -> list[Merge]:
    """The merged ranges of the one <mergeCells> block after sheetData (python-calamine reads the first block only);
    Declined for merges anywhere else, a second block, a comment or CDATA in it, a single-cell merge …"""
    if _MERGE_TAG.search(head) or tail.count(b"<mergeCells") > 1:
        raise Declined
    start = tail.find(b"<mergeCells")
    end = tail.find(b"</mergeCells>", start) if start >= 0 else -1
    block = tail[start:end] if end >= 0 else b""  # (<mergeCells/>, or none: no merges)
    found = _MERGE.findall(block)
    if len(_MERGE_TAG.findall(tail)) != len(found) or b"<!" in block or b":mergeCell" in head + tail:
        raise Declined
    return [((int(r0) - 1, column_of(c0) - 1), (int(r1) - 1, column_of(c1) - 1)) for c0, r0, c1, r1 in found]
