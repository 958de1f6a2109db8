"""The round as pandas frames for the Python API: one row per book (the columns of 集計, typed) and one row per
finding.

Built from the same columns and rows as every table the municipality sees (kaigo_xl.municipal.tables), so the
command's workbook and CSV and `kaigo_xl.collect_frame` / `kaigo_xl.findings_frame` cannot drift apart; only this
module imports pandas (the command never does). Types: money and counts are nullable Int64 (exact yen, never
float), the average FTE is a float for analysis with the exact Fraction beside it, status, document and type are
Categoricals, 加算要件 a nullable boolean.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from kaigo_xl.municipal.summary import Summary
from kaigo_xl.municipal.tables import (
    CONTACT,
    FINDING_COLUMNS,
    FTE,
    FTE_EXACT,
    IN_TOTALS,
    SEVERITIES,
    YEAR,
    Column,
    facility_columns,
    finding_rows,
)


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


def findings_frame(summary: Summary) -> pd.DataFrame:
    """Every finding of every book, one row each, errors first, then in the order of the books."""
    frame = pd.DataFrame(finding_rows(summary), columns=FINDING_COLUMNS)
    for name in ("ファイル", "施設番号", "施設名", "シート", "セル", "コード", "内容"):
        frame[name] = frame[name].astype("string")
    frame["区分"] = pd.Categorical(frame["区分"], categories=list(SEVERITIES), ordered=True)
    frame["件数"] = frame["件数"].astype("Int64")
    return frame
