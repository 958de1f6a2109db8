"""`kaigo-xl demo`: the main job on the embedded sample facility, for a first look."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

from .engine import evaluate
from .inputs import parse_payload
from .report import summary_text, to_json


def sample_text() -> str:
    return resources.files("kaigo_xl.data").joinpath("sample_facility.json").read_text(encoding="utf-8")


def sample_payload() -> dict:
    return json.loads(sample_text(), parse_float=Decimal)


def run_demo(out: Path) -> int:
    inp, findings = parse_payload(sample_payload())
    assert inp is not None, findings  # the shipped sample is valid; a test keeps it so
    ev = evaluate(inp)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sample_facility.json").write_text(sample_text(), encoding="utf-8")
    (out / "result.json").write_text(json.dumps(to_json(ev), ensure_ascii=False, indent=2), encoding="utf-8")
    print(summary_text(ev, "同梱サンプル"))
    print()
    print(f"出力: {out / 'result.json'}（計算結果 JSON）")
    return 0
