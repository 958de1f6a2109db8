"""Cell values → Python values, as a clerk typed them: numbers typed as text, full-width digits, 和暦 dates.

Every refusal becomes a finding at `sheet!cell` (INPUT_INVALID), every reading of something unusual a note
(INPUT_NORMALISED). The template's formulas read numbers typed as text by the same rules
(kaigo_xl.workbook.template.formulas), so the sheet and the command agree.

This is the workbook's boundary: an error value (#DIV/0!, #SPILL! …) is reported as what it is; numbers are held to
kaigo_xl.numbers' bounds (1E+300, a 5,000-digit text); text is cleaned by kaigo_xl.texts (control characters,
Excel's 32,767 characters), each with a finding at its cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from kaigo_xl.findings import Finding, finding
from kaigo_xl.numbers import EXCEL_DIGITS, MAX_NUMBER_CHARS, bound_problem, decimal_from_double
from kaigo_xl.numbers import shown as quoted
from kaigo_xl.texts import clean_text, cleaning_notes, is_clean, printable
from kaigo_xl.workbook import layout as L
from kaigo_xl.xlsx.refs import split_ref

Grid = Sequence[Sequence[object]]
BAD = object()  # a cell that could not be read (a finding has been recorded)

# What each error value means, for the message (Excel's own wording, shortened).
ERROR_MEANINGS = {
    "#DIV/0!": "0 で割っています", "#N/A": "値が見つかりません", "#NAME?": "関数名や名前の誤りです",
    "#NULL!": "範囲の指定が正しくありません", "#NUM!": "数値が大きすぎるか計算できません",
    "#REF!": "参照先のセルが削除されています", "#VALUE!": "値の種類が正しくありません",
    "#SPILL!": "スピル範囲に別の値があります", "#CALC!": "計算できない値です。空の配列など",
    "#FIELD!": "データ型のフィールドがありません", "#BLOCKED!": "機能がブロックされています",
    "#BUSY!": "計算の途中です", "#CONNECT!": "接続できません", "#UNKNOWN!": "この Excel が知らないデータ型です",
    "#GETTING_DATA": "データを取得中です", "#PYTHON!": "Python の計算でエラーが起きました",
    "#EXTERNAL!": "外部の計算でエラーが起きました",
}


class CellError:
    """An error value stored in a cell (`t="e"`), as the workbook file holds it: #DIV/0!, #SPILL!, …"""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = printable(code.strip(), 40)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"CellError({self.code!r})"

    def __str__(self) -> str:
        return self.code

    def message(self, label: str) -> str:
        meaning = ERROR_MEANINGS.get(self.code.upper(), "Excel のエラー値です")
        return (f"{label}にエラー値「{self.code}」が入っています（{meaning}）。数式を直すか、値を入力し直してください。")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_WIDE_OK = "\u3000\u2212¥￥円人時間回月年度"
_UNITS = {"fte": ("人",), "yen": ("円",), "hours": ("時間",), "int": ("回", "人", "月"), "year": ("年度", "年")}


def number_text(raw: str, kind: str) -> str | None:
    """Normalise typed text to a plain decimal string, or None: NFKC (全角→半角), spaces, 円, 桁区切りのカンマ."""
    if any(ord(c) > 127 and not 0xFF01 <= ord(c) <= 0xFF5E and c not in _WIDE_OK for c in raw):
        return None  # only full-width forms are read as digits: ① or ² are not numbers here
    s = unicodedata.normalize("NFKC", raw).replace("\u2212", "-").replace(" ", "").replace("\u3000", "")
    if kind == "yen":
        s = s.lstrip("¥\\")
    for unit in _UNITS.get(kind, ()):
        if s.endswith(unit):
            s = s[: -len(unit)]
            break
    if _GROUPED_NUMBER.fullmatch(s):
        s = s.replace(",", "")
    return s if _PLAIN_NUMBER.fullmatch(s) else None


