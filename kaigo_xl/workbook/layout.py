"""Where everything lives in the workbook: the one contract shared by the template builder, the reader, the form
writers, the Excel add-in and the batch tools.

Change a cell here and every writer and reader follows. The defined names (`KX_…`) are a public interface listed
in the README; external formulas and other systems may rely on them, so they are only ever added.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.xlsx.refs import absolute, column_letters

TEMPLATE_VERSION = "2025.2"  # bump when a cell moves; the reader warns about older books (TEMPLATE_OLD)
# 2025.1: one column of monthly figures (read as the plan in a 計画書, as the actual figures in a 実績報告書)
LEGACY_VERSIONS = frozenset({"2025.1"})
COMPATIBLE_VERSIONS = frozenset({TEMPLATE_VERSION})

# ---- sheet names (Japanese, as users see them) ----
S_GUIDE = "使い方"
S_EXAMPLE = "記入例"
S_FACILITY = "施設情報"
S_MONTHLY = "月別職員数"
S_ROSTER = "勤務形態一覧"
S_INITIATIVES = "取組"
S_EXPENSES = "経費"
S_CALC = "計算"
S_CHECKS = "チェック"
S_PLAN = "計画書"
S_REPORT = "実績報告書"
S_SETTINGS = "設定"
SHEET_ORDER = (S_GUIDE, S_EXAMPLE, S_FACILITY, S_MONTHLY, S_ROSTER, S_INITIATIVES, S_EXPENSES, S_CALC, S_CHECKS,
               S_PLAN, S_REPORT, S_SETTINGS)
# Each input sheet's hidden helper columns live, at the same addresses, on a hidden sheet of their own (kaigo_xl.xlsx.
# relocate): the readers parse only what a person sees and types.
HELPER_SUFFIX = "（計算用）"


def helper_sheet(sheet: str) -> str:
    """月別職員数 → 月別職員数（計算用）: where the helper formulas of an input sheet live."""
    return sheet + HELPER_SUFFIX


INPUT_SHEETS = (S_FACILITY, S_MONTHLY, S_ROSTER, S_INITIATIVES, S_EXPENSES)
HELPER_SHEETS = tuple(helper_sheet(s) for s in INPUT_SHEETS)  # hidden, at the end of the book
BOOK_ORDER = (*SHEET_ORDER, *HELPER_SHEETS)  # every sheet of a built book, in order


@dataclass(frozen=True)
class Field:
    """One input cell of 施設情報: model path, cell, label, kind and choices."""

    key: str  # path in FacilityInput, e.g. "facility.name" (the engine's `locate` paths)
    cell: str
    label: str
    kind: str = "text"  # text | int | yen | date | choice | year | month
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


# ---- 施設情報: labels in column B, inputs (yellow) in column C, rows 4… ----
FACILITY_FIELDS: tuple[Field, ...] = (
    Field("facility.name", "C4", "施設名", required=True),
    Field("facility.type", "C5", "施設の種別", "choice", ("養護", "軽費"), True,
          "養護＝養護老人ホーム、軽費＝軽費老人ホーム"),
    Field("facility.subtype", "C6", "類型（軽費のみ）", "choice", ("A型", "B型", "ケアハウス", "都市型")),
    Field("facility.number", "C7", "施設番号", required=True),
    Field("facility.municipality", "C8", "所在市区町村"),
    Field("facility.corporation", "C9", "法人名"),
    Field("facility.representative", "C10", "代表者（職・氏名）"),
    Field("facility.address", "C11", "所在地"),
    Field("facility.capacity", "C12", "定員（人）", "int"),
    Field("facility.tokutei_designated", "C13", "特定施設入居者生活介護の指定", "choice", ("あり", "なし")),
    Field("facility.contact", "C14", "担当者・連絡先"),
    Field("fiscal_year", "C15", "年度（西暦、例: 2025）", "year", required=True),
    Field("phase", "C16", "作成する書類", "choice", ("計画書", "実績報告書"), True),
    Field("submitted_on", "C17", "提出日", "date"),
    Field("payment.installments", "C18", "支払回数（1〜12）", "int", required=True),
    Field("payment.first_month", "C19", "初回の支払月（1〜12）", "month", required=True),
    Field("received_yen", "C20", "受領済みの加算額（円、実績報告時）", "yen"),
    Field("addressee", "C21", "提出先（例: 見本市長）"),
)
FIELD_BY_KEY = {f.key: f for f in FACILITY_FIELDS}
VERSION_LABEL_CELL, VERSION_CELL = "C1", "D1"  # 施設情報: 様式の版 (KX_TEMPLATE_VERSION; the reader checks it)
PHASE_VALUES = {"計画書": "plan", "実績報告書": "report"}

# What the reader accepts in a choice cell besides the listed entries (text → value); written differently (全角,
# spaces, lower case) they are read too, with a note (INPUT_NORMALISED). The template's formulas read the same.
PHASE_READINGS = {**PHASE_VALUES, "計画": "plan", "実績報告": "report"}
YES_NO_READINGS = {"あり": True, "なし": False, "有": True, "無": False}
STATUS_READINGS = {"実施済": "実施済", "実施予定": "実施予定", "実施済み": "実施済", "予定": "実施予定"}
SHORT_READINGS = {"○": True, "◯": True, "〇": True, "はい": True, "×": False, "いいえ": False}

# ---- 月別職員数: one row a month, April (row 6) … March (row 17); 見込み (plan) and 実績 (actual) side by side ----
# The 見込み are typed (C, D); the 実績 are typed (E, F) or come from the roster (I, J) when the input method is
# 勤務形態一覧. A 計画書 is about the 見込み, a 実績報告書 about the 実績 (kaigo_xl.engine.staffing).
MONTHLY_FIRST_ROW = 6
MONTHLY_ROWS = tuple(range(MONTHLY_FIRST_ROW, MONTHLY_FIRST_ROW + 12))
MONTH_ROW = dict(zip(FISCAL_MONTHS, MONTHLY_ROWS))  # month → row
COL_MONTH_LABEL = "A"  # 令和7年4月 (formula)
COL_MONTH = "B"  # 4 … 3 (fixed)
COL_FTE = "C"  # input: 見込み 職員数（常勤換算）
COL_TOKUTEI = "D"  # input: 見込み うち特定施設担当
COL_ACTUAL_FTE = "E"  # input: 実績 職員数（常勤換算）, direct entry
COL_ACTUAL_TOKUTEI = "F"  # input: 実績 うち特定施設担当, direct entry
COL_TARGET = "G"  # formula: 見込みの対象職員数
COL_ACTUAL_TARGET = "H"  # formula: 実績の対象職員数 (direct entry or roster)
COL_ROSTER_FTE = "I"  # formula: 勤務形態一覧からの職員数 (実績)
COL_ROSTER_TOKUTEI = "J"  # formula: 勤務形態一覧からの特定施設担当 (実績)
COL_MONTH_STATUS = "K"  # formula: what is wrong with the month's figures of the document (blank when fine)
INPUT_METHOD_CELL = "C3"  # 直接入力 | 勤務形態一覧 (how the 実績 are entered)
INPUT_METHODS = ("直接入力", "勤務形態一覧")
# hidden formulas: each month as the reader hands it to the engine ("" when blank or unreadable)
COL_PLAN_FTE, COL_PLAN_TOKUTEI = "L", "M"  # the 見込み
COL_REAL_FTE, COL_REAL_TOKUTEI = "N", "O"  # the 実績 (direct entry or roster)
COL_EFF_FTE, COL_EFF_TOKUTEI = "P", "Q"  # those of the document (計画書: 見込み, 実績報告書: 実績)
EFFECTIVE_METHOD_CELL = "L3"  # hidden formula: the input method the reader applies (blank choice → guessed)
# hidden per-month flags of the document's figures (after the typed-text helpers R–AG): the month cannot be read
# (reported at its cell, INPUT_INVALID), it is missing (blank), its first figure finer than tenths (column number)
COL_EFF_UNREAD, COL_EFF_MISSING, COL_EFF_FINE = "AH", "AI", "AJ"
MONTHLY_TOTAL_ROW = 18  # 合計
MONTHLY_AVERAGE_ROW = 19  # 月平均 (÷ KX_DIVISOR)

# ---- 勤務形態一覧 (roster) ----
ROSTER_WEEKLY_HOURS_CELL = "C3"  # 常勤の従業者が勤務すべき週の時間数
ROSTER_SUMMARY_ROWS = {"days": 6, "sochi": 7, "tokutei": 8}  # per-month results, month columns below
ROSTER_HEADER_ROW = 10  # months; row 11: 措置 / 特定施設
ROSTER_FIRST_ROW = 12
ROSTER_MAX_STAFF = 60
ROSTER_ROWS = tuple(range(ROSTER_FIRST_ROW, ROSTER_FIRST_ROW + ROSTER_MAX_STAFF))
ROSTER_COL_NAME, ROSTER_COL_JOB, ROSTER_COL_PATTERN, ROSTER_COL_SHORT = "B", "C", "D", "E"
ROSTER_FIRST_MONTH_COL = 6  # F: April 措置, G: April 特定施設, H: May 措置 …
ROSTER_JOBS = ("支援員", "主任支援員", "介護職員", "生活相談員", "看護職員", "調理員", "事務員", "施設長", "その他")
ROSTER_PATTERNS = ("A", "B", "C", "D")
ROSTER_SHORT_MARK = "○"
ROSTER_COL_COUNTED = "A"  # formula: ○ when the job counts for the facility type (kasan.COUNTED_JOBS)
ROSTER_MONTH_LABEL_ROW = 5  # month headings of the per-month results (rows 6–8), in each month's 措置 column
ROSTER_NAME_ROW = 9  # 施設名 (printed on every page with the headings)
# hidden per-month helper rows below the staff, in each month's 措置 column (what the checks count)
ROSTER_HELPER_ROWS = {"text": 75, "invalid": 76, "invalid_row": 77, "split": 78, "split_row": 79}
# hidden per-person helper columns right of the hours
ROSTER_COL_USED, ROSTER_COL_BAD = "AJ", "AK"  # the row holds anything / its unreadable cells (INPUT_INVALID)
ROSTER_COL_FIRST_BAD, ROSTER_COL_NORMALISED = "AL", "AM"  # the first unreadable cell (column number) / rewritten choices
ROSTER_COL_UNCOUNTED, ROSTER_COL_NEW_JOB = "AN", "AO"  # a person whose job does not count / the first with that job
ROSTER_COL_FIRST_NORMALISED = "AP"  # the first rewritten choice (column number, 0 when none)
ROSTER_COL_PATTERN_READ, ROSTER_COL_SHORT_READ = "AQ", "AR"  # 勤務形態 as read (A–D or ""), 短時間勤務 (1 or 0)


def roster_cols(month: int) -> tuple[int, int]:
    """Column numbers (1-based) of a month's 措置 hours and 特定施設 hours."""
    i = FISCAL_MONTHS.index(month)
    return ROSTER_FIRST_MONTH_COL + 2 * i, ROSTER_FIRST_MONTH_COL + 2 * i + 1


