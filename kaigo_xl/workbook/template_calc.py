"""計算 and チェック: the engine's results and findings as native formulas.

計算 mirrors kaigo_xl.rules.kasan (average, 加算総額), rules.payments (schedule), rules.settlement (返還見込額) and
rules.deadlines; チェック has one row per engine finding code with ○/× and a Japanese reason, as the MHLW forms'
check cells do. The LibreOffice cross-check test (tests/test_crosscheck.py) holds both to the engine's results.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..catalog import Catalog
from ..findings import CODES
from ..models import FISCAL_MONTHS
from ..policy import Policy, RequirementRule
from ..rules import kasan
from ..wareki import fiscal_year_label
from . import layout, styles
from . import template_formulas as F
from .template_settings import TECHNOLOGY, Lists

C = layout.CALC_CELLS
_M0, _M1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]


def _monthly_range(col: str) -> str:
    return f"'{layout.S_MONTHLY}'!${col}${_M0}:${col}${_M1}"


def _exp_range(col: str) -> str:
    return f"'{layout.S_EXPENSES}'!${col}${layout.EXPENSE_ROWS[0]}:${col}${layout.EXPENSE_ROWS[-1]}"


def _amounts(col: str) -> str:
    """The spending amounts of column `col` (計画額 C, 実績額 D) as the reader reads them (typed text included)."""
    return F.num_value_range(layout.S_EXPENSES, col, layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1])


def _facility_number(key: str) -> str:
    """A number cell of 施設情報 as the reader reads it (typed text included)."""
    return F.num_value_ref(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell)


EFF_FTE, EFF_TOK = _monthly_range(layout.COL_EFF_FTE), _monthly_range(layout.COL_EFF_TOKUTEI)
INSTALLMENTS, FIRST_MONTH = _facility_number("payment.installments"), _facility_number("payment.first_month")
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


def _has_actual() -> str:
    """rules/engine: actual spending exists when a row with a known category has an actual amount."""
    canon = _exp_range(layout.EXP_COL_CANONICAL)
    return f'SUMPRODUCT(({canon}<>"")*({canon}<>"不明")*ISNUMBER({_amounts(layout.EXP_COL_ACTUAL)}))>0'


def _allowed_sum(col: str) -> str:
    """Allowed spending as the engine sums it: each line clamped to 0 … yen_max (policy), allowed categories only."""
    amounts, allowed, cap = _amounts(col), _exp_range(layout.EXP_COL_ALLOWED), F.setting("yen_max")
    return (f'=SUMIFS({amounts},{allowed},1,{amounts},">0",{amounts},"<="&{cap})'
            f'+{cap}*COUNTIFS({allowed},1,{amounts},">"&{cap})')


def build_calc(ws: Worksheet, monthly_ws: Worksheet, lists: Lists) -> None:
    styles.title(ws, "計算（加算総額・支払予定・返還見込額）")
    styles.text(ws, "E1", f"={F.fiscal_year_label()}", bold=True)
    styles.text(ws, "A2", "このシートは入力不要です。月別職員数・経費・施設情報から自動で計算します（別添1 2(2)、Q1）。",
                small=True)
    styles.header(ws, 3, {"B": "項目", "C": "値", "D": "説明"})
    phase_cell = F.facility("phase")
    received = _facility_number("received_yen")
    rows = {
        "target_sum": ("対象職員数（12か月の合計）", "=SUM(KX_TARGET_FTE)", "0.0#", "月別職員数シートの対象職員数の合計"),
        "average": ("対象職員数（月平均）", f'=IF({_c("monthly_errors")}>0,"",SUM(KX_TARGET_FTE)/KX_DIVISOR)',
                    styles.AVERAGE, "合計 ÷ 12（端数処理をしません。表示は小数第2位まで）"),
        "annual": ("加算総額（年間）", annual_formula(), styles.YEN, "月平均 × 54,000円（1円未満が出たときは設定シートの処理）"),
        "monthly_rate": ("1人1か月当たりの額", "=KX_RATE_YEN/12", styles.YEN, "Q1: 12か月なら4,500円、6か月なら9,000円"),
        "phase": ("作成する書類", f'=IF(TRIM({phase_cell})<>"",TRIM({phase_cell}),IF(SUMPRODUCT(('
                  f'{_exp_range(layout.EXP_COL_CATEGORY)}<>"")*ISNUMBER({_amounts(layout.EXP_COL_ACTUAL)}))>0,'
                  f'"{REPORT}","{PLAN}"))', None, "施設情報の選択（空欄なら、経費の実績額があれば実績報告書）"),
        "payment_total": ("支払額の合計", f'=IF(COUNT(C{layout.CALC_PAYMENT_ROWS[0]}:C{layout.CALC_PAYMENT_ROWS[-1]})=0,'
                          f'"",SUM(C{layout.CALC_PAYMENT_ROWS[0]}:C{layout.CALC_PAYMENT_ROWS[-1]}))', styles.YEN,
                          "加算総額と一致します"),
        "planned_total": ("経費の計画額（合計）", f"=SUM({_amounts(layout.EXP_COL_PLANNED)})", styles.YEN, ""),
        "planned_allowed": ("うち対象経費（人件費・職場環境改善経費）", _allowed_sum(layout.EXP_COL_PLANNED), styles.YEN,
                            "別添1 2(3)イ"),
        "actual_total": ("経費の実績額（合計）", f"=SUM({_amounts(layout.EXP_COL_ACTUAL)})", styles.YEN, ""),
        "actual_allowed": ("うち対象経費（実績）", _allowed_sum(layout.EXP_COL_ACTUAL), styles.YEN, ""),
        "received": ("受領額", f'=IF(ISNUMBER({received}),{received},{_c("annual")})', styles.YEN,
                     "施設情報の受領済みの額（空欄なら加算総額を受領したものとします）"),
        "refund": ("返還見込額",
                   f'=IF(OR({_c("annual")}="",NOT({_has_actual()})),"",IF({F.setting("refund_enabled")}=1,'
                   f'MAX(0,{_c("received")}-MIN(IF({F.setting("refund_includes_overpayment")}=1,'
                   f'MIN({_c("received")},{_c("annual")}),{_c("received")}),{_c("actual_allowed")})),0))',
                   styles.YEN, "受領額 −（受領額・実績の加算総額・対象経費の実績のうち最も小さい額）。実績額の入力後に表示"),
        "additional": ("追加支弁見込額", f'=IF(OR({_c("annual")}="",NOT({_has_actual()})),"",'
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
                      f'{_q(note.value)})')
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
    chart.add_data(Reference(monthly_ws, min_col=7, min_row=_M0, max_row=_M1), titles_from_data=False)
    chart.set_categories(Reference(monthly_ws, min_col=2, min_row=_M0, max_row=_M1))
    ws.add_chart(chart, "F3")
    styles.widths(ws, A=6, B=38, C=16, D=44)
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:O{int(C['fiscal_year_label'][1:])}")


# ---------------------------------------------------------------- チェック


@dataclass(frozen=True)
class Check:
    code: str  # the engine's finding code (kaigo_xl.findings.CODES)
    item: str  # what is checked
    condition: str  # formula that is TRUE when the engine would report `code`
    reason: str  # formula (text) shown when ×
    where: str


_MIDDLE = Alignment(vertical="center")
_MIDDLE_WRAP = Alignment(vertical="center", wrap_text=True)
_SEVERITY = {"error": "エラー", "warning": "注意", "info": "情報"}


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _status_counts(cell: str) -> str:
    """1 when an initiative's status counts: 実施済 always; 実施予定 only for a plan (別添1 2(3)ア)."""
    return f'(({cell}="実施済")+({F.calc("phase")}="{PLAN}")*({cell}="実施予定")>0)'


