"""Latency of the Excel add-in: custom functions and ribbon scripts, against a plain baseline in the same run.

The baseline is a trivial custom function (returns its argument) called through the same TestClient, i.e. the
cost of xlwings Server itself (HTTP, JSON, argument conversion). Function rows say what our code adds; script rows
run each ribbon button on the payload of the full sample workbook (the distributable template, filled).

    .venv/bin/python benchmarks/addin.py [--n 1000] [--script-runs 5]
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import xlwings as xw
from fastapi.testclient import TestClient
from support.payload import book_payload_from_xlsx, function_call_body

import kaigo_xl.excel.server as server
from kaigo_xl.demo import sample_payload
from kaigo_xl.excel import functions as kf
from kaigo_xl.excel import scripts
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook.template import build_template

FTE = [[float(m["fte"])] for m in sample_payload()["monthly"]]
TOKUTEI = [[float(m["tokutei_fte"])] for m in sample_payload()["monthly"]]
CALLS = {  # function → (direct args, args as Excel sends them)
    "fte_from_hours": ((600, 40, 30), ([[600]], [[40]], [[30]])),
    "target_fte": ((FTE, TOKUTEI), (FTE, TOKUTEI)),
    "average_fte": ((FTE, TOKUTEI), (FTE, TOKUTEI)),
    "kasan_total": ((8.75,), ([[8.75]], [[None]])),
    "payment_schedule": ((472_500, 6, 10), ([[472_500]], [[6]], [[10]], [[None]])),
    "check_fte": ((FTE, TOKUTEI), (FTE, TOKUTEI)),
}


def _baseline_function():
    """A trivial custom function (returns its argument); xlwings.server is imported after kaigo_xl set the licence."""
    from xlwings.server import func

    @func
    def bench_echo(x):
        return x

    return bench_echo


def _median(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _total(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="calls per function (default 1000)")
    ap.add_argument("--script-runs", type=int, default=5)
    args = ap.parse_args(argv)
    logging.disable(logging.INFO)  # the server logs every call

    client = TestClient(server.get_app())
    sys.modules["custom_functions"].bench_echo = _baseline_function()  # reachable only in this process

    def post(name, *a):
        r = client.post("/xlwings/custom-functions-call", json=function_call_body(name, *a))
        assert r.status_code == 200, r.text
        return r.json()["result"]

    assert post("bench_echo", [[1.0]]) == [[1.0]]
    assert post("kasan_total", [[8.75]], [[None]]) == [[472_500]]
    base = _median(lambda: post("bench_echo", [[1.0]]), args.n)
    rows: list[tuple[str, float, float]] = [("baseline: trivial function via TestClient", base, base)]
    for name, (direct, sent) in CALLS.items():
        fn = getattr(kf, name)
        rows.append((f"{name} direct (in process)", _median(lambda fn=fn, d=direct: fn(*d), args.n), base))
        rows.append((f"{name} via TestClient", _median(lambda n=name, s=sent: post(n, *s), args.n), base))
    thousand_direct = _total(lambda: kf.average_fte(FTE, TOKUTEI), 1000)
    thousand_http = _total(lambda: post("average_fte", FTE, TOKUTEI), 1000)
    thousand_base = _total(lambda: post("bench_echo", [[1.0]]), 1000)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.xlsx"
        start = time.perf_counter()
        build_template(Policy(), data=FacilityInput.model_validate(sample_payload())).save(path)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        payload = book_payload_from_xlsx(path)
        payload_s = time.perf_counter() - start
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    script_rows = []
    for name in ("validate", "make_plan", "make_report", "payment_table"):
        http = _median(lambda n=name: client.post(f"/xlwings/custom-scripts-call/{n}", json=payload), args.script_runs)
        run = getattr(scripts, f"run_{name}")

        def direct(run=run):
            book = xw.Book(json=copy.deepcopy(payload))
            run(book)
            return book.json()

        script_rows.append((name, _median(direct, args.script_runs), http))

    print(f"| custom function (median of {args.n}) | µs per call | × baseline |")
    print("|---|---:|---:|")
    for label, sec, b in rows:
        print(f"| {label} | {sec * 1e6:,.0f} | {sec / b:,.2f} |")
    print()
    print("| 1,000 calls | seconds | × baseline |")
    print("|---|---:|---:|")
    print(f"| baseline via TestClient | {thousand_base:.2f} | 1.00 |")
    print(f"| average_fte via TestClient | {thousand_http:.2f} | {thousand_http / thousand_base:.2f} |")
    print(f"| average_fte direct | {thousand_direct:.2f} | {thousand_direct / thousand_base:.2f} |")
    print()
    print(f"Sample workbook: built in {build_s:.2f} s; add-in payload {size / 1024:,.0f} KiB, made in {payload_s * 1e3:,.0f} ms")
    print()
    print(f"| ribbon script (median of {args.script_runs}) | ms in process | ms via TestClient | × baseline call |")
    print("|---|---:|---:|---:|")
    for name, direct_s, http_s in script_rows:
        print(f"| {name} | {direct_s * 1e3:,.0f} | {http_s * 1e3:,.0f} | {http_s / base:,.0f} |")
    return {"rows": rows, "scripts": script_rows}


if __name__ == "__main__":
    main()
