"""Reading a facility's input from JSON (workbooks are read by `kaigo_xl.workbook.reader`).

Two kinds of trouble: a file that cannot be read at all (`InputUnreadable`, exit code 2) and a readable file with
invalid values (findings with a JSON path, exit code 1).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from .findings import Finding, finding
from .models import FacilityInput

MAX_JSON_BYTES = 10 * 1024 * 1024


class InputUnreadable(Exception):
    """The file cannot be read; the message is Japanese and names the file."""


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
}


def error_message(err: dict) -> str:
    """One pydantic error in Japanese: 「abc」: 数値として読めません。"""
    base = _MESSAGES.get(err["type"], "値が正しくありません")
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        base += f"（{ctx['expected']}）"
    elif "ge" in ctx or "gt" in ctx:
        base += f"（{ctx.get('ge', ctx.get('gt'))} {'以上' if 'ge' in ctx else 'より大きい値'}）"
    elif "le" in ctx:
        base += f"（{ctx['le']} 以下）"
    given = err.get("input")
    shown = "" if err["type"] == "missing" or isinstance(given, dict | list) else f"「{given}」: "
    return f"{shown}{base}。"


def validation_findings(exc: ValidationError, locate=json_path) -> list[Finding]:
    return [finding("INPUT_INVALID", error_message(err), locate(tuple(err["loc"]))) for err in exc.errors()]


def parse_payload(data: object, locate=json_path) -> tuple[FacilityInput | None, list[Finding]]:
    try:
        return FacilityInput.model_validate(data), []
    except ValidationError as exc:
        return None, validation_findings(exc, locate)


def load_json(path: Path) -> tuple[FacilityInput | None, list[Finding]]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise InputUnreadable(f"{path}: ファイルが大きすぎます（10MB まで）。")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputUnreadable(f"{path}: ファイルが見つかりません。") from None
    except IsADirectoryError:
        raise InputUnreadable(f"{path}: フォルダーです。ファイルを指定してください。") from None
    except PermissionError:
        raise InputUnreadable(f"{path}: 読み取りの権限がありません。") from None
    except UnicodeDecodeError:
        raise InputUnreadable(f"{path}: UTF-8 のテキストとして読めません。") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputUnreadable(f"{path}: JSON の書式が正しくありません（{exc.lineno}行 {exc.colno}文字目）。") from None
    except RecursionError:
        raise InputUnreadable(f"{path}: JSON の入れ子が深すぎます。") from None
    if not isinstance(data, dict):
        raise InputUnreadable(f"{path}: JSON の最上位は項目のまとまり（{{…}}）にしてください。")
    return parse_payload(data)
