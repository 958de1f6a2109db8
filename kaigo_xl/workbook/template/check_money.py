"""チェック rows of the money and the printed texts: the formula twins of kaigo_xl.engine.money and engine.checks.texts.

Each row counts the engine's findings of its code and names the first cell concerned (the reader's `locate`).
"""

from __future__ import annotations

from kaigo_xl.rules import printing
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.calc import (
    FIRST_MONTH,
    INSTALLMENTS,
    PLAN,
    REPORT,
    amounts,
    exp_range,
    facility_number,
    has_actual,
)
from kaigo_xl.workbook.template.check_staff import Check, fixed, place
from kaigo_xl.workbook.template.settings import TECHNOLOGY

EXP = layout.S_EXPENSES
E0 = layout.EXPENSE_ROWS[0]
FAC = layout.S_FACILITY


def _col(letters: str) -> int:
    return ord(letters) - 64


def _first_row(cond: str, col: str) -> str:
    """The cell in column `col` of the first spending row where the array `cond` holds ("" when none)."""
    row = F.first_row(cond, exp_range(layout.EXP_COL_READ))
    return f'IF({row}>0,{place(EXP, row, str(_col(col)))},"")'


def _by_amount(planned: str, actual: str) -> str:
    """The first amount cell of a finding given per amount (計画額 before 実績額, row by row)."""
    row = F.first_row(f"(({planned})+({actual}))>0", exp_range(layout.EXP_COL_READ))
    col = (f"IF({F.at_row(planned, exp_range(layout.EXP_COL_READ), row)}>0,{_col(layout.EXP_COL_PLANNED)},"
           f"{_col(layout.EXP_COL_ACTUAL)})")
    return f'IF({row}>0,{place(EXP, row, col)},"")'


def expense_checks() -> list[Check]:
    read, canon = exp_range(layout.EXP_COL_READ), exp_range(layout.EXP_COL_CANONICAL)
    planned, actual = amounts(layout.EXP_COL_PLANNED), amounts(layout.EXP_COL_ACTUAL)
    known = f'({read}=1)*({canon}<>"不明")'
    cap = F.setting("yen_max")
    rows = f"SUMPRODUCT({read})"
    tech, unknown = f'({read}=1)*({canon}="{TECHNOLOGY}")', f'({read}=1)*({canon}="不明")'
    word = exp_range(layout.EXP_COL_WORD)
    neg = (f"{known}*ISNUMBER({planned})*({planned}<0)", f"{known}*ISNUMBER({actual})*({actual}<0)")
    big = (f"{known}*ISNUMBER({planned})*({planned}>{cap})", f"{known}*ISNUMBER({actual})*({actual}>{cap})")
    at_a = f"{EXP}!{layout.EXP_COL_CATEGORY}{E0}"
    return [
        Check("EXP_NONE", "経費（加算の使い道）が入力されている", f"IF({rows}=0,1,0)",
              F.text("加算の使い道（人件費・職場環境改善経費）を入力してください。"), fixed(at_a), at_a),
        Check("EXP_TECHNOLOGY", "介護テクノロジー機器購入に充てていない", f"SUMPRODUCT({tech})",
              F.text("介護テクノロジー等の機器購入費用には充当できません（別添1 2(3)イ）。介護テクノロジー導入・協働化等"
                     "支援事業（養護老人ホーム等も新たに助成対象とする予定、別添1 2(4)）をご検討ください。"),
              _first_row(tech, layout.EXP_COL_CATEGORY), at_a),
        Check("EXP_TECHNOLOGY_SUSPECTED", "経費の内容が機器の購入に見えない", f"SUMPRODUCT(--({word}=1))",
              F.text("内容に介護テクノロジー機器の語（見守りセンサー・インカム・タブレット等）があります。機器の購入なら"
                     "充当できません（別添1 2(3)イ）。介護テクノロジー導入・協働化等支援事業をご検討ください。"),
              _first_row(f"{word}=1", layout.EXP_COL_DESCRIPTION), f"{EXP}!{layout.EXP_COL_DESCRIPTION}{E0}"),
        Check("EXP_UNKNOWN_CATEGORY", "経費区分が正しい", f"SUMPRODUCT({unknown})",
              F.text("経費区分は 人件費 か 職場環境改善経費 を選んでください。"),
              _first_row(unknown, layout.EXP_COL_CATEGORY), at_a),
        Check("EXP_NEGATIVE", "金額が負の値でない", f"SUMPRODUCT({neg[0]})+SUMPRODUCT({neg[1]})",
              F.text("負の金額があります。"), _by_amount(*neg), f"{EXP}!{layout.EXP_COL_PLANNED}{E0}"),
        Check("EXP_TOO_LARGE", "金額が上限以内", f"SUMPRODUCT({big[0]})+SUMPRODUCT({big[1]})",
              f'"1行の金額の上限（"&TEXT({cap},"#,##0")&"円）を超えています。桁を確認してください。"',
              _by_amount(*big), f"{EXP}!{layout.EXP_COL_PLANNED}{E0}"),
        Check("EXP_PLANNED_SHORT", "使い道の計画額が加算総額以上",
              f'IF(AND({F.calc("phase")}="{PLAN}",{F.calc("annual")}<>"",{rows}>0,'
              f'{F.calc("planned_allowed")}<N({F.calc("annual")})),1,0)',
              f'"対象経費の計画額 "&TEXT({F.calc("planned_allowed")},"#,##0")&"円 が加算総額 "&'
              f'TEXT(N({F.calc("annual")}),"#,##0")&"円 に届いていません。"', fixed(at_a), at_a),
        Check("ACTUAL_MISSING", "実績報告書に経費の実績額がある",
              f'IF(AND({F.calc("phase")}="{REPORT}",{rows}>0,NOT({has_actual()})),1,0)',
              F.text("実績報告書では経費の実績額を入力してください（支出がない行は 0 を入力）。"),
              _first_row(f"{read}=1", layout.EXP_COL_ACTUAL), f"{EXP}!{layout.EXP_COL_ACTUAL}{E0}"),
    ]


