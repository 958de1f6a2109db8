"""Reading one returned workbook into a plain per-facility result, and finding the workbooks of a folder.

Each workbook is read with python-calamine (`read_workbook`) and computed by the engine, in a worker process
(kaigo_xl.municipal.pool); the worker sends back a `BookResult` of plain values (no openpyxl or pydantic objects),
so 3,300 books pass between processes quickly and the main process only keeps the figures the summary needs. One
broken file gives a 「読込不可」 result and never stops the batch; when its 施設情報 can still be read, the result
still names the facility. Every string from a book or a file name is cleaned (kaigo_xl.municipal.text) here, at
the boundary, so no writer ever meets a control character, a bidi override or an undecodable file name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from kaigo_xl.files import resolved
from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.municipal.text import file_label, has_controls, name_encoding, shown
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout

# .xls and other spreadsheet formats go to the reader too: its preflight says what they are and what to do.
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

# Batch-level findings (the engine's codes are in kaigo_xl.findings; these only arise in a municipality's round).
UNREADABLE = "UNREADABLE"
FILE_NAME = "FILE_NAME_UNUSUAL"
CONTROL_CHARACTER = "CONTROL_CHARACTER"

STATUS_OK, STATUS_FIX, STATUS_UNREADABLE = "提出可", "要修正", "読込不可"
STATUSES = (STATUS_OK, STATUS_FIX, STATUS_UNREADABLE)
SUMMARY_MARK = "kaigo-xl-summary"  # in docProps/core.xml keywords of every summary workbook we write

NUMBER_CELL = layout.cell(layout.S_FACILITY, layout.FIELD_BY_KEY["facility.number"].cell)
NAME_CELL = layout.cell(layout.S_FACILITY, layout.FIELD_BY_KEY["facility.name"].cell)


@dataclass
class BookResult:
    """What the summary needs from one returned workbook; plain values only, cheap to send between processes.

    Add a field here (with a default) when the summary needs a new figure: the tables and frames
    (kaigo_xl.municipal.tables) pick it up through their column list.
    """

    file: str  # relative to the collected folder, "/" separators, cleaned for display
    status: str = STATUS_OK
    message: str = ""  # why the file could not be read (読込不可)
    number: str = ""
    name: str = ""
    type: str = ""
    municipality: str = ""
    contact: str = ""  # 担当者・連絡先 of 施設情報
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
    own_summary: bool = False  # a summary workbook kaigo-xl wrote earlier: never read as a returned book
    blank: bool = False  # nothing entered beyond what distribute wrote: no month, roster, initiative, expense,
    # received amount, nor a value typed that could not be read
    # (code, severity, message, location) — location like 月別職員数!C6
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def average_fraction(self) -> Fraction | None:
        return Fraction(*self.average) if self.average else None

    def add_finding(self, code: str, severity: str, message: str, location: str = "") -> None:
        self.findings.append((code, severity, shown(message), location))
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
    skipped: list[str]  # cleaned relative paths of files that are not workbooks (nor ours)


def scan(folder: Path, exclude: Set[Path] = frozenset(), exclude_dirs: Set[Path] = frozenset()) -> Scan:
    """Every workbook under `folder` (sorted), ignoring lock files, backups, hidden files, our own outputs
    (`exclude`, resolved paths) and folders we write into (`exclude_dirs`, e.g. the feedback folder).

    The folder is resolved once and each file's resolved path is its folder's and its name — only a link is
    resolved on its own (by where it points) — and whether a file is regular comes from the listing (a link is
    followed): no system call per file, which matters on a network share."""
    books, skipped = [], []
    for here, real, files in _walk(folder, resolved(folder), exclude_dirs):
        names = {p.name.lower() for p in exclude if p.parent == real}  # our outputs in this very folder
        for entry in files:
            path = here / entry.name
            if _ignored(entry.name) or _ours(entry, path, real, names, exclude):
                continue
            if not _regular(entry):
                skipped.append(file_label(path, folder))
            elif path.suffix.lower() in BOOK_SUFFIXES:
                books.append(path)
            else:
                skipped.append(file_label(path, folder))
    return Scan(books, skipped)


def _walk(here: Path, real: Path, exclude_dirs: Set[Path]) -> Iterator[tuple[Path, Path, list[os.DirEntry]]]:
    """As os.walk (top down, names sorted, links to folders listed but never entered, unreadable folders passed
    over): each folder, its resolved path and its entries that are not folders; hidden and excluded folders left
    out."""
    try:
        with os.scandir(here) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    folders: list[os.DirEntry] = []
    files: list[os.DirEntry] = []
    for e in entries:
        (folders if _is_dir(e) else files).append(e)
    yield here, real, files
    for d in folders:
        if not d.name.startswith(".") and not _is_link(d) and real / d.name not in exclude_dirs:
            yield from _walk(here / d.name, real / d.name, exclude_dirs)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _ours(entry: os.DirEntry, path: Path, real: Path, names: Set[str], exclude: Set[Path]) -> bool:
    """Whether the file is one of our outputs (`exclude`): a link by where it points, any other by where it is
    (`names`: the outputs' names in its folder, lowercased as Windows compares paths; a first look)."""
    if _is_link(entry):
        return resolved(path) in exclude  # a link in a loop: not ours (the listing says it cannot be read)
    return entry.name.lower() in names and real / entry.name in exclude


def _regular(entry: os.DirEntry) -> bool:
    """A FIFO, a device or a socket would block or never end: only regular files (or links to them) are read."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _ignored(name: str) -> bool:
    """~$x.xlsx (Excel's lock file), .~lock.x# (LibreOffice's), our x.xlsx.bak backups and hidden files."""
    return name.startswith(("~$", ".")) or name.lower().endswith(".bak")


# ---- one book (runs in a worker) ----

def read_book(path: Path, folder: Path, policy: Policy) -> BookResult:
    """Read, compute and check one workbook; never raises (a failure becomes a 読込不可 result)."""
    from kaigo_xl.engine import evaluate
    from kaigo_xl.errors import InputUnreadable
    from kaigo_xl.workbook.reader import read_workbook

    result = BookResult(file=file_label(path, folder))
    with readable_name(path) as book:
        try:
            inp, findings, locate = read_workbook(book, deep_check=False)  # collect never opens the other sheets
            if inp is None:
                if is_our_summary(book):
                    return BookResult(file=result.file, status=STATUS_UNREADABLE, own_summary=True,
                                      message="kaigo-xl が以前に作った集計ブックです（読み込みません）。")
                for f in findings:
                    result.add_finding(f.code, f.severity.value, f.message, f.location)
                result.status = STATUS_FIX
                salvage(result, book)
            else:
                _fill(result, evaluate(inp, policy, locate=locate, findings=findings))
        except InputUnreadable as exc:
            result = unreadable(result.file, _without_path(str(exc), book))
            salvage(result, book)
        except Exception as exc:
            result = unreadable(result.file, f"読み込み中に想定外の問題が起きました（{type(exc).__name__}: {exc}）。")
    result.template_old = any(f[0] == "TEMPLATE_OLD" for f in result.findings)
    _check_names(result, path, folder)
    return result


@contextmanager
def readable_name(path: Path) -> Iterator[Path]:
    """The path itself, or — when its name is not valid Unicode (Shift_JIS bytes from a Windows zip), which the
    parser cannot open — a private copy under a plain name. The original is only read."""
    try:
        os.fsdecode(os.fsencode(path)).encode("utf-8")
        yield path
        return
    except UnicodeEncodeError:
        pass
    with tempfile.TemporaryDirectory(prefix="kaigo-xl-") as tmp:
        copy = Path(tmp) / f"book{path.suffix.encode('ascii', 'replace').decode()}"
        shutil.copyfile(path, copy)
        yield copy


def unreadable(file: str, message: str) -> BookResult:
    result = BookResult(file=file, status=STATUS_UNREADABLE, message=shown(message))
    result.add_finding(UNREADABLE, "error", message)
    return result


def _without_path(message: str, path: Path) -> str:
    """Messages start with the path; the summary shows the file in its own column."""
    for prefix in (f"{path}: ", f"{path.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _check_names(result: BookResult, path: Path, folder: Path) -> None:
    """A file name in Shift_JIS bytes or with control characters, a number with invisible characters: said."""
    if name_encoding(path, folder) == "cp932":
        result.add_finding(FILE_NAME, "info", "ファイル名が Shift_JIS で保存されていたため、読み替えて表示しています"
                           "（Windows で作った zip を展開したとき）。")
    elif name_encoding(path, folder):
        result.add_finding(FILE_NAME, "warning", "ファイル名に読めない文字があります（� で表示）。ファイル名を付け直してください。")
    if has_controls(path.name):
        result.add_finding(FILE_NAME, "warning", "ファイル名に制御文字（画面に見えない文字）があります（␇ などの記号で表示）。"
                           "ファイル名を付け直してください。")


def _fill(result: BookResult, ev) -> None:
    f, inp = ev.input.facility, ev.input
    typed = any(x.code == "INPUT_INVALID" for x in ev.findings)  # typed, but nothing the reader could use
    result.blank = not (typed or inp.monthly or inp.monthly_actual or inp.roster or inp.initiatives or inp.expenses
                        or inp.received_yen is not None)
    result.number, result.name, result.type = shown(f.number), shown(f.name), f.type.value
    result.municipality, result.contact = shown(f.municipality), shown(f.contact)
    result.fiscal_year, result.phase = ev.input.fiscal_year, ev.phase
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
    if has_controls(f.number):
        result.add_finding(CONTROL_CHARACTER, "error", "施設番号に制御文字（画面に見えない文字）があります。"
                           "施設番号を入力し直してください。", NUMBER_CELL)
    if has_controls(f.name):
        result.add_finding(CONTROL_CHARACTER, "warning", "施設名に制御文字（画面に見えない文字）があります。", NAME_CELL)


# ---- what can still be said of a book that cannot be evaluated ----

_SALVAGED = {"facility.number": "number", "facility.name": "name", "facility.contact": "contact",
             "facility.municipality": "municipality"}


def salvage(result: BookResult, path: Path) -> None:
    """Fill number, name, contact and year from 施設情報 when that sheet can still be read.

    Only for a book the preflight accepts (a hostile file is never handed to a parser); any failure leaves the
    result as it was.
    """
    from kaigo_xl.xlsx.preflight import preflight

    try:
        preflight(path, [layout.S_FACILITY], deep=False)
        values = _facility_cells(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # InputUnreadable, a parser error, or a calamine panic (a BaseException): nothing to add
        return
    for key, attr in _SALVAGED.items():
        text = _text(values.get(layout.FIELD_BY_KEY[key].cell))
        if text and not getattr(result, attr):
            setattr(result, attr, shown(text))
    year = values.get(layout.FIELD_BY_KEY["fiscal_year"].cell)
    if result.fiscal_year is None and isinstance(year, int | float) and 2000 <= year <= 2100 and year == int(year):
        result.fiscal_year = int(year)


def _facility_cells(path: Path) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    from kaigo_xl.xlsx.refs import cell_ref

    book = CalamineWorkbook.from_path(str(path))
    try:
        grid = book.get_sheet_by_name(layout.S_FACILITY).to_python(skip_empty_area=False)
    finally:
        book.close()
    return {cell_ref(r + 1, c + 1): v for r, row in enumerate(grid[:40]) for c, v in enumerate(row[:8])
            if v not in (None, "")}


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def is_our_summary(path: Path) -> bool:
    """Whether the file is a summary workbook kaigo-xl wrote (its core properties carry SUMMARY_MARK)."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            return info.file_size < 65536 and SUMMARY_MARK.encode() in zf.read(info)
    except (KeyError, OSError, zipfile.BadZipFile):
        return False
