"""The municipality's round for Python and pandas: `kaigo_xl.collect_frame`, `kaigo_xl.findings_frame`,
`kaigo_xl.collect_summary` (re-exported lazily by `kaigo_xl/__init__.py`, so `import kaigo_xl` stays light).

The frames hold the very rows the command's summary workbook and CSV are laid out from (kaigo_xl.municipal.tables).
Pass a folder to read it, or a `Summary` from `collect_summary` to get both frames from one reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kaigo_xl.municipal.summary import Summary
from kaigo_xl.policy import Policy, load_policy

if TYPE_CHECKING:
    import pandas as pd


def collect_summary(folder: str | Path, *, policy: Policy | str | Path | None = None, fiscal_year: int | None = None,
                    facility_list: str | Path | None = None, jobs: int | None = None) -> Summary:
    """Read every returned workbook under `folder` (in worker processes) and summarise the round; writes nothing.

    `facility_list`: 配布一覧.csv or the facility list, to know 未提出; `fiscal_year`: the year to total (default:
    the most common among the books); `policy`: a Policy or the path of the municipality's TOML.
    """
    from kaigo_xl.municipal.service import summarise

    chosen = policy if isinstance(policy, Policy) else load_policy(Path(policy) if policy is not None else None)
    return summarise(Path(folder), chosen, fiscal_year=fiscal_year, jobs=jobs,
                     facility_list=Path(facility_list) if facility_list is not None else None)


def _summary(source: str | Path | Summary, **options) -> Summary:
    return source if isinstance(source, Summary) else collect_summary(source, **options)


def collect_frame(source: str | Path | Summary, **options) -> pd.DataFrame:
    """One row per book, the columns of the 集計 sheet (typed: Int64 yen, Categorical 状態, the exact average as a
    Fraction beside the float one), plus 年度, 集計対象 (False for other years and unreadable books) and 担当者・連絡先."""
    from kaigo_xl.municipal.frames import book_frame

    return book_frame(_summary(source, **options))


def findings_frame(source: str | Path | Summary, **options) -> pd.DataFrame:
    """One row per finding of every book (errors first): ファイル, 施設番号, 施設名, シート, セル, コード, 区分, 件数, 内容."""
    from kaigo_xl.municipal.frames import findings_frame as frame

    return frame(_summary(source, **options))
