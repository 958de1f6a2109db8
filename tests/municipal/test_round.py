"""A municipality's whole round (conftest.municipal_round): distribute to 20 facilities, 17 files come back, 3 never
do; collect with the distribution list tells who has not returned, what to send back to whom, and a budget of one
fiscal year that adds up to the yen."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from support.municipal_round import PLANS, RATE, Round, fte, kx, name, number

from kaigo_xl.workbook import layout as L

pytestmark = pytest.mark.slow
JUNE_TOKUTEI = f"{L.COL_TOKUTEI}{L.MONTH_ROW[6]}"  # where facility 14 typed 99


@pytest.fixture(scope="module", autouse=True)
def _collected_first(collected_round) -> None:
    """Every test here reads what collect wrote (集計.xlsx, 修正依頼/ …): collected before any of them runs, whichever
    worker runs it (with -n 2, a test could land on a worker where no test had asked for `data` yet)."""


@pytest.fixture(scope="module")
def data(collected_round) -> dict:
    return json.loads(collected_round[0].stdout)


def _books(data: dict) -> dict[str, dict]:
    return {f["file"]: f for key in ("facilities", "unreadable", "other_fiscal_years") for f in data[key]}


def _table(ws, header_row: int = 3) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    out = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(rows[0], row)))
    return out


def _expected_total(rnd: Round) -> int:
    """By hand: 54,000 × FTE for every book of 令和7年度 that could be computed (the wrong-number book and the
    stranger's count; the book with an error, the 令和6年度 book and the unreadable ones do not)."""
    counted = [*rnd.GOOD, rnd.WRONG_NUMBER]
    return sum(int(RATE * fte(i)) for i in counted) + int(RATE * rnd.STRANGER_FTE)


# ---- 1. the round against the distribution list ----

def test_collect_exits_1_and_writes_everything(collected_round):
    r, out = collected_round
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (out / "集計.xlsx").exists() and (out / "集計.csv").exists()


def test_facilities_that_never_returned_are_listed(data, municipal_round):
    rnd = municipal_round
    assert [m["number"] for m in data["missing"]] == [number(rnd.OLD_YEAR), *map(number, rnd.SILENT)]
    old = data["missing"][0]
    assert old["other_fiscal_year_files"] == [rnd.files[rnd.OLD_YEAR]]  # it sent last year's book only
    ws = openpyxl.load_workbook(rnd.out / "集計.xlsx")["未提出"]
    missing = [r for r in _table(ws) if r["区分"] == "未提出"]
    assert [(r["施設番号"], r["施設名"]) for r in missing] == [(number(i), name(i)) for i in (rnd.OLD_YEAR, *rnd.SILENT)]


def test_a_book_from_a_facility_not_on_the_list_is_named(data, municipal_round):
    assert data["not_on_list"] == ["よその園.xlsx"]
    stranger = _books(data)["よその園.xlsx"]
    assert [f["code"] for f in stranger["findings"] if f["code"] == "NOT_ON_LIST"] == ["NOT_ON_LIST"]


def test_the_facility_that_typed_anothers_number_gets_an_error_with_both_numbers(data, municipal_round):
    rnd = municipal_round
    books = _books(data)
    wrong = books[rnd.files[rnd.WRONG_NUMBER]]
    mismatch = [f for f in wrong["findings"] if f["code"] == "NUMBER_MISMATCH"]
    assert len(mismatch) == 1 and mismatch[0]["severity"] == "error"
    assert (mismatch[0]["sheet"], mismatch[0]["cell"]) == ("施設情報", "C7")
    assert number(12) in mismatch[0]["message"] and number(rnd.WRONG_NUMBER) in mismatch[0]["message"]
    assert wrong["identity"] == number(rnd.WRONG_NUMBER) and wrong["status"] == "要修正"
    right = books[rnd.files[12]]  # the facility whose number was taken is not blamed
    assert not [f for f in right["findings"] if f["code"] in ("DUPLICATE_NUMBER", "NUMBER_MISMATCH")]
    assert data["duplicates"] == {}


def test_without_a_list_the_output_says_missing_cannot_be_known_and_how(municipal_round, tmp_path):
    r = kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx")
    assert "未提出の施設は分かりません" in r.stdout and "--list 配布一覧.csv" in r.stdout
    data = json.loads(kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx", "--json").stdout)
    assert data["list_given"] is False and data["missing"] is None


def test_without_a_list_the_file_name_still_exposes_the_wrong_number(municipal_round, tmp_path):
    data = json.loads(kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx", "--json").stdout)
    wrong = _books(data)[municipal_round.files[municipal_round.WRONG_NUMBER]]
    assert [f["severity"] for f in wrong["findings"] if f["code"] == "NUMBER_MISMATCH"] == ["error"]


def test_the_original_facility_list_works_as_the_list_too(municipal_round, tmp_path):
    lst = municipal_round.dist.parent / "施設一覧.csv"
    data = json.loads(kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx", "--list", lst, "--json").stdout)
    assert [m["number"] for m in data["missing"]] == [number(i) for i in (15, 18, 19, 20)]


# ---- 2. one fiscal year, totals that are true ----

def test_the_year_is_the_most_common_and_said_in_the_output(collected_round, municipal_round, tmp_path):
    r = kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx")
    assert "集計する年度: 令和7年度（ブックで最も多い年度" in r.stdout
    assert json.loads(collected_round[0].stdout)["fiscal_year"] == 2025


def test_a_book_of_another_year_is_listed_and_kept_out_of_every_total(data, municipal_round):
    rnd = municipal_round
    assert [f["file"] for f in data["other_fiscal_years"]] == [rnd.files[rnd.OLD_YEAR]]
    assert rnd.files[rnd.OLD_YEAR] not in {f["file"] for f in data["facilities"]}
    assert data["total_annual_yen"] == _expected_total(rnd)
    april = next(m for m in data["monthly_payments"] if m["month"] == "2025-04")["yen"]
    plans = [i for i in (*rnd.GOOD, rnd.WRONG_NUMBER) if i != rnd.REPORT]
    assert april == sum(_payment(i, 4) for i in plans) + _payment(1, 4)  # the stranger pays like facility 1
    wb = openpyxl.load_workbook(rnd.out / "集計.xlsx", data_only=True)
    assert rnd.files[rnd.OLD_YEAR] not in {r["ファイル"] for r in _table(wb["集計"])}
    excluded = _table(wb["読込不可・対象外"])
    assert any(r["ファイル"] == rnd.files[rnd.OLD_YEAR] and "令和6年度" in r["区分"] for r in excluded)
    header = [c.value for c in wb["支払予定"][3]]
    assert not any(number(rnd.OLD_YEAR) in str(h) for h in header)  # nor a column of the budget and its chart


def _payment(i: int, month: int) -> int:
    """Facility i's payment in `month` by hand: floor(total / N), the remainder on the last installment."""
    n, first = PLANS[i % 3]
    total = int(RATE * fte(i))
    months = [(first - 1 + k) % 12 + 1 for k in range(n)]
    if month not in months:
        return 0
    return total // n + (total % n if month == months[-1] else 0)


def test_asking_for_the_other_year_totals_only_that_year(municipal_round, tmp_path):
    data = json.loads(kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx", "--fiscal-year", "2025",
                         "--json").stdout)
    assert data["fiscal_year_chosen_by"] == "option"
    data26 = json.loads(kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx", "--fiscal-year", "2026",
                           "--json").stdout)
    assert data26["facilities"] == [] and data26["total_annual_yen"] == 0
    assert all(m["month"].startswith(("2026", "2027")) for m in data26["monthly_payments"])


def test_money_totals_agree_with_an_independent_sum_everywhere(data, municipal_round):
    rnd = municipal_round
    expected = _expected_total(rnd)
    assert data["total_annual_yen"] == expected
    assert sum(f["annual_yen"] or 0 for f in data["facilities"]) == expected
    wb = openpyxl.load_workbook(rnd.out / "集計.xlsx", data_only=True)
    rows = _table(wb["集計"])
    total = next(r for r in rows if str(r["施設名"]).startswith("合計（"))
    assert total["加算総額（円）"] == expected  # the cached value of the SUBTOTAL
    with open(rnd.out / "集計.csv", encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert int(csv_rows[-1]["加算総額（円）"]) == expected
    months = [h for h in rows[0] if h and h.endswith("支払額（円）")]
    assert sum(total[h] for h in months) == sum(m["yen"] for m in data["monthly_payments"])
    assert sum(m["yen"] for m in data["monthly_payments"]) == expected - rnd.annual(rnd.REPORT)


def test_the_totals_row_is_subtotal_formulas(municipal_round):
    ws = openpyxl.load_workbook(municipal_round.out / "集計.xlsx")["集計"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    total = next(r for r in rows if r[1] and str(r[1]).startswith("合計"))
    formulas = [v for v in total if isinstance(v, str) and v.startswith("=")]
    assert formulas and all(re.fullmatch(r"=SUBTOTAL\(9,[A-Z]+4:[A-Z]+\d+\)", f) for f in formulas)


def test_the_sheet_says_under_each_total_what_it_includes(municipal_round):
    ws = openpyxl.load_workbook(municipal_round.out / "集計.xlsx")["集計"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    words = dict(zip(rows[0], next(r for r in rows if r[1] and str(r[1]).startswith("合計に含むもの"))))
    assert words["加算総額（円）"] == "計算できた施設（要修正を含む）"
    assert words["令和7年4月支払額（円）"] == "計画書のみ"


def test_the_overview_explains_the_totals_with_their_figures(municipal_round):
    ws = openpyxl.load_workbook(municipal_round.out / "集計.xlsx")["概要"]
    notes = "\n".join(str(r[1]) for r in ws.iter_rows(values_only=True) if r[1])
    assert "要修正" in notes and "実績報告書のブック1施設" in notes and "SUBTOTAL" in notes
    assert f"加算総額 {municipal_round.annual(12):,}円" in notes  # the report's amount, not in the budget


def test_an_unreadable_book_whose_facility_sheet_reads_shows_its_number_and_name(data, municipal_round):
    rnd = municipal_round
    damaged = _books(data)[rnd.files[rnd.DAMAGED]]
    assert damaged["status"] == "読込不可"
    assert (damaged["number"], damaged["name"]) == (number(rnd.DAMAGED), name(rnd.DAMAGED))
    ws = openpyxl.load_workbook(rnd.out / "集計.xlsx")["集計"]
    row = next(r for r in _table(ws) if r["ファイル"] == rnd.files[rnd.DAMAGED])
    assert (row["施設番号"], row["施設名"], row["状態"]) == (number(rnd.DAMAGED), name(rnd.DAMAGED), "読込不可")


# ---- 3. what to send back to whom ----

def test_the_return_list_has_one_row_per_facility_to_fix_with_contact_and_fixes(municipal_round):
    rnd = municipal_round
    rows = _table(openpyxl.load_workbook(rnd.out / "集計.xlsx")["差し戻し一覧"])
    assert {r["ファイル"] for r in rows} == {rnd.files[i] for i in (rnd.WRONG_NUMBER, rnd.ERROR, rnd.OLD_YEAR,
                                                                   rnd.TEXT_AS_XLSX, rnd.DAMAGED)}
    error = next(r for r in rows if r["ファイル"] == rnd.files[rnd.ERROR])
    assert error["担当者・連絡先"] == f"担当 {rnd.ERROR}郎（0123-45-{rnd.ERROR:04d}）"
    assert error["エラー"] == 1
    assert error["直してほしい点（シート!セル: 内容）"].startswith(f"・月別職員数!{JUNE_TOKUTEI}: ")
    wrong = next(r for r in rows if r["ファイル"] == rnd.files[rnd.WRONG_NUMBER])
    assert wrong["直してほしい点（シート!セル: 内容）"].startswith("・施設情報!C7: 施設番号が「0100000012」")


def test_feedback_writes_one_text_per_facility_with_the_same_fixes(municipal_round):
    rnd = municipal_round
    folder = rnd.out / "修正依頼"
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 5 and all(f.endswith("_修正依頼.txt") for f in files)
    text = (folder / f"{number(rnd.ERROR)}_{name(rnd.ERROR)}_修正依頼.txt").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text
    body = text.decode("utf-8-sig")
    assert body.startswith(f"{name(rnd.ERROR)}　御中\r\n（ご担当: 担当 {rnd.ERROR}郎")
    assert f"・月別職員数!{JUNE_TOKUTEI}: " in body and "1点の修正が必要です" in body


def test_findings_put_errors_first_and_collapse_repeated_information(municipal_round):
    ws = openpyxl.load_workbook(municipal_round.out / "集計.xlsx")["指摘一覧"]
    rows = _table(ws)
    order = [r["区分"] for r in rows]
    assert order == sorted(order, key=["エラー", "注意", "情報"].index)
    assert all(r["件数"] == 1 for r in rows if r["区分"] != "情報")


def test_json_carries_every_finding_per_facility(data, municipal_round):
    wrong = _books(data)[municipal_round.files[municipal_round.ERROR]]
    f = next(x for x in wrong["findings"] if x["code"] == "TOKUTEI_EXCEEDS_FTE")
    assert set(f) == {"code", "severity", "sheet", "cell", "message"}
    assert (f["severity"], f["sheet"], f["cell"]) == ("error", "月別職員数", JUNE_TOKUTEI)


# ---- 4. other systems ----

def test_the_csv_can_be_shift_jis(municipal_round, tmp_path):
    r = kx("collect", municipal_round.back, "--out", tmp_path / "s.xlsx", "--csv", tmp_path / "s.csv",
           "--csv-encoding", "cp932")
    raw = (tmp_path / "s.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("cp932"))))
    assert rows[0]["施設名"] == name(1) and r.returncode == 1


# ---- 9. every string is text ----

def test_every_string_in_the_summary_workbook_is_an_inline_string(municipal_round):
    """No cell of ours holds a formula except the totals we write ourselves (SUBTOTAL, SUM)."""
    with zipfile.ZipFile(municipal_round.out / "集計.xlsx") as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert "xl/sharedStrings.xml" not in zf.namelist() or b"<si>" not in zf.read("xl/sharedStrings.xml")
        for n in sheets:
            xml = zf.read(n).decode()
            for formula in re.findall(r"<f>(.*?)</f>", xml):
                assert re.fullmatch(r"(SUBTOTAL\(9,|SUM\()[A-Z]+\d+:[A-Z]+\d+\)", formula), (n, formula)
            assert ' t="s"' not in xml and ' t="str"' not in xml


def test_a_reader_without_recalculation_sees_the_totals(municipal_round):
    book = CalamineWorkbook.from_path(str(municipal_round.out / "集計.xlsx"))
    rows = book.get_sheet_by_name("集計").to_python()
    total = next(r for r in rows if str(r[1]).startswith("合計"))
    assert _expected_total(municipal_round) in total
