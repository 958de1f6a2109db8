"""勤務形態一覧: up to 60 staff with their monthly hours → 常勤換算 exactly as kaigo_xl.rules.fte.month_fte."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.models import FISCAL_MONTHS, Roster
from kaigo_xl.rules import fte, kasan
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.settings import Lists

ROSTER = "勤務形態一覧"
_ACROSS = Alignment(horizontal="centerContinuous", vertical="center")


def _counted_formula(job: str) -> str:
    """○ when the job counts for the facility type (kasan.COUNTED_JOBS: 養護 → 支援員/主任支援員, 軽費 → 介護職員)."""
    parts = []
    for ftype, jobs in kasan.COUNTED_JOBS.items():
        either = ",".join(f'{job}="{j}"' for j in sorted(jobs))
        parts.append(f'AND(KX_FACILITY_TYPE="{ftype}",OR({either}))')
    pattern = job.replace(f"${layout.ROSTER_COL_JOB}", f"${layout.ROSTER_COL_PATTERN_READ}")
    return f'=IF(AND(OR({",".join(parts)}),{pattern}<>""),"{layout.ROSTER_SHORT_MARK}","")'


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
    whole = (f'((({col(layout.ROSTER_COL_PATTERN_READ)}="A")+({col(layout.ROSTER_COL_SHORT_READ)}=1)'
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


def _typed(cells: str) -> str:
    """An array: 1 where a cell holds something the reader cannot take as hours (text that is not blank, TRUE)."""
    return (f'(ISTEXT({cells})*(LEN(TRIM(CLEAN(SUBSTITUTE({cells}&"","　"," "))))>0)'
            f"+ISLOGICAL({cells}))")


def _month_helpers(ws: Worksheet, ls: str, lt: str, days: str) -> None:
    """Hidden per-month counts below the staff, in the month's 措置 column: what the checks add up.

    text: cells the reader cannot read (the month is left out); invalid: counted hours outside 0 … 24×days
    (ROSTER_HOURS_INVALID, one per cell) and the first row with one; split: 常勤専従 (A) with 特定施設 hours too
    (ROSTER_A_SPLIT, one per person) and the first row with one. Text never compares as hours (ISNUMBER)."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    s, t = f"{ls}${r0}:{ls}${r1}", f"{lt}${r0}:{lt}${r1}"
    counted = (f'(${layout.ROSTER_COL_COUNTED}${r0}:${layout.ROSTER_COL_COUNTED}${r1}'
               f'="{layout.ROSTER_SHORT_MARK}")')
    pattern_a = f'(${layout.ROSTER_COL_PATTERN_READ}${r0}:${layout.ROSTER_COL_PATTERN_READ}${r1}="A")'

    def out_of_range(c: str) -> str:
        return f"ISNUMBER({c})*(({c}<0)+({c}>24*{days})>0)"

    bad = f"{counted}*({out_of_range(s)}+{out_of_range(t)})"
    split = f"{counted}*{pattern_a}*ISNUMBER({s})*({s}>0)*ISNUMBER({t})*({t}>0)"
    h = layout.ROSTER_HELPER_ROWS
    formulas = {
        "text": f"=SUMPRODUCT({_typed(f'{ls}${r0}:{lt}${r1}')})",
        "invalid": f"=SUMPRODUCT({bad})",
        "invalid_row": f"={F.first_row(f'({bad})>0', s)}",
        "split": f"=SUMPRODUCT({split})",
        "split_row": f"={F.first_row(split, s)}",
    }
    for key, formula in formulas.items():
        styles.result_cell(ws, f"{ls}{h[key]}", formula, fill=None)


def _choices_read(ws: Worksheet, row: int) -> None:
    """勤務形態 and 短時間勤務 as the reader reads them (written differently, e.g. ａ or ◯, they still count)."""
    d, e = f"{layout.ROSTER_COL_PATTERN}{row}", f"{layout.ROSTER_COL_SHORT}{row}"
    pattern = '""'
    for p in reversed(layout.ROSTER_PATTERNS):
        pattern = f'IF({F.squeeze(d)}={F.squeeze(F.text(p))},"{p}",{pattern})'
    styles.result_cell(ws, f"{layout.ROSTER_COL_PATTERN_READ}{row}", f"={pattern}", fill=None)
    yes = "+".join(f"({F.squeeze(e)}={F.squeeze(F.text(t))})" for t, v in layout.SHORT_READINGS.items() if v)
    styles.result_cell(ws, f"{layout.ROSTER_COL_SHORT_READ}{row}",
                       f"=IF(ISLOGICAL({e}),IF({e},1,0),IF({yes}>0,1,0))", fill=None)


