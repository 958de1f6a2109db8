"""The input sheets, section by section, → the plain data of a FacilityInput (施設情報, 月別職員数, 勤務形態一覧,
取組, 経費). Cells come from layout.py; each value goes through kaigo_xl.workbook.reader.cells."""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal

from kaigo_xl.catalog import default_catalog
from kaigo_xl.findings import finding
from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader.cells import BAD, ERA_START, CellReader, Fields, SheetValues, is_blank
from kaigo_xl.xlsx.refs import column_letters, column_number

_YES_NO = L.YES_NO_READINGS
_METHODS = {m: m for m in L.INPUT_METHODS}
_STATUSES = L.STATUS_READINGS
_PATTERNS = {p: p for p in L.ROSTER_PATTERNS}
_SHORT = L.SHORT_READINGS
_CHOICES: dict[str, dict[str, object]] = {f.key: {c: c for c in f.choices} for f in L.FACILITY_FIELDS}  # (read only)


def read_facility(r: CellReader, sh: SheetValues, data: dict) -> bool:
    """施設情報 → the top-level fields. False when a field the model cannot do without is unusable."""
    ok = True
    for f in L.FACILITY_FIELDS:
        value = _facility_value(r, sh, f)
        if value is BAD:
            ok = ok and f.key not in ("facility.type", "fiscal_year")
            continue
        if value is None or value == "":
            if f.key in ("fiscal_year", "payment.installments", "payment.first_month"):
                r.invalid(sh.where(f.cell), f"{f.label}を入力してください。")
                ok = ok and f.key != "fiscal_year"
            continue
        _put(data, f.key, value)
    return ok


def _facility_value(r: CellReader, sh: SheetValues, f: L.Field) -> object:
    """One field of 施設情報, read as its kind says (choice, date, year, number or text)."""
    if f.key == "facility.type":
        value = r.choice(sh, f.cell, f.label, _CHOICES[f.key] | {"養護老人ホーム": "養護", "軽費老人ホーム": "軽費"}, f.choices)
        if value is None:
            value = r.invalid(sh.where(f.cell), f"{f.label}を選んでください（{'・'.join(f.choices)}）。")
        return value
    if f.key == "facility.tokutei_designated":
        return _yes_no(r, sh, f)
    if f.key == "phase":
        return r.choice(sh, f.cell, f.label, L.PHASE_READINGS, f.choices)
    if f.kind == "choice":
        return r.choice(sh, f.cell, f.label, _CHOICES[f.key])
    if f.kind == "date":
        return r.date(sh, f.cell, f.label)
    if f.kind == "year":
        return _fiscal_year(r, sh, f)
    if f.kind in ("int", "month", "yen"):
        value = r.integer(sh, f.cell, f.label, "yen" if f.kind == "yen" else "int")
        if isinstance(value, int) and value < 0 and f.key in ("facility.capacity", "received_yen"):
            value = r.invalid(sh.where(f.cell), f"{f.label}「{value}」が負の値です。")
        return value
    return r.text(sh, f.cell, f.label)


def _yes_no(r: CellReader, sh: SheetValues, f: L.Field) -> object:
    v = sh.value(f.cell)
    if isinstance(v, bool):
        return v
    return r.choice(sh, f.cell, f.label, _YES_NO, f.choices)


