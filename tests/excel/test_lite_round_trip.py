"""Lite books travel like plain ones: `distribute --lite` makes them, and the preflight, the reader, `check` and
`collect` accept them when they come back. The command-line tool only reads their values: the embedded code is
never imported or run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kaigo_xl.commands import main
from kaigo_xl.excel.lite.code import main_py
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.reader import read_workbook
from kaigo_xl.xlsx.preflight import preflight
from kaigo_xl.xlsx.webextension import read_settings

ROOT = Path(__file__).resolve().parents[2]
FACILITIES = ROOT / "examples" / "facilities.csv"
LITE_TEMPLATE = ROOT / "workbooks" / "kaigo_xl_template_yogo_r7_lite.xlsx"


@pytest.fixture(scope="module")
def distributed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert main(["distribute", str(FACILITIES), "--out", str(out), "--lite"]) == 0
    return out


def books(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


def test_every_distributed_book_carries_the_lite_code(distributed):
    assert len(books(distributed)) == 4
    for book in books(distributed):
        settings = read_settings(book.read_bytes())
        assert settings["xl/webextensions/webextension1.xml"]["main.py"] == main_py(), book.name


def test_each_distributed_lite_book_holds_its_facility(distributed):
    for book in books(distributed):
        inp, _, _ = read_workbook(book)
        assert inp is not None and book.name.startswith(inp.facility.number)


def test_the_preflight_accepts_a_lite_book():
    found = preflight(LITE_TEMPLATE)
    assert layout.S_MONTHLY in found.sheets


def test_check_reads_a_filled_lite_book(tmp_path, capsys):
    book = tmp_path / "さくら苑.xlsx"
    assert main(["template", str(book), "--data", str(ROOT / "kaigo_xl/data/sample_facility.json"), "--lite"]) == 0
    capsys.readouterr()
    assert main(["calc", str(book), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["annual_yen"] == 472_500


def test_collect_sums_returned_lite_books(distributed, tmp_path, capsys):
    back = tmp_path / "back"
    shutil.copytree(distributed, back)
    assert main(["collect", str(back), "--out", str(tmp_path / "集計.xlsx"), "--json"]) in (0, 1)
    result = json.loads(capsys.readouterr().out)
    assert len(result["facilities"]) == 4 and result["unreadable"] == []


def test_reading_a_lite_book_never_runs_its_code(tmp_path, capsys):
    """A book whose main.py would leave a file behind if anything executed it."""
    from dataclasses import replace

    from kaigo_xl.excel.lite import lite_addin
    from kaigo_xl.xlsx.webextension import add_taskpane_addin

    ran = tmp_path / "ran.txt"
    trap = replace(lite_addin(), properties={
        "main.py": f"import pathlib\npathlib.Path({str(ran)!r}).write_text('ran')\n", "requirements.txt": ""})
    book = tmp_path / "trap" / "x.xlsx"
    book.parent.mkdir()
    book.write_bytes(add_taskpane_addin((ROOT / "workbooks" / "kaigo_xl_template_yogo_r7.xlsx").read_bytes(), trap))
    for command in (["check", str(book)], ["calc", str(book), "--json"],
                    ["collect", str(book.parent), "--out", str(tmp_path / "s.xlsx")]):
        main(command)
    capsys.readouterr()
    assert not ran.exists()
