"""The round's tables as plain rows: 集計 (one row per book, the values its sheet shows) and 指摘一覧 (one row per
finding, errors first; repeated 情報 of one book collapsed).

The columns (`facility_columns`) and the finding rows are the single source of every table the municipality sees:
the 集計 sheet and the CSV are laid out from `facility_rows`, 指摘一覧 from `collapsed_rows`, and the pandas frames of
the Python API (kaigo_xl.municipal.frames) are built from the same columns and rows, so the command line and
`kaigo_xl.collect_frame` / `kaigo_xl.findings_frame` cannot drift apart. No pandas here: collect writes its workbook
and CSV without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kaigo_xl.findings import CODES
from kaigo_xl.municipal.collect import STATUS_FIX, STATUS_UNREADABLE, STATUSES, BookResult
from kaigo_xl.municipal.summary import PHASE_LABEL, SEVERITY_LABEL, Summary
from kaigo_xl.numbers import as_decimal
from kaigo_xl.xlsx.refs import runs

FTE_EXACT = "対象職員数（月平均・分数）"
FTE = "対象職員数（月平均）"
FILE = "ファイル"
IN_TOTALS = "集計対象"
YEAR = "年度"
CONTACT = "担当者・連絡先"
SEVERITIES = tuple(SEVERITY_LABEL.values())
FINDING_COLUMNS = ["ファイル", "施設番号", "施設名", "シート", "セル", "コード", "区分", "件数", "内容"]


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
    """A month's payment, blank where there is no schedule: a 実績報告書 (paid already), an amount that could not be
    computed, an unreadable book — a 0 there would read as 「支払なし」."""
    return lambda r: r.payments[i] if scheduled(r) else None


def scheduled(r: BookResult) -> bool:
    """Whether the book has a payment schedule: a readable 計画書 whose 加算総額 could be computed and whose schedule
    was not refused (a refused one pays nothing, which is not 「支払なし」; a 加算総額 of 0 is)."""
    return (r.status != STATUS_UNREADABLE and r.phase == "plan" and r.annual_yen is not None
            and (any(r.payments) or r.annual_yen == 0))


REMARKS = "備考"


def remarks(r: BookResult) -> str:
    out = []
    if any(f[0] == "DUPLICATE_NUMBER" for f in r.findings):
        out.append("施設番号重複")
    if any(f[0] == "NUMBER_MISMATCH" for f in r.findings):
        out.append("施設番号の誤り")
    if r.blank:
        out.append("未入力（配布したまま）")
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
        Column(REMARKS, remarks, width=22),
        Column(FILE, lambda r: r.file, width=30),
    ]
    cols += [Column(f"{label}支払額（円）", _payment_of(i), "yen", True, 12) for i, label in enumerate(month_labels)]
    return cols


def in_table(summary: Summary) -> list[BookResult]:
    """The books 集計 and the CSV show: the year's and the unreadable ones (not other years)."""
    year = {id(r) for r in summary.results}
    return [r for r in summary.books if id(r) in year or r.status == STATUS_UNREADABLE]


def facility_rows(summary: Summary, cols: list[Column]) -> list[list[object]]:
    """The rows of 集計 and of the CSV, values as a sheet shows them: int yen and counts, the average as a
    Decimal to 6 places, ○/× for 加算要件, a category outside its list as empty, text ("" when empty)."""
    books = in_table(summary)
    return [list(row) for row in zip(*(_shown(c, [c.get(r) for r in books]) for c in cols))]


def _shown(col: Column, values: list) -> list:
    """A column's values as its cells show them (a column at a time: 100,000 cells for 3,300 books)."""
    if col.kind in ("yen", "count"):
        return [None if v is None else int(v) for v in values]
    if col.kind == "fte":
        exact = {v: fte_value(v) for v in set(values) if isinstance(v, Fraction)}  # averages repeat (6 µs each)
        return [exact[v] if isinstance(v, Fraction) else None for v in values]
    if col.kind == "category":
        return [v if v in col.categories else None for v in values]
    if col.kind == "bool":
        return [None if v is None else "○" if v else "×" for v in values]
    return [str(v or "") for v in values]


def fte_value(average: Fraction | None, places: int = 6) -> Decimal | None:
    """An average as a cell value: exact to 6 decimals (the sheet shows 2)."""
    return None if average is None else as_decimal(average, places)


def totals(rows: list[list[object]], cols: list[Column]) -> list[object]:
    """The value of each total (what SUBTOTAL gives with every row shown): the sum of the column's cells."""
    out: list[object] = []
    for c, column in zip(cols, zip(*rows) if rows else [()] * len(cols)):
        values = [v for v in column if isinstance(v, (int, Decimal)) and not isinstance(v, bool)] if c.total else []
        out.append(sum(values, Decimal(0) if c.kind == "fte" else 0) if values else None)
    return out


# ---- findings ----

def finding_rows(summary: Summary) -> list[list[object]]:
    """Every finding of every book, one row each (FINDING_COLUMNS), errors first, then in the order of the books."""
    rank = {label: i for i, label in enumerate(SEVERITIES)}
    keyed = []
    for order, r in enumerate(summary.books):
        for code, severity, message, location in r.findings:
            sheet, _, ref = location.rpartition("!") if "!" in location else ("", "", location)
            label = SEVERITY_LABEL[severity]
            keyed.append(((rank[label], order), [r.file, r.number, r.name, sheet.strip("'"), ref, code, label, 1,
                                                 message]))
    keyed.sort(key=lambda kv: kv[0])  # stable: a book's findings keep their order
    return [row for _, row in keyed]


def collapsed_rows(rows: list[list[object]]) -> list[list[object]]:
    """指摘一覧 as printed: errors and warnings one by one; repeated 情報 of one code in one book as one row
    with a count (12 「全角数字を読み替えた」 → one row, 件数 12, the cells as ranges). `rows` from `finding_rows`."""
    info = SEVERITY_LABEL["info"]
    keep = [row for row in rows if row[6] != info]
    groups: dict[tuple[object, object], list[list[object]]] = {}
    for row in rows:
        if row[6] == info:
            groups.setdefault((row[0], row[5]), []).append(row)
    collapsed = [[file, group[0][1], group[0][2], _joined([g[3] for g in group]), _cells([g[4] for g in group]),
                  code, info, len(group), _summarised(str(code), [str(g[8]) for g in group])]
                 for (file, code), group in groups.items()]
    return keep + collapsed


def _joined(values: list[object]) -> str:
    return "、".join(dict.fromkeys(str(v) for v in values if v))


def _cells(values: list[object]) -> str:
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
