"""The main job on the embedded sample facility, end to end (`kaigo-xl demo`, `make demo`).

JSON → engine → a filled workbook (the template with the sample's inputs) → the 計画書 and 実績報告書 generated in
place → their PDFs (when LibreOffice is installed). Everything lands in one folder that the user can open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kaigo_xl.engine import Evaluation, evaluate
from kaigo_xl.inputs import parse_payload
from kaigo_xl.policy import Policy
from kaigo_xl.report import to_json

if TYPE_CHECKING:
    from kaigo_xl.workbook.forms.service import FormsRefreshed

BOOK_NAME = "サンプル_さくら苑_令和7年度.xlsx"


def sample_text() -> str:
    return resources.files("kaigo_xl.data").joinpath("sample_facility.json").read_text(encoding="utf-8")


def sample_payload() -> dict:
    return json.loads(sample_text(), parse_float=Decimal)


@dataclass
class DemoOutputs:
    folder: Path
    evaluation: Evaluation
    book: Path
    forms: FormsRefreshed
    pdf_dir: Path | None  # None when LibreOffice is not installed


def run_demo(out: Path) -> DemoOutputs:
    """Write the sample's JSON, results, filled book, refreshed forms and (with LibreOffice) PDFs into `out`."""
    from kaigo_xl.workbook.forms.service import refresh_forms
    from kaigo_xl.workbook.template import build_template
    from kaigo_xl.xlsx import libreoffice
    from kaigo_xl.xlsx.save import write_workbook

    inp, findings = parse_payload(sample_payload())
    assert inp is not None, findings  # the shipped sample is valid; a test keeps it so
    policy = Policy()
    ev = evaluate(inp, policy)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sample_facility.json").write_text(sample_text(), encoding="utf-8")
    (out / "result.json").write_text(json.dumps(to_json(ev), ensure_ascii=False, indent=2), encoding="utf-8")
    book = out / BOOK_NAME
    write_workbook(build_template(policy, inp.facility.type.value, inp.fiscal_year, inp), book)
    pdf_dir = out / "pdf" if libreoffice.available() else None
    forms = refresh_forms(book, policy, pdf_dir)
    return DemoOutputs(out, ev, book, forms, pdf_dir)
