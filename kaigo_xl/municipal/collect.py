"""Reading every returned workbook of a folder, on every core, into plain per-facility results.

Each workbook is read with python-calamine (`read_workbook`) and computed by the engine in a worker process; the
worker sends back a `BookResult` of plain values (no openpyxl or pydantic objects), so 3,300 books pass through
two processes quickly and the main process only keeps the figures the summary needs. One broken file gives an
「読込不可」 result and never stops the batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Set
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout

# .xls and other spreadsheet formats go to the reader too: its preflight says what they are and what to do.
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SERIAL_BELOW = 24  # starting worker processes costs more than reading a couple of dozen books

# Batch-level findings (the engine's codes are in kaigo_xl.findings; these only arise when comparing books).
DUPLICATE_NUMBER = "DUPLICATE_NUMBER"
UNREADABLE = "UNREADABLE"

STATUS_OK, STATUS_FIX, STATUS_UNREADABLE = "提出可", "要修正", "読込不可"


@dataclass
class BookResult:
    """What the summary needs from one returned workbook; plain values only, cheap to send between processes."""

    file: str  # relative to the collected folder, with "/" separators
    status: str = STATUS_OK
    message: str = ""  # why the file could not be read (読込不可)
    number: str = ""
    name: str = ""
    type: str = ""
    municipality: str = ""
    fiscal_year: int | None = None
    phase: str = ""  # "plan" | "report"
    average: tuple[int, int] | None = None  # exact 対象職員数（月平均） as numerator, denominator
    annual_yen: int | None = None
    payments: list[int] = field(default_factory=lambda: [0] * 12)  # April … March
    requirements_ok: bool | None = None
    planned_allowed_yen: int | None = None
    actual_allowed_yen: int | None = None
    received_yen: int | None = None
    refund_yen: int | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    template_old: bool = False
    # (code, severity, message, location) — location like 月別職員数!C6
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def average_fraction(self) -> Fraction | None:
        return Fraction(*self.average) if self.average else None

    def add_finding(self, code: str, severity: str, message: str, location: str = "") -> None:
        self.findings.append((code, severity, message, location))
        if severity == "error":
            self.errors += 1
            self.status = STATUS_FIX if self.status == STATUS_OK else self.status
        elif severity == "warning":
            self.warnings += 1
        else:
            self.infos += 1


@dataclass
class Scan:
    books: list[Path]
    skipped: list[str]  # relative paths of files that are not workbooks


def scan(folder: Path, exclude: Set[Path] = frozenset()) -> Scan:
    """Every workbook under `folder` (sorted), ignoring Excel/LibreOffice lock files, backups and hidden files."""
    books, skipped = [], []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if _ignored(name) or path.resolve() in exclude:
                continue
            if path.suffix.lower() in BOOK_SUFFIXES:
                books.append(path)
            else:
                skipped.append(relative(path, folder))
    return Scan(books, skipped)


def _ignored(name: str) -> bool:
    """~$x.xlsx (Excel's lock file), .~lock.x# (LibreOffice's), our x.xlsx.bak backups and hidden files."""
    return name.startswith(("~$", ".")) or name.lower().endswith(".bak")


def relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


# ---- one book (runs in a worker) ----

_policy: Policy | None = None


def _init_worker(policy: Policy) -> None:
    global _policy
    _policy = policy


def read_book(path: Path, folder: Path, policy: Policy) -> BookResult:
    """Read, compute and check one workbook; never raises (a failure becomes a 読込不可 result)."""
    from kaigo_xl.engine import evaluate
    from kaigo_xl.errors import InputUnreadable
    from kaigo_xl.workbook.reader import read_workbook

    result = BookResult(file=relative(path, folder))
    try:
        inp, findings, locate = read_workbook(path, deep_check=False)  # collect never opens the other sheets
        if inp is None:
            for f in findings:
                result.add_finding(f.code, f.severity.value, f.message, f.location)
            result.status = STATUS_FIX
        else:
            _fill(result, evaluate(inp, policy, locate=locate, findings=findings))
    except InputUnreadable as exc:
        result = _unreadable(result.file, _without_path(str(exc), path))
    except Exception as exc:
        result = _unreadable(result.file, f"読み込み中に想定外の問題が起きました（{type(exc).__name__}: {exc}）。")
    result.template_old = any(f[0] == "TEMPLATE_OLD" for f in result.findings)
    return result


def _unreadable(file: str, message: str) -> BookResult:
    result = BookResult(file=file, status=STATUS_UNREADABLE, message=message)
    result.add_finding(UNREADABLE, "error", message)
    return result


def _without_path(message: str, path: Path) -> str:
    """Messages start with the path; the summary shows the file in its own column."""
    for prefix in (f"{path}: ", f"{path.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _fill(result: BookResult, ev) -> None:
    f = ev.input.facility
    result.number, result.name, result.type = f.number, f.name, f.type.value
    result.municipality, result.fiscal_year, result.phase = f.municipality, ev.input.fiscal_year, ev.phase
    if ev.result is not None:
        result.average = (ev.result.average.numerator, ev.result.average.denominator)
        result.annual_yen = ev.result.annual_yen
    if ev.phase == "plan":  # a results report settles what was paid; its schedule is no future payment
        for p in ev.payments:
            result.payments[FISCAL_MONTHS.index(p.month)] += p.yen
    result.requirements_ok = all(o.satisfied for o in ev.requirements) if ev.requirements else None
    result.planned_allowed_yen = ev.spending.planned_allowed_yen
    result.actual_allowed_yen = ev.spending.actual_allowed_yen if ev.spending.has_actual else None
    if ev.settlement is not None:
        result.received_yen, result.refund_yen = ev.settlement.received_yen, ev.settlement.refund_yen
    for x in ev.findings:
        result.add_finding(x.code, x.severity.value, x.message, x.location)


def _read_in_worker(item: tuple[Path, Path]) -> BookResult:
    assert _policy is not None
    return read_book(item[0], item[1], _policy)


# ---- many books ----

def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def read_books(paths: list[Path], folder: Path, policy: Policy, *, jobs: int | None = None,
               progress: Callable[[], None] = lambda: None, serial_below: int = SERIAL_BELOW) -> list[BookResult]:
    """Results in the order of `paths`; worker processes for many books, this process for a few."""
    jobs = jobs or workers()
    if jobs == 1 or len(paths) < serial_below:
        return [_tick(read_book(p, folder, policy), progress) for p in paths]
    results: list[BookResult] = []
    try:
        for r in _parallel(paths, folder, policy, jobs):
            results.append(_tick(r, progress))
    except BrokenProcessPool:  # a worker died (out of memory, killed): finish the rest here
        results += [_tick(read_book(p, folder, policy), progress) for p in paths[len(results):]]
    return results


def _warm_up() -> None:
    """Import and load what every book needs once, before the workers are forked, so they start ready."""
    from kaigo_xl.catalog import default_catalog
    from kaigo_xl.engine import evaluate  # noqa: F401
    from kaigo_xl.workbook.reader import read_workbook  # noqa: F401

    default_catalog()


def _parallel(paths: list[Path], folder: Path, policy: Policy, jobs: int) -> Iterator[BookResult]:
    _warm_up()
    chunk = max(1, min(64, len(paths) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(policy,)) as pool:
        yield from pool.map(_read_in_worker, [(p, folder) for p in paths], chunksize=chunk)


def _tick(result: BookResult, progress: Callable[[], None]) -> BookResult:
    progress()
    return result


def mark_duplicates(results: list[BookResult]) -> dict[str, list[BookResult]]:
    """Facility numbers found in more than one book; each such book gets a warning naming the others."""
    by_number: dict[str, list[BookResult]] = {}
    for r in results:
        if r.number and r.status != STATUS_UNREADABLE:
            by_number.setdefault(r.number, []).append(r)
    dups = {n: rs for n, rs in by_number.items() if len(rs) > 1}
    where = layout.cell(layout.S_FACILITY, layout.FIELD_BY_KEY["facility.number"].cell)
    for number, rs in dups.items():
        files = "、".join(r.file for r in rs)
        for r in rs:
            r.add_finding(DUPLICATE_NUMBER, "warning",
                          f"施設番号「{number}」のブックが{len(rs)}件あります（{files}）。すべて集計に含めています。"
                          "同じ施設の提出が重複していないか確認してください。", where)
    return dups
