"""チェック rows of the monthly figures and the roster: the formula twins of kaigo_xl.engine.staffing.

Every row counts what the engine reports (one finding per cell, month or job, as the engine does) and names the
first cell concerned, where the engine's finding points (through the workbook reader's `locate`).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.calc import EFF_FTE, EFF_TOK, REPORT, monthly_range
from kaigo_xl.workbook.template.monthly import IS_PLAN, ROSTER_METHOD, doc_columns

M0 = layout.MONTHLY_ROWS[0]
MON = layout.S_MONTHLY


@dataclass(frozen=True)
class Check:
    code: str  # the engine's finding code (kaigo_xl.findings.CODES)
    item: str  # what is checked
    count: str  # formula: how many findings with this code the engine gives (0 = ○)
    reason: str  # formula (text) shown when there are some
    where: str  # formula (text): the first cell concerned, as 月別職員数!C8 ("" when none)
    default: str  # the place to look when there is nothing to report


def place(sheet: str, row: str, col: str) -> str:
    return f'"{sheet}!"&ADDRESS({row},{col},4)'


def fixed(ref: str) -> str:
    return F.text(ref)


def doc_errors() -> str:
    """Errors of the document's monthly figures (no total while > 0)."""
    return f'IF({IS_PLAN},{F.calc("monthly_errors")},{F.calc("actual_errors")})'


def _doc_targets(fn: str) -> str:
    g, h = monthly_range(layout.COL_TARGET), monthly_range(layout.COL_ACTUAL_TARGET)
    return f"IF({IS_PLAN},{fn.format(g)},{fn.format(h)})"


def _first_month(cond: str, col: str) -> str:
    """Where a monthly finding points: the first month row where `cond` (an array over the months) holds."""
    row = F.first_row(cond, EFF_FTE)
    return f'IF({row}>0,{place(MON, row, col)},"")'


def _by_cell(fte_cond: str, tok_cond: str) -> str:
    """The first cell of a finding given per figure (職員数 before 特定施設, month by month)."""
    fte_col, tok_col = doc_columns()
    row = F.first_row(f"(({fte_cond})+({tok_cond}))>0", EFF_FTE)
    col = f"IF({F.at_row(fte_cond, EFF_FTE, row)}>0,{fte_col},{tok_col})"
    return f'IF({row}>0,{place(MON, row, col)},"")'


def monthly_checks() -> list[Check]:
    p, q = EFF_FTE, EFF_TOK
    fte_max = F.setting("fte_max")
    _, tok_col = doc_columns()
    missing = monthly_range(layout.COL_EFF_MISSING)
    fine = monthly_range(layout.COL_EFF_FINE)
    neg_f, neg_t = f"ISNUMBER({p})*({p}<0)", f"ISNUMBER({q})*({q}<0)"
    large = f"ISNUMBER({p})*({p}>{fte_max})"
    exceeds = f"ISNUMBER({p})*ISNUMBER({q})*({q}>=0)*({p}>=0)*({q}>{p})"
    roster_empty = f'AND(NOT({IS_PLAN}),{F.ref(MON, layout.EFFECTIVE_METHOD_CELL)}="{layout.INPUT_METHODS[1]}（職員なし）")'
    fte_col, _ = doc_columns()
    targets = _doc_targets("COUNTIF({},0)")
    designated_no = (f'OR({F.squeeze(F.facility("facility.tokutei_designated"))}={F.squeeze(F.text("なし"))},'
                     f'{F.squeeze(F.facility("facility.tokutei_designated"))}={F.squeeze(F.text("無"))},'
                     f'IF(ISLOGICAL({F.facility("facility.tokutei_designated")}),'
                     f'NOT({F.facility("facility.tokutei_designated")}),FALSE))')
    exact = _doc_targets("SUM({})") + "*KX_RATE_YEN/KX_DIVISOR"
    doc_annual = f'IF({IS_PLAN},{F.calc("annual")},{F.calc("actual_annual")})'
    return [
        Check("MONTH_MISSING", "12か月分の職員数（この書類の数値）が入力されている", f"IF(SUM({missing})>0,1,0)",
              f'SUM({missing})&"か月分の職員数がありません。職員がいない月は 0 を入力してください。"',
              f'IF({roster_empty},{fixed(f"{layout.S_ROSTER}!{layout.ROSTER_COL_JOB}{layout.ROSTER_FIRST_ROW}")},'
              f'{_first_month(f"{missing}=1", fte_col)})', f"{MON}!C6"),
        Check("FTE_NEGATIVE", "常勤換算数が負の値でない", f"SUMPRODUCT({neg_f})+SUMPRODUCT({neg_t})",
              F.text("負の値の月があります（月別職員数のK列）。"), _by_cell(neg_f, neg_t), f"{MON}!C6"),
        Check("FTE_TOO_LARGE", "常勤換算数が上限以内", f"SUMPRODUCT({large})",
              f'"上限（"&{fte_max}&"）を超える月があります。人数ではなく時間数を入力していないかご確認ください。"',
              _first_month(large, fte_col), f"{MON}!C6"),
        Check("TOKUTEI_EXCEEDS_FTE", "特定施設の担当職員数が全体以下", f"SUMPRODUCT({exceeds})",
              F.text("特定施設を担当する職員数が職員数を上回る月があります。"), _first_month(exceeds, tok_col), f"{MON}!D6"),
        Check("TOKUTEI_NOT_DESIGNATED", "特定施設の指定と職員数が合っている",
              f"IF(AND({designated_no},SUMPRODUCT(ISNUMBER({q})*({q}>0))>0),1,0)",
              F.text("特定施設担当の職員数がありますが、施設情報では特定施設の指定「なし」です。"),
              _first_month(f"ISNUMBER({q})*({q}>0)", tok_col), f"{MON}!D6"),
        Check("FTE_PRECISION", "常勤換算数が小数第1位まで", f"IF(SUMPRODUCT(--({fine}>0))>0,1,0)",
              F.text("小数第2位以下の常勤換算数があります。入力どおりの値で計算しています（勤務形態一覧では第2位以下を"
                     "切り捨てます）。"), _first_fine(fine), f"{MON}!C6"),
        Check("NO_TARGET_STAFF", "対象職員がいる", f"IF(AND({doc_errors()}=0,{targets}=12),1,0)",
              F.text("対象職員数が12か月とも0のため、加算総額は0円です。"), _target_cell(), f"{MON}!G6"),
        Check("MONTH_ZERO", "対象職員数が0の月がない", f"IF(AND({doc_errors()}=0,{targets}>0,{targets}<12),1,0)",
              f'{targets}&"か月の対象職員数が0です（月平均は"&KX_DIVISOR&"で割ります）。"', _target_cell(), f"{MON}!G6"),
        Check("YEN_ROUNDED", "加算総額に1円未満の端数が出ない",
              f'IF(AND({doc_annual}<>"",MOD(ROUND({exact},6),1)<>0),1,0)',
              F.text("加算総額に1円未満の端数が出たため、設定の方法で端数を処理しました（小数第3位以下の常勤換算数、"
                     "または単価・除数の設定による）。"), _target_cell(), f"{MON}!G6"),
    ]


