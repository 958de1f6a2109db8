"""The summary workbook: 概要 (one page), 集計, 差し戻し一覧, 未提出, 指摘一覧, 支払予定 (with a bar chart) and
読込不可・対象外.

Every table is laid out from the rows of kaigo_xl.municipal.tables (the rows the Python API's frames are built
from); rows are written as XML by kaigo_xl.municipal.sheetxml, so text from a facility, a file name or a list is
always an inline string. Totals are SUBTOTAL formulas (a filter re-totals) with their value cached, and a row under
them says in words what each total includes; 概要 says it with the figures. On paper: 概要 is one A4 page; 集計 prints on A3
landscape in two blocks (who and how much; then the twelve months) with 施設番号・施設名 repeated and names
wrapped, never cut; the other sheets fit A4 landscape one page wide. The font is the template's Japanese font.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from kaigo_xl.municipal import summary_lists
from kaigo_xl.municipal import tables as T
from kaigo_xl.municipal.collect import SUMMARY_MARK
from kaigo_xl.municipal.sheetxml import (
    BOLD,
    HEADER_ROW,
    WRAP,
    Formula,
    Look,
    Sheet,
    Styles,
    assemble,
    filter_rows,
    height,
    start_sheet,
)
from kaigo_xl.municipal.summary import Summary
from kaigo_xl.municipal.text import display_width
from kaigo_xl.workbook import styles

S_OVERVIEW, S_SUMMARY, S_PAYMENTS = "概要", "集計", "支払予定"
A3_WIDTH_UNITS = 170  # column-width units across A3 landscape at 100 % within our margins (LibreOffice, Excel)
YEN, BOLD_YEN = Look(kind="yen"), Look(kind="yen", bold=True)

# What each total of 集計 includes, said under it (issue: 加算総額 total vs 支払予定 total must be explained).
INCLUDES = {"エラー": "全冊", "注意": "全冊", T.FTE: "計算できた施設",
            "加算総額（円）": "計算できた施設（要修正を含む）", "対象経費 計画（円）": "入力のある施設",
            "対象経費 実績（円）": "入力のある施設", "受領額（円）": "入力のある施設", "返還見込額（円）": "入力のある施設"}
MONTH_INCLUDES = "計画書のみ"  # (why: the notes under 概要; a longer text ran to three lines in each month)


def summary_bytes(summary: Summary) -> bytes:
    """The .xlsx bytes of the summary workbook."""
    wb = Workbook(write_only=True)
    wb.properties.keywords = SUMMARY_MARK  # lets a later collect recognise it and never read it as a book
    wb.properties.title = f"{summary.year_label} 介護人材確保・職場環境改善等加算 集計"
    wb.properties.creator = "kaigo-xl"
    looks = Styles(wb.create_sheet("_styles"))
    wb.remove(wb["_styles"])
    sheets = [_overview_sheet(wb, looks, summary), _summary_sheet(wb, looks, summary),
              *summary_lists.list_sheets(wb, looks, summary), _payments_sheet(wb, looks, summary),
              summary_lists.excluded_sheet(wb, looks, summary)]
    return assemble(wb, sheets)


# ---- 概要: one page ----

def _overview_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    widths = [36, 70]
    sh = start_sheet(wb, looks, S_OVERVIEW, f"{summary.year_label} 介護人材確保・職場環境改善等加算 集計の概要",
                     f"作成 {summary.created_label}", [], widths, landscape=False)
    rnd = summary.round
    figures: list[tuple[str, object, Look]] = [
        ("集計する年度", summary.year_sentence().removeprefix("集計する年度: "), WRAP),
        ("返ってきたファイル", f"{len(summary.books) + len(summary.skipped)}件（集計 {len(summary.results)}、読込不可 "
                         f"{len(summary.unreadable)}、ほかの年度 {len(summary.other_years)}、対象外 {len(summary.skipped)}）", WRAP),
        ("提出可・要修正", summary.status_counts(), WRAP),
        ("未提出", f"{len(rnd.missing)}施設（シート「未提出」）" if rnd.listed else "分かりません（--list で配布一覧を指定）", WRAP),
        ("差し戻し", f"{len(summary.needing_fixes)}件（シート「差し戻し一覧」）", WRAP),
        ("加算総額の合計（円）", summary.total_annual_yen, BOLD_YEN),
        ("支払予定の合計（円）", sum(summary.month_totals()), BOLD_YEN),
        ("うち支払予定に含まない実績報告書の加算総額（円）", summary.report_yen, YEN),
    ]
    for label, value, look in figures:
        sh.append([(label, Look(bold=True, wrap=True)), (value, look)], height=height((label, widths[0]), (str(value), widths[1])))
    sh.blank()
    sh.append([("月", BOLD), ("支払予定額（円）", BOLD)])
    first = sh.row + 1
    for month, yen in zip(summary.month_labels(), summary.month_totals()):
        sh.append([(month, Look()), (yen, YEN)])
    sh.append([("合計", BOLD), (Formula(f"SUM(B{first}:B{sh.row})", sum(summary.month_totals())), BOLD_YEN)])
    sh.blank()
    for i, note in enumerate(summary.notes()):
        sh.append([("注記", BOLD) if i == 0 else None, (note, WRAP)],
                  height=height((note, widths[1])))
    return sh


# ---- 集計 ----

def _summary_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    cols = T.facility_columns(summary.month_labels())
    rows = T.facility_rows(summary, cols)
    name_width = min(40.0, max([16.0, *(display_width(str(r[1] or "")) + 2.0 for r in rows)]))
    widths = [name_width if c.header == "施設名" else c.width for c in cols]
    split_after = [c.header for c in cols].index(T.FILE) + 1
    sh = start_sheet(wb, looks, S_SUMMARY, f"{summary.year_label} 介護人材確保・職場環境改善等加算 集計",
                     f"{summary.status_counts()}・読込不可 "
                     f"{len(summary.unreadable)}件  {summary.year_sentence()}  作成 {summary.created_label}"
                     "  合計の中身はシート「概要」", [c.header for c in cols], widths, freeze="C",
                     **_in_blocks(widths, split_after))
    ids = looks.ids([Look(kind=c.kind if c.kind in ("yen", "fte", "count") else "text",
                          wrap=c.header in ("施設名", T.REMARKS, T.FILE), center=c.kind in ("category", "bool"))
                     for c in cols])
    remarks_at = [c.header for c in cols].index(T.REMARKS)
    for row in rows:
        sh.values(row, ids, height=height((str(row[1] or ""), name_width),
                                          (str(row[remarks_at] or ""), widths[remarks_at]),
                                          (str(row[split_after - 1] or ""), widths[split_after - 1])))
    first, last = HEADER_ROW + 1, sh.row
    filter_rows(sh, len(cols))
    sums = T.totals(rows, cols)
    total_cells: list = [None, (f"合計（{summary.count_label()}）", BOLD)]
    words: list = [None, ("合計に含むもの（合計は表示中の行の SUBTOTAL）", WRAP)]
    for i, c in enumerate(cols[2:], start=2):
        letter, total = get_column_letter(i + 1), sums[i]
        value = total if isinstance(total, int | Decimal) else 0
        formula = Formula(f"SUBTOTAL(9,{letter}{first}:{letter}{max(first, last)})", value)
        total_cells.append((formula, Look(kind=c.kind, bold=True)) if c.total else None)
        said = MONTH_INCLUDES if c.header.endswith("支払額（円）") else INCLUDES.get(c.header)
        words.append((said, WRAP) if said else None)
    sh.append(total_cells)
    sh.append(words, height=height(*((w[0], widths[i]) for i, w in enumerate(words) if w)))
    return sh


def _in_blocks(widths: list[float], split_after: int) -> dict:
    """A3 landscape: columns up to ファイル on the first pages, the twelve months after, with 施設番号・施設名
    repeated on each; the scale makes the wider block fit the paper's width."""
    left = sum(widths[:split_after])
    right = sum(widths[:2]) + sum(widths[split_after:])
    return {"paper": "8", "scale": max(40, min(100, int(100 * A3_WIDTH_UNITS / max(left, right)))),
            "title_cols": "A:B", "breaks": [split_after]}


