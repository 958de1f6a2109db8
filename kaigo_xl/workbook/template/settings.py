"""設定: the municipality's policy values, the drop-down lists and the 職場環境等要件 catalog, on one protected sheet.

Formulas elsewhere read the policy from here (KX_RATE_YEN, KX_DIVISOR, …), so a municipality that changes a value
unprotects this sheet, types it, and every sheet follows; `kaigo-xl template --policy` fills them from a TOML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.catalog import Catalog
from kaigo_xl.models import ExpenseCategory
from kaigo_xl.policy import Policy
from kaigo_xl.rules import kasan, spending
from kaigo_xl.workbook import layout, styles

LIST_HEADER_ROW = 3
LIST_FIRST_ROW = 4
ROUNDING_LABELS = {"floor": "切り捨て", "half_up": "四捨五入", "ceiling": "切り上げ"}
HOLIDAY_YEARS = range(2020, 2061)  # deadlines of fiscal 2019 … 2059


@dataclass(frozen=True)
class ListColumn:
    key: str
    title: str
    values: tuple


def _deadline_holidays() -> tuple[date, ...]:
    """National holidays between April 30 and May 10: the only ones that can move a 4月30日 deadline."""
    jp = holidays.country_holidays("JP", years=HOLIDAY_YEARS)
    return tuple(sorted(d for d in jp if (d.month, d.day) >= (4, 30) and (d.month, d.day) <= (5, 10)))


def rate_table(policy: Policy) -> tuple[tuple[int, int, str], ...]:
    """(fiscal year, rate, whose) of every year with a rate of its own: the municipality's per-year rates, and the
    notice's (令和7年度) unless the municipality set one rate for all years (Policy.rate_for)."""
    years = {fy: (yen, "policy") for fy, yen in policy.rates_by_fiscal_year.items()}
    if "rate_yen" not in policy.model_fields_set:
        for fy, yen in kasan.NOTICE_RATES_YEN.items():
            years.setdefault(fy, (yen, "notice"))
    return tuple((fy, yen, whose) for fy, (yen, whose) in sorted(years.items()))


def _lists(catalog: Catalog, policy: Policy) -> tuple[ListColumn, ...]:
    codes = tuple(catalog.items)
    rates = rate_table(policy)
    return (
        ListColumn("type", "施設の種別", ("養護", "軽費")),
        ListColumn("subtype", "類型", layout.FIELD_BY_KEY["facility.subtype"].choices),
        ListColumn("yesno", "指定", ("あり", "なし")),
        ListColumn("phase", "作成する書類", tuple(layout.PHASE_VALUES)),
        ListColumn("method", "入力方法", layout.INPUT_METHODS),
        ListColumn("job", "職種", layout.ROSTER_JOBS),
        ListColumn("pattern", "勤務形態", layout.ROSTER_PATTERNS),
        ListColumn("short", "短時間勤務", (layout.ROSTER_SHORT_MARK,)),
        ListColumn("status", "取組の状況", layout.STATUS_CHOICES),
        ListColumn("category", "経費区分", layout.EXPENSE_CATEGORIES),
        # ①…㉘ first (the drop-down uses only these), then ア/イ/ウ so the lookup of texts knows them too
        ListColumn("code", "職場環境等要件", codes + tuple(catalog.aliases)),
        ListColumn("code_text", "内容", tuple(catalog.text(c) for c in codes + tuple(catalog.aliases))),
        ListColumn("code_category", "区分", tuple(catalog.category_names[catalog.items[c].category] for c in codes)
                   + tuple("（ア）（イ）（ウ）" for _ in catalog.aliases)),
        ListColumn("synonym", "経費区分の読み替え", tuple(spending.SYNONYMS)),
        ListColumn("synonym_to", "読み替え後", tuple(v.value for v in spending.SYNONYMS.values())),
        ListColumn("holiday", "祝日（4/30〜5/10）", _deadline_holidays()),
        ListColumn("keyword", "介護テクノロジーの語", catalog.technology_keywords),
        ListColumn("rate_year", "単価の年度", tuple(fy for fy, _, _ in rates)),
        ListColumn("rate_yen", "単価（円）", tuple(yen for _, yen, _ in rates)),
        ListColumn("rate_whose", "単価の根拠", tuple(whose for _, _, whose in rates)),
    )


