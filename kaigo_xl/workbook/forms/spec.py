"""The two forms (計画書 and 実績報告書) described once, as data. They are this tool's 参考様式: the notice (Q3) mentions
別紙様式 that it does not give us, so a municipality may print its own form number (policy `plan_form_label`).

A form is a list of boxes on a 7-column A4 grid, two pages (a row break before the initiatives). Each box says where
it is (a cell or a merged range), how it looks (a style name), and what it shows: fixed text, or a value given twice
— an Excel formula over the template's input cells and defined names (formula mode: plain Excel with no add-in fills
the form), and a key into the value table that `kaigo_xl.workbook.forms.values` computes from an engine Evaluation
(value mode: `kaigo-xl forms` and the Excel add-in). Writers (openpyxl here, the xlwings Book API in the add-in) only
draw what is listed. A key without a side (`annual`) means the form's own figures: the 見込み on the 計画書, the 実績 on
the 実績報告書; `plan.annual` is the plan's wherever it is shown.

Rows holding text a clerk writes are as tall as the longest text the input cells admit (rules.printing), so a form
printed from Excel alone shows all of it; `kaigo-xl forms` grows them for longer texts.
"""

from __future__ import annotations

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.rules import printing
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.forms.boxes import (
    AVERAGE,
    BLANK_DATE,
    DRAFT,
    FTE,
    FTE_PERSONS,
    MONTH_COLS,
    NOT_YET,
    PERSONS,
    PLEDGE,
    REPORT_DOCUMENT,
    REQUIREMENT_CODES,
    TECHNOLOGY,
    WIDTHS,
    YEN,
    YEN_OR_BLANK,
    Box,
    FormSpec,
    heights,
)
from kaigo_xl.workbook.forms.formulas import (
    FY,
    FY_LABEL,
    blank_or,
    checks,
    descriptions,
    due_formula,
    fi,
    has_actual,
    ini,
    ini_range,
    monthly_ref,
    more_formula,
    pay_formula,
    pay_method_formula,
    sum_category,
)
from kaigo_xl.workbook.template.formulas import calc, setting, wareki_date, wareki_month

# ---- shared parts of both forms ----

def _header(document: str, preamble: tuple[str, str], label_key: str) -> list[Box]:
    fy = f'IF({FY_LABEL}="","令和　　年度",{FY_LABEL})'
    return [
        Box("A1:B1", "form_no", key=f"form_label:{document}", formula=f"={setting(label_key)}"),
        Box("E1:G1", "stamp", key="stamp", formula=None),
        Box("A2:G2", "title", key=f"title:{document}",
            formula=f'={fy}&"　"&{setting("program_name")}&"　{document}"'),
        Box("A3:D3", "draft", key=f"draft:{document}", formula=_draft_formula(document)),
        Box("E3:G3", "date", key=f"submitted_on:{document}",  # only on the document being submitted now
            formula=(f'=IF(OR({fi("submitted_on")}="",KX_PHASE<>"{document}"),"{BLANK_DATE}",'
                     f'{wareki_date(fi("submitted_on"))})')),
        Box("A4:D4", "addressee", key="addressee",
            formula=f'=IF({fi("addressee")}="",{setting("mayor_title")},{fi("addressee")})&"　殿"'),
        Box("C6:D6", "head_label", "法人名"),
        Box("E6:G6", "head_value", key="corporation", formula=blank_or(fi("facility.corporation"))),
        Box("C7:D7", "head_label", "代表者（職・氏名）"),
        Box("E7:G7", "head_value", key="representative", formula=blank_or(fi("facility.representative"))),
        Box("A8:G8", "body", key=f"preamble:{document}",
            formula=f'={fy}&"{preamble[0]}"&{setting("program_name")}&"{preamble[1]}"'),
        Box("A9:G9", "ki", "記"),
    ]


def _draft_formula(document: str) -> str:
    """The red mark over a form that is not final: errors in the check; on the 実績報告書 also a book still at the
    計画書 stage (its 実績 are blank, and a blank report must not pass for a finished one)."""
    if document == REPORT_DOCUMENT:
        return f'=IF(KX_CHECK_OK="○",IF(KX_PHASE="{document}","","{NOT_YET}"),"{DRAFT}")'
    return f'=IF(KX_CHECK_OK="○","","{DRAFT}")'


