"""月別職員数: the 見込み (plan) and the 実績 (actual) of each month side by side, and their 対象職員数.

The 見込み are typed (C, D). The 実績 are typed (E, F) or, with the input method 勤務形態一覧, come from the roster
(I, J). Hidden columns hold each month as the reader hands it to the engine (L–Q) and the typed-text helpers (R–AG).
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists

PLAN, REPORT = tuple(layout.PHASE_VALUES)  # 計画書, 実績報告書
_EFF = F.ref(layout.S_MONTHLY, layout.EFFECTIVE_METHOD_CELL)  # usable from any sheet
ROSTER_METHOD = f'({_EFF}="{layout.INPUT_METHODS[1]}")'
DIRECT_METHOD = f'({_EFF}="{layout.INPUT_METHODS[0]}")'
IS_PLAN = f'(KX_PHASE="{PLAN}")'


def value(col: str, row: int) -> str:
    """The value helper of an input cell of this sheet (the number the reader reads, "" or NOT_A_NUMBER)."""
    return F.num_cells(layout.S_MONTHLY, f"{col}{row}")[-1]


def sides(row: int) -> dict[str, tuple[str, str, str]]:
    """plan / actual → (職員数, 特定施設, whether this side is the document's) of the month in `row`."""
    return {"plan": (value(layout.COL_FTE, row), value(layout.COL_TOKUTEI, row), IS_PLAN),
            "actual": (value(layout.COL_ACTUAL_FTE, row), value(layout.COL_ACTUAL_TOKUTEI, row),
                       f"AND(NOT({IS_PLAN}),{DIRECT_METHOD})")}


def build_monthly(ws: Worksheet, lists: Lists) -> None:
    r0, r1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]
    styles.title(ws, "月別職員数（常勤換算）")
    styles.text(ws, "H1", f'={F.fiscal_year_label()}&"　"&IF(KX_FACILITY_TYPE="軽費","軽費老人ホーム",'
                f'IF(KX_FACILITY_TYPE="養護","養護老人ホーム",""))', bold=True)
    styles.text(ws, "A2", "各月の支援員（養護）または介護職員（軽費）の常勤換算数と、そのうち特定施設入居者生活介護を担当する"
                "職員の常勤換算数を入力します（別添1 2(2)ア）。計画書には「見込み」、実績報告書には「実績」を使います。"
                "職員がいない月は 0 を入力してください。", small=True, wrap=True)
    ws.merge_cells("A2:K2")
    ws.row_dimensions[2].height = 28
    styles.text(ws, "A3", "実績の入力方法", bold=True)
    ws.merge_cells("A3:B3")
    method = layout.INPUT_METHOD_CELL
    styles.input_cell(ws, method)
    styles.validation(ws, method, kind="list", formula1=lists.range("method"), allow_blank=False,
                      prompt="直接入力: E列・F列に実績の常勤換算数を入力します。\n勤務形態一覧: 「勤務形態一覧」シートの勤務時間"
                      "から実績を計算します（I列・J列）。", error="直接入力 か 勤務形態一覧 を選んでください。")
    styles.text(ws, "D3", "見込みは C・D 列に入力します。実績は E・F 列に入力するか、「勤務形態一覧」を選んで勤務時間から"
                "計算します（I・J 列）。", small=True, wrap=True)
    ws["D3"].alignment = styles.MIDDLE_WRAP
    ws.merge_cells("D3:K3")
    ws.row_dimensions[3].height = 28
    _headings(ws)
    styles.result_cell(ws, layout.EFFECTIVE_METHOD_CELL, effective_method_formula(), fill=None)
    for month, row in layout.MONTH_ROW.items():
        _month_row(ws, month, row)
    styles.red_when_nonblank(ws, f"{layout.COL_MONTH_STATUS}{r0}:{layout.COL_MONTH_STATUS}{r1}",
                             f"{layout.COL_MONTH_STATUS}{r0}")
    _red_inputs(ws)
    styles.validation(ws, f"{layout.COL_FTE}{r0}:{layout.COL_ACTUAL_TOKUTEI}{r1}", kind="decimal", operator="between",
                      formula1="0", formula2=F.setting("fte_max"),
                      prompt="常勤換算数を小数第1位まで入力してください（例: 10.5）。職員がいない月は 0。",
                      error="常勤換算数は 0 以上の数で入力してください（人数や時間数ではありません）。")
    _totals(ws)
    hidden = (layout.COL_PLAN_FTE, layout.COL_PLAN_TOKUTEI, layout.COL_REAL_FTE, layout.COL_REAL_TOKUTEI,
              layout.COL_EFF_FTE, layout.COL_EFF_TOKUTEI, layout.COL_EFF_UNREAD, layout.COL_EFF_MISSING,
              layout.COL_EFF_FINE)
    for col in hidden:
        ws.column_dimensions[col].hidden = True
    styles.widths(ws, A=13, B=5, C=12, D=12, E=12, F=12, G=10, H=10, I=11, J=11, K=42)
    ws.freeze_panes = f"C{r0}"
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:{layout.COL_MONTH_STATUS}{layout.MONTHLY_AVERAGE_ROW + 2}")


