"""The summary workbook on paper (LibreOffice renders it): 概要 on one A4 page, 集計 on A3 landscape in two
blocks, every facility name whole, a Japanese font embedded."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.municipal_round import name
from support.pdf import pdf_info

from kaigo_xl.xlsx import libreoffice

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice,
              pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice is not installed")]


@pytest.fixture(scope="module")
def pdf(collected_round, tmp_path_factory) -> Path:
    return libreoffice.to_pdf(collected_round[1] / "集計.xlsx", tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_each_sheet_prints_on_its_own_pages_and_the_overview_on_one(pages):
    titles = [p.strip().splitlines()[0] for p in pages]
    assert titles[0].endswith("集計の概要") and titles[1].endswith("集計") and titles[2].endswith("集計")
    assert sum(1 for t in titles if t.endswith("集計の概要")) == 1
    assert len(pages) == 8, " | ".join(titles[5:])  # 概要, 集計 ×2, then one page for each other sheet


def test_the_summary_is_a3_landscape_with_a_japanese_font_embedded(pdf):
    from pypdf import PdfReader

    box = PdfReader(pdf).pages[1].mediabox  # page 2: the first of 集計
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)  # A3 landscape in points
    info = pdf_info(pdf)
    assert info["all_fonts_embedded"]
    assert any("CJK" in f or "Gothic" in f or "Mincho" in f for f, _ in info["fonts"])


def test_facility_names_are_printed_whole_on_both_blocks(pages):
    for page in pages[1:3]:
        for i in range(1, 15):
            assert name(i) in page, name(i)


def test_the_months_block_of_the_summary_carries_the_whole_title_and_every_page_its_number(pages):
    assert pages[2].strip().splitlines()[0].strip() == "令和7年度 介護人材確保・職場環境改善等加算 集計"
    feet = [p.strip().splitlines()[-1].replace(" ", "") for p in pages]  # (pdftotext closes up 「1 / 8」)
    assert feet == [f"{i}/{len(pages)}" for i in range(1, len(pages) + 1)]