def _facility(top: int) -> list[Box]:
    r = top
    return [
        Box(f"A{r}:G{r}", "section", "１　施設の概要"),
        Box(f"A{r + 1}", "label", "施設名"),
        Box(f"B{r + 1}:G{r + 1}", "text", key="facility_name", formula=blank_or(fi("facility.name")),
            chars=printing.FACILITY_NAME_CHARS),
        Box(f"A{r + 2}", "label", "施設の種別"),
        Box(f"B{r + 2}:D{r + 2}", "text", key="facility_type",
            formula=(f'=IF({fi("facility.type")}="養護","養護老人ホーム",IF({fi("facility.type")}="軽費",'
                     f'"軽費老人ホーム"&IF({fi("facility.subtype")}="","","（"&{fi("facility.subtype")}&"）"),""))')),
        Box(f"E{r + 2}", "label", "施設番号"),
        Box(f"F{r + 2}:G{r + 2}", "text", key="facility_number", formula=blank_or(fi("facility.number"))),
        Box(f"A{r + 3}", "label", "所在地"),
        Box(f"B{r + 3}:D{r + 3}", "small", key="address", formula=blank_or(fi("facility.address"))),
        Box(f"E{r + 3}", "label", "定員"),
        Box(f"F{r + 3}:G{r + 3}", "num", key="capacity", number_format=PERSONS,
            formula=blank_or(fi("facility.capacity"))),
        Box(f"A{r + 4}", "label", "特定施設入居者生活介護の指定"),
        Box(f"B{r + 4}:C{r + 4}", "check", key="tokutei",
            formula=checks(f'{fi("facility.tokutei_designated")}="あり"', "あり",
                            f'{fi("facility.tokutei_designated")}="なし"', "なし")),
        Box(f"D{r + 4}", "label", "加算の対象期間"),
        Box(f"E{r + 4}:G{r + 4}", "text", key="period",
            formula=(f'=IF(NOT(ISNUMBER({FY})),"",{wareki_month(FY, "4")}&"から"&'
                     f'{wareki_month(f"({FY}+1)", "3")}&"まで")')),
    ]


# (label, key, column of 月別職員数 or None for the payments, style) of each row of the monthly table
_PLAN_ROWS = (
    ("職員数（常勤換算）", "fte", layout.COL_PLAN_FTE, "num"),
    ("うち特定施設担当", "tokutei", layout.COL_PLAN_TOKUTEI, "num"),
    ("対象職員数", "target", layout.COL_TARGET, "num_bold"),
    ("支払予定額", "pay", None, "num"),
)
_REPORT_ROWS = (
    ("職員数（実績）", "fte", layout.COL_REAL_FTE, "num"),
    ("うち特定施設（実績）", "tokutei", layout.COL_REAL_TOKUTEI, "num"),
    ("対象職員数（実績）", "target", layout.COL_ACTUAL_TARGET, "num_bold"),
    ("対象職員数（計画）", "plan.target", layout.COL_TARGET, "num"),
)


def _monthly_table(top: int, plan: bool) -> tuple[list[Box], int]:
    """Two blocks of six months (April–September, October–March); returns the boxes and the next free row."""
    boxes: list[Box] = []
    r = top
    for half in (0, 1):
        boxes.append(Box(f"A{r}", "th", "月"))
        for j, col in enumerate(MONTH_COLS):
            boxes.append(Box(f"{col}{r}", "th", f"{FISCAL_MONTHS[half * 6 + j]}月"))
        r += 1
        for label, key, column, style in _PLAN_ROWS if plan else _REPORT_ROWS:
            boxes.append(Box(f"A{r}", "label", label))
            for j, col in enumerate(MONTH_COLS):
                i = half * 6 + j
                formula = pay_formula(i) if column is None else blank_or(monthly_ref(column, i))
                fmt = YEN_OR_BLANK if key == "pay" else FTE
                boxes.append(Box(f"{col}{r}", style, key=f"{key}.{i}", formula=formula, number_format=fmt))
            r += 1
    return boxes, r


