"""A municipality's round trip: distribute one book per facility, collect what comes back, summarise the money."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kaigo_xl.demo import sample_payload
from kaigo_xl.models import FacilityInput
from kaigo_xl.municipal.collect import scan
from kaigo_xl.municipal.filenames import MAX_NAME_BYTES, MAX_NAME_CHARS, UniqueNames, safe_stem
from kaigo_xl.municipal.pool import read_books
from kaigo_xl.municipal.text import csv_cell
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader import read_workbook
from kaigo_xl.workbook.template import build_template
from kaigo_xl.xlsx.cellpatch import BookPatcher
from kaigo_xl.xlsx.save import workbook_bytes

pytestmark = pytest.mark.slow  # every test here builds and reads real workbooks

EXE = [sys.executable, "-m", "kaigo_xl"]
HEADER = "施設番号,施設名,種別,市区町村,定員,特定施設,類型\n"
ROWS = ("0112345678,養護老人ホーム さくら苑,養護,見本市,50,なし,\n"
        "0112345679,ケアハウス ひまわり,軽費,見本市,30,あり,ケアハウス\n")


def kx(*args):
    return subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, timeout=300)


def manifest(folder: Path) -> list[dict]:
    text = (folder / "配布一覧.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


# ---------------------------------------------------------------- distribute

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_list_saved_in_any_excel_encoding_gives_the_same_books(tmp_path, encoding):
    src = tmp_path / "list.csv"
    src.write_bytes((HEADER + ROWS).encode(encoding))
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx")) == [
        "0112345678_養護老人ホーム さくら苑.xlsx", "0112345679_ケアハウス ひまわり.xlsx"]
    inp, findings, _ = read_workbook(tmp_path / "out" / "0112345679_ケアハウス ひまわり.xlsx")
    f = inp.facility
    assert (f.number, f.name, f.type.value, f.municipality, f.capacity, f.tokutei_designated, f.subtype) == (
        "0112345679", "ケアハウス ひまわり", "軽費", "見本市", 30, True, "ケアハウス")


def test_an_excel_list_is_read_like_the_csv(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["施設一覧（見本市）"])  # a title row above the headers
    for line in (HEADER + ROWS).splitlines():
        ws.append(line.split(","))
    ws.append([112345680, "あおば荘", "軽費", "見本市", 50])  # numbers typed as numbers
    wb.save(tmp_path / "list.xlsx")
    r = kx("distribute", tmp_path / "list.xlsx", "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    rows = manifest(tmp_path / "out")
    assert [m["行"] for m in rows] == ["3", "4", "5"]  # rows as Excel numbers them
    assert rows[2]["ファイル"] == "112345680_あおば荘.xlsx"


def test_bad_rows_are_reported_by_row_number_and_the_others_are_still_made(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS + ",番号なし荘,養護,見本市,,,\n"  # row 4
                   "0112345690,特養さくら,特養,見本市,,,\n"  # row 5: unknown type
                   "0112345678,さくら苑（二重）,養護,見本市,,,\n"  # row 6: duplicate number
                   "0112345691,,軽費,見本市,,,\n"  # row 7: no name
                   "0112345692,あおば荘,軽費,見本市,,,\n", encoding="utf-8")
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "4行目: 施設番号がありません。" in r.stdout
    assert "5行目: 種別「特養」は 養護 または 軽費 で入力してください。" in r.stdout
    assert "6行目: 施設番号「0112345678」が2行目と重複しています。" in r.stdout
    assert "7行目: 施設名がありません。" in r.stdout
    made = {m["施設番号"]: m for m in manifest(tmp_path / "out") if m["状態"] == "作成"}
    assert set(made) == {"0112345678", "0112345679", "0112345692"}
    assert made["0112345678"]["施設名"] == "養護老人ホーム さくら苑"  # the first of the duplicates is kept
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 3


def test_suspicious_rows_are_noted_but_still_made(tmp_path):
    src = tmp_path / "list.csv"
    src.write_bytes((HEADER + ROWS + "112345680,あおば荘,軽費,見本市,,,\n"  # row 4: the leading 0 lost in Excel
                     "0112345681,?田ホーム,養護,見本市,,,\n").encode("cp932"))  # row 5: 髙 → ? in a Shift_JIS export
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4行目（注意）: 施設番号「112345680」は9桁です（ほかの行は10桁）" in r.stdout
    assert "5行目（注意）: 施設名「?田ホーム」に「?」があります" in r.stdout
    rows = {m["行"]: m for m in manifest(tmp_path / "out")}
    assert rows["4"]["状態"] == rows["5"]["状態"] == "作成" and "先頭の 0" in rows["4"]["理由・注意"]


def test_a_list_without_the_required_headers_is_refused_naming_them(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text("番号,施設名,種類\n1,a,養護\n", encoding="utf-8")
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 2
    assert "「施設番号」" in r.stderr and "「種別」" in r.stderr and "「市区町村」" in r.stderr
    assert "Traceback" not in r.stderr


def test_manifest_lists_every_row_with_its_file_and_status(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS + "0112345693,=HYPERLINK(\"http://x\"),養護,見本市,,,\n"
                   "0112345694,あおば荘,老健,見本市,,,\n", encoding="utf-8")
    kx("distribute", src, "--out", tmp_path / "out")
    rows = manifest(tmp_path / "out")
    assert list(rows[0]) == ["行", "施設番号", "施設名", "種別", "市区町村", "ファイル", "状態", "理由・注意"]
    assert [(m["行"], m["状態"]) for m in rows] == [("2", "作成"), ("3", "作成"), ("4", "作成"), ("5", "作成せず")]
    assert rows[2]["施設名"] == "'=HYPERLINK(\"http://x\")"  # a formula is neutralised in the CSV
    assert all((tmp_path / "out" / m["ファイル"]).exists() for m in rows if m["状態"] == "作成")
    assert rows[3]["ファイル"] == "" and "老健" in rows[3]["理由・注意"]


def test_windows_unsafe_names_are_made_safe_and_unique(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + '1,A/B棟:"本館"*?,養護,見本市,,,\n'
                   "2,CON,養護,見本市,,,\n"
                   f"3,{'長' * 150},養護,見本市,,,\n"
                   "4,末尾の点.,養護,見本市,,,\n", encoding="utf-8")
    assert kx("distribute", src, "--out", tmp_path / "out").returncode == 0
    names = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert names[0] == "1_A_B棟__本館___.xlsx"
    assert names[1] == "2_CON.xlsx"
    assert len(names[2].encode()) <= MAX_NAME_BYTES and names[2].startswith("3_長") and names[2].endswith("長.xlsx")
    assert names[3] == "4_末尾の点.xlsx"


def test_reserved_device_names_forbidden_characters_and_case_are_handled():
    assert safe_stem("CON") == "_CON" and safe_stem("com1.txt") == "_com1.txt" and safe_stem("nul ") == "_nul"
    assert safe_stem('a\\b/c:d*e?f"g<h>i|j\x07k') == "a_b_c_d_e_f_g_h_i_j_k"
    assert safe_stem(" . ") == "_"
    names = UniqueNames()
    assert [names.claim(x) for x in ("さくら", "サクラ", "さくら", "ABC", "abc")] == [
        "さくら.xlsx", "サクラ.xlsx", "さくら_2.xlsx", "ABC.xlsx", "abc_2.xlsx"]  # Windows ignores case
    assert len(names.claim("x" * 300)) == MAX_NAME_CHARS and names.claim("x" * 300).endswith("x_2.xlsx")
    assert len(names.claim("長" * 300).encode()) <= MAX_NAME_BYTES


def test_distributing_without_a_deadline_or_contact_says_what_the_books_will_show(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    said = kx("distribute", src, "--out", tmp_path / "out").stdout
    assert "計画書の提出期限（plan_due）がないため、ブックの「使い方」シートには「計画書の提出期限: 市区町村からの案内のとおり」" in said
    assert "提出先・問い合わせ先（contact）がないため" in said and "市区町村の担当課（配布時の案内をご覧ください）" in said


def test_a_contact_of_spaces_is_no_contact(tmp_path):
    src, pol = tmp_path / "list.csv", tmp_path / "policy.toml"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    pol.write_text('plan_due = 2025-06-30\ncontact = "   "\n', encoding="utf-8")
    said = kx("distribute", src, "--out", tmp_path / "out", "--policy", pol).stdout
    assert "contact）がないため" in said and "plan_due）がないため" not in said


def test_distributing_with_a_deadline_and_contact_has_nothing_to_say_of_them(tmp_path):
    src, pol = tmp_path / "list.csv", tmp_path / "policy.toml"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    pol.write_text('plan_due = 2025-06-30\ncontact = "高齢福祉課"\n', encoding="utf-8")
    r = kx("distribute", src, "--out", tmp_path / "out", "--policy", pol)
    assert r.returncode == 0 and "案内のとおり" not in r.stdout


@pytest.mark.parametrize("capacity, quoted", [("9" * 5000, "99999999999999999999…（5,000文字）"), ("\u1369", "\u1369")],
                         ids=["5000_digits", "ethiopic_digit"])
def test_a_capacity_that_is_no_number_anyone_typed_is_left_blank_with_a_note(tmp_path, capacity, quoted):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + f"0112345678,養護老人ホーム さくら苑,養護,見本市,{capacity},なし,\n", encoding="utf-8")
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert f"2行目（注意）: 定員「{quoted}」を数として読めないため空欄にしました。" in r.stdout


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_a_list_in_another_spreadsheet_format_is_refused_with_how_to_save_it(tmp_path, suffix):
    """(python-calamine read these unchecked: a 3 MB .ods inflated to 12 GB, repeated cells went further.)"""
    src = tmp_path / f"list{suffix}"
    src.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 2 and "対応していない形式です" in r.stderr and ".xlsx として保存し直して" in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_list_with_a_field_longer_than_any_csv_field_says_so_in_japanese(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + "0112345678," + "あ" * 200_000 + ",養護,見本市,50,なし,\n", encoding="utf-8")
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 2 and "2行目から: 1つの欄が長すぎます（131,072文字まで）" in r.stderr and "field limit" not in r.stderr


def test_a_quote_left_open_in_a_list_is_refused_at_its_line_not_folded_into_one_field(tmp_path):
    src = tmp_path / "list.csv"
    rows = "".join(f"01123456{i:02d},園{i},養護,見本市,50,なし,\n" for i in range(50))
    src.write_text(HEADER + rows.replace("園3,", '"園3,', 1), encoding="utf-8")
    r = kx("distribute", src, "--out", tmp_path / "out")
    assert r.returncode == 2 and "5行目から: 引用符 \" が閉じていない" in r.stderr


def test_collecting_the_distribution_folder_itself_says_so(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    kx("distribute", src, "--out", tmp_path / "out")
    said = kx("collect", tmp_path / "out", "--out", tmp_path / "s.xlsx").stdout
    assert "どのブックにも職員数・取組・経費が入力されていません（2件" in said


def test_a_distributed_book_is_exactly_the_template_filled_with_the_facility(tmp_path):
    from kaigo_xl.municipal.distribute import facility_input
    from kaigo_xl.municipal.facility_list import parse_list

    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    assert kx("distribute", src, "--out", tmp_path / "out").returncode == 0
    for entry in parse_list(src, Policy()):
        built = build_template(Policy(), entry.type, 2025, facility_input(entry, Policy(), 2025))
        expected = openpyxl.load_workbook(io.BytesIO(workbook_bytes(built)))
        got = openpyxl.load_workbook(next((tmp_path / "out").glob(f"{entry.number}_*.xlsx")))
        assert got.sheetnames == expected.sheetnames
        for ws in expected.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert got[ws.title][c.coordinate].value == c.value, f"{ws.title}!{c.coordinate}"


def test_a_rerun_leaves_books_that_already_exist_alone(tmp_path):
    # A facility may already have typed into its book; only --force makes it again (the old file kept as .bak).
    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    out = tmp_path / "out"
    assert kx("distribute", src, "--out", out).returncode == 0
    book = out / "0112345678_養護老人ホーム さくら苑.xlsx"
    book.write_bytes(b"filled by the facility")
    r = kx("distribute", src, "--out", out)
    assert r.returncode == 0 and "そのままにしました" in r.stdout
    assert book.read_bytes() == b"filled by the facility"
    assert [m["状態"] for m in manifest(out)] == ["既存のため作成せず", "既存のため作成せず"]
    assert kx("distribute", src, "--out", out, "--force").returncode == 0
    assert book.with_name(book.name + ".bak").read_bytes() == b"filled by the facility"


def test_the_addressee_is_the_head_of_the_facilitys_municipality(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    assert kx("distribute", src, "--out", tmp_path / "out").returncode == 0
    inp, _, _ = read_workbook(tmp_path / "out" / "0112345678_養護老人ホーム さくら苑.xlsx")
    assert inp.addressee == "見本市長"


# ---------------------------------------------------------------- collect

def _books() -> dict[str, BookPatcher]:
    payload = sample_payload()
    out = {}
    for ftype in ("養護", "軽費"):
        payload["facility"]["type"] = ftype
        out[ftype] = BookPatcher(workbook_bytes(build_template(Policy(), ftype, 2025,
                                                              FacilityInput.model_validate(payload))))
    return out


def _facility(number: str, name: str) -> dict:
    return {L.S_FACILITY: {L.FIELD_BY_KEY["facility.number"].cell: number, L.FIELD_BY_KEY["facility.name"].cell: name}}


@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> Path:
    """What came back to the municipality: good books, a book with an error, a duplicate, an old book,
    a text file renamed .xlsx, a note, Excel's lock file and a facility whose name is a formula."""
    d = tmp_path_factory.mktemp("returned")
    (d / "2課").mkdir()
    books = _books()
    (d / "good.xlsx").write_bytes(books["養護"].render(_facility("100", "さくら苑")))
    (d / "2課" / "keihi.xlsx").write_bytes(books["軽費"].render(_facility("200", "ひまわり")))
    error = _facility("300", "+1")
    error[L.S_MONTHLY] = {f"{L.COL_TOKUTEI}{L.MONTH_ROW[6]}": 99}
    (d / "error.xlsx").write_bytes(books["養護"].render(error))
    (d / "dup.xlsx").write_bytes(books["養護"].render(_facility("100", "さくら苑（再提出）")))
    old = _facility("400", '=HYPERLINK("http://evil","x")')
    old[L.S_FACILITY] = {**old.get(L.S_FACILITY, {}), L.VERSION_CELL: "2024.1"}
    (d / "old.xlsx").write_bytes(books["軽費"].render(old))
    (d / "broken.xlsx").write_text("施設名,さくら苑\n", encoding="utf-8")
    (d / "readme.txt").write_text("メモ", encoding="utf-8")
    (d / "~$good.xlsx").write_bytes(b"lock")
    return d


