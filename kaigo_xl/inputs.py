"""Reading a facility's input from JSON (workbooks are read by `kaigo_xl.workbook.reader`).

Two kinds of trouble: a file that cannot be read at all (`InputUnreadable`, exit code 2) and a readable file with
invalid values (findings with a JSON path, exit code 1).

Everything a person could not have meant is stopped here, at the boundary, with a finding at its JSON path: a key
written twice (JSON would silently keep the last one), numbers outside kaigo_xl.numbers' bounds (a 5,000-digit
integer, 1e999999999), and text that cannot be printed or does not fit in a cell (kaigo_xl.texts). A FIFO or a
device is refused before it is read (kaigo_xl.files). A month given twice in `monthly` or `monthly_actual` is such a
value too: which of the two is meant cannot be known, so the file is not evaluated (nor put into a workbook).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.files import read_regular
from kaigo_xl.findings import Finding, finding, json_path, validation_findings
from kaigo_xl.models import FacilityInput
from kaigo_xl.numbers import MAX_NUMBER_CHARS, bound_problem, shown
from kaigo_xl.texts import clean_text, cleaning_notes

MAX_JSON_BYTES = 10 * 1024 * 1024


class _Pairs(dict):
    """A JSON object that remembers the keys written more than once (`object_pairs_hook`)."""

    duplicates: list[str]


class _Unbounded:
    """A JSON number token too long to convert (a 5,000-digit integer): kept as text for the finding."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __str__(self) -> str:
        return shown(self.token)


def _pairs(items: list[tuple[str, object]]) -> _Pairs:
    out = _Pairs()
    out.duplicates = []
    for key, value in items:
        if key in out and key not in out.duplicates:
            out.duplicates.append(key)
        out[key] = value
    return out


def _number(token: str) -> object:
    """A JSON number token as int or Decimal, never a float; a token no person could have meant stays text."""
    if len(token) > MAX_NUMBER_CHARS:
        return _Unbounded(token)
    try:
        return int(token) if token.lstrip("-").isdigit() else Decimal(token)
    except (ValueError, InvalidOperation):
        return _Unbounded(token)


def _no_constant(name: str) -> object:
    return _Unbounded(name)  # NaN, Infinity, -Infinity: not JSON, and no number anyone meant


class _Boundary:
    """Walks decoded JSON: cleans every string (keys too), bounds every number, and says where, as findings."""

    def __init__(self, locate) -> None:
        self.locate = locate
        self.findings: list[Finding] = []
        self.refused: set[tuple] = set()  # paths whose value was refused (pydantic's own error there is dropped)

    def walk(self, value: object, loc: tuple) -> object:
        if isinstance(value, dict):
            out = {}
            twice = list(getattr(value, "duplicates", ()))
            for key, item in value.items():
                clean = self.text(key, loc + (clean_text(key).text,)) if isinstance(key, str) else key  # printed
                if clean in out and clean not in twice:
                    twice.append(clean)  # two keys that differ only by characters cleaning removed
                out[clean] = self.walk(item, loc + (clean,))
            for key in twice:
                self.refuse(loc + (clean_text(key).text,), f"項目「{clean_text(key, 100).text}」が2回以上書かれています。"
                            "1回だけにしてください（どちらの値を使うか決められません）。")
            return out
        if isinstance(value, list):
            return [self.walk(v, loc + (i,)) for i, v in enumerate(value)]
        if isinstance(value, str):
            return self.text(value, loc)
        if isinstance(value, _Unbounded):
            self.refuse(loc, f"「{value}」: 数値として扱えません（{MAX_NUMBER_CHARS}文字までの有限の数値にしてください）。")
            return None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            problem = bound_problem(value)
            if problem is not None:
                self.refuse(loc, f"「{shown(value)}」: {problem}。")
                return None
        return value

    def text(self, raw: str, loc: tuple) -> str:
        cleaned = clean_text(raw)
        for code, message in cleaning_notes(cleaned):
            self.findings.append(finding(code, message, self.locate(loc)))
            if code == "INPUT_INVALID":
                self.refused.add(loc)
        return cleaned.text

    def refuse(self, loc: tuple, message: str) -> None:
        self.findings.append(finding("INPUT_INVALID", message, self.locate(loc)))
        self.refused.add(loc)


def parse_payload(data: object, locate=json_path) -> tuple[FacilityInput | None, list[Finding]]:
    """Decoded JSON (or any payload of the same shape) → the input and findings. Texts are cleaned and numbers
    bounded first; the input is None when any value is an error (the findings say which and where)."""
    boundary = _Boundary(locate)
    data = boundary.walk(data, ())
    try:
        inp = FacilityInput.model_validate(data)
    except ValidationError as exc:
        refused = {locate(loc) for loc in boundary.refused}
        rest = [f for f in validation_findings(exc, locate) if f.location not in refused]
        return None, boundary.findings + rest
    twice = duplicate_months(inp, locate)
    if boundary.refused or twice:
        return None, boundary.findings + twice
    return inp, boundary.findings


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
    """A facility JSON file → (input, findings). The findings also hold notes on values that were cleaned."""
    path = Path(path)
    raw = read_regular(path, MAX_JSON_BYTES)  # refuses missing files, folders, FIFOs, devices, > 10 MB
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputUnreadable(f"{path}: UTF-8 のテキストとして読めません。") from None
    try:
        data = json.loads(text, parse_float=_number, parse_int=_number, parse_constant=_no_constant,
                          object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise InputUnreadable(f"{path}: JSON の書式が正しくありません（{exc.lineno}行 {exc.colno}文字目）。") from None
    except RecursionError:
        raise InputUnreadable(f"{path}: JSON の入れ子が深すぎます。") from None
    if not isinstance(data, dict):
        raise InputUnreadable(f"{path}: JSON の最上位は項目のまとまり（{{…}}）にしてください。")
    try:
        return parse_payload(data)
    except RecursionError:
        raise InputUnreadable(f"{path}: JSON の入れ子が深すぎます。") from None