def _plan_totals(r: int) -> list[Box]:
    return [
        Box(f"A{r}", "label", "対象職員数の合計"),
        Box(f"B{r}:C{r}", "num", key="target_sum", number_format=FTE_PERSONS, formula=blank_or(calc("target_sum"))),
        Box(f"D{r}:E{r}", "label", "1人当たり年額（単価）"),
        Box(f"F{r}:G{r}", "num", key="rate", number_format=YEN, formula="=KX_RATE_YEN"),
        Box(f"A{r + 1}", "label", "対象職員数（月平均）"),
        Box(f"B{r + 1}:C{r + 1}", "num_bold", key="average", number_format=AVERAGE, formula=blank_or("KX_AVERAGE_FTE")),
        Box(f"D{r + 1}:E{r + 1}", "label", "加算総額（年間）"),
        Box(f"F{r + 1}:G{r + 1}", "num_bold", key="annual", number_format=YEN, formula=blank_or("KX_ANNUAL_YEN")),
    ]


def _report_totals(r: int) -> list[Box]:
    """計画 and 実績 side by side: the totals, the averages, the 加算総額; the rate beside them."""
    out = [Box(f"A{r}", "th", ""), Box(f"B{r}:C{r}", "th", "計画（見込み）"), Box(f"D{r}:E{r}", "th", "実績"),
           Box(f"F{r}:G{r}", "th", "1人当たり年額（単価）"),
           Box(f"F{r + 1}:G{r + 3}", "num", key="rate", number_format=YEN, formula="=KX_RATE_YEN")]
    rows = (("対象職員数の合計", "target_sum", calc("target_sum"), calc("actual_target_sum"), FTE_PERSONS, "num"),
            ("対象職員数（月平均）", "average", "KX_AVERAGE_FTE", "KX_ACTUAL_AVERAGE_FTE", AVERAGE, "num_bold"),
            ("加算総額", "annual", "KX_ANNUAL_YEN", "KX_ACTUAL_ANNUAL_YEN", YEN, "num_bold"))
    for k, (label, key, plan, actual, fmt, style) in enumerate(rows, start=1):
        out += [Box(f"A{r + k}", "label", label),
                Box(f"B{r + k}:C{r + k}", "num", key=f"plan.{key}", number_format=fmt, formula=blank_or(plan)),
                Box(f"D{r + k}:E{r + k}", style, key=key, number_format=fmt, formula=blank_or(actual))]
    return out


def _requirements(top: int, report: bool, heading: str) -> tuple[list[Box], int]:
    """ア・イ・ウ with their status and what was done, then the further 職場環境等要件 items (number, title, status,
    detail), up to printing.EXTRA_INITIATIVES_ON_FORM and a line for the rest."""
    from kaigo_xl.catalog import default_catalog

    texts = default_catalog().alias_texts
    second = "未実施" if report else "実施予定"
    r = top
    boxes = [
        Box(f"A{r}:G{r}", "section", heading),
        Box(f"A{r + 1}:B{r + 1}", "th", "取組の区分"),
        Box(f"C{r + 1}", "th", "実施状況"),
        Box(f"D{r + 1}:G{r + 1}", "th", "具体的な取組内容"),
    ]
    r += 2
    for code in REQUIREMENT_CODES:
        status, detail = ini(code, layout.INI_COL_CANON), ini(code, layout.INI_COL_DETAIL)
        boxes += [
            Box(f"A{r}:B{r}", "small", f"（{code}）{texts.get(code, '')}"),
            Box(f"C{r}", "check", key=f"req.{code}.{'report' if report else 'plan'}",
                formula=checks(f'{status}="実施済"', "実施済", f'{status}="実施予定"', second, "CHAR(10)")),
            Box(f"D{r}:G{r}", "small", key=f"req.{code}.detail", formula=blank_or(detail),
                chars=printing.INITIATIVE_DETAIL_CHARS),
        ]
        r += 1
    boxes += [Box(f"A{r}:B{r}", "th", "職場環境等要件から追加した取組"), Box(f"C{r}", "th", "実施状況"),
              Box(f"D{r}:G{r}", "th", "具体的な取組内容")]
    r += 1
    for k in range(1, printing.EXTRA_INITIATIVES_ON_FORM + 1):
        boxes += _extra_row(r, k, report)
        r += 1
    boxes.append(Box(f"A{r}:G{r}", "note", key="req.more", formula=more_formula()))
    return boxes, r + 1


