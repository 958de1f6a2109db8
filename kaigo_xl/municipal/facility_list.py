"""The municipality's facility list (CSV or Excel) → one `Facility` per good row, and a reason for each bad row.

Japanese Excel saves CSV as Shift_JIS (cp932) or, with 「CSV UTF-8」, as UTF-8 with a BOM; other tools write UTF-8
without one. We accept all three and tab-separated text, find the header row (the first row naming 施設番号),
and number rows as Excel shows them, so that「5行目」is the row the clerk sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.models import Facility
from kaigo_xl.policy import Policy

MAX_LIST_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 20

# Column header → Facility field. Headers are compared after NFKC and without spaces.
COLUMNS: dict[str, str] = {
    "施設番号": "number", "施設名": "name", "種別": "type", "市区町村": "municipality",
    "定員": "capacity", "法人名": "corporation", "所在地": "address", "代表者": "representative",
    "類型": "subtype", "特定施設": "tokutei_designated", "担当者": "contact",
}
ALIASES: dict[str, str] = {
    "施設種別": "種別", "施設の種別": "種別", "市町村": "市区町村", "所在市区町村": "市区町村",
    "法人": "法人名", "住所": "所在地", "代表者(職・氏名)": "代表者", "担当者・連絡先": "担当者", "連絡先": "担当者",
    "特定施設の指定": "特定施設", "特定施設入居者生活介護": "特定施設", "特定施設入居者生活介護の指定": "特定施設",
    "施設コード": "施設番号", "事業所番号": "施設番号", "定員(人)": "定員",
}
REQUIRED = ("施設番号", "施設名", "種別", "市区町村")

_TYPES = {"養護": "養護", "養護老人ホーム": "養護", "軽費": "軽費", "軽費老人ホーム": "軽費", "ケアハウス": "軽費"}
_SUBTYPES = {"A": "A型", "A型": "A型", "B": "B型", "B型": "B型", "ケアハウス": "ケアハウス", "C型": "ケアハウス",
             "都市型": "都市型", "都市型軽費老人ホーム": "都市型"}
_YES = {"あり", "有", "有り", "○", "◯", "はい", "指定あり", "TRUE", "1"}
_NO = {"なし", "無", "無し", "×", "いいえ", "指定なし", "FALSE", "0", "-", "ー"}


@dataclass
class Entry:
    """One data row: the facility to produce, or the reasons it cannot be (and notes that do not stop it)."""

    row: int
    number: str
    name: str
    type: str
    municipality: str
    facility: Facility | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def norm(text: str) -> str:
    """NFKC without surrounding space: 全角 digits and letters become ASCII, as Excel users type both."""
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(text: str) -> str:
    key = "".join(norm(text).split())
    return ALIASES.get(key, key)


# ---- reading the file ----

def read_table(path: Path) -> list[tuple[int, list[str]]]:
    """Rows of the list as text, with the row number Excel shows; raises InputUnreadable with a Japanese message."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputUnreadable(f"{path}: ファイルが見つかりません。") from None
    if path.is_dir():
        raise InputUnreadable(f"{path}: フォルダーです。施設一覧のファイル（.csv または .xlsx）を指定してください。")
    if size > MAX_LIST_BYTES:
        raise InputUnreadable(f"{path}: ファイルが大きすぎます（20MB まで）。")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_sheet(path)
    raise InputUnreadable(f"{path}: 対応していない形式です（施設一覧は .csv または .xlsx で保存してください）。")


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 「Unicode テキスト」), else Shift_JIS (cp932)."""
    encodings: tuple[str, ...]
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp932")
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputUnreadable(f"{path}: 文字コードを判別できません。UTF-8 または Shift_JIS（Excel の「CSV（コンマ区切り）」）"
                          "で保存してください。")


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputUnreadable(f"{path}: 読み取りの権限がありません。") from None
    text = decode_text(data, path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        return [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                                 start=1)]
    except csv.Error as exc:
        raise InputUnreadable(f"{path}: CSV として読めません（{exc}）。") from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_sheet(path: Path) -> list[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() == ".xlsx":
        from kaigo_xl.xlsx.preflight import preflight

        preflight(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [book.get_sheet_by_index(i).to_python(skip_empty_area=False) for i in range(len(book.sheet_names))]
    except Exception as exc:
        raise InputUnreadable(f"{path}: Excel ファイルとして読めません（{type(exc).__name__}）。") from None
    chosen = next((rows for rows in sheets if _header_row(rows) is not None), sheets[0] if sheets else [])
    return [(i, [_cell_text(v) for v in row]) for i, row in enumerate(chosen, start=1)]


def _header_row(rows) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_header_key(_cell_text(v)) == "施設番号" for v in row):
            return i
    return None


# ---- rows → facilities ----

def parse_list(path: Path, policy: Policy) -> list[Entry]:
    """Every data row of the list as an Entry; raises InputUnreadable when the headers are missing."""
    table = read_table(path)
    header_at = _header_row([r for _, r in table])
    header = table[header_at][1] if header_at is not None else next((r for _, r in table if any(c.strip() for c in r)), [])
    columns: dict[str, int] = {}
    for i, text in enumerate(header):
        columns.setdefault(_header_key(text), i)
    missing = [h for h in REQUIRED if h not in columns and not (h == "市区町村" and policy.municipality)]
    if missing or header_at is None:
        missing = missing or ["施設番号"]
        raise InputUnreadable(
            f"{path}: 見出し{'・'.join(f'「{h}」' for h in missing)}がありません。先頭の行に "
            f"{'・'.join(REQUIRED)} の見出しを置いてください（ほかに {'・'.join(k for k in COLUMNS if k not in REQUIRED)} も使えます）。")
    entries: list[Entry] = []
    first_row_of: dict[str, int] = {}
    for row_no, cells in table[header_at + 1:]:
        if not any(c.strip() for c in cells):
            continue
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in columns.items() if key in COLUMNS}
        entry = _entry(row_no, values, policy)
        if entry.number:
            if entry.number in first_row_of:
                entry.problems.append(f"施設番号「{entry.number}」が{first_row_of[entry.number]}行目と重複しています。")
            else:
                first_row_of[entry.number] = row_no
        if not entry.problems:
            _build(entry, values)
        entries.append(entry)
    return entries


def _entry(row_no: int, values: dict[str, str], policy: Policy) -> Entry:
    number = norm(values.get("施設番号", ""))
    name = values.get("施設名", "").strip()
    raw_type = norm(values.get("種別", ""))
    ftype = _TYPES.get(raw_type.replace(" ", ""), "")
    municipality = values.get("市区町村", "").strip() or policy.municipality
    entry = Entry(row_no, number, name, ftype or raw_type, municipality)
    if not number:
        entry.problems.append("施設番号がありません。")
    if not name:
        entry.problems.append("施設名がありません。")
    if not raw_type:
        entry.problems.append("種別がありません（養護 または 軽費）。")
    elif not ftype:
        entry.problems.append(f"種別「{raw_type}」は 養護 または 軽費 で入力してください。")
    return entry


def _build(entry: Entry, values: dict[str, str]) -> None:
    data: dict[str, object] = {
        "number": entry.number, "name": entry.name, "type": entry.type, "municipality": entry.municipality,
        "corporation": values.get("法人名", ""), "address": values.get("所在地", ""),
        "representative": values.get("代表者", ""), "contact": values.get("担当者", ""),
    }
    capacity = norm(values.get("定員", "")).removesuffix("人").replace(",", "")
    if capacity:
        if capacity.isdigit():
            data["capacity"] = int(capacity)
        else:
            entry.notes.append(f"定員「{values['定員']}」を数として読めないため空欄にしました。")
    subtype = norm(values.get("類型", "")).upper()
    if not subtype and norm(values.get("種別", "")) == "ケアハウス":
        subtype = "ケアハウス"
    if subtype:
        if entry.type != "軽費":
            entry.notes.append(f"類型「{values.get('類型', '')}」は軽費老人ホームだけの項目のため使いませんでした。")
        elif subtype in _SUBTYPES:
            data["subtype"] = _SUBTYPES[subtype]
        else:
            entry.notes.append(f"類型「{values.get('類型', '')}」は A型・B型・ケアハウス・都市型 のいずれかではないため空欄にしました。")
    tokutei = norm(values.get("特定施設", "")).upper()
    if tokutei in _YES:
        data["tokutei_designated"] = True
    elif tokutei in _NO:
        data["tokutei_designated"] = False
    elif tokutei:
        entry.notes.append(f"特定施設「{values['特定施設']}」は あり・なし のどちらかではないため空欄にしました。")
    try:
        entry.facility = Facility.model_validate(data)
    except ValidationError as exc:
        header = {v: k for k, v in COLUMNS.items()}.get(str(exc.errors()[0]["loc"][0]), "施設情報")
        entry.problems.append(f"「{header}」の値が正しくありません。")
