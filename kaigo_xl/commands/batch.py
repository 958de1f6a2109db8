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

from kaigo_xl.commands.output import print_json, print_lines
from kaigo_xl.errors import ExitCode
from kaigo_xl.municipal.distribute import distribute
from kaigo_xl.municipal.service import Written, collect_folder
from kaigo_xl.municipal.summary import Summary, to_json
from kaigo_xl.municipal.text import shown
from kaigo_xl.policy import load_policy


@contextmanager
def progress_bar(total: int, label: str, enabled: bool) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise (pipes, --json, tests)."""
    if not enabled or total == 0:  # without importing rich (30 ms)
        yield lambda: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
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
    if report.write_error or report.manifest_error:
        print(f"エラー: {report.write_error or report.manifest_error}", file=sys.stderr)
        return ExitCode.WRITE_REFUSED
    return ExitCode.FINDINGS if report.bad else ExitCode.OK


def cmd_collect(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    with ExitStack() as stack:
        def progress(total: int) -> Callable[[], None]:
            return stack.enter_context(progress_bar(total, "ブックを読んでいます", not args.json))

        summary, written = collect_folder(args.folder, policy, out=args.out, csv=args.csv,
                                          csv_encoding=args.csv_encoding, feedback=args.feedback,
                                          fiscal_year=args.fiscal_year, facility_list=args.list, progress=progress)
    if args.json:
        data = to_json(summary, args.out)
        data["feedback_files"] = [str(p) for p in written.feedback]
        print_json(data)
    else:
        print_lines(collect_lines(summary, args, written))
    if not summary.ok:
        print("修正が必要なブックがあります。集計ブックのシート「差し戻し一覧」「指摘一覧」をご確認ください。", file=sys.stderr)
    return ExitCode.OK if summary.ok else ExitCode.FINDINGS


def collect_lines(summary: Summary, args: argparse.Namespace, written: Written) -> list[str]:
    """What collect tells the officer: the year, the counts, the money, who has not returned, where things are."""
    out = [summary.year_sentence(),
           f"集計しました: {summary.status_counts()}、読込不可 {len(summary.unreadable)}件、"
           f"ほかの年度 {len(summary.other_years)}件、対象外のファイル {len(summary.skipped)}件",
           summary.total_sentence()]
    rnd = summary.round
    if rnd.listed:
        out.append(f"未提出: {len(rnd.missing)}施設" + ("" if not rnd.missing else "（" + "、".join(
            f"{s.number} {s.name}" for s in rnd.missing[:10]) + ("、…" if len(rnd.missing) > 10 else "") + "）"))
    out += [f"  注: {note}" for note in summary.notes()[1:]]
    out.append(f"差し戻し: {len(summary.needing_fixes)}件（シート「差し戻し一覧」）")
    if written.feedback:
        out.append(f"修正依頼の文面: {len(written.feedback)}件 → {args.feedback}")
    if written.csv_lost:
        out.append(f"  注: CSV（{args.csv_encoding}）で表せない文字 {written.csv_lost}か所を「?」にしました。")
    out.append(f"出力: {args.out}" + (f"、{args.csv}" if args.csv else ""))
    return [shown(line) for line in out]