@pytest.fixture(scope="module")
def collected(returned, tmp_path_factory):
    out = tmp_path_factory.mktemp("summary")
    r = kx("collect", returned, "--out", out / "集計.xlsx", "--csv", out / "集計.csv", "--json")
    return r, out


def _table(ws, header_row: int = 3) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    head = rows[0]
    out = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(head, row)))
    return out


def test_collect_exits_1_when_some_book_has_errors_or_is_unreadable(collected):
    r, out = collected
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert (out / "集計.xlsx").exists()


def test_the_json_has_the_documented_shape(collected):
    data = json.loads(collected[0].stdout)
    assert {"facilities", "unreadable", "total_annual_yen"} <= set(data)
    assert {f["file"] for f in data["facilities"]} == {"good.xlsx", "2課/keihi.xlsx", "error.xlsx", "dup.xlsx",
                                                        "old.xlsx"}
    for f in data["facilities"]:
        assert {"number", "name", "file", "average_fte", "annual_yen", "errors", "warnings"} <= set(f)
        assert isinstance(f["annual_yen"], int) or (f["annual_yen"] is None and f["errors"] > 0)
        assert isinstance(f["errors"], int) and isinstance(f["warnings"], int)
    assert [u["file"] for u in data["unreadable"]] == ["broken.xlsx"]
    assert "拡張子" in data["unreadable"][0]["message"] or "Excel" in data["unreadable"][0]["message"]
    assert data["skipped"] == ["readme.txt"]  # the lock file ~$good.xlsx is ignored altogether
    assert data["total_annual_yen"] == sum(f["annual_yen"] or 0 for f in data["facilities"])


