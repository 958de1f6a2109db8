"""The municipality's facility list (CSV or Excel) → one `Facility` per good row, and a reason for each bad row.

Japanese Excel saves CSV as Shift_JIS (cp932) or, with 「CSV UTF-8」, as UTF-8 with a BOM; other tools write UTF-8
without one. We accept all three and tab-separated text, find the header row (the first row naming 施設番号),
and number rows as Excel shows them, so that「5行目」is the row the clerk sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from kaigo_xl.errors import InputUnreadable, os_error_message
from kaigo_xl.models import Facility
from kaigo_xl.municipal.reconcile import Sent
from kaigo_xl.municipal.text import shown, uncsv_cell
from kaigo_xl.numbers import EXCEL_DIGITS
from kaigo_xl.policy import Policy
from kaigo_xl.texts import clipped

MAX_LIST_BYTES = 20 * 1024 * 1024
QUOTED = 20  # characters of a cell a note quotes before 「…（n文字）」
HEADER_SEARCH_ROWS = 20
EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number; a longer number typed as a number lost some

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
    file: str = ""  # the ファイル column of 配布一覧.csv (the book made for the row)
    state: str = ""  # the 状態 column of 配布一覧.csv


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
        info = path.stat()
    except FileNotFoundError:
        raise InputUnreadable(f"{path}: ファイルが見つかりません。") from None
    except OSError as exc:
        raise InputUnreadable(os_error_message(path, exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputUnreadable(f"{path}: フォルダーです。施設一覧のファイル（.csv または .xlsx）を指定してください。")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end: refused before opening
        raise InputUnreadable(f"{path}: 通常のファイルではありません（名前付きパイプ・デバイスなど）。"
                              "施設一覧のファイル（.csv または .xlsx）を指定してください。")
    size = info.st_size
    if size > MAX_LIST_BYTES:
        raise InputUnreadable(f"{path}: ファイルが大きすぎます（20MB まで）。")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_sheet(path)
    # .xls and .ods went to python-calamine unchecked: a 3 MB .ods inflated to 12 GB, repeated cells to more
    resave = "Excel や LibreOffice で .xlsx として保存し直してください。" if suffix in (".xls", ".ods") else ""
    raise InputUnreadable(f"{path}: 対応していない形式です（施設一覧は .csv または .xlsx で保存してください）。{resave}")


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
    except OSError as exc:
        raise InputUnreadable(os_error_message(path, exc)) from None
    text = decode_text(data, path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    # strict: a quote left open is an error (not every later line folded into one field, facilities lost)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1  # the line the row being read begins on
    try:
        for row in reader:
            rows.append((len(rows) + 1, row))
            start = reader.line_num + 1
    except csv.Error as exc:  # (its reasons are English: said here in words a clerk can act on)
        why = (f"1つの欄が長すぎます（{csv.field_size_limit():,}文字まで）" if "field limit" in str(exc) else
               '引用符 " が閉じていないか、引用符の使い方が正しくありません')
        raise InputUnreadable(f"{path}: CSV として読めません（{start}行目から: {why}）。") from None
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_sheet(path: Path) -> list[tuple[int, list[str]]]:
    from kaigo_xl.xlsx.preflight import preflight

    preflight(path)
    return _read_xlsx(path)


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    """An .xlsx list through openpyxl, which keeps a whole number as an int (python-calamine gives a float, and a
    20-digit 施設番号 would lose digits); a number Excel itself stored with lost digits is flagged by _entry."""
    from openpyxl import load_workbook

    from kaigo_xl.xlsx.preflight import parser_errors

    with parser_errors(path, "Excel ファイル"):
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = [[list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
        finally:
            wb.close()
    chosen = next((rows for rows in sheets if _header_row(rows) is not None), sheets[0] if sheets else [])
    return [(i, [_number_text(v) for v in row]) for i, row in enumerate(chosen, start=1)]


def _number_text(value: object) -> str:
    """A cell as text; a float that is not exact (beyond 15 digits) keeps a marker _entry turns into a problem."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10 ** EXACT_DIGITS:
        return f"{int(value)}{_INEXACT}"
    return _cell_text(value)


_INEXACT = "\u0000inexact"


def _header_row(rows) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_header_key(_cell_text(v)) == "施設番号" for v in row):
            return i
    return None


# ---- rows → facilities ----

