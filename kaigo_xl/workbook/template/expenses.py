"""経費: what the add-on is spent on, by category, planned and actual (介護テクノロジー is refused, 別添1 2(3)イ)."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.rules import spending
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import ALLOWED_CATEGORIES, TECHNOLOGY, Lists, category_of_formula


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
        styles.input_cell(ws, f"{layout.EXP_COL_PLANNED}{row}", styles.YEN)
        styles.input_cell(ws, f"{layout.EXP_COL_ACTUAL}{row}", styles.YEN)
        for col in (layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL):
            styles.hidden_helpers(ws, F.num_helpers(layout.S_EXPENSES, f"{col}{row}", "yen"))
        styles.result_cell(ws, f"{canon}{row}", "=" + category_of_formula(cat, lists), fill=None)
        styles.result_cell(ws, f"{allowed}{row}", f"=IF(OR({allowed_test.format(row=row)}),1,0)", fill=None)
        styles.result_cell(ws, f"{judge}{row}",
                           f'=IF({canon}{row}="","",IF({allowed}{row}=1,"○ 対象経費",IF({canon}{row}="{TECHNOLOGY}",'
                           f'"× 充当できません","× 区分が不明です")))', fill=None)
    ws.conditional_formatting.add(f"{judge}{r0}:{judge}{r1}",
                                  FormulaRule(formula=[f'LEFT({judge}{r0},1)="×"'], font=styles.RED_BOLD, fill=styles.ERROR))
    styles.validation(ws, f"{layout.EXP_COL_CATEGORY}{r0}:{layout.EXP_COL_CATEGORY}{r1}", kind="list",
                      formula1=lists.range("category"),
                      prompt="人件費 または 職場環境改善経費 を選んでください。介護テクノロジー機器購入には充当できません。",
                      error="経費区分は一覧から選んでください。")
    styles.validation(ws, f"{layout.EXP_COL_PLANNED}{r0}:{layout.EXP_COL_ACTUAL}{r1}", kind="whole",
                      operator="greaterThanOrEqual", formula1="0",
                      prompt="金額を円単位の整数で入力してください（例: 392500）。", error="金額は 0 以上の整数（円）で入力してください。")
    tr = layout.EXPENSE_TOTAL_ROW
    styles.text(ws, f"B{tr}", "合計", bold=True)
    for col in (layout.EXP_COL_PLANNED, layout.EXP_COL_ACTUAL):
        styles.result_cell(ws, f"{col}{tr}", f"=SUM({F.num_value_range(layout.S_EXPENSES, col, r0, r1)})", styles.YEN,
                           bold=True)
    styles.text(ws, f"B{tr + 1}", "うち対象経費（人件費・職場環境改善経費）")
    styles.result_cell(ws, f"C{tr + 1}", f"={F.calc('planned_allowed')}", styles.YEN)
    styles.result_cell(ws, f"D{tr + 1}", f"={F.calc('actual_allowed')}", styles.YEN)
    styles.text(ws, f"B{tr + 2}", "加算総額（計算シート）")
    styles.result_cell(ws, f"C{tr + 2}", "=KX_ANNUAL_YEN", styles.YEN)
    for col in (canon, allowed):
        ws.column_dimensions[col].hidden = True
    styles.widths(ws, A=22, B=46, C=14, D=14, E=16)
    ws.freeze_panes = f"A{r0}"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:E{tr + 2}")