def _first_fine(fine: str) -> str:
    row = F.first_row(f"{fine}>0", fine)
    return f'IF({row}>0,{place(MON, row, f"INDEX({fine},{row}-{M0 - 1})")},"")'


def _target_cell() -> str:
    return (f'IF({IS_PLAN},{fixed(f"{MON}!{layout.COL_TARGET}{M0}")},'
            f'{fixed(f"{MON}!{layout.COL_ACTUAL_TARGET}{M0}")})')


# ---------------------------------------------------------------- the roster (the 実績 of a report)


def roster_checks() -> list[Check]:
    """Hours of counted staff: the roster feeds the 実績, so these are looked at for a 実績報告書 only."""
    on = f'AND({F.calc("phase")}="{REPORT}",{ROSTER_METHOD})'
    sh = layout.S_ROSTER
    h = layout.ROSTER_HELPER_ROWS
    first, last = layout.ROSTER_FIRST_MONTH_COL, layout.roster_cols(FISCAL_MONTHS[-1])[1]
    a, b = get_column_letter(first), get_column_letter(last)
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]

    def row_of(key: str) -> str:
        return f"'{sh}'!${a}${h[key]}:${b}${h[key]}"

    def first_month(key: str) -> str:
        return F.first_col(f"{row_of(key)}>0", row_of(key))

    col = first_month("invalid")
    row = f"INDEX({row_of('invalid_row')},1,{col}-{first - 1})"
    hours = f"INDEX('{sh}'!${a}${r0}:${b}${r1},{row}-{r0 - 1},{col}-{first - 1})"
    days = f"INDEX('{sh}'!${a}${layout.ROSTER_SUMMARY_ROWS['days']}:${b}${layout.ROSTER_SUMMARY_ROWS['days']},1,{col}-{first - 1})"
    bad_sochi = f"AND(ISNUMBER({hours}),OR({hours}<0,{hours}>24*{days}))"
    invalid_at = f'IF(AND({on},{col}>0),{place(sh, row, f"IF({bad_sochi},{col},{col}+1)")},"")'
    split_col = first_month("split")
    split_row = f"INDEX({row_of('split_row')},1,{split_col}-{first - 1})"
    split_at = (f'IF(AND({on},{split_col}>0),"{sh}!{layout.ROSTER_COL_PATTERN}"&{split_row},"")')
    new_job = f"'{sh}'!${layout.ROSTER_COL_NEW_JOB}${r0}:${layout.ROSTER_COL_NEW_JOB}${r1}"
    job_row = F.first_row(f"{new_job}=1", new_job)
    return [
        Check("ROSTER_HOURS_INVALID", "勤務時間が0〜24時間×日数の範囲", f"IF({on},SUM({row_of('invalid')}),0)",
              F.text("勤務形態一覧に、負の値または月の時間数（24時間×日数）を超える勤務時間があります。"), invalid_at,
              f"{sh}!{a}{r0}"),
        Check("ROSTER_A_SPLIT", "常勤専従（A）の職員に特定施設の時間がない", f"IF({on},SUM({row_of('split')}),0)",
              F.text("常勤専従（A）の職員に特定施設の勤務時間もある月があります。兼務（B）として勤務時間で換算しました。"),
              split_at, f"{sh}!{layout.ROSTER_COL_PATTERN}{r0}"),
        Check("ROSTER_JOB_NOT_COUNTED", "勤務形態一覧の職種が対象職員に当たる", f"IF({on},SUM({new_job}),0)",
              F.text("対象職員数に含めない職種の職員がいます（養護は支援員・主任支援員、軽費は介護職員のみ。別添1 2(2)ア）。"),
              f'IF(AND({on},{job_row}>0),"{sh}!{layout.ROSTER_COL_JOB}"&{job_row},"")',
              f"{sh}!{layout.ROSTER_COL_JOB}{r0}"),
    ]
