"""`kaigo-xl distribute` and `kaigo-xl collect`: the municipality's round trip of workbooks.

distribute: facility list (CSV/Excel) → one prefilled workbook per facility + 配布一覧.csv.
collect: folder of returned workbooks → summary workbook (集計・指摘一覧・支払予定・読込不可), optional CSV and JSON.
The work is done by kaigo_xl.municipal; this module only prints and chooses exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from kaigo_xl.commands.output import print_json, print_lines
from kaigo_xl.errors import ExitCode
from kaigo_xl.municipal.distribute import distribute
from kaigo_xl.municipal.service import collect_folder
from kaigo_xl.municipal.summary import STATUS_OK, Summary, to_json
from kaigo_xl.policy import load_policy


@contextmanager
def progress_bar(total: int, label: str, enabled: bool) -> Iterator[Callable[[], None]]:
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


def cmd_distribute(args: argparse.Namespace) -> int:
    finish = None
    if args.lite:  # the books carry their own Python for xlwings Lite
        from kaigo_xl.excel.lite import make_lite

        finish = make_lite
    report = distribute(args.facilities, args.out, load_policy(args.policy), args.fiscal_year, progress=progress_bar,
                        force=args.force, finish=finish)
    print_lines(report.lines())
    return ExitCode.FINDINGS if report.bad else ExitCode.OK


def cmd_collect(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    with ExitStack() as stack:
        def progress(total: int) -> Callable[[], None]:
            return stack.enter_context(progress_bar(total, "ブックを読んでいます", not args.json))

        summary = collect_folder(args.folder, policy, out=args.out, csv=args.csv, progress=progress)
    if args.json:
        print_json(to_json(summary, args.out))
    else:
        _print_collect(summary, args.out, args.csv)
    return ExitCode.OK if summary.ok else ExitCode.FINDINGS


def _print_collect(summary: Summary, out: Path, csv_path: Path | None) -> None:
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