def _found(code: str, catalog: Catalog) -> str:
    """>0 when the canonical item `code` is counted (ア/イ/ウ rows, or extra rows with the code or its alias)."""
    ini = layout.S_INITIATIVES
    e0, e1 = layout.INITIATIVE_EXTRA_ROWS[0], layout.INITIATIVE_EXTRA_ROWS[-1]
    codes = f"'{ini}'!${layout.INI_COL_CODE}${e0}:${layout.INI_COL_CODE}${e1}"
    status = f"'{ini}'!${layout.INI_COL_STATUS}${e0}:${layout.INI_COL_STATUS}${e1}"
    parts = []
    for alias, item in catalog.aliases.items():
        if item == code and alias in layout.INITIATIVE_FIXED_ROWS:
            parts.append(_status_counts(F.ref(ini, f"{layout.INI_COL_STATUS}{layout.INITIATIVE_FIXED_ROWS[alias]}")))
    for c in [code, *sorted(a for a, i in catalog.aliases.items() if i == code)]:
        parts.append(f'COUNTIFS({codes},"{c}",{status},"実施済")')
        parts.append(f'({F.calc("phase")}="{PLAN}")*COUNTIFS({codes},"{c}",{status},"実施予定")')
    return "(" + "+".join(parts) + ")"


