"""取組: (ア)(イ)(ウ) with 実施済/実施予定 and what was done, and further items of the 職場環境等要件.

Hidden columns F–J read each row as the reader does (layout.INI_COL_*): the checks and the forms use them.
"""

from __future__ import annotations

import math

from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.catalog import Catalog
from kaigo_xl.rules import printing
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists

_TITLE_CHARS_PER_LINE = 24  # column B (44 units) at 10 pt


def build_initiatives(ws: Worksheet, lists: Lists, catalog: Catalog) -> None:
    styles.title(ws, "職場環境改善等の取組（加算要件）")
    styles.text(ws, "A2", "別添1 2(3)ア: （ア）（イ）（ウ）のいずれかの取組を「計画又は既に実施」していることが加算の要件です。"
                "計画書では「実施済」または「実施予定」を選び、具体的な内容を記入します。実績報告書では実施したものを「実施済」に"
                "します（実施済だけを数えるかは市区町村の設定）。", small=True, wrap=True)
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 40
    styles.header(ws, 5, {"A": "区分", "B": "取組", "C": "状況", "D": "具体的な取組の内容"})
    for code, row in layout.INITIATIVE_FIXED_ROWS.items():
        styles.text(ws, f"{layout.INI_COL_CODE}{row}", f"（{code}）", bold=True)
        ws[f"{layout.INI_COL_CODE}{row}"].alignment = styles.CENTER
        styles.text(ws, f"{layout.INI_COL_TITLE}{row}", catalog.alias_texts[code], wrap=True)
        ws.row_dimensions[row].height = 54
    extra0, extra1 = layout.INITIATIVE_EXTRA_ROWS[0], layout.INITIATIVE_EXTRA_ROWS[-1]
    styles.text(ws, f"A{extra0 - 2}", "職場環境等要件（①〜㉘）から追加する取組（任意）。⑰＝（イ）、⑱＝（ア）、㉓＝（ウ）に当たると"
                "このツールは読んでいます（通知は番号を示していません）", bold=True, wrap=True)
    ws.merge_cells(f"A{extra0 - 2}:D{extra0 - 2}")
    ws.row_dimensions[extra0 - 2].height = 28
    styles.header(ws, extra0 - 1, {"A": "番号", "B": "取組（番号を選ぶと表示）", "C": "状況", "D": "具体的な取組の内容"})
    longest = max((len(catalog.text(c)) for c in catalog.items), default=0)
    title_height = 14 * math.ceil(longest / _TITLE_CHARS_PER_LINE) + 4  # the longest item title fits
    for row in layout.INITIATIVE_EXTRA_ROWS:
        code = f"{layout.INI_COL_CODE}{row}"
        styles.input_cell(ws, code)
        ws[code].alignment = styles.CENTER
        styles.result_cell(ws, f"{layout.INI_COL_TITLE}{row}",
                           f'=IF({code}="","",IFERROR(VLOOKUP({code},{lists.table("code", "code_text")},2,FALSE),'
                           f'"番号が一覧にありません"))', fill=None)
        ws[f"{layout.INI_COL_TITLE}{row}"].alignment = styles.WRAP
        ws.row_dimensions[row].height = max(title_height, 54)
    for row in (*layout.INITIATIVE_FIXED_ROWS.values(), *layout.INITIATIVE_EXTRA_ROWS):
        styles.input_cell(ws, f"{layout.INI_COL_STATUS}{row}")
        ws[f"{layout.INI_COL_STATUS}{row}"].alignment = styles.CENTER
        styles.input_cell(ws, f"{layout.INI_COL_DETAIL}{row}")
        ws[f"{layout.INI_COL_DETAIL}{row}"].alignment = styles.WRAP
        for c in (layout.INI_COL_CODE, layout.INI_COL_TITLE):
            ws[f"{c}{row}"].border = styles.BOX
        _reading(ws, row, lists)
    _validations(ws, lists)
    _red_inputs(ws, lists)
    for col in (layout.INI_COL_CANON, layout.INI_COL_READ, layout.INI_COL_BAD, layout.INI_COL_NORMALISED,
                layout.INI_COL_RANK):
        ws.column_dimensions[col].hidden = True
    styles.widths(ws, A=8, B=44, C=11, D=58)
    ws.freeze_panes = "A6"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:D{extra1}")


def status_of(cell: str) -> str:
    """The status as the reader reads it: 実施済, 実施予定, "" (blank) or ？ (not a status)."""
    by_value: dict[str, list[str]] = {}
    for written, meant in layout.STATUS_READINGS.items():
        by_value.setdefault(meant, []).append(written)
    out = '"？"'
    for meant, words in reversed(by_value.items()):
        test = "+".join(f"({F.squeeze(cell)}={F.squeeze(F.text(w))})" for w in words)
        out = f'IF({test}>0,"{meant}",{out})'
    return f'=IF({F.is_blank(cell)},"",{out})'