MANIFEST_COLUMNS = ("ファイル", "状態")  # 配布一覧.csv, as distribute writes it
NOT_SENT = ("作成せず", "作成できず")


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
    manifest = all(c in columns for c in MANIFEST_COLUMNS)
    wanted = set(COLUMNS) | (set(MANIFEST_COLUMNS) if manifest else set())
    entries: list[Entry] = []
    first_row_of: dict[str, int] = {}
    for row_no, cells in table[header_at + 1:]:
        if not any(c.strip() for c in cells):
            continue
        values = {key: _value(cells, i, manifest) for key, i in columns.items() if key in wanted}
        entry = _entry(row_no, values, policy)
        if entry.number:
            if entry.number in first_row_of:
                entry.problems.append(f"施設番号「{entry.number}」が{first_row_of[entry.number]}行目と重複しています。")
            else:
                first_row_of[entry.number] = row_no
        if not entry.problems:
            _build(entry, values)
        entries.append(entry)
    _note_suspicious(entries)
    return entries


def _value(cells: list[str], i: int, manifest: bool) -> str:
    text = cells[i].strip() if i < len(cells) else ""
    return uncsv_cell(text) if manifest else text


def sent_list(path: Path, policy: Policy) -> list[Sent]:
    """The facilities a book was sent to, for `collect --list`: the good rows of a facility list, or the rows of
    配布一覧.csv whose book was made (作成 / 既存のため作成せず)."""
    return [Sent(e.row, shown(e.number), shown(e.name), shown(e.file)) for e in parse_list(path, policy)
            if not e.problems and e.state not in NOT_SENT]


def _note_suspicious(entries: list[Entry]) -> None:
    """Notes that do not stop a row: a number that lost its leading zero (9 digits where the others have 10) and
    「?」 in a name, which is what a Shift_JIS export leaves for a character it cannot hold."""
    lengths = Counter(len(e.number) for e in entries if e.number.isdigit())
    usual = lengths.most_common(1)[0][0] if lengths else 0
    for e in entries:
        if usual and e.number.isdigit() and len(e.number) == usual - 1 and lengths[usual] > lengths[len(e.number)]:
            e.notes.append(f"施設番号「{e.number}」は{len(e.number)}桁です（ほかの行は{usual}桁）。Excel で先頭の 0 が"
                           f"消えていないか確認してください（例: 0{e.number}）。")
        if "?" in e.name or "\ufffd" in e.name:
            e.notes.append(f"施設名「{e.name}」に「?」があります。Shift_JIS で保存したときに表せない文字（旧字体など）が"
                           "「?」に置き換わった可能性があります。元の名前を確認してください。")


def _entry(row_no: int, values: dict[str, str], policy: Policy) -> Entry:
    raw_number = norm(values.get("施設番号", ""))
    number = raw_number.removesuffix(_INEXACT)
    name = values.get("施設名", "").strip()
    raw_type = norm(values.get("種別", ""))
    ftype = _TYPES.get(raw_type.replace(" ", ""), "")
    municipality = values.get("市区町村", "").strip() or policy.municipality
    entry = Entry(row_no, number, name, ftype or raw_type, municipality,
                  file=values.get("ファイル", ""), state=values.get("状態", ""))
    if raw_number != number:
        entry.problems.append(f"施設番号「{number}」は数値として保存されていて、{EXACT_DIGITS + 1}桁目以降が正確ではありません。"
                              "Excel で列を「文字列」にして入力し直してください。")
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
        if capacity.isascii() and capacity.isdigit() and len(capacity) <= EXCEL_DIGITS:  # (not ፩, not 5,000 digits)
            data["capacity"] = int(capacity)
        else:
            entry.notes.append(f"定員「{clipped(values['定員'], QUOTED)}」を数として読めないため空欄にしました。")
    subtype = norm(values.get("類型", "")).upper()
    if not subtype and norm(values.get("種別", "")) == "ケアハウス":
        subtype = "ケアハウス"
    if subtype:
        if entry.type != "軽費":
            entry.notes.append(f"類型「{clipped(values.get('類型', ''), QUOTED)}」は軽費老人ホームだけの項目のため使いませんでした。")
        elif subtype in _SUBTYPES:
            data["subtype"] = _SUBTYPES[subtype]
        else:
            entry.notes.append(f"類型「{clipped(values.get('類型', ''), QUOTED)}」は A型・B型・ケアハウス・都市型 のいずれかではないため空欄にしました。")
    tokutei = norm(values.get("特定施設", "")).upper()
    if tokutei in _YES:
        data["tokutei_designated"] = True
    elif tokutei in _NO:
        data["tokutei_designated"] = False
    elif tokutei:
        entry.notes.append(f"特定施設「{clipped(values['特定施設'], QUOTED)}」は あり・なし のどちらかではないため空欄にしました。")
    try:
        entry.facility = Facility.model_validate(data)
    except ValidationError as exc:
        header = {v: k for k, v in COLUMNS.items()}.get(str(exc.errors()[0]["loc"][0]), "施設情報")
        entry.problems.append(f"「{header}」の値が正しくありません。")