def requirement_checks(policy: Policy, catalog: Catalog) -> list[tuple[str, list[str], str]]:
    """(label, canonical items, min count) of each outcome the engine evaluates (rules.requirements.evaluate)."""
    def canon(items) -> list[str]:
        return list(dict.fromkeys(catalog.aliases.get(c, c) for c in items))

    out = []
    for i, rule in enumerate(policy.requirements):
        need = F.setting("min_requirements") if i == 0 else str(rule.min_count)
        if rule.each_category:
            for cat, items in catalog.categories.items():
                out.append((f"{catalog.category_names[cat]}から{rule.min_count}件以上", canon(items), need))
        elif rule.category is not None:
            items = list(dict.fromkeys(catalog.categories.get(rule.category, ())))
            out.append((f"{catalog.category_names.get(rule.category, rule.category)}から{rule.min_count}件以上",
                        items, need))
        else:
            out.append((rule_text(rule), canon(rule.items), need))
    return out


def rule_text(rule: RequirementRule) -> str:
    return rule.label or f"{'・'.join(rule.items)}のうち{rule.min_count}件以上"


def checks(policy: Policy, catalog: Catalog, lists: Lists) -> list[Check]:
    fac = F.facility
    roster_on = f'{F.ref(layout.S_MONTHLY, layout.EFFECTIVE_METHOD_CELL)}="{layout.INPUT_METHODS[1]}"'
    mon = f"{layout.S_MONTHLY}!{layout.COL_FTE}{_M0}:{layout.COL_TOKUTEI}{_M1}"
    out = [
        Check("FACILITY_NAME_MISSING", "施設名が入力されている", f'TRIM({fac("facility.name")})=""',
              _q("施設情報に施設名を入力してください。"), f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['facility.name'].cell}"),
        Check("FACILITY_NUMBER_MISSING", "施設番号が入力されている", f'TRIM({fac("facility.number")})=""',
              _q("施設番号を入力してください（市区町村での照合に使います）。"),
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['facility.number'].cell}"),
        Check("FY_BEFORE_START", "加算の対象年度（令和7年度以降）",
              f"AND(ISNUMBER(KX_FISCAL_YEAR),KX_FISCAL_YEAR<{kasan.FIRST_FISCAL_YEAR})",
              f'{F.fiscal_year_label()}&"は対象外です。この加算は{fiscal_year_label(kasan.FIRST_FISCAL_YEAR)}からです'
              f'（別添1 2(2)）。年度（西暦）を確認してください。"',
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['fiscal_year'].cell}"),
        Check("FY_RATE_UNCONFIRMED", "年度の単価が確定している",
              f"AND(ISNUMBER(KX_FISCAL_YEAR),KX_FISCAL_YEAR>{kasan.FIRST_FISCAL_YEAR},KX_RATE_YEN={kasan.RATE_R7_YEN})",
              _q("令和8年度以降の単価は国から示されていません（Q6）。54,000円で計算しています。市区町村の設定をご確認ください。"),
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['fiscal_year'].cell}"),
        Check("MONTH_MISSING", "12か月分の職員数が入力されている", f"12-COUNT({EFF_FTE})>0",
              f'(12-COUNT({EFF_FTE}))&"か月分の職員数がありません。職員がいない月は 0 を入力してください。"', mon),
        Check("FTE_NEGATIVE", "常勤換算数が負の値でない", f'COUNTIF({EFF_FTE},"<0")+COUNTIF({EFF_TOK},"<0")>0',
              _q("負の値の月があります（月別職員数のH列）。"), mon),
        Check("FTE_TOO_LARGE", "常勤換算数が上限以内", f'COUNTIF({EFF_FTE},">"&{F.setting("fte_max")})>0',
              f'"上限（"&{F.setting("fte_max")}&"）を超える月があります。人数ではなく時間数を入力していないかご確認ください。"', mon),
        Check("TOKUTEI_EXCEEDS_FTE", "特定施設の担当職員数が全体以下",
              f"IFERROR(SUMPRODUCT(ISNUMBER({EFF_FTE})*ISNUMBER({EFF_TOK})*({EFF_TOK}>=0)*({EFF_FTE}>=0)"
              f"*({EFF_TOK}>{EFF_FTE})),1)>0", _q("特定施設を担当する職員数が職員数を上回る月があります。"), mon),
        Check("TOKUTEI_NOT_DESIGNATED", "特定施設の指定と職員数が合っている",
              f'AND(TRIM({fac("facility.tokutei_designated")})="なし",COUNTIF({EFF_TOK},">0")>0)',
              _q("特定施設担当の職員数がありますが、施設情報では特定施設の指定「なし」です。"), mon),
        Check("NO_TARGET_STAFF", "対象職員がいる", f"AND({F.calc('monthly_errors')}=0,COUNTIF(KX_TARGET_FTE,0)=12)",
              _q("対象職員数が12か月とも0のため、加算総額は0円です。"), mon),
    ]
    out += _roster_checks(roster_on)
    ini = layout.S_INITIATIVES
    for label, items, need in requirement_checks(policy, catalog):
        count = "+".join(f"({_found(c, catalog)}>0)" for c in items) or "0"
        out.append(Check("REQ_NOT_MET", f"加算要件: {label}", f"({count})<{need}",
                         f'IF({F.calc("phase")}="{PLAN}","実施済または実施予定","実施済")&"の取組が"&{need}&"件以上必要です'
                         f'（現在 "&({count})&"件）。別添1 2(3)ア"',
                         f"{ini}!{layout.INI_COL_STATUS}{layout.INITIATIVE_FIXED_ROWS['ア']}"))
    e0, e1 = layout.INITIATIVE_EXTRA_ROWS[0], layout.INITIATIVE_EXTRA_ROWS[-1]
    codes = f"'{ini}'!${layout.INI_COL_CODE}${e0}:${layout.INI_COL_CODE}${e1}"
    known = lists.range("code")
    st = f"'{ini}'!${layout.INI_COL_STATUS}${e0}:${layout.INI_COL_STATUS}${e1}"
    valid = f'(({st}="実施済")+({st}="実施予定"))'
    out.append(Check("REQ_UNKNOWN_ITEM", "取組の番号が一覧にある",
                     f'SUMPRODUCT((TRIM({codes})<>"")*{valid}*(COUNTIF({known},{codes})=0))>0',
                     _q("取組の番号は ①〜㉘ から選んでください。"), f"{ini}!{layout.INI_COL_CODE}{e0}"))
    missing = []
    for row in layout.INITIATIVE_FIXED_ROWS.values():
        s, d = (F.ref(ini, f"{col}{row}") for col in (layout.INI_COL_STATUS, layout.INI_COL_DETAIL))
        missing.append(f'(({s}="実施済")+({s}="実施予定"))*(TRIM({d})="")')
    de = f"'{ini}'!${layout.INI_COL_DETAIL}${e0}:${layout.INI_COL_DETAIL}${e1}"
    missing.append(f'SUMPRODUCT((TRIM({codes})<>"")*(COUNTIF({known},{codes})>0)*{valid}*(TRIM({de})=""))')
    out.append(Check("REQ_DETAIL_MISSING", "取組の具体的な内容が記入されている", "(" + "+".join(missing) + ")>0",
                     _q("状況を選んだ取組の「具体的な取組の内容」を記入してください。"),
                     f"{ini}!{layout.INI_COL_DETAIL}{layout.INITIATIVE_FIXED_ROWS['ア']}"))
    out += _expense_checks()
    out += _payment_checks()
    out.append(Check("REPORT_LATE", "実績報告書の提出期限内",
                     f'AND({F.calc("phase")}="{REPORT}",ISNUMBER({fac("submitted_on")}),'
                     f'{fac("submitted_on")}>{F.calc("report_due")})',
                     f'"提出期限は"&{F.calc("report_due_wareki")}&"です。"',
                     f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['submitted_on'].cell}"))
    return out


def _roster_checks(roster_on: str) -> list[Check]:
    """Hours of counted staff: both sides of every month at once, with a parity mask picking the 措置 columns."""
    r0, r1 = layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]
    first = layout.ROSTER_FIRST_MONTH_COL
    last = layout.roster_cols(FISCAL_MONTHS[-1])[1]
    a, b = get_column_letter(first), get_column_letter(last - 1)  # 措置 block: F…AB (pairs start here)
    a2, b2 = get_column_letter(first + 1), get_column_letter(last)  # shifted by one: G…AC
    sh = f"'{layout.S_ROSTER}'!"
    sochi, tok = f"{sh}${a}${r0}:${b}${r1}", f"{sh}${a2}${r0}:${b2}${r1}"
    days = f"{sh}${a}${layout.ROSTER_SUMMARY_ROWS['days']}:${b}${layout.ROSTER_SUMMARY_ROWS['days']}"
    parity = f"(MOD(COLUMN({sh}${a}${r0}:${b}${r0})-{first},2)=0)"
    counted = f'({sh}${layout.ROSTER_COL_COUNTED}${r0}:${layout.ROSTER_COL_COUNTED}${r1}="{layout.ROSTER_SHORT_MARK}")'
    pattern_a = f'({sh}${layout.ROSTER_COL_PATTERN}${r0}:${layout.ROSTER_COL_PATTERN}${r1}="A")'
    bad = (f"SUMPRODUCT({counted}*(({sochi}<0)+({sochi}>24*{days})+({tok}<0)+({tok}>24*{days}))*{parity})")
    split = f"SUMPRODUCT({counted}*{pattern_a}*({sochi}>0)*({tok}>0)*{parity})"
    where = f"{layout.S_ROSTER}!{get_column_letter(first)}{r0}"
    return [
        Check("ROSTER_HOURS_INVALID", "勤務時間が0〜24時間×日数の範囲", f"AND({roster_on},IFERROR({bad},1)>0)",
              _q("勤務形態一覧に、負の値または月の時間数（24時間×日数）を超える勤務時間があります。"), where),
        Check("ROSTER_A_SPLIT", "常勤専従（A）の職員に特定施設の時間がない", f"AND({roster_on},IFERROR({split},0)>0)",
              _q("常勤専従（A）の職員に特定施設の勤務時間もある月があります。兼務（B）として勤務時間で換算しました。"), where),
    ]


