"""取組: (ア)(イ)(ウ) with 実施済/実施予定 and what was done, and further items of the 職場環境等要件."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.catalog import Catalog
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template.settings import Lists


def build_initiatives(ws: Worksheet, lists: Lists, catalog: Catalog) -> None:
    styles.title(ws, "職場環境改善等の取組（加算要件）")
    styles.text(ws, "A2", "別添1 2(3)ア: （ア）（イ）（ウ）のいずれかの取組を、計画書では「実施済」または「実施予定」、"
                "実績報告書では「実施済」として入力してください。具体的な内容も記入します。", small=True)
    styles.header(ws, 5, {"A": "区分", "B": "取組", "C": "状況", "D": "具体的な取組の内容"})
    status_cells = []
    for code, row in layout.INITIATIVE_FIXED_ROWS.items():
        styles.text(ws, f"{layout.INI_COL_CODE}{row}", f"（{code}）", bold=True)
        ws[f"{layout.INI_COL_CODE}{row}"].alignment = styles.CENTER
        styles.text(ws, f"{layout.INI_COL_TITLE}{row}", catalog.alias_texts[code], wrap=True)
        ws.row_dimensions[row].height = 48
        status_cells.append(f"{layout.INI_COL_STATUS}{row}")
    extra0, extra1 = layout.INITIATIVE_EXTRA_ROWS[0], layout.INITIATIVE_EXTRA_ROWS[-1]
    styles.text(ws, f"A{extra0 - 2}", "職場環境等要件（①〜㉘）から追加する取組（任意）", bold=True)
    styles.header(ws, extra0 - 1, {"A": "番号", "B": "取組（番号を選ぶと表示）", "C": "状況", "D": "具体的な取組の内容"})
    for row in layout.INITIATIVE_EXTRA_ROWS:
        code = f"{layout.INI_COL_CODE}{row}"
        styles.input_cell(ws, code)
        ws[code].alignment = styles.CENTER
        styles.result_cell(ws, f"{layout.INI_COL_TITLE}{row}",
                           f'=IF({code}="","",IFERROR(VLOOKUP({code},{lists.table("code", "code_text")},2,FALSE),'
                           f'"番号が一覧にありません"))', fill=None)
        ws[f"{layout.INI_COL_TITLE}{row}"].alignment = styles.WRAP
        ws.row_dimensions[row].height = 36
    for row in (*layout.INITIATIVE_FIXED_ROWS.values(), *layout.INITIATIVE_EXTRA_ROWS):
        styles.input_cell(ws, f"{layout.INI_COL_STATUS}{row}")
        ws[f"{layout.INI_COL_STATUS}{row}"].alignment = styles.CENTER
        styles.input_cell(ws, f"{layout.INI_COL_DETAIL}{row}")
        ws[f"{layout.INI_COL_DETAIL}{row}"].alignment = styles.WRAP
        for c in (layout.INI_COL_CODE, layout.INI_COL_TITLE):
            ws[f"{c}{row}"].border = styles.BOX
    fixed0, fixed1 = min(layout.INITIATIVE_FIXED_ROWS.values()), max(layout.INITIATIVE_FIXED_ROWS.values())
    for a, b in ((fixed0, fixed1), (extra0, extra1)):
        styles.validation(ws, f"{layout.INI_COL_STATUS}{a}:{layout.INI_COL_STATUS}{b}", kind="list",
                          formula1=lists.range("status"),
                          prompt="実施済 または 実施予定 を選んでください（実績報告書では実施済のものだけが要件に数えられます）。",
                          error="状況は 実施済 か 実施予定 を選んでください。")
        styles.validation(ws, f"{layout.INI_COL_DETAIL}{a}:{layout.INI_COL_DETAIL}{b}", kind="textLength",
                          operator="lessThanOrEqual", formula1="1000", stop=False,
                          prompt="いつ、だれが、何をするか（したか）を具体的に記入してください。",
                          error="内容は1,000字以内にしてください。")
    styles.validation(ws, f"{layout.INI_COL_CODE}{extra0}:{layout.INI_COL_CODE}{extra1}", kind="list",
                      formula1=lists.range("code", lists.n_codes),
                      prompt="職場環境等要件の番号（①〜㉘）を選んでください。⑰＝（イ）、⑱＝（ア）、㉓＝（ウ）に当たります。",
                      error="番号は ①〜㉘ から選んでください。")
    styles.widths(ws, A=8, B=44, C=11, D=58)
    ws.freeze_panes = "A6"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:D{extra1}")
