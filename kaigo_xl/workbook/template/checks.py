"""チェック: one row per engine finding code with ○/×, how many, a Japanese reason and a link to the first cell
concerned — what `kaigo-xl check` says of the same book, code for code and count for count.

Each row is the native-formula twin of the engine's check (kaigo_xl.engine) or of the reader's (reading.py); the
LibreOffice cross-check (tests/workbook/test_crosscheck.py) holds both to the same codes, counts and first cells.
What the formulas cannot tell — a renamed or missing sheet, inserted rows, merged cells, an old version, macros — is
only said by the command (README).
"""

from __future__ import annotations

import re

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.catalog import Catalog
from kaigo_xl.findings import CODES
from kaigo_xl.policy import Policy, RequirementRule
from kaigo_xl.rules import kasan
from kaigo_xl.wareki import fiscal_year_label
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.calc import PLAN, REPORT
from kaigo_xl.workbook.template.check_money import (
    expense_checks,
    payment_checks,
    settlement_checks,
    text_checks,
)
from kaigo_xl.workbook.template.check_staff import Check, fixed, monthly_checks, roster_checks
from kaigo_xl.workbook.template.reading import input_invalid, input_normalised
from kaigo_xl.workbook.template.settings import Lists

_MIDDLE = Alignment(vertical="center")
_MIDDLE_WRAP = Alignment(vertical="center", wrap_text=True)
_SEVERITY = {"error": "エラー", "warning": "注意", "info": "情報"}
INI = layout.S_INITIATIVES
I0, I1 = min(layout.INITIATIVE_FIXED_ROWS.values()), layout.INITIATIVE_EXTRA_ROWS[-1]


def _ini_range(col: str) -> str:
    return f"'{INI}'!${col}${I0}:${col}${I1}"


def _counts(status_range: str) -> str:
    """An array: 1 where an initiative's status counts (実施済; 実施予定 too unless a report counts only 実施済)."""
    done_only = f'AND({F.calc("phase")}="{REPORT}",{F.setting("report_requires_done")}=1)'
    return f'(({status_range}="実施済")+({status_range}="実施予定")*NOT({done_only})>0)'


def _found(code: str, catalog: Catalog) -> str:
    """>0 when the canonical item `code` is counted (ア/イ/ウ rows, or further rows with the code or its alias)."""
    codes, canon, read = (_ini_range(c) for c in (layout.INI_COL_CODE, layout.INI_COL_CANON, layout.INI_COL_READ))
    parts = []
    for alias, item in catalog.aliases.items():
        if item == code and alias in layout.INITIATIVE_FIXED_ROWS:
            parts.append(_counts(F.ref(INI, f"{layout.INI_COL_CANON}{layout.INITIATIVE_FIXED_ROWS[alias]}")))
    extra = f"(ROW({codes})>={layout.INITIATIVE_EXTRA_ROWS[0]})"
    for c in [code, *sorted(a for a, i in catalog.aliases.items() if i == code)]:
        parts.append(f'SUMPRODUCT({extra}*({read}=1)*({codes}="{c}")*{_counts(canon)})')
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


