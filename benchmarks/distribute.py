"""`kaigo-xl distribute` of N facilities' books, next to the floor: writing the same bytes N times.

    .venv/bin/python benchmarks/distribute.py              # N = 330, 3,300 (3,300 ≈ every 養護/軽費 home)
    .venv/bin/python benchmarks/distribute.py --sizes 100

The facility list repeats the four rows of examples/facilities.csv with new numbers and names (養護 and 軽費 alike).
distribute = the whole command in a fresh process (read the list, build one book per type, patch each facility's
cells, atomic write of every book, 配布一覧.csv). The floor = writing one built book's bytes to N files the same
durable way (temporary file, fsync, rename, fsync of the folder), in one process: no maker of books can beat it.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent


def facility_list(n: int, path: Path) -> None:
    """N rows made from the example list: numbers 01000000001…, names with a running number."""
    with (ROOT / "examples" / "facilities.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for i in range(n):
        row = list(rows[i % len(rows)])
        row[0] = f"{1_000_000_000 + i:010d}"
        row[1] = f"{row[1]} {i + 1}号"
        w.writerow(row)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def measure_distribute(n: int, work: Path) -> dict:
    listing, out = work / f"list-{n}.csv", work / f"out-{n}"
    facility_list(n, listing)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "kaigo_xl", "distribute", str(listing), "--out", str(out)]
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"distribute failed ({r.returncode}): {r.stderr[-2000:]}")
    books = list(out.glob("*.xlsx"))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "books": len(books), "bytes": sum(b.stat().st_size for b in books),
            "rss_mb": usage.ru_maxrss / 1024}


def measure_floor(n: int, work: Path, sample: Path) -> dict:
    """Write one distributed book's bytes N times: temporary file, fsync, rename, folder fsync — as distribute does."""
    data = sample.read_bytes()
    out = work / f"floor-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    start = time.perf_counter()
    for i in range(n):
        tmp = out / f".{i}.tmp"
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out / f"{i}.xlsx")
        folder = os.open(out, os.O_RDONLY)
        os.fsync(folder)
        os.close(folder)
    return {"seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="330,3300", help="numbers of facilities, e.g. 330,3300")
    args = ap.parse_args(argv)
    print(f"# distribute benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"load average before {os.getloadavg()[0]:.1f}\n")
    print("| N books | distribute (s) | books/s | RSS (MB) | MB written | write-only floor (s) | × floor |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="kaigo_xl_bench_distribute") as tmp:
        work = Path(tmp)
        for n in (int(s) for s in args.sizes.split(",")):
            d = measure_distribute(n, work)
            assert d["books"] == n, f"{d['books']} books for {n} rows"
            f = measure_floor(n, work, next((work / f"out-{n}").glob("*.xlsx")))
            print(f"| {n:,} | {d['seconds']:.2f} | {n / d['seconds']:,.0f} | {d['rss_mb']:.0f} "
                  f"| {d['bytes'] / 1e6:,.0f} | {f['seconds']:.2f} | {d['seconds'] / f['seconds']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
