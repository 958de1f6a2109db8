"""The input sheets of the template: 施設情報, 月別職員数, 勤務形態一覧, 取組, 経費.

Cells follow layout.py. Yellow cells are unlocked inputs with drop-downs or validation; everything else is a native
formula that mirrors a rule of kaigo_xl.rules, so a facility with plain Excel gets the engine's numbers.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..catalog import Catalog
from ..models import FISCAL_MONTHS, Roster
from ..rules import fte, kasan, spending
from . import layout, styles
from . import template_formulas as F
from .template_settings import ALLOWED_CATEGORIES, TECHNOLOGY, Lists, category_of_formula

ROSTER = "勤務形態一覧"
_ACROSS = Alignment(horizontal="centerContinuous", vertical="center")
_RED = Font(name=styles.FONT_NAME, size=10, bold=True, color="C00000")


def _red_when_nonblank(ws: Worksheet, sqref: str, first_cell: str) -> None:
    ws.conditional_formatting.add(sqref, FormulaRule(formula=[f'{first_cell}<>""'], font=_RED, fill=styles.ERROR))


# ---------------------------------------------------------------- 施設情報

_FORMATS = {"int": "0", "year": "0", "date": styles.DATE, "month": '0"月"', "yen": styles.YEN}


def build_facility(ws: Worksheet, lists: Lists) -> None:
    styles.title(ws, "施設情報")
    styles.text(ws, "A2", "黄色のセルに入力してください（※は必須）。ここに入力した内容が計画書・実績報告書に反映されます。",
                small=True)
    styles.header(ws, 3, {"B": "項目", "C": "入力", "D": "説明・表示"})
    list_of = {"facility.type": "type", "facility.subtype": "subtype", "facility.tokutei_designated": "yesno",
               "phase": "phase"}
    for f in layout.FACILITY_FIELDS:
        row = int(f.cell[1:])
        styles.text(ws, f"B{row}", f.label + ("　※" if f.required else ""), bold=f.required)
        ws[f"B{row}"].border = styles.BOX
        # 施設番号 as text, so Excel keeps a leading zero (0112345678)
        styles.input_cell(ws, f.cell, "@" if f.key == "facility.number" else _FORMATS.get(f.kind))
        styles.text(ws, f"D{row}", f.help, small=True, wrap=True)
        if f.kind == "choice":
            styles.validation(ws, f.cell, kind="list", formula1=lists.range(list_of[f.key]),
                              prompt=f"{f.label}を一覧から選んでください。" + (f"\n{f.help}" if f.help else ""),
                              error=f"{f.label}は一覧から選んでください。")
        elif f.kind in ("int", "month", "year", "yen"):
            lo_hi = {"int": (0, 100000), "yen": (0, 10**11), "year": (2000, 2100), "month": (1, 12)}[f.kind]
            if f.key == "payment.installments":
                lo_hi = (1, 12)
            styles.validation(ws, f.cell, kind="whole", operator="between", formula1=str(lo_hi[0]),
                              formula2=str(lo_hi[1]), prompt=_PROMPTS.get(f.key, f"{f.label}を整数で入力してください。"),
                              error=f"{f.label}は{lo_hi[0]}〜{lo_hi[1]}の整数で入力してください。")
        elif f.kind == "date":
            styles.validation(ws, f.cell, kind="date", operator="between", formula1="DATE(2000,1,1)",
                              formula2="DATE(2100,12,31)", prompt="提出日を 2026/4/15 のように入力してください"
                              "（和暦は右に表示されます）。", error="日付を 2026/4/15 のように入力してください。")
        ws.row_dimensions[row].height = 20
    for key, kind in _NUMBER_FIELDS.items():
        _number_helpers(ws, layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell, kind)
    fy = layout.FIELD_BY_KEY["fiscal_year"].cell
    styles.text(ws, f"D{fy[1:]}", "=" + F.fiscal_year_label(), bold=True)
    sub = layout.FIELD_BY_KEY["submitted_on"].cell
    styles.text(ws, f"D{sub[1:]}", "=" + F.wareki_date(sub), bold=True)
    first = layout.FIELD_BY_KEY["payment.first_month"].cell
    styles.text(ws, f"D{first[1:]}", "4＝4月 … 3＝翌年3月。年度末（3月）を越えない回数にしてください（Q1）", small=True)
    styles.widths(ws, A=2, B=32, C=34, D=40)
    ws.freeze_panes = "A4"
    styles.protect(ws)
    last = max(int(f.cell[1:]) for f in layout.FACILITY_FIELDS)
    styles.page_a4(ws, print_area=f"A1:D{last}")


_NUMBER_FIELDS = {"payment.installments": "int", "payment.first_month": "int", "received_yen": "yen"}


def _number_helpers(ws: Worksheet, sheet: str, cell: str, kind: str) -> None:
    """Hidden cells that read a number typed as text as the reader does (template_formulas.num_helpers)."""
    for ref, formula in F.num_helpers(sheet, cell, kind).items():
        styles.result_cell(ws, ref, formula, fill=None)
        ws.column_dimensions[ref.rstrip("0123456789")].hidden = True


_PROMPTS = {
    "fiscal_year": "年度を西暦で入力してください（令和7年度なら 2025）。",
    "payment.installments": "支払回数を1〜12で入力してください（一括なら1、毎月なら12）。",
    "payment.first_month": "初回の支払月を1〜12で入力してください（4月なら4）。",
    "received_yen": "実績報告のとき、市区町村から受け取った加算額（円）を入力してください。",
    "facility.capacity": "定員（人）を整数で入力してください。",
}


# ---------------------------------------------------------------- 月別職員数


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
        r_sochi = F.ref(ROSTER, f"{rc}{layout.ROSTER_SUMMARY_ROWS['sochi']}")
        r_tok = F.ref(ROSTER, f"{rc}{layout.ROSTER_SUMMARY_ROWS['tokutei']}")
        # ROUND(…,10) removes the binary noise of a float subtraction (10.8−2.1 = 8.700000000000001), so the cell
        # holds the same number as the engine's exact Decimal; FTEs never have ten decimals.
        styles.result_cell(ws, f"{layout.COL_ROSTER_FTE}{row}", f"=ROUND({r_sochi}+{r_tok},10)", styles.FTE)
        styles.result_cell(ws, f"{layout.COL_ROSTER_TOKUTEI}{row}", f"={r_tok}", styles.FTE)
        e, f_ = f"{layout.COL_ROSTER_FTE}{row}", f"{layout.COL_ROSTER_TOKUTEI}{row}"
        for col in (layout.COL_FTE, layout.COL_TOKUTEI):
            _number_helpers(ws, layout.S_MONTHLY, f"{col}{row}", "fte")
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
    _red_when_nonblank(ws, f"{layout.COL_MONTH_STATUS}{r0}:{layout.COL_MONTH_STATUS}{r1}",
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


# ---------------------------------------------------------------- 勤務形態一覧


def _counted_formula(job: str) -> str:
    """○ when the job counts for the facility type (kasan.COUNTED_JOBS: 養護 → 支援員/主任支援員, 軽費 → 介護職員)."""
    parts = []
    for ftype, jobs in kasan.COUNTED_JOBS.items():
        either = ",".join(f'{job}="{j}"' for j in sorted(jobs))
        parts.append(f'AND(KX_FACILITY_TYPE="{ftype}",OR({either}))')
    pattern = job.replace(f"${layout.ROSTER_COL_JOB}", f"${layout.ROSTER_COL_PATTERN}")
    valid = ",".join(f'{pattern}="{p}"' for p in layout.ROSTER_PATTERNS)
    return f'=IF(AND(OR({",".join(parts)}),OR({valid})),"{layout.ROSTER_SHORT_MARK}","")'


_DEFAULT_WEEK = int(Roster.model_fields["weekly_fulltime_hours"].default)  # 40


def roster_fte_formula(sochi: str, tokutei: str, days: str, side: str) -> str:
    """One month's FTE of one side (措置 or 特定施設), exactly as kaigo_xl.rules.fte.month_fte.

    Whole persons — pattern A, or short-time ○ working ≥ 30 h/week — who work on exactly one side count 1 there;
    everyone else's hours are summed per side and converted once: INT(hours×70 ÷ (MAX(week,32)×days)) ÷ 10.

    Why this is exact: hours ÷ (week × days ÷ 7) × 10 is written as hours×70 ÷ (week×days) so that no inexact
    ÷7 happens first. With quarter-hour inputs, hours×70 and week×days are exact binary numbers and the one
    division is correctly rounded: when the true quotient is an integer n the result is exactly n, and otherwise
    it lies at least 1/(4×week×days) away from any integer — far more than the rounding error — so INT gives the
    same tenths as the engine's fractions. (581.25 h, 38.75 h/week, 30 days: 40687.5 ÷ 1162.5 = 35 → 3.5, where
    581.25 ÷ (38.75×30÷7) in floats is 3.4999… → 3.4.) The tenths are assembled as (10×whole + INT(…)) ÷ 10 so the
    result is the double nearest to the exact decimal.
    """
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]

    def col(c: str) -> str:
        return f"${c}${r0}:${c}${r1}"

    counted = f'({col(layout.ROSTER_COL_COUNTED)}="{layout.ROSTER_SHORT_MARK}")'
    s, t = sochi, tokutei
    s_pos, t_pos = f"({s}>0)*{s}", f"({t}>0)*{t}"
    whole = (f'((({col(layout.ROSTER_COL_PATTERN)}="A")+({col(layout.ROSTER_COL_SHORT)}="{layout.ROSTER_SHORT_MARK}")'
             f"*(({s_pos}+{t_pos})*7>={int(fte.SHORT_TIME_WEEKLY_HOURS)}*{days}))>0)")
    one_side = f"(({s}>0)<>({t}>0))"
    mine, mine_pos = (s, s_pos) if side == "sochi" else (t, t_pos)
    whole_count = f"SUMPRODUCT({counted}*{whole}*{one_side}*({mine}>0))"
    hours = f"SUMPRODUCT({counted}*(1-{whole}*{one_side})*{mine_pos})"
    # the weekly hours as the reader reads them; blank, unreadable or not positive → the model's default (40)
    v = F.num_cells(layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL)[-1]
    v = f"${v.rstrip('0123456789')}${v[len(v.rstrip('0123456789')):]}"
    week = (f"MAX(IF(ISNUMBER({v}),IF({v}>0,{v},{_DEFAULT_WEEK}),{_DEFAULT_WEEK}),{int(fte.MIN_WEEKLY_HOURS)})")
    return f"=(10*{whole_count}+INT({hours}*70/({week}*{days})))/10"


def build_roster(ws: Worksheet, lists: Lists) -> None:
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    hr = layout.ROSTER_HEADER_ROW
    styles.title(ws, "勤務形態一覧（勤務時間から常勤換算数を計算）")
    styles.text(ws, "A2", "月別職員数シートの入力方法で「勤務形態一覧」を選ぶと、ここで計算した常勤換算数を使います。"
                "勤務時間は月の合計を、措置の業務と特定施設の業務に分けて入力してください（兼務者は措置の時間だけが対象）。",
                small=True, wrap=True)
    ws.merge_cells("A2:Q2")
    ws.row_dimensions[2].height = 26
    wk = layout.ROSTER_WEEKLY_HOURS_CELL
    styles.text(ws, f"A{wk[1:]}", "常勤の従業者が勤務すべき週の時間数", bold=True, wrap=True)
    ws.merge_cells(f"A{wk[1:]}:B{wk[1:]}")
    ws.row_dimensions[int(wk[1:])].height = 28
    styles.input_cell(ws, wk, styles.HOURS)
    ws[wk] = _DEFAULT_WEEK
    _number_helpers(ws, layout.S_ROSTER, wk, "hours")
    styles.validation(ws, wk, kind="decimal", operator="between", formula1="1", formula2="168",
                      prompt="就業規則で定める常勤の週の勤務時間（例: 40）。32時間未満のときは32時間として計算します。",
                      error="週の時間数は1〜168の数で入力してください。")
    styles.text(ws, f"D{wk[1:]}", "時間（32未満は32）", small=True)
    styles.text(ws, "F3", '="集計対象の職種: "&IF(KX_FACILITY_TYPE="軽費","介護職員",'
                'IF(KX_FACILITY_TYPE="養護","支援員・主任支援員","（施設情報で種別を選んでください）"))', bold=True)
    styles.text(ws, "F4", "常勤換算数 ＝ 勤務時間の合計 ÷（週の時間数 × 月の日数 ÷ 7）、小数点第2位以下切り捨て", small=True)
    sr = layout.ROSTER_SUMMARY_ROWS
    lr = layout.ROSTER_MONTH_LABEL_ROW
    for label, row in (("月", lr), ("月の日数", sr["days"]), ("措置の常勤換算数（対象）", sr["sochi"]),
                       ("特定施設の常勤換算数（除く）", sr["tokutei"])):
        styles.text(ws, f"A{row}", label, bold=True)
        ws.merge_cells(f"A{row}:E{row}")
    styles.header(ws, hr, {"A": "集計対象", "B": "氏名", "C": "職種", "D": "勤務形態", "E": "短時間勤務"})
    for c in "ABCDE":
        ws.merge_cells(f"{c}{hr}:{c}{hr + 1}")
    for month in FISCAL_MONTHS:
        cs, ct = layout.roster_cols(month)
        ls, lt = get_column_letter(cs), get_column_letter(ct)
        year = F.calendar_year(str(month))
        # a month's two columns share one heading and one result: centred across both (cheaper than merging,
        # and every value stays in the 措置 column that layout.roster_cols names first)
        styles.header(ws, lr, {ls: f"{month}月", lt: None})
        days = f"{ls}${sr['days']}"
        styles.result_cell(ws, f"{ls}{sr['days']}", f"=DAY(EOMONTH(DATE({year},{month},1),0))", "0", fill=None)
        sochi, tok = f"{ls}${r0}:{ls}${r1}", f"{lt}${r0}:{lt}${r1}"
        styles.result_cell(ws, f"{ls}{sr['sochi']}", roster_fte_formula(sochi, tok, days, "sochi"), styles.FTE,
                           bold=True)
        styles.result_cell(ws, f"{ls}{sr['tokutei']}", roster_fte_formula(sochi, tok, days, "tokutei"), styles.FTE)
        for row in (sr["days"], sr["sochi"], sr["tokutei"]):
            styles.result_cell(ws, f"{lt}{row}", None, fill=None)
        styles.header(ws, hr, {ls: f'=IF(ISNUMBER(KX_FISCAL_YEAR),{F.wareki_month(year, str(month))},"{month}月")',
                               lt: None})
        for row in (lr, sr["days"], sr["sochi"], sr["tokutei"], hr):
            ws[f"{ls}{row}"].alignment = _ACROSS
            ws[f"{lt}{row}"].alignment = _ACROSS
        styles.header(ws, hr + 1, {ls: "措置", lt: "特定施設"})
    last_col = get_column_letter(layout.roster_cols(FISCAL_MONTHS[-1])[1])
    for row in layout.ROSTER_ROWS:
        styles.result_cell(ws, f"{layout.ROSTER_COL_COUNTED}{row}", _counted_formula(f"${layout.ROSTER_COL_JOB}{row}"),
                           fill=None)
        ws[f"{layout.ROSTER_COL_COUNTED}{row}"].alignment = styles.CENTER
        for col in (layout.ROSTER_COL_NAME, layout.ROSTER_COL_JOB, layout.ROSTER_COL_PATTERN, layout.ROSTER_COL_SHORT):
            styles.input_cell(ws, f"{col}{row}")
        for month in FISCAL_MONTHS:
            for c in layout.roster_cols(month):
                styles.input_cell(ws, f"{get_column_letter(c)}{row}")  # General: 160 and 160.75 both read plainly
    first_hours = get_column_letter(layout.ROSTER_FIRST_MONTH_COL)
    styles.validation(ws, f"{layout.ROSTER_COL_JOB}{r0}:{layout.ROSTER_COL_JOB}{r1}", kind="list",
                      formula1=lists.range("job"), prompt="職種を選んでください。養護は支援員・主任支援員、軽費は介護職員が"
                      "対象職員数に入ります（別添1 2(2)ア）。", error="職種は一覧から選んでください。")
    styles.validation(ws, f"{layout.ROSTER_COL_PATTERN}{r0}:{layout.ROSTER_COL_PATTERN}{r1}", kind="list",
                      formula1=lists.range("pattern"), prompt="A＝常勤・専従、B＝常勤・兼務、C＝非常勤・専従、D＝非常勤・兼務",
                      error="勤務形態は A・B・C・D から選んでください。")
    styles.validation(ws, f"{layout.ROSTER_COL_SHORT}{r0}:{layout.ROSTER_COL_SHORT}{r1}", kind="list",
                      formula1=lists.range("short"), prompt="育児・介護休業法による短時間勤務の職員は ○ を選んでください。",
                      error="短時間勤務は ○ を選ぶか、空欄にしてください。")
    styles.validation(ws, f"{first_hours}{r0}:{last_col}{r1}", kind="decimal", operator="between", formula1="0",
                      formula2="744", prompt="その月の勤務時間の合計（時間）。15分単位なら 0.25 刻み（例: 160.75）。",
                      error="勤務時間は 0〜744 の数（時間）で入力してください。")
    styles.text(ws, f"A{r1 + 2}", "※ 常勤専従（A）と、育児・介護の短時間勤務（○）で週30時間以上の職員は、その月に措置・特定施設の"
                "一方だけで勤務していれば1人と数えます。計算は15分単位（0.25時間刻み）の勤務時間で誤差なく行われます。", small=True)
    styles.widths(ws, A=7, B=14, C=11, D=8, E=9)
    styles.width_range(ws, layout.ROSTER_FIRST_MONTH_COL, layout.roster_cols(FISCAL_MONTHS[-1])[1], 7.5)
    ws.row_dimensions[hr + 1].height = 27  # 特定施設 on two lines
    ws.freeze_panes = f"{first_hours}{r0}"
    styles.protect(ws)
    # April–September and October–March on separate A4 pages, names repeated: legible without shrinking
    styles.page_a4(ws, landscape=True, fit_width=False, print_area=f"A1:{last_col}{r1 + 2}",
                   title_rows=f"{hr}:{hr + 1}")
    ws.page_setup.scale = 85
    ws.print_title_cols = "A:E"
    ws.col_breaks.append(Break(id=layout.roster_cols(9)[1]))


# ---------------------------------------------------------------- 取組


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


# ---------------------------------------------------------------- 経費


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
            _number_helpers(ws, layout.S_EXPENSES, f"{col}{row}", "yen")
        styles.result_cell(ws, f"{canon}{row}", "=" + category_of_formula(cat, lists), fill=None)
        styles.result_cell(ws, f"{allowed}{row}", f"=IF(OR({allowed_test.format(row=row)}),1,0)", fill=None)
        styles.result_cell(ws, f"{judge}{row}",
                           f'=IF({canon}{row}="","",IF({allowed}{row}=1,"○ 対象経費",IF({canon}{row}="{TECHNOLOGY}",'
                           f'"× 充当できません","× 区分が不明です")))', fill=None)
    ws.conditional_formatting.add(f"{judge}{r0}:{judge}{r1}",
                                  FormulaRule(formula=[f'LEFT({judge}{r0},1)="×"'], font=_RED, fill=styles.ERROR))
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
