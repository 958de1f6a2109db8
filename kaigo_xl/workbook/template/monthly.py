"""月別職員数: twelve months of FTE and 特定施設 FTE (direct entry), or the roster's results, and 対象職員数."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists


def build_monthly(ws: Worksheet, lists: Lists) -> None:
    r0, r1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]
    styles.title(ws, "月別職員数（常勤換算）")
    styles.text(ws, "F1", f'={F.fiscal_year_label()}&"　"&IF(KX_FACILITY_TYPE="軽費","軽費老人ホーム",'
                f'IF(KX_FACILITY_TYPE="養護","養護老人ホーム",""))', bold=True)
    styles.text(ws, "A2", "各月の支援員（養護）または介護職員（軽費）の常勤換算数と、そのうち特定施設入居者生活介護を担当する"
                "職員の常勤換算数を入力します（別添1 2(2)ア）。職員がいない月は 0 を入力してください。", small=True, wrap=True)
    ws.merge_cells("A2:H2")
    ws.row_dimensions[2].height = 26
    styles.text(ws, "A3", "入力方法", bold=True)
    method = layout.INPUT_METHOD_CELL
    styles.input_cell(ws, method)
    styles.validation(ws, method, kind="list", formula1=lists.range("method"), allow_blank=False,
                      prompt="直接入力: C列・D列に常勤換算数を入力します。\n勤務形態一覧: 「勤務形態一覧」シートの勤務時間から計算します。",
                      error="直接入力 か 勤務形態一覧 を選んでください。")
    styles.text(ws, "D3", "「勤務形態一覧」を選ぶと、E列・F列（勤務時間からの計算）を使います。", small=True)
    counted = 'IF(KX_FACILITY_TYPE="軽費","介護職員","支援員")'
    styles.header(ws, 5, {"A": "年月", "B": "月", "C": "", "D": "うち特定施設を担当（常勤換算）",
                          "E": "勤務形態一覧からの職員数", "F": "勤務形態一覧からの特定施設担当",
                          "G": "対象職員数", "H": "確認"})
    ws["C5"] = f'={counted}&"の常勤換算数"'
    hidden = {layout.COL_EFF_FTE: "判定用 職員数", layout.COL_EFF_TOKUTEI: "判定用 特定施設"}  # hidden columns
    styles.header(ws, 5, hidden)
    eff = f"${layout.EFFECTIVE_METHOD_CELL[0]}${layout.EFFECTIVE_METHOD_CELL[1:]}"
    styles.result_cell(ws, layout.EFFECTIVE_METHOD_CELL, effective_method_formula(), fill=None)
    roster_method = f'{eff}="{layout.INPUT_METHODS[1]}"'
    direct_method = f'{eff}="{layout.INPUT_METHODS[0]}"'
    fte_max = F.setting("fte_max")
    for month, row in layout.MONTH_ROW.items():
        sochi_col, _ = layout.roster_cols(month)
        rc = get_column_letter(sochi_col)
        year = F.calendar_year(f"B{row}")
        styles.result_cell(ws, f"A{row}", f'=IF(ISNUMBER(KX_FISCAL_YEAR),{F.wareki_month(year, f"B{row}")},"")',
                           fill=None)
        styles.result_cell(ws, f"B{row}", month, '0"月"', fill=None)
        for col in (layout.COL_FTE, layout.COL_TOKUTEI):
            styles.input_cell(ws, f"{col}{row}", styles.FTE)
        r_sochi = F.ref(layout.S_ROSTER, f"{rc}{layout.ROSTER_SUMMARY_ROWS['sochi']}")
        r_tok = F.ref(layout.S_ROSTER, f"{rc}{layout.ROSTER_SUMMARY_ROWS['tokutei']}")
        # ROUND(…,10) removes the binary noise of a float subtraction (10.8−2.1 = 8.700000000000001), so the cell
        # holds the same number as the engine's exact Decimal; FTEs never have ten decimals.
        styles.result_cell(ws, f"{layout.COL_ROSTER_FTE}{row}", f"=ROUND({r_sochi}+{r_tok},10)", styles.FTE)
        styles.result_cell(ws, f"{layout.COL_ROSTER_TOKUTEI}{row}", f"={r_tok}", styles.FTE)
        e, f_ = f"{layout.COL_ROSTER_FTE}{row}", f"{layout.COL_ROSTER_TOKUTEI}{row}"
        for col in (layout.COL_FTE, layout.COL_TOKUTEI):
            styles.hidden_helpers(ws, F.num_helpers(layout.S_MONTHLY, f"{col}{row}", "fte"))
        # the typed 職員数 and 特定施設 as numbers ("" when blank, text when the reader would refuse them)
        c, d = (F.num_cells(layout.S_MONTHLY, f"{col}{row}")[-1] for col in (layout.COL_FTE, layout.COL_TOKUTEI))
        i, j = f"{layout.COL_EFF_FTE}{row}", f"{layout.COL_EFF_TOKUTEI}{row}"
        # I/J: the month as the reader hands it to the engine. A blank or unreadable 職員数, or an unreadable
        # 特定施設, leaves the month out (MONTH_MISSING); a blank 特定施設 is 0.
        readable = f'AND(ISNUMBER({c}),OR({d}="",ISNUMBER({d})))'
        styles.result_cell(ws, i, f'=IF({roster_method},{e},IF(AND({direct_method},{readable}),{c},""))', fill=None)
        styles.result_cell(ws, j, f'=IF({i}="","",IF({roster_method},{f_},N({d})))', fill=None)
        styles.result_cell(ws, f"{layout.COL_TARGET}{row}",
                           f'=IF({roster_method},ROUND({e}-{f_},10),IF(ISNUMBER({i}),ROUND({c}-N({d}),10),""))',
                           styles.FTE, bold=True)
        styles.result_cell(
            ws, f"{layout.COL_MONTH_STATUS}{row}",
            f'=IF({roster_method},"",IF(NOT({direct_method}),"勤務形態一覧に職員がいません",IF({c}="","未入力",'
            f'IF(NOT({readable}),"数値ではありません",IF(OR({c}<0,N({d})<0),"負の値です",IF({c}>{fte_max},"大きすぎます",'
            f'IF(N({d})>{c},"特定施設が全体を上回ります","")))))))', fill=None)
    styles.red_when_nonblank(ws, f"{layout.COL_MONTH_STATUS}{r0}:{layout.COL_MONTH_STATUS}{r1}",
                       f"{layout.COL_MONTH_STATUS}{r0}")
    styles.validation(ws, f"{layout.COL_FTE}{r0}:{layout.COL_TOKUTEI}{r1}", kind="decimal", operator="between",
                      formula1="0", formula2=fte_max,
                      prompt="常勤換算数を小数第1位まで入力してください（例: 10.5）。職員がいない月は 0。",
                      error="常勤換算数は 0 以上の数で入力してください（人数や時間数ではありません）。")
    tr, ar = layout.MONTHLY_TOTAL_ROW, layout.MONTHLY_AVERAGE_ROW
    styles.text(ws, f"A{tr}", "合計", bold=True)
    for col in "CDEFG":
        cells = F.num_value_range(layout.S_MONTHLY, col, r0, r1) if col in "CD" else f"{col}{r0}:{col}{r1}"
        styles.result_cell(ws, f"{col}{tr}", f"=SUM({cells})", styles.FTE, bold=col == "G")
    styles.text(ws, f"A{ar}", "月平均", bold=True)
    styles.result_cell(ws, f"D{ar}", '="（合計÷"&KX_DIVISOR&"）"', fill=None)
    styles.result_cell(ws, f"G{ar}", "=KX_AVERAGE_FTE", styles.AVERAGE, bold=True)
    styles.text(ws, f"A{ar + 2}", "対象職員数 ＝ 職員数 − 特定施設を担当する職員数。12か月の合計を12で除して月平均とし、"
                "月平均 × 54,000円 が加算総額です（計算シート）。", small=True)
    for col in (layout.COL_EFF_FTE, layout.COL_EFF_TOKUTEI):
        ws.column_dimensions[col].hidden = True
    styles.widths(ws, A=14, B=6, C=15, D=15, E=14, F=14, G=12, H=20)
    ws.row_dimensions[5].height = 42
    ws.freeze_panes = f"C{r0}"
    styles.protect(ws)
    styles.page_a4(ws, print_area=f"A1:H{ar + 2}")


def effective_method_formula() -> str:
    """The input method as the reader applies it: the chosen one (a blank choice guesses: roster when only the
    roster has entries), and 勤務形態一覧 with no counted-or-not staff row (job and pattern) means no months."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    sh = f"'{layout.S_ROSTER}'!"
    jobs = f"{sh}${layout.ROSTER_COL_JOB}${r0}:${layout.ROSTER_COL_JOB}${r1}"
    patterns = f"{sh}${layout.ROSTER_COL_PATTERN}${r0}:${layout.ROSTER_COL_PATTERN}${r1}"
    direct, roster = layout.INPUT_METHODS
    chosen = (f'IF(OR(KX_INPUT_METHOD="{direct}",KX_INPUT_METHOD="{roster}"),KX_INPUT_METHOD,'
              f'IF(AND(SUMPRODUCT(--(TRIM({jobs})<>""))>0,SUMPRODUCT(--(TRIM(KX_FTE)<>""))'
              f'+SUMPRODUCT(--(TRIM(KX_TOKUTEI_FTE)<>""))=0),"{roster}","{direct}"))')
    valid = "+".join(f'({patterns}="{p}")' for p in layout.ROSTER_PATTERNS)
    staff = f'SUMPRODUCT((TRIM({jobs})<>"")*({valid}))'
    return f'=IF({chosen}="{roster}",IF({staff}>0,"{roster}","{roster}（職員なし）"),"{direct}")'