def _reading(ws: Worksheet, row: int, lists: Lists) -> None:
    """The hidden columns of one row: canonical status, read, first unreadable cell, rewritten, rank on the forms."""
    fixed = row in layout.INITIATIVE_FIXED_ROWS.values()
    a, c, d = (f"{col}{row}" for col in (layout.INI_COL_CODE, layout.INI_COL_STATUS, layout.INI_COL_DETAIL))
    canon = f"{layout.INI_COL_CANON}{row}"
    valid = f'OR({canon}="実施済",{canon}="実施予定")'
    styles.result_cell(ws, canon, status_of(c), fill=None)
    read = valid if fixed else f"AND(NOT({F.is_blank(a)}),{valid})"
    styles.result_cell(ws, f"{layout.INI_COL_READ}{row}", f"=IF({read},1,0)", fill=None)
    # the reader goes left to right: no number (further rows), then the status (not one of the list, or missing)
    status_bad = f'OR({canon}="？",AND({canon}="",OR(NOT({F.is_blank(d)}),{"FALSE" if fixed else "TRUE"})))'
    first_bad = (f"IF({status_bad},3,0)" if fixed else
                 f"IF({F.is_blank(a)},IF(OR(NOT({F.is_blank(c)}),NOT({F.is_blank(d)})),1,0),IF({status_bad},3,0))")
    styles.result_cell(ws, f"{layout.INI_COL_BAD}{row}", f"={first_bad}", fill=None)
    exact = ",".join(f"EXACT(TRIM({c}),{F.text(t)})" for t in layout.STATUS_READINGS)
    looked_at = "TRUE" if fixed else f"NOT({F.is_blank(a)})"
    styles.result_cell(ws, f"{layout.INI_COL_NORMALISED}{row}",
                       f"=IF(AND({looked_at},{valid},NOT(OR({exact}))),1,0)", fill=None)
    if not fixed:  # the further items the forms list: known numbers other than ア・イ・ウ, in order
        above = f"${layout.INI_COL_RANK}${layout.INITIATIVE_EXTRA_ROWS[0] - 1}:{layout.INI_COL_RANK}{row - 1}"
        listed = (f'AND({layout.INI_COL_READ}{row}=1,COUNTIF({lists.range("code", lists.n_codes)},{a})>0,'
                  f'{a}<>"ア",{a}<>"イ",{a}<>"ウ")')
        styles.result_cell(ws, f"{layout.INI_COL_RANK}{row}", f'=IF({listed},MAX({above})+1,"")', fill=None)


def _validations(ws: Worksheet, lists: Lists) -> None:
    fixed0, fixed1 = min(layout.INITIATIVE_FIXED_ROWS.values()), max(layout.INITIATIVE_FIXED_ROWS.values())
    extra0, extra1 = layout.INITIATIVE_EXTRA_ROWS[0], layout.INITIATIVE_EXTRA_ROWS[-1]
    limit = printing.INITIATIVE_DETAIL_CHARS
    for a, b in ((fixed0, fixed1), (extra0, extra1)):
        styles.validation(ws, f"{layout.INI_COL_STATUS}{a}:{layout.INI_COL_STATUS}{b}", kind="list",
                          formula1=lists.range("status"),
                          prompt="実施済 または 実施予定 を選んでください。",
                          error="状況は 実施済 か 実施予定 を選んでください。")
        styles.validation(ws, f"{layout.INI_COL_DETAIL}{a}:{layout.INI_COL_DETAIL}{b}", kind="textLength",
                          operator="lessThanOrEqual", formula1=str(limit),
                          prompt=f"いつ、だれが、何をするか（したか）を{limit}字以内で具体的に記入してください"
                          "（計画書・実績報告書の欄に収まる長さ）。", error=f"内容は{limit}字以内にしてください。")
    styles.validation(ws, f"{layout.INI_COL_CODE}{extra0}:{layout.INI_COL_CODE}{extra1}", kind="list",
                      formula1=lists.range("code", lists.n_codes),
                      prompt="職場環境等要件の番号（①〜㉘）を選んでください。⑰・⑱・㉓ は（イ）（ア）（ウ）に当たると"
                      "このツールは読んでいます（通知は番号を示していません）。",
                      error="番号は ①〜㉘ から選んでください。")


def _red_inputs(ws: Worksheet, lists: Lists) -> None:
    """The cells a finding points at turn red: a number not in the list, a missing or unknown status, a missing or
    too long description."""
    first = min(layout.INITIATIVE_FIXED_ROWS.values())
    last = layout.INITIATIVE_EXTRA_ROWS[-1]
    a, c, d = (f"{col}{first}" for col in (layout.INI_COL_CODE, layout.INI_COL_STATUS, layout.INI_COL_DETAIL))
    bad, read = f"{layout.INI_COL_BAD}{first}", f"{layout.INI_COL_READ}{first}"
    known = f'COUNTIF({lists.range("code")},{a})>0'
    rules = {
        layout.INI_COL_CODE: f'OR({bad}=1,AND(ROW()>={layout.INITIATIVE_EXTRA_ROWS[0]},{read}=1,NOT({known})))',
        layout.INI_COL_STATUS: f"{bad}=3",
        layout.INI_COL_DETAIL: (f"AND({read}=1,OR(AND({known},{F.is_blank(d)}),"
                                f"LEN(TRIM({d}))>{printing.INITIATIVE_DETAIL_CHARS}))"),
    }
    for col, cond in rules.items():
        ws.conditional_formatting.add(f"{col}{first}:{col}{last}", FormulaRule(formula=[cond], fill=styles.ERROR,
                                                                             font=styles.RED_BOLD))
