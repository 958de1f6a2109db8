"""Reading a filled workbook into the models, cell by cell, with a finding at `sheet!cell` for every cell we cannot use.

Only input cells are read (the yellow cells of layout.py); every formula result (計算, チェック, 月別職員数!G …) is
ignored, so a stale or tampered cached value can never change a number: the engine recomputes everything.

`read_grids` works on plain values (rows of cells, A1 at [0][0]) so the Excel add-in can feed it the values of a live
book; `read_workbook` gets those values from a file with python-calamine, which is fast enough for a municipality's
3,000 returned workbooks.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import html
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from ..catalog import default_catalog
from ..findings import Finding, finding
from ..inputs import json_path, validation_findings
from ..models import FISCAL_MONTHS, FacilityInput
from . import layout as L
from .safety import column_letters as col_letter  # 1 → A, 27 → AA

Grid = Sequence[Sequence[object]]
Locate = Callable[[str], str]

SHEETS_TO_READ = (*L.INPUT_SHEETS, L.S_SETTINGS)
_BAD = object()  # a cell that could not be read (a finding has been recorded)


# ---------------------------------------------------------------------------------------------------------------
# cell values → Python values
# ---------------------------------------------------------------------------------------------------------------

@functools.cache
def _split_ref(ref: str) -> tuple[int, int]:
    """'C8' → (row 8, column 3), both 1-based."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def float_to_decimal(x: float) -> Decimal:
    """A spreadsheet number as the decimal the user typed: 10.5 → 10.5, 0.1 → 0.1, never 0.1000000000000000055….

    Excel keeps 15 significant digits, so we read a binary double back at 15 significant digits. A formula result
    such as 0.1+0.2 (0.30000000000000004 in binary) becomes 0.3, as Excel shows it. Never `Decimal(float)`.
    """
    d = Decimal(format(x, ".15g"))
    return d.copy_abs() if d.is_zero() else d  # -0.0 is 0


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_WIDE_OK = "\u3000\u2212¥￥円人時間回月年度"
_UNITS = {"fte": ("人",), "yen": ("円",), "hours": ("時間",), "int": ("回", "人", "月"), "year": ("年度", "年")}


def _number_text(raw: str, kind: str) -> str | None:
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


class _Sheet:
    """One sheet's values, addressed as users see them (C8)."""

    def __init__(self, name: str, rows: Grid):
        self.name, self.rows = name, rows

    def at(self, row: int, col: int) -> object:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None

    def value(self, ref: str) -> object:
        return self.at(*_split_ref(ref))

    def where(self, ref: str) -> str:
        return L.cell(self.name, ref)


