"""Ribbon scripts of the 介護加算 tab: 入力チェック, 計画書作成, 実績報告書作成, 支払予定表.

Each script reads the input sheets of the open workbook, hands them to the workbook reader and the engine (the same
code as `kaigo-xl check` / `kaigo-xl forms`), and writes results back with nothing but the `xw.Book` API (sheets,
range .value / .color / .number_format, sheets.add). So the same code serves the Office add-in (xlwings Server:
the @script wrappers below), xlwings Lite (the workbook's main.py imports these very wrappers from the bundle that
kaigo_xl.excel.lite embeds) and classic desktop xlwings (RunPython, see kaigo_xl.excel.udfs). Nothing here needs
openpyxl or python-calamine: it runs in Pyodide.

The forms' borders and merges are in the template; the form scripts only write values into the cells that
`kaigo_xl.workbook.forms` names, and the template leaves exactly those cells unlocked on its protected form sheets
(Excel refuses a write into a locked cell of a protected sheet, and xlwings has no unprotect for Office.js).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

import xlwings as xw
from xlwings.server import script

from kaigo_xl.engine import Evaluation, evaluate
from kaigo_xl.excel import context
from kaigo_xl.findings import Finding, Severity, count, has_errors
from kaigo_xl.numbers import cell_number
from kaigo_xl.rules.kasan import display_average
from kaigo_xl.wareki import fiscal_year_label, wareki_month
from kaigo_xl.workbook import layout
from kaigo_xl.xlsx.refs import cell_ref, split_ref

RESULT_SHEET = "チェック結果"
PAYMENT_SHEET = "支払予定表"
YEN_FORMAT = "#,##0"
FINDINGS_HEADER = ["区分", "コード", "場所", "内容"]
FINDINGS_TOP = 8  # row of the header above the findings in チェック結果
SEVERITY_LABEL = {Severity.ERROR: "エラー", Severity.WARNING: "注意", Severity.INFO: "情報"}
COLOURED = ("エラー", "注意")  # findings whose cells are coloured (and restored on the next run)
# Sheets handed to the reader: everything it may look at, not the forms it never reads.
READ_SHEETS = tuple(s for s in layout.SHEET_ORDER if s not in (layout.S_PLAN, layout.S_REPORT))
_LOCATION = re.compile(r"^'?(?P<sheet>[^!']+)'?!(?P<refs>[A-Z$0-9:,]+)$")


class InputProblem(Exception):
    """The workbook cannot be evaluated; the findings are on the チェック結果 sheet."""


# ---- reading ----

def read_book(book: xw.Book) -> dict[str, list[list[Any]]]:
    """{sheet name: rows from A1} for the sheets the reader needs, as the Book API gives them."""
    grids: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        if sheet.name not in READ_SHEETS:
            continue
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        grids[sheet.name] = values
    _dates_from_serials(grids)
    return grids


def _dates_from_serials(grids: dict[str, list[list[Any]]]) -> None:
    """Office.js sends date cells as serial numbers; the reader expects dates as a file reader gives them."""
    rows = grids.get(layout.S_FACILITY)
    if not rows:
        return
    for f in layout.FACILITY_FIELDS:
        if f.kind != "date":
            continue
        r, c = _rc(f.cell)
        if r < len(rows) and c < len(rows[r]) and isinstance(rows[r][c], int | float) \
                and not isinstance(rows[r][c], bool):
            rows[r][c] = xw.to_datetime(rows[r][c])


def _rc(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an A1 reference (ValueError when malformed)."""
    row, col = split_ref(ref)
    return row - 1, col - 1


def _defined_names(book: xw.Book) -> dict[str, str]:
    try:
        return {n.name: n.refers_to or "" for n in book.names}
    except Exception:
        return {}


def evaluate_book(book: xw.Book, phase: str | None = None) -> tuple[Evaluation | None, list[Finding]]:
    """Read the open workbook and evaluate it; `phase` forces 計画 ("plan") or 実績 ("report")."""
    from kaigo_xl.workbook.reader.grids import read_grids  # late: the functions never need the reader

    inp, findings, locate = read_grids(read_book(book), book.name, _defined_names(book))
    if inp is None:
        return None, list(findings)
    if phase is not None:
        inp = inp.model_copy(update={"phase": phase})
    ev = evaluate(inp, context.policy(), locate=locate, findings=list(findings))
    return ev, ev.findings


# ---- writing ----

