"""Drawing a form (forms.spec) on an openpyxl worksheet: formulas for the template, values for `kaigo-xl forms`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.policy import Policy
from kaigo_xl.workbook.forms.boxes import FTE, STYLES, Box, FormSpec, Style
from kaigo_xl.workbook.forms.spec import FORMS
from kaigo_xl.workbook.forms.values import row_heights
from kaigo_xl.xlsx.save import put_value

_THIN = Side(style="thin", color="000000")
_BORDERS = {"": Border(), "box": Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
            "under": Border(bottom=_THIN)}
# The form sheets are protected, but their value boxes stay unlocked: the Excel add-ins (server and xlwings Lite)
# write the engine's values there through Office.js, which refuses writes into locked cells of a protected sheet.
_VALUE_BOX = Protection(locked=False)


def _font(style: Style, name: str) -> Font:
    return Font(name=name, size=style.size, bold=style.bold, color=style.color or None)


def _cells(ws: Worksheet, ref: str):
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        yield from row


def render_form_sheet(ws: Worksheet, spec: FormSpec, values: Mapping[str, object] | None,
                      font: str | None = None) -> None:
    """Draw `spec` on an empty worksheet: formulas when `values` is None, else the given values (value mode).

    `font` overrides the spec's font (the PDF copy names a font LibreOffice has, so digits and kana match).
    """
    font_name = font
    for col, width in spec.widths.items():
        ws.column_dimensions[col].width = width
    ws.sheet_format.defaultRowHeight = spec.default_height
    ws.sheet_format.customHeight = True
    heights = row_heights(spec, values)
    for row in range(1, spec.last_row + 1):
        ws.row_dimensions[row].height = heights[row]
    for box in spec.boxes:
        style = STYLES[box.style]
        font, border = _font(style, font_name or spec.font), _BORDERS[style.border]
        align = Alignment(horizontal=style.h, vertical=style.v, wrap_text=style.wrap or None,
                          indent=style.indent or 0, shrink_to_fit=style.shrink or None)
        fill = PatternFill("solid", fgColor=style.fill) if style.fill else None
        for c in _cells(ws, box.ref):
            c.font, c.border, c.alignment = font, border, align
            if fill:
                c.fill = fill
            if box.dynamic:
                c.protection = _VALUE_BOX
            c.number_format = box.number_format
        if ":" in box.ref:
            ws.merge_cells(box.ref)
        anchor = ws[box.anchor]
        if not box.dynamic:
            anchor.value = box.text or None
        elif values is None:
            anchor.value = box.formula
        else:
            put_value(anchor, _cell_value(box, values.get(box.anchor)))  # a facility's text never becomes a formula
    _page_setup(ws, spec)


def _cell_value(box: Box, value: object) -> object:
    """FTE figures travel as text ("10.5"); openpyxl stores them as numbers so Excel shows no "number as text" mark."""
    if box.number_format == FTE and isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value




def _page_setup(ws: Worksheet, spec: FormSpec) -> None:
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = spec.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # two pages: the row break before the initiatives
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.row_breaks.append(Break(id=spec.page_break))
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.size = 9
    ws.print_options.horizontalCentered = True
    left, right, top, bottom = (cm / 2.54 for cm in spec.margins_cm)
    ws.page_margins.left, ws.page_margins.right = left, right
    ws.page_margins.top, ws.page_margins.bottom = top, bottom
    ws.page_margins.header = ws.page_margins.footer = 0.2
    ws.print_area = spec.print_area
    ws.protection.sheet = True  # the form is output: typing belongs in the input sheets


def add_form_sheets(wb: openpyxl.Workbook, policy: Policy) -> None:
    """Add (or redraw) the 計画書 and 実績報告書 sheets in formula mode: plain Excel fills them from the inputs.

    `policy` is not needed here: the formulas read the municipality's values (宛先, 返還, 期限) from 設定.
    """
    del policy
    for spec in FORMS:
        render_form_sheet(fresh_sheet(wb, spec.sheet), spec, None)


def fresh_sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    """An empty sheet called `name` at the place of the old one (or at the end), other sheets untouched."""
    if name not in wb.sheetnames:
        return wb.create_sheet(name)
    old = wb[name]
    index = wb.sheetnames.index(name)
    active = wb.active.title if wb.active is not None else None
    tab = old.sheet_properties.tabColor
    wb.remove(old)
    ws = wb.create_sheet(name, index)
    if tab is not None:
        ws.sheet_properties.tabColor = tab
    if active is not None and active in wb.sheetnames:
        wb.active = wb.sheetnames.index(active)
    return ws
