"""Error values stored in cells (`<c t="e"><v>#SPILL!</v></c>`): where they are, and a copy python-calamine can read.

Why: python-calamine 0.9 reads the seven classic error values (#DIV/0!, #N/A, #NAME?, #NULL!, #NUM!, #REF!, #VALUE!)
as an empty string, indistinguishable from a blank cell, and refuses the whole book on any newer one (#SPILL!,
#CALC!, #FIELD!, #BLOCKED!, #BUSY!, #CONNECT!, #UNKNOWN!, #GETTING_DATA, …: "Unsupported cell error value").
So the preflight notes, while it scans a sheet anyway, whether its XML holds any error cell at all (one regex
search per chunk); only such a sheet is parsed again, here, for the position and the text of each error value.
A reader then reports each as what it is, at its cell; when a value calamine refuses is among them, the reader
hands calamine a copy of the book whose error cells say #N/A instead (`calamine_copy`) — the positions and the
real texts come from here.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from kaigo_xl.xlsx.parts import Refused
from kaigo_xl.xlsx.refs import column_letters, column_number

CALAMINE_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
PLACEHOLDER = b"#N/A"  # what the copy for calamine says instead of an error value it refuses
MAX_ERROR_CELLS = 100_000  # more are not reported one by one (a sheet of errors says enough with the first ones)

_T_ERROR = re.compile(rb"""\st\s*=\s*["']e["']""")
_SNIFF = re.compile(rb"""t\s*=\s*["']e["']""")
_OVERLAP = 16
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


class ErrorSniffer:
    """Fed a sheet's XML chunk by chunk: does any cell say `t="e"`? One regex search led by the literal `t` (about
    1 GB/s; a leading whitespace class would make it five times slower). A match elsewhere (`st="e"`, text) is harmless: it only
    costs a careful parse of that sheet."""

    def __init__(self) -> None:
        self.found = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        buf = self._tail + chunk
        self.found = _SNIFF.search(buf) is not None
        self._tail = buf[-_OVERLAP:]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Cursor:
    """Where the parser is, as a reader counts: a `<row>` without `r` is the next row, a `<c>` without `r` the next
    column of its row."""

    def __init__(self) -> None:
        self.row = self.col = 0

    def start(self, tag: str, el: ET.Element) -> None:
        if tag == "row":
            r = el.get("r", "")
            self.row, self.col = (int(r) if r.isdigit() else self.row + 1), 0
        elif tag == "c":
            m = _CELL_REF.fullmatch(el.get("r", ""))
            self.col, self.row = (column_number(m.group(1)), int(m.group(2))) if m else (self.col + 1, self.row)

    @property
    def ref(self) -> str:
        return f"{column_letters(self.col)}{self.row}"


def _error_value(el: ET.Element) -> str | None:
    if el.get("t") != "e":
        return None
    value = next((child.text for child in el if _local(child.tag) == "v"), None)
    return value if value is not None and value.strip() else None  # as stored: calamine compares it so


def error_cells(chunks: Iterable[bytes]) -> dict[str, str]:
    """Cell reference → error text of every error cell of a sheet part (already checked: sizes, CRC, no DOCTYPE).
    A cell without a value is not a value."""
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
    cursor = _Cursor()
    found: dict[str, str] = {}
    try:
        for chunk in chunks:
            parser.feed(chunk)  # the parser reads the encoding declaration (or BOM) itself
            for item in parser.read_events():
                event, el = cast("tuple[str, ET.Element]", item)  # only start/end events were asked for
                tag = _local(el.tag)
                if event == "start":
                    cursor.start(tag, el)
                elif tag in ("c", "row"):
                    value = _error_value(el) if tag == "c" else None
                    if value is not None and len(found) < MAX_ERROR_CELLS:
                        found[cursor.ref] = value
                    el.clear()  # nothing is kept: memory stays flat for any sheet
        parser.close()
    except ET.ParseError:
        raise Refused("シートの XML が壊れています。元のファイルをもう一度送ってもらうか、Excel で開けるか確かめてください。") from None
    return found


_START = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)c(?=[\s/>])([^>]*)>")
_VALUE = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?v\s*>)")


def placeholders(xml: bytes) -> bytes:
    """The sheet XML with the value of every error cell replaced by #N/A (other cells untouched)."""
    out, pos = [], 0
    for m in _START.finditer(xml):
        attrs = m.group(2)
        if m.start() < pos or attrs.rstrip().endswith(b"/") or not _T_ERROR.search(b" " + attrs):
            continue
        close = re.compile(rb"</" + re.escape(m.group(1)) + rb"c\s*>").search(xml, m.end())
        if close is None:
            break
        end = close.start()
        out += [xml[pos:m.end()], _VALUE.sub(lambda v: v.group(1) + PLACEHOLDER + v.group(3), xml[m.end():end])]
        pos = end
    out.append(xml[pos:])
    return b"".join(out)


def calamine_copy(path: Path, parts: Iterable[str]) -> bytes:
    """The book at `path` (already through the preflight) with the error values of `parts` replaced by #N/A, as
    the bytes of a new zip: python-calamine reads it where it would refuse the original."""
    wanted = set(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, placeholders(data) if info.filename in wanted else data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