def _extra_row(r: int, k: int, report: bool) -> list[Box]:
    """The k-th further item (取組 sheet's rank column): ⑤ and its title, ☑ status, what was done."""
    def nth(col: str) -> str:
        return f'INDEX({ini_range(col)},MATCH({k},{ini_range(layout.INI_COL_RANK)},0))'

    code, title = nth(layout.INI_COL_CODE), nth(layout.INI_COL_TITLE)
    status = nth(layout.INI_COL_CANON)
    second = "未実施" if report else "実施予定"
    marks = checks(f'{status}="実施済"', "実施済", f'{status}="実施予定"', second, "CHAR(10)")[1:]
    return [
        Box(f"A{r}:B{r}", "small", key=f"req.extra.{k}.title", formula=f'=IFERROR({code}&" "&{title},"")',
            chars=_LONGEST_TITLE + 2),
        Box(f"C{r}", "check", key=f"req.extra.{k}.{'report' if report else 'plan'}",
            formula=f'=IFERROR({marks},"")'),
        Box(f"D{r}:G{r}", "small", key=f"req.extra.{k}.detail",
            formula=f'=IFERROR(IF({nth(layout.INI_COL_DETAIL)}="","",{nth(layout.INI_COL_DETAIL)}),"")',
            chars=printing.INITIATIVE_DETAIL_CHARS),
    ]


def _longest_title() -> int:
    from kaigo_xl.catalog import default_catalog

    catalog = default_catalog()
    return max((len(catalog.text(c)) for c in catalog.items), default=0)


_LONGEST_TITLE = _longest_title()


def _spending_rows(r: int, col: str, kind: str) -> tuple[list[Box], int]:
    """One row per category: its lines' descriptions and the planned or actual total; 介護テクノロジー機器購入 is
    shown too, marked 充当不可, and left out of the total (別添1 2(3)イ)."""
    boxes = []
    for cat in layout.EXPENSE_CATEGORIES:
        total = sum_category(cat, col)
        formula = f"={total}" if kind == "planned" else f'=IF({has_actual()},{total},"")'
        label = f"{cat}（充当不可）" if cat == TECHNOLOGY else cat
        lines = Box(f"B{r}:E{r}", "small", key=f"exp.desc.{cat}", formula=descriptions(cat),
                    chars=printing.EXPENSE_DESCRIPTION_CHARS)
        boxes += _money_row(r, label, lines, f"exp.{kind}.{cat}", formula)
        r += 1
    return boxes, r


def _footer(r: int) -> list[Box]:
    return [
        Box(f"A{r}", "label", "誓約"),
        Box(f"B{r}:G{r}", "small", PLEDGE),
        Box(f"A{r + 1}", "label", "担当者・連絡先"),
        Box(f"B{r + 1}:G{r + 1}", "text", key="contact", formula=blank_or(fi("facility.contact"))),
    ]


def _money_row(r: int, label: str, note: str | Box, key: str, formula: str, bold: bool = False) -> list[Box]:
    """項目 | 内容 | 金額: one row of the money tables (`note` is fixed text, or a box of its own)."""
    return [
        Box(f"A{r}", "label", label),
        note if isinstance(note, Box) else Box(f"B{r}:E{r}", "small", note),
        Box(f"F{r}:G{r}", "num_bold" if bold else "num", key=key, number_format=YEN, formula=formula),
    ]


def _money_head(r: int, heading: str, first: str, amount: str) -> list[Box]:
    return [
        Box(f"A{r}:G{r}", "section", heading),
        Box(f"A{r + 1}", "th", first),
        Box(f"B{r + 1}:E{r + 1}", "th", "内容"),
        Box(f"F{r + 1}:G{r + 1}", "th", amount),
    ]