def test_every_book_has_a_row_and_the_totals_are_the_sum_of_the_rows(collected):
    wb = openpyxl.load_workbook(collected[1] / "集計.xlsx", data_only=True)  # the totals' cached values
    assert wb.sheetnames == ["概要", "集計", "差し戻し一覧", "未提出", "指摘一覧", "支払予定", "読込不可・対象外"]
    rows = _table(wb["集計"])
    at = next(i for i, r in enumerate(rows) if str(r["施設名"]).startswith("合計（"))
    body, total = rows[:at], rows[at]
    assert total["施設名"] == "合計（5冊・4施設）"  # good.xlsx and dup.xlsx: one facility, two books
    assert sorted(r["ファイル"] for r in body) == ["2課/keihi.xlsx", "broken.xlsx", "dup.xlsx", "error.xlsx",
                                                  "good.xlsx", "old.xlsx"]
    money = [h for h in total if h and h.endswith("（円）")]
    assert len(money) == 1 + 12 + 4  # 加算総額, 12 months, spending planned/actual, received, refund
    for h in money:
        assert total[h] == sum(r[h] or 0 for r in body) or (total[h] is None and all(r[h] is None for r in body)), h
    good = next(r for r in body if r["ファイル"] == "good.xlsx")
    assert (good["状態"], good["加算要件"], good["加算総額（円）"]) == ("提出可", "○", 472_500)
    assert good["対象職員数（月平均）"] == 8.75
    assert sum(good[f"{m}支払額（円）"] for m in ("令和7年10月", "令和7年11月", "令和7年12月", "令和8年1月", "令和8年2月",
                                                "令和8年3月")) == 472_500
    assert next(r for r in body if r["ファイル"] == "error.xlsx")["状態"] == "要修正"
    assert next(r for r in body if r["ファイル"] == "broken.xlsx")["状態"] == "読込不可"


