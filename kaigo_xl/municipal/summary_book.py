"""The summary workbook: 集計, 指摘一覧, 支払予定 (with a bar chart of the monthly payments) and 読込不可.

openpyxl (write-only mode) lays out the sheets: titles, headings, totals, notes, column widths, print settings,
styles and the chart. The body rows — 3,300 facilities, their findings and 12 × 3,300 payments, some 200,000 cells —
would take openpyxl about 3 seconds to serialise, longer than reading half the books; so openpyxl writes an empty
row in their place and we write those rows' XML directly (kaigo_xl.xlsx.cellpatch.cell_xml), with the style
ids openpyxl assigned to each kind of cell. Values, not formulas: every figure comes from the engine, and a reader
without recalculation (python-calamine, pandas) sees them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from kaigo_xl.municipal.summary import Summary, facility_rows, findings_rows
from kaigo_xl.wareki import fiscal_year_label
from kaigo_xl.workbook import styles
from kaigo_xl.xlsx.cellpatch import cell_xml, sheet_members
from kaigo_xl.xlsx.save import workbook_bytes

S_SUMMARY, S_FINDINGS, S_PAYMENTS, S_UNREADABLE = "集計", "指摘一覧", "支払予定", "読込不可"
HEADER_ROW = 3  # row of the column headings on every sheet (title in row 1)
_FORMATS = {"yen": "#,##0", "fte": "0.00", "count": "0"}
_EMPTY_ROW = re.compile(r'<row r="(\d+)"\s*(?:/>|>\s*</row>)')


class _Sheet:
    """One write-only sheet: styled cells through openpyxl, and body rows kept aside as XML."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.row = 0
        self.bulk: dict[int, list[tuple[Any, int | None]]] = {}
        self._styles: dict[tuple[str, bool], int | None] = {}

    def cell(self, value, kind: str = "text", *, bold: bool = False, header: bool = False, title: bool = False):
        formatted = kind in _FORMATS and value is not None
        if not (formatted or bold or header or title):
            return value
        c = WriteOnlyCell(self.ws, value=value)
        if title or bold or header:
            c.font = styles.TITLE_FONT if title else styles.BOLD
        if header:
            c.fill, c.border, c.alignment = styles.HEADER, styles.BOX, styles.CENTER
        if formatted:
            c.number_format = _FORMATS[kind]
        return c

    def style(self, kind: str, bold: bool = False) -> int | None:
        """The style id (the `s` attribute) openpyxl gives a cell of this kind."""
        key = (kind, bold)
        if key not in self._styles:
            c = self.cell(0, kind, bold=bold)
            self._styles[key] = getattr(c, "style_id", None)  # plain values have no style
        return self._styles[key]

    def append(self, cells: list) -> None:
        self.ws.append(cells)
        self.row += 1

    def append_bulk(self, cells: list[tuple[Any, int | None]]) -> None:
        """A body row: (value, style id) per column, written as XML after openpyxl is done."""
        self.append([])
        self.bulk[self.row] = cells

    def rows_xml(self) -> dict[int, str]:
        letters = [get_column_letter(i + 1) for i in range(max((len(c) for c in self.bulk.values()), default=0))]
        return {r: f'<row r="{r}">' + "".join(cell_xml(f"{letters[i]}{r}", v, None if s is None else str(s))
                                               for i, (v, s) in enumerate(cells) if v is not None) + "</row>"
                for r, cells in self.bulk.items()}


def _sheet(wb: Workbook, name: str, title: str, headers: list[str], widths: Sequence[float], subtitle: str = "",
           freeze: str = "A") -> _Sheet:
    """A sheet with its title (row 1), subtitle (row 2) and headings (row 3); panes frozen below the headings."""
    ws = wb.create_sheet(name)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"{freeze}{HEADER_ROW + 1}"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # one page wide, as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.row_dimensions[HEADER_ROW].height = 45  # three lines of a wrapped heading
    sh = _Sheet(ws)
    sh.append([sh.cell(title, title=True)])
    sh.append([sh.cell(subtitle)] if subtitle else [])
    sh.append([sh.cell(h, header=True) for h in headers])
    return sh


def summary_workbook(summary: Summary) -> tuple[Workbook, dict[str, _Sheet]]:
    """The workbook as openpyxl lays it out, and the sheets whose body rows are still to be written."""
    wb = Workbook(write_only=True)
    label = fiscal_year_label(summary.fiscal_year)
    made = f"作成 {summary.created:%Y-%m-%d %H:%M}"
    sheets = {S_SUMMARY: _summary_sheet(wb, summary, label, made),
              S_FINDINGS: _findings_sheet(wb, summary, label),
              S_PAYMENTS: _payments_sheet(wb, summary, label)}
    _unreadable_sheet(wb, summary)
    return wb, sheets


