"""The workbook's native formulas give exactly the engine's numbers and findings.

Many random facility inputs (seeded) and hand-picked edge cases are written into templates with fill_inputs,
recalculated by LibreOffice in one run, read back with python-calamine and compared with kaigo_xl.engine.evaluate:
every monthly 対象職員数, the average, the 加算総額, the payment of every month, and the ○/× of every check row
against the presence of the engine's finding code.

Some books have their numbers typed as text, as people do (「１０．５」「54,000円」「 4 」): the reader reads those as
numbers, so the sheet's formulas must too. For those books the reader's reading is checked against the input as well.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from kaigo_xl.engine import evaluate
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.rules import fte
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.reader import read_workbook
from kaigo_xl.workbook.reader.cells import number_text as _number_text
from kaigo_xl.workbook.template import build_template
from kaigo_xl.workbook.template import formulas as TF
from kaigo_xl.xlsx import libreoffice
from kaigo_xl.xlsx.save import write_workbook

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

N_RANDOM = 110
CODES = [f"{chr(0x2460 + i)}" for i in range(20)] + [chr(0x3251 + i) for i in range(8)]  # ①…⑳ ㉑…㉘


# ---------------------------------------------------------------- inputs


def _tenths(r: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(r.randint(lo, hi)) / 10


def _monthly(r: random.Random) -> list[dict]:
    rows = []
    fine = r.random() < 0.15  # some facilities know hundredths (tests the yen rounding)
    for m in FISCAL_MONTHS:
        total = Decimal(r.randint(0, 3000)) / 100 if fine else _tenths(r, 0, 300)
        if r.random() < 0.1:
            total = Decimal(0)
        tok = _tenths(r, 0, int(total * 10)) if r.random() < 0.5 else Decimal(0)
        rows.append({"month": m, "fte": total, "tokutei_fte": tok})
    trouble = r.random()
    if trouble < 0.05:
        del rows[r.randrange(12)]  # MONTH_MISSING
    elif trouble < 0.08:
        rows[r.randrange(12)]["fte"] = Decimal("-1.0")  # FTE_NEGATIVE
    elif trouble < 0.11:
        i = r.randrange(12)
        rows[i]["tokutei_fte"] = rows[i]["fte"] + Decimal("0.5")  # TOKUTEI_EXCEEDS_FTE
    elif trouble < 0.13:
        rows[r.randrange(12)]["fte"] = Decimal("1200")  # FTE_TOO_LARGE
    return rows


def _quarter(r: random.Random, hi: int) -> Decimal:
    return Decimal(r.randint(0, hi * 4)) / 4


def _roster(r: random.Random) -> dict:
    jobs = ["支援員", "主任支援員", "介護職員", "介護職員", "支援員", "生活相談員", "看護職員", "調理員"]
    staff = []
    for i in range(r.randint(1, 12)):
        pattern = r.choice("AABCD")
        sochi, tok = {}, {}
        side = r.random()
        for m in FISCAL_MONTHS:
            if r.random() < 0.1:
                continue  # no hours this month
            if side < 0.6:
                sochi[m] = _quarter(r, 200)
            elif side < 0.8:
                tok[m] = _quarter(r, 200)
            else:
                sochi[m], tok[m] = _quarter(r, 120), _quarter(r, 120)
        if r.random() < 0.03:
            sochi[r.choice(FISCAL_MONTHS)] = Decimal(800)  # ROSTER_HOURS_INVALID
        staff.append({"name": f"職員{i + 1}", "job": r.choice(jobs), "pattern": pattern,
                      "short_time": r.random() < 0.25, "sochi_hours": sochi, "tokutei_hours": tok})
    weekly = r.choice([Decimal(40), Decimal("38.75"), Decimal("37.5"), Decimal(30), Decimal(32)])
    return {"weekly_fulltime_hours": weekly, "staff": staff}


def _initiatives(r: random.Random) -> list[dict]:
    out = []
    for code in "アイウ":
        if r.random() < 0.45:
            out.append({"code": code, "status": r.choice(["実施済", "実施予定"]),
                        "detail": "" if r.random() < 0.1 else f"{code}の取組"})
    for _ in range(r.choice([0, 0, 1, 2, 3])):
        code = r.choice(CODES + ["⑰", "⑱", "㉓"])
        if r.random() < 0.03:
            code = "㉙"  # REQ_UNKNOWN_ITEM
        out.append({"code": code, "status": r.choice(["実施済", "実施予定"]), "detail": f"{code}の取組"})
    return out


def _expenses(r: random.Random, phase: str | None) -> list[dict]:
    cats = ["人件費", "人件費", "職場環境改善経費", "賃金改善", "介護テクノロジー機器購入", "備品"]
    out = []
    for i in range(r.choice([0, 1, 2, 3, 4])):
        cat = r.choice(cats) if r.random() < 0.3 else r.choice(cats[:3])
        planned = r.choice([None, r.randint(0, 600_000)])
        actual = r.randint(0, 600_000) if (phase == "report" or r.random() < 0.3) and r.random() < 0.8 else None
        if r.random() < 0.03:
            planned = -1000  # EXP_NEGATIVE
        elif r.random() < 0.02:
            actual = 10**10 + 1  # EXP_TOO_LARGE (the engine caps the line at policy.yen_max)
        out.append({"category": cat, "description": f"経費{i + 1}", "planned_yen": planned, "actual_yen": actual})
    return out


def random_input(r: random.Random) -> FacilityInput:
    ftype = r.choice(["養護", "軽費"])
    phase = r.choice([None, "plan", "report"])
    first = r.choice(FISCAL_MONTHS)
    left = 12 - FISCAL_MONTHS.index(first)
    n = r.randint(1, left)
    pay = r.random()
    if pay < 0.05:
        n = left + 1  # PAY_BEYOND_FISCAL_YEAR (or invalid when 13)
    elif pay < 0.07:
        n = r.choice([0, 13])
    elif pay < 0.09:
        first = r.choice([0, 13])
    data = {
        "facility": {"name": "" if r.random() < 0.05 else f"テスト{r.randint(1, 999)}", "type": ftype,
                     "number": "" if r.random() < 0.1 else str(r.randint(10**9, 10**10 - 1)),
                     "tokutei_designated": r.choice([True, False, None])},
        "fiscal_year": r.choice([2024, 2025, 2025, 2025, 2025, 2026, 2027]),  # 2024: FY_BEFORE_START
        "monthly": _monthly(r),
        "initiatives": _initiatives(r),
        "expenses": _expenses(r, phase),
        "payment": {"installments": n, "first_month": first},
        "received_yen": r.choice([None, None, r.randint(0, 2_000_000)]),
        "phase": phase,
        "submitted_on": r.choice([None, "2026-04-15", "2026-04-30", "2026-05-01", "2027-05-06"]),
    }
    if r.random() < 0.3:
        data["roster"] = _roster(r)
    return FacilityInput.model_validate(data)


def _base(**over) -> dict:
    data = {"facility": {"name": "端数荘", "type": "養護", "number": "1"}, "fiscal_year": 2025,
            "initiatives": [{"code": "ア", "status": "実施済", "detail": "棚卸し"}],
            "expenses": [{"category": "人件費", "planned_yen": 10_000_000}],
            "payment": {"installments": 12, "first_month": 4}}
    data.update(over)
    return data


def _months(values: list[int]) -> list[dict]:
    return [{"month": m, "fte": Decimal(v) / 10} for m, v in zip(FISCAL_MONTHS, values)]


def edge_cases() -> list[FacilityInput]:
    float_trap = {"weekly_fulltime_hours": Decimal("38.75"), "staff": [
        {"job": "支援員", "pattern": "C", "sochi_hours": {m: Decimal("290.75") for m in FISCAL_MONTHS}},
        {"job": "支援員", "pattern": "D", "sochi_hours": {m: Decimal("290.50") for m in FISCAL_MONTHS}},
        {"job": "主任支援員", "pattern": "A", "sochi_hours": {m: Decimal(100) for m in FISCAL_MONTHS}},
        {"job": "支援員", "pattern": "B", "short_time": True,
         "sochi_hours": {m: Decimal(130) for m in FISCAL_MONTHS}, "tokutei_hours": {5: Decimal(10)}},
        {"job": "介護職員", "pattern": "A", "sochi_hours": {m: Decimal(160) for m in FISCAL_MONTHS}},
    ]}
    cases = [
        _base(roster=float_trap),  # 581.25 h in a 30-day month at 38.75 h/week: exactly 3.5, not 3.4
        _base(monthly=_months([115, 96, 115, 73, 107, 103, 117, 96, 95, 96, 107, 70])),  # float sum 118.99999…
        _base(monthly=_months([79, 78, 108, 87, 52, 103, 62, 73, 87, 65, 92, 114])),  # float sum 100.00000…01
        _base(monthly=_months([0] * 12)),  # NO_TARGET_STAFF
        _base(monthly=_months([0, 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15])),  # opened in July
        _base(monthly=[{"month": m, "fte": Decimal("10.8"), "tokutei_fte": Decimal("2.1")} for m in FISCAL_MONTHS],
              payment={"installments": 7, "first_month": 9}),
        _base(monthly=_months([33] * 12), payment={"installments": 6, "first_month": 10},
              expenses=[{"category": "人件費", "planned_yen": 100, "actual_yen": 50_000}], received_yen=200_000),
        _base(monthly=_months([40] * 12), fiscal_year=2024, phase="report"),  # FY_BEFORE_START, ACTUAL_MISSING
        _base(monthly=_months([40] * 12), phase="report",
              expenses=[{"category": "人件費", "planned_yen": 300_000, "actual_yen": 150_000}]),  # RECEIVED_MISSING
    ]
    roster_trap = FacilityInput.model_validate(cases[0])
    assert fte.fte_from_hours(Decimal("581.25"), Decimal("38.75"), 30) == Decimal("3.5")
    return [roster_trap] + [FacilityInput.model_validate(c) for c in cases[1:]]


# ---------------------------------------------------------------- numbers typed as text

Typed = dict[tuple[str, str], object]  # (sheet, cell) → what the user typed instead of the number
_WIDE = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


def _as_text(r: random.Random, v: Decimal | int, kind: str) -> str:
    """One way a person types the number `v` as text that the reader accepts (reader._number_text)."""
    plain = format(v, "f") if isinstance(v, Decimal) else str(v)
    grouped = format(v, ",") if abs(v) >= 1000 and v == int(v) else plain
    unit = {"fte": "人", "yen": "円", "hours": "時間", "int": r.choice(["回", "人", "月"])}[kind]
    forms = [plain.translate(_WIDE), f" {plain} ", f"　{plain}", plain + unit, plain.translate(_WIDE) + unit, grouped,
             grouped + unit]
    if kind == "yen":
        forms += [f"¥{grouped}", f"￥{grouped.translate(_WIDE)}円"]
    text = r.choice(forms)
    assert _number_text(text, kind) is not None and Decimal(_number_text(text, kind)) == v, text
    return text


def typed_text(r: random.Random, inp: FacilityInput) -> Typed:
    """Some number cells of `inp`'s book retyped as text: monthly FTEs, the payment plan, 受領額, amounts."""
    out: Typed = {}
    for m in inp.monthly:
        row = layout.MONTH_ROW[m.month]
        for col, v in ((layout.COL_FTE, m.fte), (layout.COL_TOKUTEI, m.tokutei_fte)):
            if r.random() < 0.4:
                out[(layout.S_MONTHLY, f"{col}{row}")] = _as_text(r, v, "fte")
    facility = {"payment.installments": (inp.payment.installments, "int"),
                "payment.first_month": (inp.payment.first_month, "int"), "received_yen": (inp.received_yen, "yen")}
    for key, (v, kind) in facility.items():
        if v is not None and r.random() < 0.6:
            out[(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell)] = _as_text(r, v, kind)
    for row, e in zip(layout.EXPENSE_ROWS, inp.expenses):
        for col, v in ((layout.EXP_COL_PLANNED, e.planned_yen), (layout.EXP_COL_ACTUAL, e.actual_yen)):
            if v is not None and r.random() < 0.5:
                out[(layout.S_EXPENSES, f"{col}{row}")] = _as_text(r, v, "yen")
    if inp.roster is not None and r.random() < 0.6:
        out[(layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL)] = _as_text(r, inp.roster.weekly_fulltime_hours, "hours")
    return out


