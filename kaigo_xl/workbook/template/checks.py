"""チェック: one row per engine finding code with ○/× and a Japanese reason, as the MHLW forms' check cells do.

Each condition is the native-formula twin of the engine's check (kaigo_xl.engine); the LibreOffice cross-check
(tests/workbook/test_crosscheck.py) holds both to the same verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.catalog import Catalog
from kaigo_xl.findings import CODES
from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.policy import Policy, RequirementRule
from kaigo_xl.rules import kasan
from kaigo_xl.wareki import fiscal_year_label
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.calc import (
    EFF_FTE,
    EFF_TOK,
    FIRST_MONTH,
    INSTALLMENTS,
    M0,
    M1,
    PLAN,
    REPORT,
    C,
    amounts,
    exp_range,
    facility_number,
    has_actual,
)
from kaigo_xl.workbook.template.settings import TECHNOLOGY, Lists


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

    out: list[tuple[str, list[str], str]] = []
    for i, rule in enumerate(policy.requirements):
        need = F.setting("min_requirements") if i == 0 else str(rule.min_count)
        if rule.each_category:
            for cat, items in catalog.categories.items():
                out.append((f"{catalog.category_names[cat]}から{rule.min_count}件以上", canon(items), need))
        elif rule.category is not None:
            found = list(dict.fromkeys(catalog.categories.get(rule.category, ())))
            out.append((f"{catalog.category_names.get(rule.category, rule.category)}から{rule.min_count}件以上",
                        found, need))
        else:
            out.append((rule_text(rule), canon(rule.items), need))
    return out


def rule_text(rule: RequirementRule) -> str:
    return rule.label or f"{'・'.join(rule.items)}のうち{rule.min_count}件以上"


def checks(policy: Policy, catalog: Catalog, lists: Lists) -> list[Check]:
    fac = F.facility
    roster_on = f'{F.ref(layout.S_MONTHLY, layout.EFFECTIVE_METHOD_CELL)}="{layout.INPUT_METHODS[1]}"'
    mon = f"{layout.S_MONTHLY}!{layout.COL_FTE}{M0}:{layout.COL_TOKUTEI}{M1}"
    out = [
        Check("FACILITY_NAME_MISSING", "施設名が入力されている", f'TRIM({fac("facility.name")})=""',
              F.text("施設情報に施設名を入力してください。"), f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['facility.name'].cell}"),
        Check("FACILITY_NUMBER_MISSING", "施設番号が入力されている", f'TRIM({fac("facility.number")})=""',
              F.text("施設番号を入力してください（市区町村での照合に使います）。"),
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['facility.number'].cell}"),
        Check("FY_BEFORE_START", "加算の対象年度（令和7年度以降）",
              f"AND(ISNUMBER(KX_FISCAL_YEAR),KX_FISCAL_YEAR<{kasan.FIRST_FISCAL_YEAR})",
              f'{F.fiscal_year_label()}&"は対象外です。この加算は{fiscal_year_label(kasan.FIRST_FISCAL_YEAR)}からです'
              f'（別添1 2(2)）。年度（西暦）を確認してください。"',
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['fiscal_year'].cell}"),
        Check("FY_RATE_UNCONFIRMED", "年度の単価が確定している",
              f"AND(ISNUMBER(KX_FISCAL_YEAR),KX_FISCAL_YEAR>{kasan.FIRST_FISCAL_YEAR},KX_RATE_YEN={kasan.RATE_R7_YEN})",
              F.text("令和8年度以降の単価は国から示されていません（Q6）。54,000円で計算しています。市区町村の設定をご確認ください。"),
              f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY['fiscal_year'].cell}"),
        Check("MONTH_MISSING", "12か月分の職員数が入力されている", f"12-COUNT({EFF_FTE})>0",
              f'(12-COUNT({EFF_FTE}))&"か月分の職員数がありません。職員がいない月は 0 を入力してください。"', mon),
        Check("FTE_NEGATIVE", "常勤換算数が負の値でない", f'COUNTIF({EFF_FTE},"<0")+COUNTIF({EFF_TOK},"<0")>0',
              F.text("負の値の月があります（月別職員数のH列）。"), mon),
        Check("FTE_TOO_LARGE", "常勤換算数が上限以内", f'COUNTIF({EFF_FTE},">"&{F.setting("fte_max")})>0',
              f'"上限（"&{F.setting("fte_max")}&"）を超える月があります。人数ではなく時間数を入力していないかご確認ください。"', mon),
        Check("TOKUTEI_EXCEEDS_FTE", "特定施設の担当職員数が全体以下",
              f"IFERROR(SUMPRODUCT(ISNUMBER({EFF_FTE})*ISNUMBER({EFF_TOK})*({EFF_TOK}>=0)*({EFF_FTE}>=0)"
              f"*({EFF_TOK}>{EFF_FTE})),1)>0", F.text("特定施設を担当する職員数が職員数を上回る月があります。"), mon),
        Check("TOKUTEI_NOT_DESIGNATED", "特定施設の指定と職員数が合っている",
              f'AND(TRIM({fac("facility.tokutei_designated")})="なし",COUNTIF({EFF_TOK},">0")>0)',
              F.text("特定施設担当の職員数がありますが、施設情報では特定施設の指定「なし」です。"), mon),
        Check("NO_TARGET_STAFF", "対象職員がいる", f"AND({F.calc('monthly_errors')}=0,COUNTIF(KX_TARGET_FTE,0)=12)",
              F.text("対象職員数が12か月とも0のため、加算総額は0円です。"), mon),
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
                     F.text("取組の番号は ①〜㉘ から選んでください。"), f"{ini}!{layout.INI_COL_CODE}{e0}"))
    missing = []
    for row in layout.INITIATIVE_FIXED_ROWS.values():
        s, d = (F.ref(ini, f"{col}{row}") for col in (layout.INI_COL_STATUS, layout.INI_COL_DETAIL))
        missing.append(f'(({s}="実施済")+({s}="実施予定"))*(TRIM({d})="")')
    de = f"'{ini}'!${layout.INI_COL_DETAIL}${e0}:${layout.INI_COL_DETAIL}${e1}"
    missing.append(f'SUMPRODUCT((TRIM({codes})<>"")*(COUNTIF({known},{codes})>0)*{valid}*(TRIM({de})=""))')
    out.append(Check("REQ_DETAIL_MISSING", "取組の具体的な内容が記入されている", "(" + "+".join(missing) + ")>0",
                     F.text("状況を選んだ取組の「具体的な取組の内容」を記入してください。"),
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
              F.text("勤務形態一覧に、負の値または月の時間数（24時間×日数）を超える勤務時間があります。"), where),
        Check("ROSTER_A_SPLIT", "常勤専従（A）の職員に特定施設の時間がない", f"AND({roster_on},IFERROR({split},0)>0)",
              F.text("常勤専従（A）の職員に特定施設の勤務時間もある月があります。兼務（B）として勤務時間で換算しました。"), where),
    ]


def _expense_checks() -> list[Check]:
    canon = exp_range(layout.EXP_COL_CANONICAL)
    planned, actual = amounts(layout.EXP_COL_PLANNED), amounts(layout.EXP_COL_ACTUAL)
    known = f'({canon}<>"")*({canon}<>"不明")'
    cap = F.setting("yen_max")
    rows = f'SUMPRODUCT(--({canon}<>""))'
    where = f"{layout.S_EXPENSES}!{layout.EXP_COL_CATEGORY}{layout.EXPENSE_ROWS[0]}"
    return [
        Check("EXP_NONE", "経費（加算の使い道）が入力されている", f"{rows}=0",
              F.text("加算の使い道（人件費・職場環境改善経費）を入力してください。"), where),
        Check("EXP_TECHNOLOGY", "介護テクノロジー機器購入に充てていない", f'COUNTIF({canon},"{TECHNOLOGY}")>0',
              F.text("介護テクノロジー等の機器購入費用には充当できません（別添1 2(3)イ）。介護テクノロジー導入・協働化等支援事業を"
                 "ご検討ください。"), where),
        Check("EXP_UNKNOWN_CATEGORY", "経費区分が正しい", f'COUNTIF({canon},"不明")>0',
              F.text("経費区分は 人件費 か 職場環境改善経費 を選んでください。"), where),
        Check("EXP_NEGATIVE", "金額が負の値でない",
              f"SUMPRODUCT({known}*(ISNUMBER({planned})*({planned}<0)+ISNUMBER({actual})*({actual}<0)))>0",
              F.text("負の金額があります。"), where),
        Check("EXP_TOO_LARGE", "金額が上限以内",
              f"SUMPRODUCT({known}*(ISNUMBER({planned})*({planned}>{cap})+ISNUMBER({actual})*({actual}>{cap})))>0",
              f'"1行の金額の上限（"&TEXT({cap},"#,##0")&"円）を超えています。桁を確認してください。"', where),
        Check("EXP_PLANNED_SHORT", "使い道の計画額が加算総額以上",
              f'AND({F.calc("phase")}="{PLAN}",{F.calc("annual")}<>"",{rows}>0,'
              f'{F.calc("planned_allowed")}<N({F.calc("annual")}))',
              f'"対象経費の計画額 "&TEXT({F.calc("planned_allowed")},"#,##0")&"円 が加算総額 "&'
              f'TEXT(N({F.calc("annual")}),"#,##0")&"円 に届いていません。"', where),
        Check("ACTUAL_MISSING", "実績報告書に経費の実績額がある",
              f'AND({F.calc("phase")}="{REPORT}",{rows}>0,NOT({has_actual()}))',
              F.text("実績報告書では経費の実績額を入力してください（支出がない行は 0 を入力）。"),
              f"{layout.S_EXPENSES}!{layout.EXP_COL_ACTUAL}{layout.EXPENSE_ROWS[0]}"),
        Check("RECEIVED_MISSING", "実績報告書に受領額が入力されている",
              f'AND({F.calc("phase")}="{REPORT}",{F.calc("annual")}<>"",{has_actual()},'
              f'NOT(ISNUMBER({facility_number("received_yen")})))',
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
        Check("PAY_FIRST_MONTH_INVALID", "初回の支払月が1〜12", first_bad, F.text("初回の支払月は1〜12で入力してください。"),
              f"{layout.S_FACILITY}!{cell['payment.first_month'].cell}"),
        Check("PAY_INSTALLMENTS_INVALID", "支払回数が1〜12", f"IF({first_bad},FALSE,{n_bad})",
              F.text("支払回数は1〜12で入力してください。"), f"{layout.S_FACILITY}!{cell['payment.installments'].cell}"),
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