# ---- 取組: ア/イ/ウ fixed in rows 6–8, further catalog items in rows 11… ----
INITIATIVE_FIXED_ROWS = {"ア": 6, "イ": 7, "ウ": 8}
INITIATIVE_EXTRA_ROWS = tuple(range(11, 21))
INI_COL_CODE, INI_COL_TITLE, INI_COL_STATUS, INI_COL_DETAIL = "A", "B", "C", "D"
STATUS_CHOICES = ("実施済", "実施予定")
# hidden formulas per row: the status as the reader reads it, whether the row is an initiative the engine gets,
# its unreadable cell (INPUT_INVALID: column number, 0 when none), a rewritten choice (INPUT_NORMALISED), and the
# rank of the further 職場環境等要件 items the forms list (1, 2, …)
INI_COL_CANON, INI_COL_READ, INI_COL_BAD, INI_COL_NORMALISED, INI_COL_RANK = "F", "G", "H", "I", "J"

# ---- 経費: spending lines ----
EXPENSE_ROWS = tuple(range(6, 26))
EXP_COL_CATEGORY, EXP_COL_DESCRIPTION, EXP_COL_PLANNED, EXP_COL_ACTUAL = "A", "B", "C", "D"
EXPENSE_CATEGORIES = ("人件費", "職場環境改善経費", "介護テクノロジー機器購入")
EXPENSE_TOTAL_ROW = 27
EXP_COL_JUDGE = "E"  # formula: 対象経費 / 充当できません / 区分が不明
EXP_COL_CANONICAL = "F"  # hidden formula: the category as kaigo_xl.rules.spending reads it
EXP_COL_ALLOWED = "G"  # hidden formula: 1 when the category may be charged
# hidden formulas per row (H–O hold the typed-text helpers of the amounts): the row is read, the technology word
# of its 内容, its unreadable cell (INPUT_INVALID: column number, 0 when none) and its rewritten numbers
EXP_COL_READ, EXP_COL_WORD, EXP_COL_BAD, EXP_COL_NORMALISED, EXP_COL_FIRST_BAD = "P", "Q", "R", "S", "T"
EXP_COL_FIRST_NORMALISED = "U"  # the first rewritten amount (column number, 0 when none)