def refused_text_cases() -> list[tuple[FacilityInput, Typed]]:
    """Typed text the reader refuses: the engine gets no value there, and neither do the formulas."""
    report = _base(monthly=_months([40] * 12), phase="report", payment={"installments": 12, "first_month": 4},
                   expenses=[{"category": "人件費", "planned_yen": 100_000, "actual_yen": 200_000},
                             {"category": "職場環境改善経費", "actual_yen": 30_000}])
    no_april = dict(report, monthly=_months([40] * 12)[1:])
    no_planned = dict(report, expenses=[{"category": "人件費", "actual_yen": 200_000},
                                        {"category": "職場環境改善経費", "actual_yen": 30_000}])
    s, f, e = layout.S_MONTHLY, layout.S_FACILITY, layout.S_EXPENSES
    received = layout.FIELD_BY_KEY["received_yen"].cell
    first = FacilityInput.model_validate(_base(monthly=_months([40] * 12)) | {"roster": {
        "staff": [{"job": "支援員", "pattern": "C", "sochi_hours": {m: Decimal("290.75") for m in FISCAL_MONTHS}}]}})
    week = (layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL)
    return [
        (first, {week: None}),  # blank weekly hours: the model's 40 hours
        (first, {week: "38.75h"}),  # unreadable: 40 hours as well
        (first, {week: "-38.75"}),  # not positive: 40 hours
        (FacilityInput.model_validate(report), {(f, received): "5,4000"}),  # not groups of three: RECEIVED_MISSING
        (FacilityInput.model_validate(report), {(f, received): "54000人"}),  # a unit of another kind
        (FacilityInput.model_validate(no_april), {(s, "C6"): "4.0時間"}),  # hours in an FTE cell: MONTH_MISSING
        (FacilityInput.model_validate(no_april), {(s, "C6"): "1e1"}),  # exponent
        (FacilityInput.model_validate(no_planned), {(e, f"C{layout.EXPENSE_ROWS[0]}"): "100,000.5円"}),  # fraction
        (FacilityInput.model_validate(no_planned), {(e, f"C{layout.EXPENSE_ROWS[0]}"): 100000.5}),  # typed number
        (FacilityInput.model_validate(report), {(s, "C7"): "４．０人", (s, "D8"): " 0 ",
                                                (f, layout.FIELD_BY_KEY["payment.installments"].cell): "１２回",
                                                (f, layout.FIELD_BY_KEY["payment.first_month"].cell): "4月",
                                                (e, f"D{layout.EXPENSE_ROWS[1]}"): "¥30,000"}),  # all accepted
    ]


