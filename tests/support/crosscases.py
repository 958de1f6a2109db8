"""Facility inputs for the three-engine cross-check: seeded random inputs, hand-picked edge cases, numbers typed as
text the way people type them, and cells a clerk gets wrong (text in a number cell, a missing number, a status out
of the list …). Each case is written into a template; the LibreOffice recalculation of its formulas must say what
the reader and the engine say of the same book."""

from __future__ import annotations

import random
from decimal import Decimal

from kaigo_xl.models import FISCAL_MONTHS, FacilityInput
from kaigo_xl.policy import Policy, RequirementRule
from kaigo_xl.rules import fte, printing
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.reader.cells import number_text

CODES = [f"{chr(0x2460 + i)}" for i in range(20)] + [chr(0x3251 + i) for i in range(8)]  # ①…⑳ ㉑…㉘
Typed = dict[tuple[str, str], object]  # (sheet, cell) → what the user typed instead

POLICIES = {
    "default": Policy(),
    "lenient": Policy(report_requires_done=False, rates_by_fiscal_year={2026: 60_000}, municipality="見本市"),
    "own_set": Policy(requirements=[RequirementRule(label="生産性向上から2件", category="productivity", min_count=2)],
                      divisor=11, yen_rounding="half_up", fte_max=Decimal(50), yen_max=1_000_000),
    "one_rate": Policy(rate_yen=54_000, refund_includes_overpayment=False),
}


# ---------------------------------------------------------------- random inputs


