"""`kaigo-xl demo`: the sample facility end to end, with what was made and where."""

from __future__ import annotations

import argparse

from kaigo_xl.commands.forms import report_forms
from kaigo_xl.demo import BOOK_NAME, run_demo
from kaigo_xl.report import summary_text
from kaigo_xl.xlsx.libreoffice import LibreOfficeMissing


def cmd_demo(args: argparse.Namespace) -> int:
    done = run_demo(args.out)
    print(summary_text(done.evaluation, "同梱サンプル"))
    print()
    code = report_forms(done.forms)
    print()
    print(f"出力先: {done.folder.resolve()}")
    print(f"  {BOOK_NAME}  … 入力済みのブック（計画書・実績報告書シートつき。Excel でそのまま開けます）")
    print("  result.json                  … 計算結果（JSON）")
    if done.pdf_dir is None:
        print(f"  （PDF は作成していません: {LibreOfficeMissing()}）")
    else:
        print("  pdf/計画書.pdf, pdf/実績報告書.pdf … 印刷用 PDF（A4縦。サンプルは計画書の段階のため、"
              "実績報告書には「未完成」と出ます）")
    return code
