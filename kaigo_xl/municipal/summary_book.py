"""The summary workbook: 集計, 差し戻し一覧, 未提出, 指摘一覧, 支払予定 (with a bar chart) and 読込不可・対象外.

Every table is laid out from the frames of kaigo_xl.municipal.frames (the same frames the Python API returns);
rows are written as XML by kaigo_xl.municipal.sheetxml, so text from a facility, a file name or a list is always an
inline string. Totals are SUBTOTAL formulas (a filter re-totals) with their value cached. On paper: 集計 prints on
A3 landscape in two blocks (who and how much; then the twelve months) with 施設番号・施設名 repeated, names wrapped,
never cut; the other sheets fit A4 landscape one page wide. The font is the template's Japanese font.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, ColBreak

from kaigo_xl.municipal import frames as F
from kaigo_xl.municipal.collect import SUMMARY_MARK
from kaigo_xl.municipal.feedback import feedback_items
from kaigo_xl.municipal.sheetxml import Formula, Look, Sheet, Styles, assemble, page
from kaigo_xl.municipal.summary import Summary
from kaigo_xl.municipal.text import display_width
from kaigo_xl.wareki import fiscal_year_label
from kaigo_xl.workbook import styles

S_SUMMARY, S_RETURN, S_MISSING = "集計", "差し戻し一覧", "未提出"
S_FINDINGS, S_PAYMENTS, S_UNREADABLE = "指摘一覧", "支払予定", "読込不可・対象外"
HEADER_ROW = 3  # row of the column headings on every sheet (title in row 1, subtitle in row 2)
LINE_HEIGHT = 13.5  # points per line of 10-point text
A3_WIDTH_UNITS = 205  # column-width units across A3 landscape at 100 % within our margins
TITLE, HEAD, BOLD, WRAP = Look(title=True), Look(header=True), Look(bold=True), Look(wrap=True)


def summary_bytes(summary: Summary) -> bytes:
    """The .xlsx bytes of the summary workbook."""
    wb = Workbook(write_only=True)
    wb.properties.keywords = SUMMARY_MARK  # lets a later collect recognise it and never read it as a book
    wb.properties.title = f"{summary.year_label} 介護人材確保・職場環境改善等加算 集計"
    wb.properties.creator = "kaigo-xl"
    looks = Styles(wb.create_sheet("_styles"))
    wb.remove(wb["_styles"])
    book = F.book_frame(summary)
    sheets = [_summary_sheet(wb, looks, summary, book), _return_sheet(wb, looks, summary),
              _missing_sheet(wb, looks, summary), _findings_sheet(wb, looks, summary),
              _payments_sheet(wb, looks, summary), _excluded_sheet(wb, looks, summary)]
    return assemble(wb, sheets)


def _start(wb: Workbook, looks: Styles, name: str, title: str, subtitle: str, headers: Sequence[str],
           widths: Sequence[float], freeze: str = "A") -> Sheet:
    sh = Sheet(wb, name, widths, looks)
    sh.ws.freeze_panes = f"{freeze}{HEADER_ROW + 1}"
    sh.text(title, TITLE, 20)
    sh.text(subtitle)
    sh.append([(h, HEAD) for h in headers], height=3 * LINE_HEIGHT)
    return sh


def _lines(text: str, width: float) -> int:
    """How many lines a text wraps to in a column of `width` units."""
    return sum(max(1, math.ceil(display_width(part) / max(1.0, width - 1))) for part in (text or "").split("\n"))


def _filter(sh: Sheet, columns: int, last_row: int) -> None:
    if last_row > HEADER_ROW:
        sh.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{last_row}"


# ---- 集計 ----

def _summary_sheet(wb: Workbook, looks: Styles, summary: Summary, book) -> Sheet:
    cols = F.facility_columns(summary.month_labels())
    rows = F.table_rows(book, cols)
    names = [str(r[1] or "") for r in rows]
    name_width = min(40.0, max(16.0, *(display_width(n) + 2 for n in names))) if names else 16.0
    widths = [name_width if c.header == "施設名" else c.width for c in cols]
    n_ok = sum(1 for r in summary.results if r.status == "提出可")
    sh = _start(wb, looks, S_SUMMARY, f"{summary.year_label} 介護人材確保・職場環境改善等加算 集計",
                f"{len(summary.results)}施設（提出可 {n_ok}、要修正 {len(summary.results) - n_ok}）・読込不可 "
                f"{len(summary.unreadable)}件  {summary.year_sentence()}  作成 {summary.created:%Y-%m-%d %H:%M}",
                [c.header for c in cols], widths, freeze="C")
    kinds = [Look(kind=c.kind if c.kind in ("yen", "fte", "count") else "text", wrap=c.header == "施設名")
             for c in cols]
    for row in rows:
        lines = _lines(str(row[1] or ""), name_width)
        sh.append(list(zip(row, kinds)), height=lines * LINE_HEIGHT if lines > 1 else None)
    first, last = HEADER_ROW + 1, sh.row
    _filter(sh, len(cols), last)
    sums = F.totals(rows, cols)
    total_cells: list = [None, (f"合計（{len(summary.results)}施設）", BOLD)]
    for i, c in enumerate(cols[2:], start=2):
        letter = get_column_letter(i + 1)
        total = sums[i]
        value = total if isinstance(total, int | Decimal) else 0
        total_cells.append((Formula(f"SUBTOTAL(9,{letter}{first}:{letter}{max(first, last)})", value),
                            Look(kind=c.kind, bold=True)) if c.total else None)
    sh.append(total_cells)
    sh.blank()
    sh.text("注記（合計の中身など）", BOLD)
    for note in summary.notes():
        sh.text(note)
    _print_in_blocks(sh, widths, cols.index(next(c for c in cols if c.header == F.FILE)) + 1)
    return sh


def _print_in_blocks(sh: Sheet, widths: list[float], split_after: int) -> None:
    """A3 landscape: columns up to ファイル on the first pages, the twelve months after, with 施設番号・施設名
    repeated on each; the scale makes the wider block fit the paper's width."""
    left = sum(widths[:split_after])
    right = sum(widths[:2]) + sum(widths[split_after:])
    scale = max(40, min(100, int(100 * A3_WIDTH_UNITS / max(left, right))))
    page(sh.ws, paper="8", scale=scale, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", title_cols="A:B")
    sh.ws.col_breaks.append(Break(id=split_after))
    sh.ws.col_breaks = ColBreak(brk=sh.ws.col_breaks.brk)


# ---- 差し戻し一覧 ----

def _return_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    items = feedback_items(summary)
    widths = [13, 26, 26, 8, 7, 80, 28]
    sh = _start(wb, looks, S_RETURN, f"{summary.year_label} 差し戻し一覧（{len(items)}件）",
                "修正が必要なブック（要修正・読込不可・ほかの年度）。「直してほしい点」はそのままメールに貼り付けられます。"
                "kaigo-xl collect --feedback DIR で施設ごとの文面をファイルにできます。",
                ["施設番号", "施設名", "担当者・連絡先", "状態", "エラー", "直してほしい点（シート!セル: 内容）", "ファイル"],
                widths, freeze="C")
    for it in items:
        lines = max(_lines(it.fixes_text, widths[5]), _lines(it.name, widths[1]), _lines(it.contact, widths[2]))
        sh.append([(it.number, WRAP), (it.name, WRAP), (it.contact, WRAP), (it.status, WRAP),
                   (it.errors, Look(kind="count")), (it.fixes_text, WRAP), (it.file, WRAP)],
                  height=max(1, lines) * LINE_HEIGHT)
    if not items:
        sh.text("（修正が必要なブックはありません）")
    _filter(sh, len(widths), sh.row if items else HEADER_ROW)
    page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return sh


# ---- 未提出 ----

def _missing_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    rnd = summary.round
    widths = [18, 13, 30, 40, 50]
    sh = _start(wb, looks, S_MISSING, f"{summary.year_label} 未提出・配布一覧との照合",
                "配布一覧と、返ってきたブックを照らし合わせた結果です。" if rnd.listed else
                "配布した施設の一覧が指定されていないため、未提出の施設は分かりません。",
                ["区分", "施設番号", "施設名", "ファイル", "備考"], widths)
    if not rnd.listed:
        sh.text("kaigo-xl collect 回収フォルダー --out 集計.xlsx --list 配布一覧.csv のように、distribute が作った"
                "「配布一覧.csv」（または施設一覧）を指定してください。")
        page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
        return sh
    for s in rnd.missing:
        elsewhere = rnd.missing_elsewhere.get(s.number)
        note = f"ほかの年度のブックのみ提出（{'、'.join(elsewhere)}）" if elsewhere else ""
        sh.append([("未提出", WRAP), (s.number, WRAP), (s.name, WRAP), (s.file, WRAP), (note, WRAP)])
    for r in rnd.not_on_list:
        sh.append([("配布一覧にない", WRAP), (r.number, WRAP), (r.name, WRAP), (r.file, WRAP),
                   ("配布していない施設か、施設番号の誤りです。", WRAP)])
    for r in rnd.unidentified:
        sh.append([("施設を特定できない", WRAP), (r.number, WRAP), (r.name, WRAP), (r.file, WRAP),
                   ("読込不可で、施設番号もファイル名から分かりません。未提出の施設のものかもしれません。", WRAP)])
    if sh.row == HEADER_ROW:
        sh.text("（未提出の施設・配布一覧にない施設はありません）")
    _filter(sh, len(widths), sh.row)
    page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return sh


# ---- 指摘一覧 ----

def _findings_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    full = F.findings_frame(summary)
    table = F.collapsed_findings(full)
    widths = [28, 13, 22, 12, 9, 22, 7, 6, 80]
    sh = _start(wb, looks, S_FINDINGS, f"{summary.year_label} 指摘一覧（{len(full)}件）",
                "エラー・注意・情報の順。同じブックの同じ種類の「情報」は1行にまとめ、件数を示しています。",
                F.FINDING_COLUMNS, widths)
    values = {c: table[c].astype(object).tolist() for c in F.FINDING_COLUMNS}
    count = Look(kind="count")
    for i in range(len(table)):
        cells = [(_plain(values[c][i]), count if c == "件数" else WRAP) for c in F.FINDING_COLUMNS]
        lines = max(_lines(str(values["内容"][i]), widths[-1]), _lines(str(values["ファイル"][i]), widths[0]))
        sh.append(cells, height=lines * LINE_HEIGHT if lines > 1 else None)
    _filter(sh, len(widths), sh.row)
    page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return sh


def _plain(value: object) -> object:
    return None if value is None or value is pd.NA else (int(value) if isinstance(value, int) else value)


# ---- 支払予定 ----

def _payments_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    """Months down, facilities across: the municipality's budget month by month, with the total in column B."""
    paying = [r for r in summary.results if r.annual_yen is not None]
    headers = ["月", "支払額合計（円）", "支払施設数"] + [f"{r.number} {r.name}".strip() for r in paying]
    sh = _start(wb, looks, S_PAYMENTS, f"{summary.year_label} 支払予定（月別）",
                "計画書のブックの支払回数・初回の月による（実績報告書・ほかの年度・読込不可のブックは含みません）。",
                headers, [14, 16, 10] + [16] * len(paying), freeze="D")
    yen, bold_yen, count = Look(kind="yen"), Look(kind="yen", bold=True), Look(kind="count")
    totals = summary.month_totals()
    last = get_column_letter(3 + len(paying))
    for i, month in enumerate(summary.month_labels()):
        row = HEADER_ROW + 1 + i
        values = [r.payments[i] for r in paying]
        total = Formula(f"SUM(D{row}:{last}{row})", totals[i]) if paying else 0
        sh.append([(month, Look()), (total, bold_yen), (sum(1 for v in values if v), count)]
                  + [(v, yen) for v in values])
    first, end = HEADER_ROW + 1, HEADER_ROW + 12
    sh.append([("合計", BOLD), (Formula(f"SUM(B{first}:B{end})", sum(totals)), bold_yen),
               (len(paying), Look(kind="count", bold=True))]
              + [(Formula(f"SUM({get_column_letter(4 + j)}{first}:{get_column_letter(4 + j)}{end})",
                          sum(r.payments)), bold_yen) for j, r in enumerate(paying)])
    chart = styles.column_chart("月別の支払予定額", "円", "#,##0", width=24, height=10)
    chart.add_data(Reference(sh.ws, min_col=2, min_row=HEADER_ROW, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=end))
    sh.ws.add_chart(chart, f"A{HEADER_ROW + 16}")
    page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", title_cols="A:A")
    return sh


# ---- 読込不可・対象外 ----

def _excluded_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    widths = [34, 22, 13, 24, 80]
    sh = _start(wb, looks, S_UNREADABLE, "読み込めなかったファイル・集計に含めなかったファイル", summary.year_sentence(),
                ["ファイル", "区分", "施設番号", "施設名", "理由"], widths)
    for r in summary.unreadable:
        sh.append([(r.file, WRAP), ("読込不可", WRAP), (r.number, WRAP), (r.name, WRAP), (r.message, WRAP)],
                  height=_lines(r.message, widths[-1]) * LINE_HEIGHT)
    for r in summary.other_years:
        label = fiscal_year_label(r.fiscal_year) if r.fiscal_year else "年度不明"
        sh.append([(r.file, WRAP), (f"ほかの年度（{label}）", WRAP), (r.number, WRAP), (r.name, WRAP),
                   (f"{summary.year_label}の集計・支払予定・グラフには含めていません。", WRAP)])
    for name in summary.own_summaries:
        sh.append([(name, WRAP), ("以前の集計ブック", WRAP), None, None,
                   ("kaigo-xl が作った集計ブックのため読み込んでいません。", WRAP)])
    for name in summary.skipped:
        sh.append([(name, WRAP), ("対象外（ブックではない）", WRAP), None, None,
                   ("Excel ブック（.xlsx）ではないため読み込んでいません。", WRAP)])
    if sh.row == HEADER_ROW:
        sh.text("（ありません）")
    page(sh.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return sh
