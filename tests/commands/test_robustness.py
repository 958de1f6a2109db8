"""Bad, damaged and hostile files (issues 6 and 9): every case of tests/support/bad_corpus.py through the real command.

For each case and for `check` and `calc --json`: a Japanese message naming the file (and the sheet!cell or JSON path
where there is one), the documented exit code, no traceback, within 5 s and 500 MB (limits, not benchmarks), and the
input file byte-for-byte unchanged with nothing left beside it. Workbooks also go through `forms` (on a copy: the
forms are made whenever `check` can evaluate the book, never exit 3), JSON through `template --data` (nothing
written but the named output), both within 10 s. Then writes that could go where the user did not mean (links, hard
links, leftovers of a killed run) through `forms` and `template --force`. Then the promises behind them, one by one:
preflight's refusals, formulas read as text and never evaluated, macros never run, random damage never crashing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import support.bad_corpus as corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.workbook import layout as L
from kaigo_xl.xlsx import parts
from kaigo_xl.xlsx import preflight as safety
from kaigo_xl.xlsx.preflight import preflight
from kaigo_xl.xlsx.refs import column_letters

LIMIT_SECONDS = 5
WRITE_LIMIT_SECONDS = 10  # forms and template build and save a whole workbook
LIMIT_MB = 500
COMMANDS = (("check",), ("calc", "--json"))


# ---------------------------------------------------------------------------------------------------------------
# running the command as a user does, measuring its own time and peak memory
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, hard_limit: float = 4 * LIMIT_SECONDS) -> Run:
    """`python -m kaigo_xl ARGS` in a child; os.wait4 gives that child's own peak RSS (ru_maxrss, KiB)."""
    env = {k: v for k, v in os.environ.items() if k != "KAIGO_XL_DEBUG"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "kaigo_xl", *args], stdout=out, stderr=err, env=env)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > hard_limit:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, usage.ru_maxrss / 1024)


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="session")
def have_template() -> bool:
    return corpus.template_bytes() is not None


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad_corpus")


_built: dict[str, Path] = {}


def case_file(name: str, folder: Path, have_template: bool) -> Path:
    """The case's file, built once, alone in its own folder (so "nothing left behind" can be seen)."""
    case = corpus.BY_NAME[name]
    if case.needs_template and not have_template:
        pytest.skip("the template builder (kaigo-xl template) is not available")
    if name not in _built:
        own = folder / name
        own.mkdir()
        _built[name] = corpus.build(case, own)
    return _built[name]


# ---------------------------------------------------------------------------------------------------------------
# every case, through the command
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("name", [c.name for c in corpus.CASES])
def test_every_bad_file_gets_a_clear_message_and_is_left_alone(name: str, command: tuple[str, ...],
                                                               corpus_dir: Path, have_template: bool) -> None:
    case = corpus.BY_NAME[name]
    path = case_file(name, corpus_dir, have_template)
    before, files_before = sha256(path), listing(path.parent)

    if case.policy:  # the file is the settings: the sample facility is the input
        run = run_cli(command[0], str(corpus.SAMPLE), *command[1:], "--policy", str(path))
    else:
        run = run_cli(command[0], str(path), *command[1:])

    assert "Traceback" not in run.output, run.output
    assert "内部エラー" not in run.output, run.output
    assert run.code in case.codes, f"exit {run.code}, expected {sorted(case.codes)}:\n{run.output}"
    if run.code == 2:
        assert run.stderr.startswith("エラー: ") and path.name in run.stderr, run.output
    else:
        assert path.name in run.output or command[0] == "calc", run.output
    for word in case.mentions:  # "A|B": either A or B
        assert any(w in run.output for w in word.split("|")), f"{word!r} missing from:\n{run.output}"
    if command[0] == "calc" and run.code != 2:  # readable: JSON with findings (a place, or "" for the whole book)
        findings = json.loads(run.stdout)["findings"]
        assert all(f["message"] and isinstance(f["location"], str) for f in findings), findings
    assert run.seconds < LIMIT_SECONDS, f"{run.seconds:.1f} s"
    assert run.peak_mb < LIMIT_MB, f"{run.peak_mb:.0f} MB"
    assert sha256(path) == before
    assert listing(path.parent) == files_before


