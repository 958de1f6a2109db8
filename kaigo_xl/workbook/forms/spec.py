"""The two official forms (計画書 = 別紙様式1, 実績報告書 = 別紙様式2) described once, as data.

A form is a list of boxes on a 7-column A4 grid. Each box says where it is (a cell or a merged range), how it
looks (a style name), and what it shows: fixed text, or a value given twice — an Excel formula over the template's
input cells and defined names (formula mode: plain Excel with no add-in fills the form), and a key into the value
table that `kaigo_xl.workbook.forms.value_table` computes from an engine Evaluation (value mode: `kaigo-xl forms`
and the Excel add-in). Writers (openpyxl here, the xlwings Book API in the add-in) only draw what is listed.

The formulas mirror the rules for the live template; a test recalculates them with LibreOffice and requires the
same values as the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template.formulas import (
    calc,
    facility,
    fiscal_year_label,
    ref,
    setting,
    wareki_date,
    wareki_month,
)

# ---- number formats (和暦 dates are text, built as kaigo_xl.wareki writes them: no era number formats) ----
YEN = '#,##0"円"'
YEN_OR_BLANK = '#,##0"円";-#,##0"円";""'  # months without a payment stay empty
FTE = '0.0#'
FTE_PERSONS = '0.0#"人"'
AVERAGE = '0.00"人"'
PERSONS = '#,##0"人"'

PLEDGE = "計画書及び実績報告書の内容を証明する資料は適切に保管し、求めがあった場合には速やかに提出します。"
PROGRAM = "介護人材確保・職場環境改善等加算"
REQUIREMENT_CODES = ("ア", "イ", "ウ")
BLANK_DATE = "令和　　年　　月　　日"


@dataclass(frozen=True)
class Style:
    """How a box looks; every size is at least 9 pt so the printed form stays legible."""

    size: float = 10.5
    bold: bool = False
    h: str = "left"  # left | center | right
    v: str = "center"
    wrap: bool = False
    border: str = ""  # "" | "box" (thin all round) | "under" (a line to write on)
    fill: str = ""
    color: str = ""
    indent: int = 0


STYLES: dict[str, Style] = {
    "form_no": Style(10.5),
    "stamp": Style(9, h="right", color="7F7F7F"),
    "title": Style(15, bold=True, h="center"),
    "date": Style(10.5, h="right"),
    "addressee": Style(12),
    "head_label": Style(10.5, h="right"),
    "head_value": Style(10.5, border="under", wrap=True),
    "body": Style(10, wrap=True, v="center"),
    "ki": Style(10.5, h="center"),
    "section": Style(11, bold=True, v="bottom"),
    "label": Style(10, border="box", fill="F2F2F2", wrap=True, indent=0),
    "th": Style(10, border="box", fill="F2F2F2", h="center", wrap=True),
    "text": Style(10, border="box", wrap=True),
    "small": Style(9.5, border="box", wrap=True),
    "center": Style(10, border="box", h="center"),
    "num": Style(10, border="box", h="right"),
    "num_bold": Style(10.5, border="box", h="right", bold=True),
    "check": Style(10, border="box", wrap=True, h="left"),
    "note": Style(9.5, wrap=True, v="top"),
}


@dataclass(frozen=True)
class Box:
    """One labelled box: `ref` is a cell or a merged range; the first cell holds the content."""

    ref: str
    style: str = "text"
    text: str = ""  # fixed text (labels, headings)
    key: str | None = None  # value mode: key into the value table
    formula: str | None = None  # formula mode: Excel formula (starting with "=")
    number_format: str = "General"

    @property
    def anchor(self) -> str:
        return self.ref.split(":")[0]

    @property
    def dynamic(self) -> bool:
        return self.key is not None


@dataclass(frozen=True)
class FormSpec:
    sheet: str
    form_number: str  # 別紙様式1
    title: str  # the part after the fiscal year: 介護人材確保・職場環境改善等加算　計画書
    widths: dict[str, float]
    heights: dict[int, float]
    boxes: tuple[Box, ...]
    last_row: int
    paper: str = "A4"
    orientation: str = "portrait"
    default_height: float = 15.0
    margins_cm: tuple[float, float, float, float] = (1.5, 1.5, 1.0, 1.0)  # left, right, top, bottom
    font: str = "ＭＳ 明朝"

    @property
    def last_col(self) -> str:
        return max(self.widths)

    @property
    def print_area(self) -> str:
        return f"A1:{self.last_col}{self.last_row}"

    def dynamic_boxes(self) -> list[Box]:
        return [b for b in self.boxes if b.dynamic]


LINE_PT = 14.0  # one line of 10 pt text (Noto CJK and MS 明朝 both fit)
# Column widths in Excel units (a digit of the Normal font, Calibri 11: 5.25 pt); 94 units fill A4 at 100 %.
UNIT_PT = 5.25
WIDTHS = {"A": 22.0, "B": 12.0, "C": 12.0, "D": 12.0, "E": 12.0, "F": 12.0, "G": 12.0}
MONTH_COLS = ("B", "C", "D", "E", "F", "G")


# ---- formula helpers: references into the template's input and result cells (layout.py is the contract) ----

fi = facility
FY = "KX_FISCAL_YEAR"
FY_LABEL = fiscal_year_label(FY)


def _blank_or(cell: str) -> str:
    return f'=IF({cell}="","",{cell})'


def _checks(cond_a: str, label_a: str, cond_b: str, label_b: str, sep: str = '"　"') -> str:
    """☑ あり　□ なし: two check boxes; `sep` is a formula (CHAR(10) puts them on two lines)."""
    return f'=IF({cond_a},"☑","□")&" {label_a}"&{sep}&IF({cond_b},"☑","□")&" {label_b}"'


def _monthly_ref(col: str, i: int) -> str:
    return ref(layout.S_MONTHLY, f"{col}{layout.MONTHLY_ROWS[i]}")


def _expense_range(col: str) -> str:
    first, last = layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1]
    return f"'{layout.S_EXPENSES}'!${col}${first}:${col}${last}"


def _sum_category(category: str, col: str) -> str:
    """Spending of one category, read through the template's canonical-category column (synonyms as the engine)."""
    return f'SUMIF({_expense_range(layout.EXP_COL_CANONICAL)},"{category}",{_expense_range(col)})'