# ---- 支払予定 ----

def _payments_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    """Months down, facilities across: the municipality's budget month by month, with the total in column B."""
    paying = [r for r in summary.results if T.scheduled(r)]
    headers = ["月", "支払額合計（円）", "支払施設数"] + [f"{r.number} {r.name}".strip() for r in paying]
    sh = start_sheet(wb, looks, S_PAYMENTS, f"{summary.year_label} 支払予定（月別）",
                     "計画書のブックの支払回数・初回の月による（実績報告書・ほかの年度・読込不可のブックは含みません）。",
                     headers, [14, 16, 10] + [18] * len(paying), freeze="D", title_cols="A:A", header_lines=4)
    totals = summary.month_totals()
    last = get_column_letter(3 + len(paying))
    ids = looks.ids([Look(), BOLD_YEN, Look(kind="count")] + [YEN] * len(paying))
    for i, month in enumerate(summary.month_labels()):
        row = HEADER_ROW + 1 + i
        values = [r.payments[i] for r in paying]
        total = Formula(f"SUM(D{row}:{last}{row})", totals[i]) if paying else 0
        sh.values([month, total, sum(1 for v in values if v), *values], ids)
    first, end = HEADER_ROW + 1, HEADER_ROW + 12
    columns = [get_column_letter(4 + j) for j in range(len(paying))]
    sh.values(["合計", Formula(f"SUM(B{first}:B{end})", sum(totals)), sum(1 for r in paying if any(r.payments))]
              + [Formula(f"SUM({c}{first}:{c}{end})", sum(r.payments)) for c, r in zip(columns, paying)],
              looks.ids([BOLD, BOLD_YEN, Look(kind="count", bold=True)] + [BOLD_YEN] * len(paying)))
    # One A4 landscape page holds the table and the chart (6.5 cm under one blank row), so the repeated headings of
    # a second page never print over a chart cut in two.
    chart = styles.column_chart("月別の支払予定額", "円", "#,##0", width=24, height=6.5)
    chart.add_data(Reference(sh.ws, min_col=2, min_row=HEADER_ROW, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=end))
    sh.ws.add_chart(chart, f"A{end + 3}")
    return sh

