"""The round as pandas frames: one row per book (the columns of 集計, typed) and one row per finding.

These frames are the single source of every table the municipality sees: the 集計 sheet and the CSV are laid out
from `book_frame`, 指摘一覧 from `findings_frame` (collapsed by `collapsed_findings`), so the command line and the
Python API (`kaigo_xl.collect_frame`, `kaigo_xl.findings_frame`) cannot drift apart. Types: money and counts are
nullable Int64 (exact yen, never float), the average FTE is a float for analysis with the exact Fraction beside it,
status, document and type are Categoricals, 加算要件 a nullable boolean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from kaigo_xl.findings import CODES
from kaigo_xl.municipal.collect import STATUS_FIX, STATUS_UNREADABLE, STATUSES, BookResult
from kaigo_xl.municipal.summary import PHASE_LABEL, SEVERITY_LABEL, Summary
from kaigo_xl.numbers import as_decimal
from kaigo_xl.xlsx.refs import runs

if TYPE_CHECKING:
    from collections.abc import Sequence

FTE_EXACT = "対象職員数（月平均・分数）"
FTE = "対象職員数（月平均）"
FILE = "ファイル"
IN_TOTALS = "集計対象"
YEAR = "年度"
CONTACT = "担当者・連絡先"
SEVERITIES = tuple(SEVERITY_LABEL.values())


@dataclass(frozen=True)
class Column:
    """A column of 集計: its heading, how a book gives its value, its type in the frame and its look on paper."""

    header: str
    get: Callable[[BookResult], object]
    kind: str = "text"  # text | yen | fte | count | category | bool
    total: bool = False
    width: float = 12
    categories: tuple[str, ...] = ()


def _req(r: BookResult) -> bool | None:
    return r.requirements_ok


def _payment_of(i: int) -> Callable[[BookResult], int | None]:
    return lambda r: None if r.status == STATUS_UNREADABLE else r.payments[i]


def remarks(r: BookResult) -> str:
    out = []
    if any(f[0] == "DUPLICATE_NUMBER" for f in r.findings):
        out.append("施設番号重複")
    if any(f[0] == "NUMBER_MISMATCH" for f in r.findings):
        out.append("施設番号の誤り")
    if r.template_old:
        out.append("旧様式")
    if r.status == STATUS_FIX and r.annual_yen is None:
        out.append("金額を計算できません")
    return "・".join(out)


def facility_columns(month_labels: Sequence[str]) -> list[Column]:
    """The 集計 columns: who, in what state, how much; then the ファイル; then the twelve months (printed apart)."""
    cols = [
        Column("施設番号", lambda r: r.number, width=13),
        Column("施設名", lambda r: r.name, width=30),
        Column("種別", lambda r: r.type or None, "category", width=6, categories=("養護", "軽費")),
        Column("市区町村", lambda r: r.municipality, width=10),
        Column("書類", lambda r: PHASE_LABEL.get(r.phase), "category", width=6, categories=tuple(PHASE_LABEL.values())),
        Column("状態", lambda r: r.status, "category", width=8, categories=STATUSES),
        Column("エラー", lambda r: r.errors, "count", True, 7),
        Column("注意", lambda r: r.warnings, "count", True, 7),
        Column("加算要件", _req, "bool", width=7),
        Column(FTE, lambda r: r.average_fraction, "fte", True, 11),
        Column("加算総額（円）", lambda r: r.annual_yen, "yen", True, 13),
        Column("対象経費 計画（円）", lambda r: r.planned_allowed_yen, "yen", True, 15),
        Column("対象経費 実績（円）", lambda r: r.actual_allowed_yen, "yen", True, 15),
        Column("受領額（円）", lambda r: r.received_yen, "yen", True, 12),
        Column("返還見込額（円）", lambda r: r.refund_yen, "yen", True, 12),
        Column("備考", remarks, width=18),
        Column(FILE, lambda r: r.file, width=30),
    ]
    cols += [Column(f"{label}支払額（円）", _payment_of(i), "yen", True, 12) for i, label in enumerate(month_labels)]
    return cols


def _series(col: Column, values: list[object]) -> pd.Series:
    if col.kind in ("yen", "count"):
        return pd.Series(values, dtype="Int64")
    if col.kind == "fte":
        return pd.Series([float(v) if isinstance(v, Fraction) else None for v in values], dtype="float64")
    if col.kind == "category":
        return pd.Series(pd.Categorical(values, categories=list(col.categories)))
    if col.kind == "bool":
        return pd.Series(values, dtype="boolean")
    return pd.Series([v or "" for v in values], dtype="string")


def book_frame(summary: Summary) -> pd.DataFrame:
    """One row per book of the round (the year's, unreadable, other years): the 集計 columns, typed, and beside
    them the exact average (Fraction), the fiscal year, whether the row is in the totals, and the contact."""
    books = summary.books
    cols = facility_columns(summary.month_labels())
    frame = pd.DataFrame({c.header: _series(c, [c.get(r) for r in books]) for c in cols})
    fte_at = frame.columns.get_loc(FTE) + 1
    frame.insert(fte_at, FTE_EXACT, pd.Series([r.average_fraction for r in books], dtype="object"))
    in_year = {id(r) for r in summary.results}
    frame[YEAR] = pd.Series([r.fiscal_year for r in books], dtype="Int64")
    frame[IN_TOTALS] = pd.Series([id(r) in in_year for r in books], dtype="bool")
    frame[CONTACT] = pd.Series([r.contact for r in books], dtype="string")
    return frame


def table_rows(frame: pd.DataFrame, cols: list[Column]) -> list[list[object]]:
    """The rows of 集計 and of the CSV from the frame: the year's books and the unreadable ones (not other years).

    Values as a sheet shows them: int yen, the average as a Decimal to 6 places, ○/× for 加算要件, text.
    """
    shown = frame[frame[IN_TOTALS] | (frame["状態"] == STATUS_UNREADABLE)]
    out: list[list[object]] = []
    exact = shown[FTE_EXACT].tolist()
    columns = {c.header: shown[c.header].astype(object).tolist() for c in cols}
    for i in range(len(shown)):
        out.append([_cell(c, columns[c.header][i], exact[i]) for c in cols])
    return out


def _cell(col: Column, value: object, exact: Fraction | None) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if col.kind == "fte":
        return fte_value(exact)
    if col.kind == "bool":
        return "○" if value else "×"
    if col.kind in ("yen", "count"):
        return int(value)  # type: ignore[call-overload]
    return str(value)


def fte_value(average: Fraction | None, places: int = 6) -> Decimal | None:
    """An average as a cell value: exact to 6 decimals (the sheet shows 2)."""
    return None if average is None else as_decimal(average, places)


def totals(rows: list[list[object]], cols: list[Column]) -> list[object]:
    """The value of each total (what SUBTOTAL gives with every row shown): the sum of the column's cells."""
    out: list[object] = []
    for i, c in enumerate(cols):
        values = [v for row in rows if isinstance(v := row[i], int | Decimal) and not isinstance(v, bool)]
        out.append(sum(values, Decimal(0) if c.kind == "fte" else 0) if c.total and values else None)
    return out


# ---- findings ----

FINDING_COLUMNS = ["ファイル", "施設番号", "施設名", "シート", "セル", "コード", "区分", "件数", "内容"]


def findings_frame(summary: Summary) -> pd.DataFrame:
    """Every finding of every book, one row each, errors first, then in the order of the books."""
    rows = []
    for order, r in enumerate(summary.books):
        for code, severity, message, location in r.findings:
            sheet, _, ref = location.rpartition("!") if "!" in location else ("", "", location)
            rows.append([r.file, r.number, r.name, sheet.strip("'"), ref, code, SEVERITY_LABEL[severity], 1, message,
                         order])
    frame = pd.DataFrame(rows, columns=[*FINDING_COLUMNS, "_order"])
    for name in ("ファイル", "施設番号", "施設名", "シート", "セル", "コード", "内容"):
        frame[name] = frame[name].astype("string")
    frame["区分"] = pd.Categorical(frame["区分"], categories=list(SEVERITIES), ordered=True)
    frame["件数"] = frame["件数"].astype("Int64")
    frame = frame.sort_values(["区分", "_order"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def collapsed_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """指摘一覧 as printed: errors and warnings one by one; repeated 情報 of one code in one book as one row
    with a count (12 「全角数字を読み替えた」 → one row, 件数 12, the cells as ranges)."""
    info = frame["区分"] == SEVERITY_LABEL["info"]
    keep = frame[~info]
    grouped = frame[info].groupby(["ファイル", "コード"], sort=False, observed=True)
    collapsed = grouped.agg(施設番号=("施設番号", "first"), 施設名=("施設名", "first"), シート=("シート", _joined),
                            セル=("セル", _cells), 区分=("区分", "first"), 件数=("件数", "sum"),
                            内容=("内容", list)).reset_index()
    collapsed["内容"] = [_summarised(code, messages) for code, messages in zip(collapsed["コード"], collapsed["内容"])]
    out = pd.concat([keep, collapsed[FINDING_COLUMNS]], ignore_index=True)
    out["区分"] = pd.Categorical(out["区分"], categories=list(SEVERITIES), ordered=True)
    return out.sort_values("区分", kind="stable").reset_index(drop=True)


def _joined(values: pd.Series) -> str:
    return "、".join(dict.fromkeys(str(v) for v in values if v))


def _cells(values: pd.Series) -> str:
    refs = [str(v) for v in values if v]
    try:
        return runs(sorted(dict.fromkeys(refs), key=lambda x: (x.rstrip("0123456789"), int(x[len(x.rstrip("0123456789")):]))))
    except (ValueError, IndexError):
        return "、".join(dict.fromkeys(refs))


def _summarised(code: str, messages: list[str]) -> str:
    if len(messages) == 1:
        return messages[0]
    what = CODES[code][1] if code in CODES else "同じ種類の情報"
    return f"{what}（{len(messages)}件。例: {messages[0]}）"
