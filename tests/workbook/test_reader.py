"""Reading a filled workbook: every input cell becomes a model value or a finding at `sheet!cell`, and only the
inputs count — never a cached formula result."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kaigo_xl.demo import sample_payload
from kaigo_xl.engine import evaluate
from kaigo_xl.errors import InputUnreadable
from kaigo_xl.inputs import parse_payload
from kaigo_xl.models import FISCAL_MONTHS
from kaigo_xl.numbers import decimal_from_double as float_to_decimal
from kaigo_xl.policy import Policy
from kaigo_xl.report import to_json
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader import SHEETS_TO_READ, read_grids, read_workbook
from kaigo_xl.workbook.reader.cells import CellError
from kaigo_xl.workbook.template import build_template
from kaigo_xl.xlsx.refs import column_letters as col_letter
from kaigo_xl.xlsx.save import workbook_bytes

# ---- building filled workbooks as a facility would ----------------------------------------------------------


def roster_sample(sample: dict) -> dict:
    """The sample facility's results report, the 実績 from hours in 勤務形態一覧 (the 見込み stay as planned)."""
    sample = copy.deepcopy(sample)
    sample.update(phase="report", monthly_actual=[], received_yen=472_500)
    for line in sample["expenses"]:
        line["actual_yen"] = line["planned_yen"]
    full = {m: 160 for m in FISCAL_MONTHS}
    sample["roster"] = {"weekly_fulltime_hours": 40, "staff": [
        {"name": "山田", "job": "支援員", "pattern": "A", "sochi_hours": full},
        {"name": "佐藤", "job": "支援員", "pattern": "C", "sochi_hours": {m: 87 for m in FISCAL_MONTHS}},
        {"name": "鈴木", "job": "調理員", "pattern": "A", "sochi_hours": full}]}
    return sample


def book_bytes(data: dict) -> bytes:
    """The distributable template filled with `data`, as `kaigo-xl template --data` makes it."""
    inp, problems = parse_payload(data)
    assert inp is not None, problems
    return workbook_bytes(build_template(Policy(), inp.facility.type.value, inp.fiscal_year, data=inp))


@functools.cache
def filled(kind: str) -> bytes:
    return book_bytes(sample_payload() if kind == "sample" else roster_sample(sample_payload()))


def write_book(path: Path, data: dict) -> Path:
    path.write_bytes(book_bytes(data))
    return path


@functools.cache
def grids_of(kind: str) -> dict[str, list[list[object]]]:
    """The values calamine gives for the input sheets of a filled template (A1 at [0][0])."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(filled(kind)))
    return {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in SHEETS_TO_READ}


def set_cells(path: Path, sheet: str, **cells: object) -> Path:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)
    return path


@pytest.fixture
def sample() -> dict:
    return copy.deepcopy(sample_payload())


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "さくら苑.xlsx"
    path.write_bytes(filled("sample"))
    return path


@pytest.fixture
def roster_book(tmp_path) -> Path:
    path = tmp_path / "勤務形態.xlsx"
    path.write_bytes(filled("roster"))
    return path


def read_and_evaluate(path: Path):
    inp, findings, locate = read_workbook(path)
    assert inp is not None, findings
    return evaluate(inp, locate=locate, findings=findings)


def found(ev_or_findings, code: str) -> list:
    findings = ev_or_findings if isinstance(ev_or_findings, list) else ev_or_findings.findings
    return [f for f in findings if f.code == code]


C, D = L.COL_FTE, L.COL_TOKUTEI
ROW = L.MONTH_ROW  # month → row of 月別職員数


# ---- the sample facility ------------------------------------------------------------------------------------


def test_the_sample_workbook_evaluates_exactly_as_its_json(book, sample):
    from_json = evaluate(parse_payload(sample)[0])
    from_book = read_and_evaluate(book)
    assert from_book.annual_yen == 472_500
    assert to_json(from_book) == to_json(from_json)


def test_reading_never_changes_the_file(book):
    before = hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns
    read_workbook(book)
    assert (hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns) == before


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member holding a sheet, from workbook.xml and its relationships."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rid_attr = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        wb, rels = ET.fromstring(z.read("xl/workbook.xml")), ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    rid = next(s.get(rid_attr) for s in wb.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet)
    target = next(r.get("Target") for r in rels.iterfind("p:Relationship", ns) if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _with_cached_value(path: Path, sheet_xml: str, ref: str, cached: str) -> None:
    """Give a formula cell a cached value, as Excel would have saved it (openpyxl writes none)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == sheet_xml:
                text, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>.*?</f>)(<v\s*/>|<v></v>)?', rf"\g<1>\g<2><v>{cached}</v>",
                                  data.decode())
                assert n == 1
                data = text.encode()
            dst.writestr(item, data)
    tmp.replace(path)


