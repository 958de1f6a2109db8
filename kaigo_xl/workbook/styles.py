"""Cell styles of the template, in the manner of the official MHLW input sheets: yellow = input, blue headers,
thin boxes, 円 and 常勤換算 number formats. One place, so every sheet looks the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy

from openpyxl.chart import BarChart
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.workbook import layout

FONT_NAME = "Yu Gothic"  # Excel's default Japanese font; LibreOffice substitutes Noto Sans CJK
YEN = '#,##0"円"'
FTE = "0.0"
AVERAGE = "0.00"
HOURS = "0.00"
DATE = "yyyy/m/d"

INPUT = PatternFill("solid", fgColor=layout.INPUT_FILL)
HEADER = PatternFill("solid", fgColor=layout.HEADER_FILL)
RESULT = PatternFill("solid", fgColor="E2EFDA")  # computed results the user reads
ERROR = PatternFill("solid", fgColor=layout.ERROR_FILL)
NOTE = PatternFill("solid", fgColor="FCE4D6")
_thin = Side(style="thin", color="808080")
BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)

BASE_FONT = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
RED_FONT = Font(name=FONT_NAME, size=10, bold=True, color="C00000")
SMALL = Font(name=FONT_NAME, size=9, color="404040")
LINK_FONT = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")

WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
MIDDLE_WRAP = Alignment(vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)


def title(ws: Worksheet, text: str, ref: str = "A1") -> None:
    ws[ref] = text
    ws[ref].font = TITLE_FONT


def text(ws: Worksheet, ref: str, value, *, bold: bool = False, wrap: bool = False, fill=None, small=False) -> None:
    c = ws[ref]
    c.value = value
    c.font = SMALL if small else (BOLD if bold else BASE_FONT)
    if wrap:
        c.alignment = WRAP
    if fill is not None:
        c.fill = fill


def header(ws: Worksheet, row: int, labels: Mapping[str, str | None]) -> None:
    """Column headings: blue, bold, boxed, centred."""
    for col, label in labels.items():
        c = ws[f"{col}{row}"]
        c.value = label
        c.font = BOLD
        c.fill = HEADER
        c.border = BOX
        c.alignment = CENTER


def _styled(ws: Worksheet, ref: str, key: tuple, apply) -> None:
    """Apply a style once per workbook and copy it afterwards: openpyxl's style setters are slow (hashing)."""
    c = ws[ref]
    cache = ws.parent.__dict__.setdefault("_kx_style_cache", {})
    if key in cache:
        c._style = copy(cache[key])  # noqa: SLF001 - openpyxl has no public way to copy a whole style
        return
    apply(c)
    cache[key] = copy(c._style)  # noqa: SLF001 - (see above)


def input_cell(ws: Worksheet, ref: str, number_format: str | None = None) -> None:
    """A yellow, unlocked, boxed cell: the only kind of cell a protected sheet lets the clerk type into."""

    def apply(c) -> None:
        c.fill = INPUT
        c.border = BOX
        c.protection = UNLOCKED
        c.font = BASE_FONT
        if number_format:
            c.number_format = number_format

    _styled(ws, ref, ("input", number_format), apply)


def result_cell(ws: Worksheet, ref: str, formula, number_format: str | None = None, *,
                fill=RESULT, bold: bool = False) -> None:
    def apply(c) -> None:
        c.border = BOX
        c.font = BOLD if bold else BASE_FONT
        if fill is not None:
            c.fill = fill
        if number_format:
            c.number_format = number_format

    ws[ref].value = formula
    _styled(ws, ref, ("result", number_format, bold, fill.fgColor.rgb if fill is not None else None), apply)


def widths(ws: Worksheet, **by_column: float) -> None:
    for col, w in by_column.items():
        ws.column_dimensions[col].width = w


def width_range(ws: Worksheet, first: int, last: int, w: float) -> None:
    for i in range(first, last + 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def validation(ws: Worksheet, sqref: str, *, kind: str, formula1: str | None = None, formula2: str | None = None,
               operator: str | None = None, prompt: str = "", error: str = "", allow_blank: bool = True,
               stop: bool = True) -> DataValidation:
    """Data validation with a Japanese input message and error message (the MHLW sheets do the same)."""
    dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator,
                        allow_blank=allow_blank, showInputMessage=bool(prompt), showErrorMessage=True,
                        promptTitle="入力のしかた" if prompt else None, prompt=prompt or None,
                        errorTitle="入力できない値です", error=error or "一覧から選ぶか、正しい値を入力してください。",
                        errorStyle="stop" if stop else "warning")
    dv.add(sqref)
    ws.add_data_validation(dv)
    return dv


def protect(ws: Worksheet) -> None:
    """Sheet protection without a password (校閲 → シート保護の解除): it guards formulas against slips, not people."""
    ws.protection.sheet = True
    ws.protection.formatCells = False  # allow formatting (column widths, colours) as the MHLW sheets do
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def page_a4(ws: Worksheet, *, landscape: bool = False, fit_width: bool = True, print_area: str | None = None,
            title_rows: str | None = None) -> None:
    """A4, one page wide, centred; what a municipal clerk expects to come out of the printer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if print_area:
        ws.print_area = print_area
    if title_rows:
        ws.print_title_rows = title_rows
    # every printed page says which book and sheet it is and which page (the file is 施設番号_施設名.xlsx)
    ws.oddHeader.right.text = "&F"
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = "&P / &N ページ"
    ws.oddFooter.center.size = 8
    ws.page_margins.header = ws.page_margins.footer = 0.25


def column_chart(title: str, y_title: str, num_format: str, width: float, height: float) -> BarChart:
    """A plain column chart without legend, axes from zero; the data and categories are the caller's."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.numFmt = num_format
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes in Excel otherwise
    chart.width, chart.height = width, height
    return chart


RED_BOLD = Font(name=FONT_NAME, size=10, bold=True, color="C00000")


def red_when_nonblank(ws: Worksheet, sqref: str, first_cell: str) -> None:
    """The problem marker of the template: red text on the error fill while `first_cell` holds a message."""
    ws.conditional_formatting.add(sqref, FormulaRule(formula=[f'{first_cell}<>""'], font=RED_BOLD, fill=ERROR))


def hidden_helpers(ws: Worksheet, formulas: dict[str, str]) -> None:
    """Helper formula cells (e.g. a number typed as text read as the reader reads it), their columns hidden."""
    for ref, formula in formulas.items():
        result_cell(ws, ref, formula, fill=None)
        ws.column_dimensions[ref.rstrip("0123456789")].hidden = True