def initiative_checks(policy: Policy, catalog: Catalog, lists: Lists) -> list[Check]:
    at = f"{INI}!{layout.INI_COL_STATUS}{I0}"
    basis = "市区町村が定めた代替の要件、別添2 Q2" if policy.custom_requirements else "別添1 2(3)ア"
    done_only = f'AND({F.calc("phase")}="{REPORT}",{F.setting("report_requires_done")}=1)'
    out = []
    for label, items, need in requirement_checks(policy, catalog):
        count = "+".join(f"({_found(c, catalog)}>0)" for c in items) or "0"
        out.append(Check("REQ_NOT_MET", f"加算要件: {label}", f"IF(({count})<{need},1,0)",
                         f'IF({done_only},"実施済","実施済または実施予定")&"の取組が"&{need}&"件以上必要です'
                         f'（現在 "&({count})&"件。{basis}）"&IF({done_only},"。実績報告で実施済だけを数えるのは市区町村の'
                         f'規則です（通知の要件は「計画又は既に実施」）","")', fixed(at), at))
    codes, canon, read = (_ini_range(c) for c in (layout.INI_COL_CODE, layout.INI_COL_CANON, layout.INI_COL_READ))
    detail = _ini_range(layout.INI_COL_DETAIL)
    known = f'(COUNTIF({lists.range("code")},{codes})>0)'
    fixed_rows = f"(ROW({codes})<{layout.INITIATIVE_EXTRA_ROWS[0]})"
    is_known = f"(({fixed_rows}+{known})>0)"
    unknown = f"({read}=1)*NOT({is_known})"
    no_detail = f'({read}=1)*{is_known}*(LEN(TRIM({detail}))=0)'
    planned = f'({read}=1)*({canon}="実施予定")*({F.calc("phase")}="{REPORT}")'

    def first(cond: str, col: str) -> str:
        row = F.first_row(cond, read)
        return f'IF({row}>0,"{INI}!{col}"&{row},"")'

    out += [
        Check("REQ_UNKNOWN_ITEM", "取組の番号が一覧にある", f"SUMPRODUCT({unknown})",
              F.text("取組の番号は ①〜㉘ から選んでください。"), first(unknown, layout.INI_COL_CODE),
              f"{INI}!{layout.INI_COL_CODE}{layout.INITIATIVE_EXTRA_ROWS[0]}"),
        Check("REQ_DETAIL_MISSING", "取組の具体的な内容が記入されている", f"SUMPRODUCT({no_detail})",
              F.text("状況を選んだ取組の「具体的な取組の内容」を記入してください。"), first(no_detail, layout.INI_COL_DETAIL),
              f"{INI}!{layout.INI_COL_DETAIL}{I0}"),
        Check("REQ_STILL_PLANNED", "実績報告書で「実施予定」のままの取組がない", f"SUMPRODUCT({planned})",
              f'"実施予定のままの取組は、実績報告書に「未実施」と印刷されます"&IF({done_only},"（市区町村の規則により要件に'
              f'数えません）。","（要件には計画として数えます）。")', first(planned, layout.INI_COL_STATUS), at),
    ]
    return out


def facility_checks() -> list[Check]:
    fac = F.facility
    cell = {k: f"{layout.S_FACILITY}!{layout.FIELD_BY_KEY[k].cell}" for k in
            ("facility.name", "facility.number", "fiscal_year", "submitted_on")}
    fy = f"{fixed(cell['fiscal_year'])}"
    return [
        Check("FACILITY_NAME_MISSING", "施設名が入力されている", f'IF(TRIM({fac("facility.name")})="",1,0)',
              F.text("施設情報に施設名を入力してください。"), fixed(cell["facility.name"]), cell["facility.name"]),
        Check("FACILITY_NUMBER_MISSING", "施設番号が入力されている", f'IF(TRIM({fac("facility.number")})="",1,0)',
              F.text("施設番号を入力してください（市区町村での照合に使います）。"), fixed(cell["facility.number"]),
              cell["facility.number"]),
        Check("FY_BEFORE_START", "加算の対象年度（令和7年度以降）",
              f"IF(AND(ISNUMBER(KX_FISCAL_YEAR),KX_FISCAL_YEAR<{kasan.FIRST_FISCAL_YEAR}),1,0)",
              f'{F.fiscal_year_label()}&"は対象外です。この加算は{fiscal_year_label(kasan.FIRST_FISCAL_YEAR)}からです'
              f'（別添1 2(2)）。年度（西暦）を確認してください。"', fy, cell["fiscal_year"]),
        Check("FY_RATE_UNCONFIRMED", "年度の単価が決まっている",
              f'IF(AND(ISNUMBER(KX_FISCAL_YEAR),KX_FISCAL_YEAR>={kasan.FIRST_FISCAL_YEAR},'
              f'{F.setting("rate_source")}="assumed"),1,0)',
              f'{F.fiscal_year_label()}&"の単価は国から示されていません。令和8年度以降にこの加算を続けるかどうかも国で'
              f'検討中です（Q6）。"&TEXT(KX_RATE_YEN,"#,##0")&"円で仮に計算しています。市区町村の設定をご確認ください。"',
              fy, cell["fiscal_year"]),
        Check("REPORT_LATE", "実績報告書の提出期限内",
              f'IF(AND({F.calc("phase")}="{REPORT}",ISNUMBER({fac("submitted_on")}),'
              f'{fac("submitted_on")}>{F.calc("report_due")}),1,0)',
              f'"提出期限は"&{F.calc("report_due_wareki")}&"です。"', fixed(cell["submitted_on"]), cell["submitted_on"]),
    ]