def settlement_checks() -> list[Check]:
    received = f"{FAC}!{layout.FIELD_BY_KEY['received_yen'].cell}"
    given = facility_number("received_yen")
    return [
        Check("RECEIVED_MISSING", "実績報告書に受領額が入力されている",
              f'IF(AND({F.calc("phase")}="{REPORT}",{F.calc("actual_annual")}<>"",{has_actual()},'
              f'NOT(AND(ISNUMBER({given}),N({given})>=0))),1,0)',
              f'"受領額が未入力のため、"&IF({F.calc("annual")}<>"","見込み","実績")&"の加算総額 "&TEXT(N({F.calc("received")}),'
              f'"#,##0")&"円 を受領したものとして返還見込額を計算しました。受領額を入力してください。"',
              fixed(received), received),
        Check("REFUND_DUE", "返還見込額がない", f'IF(AND(ISNUMBER({F.calc("refund")}),N({F.calc("refund")})>0),1,0)',
              f'"返還見込額 "&TEXT(N({F.calc("refund")}),"#,##0")&"円 があります（計算シート）。"', fixed(received), received),
        Check("ADDITIONAL_DUE", "受領額が実績の加算総額以上",
              f'IF(AND(ISNUMBER({F.calc("additional")}),N({F.calc("additional")})>0),1,0)',
              f'"実績の加算総額が受領額を "&TEXT(N({F.calc("additional")}),"#,##0")&"円 上回ります（追加支弁の見込み）。"',
              fixed(received), received),
    ]