def _person_helpers(ws: Worksheet, row: int) -> None:
    """Hidden per-person cells: whether the reader reads the row, its unreadable cells (INPUT_INVALID) and the
    first of them (a column number), and its choices written differently (INPUT_NORMALISED).

    The reader goes left to right: 職種 blank, 勤務形態 not A–D (or blank), 短時間勤務 not ○/×…, hours as text."""
    _choices_read(ws, row)
    c, d, e = (f"{col}{row}" for col in (layout.ROSTER_COL_JOB, layout.ROSTER_COL_PATTERN, layout.ROSTER_COL_SHORT))
    first = get_column_letter(layout.ROSTER_FIRST_MONTH_COL)
    last = get_column_letter(layout.roster_cols(FISCAL_MONTHS[-1])[1])
    hours = f"{first}{row}:{last}{row}"
    short_ok = f"OR(ISLOGICAL({e}),{F.choice_ok(e, tuple(layout.SHORT_READINGS))})"
    job_bad = F.is_blank(c)
    pattern_bad = f"OR({F.is_blank(d)},NOT({F.choice_ok(d, layout.ROSTER_PATTERNS)}))"
    used = f"{layout.ROSTER_COL_USED}{row}"
    everything = f"{layout.ROSTER_COL_NAME}{row}:{last}{row}"
    styles.result_cell(ws, used, f'=IF(SUMPRODUCT(--(LEN(TRIM(CLEAN(SUBSTITUTE({everything}&"","　"," "))))>0))>0,1,0)',
                       fill=None)
    text_hours = f"SUMPRODUCT({_typed(hours)})"
    styles.result_cell(ws, f"{layout.ROSTER_COL_BAD}{row}",
                       f"=IF({used}=0,0,{job_bad}+{pattern_bad}+NOT({short_ok})+{text_hours})", fill=None)
    first_hours = F.first_col(f"{_typed(hours)}>0", hours)
    styles.result_cell(ws, f"{layout.ROSTER_COL_FIRST_BAD}{row}", f"=IF({used}=0,0,IF({job_bad},COLUMN({c}),IF({pattern_bad},COLUMN({d}),"
                       f"IF(NOT({short_ok}),COLUMN({e}),{first_hours}))))", fill=None)
    pattern_var, short_var = (
        f"AND(ISTEXT({x}),NOT({F.is_blank(x)}),{F.choice_ok(x, ok)},NOT(OR({','.join(f'EXACT(TRIM({x}),{F.text(p)})' for p in ok)})))"
        for x, ok in ((d, layout.ROSTER_PATTERNS), (e, tuple(layout.SHORT_READINGS))))
    styles.result_cell(ws, f"{layout.ROSTER_COL_NORMALISED}{row}", f"=IF({used}=0,0,{pattern_var}+{short_var})",
                       fill=None)
    styles.result_cell(ws, f"{layout.ROSTER_COL_FIRST_NORMALISED}{row}",
                       f"=IF({used}=0,0,IF({pattern_var},COLUMN({d}),IF({short_var},COLUMN({e}),0)))", fill=None)
    # a person the engine gets (a job and a pattern A–D) whose job does not count, and the first one with that job
    uncounted = f"{layout.ROSTER_COL_UNCOUNTED}{row}"
    person = f'AND(NOT({job_bad}),{layout.ROSTER_COL_PATTERN_READ}{row}<>"")'
    styles.result_cell(ws, uncounted,
                       f'=IF(AND({person},{layout.ROSTER_COL_COUNTED}{row}<>"{layout.ROSTER_SHORT_MARK}"),1,0)',
                       fill=None)
    r0 = layout.ROSTER_ROWS[0]
    earlier = (f"COUNTIFS(${layout.ROSTER_COL_JOB}${r0}:{c},{c},"
               f"${layout.ROSTER_COL_UNCOUNTED}${r0}:{uncounted},1)")
    styles.result_cell(ws, f"{layout.ROSTER_COL_NEW_JOB}{row}", f"=IF(AND({uncounted}=1,{earlier}=1),1,0)", fill=None)