def assert_clean(run: Run, codes: frozenset[int], limit: float = WRITE_LIMIT_SECONDS) -> None:
    """No traceback, no internal error, a documented exit code, within the time and memory limits."""
    assert "Traceback" not in run.output and "内部エラー" not in run.output, run.output
    assert run.code in codes, f"exit {run.code}, expected {sorted(codes)}:\n{run.output}"
    assert run.seconds < limit, f"{run.seconds:.1f} s"
    assert run.peak_mb < LIMIT_MB, f"{run.peak_mb:.0f} MB"


def assert_mentions(case: corpus.Case, run: Run) -> None:
    for word in case.mentions:
        assert any(w in run.output for w in word.split("|")), f"{word!r} missing from:\n{run.output}"


@pytest.mark.slow
@pytest.mark.parametrize("name", [c.name for c in corpus.CASES if c.forms is not None])
def test_forms_are_made_whenever_check_can_evaluate_the_book(name: str, tmp_path: Path, have_template: bool) -> None:
    """`forms` on a copy of each bad book: exit 1 with the findings (and the forms written) when `check` can evaluate
    it, 2 (nothing written) when it cannot — never 3. Only the book and its backup are in the folder afterwards."""
    case = corpus.BY_NAME[name]
    if case.needs_template and not have_template:
        pytest.skip("the template builder (kaigo-xl template) is not available")
    path = corpus.build(case, tmp_path)
    before = sha256(path)

    run = run_cli("forms", str(path), hard_limit=4 * WRITE_LIMIT_SECONDS)

    assert_clean(run, case.forms or frozenset())
    assert path.name in run.output
    assert_mentions(case, run)
    if run.code in (0, 1):
        assert "作成しました" in run.stdout and sha256(path) != before
        assert listing(tmp_path) == sorted([path.name, f"{path.name}.bak"])
    else:
        assert sha256(path) == before and listing(tmp_path) == [path.name]


@pytest.mark.slow
@pytest.mark.parametrize("name", [c.name for c in corpus.CASES if c.template is not None])
def test_template_data_writes_only_the_named_book(name: str, tmp_path: Path) -> None:
    """`template OUT --data` with each bad JSON: the documented exit code, the JSON path in the message, within 10 s
    (1e999999999 used to hang here), the input unchanged and nothing written but OUT (and only when usable)."""
    case = corpus.BY_NAME[name]
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    path = corpus.build(case, tmp_path / "in")
    before, inputs = sha256(path), listing(path.parent)
    out = tmp_path / "out" / "book.xlsx"

    run = run_cli("template", str(out), "--data", str(path), hard_limit=4 * WRITE_LIMIT_SECONDS)

    assert_clean(run, case.template or frozenset())
    assert path.name in run.output or run.code == 0
    assert_mentions(case, run)
    assert sha256(path) == before and listing(path.parent) == inputs
    assert listing(out.parent) == (["book.xlsx"] if run.code == 0 else [])


@pytest.mark.slow
@pytest.mark.parametrize("command", ["forms", "template"])
@pytest.mark.parametrize("name", [w.name for w in corpus.WRITE_CASES])
def test_writes_go_only_where_the_user_meant(name: str, command: str, tmp_path: Path, have_template: bool) -> None:
    """Never through a symbolic link (of the book, its backup or its lock), never breaking a hard link, and what a
    killed run left is cleaned: the documented exit code, the file named, nothing outside the named output touched."""
    if not have_template:
        pytest.skip("the template builder (kaigo-xl template) is not available")
    case = next(w for w in corpus.WRITE_CASES if w.name == name)
    book = tmp_path / "book.xlsx"
    book.write_bytes(corpus.template_bytes() or b"")
    victim = case.prepare(book)
    victim_before = sha256(victim) if victim is not None else None
    target = tmp_path / (case.target or book.name)
    before = listing(tmp_path)

    args = ("forms", str(target)) if command == "forms" else ("template", str(target), "--force")
    run = run_cli(*args, hard_limit=4 * WRITE_LIMIT_SECONDS)

    assert_clean(run, frozenset({case.code}))
    assert target.name in run.output, run.output
    for word in case.mentions:
        assert word in run.output, f"{word!r} missing from:\n{run.output}"
    if victim is not None:
        assert sha256(victim) == victim_before
    if case.code == 4:
        assert listing(tmp_path) == before and run.stderr.startswith("エラー: ")
    else:  # the run succeeded: the book, its backup, nothing else (the leftovers were removed)
        assert listing(tmp_path) == sorted([book.name, f"{book.name}.bak"])