# ---- 計画書 ----

def _plan() -> FormSpec:
    doc = "計画書"
    boxes = _header(doc, ("において", "を受けたいので、下記のとおり計画書を提出します。"), "plan_form_label")
    boxes += _facility(10)
    boxes.append(Box("A15:G15", "section", "２　対象職員数（常勤換算）の見込み及び支払予定"))
    table, r = _monthly_table(16, plan=True)
    boxes += table + _plan_totals(r)
    boxes += [Box(f"A{r + 2}", "label", "支払方法"),
              Box(f"B{r + 2}:G{r + 2}", "text", key="pay_method", formula=pay_method_formula())]
    r += 3
    boxes += _money_head(r, "３　加算額の使途（計画）", "経費の区分", "計画額")
    rows, r = _spending_rows(r + 2, layout.EXP_COL_PLANNED, "planned")
    boxes += rows
    boxes += _money_row(r, "合計", "充当できる経費（人件費・職場環境改善経費）の合計", "exp.planned.total",
                        "=KX_PLANNED_ALLOWED_YEN", bold=True)
    page_break = r
    req, r = _requirements(r + 1, report=False, heading="４　職場環境改善等の取組（加算要件・別添1 2(3)ア）")
    boxes += req
    boxes.append(Box(f"A{r}:G{r}", "section", "５　誓約・担当者"))
    boxes += _footer(r + 1)
    return FormSpec(layout.S_PLAN, "plan", doc, WIDTHS, heights(boxes), tuple(boxes), r + 2, page_break)


# ---- 実績報告書 ----

def _report() -> FormSpec:
    doc = REPORT_DOCUMENT
    boxes = _header(doc, ("における", "の実績について、下記のとおり報告します。"), "report_form_label")
    boxes += _facility(10)
    boxes.append(Box("A15:G15", "section", "２　対象職員数（常勤換算）の実績（計画との比較）"))
    table, r = _monthly_table(16, plan=False)
    boxes += table + _report_totals(r)
    r += 4
    boxes += _money_head(r, "３　加算額の受領及び支出の状況", "項目", "金額")
    given = fi("received_yen")
    boxes += _money_row(r + 2, "受領した加算額", "市区町村から支払を受けた加算額", "received",
                        f'=IF({given}<>"",{blank_or("KX_RECEIVED_YEN")[1:]},IF(KX_REFUND_YEN<>"",KX_RECEIVED_YEN,""))')
    rows, r2 = _spending_rows(r + 3, layout.EXP_COL_ACTUAL, "actual")
    boxes += rows
    boxes += _money_row(r2, "支出額の合計", "充当できる経費（人件費・職場環境改善経費）の合計", "exp.actual.total",
                        f'=IF({has_actual()},KX_ACTUAL_ALLOWED_YEN,"")', bold=True)
    boxes += _money_row(r2 + 1, "返還見込額", "受領額のうち、実績の加算総額及び支出額を超える額", "refund",
                        blank_or("KX_REFUND_YEN"), bold=True)
    boxes += _money_row(r2 + 2, "追加支弁見込額", "実績の加算総額が受領額を上回る額", "additional",
                        blank_or(calc("additional")))
    page_break = r2 + 2
    req, r = _requirements(r2 + 3, report=True, heading="４　職場環境改善等の取組の実績（別添1 2(3)ア）")
    boxes += req
    boxes += [
        Box(f"A{r}:G{r}", "section", "５　提出期限・誓約・担当者"),
        Box(f"A{r + 1}", "label", "実績報告書の提出期限"),
        Box(f"B{r + 1}:E{r + 1}", "text", key="due", formula=due_formula()),
        Box(f"F{r + 1}:G{r + 1}", "small", "（翌年度の4月末日）"),
    ]
    boxes += _footer(r + 2)
    return FormSpec(layout.S_REPORT, "actual", doc, WIDTHS, heights(boxes), tuple(boxes), r + 3, page_break)


PLAN: FormSpec = _plan()
REPORT: FormSpec = _report()
FORMS: tuple[FormSpec, ...] = (PLAN, REPORT)
