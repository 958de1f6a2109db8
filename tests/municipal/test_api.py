"""The Python API of the round: typed pandas frames that are exactly what the summary workbook shows."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction

import openpyxl
import pandas as pd
import pytest
from support.municipal_round import RATE, fte, name, number

import kaigo_xl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summary(municipal_round):
    return kaigo_xl.collect_summary(municipal_round.back, facility_list=municipal_round.manifest)


def test_importing_kaigo_xl_or_running_calc_does_not_import_pandas(tmp_path):
    from kaigo_xl.demo import sample_text

    sample = tmp_path / "s.json"
    sample.write_text(sample_text(), encoding="utf-8")
    code = ("import sys, io, contextlib, kaigo_xl; from kaigo_xl.commands import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['calc', {str(sample)!r}])\n"
            "print('pandas' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_the_frame_is_typed(summary):
    frame = kaigo_xl.collect_frame(summary)
    assert str(frame["加算総額（円）"].dtype) == "Int64" and str(frame["エラー"].dtype) == "Int64"
    assert isinstance(frame["状態"].dtype, pd.CategoricalDtype)
    assert list(frame["状態"].cat.categories) == ["提出可", "要修正", "読込不可"]
    assert str(frame["加算要件"].dtype) == "boolean" and str(frame["施設番号"].dtype) == "string"
    assert frame["対象職員数（月平均）"].dtype == "float64"
    assert all(v is None or isinstance(v, Fraction) for v in frame["対象職員数（月平均・分数）"])


def test_the_exact_average_gives_the_total_to_the_yen(summary):
    frame = kaigo_xl.collect_frame(summary)
    counted = frame[frame["集計対象"] & frame["加算総額（円）"].notna()]
    exact = sum(counted["対象職員数（月平均・分数）"], Fraction(0))
    assert exact * RATE == int(counted["加算総額（円）"].sum()) == summary.total_annual_yen


def test_every_book_has_a_row_and_other_years_are_marked_out_of_the_totals(summary, municipal_round):
    frame = kaigo_xl.collect_frame(summary)
    assert len(frame) == 18  # 15 of the year (the stranger's included), 2 unreadable … and 1 of 令和6年度
    old = frame[frame["ファイル"] == municipal_round.files[municipal_round.OLD_YEAR]].iloc[0]
    assert (old["年度"], bool(old["集計対象"])) == (2024, False)


def test_the_sheet_shows_exactly_the_frame(summary, municipal_round, collected_round):
    """The CLI's 集計 and the API's frame cannot drift: the sheet is laid out from the frame."""
    frame = kaigo_xl.collect_frame(summary)
    shown = frame[frame["集計対象"] | (frame["状態"] == "読込不可")]
    ws = openpyxl.load_workbook(collected_round[1] / "集計.xlsx", data_only=True)["集計"]
    rows = list(ws.iter_rows(min_row=4, max_row=3 + len(shown), values_only=True))
    headers = [c.value for c in ws[3]]
    for (_, expected), row in zip(shown.iterrows(), rows):
        got = dict(zip(headers, row))
        assert got["ファイル"] == expected["ファイル"] and got["施設番号"] == (expected["施設番号"] or None)
        for h in [h for h in headers if h.endswith("（円）")]:
            assert got[h] == (None if pd.isna(expected[h]) else int(expected[h])), h


def test_findings_frame_has_every_finding_errors_first(summary, municipal_round):
    findings = kaigo_xl.findings_frame(summary)
    assert list(findings.columns) == ["ファイル", "施設番号", "施設名", "シート", "セル", "コード", "区分", "件数", "内容"]
    assert findings["区分"].is_monotonic_increasing  # エラー < 注意 < 情報
    wrong = findings[findings["コード"] == "NUMBER_MISMATCH"]
    assert wrong["ファイル"].tolist() == [municipal_round.files[municipal_round.WRONG_NUMBER]]
    assert len(findings) == sum(len(r.findings) for r in summary.books)


def test_a_folder_can_be_given_directly(municipal_round):
    frame = kaigo_xl.collect_frame(municipal_round.back, fiscal_year=2025)
    row = frame[frame["施設番号"] == number(3)].iloc[0]
    assert row["施設名"] == name(3) and row["加算総額（円）"] == 189_000  # 54,000 × 3.5


def test_the_readme_example_runs_over_many_municipalities(municipal_round, tmp_path):
    """The prefecture's example in the README, run as written over two municipalities' folders."""
    import re
    import shutil
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(from pathlib import Path\n.*?)```", readme, re.S).group(1)
    for town, picks in (("見本市", (1, 2, 3)), ("例町", (4, 5))):
        folder = tmp_path / "回収" / town
        folder.mkdir(parents=True)
        shutil.copy(municipal_round.manifest, folder / "配布一覧.csv")
        for i in picks:
            shutil.copy(municipal_round.back / municipal_round.files[i], folder)
    scope: dict = {}
    cwd = Path.cwd()
    try:
        os.chdir(tmp_path)
        exec(compile(code, "README.md", "exec"), scope)
    finally:
        os.chdir(cwd)
    totals = scope["counted"].groupby("回収フォルダー")["加算総額（円）"].sum()
    assert totals["見本市"] == RATE * (fte(1) + fte(2) + fte(3)) and totals["例町"] == RATE * (fte(4) + fte(5))