def _headings(ws: Worksheet) -> None:
    styles.header(ws, 4, {"C": "見込み（計画書）", "D": None, "E": "実績（実績報告書）", "F": None, "G": "対象職員数",
                          "H": None, "I": "勤務形態一覧からの実績", "J": None})
    for pair in ("C4:D4", "E4:F4", "G4:H4", "I4:J4"):
        ws.merge_cells(pair)
    counted = 'IF(KX_FACILITY_TYPE="軽費","介護職員","支援員")'
    styles.header(ws, 5, {"A": "年月", "B": "月", "C": "", "D": "うち特定施設担当", "E": "", "F": "うち特定施設担当",
                          "G": "見込み", "H": "実績", "I": "職員数", "J": "うち特定施設", "K": "確認（この書類の数値）"})
    for col in ("C", "E"):
        ws[f"{col}5"] = f'={counted}&"（常勤換算）"'
    for col in ("A", "B", "K"):
        ws.merge_cells(f"{col}4:{col}5")
    styles.header(ws, 5, {layout.COL_PLAN_FTE: "判定用 見込み", layout.COL_PLAN_TOKUTEI: "判定用 見込み特定",
                          layout.COL_REAL_FTE: "判定用 実績", layout.COL_REAL_TOKUTEI: "判定用 実績特定",
                          layout.COL_EFF_FTE: "判定用 書類", layout.COL_EFF_TOKUTEI: "判定用 書類特定"})
    ws.row_dimensions[5].height = 32


