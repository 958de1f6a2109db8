"""The municipality's summary of all returned books: a workbook (集計, 指摘一覧, 支払予定 with a chart, 読込不可),
a CSV that is safe to open in Excel, and the documented JSON.

Computing and writing are apart: `Summary` holds every figure (totals are sums of the per-facility results, never
computed again), and each writer only lays them out.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.municipal.collect import STATUS_FIX, STATUS_OK, STATUS_UNREADABLE, BookResult
from kaigo_xl.numbers import as_decimal, json_number
from kaigo_xl.rules.payments import calendar_year
from kaigo_xl.wareki import fiscal_year_label, wareki_month

SEVERITY_LABEL = {"error": "エラー", "warning": "注意", "info": "情報"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
PHASE_LABEL = {"plan": "計画", "report": "実績"}


@dataclass
class Summary:
    results: list[BookResult]  # readable books, sorted by facility number then file
    unreadable: list[BookResult]
    skipped: list[str]
    duplicates: dict[str, list[BookResult]]
    fiscal_year: int
    created: datetime = field(default_factory=datetime.now)

    @property
    def old_template(self) -> list[BookResult]:
        return [r for r in self.results if r.template_old]

    def total(self, get: Callable[[BookResult], int | None]) -> int:
        return sum(v for r in self.results if (v := get(r)) is not None)

    @property
    def total_annual_yen(self) -> int:
        return self.total(lambda r: r.annual_yen)

    @property
    def total_average(self) -> Fraction:
        return sum((f for r in self.results if (f := r.average_fraction) is not None), Fraction(0))

    def month_totals(self) -> list[int]:
        return [sum(r.payments[i] for r in self.results) for i in range(12)]

    def month_labels(self) -> list[str]:
        return [wareki_month(calendar_year(self.fiscal_year, m), m) for m in FISCAL_MONTHS]

    @property
    def ok(self) -> bool:
        return not self.unreadable and all(r.errors == 0 for r in self.results)

    def notes(self) -> list[str]:
        """The explanations printed under the table: duplicates, old templates, unreadable and skipped files."""
        out = []
        for number, rs in self.duplicates.items():
            out.append(f"施設番号「{number}」のブックが{len(rs)}件あります（{'、'.join(r.file for r in rs)}）。"
                       "重複を除かずにすべて集計に含めています。正しいブックを確認してください。")
        if not self.duplicates:
            out.append("施設番号の重複はありません。")
        if self.old_template:
            out.append(f"古い版の様式のブックが{len(self.old_template)}件あります（備考欄「旧様式」）。"
                       "新しい様式への入力し直しを依頼してください。")
        if self.unreadable:
            out.append(f"読み込めないファイルが{len(self.unreadable)}件あります（シート「読込不可」）。集計に含まれていません。")
        if self.skipped:
            out.append(f"Excel ブックではないファイル{len(self.skipped)}件は読み込んでいません（シート「読込不可」）。")
        years = Counter(r.fiscal_year for r in self.results if r.fiscal_year)
        if len(years) > 1:
            out.append("年度の異なるブックがあります（" + "、".join(f"{fiscal_year_label(y)} {n}件"
                                                                 for y, n in sorted(years.items())) + "）。")
        out.append("合計欄は各施設の値の合計です（状態が「要修正」の施設も含みます）。"
                   "月別の支払額は各ブックの支払回数・初回の月から計算しています。")
        return out


def build_summary(results: list[BookResult], skipped: list[str], duplicates: dict[str, list[BookResult]],
                  default_fiscal_year: int = 2025) -> Summary:
    readable = [r for r in results if r.status != STATUS_UNREADABLE]
    readable.sort(key=lambda r: (r.number == "", r.number, r.file))
    years = Counter(r.fiscal_year for r in readable if r.fiscal_year)
    fy = years.most_common(1)[0][0] if years else default_fiscal_year
    unreadable = [r for r in results if r.status == STATUS_UNREADABLE]
    return Summary(readable, unreadable, skipped, duplicates, fy)


def fte_value(average: Fraction | None, places: int = 6) -> Decimal | None:
    """An average as a cell value: exact to 6 decimals (the sheet shows 2)."""
    return None if average is None else as_decimal(average, places)


def remarks(r: BookResult) -> str:
    out = []
    if any(f[0] == "DUPLICATE_NUMBER" for f in r.findings):
        out.append("施設番号重複")
    if r.template_old:
        out.append("旧様式")
    if r.status == STATUS_FIX and r.annual_yen is None:
        out.append("金額を計算できません")
    return "・".join(out)


# ---- the facility table (集計 sheet and CSV share it) ----

@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[BookResult], object]
    kind: str = "text"  # text | yen | fte | count
    total: bool = False
    width: float = 12


def _req(r: BookResult) -> str:
    return "" if r.requirements_ok is None else ("○" if r.requirements_ok else "×")


def _payment_of(i: int) -> Callable[[BookResult], int]:
    return lambda r: r.payments[i]


def facility_columns(month_labels: list[str]) -> list[Column]:
    cols = [
        Column("施設番号", lambda r: r.number, width=14),
        Column("施設名", lambda r: r.name, width=28),
        Column("種別", lambda r: r.type, width=6),
        Column("市区町村", lambda r: r.municipality, width=10),
        Column("書類", lambda r: PHASE_LABEL.get(r.phase, ""), width=6),
        Column("対象職員数（月平均）", lambda r: fte_value(r.average_fraction), "fte", True, 12),
        Column("加算総額（円）", lambda r: r.annual_yen, "yen", True, 14),
    ]
    cols += [Column(f"{label}支払額（円）", _payment_of(i), "yen", True, 13) for i, label in enumerate(month_labels)]
    cols += [
        Column("状態", lambda r: r.status, width=8),
        Column("エラー", lambda r: r.errors, "count", True, 7),
        Column("注意", lambda r: r.warnings, "count", True, 7),
        Column("加算要件", _req, width=8),
        Column("対象経費 計画（円）", lambda r: r.planned_allowed_yen, "yen", True, 14),
        Column("対象経費 実績（円）", lambda r: r.actual_allowed_yen, "yen", True, 14),
        Column("受領額（円）", lambda r: r.received_yen, "yen", True, 14),
        Column("返還見込額（円）", lambda r: r.refund_yen, "yen", True, 14),
        Column("備考", remarks, width=20),
        Column("ファイル", lambda r: r.file, width=36),
    ]
    return cols


def facility_rows(summary: Summary) -> tuple[list[Column], list[list[object]], list[object]]:
    """Header columns, one row per book (unreadable ones last, so none is dropped) and the totals row."""
    cols = facility_columns(summary.month_labels())
    rows = [[c.get(r) for c in cols] for r in summary.results]
    for r in summary.unreadable:
        rows.append([r.file if c.header == "ファイル" else (r.status if c.header == "状態" else
                     (r.errors if c.header == "エラー" else None)) for c in cols])
    totals: list[object] = []
    for i, c in enumerate(cols):
        if i == 1:
            totals.append(f"合計（{len(summary.results)}施設）")
        elif c.total:
            values = [v for row in rows if isinstance(v := row[i], int)]
            present = any(row[i] is not None for row in rows)
            totals.append(None if not present else _fte_sum(summary) if c.kind == "fte" else sum(values))
        else:
            totals.append(None)
    return cols, rows, totals


def _fte_sum(summary: Summary) -> Decimal:
    return fte_value(summary.total_average) or Decimal(0)


# ---- CSV ----

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading single quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(summary: Summary) -> bytes:
    """UTF-8 with a BOM so that Excel opens it with the right characters."""
    cols, rows, totals = facility_rows(summary)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header for c in cols])
    for row in [*rows, totals]:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


# ---- JSON ----

def to_json(summary: Summary, out: Path | None = None) -> dict:

    facilities = [{
        "number": r.number, "name": r.name, "type": r.type, "file": r.file,
        "average_fte": json_number(avg) if (avg := r.average_fraction) is not None else None,
        "annual_yen": r.annual_yen, "errors": r.errors, "warnings": r.warnings,
        "status": r.status, "phase": r.phase or None, "requirements_ok": r.requirements_ok,
        "refund_yen": r.refund_yen, "template_old": r.template_old,
        "payments": [{"month": f"{calendar_year(r.fiscal_year or summary.fiscal_year, m):04d}-{m:02d}", "yen": y}
                     for m, y in zip(FISCAL_MONTHS, r.payments) if y],
    } for r in summary.results]
    return {
        "facilities": facilities,
        "unreadable": [{"file": r.file, "message": r.message} for r in summary.unreadable],
        "skipped": summary.skipped,
        "duplicates": {n: [r.file for r in rs] for n, rs in summary.duplicates.items()},
        "total_annual_yen": summary.total_annual_yen,
        "monthly_payments": [{"month": f"{calendar_year(summary.fiscal_year, m):04d}-{m:02d}", "yen": y}
                             for m, y in zip(FISCAL_MONTHS, summary.month_totals())],
        "summary": str(out) if out else None,
        "ok": summary.ok,
    }


def findings_rows(summary: Summary) -> list[list[str]]:
    """ファイル, 施設番号, 施設名, シート, セル, コード, 区分, 内容 — every finding of every book."""
    rows = []
    for r in [*summary.results, *summary.unreadable]:
        for code, severity, message, location in sorted(r.findings, key=lambda f: _SEVERITY_ORDER[f[1]]):
            sheet, _, ref = location.rpartition("!") if "!" in location else ("", "", location)
            rows.append([r.file, r.number, r.name, sheet.strip("'"), ref, code, SEVERITY_LABEL[severity], message])
    return rows


__all__ = ["Summary", "build_summary", "csv_bytes", "csv_cell", "to_json", "facility_rows", "findings_rows",
           "STATUS_OK", "STATUS_FIX", "STATUS_UNREADABLE"]