def test_cached_formula_values_are_ignored(book):
    _with_cached_value(book, sheet_part(book, L.S_CALC), "C6", "999999999")
    cached = CalamineWorkbook.from_path(str(book)).get_sheet_by_name(L.S_CALC).to_python(skip_empty_area=False)
    assert cached[5][2] == 999999999  # the stale value is really in the file …
    assert read_and_evaluate(book).annual_yen == 472_500  # … and the engine's number wins


# ---- bad cells (issue 3: every case is a finding at sheet!cell) -----------------------------------------------


def test_text_in_a_number_cell(book):
    set_cells(book, L.S_MONTHLY, **{f"{C}{ROW[6]}": "十"})
    ev = read_and_evaluate(book)
    [bad] = found(ev, "INPUT_INVALID")
    assert bad.location == f"月別職員数!C{ROW[6]}" == "月別職員数!C8"
    assert "「十」は数値として読めません" in bad.message and "6月" in bad.message
    assert ev.annual_yen is None  # no amount from a year with an unreadable month
    assert not found(ev, "MONTH_MISSING")  # one mistake, one error


def test_negative_value(book):
    set_cells(book, L.S_MONTHLY, **{f"{C}{ROW[4]}": -1})
    assert [f.location for f in found(read_and_evaluate(book), "FTE_NEGATIVE")] == ["月別職員数!C6"]


def test_tokutei_above_the_total(book):
    set_cells(book, L.S_MONTHLY, **{f"{D}{ROW[5]}": 20})
    assert [f.location for f in found(read_and_evaluate(book), "TOKUTEI_EXCEEDS_FTE")] == ["月別職員数!D7"]


def test_fte_above_1000(book):
    set_cells(book, L.S_MONTHLY, **{f"{C}{ROW[3]}": 1600})
    assert [f.location for f in found(read_and_evaluate(book), "FTE_TOO_LARGE")] == ["月別職員数!C17"]


def test_missing_months_are_reported_once_at_the_blank_cells(book):
    set_cells(book, L.S_MONTHLY, **{f"{C}{ROW[m]}": None for m in (6, 7, 10)})
    ev = read_and_evaluate(book)
    [missing] = found(ev, "MONTH_MISSING")
    assert missing.location == "月別職員数!C8:C9,C12"
    assert "6月・7月・10月" in missing.message
    assert not found(ev, "INPUT_INVALID") and ev.annual_yen is None


def test_renamed_sheet(book):
    wb = openpyxl.load_workbook(book)
    wb[L.S_MONTHLY].title = "月別職員数 (2)"
    for name in ("KX_FTE", "KX_TOKUTEI_FTE", "KX_TARGET_FTE", "KX_INPUT_METHOD"):  # Excel follows the rename
        wb.defined_names[name].attr_text = wb.defined_names[name].attr_text.replace("月別職員数", "月別職員数 (2)")
    wb.save(book)
    inp, findings, _ = read_workbook(book)
    assert inp is None
    [f] = findings
    assert (f.code, f.location) == ("SHEET_MISSING", "月別職員数")
    assert "「月別職員数 (2)」" in f.message and "戻してください" in f.message and "さくら苑.xlsx" in f.message


def test_deleted_sheet(book):
    wb = openpyxl.load_workbook(book)
    del wb[L.S_INITIATIVES]
    wb.save(book)
    inp, findings, _ = read_workbook(book)
    assert inp is None
    assert [(f.code, f.location) for f in findings] == [("SHEET_MISSING", "取組")]
    assert "「取組」シートがありません" in findings[0].message


def test_inserted_rows_stop_the_reading(book):
    """Rows inserted above April move the inputs, and Excel moves the defined names with them."""
    wb = openpyxl.load_workbook(book)
    wb[L.S_MONTHLY].insert_rows(L.MONTHLY_ROWS[0])
    for name in ("KX_FTE", "KX_TOKUTEI_FTE"):
        wb.defined_names[name].attr_text = re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + 1}",
                                                  wb.defined_names[name].attr_text)
    wb.save(book)
    inp, findings, _ = read_workbook(book)
    assert inp is None
    assert [(f.code, f.location) for f in findings] == [("LAYOUT_CHANGED", "月別職員数!C6")]
    assert "KX_FTE が C7:C18 を指しています" in findings[0].message