def _tenths(r: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(r.randint(lo, hi)) / 10


def _months(r: random.Random, troubles: bool = True) -> list[dict]:
    rows = []
    fine = r.random() < 0.15  # some facilities know hundredths (FTE_PRECISION, and the yen rounding)
    for m in FISCAL_MONTHS:
        total = Decimal(r.randint(0, 3000)) / 100 if fine else _tenths(r, 0, 300)
        if r.random() < 0.1:
            total = Decimal(0)
        tok = _tenths(r, 0, int(total * 10)) if r.random() < 0.5 else Decimal(0)
        rows.append({"month": m, "fte": total, "tokutei_fte": tok})
    trouble = r.random() if troubles else 1.0
    if trouble < 0.05:
        del rows[r.randrange(12)]  # MONTH_MISSING
    elif trouble < 0.08:
        rows[r.randrange(12)]["fte"] = Decimal("-1.0")  # FTE_NEGATIVE
    elif trouble < 0.11:
        i = r.randrange(12)
        rows[i]["tokutei_fte"] = rows[i]["fte"] + Decimal("0.5")  # TOKUTEI_EXCEEDS_FTE
    elif trouble < 0.13:
        rows[r.randrange(12)]["fte"] = Decimal("1200")  # FTE_TOO_LARGE
    elif trouble < 0.15:
        rows[r.randrange(12)]["fte"] = Decimal("10.005")  # three decimals: YEN_ROUNDED
    return rows


def _quarter(r: random.Random, hi: int) -> Decimal:
    return Decimal(r.randint(0, hi * 4)) / 4


def _roster(r: random.Random) -> dict:
    jobs = ["支援員", "主任支援員", "介護職員", "介護職員", "支援員", "生活相談員", "看護職員", "調理員"]
    staff = []
    for i in range(r.randint(1, 12)):
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
        staff.append({"name": f"職員{i + 1}", "job": r.choice(jobs), "pattern": r.choice("AABCD"),
                      "short_time": r.random() < 0.25, "sochi_hours": sochi, "tokutei_hours": tok})
    weekly = r.choice([Decimal(40), Decimal("38.75"), Decimal("37.5"), Decimal(30), Decimal(32)])
    return {"weekly_fulltime_hours": weekly, "staff": staff}


def _initiatives(r: random.Random) -> list[dict]:
    out = []
    for code in "アイウ":
        if r.random() < 0.45:
            detail = "" if r.random() < 0.1 else f"{code}の取組" * (30 if r.random() < 0.05 else 1)
            out.append({"code": code, "status": r.choice(["実施済", "実施予定"]), "detail": detail})
    for _ in range(r.choice([0, 0, 1, 2, 3])):
        code = r.choice(CODES + ["⑰", "⑱", "㉓"])
        if r.random() < 0.03:
            code = "㉙"  # REQ_UNKNOWN_ITEM
        out.append({"code": code, "status": r.choice(["実施済", "実施予定"]), "detail": f"{code}の取組"})
    return out


def _expenses(r: random.Random, phase: str | None) -> list[dict]:
    cats = ["人件費", "人件費", "職場環境改善経費", "賃金改善", "介護テクノロジー機器購入", "備品", "介護ロボット"]
    words = ["手当", "研修の受講料", "見守りセンサーの購入", "ｲﾝｶﾑ一式", "募集広告", "ＩＣＴ機器の保守"]
    out = []
    for _ in range(r.choice([0, 1, 2, 3, 4])):
        cat = r.choice(cats) if r.random() < 0.3 else r.choice(cats[:3])
        planned = r.choice([None, r.randint(0, 600_000)])
        actual = r.randint(0, 600_000) if (phase == "report" or r.random() < 0.3) and r.random() < 0.8 else None
        if r.random() < 0.03:
            planned = -1000  # EXP_NEGATIVE
        elif r.random() < 0.02:
            actual = 10**10 + 1  # EXP_TOO_LARGE
        description = r.choice(words) * (12 if r.random() < 0.05 else 1)  # TEXT_TOO_LONG now and then
        out.append({"category": cat, "description": description, "planned_yen": planned, "actual_yen": actual})
    return out


def random_input(r: random.Random) -> FacilityInput:
    ftype = r.choice(["養護", "軽費"])
    phase = r.choice([None, "plan", "report", "report"])
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
    name = "" if r.random() < 0.05 else f"テスト{r.randint(1, 999)}" + ("荘" * 40 if r.random() < 0.03 else "")
    data = {
        "facility": {"name": name, "type": ftype, "number": "" if r.random() < 0.1 else str(r.randint(10**9, 10**10 - 1)),
                     "tokutei_designated": r.choice([True, False, None])},
        "fiscal_year": r.choice([2024, 2025, 2025, 2025, 2025, 2026, 2027]),  # 2024: FY_BEFORE_START
        "monthly": _months(r),
        "initiatives": _initiatives(r),
        "expenses": _expenses(r, phase),
        "payment": {"installments": n, "first_month": first},
        "received_yen": r.choice([None, None, r.randint(0, 2_000_000)]),
        "phase": phase,
        "submitted_on": r.choice([None, "2026-04-15", "2026-04-30", "2026-05-01", "2027-05-06"]),
    }
    actual = r.random()
    if actual < 0.5:
        data["monthly_actual"] = _months(r)  # the 実績 apart from the 見込み
    elif actual < 0.6:
        data["monthly_actual"] = []
    if r.random() < 0.3:
        data["roster"] = _roster(r)
    return FacilityInput.model_validate(data)


# ---------------------------------------------------------------- hand-picked cases


def _base(**over) -> dict:
    data = {"facility": {"name": "端数荘", "type": "養護", "number": "1"}, "fiscal_year": 2025,
            "initiatives": [{"code": "ア", "status": "実施済", "detail": "棚卸し"}],
            "expenses": [{"category": "人件費", "planned_yen": 10_000_000}],
            "payment": {"installments": 12, "first_month": 4}}
    data.update(over)
    return data


def months(values: list[int]) -> list[dict]:
    return [{"month": m, "fte": Decimal(v) / 10} for m, v in zip(FISCAL_MONTHS, values)]


SPENT = [{"category": "人件費", "description": "手当", "planned_yen": 300_000, "actual_yen": 150_000}]


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
        _base(monthly=months([30] * 12), roster=float_trap, phase="report", expenses=SPENT),  # 581.25 h → 3.5
        _base(monthly=months([115, 96, 115, 73, 107, 103, 117, 96, 95, 96, 107, 70])),  # float sum 118.99999…
        _base(monthly=months([79, 78, 108, 87, 52, 103, 62, 73, 87, 65, 92, 114])),  # float sum 100.00000…01
        _base(monthly=months([0] * 12)),  # NO_TARGET_STAFF
        _base(monthly=months([0, 0, 0, 15, 15, 15, 15, 15, 15, 15, 15, 15])),  # opened in July
        _base(monthly=[{"month": m, "fte": Decimal("10.8"), "tokutei_fte": Decimal("2.1")} for m in FISCAL_MONTHS],
              payment={"installments": 7, "first_month": 9}),
        _base(monthly=months([33] * 12), payment={"installments": 6, "first_month": 10},
              expenses=[{"category": "人件費", "planned_yen": 100, "actual_yen": 50_000}], received_yen=200_000),
        _base(monthly=months([40] * 12), fiscal_year=2024, phase="report"),  # FY_BEFORE_START, ACTUAL_MISSING
        _base(monthly=months([40] * 12), phase="report", expenses=SPENT),  # an old report file: monthly as 実績
        _base(monthly=months([40] * 12), monthly_actual=months([35] * 12), phase="report", expenses=SPENT),
        _base(monthly=months([40] * 12), phase="plan", expenses=SPENT),  # a plan with actual amounts: not settled
        _base(monthly=[{"month": m, "fte": Decimal("10.25")} for m in FISCAL_MONTHS]),  # FTE_PRECISION
        _base(monthly=months([40] * 12), phase="report", monthly_actual=[], expenses=SPENT),  # 実績 missing
    ]
    assert fte.fte_from_hours(Decimal("581.25"), Decimal("38.75"), 30) == Decimal("3.5")
    return [FacilityInput.model_validate(c) for c in cases]


