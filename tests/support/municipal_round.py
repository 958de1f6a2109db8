"""A realistic municipal round (tests/municipal/conftest.py makes it once per session): distribute to 20 facilities from a Shift_JIS list,
then what came back — 12 good books (one of them a results report), one facility that typed another's number, one
book with an error, one 令和6年度 book, a text file renamed .xlsx, a book whose 月別職員数 sheet is damaged (its
施設情報 still readable), a book from a facility not on the list — and three facilities that never answered.

Each returned book is the distributed one filled in as a facility would: its monthly FTEs (the same every month, so
the 加算総額 is 54,000 × FTE by hand), its payment plan and its contact typed into the cells.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kaigo_xl.demo import sample_payload
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.template import build_template
from kaigo_xl.xlsx.cellpatch import BookPatcher
from kaigo_xl.xlsx.save import workbook_bytes

EXE = [sys.executable, "-m", "kaigo_xl"]
RATE = 54_000  # 令和7年度 per FTE person a year (別添1 2(2))
LIST_HEADER = "施設番号,施設名,種別,市区町村,担当者\n"


def kx(*args, **kw):
    return subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)


def number(i: int) -> str:
    return f"01{i:08d}"


def name(i: int) -> str:
    return f"養護老人ホーム 第{i}見本園" if i % 2 else f"ケアハウス 第{i}見本荘"


def ftype(i: int) -> str:
    return "養護" if i % 2 else "軽費"


def fte(i: int) -> Decimal:
    return Decimal(2) + Decimal(i) / 2  # 2.5, 3.0, …: 加算総額 54,000 × fte


PLANS = ((1, 4), (6, 10), (12, 4))  # (installments, first month)


def _cell(key: str) -> str:
    return L.FIELD_BY_KEY[key].cell


def _prototypes() -> dict[str, BookPatcher]:
    payload = sample_payload()
    payload["expenses"][0]["planned_yen"] = 50_000_000  # always covers the 加算総額
    for m in payload["monthly"]:
        m["tokutei_fte"] = Decimal(0)
    out = {}
    for t in ("養護", "軽費"):
        payload["facility"]["type"] = t
        out[t] = BookPatcher(workbook_bytes(build_template(Policy(), t, 2025, FacilityInput.model_validate(payload))))
    return out


def filled(protos: dict[str, BookPatcher], i: int, *, number_typed: str | None = None, year: int = 2025,
           tokutei_june: Decimal | None = None, facility_name: str | None = None) -> bytes:
    """Facility i's book as it comes back: its 施設情報, its FTE every month, its payment plan."""
    installments, first = PLANS[i % 3]
    facility = {_cell("facility.number"): number_typed or number(i), _cell("facility.name"): facility_name or name(i),
                _cell("facility.contact"): f"担当 {i}郎（0123-45-{i:04d}）", _cell("fiscal_year"): year,
                _cell("payment.installments"): installments, _cell("payment.first_month"): first}
    monthly = {f"{L.COL_FTE}{row}": fte(i) for row in L.MONTHLY_ROWS}
    if tokutei_june is not None:
        monthly[f"{L.COL_TOKUTEI}{L.MONTH_ROW[6]}"] = tokutei_june
    return protos[ftype(i)].render({L.S_FACILITY: facility, L.S_MONTHLY: monthly})


def report_book(i: int) -> bytes:
    """Facility i's results report (実績報告書): paid already, so nothing in the payment budget."""
    data = sample_payload()
    data["facility"].update(number=number(i), name=name(i), type=ftype(i), contact=f"担当 {i}郎")
    data["phase"] = "report"
    for m in data["monthly"]:
        m["fte"], m["tokutei_fte"] = fte(i), Decimal(0)
    for e in data["expenses"]:
        e["actual_yen"] = e["planned_yen"] = 50_000_000 if e is data["expenses"][0] else e["planned_yen"]
    return workbook_bytes(build_template(Policy(), ftype(i), 2025, FacilityInput.model_validate(data)))


def damaged_monthly(book: bytes) -> bytes:
    """The book with its 月別職員数 sheet XML cut in half: unreadable, but 施設情報 is intact."""
    p = BookPatcher(book)
    member = p.sheets[L.S_MONTHLY]
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in p.members:
            zf.writestr(n, data[: len(data) // 2] if n == member else data)
    return out.getvalue()


@dataclass
class Round:
    dist: Path
    back: Path
    manifest: Path
    files: dict[int, str] = field(default_factory=dict)  # facility → distributed file name
    out: Path = Path()

    GOOD = tuple(range(1, 13))  # 12 returns without trouble (12 is a results report)
    REPORT = 12
    WRONG_NUMBER = 13  # typed facility 12's number
    ERROR = 14  # 特定施設 FTE above the total in June
    OLD_YEAR = 15  # a 令和6年度 book
    TEXT_AS_XLSX = 16
    DAMAGED = 17
    SILENT = (18, 19, 20)
    STRANGER = "0199999999"
    STRANGER_FTE = fte(1)  # the stranger filled in facility 1's figures

    def annual(self, i: int) -> int:
        return int(RATE * fte(i))


def make_round(base: Path) -> Round:
    """Distribute, then lay out in `base/back` what came back (see the module's docstring)."""
    lst = base / "施設一覧.csv"
    rows = [f"{number(i)},{name(i)},{ftype(i)},見本市,担当 {i}郎\n" for i in range(1, 21)]
    lst.write_bytes((LIST_HEADER + "".join(rows)).encode("cp932"))
    rnd = Round(base / "dist", base / "back", base / "dist" / "配布一覧.csv")
    r = kx("distribute", lst, "--out", rnd.dist)
    assert r.returncode == 0, r.stdout + r.stderr
    rnd.files = {i: next(p.name for p in rnd.dist.glob(f"{number(i)}_*.xlsx")) for i in range(1, 21)}
    rnd.back.mkdir()
    protos = _prototypes()
    for i in rnd.GOOD:
        data = report_book(i) if i == rnd.REPORT else filled(protos, i)
        (rnd.back / rnd.files[i]).write_bytes(data)
    (rnd.back / rnd.files[rnd.WRONG_NUMBER]).write_bytes(filled(protos, rnd.WRONG_NUMBER, number_typed=number(12)))
    (rnd.back / rnd.files[rnd.ERROR]).write_bytes(filled(protos, rnd.ERROR, tokutei_june=Decimal(99)))
    (rnd.back / rnd.files[rnd.OLD_YEAR]).write_bytes(filled(protos, rnd.OLD_YEAR, year=2024))
    (rnd.back / rnd.files[rnd.TEXT_AS_XLSX]).write_text("施設番号,施設名\n", encoding="utf-8")
    (rnd.back / rnd.files[rnd.DAMAGED]).write_bytes(damaged_monthly(filled(protos, rnd.DAMAGED)))
    stranger = filled(protos, 1, number_typed=rnd.STRANGER, facility_name="よその園")
    (rnd.back / "よその園.xlsx").write_bytes(stranger)
    rnd.out = base / "out"
    return rnd