_EXTREME = st.one_of(
    st.none(), st.integers(-10**20, 10**20), st.floats(), st.decimals(allow_nan=True).map(str),
    st.sampled_from(["1e999999999", "9" * 5000, "\x1b[31m", "\ud800", "あ" * 40_000, "=HYPERLINK(\"http://x\")",
                     999_999_999_999_999, 1e-20, 99_999_999_999_999.9]),
)
_NUMBER_CELLS = sorted({(L.S_MONTHLY, f"{c}{r}") for r in L.MONTHLY_ROWS for c in (L.COL_FTE, L.COL_TOKUTEI)}
                       | {(L.S_EXPENSES, f"{c}{r}") for r in L.EXPENSE_ROWS[:3] for c in "CD"}
                       | {(L.S_FACILITY, f.cell) for f in L.FACILITY_FIELDS})


@pytest.fixture(scope="session")
def sample_grids(good_book: bytes) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    from kaigo_xl.workbook.reader import SHEETS_TO_READ

    book = CalamineWorkbook.from_filelike(io.BytesIO(good_book))
    return {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in SHEETS_TO_READ
            if s in book.sheet_names}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(_NUMBER_CELLS), _EXTREME, max_size=8))
def test_the_forms_can_be_drawn_for_any_book_check_can_evaluate(changes: dict, sample_grids: dict) -> None:
    """What `forms` does after reading, for extreme cells anywhere: evaluate, draw both forms, save — no exception."""
    import datetime as dt

    import openpyxl

    from kaigo_xl.engine import evaluate
    from kaigo_xl.workbook.forms.service import regenerate
    from kaigo_xl.workbook.reader import read_grids
    from kaigo_xl.xlsx.refs import split_ref
    from kaigo_xl.xlsx.save import workbook_bytes

    grids = {sheet: [list(row) for row in rows] for sheet, rows in sample_grids.items()}
    for (sheet, ref), value in changes.items():
        row, col = split_ref(ref)
        while len(grids[sheet]) < row:
            grids[sheet].append([])
        grids[sheet][row - 1].extend([""] * (col - len(grids[sheet][row - 1])))
        grids[sheet][row - 1][col - 1] = value
    inp, findings, locate = read_grids(grids, "extreme.xlsx")
    if inp is None:
        return  # check cannot evaluate it either: forms exits 1 and writes nothing
    wb = openpyxl.Workbook()
    regenerate(wb, evaluate(inp, locate=locate, findings=findings), dt.datetime(2026, 4, 1, 9, 0))
    workbook_bytes(wb)


# ---------------------------------------------------------------------------------------------------------------
# preflight: quick refusals, and no refusal of a good book
# ---------------------------------------------------------------------------------------------------------------

REFUSED = [c.name for c in corpus.CASES if c.codes == frozenset({2}) and not c.needs_template]


@pytest.mark.parametrize("name", REFUSED)
def test_preflight_refuses_each_unreadable_file_quickly(name: str, corpus_dir: Path, have_template: bool) -> None:
    path = case_file(name, corpus_dir, have_template)
    start = time.monotonic()
    with pytest.raises(InputUnreadable) as refused:
        preflight(path)
    assert time.monotonic() - start < 1.0
    assert str(refused.value).startswith(f"{path}: ")


