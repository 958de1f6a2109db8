"""計算 and チェック: the engine's results and findings as native formulas.

計算 mirrors kaigo_xl.rules.kasan (average, 加算総額), rules.payments (schedule), rules.settlement (返還見込額) and
rules.deadlines; チェック has one row per engine finding code with ○/× and a Japanese reason, as the MHLW forms'
check cells do. The LibreOffice cross-check test (tests/test_crosscheck.py) holds both to the engine's results.
"""

from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists

C = layout.CALC_CELLS
M0, M1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]


def _monthly_range(col: str) -> str:
    return f"'{layout.S_MONTHLY}'!${col}${M0}:${col}${M1}"


def exp_range(col: str) -> str:
    return f"'{layout.S_EXPENSES}'!${col}${layout.EXPENSE_ROWS[0]}:${col}${layout.EXPENSE_ROWS[-1]}"


def amounts(col: str) -> str:
    """The spending amounts of column `col` (計画額 C, 実績額 D) as the reader reads them (typed text included)."""
    return F.num_value_range(layout.S_EXPENSES, col, layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1])


def facility_number(key: str) -> str:
    """A number cell of 施設情報 as the reader reads it (typed text included)."""
    return F.num_value_ref(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell)


EFF_FTE, EFF_TOK = _monthly_range(layout.COL_EFF_FTE), _monthly_range(layout.COL_EFF_TOKUTEI)
INSTALLMENTS, FIRST_MONTH = facility_number("payment.installments"), facility_number("payment.first_month")
PLAN, REPORT = tuple(layout.PHASE_VALUES)  # 計画書, 実績報告書


def _c(key: str) -> str:
    return f"${C[key][0]}${C[key][1:]}"


# ---------------------------------------------------------------- 計算


def monthly_errors_formula() -> str:
    """How many errors the engine's _kasan would report (missing, negative, too large, 特定施設 above total).

    While there is one, the engine computes no total (result None), and neither does the sheet.
    """
    exceeds = (f"IFERROR(SUMPRODUCT(ISNUMBER({EFF_FTE})*ISNUMBER({EFF_TOK})*({EFF_TOK}>=0)*({EFF_FTE}>=0)"
               f"*({EFF_TOK}>{EFF_FTE})),1)")
    return (f'=(12-COUNT({EFF_FTE}))+COUNTIF({EFF_FTE},"<0")+COUNTIF({EFF_TOK},"<0")'
            f'+COUNTIF({EFF_FTE},">"&{F.setting("fte_max")})+{exceeds}')


def annual_formula() -> str:
    """加算総額 = 月平均 × 単価, computed as SUM × rate ÷ divisor with the policy's yen rounding.

    The inner ROUND(…,6) removes binary float noise before the yen rounding: the twelve monthly values are doubles,
    so their sum can be 104.99999999999999 instead of 105, and ROUNDDOWN would then lose a whole yen. The exact
    value sum × rate ÷ divisor has at most the decimals of 1/divisor (≥ 1/12 apart from an integer when the
    months have one decimal), so rounding to 6 places never moves a true fraction across a whole yen.
    """
    exact = "ROUND(SUM(KX_TARGET_FTE)*KX_RATE_YEN/KX_DIVISOR,6)"
    mode = F.setting("yen_rounding")
    return (f'=IF({_c("monthly_errors")}>0,"",IF({mode}="四捨五入",ROUND({exact},0),'
            f'IF({mode}="切り上げ",ROUNDUP({exact},0),ROUNDDOWN({exact},0))))')


def payment_formula(index: int) -> str:
    """Installment k (0-based) of N from the first month: floor(total ÷ N), the remainder on the last (Q1)."""
    n, total = INSTALLMENTS, _c("annual")
    k = f"({index}-MOD({FIRST_MONTH}-4,12))"
    return (f'=IF(OR({_c("monthly_errors")}>0,{_c("payment_invalid")}=1),"",IF(AND({k}>=0,{k}<{n}),'
            f'IF({k}={n}-1,{total}-INT({total}/{n})*({n}-1),INT({total}/{n})),0))')


def payment_invalid_formula() -> str:
    n, f = INSTALLMENTS, FIRST_MONTH
    return (f"=IF(AND(ISNUMBER({f}),ISNUMBER({n})),IF(AND({f}>=1,{f}<=12,{f}=INT({f}),{n}>=1,{n}<=12,{n}=INT({n})),"
            f"IF({n}<=12-MOD({f}-4,12),0,1),1),1)")


