"""The workbook's native formulas give exactly the engine's numbers and findings.

Many random facility inputs (seeded) and hand-picked edge cases are written into templates with fill_inputs,
recalculated by LibreOffice in one run, read back with python-calamine and compared with kaigo_xl.engine.evaluate:
every monthly 対象職員数, the average, the 加算総額, the payment of every month, and the ○/× of every check row
against the presence of the engine's finding code.
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
from kaigo_xl.workbook import layout, libreoffice
from kaigo_xl.workbook.template import build_template
from kaigo_xl.workbook.writer import write_workbook

pytestmark = pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice (soffice) がインストールされていません")

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
        "fiscal_year": r.choice([2025, 2025, 2025, 2025, 2026, 2027]),
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
    ]
    roster_trap = FacilityInput.model_validate(cases[0])
    assert fte.fte_from_hours(Decimal("581.25"), Decimal("38.75"), 30) == Decimal("3.5")
    return [roster_trap] + [FacilityInput.model_validate(c) for c in cases[1:]]


# ---------------------------------------------------------------- reading back


def _sheet(wb: CalamineWorkbook, name: str) -> list[list]:
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _at(rows: list[list], ref: str):
    col = ord(ref[0]) - ord("A")
    row = int(ref[1:]) - 1
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else ""


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> list[tuple[FacilityInput, Path]]:
    r = random.Random(20250314)
    inputs = edge_cases() + [random_input(r) for _ in range(N_RANDOM)]
    src = tmp_path_factory.mktemp("books")
    paths = []
    policy = Policy()
    for i, inp in enumerate(inputs):
        path = src / f"case{i:03d}.xlsx"
        write_workbook(build_template(policy, data=inp), path, backup=False)
        paths.append(path)
    out = libreoffice.recalculate_many(paths, tmp_path_factory.mktemp("recalc"), timeout=900)
    return list(zip(inputs, out, strict=True))


def _expected_target(ev, month: int):
    for row in ev.monthly:
        if row.month == month:
            return float(row.fte - row.tokutei_fte)
    return ""


def test_enough_cases(recalculated):
    assert len(recalculated) >= 100


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


def test_float_trap_roster_gives_three_and_a_half(recalculated):
    inp, path = recalculated[0]
    rows = _sheet(CalamineWorkbook.from_path(str(path)), layout.S_ROSTER)
    col = layout.roster_cols(4)[0]
    sochi = rows[layout.ROSTER_SUMMARY_ROWS["sochi"] - 1][col - 1]
    # 290.75 + 290.50 = 581.25 h → 3.5, plus the 常勤専従 (1) and the short-time ≥ 30 h/week person (1)
    assert sochi == 5.5
    assert evaluate(inp).monthly[0].fte - evaluate(inp).monthly[0].tokutei_fte == Decimal("5.5")