def _expense_checks() -> list[Check]:
    canon = _exp_range(layout.EXP_COL_CANONICAL)
    planned, actual = _amounts(layout.EXP_COL_PLANNED), _amounts(layout.EXP_COL_ACTUAL)
    known = f'({canon}<>"")*({canon}<>"不明")'
    cap = F.setting("yen_max")
    rows = f'SUMPRODUCT(--({canon}<>""))'
    where = f"{layout.S_EXPENSES}!{layout.EXP_COL_CATEGORY}{layout.EXPENSE_ROWS[0]}"
    return [
        Check("EXP_NONE", "経費（加算の使い道）が入力されている", f"{rows}=0",
              _q("加算の使い道（人件費・職場環境改善経費）を入力してください。"), where),
        Check("EXP_TECHNOLOGY", "介護テクノロジー機器購入に充てていない", f'COUNTIF({canon},"{TECHNOLOGY}")>0',
              _q("介護テクノロジー等の機器購入費用には充当できません（別添1 2(3)イ）。介護テクノロジー導入・協働化等支援事業を"
                 "ご検討ください。"), where),
        Check("EXP_UNKNOWN_CATEGORY", "経費区分が正しい", f'COUNTIF({canon},"不明")>0',
              _q("経費区分は 人件費 か 職場環境改善経費 を選んでください。"), where),
        Check("EXP_NEGATIVE", "金額が負の値でない",
              f"SUMPRODUCT({known}*(ISNUMBER({planned})*({planned}<0)+ISNUMBER({actual})*({actual}<0)))>0",
              _q("負の金額があります。"), where),
        Check("EXP_TOO_LARGE", "金額が上限以内",
              f"SUMPRODUCT({known}*(ISNUMBER({planned})*({planned}>{cap})+ISNUMBER({actual})*({actual}>{cap})))>0",
              f'"1行の金額の上限（"&TEXT({cap},"#,##0")&"円）を超えています。桁を確認してください。"', where),
        Check("EXP_PLANNED_SHORT", "使い道の計画額が加算総額以上",
              f'AND({F.calc("phase")}="{PLAN}",{F.calc("annual")}<>"",{rows}>0,'
              f'{F.calc("planned_allowed")}<N({F.calc("annual")}))',
              f'"対象経費の計画額 "&TEXT({F.calc("planned_allowed")},"#,##0")&"円 が加算総額 "&'
              f'TEXT(N({F.calc("annual")}),"#,##0")&"円 に届いていません。"', where),
        Check("ACTUAL_MISSING", "実績報告書に経費の実績額がある",
              f'AND({F.calc("phase")}="{REPORT}",{rows}>0,NOT({_has_actual()}))',
              _q("実績報告書では経費の実績額を入力してください（支出がない行は 0 を入力）。"),
              f"{layout.S_EXPENSES}!{layout.EXP_COL_ACTUAL}{layout.EXPENSE_ROWS[0]}"),
        Check("RECEIVED_MISSING", "実績報告書に受領額が入力されている",
              f'AND({F.calc("phase")}="{REPORT}",{F.calc("annual")}<>"",{_has_actual()},'
              f'NOT(ISNUMBER({_facility_number("received_yen")})))',
              f'"受領額が未入力のため、加算総額 "&TEXT(N({F.calc("annual")}),"#,##0")&"円 を受領したものとして返還見込額を'
              f'計算しました。受領額を入力してください。"',
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['received_yen'].cell}"),
        Check("REFUND_DUE", "返還見込額がない", f'AND(ISNUMBER({F.calc("refund")}),N({F.calc("refund")})>0)',
              f'"返還見込額 "&TEXT(N({F.calc("refund")}),"#,##0")&"円 があります（計算シート）。"',
              f"{layout.S_CALC}!{C['refund']}"),
        Check("ADDITIONAL_DUE", "受領額が実績の加算総額以上",
              f'AND(ISNUMBER({F.calc("additional")}),N({F.calc("additional")})>0)',
              f'"実績の加算総額が受領額を "&TEXT(N({F.calc("additional")}),"#,##0")&"円 上回ります（追加支弁の見込み）。"',
              f"{layout.S_CALC}!{C['additional']}"),
    ]