def _joined(pieces: list[str]) -> str:
    """Texts joined with 、 where each piece is "" or "、…" (no TEXTJOIN: Excel 2016 has none)."""
    return f"=MID({'&'.join(pieces)},2,2000)"


def _descriptions(category: str) -> str:
    """The descriptions of one category's spending lines."""
    def piece(row: int) -> str:
        cat = ref(layout.S_EXPENSES, f"{layout.EXP_COL_CANONICAL}{row}")
        text = ref(layout.S_EXPENSES, f"{layout.EXP_COL_DESCRIPTION}{row}")
        return f'IF(AND({cat}="{category}",{text}<>""),"、"&{text},"")'

    return _joined([piece(row) for row in layout.EXPENSE_ROWS])


def _other_initiatives() -> str:
    """⑰（実施予定）、⑤（実施済）: the catalog items entered below ア・イ・ウ."""
    def piece(row: int) -> str:
        code = ref(layout.S_INITIATIVES, f"{layout.INI_COL_CODE}{row}")
        status = ref(layout.S_INITIATIVES, f"{layout.INI_COL_STATUS}{row}")
        return f'IF(OR({code}="",{status}=""),"","、"&{code}&"（"&{status}&"）")'

    return _joined([piece(row) for row in layout.INITIATIVE_EXTRA_ROWS])


def _ini(code: str, col: str) -> str:
    return ref(layout.S_INITIATIVES, f"{col}{layout.INITIATIVE_FIXED_ROWS[code]}")


def _pay_method_formula() -> str:
    """6回払い（令和7年10月から令和8年3月まで）; blank when the engine would have no schedule."""
    n, m = "KX_INSTALLMENTS", "KX_FIRST_MONTH"
    last_off = f"(MOD({m}-4,12)+{n}-1)"
    last_month = f"(MOD({last_off}+3,12)+1)"
    first = wareki_month(f"({FY}+({m}<4))", m)
    last = wareki_month(f"({FY}+({last_off}>=9))", last_month)
    return (f'=IF(OR({calc("payment_invalid")}=1,KX_ANNUAL_YEN="",NOT(ISNUMBER({n}))),"",'
            f'IF({n}=1,"1回払い（"&{first}&"）",{n}&"回払い（"&{first}&"から"&{last}&"まで）"))')


def _due_formula() -> str:
    """令和8年4月30日（2026年4月30日）: 和暦 with the Western date beside it."""
    d = "KX_REPORT_DUE"
    western = f'"（"&YEAR({d})&"年"&MONTH({d})&"月"&DAY({d})&"日）"'
    return f'=IF(ISNUMBER({d}),{wareki_date(d)}&{western},"")'


# ---- shared parts of both forms ----

