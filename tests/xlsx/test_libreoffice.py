"""Tests for kaigo_xl.xlsx.libreoffice (LibreOffice headless helpers)."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from python_calamine import CalamineWorkbook
from support.pdf import pdf_info, pdf_to_png

from kaigo_xl.errors import KaigoError
from kaigo_xl.xlsx import libreoffice as lo

needs_lo = pytest.mark.libreoffice
needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None or shutil.which("pdffonts") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils がインストールされていません",
)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _values(xlsx: Path, sheet: str) -> list[list]:
    wb = CalamineWorkbook.from_path(str(xlsx))
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _cell(rows: list[list], ref: str):
    col = ord(ref[0]) - ord("A")
    row = int(ref[1:]) - 1
    if row >= len(rows) or col >= len(rows[row]):
        return ""
    return rows[row][col]


def _formula_workbook(path: Path, base: int = 10) -> Path:
    """Workbook with typical kaigo_xl style formulas (no cached values)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "集計"
    staff = wb.create_sheet("月別職員数")
    for i in range(1, 13):
        ws.cell(row=i, column=1, value=base * i)
    staff["B5"] = base + 32
    staff["C5"] = 160

    ws["B1"] = "=SUM(A1:A12)"
    ws["B2"] = "=ROUNDDOWN(A12*7/(40*30),1)"
    ws["B3"] = '=IF(A2>A1,"×","○")'
    ws["B4"] = '=IF(A1>A2,"×","○")'
    ws["B5"] = '=TEXT(A3,"0.00")'
    ws["B6"] = '=TEXT(1234.5,"#,##0")'
    ws["B7"] = "='月別職員数'!B5*2"
    ws["B8"] = "=常勤換算基準+1"  # workbook-scoped defined name
    ws["B9"] = "=ROUNDDOWN(月別時間/40,1)"  # defined name -> other sheet
    ws["B10"] = "=局所名*3"  # sheet-scoped defined name
    ws["B11"] = '=COUNTIF(A1:A12,">50")'
    ws["B12"] = "=B1+B7"  # formula depending on formulas
    wb.defined_names["常勤換算基準"] = DefinedName("常勤換算基準", attr_text="'月別職員数'!$B$5")
    wb.defined_names["月別時間"] = DefinedName("月別時間", attr_text="'月別職員数'!$C$5")
    ws.defined_names["局所名"] = DefinedName("局所名", attr_text="'集計'!$A$1")
    wb.save(path)
    return path


def _expected(base: int) -> dict:
    total = sum(base * i for i in range(1, 13))
    return {
        "B1": float(total),
        "B2": math.floor(base * 12 * 7 / 1200 * 10) / 10,
        "B3": "×",
        "B4": "○",
        "B5": f"{base * 3:.2f}",
        "B6": "1,235",
        "B7": float((base + 32) * 2),
        "B8": float(base + 33),
        "B9": 4.0,
        "B10": float(base * 3),
        "B11": float(sum(1 for i in range(1, 13) if base * i > 50)),
        "B12": float(total + (base + 32) * 2),
    }