def test_merged_input_cells_are_an_error(book):
    wb = openpyxl.load_workbook(book)
    wb[L.S_MONTHLY].merge_cells("C6:D6")  # Excel keeps C6 and throws D6 away
    wb.save(book)
    ev = read_and_evaluate(book)
    assert [(f.code, f.location) for f in ev.findings if f.severity == "error"] == [("LAYOUT_CHANGED", "月別職員数!C6")]
    assert "結合" in ev.findings[0].message


def test_a_macro_enabled_book_is_read_with_a_warning(book, tmp_path):
    from support.bad_corpus import macro_workbook

    xlsm = tmp_path / "さくら苑.xlsm"
    xlsm.write_bytes(macro_workbook(book.read_bytes()))
    ev = read_and_evaluate(xlsm)
    assert ev.annual_yen == 472_500
    assert [f.code for f in ev.findings] == ["MACROS_IGNORED"]


def test_full_width_digits_are_read_with_an_info(book):
    set_cells(book, L.S_MONTHLY, **{f"{C}{ROW[4]}": "１０．５"})
    ev = read_and_evaluate(book)
    assert ev.monthly[0].fte == Decimal("10.5") and ev.annual_yen == 472_500
    [info] = found(ev, "INPUT_NORMALISED")
    assert info.location == "月別職員数!C6" and info.severity == "info" and "１０．５" in info.message


def test_stray_spaces_are_read_with_an_info(book):
    set_cells(book, L.S_MONTHLY, **{f"{D}{ROW[4]}": " 2.0\u3000"})
    ev = read_and_evaluate(book)
    assert ev.annual_yen == 472_500
    assert [f.location for f in found(ev, "INPUT_NORMALISED")] == ["月別職員数!D6"]


def test_yen_with_commas_and_en_is_accepted(book):
    set_cells(book, L.S_EXPENSES, C6="392,500円")
    ev = read_and_evaluate(book)
    assert ev.input.expenses[0].planned_yen == 392_500
    assert [f.location for f in found(ev, "INPUT_NORMALISED")] == ["経費!C6"]


def test_yen_with_a_fraction_is_refused(book):
    set_cells(book, L.S_FACILITY, C20=1000.5)
    inp, findings, _ = read_workbook(book)
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "施設情報!C20")]
    assert "小数" in findings[0].message


# ---- numbers: exact decimals from binary cells -----------------------------------------------------------------


@pytest.mark.parametrize(("stored", "typed"), [(10.5, "10.5"), (0.1, "0.1"), (2.675, "2.675"), (0.1 + 0.2, "0.3"),
                                               (3.4999999999999996, "3.5"), (8.7, "8.7"), (1e-7, "1E-7"), (-0.0, "0")])
def test_a_stored_double_reads_as_the_decimal_the_user_typed(stored, typed):
    assert float_to_decimal(stored) == Decimal(typed)
    assert str(float_to_decimal(stored)) == typed


def test_one_decimal_ftes_keep_their_exact_value_through_the_file(tmp_path, sample):
    sample["monthly"] = [{"month": m, "fte": Decimal("0.1"), "tokutei_fte": Decimal(0)} for m in FISCAL_MONTHS]
    ev = read_and_evaluate(write_book(tmp_path / "b.xlsx", sample))
    assert {r.fte for r in ev.monthly} == {Decimal("0.1")}
    assert ev.annual_yen == 12 * 450 and not found(ev, "YEN_ROUNDED")  # 1.2 × 4,500 with no rounding


def test_read_grids_takes_values_as_a_live_excel_book_gives_them():
    """xlwings gives None for blanks; the reader needs no file."""
    grids = {s: [[None if v == "" else v for v in row] for row in g] for s, g in grids_of("sample").items()}
    inp, findings, locate = read_grids(grids, "さくら苑.xlsx")
    assert findings == [] and evaluate(inp, locate=locate).annual_yen == 472_500


# ---- 施設情報 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [dt.datetime(2026, 4, 30), "2026-04-30", "2026/4/30", "令和8年4月30日", "R8.4.30"])
def test_submission_date_in_any_usual_form(book, cell):
    set_cells(book, L.S_FACILITY, C17=cell)
    inp, findings, _ = read_workbook(book)
    assert inp.submitted_on == "2026-04-30" and not findings