def test_preflight_accepts_the_distributed_workbook(have_template: bool, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(corpus.base_bytes())
    found = preflight(path)
    assert not found.macro_enabled
    assert set(L.INPUT_SHEETS) <= set(found.sheets) if have_template else found.sheets
    assert all(ext.cells <= safety.MAX_SHEET_CELLS for ext in found.sheets.values())


def test_a_macro_enabled_book_is_recognised_and_never_run(corpus_dir: Path, have_template: bool) -> None:
    path = case_file("xlsm", corpus_dir, have_template)
    assert preflight(path).macro_enabled


def test_a_doctype_after_a_long_comment_is_still_found(tmp_path: Path) -> None:
    """A DOCTYPE may follow any number of comments; it is searched for up to the root element, not in 1 KB."""
    base = corpus.minimal_bytes()
    part = corpus.part_of_sheet(base, L.S_FACILITY)
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        body = z.read(part)
    root = body.index(b"<worksheet")
    xml = (b'<?xml version="1.0"?><!--' + b"x" * 20_000 + b'--><!DOCTYPE w [<!ENTITY a "aaaa">]>' + body[root:])
    path = tmp_path / "comment.xlsx"
    path.write_bytes(corpus.rezip(base, replace={part: xml}))
    with pytest.raises(InputUnreadable, match="DOCTYPE"):
        preflight(path)


def test_a_doctype_in_utf16_is_found(tmp_path: Path) -> None:
    base = corpus.minimal_bytes()
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY a "b">]><sst/>'.encode("utf-16")
    path = tmp_path / "utf16.xlsx"
    path.write_bytes(corpus.rezip(base, add={"xl/custom.xml": xml}))
    with pytest.raises(InputUnreadable, match="DOCTYPE"):
        preflight(path)


def test_a_damaged_part_is_refused_before_any_parser(tmp_path: Path) -> None:
    """One flipped byte inside a compressed part fails its CRC: refused, not handed to calamine."""
    base = bytearray(corpus.minimal_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(base))) as z:
        info = z.getinfo(corpus.part_of_sheet(bytes(base), L.S_FACILITY))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    base[start + info.compress_size // 2] ^= 0xFF
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(base))
    with pytest.raises(InputUnreadable, match="壊れて"):
        preflight(path)


def _sheet_book(cells_xml: str) -> bytes:
    """The minimal book with 施設情報's sheetData replaced by `cells_xml`."""
    base = corpus.minimal_bytes()
    part = corpus.part_of_sheet(base, L.S_FACILITY)
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        body = z.read(part).decode()
    start, end = body.index("<sheetData"), body.index("</sheetData>") + len("</sheetData>")
    if "<sheetData/>" in body:
        start, end = body.index("<sheetData/>"), body.index("<sheetData/>") + len("<sheetData/>")
    return corpus.rezip(base, replace={part: (body[:start] + f"<sheetData>{cells_xml}</sheetData>"
                                               + body[end:]).encode()})


def test_a_formatted_but_empty_far_cell_is_no_reason_to_refuse(tmp_path: Path) -> None:
    """Readers skip a cell with a style and no value, so a border on XFD1048576 must not refuse the book."""
    path = tmp_path / "styled.xlsx"
    path.write_bytes(_sheet_book('<row r="1"><c r="A1"><v>1</v></c></row>'
                                 '<row r="1048576"><c r="XFD1048576" s="1"/></row>'))
    assert preflight(path).sheets[L.S_FACILITY].cells == 1


def test_the_used_range_is_what_calamine_allocates() -> None:
    """The scan follows cells without `r` attributes as calamine does (next column, next row)."""
    from python_calamine import CalamineWorkbook

    xml = ('<row r="3"><c><v>1</v></c><c><v>2</v></c></row><row><c r="E9"><v>3</v></c><c><v>4</v></c></row>'
           '<row><c t="inlineStr"><is><t>x</t></is></c></row>')
    data = _sheet_book(xml)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "norefs.xlsx"
        path.write_bytes(data)
        ext = preflight(path).sheets[L.S_FACILITY]
        book = CalamineWorkbook.from_path(str(path))
        grid = book.get_sheet_by_name(L.S_FACILITY).to_python(skip_empty_area=False)
        book.close()
    assert (ext.rows, ext.cols) == (len(grid), max(len(r) for r in grid)) == (9, 6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(1, 300), st.integers(1, 60), st.booleans()), min_size=1, max_size=25))
def test_the_used_range_matches_calamine_for_any_cells(cells: list[tuple[int, int, bool]]) -> None:
    from python_calamine import CalamineWorkbook

    rows: dict[int, list[tuple[int, bool]]] = {}
    for row, col, empty in cells:
        rows.setdefault(row, []).append((col, empty))
    xml = ""
    for row in sorted(rows):
        cols = sorted(dict(rows[row]).items())
        xml += f'<row r="{row}">' + "".join(
            f'<c r="{column_letters(c)}{row}" s="1"/>' if empty else
            f'<c r="{column_letters(c)}{row}"><v>{c}</v></c>' for c, empty in cols) + "</row>"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cells.xlsx"
        path.write_bytes(_sheet_book(xml))
        ext = preflight(path).sheets[L.S_FACILITY]
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_name(L.S_FACILITY)
        expected = (0, 0) if sheet.height == 0 or not any(not e for _, _, e in cells) else (
            sheet.end[0] + 1, sheet.end[1] + 1)
        book.close()
    assert (ext.rows, ext.cols) == expected