def payment_checks() -> list[Check]:
    n, f = INSTALLMENTS, FIRST_MONTH
    first_bad = f"OR({f}<1,{f}>12,{f}<>INT({f}))"
    n_bad = f"OR({n}<1,{n}>12,{n}<>INT({n}))"
    cell = layout.FIELD_BY_KEY
    first_at, n_at = (f"{FAC}!{cell[k].cell}" for k in ("payment.first_month", "payment.installments"))
    return [
        Check("PAY_FIRST_MONTH_INVALID", "初回の支払月が1〜12", f"IF({first_bad},1,0)",
              F.text("初回の支払月は1〜12で入力してください。"), fixed(first_at), first_at),
        Check("PAY_INSTALLMENTS_INVALID", "支払回数が1〜12", f"IF({first_bad},0,IF({n_bad},1,0))",
              F.text("支払回数は1〜12で入力してください。"), fixed(n_at), n_at),
        Check("PAY_BEYOND_FISCAL_YEAR", "支払が年度内（3月まで）に収まる",
              f"IF({first_bad},0,IF({n_bad},0,IF({n}>12-MOD({f}-4,12),1,0)))",
              f'"この初回の月からは"&IFERROR(12-MOD({f}-4,12),"")&"回以内にしてください（年度末は3月）。"', fixed(n_at), n_at),
    ]


def text_checks() -> Check:
    """TEXT_TOO_LONG: the 施設名, each initiative's 内容, each category's 内容 joined, longer than the printed boxes."""
    name = F.facility("facility.name")
    ini = layout.S_INITIATIVES
    i0, i1 = min(layout.INITIATIVE_FIXED_ROWS.values()), layout.INITIATIVE_EXTRA_ROWS[-1]
    detail = f"'{ini}'!${layout.INI_COL_DETAIL}${i0}:${layout.INI_COL_DETAIL}${i1}"
    ini_read = f"'{ini}'!${layout.INI_COL_READ}${i0}:${layout.INI_COL_READ}${i1}"
    long_ini = f"({ini_read}=1)*(LEN(TRIM({detail}))>{printing.INITIATIVE_DETAIL_CHARS})"
    read, canon = exp_range(layout.EXP_COL_READ), exp_range(layout.EXP_COL_CANONICAL)
    desc = exp_range(layout.EXP_COL_DESCRIPTION)
    cats = layout.EXPENSE_CATEGORIES
    joined = {c: (f'SUMPRODUCT(({read}=1)*({canon}="{c}")*(LEN(TRIM({desc}))>0)*(LEN(TRIM({desc}))+1))-1')
              for c in cats}
    long_cat = {c: f"({joined[c]}>{printing.EXPENSE_DESCRIPTION_CHARS})" for c in cats}
    first_line = {c: F.first_row(f'({read}=1)*({canon}="{c}")', read) for c in cats}
    exp_row = "MIN(" + ",".join(f"IF({long_cat[c]},{first_line[c]},99999)" for c in cats) + ")"
    ini_row = F.first_row(long_ini, ini_read)
    count = (f"IF(LEN(TRIM({name}))>{printing.FACILITY_NAME_CHARS},1,0)+SUMPRODUCT({long_ini})"
             f"+{'+'.join(f'IF({long_cat[c]},1,0)' for c in cats)}")
    name_at = f"{FAC}!{layout.FIELD_BY_KEY['facility.name'].cell}"
    where = (f'IF(LEN(TRIM({name}))>{printing.FACILITY_NAME_CHARS},{fixed(name_at)},'
             f'IF({ini_row}>0,"{ini}!{layout.INI_COL_DETAIL}"&{ini_row},'
             f'IF({exp_row}<99999,"{EXP}!{layout.EXP_COL_DESCRIPTION}"&{exp_row},"")))')
    return Check("TEXT_TOO_LONG", "文字数が計画書・実績報告書の欄に収まる", count,
                 F.text(f"施設名（{printing.FACILITY_NAME_CHARS}字）・取組の内容（{printing.INITIATIVE_DETAIL_CHARS}字）・"
                        f"同じ区分の経費の内容（合わせて{printing.EXPENSE_DESCRIPTION_CHARS}字）を超える文字があります。"
                        "Excel だけで印刷すると途中までしか表示されません。短くしてください。"), where, name_at)
