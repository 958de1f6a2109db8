"""Which files of a returned folder collect reads: links, FIFOs, hidden and excluded files and folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kaigo_xl.municipal.collect import scan

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or os.name == "nt", reason="links and FIFOs of POSIX")


def _tree(base: Path) -> Path:
    folder, out = base / "回収", base / "outside"
    for d in ("sub/deeper", ".hidden", "修正依頼", "../outside/elsewhere"):
        (folder / d).mkdir(parents=True)
    for p in ("a.xlsx", "B.XLSX", "c.xls", "e.txt", "~$a.xlsx", "a.xlsx.bak", ".secret.xlsx", "集計.xlsx",
              "集計.xlsx.bak", "sub/s1.xlsx", "sub/deeper/s2.xlsm", "sub/集計.xlsx", ".hidden/h.xlsx", "修正依頼/f.xlsx"):
        (folder / p).write_bytes(b"x")
    for p in ("o.xlsx", "summary.xlsx", "elsewhere/e.xlsx"):
        (out / p).write_bytes(b"x")
    links = {"link_out.xlsx": out / "o.xlsx", "sub/link_in.xlsx": folder / "a.xlsx",
             "sub/link_to_ours.xlsx": folder / "集計.xlsx", "link_summary.xlsx": out / "summary.xlsx",
             "broken.xlsx": base / "nothing.xlsx", "linkdir": out / "elsewhere", "linkdir_in": folder / "sub",
             "sub/fb_link": folder / "修正依頼", "link_fifo.xlsx": folder / "fifo.xlsx"}
    for name, target in links.items():
        os.symlink(target, folder / name)
    os.mkfifo(folder / "fifo.xlsx")
    os.symlink(folder, base / "via_link")
    return folder


def test_links_fifos_hidden_and_our_outputs(tmp_path, monkeypatch):
    folder = _tree(tmp_path)
    exclude = frozenset(p.resolve() for p in (folder / "集計.xlsx", folder / "集計.xlsx.bak",
                                               tmp_path / "outside" / "summary.xlsx"))
    feedback = frozenset({(folder / "修正依頼").resolve()})
    monkeypatch.chdir(tmp_path)
    for given in (folder, tmp_path / "via_link", Path("回収")):
        found = scan(given, exclude, feedback)
        assert [p.relative_to(given).as_posix() for p in found.books] == [
            "B.XLSX", "a.xlsx", "c.xls", "link_out.xlsx",  # a link to a book outside the folder is read
            "sub/link_in.xlsx", "sub/s1.xlsx", "sub/集計.xlsx", "sub/deeper/s2.xlsm"]  # not our 集計.xlsx
        assert found.skipped == ["broken.xlsx", "e.txt", "fifo.xlsx", "link_fifo.xlsx"]  # never opened
    everything = [p.relative_to(folder).as_posix() for p in scan(folder).books]  # nothing excluded
    assert {"集計.xlsx", "sub/link_to_ours.xlsx", "link_summary.xlsx"} <= set(everything)
    assert not [p for p in everything if p.startswith(("linkdir", "sub/fb_link", ".hidden"))]


def test_links_in_a_loop_are_listed_as_not_read_instead_of_stopping_the_round(tmp_path):
    folder = tmp_path / "回収"
    folder.mkdir()
    (folder / "ok.xlsx").write_bytes(b"x")
    os.symlink(folder / "b.xlsx", folder / "a.xlsx")
    os.symlink(folder / "a.xlsx", folder / "b.xlsx")
    found = scan(folder, frozenset({folder / "集計.xlsx"}))
    assert found.books == [folder / "ok.xlsx"]
    assert len(found.skipped) == 2 and all("xlsx" in label for label in found.skipped)


def test_a_place_behind_a_link_loop_is_told_apart_without_following_it(tmp_path):
    from kaigo_xl.files import resolved

    os.symlink(tmp_path / "y", tmp_path / "x")
    os.symlink(tmp_path / "x", tmp_path / "y")
    assert resolved(tmp_path / "x") == tmp_path / "x"
