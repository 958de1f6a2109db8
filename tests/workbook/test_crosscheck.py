"""The workbook's native formulas say exactly what `kaigo-xl check` says of the same book.

Many facility inputs (seeded random ones, hand-picked edge cases, numbers typed as text as people type them, and
cells a clerk gets wrong) are written into templates, recalculated by LibreOffice in one run and read back with
python-calamine. Each is compared with the engine run on the reader's reading of the same book: every monthly
対象職員数 of the 見込み and of the 実績, both averages and totals, the payment of every month, and on チェック, for
every finding code, the count of findings and the first cell they point at.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from support.crosscases import (
    POLICIES,
    edge_cases,
    long_texts,
    mistakes,
    random_input,
    typed_text,
)

from kaigo_xl.engine import evaluate
from kaigo_xl.findings import CODES, first_cell
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.reader import read_workbook
from kaigo_xl.workbook.reader.cells import number_text as _number_text
from kaigo_xl.workbook.template import build_template
from kaigo_xl.workbook.template import formulas as TF
from kaigo_xl.xlsx import libreoffice
from kaigo_xl.xlsx.save import write_workbook

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

N_RANDOM = 120
# Reader findings about the book itself, which no formula can see (README: what only the command says).
BOOK_ONLY = {"TEMPLATE_OLD", "SHEET_MISSING", "LAYOUT_CHANGED", "MACROS_IGNORED"}


def _sheet(wb: CalamineWorkbook, name: str) -> list[list]:
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _at(rows: list[list], ref: str):
    col = 0
    letters = ref.rstrip("0123456789")
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    row = int(ref[len(letters):]) - 1
    return rows[row][col - 1] if row < len(rows) and col - 1 < len(rows[row]) else ""


Case = tuple[FacilityInput, dict, Policy, str]  # input, cells typed over it, policy, name


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[tuple[Case, Path]]:
    r, typing, wrong = random.Random(20250314), random.Random(7), random.Random(11)
    names = list(POLICIES)
    cases: list[Case] = [(inp, {}, Policy(), f"edge{i}") for i, inp in enumerate(edge_cases())]
    cases.append((long_texts(), {}, Policy(), "long"))
    for i in range(N_RANDOM):
        inp = random_input(r)
        typed = typed_text(typing, inp) if typing.random() < 0.35 else {}
        if wrong.random() < 0.3:
            typed.update(mistakes(wrong, inp))
        policy = POLICIES[names[i % len(names)]] if i % 3 == 0 else Policy()
        cases.append((inp, typed, policy, f"random{i}"))
    src = tmp_path_factory.mktemp("books")
    out = []
    for i, (inp, typed, policy, name) in enumerate(cases):
        path = src / f"case{i:03d}.xlsx"
        wb = build_template(policy, data=inp)
        for (sheet, cell), value in typed.items():
            wb[sheet][cell].value = value
        write_workbook(wb, path, backup=False)
        out.append(((inp, typed, policy, name), path))
    return out


@pytest.fixture(scope="module")
def compared(books, tmp_path_factory) -> list[tuple[str, object, dict[str, list[list]]]]:
    """(case name, the engine's evaluation of the book as read, the recalculated sheets)."""
    recalculated = libreoffice.recalculate_many([p for _, p in books], tmp_path_factory.mktemp("recalc"), timeout=1200)
    out = []
    for ((_, _, policy, name), path), done in zip(books, recalculated, strict=True):
        inp, findings, locate = read_workbook(path)
        assert inp is not None, (name, findings)
        ev = evaluate(inp, policy, locate=locate, findings=findings)
        wb = CalamineWorkbook.from_path(str(done))
        sheets = {s: _sheet(wb, s) for s in (layout.S_MONTHLY, layout.S_CALC, layout.S_CHECKS)}
        out.append((name, ev, sheets))
    return out


def test_enough_cases(books):
    assert len(books) >= 130
    assert sum(1 for (_, typed, _, _), _ in books if typed) >= 40


def test_the_reader_reads_typed_text_as_the_engine_input(books):
    """So the engine's side of every comparison is what a user's typed-text book really gives."""
    for (inp, typed, _, name), path in books:
        if not typed or any(v is None or not isinstance(v, str) or _number_text(v, "yen") is None
                            for v in typed.values()):
            continue  # only books whose typed cells are all readable numbers
        got, _, _ = read_workbook(path)
        assert got is not None, name
        assert got.payment == inp.payment and got.received_yen == inp.received_yen, name
        assert [(e.planned_yen, e.actual_yen) for e in got.expenses] == \
            [(e.planned_yen, e.actual_yen) for e in inp.expenses], name


def _targets(rows, col: str) -> list:
    return [_at(rows, f"{col}{layout.MONTH_ROW[m]}") for m in FISCAL_MONTHS]


def _expected(side) -> list:
    if side is None:
        return None
    by_month = {row.month: row for row in side.monthly}
    return [float(by_month[m].fte - by_month[m].tokutei_fte) if m in by_month else "" for m in FISCAL_MONTHS]


def test_monthly_targets_of_plan_and_actual_equal_engine(compared):
    for name, ev, sheets in compared:
        rows = sheets[layout.S_MONTHLY]
        assert _targets(rows, layout.COL_TARGET) == _expected(ev.plan), name
        if ev.phase == "report":
            assert _targets(rows, layout.COL_ACTUAL_TARGET) == _expected(ev.actual), name


def _same_total(got_avg, got_yen, result) -> bool:
    if result is None:
        return (got_avg, got_yen) == ("", "")
    return abs(got_avg - float(result.average)) <= 1e-9 and got_yen == result.annual_yen


def test_averages_and_totals_equal_engine(compared):
    for name, ev, sheets in compared:
        rows, c = sheets[layout.S_CALC], layout.CALC_CELLS
        assert _same_total(_at(rows, c["average"]), _at(rows, c["annual"]), ev.plan.result), name
        actual = ev.actual.result if ev.actual is not None else None
        assert _same_total(_at(rows, c["actual_average"]), _at(rows, c["actual_annual"]), actual), name
        if ev.result is not None:
            assert float(ev.annual_yen).is_integer()


def test_payments_equal_engine(compared):
    for name, ev, sheets in compared:
        got = [_at(sheets[layout.S_CALC], f"C{row}") for row in layout.CALC_PAYMENT_ROWS]
        if not ev.payments:
            assert got == [""] * 12, name
        else:
            by_month = {p.month: p.yen for p in ev.payments}
            assert got == [by_month.get(m, 0) for m in FISCAL_MONTHS], name


def test_settlement_equals_engine(compared):
    for name, ev, sheets in compared:
        rows, c = sheets[layout.S_CALC], layout.CALC_CELLS
        st = ev.settlement
        assert _at(rows, c["refund"]) == (st.refund_yen if st else ""), name
        assert _at(rows, c["additional"]) == (st.additional_yen if st else ""), name


def _book_findings(rows) -> dict[str, tuple[int, str]]:
    """code → (count, first place) as チェック shows them (rows with the same code add up)."""
    out: dict[str, tuple[int, str]] = {}
    for row in range(layout.CHECK_FIRST_ROW, len(rows) + 1):
        code = _at(rows, f"{layout.CHECK_COL_CODE}{row}")
        if not code:
            continue
        n = int(_at(rows, f"{layout.CHECK_COL_COUNT}{row}") or 0)
        place = _at(rows, f"{layout.CHECK_COL_PLACE}{row}")
        before = out.get(code, (0, ""))
        out[code] = (before[0] + n, before[1] or place)
        assert (_at(rows, f"{layout.CHECK_COL_RESULT}{row}") == "×") == (n > 0)
        if n:
            assert _at(rows, f"{layout.CHECK_COL_WHERE}{row}") == place  # the link shows the cell it jumps to
    return out


def test_check_rows_count_and_point_at_what_the_command_says(compared):
    seen: set[str] = set()
    for name, ev, sheets in compared:
        book = _book_findings(sheets[layout.S_CHECKS])
        engine: dict[str, list] = {}
        for f in ev.findings:
            engine.setdefault(f.code, []).append(f)
        assert set(engine) - set(book) <= BOOK_ONLY, (name, set(engine) - set(book))
        for code, (n, place) in book.items():
            found = engine.get(code, [])
            assert n == len(found), (name, code, n, [str(f) for f in found])
            if found:
                assert place == first_cell(found[0].location), (name, code, place, found[0].location)
                seen.add(code)
    assert {"INPUT_INVALID", "INPUT_NORMALISED", "FTE_PRECISION", "EXP_TECHNOLOGY_SUSPECTED", "TEXT_TOO_LONG",
            "MONTH_MISSING", "ROSTER_JOB_NOT_COUNTED", "REQ_STILL_PLANNED", "REFUND_DUE", "YEN_ROUNDED"} <= seen, \
        sorted(set(CODES) - seen)
    assert len(seen) >= 36, sorted(set(CODES) - seen)


def test_the_verdict_counts_errors_as_the_command_does(compared):
    for name, ev, sheets in compared:
        rows = sheets[layout.S_CHECKS]
        errors = sum(1 for f in ev.findings if f.severity == "error")
        assert _at(rows, layout.CHECK_VERDICT_CELL) == ("×" if errors else "○"), name
        assert _at(rows, "D3").startswith(f"エラー {errors}件"), (name, _at(rows, "D3"))


def test_float_trap_roster_gives_three_and_a_half(compared):
    name, ev, sheets = compared[0]
    april = ev.actual.monthly[0]
    # 290.75 + 290.50 = 581.25 h → 3.5, plus the 常勤専従 (1) and the short-time ≥ 30 h/week person (1)
    assert april.fte - april.tokutei_fte == Decimal("5.5")
    assert _at(sheets[layout.S_MONTHLY], f"{layout.COL_ACTUAL_TARGET}{layout.MONTHLY_ROWS[0]}") == 5.5


def test_helper_cells_read_text_exactly_as_the_reader(tmp_path):
    """Every form the reader accepts or refuses, in each kind of number cell, against reader.number_text."""
    from openpyxl import Workbook

    texts = ["１０．５", " 10.5 ", "54,000円", "1,234", "10.5人", "¥54,000", "￥５４，０００円", "5,4000", "1,2345.5", "1e3",
             "10%", "4/1", "-5", "−５", "＋５", "5.", ".5", ".", "1,000.", "1,000.5", "　", "abc", "10.5時間", "5.0", "5.5",
             "¥¥100", "100¥", "\\100", "1,000,000円", ",100", "1.2.3", "000,123", "+-5", "1 000", "１０人", "1:30", "(5)",
             "$5", "TRUE", "４月", "5回", "5円", "2025年度", "10,5"]
    kinds = ("fte", "yen", "int")
    wb = Workbook()
    ws = wb.active
    ws.title = layout.S_EXPENSES
    for i, text in enumerate(texts, start=1):
        for j, kind in enumerate(kinds):
            cell = f"C{len(texts) * j + i}"
            ws[cell] = text
            for ref, formula in TF.num_helpers(layout.S_EXPENSES, cell, kind).items():
                ws[ref] = formula
    wb.save(tmp_path / "texts.xlsx")
    out = libreoffice.recalculate_many([tmp_path / "texts.xlsx"], tmp_path / "out")[0]
    rows = _sheet(CalamineWorkbook.from_path(str(out)), layout.S_EXPENSES)
    value_col = TF.num_cells(layout.S_EXPENSES, "C1")[-1].rstrip("1")
    for i, text in enumerate(texts, start=1):
        for j, kind in enumerate(kinds):
            normal = _number_text(text, kind) if text.strip() else ""
            expected = "" if normal == "" else TF.NOT_A_NUMBER if normal is None else Decimal(normal)
            if kind in TF.INTEGER_KINDS and isinstance(expected, Decimal) and expected != int(expected):
                expected = TF.NOT_A_NUMBER
            got = _at(rows, f"{value_col}{len(texts) * j + i}")
            assert got == (float(expected) if isinstance(expected, Decimal) else expected), (kind, text, got)
