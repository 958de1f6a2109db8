"""The forms (計画書・実績報告書, this tool's 参考様式): one description, drawn with formulas or with the engine's
values, refreshed in place by `kaigo-xl forms`, printed as two A4 pages each."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from support.pdf import pdf_info

from kaigo_xl.commands import main
from kaigo_xl.demo import sample_payload
from kaigo_xl.engine import evaluate
from kaigo_xl.inputs import parse_payload
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.forms.boxes import STYLES
from kaigo_xl.workbook.forms.render import add_form_sheets, render_form_sheet
from kaigo_xl.workbook.forms.spec import FORMS, PLAN, REPORT
from kaigo_xl.workbook.forms.values import form_values, lookup, value_table
from kaigo_xl.workbook.template import build_template
from kaigo_xl.xlsx import libreoffice
from kaigo_xl.xlsx.save import write_workbook

needs_lo = pytest.mark.libreoffice
STAMP = dt.datetime(2026, 4, 20, 9, 30)


def evaluation(data: dict, policy: Policy | None = None):
    inp, findings = parse_payload(data)
    assert inp is not None, findings
    return evaluate(inp, policy)


def report_payload() -> dict:
    """The sample facility a year later: everything done, money spent, 471,000円 received."""
    data = copy.deepcopy(sample_payload())
    data.update(phase="report", received_yen=471_000, submitted_on="2026-04-20", addressee="見本市長")
    for line, spent in zip(data["expenses"], (400_000, 45_000, 30_000)):
        line["actual_yen"] = spent
    for ini in data["initiatives"]:
        ini["status"] = "実施済"
    return data


def cell_of(spec, key: str) -> str:
    return next(b.anchor for b in spec.boxes if b.key == key)


# ------------------------------------------------------------------ the description


@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.sheet)
def test_boxes_never_overlap_and_stay_on_the_page(spec) -> None:
    taken: dict[tuple[int, int], str] = {}
    last_col = openpyxl.utils.column_index_from_string(spec.last_col)
    for box in spec.boxes:
        min_col, min_row, max_col, max_row = range_boundaries(box.ref)
        assert max_col <= last_col and max_row <= spec.last_row, box.ref
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                assert (r, c) not in taken, f"{box.ref} overlaps {taken[(r, c)]}"
                taken[(r, c)] = box.ref


@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.sheet)
def test_every_value_box_has_a_formula_and_an_engine_value(spec) -> None:
    table = value_table(evaluation(sample_payload()))
    for box in spec.dynamic_boxes():
        lookup(spec, table, box.key)  # a value for every box
        if box.key != "stamp":
            assert box.formula and box.formula.startswith("="), box.key


@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.sheet)
def test_formulas_use_only_the_workbooks_names_and_sheets(spec) -> None:
    sheets = set(layout.SHEET_ORDER)
    for box in spec.dynamic_boxes():
        for name in re.findall(r"\bKX_[A-Z_]+", box.formula or ""):
            assert name in layout.NAMES, (box.key, name)
        for sheet in re.findall(r"'([^']+)'!", box.formula or ""):
            assert sheet in sheets, (box.key, sheet)


def test_printed_text_is_at_least_9_points() -> None:
    assert min(style.size for style in STYLES.values()) >= 9


def test_the_forms_carry_the_evidence_pledge_of_q3() -> None:
    pledge = "計画書及び実績報告書の内容を証明する資料は適切に保管し、求めがあった場合には速やかに提出します。"
    for spec in FORMS:
        assert any(b.text == pledge for b in spec.boxes), spec.sheet


# ------------------------------------------------------------------ value mode: the engine's numbers


def test_the_plan_shows_the_engines_average_total_and_schedule() -> None:
    ev = evaluation(sample_payload())
    v = form_values(PLAN, ev)
    assert v[cell_of(PLAN, "average")] == "8.75人"
    assert v[cell_of(PLAN, "target_sum")] == "105.0人"
    assert v[cell_of(PLAN, "annual")] == ev.annual_yen == 472_500
    assert v[cell_of(PLAN, "pay.6")] == 78_750  # October, the first of six installments
    assert v[cell_of(PLAN, "pay.0")] is None  # no payment in April
    assert sum(v[cell_of(PLAN, f"pay.{i}")] or 0 for i in range(12)) == ev.annual_yen
    assert v[cell_of(PLAN, "pay_method")] == "6回払い（令和7年10月から令和8年3月まで）"


def test_the_monthly_table_shows_staff_minus_tokutei() -> None:
    v = form_values(PLAN, evaluation(sample_payload()))
    assert (v[cell_of(PLAN, "fte.0")], v[cell_of(PLAN, "tokutei.0")], v[cell_of(PLAN, "target.0")]) == \
        ("10.5", "2.0", "8.5")


def test_requirements_show_a_ticked_box_for_their_status() -> None:
    v = form_values(PLAN, evaluation(sample_payload()))
    assert v[cell_of(PLAN, "req.ア.plan")] == "☑ 実施済\n□ 実施予定"
    assert v[cell_of(PLAN, "req.イ.plan")] == "□ 実施済\n☑ 実施予定"
    assert v[cell_of(PLAN, "req.ア.detail")].startswith("支援員全員の1週間の業務")


def test_the_report_settles_received_against_spent() -> None:
    ev = evaluation(report_payload())
    v = form_values(REPORT, ev)
    assert v[cell_of(REPORT, "received")] == 471_000
    assert v[cell_of(REPORT, "exp.actual.人件費")] == 400_000
    assert v[cell_of(REPORT, "exp.actual.職場環境改善経費")] == 75_000
    assert v[cell_of(REPORT, "exp.actual.total")] == 475_000
    assert v[cell_of(REPORT, "refund")] == ev.settlement.refund_yen == 0
    assert v[cell_of(REPORT, "additional")] == ev.settlement.additional_yen == 1_500


def test_unspent_money_appears_as_the_amount_to_return() -> None:
    data = report_payload()
    data["expenses"][0]["actual_yen"] = 300_000
    v = form_values(REPORT, evaluation(data))
    assert v[cell_of(REPORT, "refund")] == 471_000 - 375_000


def test_a_report_without_actual_spending_leaves_the_settlement_blank() -> None:
    v = form_values(REPORT, evaluation(sample_payload()))
    for key in ("received", "exp.actual.total", "exp.actual.人件費", "refund", "additional"):
        assert v[cell_of(REPORT, key)] is None, key


def test_the_due_date_is_wareki_with_the_western_date() -> None:
    v = form_values(REPORT, evaluation(report_payload()))
    assert v[cell_of(REPORT, "due")] == "令和8年4月30日（2026年4月30日）"


def test_the_due_date_moves_to_a_business_day_when_the_policy_says_so() -> None:
    data = report_payload()
    data["fiscal_year"] = 2027  # due 2028-04-30, a Sunday
    v = form_values(REPORT, evaluation(data, Policy(report_due_next_business_day=True)))
    assert v[cell_of(REPORT, "due")] == "令和10年5月1日（2028年5月1日）"


def test_the_submission_date_is_printed_on_the_document_being_submitted() -> None:
    ev = evaluation(report_payload())
    assert form_values(REPORT, ev)[cell_of(REPORT, "submitted_on:実績報告書")] == "令和8年4月20日"
    assert form_values(PLAN, ev)[cell_of(PLAN, "submitted_on:計画書")] == "令和　　年　　月　　日"


def test_the_title_and_addressee_follow_the_input() -> None:
    data = report_payload()
    v = form_values(REPORT, evaluation(data))
    assert v["A2"] == "令和7年度　介護人材確保・職場環境改善等加算（仮称）　実績報告書"  # the notice's （仮称）
    assert v[cell_of(REPORT, "addressee")] == "見本市長　殿"
    data["addressee"] = ""
    assert form_values(REPORT, evaluation(data, Policy(mayor_title="見本町長")))[cell_of(REPORT, "addressee")] == \
        "見本町長　殿"


def test_a_keihi_home_shows_its_subtype() -> None:
    data = copy.deepcopy(sample_payload())
    data["facility"].update(type="軽費", subtype="ケアハウス")
    assert form_values(PLAN, evaluation(data))[cell_of(PLAN, "facility_type")] == "軽費老人ホーム（ケアハウス）"


def test_form_values_are_plain_data_for_every_writer() -> None:
    for spec in FORMS:
        for value in form_values(spec, evaluation(report_payload()), STAMP).values():
            assert value is None or type(value) in (str, int), repr(value)


# ------------------------------------------------------------------ honest forms (issue 11, point 2)


def draft_of(spec, data: dict) -> str | None:
    return form_values(spec, evaluation(data))[cell_of(spec, f"draft:{spec.title}")]


def test_a_form_with_errors_says_it_is_not_final() -> None:
    for payload in (sample_payload, report_payload):
        data = copy.deepcopy(payload())
        data["facility"]["name"] = ""  # FACILITY_NAME_MISSING (an error)
        for spec in FORMS:
            assert draft_of(spec, data) == "未完成：チェックにエラーがあります"


def test_a_finished_book_prints_both_forms_without_a_mark() -> None:
    assert draft_of(PLAN, sample_payload()) is None and draft_of(REPORT, report_payload()) is None


def test_a_report_printed_from_a_book_still_at_the_plan_says_it_is_not_final() -> None:
    assert draft_of(REPORT, sample_payload()) == "未完成：計画書の段階です（実績は未入力）"


def test_the_draft_mark_is_inside_the_print_area_at_the_top_and_red() -> None:
    for spec in FORMS:
        box = next(b for b in spec.boxes if b.key == f"draft:{spec.title}")
        assert range_boundaries(box.ref)[1] <= 3 and STYLES[box.style].color == "C00000"
        assert box.formula.startswith('=IF(KX_CHECK_OK="○",')


def test_no_form_calls_itself_a_ministry_form_and_a_municipality_may_label_it() -> None:
    for spec in FORMS:
        assert not any("別紙様式" in (b.text + (b.formula or "")) for b in spec.boxes)
    ev = evaluation(sample_payload(), Policy(plan_form_label="様式第1号", program_name="職場環境改善等加算"))
    v = form_values(PLAN, ev)
    assert v["A1"] == "様式第1号" and v["A2"] == "令和7年度　職場環境改善等加算　計画書"
    assert form_values(PLAN, evaluation(sample_payload()))["A1"] == "参考様式"


def test_technology_spending_has_its_own_row_marked_not_chargeable() -> None:
    data = report_payload()
    data["expenses"].append({"category": "介護テクノロジー機器購入", "description": "見守りセンサー", "planned_yen": 80_000,
                             "actual_yen": 90_000})
    ev = evaluation(data)
    for spec, kind in ((PLAN, "planned"), (REPORT, "actual")):
        row = int(cell_of(spec, f"exp.{kind}.介護テクノロジー機器購入")[1:])
        label = next(b.text for b in spec.boxes if b.ref == f"A{row}")
        assert label == "介護テクノロジー機器購入（充当不可）"
        v = form_values(spec, ev)
        assert v[cell_of(spec, f"exp.{kind}.介護テクノロジー機器購入")] == (80_000 if kind == "planned" else 90_000)
        assert v[cell_of(spec, "exp.desc.介護テクノロジー機器購入")] == "見守りセンサー"
    assert form_values(REPORT, ev)[cell_of(REPORT, "exp.actual.total")] == 475_000  # not counted


def test_further_items_print_their_number_title_detail_and_in_the_report_done_or_not_done() -> None:
    data = report_payload()
    data["initiatives"] += [{"code": "⑤", "status": "実施済", "detail": "外部研修に2名参加"},
                            {"code": "㉕", "status": "実施予定", "detail": "表彰制度を検討"}]
    ev = evaluation(data)
    v = form_values(REPORT, ev)
    assert v[cell_of(REPORT, "req.extra.1.title")].startswith("⑤ ")
    assert v[cell_of(REPORT, "req.extra.1.detail")] == "外部研修に2名参加"
    assert v[cell_of(REPORT, "req.extra.1.report")] == "☑ 実施済\n□ 未実施"
    assert v[cell_of(REPORT, "req.extra.2.report")] == "□ 実施済\n☑ 未実施"
    assert form_values(PLAN, ev)[cell_of(PLAN, "req.extra.2.plan")] == "□ 実施済\n☑ 実施予定"


def test_more_further_items_than_the_form_holds_are_counted_in_a_line() -> None:
    data = copy.deepcopy(sample_payload())
    data["initiatives"] += [{"code": c, "status": "実施済", "detail": "x"} for c in "①②③④⑤"]
    assert form_values(PLAN, evaluation(data))[cell_of(PLAN, "req.more")] == "※ ほか2件の取組は取組シートのとおり"


def test_the_report_shows_the_plan_beside_the_actual_figures() -> None:
    data = report_payload()
    data["monthly_actual"] = [dict(m, fte=Decimal("9.5")) for m in data["monthly"]]
    ev = evaluation(data)
    v = form_values(REPORT, ev)
    assert (v[cell_of(REPORT, "target.0")], v[cell_of(REPORT, "plan.target.0")]) == ("7.5", "8.5")
    assert v[cell_of(REPORT, "plan.annual")] == 472_500 and v[cell_of(REPORT, "annual")] == ev.actual.result.annual_yen
    assert form_values(PLAN, ev)[cell_of(PLAN, "annual")] == 472_500  # the 計画書 keeps its 見込み


def test_rows_for_clerks_text_are_tall_enough_for_the_longest_text_the_inputs_admit() -> None:
    from kaigo_xl.rules import printing
    from kaigo_xl.workbook.forms.boxes import LINE_PT, chars_per_line

    for spec in FORMS:
        for box in spec.boxes:
            if box.chars:
                lines = -(-box.chars // int(chars_per_line(box.ref, box.style)))
                assert spec.heights[int(box.anchor[1:])] >= lines * LINE_PT * STYLES[box.style].size / 10, box.key
        assert any(b.chars == printing.INITIATIVE_DETAIL_CHARS for b in spec.boxes)


# ------------------------------------------------------------------ drawing


def drawn(spec, values) -> openpyxl.worksheet.worksheet.Worksheet:
    wb = openpyxl.Workbook()
    render_form_sheet(wb.active, spec, values)
    return wb.active


@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.sheet)
def test_a_form_prints_on_a4_portrait_pages_broken_before_the_initiatives(spec) -> None:
    ws = drawn(spec, None)
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert [b.id for b in ws.row_breaks.brk] == [spec.page_break]
    assert ws.print_area == f"'{ws.title}'!$A$1:${spec.last_col}${spec.last_row}"
    assert "&P" in ws.oddFooter.center.text  # page numbers


def test_formula_mode_writes_formulas_and_value_mode_writes_values() -> None:
    ev = evaluation(sample_payload())
    address = cell_of(PLAN, "annual")
    assert drawn(PLAN, None)[address].value == "=IF(KX_ANNUAL_YEN=\"\",\"\",KX_ANNUAL_YEN)"
    assert drawn(REPORT, None)[cell_of(REPORT, "annual")].value.endswith("KX_ACTUAL_ANNUAL_YEN)")
    assert drawn(PLAN, form_values(PLAN, ev))[address].value == 472_500


def test_merged_boxes_are_bordered_all_round() -> None:
    ws = drawn(PLAN, None)
    ref = next(b.ref for b in PLAN.boxes if b.key == "address")
    assert ref in ws.merged_cells
    for row in ws[ref]:
        for c in row:
            assert c.border.top.style == "thin" and c.border.bottom.style == "thin"


def test_a_long_description_gets_a_taller_row_instead_of_being_cut_off() -> None:
    data = copy.deepcopy(sample_payload())
    data["initiatives"][0]["detail"] = "業務の洗い出しを行った。" * 12
    row = int(cell_of(PLAN, "req.ア.detail")[1:])
    short = drawn(PLAN, form_values(PLAN, evaluation(sample_payload()))).row_dimensions[row].height
    long = drawn(PLAN, form_values(PLAN, evaluation(data))).row_dimensions[row].height
    assert long > short


def test_add_form_sheets_redraws_existing_form_sheets_in_their_place() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "前"
    wb.create_sheet(layout.S_PLAN)["Z99"] = "古い内容"
    wb.create_sheet("後")
    add_form_sheets(wb, Policy())
    assert wb.sheetnames == ["前", layout.S_PLAN, "後", layout.S_REPORT]
    assert wb[layout.S_PLAN]["Z99"].value is None


# ------------------------------------------------------------------ formula mode = engine (LibreOffice)


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, str) and isinstance(got, (int, float)):
        return Decimal(expected.rstrip("人")) == round(Decimal(str(got)), 2)
    return expected == got or (expected is None and got == "")


def _full_report() -> dict:
    """A report with its own actual figures, further items, and technology spending (an error: the draft mark)."""
    data = report_payload()
    data["monthly_actual"] = [dict(m, fte=m["fte"] - Decimal("0.3")) for m in data["monthly"]]
    data["initiatives"] += [{"code": "⑤", "status": "実施済", "detail": "外部研修に参加"},
                            {"code": "㉕", "status": "実施予定", "detail": "表彰制度を検討"}]
    data["expenses"].append({"category": "介護ロボット", "description": "移乗支援機器", "planned_yen": 1, "actual_yen": 9})
    return data


def _plan_with_errors() -> dict:
    data = copy.deepcopy(sample_payload())
    data["monthly"][2]["fte"] = Decimal("-1")
    data["facility"]["name"] = ""
    return data


@needs_lo
@pytest.mark.parametrize("data", [sample_payload(), report_payload(), _full_report(), _plan_with_errors()],
                         ids=["plan", "report", "full_report", "plan_with_errors"])
def test_the_template_forms_show_the_engines_values_in_plain_excel(tmp_path: Path, data: dict) -> None:
    ev = evaluation(data)
    book = tmp_path / "book.xlsx"
    write_workbook(build_template(Policy(), data=ev.input), book)
    recalculated = openpyxl.load_workbook(libreoffice.recalculate(book, tmp_path / "lo"), data_only=True)
    for spec in FORMS:
        for address, expected in form_values(spec, ev).items():
            got = recalculated[spec.sheet][address].value
            assert _same(expected, got), (spec.sheet, address, expected, got)


# ------------------------------------------------------------------ kaigo-xl forms: in place


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A filled template with things a user made: a comment, a width, a sheet, a name, a validation."""
    ev = evaluation(report_payload())
    wb = build_template(Policy(), data=ev.input)
    ws = wb[layout.S_MONTHLY]
    ws["K6"] = "4月は新人2名を含む"
    ws["K6"].comment = Comment("施設長確認済み", "施設長")
    ws.column_dimensions["K"].width = 33
    mine = wb.create_sheet("メモ")
    mine["A1"] = "理事会報告用"
    mine["B2"] = 12345
    wb.defined_names["自分の範囲"] = DefinedName("自分の範囲", attr_text="'メモ'!$A$1:$B$2")
    dv = DataValidation(type="list", formula1='"はい,いいえ"', allow_blank=True)
    mine.add_data_validation(dv)
    dv.add("C3")
    path = tmp_path / "さくら苑.xlsx"
    write_workbook(wb, path)
    return path


