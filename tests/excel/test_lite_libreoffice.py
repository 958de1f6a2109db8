"""LibreOffice still opens, recalculates and prints a Lite book: the add-in parts change nothing it reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from support.pdf import pdf_info

from kaigo_xl.commands import main
from kaigo_xl.workbook import layout
from kaigo_xl.xlsx import libreoffice
from kaigo_xl.xlsx.refs import split_ref

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lo")
    data = ROOT / "kaigo_xl" / "data" / "sample_facility.json"
    out = {}
    for name, extra in (("plain", []), ("lite", ["--lite"])):
        out[name] = folder / f"{name}.xlsx"
        assert main(["template", str(out[name]), "--data", str(data), *extra]) == 0
    return out


def test_the_lite_book_prints_the_same_pages_as_the_plain_one(books, tmp_path):
    pdfs = {name: libreoffice.to_pdf(path, tmp_path / name) for name, path in books.items()}
    lite, plain = pdf_info(pdfs["lite"]), pdf_info(pdfs["plain"])
    assert lite["pages"] == plain["pages"] > 10
    assert lite["page_size_pt"] == plain["page_size_pt"]


def test_libreoffice_recalculates_the_lite_book_to_the_engines_total(books, tmp_path):
    done = libreoffice.recalculate(books["lite"], tmp_path)
    wb = CalamineWorkbook.from_path(str(done))
    row, col = split_ref(layout.CALC_CELLS["annual"])  # KX_ANNUAL_YEN
    assert wb.get_sheet_by_name(layout.S_CALC).to_python(skip_empty_area=False)[row - 1][col - 1] == 472_500