class _Reader:
    """Turns cells into typed values; every refusal becomes a finding at the cell."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.where: dict[str, str] = {}

    # -- findings --
    def invalid(self, loc: str, message: str) -> object:
        self.findings.append(finding("INPUT_INVALID", message, loc))
        return _BAD

    def normalised(self, loc: str, raw: str, shown: object) -> None:
        self.findings.append(finding(
            "INPUT_NORMALISED", f"「{raw}」を {shown} として読みました（全角文字・空白・記号を読み替えました）。", loc))

    # -- kinds of cells --
    def decimal(self, sh: _Sheet, ref: str, label: str, kind: str = "fte",
                text_ok: bool = True) -> Decimal | None | object:
        """A number (FTE, hours, yen, …) as Decimal; None when blank.

        `text_ok=False` where the template's formulas cannot read numbers typed as text (the roster's hour cells):
        accepting them here would make Python and Excel disagree, so they are input errors on both sides.
        """
        v, loc = sh.value(ref), sh.where(ref)
        if _blank(v):
            return None
        if isinstance(v, bool):
            return self.invalid(loc, f"{label}に「{'TRUE' if v else 'FALSE'}」が入っています。数値を入力してください。")
        if isinstance(v, int):
            return Decimal(v)
        if isinstance(v, float):
            if not math.isfinite(v):
                return self.invalid(loc, f"{label}が数値として読めません。")
            return float_to_decimal(v)
        if isinstance(v, str) and not text_ok:
            return self.invalid(loc, f"{label}「{v.strip()}」が文字として入力されています。半角の数値で入力し直してください"
                                "（文字の時間は Excel の計算に使われません）。")
        if isinstance(v, str):
            text = _number_text(v, kind)
            if text is None:
                hint = {"yen": "円単位の整数（例: 54000）", "hours": "時間数（例: 160.5）"}.get(kind, "半角の数値（例: 10.5）")
                return self.invalid(loc, f"{label}「{v.strip()}」は数値として読めません。{hint}を入力してください。")
            d = Decimal(text)
            if text != v:
                self.normalised(loc, v, d)
            return d
        if isinstance(v, dt.date | dt.time | dt.timedelta):
            return self.invalid(loc, f"{label}が日付・時刻になっています（{v}）。セルの表示形式を「数値」にして入力し直してください。")
        return self.invalid(loc, f"{label}「{v}」は数値として読めません。")

    def integer(self, sh: _Sheet, ref: str, label: str, kind: str = "int") -> int | None | object:
        d = self.decimal(sh, ref, label, kind)
        if d is None or d is _BAD:
            return d
        assert isinstance(d, Decimal)
        if d != d.to_integral_value():
            what = "円単位の整数" if kind == "yen" else "整数"
            return self.invalid(sh.where(ref), f"{label}「{d}」に小数があります。{what}で入力してください。")
        return int(d)

    def text(self, sh: _Sheet, ref: str) -> str:
        v = sh.value(ref)
        if _blank(v):
            return ""
        if isinstance(v, float):
            return format(float_to_decimal(v), "f") if math.isfinite(v) else str(v)
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v).strip()

    def choice(self, sh: _Sheet, ref: str, label: str, choices: Mapping[str, object],
               shown: Sequence[str] = ()) -> object:
        """One of `choices` (text, or a usual variant of it → model value); None when blank. `shown`: the
        drop-down's entries, named in the message."""
        v, loc = sh.value(ref), sh.where(ref)
        if _blank(v):
            return None
        raw = self.text(sh, ref)
        key = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
        for text, value in choices.items():
            if raw == text:
                return value
            if key == unicodedata.normalize("NFKC", text).replace(" ", "").upper():  # Ａ型, b, 実 施 済
                self.normalised(loc, raw, text)
                return value
        listed = "・".join(shown or choices)
        return self.invalid(loc, f"{label}「{raw}」は選択肢にありません。{listed} から選んでください。")

    def date(self, sh: _Sheet, ref: str, label: str) -> str | None | object:
        """A date cell, an Excel serial number, or text such as 2026-04-30 / 2026年4月30日 / 令和8年4月30日 → ISO."""
        v, loc = sh.value(ref), sh.where(ref)
        if _blank(v):
            return None
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and 36526 <= v < 73051:
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(v))  # an Excel serial (2000-01-01 … 2099-12-31)
            self.normalised(loc, format(v, "g"), day.isoformat())
            return day.isoformat()
        if isinstance(v, str):
            day = parse_date_text(v)
            if day is not None:
                return day.isoformat()
        return self.invalid(loc, f"{label}「{v}」は日付として読めません。2026/4/30 または 令和8年4月30日 の形で入力してください。")


_ERA_START = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}


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
            year, month, day = _ERA_START[m.group(1)] + n, int(m.group(3)), int(m.group(4))
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------------------
# the workbook → FacilityInput
# ---------------------------------------------------------------------------------------------------------------

_YES_NO = {"あり": True, "なし": False, "有": True, "無": False}
_METHODS = {m: m for m in L.INPUT_METHODS}
_STATUSES = {"実施済": "実施済", "実施予定": "実施予定", "実施済み": "実施済", "予定": "実施予定"}
_PATTERNS = {p: p for p in L.ROSTER_PATTERNS}
_SHORT = {L.ROSTER_SHORT_MARK: True, "◯": True, "〇": True, "はい": True, "×": False, "いいえ": False}