def _sheet(book: xw.Book, name: str, *, clear: bool = True):
    """The sheet `name`, emptied (values only: formats stay), or a new one at the end of the book."""
    if name in [s.name for s in book.sheets]:
        sheet = book.sheets[name]
        if clear:
            sheet.clear_contents()
        return sheet
    return book.sheets.add(name, after=book.sheets[-1])


def _xl(value: Any) -> Any:
    """A value for a cell: Decimals and fractions as numbers (money stays int), dates as datetimes."""
    if isinstance(value, bool) or value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, Decimal | Fraction):
        return cell_number(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return str(value)


@cache
def input_cells() -> frozenset[tuple[str, str]]:
    """Every yellow input cell of layout.py: the only cells 入力チェック colours (and gives back their yellow)."""
    return frozenset((sheet, ref) for sheet, refs in layout.INPUT_CELLS.items() for ref in refs)


def _cells(location: str) -> list[tuple[str, str]]:
    """The input cells a finding's location names: '月別職員数!C8,C10:C11' → [(月別職員数, C8), (…, C10), (…, C11)].

    Ranges and lists are expanded; cells that are not input cells (a formula column, a heading) and JSON-style
    paths give nothing, so only what the clerk typed turns red.
    """
    m = _LOCATION.match(location.strip())
    if not m:
        return []
    sheet, out = m.group("sheet"), []
    for part in m.group("refs").replace("$", "").split(","):
        first, _, last = part.partition(":")
        try:
            (r1, c1), (r2, c2) = _rc(first), _rc(last or first)
        except ValueError:
            continue
        for r in range(min(r1, r2), max(r1, r2) + 1):
            for c in range(min(c1, c2), max(c1, c2) + 1):
                if (sheet, cell_ref(r + 1, c + 1)) in input_cells():
                    out.append((sheet, cell_ref(r + 1, c + 1)))
    return out


def _previously_coloured(book: xw.Book) -> list[tuple[str, str]]:
    """Cells the last 入力チェック coloured, read back from its findings table before it is cleared."""
    if RESULT_SHEET not in [s.name for s in book.sheets]:
        return []
    sheet = book.sheets[RESULT_SHEET]
    last = sheet.used_range.last_cell
    if last.row <= FINDINGS_TOP:
        return []
    rows = sheet.range((FINDINGS_TOP + 1, 1), (last.row, 3)).options(ndim=2).value
    out = []
    for severity, _code, where in rows:
        if severity in COLOURED:
            out += _cells(str(where or ""))
    return out


def _recolour(book: xw.Book, restore: list[tuple[str, str]], findings: list[Finding]) -> int:
    """Give last run's cells back their input colour, then colour the cells of this run's errors and warnings."""
    names = {s.name for s in book.sheets}
    for sheet, ref in restore:
        if sheet in names:
            book.sheets[sheet][ref].color = f"#{layout.INPUT_FILL}"
    marked: set[tuple[str, str]] = set()
    for f in findings:
        if f.severity not in (Severity.ERROR, Severity.WARNING):
            continue
        for cell in _cells(f.location):
            if cell[0] in names and cell not in marked:
                book.sheets[cell[0]][cell[1]].color = f"#{layout.ERROR_FILL}"
                marked.add(cell)
    return len(marked)


def _verdict(findings: list[Finding]) -> str:
    e, w, i = (count(findings, s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    tail = "エラーを直してください" if e else "提出できます"
    return f"エラー {e}件、注意 {w}件、情報 {i}件 — {tail}"


def write_findings(book: xw.Book, ev: Evaluation | None, findings: list[Finding], now: dt.datetime | None = None):
    """The チェック結果 sheet: verdict, the computed totals, one row per finding; offending cells coloured."""
    restore = _previously_coloured(book)
    sheet = _sheet(book, RESULT_SHEET)
    now = now or dt.datetime.now()
    head: list[list[Any]] = [
        ["入力チェック結果（介護人材確保・職場環境改善等加算）", None],
        ["ブック", book.name],
        ["チェック日時", now.strftime("%Y-%m-%d %H:%M")],
        ["結果", _verdict(findings)],
        ["対象職員数（月平均）", f"{display_average(ev.average)}人" if ev and ev.average is not None else "計算できません"],
        ["加算総額（年間）", ev.annual_yen if ev and ev.annual_yen is not None else "計算できません"],
    ]
    sheet["A1"].value = head
    sheet["B6"].number_format = YEN_FORMAT
    rows = [[SEVERITY_LABEL[f.severity], f.code, f.location, f.message] for f in findings]
    sheet[f"A{FINDINGS_TOP}"].value = [FINDINGS_HEADER] + (rows or [["○", "", "", "問題はありません。"]])
    _recolour(book, restore, findings)
    return sheet


def _evaluate_or_report(book: xw.Book, phase: str | None) -> Evaluation | None:
    """Evaluate; when the numbers cannot be computed, show why on チェック結果 and return None."""
    ev, findings = evaluate_book(book, phase)
    sheet = write_findings(book, ev, findings)
    if ev is None or ev.result is None:
        sheet.activate()
        return None
    return ev


# ---- the scripts, plain (classic RunPython and tests) ----

def run_validate(book: xw.Book) -> None:
    """入力チェック: findings on チェック結果, offending input cells coloured."""
    ev, findings = evaluate_book(book)
    write_findings(book, ev, findings).activate()


def _write_form(book: xw.Book, phase: str) -> None:
    from kaigo_xl.workbook.forms.spec import (  # imported late: the form layouts are only needed here
        PLAN,
        REPORT,
    )
    from kaigo_xl.workbook.forms.values import form_values

    spec = PLAN if phase == "plan" else REPORT
    name = layout.S_PLAN if phase == "plan" else layout.S_REPORT
    if name not in [s.name for s in book.sheets]:
        raise xw.XlwingsError(f"このブックには「{name}」シートがありません。配布された様式のブック"
                              "（kaigo-xl template で作成）をお使いください。")
    ev = _evaluate_or_report(book, phase)
    if ev is None:
        return
    sheet = book.sheets[name]
    for ref, value in form_values(spec, ev, dt.datetime.now()).items():
        sheet[ref.split(":")[0]].value = _xl(value)
    if has_errors(ev.findings):
        book.sheets[RESULT_SHEET].activate()  # the form is written, but the clerk must see the errors first
    else:
        sheet.activate()


def run_make_plan(book: xw.Book) -> None:
    """計画書作成: the 計画書 sheet's value cells from the engine (phase 計画)."""
    _write_form(book, "plan")


def run_make_report(book: xw.Book) -> None:
    """実績報告書作成: the 実績報告書 sheet's value cells from the engine (phase 実績)."""
    _write_form(book, "report")


def payment_rows(ev: Evaluation) -> list[list[Any]]:
    """The 支払予定表 as rows: title, facility, totals, then one row per installment and the total."""
    inp = ev.input
    first = ev.payments[0] if ev.payments else None
    rows: list[list[Any]] = [
        ["支払予定表（介護人材確保・職場環境改善等加算）", None, None, None],
        ["施設名", inp.facility.name, None, None],
        ["年度", fiscal_year_label(inp.fiscal_year), None, None],
        ["加算総額（年間）", ev.annual_yen, None, None],
        ["支払方法", f"{len(ev.payments)}回払い（{wareki_month(first.year, first.month)}から）" if first else "—",
         None, None],
        [None, None, None, None],
        ["回", "支払月", "年月", "金額（円）"],
    ]
    rows += [[i, wareki_month(p.year, p.month), p.label, p.yen] for i, p in enumerate(ev.payments, start=1)]
    rows.append(["合計", None, None, sum(p.yen for p in ev.payments)])
    return rows


def run_payment_table(book: xw.Book) -> None:
    """支払予定表: a sheet with the installments of the 加算総額 (floor(total ÷ N), remainder last: our convention)."""
    ev = _evaluate_or_report(book, None)
    if ev is None:
        return
    rows = payment_rows(ev)
    sheet = _sheet(book, PAYMENT_SHEET)
    sheet["A1"].value = rows
    sheet["B4"].number_format = YEN_FORMAT
    sheet[f"D8:D{len(rows)}"].number_format = YEN_FORMAT
    sheet.activate()


# ---- the same scripts for xlwings Server (ribbon buttons → POST /xlwings/custom-scripts-call/<name>) ----

@script(name="入力チェック")
def validate(book: xw.Book):
    """入力チェック"""
    run_validate(book)


@script(name="計画書作成")
def make_plan(book: xw.Book):
    """計画書作成"""
    run_make_plan(book)


@script(name="実績報告書作成")
def make_report(book: xw.Book):
    """実績報告書作成"""
    run_make_report(book)


@script(name="支払予定表")
def payment_table(book: xw.Book):
    """支払予定表"""
    run_payment_table(book)