def _month_row(ws: Worksheet, month: int, row: int) -> None:
    rc = get_column_letter(layout.roster_cols(month)[0])
    year = F.calendar_year(f"B{row}")
    styles.result_cell(ws, f"A{row}", f'=IF(ISNUMBER(KX_FISCAL_YEAR),{F.wareki_month(year, f"B{row}")},"")', fill=None)
    styles.result_cell(ws, f"B{row}", month, '0"月"', fill=None)
    for col in (layout.COL_FTE, layout.COL_TOKUTEI, layout.COL_ACTUAL_FTE, layout.COL_ACTUAL_TOKUTEI):
        styles.input_cell(ws, f"{col}{row}", styles.FTE)
        styles.hidden_helpers(ws, F.num_helpers(layout.S_MONTHLY, f"{col}{row}", "fte"))
    r_sochi = F.ref(layout.S_ROSTER, f"{rc}{layout.ROSTER_SUMMARY_ROWS['sochi']}")
    r_tok = F.ref(layout.S_ROSTER, f"{rc}{layout.ROSTER_SUMMARY_ROWS['tokutei']}")
    # ROUND(…,10) removes the binary noise of a float subtraction (10.8−2.1 = 8.700000000000001), so the cell
    # holds the same number as the engine's exact Decimal; FTEs never have ten decimals. A roster month with hours
    # typed as text is blank (the reader reports those cells and leaves the month out).
    i, j = f"{layout.COL_ROSTER_FTE}{row}", f"{layout.COL_ROSTER_TOKUTEI}{row}"
    styles.result_cell(ws, i, f'=IF(OR({r_sochi}="",{r_tok}=""),"",ROUND({r_sochi}+{r_tok},10))', styles.FTE)
    styles.result_cell(ws, j, f'=IF({i}="","",{r_tok})', styles.FTE)
    s = sides(row)
    plan_fte, plan_tok = f"{layout.COL_PLAN_FTE}{row}", f"{layout.COL_PLAN_TOKUTEI}{row}"
    real_fte, real_tok = f"{layout.COL_REAL_FTE}{row}", f"{layout.COL_REAL_TOKUTEI}{row}"
    # a month the reader hands on: 職員数 a number and 特定施設 blank (= 0) or a number; otherwise it is left out
    c, d, _ = s["plan"]
    e, f, _ = s["actual"]
    styles.result_cell(ws, plan_fte, f'=IF(AND(ISNUMBER({c}),OR({d}="",ISNUMBER({d}))),{c},"")', fill=None)
    styles.result_cell(ws, plan_tok, f'=IF({plan_fte}="","",N({d}))', fill=None)
    styles.result_cell(ws, real_fte, f'=IF({ROSTER_METHOD},{i},IF(AND({DIRECT_METHOD},ISNUMBER({e}),'
                       f'OR({f}="",ISNUMBER({f}))),{e},""))', fill=None)
    styles.result_cell(ws, real_tok, f'=IF({real_fte}="","",IF({ROSTER_METHOD},{j},N({f})))', fill=None)
    styles.result_cell(ws, f"{layout.COL_EFF_FTE}{row}", f"=IF({IS_PLAN},{plan_fte},{real_fte})", fill=None)
    styles.result_cell(ws, f"{layout.COL_EFF_TOKUTEI}{row}", f"=IF({IS_PLAN},{plan_tok},{real_tok})", fill=None)
    styles.result_cell(ws, f"{layout.COL_TARGET}{row}", f'=IF({plan_fte}="","",ROUND({plan_fte}-{plan_tok},10))',
                       styles.FTE, bold=True)
    styles.result_cell(ws, f"{layout.COL_ACTUAL_TARGET}{row}", f'=IF({real_fte}="","",ROUND({real_fte}-{real_tok},10))',
                       styles.FTE, bold=True)
    styles.result_cell(ws, f"{layout.COL_MONTH_STATUS}{row}", status_formula(row), fill=None)
    _flags(ws, row)


def doc_columns() -> tuple[str, str]:
    """The column numbers where findings about the document's figures point: 見込み C/D, 実績 E/F, or the roster's
    results I/J."""
    def num(col: str) -> int:
        return ord(col) - 64

    return (f"IF({IS_PLAN},{num(layout.COL_FTE)},IF({ROSTER_METHOD},{num(layout.COL_ROSTER_FTE)},"
            f"{num(layout.COL_ACTUAL_FTE)}))",
            f"IF({IS_PLAN},{num(layout.COL_TOKUTEI)},IF({ROSTER_METHOD},{num(layout.COL_ROSTER_TOKUTEI)},"
            f"{num(layout.COL_ACTUAL_TOKUTEI)}))")