def reading_checks() -> list[Check]:
    invalid, normalised = input_invalid(), input_normalised()
    return [
        Check("INPUT_INVALID", "入力された値が読める（数値・選択肢・必須の支払回数など）", invalid.count,
              F.text("数値として読めない値、一覧にない選択肢、未入力の必須項目などがあります。確認する場所のセルを直して"
                     "ください（2件目以降は kaigo-xl check またはアドインの入力チェックで一覧できます）。"),
              invalid.first, f"{layout.S_FACILITY}!C4"),
        Check("INPUT_NORMALISED", "全角数字や単位・空白のない入力", normalised.count,
              F.text("全角数字・空白・単位（円・人など）を含む値を読み替えました。値が意図どおりか確認してください。"),
              normalised.first, f"{layout.S_FACILITY}!C4"),
    ]


def checks(policy: Policy, catalog: Catalog, lists: Lists) -> list[Check]:
    return [*reading_checks(), *facility_checks()[:4], *monthly_checks(), *roster_checks(),
            *initiative_checks(policy, catalog, lists), *expense_checks(), *settlement_checks(), *payment_checks(),
            facility_checks()[4], text_checks()]


def build_checks(ws: Worksheet, policy: Policy, catalog: Catalog, lists: Lists) -> list[Check]:
    styles.title(ws, "チェック（エラーが0件なら提出できます）")
    styles.text(ws, "A2", "入力に応じて自動で判定します。× の行は「理由」を読み、「確認する場所」をクリックしてそのセルを直して"
                "ください（赤くなっています）。「注意」「情報」は提出を妨げませんが、内容をご確認ください。", small=True, wrap=True)
    ws.merge_cells("A2:H2")
    ws.row_dimensions[2].height = 26
    styles.text(ws, "B3", "総合判定（エラーなし）", bold=True)
    items = checks(policy, catalog, lists)
    r0 = layout.CHECK_FIRST_ROW
    r1 = r0 + len(items) - 1
    res, sev, cnt = layout.CHECK_COL_RESULT, layout.CHECK_COL_SEVERITY, layout.CHECK_COL_COUNT

    def total(label: str) -> str:
        return f'SUMIF(${sev}${r0}:${sev}${r1},"{label}",${cnt}${r0}:${cnt}${r1})'

    styles.result_cell(ws, "C3", f'=IF({total("エラー")}=0,"○","×")', bold=True)
    ws["C3"].alignment = styles.CENTER
    styles.result_cell(ws, "D3", f'="エラー "&{total("エラー")}&"件、注意 "&{total("注意")}&"件、情報 "&{total("情報")}&"件"',
                       fill=None, bold=True)
    styles.header(ws, layout.CHECK_HEADER_ROW, {"A": "番号", layout.CHECK_COL_ITEM: "確認項目", res: "判定", sev: "区分",
                                                 cnt: "件数", layout.CHECK_COL_REASON: "理由（× のとき）",
                                                 layout.CHECK_COL_CODE: "コード", layout.CHECK_COL_WHERE: "確認する場所"})
    for i, chk in enumerate(items):
        _row(ws, r0 + i, i + 1, chk)
    for ref in (f"{res}{r0}:{res}{r1}", "C3"):
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=['"×"'], fill=styles.ERROR,
                                                      font=styles.RED_FONT))
    styles.widths(ws, A=5, B=40, C=6, D=8, E=6, F=60, G=31, H=22, I=22)
    ws.column_dimensions[layout.CHECK_COL_PLACE].hidden = True
    _red_where_pointed(ws, r1)
    ws.freeze_panes = f"A{r0}"
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:H{r1}",
                   title_rows=f"{layout.CHECK_HEADER_ROW}:{layout.CHECK_HEADER_ROW}")
    return items


