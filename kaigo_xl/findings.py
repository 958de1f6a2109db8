"""Findings: what the checks tell a clerk, with a stable code and where to look.

Codes are stable (scripts match on them); messages are Japanese and may be reworded. Every code in use is
declared in CODES, so a test can prove each one is produced somewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from kaigo_xl.numbers import shown as shown_value
from kaigo_xl.texts import printable


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# code → (severity, what it means). The message of each finding adds the particulars.
CODES: dict[str, tuple[Severity, str]] = {
    # input and reading
    "INPUT_INVALID": (Severity.ERROR, "入力値の形式が正しくない"),
    "INPUT_NORMALISED": (Severity.INFO, "全角数字や空白を読み替えた"),
    "SHEET_MISSING": (Severity.ERROR, "必要なシートがない"),
    "TEMPLATE_OLD": (Severity.WARNING, "古い版の様式"),
    "LAYOUT_CHANGED": (Severity.ERROR, "様式の入力欄の位置が変わっている（行・列の挿入や削除、セルの結合）"),
    "MACROS_IGNORED": (Severity.WARNING, "マクロ付きブック（マクロは実行せず値だけを読んだ）"),
    "FACILITY_NAME_MISSING": (Severity.ERROR, "施設名が未入力"),
    "FACILITY_NUMBER_MISSING": (Severity.WARNING, "施設番号が未入力"),
    "FY_RATE_UNCONFIRMED": (Severity.WARNING, "令和8年度以降の単価は未定（Q6）"),
    "FY_BEFORE_START": (Severity.ERROR, "加算が始まる前の年度"),
    # monthly staff numbers (別添1 2(2)ア)
    "MONTH_MISSING": (Severity.ERROR, "月の職員数が未入力"),
    "MONTH_DUPLICATE": (Severity.ERROR, "同じ月が二度入力されている"),
    "FTE_NEGATIVE": (Severity.ERROR, "常勤換算数が負"),
    "FTE_TOO_LARGE": (Severity.ERROR, "常勤換算数が大きすぎる"),
    "TOKUTEI_EXCEEDS_FTE": (Severity.ERROR, "特定施設の職員数が全体を上回る"),
    "TOKUTEI_NOT_DESIGNATED": (Severity.WARNING, "特定施設の指定がないのに特定施設の職員数がある"),
    "FTE_PRECISION": (Severity.WARNING, "常勤換算数に小数第2位以下がある（入力どおりの値で計算）"),
    "MONTH_ZERO": (Severity.INFO, "対象職員数が0の月がある"),
    "NO_TARGET_STAFF": (Severity.WARNING, "対象職員がいない"),
    "YEN_ROUNDED": (Severity.INFO, "加算総額の1円未満を端数処理した"),
    # roster (常勤換算)
    "ROSTER_HOURS_INVALID": (Severity.ERROR, "勤務時間が不正"),
    "ROSTER_A_SPLIT": (Severity.WARNING, "常勤専従（A）なのに特定施設の時間もある"),
    "ROSTER_JOB_NOT_COUNTED": (Severity.INFO, "対象外の職種"),
    "ROSTER_REPLACES_MONTHLY": (Severity.INFO, "勤務形態一覧から実績の月別職員数を計算した（monthly_actual は使わない）"),
    # requirements (別添1 2(3)ア, Q2)
    "REQ_NOT_MET": (Severity.ERROR, "加算要件を満たしていない"),
    "REQ_UNKNOWN_ITEM": (Severity.ERROR, "取組の区分が不明"),
    "REQ_DETAIL_MISSING": (Severity.WARNING, "取組の内容が未記入"),
    "REQ_STILL_PLANNED": (Severity.INFO, "実績報告で実施予定のままの取組"),
    # spending (別添1 2(3)イ, Q5)
    "EXP_TECHNOLOGY": (Severity.ERROR, "介護テクノロジー機器購入には充当できない"),
    "EXP_TECHNOLOGY_SUSPECTED": (Severity.WARNING, "経費の内容が介護テクノロジー機器の購入に見える"),
    "EXP_UNKNOWN_CATEGORY": (Severity.ERROR, "経費区分が不明"),
    "EXP_NEGATIVE": (Severity.ERROR, "金額が負"),
    "EXP_TOO_LARGE": (Severity.ERROR, "金額が大きすぎる"),
    "EXP_PLANNED_SHORT": (Severity.WARNING, "計画額が加算総額に満たない"),
    "EXP_NONE": (Severity.WARNING, "経費が未入力"),
    "ACTUAL_MISSING": (Severity.ERROR, "実績報告なのに経費の実績額がない"),
    "RECEIVED_MISSING": (Severity.WARNING, "実績報告なのに受領額がない"),
    "REFUND_DUE": (Severity.WARNING, "返還見込額がある"),
    "ADDITIONAL_DUE": (Severity.INFO, "追加支弁の見込みがある"),
    # payment schedule (Q1)
    "PAY_INSTALLMENTS_INVALID": (Severity.ERROR, "支払回数が不正"),
    "PAY_FIRST_MONTH_INVALID": (Severity.ERROR, "初回の月が不正"),
    "PAY_BEYOND_FISCAL_YEAR": (Severity.ERROR, "支払が年度を越える"),
    # deadlines (別添1 2(3)ウ(イ))
    "REPORT_LATE": (Severity.WARNING, "実績報告書の提出期限を過ぎている"),
    # text (kaigo_xl.texts)
    "TEXT_TRUNCATED": (Severity.WARNING, "Excel のセルに入る 32,767 文字を超えたため切った"),
    # printing (this tool's forms)
    "TEXT_TOO_LONG": (Severity.WARNING, "様式の欄に収まらない長さの文字"),
}


class Finding(BaseModel):
    code: str
    severity: Severity
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f"[{self.location}] " if self.location else ""
        return f"{_LABEL[self.severity]} {self.code}: {where}{self.message}"


_LABEL = {Severity.ERROR: "エラー", Severity.WARNING: "注意", Severity.INFO: "情報"}


def finding(code: str, message: str, location: str = "") -> Finding:
    """Make a finding whose severity comes from the code table, so one code never has two severities."""
    severity, _ = CODES[code]
    return Finding(code=code, severity=severity, message=message, location=location)


def first_cell(location: str) -> str:
    """The first cell a location names: 月別職員数!C8:C9,C12 → 月別職員数!C8 (where a link jumps to)."""
    sheet, bang, refs = location.rpartition("!")
    return f"{sheet}{bang}{refs.split(',')[0].split(':')[0]}" if bang else location


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def count(findings: list[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity is severity)


# ---- pydantic's validation errors, said in Japanese at a JSON path (or, through `locate`, a cell) ----

def json_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_MESSAGES = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目は使えません（項目名の誤りではありませんか）",
    "decimal_parsing": "数値として読めません",
    "decimal_type": "数値を入力してください",
    "int_parsing": "整数として読めません",
    "int_type": "整数を入力してください",
    "int_from_float": "円単位の整数を入力してください（小数は使えません）",
    "float_parsing": "数値として読めません",
    "bool_parsing": "true か false を入力してください",
    "string_type": "文字列を入力してください",
    "enum": "選択肢以外の値です",
    "literal_error": "選択肢以外の値です",
    "greater_than_equal": "値が小さすぎます",
    "greater_than": "値が小さすぎます",
    "less_than_equal": "値が大きすぎます",
    "less_than": "値が大きすぎます",
    "model_type": "形式が正しくありません",
    "list_type": "一覧（配列）で入力してください",
    "dict_type": "項目のまとまり（オブジェクト）で入力してください",
    "decimal_not_finite": "有限の数値を入力してください",
    **dict.fromkeys(("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"),
                    "日付として読めません（2025-06-30 のように 年-月-日 の形で書いてください）"),
}


def error_message(err: Mapping[str, Any]) -> str:
    """One pydantic error in Japanese: 「abc」: 数値として読めません。"""
    base = _MESSAGES.get(err["type"], "値が正しくありません")
    ctx = err.get("ctx") or {}
    if err["type"].startswith("date_"):
        pass  # (pydantic's English reason adds nothing to the example)
    elif err["type"] == "value_error" and ctx.get("error"):  # the models' own checks (numbers' bounds …) say why
        base = str(ctx["error"])
    elif "expected" in ctx:
        base += f"（{ctx['expected']}）"
    elif "ge" in ctx or "gt" in ctx:
        base += f"（{ctx.get('ge', ctx.get('gt'))} {'以上' if 'ge' in ctx else 'より大きい値'}）"
    elif "le" in ctx:
        base += f"（{ctx['le']} 以下）"
    given = err.get("input")
    quoted = "" if err["type"] == "missing" or isinstance(given, dict | list) else f"「{_quote(given)}」: "
    return f"{quoted}{base}。"


def _quote(given: object) -> str:
    """The value a message quotes: short, printable (a 5,000-digit number or a 30,000-character text is not repeated)."""
    return printable(given, 40) if isinstance(given, str) else shown_value(given, 40)


def validation_findings(exc: ValidationError, locate: Callable[[tuple], str] = json_path) -> list[Finding]:
    return [finding("INPUT_INVALID", error_message(err), locate(tuple(err["loc"]))) for err in exc.errors()]