def _facility(r: _Reader, sh: _Sheet, data: dict) -> bool:
    """施設情報 → the top-level fields. False when a field the model cannot do without is unusable."""
    ok = True
    for f in L.FACILITY_FIELDS:
        if f.key == "facility.type":
            value = r.choice(sh, f.cell, f.label, {c: c for c in f.choices}
                             | {"養護老人ホーム": "養護", "軽費老人ホーム": "軽費"}, f.choices)
            if value is None:
                value = r.invalid(sh.where(f.cell), f"{f.label}を選んでください（{'・'.join(f.choices)}）。")
        elif f.key == "facility.tokutei_designated":
            value = _yes_no(r, sh, f)
        elif f.key == "phase":
            value = r.choice(sh, f.cell, f.label, L.PHASE_VALUES | {"計画": "plan", "実績報告": "report"}, f.choices)
        elif f.kind == "choice":
            value = r.choice(sh, f.cell, f.label, {c: c for c in f.choices})
        elif f.kind == "date":
            value = r.date(sh, f.cell, f.label)
        elif f.kind == "year":
            value = _fiscal_year(r, sh, f)
        elif f.kind in ("int", "month", "yen"):
            value = r.integer(sh, f.cell, f.label, "yen" if f.kind == "yen" else "int")
            if isinstance(value, int) and value < 0 and f.key in ("facility.capacity", "received_yen"):
                value = r.invalid(sh.where(f.cell), f"{f.label}「{value}」が負の値です。")
        else:
            value = r.text(sh, f.cell)
        if value is _BAD:
            ok = ok and f.key not in ("facility.type", "fiscal_year")
            continue
        if value is None or value == "":
            if f.key == "fiscal_year":
                r.invalid(sh.where(f.cell), f"{f.label}を入力してください。")
                ok = False
            continue
        _put(data, f.key, value)
    return ok


def _yes_no(r: _Reader, sh: _Sheet, f: L.Field) -> object:
    v = sh.value(f.cell)
    if isinstance(v, bool):
        return v
    return r.choice(sh, f.cell, f.label, _YES_NO, f.choices)


