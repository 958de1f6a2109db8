"""Cost of evaluating one facility with the full engine, against a plain baseline in the same process.

The baseline is the bare arithmetic of 別添1 2(2) (sum of 12 Decimals × 4,500): what any hand-written
calculation would cost. The ratio says what validation, findings and the settlement add on top.

    .venv/bin/python benchmarks/engine.py [--n 2000]
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from kaigo_xl.demo import sample_payload
from kaigo_xl.engine import evaluate
from kaigo_xl.models import FacilityInput


def _time(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    n = ap.parse_args(argv).n
    payload = sample_payload()
    inp = FacilityInput.model_validate(payload)
    months = [m.fte - m.tokutei_fte for m in inp.monthly]

    def baseline() -> int:
        return int(sum(months, Decimal(0)) * 4500)

    assert baseline() == evaluate(inp).annual_yen  # both compute the same 472,500円
    rows = {
        "baseline (sum × 4,500)": _time(baseline, n),
        "evaluate(FacilityInput)": _time(lambda: evaluate(inp), n),
        "validate JSON payload + evaluate": _time(lambda: evaluate(FacilityInput.model_validate(payload)), n),
    }
    base = rows["baseline (sum × 4,500)"]
    print(f"| engine, n={n} | µs per facility | × baseline |")
    print("|---|---:|---:|")
    for name, sec in rows.items():
        print(f"| {name} | {sec * 1e6:,.1f} | {sec / base:,.1f} |")
    return rows


if __name__ == "__main__":
    main()