# ---------------------------------------------------------------- reading back


def _sheet(wb: CalamineWorkbook, name: str) -> list[list]:
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _at(rows: list[list], ref: str):
    col = ord(ref[0]) - ord("A")
    row = int(ref[1:]) - 1
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else ""


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[tuple[FacilityInput, Typed, Path]]:
    """(engine input, cells typed as text, written book) of every case."""
    r, typing = random.Random(20250314), random.Random(7)
    cases: list[tuple[FacilityInput, Typed]] = [(inp, {}) for inp in edge_cases()]
    for _ in range(N_RANDOM):
        inp = random_input(r)
        cases.append((inp, typed_text(typing, inp) if typing.random() < 0.35 else {}))
    cases += refused_text_cases()
    src = tmp_path_factory.mktemp("books")
    out = []
    policy = Policy()
    for i, (inp, typed) in enumerate(cases):
        path = src / f"case{i:03d}.xlsx"
        wb = build_template(policy, data=inp)
        for (sheet, cell), value in typed.items():
            wb[sheet][cell].value = value
        write_workbook(wb, path, backup=False)
        out.append((inp, typed, path))
    return out


@pytest.fixture(scope="module")
def recalculated(books, tmp_path_factory) -> list[tuple[FacilityInput, Path]]:
    out = libreoffice.recalculate_many([p for _, _, p in books], tmp_path_factory.mktemp("recalc"), timeout=900)
    return [(inp, path) for (inp, _, _), path in zip(books, out, strict=True)]


