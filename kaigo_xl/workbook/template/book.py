"""The distributable workbook: a macro-free .xlsx whose native formulas give the engine's numbers.

`build_template` makes the whole book (sheets in layout.SHEET_ORDER, defined names of layout.NAMES);
`fill_inputs` writes a facility's input into it; `kaigo-xl template` and `kaigo-xl build-workbooks` write it through
kaigo_xl.xlsx.safefile (atomic, reproducible bytes for the committed files in workbooks/).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from kaigo_xl.catalog import default_catalog
from kaigo_xl.models import FacilityInput
from kaigo_xl.policy import Policy
from kaigo_xl.workbook import layout, styles
from kaigo_xl.workbook.template.calc import build_calc
from kaigo_xl.workbook.template.checks import build_checks, requirement_checks
from kaigo_xl.workbook.template.example import build_example
from kaigo_xl.workbook.template.expenses import build_expenses
from kaigo_xl.workbook.template.facility import build_facility
from kaigo_xl.workbook.template.fill import fill_inputs
from kaigo_xl.workbook.template.guide import build_guide
from kaigo_xl.workbook.template.initiatives import build_initiatives
from kaigo_xl.workbook.template.monthly import build_monthly
from kaigo_xl.workbook.template.roster import build_roster
from kaigo_xl.workbook.template.settings import Lists, build_settings
from kaigo_xl.xlsx.refs import column_number
from kaigo_xl.xlsx.relocate import Move, move_columns

__all__ = ["build_template", "fill_inputs", "TEMPLATE_FILES", "distributable_templates"]

# The committed templates in workbooks/ (fiscal 2025 = 令和7年度, default policy); `make workbooks` rebuilds them.
TEMPLATE_FILES = {"養護": "kaigo_xl_template_yogo_r7.xlsx", "軽費": "kaigo_xl_template_keihi_r7.xlsx"}
TEMPLATE_FISCAL_YEAR = 2025


def build_template(policy: Policy, facility_type: str = "養護", fiscal_year: int = 2025,
                   data: FacilityInput | None = None) -> Workbook:
    """The whole workbook, with `data` filled in when given."""
    from kaigo_xl.workbook.forms.render import add_form_sheets  # the 計画書/実績報告書 sheets

    catalog = default_catalog()
    lists = Lists(catalog, policy)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in layout.SHEET_ORDER if name not in (layout.S_PLAN, layout.S_REPORT)}
    build_guide(sheets[layout.S_GUIDE], catalog)
    build_example(sheets[layout.S_EXAMPLE])
    build_facility(sheets[layout.S_FACILITY], lists)
    build_monthly(sheets[layout.S_MONTHLY], lists)
    build_roster(sheets[layout.S_ROSTER], lists)
    build_initiatives(sheets[layout.S_INITIATIVES], lists, catalog)
    build_expenses(sheets[layout.S_EXPENSES], lists)
    build_calc(sheets[layout.S_CALC], sheets[layout.S_MONTHLY], lists)
    build_checks(sheets[layout.S_CHECKS], policy, catalog, lists)
    build_settings(sheets[layout.S_SETTINGS], policy, catalog, lists,
                   [label for label, _, _ in requirement_checks(policy, catalog)])
    for name, target in layout.NAMES.items():
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    _defaults(wb, policy, facility_type, fiscal_year)
    add_form_sheets(wb, policy)
    move_columns(wb, _helper_moves(wb), prepare=styles.protect)
    for index, name in enumerate(n for n in layout.BOOK_ORDER if n in wb.sheetnames):
        wb.move_sheet(name, offset=index - wb.sheetnames.index(name))
    wb.active = 0
    if data is not None:
        fill_inputs(wb, data)
    return wb


def _helper_moves(wb: Workbook) -> list[Move]:
    """Each input sheet's hidden columns (the helper formulas) to its helper sheet (layout.helper_sheet)."""
    moves = []
    for sheet in layout.INPUT_SHEETS:
        hidden = frozenset(column_number(c) for c, dim in wb[sheet].column_dimensions.items() if dim.hidden)
        if hidden:
            moves.append(Move(sheet, hidden, layout.helper_sheet(sheet)))
    return moves


def _defaults(wb: Workbook, policy: Policy, facility_type: str, fiscal_year: int) -> None:
    ws = wb[layout.S_FACILITY]
    cell = {f.key: f.cell for f in layout.FACILITY_FIELDS}
    ws[cell["facility.type"]] = facility_type
    ws[cell["fiscal_year"]] = fiscal_year
    ws[cell["phase"]] = "計画書"
    ws[cell["payment.installments"]] = policy.default_installments
    ws[cell["payment.first_month"]] = policy.default_first_month
    if policy.municipality:
        ws[cell["facility.municipality"]] = policy.municipality
        ws[cell["addressee"]] = policy.mayor_title
    wb[layout.S_MONTHLY][layout.INPUT_METHOD_CELL] = layout.INPUT_METHODS[0]


# ---------------------------------------------------------------- the committed templates


def distributable_templates(fiscal_year: int = TEMPLATE_FISCAL_YEAR, policy: Policy | None = None) -> dict[str, Workbook]:
    """file name → workbook of each distributable template (養護 and 軽費)."""
    policy = policy or Policy()
    return {name: build_template(policy, ftype, fiscal_year) for ftype, name in TEMPLATE_FILES.items()}