def test_an_impossible_date_is_a_finding(book):
    set_cells(book, L.S_FACILITY, C17="令和8年2月30日")
    _, findings, _ = read_workbook(book)
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "施設情報!C17")]


def test_choices_map_to_the_model(book):
    set_cells(book, L.S_FACILITY, C13="なし", C16="実績報告書")
    inp, _, _ = read_workbook(book)
    assert (inp.facility.tokutei_designated, inp.phase) == (False, "report")


def test_full_width_choices_are_read_with_an_info(book):
    set_cells(book, L.S_FACILITY, C6="Ｂ型")
    inp, findings, _ = read_workbook(book)
    assert inp.facility.subtype == "B型"
    assert [(f.code, f.location) for f in findings] == [("INPUT_NORMALISED", "施設情報!C6")]


def test_a_type_outside_the_list_stops_the_evaluation(book):
    set_cells(book, L.S_FACILITY, C5="特養")
    inp, findings, _ = read_workbook(book)
    assert inp is None
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "施設情報!C5")]
    assert "養護・軽費" in findings[0].message


def test_fiscal_year_as_reiwa(book):
    set_cells(book, L.S_FACILITY, C15="令和7年度")
    inp, findings, _ = read_workbook(book)
    assert inp.fiscal_year == 2025 and [f.code for f in findings] == ["INPUT_NORMALISED"]


def test_an_old_template_version_is_a_warning(book):
    set_cells(book, L.S_FACILITY, **{L.VERSION_CELL: "2024.1"})
    inp, findings, _ = read_workbook(book)
    assert inp is not None
    assert [(f.code, f.severity, f.location) for f in findings] == [("TEMPLATE_OLD", "warning", f"{L.S_FACILITY}!{L.VERSION_CELL}")]


# ---- 取組 and 経費 -----------------------------------------------------------------------------------------------


def test_initiatives_count_only_with_a_status(book):
    set_cells(book, L.S_INITIATIVES, C7=None, D7=None, A11=17, C11="実施予定", D11="ICT の研修")
    ev = read_and_evaluate(book)
    assert [(i.code, i.status.value) for i in ev.input.initiatives] == [("ア", "実施済"), ("ウ", "実施予定"),
                                                                         ("⑰", "実施予定")]
    assert [f.location for f in found(ev, "INPUT_NORMALISED")] == ["取組!A11"]


def test_a_status_outside_the_list_is_a_finding(book):
    set_cells(book, L.S_INITIATIVES, C6="済み")
    ev = read_and_evaluate(book)
    [bad] = found(ev, "INPUT_INVALID")
    assert bad.location == "取組!C6" and "実施済・実施予定" in bad.message


def test_an_extra_initiative_without_status_is_a_finding(book):
    set_cells(book, L.S_INITIATIVES, A12="⑳", D12="内容")
    ev = read_and_evaluate(book)
    assert [f.location for f in found(ev, "INPUT_INVALID")] == ["取組!C12"]


@pytest.mark.parametrize("code", ["9" * 5000, "\U00010a40"], ids=["5000 digits", "a digit int() refuses"])
def test_an_extra_initiative_number_no_item_has_is_an_unknown_item_not_a_crash(code):
    inp, findings, locate = read_changed({(L.S_INITIATIVES, "A11"): code, (L.S_INITIATIVES, "C11"): "実施済",
                                          (L.S_INITIATIVES, "D11"): "内容"})
    assert inp is not None and inp.initiatives[-1].code == code
    ev = evaluate(inp, locate=locate, findings=findings)
    assert [f.location for f in found(ev, "REQ_UNKNOWN_ITEM")] == ["取組!A11"]


def test_an_amount_without_a_category_is_a_finding(book):
    set_cells(book, L.S_EXPENSES, C10=5000)
    ev = read_and_evaluate(book)
    assert [f.location for f in found(ev, "INPUT_INVALID")] == ["経費!A10"]
    assert not found(ev, "EXP_UNKNOWN_CATEGORY")


def test_expense_findings_point_at_the_row_they_came_from(book):
    set_cells(book, L.S_EXPENSES, A7=None, B7=None, C7=None, A9="介護テクノロジー機器購入", B9="見守りセンサー", C9=10000)
    ev = read_and_evaluate(book)
    assert len(ev.input.expenses) == 3  # the blank row 7 is skipped
    assert [f.location for f in found(ev, "EXP_TECHNOLOGY")] == ["経費!A9"]