def _expected_target(ev, month: int):
    for row in ev.monthly:
        if row.month == month:
            return float(row.fte - row.tokutei_fte)
    return ""


def test_enough_cases(recalculated, books):
    assert len(recalculated) >= 100
    assert sum(1 for _, typed, _ in books if typed) >= 30


def test_the_reader_reads_typed_text_as_the_engine_input(books):
    """So the engine's side of every comparison is what a user's typed-text book really gives."""
    for i, (inp, typed, path) in enumerate(books):
        if not typed:
            continue
        got, _, _ = read_workbook(path)
        assert got is not None, f"case {i}"
        if inp.roster is None:  # with a roster both the reader and the sheet take the months from the hours
            assert got.monthly == inp.monthly, f"case {i}"
        assert got.payment == inp.payment and got.received_yen == inp.received_yen, f"case {i}"
        if inp.roster is not None:
            assert got.roster is not None and got.roster.weekly_fulltime_hours == inp.roster.weekly_fulltime_hours
        assert [(e.planned_yen, e.actual_yen) for e in got.expenses] == \
            [(e.planned_yen, e.actual_yen) for e in inp.expenses], f"case {i}"


def test_helper_cells_read_text_exactly_as_the_reader(tmp_path):
    """Every form the reader accepts or refuses, in each kind of number cell, against reader._number_text."""
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