def forms_text(path: Path) -> dict[str, list]:
    wb = openpyxl.load_workbook(path)
    return {spec.sheet: [[c.value for c in row] for row in wb[spec.sheet].iter_rows()] for spec in FORMS}


def test_forms_fills_the_form_sheets_with_the_engines_values(book: Path, capsys) -> None:
    assert main(["forms", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    assert wb[layout.S_REPORT][cell_of(REPORT, "received")].value == 471_000
    assert wb[layout.S_PLAN][cell_of(PLAN, "annual")].value == 472_500
    assert wb[layout.S_PLAN]["E1"].value.startswith("作成日時 ")
    assert book.with_name(book.name + ".bak").exists()
    assert "作成しました" in capsys.readouterr().out


def test_forms_keeps_everything_else_the_user_made(book: Path) -> None:
    assert main(["forms", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    ws = wb[layout.S_MONTHLY]
    assert ws["K6"].value == "4月は新人2名を含む" and ws["K6"].comment.text == "施設長確認済み"
    assert ws.column_dimensions["K"].width == 33
    assert wb["メモ"]["A1"].value == "理事会報告用" and wb["メモ"]["B2"].value == 12345
    assert wb.defined_names["自分の範囲"].attr_text == "'メモ'!$A$1:$B$2"
    assert any("C3" in str(dv.sqref) for dv in wb["メモ"].data_validations.dataValidation)
    assert all(name in wb.defined_names for name in layout.NAMES)
    assert wb.sheetnames == [*layout.BOOK_ORDER, "メモ"]
    assert wb[layout.S_MONTHLY].data_validations.dataValidation  # the template's own drop-downs


def test_a_second_run_gives_the_same_forms(book: Path) -> None:
    assert main(["forms", str(book)]) == 0
    first = forms_text(book)
    assert main(["forms", str(book)]) == 0
    second = forms_text(book)
    for sheet in first:
        first[sheet][0][4] = second[sheet][0][4] = None  # 作成日時
    assert first == second


def test_a_book_open_in_excel_is_not_written(book: Path, capsys) -> None:
    before = book.read_bytes()
    book.with_name(f"~${book.name}").write_bytes(b"owner")
    assert main(["forms", str(book)]) == 4
    assert book.read_bytes() == before
    assert "開かれています" in capsys.readouterr().err


def test_a_book_open_in_libreoffice_is_not_written(book: Path) -> None:
    before = book.read_bytes()
    book.with_name(f".~lock.{book.name}#").write_text("lock")
    assert main(["forms", str(book)]) == 4
    assert book.read_bytes() == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write read-only files")
def test_a_read_only_book_is_not_written(book: Path) -> None:
    before = book.read_bytes()
    book.chmod(0o444)
    try:
        assert main(["forms", str(book)]) == 4
    finally:
        book.chmod(0o644)
    assert book.read_bytes() == before


def test_a_book_being_written_by_another_kaigo_xl_is_not_written(book: Path) -> None:
    before = book.read_bytes()
    book.with_name(f".~lock.{book.name}.kaigo-xl").write_text("")
    assert main(["forms", str(book)]) == 4
    assert book.read_bytes() == before


def test_a_workbook_that_is_not_ours_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "家計簿"
    wb.save(path)
    before = path.read_bytes()
    assert main(["forms", str(path)]) == 2
    assert path.read_bytes() == before
    assert "KX_TEMPLATE_VERSION" in capsys.readouterr().err


def test_parts_openpyxl_would_drop_make_the_write_refused(book: Path, capsys) -> None:
    with zipfile.ZipFile(book, "a") as z:  # an image the user pasted (openpyxl without Pillow drops images)
        z.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n")
    before = book.read_bytes()
    assert main(["forms", str(book)]) == 4
    assert book.read_bytes() == before
    assert "画像" in capsys.readouterr().err


def test_error_findings_still_give_forms_and_exit_1(tmp_path: Path, capsys) -> None:
    data = report_payload()
    data["monthly"][2]["fte"] = Decimal("-1.0")
    inp, _ = parse_payload(data)
    path = tmp_path / "book.xlsx"
    write_workbook(build_template(Policy(), data=inp), path)
    assert main(["forms", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FTE_NEGATIVE" in out and "月別職員数!E8" in out  # a report's own figures: the 実績 column
    wb = openpyxl.load_workbook(path)
    assert wb[layout.S_REPORT][cell_of(REPORT, "annual")].value is None  # no total while a month is wrong
    assert wb[layout.S_REPORT][cell_of(REPORT, "facility_name")].value == "養護老人ホーム さくら苑"


def test_pdf_without_libreoffice_says_what_to_install_and_leaves_the_book(book: Path, tmp_path: Path,
                                                                          monkeypatch, capsys) -> None:
    monkeypatch.setenv("KAIGO_XL_SOFFICE", str(tmp_path / "no-soffice"))
    before = book.read_bytes()
    assert main(["forms", str(book), "--pdf", str(tmp_path / "pdf")]) == 2
    assert book.read_bytes() == before
    assert "apt-get install libreoffice-calc-nogui" in capsys.readouterr().err
    assert not (tmp_path / "pdf").exists()


@needs_lo
def test_pdf_gives_two_a4_portrait_pages_per_form_with_fonts_embedded(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    assert main(["forms", str(book), "--pdf", str(out)]) == 0
    for name in (layout.S_PLAN, layout.S_REPORT):
        info = pdf_info(out / f"{name}.pdf")
        width, height = info["page_size_pt"]
        assert abs(width - 595) <= 2 and abs(height - 842) <= 2
        assert info["pages"] == 2
        assert info["fonts"] and info["all_fonts_embedded"]
        assert any("CJK" in font for font, _ in info["fonts"])  # Japanese glyphs from an embedded CJK font