def _payment_checks() -> list[Check]:
    n, f = INSTALLMENTS, FIRST_MONTH
    first_bad = f"IF(ISNUMBER({f}),OR({f}<1,{f}>12,{f}<>INT({f})),TRUE)"
    n_bad = f"IF(ISNUMBER({n}),OR({n}<1,{n}>12,{n}<>INT({n})),TRUE)"
    cell = layout.FIELD_BY_KEY
    return [
        Check("PAY_FIRST_MONTH_INVALID", "初回の支払月が1〜12", first_bad, _q("初回の支払月は1〜12で入力してください。"),
              f"{layout.S_FACILITY}!{cell['payment.first_month'].cell}"),
        Check("PAY_INSTALLMENTS_INVALID", "支払回数が1〜12", f"IF({first_bad},FALSE,{n_bad})",
              _q("支払回数は1〜12で入力してください。"), f"{layout.S_FACILITY}!{cell['payment.installments'].cell}"),
        Check("PAY_BEYOND_FISCAL_YEAR", "支払が年度内（3月まで）に収まる",
              f"IF({first_bad},FALSE,IF({n_bad},FALSE,{n}>12-MOD({f}-4,12)))",
              f'"この初回の月からは"&IFERROR(12-MOD({f}-4,12),"")&"回以内にしてください（年度末は3月）。"',
              f"{layout.S_FACILITY}!{cell['payment.installments'].cell}"),
    ]