def _flags(ws: Worksheet, row: int) -> None:
    """Hidden flags of the document's month: unreadable, missing, the first figure finer than tenths."""
    s = sides(row)
    unread = (f"IF({IS_PLAN},OR({F.unreadable(s['plan'][0])},{F.unreadable(s['plan'][1])}),"
              f"IF({DIRECT_METHOD},OR({F.unreadable(s['actual'][0])},{F.unreadable(s['actual'][1])}),"
              f'IF({ROSTER_METHOD},{layout.COL_ROSTER_FTE}{row}="",FALSE)))')
    flag = f"{layout.COL_EFF_UNREAD}{row}"
    styles.result_cell(ws, flag, f"=IF({unread},1,0)", fill=None)
    eff, tok = f"{layout.COL_EFF_FTE}{row}", f"{layout.COL_EFF_TOKUTEI}{row}"
    styles.result_cell(ws, f"{layout.COL_EFF_MISSING}{row}", f'=IF(AND({eff}="",{flag}=0),1,0)', fill=None)
    fte_col, tok_col = doc_columns()
    styles.result_cell(ws, f"{layout.COL_EFF_FINE}{row}",
                       f"=IF({ROSTER_METHOD}*NOT({IS_PLAN}),0,IF({F.finer_than_tenths(eff)},{fte_col},"
                       f"IF({F.finer_than_tenths(tok)},{tok_col},0)))", fill=None)


def status_formula(row: int) -> str:
    """What is wrong with the month's figures of the document (見込み for a 計画書, 実績 for a 実績報告書)."""
    fte_max = F.setting("fte_max")

    def problems(fte: str, tok: str) -> str:
        return (f'IF(OR({F.unreadable(fte)},{F.unreadable(tok)}),"数値ではありません",IF({fte}="","未入力",'
                f'IF(OR({fte}<0,N({tok})<0),"負の値です",IF({fte}>{fte_max},"大きすぎます",'
                f'IF(N({tok})>{fte},"特定施設が全体を上回ります",IF(OR({F.finer_than_tenths(fte)},'
                f'{F.finer_than_tenths(tok)}),"小数第2位以下あり（入力どおり計算）",""))))))')

    s = sides(row)
    roster = (f'IF({layout.COL_ROSTER_FTE}{row}="","勤務形態一覧の時間に文字があります",'
              f'IF({layout.COL_ROSTER_FTE}{row}>{fte_max},"大きすぎます",""))')
    plan = problems(*s["plan"][:2])
    actual = f'IF({ROSTER_METHOD},{roster},IF({DIRECT_METHOD},{problems(*s["actual"][:2])},"勤務形態一覧に職員がいません"))'
    return (f'=IF({IS_PLAN},IF({plan}="","","見込み: "&{plan}),'
            f'IF({actual}="","","実績: "&{actual}))')


def bad_fte(fte: str) -> str:
    """The 職員数 cell of a document's month is what a finding points at: blank, unreadable, negative, too large,
    finer than tenths (each an engine or reader finding at this cell)."""
    return (f'OR({fte}="",{F.unreadable(fte)},AND(ISNUMBER({fte}),OR(N({fte})<0,N({fte})>{F.setting("fte_max")})),'
            f"{F.finer_than_tenths(fte)})")


def bad_tokutei(fte: str, tok: str) -> str:
    """The 特定施設 cell: unreadable, negative, above the 職員数, finer than tenths, or staff on a facility that is
    not designated."""
    designated = F.facility("facility.tokutei_designated")
    return (f'OR({F.unreadable(tok)},AND(ISNUMBER({tok}),OR(N({tok})<0,AND(ISNUMBER({fte}),N({fte})>=0,N({tok})>N({fte})),'
            f'AND(N({tok})>0,TRIM({designated})="なし"))),{F.finer_than_tenths(tok)})')


def _red_inputs(ws: Worksheet) -> None:
    """The input cells a finding points at turn red (as 使い方 says): those of the document's side only."""
    r0, r1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]
    s = sides(r0)
    for side, (fte_col, tok_col) in {"plan": (layout.COL_FTE, layout.COL_TOKUTEI),
                                     "actual": (layout.COL_ACTUAL_FTE, layout.COL_ACTUAL_TOKUTEI)}.items():
        fte, tok, mine = s[side]
        rel_fte, rel_tok = fte.replace("$", ""), tok.replace("$", "")
        for col, cond in ((fte_col, bad_fte(rel_fte)), (tok_col, bad_tokutei(rel_fte, rel_tok))):
            ws.conditional_formatting.add(f"{col}{r0}:{col}{r1}", FormulaRule(
                formula=[f"AND({mine},{cond})"], fill=styles.ERROR, font=styles.RED_BOLD))