def test_payment_table_adds_up_by_month_and_by_facility_and_has_a_chart(collected):
    ws = openpyxl.load_workbook(collected[1] / "集計.xlsx", data_only=True)["支払予定"]
    rows = list(ws.iter_rows(min_row=4, max_row=16, values_only=True))
    for row in rows[:12]:
        assert row[1] == sum(v for v in row[3:])  # month total = sum over facilities
    assert rows[12][0] == "合計" and rows[12][1] == sum(r[1] for r in rows[:12])
    assert list(rows[12][3:]) == [sum(r[i] for r in rows[:12]) for i in range(3, len(rows[12]))]
    assert len(ws._charts) == 1


def test_findings_name_the_file_sheet_and_cell(collected):
    rows = _table(openpyxl.load_workbook(collected[1] / "集計.xlsx")["指摘一覧"])
    tokutei = next(r for r in rows if r["コード"] == "TOKUTEI_EXCEEDS_FTE")
    assert (tokutei["ファイル"], tokutei["シート"], tokutei["セル"], tokutei["区分"]) == (
        "error.xlsx", "月別職員数", f"{L.COL_TOKUTEI}{L.MONTH_ROW[6]}", "エラー")
    assert {r["ファイル"] for r in rows if r["コード"] == "TEMPLATE_OLD"} == {"old.xlsx"}
    assert {r["ファイル"] for r in rows if r["コード"] == "DUPLICATE_NUMBER"} == {"good.xlsx", "dup.xlsx"}
    assert any(r["ファイル"] == "broken.xlsx" and r["コード"] == "UNREADABLE" for r in rows)