# ---- 計算: results of the native formulas ----
# Column C holds the 見込み (plan) results, column D the 実績 (actual) ones where a row has both.
CALC_CELLS = {
    "target_sum": "C4",  # 対象職員数の12か月合計（見込み）
    "average": "C5",  # KX_AVERAGE_FTE（見込み）
    "annual": "C6",  # KX_ANNUAL_YEN（見込み: 支払予定の基礎）
    "actual_target_sum": "D4",  # 対象職員数の12か月合計（実績）
    "actual_average": "D5",  # KX_ACTUAL_AVERAGE_FTE
    "actual_annual": "D6",  # KX_ACTUAL_ANNUAL_YEN（実績: 精算の基礎。実績報告書のときだけ）
    "monthly_rate": "C7",  # 1人1か月当たり（12か月で割った額、Q1）
    "phase": "C8",  # 計画書 | 実績報告書 (施設情報 or inferred as the engine does)
    "payment_total": "C23",
    "planned_total": "C26",
    "planned_allowed": "C27",
    "actual_total": "C28",
    "actual_allowed": "C29",
    "received": "C30",
    "refund": "C31",  # 返還見込額 (blank without actual spending)
    "additional": "C32",  # 追加支弁見込額
    "report_due": "C33",  # 実績報告書の提出期限 (date); D33 in 和暦
    "report_due_wareki": "D33",
    "monthly_errors": "C34",  # 見込み: months missing or wrong (no total while > 0, as the engine)
    "actual_errors": "D34",  # 実績: the same
    "payment_invalid": "C35",  # 1 when the payment plan is invalid
    "fiscal_year_label": "C36",  # 令和7年度
}
CALC_PAYMENT_HEADER_ROW = 10
CALC_PAYMENT_ROWS = tuple(range(11, 23))  # April … March: A month, B 和暦, C yen, D 第n回

