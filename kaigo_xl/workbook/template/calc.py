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


def monthly_range(col: str) -> str:
    return f"'{layout.S_MONTHLY}'!${col}${M0}:${col}${M1}"


def exp_range(col: str) -> str:
    return f"'{layout.S_EXPENSES}'!${col}${layout.EXPENSE_ROWS[0]}:${col}${layout.EXPENSE_ROWS[-1]}"


def amounts(col: str) -> str:
    """The spending amounts of column `col` (計画額 C, 実績額 D) as the reader reads them (typed text included)."""
    return F.num_value_range(layout.S_EXPENSES, col, layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1])


def facility_number(key: str) -> str:
    """A number cell of 施設情報 as the reader reads it (typed text included)."""
    return F.num_value_ref(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell)


EFF_FTE, EFF_TOK = monthly_range(layout.COL_EFF_FTE), monthly_range(layout.COL_EFF_TOKUTEI)
PLAN_FTE, PLAN_TOK = monthly_range(layout.COL_PLAN_FTE), monthly_range(layout.COL_PLAN_TOKUTEI)
REAL_FTE, REAL_TOK = monthly_range(layout.COL_REAL_FTE), monthly_range(layout.COL_REAL_TOKUTEI)
# the payment plan as the engine gets it: a blank or unreadable cell is reported and the model's default is used
INSTALLMENTS, FIRST_MONTH = F.payment_number("payment.installments", 1), F.payment_number("payment.first_month", 4)
PLAN, REPORT = tuple(layout.PHASE_VALUES)  # 計画書, 実績報告書


def _c(key: str) -> str:
    return f"${C[key][0]}${C[key][1:]}"


# ---------------------------------------------------------------- 計算


def monthly_errors_formula(fte: str, tok: str) -> str:
    """How many reasons the engine has to compute no total for one set of figures (engine.staffing._kasan): a month
    missing or unreadable, negative, too large, 特定施設 above the total. While there is one, no total."""
    exceeds = (f"IFERROR(SUMPRODUCT(ISNUMBER({fte})*ISNUMBER({tok})*({tok}>=0)*({fte}>=0)"
               f"*({tok}>{fte})),1)")
    return (f'=(12-COUNT({fte}))+COUNTIF({fte},"<0")+COUNTIF({tok},"<0")'
            f'+COUNTIF({fte},">"&{F.setting("fte_max")})+{exceeds}')


def annual_formula(targets: str = "KX_TARGET_FTE", errors: str = "monthly_errors", only_report: bool = False) -> str:
    """加算総額 = 月平均 × 単価, computed as SUM × rate ÷ divisor with the policy's yen rounding.

    The inner ROUND(…,6) removes binary float noise before the yen rounding: the twelve monthly values are doubles,
    so their sum can be 104.99999999999999 instead of 105, and ROUNDDOWN would then lose a whole yen. The exact
    value sum × rate ÷ divisor has at most the decimals of 1/divisor (≥ 1/12 apart from an integer when the
    months have one decimal), so rounding to 6 places never moves a true fraction across a whole yen.
    """
    exact = f"ROUND(SUM({targets})*KX_RATE_YEN/KX_DIVISOR,6)"
    mode = F.setting("yen_rounding")
    blank = f'OR({_c(errors)}>0,{_c("phase")}<>"{REPORT}")' if only_report else f"{_c(errors)}>0"
    return (f'=IF({blank},"",IF({mode}="四捨五入",ROUND({exact},0),'
            f'IF({mode}="切り上げ",ROUNDUP({exact},0),ROUNDDOWN({exact},0))))')


def payment_formula(index: int) -> str:
    """Installment k (0-based) of N from the first month: floor(total ÷ N), the remainder on the last (our convention, not Q1's)."""
    n, total = INSTALLMENTS, _c("annual")
    k = f"({index}-MOD({FIRST_MONTH}-4,12))"
    return (f'=IF(OR({_c("monthly_errors")}>0,{_c("payment_invalid")}=1),"",IF(AND({k}>=0,{k}<{n}),'
            f'IF({k}={n}-1,{total}-INT({total}/{n})*({n}-1),INT({total}/{n})),0))')


def payment_invalid_formula() -> str:
    n, f = INSTALLMENTS, FIRST_MONTH
    return (f"=IF(AND({f}>=1,{f}<=12,{f}=INT({f}),{n}>=1,{n}<=12,{n}=INT({n})),"
            f"IF({n}<=12-MOD({f}-4,12),0,1),1)")


def has_actual() -> str:
    """rules/engine: actual spending exists when a row with a known category has an actual amount."""
    canon = exp_range(layout.EXP_COL_CANONICAL)
    return f'SUMPRODUCT(({canon}<>"")*({canon}<>"不明")*ISNUMBER({amounts(layout.EXP_COL_ACTUAL)}))>0'