def _header(form_number: str, title: str, preamble: str, document: str) -> list[Box]:
    return [
        Box("A1", "form_no", form_number),
        Box("E1:G1", "stamp", key="stamp", formula=None),
        Box("A2:G2", "title", key=f"title:{title}", formula=f'=IF({FY_LABEL}="","令和　　年度",{FY_LABEL})&"　{title}"'),
        Box("E3:G3", "date", key=f"submitted_on:{document}",  # only on the document being submitted now
            formula=(f'=IF(OR({fi("submitted_on")}="",KX_PHASE<>"{document}"),"{BLANK_DATE}",'
                     f'{wareki_date(fi("submitted_on"))})')),
        Box("A4:D4", "addressee", key="addressee",
            formula=f'=IF({fi("addressee")}="",{setting("mayor_title")},{fi("addressee")})&"　殿"'),
        Box("C6:D6", "head_label", "法人名"),
        Box("E6:G6", "head_value", key="corporation", formula=_blank_or(fi("facility.corporation"))),
        Box("C7:D7", "head_label", "代表者（職・氏名）"),
        Box("E7:G7", "head_value", key="representative", formula=_blank_or(fi("facility.representative"))),
        Box("A8:G8", "body", key=f"preamble:{preamble}", formula=f'=IF({FY_LABEL}="","令和　　年度",{FY_LABEL})&"{preamble}"'),
        Box("A9:G9", "ki", "記"),
    ]


def _facility(top: int) -> list[Box]:
    r = top
    return [
        Box(f"A{r}:G{r}", "section", "１　施設の概要"),
        Box(f"A{r + 1}", "label", "施設名"),
        Box(f"B{r + 1}:D{r + 1}", "text", key="facility_name", formula=_blank_or(fi("facility.name"))),
        Box(f"E{r + 1}", "label", "施設番号"),
        Box(f"F{r + 1}:G{r + 1}", "text", key="facility_number", formula=_blank_or(fi("facility.number"))),
        Box(f"A{r + 2}", "label", "施設の種別"),
        Box(f"B{r + 2}:D{r + 2}", "text", key="facility_type",
            formula=(f'=IF({fi("facility.type")}="養護","養護老人ホーム",IF({fi("facility.type")}="軽費",'
                     f'"軽費老人ホーム"&IF({fi("facility.subtype")}="","","（"&{fi("facility.subtype")}&"）"),""))')),
        Box(f"E{r + 2}", "label", "定員"),
        Box(f"F{r + 2}:G{r + 2}", "num", key="capacity", number_format=PERSONS,
            formula=_blank_or(fi("facility.capacity"))),
        Box(f"A{r + 3}", "label", "所在地"),
        Box(f"B{r + 3}:G{r + 3}", "text", key="address", formula=_blank_or(fi("facility.address"))),
        Box(f"A{r + 4}", "label", "特定施設入居者生活介護の指定"),
        Box(f"B{r + 4}:C{r + 4}", "check", key="tokutei",
            formula=_checks(f'{fi("facility.tokutei_designated")}="あり"', "あり",
                            f'{fi("facility.tokutei_designated")}="なし"', "なし")),
        Box(f"D{r + 4}", "label", "加算の対象期間"),
        Box(f"E{r + 4}:G{r + 4}", "text", key="period",
            formula=(f'=IF(NOT(ISNUMBER({FY})),"",{wareki_month(FY, "4")}&"から"&'
                     f'{wareki_month(f"({FY}+1)", "3")}&"まで")')),
    ]


_STAFF_ROWS = (  # the template's effective columns: direct entry or roster, as the engine reads them
    ("職員数（常勤換算）", "fte", lambda i: _blank_or(_monthly_ref(layout.COL_EFF_FTE, i)), "num"),
    ("うち特定施設担当", "tokutei", lambda i: _blank_or(_monthly_ref(layout.COL_EFF_TOKUTEI, i)), "num"),
    ("対象職員数", "target", lambda i: _blank_or(_monthly_ref(layout.COL_TARGET, i)), "num_bold"),
)


def _monthly_table(top: int, with_payments: bool) -> tuple[list[Box], int]:
    """Two blocks of six months (April–September, October–March); returns the boxes and the next free row."""
    boxes: list[Box] = []
    r = top
    for half in (0, 1):
        boxes.append(Box(f"A{r}", "th", "月"))
        for j, col in enumerate(MONTH_COLS):
            i = half * 6 + j
            boxes.append(Box(f"{col}{r}", "th", f"{FISCAL_MONTHS[i]}月"))
        r += 1
        rows = list(_STAFF_ROWS)
        if with_payments:
            rows.append(("支払予定額", "pay",
                         lambda i: f'=IF(INDEX(KX_PAYMENTS,{i + 1})=0,"",INDEX(KX_PAYMENTS,{i + 1}))', "num"))
        for label, key, formula, style in rows:
            boxes.append(Box(f"A{r}", "label", label))
            for j, col in enumerate(MONTH_COLS):
                i = half * 6 + j
                fmt = YEN_OR_BLANK if key == "pay" else FTE
                boxes.append(Box(f"{col}{r}", style, key=f"{key}.{i}", formula=formula(i), number_format=fmt))
            r += 1
    return boxes, r