# ---- 勤務形態一覧 -------------------------------------------------------------------------------------------------


def test_roster_hours_become_the_actual_monthly_ftes(roster_book, sample):
    data = roster_sample(sample)
    from_book = read_and_evaluate(roster_book)
    from_json = evaluate(parse_payload(data)[0])
    assert from_book.annual_yen == from_json.annual_yen is not None
    assert [r.fte for r in from_book.monthly] == [r.fte for r in from_json.monthly]
    assert from_book.actual.source == "roster" and from_book.plan.result.annual_yen == 472_500
    assert [f.location for f in found(from_book, "ROSTER_JOB_NOT_COUNTED")] == ["勤務形態一覧!C14"]  # 鈴木 (調理員), third roster row, job column


def test_a_blank_input_method_follows_the_sheet_that_has_numbers(roster_book):
    set_cells(roster_book, L.S_MONTHLY, C3=None)
    assert read_workbook(roster_book)[0].roster is not None


def test_bad_roster_hours_point_at_their_cell(roster_book):
    path = roster_book
    may_sochi = col_letter(L.roster_cols(5)[0])
    set_cells(path, L.S_ROSTER, **{f"{may_sochi}13": -8, f"{may_sochi}12": "たくさん"})
    ev = read_and_evaluate(path)
    assert [f.location for f in found(ev, "ROSTER_HOURS_INVALID")] == [f"勤務形態一覧!{may_sochi}13"]
    assert [f.location for f in found(ev, "INPUT_INVALID")] == [f"勤務形態一覧!{may_sochi}12"]


# ---- files that cannot be read -------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_damaged_file_is_unreadable(tmp_path, content):
    p = tmp_path / "壊れた.xlsx"
    p.write_bytes(content)
    with pytest.raises(InputUnreadable, match="壊れた.xlsx"):
        read_workbook(p)


def test_a_zip_that_is_not_a_workbook_is_unreadable(tmp_path):
    p = tmp_path / "z.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "x")
    with pytest.raises(InputUnreadable, match="z.xlsx"):
        read_workbook(p)


def test_a_far_away_cell_is_refused_before_calamine_allocates_it(book):
    set_cells(book, L.S_MONTHLY, XFD1048576="メモ")  # calamine would try to allocate 17 billion cells
    with pytest.raises(InputUnreadable, match="XFD1048576"):
        read_workbook(book)


# ---- the command ---------------------------------------------------------------------------------------------