def _allowed_sum(col: str) -> str:
    """Allowed spending as the engine sums it: each line clamped to 0 … yen_max (policy), allowed categories only."""
    values, allowed, cap = amounts(col), exp_range(layout.EXP_COL_ALLOWED), F.setting("yen_max")
    return (f'=SUMIFS({values},{allowed},1,{values},">0",{values},"<="&{cap})'
            f'+{cap}*COUNTIFS({allowed},1,{values},">"&{cap})')


def phase_formula() -> str:
    """計画書 or 実績報告書 as the engine decides: the chosen document (a usual variant of its name read too), else
    a report when a spending line has an actual amount."""
    cell = F.facility("phase")
    squeezed = F.squeeze(cell)
    words = {PLAN: [t for t, v in layout.PHASE_READINGS.items() if v == "plan"],
             REPORT: [t for t, v in layout.PHASE_READINGS.items() if v == "report"]}
    test = {doc: "+".join(f"({squeezed}={F.squeeze(F.text(w))})" for w in ws) for doc, ws in words.items()}
    inferred = (f'IF(SUMPRODUCT(({exp_range(layout.EXP_COL_CANONICAL)}<>"")*ISNUMBER({amounts(layout.EXP_COL_ACTUAL)}))>0,'
                f'"{REPORT}","{PLAN}")')
    return f'=IF({test[PLAN]}>0,"{PLAN}",IF({test[REPORT]}>0,"{REPORT}",{inferred}))'


def _rows(lists: Lists) -> dict[str, tuple[str, object, str | None, str]]:
    """key → (label, formula, number format, note) of the 計算 cells (layout.CALC_CELLS)."""
    received = facility_number("received_yen")
    actual_only = f'OR({_c("actual_annual")}="",{_c("phase")}<>"{REPORT}",NOT({has_actual()}))'
    return {
        "target_sum": ("対象職員数（12か月の合計）", f'=IF({_c("monthly_errors")}>0,"",SUM(KX_TARGET_FTE))', "0.0#",
                       "C: 見込み（計画書）、D: 実績（実績報告書）"),
        "actual_target_sum": ("", f'=IF(OR({_c("actual_errors")}>0,{_c("phase")}<>"{REPORT}"),"",'
                              "SUM(KX_ACTUAL_TARGET_FTE))", "0.0#", ""),
        "average": ("対象職員数（月平均）", f'=IF({_c("monthly_errors")}>0,"",SUM(KX_TARGET_FTE)/KX_DIVISOR)',
                    styles.AVERAGE, "合計 ÷ 12（端数処理をしません。表示は小数第2位まで）"),
        "actual_average": ("", f'=IF(OR({_c("actual_errors")}>0,{_c("phase")}<>"{REPORT}"),"",'
                           "SUM(KX_ACTUAL_TARGET_FTE)/KX_DIVISOR)", styles.AVERAGE, ""),
        "annual": ("加算総額（年間）", annual_formula(), styles.YEN,
                   "月平均 × 単価。見込みの額で支払予定を、実績の額で精算を計算します"),
        "actual_annual": ("", annual_formula("KX_ACTUAL_TARGET_FTE", "actual_errors", only_report=True), styles.YEN, ""),
        "monthly_rate": ("1人1か月当たり（12か月で割った額、Q1）", "=KX_RATE_YEN/12", styles.YEN, ""),
        "phase": ("作成する書類", phase_formula(), None, "施設情報の選択（空欄なら、経費の実績額があれば実績報告書）"),
        "payment_total": ("支払額の合計", f'=IF(COUNT(C{layout.CALC_PAYMENT_ROWS[0]}:C{layout.CALC_PAYMENT_ROWS[-1]})=0,'
                          f'"",SUM(C{layout.CALC_PAYMENT_ROWS[0]}:C{layout.CALC_PAYMENT_ROWS[-1]}))', styles.YEN,
                          "見込みの加算総額と一致します"),
        "planned_total": ("経費の計画額（合計）", f"=SUM({amounts(layout.EXP_COL_PLANNED)})", styles.YEN, ""),
        "planned_allowed": ("うち対象経費（人件費・職場環境改善経費）", _allowed_sum(layout.EXP_COL_PLANNED), styles.YEN,
                            "別添1 2(3)イ"),
        "actual_total": ("経費の実績額（合計）", f"=SUM({amounts(layout.EXP_COL_ACTUAL)})", styles.YEN, ""),
        "actual_allowed": ("うち対象経費（実績）", _allowed_sum(layout.EXP_COL_ACTUAL), styles.YEN, ""),
        "received": ("受領額", f'=IF(AND(ISNUMBER({received}),N({received})>=0),{received},'
                     f'IF({_c("annual")}<>"",{_c("annual")},{_c("actual_annual")}))', styles.YEN,
                     "施設情報の受領済みの額（空欄なら見込みの加算総額を受領したものとします）"),
        "refund": ("返還見込額",
                   f'=IF({actual_only},"",IF({F.setting("refund_enabled")}=1,'
                   f'MAX(0,{_c("received")}-MIN(IF({F.setting("refund_includes_overpayment")}=1,'
                   f'MIN({_c("received")},{_c("actual_annual")}),{_c("received")}),{_c("actual_allowed")})),0))',
                   styles.YEN, "受領額 −（受領額・実績の加算総額・対象経費の実績のうち最も小さい額）。実績報告書のみ"),
        "additional": ("追加支弁見込額", f'=IF({actual_only},"",MAX(0,{_c("actual_annual")}-{_c("received")}))',
                       styles.YEN, "実績の加算総額が受領額を上回る額"),
        "report_due": ("実績報告書の提出期限",
                       f'=IF(ISNUMBER(KX_FISCAL_YEAR),IF({F.setting("report_due_next_business_day")}=1,'
                       f'WORKDAY(DATE(KX_FISCAL_YEAR+1,4,30)-1,1,{lists.range("holiday")}),'
                       f'DATE(KX_FISCAL_YEAR+1,4,30)),"")', styles.DATE, ""),
        "monthly_errors": ("月別職員数の誤り・未入力（月）", monthly_errors_formula(PLAN_FTE, PLAN_TOK), "0",
                           "0 でないときは加算総額を計算しません（チェックシート参照）"),
        "actual_errors": ("", monthly_errors_formula(REAL_FTE, REAL_TOK), "0", ""),
        "payment_invalid": ("支払計画の誤り（1＝あり）", payment_invalid_formula(), "0", "支払回数・初回の月"),
        "fiscal_year_label": ("年度", f"={F.fiscal_year_label()}", None, ""),
    }