def _patch_cached_values(src: Path, dst: Path, sheet_xml: str, patches: dict) -> None:
    """Copy an xlsx, replacing strings inside one sheet XML (fake stale caches)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == sheet_xml:
                text = data.decode("utf-8")
                for old, new in patches.items():
                    assert old in text, old
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            zout.writestr(info, data)


# --------------------------------------------------------------------------
# tests that do not need LibreOffice
# --------------------------------------------------------------------------


def test_missing_soffice_raises_japanese_message(tmp_path, monkeypatch):
    monkeypatch.setenv("KAIGO_XL_SOFFICE", str(tmp_path / "no-such-soffice"))
    assert lo.find_soffice() is None
    assert lo.available() is False
    src = _formula_workbook(tmp_path / "a.xlsx")
    with pytest.raises(lo.LibreOfficeMissing) as exc:
        lo.recalculate(src, tmp_path / "out")
    msg = str(exc.value)
    assert "LibreOffice が見つかりません" in msg
    assert "libreoffice-calc-nogui fonts-noto-cjk poppler-utils" in msg
    with pytest.raises(lo.LibreOfficeMissing):
        lo.recalculate_many([src], tmp_path / "out")
    with pytest.raises(lo.LibreOfficeMissing):
        lo.to_pdf(src, tmp_path / "out")
    assert issubclass(lo.LibreOfficeMissing, KaigoError) and lo.LibreOfficeMissing.exit_code == 2
    assert issubclass(lo.LibreOfficeFailed, KaigoError)



# --------------------------------------------------------------------------
# recalculation
# --------------------------------------------------------------------------


@needs_lo
def test_find_soffice_when_installed():
    path = lo.find_soffice()
    assert path and os.access(path, os.X_OK)


@needs_lo
def test_recalculate_formulas(tmp_path):
    src = _formula_workbook(tmp_path / "計算.xlsx")
    before = _sha(src)
    # openpyxl stores no cached values: calamine sees nothing yet
    assert _cell(_values(src, "集計"), "B1") == ""

    out = lo.recalculate(src, tmp_path / "out")

    assert out == tmp_path / "out" / "計算.xlsx"
    assert out.is_file()
    assert _sha(src) == before, "input must not be modified"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "計算.xlsx"], (
        "no lock files / leftovers next to the input"
    )
    rows = _values(out, "集計")
    for ref, value in _expected(10).items():
        got = _cell(rows, ref)
        if isinstance(value, float):
            assert got == pytest.approx(value), ref
        else:
            assert got == value, ref
    # the other sheet survives the round trip
    assert _cell(_values(out, "月別職員数"), "B5") == 42.0


@needs_lo
def test_recalculate_default_out_dir_is_temp(tmp_path):
    src = _formula_workbook(tmp_path / "a.xlsx")
    out = lo.recalculate(src)
    try:
        assert out.parent != tmp_path
        assert _cell(_values(out, "集計"), "B1") == 780.0
    finally:
        shutil.rmtree(out.parent)


@needs_lo
def test_stale_cached_values_are_recomputed(tmp_path):
    fresh = _formula_workbook(tmp_path / "fresh.xlsx")
    stale = tmp_path / "stale.xlsx"
    # write wrong cached values into the sheet XML, as a stale Excel file would have
    _patch_cached_values(
        fresh,
        stale,
        "xl/worksheets/sheet1.xml",
        {
            "<f>SUM(A1:A12)</f><v /></c>": "<f>SUM(A1:A12)</f><v>999</v></c>",
            '<c r="B3"><f>IF(A2&gt;A1,"×","○")</f><v /></c>': (
                '<c r="B3" t="str"><f>IF(A2&gt;A1,"×","○")</f><v>○</v></c>'
            ),
        },
    )
    rows = _values(stale, "集計")
    assert _cell(rows, "B1") == 999.0  # the stale values really are there
    assert _cell(rows, "B3") == "○"

    out = lo.recalculate(stale, tmp_path / "out")
    rows = _values(out, "集計")
    assert _cell(rows, "B1") == 780.0
    assert _cell(rows, "B3") == "×"
    assert _cell(rows, "B12") == 780.0 + 84.0


@needs_lo
def test_formula_errors_in_recalculated_copy(tmp_path):
    """Gotcha: calamine's to_python() turns error cells into ''; openpyxl
    (data_only=True) shows the error code."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 5
    ws["A2"] = 0
    ws["B1"] = "=A1/A2"
    ws["B2"] = '=IFERROR(A1/A2,"-")'
    wb.save(tmp_path / "err.xlsx")
    out = lo.recalculate(tmp_path / "err.xlsx", tmp_path / "out")
    data = openpyxl.load_workbook(out, data_only=True).active
    assert data["B1"].value == "#DIV/0!"
    assert data["B2"].value == "-"
    rows = _values(out, "Sheet")
    assert _cell(rows, "B1") == ""