def kx(*args):
    return subprocess.run([sys.executable, "-m", "kaigo_xl", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_cli_calc_json_on_a_workbook(book):
    r = kx("calc", book, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["annual_yen"] == 472_500


def test_cli_check_exits_1_naming_file_and_cell(book):
    set_cells(book, L.S_MONTHLY, C8="十")
    r = kx("check", book)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert str(book) in r.stdout and "[月別職員数!C8]" in r.stdout and "「十」" in r.stdout


def test_cli_calc_exits_1_when_a_sheet_is_missing(book):
    wb = openpyxl.load_workbook(book)
    del wb[L.S_FACILITY]
    wb.save(book)
    r = kx("calc", book, "--json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert [f["code"] for f in json.loads(r.stdout)["findings"]] == ["SHEET_MISSING"]


def test_cli_exits_2_on_a_damaged_workbook(tmp_path):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    r = kx("check", p)
    assert r.returncode == 2 and str(p) in r.stderr and "Traceback" not in r.stderr


# ---- property: any cell content gives results or findings, never a crash ------------------------------------

_CELL = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**6, 10**20), st.booleans(), st.integers(-10**400, 10**400),
    st.decimals(allow_nan=True), st.text(alphabet=st.characters(max_codepoint=0x3000), min_size=50, max_size=200),
    st.floats(allow_nan=False, allow_infinity=False), st.floats(), st.dates(), st.datetimes(), st.times(),
    st.sampled_from(["１０．５", " 8.5 ", "54,000円", "十", "令和8年4月30日", "あり", "計画書", "実施済", "⑰", "A", "○",
                     "養護", "軽費", "直接入力", "勤務形態一覧", "-1", "1e400", "NaN", "1e999999999", "9" * 5000,
                     "\x1b[31m", "\ud800", "あ" * 40_000, CellError("#SPILL!"), CellError("#DIV/0!"), 10**5000]),
)
_INPUT_CELLS = sorted(
    {(L.S_FACILITY, f.cell) for f in L.FACILITY_FIELDS}
    | {(L.S_MONTHLY, L.INPUT_METHOD_CELL)} | {(L.S_MONTHLY, f"{c}{r}") for r in L.MONTHLY_ROWS for c in (C, D)}
    | {(L.S_ROSTER, L.ROSTER_WEEKLY_HOURS_CELL)}
    | {(L.S_ROSTER, f"{col_letter(c)}{r}") for r in L.ROSTER_ROWS[:4] for c in range(2, L.ROSTER_FIRST_MONTH_COL + 24)}
    | {(L.S_INITIATIVES, f"{c}{r}") for r in (6, 7, 8, 11, 12) for c in "ACD"}
    | {(L.S_EXPENSES, f"{c}{r}") for r in L.EXPENSE_ROWS[:4] for c in "ABCD"}
    | {(L.S_FACILITY, L.VERSION_CELL)})


def with_cells(grids: dict[str, list[list[object]]], changes: dict) -> dict[str, list[list[object]]]:
    out = {sheet: [list(row) for row in rows] for sheet, rows in grids.items()}
    for (sheet, ref), value in changes.items():
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
        r, c = int(row) - 1, openpyxl.utils.column_index_from_string(col) - 1
        rows = out[sheet]
        while len(rows) <= r:
            rows.append([])
        rows[r].extend([""] * (c + 1 - len(rows[r])))
        rows[r][c] = value
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(_INPUT_CELLS), _CELL, max_size=12), kind=st.sampled_from(["sample", "roster"]))
def test_any_cell_content_gives_results_or_findings(changes, kind):
    inp, findings, locate = read_grids(with_cells(grids_of(kind), changes), "prop.xlsx")
    if inp is None:
        assert any(f.severity == "error" for f in findings)
    else:
        findings = evaluate(inp, locate=locate, findings=findings).findings
    for f in findings:
        assert f.location.split("!")[0] in L.SHEET_ORDER, f


def test_locate_names_the_cell_each_read_row_came_from():
    # Places are recorded per row and spelled out on first use: rows skipped while reading shift the indices.
    changes = {(L.S_ROSTER, f"{L.ROSTER_COL_NAME}{L.ROSTER_FIRST_ROW + 4}"): "田中",
               (L.S_ROSTER, f"{L.ROSTER_COL_JOB}{L.ROSTER_FIRST_ROW + 4}"): "支援員",
               (L.S_ROSTER, f"{L.ROSTER_COL_PATTERN}{L.ROSTER_FIRST_ROW + 4}"): "B",
               (L.S_INITIATIVES, "C7"): None, (L.S_INITIATIVES, "D7"): None,
               (L.S_INITIATIVES, "A12"): "⑰", (L.S_INITIATIVES, "C12"): "実施済", (L.S_INITIATIVES, "D12"): "研修",
               (L.S_EXPENSES, f"A{L.EXPENSE_ROWS[3]}"): "人件費", (L.S_EXPENSES, f"C{L.EXPENSE_ROWS[3]}"): 1000}
    inp, _, locate = read_changed(changes, "roster")
    assert inp is not None and len(inp.roster.staff) == 4
    row, april, march = L.ROSTER_FIRST_ROW + 4, L.roster_cols(4)[0], L.roster_cols(3)[1]
    assert locate("roster.staff[3]") == locate("roster.staff[3].name") == f"{L.S_ROSTER}!{L.ROSTER_COL_NAME}{row}"
    assert locate("roster.staff[3].pattern") == f"{L.S_ROSTER}!{L.ROSTER_COL_PATTERN}{row}"
    assert locate("roster.staff[3].sochi_hours.4") == f"{L.S_ROSTER}!{col_letter(april)}{row}"
    assert locate("roster.staff[3].tokutei_hours") == f"{L.S_ROSTER}!{col_letter(march)}{row}"  # the last month's
    assert locate("roster.weekly_fulltime_hours") == f"{L.S_ROSTER}!{L.ROSTER_WEEKLY_HOURS_CELL}"
    assert [locate(f"initiatives[{k}]") for k in range(len(inp.initiatives))][-2:] == ["取組!A8", "取組!A12"]
    assert locate(f"initiatives[{len(inp.initiatives) - 1}].detail") == "取組!D12"
    k = len(inp.expenses) - 1
    assert locate(f"expenses[{k}].planned_yen") == f"{L.S_EXPENSES}!C{L.EXPENSE_ROWS[3]}"
    assert locate("monthly[11].tokutei_fte") == f"{L.S_MONTHLY}!{D}{ROW[3]}"
    assert locate("roster.staff[9].job") == f"{L.S_ROSTER}!{L.ROSTER_COL_NAME}{L.ROSTER_FIRST_ROW}"  # not read: the roster


