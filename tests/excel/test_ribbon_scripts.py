"""Ribbon scripts through POST /xlwings/custom-scripts-call/<name>, on the payload of a workbook the project built.

The returned actions are applied to a model of the book (sheet → cell → value / colour), so each test states
which cells of which sheet the button changes.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl.utils.cell import get_column_letter
from support.payload import book_payload_from_xlsx

import kaigo_xl.excel.server as server
from kaigo_xl.demo import sample_payload
from kaigo_xl.engine import evaluate
from kaigo_xl.excel import scripts
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.forms.spec import PLAN, REPORT
from kaigo_xl.workbook.forms.values import form_values
from kaigo_xl.workbook.reader import read_workbook
from kaigo_xl.workbook.template import build_template

ERROR_FILL, INPUT_FILL = f"#{L.ERROR_FILL}", f"#{L.INPUT_FILL}"


@pytest.fixture(scope="module")
def client():
    with TestClient(server.get_app(), raise_server_exceptions=False) as c:
        yield c


# ---- a workbook the project generated, filled from a facility payload ----

def workbook(tmp_path: Path, payload: dict, name: str = "さくら苑.xlsx", blank: tuple[str, str] | None = None) -> Path:
    """The distributable template (kaigo_xl.workbook.template) filled with `payload`; `blank` empties one cell."""
    wb = build_template(Policy(), data=FacilityInput.model_validate(payload))
    if blank:
        wb[blank[0]][blank[1]] = None
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory) -> tuple[Path, dict]:
    """The sample facility's workbook and its add-in payload, built once (tests get a copy of the payload)."""
    path = workbook(tmp_path_factory.mktemp("sample"), sample_payload())
    return path, book_payload_from_xlsx(path)


@pytest.fixture
def sample_path(sample_book) -> Path:
    return sample_book[0]


@pytest.fixture
def sample(sample_book) -> dict:
    return copy.deepcopy(sample_book[1])


def report_payload() -> dict:
    """The sample as a results report: everything spent except 30,000 yen of 472,500 received."""
    p = sample_payload()
    p["phase"] = "report"
    p["submitted_on"] = "2026-04-20"
    p["received_yen"] = 472_500
    for e, actual in zip(p["expenses"], (392_500, 50_000, 0)):
        e["actual_yen"] = actual
    for i in p["initiatives"]:
        i["status"] = "実施済"
    return p


# ---- running a script and applying its actions ----

def _a1(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row + 1}"


class Applied:
    """What the Excel client would do with the returned actions, recorded per sheet and cell."""

    def __init__(self, payload: dict, actions: list[dict]):
        self.sheets = [s["name"] for s in payload["sheets"]]
        self.added: list[str] = []
        self.values: dict[tuple[str, str], object] = {}
        self.colours: dict[tuple[str, str], str] = {}
        self.formats: dict[tuple[str, str], str] = {}
        self.cleared: list[str] = []
        self.active: str | None = None
        for a in actions:
            self._apply(a)

    def _cells(self, a: dict):
        sheet = self.sheets[a["sheet_position"]]
        for r in range(a["start_row"], a["start_row"] + a["row_count"]):
            for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                yield sheet, r, c

    def _apply(self, a: dict) -> None:
        func = a["func"]
        if func == "addSheet":
            self.sheets.insert(a["args"][0], a["args"][1])
            self.added.append(a["args"][1])
        elif func == "setValues":
            for sheet, r, c in self._cells(a):
                self.values[(sheet, _a1(r, c))] = a["values"][r - a["start_row"]][c - a["start_column"]]
        elif func == "setRangeColor":
            for sheet, r, c in self._cells(a):
                self.colours[(sheet, _a1(r, c))] = a["args"][0] if isinstance(a["args"], list) else a["args"]
        elif func == "setNumberFormat":
            for sheet, r, c in self._cells(a):
                self.formats[(sheet, _a1(r, c))] = a["args"][0]
        elif func == "sheetClearContents":
            self.cleared.append(self.sheets[a["sheet_position"]])
        elif func == "activateSheet":
            self.active = self.sheets[a["args"][0]]
        else:
            raise AssertionError(f"unexpected action {func}")

    def sheet_values(self, sheet: str) -> dict[str, object]:
        return {ref: v for (s, ref), v in self.values.items() if s == sheet}


def run(client, script: str, payload: dict) -> Applied:
    r = client.post(f"/xlwings/custom-scripts-call/{script}", json=payload)
    assert r.status_code == 200, r.text
    return Applied(payload, r.json()["actions"])


def findings_rows(applied: Applied) -> list[list[object]]:
    """The findings table of チェック結果 (below its header), row by row."""
    v = applied.sheet_values(scripts.RESULT_SHEET)
    rows, r = [], scripts.FINDINGS_TOP + 1
    while (scripts.RESULT_SHEET, f"A{r}") in applied.values:
        rows.append([v.get(f"{c}{r}") for c in "ABCD"])
        r += 1
    return rows


