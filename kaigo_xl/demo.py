"""`kaigo-xl demo`: the main job on the embedded sample facility, end to end.

JSON → engine → a filled workbook (the template with the sample's inputs) → the 計画書 and 実績報告書 generated in
place → their PDFs (when LibreOffice is installed). Everything lands in one folder that the user can open.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

from .engine import evaluate
from .inputs import parse_payload
from .policy import Policy
from .report import summary_text, to_json

BOOK_NAME = "サンプル_さくら苑_令和7年度.xlsx"


def sample_text() -> str:
    return resources.files("kaigo_xl.data").joinpath("sample_facility.json").read_text(encoding="utf-8")


def sample_payload() -> dict:
    return json.loads(sample_text(), parse_float=Decimal)


def run_demo(out: Path) -> int:
    from .workbook import forms_cli, libreoffice
    from .workbook.template import build_template
    from .workbook.writer import write_workbook

    inp, findings = parse_payload(sample_payload())
    assert inp is not None, findings  # the shipped sample is valid; a test keeps it so
    policy = Policy()
    ev = evaluate(inp, policy)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sample_facility.json").write_text(sample_text(), encoding="utf-8")
    (out / "result.json").write_text(json.dumps(to_json(ev), ensure_ascii=False, indent=2), encoding="utf-8")
    print(summary_text(ev, "同梱サンプル"))
    print()

    book = out / BOOK_NAME
    write_workbook(build_template(policy, inp.facility.type.value, inp.fiscal_year, inp), book)
    pdf_dir = out / "pdf" if libreoffice.available() else None
    code = forms_cli.run(argparse.Namespace(book=book, pdf=pdf_dir, policy=None))
    print()
    print(f"出力先: {out.resolve()}")
    print(f"  {BOOK_NAME}  … 入力済みのブック（計画書・実績報告書シートつき。Excel でそのまま開けます）")
    print("  result.json                  … 計算結果（JSON）")
    if pdf_dir is None:
        print(f"  （PDF は作成していません: {libreoffice.LibreOfficeMissing()}）")
    else:
        print("  pdf/計画書.pdf, pdf/実績報告書.pdf … 印刷用 PDF（A4縦）")
    return code