# ---- チェック: one row per check, mirroring the engine's finding codes ----
CHECK_VERDICT_CELL = "C3"  # 総合判定 ○／×
CHECK_HEADER_ROW = 5
CHECK_FIRST_ROW = 6
CHECK_COL_ITEM, CHECK_COL_RESULT, CHECK_COL_SEVERITY, CHECK_COL_COUNT = "B", "C", "D", "E"
CHECK_COL_REASON, CHECK_COL_CODE, CHECK_COL_WHERE = "F", "G", "H"  # H: a link to the first cell concerned
CHECK_COL_PLACE = "I"  # hidden: that cell as text (月別職員数!C8), what the link shows

# ---- 設定 (policy; protected) ----
SETTINGS_CELLS = {
    "rate_yen": "C4",
    "divisor": "C5",
    "fte_max": "C6",
    "refund_enabled": "C7",
    "template_version": "C8",
    "min_requirements": "C9",  # at least this many of ア/イ/ウ
    "refund_includes_overpayment": "C10",
    "yen_rounding": "C11",  # floor | half_up | ceiling
    "report_due_next_business_day": "C12",  # 1 = move the deadline to the next business day
    "municipality": "C13",
    "mayor_title": "C14",
    "yen_max": "C15",  # upper bound of one spending line (EXP_TOO_LARGE)
    "report_requires_done": "C16",  # 1 = a report counts only 実施済 (the municipality's rule)
    "program_name": "C17",  # the add-on's name on the forms
    "plan_form_label": "C18",
    "report_form_label": "C19",
    "plan_due": "C20",  # 計画書の提出期限 (date, or blank)
    "contact": "C21",  # 提出先・問い合わせ先
    "rate_default": "C22",  # the rate of a year the table below does not list
    "rate_default_source": "C23",  # policy | assumed
    "rate_source": "C24",  # formula: notice | policy | assumed, for the book's fiscal year
}
SETTINGS_LISTS_COL = "F"  # drop-down lists live in F… (hidden area)