def _red_hours(ws: Worksheet, first_hours: str, last_col: str) -> None:
    """Every hour cell the reader refuses (text) or the engine reports (outside 0 … 24×days for counted staff, in a
    report) turns red, not only the first one チェック links to."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    x = f"{first_hours}{r0}"
    d = layout.ROSTER_SUMMARY_ROWS["days"]
    first = layout.ROSTER_FIRST_MONTH_COL
    days = f"INDEX(${first_hours}${d}:${last_col}${d},1,COLUMN()-{first - 1}-MOD(COLUMN()-{first},2))"
    method = F.ref(layout.S_MONTHLY, layout.EFFECTIVE_METHOD_CELL)
    read = f'{method}<>"{layout.INPUT_METHODS[0]}"'
    counted = f'${layout.ROSTER_COL_COUNTED}{r0}="{layout.ROSTER_SHORT_MARK}"'
    report = f'KX_PHASE="{tuple(layout.PHASE_VALUES)[1]}"'
    rule = (f'OR(AND({read},ISTEXT({x}),LEN(TRIM({x}))>0),'
            f'AND({report},{method}="{layout.INPUT_METHODS[1]}",{counted},ISNUMBER({x}),OR({x}<0,{x}>24*{days})))')
    ws.conditional_formatting.add(f"{first_hours}{r0}:{last_col}{r1}",
                                  FormulaRule(formula=[rule], fill=styles.ERROR, font=styles.RED_BOLD))


def _validations(ws: Worksheet, lists: Lists, first_hours: str, last_col: str) -> None:
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
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


def _month_columns(ws: Worksheet, month: int) -> None:
    """A month's two columns: headings, days, the FTE of both sides (blank while an hour is typed as text) and
    the hidden counts the checks use."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    hr, sr, lr = layout.ROSTER_HEADER_ROW, layout.ROSTER_SUMMARY_ROWS, layout.ROSTER_MONTH_LABEL_ROW
    cs, ct = layout.roster_cols(month)
    ls, lt = get_column_letter(cs), get_column_letter(ct)
    year = F.calendar_year(str(month))
    # a month's two columns share one heading and one result: centred across both (cheaper than merging,
    # and every value stays in the 措置 column that layout.roster_cols names first)
    styles.header(ws, lr, {ls: f"{month}月", lt: None})
    days = f"{ls}${sr['days']}"
    styles.result_cell(ws, f"{ls}{sr['days']}", f"=DAY(EOMONTH(DATE({year},{month},1),0))", "0", fill=None)
    sochi, tok = f"{ls}${r0}:{ls}${r1}", f"{lt}${r0}:{lt}${r1}"
    text = f"{ls}${layout.ROSTER_HELPER_ROWS['text']}"  # hours typed as text: the month is left out
    for side, row in (("sochi", sr["sochi"]), ("tokutei", sr["tokutei"])):
        styles.result_cell(ws, f"{ls}{row}", f'=IF({text}>0,"",{roster_fte_formula(sochi, tok, days, side)[1:]})',
                           styles.FTE, bold=side == "sochi")
    _month_helpers(ws, ls, lt, days)
    for row in (sr["days"], sr["sochi"], sr["tokutei"]):
        styles.result_cell(ws, f"{lt}{row}", None, fill=None)
    styles.header(ws, hr, {ls: f'=IF(ISNUMBER(KX_FISCAL_YEAR),{F.wareki_month(year, str(month))},"{month}月")',
                           lt: None})
    for row in (lr, sr["days"], sr["sochi"], sr["tokutei"], hr):
        ws[f"{ls}{row}"].alignment = _ACROSS
        ws[f"{lt}{row}"].alignment = _ACROSS
    styles.header(ws, hr + 1, {ls: "措置", lt: "特定施設"})


def build_roster(ws: Worksheet, lists: Lists) -> None:
    """勤務形態一覧: the heading and the weekly hours, a column pair per month with its results, a row per person
    (inputs, validations, red marks on refused hours), then what prints on which page."""
    _roster_heading(ws)
    _month_block(ws)
    last_col = get_column_letter(layout.roster_cols(FISCAL_MONTHS[-1])[1])
    _person_rows(ws)
    first_hours = get_column_letter(layout.ROSTER_FIRST_MONTH_COL)
    _validations(ws, lists, first_hours, last_col)
    _red_hours(ws, first_hours, last_col)
    _roster_page(ws, first_hours, last_col)