def summary_bytes(summary: Summary) -> bytes:
    """The .xlsx bytes of the summary workbook."""
    wb, sheets = summary_workbook(summary)
    data = workbook_bytes(wb, fixed_time=None)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = sheet_members(zf)
        parts = [(info, zf.read(info.filename)) for info in zf.infolist()]
    rows = {members[name]: sh.rows_xml() for name, sh in sheets.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, part in parts:
            if info.filename in rows:
                part = _fill_rows(part.decode("utf-8"), rows[info.filename]).encode("utf-8")
            zf.writestr(info.filename, part)
    return out.getvalue()


def _fill_rows(xml: str, body: dict[int, str]) -> str:
    """Put each body row's XML where openpyxl wrote the empty row of the same number."""
    return _EMPTY_ROW.sub(lambda m: body.get(int(m.group(1)), m.group(0)), xml)


def _summary_sheet(wb: Workbook, summary: Summary, label: str, made: str) -> _Sheet:
    cols, rows, totals = facility_rows(summary)
    sh = _sheet(wb, S_SUMMARY, f"{label} 介護人材確保・職場環境改善等加算 集計", [c.header for c in cols],
                [c.width for c in cols], f"{len(summary.results)}施設（読込不可 {len(summary.unreadable)}件）  {made}",
                freeze="C")
    if rows:
        sh.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{HEADER_ROW + len(rows)}"
    kinds = [sh.style(c.kind) for c in cols]
    for row in rows:
        sh.append_bulk(list(zip(row, kinds)))
    sh.append([sh.cell(v, c.kind, bold=True) for c, v in zip(cols, totals)])
    sh.append([])
    sh.append([sh.cell("注記", bold=True)])
    for note in summary.notes():
        sh.append([None, note])
    return sh


def _findings_sheet(wb: Workbook, summary: Summary, label: str) -> _Sheet:
    rows = findings_rows(summary)
    headers = ["ファイル", "施設番号", "施設名", "シート", "セル", "コード", "区分", "内容"]
    sh = _sheet(wb, S_FINDINGS, f"{label} 指摘一覧（{len(rows)}件）", headers, [36, 14, 24, 14, 8, 24, 8, 90])
    if rows:
        sh.ws.auto_filter.ref = f"A{HEADER_ROW}:H{HEADER_ROW + len(rows)}"
    for row in rows:
        sh.append_bulk([(v, None) for v in row])
    return sh


def _payments_sheet(wb: Workbook, summary: Summary, label: str) -> _Sheet:
    """Months down, facilities across: the municipality's budget month by month, with the total in column B."""
    paying = [r for r in summary.results if r.annual_yen is not None]
    headers = ["月", "支払額合計（円）", "支払施設数"] + [f"{r.number} {r.name}".strip() for r in paying]
    sh = _sheet(wb, S_PAYMENTS, f"{label} 支払予定（月別）", headers, [14, 16, 10] + [16] * len(paying),
                "各施設のブックの支払回数・初回の月による。合計は各施設の支払額の合計です。", freeze="D")
    totals = summary.month_totals()
    yen, bold_yen, count = sh.style("yen"), sh.style("yen", bold=True), sh.style("count")
    for i, month in enumerate(summary.month_labels()):
        values = [r.payments[i] for r in paying]
        sh.append_bulk([(month, None), (totals[i], bold_yen), (sum(1 for v in values if v), count)]
                       + [(v, yen) for v in values])
    sh.append([sh.cell("合計", bold=True), sh.cell(sum(totals), "yen", bold=True),
               sh.cell(len(paying), "count", bold=True)] + [sh.cell(sum(r.payments), "yen", bold=True) for r in paying])
    chart = styles.column_chart("月別の支払予定額", "円", "#,##0", width=24, height=10)
    chart.add_data(Reference(sh.ws, min_col=2, min_row=HEADER_ROW, max_row=HEADER_ROW + 12), titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 12))
    sh.ws.add_chart(chart, f"A{HEADER_ROW + 16}")
    return sh


def _unreadable_sheet(wb: Workbook, summary: Summary) -> None:
    sh = _sheet(wb, S_UNREADABLE, "読み込めなかったファイル・対象外のファイル", ["ファイル", "区分", "理由"], [40, 22, 90])
    for r in summary.unreadable:
        sh.append([r.file, "読込不可", r.message])
    for name in summary.skipped:
        sh.append([name, "対象外（ブックではない）", "Excel ブック（.xlsx）ではないため読み込んでいません。"])
    if not summary.unreadable and not summary.skipped:
        sh.append(["（ありません）"])
