"""The municipality's round as services the command line and the Python API share: collect a folder of returned
workbooks into a summary (workbook, CSV) without printing anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaigo_xl.errors import InputUnreadable, UsageError
from kaigo_xl.municipal.collect import mark_duplicates, read_books, scan
from kaigo_xl.municipal.distribute import make_folder
from kaigo_xl.municipal.summary import Summary, build_summary, csv_bytes
from kaigo_xl.municipal.summary_book import summary_bytes
from kaigo_xl.policy import Policy
from kaigo_xl.xlsx.safefile import atomic_write_bytes, backup_path


def collect_folder(folder: Path, policy: Policy, *, out: Path | None = None, csv: Path | None = None,
                   progress: Callable[[int], Callable[[], None]] | None = None) -> Summary:
    """Read every workbook under `folder` and summarise it; write the summary workbook (and CSV) when asked.

    `progress(total)` returns the tick to call after each book (a progress bar); writes are atomic with a backup.
    """
    if out is not None and out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: 集計ブックの名前は .xlsx で終えてください。")
    if not folder.is_dir():
        raise InputUnreadable(f"{folder}: フォルダーが見つかりません。返ってきたブックを置いたフォルダーを指定してください。")
    outputs = [p for p in (out, csv) if p is not None]
    found = scan(folder, {q.resolve() for p in outputs for q in (p, backup_path(p))})
    if not found.books:
        raise InputUnreadable(f"{folder}: Excel ブック（.xlsx）が見つかりません（サブフォルダーも含めて探しました）。")
    tick = progress(len(found.books)) if progress else (lambda: None)
    results = read_books(found.books, folder, policy, progress=tick)
    summary = build_summary(results, found.skipped, mark_duplicates(results))
    for p in outputs:
        make_folder(p.parent)
    if out is not None:
        atomic_write_bytes(out, summary_bytes(summary))  # atomic, the previous summary kept as .bak
    if csv is not None:
        atomic_write_bytes(csv, csv_bytes(summary))
    return summary