class Lists:
    """Where each drop-down list lives on 設定 (columns from layout.SETTINGS_LISTS_COL)."""

    def __init__(self, catalog: Catalog, policy: Policy | None = None) -> None:
        self.columns = _lists(catalog, policy or Policy())
        first = column_index_from_string(layout.SETTINGS_LISTS_COL)
        self.letter = {c.key: get_column_letter(first + i) for i, c in enumerate(self.columns)}
        self.by_key = {c.key: c for c in self.columns}
        self.n_codes = len(catalog.items)

    def range(self, key: str, count: int | None = None) -> str:
        """'設定'!$F$4:$F$5 — an absolute range usable in data validation and formulas."""
        n = max(1, count if count is not None else len(self.by_key[key].values))  # an empty list: one blank cell
        col = self.letter[key]
        return f"'{layout.S_SETTINGS}'!${col}${LIST_FIRST_ROW}:${col}${LIST_FIRST_ROW + n - 1}"

    def table(self, first_key: str, last_key: str) -> str:
        n = max(1, len(self.by_key[first_key].values))
        return (f"'{layout.S_SETTINGS}'!${self.letter[first_key]}${LIST_FIRST_ROW}:"
                f"${self.letter[last_key]}${LIST_FIRST_ROW + n - 1}")


_SETTING_ROWS = (  # key, label, explanation
    ("rate_yen", "職員1人当たりの年額（円、この年度）", "右の年度別の表（通知: 令和7年度 54,000円、別添1 2(2)イ）、表にない年度はC22"),
    ("divisor", "月平均の除数", "別添1 2(2)ア。12か月分の合計を12で除す"),
    ("fte_max", "1か月の常勤換算数の上限", "これを超える値は入力誤り（時間数の入力など）として扱います"),
    ("refund_enabled", "返還見込額を計算する", "1＝する、0＝しない"),
    ("template_version", "様式の版", "kaigo-xl が読み込むときに確認します"),
    ("min_requirements", "加算要件: 必要な取組の数", "（ア）（イ）（ウ）のうち、この数以上"),
    ("refund_includes_overpayment", "実績の加算総額を超えた受領分も返還", "1＝含める、0＝含めない"),
    ("yen_rounding", "加算総額の1円未満", "切り捨て／四捨五入／切り上げ（小数第2位以下の入力時のみ生じます）"),
    ("report_due_next_business_day", "提出期限が休日なら翌開庁日", "1＝翌開庁日、0＝4月30日のまま"),
    ("municipality", "市区町村名", "様式の宛先に使います"),
    ("mayor_title", "宛先の職名", "例: 見本市長"),
    ("yen_max", "経費1行の金額の上限（円）", "これを超える金額は桁の誤りとして扱います"),
    ("report_requires_done", "実績報告は実施済の取組のみ数える", "1＝数える（市区町村の規則。通知 別添1 2(3)ア は「計画又は既に実施」）"),
    ("program_name", "様式に印刷する加算の名称", "通知では「（仮称）」付き。正式名称が決まったら置き換えます"),
    ("plan_form_label", "計画書の様式番号", "左上に印刷（このツールの様式は参考様式）"),
    ("report_form_label", "実績報告書の様式番号", "左上に印刷"),
    ("plan_due", "計画書の提出期限", "市区町村が決める期限（使い方シートに表示）"),
    ("contact", "提出先・問い合わせ先", "使い方シートに表示"),
    ("rate_default", "表にない年度の単価（円）", "令和8年度以降は国で検討中（Q6）。市区町村が決めたら年度別の表へ"),
    ("rate_default_source", "その単価の根拠", "policy＝市区町村の設定、assumed＝仮の値（チェックで注意）"),
    ("rate_source", "この年度の単価の根拠", "notice＝通知、policy＝市区町村、assumed＝仮の値"),
)


def setting_values(policy: Policy, lists: Lists) -> dict[str, object]:
    first = policy.requirements[0] if policy.requirements else None
    cell = layout.SETTINGS_CELLS
    return {
        "rate_yen": (f'=IFERROR(VLOOKUP(KX_FISCAL_YEAR,{lists.table("rate_year", "rate_yen")},2,FALSE),'
                     f'${cell["rate_default"][0]}${cell["rate_default"][1:]})'),
        "rate_source": (f'=IFERROR(VLOOKUP(KX_FISCAL_YEAR,{lists.table("rate_year", "rate_whose")},3,FALSE),'
                        f'${cell["rate_default_source"][0]}${cell["rate_default_source"][1:]})'),
        "divisor": policy.divisor,
        "fte_max": int(policy.fte_max) if policy.fte_max == int(policy.fte_max) else float(policy.fte_max),
        "refund_enabled": int(policy.refund_enabled),
        "template_version": "=KX_TEMPLATE_VERSION",  # the version itself is on 施設情報 (layout.VERSION_CELL)
        "min_requirements": first.min_count if first else 0,
        "refund_includes_overpayment": int(policy.refund_includes_overpayment),
        "yen_rounding": ROUNDING_LABELS[policy.yen_rounding],
        "report_due_next_business_day": int(policy.report_due_next_business_day),
        "municipality": policy.municipality,
        "mayor_title": policy.mayor_title,
        "yen_max": policy.yen_max,
        "report_requires_done": int(policy.report_requires_done),
        "program_name": policy.program_name,
        "plan_form_label": policy.plan_form_label,
        "report_form_label": policy.report_form_label,
        "plan_due": policy.plan_due,
        "contact": policy.contact,
        "rate_default": policy.rate_yen,
        "rate_default_source": "policy" if "rate_yen" in policy.model_fields_set else "assumed",
    }


