"""The municipality's round as services the command line and the Python API share: collect a folder of returned
workbooks into a summary (workbook, CSV, feedback files) without printing anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kaigo_xl.errors import InputUnreadable, UsageError
from kaigo_xl.files import resolved
from kaigo_xl.municipal.collect import scan
from kaigo_xl.municipal.distribute import make_folder
from kaigo_xl.municipal.facility_list import sent_list
from kaigo_xl.municipal.pool import read_books
from kaigo_xl.municipal.summary import Summary, build_summary
from kaigo_xl.policy import Policy
from kaigo_xl.xlsx.safefile import atomic_write_bytes, backup_path


@dataclass
class Written:
    """What a collect wrote besides the summary workbook."""

    csv_lost: int = 0  # characters the CSV encoding could not hold (written as 「?」)
    feedback: list[Path] = field(default_factory=list)


def summarise(folder: Path, policy: Policy, *, fiscal_year: int | None = None, facility_list: Path | None = None,
              jobs: int | None = None, exclude: frozenset[Path] = frozenset(),
              exclude_dirs: frozenset[Path] = frozenset(),
              progress: Callable[[int], Callable[[], None]] | None = None) -> Summary:
    """Read every workbook under `folder` and summarise the round (nothing is written)."""
    folder = Path(folder)
    if folder.is_file():
        raise InputUnreadable(f"{folder}: フォルダーではなくファイルです。返ってきたブックを置いたフォルダーを指定してください"
                              "（1冊だけ確かめるときは kaigo-xl check）。")
    if not folder.is_dir():
        raise InputUnreadable(f"{folder}: フォルダーが見つかりません。返ってきたブックを置いたフォルダーを指定してください。")
    sent = sent_list(facility_list, policy) if facility_list is not None else None
    listed = {resolved(Path(facility_list))} if facility_list is not None else set()
    found = scan(folder, exclude | listed, exclude_dirs)
    if not found.books:
        raise InputUnreadable(f"{folder}: Excel ブック（.xlsx）が見つかりません（サブフォルダーも含めて探しました）。")
    tick = progress(len(found.books)) if progress else (lambda: None)
    results = read_books(found.books, folder, policy, jobs=jobs, progress=tick)
    return build_summary(results, found.skipped, fiscal_year=fiscal_year, sent=sent)


def collect_folder(folder: Path, policy: Policy, *, out: Path | None = None, csv: Path | None = None,
                   csv_encoding: str = "utf-8-sig", feedback: Path | None = None, fiscal_year: int | None = None,
                   facility_list: Path | None = None,
                   progress: Callable[[int], Callable[[], None]] | None = None) -> tuple[Summary, Written]:
    """Summarise `folder` and write what was asked: the summary workbook, the CSV, one feedback file per facility.

    Our own outputs are never read as returned books, even inside the folder: the files named here and their
    .bak, the feedback folder, and any summary workbook kaigo-xl wrote earlier (recognised by its properties).
    Writes are atomic; a previous file is kept as .bak.
    """
    if out is not None and out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: 集計ブックの名前は .xlsx で終えてください。")
    outputs = [p for p in (out, csv) if p is not None]
    exclude = frozenset(resolved(q) for p in outputs for q in (p, backup_path(p)))
    dirs = frozenset({resolved(feedback)}) if feedback is not None else frozenset()
    summary = summarise(folder, policy, fiscal_year=fiscal_year, facility_list=facility_list, exclude=exclude,
                        exclude_dirs=dirs, progress=progress)
    written = Written()
    for p in outputs:
        make_folder(p.parent)
    if out is not None:
        from kaigo_xl.municipal.summary_book import summary_bytes

        atomic_write_bytes(out, summary_bytes(summary))
    if csv is not None:
        from kaigo_xl.municipal.export import csv_bytes

        data, written.csv_lost = csv_bytes(summary, csv_encoding)
        atomic_write_bytes(csv, data)
    if feedback is not None:
        from kaigo_xl.municipal.feedback import write_feedback

        written.feedback = write_feedback(summary, feedback)
    return summary, written
