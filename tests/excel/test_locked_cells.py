"""The buttons must work in real Excel: Office.js refuses any write into a locked cell of a protected sheet, and
xlwings offers no unprotect for Office.js. So no action a script returns may target such a cell.

The protection and lock state are read from the template itself (openpyxl), the actions from the scripts run on
`xw.Book(json=payload)` exactly as xlwings Server and xlwings Lite run them.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support.payload import book_payload_from_xlsx

from kaigo_xl.demo import sample_payload
from kaigo_xl.excel import scripts
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.template import build_template
from kaigo_xl.xlsx.refs import cell_ref

SCRIPTS = ("validate", "make_plan", "make_report", "payment_table")
NOT_WRITES = {"activateSheet", "addSheet"}  # actions that change no cell
WHOLE_SHEET = {"sheetClearContents", "sheetClear", "sheetClearFormats", "deleteSheet", "setSheetName"}


def _payload(**changes) -> dict:
    p = sample_payload()
    p.update(changes)
    return p


def _report() -> dict:
    p = _payload(phase="report", submitted_on="2026-04-20", received_yen=472_500)
    for e, actual in zip(p["expenses"], (392_500, 50_000, 0)):
        e["actual_yen"] = actual
    return p


def _errors() -> dict:
    p = sample_payload()
    p["monthly"][1]["tokutei_fte"] = Decimal("12.0")  # coloured red by 入力チェック
    p["expenses"][0]["category"] = "介護テクノロジー機器購入"
    return p


BOOKS = {"plan": sample_payload, "report": _report, "errors": _errors}


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("locked")
    out = {}
    for name, make in BOOKS.items():
        path = folder / f"{name}.xlsx"
        build_template(Policy(), data=FacilityInput.model_validate(make())).save(path)
        out[name] = path
    return out


@pytest.fixture(scope="module")
def locked(books) -> dict[str, set[str] | None]:
    """Protected sheet → its locked cells within the used range (None for an unprotected sheet), from the file."""
    wb = openpyxl.load_workbook(books["plan"])
    out: dict[str, set[str] | None] = {}
    for ws in wb.worksheets:
        if not ws.protection.sheet:
            out[ws.title] = None
            continue
        out[ws.title] = {c.coordinate for row in ws.iter_rows(max_row=max(ws.max_row, 80), max_col=max(ws.max_column, 12))
                         for c in row if c.protection.locked}
    return out


def targets(payload: dict, actions: list[dict]):
    """(action, sheet, cell or None for the whole sheet) for every action that changes cells."""
    sheets = [s["name"] for s in payload["sheets"]]
    for a in actions:
        if a["func"] == "addSheet":
            sheets.insert(a["args"][0], a["args"][1])
        if a["func"] in NOT_WRITES:
            continue
        sheet = sheets[a["sheet_position"]]
        if a["func"] in WHOLE_SHEET:
            yield a["func"], sheet, None
            continue
        for r in range(a["start_row"], a["start_row"] + a["row_count"]):
            for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                yield a["func"], sheet, cell_ref(r + 1, c + 1)


def run(script: str, payload: dict) -> list[dict]:
    """The script's actions, called the way xlwings Server and xlwings Lite call it."""
    import asyncio

    import xlwings as xw
    from xlwings.server import custom_scripts_call

    book = xw.Book(json=copy.deepcopy(payload))
    asyncio.run(custom_scripts_call(scripts, script, typehint_to_value={xw.Book: book}))
    return book.json()["actions"]


def test_the_template_protects_its_form_and_input_sheets(locked):
    """Otherwise the test below could not fail."""
    assert locked[L.S_PLAN] and locked[L.S_REPORT] and locked[L.S_MONTHLY]


@pytest.mark.parametrize("book", sorted(BOOKS))
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_no_script_writes_into_a_locked_cell_of_a_protected_sheet(books, locked, book, script):
    payload = book_payload_from_xlsx(books[book])
    actions = run(script, payload)
    assert actions
    refused = sorted({(func, sheet, ref) for func, sheet, ref in targets(payload, actions)
                      if locked.get(sheet) is not None and (ref is None or ref in locked[sheet])})
    assert refused == []


def test_the_forms_value_boxes_are_exactly_the_unlocked_cells_of_the_form_sheets(books):
    from kaigo_xl.workbook.forms.spec import FORMS
    from kaigo_xl.xlsx.refs import range_bounds

    wb = openpyxl.load_workbook(books["plan"])
    for spec in FORMS:
        ws = wb[spec.sheet]
        unlocked = {c.coordinate for row in ws.iter_rows(max_row=spec.last_row, max_col=12) for c in row
                    if not c.protection.locked}
        boxes = set()
        for box in spec.boxes:
            if box.dynamic:
                r0, c0, r1, c1 = range_bounds(box.ref)
                boxes |= {cell_ref(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        assert unlocked == boxes