# ---------------------------------------------------------------------------------------------------------------
# formulas are text, never code
# ---------------------------------------------------------------------------------------------------------------

def test_a_facility_name_that_looks_like_a_formula_is_kept_as_text(corpus_dir: Path, have_template: bool) -> None:
    from kaigo_xl.workbook.reader import read_workbook

    inp, findings, _ = read_workbook(case_file("formula_text", corpus_dir, have_template))
    assert inp is not None, findings
    assert inp.facility.name == corpus.EVIL_FORMULA


def test_a_real_formula_is_read_as_its_saved_value_and_never_evaluated(corpus_dir: Path,
                                                                        have_template: bool) -> None:
    from kaigo_xl.workbook.reader import read_workbook

    inp, findings, _ = read_workbook(case_file("formula_real", corpus_dir, have_template))
    assert inp is not None, findings
    assert inp.facility.name == "x"


# ---------------------------------------------------------------------------------------------------------------
# random damage: preflight and the reader never crash
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def good_book() -> bytes:
    return corpus.base_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_damage_never_crashes_preflight_or_the_reader(data: st.DataObject, good_book: bytes) -> None:
    from kaigo_xl.workbook.reader import read_workbook

    damaged = bytearray(good_book)
    how = data.draw(st.sampled_from(["truncate", "flip", "garbage"]))
    if how == "truncate":
        damaged = damaged[: data.draw(st.integers(0, len(damaged) - 1))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            damaged[data.draw(st.integers(0, len(damaged) - 1))] ^= data.draw(st.integers(1, 255))
    else:
        at = data.draw(st.integers(0, len(damaged)))
        damaged[at:at] = data.draw(st.binary(min_size=1, max_size=64))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.xlsx"
        path.write_bytes(bytes(damaged))
        try:
            inp, findings, _ = read_workbook(path)
        except InputUnreadable as exc:
            assert str(exc).startswith(str(path))
        else:
            assert inp is not None or findings


# ---------------------------------------------------------------------------------------------------------------
# the limits themselves (lowered here so that a small file crosses them)
# ---------------------------------------------------------------------------------------------------------------

def test_a_file_larger_than_the_limit_is_refused_unopened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(corpus.minimal_bytes())
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputUnreadable, match="大きすぎます"):
        preflight(path)


def test_parts_declaring_more_than_the_limit_together_are_refused(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "parts.xlsx"
    path.write_bytes(corpus.minimal_bytes())
    monkeypatch.setattr(parts, "MAX_UNCOMPRESSED_BYTES", 2000)
    with pytest.raises(InputUnreadable, match="合計"):
        preflight(path)


def test_only_the_sheets_a_reader_opens_need_a_small_used_range(corpus_dir: Path, have_template: bool) -> None:
    path = case_file("far_cell", corpus_dir, have_template)
    assert preflight(path, sheets=[L.S_FACILITY]).sheets[L.S_EXPENSES].rows == 1_048_576
    with pytest.raises(InputUnreadable, match=f"{L.S_EXPENSES}!XFD1048576"):
        preflight(path, sheets=[L.S_EXPENSES])


def test_a_parser_panic_becomes_a_japanese_message(tmp_path: Path) -> None:
    """python-calamine panics (a BaseException) on a sheet whose only cell is XFD1048576; users see a message."""
    from python_calamine import CalamineWorkbook

    path = tmp_path / "panic.xlsx"
    path.write_bytes(_sheet_book('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    with pytest.raises(InputUnreadable, match="panic.xlsx"), safety.parser_errors(path):
        book = CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_name(L.S_FACILITY).to_python(skip_empty_area=False)


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    path.write_bytes(corpus.raw_zip([(f"p{i}", b"\x03\x00", 0, 0) for i in range(parts.MAX_PARTS + 1)]))
    with pytest.raises(InputUnreadable, match="多すぎます"):
        preflight(path)