# ---- defined names: the public interface, derived from the cell tables above ----



def _column(sheet: str, col: str, rows: tuple[int, ...]) -> str:
    return absolute(sheet, f"{col}{rows[0]}:{col}{rows[-1]}")


NAMES: dict[str, str] = {
    "KX_FTE": _column(S_MONTHLY, COL_FTE, MONTHLY_ROWS),
    "KX_TOKUTEI_FTE": _column(S_MONTHLY, COL_TOKUTEI, MONTHLY_ROWS),
    "KX_TARGET_FTE": _column(S_MONTHLY, COL_TARGET, MONTHLY_ROWS),
    "KX_ACTUAL_FTE": _column(S_MONTHLY, COL_ACTUAL_FTE, MONTHLY_ROWS),
    "KX_ACTUAL_TOKUTEI_FTE": _column(S_MONTHLY, COL_ACTUAL_TOKUTEI, MONTHLY_ROWS),
    "KX_ACTUAL_TARGET_FTE": _column(S_MONTHLY, COL_ACTUAL_TARGET, MONTHLY_ROWS),
    "KX_INPUT_METHOD": absolute(S_MONTHLY, INPUT_METHOD_CELL),
    "KX_AVERAGE_FTE": absolute(S_CALC, CALC_CELLS["average"]),
    "KX_ANNUAL_YEN": absolute(S_CALC, CALC_CELLS["annual"]),
    "KX_ACTUAL_AVERAGE_FTE": absolute(S_CALC, CALC_CELLS["actual_average"]),
    "KX_ACTUAL_ANNUAL_YEN": absolute(S_CALC, CALC_CELLS["actual_annual"]),
    "KX_PAYMENTS": _column(S_CALC, "C", CALC_PAYMENT_ROWS),  # yen per fiscal month, April … March
    "KX_INSTALLMENTS": absolute(S_FACILITY, FIELD_BY_KEY["payment.installments"].cell),
    "KX_FIRST_MONTH": absolute(S_FACILITY, FIELD_BY_KEY["payment.first_month"].cell),
    "KX_FISCAL_YEAR": absolute(S_FACILITY, FIELD_BY_KEY["fiscal_year"].cell),
    "KX_FACILITY_TYPE": absolute(S_FACILITY, FIELD_BY_KEY["facility.type"].cell),
    "KX_RATE_YEN": absolute(S_SETTINGS, SETTINGS_CELLS["rate_yen"]),
    "KX_DIVISOR": absolute(S_SETTINGS, SETTINGS_CELLS["divisor"]),
    "KX_TEMPLATE_VERSION": absolute(S_FACILITY, VERSION_CELL),  # on a sheet every reader reads (設定 shows it)
    "KX_CHECK_OK": absolute(S_CHECKS, CHECK_VERDICT_CELL),  # ○ when every check passes
    "KX_PHASE": absolute(S_CALC, CALC_CELLS["phase"]),  # 計画書 | 実績報告書
    "KX_REFUND_YEN": absolute(S_CALC, CALC_CELLS["refund"]),
    "KX_RECEIVED_YEN": absolute(S_CALC, CALC_CELLS["received"]),
    "KX_PLANNED_ALLOWED_YEN": absolute(S_CALC, CALC_CELLS["planned_allowed"]),
    "KX_ACTUAL_ALLOWED_YEN": absolute(S_CALC, CALC_CELLS["actual_allowed"]),
    "KX_REPORT_DUE": absolute(S_CALC, CALC_CELLS["report_due"]),
    "KX_MONTH_LABELS": _column(S_MONTHLY, COL_MONTH_LABEL, MONTHLY_ROWS),
}
PUBLIC_NAMES = ("KX_FTE", "KX_TOKUTEI_FTE", "KX_TARGET_FTE", "KX_AVERAGE_FTE", "KX_ANNUAL_YEN",
                "KX_INSTALLMENTS", "KX_FISCAL_YEAR", "KX_FACILITY_TYPE")


# ---- the input cells (yellow): the reader reads them, the add-in colours them, the fill code writes them ----