def _red_where_pointed(ws: Worksheet, last: int) -> None:
    """Every input cell a チェック row points at (an error or a warning) turns red, whatever the sheet: the link's
    cell is the one to fix. (月別職員数, 取組 and 経費 also colour every other cell of the same mistake.)"""
    first = layout.CHECK_FIRST_ROW
    places = f"'{layout.S_CHECKS}'!${layout.CHECK_COL_PLACE}${first}:${layout.CHECK_COL_PLACE}${last}"
    severity = f"'{layout.S_CHECKS}'!${layout.CHECK_COL_SEVERITY}${first}:${layout.CHECK_COL_SEVERITY}${last}"
    for sheet, cells in layout.INPUT_CELLS.items():
        target = ws.parent[sheet]
        here = f'"{sheet}!"&ADDRESS(ROW(),COLUMN(),4)'
        rule = FormulaRule(formula=[f'COUNTIFS({places},{here},{severity},"<>情報")>0'], fill=styles.ERROR,
                           font=styles.RED_BOLD)
        target.conditional_formatting.add(" ".join(runs_of(cells)), rule)


def runs_of(cells: tuple[str, ...]) -> list[str]:
    """Input cells as few rectangular ranges: the cells of one column in consecutive rows become C6:C17."""
    by_col: dict[str, list[int]] = {}
    for ref in cells:
        col = ref.rstrip("0123456789")
        by_col.setdefault(col, []).append(int(ref[len(col):]))
    out = []
    for col, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            out.append(f"{col}{start}" if start == prev else f"{col}{start}:{col}{prev}")
            if r is not None:
                start = prev = r
    return out


def _row(ws: Worksheet, row: int, number: int, chk: Check) -> None:
    res, sev, cnt = layout.CHECK_COL_RESULT, layout.CHECK_COL_SEVERITY, layout.CHECK_COL_COUNT
    place, where = f"{layout.CHECK_COL_PLACE}{row}", f"{layout.CHECK_COL_WHERE}{row}"
    styles.result_cell(ws, f"A{row}", number, fill=None)
    styles.result_cell(ws, f"{layout.CHECK_COL_ITEM}{row}", chk.item, fill=None)
    styles.result_cell(ws, f"{cnt}{row}", f"=IFERROR({chk.count},1)", "0", fill=None)
    styles.result_cell(ws, f"{res}{row}", f'=IF({cnt}{row}>0,"×","○")', bold=True, fill=None)
    ws[f"{res}{row}"].alignment = styles.CENTER
    styles.result_cell(ws, f"{sev}{row}", _SEVERITY[CODES[chk.code][0].value], fill=None)
    styles.result_cell(ws, f"{layout.CHECK_COL_REASON}{row}", f'=IF({cnt}{row}>0,IFERROR({chk.reason},""),"")', fill=None)
    styles.result_cell(ws, f"{layout.CHECK_COL_CODE}{row}", chk.code, fill=None)
    # the first cell concerned (where `kaigo-xl check` points), or the place to look; a link jumps there
    styles.result_cell(ws, place, f'=IF({cnt}{row}>0,IFERROR({chk.where},""),"")', fill=None)
    default = F.text(chk.default)
    shown = f'IF({place}<>"",{place},{default})'
    styles.result_cell(ws, where, f'=HYPERLINK("#\'"&SUBSTITUTE({shown},"!","\'!"),{shown})', fill=None)
    ws[where].font = styles.LINK_FONT
    # room for the reason at 9 pt: two lines, three for the long ones (REQ_NOT_MET with its basis, INPUT_INVALID …)
    words = sum(len(t) for t in re.findall(r'"([^"]*)"', chk.reason))
    ws.row_dimensions[row].height = 40 if words > 60 or chk.code in ("REQ_NOT_MET", "FY_RATE_UNCONFIRMED") else 27
    ws[f"{layout.CHECK_COL_REASON}{row}"].font = styles.SMALL
    for col in ("A", sev, cnt, layout.CHECK_COL_CODE, layout.CHECK_COL_WHERE):
        ws[f"{col}{row}"].alignment = _MIDDLE
    for col in (layout.CHECK_COL_ITEM, layout.CHECK_COL_REASON):
        ws[f"{col}{row}"].alignment = _MIDDLE_WRAP


__all__ = ["PLAN", "Check", "build_checks", "checks", "requirement_checks", "rule_text"]