def build_checks(ws: Worksheet, policy: Policy, catalog: Catalog, lists: Lists) -> list[Check]:
    styles.title(ws, "チェック（すべて ○ なら提出できます）")
    styles.text(ws, "A2", "入力に応じて自動で判定します。× の行は「理由」と「確認する場所」を見て直してください。"
                "「注意」「情報」の × は提出を妨げませんが、内容をご確認ください。", small=True)
    styles.text(ws, "B3", "総合判定（エラーなし）", bold=True)
    items = checks(policy, catalog, lists)
    r0 = layout.CHECK_FIRST_ROW
    r1 = r0 + len(items) - 1
    res, sev = layout.CHECK_COL_RESULT, layout.CHECK_COL_SEVERITY
    errors = f'COUNTIFS(${res}${r0}:${res}${r1},"×",${sev}${r0}:${sev}${r1},"エラー")'
    warnings = f'COUNTIFS(${res}${r0}:${res}${r1},"×",${sev}${r0}:${sev}${r1},"注意")'
    styles.result_cell(ws, "C3", f'=IF({errors}=0,"○","×")', bold=True)
    ws["C3"].alignment = styles.CENTER
    styles.result_cell(ws, "D3", f'="エラー "&{errors}&"件、注意 "&{warnings}&"件"', fill=None, bold=True)
    styles.header(ws, layout.CHECK_HEADER_ROW, {"A": "番号", layout.CHECK_COL_ITEM: "確認項目", res: "判定",
                                                 sev: "区分", layout.CHECK_COL_REASON: "理由（× のとき）",
                                                 layout.CHECK_COL_CODE: "コード", layout.CHECK_COL_WHERE: "確認する場所"})
    for i, chk in enumerate(items):
        row = r0 + i
        styles.result_cell(ws, f"A{row}", i + 1, fill=None)
        styles.result_cell(ws, f"{layout.CHECK_COL_ITEM}{row}", chk.item, fill=None)
        styles.result_cell(ws, f"{res}{row}", f'=IFERROR(IF({chk.condition},"×","○"),"×")', bold=True, fill=None)
        ws[f"{res}{row}"].alignment = styles.CENTER
        styles.result_cell(ws, f"{sev}{row}", _SEVERITY[CODES[chk.code][0].value], fill=None)
        styles.result_cell(ws, f"{layout.CHECK_COL_REASON}{row}", f'=IF({res}{row}="×",{chk.reason},"")', fill=None)
        styles.result_cell(ws, f"{layout.CHECK_COL_CODE}{row}", chk.code, fill=None)
        styles.result_cell(ws, f"{layout.CHECK_COL_WHERE}{row}", chk.where, fill=None)
        ws.row_dimensions[row].height = 27  # room for a two-line reason
        for col in ("A", layout.CHECK_COL_ITEM, sev, layout.CHECK_COL_CODE, layout.CHECK_COL_WHERE):
            ws[f"{col}{row}"].alignment = _MIDDLE
        ws[f"{layout.CHECK_COL_REASON}{row}"].alignment = _MIDDLE_WRAP
    for ref in (f"{res}{r0}:{res}{r1}", "C3"):
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=['"×"'], fill=styles.ERROR,
                                                      font=styles.RED_FONT))
    styles.widths(ws, A=6, B=40, C=7, D=7, E=60, F=30, G=20)
    ws.freeze_panes = f"A{r0}"
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:G{r1}", title_rows=f"{layout.CHECK_HEADER_ROW}:{layout.CHECK_HEADER_ROW}")
    return items