def _roster_input_columns() -> tuple[str, ...]:
    hours = range(ROSTER_FIRST_MONTH_COL, roster_cols(FISCAL_MONTHS[-1])[1] + 1)
    return (ROSTER_COL_NAME, ROSTER_COL_JOB, ROSTER_COL_PATTERN, ROSTER_COL_SHORT, *map(column_letters, hours))



INPUT_CELLS: dict[str, tuple[str, ...]] = {
    S_FACILITY: tuple(f.cell for f in FACILITY_FIELDS),
    S_MONTHLY: (INPUT_METHOD_CELL, *(f"{c}{r}" for r in MONTHLY_ROWS
                                     for c in (COL_FTE, COL_TOKUTEI, COL_ACTUAL_FTE, COL_ACTUAL_TOKUTEI))),
    S_ROSTER: (ROSTER_WEEKLY_HOURS_CELL, *(f"{c}{r}" for r in ROSTER_ROWS for c in _roster_input_columns())),
    S_INITIATIVES: (*(f"{c}{r}" for r in INITIATIVE_FIXED_ROWS.values() for c in (INI_COL_STATUS, INI_COL_DETAIL)),
                    *(f"{c}{r}" for r in INITIATIVE_EXTRA_ROWS for c in (INI_COL_CODE, INI_COL_STATUS, INI_COL_DETAIL))),
    S_EXPENSES: tuple(f"{c}{r}" for r in EXPENSE_ROWS
                      for c in (EXP_COL_CATEGORY, EXP_COL_DESCRIPTION, EXP_COL_PLANNED, EXP_COL_ACTUAL)),
}


# ---- colours (official MHLW forms: yellow = input) ----
INPUT_FILL = "FFFF99"
HEADER_FILL = "DDEBF7"
ERROR_FILL = "FFC7CE"


def cell(sheet: str, ref: str) -> str:
    """A location as users read it in findings: 月別職員数!C6."""
    return f"{sheet}!{ref}"


def locate(path: str) -> str:
    """Map an engine field path (`monthly[3].fte`, `expenses[2].category`, …) to `sheet!cell`.

    Monthly rows are always read in fiscal order, twelve of them, so index i is the i-th fiscal month.
    Initiatives are numbered in reading order: ア, イ, ウ rows first, then the extra rows that are filled in;
    the reader passes its own mapping for those, see `kaigo_xl.workbook.reader`.
    """
    import re

    if path in FIELD_BY_KEY:
        return cell(S_FACILITY, FIELD_BY_KEY[path].cell)
    m = re.fullmatch(r"monthly\[(\d+)\]\.(fte|tokutei_fte|month)", path)
    if m:
        row = MONTHLY_ROWS[int(m.group(1))] if int(m.group(1)) < 12 else MONTHLY_ROWS[-1]
        col = {"fte": COL_FTE, "tokutei_fte": COL_TOKUTEI, "month": COL_MONTH}[m.group(2)]
        return cell(S_MONTHLY, f"{col}{row}")
    m = re.fullmatch(r"expenses\[(\d+)\]\.(category|description|planned_yen|actual_yen)", path)
    if m:
        row = EXPENSE_ROWS[int(m.group(1))]
        col = {"category": EXP_COL_CATEGORY, "description": EXP_COL_DESCRIPTION,
               "planned_yen": EXP_COL_PLANNED, "actual_yen": EXP_COL_ACTUAL}[m.group(2)]
        return cell(S_EXPENSES, f"{col}{row}")
    top = {"monthly": cell(S_MONTHLY, f"{COL_FTE}{MONTHLY_ROWS[0]}"),
           "initiatives": cell(S_INITIATIVES, f"{INI_COL_STATUS}{INITIATIVE_FIXED_ROWS['ア']}"),
           "expenses": cell(S_EXPENSES, f"{EXP_COL_CATEGORY}{EXPENSE_ROWS[0]}"),
           "roster": cell(S_ROSTER, f"{ROSTER_COL_NAME}{ROSTER_FIRST_ROW}")}
    return top.get(path.split("[")[0].split(".")[0], path)

# what 使い方 says where the municipality set no deadline or contact (distribute tells the clerk so)
PLAN_DUE_UNSET = "市区町村からの案内のとおり"
CONTACT_UNSET = "市区町村の担当課（配布時の案内をご覧ください）"
