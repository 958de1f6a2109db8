"""The distributable template: sheets, names, input cells, validation, protection, printing, and fill_inputs."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from support.pdf import pdf_info

from kaigo_xl.catalog import default_catalog
from kaigo_xl.commands import main
from kaigo_xl.demo import sample_payload
from kaigo_xl.errors import CapacityExceeded
from kaigo_xl.findings import CODES
from kaigo_xl.inputs import parse_payload
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template import build_template, fill_inputs
from kaigo_xl.workbook.template.settings import Lists
from kaigo_xl.xlsx import libreoffice

YELLOW = "00" + layout.INPUT_FILL  # openpyxl stores ARGB


@pytest.fixture(scope="module")
def wb():
    return build_template(Policy())


@pytest.fixture
def sample_input() -> FacilityInput:
    inp, findings = parse_payload(sample_payload())
    assert inp is not None, findings
    return inp


def _formulas(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    yield ws.title, c.coordinate, c.value


def _input_refs() -> list[tuple[str, str]]:
    refs = [(layout.S_FACILITY, f.cell) for f in layout.FACILITY_FIELDS]
    refs += [(layout.S_MONTHLY, f"{c}{r}") for r in layout.MONTHLY_ROWS for c in (layout.COL_FTE, layout.COL_TOKUTEI)]
    refs.append((layout.S_MONTHLY, layout.INPUT_METHOD_CELL))
    refs.append((layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL))
    for r in (layout.ROSTER_ROWS[0], layout.ROSTER_ROWS[-1]):
        refs += [(layout.S_ROSTER, f"{c}{r}") for c in "BCDE"] + [(layout.S_ROSTER, f"AC{r}"), (layout.S_ROSTER, f"F{r}")]
    for r in (*layout.INITIATIVE_FIXED_ROWS.values(), *layout.INITIATIVE_EXTRA_ROWS):
        refs += [(layout.S_INITIATIVES, f"{layout.INI_COL_STATUS}{r}"), (layout.S_INITIATIVES, f"{layout.INI_COL_DETAIL}{r}")]
    refs += [(layout.S_INITIATIVES, f"{layout.INI_COL_CODE}{r}") for r in layout.INITIATIVE_EXTRA_ROWS]
    refs += [(layout.S_EXPENSES, f"{c}{r}") for r in layout.EXPENSE_ROWS for c in "ABCD"]
    return refs


# ---------------------------------------------------------------- structure


def test_sheets_follow_the_layout_order(wb):
    assert tuple(wb.sheetnames) == layout.BOOK_ORDER


def test_every_defined_name_of_the_layout_is_defined(wb):
    for name, target in layout.NAMES.items():
        assert wb.defined_names[name].attr_text == target


def test_public_names_point_at_the_documented_cells(wb):
    assert wb.defined_names["KX_FTE"].attr_text == "'月別職員数'!$C$6:$C$17"
    assert wb.defined_names["KX_TARGET_FTE"].attr_text == "'月別職員数'!$G$6:$G$17"
    assert wb.defined_names["KX_ANNUAL_YEN"].attr_text == "'計算'!$C$6"


def test_input_cells_are_yellow_and_unlocked(wb):
    for sheet, ref in _input_refs():
        c = wb[sheet][ref]
        assert c.fill.fgColor.rgb == YELLOW, f"{sheet}!{ref}"
        assert c.protection.locked is False, f"{sheet}!{ref}"


def test_formula_cells_are_locked(wb):
    """Except the value boxes of the form sheets: the Excel add-ins write the engine's values there, and Office.js
    refuses writes into locked cells of a protected sheet (tests/excel/test_locked_cells.py)."""
    from kaigo_xl.workbook.forms.spec import FORMS

    value_boxes = {(spec.sheet, box.anchor) for spec in FORMS for box in spec.boxes if box.dynamic}
    for sheet, ref, _ in _formulas(wb):
        if (sheet, ref) not in value_boxes:
            assert wb[sheet][ref].protection.locked is not False, f"{sheet}!{ref}"


def test_every_sheet_is_protected_without_a_password(wb):
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title


def test_the_plan_target_is_the_expected_figures_and_the_actual_target_direct_entry_or_roster(wb):
    ws, helper = wb[layout.S_MONTHLY], wb[layout.helper_sheet(layout.S_MONTHLY)]
    h = f"'{layout.helper_sheet(layout.S_MONTHLY)}'!"  # L, M, N, O …: the hidden helpers, on their own sheet
    assert ws["G6"].value == f'=IF({h}L6="","",ROUND({h}L6-{h}M6,10))'  # L, M: C6, D6 as the reader reads them
    assert ws["H6"].value == f'=IF({h}N6="","",ROUND({h}N6-{h}O6,10))'
    assert helper["N6"].value.startswith(f"=IF(({h}$L$3=\"勤務形態一覧\"),'月別職員数'!I6,")  # the roster, or E6
    assert "AC6" in helper["N6"].value  # E6 read as the reader does


def test_number_cells_feeding_money_are_read_through_the_typed_text_helpers(wb):
    helper, calc = wb[layout.helper_sheet(layout.S_MONTHLY)], wb[layout.S_CALC]
    m = f"'{layout.S_MONTHLY}'!"
    assert helper["U6"].value.startswith(f"=IF(ISNUMBER({m}C6),{m}C6,")  # 職員数 as typed, or its text as a number
    assert f'ASC(SUBSTITUTE({m}D6&""' in helper["V6"].value
    assert helper["AC6"].value.startswith(f"=IF(ISNUMBER({m}E6),{m}E6,")  # the 実績 too
    assert f"'{layout.helper_sheet(layout.S_FACILITY)}'!$I$20" in calc[layout.CALC_CELLS["received"]].value
    assert f"'{layout.helper_sheet(layout.S_EXPENSES)}'!$O$" in calc[layout.CALC_CELLS["actual_total"]].value
    assert all(wb[layout.S_MONTHLY].column_dimensions[c].hidden for c in ("L", "Q", "R", "Y", "AG", "AJ"))


def test_helper_formulas_live_on_hidden_sheets_the_readers_never_parse(wb):
    for sheet in layout.INPUT_SHEETS:
        ws, helper = wb[sheet], wb[layout.helper_sheet(sheet)]
        hidden = {column_index_from_string(c) for c, d in ws.column_dimensions.items() if d.hidden}
        assert helper.sheet_state == "hidden" and helper.protection.sheet
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.column in hidden and c.value]
        assert all(len(c.value) <= 100 for row in ws.iter_rows() for c in row
                   if isinstance(c.value, str) and c.value.startswith("="))  # long formulas are computed there


def test_annual_total_rounds_float_noise_before_rounding_down(wb):
    f = wb[layout.S_CALC][layout.CALC_CELLS["annual"]].value
    assert "ROUNDDOWN(ROUND(SUM(KX_TARGET_FTE)*KX_RATE_YEN/KX_DIVISOR,6),0)" in f


def test_average_is_not_rounded(wb):
    assert wb[layout.S_CALC]["C5"].value.endswith("SUM(KX_TARGET_FTE)/KX_DIVISOR)")
    assert wb[layout.S_CALC]["C5"].number_format == "0.00"


# Functions that Excel 2016 and LibreOffice both evaluate; dynamic-array and 365-only functions are not allowed.
_PORTABLE = {"IF", "AND", "OR", "NOT", "SUM", "SUMPRODUCT", "SUMIFS", "COUNT", "COUNTIF", "COUNTIFS", "INT",
             "ROUND", "ROUNDDOWN", "ROUNDUP", "MAX", "MIN", "MOD", "N", "ISNUMBER", "IFERROR", "TRIM", "DATE",
             "YEAR", "MONTH", "DAY", "EOMONTH", "WORKDAY", "VLOOKUP", "TEXT", "COLUMN", "LEFT", "ABS", "INDEX",
             "MATCH", "SUMIF", "MID", "RIGHT", "LEN", "CHAR", "REPT", "ISBLANK", "ISTEXT", "VALUE", "ROW",
              "ASC", "CLEAN", "FIND", "ISERROR", "SUBSTITUTE", "UPPER", "EXACT", "ISLOGICAL", "ADDRESS", "HYPERLINK"}


def test_formulas_use_only_functions_excel_2016_and_libreoffice_share(wb):
    used = set()
    for _, _, f in _formulas(build_template(Policy())):
        used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', '""', f)))
    assert used <= _PORTABLE, used - _PORTABLE


def test_no_macros_in_the_file(tmp_path):
    from kaigo_xl.xlsx.save import write_workbook

    path = tmp_path / "t.xlsx"
    write_workbook(build_template(Policy()), path, backup=False)
    with zipfile.ZipFile(path) as z:
        assert not any("vba" in n.lower() for n in z.namelist())
        assert "macroEnabled" not in z.read("[Content_Types].xml").decode()


# ---------------------------------------------------------------- validation, formats, printing


def _validations(ws):
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_choice_fields_have_drop_downs_with_japanese_messages(wb):
    dvs = _validations(wb[layout.S_FACILITY])
    for f in layout.FACILITY_FIELDS:
        if f.kind == "choice":
            dv = dvs[f.cell]
            assert dv.type == "list" and dv.formula1.startswith("'設定'!")
            assert "選んで" in dv.prompt and "選んで" in dv.error


def test_drop_down_lists_hold_the_layout_choices(wb):
    lists = Lists(default_catalog())
    ws = wb[layout.S_SETTINGS]
    col = lists.letter["method"]
    assert (ws[f"{col}4"].value, ws[f"{col}5"].value) == layout.INPUT_METHODS
    assert [ws[f"{lists.letter['code']}{4 + i}"].value for i in range(28)] == list(default_catalog().items)


def test_input_method_is_a_drop_down_defaulting_to_direct_entry(wb):
    ws = wb[layout.S_MONTHLY]
    assert ws["C3"].value == "直接入力"
    assert _validations(ws)["C3"].type == "list"


def test_monthly_inputs_accept_only_non_negative_numbers(wb):
    dv = _validations(wb[layout.S_MONTHLY])["C6:F17"]
    assert (dv.type, dv.formula1) == ("decimal", "0") and "常勤換算数" in dv.error


def test_yen_and_fte_number_formats(wb):
    assert wb[layout.S_EXPENSES]["C6"].number_format == '#,##0"円"'
    assert wb[layout.S_CALC]["C6"].number_format == '#,##0"円"'
    assert wb[layout.S_MONTHLY]["C6"].number_format == "0.0"
    assert wb[layout.S_MONTHLY]["G6"].number_format == "0.0"


def test_every_sheet_prints_on_a4_with_a_print_area(wb):
    for name in set(layout.SHEET_ORDER) - {layout.S_PLAN, layout.S_REPORT}:  # the forms are helper B's
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), name
        assert ws.print_area, name


def test_headers_are_frozen(wb):
    assert wb[layout.S_MONTHLY].freeze_panes == "C6"
    assert wb[layout.S_ROSTER].freeze_panes == "F12"
    assert wb[layout.S_CHECKS].freeze_panes == "A6"


def test_expense_sheet_warns_that_technology_cannot_be_charged(wb):
    note = wb[layout.S_EXPENSES]["A3"].value
    assert "介護テクノロジー導入・協働化等支援事業" in note and "充当できません" in note


def test_initiatives_show_the_notice_text_of_a_i_u(wb):
    cat = default_catalog()
    for code, row in layout.INITIATIVE_FIXED_ROWS.items():
        assert wb[layout.S_INITIATIVES][f"B{row}"].value == cat.alias_texts[code]


def test_calc_sheet_has_a_chart_of_the_monthly_target(wb):
    assert len(wb[layout.S_CALC]._charts) == 1


# ---------------------------------------------------------------- checks and settings


def test_check_rows_carry_engine_finding_codes(wb):
    ws = wb[layout.S_CHECKS]
    codes = {ws[f"{layout.CHECK_COL_CODE}{r}"].value for r in range(layout.CHECK_FIRST_ROW, ws.max_row + 1)} - {None}
    assert codes <= set(CODES)
    assert {"MONTH_MISSING", "FTE_NEGATIVE", "FTE_TOO_LARGE", "TOKUTEI_EXCEEDS_FTE", "FACILITY_NAME_MISSING",
            "REQ_NOT_MET", "EXP_TECHNOLOGY", "EXP_PLANNED_SHORT", "PAY_BEYOND_FISCAL_YEAR",
            "PAY_INSTALLMENTS_INVALID"} <= codes


def test_settings_hold_the_policy_values():
    policy = Policy(rate_yen=60_000, divisor=11, yen_rounding="half_up", refund_enabled=False)
    ws = build_template(policy)[layout.S_SETTINGS]
    cells = layout.SETTINGS_CELLS
    assert ws[cells["rate_default"]].value == 60_000 and ws[cells["rate_default_source"]].value == "policy"
    assert ws[cells["rate_yen"]].value.startswith("=IFERROR(VLOOKUP(KX_FISCAL_YEAR,")  # the year's rate
    assert ws[cells["divisor"]].value == 11
    assert ws[cells["yen_rounding"]].value == "四捨五入"
    assert ws[cells["refund_enabled"]].value == 0
    assert ws[cells["template_version"]].value == "=KX_TEMPLATE_VERSION"  # the version itself is on 施設情報


def test_each_requirement_rule_gets_a_check_row():
    from kaigo_xl.policy import RequirementRule

    policy = Policy(requirements=[RequirementRule(items=["ア", "イ", "ウ"]),
                                  RequirementRule(category="productivity", min_count=2)])
    ws = build_template(policy)[layout.S_CHECKS]
    rows = [r for r in range(layout.CHECK_FIRST_ROW, ws.max_row + 1) if ws[f"{layout.CHECK_COL_CODE}{r}"].value == "REQ_NOT_MET"]
    assert len(rows) == 2


# ---------------------------------------------------------------- defaults and fill_inputs


def test_template_defaults_type_and_fiscal_year():
    ws = build_template(Policy(), "軽費", 2026)[layout.S_FACILITY]
    assert ws["C5"].value == "軽費" and ws["C15"].value == 2026


def test_fill_inputs_writes_facility_and_monthly(wb, sample_input):
    book = build_template(Policy(), data=sample_input)
    f, m = book[layout.S_FACILITY], book[layout.S_MONTHLY]
    assert f["C4"].value == "養護老人ホーム さくら苑"
    assert f["C13"].value == "あり"
    assert f["C16"].value == "計画書"
    assert (f["C18"].value, f["C19"].value) == (6, 10)
    assert m["C6"].value == Decimal("10.5") and m["D6"].value == 2
    assert m["C17"].value == Decimal("10.8")
    assert m["C3"].value == "直接入力"


def test_fill_inputs_writes_the_submission_date_as_a_date(sample_input):
    inp = sample_input.model_copy(update={"submitted_on": "2026-04-15"})
    cell = build_template(Policy(), data=inp)[layout.S_FACILITY]["C17"].value
    assert cell == date(2026, 4, 15) or cell.date() == date(2026, 4, 15)


def test_fill_inputs_places_initiatives_and_expenses(sample_input):
    data = sample_input.model_dump()
    data["initiatives"] += [{"code": "⑤", "status": "実施予定", "detail": "研修"},
                            {"code": "ア", "status": "実施予定", "detail": "二つ目"}]
    book = build_template(Policy(), data=FacilityInput.model_validate(data))
    ini, exp = book[layout.S_INITIATIVES], book[layout.S_EXPENSES]
    assert (ini["C6"].value, ini["C7"].value, ini["C8"].value) == ("実施済", "実施予定", "実施予定")
    assert (ini["A11"].value, ini["C11"].value) == ("⑤", "実施予定")
    assert (ini["A12"].value, ini["D12"].value) == ("ア", "二つ目")
    assert (exp["A6"].value, exp["C6"].value, exp["D6"].value) == ("人件費", 392500, None)


def test_fill_inputs_writes_the_roster_and_switches_the_method():
    inp = FacilityInput.model_validate({
        "facility": {"name": "x", "type": "軽費"}, "fiscal_year": 2025,
        "roster": {"weekly_fulltime_hours": "38.75", "staff": [
            {"name": "山田", "job": "介護職員", "pattern": "C", "short_time": True,
             "sochi_hours": {"4": "120.25"}, "tokutei_hours": {"3": "8"}}]}})
    book = build_template(Policy(), "軽費", data=inp)
    ws = book[layout.S_ROSTER]
    assert ws["C3"].value == Decimal("38.75")
    assert [ws[f"{c}12"].value for c in "BCDE"] == ["山田", "介護職員", "C", "○"]
    assert ws.cell(12, layout.roster_cols(4)[0]).value == Decimal("120.25")
    assert ws.cell(12, layout.roster_cols(3)[1]).value == 8
    assert book[layout.S_MONTHLY]["C3"].value == "勤務形態一覧"


def test_fill_inputs_clears_what_an_earlier_fill_left(sample_input):
    book = build_template(Policy(), data=sample_input)
    smaller = sample_input.model_copy(update={"monthly": sample_input.monthly[:1], "expenses": [],
                                              "initiatives": []})
    fill_inputs(book, smaller)
    assert book[layout.S_MONTHLY]["C7"].value is None
    assert book[layout.S_EXPENSES]["A6"].value is None
    assert book[layout.S_INITIATIVES]["C6"].value is None


def test_fill_inputs_refuses_more_staff_than_the_roster_holds():
    staff = [{"job": "支援員", "pattern": "C"}] * (layout.ROSTER_MAX_STAFF + 1)
    inp = FacilityInput.model_validate({"facility": {"type": "養護"}, "fiscal_year": 2025,
                                        "roster": {"staff": staff}})
    with pytest.raises(CapacityExceeded, match="60人まで"):
        build_template(Policy(), data=inp)


# ---------------------------------------------------------------- command line


def test_cli_template_writes_a_workbook(tmp_path):
    out = tmp_path / "book.xlsx"
    assert main(["template", str(out), "--type", "軽費", "--fiscal-year", "2026"]) == 0
    ws = load_workbook(out)[layout.S_FACILITY]
    assert (ws["C5"].value, ws["C15"].value) == ("軽費", 2026)


def test_cli_template_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"user's file")
    assert main(["template", str(out)]) == 4
    assert out.read_bytes() == b"user's file"
    assert "--force" in capsys.readouterr().err


def test_cli_template_force_replaces_and_keeps_a_backup(tmp_path):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"old")
    assert main(["template", str(out), "--force"]) == 0
    assert (tmp_path / "book.xlsx.bak").read_bytes() == b"old"
    assert zipfile.is_zipfile(out)


def test_cli_template_fills_data_from_json(tmp_path):
    from kaigo_xl.demo import sample_text

    data = tmp_path / "f.json"
    data.write_text(sample_text(), encoding="utf-8")
    out = tmp_path / "book.xlsx"
    assert main(["template", str(out), "--data", str(data)]) == 0
    assert load_workbook(out)[layout.S_FACILITY]["C4"].value == "養護老人ホーム さくら苑"


def test_cli_template_reports_invalid_data_with_exit_1(tmp_path, capsys):
    data = tmp_path / "bad.json"
    data.write_text('{"facility": {"type": "病院"}, "fiscal_year": 2025}', encoding="utf-8")
    assert main(["template", str(tmp_path / "b.xlsx"), "--data", str(data)]) == 1
    assert not (tmp_path / "b.xlsx").exists()
    assert "facility.type" in capsys.readouterr().out


def test_cli_template_wants_an_xlsx_name(tmp_path):
    assert main(["template", str(tmp_path / "book.xls")]) == 2


# ---------------------------------------------------------------- printing (LibreOffice)


@pytest.mark.libreoffice
def test_template_renders_to_a4_pages(tmp_path):
    from kaigo_xl.xlsx.save import write_workbook

    path = tmp_path / "t.xlsx"
    write_workbook(build_template(Policy()), path, backup=False)
    info = pdf_info(libreoffice.to_pdf(path, tmp_path))
    w, h = info["page_size_pt"]
    assert (round(w), round(h)) == (595, 842)  # the first sheet, 使い方, is A4 portrait
    assert info["pages"] >= len(layout.SHEET_ORDER)


def test_validation_messages_fit_excels_limits(wb):
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 225, f"{ws.title}!{dv.sqref}"
            assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32


def test_facility_number_is_a_text_cell_keeping_leading_zeros(wb):
    assert wb[layout.S_FACILITY][layout.FIELD_BY_KEY["facility.number"].cell].number_format == "@"


def test_cli_template_explains_data_that_does_not_fit(tmp_path, capsys):
    import json

    staff = [{"job": "支援員", "pattern": "C"}] * (layout.ROSTER_MAX_STAFF + 1)
    data = tmp_path / "big.json"
    data.write_text(json.dumps({"facility": {"type": "養護"}, "fiscal_year": 2025, "roster": {"staff": staff}}),
                    encoding="utf-8")
    assert main(["template", str(tmp_path / "b.xlsx"), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "60人まで" in err and str(data) in err  # the file that does not fit is named
    assert not (tmp_path / "b.xlsx").exists()


# ---------------------------------------------------------------- what a clerk needs (issue 11, point 6)


def _texts(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_guide_says_to_return_the_book_without_renaming_it(wb):
    assert "ファイル名を変えずに" in _texts(wb[layout.S_GUIDE])


def test_the_guide_shows_the_municipalitys_deadline_and_contact():
    import datetime as dt

    policy = Policy(plan_due=dt.date(2025, 6, 30), contact="見本市 福祉課 0123-45-6789")
    book = build_template(policy)
    settings = book[layout.S_SETTINGS]
    assert settings[layout.SETTINGS_CELLS["contact"]].value == "見本市 福祉課 0123-45-6789"
    assert settings[layout.SETTINGS_CELLS["plan_due"]].value == dt.date(2025, 6, 30)
    guide = _texts(book[layout.S_GUIDE])
    assert "計画書の提出期限" in guide and "提出先・問い合わせ先" in guide and "'設定'!$C$21" in guide


def test_the_guide_labels_whose_rule_each_rule_is(wb):
    guide = _texts(wb[layout.S_GUIDE])
    remainder = next(line for line in guide.splitlines() if "端数は最終回" in line)
    assert remainder.startswith("【ツール】") and "Q1" not in remainder  # the remainder rule is not Q1's
    assert "新たに助成対象とする予定" in guide  # 2(4): 予定
    assert "このブックの読み方" in guide  # ⑰/⑱/㉓ is our reading
    assert "検討中" in guide and "Q6" in guide


def test_the_guide_lists_the_related_support_measures(wb):
    guide = _texts(wb[layout.S_GUIDE])
    for m in default_catalog().measures_for("overview"):
        assert m["name"] in guide


def test_the_filled_example_cannot_be_taken_for_the_facilitys_own_data(wb):
    ws = wb[layout.S_EXAMPLE]
    assert "記入例" in ws["A1"].value and "計算に使われず" in ws["A2"].value
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows() for c in row)
    assert not any(c.fill.fgColor.rgb == YELLOW for row in ws.iter_rows() for c in row)  # no input cell
    assert "（記入例）" in _texts(ws)
    assert layout.S_EXAMPLE not in layout.INPUT_SHEETS


def test_multi_page_sheets_print_the_file_sheet_and_page_number(wb):
    for name in (layout.S_GUIDE, layout.S_ROSTER, layout.S_CHECKS, layout.S_SETTINGS):
        ws = wb[name]
        assert "&P" in ws.oddFooter.center.text and ws.oddHeader.right.text == "&F", name


def test_the_roster_repeats_the_facility_name_and_its_title_fits_the_repeated_columns(wb):
    ws = wb[layout.S_ROSTER]
    assert ws.print_title_rows.startswith(f"${layout.ROSTER_NAME_ROW}:")
    assert ws[f"A{layout.ROSTER_NAME_ROW}"].value.startswith('="施設名: "&')
    assert len(ws["A1"].value) <= 15  # 14 pt in columns A–E (49 units)


def test_the_yen_limit_setting_fits_its_column(wb):
    assert wb[layout.S_SETTINGS].column_dimensions["C"].width >= 18  # 10,000,000,000円 was ###


# ---------------------------------------------------------------- チェック points at the cell (point 3)


def test_each_check_row_links_to_the_cell_it_names(wb):
    ws = wb[layout.S_CHECKS]
    for r in range(layout.CHECK_FIRST_ROW, ws.max_row + 1):
        link = ws[f"{layout.CHECK_COL_WHERE}{r}"].value
        assert link.startswith('=HYPERLINK("#\'"&SUBSTITUTE(') and f"{layout.CHECK_COL_PLACE}{r}" in link


def test_the_verdict_counts_errors_as_the_command_does(wb):
    assert '"エラー "' in wb[layout.S_CHECKS]["D3"].value and "SUMIF(" in wb[layout.S_CHECKS]["C3"].value


@pytest.mark.parametrize(("sheet", "cells"), [
    (layout.S_MONTHLY, ("C6:C17", "D6:D17", "E6:E17", "F6:F17")),
    (layout.S_EXPENSES, ("A6:A25", "B6:B25", "C6:C25", "D6:D25")),
    (layout.S_INITIATIVES, ("A6:A20", "C6:C20", "D6:D20")),
])
def test_offending_input_cells_turn_red(wb, sheet, cells):
    ranges = {str(cf.sqref) for cf in wb[sheet].conditional_formatting}
    assert set(cells) <= ranges


def test_every_input_cell_a_check_points_at_turns_red(wb):
    for sheet in layout.INPUT_SHEETS:
        rules = [r for cf in wb[sheet].conditional_formatting for r in cf.rules]
        assert any("ADDRESS(ROW(),COLUMN(),4)" in r.formula[0] for r in rules), sheet


def test_every_roster_hour_the_command_refuses_or_reports_turns_red(wb):
    ws = wb[layout.S_ROSTER]
    [rule] = [r for cf in ws.conditional_formatting if str(cf.sqref) == "F12:AC71" for r in cf.rules]
    assert "ISTEXT(F12)" in rule.formula[0] and "24*INDEX(" in rule.formula[0]


def test_text_inputs_admit_only_what_the_forms_print(wb):
    from kaigo_xl.rules import printing

    limits = {(layout.S_FACILITY, layout.FIELD_BY_KEY["facility.name"].cell): printing.FACILITY_NAME_CHARS,
              (layout.S_INITIATIVES, "D6:D8"): printing.INITIATIVE_DETAIL_CHARS,
              (layout.S_EXPENSES, "B6:B25"): printing.EXPENSE_DESCRIPTION_CHARS}
    for (sheet, ref), limit in limits.items():
        dv = _validations(wb[sheet])[ref]
        assert (dv.type, dv.formula1, dv.errorStyle) == ("textLength", str(limit), "stop"), (sheet, ref)


def test_the_technology_words_and_the_rates_are_lists_on_the_settings_sheet(wb):
    lists = Lists(default_catalog())
    ws = wb[layout.S_SETTINGS]
    assert ws[f"{lists.letter['keyword']}4"].value == default_catalog().technology_keywords[0]
    assert (ws[f"{lists.letter['rate_year']}4"].value, ws[f"{lists.letter['rate_yen']}4"].value) == (2025, 54_000)


def test_the_plan_and_actual_columns_have_names():
    book = build_template(Policy())
    for name, ref in (("KX_ACTUAL_FTE", "$E$6:$E$17"), ("KX_ACTUAL_TOKUTEI_FTE", "$F$6:$F$17"),
                      ("KX_ACTUAL_TARGET_FTE", "$H$6:$H$17"), ("KX_FTE", "$C$6:$C$17"), ("KX_TARGET_FTE", "$G$6:$G$17")):
        assert book.defined_names[name].attr_text == f"'月別職員数'!{ref}"
    assert book.defined_names["KX_ACTUAL_ANNUAL_YEN"].attr_text == "'計算'!$D$6"


def test_fill_writes_the_expected_and_the_actual_figures_apart(sample_input):
    actual = [m.model_copy(update={"fte": m.fte - 1}) for m in sample_input.monthly]
    inp = sample_input.model_copy(update={"monthly_actual": actual, "phase": "report"})
    ws = build_template(Policy(), data=inp)[layout.S_MONTHLY]
    assert (ws["C6"].value, ws["E6"].value) == (Decimal("10.5"), Decimal("9.5"))


def test_fill_puts_an_old_report_files_figures_into_both_columns(sample_input):
    ws = build_template(Policy(), data=sample_input.model_copy(update={"phase": "report"}))[layout.S_MONTHLY]
    assert ws["C6"].value == ws["E6"].value == Decimal("10.5")
    plan = build_template(Policy(), data=sample_input)[layout.S_MONTHLY]
    assert plan["E6"].value is None  # a plan leaves the 実績 to be typed later