def _fiscal_year(r: _Reader, sh: _Sheet, f: L.Field) -> object:
    """2025, or 令和7年度 / R7 as officials write it."""
    v = sh.value(f.cell)
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v).replace(" ", "").upper()
        m = re.fullmatch(r"(令和|平成|R|H)(\d{1,2}|元)(年度?)?", s)
        if m:
            year = _ERA_START[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
            r.normalised(sh.where(f.cell), v, year)
            return year
    year = r.integer(sh, f.cell, f.label, "year")
    if isinstance(year, int) and not 2000 <= year <= 2100:
        return r.invalid(sh.where(f.cell), f"{f.label}「{year}」は西暦の年度（例: 2025）で入力してください。")
    return year


def _put(data: dict, key: str, value: object) -> None:
    head, _, tail = key.partition(".")
    if tail:
        data.setdefault(head, {})[tail] = value
    else:
        data[head] = value


def _method(r: _Reader, monthly: _Sheet, roster: _Sheet) -> str:
    """直接入力 or 勤務形態一覧; when the cell is blank, whichever sheet has numbers."""
    chosen = r.choice(monthly, L.INPUT_METHOD_CELL, "入力方法", _METHODS)
    if isinstance(chosen, str):
        return chosen
    typed = any(not _blank(monthly.value(f"{c}{row}")) for row in L.MONTHLY_ROWS for c in (L.COL_FTE, L.COL_TOKUTEI))
    staff = any(not _blank(roster.value(f"{L.ROSTER_COL_JOB}{row}")) for row in L.ROSTER_ROWS)
    return L.INPUT_METHODS[1] if staff and not typed else L.INPUT_METHODS[0]


def _monthly(r: _Reader, sh: _Sheet) -> tuple[list[dict], list[str]]:
    """Direct entry: one row per month with a readable 職員数. Months left out (blank or unreadable) are
    reported once by the engine's MONTH_MISSING, which `locate` points at those cells."""
    rows, missing = [], []
    for month in FISCAL_MONTHS:
        row = L.MONTH_ROW[month]
        fte = r.decimal(sh, f"{L.COL_FTE}{row}", f"{month}月の職員数（常勤換算）")
        tokutei = r.decimal(sh, f"{L.COL_TOKUTEI}{row}", f"{month}月の特定施設担当職員数")
        if fte is None or fte is _BAD or tokutei is _BAD:
            missing.append(f"{L.COL_FTE}{row}" if fte is None or fte is _BAD else f"{L.COL_TOKUTEI}{row}")
            continue
        k = len(rows)
        rows.append({"month": month, "fte": fte, "tokutei_fte": tokutei if tokutei is not None else Decimal(0)})
        for field, col in (("fte", L.COL_FTE), ("tokutei_fte", L.COL_TOKUTEI), ("month", L.COL_MONTH)):
            r.where[f"monthly[{k}].{field}"] = sh.where(f"{col}{row}")
    return rows, missing


def _roster(r: _Reader, sh: _Sheet) -> dict:
    """勤務形態一覧: staff rows with a job or any hours; blank rows are skipped."""
    roster: dict = {"staff": []}
    weekly = r.decimal(sh, L.ROSTER_WEEKLY_HOURS_CELL, "常勤の従業者が勤務すべき週の時間数", "hours")
    if isinstance(weekly, Decimal):
        if weekly <= 0:
            r.invalid(sh.where(L.ROSTER_WEEKLY_HOURS_CELL), f"常勤の従業者が勤務すべき週の時間数「{weekly}」は正の数で入力してください。")
        else:
            roster["weekly_fulltime_hours"] = weekly
    r.where["roster.weekly_fulltime_hours"] = sh.where(L.ROSTER_WEEKLY_HOURS_CELL)
    month_cols = {m: L.roster_cols(m) for m in FISCAL_MONTHS}
    for row in L.ROSTER_ROWS:
        hour_refs = [f"{col_letter(c)}{row}" for m in FISCAL_MONTHS for c in month_cols[m]]
        cells = [f"{c}{row}" for c in (L.ROSTER_COL_NAME, L.ROSTER_COL_JOB, L.ROSTER_COL_PATTERN, L.ROSTER_COL_SHORT)]
        if all(_blank(sh.value(ref)) for ref in cells + hour_refs):
            continue
        name = r.text(sh, f"{L.ROSTER_COL_NAME}{row}")
        who = name or f"{row}行目の職員"
        job = r.text(sh, f"{L.ROSTER_COL_JOB}{row}")
        pattern = r.choice(sh, f"{L.ROSTER_COL_PATTERN}{row}", f"{who}の勤務形態", _PATTERNS)
        short_ref = f"{L.ROSTER_COL_SHORT}{row}"
        short = sh.value(short_ref)
        if not isinstance(short, bool):
            short = r.choice(sh, short_ref, f"{who}の短時間勤務", _SHORT, (f"{L.ROSTER_SHORT_MARK}（該当）", "空欄"))
        if not job:
            r.invalid(sh.where(f"{L.ROSTER_COL_JOB}{row}"), f"{who}の職種を選んでください（{'・'.join(L.ROSTER_JOBS)}）。")
        if pattern is None:
            r.invalid(sh.where(f"{L.ROSTER_COL_PATTERN}{row}"), f"{who}の勤務形態を選んでください（A・B・C・D）。")
        person: dict = {"name": name, "job": unicodedata.normalize("NFKC", job), "pattern": pattern,
                        "short_time": short is True, "sochi_hours": {}, "tokutei_hours": {}}
        for m in FISCAL_MONTHS:
            for key, col, what in (("sochi_hours", month_cols[m][0], "措置"), ("tokutei_hours", month_cols[m][1], "特定施設")):
                hours = r.decimal(sh, f"{col_letter(col)}{row}", f"{who}の{m}月の勤務時間（{what}）", "hours",
                                  text_ok=False)
                if isinstance(hours, Decimal):
                    person[key][m] = hours
        if not job or not isinstance(pattern, str):
            continue  # already reported; the person cannot be counted
        k = len(roster["staff"])
        roster["staff"].append(person)
        base = f"roster.staff[{k}]"
        r.where[base] = sh.where(f"{L.ROSTER_COL_NAME}{row}")
        for field, col in (("name", L.ROSTER_COL_NAME), ("job", L.ROSTER_COL_JOB), ("pattern", L.ROSTER_COL_PATTERN),
                           ("short_time", L.ROSTER_COL_SHORT)):
            r.where[f"{base}.{field}"] = sh.where(f"{col}{row}")
        for m in FISCAL_MONTHS:
            for key, col in zip(("sochi_hours", "tokutei_hours"), month_cols[m]):
                r.where[f"{base}.{key}.{m}"] = r.where[f"{base}.{key}"] = sh.where(f"{col_letter(col)}{row}")
    return roster


def _initiative_code(r: _Reader, sh: _Sheet, ref: str) -> str:
    """⑰, or 17 / (17) typed as a number → ⑰; other text is kept and judged by the engine."""
    raw = r.text(sh, ref)
    catalog = default_catalog()
    if catalog.knows(raw):
        return raw
    digits = unicodedata.normalize("NFKC", raw).strip("()（）第番 ")
    for item in catalog.items.values():
        if digits.isdigit() and int(digits) == item.number:
            r.normalised(sh.where(ref), raw, item.code)
            return item.code
    return raw


def _initiatives(r: _Reader, sh: _Sheet) -> list[dict]:
    """ア/イ/ウ count when a status is chosen; the extra rows when a code is given."""
    out: list[dict] = []
    rows = [(code, row, True) for code, row in L.INITIATIVE_FIXED_ROWS.items()]
    rows += [(None, row, False) for row in L.INITIATIVE_EXTRA_ROWS]
    for code, row, fixed in rows:
        ref = {k: f"{c}{row}" for k, c in (("code", L.INI_COL_CODE), ("status", L.INI_COL_STATUS),
                                            ("detail", L.INI_COL_DETAIL))}
        status = r.choice(sh, ref["status"], "取組の状況", _STATUSES, L.STATUS_CHOICES)
        detail = r.text(sh, ref["detail"])
        if not fixed:
            code = _initiative_code(r, sh, ref["code"])
            if not code:
                if status is not None or detail:
                    r.invalid(sh.where(ref["code"]), "取組の番号（①～㉘）を入力してください。")
                continue
        if status is None:
            if detail or not fixed:
                r.invalid(sh.where(ref["status"]), f"取組（{code}）の状況（実施済・実施予定）を選んでください。")
            continue
        if status is _BAD:
            continue
        k = len(out)
        out.append({"code": code, "status": status, "detail": detail})
        r.where[f"initiatives[{k}]"] = sh.where(ref["code"])
        for field in ("code", "status", "detail"):
            r.where[f"initiatives[{k}].{field}"] = sh.where(ref[field])
    return out


def _expenses(r: _Reader, sh: _Sheet) -> list[dict]:
    """Spending lines: every row with any value."""
    out: list[dict] = []
    cols = {"category": L.EXP_COL_CATEGORY, "description": L.EXP_COL_DESCRIPTION,
            "planned_yen": L.EXP_COL_PLANNED, "actual_yen": L.EXP_COL_ACTUAL}
    for row in L.EXPENSE_ROWS:
        refs = {k: f"{c}{row}" for k, c in cols.items()}
        if all(_blank(sh.value(ref)) for ref in refs.values()):
            continue
        line: dict = {"category": unicodedata.normalize("NFKC", r.text(sh, refs["category"])),
                      "description": r.text(sh, refs["description"])}
        bad = False
        for key, label in (("planned_yen", "計画額"), ("actual_yen", "実績額")):
            yen = r.integer(sh, refs[key], f"{row}行目の{label}", "yen")
            bad |= yen is _BAD
            line[key] = None if yen is _BAD else yen
        if not line["category"]:  # the engine would call "" an unknown category; say what to do instead
            if not bad:
                r.invalid(sh.where(refs["category"]), f"{row}行目の経費区分を選んでください（{'・'.join(L.EXPENSE_CATEGORIES[:2])}）。")
            continue
        k = len(out)
        out.append(line)
        r.where[f"expenses[{k}]"] = sh.where(refs["category"])
        for key, ref in refs.items():
            r.where[f"expenses[{k}].{key}"] = sh.where(ref)
    return out


def _runs(refs: list[str]) -> str:
    """['C8', 'C9', 'C12'] → 'C8:C9,C12' (an Excel multi-area reference)."""
    parts: list[list[tuple[int, int]]] = []
    for row, col in (_split_ref(x) for x in refs):
        if parts and parts[-1][-1] == (row - 1, col):
            parts[-1].append((row, col))
        else:
            parts.append([(row, col)])
    return ",".join(f"{col_letter(p[0][1])}{p[0][0]}" + (f":{col_letter(p[-1][1])}{p[-1][0]}" if len(p) > 1 else "")
                    for p in parts)


def _template_version(r: _Reader, grids: Mapping[str, Grid], names: Mapping[str, str]) -> None:
    """TEMPLATE_OLD when the book is not of a layout this reader knows (設定!C8 / KX_TEMPLATE_VERSION)."""
    sheet, ref = L.S_SETTINGS, L.SETTINGS_CELLS["template_version"]
    target = _name_target(names.get("KX_TEMPLATE_VERSION", ""))
    if target and target[0] in grids:
        sheet, ref = target[0], target[1].split(":")[0]
    loc = L.cell(sheet, ref)
    if sheet not in grids:
        r.findings.append(finding("TEMPLATE_OLD", f"「{L.S_SETTINGS}」シートがないため様式の版を確認できません。"
                                  f"最新の様式（版 {L.TEMPLATE_VERSION}）をお使いください。", loc))
        return
    version = r.text(_Sheet(sheet, grids[sheet]), ref)
    if version not in L.COMPATIBLE_VERSIONS:
        shown = f"版「{version}」" if version else "版の記載がない様式"
        r.findings.append(finding("TEMPLATE_OLD", f"このブックは{shown}です。このツールは版 "
                                  f"{'・'.join(sorted(L.COMPATIBLE_VERSIONS))} の様式を読みます。市区町村から配布された"
                                  f"最新の様式（版 {L.TEMPLATE_VERSION}）に入力し直してください。", loc))


def _name_target(ref: str) -> tuple[str, str] | None:
    """"'月別職員数'!$C$6:$C$17" → ('月別職員数', 'C6:C17')."""
    m = re.fullmatch(r"=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)", ref.strip())
    if not m:
        return None
    return (m.group(1) or "").replace("''", "'") or m.group(2), m.group(3).replace("$", "")


def _missing_sheets(grids: Mapping[str, Grid], names: Mapping[str, str], source: str) -> list[Finding]:
    """SHEET_MISSING for each input sheet that is not there, guessing what it was renamed to."""
    book = f"ブック「{PurePosixPath(source.replace(chr(92), '/')).name}」" if source else "ブック"
    renamed: dict[str, str] = {}
    for name, expected_ref in L.NAMES.items():
        expected, actual = _name_target(expected_ref), _name_target(names.get(name, ""))
        if expected and actual and actual[0] != expected[0] and actual[0] in grids:
            renamed[expected[0]] = actual[0]
    out = []
    for sheet in L.INPUT_SHEETS:
        if sheet in grids:
            continue
        guess = renamed.get(sheet) or next(iter(difflib.get_close_matches(sheet, list(grids), n=1, cutoff=0.6)), None)
        if guess is None:
            guess = next((g for g in grids if sheet in g), None)
        hint = (f"シート名が「{guess}」に変わっているようです。シート名を「{sheet}」に戻してください。" if guess
                else "シートが削除されたか名前が変わっています。配布された様式のシートを元に戻してください。")
        out.append(finding("SHEET_MISSING", f"{book}に「{sheet}」シートがありません。{hint}", sheet))
    return out


@functools.cache
def _input_cells() -> dict[str, frozenset[tuple[int, int]]]:
    """Every cell the reader takes a value from, per sheet, as (row, column)."""
    hours = range(L.ROSTER_FIRST_MONTH_COL, L.roster_cols(FISCAL_MONTHS[-1])[1] + 1)
    refs = {
        L.S_FACILITY: [f.cell for f in L.FACILITY_FIELDS],
        L.S_MONTHLY: [L.INPUT_METHOD_CELL, *(f"{c}{r}" for r in L.MONTHLY_ROWS for c in (L.COL_FTE, L.COL_TOKUTEI))],
        L.S_ROSTER: [L.ROSTER_WEEKLY_HOURS_CELL,
                     *(f"{c}{r}" for r in L.ROSTER_ROWS for c in (L.ROSTER_COL_NAME, L.ROSTER_COL_JOB,
                                                                 L.ROSTER_COL_PATTERN, L.ROSTER_COL_SHORT)),
                     *(f"{col_letter(c)}{r}" for r in L.ROSTER_ROWS for c in hours)],
        L.S_INITIATIVES: [f"{c}{r}" for r in L.INITIATIVE_FIXED_ROWS.values() for c in (L.INI_COL_STATUS, L.INI_COL_DETAIL)]
        + [f"{c}{r}" for r in L.INITIATIVE_EXTRA_ROWS for c in (L.INI_COL_CODE, L.INI_COL_STATUS, L.INI_COL_DETAIL)],
        L.S_EXPENSES: [f"{c}{r}" for r in L.EXPENSE_ROWS
                       for c in (L.EXP_COL_CATEGORY, L.EXP_COL_DESCRIPTION, L.EXP_COL_PLANNED, L.EXP_COL_ACTUAL)],
        L.S_SETTINGS: [L.SETTINGS_CELLS["template_version"]],
    }
    return {sheet: frozenset(_split_ref(r) for r in cells) for sheet, cells in refs.items()}


def _moved_names(grids: Mapping[str, Grid], names: Mapping[str, str]) -> list[Finding]:
    """LAYOUT_CHANGED when a defined name of an input sheet no longer points where the layout has it: rows or
    columns were inserted or deleted, so every fixed cell address of the reader would read the wrong cell.
    One finding per sheet."""
    moved: dict[str, list[tuple[str, str, str]]] = {}
    for name, expected_ref in L.NAMES.items():
        expected = _name_target(expected_ref)
        if not expected or expected[0] not in SHEETS_TO_READ or name not in names:
            continue
        actual = _name_target(names[name])
        if actual == expected or (actual and actual[0] != expected[0]):
            continue  # unchanged, or on a renamed sheet (SHEET_MISSING says so)
        moved.setdefault(expected[0], []).append((name, actual[1] if actual else names[name].lstrip("="), expected[1]))
    out = []
    for sheet, [(name, now, was), *more] in moved.items():
        also = f"（{'・'.join(m[0] for m in more)} も同様）" if more else ""
        out.append(finding("LAYOUT_CHANGED", f"「{sheet}」シートの名前 {name} が {now} を指しています（様式では {was}）{also}。"
                           "行や列が挿入・削除されて入力欄の位置がずれているため、読み込めません。挿入・削除した行や列を"
                           "元に戻すか、配布された様式に入力し直してください。", L.cell(sheet, was.split(":")[0])))
    return out


def _merged_inputs(merged: Mapping[str, Sequence[str]]) -> list[Finding]:
    """LAYOUT_CHANGED for merged input cells: Excel keeps only the top-left value of a merge, so the others are lost."""
    out = []
    for sheet, ranges in merged.items():
        inputs = _input_cells().get(sheet, frozenset())
        for rng in ranges:
            first, _, last = rng.replace("$", "").partition(":")
            (r0, c0), (r1, c1) = _split_ref(first), _split_ref(last or first)
            if (r1 - r0 + 1) * (c1 - c0 + 1) <= 400:
                hit = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) in inputs]
            else:
                hit = sorted(x for x in inputs if r0 <= x[0] <= r1 and c0 <= x[1] <= c1)
            if hit:
                at = f"{col_letter(hit[0][1])}{hit[0][0]}"
                out.append(finding("LAYOUT_CHANGED", f"入力欄 {rng} が結合されています。結合したセルは左上の値しか残らず、"
                                   "ほかの入力が消えます。「セルの結合」を解除し、1つのセルに1つの値を入力してください。",
                                   L.cell(sheet, at)))
    return out