def _totals(r: int, annual_label: str) -> list[Box]:
    return [
        Box(f"A{r}", "label", "対象職員数の合計"),
        Box(f"B{r}:C{r}", "num", key="target_sum", number_format=FTE_PERSONS,
            formula=_blank_or(calc("target_sum"))),
        Box(f"D{r}:E{r}", "label", "1人当たり年額（単価）"),
        Box(f"F{r}:G{r}", "num", key="rate", number_format=YEN, formula="=KX_RATE_YEN"),
        Box(f"A{r + 1}", "label", "対象職員数（月平均）"),
        Box(f"B{r + 1}:C{r + 1}", "num_bold", key="average", number_format=AVERAGE,
            formula=_blank_or("KX_AVERAGE_FTE")),
        Box(f"D{r + 1}:E{r + 1}", "label", annual_label),
        Box(f"F{r + 1}:G{r + 1}", "num_bold", key="annual", number_format=YEN,
            formula=_blank_or("KX_ANNUAL_YEN")),
    ]


def _requirements(top: int, report: bool, heading: str) -> tuple[list[Box], int]:
    from kaigo_xl.catalog import default_catalog

    texts = default_catalog().alias_texts
    r = top
    boxes = [
        Box(f"A{r}:G{r}", "section", heading),
        Box(f"A{r + 1}:B{r + 1}", "th", "取組の区分"),
        Box(f"C{r + 1}", "th", "実施状況"),
        Box(f"D{r + 1}:G{r + 1}", "th", "具体的な取組内容"),
    ]
    r += 2
    for code in REQUIREMENT_CODES:
        status, detail = _ini(code, layout.INI_COL_STATUS), _ini(code, layout.INI_COL_DETAIL)
        second = "未実施" if report else "実施予定"
        checks = _checks(f'{status}="実施済"', "実施済", f'{status}="実施予定"', second, "CHAR(10)")
        boxes += [
            Box(f"A{r}:B{r}", "small", f"（{code}）{texts.get(code, '')}"),
            Box(f"C{r}", "check", key=f"req.{code}.{'report' if report else 'plan'}",
                formula=checks),
            Box(f"D{r}:G{r}", "small", key=f"req.{code}.detail", formula=_blank_or(detail)),
        ]
        r += 1
    boxes += [
        Box(f"A{r}:B{r}", "small", "その他の取組（職場環境等要件）"),
        Box(f"C{r}:G{r}", "small", key="req.other", formula=_other_initiatives()),
    ]
    return boxes, r + 1


def _spending_rows(r: int, col: str, kind: str) -> tuple[list[Box], int]:
    """One row per allowed category: its lines' descriptions and the planned or actual total."""
    boxes = []
    for cat in (layout.EXPENSE_CATEGORIES[0], layout.EXPENSE_CATEGORIES[1]):
        total = _sum_category(cat, col)
        formula = f"={total}" if kind == "planned" else f'=IF(COUNT({_expense_range(col)})>0,{total},"")'
        lines = Box(f"B{r}:E{r}", "small", key=f"exp.desc.{cat}", formula=_descriptions(cat))
        boxes += _money_row(r, cat, lines, f"exp.{kind}.{cat}", formula)
        r += 1
    return boxes, r


def _footer(r: int) -> list[Box]:
    return [
        Box(f"A{r}", "label", "誓約"),
        Box(f"B{r}:G{r}", "small", PLEDGE),
        Box(f"A{r + 1}", "label", "担当者・連絡先"),
        Box(f"B{r + 1}:G{r + 1}", "text", key="contact", formula=_blank_or(fi("facility.contact"))),
    ]


def _opening(form_number: str, document: str, preamble: str, heading: str, plan: bool) -> tuple[list[Box], int]:
    """What both forms start with: header, facility, the monthly table and its totals; returns the next row."""
    title = f"{PROGRAM}　{document}"
    boxes = _header(form_number, title, preamble, document)
    boxes += _facility(10)
    boxes.append(Box("A15:G15", "section", heading))
    table, r = _monthly_table(16, with_payments=plan)
    boxes += table
    boxes += _totals(r, "加算総額（年間）" if plan else "加算総額（実績）")
    return boxes, r + 2


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