def has_actual() -> str:
    """rules/engine: actual spending exists when a row with a known category has an actual amount."""
    canon = exp_range(layout.EXP_COL_CANONICAL)
    return f'SUMPRODUCT(({canon}<>"")*({canon}<>"不明")*ISNUMBER({amounts(layout.EXP_COL_ACTUAL)}))>0'


def _allowed_sum(col: str) -> str:
    """Allowed spending as the engine sums it: each line clamped to 0 … yen_max (policy), allowed categories only."""
    values, allowed, cap = amounts(col), exp_range(layout.EXP_COL_ALLOWED), F.setting("yen_max")
    return (f'=SUMIFS({values},{allowed},1,{values},">0",{values},"<="&{cap})'
            f'+{cap}*COUNTIFS({allowed},1,{values},">"&{cap})')


def build_calc(ws: Worksheet, monthly_ws: Worksheet, lists: Lists) -> None:
    styles.title(ws, "計算（加算総額・支払予定・返還見込額）")
    styles.text(ws, "E1", f"={F.fiscal_year_label()}", bold=True)
    styles.text(ws, "A2", "このシートは入力不要です。月別職員数・経費・施設情報から自動で計算します（別添1 2(2)、Q1）。",
                small=True)
    styles.header(ws, 3, {"B": "項目", "C": "値", "D": "説明"})
    phase_cell = F.facility("phase")
    received = facility_number("received_yen")
    rows = {
        "target_sum": ("対象職員数（12か月の合計）", "=SUM(KX_TARGET_FTE)", "0.0#", "月別職員数シートの対象職員数の合計"),
        "average": ("対象職員数（月平均）", f'=IF({_c("monthly_errors")}>0,"",SUM(KX_TARGET_FTE)/KX_DIVISOR)',
                    styles.AVERAGE, "合計 ÷ 12（端数処理をしません。表示は小数第2位まで）"),
        "annual": ("加算総額（年間）", annual_formula(), styles.YEN, "月平均 × 54,000円（1円未満が出たときは設定シートの処理）"),
        "monthly_rate": ("1人1か月当たりの額", "=KX_RATE_YEN/12", styles.YEN, "Q1: 12か月なら4,500円、6か月なら9,000円"),
        "phase": ("作成する書類", f'=IF(TRIM({phase_cell})<>"",TRIM({phase_cell}),IF(SUMPRODUCT(('
                  f'{exp_range(layout.EXP_COL_CATEGORY)}<>"")*ISNUMBER({amounts(layout.EXP_COL_ACTUAL)}))>0,'
                  f'"{REPORT}","{PLAN}"))', None, "施設情報の選択（空欄なら、経費の実績額があれば実績報告書）"),
        "payment_total": ("支払額の合計", f'=IF(COUNT(C{layout.CALC_PAYMENT_ROWS[0]}:C{layout.CALC_PAYMENT_ROWS[-1]})=0,'
                          f'"",SUM(C{layout.CALC_PAYMENT_ROWS[0]}:C{layout.CALC_PAYMENT_ROWS[-1]}))', styles.YEN,
                          "加算総額と一致します"),
        "planned_total": ("経費の計画額（合計）", f"=SUM({amounts(layout.EXP_COL_PLANNED)})", styles.YEN, ""),
        "planned_allowed": ("うち対象経費（人件費・職場環境改善経費）", _allowed_sum(layout.EXP_COL_PLANNED), styles.YEN,
                            "別添1 2(3)イ"),
        "actual_total": ("経費の実績額（合計）", f"=SUM({amounts(layout.EXP_COL_ACTUAL)})", styles.YEN, ""),
        "actual_allowed": ("うち対象経費（実績）", _allowed_sum(layout.EXP_COL_ACTUAL), styles.YEN, ""),
        "received": ("受領額", f'=IF(ISNUMBER({received}),{received},{_c("annual")})', styles.YEN,
                     "施設情報の受領済みの額（空欄なら加算総額を受領したものとします）"),
        "refund": ("返還見込額",
                   f'=IF(OR({_c("annual")}="",NOT({has_actual()})),"",IF({F.setting("refund_enabled")}=1,'
                   f'MAX(0,{_c("received")}-MIN(IF({F.setting("refund_includes_overpayment")}=1,'
                   f'MIN({_c("received")},{_c("annual")}),{_c("received")}),{_c("actual_allowed")})),0))',
                   styles.YEN, "受領額 −（受領額・実績の加算総額・対象経費の実績のうち最も小さい額）。実績額の入力後に表示"),
        "additional": ("追加支弁見込額", f'=IF(OR({_c("annual")}="",NOT({has_actual()})),"",'
                       f'MAX(0,{_c("annual")}-{_c("received")}))', styles.YEN, "実績の加算総額が受領額を上回る額"),
        "report_due": ("実績報告書の提出期限",
                       f'=IF(ISNUMBER(KX_FISCAL_YEAR),IF({F.setting("report_due_next_business_day")}=1,'
                       f'WORKDAY(DATE(KX_FISCAL_YEAR+1,4,30)-1,1,{lists.range("holiday")}),'
                       f'DATE(KX_FISCAL_YEAR+1,4,30)),"")', styles.DATE, ""),
        "monthly_errors": ("月別職員数の入力誤り（件）", monthly_errors_formula(), "0",
                           "0 でないときは加算総額を計算しません（チェックシート参照）"),
        "payment_invalid": ("支払計画の誤り（1＝あり）", payment_invalid_formula(), "0", "支払回数・初回の月"),
        "fiscal_year_label": ("年度", f"={F.fiscal_year_label()}", None, ""),
    }
    for key, (label, formula, fmt, note) in rows.items():
        ref = C[key]
        row = int(ref[1:])
        styles.text(ws, f"B{row}", label, bold=key in ("average", "annual", "refund"))
        ws[f"B{row}"].border = styles.BOX
        styles.result_cell(ws, ref, formula, fmt, bold=key in ("average", "annual", "refund"))
        if key != "report_due":
            styles.text(ws, f"D{row}", note, small=True)
    styles.result_cell(ws, C["report_due_wareki"], "=" + F.wareki_date(_c("report_due")), fill=None, bold=True)
    # say why a result is blank, where the clerk looks for it
    for key in ("average", "annual"):
        note = ws[f"D{C[key][1:]}"]
        note.value = (f'=IF({_c("monthly_errors")}>0,"月別職員数に入力誤り・未入力があるため計算していません（チェックシート）",'
                      f'{F.text(note.value)})')
    note = ws[f"D{C['payment_total'][1:]}"]
    note.value = (f'=IF({_c("payment_invalid")}=1,"支払回数・初回の月に誤りがあります（チェックシート）",'
                  f'IF({_c("monthly_errors")}>0,"加算総額が計算できないため表示していません","加算総額と一致します"))')
    styles.text(ws, "B25", "経費と返還見込額", bold=True)
    styles.text(ws, f"B{layout.CALC_PAYMENT_HEADER_ROW - 1}", "支払予定（Q1: 早期・複数月分の一括支払も可）", bold=True)
    styles.header(ws, layout.CALC_PAYMENT_HEADER_ROW, {"A": "月", "B": "年月", "C": "支払額", "D": "回"})
    for i, (month, row) in enumerate(zip(FISCAL_MONTHS, layout.CALC_PAYMENT_ROWS)):
        year = F.calendar_year(f"A{row}")
        styles.result_cell(ws, f"A{row}", month, '0"月"', fill=None)
        styles.result_cell(ws, f"B{row}", f'=IF(ISNUMBER(KX_FISCAL_YEAR),{F.wareki_month(year, f"A{row}")},"")',
                           fill=None)
        styles.result_cell(ws, f"C{row}", payment_formula(i), styles.YEN)
        k = f"({i}-MOD({FIRST_MONTH}-4,12))"
        styles.result_cell(ws, f"D{row}", f'=IF(C{row}="","",IF(AND({k}>=0,{k}<{INSTALLMENTS}),"第"&({k}+1)&"回",""))',
                           fill=None)
    chart = styles.column_chart("月別の対象職員数（常勤換算）", "人", "0.0", width=15, height=7.5)
    chart.add_data(Reference(monthly_ws, min_col=7, min_row=M0, max_row=M1), titles_from_data=False)
    chart.set_categories(Reference(monthly_ws, min_col=2, min_row=M0, max_row=M1))
    ws.add_chart(chart, "F3")
    styles.widths(ws, A=6, B=38, C=16, D=44)
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:O{int(C['fiscal_year_label'][1:])}")