# ---------------------------------------------------------------- numbers typed as text

_WIDE = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


def as_text(r: random.Random, v: Decimal | int, kind: str) -> str:
    """One way a person types the number `v` as text that the reader accepts (reader.cells.number_text)."""
    plain = format(v, "f") if isinstance(v, Decimal) else str(v)
    grouped = format(v, ",") if abs(v) >= 1000 and v == int(v) else plain
    unit = {"fte": "人", "yen": "円", "hours": "時間", "int": r.choice(["回", "人", "月"])}[kind]
    forms = [plain.translate(_WIDE), f" {plain} ", f"　{plain}", plain + unit, plain.translate(_WIDE) + unit, grouped,
             grouped + unit]
    if kind == "yen":
        forms += [f"¥{grouped}", f"￥{grouped.translate(_WIDE)}円"]
    text = r.choice(forms)
    normal = number_text(text, kind)
    assert normal is not None and Decimal(normal) == v, text
    return text


def typed_text(r: random.Random, inp: FacilityInput) -> Typed:
    """Some number cells of `inp`'s book retyped as text: monthly FTEs, the payment plan, 受領額, amounts."""
    out: Typed = {}
    for m in inp.monthly:
        row = layout.MONTH_ROW[m.month]
        for col, v in ((layout.COL_FTE, m.fte), (layout.COL_TOKUTEI, m.tokutei_fte)):
            if r.random() < 0.4:
                out[(layout.S_MONTHLY, f"{col}{row}")] = as_text(r, v, "fte")
    facility = {"payment.installments": (inp.payment.installments, "int"),
                "payment.first_month": (inp.payment.first_month, "int"), "received_yen": (inp.received_yen, "yen")}
    for key, (v, kind) in facility.items():
        if v is not None and r.random() < 0.6:
            out[(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell)] = as_text(r, v, kind)
    for row, e in zip(layout.EXPENSE_ROWS, inp.expenses):
        for col, v in ((layout.EXP_COL_PLANNED, e.planned_yen), (layout.EXP_COL_ACTUAL, e.actual_yen)):
            if v is not None and r.random() < 0.5:
                out[(layout.S_EXPENSES, f"{col}{row}")] = as_text(r, v, "yen")
    if inp.roster is not None and r.random() < 0.6:
        out[(layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL)] = as_text(r, inp.roster.weekly_fulltime_hours, "hours")
    return out


# ---------------------------------------------------------------- cells a clerk gets wrong

S, F, E, INI, R = layout.S_MONTHLY, layout.S_FACILITY, layout.S_EXPENSES, layout.S_INITIATIVES, layout.S_ROSTER
_CELL = layout.FIELD_BY_KEY


def _roster_hours(month: int, row: int = layout.ROSTER_FIRST_ROW) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(layout.roster_cols(month)[0])}{row}"