def test_duplicates_old_books_and_unreadable_files_are_reported_not_dropped(collected):
    wb = openpyxl.load_workbook(collected[1] / "集計.xlsx")
    body = _table(wb["集計"])
    assert {r["ファイル"] for r in body if "施設番号重複" in (r["備考"] or "")} == {"good.xlsx", "dup.xlsx"}
    assert {r["ファイル"] for r in body if "旧様式" in (r["備考"] or "")} == {"old.xlsx"}
    notes = [row[1] for row in wb["概要"].iter_rows(values_only=True) if row[1] and "施設番号「100」" in str(row[1])]
    assert notes and "dup.xlsx" in notes[0] and "good.xlsx" in notes[0]
    listed = _table(wb["読込不可・対象外"])
    assert [(r["ファイル"], r["区分"]) for r in listed] == [("broken.xlsx", "読込不可"),
                                                          ("readme.txt", "対象外（ブックではない）")]


def test_the_csv_neutralises_formulas_and_keeps_numbers_numeric(collected):
    text = (collected[1] / "集計.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    names = {r["ファイル"]: r["施設名"] for r in rows}
    assert names["old.xlsx"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert names["error.xlsx"] == "'+1"
    assert next(r for r in rows if r["ファイル"] == "good.xlsx")["加算総額（円）"] == "472500"


@pytest.mark.parametrize("value, shown", [("=1+1", "'=1+1"), ("+81-3", "'+81-3"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
                                          ("\tx", "'\u2409x"), ("\rx", "'\u240dx"), ("さくら", "さくら"), (-5, "-5"),
                                          (Decimal("-0.5"), "-0.5"), (None, "")])
def test_csv_cells_starting_like_a_formula_get_a_quote_but_numbers_stay_numbers(value, shown):
    assert csv_cell(value) == shown


def test_a_folder_of_good_books_exits_0(tmp_path, returned):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.xlsx").write_bytes((returned / "good.xlsx").read_bytes())
    r = kx("collect", tmp_path / "in", "--out", tmp_path / "s.xlsx")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "加算総額の合計: 472,500円" in r.stdout


def test_a_missing_or_empty_folder_exits_2_without_a_traceback(tmp_path):
    for folder in (tmp_path / "nothing", tmp_path):
        r = kx("collect", folder, "--out", tmp_path / "s.xlsx")
        assert r.returncode == 2 and "Traceback" not in r.stderr and "エラー:" in r.stderr


def test_rerunning_collect_keeps_the_previous_summary_as_a_backup(tmp_path, returned):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.xlsx").write_bytes((returned / "good.xlsx").read_bytes())
    for _ in range(2):
        assert kx("collect", tmp_path / "in", "--out", tmp_path / "in" / "s.xlsx").returncode == 0
    assert (tmp_path / "in" / "s.xlsx.bak").exists()  # and neither is read as a returned book
    assert "1施設" in kx("collect", tmp_path / "in", "--out", tmp_path / "in" / "s.xlsx").stdout


def test_worker_processes_give_the_same_results_as_one_process(returned):
    found = scan(returned)
    serial = read_books(found.books, returned, Policy(), isolate=False)
    parallel = read_books(found.books, returned, Policy(), jobs=2)
    assert serial == parallel


def test_a_results_report_adds_nothing_to_the_payment_budget(tmp_path):
    from kaigo_xl.municipal.collect import read_book
    from kaigo_xl.xlsx.save import write_workbook

    data = sample_payload()
    data["phase"] = "report"
    for e in data["expenses"]:
        e["actual_yen"] = e["planned_yen"]
    book = tmp_path / "report.xlsx"
    write_workbook(build_template(Policy(), "養護", 2025, FacilityInput.model_validate(data)), book)
    result = read_book(book, tmp_path, Policy())
    assert result.annual_yen == 472_500 and result.phase == "report"
    assert result.payments == [0] * 12
