"""経費: what the add-on is spent on, by category, planned and actual (介護テクノロジー is refused, 別添1 2(3)イ).

Hidden columns read each row as the reader does: F the category (rules.spending.category_of), G allowed, H–O the
typed-text helpers of the amounts, P–T whether the row is read, a technology word in its 内容, its unreadable cells
(INPUT_INVALID), its rewritten numbers (INPUT_NORMALISED) and the first unreadable cell.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.rules import printing, spending
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import (
    ALLOWED_CATEGORIES,
    TECHNOLOGY,
    Lists,
    category_of_formula,
    has_keyword,
)


def build_expenses(ws: Worksheet, lists: Lists) -> None:
    r0, r1 = layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1]
    styles.title(ws, "加算の使い道（経費）")
    styles.text(ws, "A2", "別添1 2(3)イ: 加算は人件費（賃金改善と法定福利費の事業主負担増加分）または職場環境改善経費"
                "（介護助手の募集、研修など）に充てます。計画書では計画額、実績報告書では実績額を入力します。", small=True, wrap=True)
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = 26
    ws["A3"] = "⚠ " + spending.TECHNOLOGY_ADVICE
    ws["A3"].font = styles.RED_FONT
    ws["A3"].alignment = styles.WRAP
    ws["A3"].fill = styles.NOTE
    ws.merge_cells("A3:E3")
    ws.row_dimensions[3].height = 44
    styles.header(ws, 5, {"A": "経費区分", "B": "内容", "C": "計画額", "D": "実績額", "E": "判定"})
    judge, canon, allowed = layout.EXP_COL_JUDGE, layout.EXP_COL_CANONICAL, layout.EXP_COL_ALLOWED
    styles.header(ws, 5, {canon: "区分（判定用）", allowed: "対象経費（判定用）"})
    allowed_test = ",".join(f'{canon}{{row}}="{c}"' for c in ALLOWED_CATEGORIES)
    for row in layout.EXPENSE_ROWS:
        cat = f"{layout.EXP_COL_CATEGORY}{row}"
        styles.input_cell(ws, cat)
        styles.input_cell(ws, f"{layout.EXP_COL_DESCRIPTION}{row}")
        ws[f"{layout.EXP_COL_DESCRIPTION}{row}"].alignment = styles.WRAP
        ws.row_dimensions[row].height = 27  # two lines of 内容
        styles.input_cell(ws, f"{layout.EXP_COL_PLANNED}{row}", styles.YEN)
        styles.input_cell(ws, f"{layout.EXP_COL_ACTUAL}{row}", styles.YEN)
        for col in (layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL):
            styles.hidden_helpers(ws, F.num_helpers(layout.S_EXPENSES, f"{col}{row}", "yen"))
        styles.result_cell(ws, f"{canon}{row}", "=" + category_of_formula(cat, lists), fill=None)
        styles.result_cell(ws, f"{allowed}{row}", f"=IF(OR({allowed_test.format(row=row)}),1,0)", fill=None)
        styles.result_cell(ws, f"{judge}{row}",
                           f'=IF({canon}{row}="","",IF({allowed}{row}=1,IF({layout.EXP_COL_WORD}{row}=1,'
                           f'"△ 機器の購入では？","○ 対象経費"),IF({canon}{row}="{TECHNOLOGY}","× 充当できません",'
                           f'"× 区分が不明です")))', fill=None)
        _reading(ws, row, lists)
    ws.conditional_formatting.add(f"{judge}{r0}:{judge}{r1}",
                                  FormulaRule(formula=[f'AND({judge}{r0}<>"",LEFT({judge}{r0},1)<>"○")'],
                                              font=styles.RED_BOLD, fill=styles.ERROR))
    _red_inputs(ws)
    styles.validation(ws, f"{layout.EXP_COL_CATEGORY}{r0}:{layout.EXP_COL_CATEGORY}{r1}", kind="list",
                      formula1=lists.range("category"),
                      prompt="人件費 または 職場環境改善経費 を選んでください。介護テクノロジー機器購入には充当できません。",
                      error="経費区分は一覧から選んでください。")
    limit = printing.EXPENSE_DESCRIPTION_CHARS
    styles.validation(ws, f"{layout.EXP_COL_DESCRIPTION}{r0}:{layout.EXP_COL_DESCRIPTION}{r1}", kind="textLength",
                      operator="lessThanOrEqual", formula1=str(limit),
                      prompt=f"経費の内容を簡潔に（同じ区分の行を合わせて{limit}字以内に収めると、計画書・実績報告書に"
                      "全部印刷されます）。", error=f"内容は{limit}字以内にしてください。")
    styles.validation(ws, f"{layout.EXP_COL_PLANNED}{r0}:{layout.EXP_COL_ACTUAL}{r1}", kind="whole",
                      operator="greaterThanOrEqual", formula1="0",
                      prompt="金額を円単位の整数で入力してください（例: 392500）。", error="金額は 0 以上の整数（円）で入力してください。")
    _totals(ws)
    for col in (canon, allowed, layout.EXP_COL_READ, layout.EXP_COL_WORD, layout.EXP_COL_BAD,
                layout.EXP_COL_NORMALISED, layout.EXP_COL_FIRST_BAD, layout.EXP_COL_FIRST_NORMALISED):
        ws.column_dimensions[col].hidden = True
    styles.widths(ws, A=22, B=46, C=14, D=14, E=18)
    ws.freeze_panes = f"A{r0}"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:E{layout.EXPENSE_TOTAL_ROW + 2}")


def amount_value(col: str, row: int) -> str:
    return F.num_cells(layout.S_EXPENSES, f"{col}{row}")[-1]


def _reading(ws: Worksheet, row: int, lists: Lists) -> None:
    """A row is read when it holds anything and has a category; the reader takes the amounts first (an unreadable
    one is reported), then asks for a missing category (only when the amounts were readable)."""
    cells = [f"{c}{row}" for c in (layout.EXP_COL_CATEGORY, layout.EXP_COL_DESCRIPTION, layout.EXP_COL_PLANNED,
                                   layout.EXP_COL_ACTUAL)]
    used = "OR(" + ",".join(f"NOT({F.is_blank(c)})" for c in cells) + ")"
    cat = cells[0]
    read = f"{layout.EXP_COL_READ}{row}"
    styles.result_cell(ws, read, f"=IF(AND({used},NOT({F.is_blank(cat)})),1,0)", fill=None)
    canon = f"{layout.EXP_COL_CANONICAL}{row}"
    styles.result_cell(ws, f"{layout.EXP_COL_WORD}{row}",
                       f'=IF(AND({read}=1,{canon}<>"{TECHNOLOGY}",{has_keyword(cells[1], lists)}),1,0)', fill=None)
    c_bad, d_bad = (F.unreadable(amount_value(col, row)) for col in (layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL))
    no_category = f"AND({used},{F.is_blank(cat)},NOT(OR({c_bad},{d_bad})))"
    styles.result_cell(ws, f"{layout.EXP_COL_BAD}{row}", f"=IF({used},{no_category}+{c_bad}+{d_bad},0)", fill=None)
    styles.result_cell(ws, f"{layout.EXP_COL_FIRST_BAD}{row}",
                       f"=IF({no_category},1,IF({c_bad},3,IF({d_bad},4,0)))", fill=None)
    c_norm, d_norm = (
        F.normalised(f"{col}{row}", F.num_cells(layout.S_EXPENSES, f"{col}{row}")[1], amount_value(col, row))
        for col in (layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL))
    styles.result_cell(ws, f"{layout.EXP_COL_NORMALISED}{row}", f"=IF({used},{c_norm}+{d_norm},0)", fill=None)
    styles.result_cell(ws, f"{layout.EXP_COL_FIRST_NORMALISED}{row}", f"=IF({used},IF({c_norm},3,IF({d_norm},4,0)),0)",
                       fill=None)


def _red_inputs(ws: Worksheet) -> None:
    """The cells a finding points at turn red: the category of a line that may not be charged or is unknown (or
    missing), its 内容 when it names a care technology or is too long, an amount unreadable, negative or too large."""
    r0, r1 = layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1]
    canon, read, bad = (f"{c}{r0}" for c in (layout.EXP_COL_CANONICAL, layout.EXP_COL_READ, layout.EXP_COL_FIRST_BAD))
    allowed = f"{layout.EXP_COL_ALLOWED}{r0}"
    desc = f"{layout.EXP_COL_DESCRIPTION}{r0}"
    cap = F.setting("yen_max")

    def amount(col: str, number: int) -> str:
        v = amount_value(col, r0).replace("$", "")
        return (f'OR({bad}={number},AND({read}=1,{canon}<>"不明",ISNUMBER({v}),OR(N({v})<0,N({v})>{cap})))')

    rules = {
        layout.EXP_COL_CATEGORY: f"OR({bad}=1,AND({read}=1,{allowed}=0))",
        layout.EXP_COL_DESCRIPTION: (f"AND({read}=1,OR({layout.EXP_COL_WORD}{r0}=1,"
                                     f"LEN(TRIM({desc}))>{printing.EXPENSE_DESCRIPTION_CHARS}))"),
        layout.EXP_COL_PLANNED: amount(layout.EXP_COL_PLANNED, 3),
        layout.EXP_COL_ACTUAL: amount(layout.EXP_COL_ACTUAL, 4),
    }
    for col, cond in rules.items():
        ws.conditional_formatting.add(f"{col}{r0}:{col}{r1}", FormulaRule(formula=[cond], fill=styles.ERROR,
                                                                          font=styles.RED_BOLD))


def _totals(ws: Worksheet) -> None:
    r0, r1 = layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1]
    tr = layout.EXPENSE_TOTAL_ROW
    styles.text(ws, f"B{tr}", "合計", bold=True)
    for col in (layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL):
        styles.result_cell(ws, f"{col}{tr}", f"=SUM({F.num_value_range(layout.S_EXPENSES, col, r0, r1)})", styles.YEN,
                           bold=True)
    styles.text(ws, f"B{tr + 1}", "うち対象経費（人件費・職場環境改善経費）")
    styles.result_cell(ws, f"C{tr + 1}", f"={F.calc('planned_allowed')}", styles.YEN)
    styles.result_cell(ws, f"D{tr + 1}", f"={F.calc('actual_allowed')}", styles.YEN)
    styles.text(ws, f"B{tr + 2}", "加算総額（見込み／実績、計算シート）")
    styles.result_cell(ws, f"C{tr + 2}", "=KX_ANNUAL_YEN", styles.YEN)
    styles.result_cell(ws, f"D{tr + 2}", "=KX_ACTUAL_ANNUAL_YEN", styles.YEN)