# ---- 計画書 (別紙様式1) ----

def _plan() -> FormSpec:
    boxes, r = _opening("別紙様式1", "計画書", f"において{PROGRAM}を受けたいので、下記のとおり計画書を提出します。",
                        "２　対象職員数（常勤換算）の見込み及び支払予定", plan=True)
    boxes += [Box(f"A{r}", "label", "支払方法"),
              Box(f"B{r}:G{r}", "text", key="pay_method", formula=_pay_method_formula())]
    req, r = _requirements(r + 1, report=False, heading="３　職場環境改善等の取組（加算要件・別添1 2(3)ア）")
    boxes += req
    boxes += _money_head(r, "４　加算額の使途（計画）", "経費の区分", "計画額")
    rows, r = _spending_rows(r + 2, layout.EXP_COL_PLANNED, "planned")
    boxes += rows
    boxes += _money_row(r, "合計", "※ 介護テクノロジー機器の購入には充てられません", "exp.planned.total",
                        "=KX_PLANNED_ALLOWED_YEN", bold=True)
    boxes.append(Box(f"A{r + 1}:G{r + 1}", "section", "５　誓約・担当者"))
    boxes += _footer(r + 2)
    return FormSpec(layout.S_PLAN, "別紙様式1", f"{PROGRAM}　計画書", WIDTHS, _heights(boxes), tuple(boxes), r + 3)


# ---- 実績報告書 (別紙様式2) ----

def _report() -> FormSpec:
    boxes, r = _opening("別紙様式2", "実績報告書", f"における{PROGRAM}の実績について、下記のとおり報告します。",
                        "２　対象職員数（常勤換算）の実績", plan=False)
    has_actual = f"COUNT({_expense_range(layout.EXP_COL_ACTUAL)})>0"  # the engine settles only with actual spending
    boxes += _money_head(r, "３　加算額の受領及び支出の状況", "項目", "金額")
    boxes += _money_row(r + 2, "受領した加算額", "市区町村から支払を受けた加算額", "received",
                        f'=IF(OR({fi("received_yen")}<>"",{has_actual}),{_blank_or("KX_RECEIVED_YEN")[1:]},"")')
    rows, r2 = _spending_rows(r + 3, layout.EXP_COL_ACTUAL, "actual")
    boxes += rows
    boxes += _money_row(r2, "支出額の合計", "対象経費（人件費・職場環境改善経費）の合計", "exp.actual.total",
                        f'=IF({has_actual},KX_ACTUAL_ALLOWED_YEN,"")', bold=True)
    boxes += _money_row(r2 + 1, "返還見込額", "受領額のうち、実績の加算総額及び支出額を超える額", "refund",
                        _blank_or("KX_REFUND_YEN"), bold=True)
    boxes += _money_row(r2 + 2, "追加支弁見込額", "実績の加算総額が受領額を上回る額", "additional",
                        _blank_or(calc("additional")))
    req, r = _requirements(r2 + 3, report=True, heading="４　職場環境改善等の取組の実績（別添1 2(3)ア）")
    boxes += req
    boxes += [
        Box(f"A{r}:G{r}", "section", "５　提出期限・誓約・担当者"),
        Box(f"A{r + 1}", "label", "実績報告書の提出期限"),
        Box(f"B{r + 1}:E{r + 1}", "text", key="due", formula=_due_formula()),
        Box(f"F{r + 1}:G{r + 1}", "small", "（翌年度の4月末日）"),
    ]
    boxes += _footer(r + 2)
    return FormSpec(layout.S_REPORT, "別紙様式2", f"{PROGRAM}　実績報告書", WIDTHS, _heights(boxes), tuple(boxes), r + 3)


def _row(ref: str) -> int:
    return int("".join(ch for ch in ref.split(":")[0] if ch.isdigit()))


def _heights(boxes: list[Box]) -> dict[int, float]:
    """Row heights in points: spacing above sections, three lines for the requirements, two for long texts."""
    out: dict[int, float] = {2: 24, 5: 4, 8: 18}
    for b in boxes:
        row, key = _row(b.ref), b.key or ""
        if b.style == "section":
            out[row] = 18
        elif key.startswith("req.") and key.endswith((".plan", ".report")):
            out[row] = LINE_PT * 3
        elif key.startswith("exp.desc.") or b.text.startswith(("特定施設入居者", PLEDGE)):
            out.setdefault(row, LINE_PT * 2)
    return out


PLAN: FormSpec = _plan()
REPORT: FormSpec = _report()
FORMS: tuple[FormSpec, ...] = (PLAN, REPORT)