def build_settings(ws: Worksheet, policy: Policy, catalog: Catalog, lists: Lists,
                   rule_texts: list[str]) -> None:
    styles.title(ws, "設定（市区町村の設定値・選択肢の一覧）")
    styles.text(ws, "A2", "このシートは保護されています（パスワードなし）。設定を変えるときは、市区町村の担当者が"
                "「校閲」→「シート保護の解除」をしてから値を変えてください。", small=True, wrap=True)
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 26
    styles.header(ws, 3, {"B": "項目", "C": "値", "D": "説明"})
    values = setting_values(policy, lists)
    for key, label, note in _SETTING_ROWS:
        ref = layout.SETTINGS_CELLS[key]
        row = int(ref[1:])
        styles.text(ws, f"B{row}", label)
        styles.result_cell(ws, ref, values[key], fill=None)
        styles.text(ws, f"D{row}", note, small=True)
        for c in (f"B{row}", ref, f"D{row}"):
            ws[c].alignment = styles.MIDDLE_WRAP
        value = values[key]
        long_value = isinstance(value, str) and not value.startswith("=") and len(value) > 9
        ws.row_dimensions[row].height = 26 if len(note) > 28 or long_value else None
    for key in ("rate_yen", "yen_max", "rate_default"):
        ws[layout.SETTINGS_CELLS[key]].number_format = styles.YEN
    ws[layout.SETTINGS_CELLS["plan_due"]].number_format = styles.DATE
    row = max(int(r[1:]) for r in layout.SETTINGS_CELLS.values()) + 2
    styles.text(ws, f"B{row}", "加算要件（チェックシートで確認します）", bold=True)
    for i, t in enumerate(rule_texts, start=1):
        styles.text(ws, f"B{row + i}", f"{i}. {t}")
    styles.text(ws, f"B{row + len(rule_texts) + 2}", f"職場環境等要件の一覧: {catalog.version}版（①〜㉘、右の表）。"
                "正式な文言は市区町村で確認・貼り替えてください。", small=True)
    for col in lists.columns:
        letter = lists.letter[col.key]
        styles.header(ws, LIST_HEADER_ROW, {letter: col.title})
        for i, v in enumerate(col.values):
            c = ws[f"{letter}{LIST_FIRST_ROW + i}"]
            c.value = v
            c.font = styles.BASE_FONT
            if isinstance(v, date):
                c.number_format = styles.DATE
        ws.column_dimensions[letter].width = 12
    ws.column_dimensions[lists.letter["code_text"]].width = 60
    ws.column_dimensions[lists.letter["code_category"]].width = 28
    ws.column_dimensions[lists.letter["synonym"]].width = 24
    ws.column_dimensions[lists.letter["synonym_to"]].width = 20
    styles.widths(ws, A=2, B=34, C=20, D=50)  # C: 10,000,000,000円 fits
    ws.freeze_panes = "A4"
    styles.protect(ws)
    styles.page_a4(ws, landscape=True, print_area=f"A1:D{row + len(rule_texts) + 2}")


def has_keyword(text_ref: str, lists: Lists) -> str:
    """TRUE when the text names a care technology (rules.spending.technology_word: width and case do not matter)."""
    kw = lists.range("keyword")
    return f'SUMPRODUCT(ISNUMBER(FIND(UPPER(ASC({kw})),UPPER(ASC({text_ref}&""))))*(LEN({kw})>0))>0'


def category_of_formula(text_ref: str, lists: Lists) -> str:
    """The canonical 経費区分 of a cell, as rules.spending.category_of: the listed words after trimming, or the
    technology category for a text naming a care technology (「介護ロボット」), else 不明."""
    return (f'IF(TRIM({text_ref})="","",IFERROR(VLOOKUP(TRIM({text_ref}),'
            f'{lists.table("synonym", "synonym_to")},2,FALSE),IF({has_keyword(text_ref, lists)},"{TECHNOLOGY}","不明")))')


ALLOWED_CATEGORIES = tuple(sorted(c.value for c in spending.ALLOWED))  # sorted: frozenset order varies by run
TECHNOLOGY = ExpenseCategory.TECHNOLOGY.value