@needs_lo
def test_recalculate_many_batch(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    srcs = [_formula_workbook(tmp_path / f"wb{i:02d}.xlsx", base=i + 1) for i in range(6)]
    # duplicate file names from different directories must not collide
    srcs.append(_formula_workbook(tmp_path / "x" / "同名.xlsx", base=100))
    srcs.append(_formula_workbook(tmp_path / "y" / "同名.xlsx", base=200))
    bases = [1, 2, 3, 4, 5, 6, 100, 200]
    hashes = [_sha(p) for p in srcs]

    outs = lo.recalculate_many(srcs, tmp_path / "out")

    assert len(outs) == len(srcs)
    assert len(set(outs)) == len(outs)
    assert outs[-2].name == "同名.xlsx" and outs[-1].name == "同名_2.xlsx"
    for out, base in zip(outs, bases, strict=True):
        rows = _values(out, "集計")
        assert _cell(rows, "B1") == pytest.approx(_expected(base)["B1"])
        assert _cell(rows, "B8") == pytest.approx(base + 33)
    assert [_sha(p) for p in srcs] == hashes
    assert lo.recalculate_many([], tmp_path / "out") == []


@needs_lo
def test_recalculate_many_reports_broken_file(tmp_path):
    good = _formula_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "壊れた.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(lo.LibreOfficeFailed) as exc:
        lo.recalculate_many([good, bad], tmp_path / "out")
    assert "壊れた.xlsx" in str(exc.value)
    assert "good.xlsx" not in str(exc.value).splitlines()[0]
    # the good one was still converted
    assert _cell(_values(tmp_path / "out" / "good.xlsx", "集計"), "B1") == 780.0


@needs_lo
def test_recalculate_refuses_to_overwrite_input(tmp_path):
    src = _formula_workbook(tmp_path / "a.xlsx")
    before = _sha(src)
    with pytest.raises(ValueError):
        lo.recalculate(src, tmp_path)
    assert _sha(src) == before


@needs_lo
def test_recalculate_missing_input(tmp_path):
    with pytest.raises(FileNotFoundError):
        lo.recalculate(tmp_path / "nope.xlsx", tmp_path / "out")


@needs_lo
def test_recalculate_concurrent_runs(tmp_path):
    srcs = [_formula_workbook(tmp_path / f"c{i}.xlsx", base=i + 1) for i in range(3)]
    results: dict[int, object] = {}

    def work(i: int) -> None:
        try:
            results[i] = lo.recalculate(srcs[i], tmp_path / f"out{i}")
        except Exception as e:  # pragma: no cover - reported below
            results[i] = e

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for i in range(3):
        out = results[i]
        assert isinstance(out, Path), out
        assert _cell(_values(out, "集計"), "B1") == pytest.approx(_expected(i + 1)["B1"])


@needs_lo
def test_timeout_kills_soffice_and_cleans_up(tmp_path, monkeypatch):
    created: list[Path] = []
    real_mkdtemp = lo.tempfile.mkdtemp

    def spy(*args, **kwargs):
        d = real_mkdtemp(*args, **kwargs)
        created.append(Path(d))
        return d

    monkeypatch.setattr(lo.tempfile, "mkdtemp", spy)
    src = _formula_workbook(tmp_path / "a.xlsx")
    with pytest.raises(lo.LibreOfficeFailed) as exc:
        lo.recalculate(src, tmp_path / "out", timeout=0.05)
    assert "a.xlsx" in str(exc.value)
    assert created and all(not d.exists() for d in created)
    time.sleep(0.5)
    # no soffice process of that run survives
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        for d in created:
            assert str(d) not in cmdline, cmdline


@needs_lo
def test_recalculate_100_workbooks_timing(tmp_path):
    srcs = []
    for i in range(100):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "職員"
        for r in range(1, 13):
            ws.cell(row=r, column=1, value=i + r)
        ws["B1"] = "=SUM(A1:A12)"
        ws["B2"] = '=IF(B1>700,"×","○")'
        p = tmp_path / "in" / f"事業所{i:03d}.xlsx"
        p.parent.mkdir(exist_ok=True)
        wb.save(p)
        srcs.append(p)
    t0 = time.perf_counter()
    outs = lo.recalculate_many(srcs, tmp_path / "out")
    elapsed = time.perf_counter() - t0
    print(f"\nrecalculate_many: 100 workbooks in {elapsed:.2f} s")
    for i, out in enumerate(outs):
        rows = _values(out, "職員")
        total = sum(i + r for r in range(1, 13))
        assert _cell(rows, "B1") == total
        assert _cell(rows, "B2") == ("×" if total > 700 else "○")
    assert elapsed < 120


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def _print_workbook(path: Path, rows: int = 120, landscape: bool = False, fit: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "勤務形態一覧表"
    ws["A1"] = "従業者の勤務の体制及び勤務形態一覧表（令和6年4月分）"
    for r in range(2, rows + 2):
        ws.cell(row=r, column=1, value=f"介護職員{r - 1}　山田 花子")
        ws.cell(row=r, column=2, value="常勤・専従")
        ws.cell(row=r, column=3, value=r * 8)
    ws["D2"] = "=SUM(C2:C10)"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = fit
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    wb.save(path)
    return path


@needs_lo
@needs_poppler
def test_to_pdf_a4_portrait_japanese(tmp_path):
    src = _print_workbook(tmp_path / "勤務表.xlsx")
    before = _sha(src)
    pdf = lo.to_pdf(src, tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "勤務表.pdf"
    assert _sha(src) == before

    info = pdf_info(pdf)
    assert info["pages"] == 1  # 120 rows fit on one page only because of fit-to-page
    w, h = info["page_size_pt"]
    assert w == pytest.approx(595, abs=1)
    assert h == pytest.approx(842, abs=1)
    assert info["fonts"], "no fonts?"
    assert all(emb for _, emb in info["fonts"]), info["fonts"]
    assert info["all_fonts_embedded"] is True
    assert any("CJK" in name for name, _ in info["fonts"]), info["fonts"]

    pngs = pdf_to_png(pdf, tmp_path / "png", dpi=50)
    assert len(pngs) == 1
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_lo
@needs_poppler
def test_to_pdf_respects_page_setup(tmp_path):
    # without fit-to-page the same sheet needs several pages
    pdf = lo.to_pdf(_print_workbook(tmp_path / "nofit.xlsx", fit=False), tmp_path)
    info = pdf_info(pdf)
    assert info["pages"] > 1
    pngs = pdf_to_png(pdf, tmp_path / "png", dpi=30)
    assert len(pngs) == info["pages"]
    assert pngs == sorted(pngs)

    # landscape A4
    pdf = lo.to_pdf(_print_workbook(tmp_path / "land.xlsx", landscape=True), tmp_path)
    info = pdf_info(pdf)
    assert info["pages"] == 1
    w, h = info["page_size_pt"]
    assert (w, h) == (pytest.approx(842, abs=1), pytest.approx(595, abs=1))


@needs_lo
def test_to_pdf_broken_input(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(lo.LibreOfficeFailed) as exc:
        lo.to_pdf(bad, tmp_path / "pdf")
    assert "bad.xlsx" in str(exc.value)