class SheetValues:
    """One sheet's values, addressed as users see them (C8)."""

    __slots__ = ("name", "rows")

    def __init__(self, name: str, rows: Grid):
        self.name, self.rows = name, rows

    def at(self, row: int, col: int) -> object:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None

    def value(self, ref: str) -> object:
        row, col = split_ref(ref)  # (cached: the reader asks for the same few hundred cells in every book)
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None

    def blank(self, row: int, cols: Sequence[int]) -> bool:
        """Every cell of `row` in `cols` (1-based) is blank (is_blank), as `all(is_blank(self.at(row, c)) …)`."""
        if row < 1 or row > len(self.rows):
            return True
        line = self.rows[row - 1]
        n = len(line)
        for c in cols:
            if 0 < c <= n:
                v = line[c - 1]
                if v is not None and (v.__class__ is not str or v.strip()) and not is_blank(v):
                    return False  # (None and "" are answered without is_blank)
        return True

    def where(self, ref: str) -> str:
        return L.cell(self.name, ref)


Fields = tuple[tuple[str, str], ...]  # (path suffix: "" or ".…", cell reference): ("", "B20"), (".job", "C20") …


class Places(Mapping[str, str]):
    """The reader's answer to "where is this field": an engine field path → `sheet!cell`.

    The sections record one entry per row they read (a base path, the sheet and the row's fields: `base + suffix` is
    at `sheet!ref`); a path is spelled out only when asked, and a later entry for the same path wins, as in a dict
    filled in the order recorded. Most books are never asked, and a roster has some fifty places per person."""

    def __init__(self) -> None:
        self._rows: dict[str, list[tuple[int, str, Fields]]] = {}  # base → (order, sheet, fields)
        self._count = 0

    def add(self, base: str, sheet: SheetValues, fields: Fields) -> None:
        """`base + suffix` is at `sheet!ref` for each (suffix, ref) of `fields`; a suffix is "" or starts with "."."""
        self._rows.setdefault(base, []).append((self._count, sheet.name, fields))
        self._count += 1

    def get(self, path: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """`sheet!cell` of `path`, or `default`: the latest entry whose base and one of whose suffixes make `path`
        (a base is the path itself or the path cut before one of its dots)."""
        best: tuple[int, str, str] | None = None
        cut = len(path)
        while cut >= 0:
            for order, sheet, fields in self._rows.get(path[:cut], ()):
                ref = _suffixes(fields).get(path[cut:])
                if ref is not None and (best is None or order > best[0]):
                    best = (order, sheet, ref)
            cut = path.rfind(".", 0, cut)
        return default if best is None else L.cell(best[1], best[2])

    def __getitem__(self, path: str) -> str:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def _spelled(self) -> dict[str, str]:
        """Every path, in the order recorded (a later entry for the same path wins)."""
        entries = sorted((order, base, sheet, fields) for base, rows in self._rows.items()
                         for order, sheet, fields in rows)
        return {base + suffix: L.cell(sheet, ref) for _, base, sheet, fields in entries for suffix, ref in fields}

    def __iter__(self) -> Iterator[str]:
        return iter(self._spelled())

    def __len__(self) -> int:
        return len(self._spelled())


@functools.lru_cache(maxsize=256)
def _suffixes(fields: Fields) -> dict[str, str]:
    """A row's fields as suffix → cell (the last of a suffix given twice). The rows' tables are made once, so the
    same few hundred tuples come back in every book. (Read only.)"""
    return dict(fields)


class CellReader:
    """Turns cells into typed values; every refusal becomes a finding at the cell."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.where = Places()
        self._cleaned: set[str] = set()  # cells whose cleaning was reported (each once)

    def value(self, sh: SheetValues, ref: str) -> object:
        """The cell's value with its text cleaned (kaigo_xl.texts), saying once per cell what cleaning did."""
        v = sh.value(ref)
        if not isinstance(v, str) or is_clean(v):
            return v  # (a clean text is what clean_text would give back)
        cleaned = clean_text(v)
        loc = sh.where(ref)
        if cleaned.changed and loc not in self._cleaned:
            self._cleaned.add(loc)
            self.findings += [finding(code, message, loc) for code, message in cleaning_notes(cleaned)]
        return cleaned.text

    # -- findings --
    def invalid(self, loc: str, message: str) -> object:
        self.findings.append(finding("INPUT_INVALID", message, loc))
        return BAD

    def normalised(self, loc: str, raw: str, shown: object) -> None:
        self.findings.append(finding(
            "INPUT_NORMALISED", f"「{raw}」を {shown} として読みました（全角文字・空白・記号を読み替えました）。", loc))

    # -- kinds of cells --
    def decimal(self, sh: SheetValues, ref: str, label: str, kind: str = "fte",
                text_ok: bool = True) -> Decimal | None | object:
        """A number (FTE, hours, yen, …) as Decimal; None when blank.

        `text_ok=False` where the template's formulas cannot read numbers typed as text (the roster's hour cells):
        accepting them here would make Python and Excel disagree, so they are input errors on both sides.
        """
        v = self.value(sh, ref)
        if type(v) is float:  # the usual cell, read as below without the other questions
            problem = bound_problem(v)
            if problem is None:
                return decimal_from_double(v)
            return self.invalid(sh.where(ref), f"{label}「{quoted(v)}」は{problem}。")
        if is_blank(v):
            return None
        return self._decimal(sh.where(ref), v, label, kind, text_ok)

    def _decimal(self, loc: str, v: object, label: str, kind: str, text_ok: bool) -> Decimal | object:
        """`decimal` of the value `v` (not blank) read at `loc`."""
        if isinstance(v, CellError):
            return self.invalid(loc, v.message(label))
        if isinstance(v, bool):
            return self.invalid(loc, f"{label}に「{'TRUE' if v else 'FALSE'}」が入っています。数値を入力してください。")
        if isinstance(v, int | float):
            problem = bound_problem(v)
            if problem is not None:
                return self.invalid(loc, f"{label}「{quoted(v)}」は{problem}。")
            return Decimal(v) if isinstance(v, int) else decimal_from_double(v)
        if isinstance(v, str) and not text_ok:
            return self.invalid(loc, f"{label}「{quoted(v.strip())}」が文字として入力されています。半角の数値で入力し直してください"
                                "（文字の時間は Excel の計算に使われません）。")
        if isinstance(v, str):
            text = number_text(v, kind) if len(v) <= MAX_NUMBER_CHARS else None
            if text is None:
                hint = {"yen": "円単位の整数（例: 54000）", "hours": "時間数（例: 160.5）"}.get(kind, "半角の数値（例: 10.5）")
                return self.invalid(loc, f"{label}「{quoted(v.strip())}」は数値として読めません。{hint}を入力してください。")
            problem = bound_problem(text)
            if problem is not None:
                return self.invalid(loc, f"{label}「{quoted(v.strip())}」は{problem}。")
            d = Decimal(text)
            if text != v:
                self.normalised(loc, v, d)
            return d
        if isinstance(v, dt.date | dt.time | dt.timedelta):
            return self.invalid(loc, f"{label}が日付・時刻になっています（{v}）。セルの表示形式を「数値」にして入力し直してください。")
        return self.invalid(loc, f"{label}「{v}」は数値として読めません。")

    def integer(self, sh: SheetValues, ref: str, label: str, kind: str = "int") -> int | None | object:
        d = self.decimal(sh, ref, label, kind)
        if d is None or d is BAD:
            return d
        assert isinstance(d, Decimal)
        if d != d.to_integral_value():
            what = "円単位の整数" if kind == "yen" else "整数"
            return self.invalid(sh.where(ref), f"{label}「{d}」に小数があります。{what}で入力してください。")
        return int(d)

    def text(self, sh: SheetValues, ref: str, label: str = "セル") -> str:
        """The cell as text ("" when blank or an error value, which is reported). A number shows as typed; one with
        more than 15 digits is reported, as Excel kept only 15 of them (a 20-digit 施設番号 typed as a number)."""
        return self._text(sh, ref, self.value(sh, ref), label)

    def _text(self, sh: SheetValues, ref: str, v: object, label: str) -> str:
        """`text` of the value `v` read from `ref`."""
        if type(v) is str:
            return v.strip()  # ("" when blank)
        if is_blank(v):
            return ""
        if isinstance(v, CellError):
            self.invalid(sh.where(ref), v.message(label))
            return ""
        if isinstance(v, int) and not isinstance(v, bool) and bound_problem(v) is not None:
            self.invalid(sh.where(ref), f"{label}「{quoted(v)}」は{bound_problem(v)}。")  # (str() fails beyond 4,300 digits)
            return ""
        if isinstance(v, float):
            if not math.isfinite(v):
                return str(v)
            d = decimal_from_double(v)
            if d.adjusted() >= EXCEL_DIGITS:
                self.invalid(sh.where(ref), f"{label}が {EXCEL_DIGITS + 1}桁以上の数値として入力されています。Excel の数値は"
                             f"{EXCEL_DIGITS}桁までしか保たれないため、{EXCEL_DIGITS + 1}桁目以降が正しくありません。"
                             "セルの表示形式を「文字列」にしてから入力し直してください。")
            return format(d, "f")
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v).strip()

    def choice(self, sh: SheetValues, ref: str, label: str, choices: Mapping[str, object],
               shown: Sequence[str] = ()) -> object:
        """One of `choices` (text, or a usual variant of it → model value); None when blank. `shown`: the
        drop-down's entries, named in the message."""
        v = self.value(sh, ref)
        if is_blank(v):
            return None
        loc = sh.where(ref)
        if isinstance(v, CellError):
            return self.invalid(loc, v.message(label))
        raw = self._text(sh, ref, v, label)
        key = None
        for text, value in choices.items():
            if raw == text:
                return value
            if key is None:
                key = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
            if key == _choice_key(text):  # Ａ型, b, 実 施 済
                self.normalised(loc, raw, text)
                return value
        listed = "・".join(shown or choices)
        return self.invalid(loc, f"{label}「{printable(raw, 40)}」は選択肢にありません。{listed} から選んでください。")

    def date(self, sh: SheetValues, ref: str, label: str) -> str | None | object:
        """A date cell, an Excel serial number, or text such as 2026-04-30 / 2026年4月30日 / 令和8年4月30日 → ISO."""
        v = self.value(sh, ref)
        if is_blank(v):
            return None
        loc = sh.where(ref)
        if isinstance(v, CellError):
            return self.invalid(loc, v.message(label))
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, int | float) and not isinstance(v, bool) and 36526 <= v < 73051:  # (NaN, inf, 10**400: no)
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(v))  # an Excel serial (2000-01-01 … 2099-12-31)
            self.normalised(loc, format(v, "g"), day.isoformat())
            return day.isoformat()
        if isinstance(v, str) and len(v) <= MAX_NUMBER_CHARS:
            typed = parse_date_text(v)
            if typed is not None:
                return typed.isoformat()
        shown_v = printable(v, 40) if isinstance(v, str) else quoted(v)
        return self.invalid(loc, f"{label}「{shown_v}」は日付として読めません。2026/4/30 または 令和8年4月30日 の形で入力してください。")


@functools.lru_cache(maxsize=512)
def _choice_key(text: str) -> str:
    """A choice as `CellReader.choice` compares it: NFKC, no spaces, upper case (the choices are the layout's own)."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").upper()


ERA_START = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}


def parse_date_text(text: str) -> dt.date | None:
    """2026-04-30, 2026/4/30, 2026.4.30, 2026年4月30日, 令和8年4月30日, 令和元年…, R8.4.30 → date."""
    s = unicodedata.normalize("NFKC", text).replace(" ", "").upper()
    m = (re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", s)
         or re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", s))
    year = None
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = (re.fullmatch(r"(令和|平成)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日?", s)
             or re.fullmatch(r"(R|H)(\d{1,2}|元)[./年](\d{1,2})[./月](\d{1,2})日?", s))
        if m:
            n = 1 if m.group(2) == "元" else int(m.group(2))
            year, month, day = ERA_START[m.group(1)] + n, int(m.group(3)), int(m.group(4))
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