def _totals(ws: Worksheet) -> None:
    r0, r1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]
    tr, ar = layout.MONTHLY_TOTAL_ROW, layout.MONTHLY_AVERAGE_ROW
    styles.text(ws, f"A{tr}", "合計", bold=True)
    typed = (layout.COL_FTE, layout.COL_TOKUTEI, layout.COL_ACTUAL_FTE, layout.COL_ACTUAL_TOKUTEI)
    for col in (*typed, layout.COL_TARGET, layout.COL_ACTUAL_TARGET, layout.COL_ROSTER_FTE, layout.COL_ROSTER_TOKUTEI):
        cells = F.num_value_range(layout.S_MONTHLY, col, r0, r1) if col in typed else f"{col}{r0}:{col}{r1}"
        styles.result_cell(ws, f"{col}{tr}", f"=SUM({cells})", styles.FTE,
                           bold=col in (layout.COL_TARGET, layout.COL_ACTUAL_TARGET))
    styles.text(ws, f"A{ar}", "月平均", bold=True)
    styles.result_cell(ws, f"E{ar}", '="（合計÷"&KX_DIVISOR&"）"', fill=None)
    styles.result_cell(ws, f"{layout.COL_TARGET}{ar}", "=KX_AVERAGE_FTE", styles.AVERAGE, bold=True)
    styles.result_cell(ws, f"{layout.COL_ACTUAL_TARGET}{ar}", "=KX_ACTUAL_AVERAGE_FTE", styles.AVERAGE, bold=True)
    styles.text(ws, f"A{ar + 2}", "対象職員数 ＝ 職員数 − 特定施設を担当する職員数。12か月の合計を12で除して月平均とし、"
                "月平均 × 単価（令和7年度 54,000円）が加算総額です（計算シート）。見込みの加算総額で支払予定を、実績の加算総額で"
                "精算（返還見込額）を計算します。", small=True, wrap=True)
    ws.merge_cells(f"A{ar + 2}:K{ar + 2}")
    ws.row_dimensions[ar + 2].height = 26


def effective_method_formula() -> str:
    """The input method of the 実績 as the reader applies it: the chosen one (a blank choice guesses: roster when
    only the roster has entries), and 勤務形態一覧 with no counted-or-not staff row (job and pattern) means no
    months."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    sh = f"'{layout.S_ROSTER}'!"
    jobs = f"{sh}${layout.ROSTER_COL_JOB}${r0}:${layout.ROSTER_COL_JOB}${r1}"
    patterns = f"{sh}${layout.ROSTER_COL_PATTERN_READ}${r0}:${layout.ROSTER_COL_PATTERN_READ}${r1}"
    direct, roster = layout.INPUT_METHODS
    squeezed = F.squeeze("KX_INPUT_METHOD")
    chosen = (f'IF({squeezed}={F.squeeze(F.text(direct))},"{direct}",IF({squeezed}={F.squeeze(F.text(roster))},'
              f'"{roster}",IF(AND(SUMPRODUCT(--(TRIM({jobs})<>""))>0,SUMPRODUCT(--(TRIM(KX_ACTUAL_FTE)<>""))'
              f'+SUMPRODUCT(--(TRIM(KX_ACTUAL_TOKUTEI_FTE)<>""))=0),"{roster}","{direct}")))')
    staff = f'SUMPRODUCT((TRIM({jobs})<>"")*({patterns}<>""))'
    return f'=IF({chosen}="{roster}",IF({staff}>0,"{roster}","{roster}（職員なし）"),"{direct}")'
