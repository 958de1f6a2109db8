"""`kaigo-xl collect` on N returned workbooks, next to a straightforward openpyxl reading of the same books.

    .venv/bin/python benchmarks/collect.py                 # N = 330, 1,650, 3,300 (3,300 ≈ every 養護/軽費 home)
    .venv/bin/python benchmarks/collect.py --n 1000        # N = 100, 500, 1,000
    .venv/bin/python benchmarks/collect.py --sizes 330 --baseline-limit 330

The books are made once and cached (a temp folder keyed by the template's bytes): one filled book per facility
type is built with openpyxl, and each book's own inputs (number, name, contact, monthly FTEs, payment plan, the
initiatives' words, an expense line; every 25th book with an input error) are written by patching those cells in the
sheet XML (kaigo_xl.xlsx.cellpatch): no two books share the bytes of an input sheet, as in a real round.

collect and the two floors run `--repeat` times (default 3), interleaved, and the fastest run of each is shown: a
busy host only ever slows a run down (the `stolen` column says how much CPU it took from that run). Each measurement
runs in a fresh process, so peak memory (ru_maxrss) is its own: the main process, and the largest
worker (RUSAGE_CHILDREN). collect = the whole command (scan, read + compute on every core, summary workbook);
openpyxl = load_workbook(read_only=True, data_only=True) of the same input sheets, the same `read_grids` and
`evaluate`, in one process. Both must find the same total 加算総額. A per-book breakdown of collect's stages follows.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve()


# ---- making the books ----

def _prototypes():
    from kaigo_xl.demo import sample_payload
    from kaigo_xl.models import FacilityInput
    from kaigo_xl.policy import Policy
    from kaigo_xl.workbook.template import build_template
    from kaigo_xl.xlsx.cellpatch import BookPatcher
    from kaigo_xl.xlsx.save import workbook_bytes

    payload = sample_payload()
    payload["expenses"][0]["planned_yen"] = 50_000_000  # always covers the 加算総額
    out = {}
    for ftype in ("養護", "軽費"):
        payload["facility"]["type"] = ftype
        inp = FacilityInput.model_validate(payload)
        out[ftype] = BookPatcher(workbook_bytes(build_template(Policy(), ftype, 2025, inp)))
    return out


def variant(i: int) -> tuple[str, dict]:
    """The type and the changed cells of book i: every input sheet holds the facility's own figures and words, as in
    a real round (no two books share a sheet's bytes, so nothing is read faster for being seen before)."""
    import random

    from kaigo_xl.models import FISCAL_MONTHS
    from kaigo_xl.workbook import layout as L

    rng = random.Random(i)
    ftype = "養護" if i % 2 == 0 else "軽費"
    monthly = {}
    for m in FISCAL_MONTHS:
        fte = Decimal(rng.randint(30, 400)) / 10
        monthly[f"{L.COL_FTE}{L.MONTH_ROW[m]}"] = fte
        monthly[f"{L.COL_TOKUTEI}{L.MONTH_ROW[m]}"] = Decimal(rng.randint(0, 10)) / 10 if i % 5 == 0 else Decimal(0)
    if i % 25 == 7:
        monthly[f"{L.COL_TOKUTEI}{L.MONTH_ROW[6]}"] = Decimal(99)  # TOKUTEI_EXCEEDS_FTE: a book with an error
    installments, first = ((1, 4), (6, 10), (12, 4))[i % 3]
    field = L.FIELD_BY_KEY
    facility = {field["facility.number"].cell: f"{2_000_000_000 + i:010d}",
                field["facility.name"].cell: f"ベンチマーク施設{i:05d}",
                field["facility.contact"].cell: f"施設長 {i:05d}（03-{rng.randint(1000, 9999)}-{i % 10000:04d}）",
                field["payment.installments"].cell: installments,
                field["payment.first_month"].cell: first}
    initiatives = {f"{L.INI_COL_DETAIL}{row}": f"{code}の取組（施設{i:05d}、第{rng.randint(1, 9)}回の委員会で決定）"
                   for code, row in L.INITIATIVE_FIXED_ROWS.items()}
    first_row = L.EXPENSE_ROWS[0]
    expenses = {f"{L.EXP_COL_PLANNED}{first_row}": 50_000_000 + rng.randint(0, 999) * 1_000,  # covers the 加算
                f"{L.EXP_COL_DESCRIPTION}{first_row}": f"支援員の処遇改善手当（施設{i:05d}）"}
    return ftype, {L.S_FACILITY: facility, L.S_MONTHLY: monthly, L.S_INITIATIVES: initiatives, L.S_EXPENSES: expenses}


def make_books(n: int, cache: Path) -> Path:
    """A folder with books 0 … n−1 (hard links into one pool of generated books)."""
    protos = _prototypes()
    made_by = inspect.getsource(variant).encode()  # new variants, new books
    key = hashlib.sha256(b"".join(d for p in protos.values() for _, d in p.members) + made_by).hexdigest()[:12]
    pool = cache / f"pool-{key}"
    pool.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    made = 0
    for i in range(n):
        path = pool / f"{i:05d}.xlsx"
        if not path.exists():
            ftype, changes = variant(i)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(protos[ftype].render(changes, level=1))
            tmp.replace(path)
            made += 1
    if made:
        print(f"made {made} books in {time.perf_counter() - start:.1f} s ({pool})", file=sys.stderr)
    folder = cache / f"n{n}-{key}"
    if not folder.exists():
        tmp = cache / f".n{n}-{key}.tmp"
        tmp.mkdir(exist_ok=True)
        for i in range(n):
            link = tmp / f"{i:05d}.xlsx"
            if not link.exists():
                os.link(pool / f"{i:05d}.xlsx", link)
        tmp.rename(folder)
    return folder


# ---- measurements (each in its own process) ----

def _peaks() -> dict:
    """Peak RSS of this process and of its largest worker, and the CPU seconds of both (other programs running
    on the machine stretch the wall time, not the CPU time)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    mb = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss is in KB on Linux, bytes on macOS
    return {"rss_main_mb": me.ru_maxrss / mb, "rss_worker_mb": kids.ru_maxrss / mb,
            "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}


def measure_collect(folder: Path) -> dict:
    import contextlib
    import io
    from argparse import Namespace

    from kaigo_xl.commands.batch import cmd_collect as cli_collect

    with tempfile.TemporaryDirectory() as tmp:
        args = Namespace(folder=folder, out=Path(tmp) / "summary.xlsx", csv=None, json=True, policy=None, list=None,
                         fiscal_year=None, csv_encoding="utf-8", feedback=None)
        buf = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(buf):
            cli_collect(args)
        seconds = time.perf_counter() - start
    out = json.loads(buf.getvalue())
    return {"seconds": seconds, "total_yen": out["total_annual_yen"], "books": len(out["facilities"]), **_peaks()}


def measure_openpyxl(folder: Path, limit: int | None) -> dict:
    import openpyxl

    from kaigo_xl.engine import evaluate
    from kaigo_xl.policy import Policy
    from kaigo_xl.workbook.reader import SHEETS_TO_READ, read_grids

    policy = Policy()
    books = sorted(folder.glob("*.xlsx"))[:limit]
    total = 0
    start = time.perf_counter()
    for path in books:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            grids = {s: [list(r) for r in wb[s].iter_rows(values_only=True)] if s in SHEETS_TO_READ else []
                     for s in wb.sheetnames}
            names = {n: d.attr_text for n, d in wb.defined_names.items()}
        finally:
            wb.close()
        inp, findings, locate = read_grids(grids, str(path), names)
        if inp is not None:
            ev = evaluate(inp, policy, locate=locate, findings=findings)
            total += ev.annual_yen or 0
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "total_yen": total, "books": len(books), **_peaks()}


# ---- the floors: what no reader of these books can beat ----

def _read_sheets() -> tuple[str, ...]:
    """The sheets collect parses in a book of the benchmark (direct entry: the roster is never parsed)."""
    from kaigo_xl.workbook import layout as L
    from kaigo_xl.workbook.reader import SHEETS_TO_READ

    return tuple(s for s in SHEETS_TO_READ if s != L.S_ROSTER)


def _calamine_only(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return sum(len(book.get_sheet_by_name(s).to_python(skip_empty_area=False)) for s in _read_sheets())
    finally:
        book.close()


def _zlib_only(path: Path) -> int:
    """Inflate exactly the zip parts of the sheets collect reads (found through workbook.xml, as any reader must)."""
    import zipfile

    from kaigo_xl.xlsx.package import book_index

    with zipfile.ZipFile(path) as zf:
        parts = book_index(zf).sheets
        return sum(len(zf.read(parts[s])) for s in _read_sheets())


def measure_floor(folder: Path, kind: str) -> dict:
    """The same books through the same number of worker processes as collect, doing only `kind`'s work."""
    from concurrent.futures import ProcessPoolExecutor

    from kaigo_xl.municipal.pool import workers

    books = sorted(folder.glob("*.xlsx"))
    fn = {"calamine": _calamine_only, "zlib": _zlib_only}[kind]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers()) as pool:
        done = sum(pool.map(fn, books, chunksize=max(1, min(64, len(books) // (workers() * 8)))))
    return {"seconds": time.perf_counter() - start, "books": len(books), "units": done, **_peaks()}


def xml_bytes_read(folder: Path) -> dict:
    """Bytes of sheet XML collect inflates and parses per book: the sheets it reads, and the whole book."""
    import zipfile

    path = sorted(folder.glob("*.xlsx"))[0]
    with zipfile.ZipFile(path) as zf:
        every = sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/sheet"))
    return {"read": _zlib_only(path), "all_sheets": every}


def _stage_clocks(path: Path, policy) -> tuple[list[float], bool]:
    """One book through collect's stages and the calamine-only floor: the clock after each, and whether its values
    were read plainly."""
    from python_calamine import CalamineWorkbook

    from kaigo_xl.engine import evaluate
    from kaigo_xl.workbook.reader.file import EAGER_SHEETS, _parse
    from kaigo_xl.workbook.reader.grids import read_grids
    from kaigo_xl.xlsx.preflight import preflight

    clocks = [time.perf_counter()]
    checked = preflight(path, EAGER_SHEETS, deep=False, keep=True)
    clocks.append(time.perf_counter())
    grids, merged = _parse(checked, list(EAGER_SHEETS), every_name=True)
    clocks.append(time.perf_counter())
    inp, findings, locate = read_grids(grids, str(path), checked.defined_names, merged)
    clocks.append(time.perf_counter())
    evaluate(inp, policy, locate=locate, findings=findings)
    clocks.append(time.perf_counter())
    book = CalamineWorkbook.from_path(str(path))
    for sheet in EAGER_SHEETS:
        book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    book.close()
    clocks.append(time.perf_counter())
    return clocks, checked.plain_values(list(EAGER_SHEETS)) is not None  # after the clocks (already scanned)


def measure_stages(folder: Path, sample: int) -> dict:
    """Milliseconds per book of each stage of collect's reading of one book (serial, first `sample` books): the
    preflight, the values (the plain reader, or python-calamine), cells → input, the engine; and the calamine-only
    floor of the same sheets read from the file."""
    from kaigo_xl.policy import Policy

    books = sorted(folder.glob("*.xlsx"))[:sample]
    policy = Policy()
    t: dict[str, float] = dict.fromkeys(["preflight", "values", "read_grids", "evaluate", "floor"], 0.0)
    plain = 0
    _stage_clocks(books[0], policy)  # first-use costs (tables, schemas) once, untimed
    for path in books:
        clocks, read_plainly = _stage_clocks(path, policy)
        for k, (a, b) in zip(t, zip(clocks, clocks[1:])):
            t[k] += b - a
        plain += read_plainly
    return {**{k: v / len(books) * 1000 for k, v in t.items()}, "plain_share": plain / len(books)}


def _child(kind: str, folder: Path, extra: int | None) -> dict:
    cmd = [sys.executable, str(HERE), "--_measure", kind, str(folder)] + ([str(extra)] if extra else [])
    before = _cpu_jiffies()
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    after = _cpu_jiffies()
    stolen = (after[0] - before[0]) / max(1, after[1] - before[1]) if before and after else None
    return {**json.loads(r.stdout.strip().splitlines()[-1]), "stolen": stolen}


def _cpu_jiffies() -> tuple[int, int] | None:
    """(steal, total) of every CPU since boot (Linux): the share the host gave to other machines is `steal`."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def _fastest(kinds: list[str], folder: Path, repeat: int) -> dict[str, dict]:
    """Each measurement `repeat` times, interleaved (collect, floor, floor, collect …): the fastest run of each.
    The machine's other work only ever slows a run down, so the fastest is the closest to the work itself."""
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(repeat):
        for k in kinds:
            runs[k].append(_child(k, folder, None))
    return {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}


# ---- the report ----

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3300, help="the largest N (the table also shows N/10 and N/2)")
    ap.add_argument("--sizes", help="explicit sizes, e.g. 330,1650,3300")
    ap.add_argument("--baseline-limit", type=int, help="time openpyxl on at most this many books (default: all N)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the openpyxl reading")
    ap.add_argument("--repeat", type=int, default=3, help="runs of collect and of each floor (the fastest is shown)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kaigo_xl_bench_collect")
    ap.add_argument("--_measure", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._measure:
        kind, folder, *rest = args._measure
        limit = int(rest[0]) if rest else None
        fn = {"collect": lambda: measure_collect(Path(folder)),
              "calamine": lambda: measure_floor(Path(folder), "calamine"),
              "zlib": lambda: measure_floor(Path(folder), "zlib"),
              "openpyxl": lambda: measure_openpyxl(Path(folder), limit),
              "stages": lambda: measure_stages(Path(folder), limit or 50)}[kind]
        print(json.dumps(fn()))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [max(1, args.n // 10), max(1, args.n // 2), args.n]
    print(f"# collect benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"load average before {os.getloadavg()[0]:.1f}\n")
    print(f"Each of collect and the two floors: the fastest of {args.repeat} runs, interleaved.\n")
    print("| N books | collect (s) | CPU (s) | stolen | books/s | main RSS (MB) | worker RSS (MB) | calamine floor (s) "
          "| × floor | zlib floor (s) | × zlib | openpyxl (s) | openpyxl RSS (MB) | × faster | totals agree |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    folder = None
    for n in sizes:
        folder = make_books(n, args.cache)
        fastest = _fastest(["collect", "calamine", "zlib"], folder, args.repeat)
        c, floor, zl = fastest["collect"], fastest["calamine"], fastest["zlib"]
        stolen = "–" if c["stolen"] is None else f"{c['stolen']:.0%}"
        row = (f"| {n:,} | {c['seconds']:.2f} | {c['cpu_s']:.1f} | {stolen} | {n / c['seconds']:,.0f} "
               f"| {c['rss_main_mb']:.0f} "
               f"| {c['rss_worker_mb']:.0f} | {floor['seconds']:.2f} | {c['seconds'] / floor['seconds']:.2f} "
               f"| {zl['seconds']:.2f} | {c['seconds'] / zl['seconds']:.1f} |")
        if args.no_baseline:
            row += " – | – | – | – |"
        else:
            limit = min(n, args.baseline_limit) if args.baseline_limit else None
            o = _child("openpyxl", folder, limit)
            per_book = o["seconds"] / o["books"]
            est = "" if o["books"] == n else f" (est. from {o['books']:,})"
            agree = "–" if o["books"] < n else "yes" if o["total_yen"] == c["total_yen"] else "NO"
            row += (f" {per_book * n:.1f}{est} | {o['rss_main_mb']:.0f} | {per_book * n / c['seconds']:.1f} | "
                    f"{agree} (¥{c['total_yen']:,}) |")
        print(row, flush=True)
    print(f"\nLoad average after: {os.getloadavg()[0]:.1f} (other programs on the machine stretch the wall times; "
          "CPU (s) is collect's own CPU time, main process and workers; stolen: the share of the CPUs the host gave "
          "to other machines during that collect run, from /proc/stat).")
    if folder is not None:
        x = xml_bytes_read(folder)
        print(f"\nSheet XML per book: {x['read']:,} bytes inflated and parsed by collect, of {x['all_sheets']:,} in all "
              "sheets.")
        s = _child("stages", folder, 100)
        print("\nPer book, serial, first 100 books (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in s.items()
                                                                   if k not in ("floor", "plain_share", "stolen"))
              + f" (the calamine-only floor of the same sheets from the file: {s['floor']:.2f}); values read plainly "
              f"(kaigo_xl.xlsx.plainread) in {s['plain_share']:.0%} of the books, by python-calamine in the rest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
