"""記入例: a filled example, as the ministry's own 処遇改善加算 workbooks carry one — the bundled sample facility
(data/sample_facility.json) with actual figures a year later. Static text on grey, stamped 記入例 on every part: no
formula reads it and nobody can take it for the facility's own data."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.workbook import styles

SAMPLE = PatternFill("solid", fgColor="EDEDED")  # grey: not the yellow of input cells
BANNER = PatternFill("solid", fgColor="FCE4D6")
_ACTUAL_CHANGE = {6: Decimal("-0.3"), 7: Decimal("-0.5"), 1: Decimal("0.2")}  # the year as it went


def _sample() -> dict:
    return json.loads(resources.files("kaigo_xl.data").joinpath("sample_facility.json").read_text(encoding="utf-8"),
                      parse_float=Decimal)


def _cell(ws: Worksheet, ref: str, value: object, fmt: str | None = None) -> None:
    styles.text(ws, ref, value)
    ws[ref].fill = SAMPLE
    ws[ref].border = styles.BOX
    if fmt:
        ws[ref].number_format = fmt


def _part(ws: Worksheet, row: int, title: str, heads: tuple[str, ...]) -> int:
    styles.text(ws, f"A{row}", f"【記入例】{title}", bold=True)
    styles.header(ws, row + 1, dict(zip("ABCDEFGH", heads)))
    return row + 2


def build_example(ws: Worksheet) -> None:
    data = _sample()
    styles.title(ws, "記入例（見本）")
    ws["A1"].font = Font(name=styles.FONT_NAME, size=16, bold=True, color="C00000")
    styles.text(ws, "A2", "このシートは記入例です。ここの値は計算に使われず、提出もされません。実際の入力は「施設情報」「月別職員数」"
                "「取組」「経費」シートの黄色のセルに行ってください。", bold=True, wrap=True, fill=BANNER)
    ws["A2"].font = styles.RED_FONT
    ws.merge_cells("A2:F2")
    ws.row_dimensions[2].height = 32
    fac = data["facility"]
    row = _part(ws, 4, "施設情報", ("項目", "入力の例"))
    for label, value in (("施設名", f"（記入例）{fac['name']}"), ("施設の種別", fac["type"]), ("施設番号", "0000000000"),
                         ("年度（西暦）", data["fiscal_year"]), ("作成する書類", "計画書（1年後は実績報告書）"),
                         ("支払回数・初回の支払月", "6回・10月"), ("受領済みの加算額（実績報告時）", "472500")):
        _cell(ws, f"A{row}", label)
        _cell(ws, f"B{row}", value)
        ws.merge_cells(f"B{row}:D{row}")
        row += 1
    row = _part(ws, row + 1, "月別職員数（見込みは計画書、実績は実績報告書に使います）",
                ("月", "見込み 職員数", "見込み 特定施設", "実績 職員数", "実績 特定施設"))
    for m, month in zip(FISCAL_MONTHS, data["monthly"]):
        actual = month["fte"] + _ACTUAL_CHANGE.get(m, Decimal(0))
        for col, value in zip("ABCDE", (f"{m}月", month["fte"], month["tokutei_fte"], actual, month["tokutei_fte"])):
            _cell(ws, f"{col}{row}", value if isinstance(value, str) else float(value), None if col == "A" else "0.0")
        row += 1
    row = _part(ws, row + 1, "取組", ("区分", "状況（計画書）", "具体的な取組の内容"))
    for ini in data["initiatives"]:
        _cell(ws, f"A{row}", f"（{ini['code']}）")
        _cell(ws, f"B{row}", ini["status"])
        _cell(ws, f"C{row}", ini["detail"])
        ws.merge_cells(f"C{row}:F{row}")
        ws[f"C{row}"].alignment = styles.WRAP
        ws.row_dimensions[row].height = 30
        row += 1
    row = _part(ws, row + 1, "経費", ("経費区分", "内容", "", "", "計画額", "実績額（実績報告時）"))
    for line, spent in zip(data["expenses"], (400_000, 45_000, 30_000)):
        _cell(ws, f"A{row}", line["category"])
        _cell(ws, f"B{row}", line["description"])
        ws.merge_cells(f"B{row}:D{row}")
        ws[f"B{row}"].alignment = styles.WRAP
        _cell(ws, f"E{row}", line["planned_yen"], styles.YEN)
        _cell(ws, f"F{row}", spent, styles.YEN)
        ws.row_dimensions[row].height = 30
        row += 1
    styles.text(ws, f"A{row + 1}", "※ 介護テクノロジー機器（見守りセンサー・インカム等）の購入は、この加算の使い道にできません。", small=True)
    styles.widths(ws, A=24, B=16, C=16, D=16, E=16, F=18)
    ws.sheet_properties.tabColor = "A6A6A6"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:F{row + 1}")