def test_roster_hours_typed_as_text_are_an_error_and_give_no_total(roster_book):
    # The roster's formulas cannot read 「160」; the sheet shows no total for that month, and neither does the command.
    col = L.roster_cols(4)[0]
    ref = f"{openpyxl.utils.get_column_letter(col)}{L.ROSTER_FIRST_ROW}"
    set_cells(roster_book, L.S_ROSTER, **{ref: "１６０"})
    ev = read_and_evaluate(roster_book)
    bad = found(ev, "INPUT_INVALID")
    assert [f.location for f in bad] == [f"{L.S_ROSTER}!{ref}"]
    assert "半角の数値" in bad[0].message
    assert ev.annual_yen is None and not found(ev, "MONTH_MISSING")


def test_the_collect_path_reads_the_same_as_a_full_check(book, roster_book):
    # collect skips inflating sheets it never opens and the roster when 直接入力 is chosen: same input, same findings.
    for path in (book, roster_book):
        full, shallow = read_workbook(path), read_workbook(path, deep_check=False)
        assert shallow[0] == full[0]
        assert shallow[1] == full[1]


# ---- what a person could not have meant (issue 9): error values, numbers and text, each at its cell ------------


def read_changed(changes: dict, kind: str = "sample"):
    return read_grids(with_cells(grids_of(kind), changes), "さくら苑.xlsx")


@pytest.mark.parametrize("code", ["#SPILL!", "#CALC!", "#GETTING_DATA", "#DIV/0!", "#N/A"])
def test_an_error_value_is_reported_as_itself_at_its_cell(code):
    inp, findings, _ = read_changed({(L.S_MONTHLY, f"{C}6"): CellError(code)})
    bad = found(findings, "INPUT_INVALID")
    assert [f.location for f in bad] == [f"{L.S_MONTHLY}!{C}6"] and code in bad[0].message


def test_an_error_value_in_a_text_field_is_not_taken_as_the_text():
    inp, findings, _ = read_changed({(L.S_FACILITY, "C4"): CellError("#N/A")})
    assert [f.location for f in found(findings, "INPUT_INVALID")] == [f"{L.S_FACILITY}!C4"]
    assert inp is not None and inp.facility.name == ""


@pytest.mark.parametrize("value", [1e27, 1e300, float("inf"), 10**20, "9" * 5000, "1" * 101], ids=repr)
def test_a_number_beyond_the_bounds_is_an_error_at_its_cell(value):
    inp, findings, _ = read_changed({(L.S_MONTHLY, f"{C}6"): value})
    bad = found(findings, "INPUT_INVALID")
    assert [f.location for f in bad] == [f"{L.S_MONTHLY}!{C}6"] and len(bad[0].message) < 200


def test_control_characters_are_removed_with_a_note_at_the_cell():
    inp, findings, _ = read_changed({(L.S_FACILITY, "C4"): "さくら\x1b[31m苑\x00"})
    assert inp.facility.name == "さくら[31m苑"
    assert [(f.code, f.location) for f in findings] == [("INPUT_NORMALISED", f"{L.S_FACILITY}!C4")]


def test_a_text_beyond_what_a_cell_holds_is_cut_and_says_so():
    inp, findings, _ = read_changed({(L.S_INITIATIVES, "D6"): "あ" * 40_000})
    assert [(f.code, f.location) for f in findings] == [("TEXT_TRUNCATED", f"{L.S_INITIATIVES}!D6")]
    assert "40,000" in findings[0].message and len(inp.initiatives[0].detail) == 32_767


def test_a_twenty_digit_facility_number_typed_as_a_number_is_an_error_not_a_float():
    inp, findings, _ = read_changed({(L.S_FACILITY, "C7"): 1.2345678901234567e19})
    bad = found(findings, "INPUT_INVALID")
    assert [f.location for f in bad] == [f"{L.S_FACILITY}!C7"] and "15桁" in bad[0].message


def test_a_fifteen_digit_facility_number_typed_as_a_number_is_read_exactly():
    inp, findings, _ = read_changed({(L.S_FACILITY, "C7"): 123456789012345.0})
    assert inp.facility.number == "123456789012345" and not found(findings, "INPUT_INVALID")