def _roster_page(ws: Worksheet, first_hours: str, last_col: str) -> None:
    """The note under the table, hidden helper rows and columns, widths, panes, protection and the A4 pages."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    hr = layout.ROSTER_HEADER_ROW
    styles.text(ws, f"A{r1 + 2}", "※ 常勤専従（A）と、育児・介護の短時間勤務（○）で週30時間以上の職員は、その月に措置・特定施設の"
                "一方だけで勤務していれば1人と数えます。計算は15分単位（0.25時間刻み）の勤務時間で誤差なく行われます。", small=True)
    styles.text(ws, f"A{layout.ROSTER_NAME_ROW}", '="施設名: "&' + F.facility("facility.name"), bold=True)
    for row in layout.ROSTER_HELPER_ROWS.values():
        ws.row_dimensions[row].hidden = True
    for col in (layout.ROSTER_COL_USED, layout.ROSTER_COL_BAD, layout.ROSTER_COL_FIRST_BAD, layout.ROSTER_COL_NORMALISED,
                layout.ROSTER_COL_UNCOUNTED, layout.ROSTER_COL_NEW_JOB, layout.ROSTER_COL_FIRST_NORMALISED,
                layout.ROSTER_COL_PATTERN_READ, layout.ROSTER_COL_SHORT_READ):
        ws.column_dimensions[col].hidden = True
    styles.widths(ws, A=7, B=14, C=11, D=8, E=9)
    styles.width_range(ws, layout.ROSTER_FIRST_MONTH_COL, layout.roster_cols(FISCAL_MONTHS[-1])[1], 7.5)
    ws.row_dimensions[hr + 1].height = 27  # 特定施設 on two lines
    ws.freeze_panes = f"{first_hours}{r0}"
    styles.protect(ws)
    # April–September and October–March on separate A4 pages, names repeated: legible without shrinking
    styles.page_a4(ws, landscape=True, fit_width=False, print_area=f"A1:{last_col}{r1 + 2}",
                   title_rows=f"{layout.ROSTER_NAME_ROW}:{hr + 1}")
    ws.page_setup.scale = 85
    ws.print_title_cols = "A:E"
    ws.col_breaks.append(Break(id=layout.roster_cols(9)[1]))


def _roster_heading(ws: Worksheet) -> None:
    """Title, what the sheet is for, the weekly hours of a full-time worker (an input) and the rule of the count."""
    styles.title(ws, "勤務形態一覧（常勤換算）")  # fits columns A–E, which every printed page repeats
    styles.text(ws, "F1", "月別職員数シートの「実績の入力方法」で「勤務形態一覧」を選ぶと、ここで計算した常勤換算数を実績"
                "（実績報告書）に使います。勤務時間は月の合計を、措置の業務と特定施設の業務に分けて入力してください"
                "（兼務者は措置の時間だけが対象）。", small=True, wrap=True)
    ws.merge_cells("F1:Q2")
    ws.row_dimensions[2].height = 20
    wk = layout.ROSTER_WEEKLY_HOURS_CELL
    styles.text(ws, f"A{wk[1:]}", "常勤の従業者が勤務すべき週の時間数", bold=True, wrap=True)
    ws.merge_cells(f"A{wk[1:]}:B{wk[1:]}")
    ws.row_dimensions[int(wk[1:])].height = 28
    styles.input_cell(ws, wk, styles.HOURS)
    ws[wk] = _DEFAULT_WEEK
    styles.hidden_helpers(ws, F.num_helpers(layout.S_ROSTER, wk, "hours"))
    styles.validation(ws, wk, kind="decimal", operator="between", formula1="1", formula2="168",
                      prompt="就業規則で定める常勤の週の勤務時間（例: 40）。32時間未満のときは32時間として計算します。",
                      error="週の時間数は1〜168の数で入力してください。")
    styles.text(ws, f"D{wk[1:]}", "時間（32未満は32）", small=True)
    styles.text(ws, "F3", '="集計対象の職種: "&IF(KX_FACILITY_TYPE="軽費","介護職員",'
                'IF(KX_FACILITY_TYPE="養護","支援員・主任支援員","（施設情報で種別を選んでください）"))', bold=True)
    styles.text(ws, "F4", "常勤換算数 ＝ 勤務時間の合計 ÷（週の時間数 × 月の日数 ÷ 7）、小数点第2位以下切り捨て", small=True)


def _month_block(ws: Worksheet) -> None:
    """The labels of the summary rows, the people's headings and each month's pair of columns."""
    hr = layout.ROSTER_HEADER_ROW
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
        _month_columns(ws, month)


def _person_rows(ws: Worksheet) -> None:
    """Per person: 集計対象 (a result), the hidden helpers, and the input cells."""
    for row in layout.ROSTER_ROWS:
        styles.result_cell(ws, f"{layout.ROSTER_COL_COUNTED}{row}", _counted_formula(f"${layout.ROSTER_COL_JOB}{row}"),
                           fill=None)
        _person_helpers(ws, row)
        ws[f"{layout.ROSTER_COL_COUNTED}{row}"].alignment = styles.CENTER
        for col in (layout.ROSTER_COL_NAME, layout.ROSTER_COL_JOB, layout.ROSTER_COL_PATTERN, layout.ROSTER_COL_SHORT):
            styles.input_cell(ws, f"{col}{row}")
        for month in FISCAL_MONTHS:
            for col_no in layout.roster_cols(month):
                styles.input_cell(ws, f"{get_column_letter(col_no)}{row}")  # General: 160 and 160.75 both read plainly