def file_findings(path: Path, phase: str | None = None):
    """What `kaigo-xl check` finds in the same file (reader + engine), for comparison."""
    inp, findings, locate = read_workbook(path)
    assert inp is not None, findings
    if phase:
        inp = inp.model_copy(update={"phase": phase})
    return evaluate(inp, locate=locate, findings=findings)


# ---- 入力チェック ----

def test_validate_writes_the_verdict_and_the_total_on_a_new_check_sheet(client, sample):
    payload = sample
    done = run(client, "validate", payload)
    assert done.added == [scripts.RESULT_SHEET] and done.active == scripts.RESULT_SHEET
    result = done.sheet_values(scripts.RESULT_SHEET)
    assert result["B4"].startswith("エラー 0件")
    assert result["B5"] == "8.75人"
    assert result["B6"] == 472_500 and done.formats[(scripts.RESULT_SHEET, "B6")] == "#,##0"
    assert findings_rows(done) == [["○", "", "", "問題はありません。"]]
    assert done.colours == {}


def test_validate_lists_the_same_findings_as_kaigo_xl_check(client, tmp_path):
    p = sample_payload()
    p["monthly"][1]["tokutei_fte"] = Decimal("12.0")  # May: more 特定施設 staff than staff
    p["expenses"][0]["category"] = "介護テクノロジー機器購入"
    path = workbook(tmp_path, p)
    done = run(client, "validate", book_payload_from_xlsx(path))
    expected = file_findings(path).findings
    assert [(row[1], row[2]) for row in findings_rows(done)] == [(f.code, f.location) for f in expected]
    assert {"TOKUTEI_EXCEEDS_FTE", "EXP_TECHNOLOGY"} <= {row[1] for row in findings_rows(done)}


def test_validate_colours_the_offending_input_cells_red(client, tmp_path):
    p = sample_payload()
    p["monthly"][1]["tokutei_fte"] = Decimal("12.0")
    p["expenses"][0]["category"] = "介護テクノロジー機器購入"
    done = run(client, "validate", book_payload_from_xlsx(workbook(tmp_path, p)))
    may = f"{L.COL_TOKUTEI}{L.MONTH_ROW[5]}"
    first_expense = f"{L.EXP_COL_CATEGORY}{L.EXPENSE_ROWS[0]}"
    assert done.colours == {(L.S_MONTHLY, may): ERROR_FILL, (L.S_EXPENSES, first_expense): ERROR_FILL}


def test_validate_never_colours_formula_cells(client, tmp_path):
    july = f"{L.COL_FTE}{L.MONTH_ROW[7]}"  # July left blank: MONTH_MISSING points at this input cell
    done = run(client, "validate", book_payload_from_xlsx(workbook(tmp_path, sample_payload(), blank=(L.S_MONTHLY, july))))
    assert set(done.colours) == {(L.S_MONTHLY, july)}
    assert all(cell in scripts.input_cells() for cell in done.colours)


def test_validate_again_gives_fixed_cells_their_yellow_back(client, tmp_path, sample):
    bad = sample_payload()
    bad["monthly"][1]["tokutei_fte"] = Decimal("12.0")
    first = book_payload_from_xlsx(workbook(tmp_path, bad))
    first_run = run(client, "validate", first)
    # the clerk fixes May; the book now also holds the チェック結果 sheet the first run wrote
    fixed = sample
    old = [[None] * 4 for _ in range(scripts.FINDINGS_TOP + len(findings_rows(first_run)))]
    for (sheet, ref), value in first_run.values.items():
        if sheet == scripts.RESULT_SHEET:
            r, c = scripts._rc(ref)
            old[r][c] = value
    fixed["sheets"].append({**copy.deepcopy(fixed["sheets"][0]), "name": scripts.RESULT_SHEET, "values": old,
                            "used_range_address": f"A1:D{len(old)}"})
    second = run(client, "validate", fixed)
    assert second.cleared == [scripts.RESULT_SHEET] and second.added == []
    assert second.colours == {(L.S_MONTHLY, f"{L.COL_TOKUTEI}{L.MONTH_ROW[5]}"): INPUT_FILL}


def test_validate_reports_a_missing_sheet_without_computing(client, sample):
    payload = sample
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != L.S_MONTHLY]
    done = run(client, "validate", payload)
    rows = findings_rows(done)
    assert rows[0][1] == "SHEET_MISSING" and "月別職員数" in rows[0][3]
    assert done.sheet_values(scripts.RESULT_SHEET)["B6"] == "計算できません"


# ---- 計画書作成 / 実績報告書作成 ----

def test_make_plan_writes_every_value_cell_of_the_plan_form(client, sample, sample_path):
    done = run(client, "make_plan", sample)
    expected = form_values(PLAN, file_findings(sample_path, "plan"))
    written = done.sheet_values(L.S_PLAN)
    assert set(written) == set(expected)
    stamp = next(b.anchor for b in PLAN.boxes if b.key == "stamp")
    assert written[stamp].startswith("作成日時")
    assert all(written[ref] == ("" if v is None else v) for ref, v in expected.items() if ref != stamp)
    assert done.active == L.S_PLAN