def read_grids(grids: Mapping[str, Grid], source: str, defined_names: Mapping[str, str] | None = None,
               merged: Mapping[str, Sequence[str]] | None = None) -> tuple[FacilityInput | None, list[Finding], Locate]:
    """Sheet values (A1 at [0][0]) → the facility input, the reading findings and a `locate` for the engine.

    `defined_names` (KX_FTE → '月別職員数'!$C$6:$C$17) and `merged` (sheet → ["C6:D6", …]) are optional: given,
    they let the reader tell a renamed sheet, inserted rows and merged input cells. The input is None when the book
    cannot be evaluated (a sheet is missing, rows were inserted, the type or the year is unusable); the findings then
    say why. Nothing here touches files.
    """
    names = defined_names or {}
    r = _Reader()
    missing_months: list[str] = []
    mode = {"method": L.INPUT_METHODS[0], "roster_empty": False}

    def locate(path: str) -> str:
        if path == "monthly":
            if missing_months:
                return f"{L.S_MONTHLY}!{_runs(missing_months)}"
            if mode["roster_empty"]:
                return L.cell(L.S_ROSTER, f"{L.ROSTER_COL_JOB}{L.ROSTER_FIRST_ROW}")
            return L.cell(L.S_MONTHLY, f"{L.COL_TARGET}{L.MONTHLY_ROWS[0]}:{L.COL_TARGET}{L.MONTHLY_ROWS[-1]}")
        m = re.fullmatch(r"monthly\[(\d+)\]\.(fte|tokutei_fte|month)", path)
        if m and mode["method"] == L.INPUT_METHODS[1] and int(m.group(1)) < 12:
            row = L.MONTHLY_ROWS[int(m.group(1))]  # roster mode: the engine's months are April … March
            col = {"fte": L.COL_ROSTER_FTE, "tokutei_fte": L.COL_ROSTER_TOKUTEI, "month": L.COL_MONTH}[m.group(2)]
            return L.cell(L.S_MONTHLY, f"{col}{row}")
        key = path
        while key not in r.where:
            shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", key)  # roster.staff[2].pattern → roster.staff[2]
            if shorter == key:
                return L.locate(path)
            key = shorter
        return r.where[key]

    _template_version(r, grids, names)
    lost = _missing_sheets(grids, names, source) or _moved_names(grids, names)
    if lost:
        return None, lost + r.findings, locate
    r.findings += _merged_inputs(merged or {})
    sheets = {name: _Sheet(name, grids[name]) for name in SHEETS_TO_READ if name in grids}
    data: dict = {}
    usable = _facility(r, sheets[L.S_FACILITY], data)
    mode["method"] = _method(r, sheets[L.S_MONTHLY], sheets[L.S_ROSTER])
    if mode["method"] == L.INPUT_METHODS[0]:
        data["monthly"], missing = _monthly(r, sheets[L.S_MONTHLY])
        missing_months.extend(missing)
    else:
        data["monthly"], data["roster"] = [], _roster(r, sheets[L.S_ROSTER])
        mode["roster_empty"] = not data["roster"]["staff"]
    data["initiatives"] = _initiatives(r, sheets[L.S_INITIATIVES])
    data["expenses"] = _expenses(r, sheets[L.S_EXPENSES])
    if not usable:
        return None, r.findings, locate
    try:
        inp = FacilityInput.model_validate(data)
    except ValidationError as exc:  # the cells were checked one by one; this is the safety net
        return None, r.findings + validation_findings(exc, lambda loc: locate(json_path(loc))), locate
    return inp, r.findings, locate


