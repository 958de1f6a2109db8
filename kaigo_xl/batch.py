"""`kaigo-xl distribute` and `kaigo-xl collect`: the municipality's round trip of workbooks.

distribute: facility list (CSV/Excel) → one prefilled workbook per facility + 配布一覧.csv.
collect: folder of returned workbooks → summary workbook (集計・指摘一覧・支払予定・読込不可), optional CSV and JSON.
Exit codes as everywhere (kaigo_xl.cli): 0 all good, 1 some rows/books need attention, 2 unreadable input.
The parts live in kaigo_xl.municipal.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from pathlib import Path

EXIT_OK, EXIT_FINDINGS = 0, 1


@contextmanager
def _progress(total: int, label: str, enabled: bool):
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise (pipes, --json, tests)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not enabled or not console.is_terminal or total == 0:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def cli_distribute(args: argparse.Namespace) -> int:
    from .municipal.distribute import distribute
    from .policy import load_policy

    policy = load_policy(args.policy)
    report = distribute(args.facilities, args.out, policy, args.fiscal_year, progress=_progress,
                        force=getattr(args, "force", False))
    for line in report.lines():
        print(line)
    return EXIT_FINDINGS if report.bad else EXIT_OK


def cli_collect(args: argparse.Namespace) -> int:
    from .cli import UsageError
    from .inputs import InputUnreadable
    from .municipal.collect import mark_duplicates, read_books, scan
    from .municipal.distribute import make_folder
    from .municipal.summary import build_summary, csv_bytes, to_json
    from .municipal.summary_book import summary_bytes
    from .policy import load_policy
    from .workbook.writer import atomic_write_bytes, backup_path

    folder: Path = args.folder
    if args.out.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.out}: 集計ブックの名前は .xlsx で終えてください。")
    if not folder.is_dir():
        raise InputUnreadable(f"{folder}: フォルダーが見つかりません。返ってきたブックを置いたフォルダーを指定してください。")
    policy = load_policy(args.policy)
    outputs = [p for p in (args.out, args.csv) if p is not None]
    exclude = {q.resolve() for p in outputs for q in (p, backup_path(p))}
    found = scan(folder, exclude)
    if not found.books:
        raise InputUnreadable(f"{folder}: Excel ブック（.xlsx）が見つかりません（サブフォルダーも含めて探しました）。")
    with _progress(len(found.books), "ブックを読んでいます", not args.json) as tick:
        results = read_books(found.books, folder, policy, progress=tick)
    summary = build_summary(results, found.skipped, mark_duplicates(results))
    for p in outputs:
        make_folder(p.parent)
    atomic_write_bytes(args.out, summary_bytes(summary))  # atomic, the previous summary kept as .bak
    if args.csv is not None:
        atomic_write_bytes(args.csv, csv_bytes(summary))
    if args.json:
        print(json.dumps(to_json(summary, args.out), ensure_ascii=False, indent=2))
    else:
        _print_collect(summary, args.out, args.csv)
    return EXIT_OK if summary.ok else EXIT_FINDINGS


def _print_collect(summary, out: Path, csv_path: Path | None) -> None:
    from .municipal.summary import STATUS_OK

    n = len(summary.results)
    ok = sum(1 for r in summary.results if r.status == STATUS_OK)
    print(f"集計しました: {n}施設（提出可 {ok}、要修正 {n - ok}）、読込不可 {len(summary.unreadable)}件、"
          f"対象外のファイル {len(summary.skipped)}件")
    print(f"加算総額の合計: {summary.total_annual_yen:,}円")
    for note in summary.notes()[:-1]:
        print(f"  注: {note}")
    print(f"出力: {out}" + (f"、{csv_path}" if csv_path else ""))
    if not summary.ok:
        print("要修正・読込不可のブックがあります。集計ブックのシート「指摘一覧」「読込不可」をご確認ください。", file=sys.stderr)
