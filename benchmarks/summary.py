"""The main process's serial tail of `kaigo-xl collect` for N books: what runs before the workers read (the
command's imports, the scan of the folder) and after them (the summary, its workbook, the --json output, the CSV).

    .venv/bin/python benchmarks/summary.py                  # N = 3,300 (the books of benchmarks/collect.py)
    .venv/bin/python benchmarks/summary.py --n 330 --repeat 3

The books are those of benchmarks/collect.py (made once, cached); they are read once by the workers
(kaigo_xl.municipal.pool) and their results kept in the cache beside them (`--fresh` reads them again), so each
stage is timed on the very results collect would have. Each stage runs `--repeat` times in this process and the
fastest is shown (wall and CPU seconds: other programs stretch the wall time). Floors, in the same process:
the --json output with the C encoder and no indentation (what the standard library does without `indent`), and
with `indent=2` as the standard library does it (the plain way, the same text); the workbook: deflating its
parts alone (its sheets' final bytes, at the same level); the scan: listing the folder with os.scandir alone.
The imports are timed in a fresh process (nothing cached).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

from collect import make_books  # noqa: E402  (benchmarks/collect.py: the same books)


def results(folder: Path, fresh: bool) -> bytes:
    """The pickled (results, skipped) of reading every book in `folder` once, cached beside the books."""
    from kaigo_xl.municipal.collect import scan
    from kaigo_xl.municipal.pool import read_books
    from kaigo_xl.policy import Policy

    cache = folder.parent / f"results-{folder.name}.pickle"
    if fresh or not cache.exists():
        found = scan(folder)
        start = time.perf_counter()
        data = pickle.dumps((read_books(found.books, folder, Policy()), found.skipped))
        print(f"read {len(found.books):,} books in {time.perf_counter() - start:.1f} s ({cache})", file=sys.stderr)
        cache.write_bytes(data)
    return cache.read_bytes()


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """The fastest of `repeat` runs: wall seconds, CPU seconds, and what the last run gave."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, out


def imports() -> dict:
    """In a fresh process: importing the command, then what its tail imports (the summary workbook's writer)."""
    code = ("import json, sys, time\n"
            "a = time.perf_counter()\n"
            "import kaigo_xl.commands.batch\n"
            "b = time.perf_counter()\n"
            "import kaigo_xl.municipal.summary_book\n"
            "c = time.perf_counter()\n"
            "print(json.dumps({'command': b - a, 'tail': c - b, 'pandas': 'pandas' in sys.modules}))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]
    return {"command": min(r["command"] for r in runs), "tail": min(r["tail"] for r in runs),
            "pandas": runs[0]["pandas"]}


def json_output(summary, out: Path) -> str:
    """What `collect --json` prints."""
    from kaigo_xl.commands.output import print_json
    from kaigo_xl.municipal.summary import to_json

    data = to_json(summary, out)
    data["feedback_files"] = []
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print_json(data)
    return buf.getvalue()


def deflate_only(book: bytes) -> None:
    """The floor of the workbook: deflating its parts' final bytes (no layout, no XML written)."""
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            out.writestr(name, data)


def list_only(folder: Path) -> int:
    with os.scandir(folder) as listing:
        return sum(1 for _ in listing)


def stages(folder: Path, raw: bytes, repeat: int) -> list[tuple[str, float, float, str, float | None]]:
    """(stage, wall s, CPU s, floor's name, floor's CPU s) for each stage of the tail."""
    from kaigo_xl.municipal.collect import scan
    from kaigo_xl.municipal.export import csv_bytes
    from kaigo_xl.municipal.summary import build_summary, to_json
    from kaigo_xl.municipal.summary_book import summary_bytes

    out = Path(tempfile.gettempdir()) / "summary.xlsx"
    exclude = frozenset({out, out.with_name(out.name + ".bak")})
    summary = build_summary(*pickle.loads(raw))
    rows = []
    w, c, _ = best(lambda: scan(folder, exclude), repeat)
    rows.append(("scan of the folder", w, c, "os.scandir alone", best(lambda: list_only(folder), repeat)[1]))
    w, c, _ = best(lambda: build_summary(*pickle.loads(raw)), repeat)
    unpickle = best(lambda: pickle.loads(raw), repeat)[1]
    rows.append(("summary (build_summary, less unpickling)", max(0.0, w - unpickle), max(0.0, c - unpickle), "", None))
    w, c, book = best(lambda: summary_bytes(summary), repeat)
    rows.append(("summary workbook", w, c, "deflating its parts alone", best(lambda: deflate_only(book), repeat)[1]))
    w, c, _ = best(lambda: json_output(summary, out), repeat)
    data = to_json(summary, out)
    compact = best(lambda: json.dumps(data, ensure_ascii=False), repeat)[1]
    rows.append(("--json output (to_json + text)", w, c, "C encoder, no indent", compact))
    w, c, _ = best(lambda: json.dumps(data, ensure_ascii=False, indent=2), repeat)
    rows.append(("  the same text by json.dumps(indent=2), the plain way", w, c, "", None))
    w, c, _ = best(lambda: csv_bytes(summary), repeat)
    rows.append(("CSV (--csv, not in the total)", w, c, "", None))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3300, help="books (default 3,300)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each stage; the fastest is shown")
    ap.add_argument("--fresh", action="store_true", help="read the books again instead of the cached results")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kaigo_xl_bench_collect")
    args = ap.parse_args(argv)
    folder = make_books(args.n, args.cache)
    raw = results(folder, args.fresh)
    imp = imports()
    print(f"# collect's serial tail in the main process — {args.n:,} books, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}\n")
    print("| stage | wall (s) | CPU (s) | floor | floor CPU (s) | × floor |")
    print("|---|---:|---:|---|---:|---:|")
    print(f"| import the command (fresh process) | {imp['command']:.3f} | – | | | |")
    print(f"| imports of the tail (summary workbook; pandas: {'yes' if imp['pandas'] else 'no'}) "
          f"| {imp['tail']:.3f} | – | | | |")
    rows = stages(folder, raw, args.repeat)
    for name, wall, cpu, floor, floor_cpu in rows:
        ratio = f"{cpu / floor_cpu:.1f}" if floor_cpu else ""
        floor_s = f"{floor_cpu:.3f}" if floor_cpu is not None else ""
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {floor} | {floor_s} | {ratio} |")
    tail = imp["tail"] + sum(w for name, w, *_ in rows if not name.startswith(("  ", "CSV")))
    print(f"\nThe tail (scan, summary, workbook, --json, the tail's imports): {tail:.2f} s wall; with the command's "
          f"imports {tail + imp['command']:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
