"""`kaigo-xl forms BOOK.xlsx [--pdf DIR] [--policy P]`: refresh the 計画書 and 実績報告書 sheets in place (and PDFs)."""

from __future__ import annotations

import argparse

from kaigo_xl.commands.output import print_findings
from kaigo_xl.errors import ExitCode
from kaigo_xl.findings import has_errors
from kaigo_xl.policy import load_policy
from kaigo_xl.workbook.forms.service import FormsRefreshed, refresh_forms


def cmd_forms(args: argparse.Namespace) -> int:
    done = refresh_forms(args.book, load_policy(args.policy), args.pdf)
    return report_forms(done)


def report_forms(done: FormsRefreshed) -> int:
    """Tell the user what `refresh_forms` did; the exit code follows the findings (and a failed PDF)."""
    if not done.written:
        print(f"{done.path}: 入力に誤りがあるため、計画書・実績報告書を作成できません（ブックは変更していません）。")
        print_findings(done.findings)
        return ExitCode.FINDINGS
    assert done.stamp is not None
    print(f"{done.path}: 計画書・実績報告書のシートを作成しました（作成日時 {done.stamp:%Y-%m-%d %H:%M}）。")
    if done.backup:
        print(f"  元のブックは {done.backup.name} に残しています。")
    if done.pdf_error:
        print(f"エラー: PDF を作成できませんでした。{done.pdf_error}")
        return ExitCode.UNUSABLE_INPUT
    for pdf in done.pdfs:
        print(f"  PDF: {pdf}")
    if done.findings:
        verdict = "エラーがあります。直してから提出してください。" if has_errors(done.findings) else "確認してください。"
        print(f"チェック結果（{verdict}）:")
        print_findings(done.findings)
    return ExitCode.FINDINGS if has_errors(done.findings) else ExitCode.OK