def _fiscal_year(r: CellReader, sh: SheetValues, f: L.Field) -> object:
    """2025, or 令和7年度 / R7 as officials write it."""
    v = sh.value(f.cell)
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v).replace(" ", "").upper()
        m = re.fullmatch(r"(令和|平成|R|H)(\d{1,2}|元)(年度?)?", s)
        if m:
            era_year = ERA_START[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
            r.normalised(sh.where(f.cell), v, era_year)
            return era_year
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


def read_method(r: CellReader, monthly: SheetValues, roster: SheetValues) -> str:
    """How the 実績 are entered: 直接入力 or 勤務形態一覧; when the cell is blank, whichever sheet has numbers."""
    chosen = r.choice(monthly, L.INPUT_METHOD_CELL, "入力方法", _METHODS)
    if isinstance(chosen, str):
        return chosen
    actual = (column_number(L.COL_ACTUAL_FTE), column_number(L.COL_ACTUAL_TOKUTEI))
    typed = not all(monthly.blank(row, actual) for row in L.MONTHLY_ROWS)
    staff = not all(roster.blank(row, (column_number(L.ROSTER_COL_JOB),)) for row in L.ROSTER_ROWS)
    return L.INPUT_METHODS[1] if staff and not typed else L.INPUT_METHODS[0]


def read_monthly(r: CellReader, sh: SheetValues, key: str, cols: tuple[str, str],
                 what: str = "") -> tuple[list[dict], list[str], set[int]]:
    """One pair of columns, month by month: the rows with a readable 職員数 (findings point at `key`[k]), the cells
    of blank months (one MONTH_MISSING from the engine), and the months with an unreadable cell (reported here,
    so the engine neither calls them missing nor adds them up)."""
    rows: list[dict] = []
    missing: list[str] = []
    unread: set[int] = set()
    for month, fte_ref, tok_ref, fte_label, tok_label, fields in _month_cells(*cols, what):
        fte = r.decimal(sh, fte_ref, fte_label)
        tokutei = r.decimal(sh, tok_ref, tok_label)
        if fte is BAD or tokutei is BAD:
            unread.add(month)
            continue
        if fte is None:
            missing.append(fte_ref)
            continue
        k = len(rows)
        rows.append({"month": month, "fte": fte, "tokutei_fte": tokutei if tokutei is not None else Decimal(0)})
        r.where.add(f"{key}[{k}]", sh, fields)
    return rows, missing, unread


@functools.cache
def _month_cells(fte_col: str, tok_col: str, what: str) -> tuple[tuple[int, str, str, str, str, Fields], ...]:
    """Per month of one pair of columns: the month, the two cells, their labels and the places of its row."""
    out = []
    for month in FISCAL_MONTHS:
        row = L.MONTH_ROW[month]
        fields = tuple((f".{field}", f"{col}{row}") for field, col in (("fte", fte_col), ("tokutei_fte", tok_col),
                                                                       ("month", L.COL_MONTH)))
        out.append((month, f"{fte_col}{row}", f"{tok_col}{row}", f"{month}月の{what}職員数（常勤換算）",
                    f"{month}月の{what}特定施設担当職員数", fields))
    return tuple(out)


def read_roster(r: CellReader, sh: SheetValues, unread: set[int] | None = None) -> dict:
    """勤務形態一覧: staff rows with a job or any hours; blank rows are skipped. Months with hours the reader
    cannot read are added to `unread` (the engine then leaves them out: no total)."""
    roster: dict = {"staff": []}
    unread = unread if unread is not None else set()
    weekly = r.decimal(sh, L.ROSTER_WEEKLY_HOURS_CELL, "常勤の従業者が勤務すべき週の時間数", "hours")
    if isinstance(weekly, Decimal):
        if weekly <= 0:
            r.invalid(sh.where(L.ROSTER_WEEKLY_HOURS_CELL), f"常勤の従業者が勤務すべき週の時間数「{weekly}」は正の数で入力してください。")
        else:
            roster["weekly_fulltime_hours"] = weekly
    r.where.add("roster.weekly_fulltime_hours", sh, (("", L.ROSTER_WEEKLY_HOURS_CELL),))
    for row in L.ROSTER_ROWS:
        person = _roster_person(r, sh, row, unread)
        if person is None:
            continue  # a blank row, or a person who cannot be counted (already reported)
        r.where.add(f"roster.staff[{len(roster['staff'])}]", sh, _roster_row(row)[5])
        roster["staff"].append(person)
    return roster


# The roster's input columns (1-based): name, job, pattern, short time, then each month's 措置 and 特定施設 hours.
_ROSTER_INPUT_COLS = (*map(column_number, (L.ROSTER_COL_NAME, L.ROSTER_COL_JOB, L.ROSTER_COL_PATTERN,
                                           L.ROSTER_COL_SHORT)), *(c for m in FISCAL_MONTHS for c in L.roster_cols(m)))


@functools.cache
def _roster_row(row: int) -> tuple[str, str, str, str, tuple[tuple[int, str, str, str], ...], Fields]:
    """The cells of one roster row: name, job, pattern, short time, the hours (month, key, cell, what) in reading
    order, and the places of its person (`roster.staff[k]`, `.name` …, `.sochi_hours.4`, `.sochi_hours` …)."""
    name, job, pattern, short = (f"{c}{row}" for c in (L.ROSTER_COL_NAME, L.ROSTER_COL_JOB, L.ROSTER_COL_PATTERN,
                                                        L.ROSTER_COL_SHORT))
    hours = tuple((m, key, f"{column_letters(col)}{row}", what) for m in FISCAL_MONTHS
                  for key, col, what in zip(("sochi_hours", "tokutei_hours"), L.roster_cols(m), ("措置", "特定施設")))
    fields: Fields = (("", name), (".name", name), (".job", job), (".pattern", pattern), (".short_time", short),
                      *((f".{key}{suffix}", ref) for m, key, ref, _ in hours for suffix in (f".{m}", "")))
    return name, job, pattern, short, hours, fields


def _roster_person(r: CellReader, sh: SheetValues, row: int, unread: set[int]) -> dict | None:
    """One roster row → a person (name, job, pattern, short time, hours by month); None when blank or unusable.
    Cells are looked at left to right (the template's チェック names the first unreadable one the same way)."""
    if sh.blank(row, _ROSTER_INPUT_COLS):
        return None
    name_ref, job_ref, pattern_ref, short_ref, hour_cells, _ = _roster_row(row)
    name = r.text(sh, name_ref)
    who = name or f"{row}行目の職員"
    job = r.text(sh, job_ref)
    if not job:
        r.invalid(sh.where(job_ref), f"{who}の職種を選んでください（{'・'.join(L.ROSTER_JOBS)}）。")
    pattern = r.choice(sh, pattern_ref, f"{who}の勤務形態", _PATTERNS)
    if pattern is None:
        r.invalid(sh.where(pattern_ref), f"{who}の勤務形態を選んでください（A・B・C・D）。")
    short = sh.value(short_ref)
    if not isinstance(short, bool):
        short = r.choice(sh, short_ref, f"{who}の短時間勤務", _SHORT, (f"{L.ROSTER_SHORT_MARK}（該当）", "空欄"))
    person: dict = {"name": name, "job": unicodedata.normalize("NFKC", job), "pattern": pattern,
                    "short_time": short is True, "sochi_hours": {}, "tokutei_hours": {}}
    for m, key, ref, what in hour_cells:
        hours = r.decimal(sh, ref, f"{who}の{m}月の勤務時間（{what}）", "hours", text_ok=False)
        if isinstance(hours, Decimal):
            person[key][m] = hours
        elif hours is BAD:
            unread.add(m)
    return person if job and isinstance(pattern, str) else None


def _initiative_code(r: CellReader, sh: SheetValues, ref: str) -> str:
    """⑰, or 17 / (17) typed as a number → ⑰; other text is kept and judged by the engine."""
    raw = r.text(sh, ref)
    if not raw:
        return raw  # (a blank cell: no catalog code is "", and "" holds no digits)
    catalog = default_catalog()
    if catalog.knows(raw):
        return raw
    digits = unicodedata.normalize("NFKC", raw).strip("()（）第番 ")
    if not digits.isdigit():
        return raw
    try:
        number = int(digits)
    except ValueError:  # digits int() refuses: more than 4,300 of them, or not decimal (𐩀): no item has that number
        return raw
    for item in catalog.items.values():
        if number == item.number:
            r.normalised(sh.where(ref), raw, item.code)
            return item.code
    return raw


def read_initiatives(r: CellReader, sh: SheetValues) -> list[dict]:
    """ア/イ/ウ count when a status is chosen; the further rows when a number is given. Left to right: a further
    row without a number is reported at the number (its status is not looked at), then a missing or unknown status."""
    out: list[dict] = []
    for code, fixed, ref, fields in _INITIATIVE_ROWS:
        detail = r.text(sh, ref["detail"])
        if not fixed:
            code = _initiative_code(r, sh, ref["code"])
            if not code:
                if not is_blank(sh.value(ref["status"])) or detail:
                    r.invalid(sh.where(ref["code"]), "取組の番号（①～㉘）を入力してください。")
                continue
        status = r.choice(sh, ref["status"], "取組の状況", _STATUSES, L.STATUS_CHOICES)
        if status is None:
            if detail or not fixed:
                r.invalid(sh.where(ref["status"]), f"取組（{code}）の状況（実施済・実施予定）を選んでください。")
            continue
        if status is BAD:
            continue
        r.where.add(f"initiatives[{len(out)}]", sh, fields)
        out.append({"code": code, "status": status, "detail": detail})
    return out


def _initiative_row(code: str | None, row: int) -> tuple[str | None, bool, dict[str, str], Fields]:
    """ア/イ/ウ (code given) or a further row: its code, whether it is fixed, its cells and its places."""
    ref = {k: f"{c}{row}" for k, c in (("code", L.INI_COL_CODE), ("status", L.INI_COL_STATUS),
                                        ("detail", L.INI_COL_DETAIL))}
    return code, code is not None, ref, (("", ref["code"]), *((f".{k}", v) for k, v in ref.items()))


_INITIATIVE_ROWS = (*(_initiative_row(code, row) for code, row in L.INITIATIVE_FIXED_ROWS.items()),
                    *(_initiative_row(None, row) for row in L.INITIATIVE_EXTRA_ROWS))


def read_expenses(r: CellReader, sh: SheetValues) -> list[dict]:
    """Spending lines: every row with any value."""
    out: list[dict] = []
    for row, refs, fields in _EXPENSE_ROWS:
        if sh.blank(row, _EXPENSE_COLS):
            continue
        line: dict = {"category": unicodedata.normalize("NFKC", r.text(sh, refs["category"])),
                      "description": r.text(sh, refs["description"])}
        before = len(r.findings)
        bad = False
        for key, label in (("planned_yen", "計画額"), ("actual_yen", "実績額")):
            yen = r.integer(sh, refs[key], f"{row}行目の{label}", "yen")
            bad |= yen is BAD
            line[key] = None if yen is BAD else yen
        if not line["category"]:  # the engine would call "" an unknown category; say what to do instead
            if not bad:  # (left to right: the category comes before the amounts)
                r.findings.insert(before, finding("INPUT_INVALID", f"{row}行目の経費区分を選んでください"
                                                  f"（{'・'.join(L.EXPENSE_CATEGORIES[:2])}）。", sh.where(refs["category"])))
            continue
        r.where.add(f"expenses[{len(out)}]", sh, fields)
        out.append(line)
    return out


_EXPENSE_FIELDS = {"category": L.EXP_COL_CATEGORY, "description": L.EXP_COL_DESCRIPTION,
                   "planned_yen": L.EXP_COL_PLANNED, "actual_yen": L.EXP_COL_ACTUAL}
_EXPENSE_COLS = tuple(map(column_number, _EXPENSE_FIELDS.values()))


def _expense_row(row: int) -> tuple[int, dict[str, str], Fields]:
    """A spending line's row, its cells and its places (`expenses[k]`: the category; `.planned_yen` …)."""
    refs = {k: f"{c}{row}" for k, c in _EXPENSE_FIELDS.items()}
    return row, refs, (("", refs["category"]), *((f".{k}", ref) for k, ref in refs.items()))


_EXPENSE_ROWS = tuple(map(_expense_row, L.EXPENSE_ROWS))