def test_monthly_target_fte_equals_engine(recalculated):
    for i, (inp, path) in enumerate(recalculated):
        ev = evaluate(inp)
        rows = _sheet(CalamineWorkbook.from_path(str(path)), layout.S_MONTHLY)
        got = [_at(rows, f"{layout.COL_TARGET}{layout.MONTH_ROW[m]}") for m in FISCAL_MONTHS]
        assert got == [_expected_target(ev, m) for m in FISCAL_MONTHS], f"case {i}"


def test_average_and_annual_equal_engine(recalculated):
    for i, (inp, path) in enumerate(recalculated):
        ev = evaluate(inp)
        rows = _sheet(CalamineWorkbook.from_path(str(path)), layout.S_CALC)
        average, annual = _at(rows, layout.CALC_CELLS["average"]), _at(rows, layout.CALC_CELLS["annual"])
        if ev.result is None:
            assert (average, annual) == ("", ""), f"case {i}"
        else:
            assert abs(average - float(ev.average)) <= 1e-9, f"case {i}"
            assert annual == ev.annual_yen and float(annual).is_integer(), f"case {i}"


def test_payments_equal_engine(recalculated):
    for i, (inp, path) in enumerate(recalculated):
        ev = evaluate(inp)
        rows = _sheet(CalamineWorkbook.from_path(str(path)), layout.S_CALC)
        got = [_at(rows, f"C{row}") for row in layout.CALC_PAYMENT_ROWS]
        if not ev.payments:
            assert got == [""] * 12, f"case {i}"
        else:
            by_month = {p.month: p.yen for p in ev.payments}
            assert got == [by_month.get(m, 0) for m in FISCAL_MONTHS], f"case {i}"
            assert sum(got) == ev.annual_yen


def test_check_rows_match_engine_findings(recalculated):
    seen_x: set[str] = set()
    for i, (inp, path) in enumerate(recalculated):
        codes = {f.code for f in evaluate(inp).findings}
        rows = _sheet(CalamineWorkbook.from_path(str(path)), layout.S_CHECKS)
        marks: dict[str, set[str]] = {}
        for row in range(layout.CHECK_FIRST_ROW, len(rows) + 1):
            code = _at(rows, f"{layout.CHECK_COL_CODE}{row}")
            if code:
                marks.setdefault(code, set()).add(_at(rows, f"{layout.CHECK_COL_RESULT}{row}"))
        for code, results in marks.items():
            expected = "×" if code in codes else "○"
            assert ("×" in results) == (expected == "×"), f"case {i}: {code} {results} vs engine {sorted(codes)}"
        seen_x |= {c for c, res in marks.items() if "×" in res}
        errors = any(f.severity == "error" for f in evaluate(inp).findings if f.code in marks)
        assert _at(rows, "C3") == ("×" if errors else "○"), f"case {i}"
    # the random cases exercise most checks in both directions
    assert len(seen_x) >= 18, sorted(seen_x)
    assert {"FY_BEFORE_START", "FY_RATE_UNCONFIRMED", "ACTUAL_MISSING", "RECEIVED_MISSING"} <= seen_x, sorted(seen_x)


def test_float_trap_roster_gives_three_and_a_half(recalculated):
    inp, path = recalculated[0]
    rows = _sheet(CalamineWorkbook.from_path(str(path)), layout.S_ROSTER)
    col = layout.roster_cols(4)[0]
    sochi = rows[layout.ROSTER_SUMMARY_ROWS["sochi"] - 1][col - 1]
    # 290.75 + 290.50 = 581.25 h → 3.5, plus the 常勤専従 (1) and the short-time ≥ 30 h/week person (1)
    assert sochi == 5.5
    assert evaluate(inp).monthly[0].fte - evaluate(inp).monthly[0].tokutei_fte == Decimal("5.5")