def test_make_plan_puts_the_472500_yen_total_in_the_forms_total_cell(client, sample):
    done = run(client, "make_plan", sample)
    total_cell = next(b.anchor for b in PLAN.boxes if b.key == "annual")
    assert done.values[(L.S_PLAN, total_cell)] == 472_500


def test_make_plan_leaves_the_report_form_alone(client, sample):
    done = run(client, "make_plan", sample)
    assert done.sheet_values(L.S_REPORT) == {}


def test_make_report_writes_the_received_amount_and_the_refund(client, tmp_path):
    path = workbook(tmp_path, report_payload())
    done = run(client, "make_report", book_payload_from_xlsx(path))
    ev = file_findings(path, "report")
    cell = {b.key: b.anchor for b in REPORT.boxes if b.key}
    assert ev.settlement.refund_yen == 30_000
    assert done.values[(L.S_REPORT, cell["refund"])] == 30_000
    assert done.values[(L.S_REPORT, cell["received"])] == 472_500
    assert done.values[(L.S_REPORT, cell["annual"])] == 472_500
    assert done.sheet_values(L.S_PLAN) == {}


def test_a_date_cell_sent_as_an_excel_serial_reads_as_the_date(client, tmp_path):
    payload = book_payload_from_xlsx(workbook(tmp_path, report_payload()))
    facility = next(s for s in payload["sheets"] if s["name"] == L.S_FACILITY)
    r, c = scripts._rc(L.FIELD_BY_KEY["submitted_on"].cell)
    assert facility["values"][r][c] == 46132.0  # 2026-04-20, as Office.js sends a date
    done = run(client, "make_report", payload)
    cell = next(b.anchor for b in REPORT.boxes if b.key and b.key.startswith("submitted_on"))
    assert done.values[(L.S_REPORT, cell)] == "令和8年4月20日"
    assert "INPUT_NORMALISED" not in {row[1] for row in findings_rows(done)}


def test_a_form_is_not_written_when_the_total_cannot_be_computed(client, tmp_path):
    p = sample_payload()
    p["monthly"][0]["fte"] = Decimal("-1")
    done = run(client, "make_plan", book_payload_from_xlsx(workbook(tmp_path, p)))
    assert done.sheet_values(L.S_PLAN) == {}
    assert done.active == scripts.RESULT_SHEET
    assert "FTE_NEGATIVE" in {row[1] for row in findings_rows(done)}


def test_a_book_without_the_form_sheet_gets_a_japanese_message(client, sample):
    payload = sample
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != L.S_REPORT]
    r = client.post("/xlwings/custom-scripts-call/make_report", json=payload)
    assert r.status_code == 400
    assert "「実績報告書」シートがありません" in r.text


# ---- 支払予定表 ----

def test_payment_table_lists_the_engines_installments(client, sample):
    done = run(client, "payment_table", sample)
    table = done.sheet_values(scripts.PAYMENT_SHEET)
    assert done.active == scripts.PAYMENT_SHEET
    assert table["B4"] == 472_500
    assert [table[f"B{r}"] for r in range(8, 14)] == ["令和7年10月", "令和7年11月", "令和7年12月", "令和8年1月",
                                                       "令和8年2月", "令和8年3月"]
    assert [table[f"D{r}"] for r in range(8, 14)] == [78_750] * 6
    assert (table["A14"], table["D14"]) == ("合計", 472_500)
    assert done.formats[(scripts.PAYMENT_SHEET, "D14")] == "#,##0"


def test_payment_table_puts_the_remainder_on_the_last_installment(client, tmp_path):
    p = sample_payload()
    p["payment"] = {"installments": 8, "first_month": 8}  # 472,500 ÷ 8 = 59,062.5
    done = run(client, "payment_table", book_payload_from_xlsx(workbook(tmp_path, p)))
    yen = [done.values[(scripts.PAYMENT_SHEET, f"D{r}")] for r in range(8, 16)]
    assert yen == [59_062] * 7 + [59_066]
    assert done.values[(scripts.PAYMENT_SHEET, "D16")] == 472_500


# ---- the same code from classic xlwings (RunPython "import kaigo_xl.excel.udfs as k; k.make_plan()") ----

def test_runpython_entry_points_change_the_same_cells(client, sample, monkeypatch):
    import xlwings as xw

    from kaigo_xl.excel import udfs

    payload = sample
    for name in ("validate", "make_plan", "make_report", "payment_table"):
        book = xw.Book(json=copy.deepcopy(payload))
        monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda book=book: book))
        getattr(udfs, name)()
        classic, served = Applied(payload, book.json()["actions"]), run(client, name, payload)
        assert served.values  # every button writes something
        for sheet in (scripts.RESULT_SHEET, scripts.PAYMENT_SHEET, L.S_PLAN, L.S_REPORT):
            drop = {"B3"} | {b.anchor for f in (PLAN, REPORT) for b in f.boxes if b.key == "stamp"}
            assert {k: v for k, v in classic.sheet_values(sheet).items() if k not in drop} == \
                {k: v for k, v in served.sheet_values(sheet).items() if k not in drop}
        assert classic.colours == served.colours and classic.active == served.active
