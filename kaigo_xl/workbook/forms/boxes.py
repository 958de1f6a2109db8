"""How a form is described: boxes on a 7-column A4 grid, their styles and number formats, and the row heights that
make the longest admitted text fit (forms.spec lists the boxes of the two forms; forms.render draws them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kaigo_xl.workbook import layout

# ---- number formats (和暦 dates are text, built as kaigo_xl.wareki writes them: no era number formats) ----
YEN = '#,##0"円"'
YEN_OR_BLANK = '#,##0"円";-#,##0"円";""'  # months without a payment stay empty
FTE = '0.0#'
FTE_PERSONS = '0.0#"人"'
AVERAGE = '0.00"人"'
PERSONS = '#,##0"人"'

PLEDGE = "計画書及び実績報告書の内容を証明する資料は適切に保管し、求めがあった場合には速やかに提出します。"
REQUIREMENT_CODES = ("ア", "イ", "ウ")
BLANK_DATE = "令和　　年　　月　　日"
DRAFT = "未完成：チェックにエラーがあります"
REPORT_DOCUMENT = "実績報告書"
NOT_YET = "未完成：計画書の段階です（実績は未入力）"  # a 実績報告書 printed while the book is a 計画書
TECHNOLOGY = layout.EXPENSE_CATEGORIES[2]


@dataclass(frozen=True)
class Style:
    """How a box looks; every size is at least 9 pt so the printed form stays legible."""

    size: float = 10.5
    bold: bool = False
    h: str = "left"  # left | center | right
    v: str = "center"
    wrap: bool = False
    border: str = ""  # "" | "box" (thin all round) | "under" (a line to write on)
    fill: str = ""
    color: str = ""
    indent: int = 0
    shrink: bool = False  # one line, made smaller when it does not fit


STYLES: dict[str, Style] = {
    "form_no": Style(10.5),
    "stamp": Style(9, h="right", color="7F7F7F"),
    "title": Style(14, bold=True, h="center", shrink=True),
    "draft": Style(12, bold=True, color="C00000"),
    "date": Style(10.5, h="right"),
    "addressee": Style(12),
    "head_label": Style(10.5, h="right"),
    "head_value": Style(10.5, border="under", wrap=True),
    "body": Style(10, wrap=True, v="center"),
    "ki": Style(10.5, h="center"),
    "section": Style(11, bold=True, v="bottom"),
    "label": Style(10, border="box", fill="F2F2F2", wrap=True, indent=0),
    "th": Style(10, border="box", fill="F2F2F2", h="center", wrap=True),
    "text": Style(10, border="box", wrap=True),
    "small": Style(9.5, border="box", wrap=True),
    "center": Style(10, border="box", h="center"),
    "num": Style(10, border="box", h="right"),
    "num_bold": Style(10.5, border="box", h="right", bold=True),
    "check": Style(10, border="box", wrap=True, h="left"),
    "note": Style(9.5, wrap=True, v="top"),
}


@dataclass(frozen=True)
class Box:
    """One labelled box: `ref` is a cell or a merged range; the first cell holds the content."""

    ref: str
    style: str = "text"
    text: str = ""  # fixed text (labels, headings)
    key: str | None = None  # value mode: key into the value table
    formula: str | None = None  # formula mode: Excel formula (starting with "=")
    number_format: str = "General"
    chars: int = 0  # the longest text the input admits (rules.printing): the row is tall enough for it

    @property
    def anchor(self) -> str:
        return self.ref.split(":")[0]

    @property
    def dynamic(self) -> bool:
        return self.key is not None


@dataclass(frozen=True)
class FormSpec:
    sheet: str
    side: str  # "plan" | "actual": whose figures a key without a side means
    title: str  # the document: 計画書 | 実績報告書
    widths: dict[str, float]
    heights: dict[int, float]
    boxes: tuple[Box, ...]
    last_row: int
    page_break: int  # the first page ends after this row
    paper: str = "A4"
    orientation: str = "portrait"
    default_height: float = 15.0
    margins_cm: tuple[float, float, float, float] = (1.5, 1.5, 1.2, 1.2)  # left, right, top, bottom
    font: str = "ＭＳ 明朝"

    @property
    def last_col(self) -> str:
        return max(self.widths)

    @property
    def print_area(self) -> str:
        return f"A1:{self.last_col}{self.last_row}"

    def dynamic_boxes(self) -> list[Box]:
        return [b for b in self.boxes if b.dynamic]


LINE_PT = 14.0  # one line of 10 pt text (Noto CJK and MS 明朝 both fit)
# Column widths in Excel units (a digit of the Normal font, Calibri 11: 5.25 pt); 94 units fill A4 at 100 %.
UNIT_PT = 5.25
WIDTHS = {"A": 22.0, "B": 12.0, "C": 12.0, "D": 12.0, "E": 12.0, "F": 12.0, "G": 12.0}
MONTH_COLS = ("B", "C", "D", "E", "F", "G")


def chars_per_line(ref_: str, style: str) -> float:
    """How many full-width characters one line of a box holds (the same rule as values.row_heights)."""
    cols = ref_.replace("$", "").split(":")
    first, last = cols[0].rstrip("0123456789"), cols[-1].rstrip("0123456789")
    units = sum(w for c, w in WIDTHS.items() if first <= c <= last)
    return max(1.0, units * UNIT_PT / STYLES[style].size - 1)


def lines_for(box: Box) -> int:
    return max(1, math.ceil(box.chars / math.floor(chars_per_line(box.ref, box.style))))



def row_of(ref_: str) -> int:
    return int("".join(ch for ch in ref_.split(":")[0] if ch.isdigit()))


def heights(boxes: list[Box]) -> dict[int, float]:
    """Row heights in points: spacing above sections, two lines for the check boxes and long labels, and as many
    lines as the longest admitted text needs (Box.chars)."""
    out: dict[int, float] = {2: 24, 5: 4, 8: 30}
    for b in boxes:
        row, key = row_of(b.ref), b.key or ""
        need = 0.0
        if b.style == "section":
            need = 20
        elif key.startswith("req.") and key.endswith((".plan", ".report")):
            need = LINE_PT * 2 + 4
        elif b.text.startswith(("特定施設入居者", PLEDGE)) or TECHNOLOGY in b.text:
            need = LINE_PT * 2 + 2
        if b.chars:
            need = max(need, round(lines_for(b) * LINE_PT * STYLES[b.style].size / 10 + 3, 1))
        out[row] = max(out.get(row, 0.0), need) if need else out.get(row, 0.0)
    return {row: h for row, h in out.items() if h}