# ---------------------------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------------------------

def defined_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """The book's global defined names (KX_FTE → '月別職員数'!$C$6:$C$17), from workbook.xml.

    Read with a pattern, not an XML parser: safety.preflight has already refused DOCTYPEs and oversized parts."""
    try:
        wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return {}
    names = {}
    for m in re.finditer(r"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>", wb):
        name = re.search(r'\bname="([^"]*)"', m.group(1))
        if name and "localSheetId" not in m.group(1):
            names[html.unescape(name.group(1))] = html.unescape(m.group(2))
    return names


def _direct_entry(monthly: Grid | None) -> bool:
    """The input-method cell says 直接入力 exactly (anything else, blank included, may need the roster)."""
    row, col = _split_ref(L.INPUT_METHOD_CELL)
    try:
        value = monthly[row - 1][col - 1] if monthly else None
    except IndexError:
        return False
    return value == L.INPUT_METHODS[0]


def read_workbook(path: Path, *, deep_check: bool = True) -> tuple[FacilityInput | None, list[Finding], Locate]:
    """A filled workbook file → (input, findings, locate). Raises InputUnreadable (exit code 2) for files that are
    not readable workbooks; the file is only read, never changed. `deep_check=False` skips inflating the sheets
    this reader never opens (safety.preflight `deep`); callers that load the whole book afterwards keep the default."""
    from python_calamine import CalamineWorkbook

    from .safety import MAX_SHEET_CELLS, parser_errors, preflight

    path = Path(path)
    checked = preflight(path, SHEETS_TO_READ, deep=deep_check)  # refuses damaged, hostile and absurdly wide books
    with parser_errors(path):
        names = checked.defined_names  # read from xl/workbook.xml by preflight: the zip is not opened twice
        version_at = _name_target(names.get("KX_TEMPLATE_VERSION", ""))
        wanted = dict.fromkeys([*SHEETS_TO_READ, *([version_at[0]] if version_at else [])])
        book = CalamineWorkbook.from_path(str(path))
        try:
            grids: dict[str, Grid] = {s: [] for s in book.sheet_names}  # every name, for renamed-sheet hints
            merged: dict[str, list[str]] = {}
            for sheet in wanted:
                if sheet == L.S_ROSTER and _direct_entry(grids.get(L.S_MONTHLY)):
                    continue  # 直接入力 chosen: the roster is never looked at, so it is not parsed either
                extent = checked.sheets.get(sheet)
                if sheet in grids and (extent is None or extent.cells <= MAX_SHEET_CELLS):
                    values = book.get_sheet_by_name(sheet)
                    grids[sheet] = values.to_python(skip_empty_area=False)
                    merged[sheet] = [f"{col_letter(c0 + 1)}{r0 + 1}:{col_letter(c1 + 1)}{r1 + 1}"
                                     for (r0, c0), (r1, c1) in values.merged_cell_ranges or ()]
        finally:
            book.close()
    inp, findings, locate = read_grids(grids, str(path), names, merged)
    if checked.macro_enabled:
        findings.append(finding("MACROS_IGNORED", "マクロ付きのブック（.xlsm）です。kaigo-xl はマクロを実行せず、入力された値"
                                "だけを読みました。市区町村から配布された様式（.xlsx）への入力をお勧めします。"))
    return inp, findings, locate