def build_calc(ws: Worksheet, monthly_ws: Worksheet, lists: Lists) -> None:
    styles.title(ws, "計算（加算総額・支払予定・返還見込額）")
    styles.text(ws, "F1", f"={F.fiscal_year_label()}", bold=True)
    styles.text(ws, "A2", "このシートは入力不要です。月別職員数・経費・施設情報から自動で計算します（別添1 2(2)）。"
                "C列は見込み（計画書）、D列は実績（実績報告書）です。", small=True)
    styles.header(ws, 3, {"B": "項目", "C": "見込み（計画）", "D": "実績", "E": "説明"})
    bold = ("average", "annual", "actual_average", "actual_annual", "refund")
    for key, (label, formula, fmt, note) in _rows(lists).items():
        ref = C[key]
        row = int(ref[1:])
        if label:
            styles.text(ws, f"B{row}", label, bold=key in bold)
            ws[f"B{row}"].border = styles.BOX
        styles.result_cell(ws, ref, formula, fmt, bold=key in bold)
        if note:
            styles.text(ws, f"E{row}", note, small=True)
    styles.result_cell(ws, C["report_due_wareki"], "=" + F.wareki_date(_c("report_due")), fill=None, bold=True)
    _notes(ws)
    _schedule(ws)
    chart = styles.column_chart("月別の対象職員数（常勤換算）", "人", "0.0", width=15, height=7.5)
    chart.add_data(Reference(monthly_ws, min_col=7, min_row=M0, max_row=M1), titles_from_data=False)
    chart.set_categories(Reference(monthly_ws, min_col=2, min_row=M0, max_row=M1))
    ws.add_chart(chart, "G3")
    styles.widths(ws, A=6, B=40, C=16, D=16, E=46)
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:P{int(C['fiscal_year_label'][1:])}")


def _notes(ws: Worksheet) -> None:
    """Say why a result is blank, where the clerk looks for it; and what 1人1か月当たり means (Q1)."""
    errors = f'IF({_c("phase")}="{PLAN}",{_c("monthly_errors")},{_c("actual_errors")})'
    for key in ("average", "annual"):
        note = ws[f"E{C[key][1:]}"]
        note.value = (f'=IF({errors}>0,"この書類の月別職員数に入力誤り・未入力があるため計算していません（チェックシート）",'
                      f'{F.text(note.value)})')
    ws[f"E{C['monthly_rate'][1:]}"] = (f'="12か月なら1人1か月 "&TEXT(KX_RATE_YEN/12,"#,##0")&"円、6か月なら "'
                                       f'&TEXT(KX_RATE_YEN/6,"#,##0")&"円（Q1）。"&IFERROR({INSTALLMENTS}&"回払いでは1人1回 "'
                                       f'&TEXT(KX_RATE_YEN/{INSTALLMENTS},"#,##0.##")&"円","")')
    ws[f"E{C['monthly_rate'][1:]}"].font = styles.SMALL
    note = ws[f"E{C['payment_total'][1:]}"]
    note.value = (f'=IF({_c("payment_invalid")}=1,"支払回数・初回の月に誤りがあります（チェックシート）",'
                  f'IF({_c("monthly_errors")}>0,"見込みの加算総額が計算できないため表示していません","見込みの加算総額と一致します"))')
    styles.text(ws, "B25", "経費と返還見込額", bold=True)


def _schedule(ws: Worksheet) -> None:
    """支払予定: the plan's 加算総額 in N installments from the first month (floor, remainder last: our convention)."""
    styles.text(ws, f"B{layout.CALC_PAYMENT_HEADER_ROW - 1}", "支払予定（見込みの加算総額。Q1: 早期・複数月分の一括支払が望ましい）",
                bold=True)
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