def test_error_values_in_the_file_are_read_at_their_cells_even_those_calamine_refuses(book):
    """python-calamine reads #DIV/0! as "" (a blank month) and refuses the whole book on #SPILL!."""
    import support.bad_corpus as corpus

    data = book.read_bytes()
    for ref, code in ((f"{C}6", "#SPILL!"), (f"{C}7", "#DIV/0!")):
        data = corpus.cell_xml(data, L.S_MONTHLY, ref, corpus.error_cell(ref, code))
    book.write_bytes(data)
    inp, findings, _ = read_workbook(book)
    assert [(f.location, code in f.message) for f in found(findings, "INPUT_INVALID")
            for code in ("#SPILL!", "#DIV/0!") if code in f.message] == [
        (f"{L.S_MONTHLY}!{C}6", True), (f"{L.S_MONTHLY}!{C}7", True)]
    assert inp is not None and inp.facility.name == "養護老人ホーム さくら苑"

# ---- plan and actual, one mistake one error (issue 11) --------------------------------------------------------


def test_a_report_reads_its_actual_figures_from_their_own_columns(book):
    set_cells(book, L.S_FACILITY, C16="実績報告書")
    set_cells(book, L.S_MONTHLY, **{f"{L.COL_ACTUAL_FTE}{r}": 9.5 for r in L.MONTHLY_ROWS})
    ev = read_and_evaluate(book)
    assert ev.phase == "report" and ev.actual.source == "monthly_actual"
    assert ev.annual_yen == 12 * 95 * 450  # 9.5 persons, 特定施設 blank = 0
    assert ev.plan.result.annual_yen == 472_500  # the 見込み stay, beside them


def test_a_report_with_blank_actual_columns_says_the_actual_figures_are_missing(book):
    set_cells(book, L.S_FACILITY, C16="実績報告書")
    [missing] = found(read_and_evaluate(book), "MONTH_MISSING")
    assert missing.location == "月別職員数!E6:E17" and "実績" in missing.message


def test_a_blank_payment_count_is_an_input_error_at_its_cell(book):
    set_cells(book, L.S_FACILITY, C18=None)
    inp, findings, _ = read_workbook(book)
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "施設情報!C18")]
    assert inp.payment.installments == 1  # the model's default, as the sheet uses


def test_a_negative_received_amount_is_an_input_error(book):
    set_cells(book, L.S_FACILITY, C20=-5000)
    inp, findings, _ = read_workbook(book)
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "施設情報!C20")]
    assert inp.received_yen is None


def test_a_book_of_the_old_version_reads_its_one_column_as_before(tmp_path, sample):
    sample.update(phase="report")
    for line in sample["expenses"]:
        line["actual_yen"] = line["planned_yen"]
    path = write_book(tmp_path / "old.xlsx", sample)
    wb = openpyxl.load_workbook(path)
    for r in L.MONTHLY_ROWS:  # a 2025.1 book held its figures in C and D only
        wb[L.S_MONTHLY][f"{L.COL_ACTUAL_FTE}{r}"] = None
    wb[L.S_FACILITY][L.VERSION_CELL] = "2025.1"
    wb.save(path)
    ev = read_and_evaluate(path)
    assert ev.annual_yen == 472_500 and ev.actual.source == "monthly"
    [old] = found(ev, "TEMPLATE_OLD")
    assert "以前と同じ読み方" in old.message


def test_a_free_text_technology_category_is_technology(book):
    set_cells(book, L.S_EXPENSES, A8="介護ロボット")
    ev = read_and_evaluate(book)
    assert [f.location for f in found(ev, "EXP_TECHNOLOGY")] == ["経費!A8"] and not found(ev, "EXP_UNKNOWN_CATEGORY")


def test_a_technology_description_points_at_its_cell(book):
    set_cells(book, L.S_EXPENSES, B7="インカム10台の購入")
    assert [f.location for f in found(read_and_evaluate(book), "EXP_TECHNOLOGY_SUSPECTED")] == ["経費!B7"]


def test_two_decimals_are_a_warning_at_the_first_such_cell(book):
    set_cells(book, L.S_MONTHLY, C7=10.25, D9=2.05)
    [f] = found(read_and_evaluate(book), "FTE_PRECISION")
    assert f.location == "月別職員数!C7" and "5月・7月" in f.message