def mistakes(r: random.Random, inp: FacilityInput) -> Typed:
    """One to three cells typed wrong, of the kinds the reader refuses or reads with a note."""
    month_row = layout.MONTH_ROW[r.choice(FISCAL_MONTHS)]
    e0, x0 = layout.EXPENSE_ROWS[len(inp.expenses)], layout.INITIATIVE_EXTRA_ROWS[-1]
    pool: list[Typed] = [
        {(S, f"{layout.COL_FTE}{month_row}"): "十"},  # an unreadable month: INPUT_INVALID only
        {(S, f"{layout.COL_TOKUTEI}{month_row}"): "二"},
        {(S, f"{layout.COL_ACTUAL_FTE}{month_row}"): "たくさん"},
        {(S, f"{layout.COL_ACTUAL_TOKUTEI}{month_row}"): "１．５人"},  # read with a note
        {(F, _CELL["received_yen"].cell): -5000},  # a negative 受領額
        {(F, _CELL["payment.installments"].cell): None},  # a required number left blank
        {(F, _CELL["payment.first_month"].cell): "十月"},
        {(F, _CELL["facility.capacity"].cell): "80名"},
        {(F, _CELL["facility.subtype"].cell): "Ｂ型"},
        {(F, _CELL["phase"].cell): r.choice(["計画", "実績報告", "計 画 書", "報告書"])},
        {(F, _CELL["facility.tokutei_designated"].cell): r.choice(["有", "無", "なし ", "いいえ"])},
        {(INI, f"{layout.INI_COL_STATUS}{layout.INITIATIVE_FIXED_ROWS['イ']}"): r.choice(["済み", "実施済み", "予定"])},
        {(INI, f"{layout.INI_COL_DETAIL}{x0}"): "番号のない取組"},
        {(INI, f"{layout.INI_COL_CODE}{x0}"): "⑤", (INI, f"{layout.INI_COL_DETAIL}{x0}"): "研修"},  # no status
        {(E, f"{layout.EXP_COL_PLANNED}{e0}"): 5000},  # an amount without a category
        {(E, f"{layout.EXP_COL_CATEGORY}{e0}"): "人件費", (E, f"{layout.EXP_COL_ACTUAL}{e0}"): "1,2345"},
        {(E, f"{layout.EXP_COL_CATEGORY}{e0}"): "職場環境改善経費", (E, f"{layout.EXP_COL_DESCRIPTION}{e0}"): "見守りセンサー"},
        {(S, layout.INPUT_METHOD_CELL): r.choice(["直接 入力", "あいう"])},
    ]
    if inp.roster is not None and inp.roster.staff:
        pool += [
            {(R, _roster_hours(r.choice(FISCAL_MONTHS))): "１６０"},  # hours as text: the month is left out
            {(R, layout.ROSTER_WEEKLY_HOURS_CELL): r.choice(["abc", -40])},
            {(R, f"{layout.ROSTER_COL_PATTERN}{layout.ROSTER_FIRST_ROW}"): r.choice(["Ｘ", "ａ", None])},
            {(R, f"{layout.ROSTER_COL_SHORT}{layout.ROSTER_FIRST_ROW}"): r.choice(["はい", "◯", "たぶん"])},
            {(R, f"{layout.ROSTER_COL_JOB}{layout.ROSTER_FIRST_ROW}"): None},
        ]
    out: Typed = {}
    for choice in r.sample(pool, r.randint(1, 3)):
        out.update(choice)
    return out


def long_texts() -> FacilityInput:
    """Texts at and beyond what the printed boxes hold (rules.printing)."""
    data = _base(monthly=months([40] * 12))
    data["facility"]["name"] = "長" * (printing.FACILITY_NAME_CHARS + 1)
    data["initiatives"] = [{"code": "ア", "status": "実施済", "detail": "あ" * printing.INITIATIVE_DETAIL_CHARS},
                           {"code": "イ", "status": "実施済", "detail": "い" * (printing.INITIATIVE_DETAIL_CHARS + 1)}]
    data["expenses"] = [{"category": "人件費", "description": "う" * 60, "planned_yen": 10_000_000},
                        {"category": "職場環境改善経費", "description": "え" * 10, "planned_yen": 1},
                        {"category": "人件費", "description": "お" * 40, "planned_yen": 1}]
    return FacilityInput.model_validate(data)
