"""Reading a facility's input from JSON (workbooks are read by `kaigo_xl.workbook.reader`).

Two kinds of trouble: a file that cannot be read at all (`InputUnreadable`, exit code 2) and a readable file with
invalid values (findings with a JSON path, exit code 1). A month given twice in `monthly` or `monthly_actual` is
such a value: which of the two is meant cannot be known, so the file is not evaluated (nor put into a workbook).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.findings import Finding, finding, json_path, validation_findings
from kaigo_xl.models import FacilityInput

MAX_JSON_BYTES = 10 * 1024 * 1024


def parse_payload(data: object, locate=json_path) -> tuple[FacilityInput | None, list[Finding]]:
    try:
        inp = FacilityInput.model_validate(data)
    except ValidationError as exc:
        return None, validation_findings(exc, locate)
    twice = duplicate_months(inp, locate)
    return (None, twice) if twice else (inp, [])


def duplicate_months(inp: FacilityInput, locate=json_path) -> list[Finding]:
    """MONTH_DUPLICATE for each month entered a second time in `monthly` or `monthly_actual`."""
    out = []
    for key in ("monthly", "monthly_actual"):
        seen: set[int] = set()
        for i, row in enumerate(getattr(inp, key) or []):
            if row.month in seen:
                out.append(finding("MONTH_DUPLICATE", f"{row.month}月が二度入力されています（{key}）。どちらの値か"
                                   "決められないため、計算しません。", locate((key, i, "month"))))
            seen.add(row.month)
    return out


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
