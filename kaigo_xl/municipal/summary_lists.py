"""The list sheets of the summary workbook: 差し戻し一覧 (what to send back to whom), 未提出 (the round against the
list), 指摘一覧 (every finding, errors first, repeated 情報 collapsed) and 読込不可・対象外 (files left out).
A4 landscape, one page wide; long texts wrap in rows tall enough to show them whole."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook

from kaigo_xl.municipal import tables as T
from kaigo_xl.municipal.feedback import feedback_items
from kaigo_xl.municipal.sheetxml import (
    HEADER_ROW,
    WRAP,
    Look,
    Sheet,
    Styles,
    filter_rows,
    height,
    start_sheet,
)
from kaigo_xl.municipal.summary import Summary
from kaigo_xl.wareki import fiscal_year_label

S_RETURN, S_MISSING, S_FINDINGS, S_UNREADABLE = "差し戻し一覧", "未提出", "指摘一覧", "読込不可・対象外"


def list_sheets(wb: Workbook, looks: Styles, summary: Summary) -> list[Sheet]:
    return [_return_sheet(wb, looks, summary), _missing_sheet(wb, looks, summary),
            _findings_sheet(wb, looks, summary)]


def _texts(sh: Sheet, widths: Sequence[float], values: Sequence[object]) -> None:
    """A row of wrapped texts (numbers as counts), as tall as its longest text."""
    cells = [None if v is None else (v, Look(kind="count") if isinstance(v, int) else WRAP) for v in values]
    sh.append(cells, height=height(*((str(v), w) for v, w in zip(values, widths) if isinstance(v, str))))


def _return_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    items = feedback_items(summary)
    widths = [13, 24, 24, 8, 7, 84, 28]
    sh = start_sheet(wb, looks, S_RETURN, f"{summary.year_label} 差し戻し一覧（{len(items)}件）",
                     "修正が必要なブック（要修正・読込不可・ほかの年度）。「直してほしい点」はそのままメールに貼り付けられます"
                     "（kaigo-xl collect --feedback DIR で施設ごとの文面をファイルにできます）。",
                     ["施設番号", "施設名", "担当者・連絡先", "状態", "エラー", "直してほしい点（シート!セル: 内容）", "ファイル"],
                     widths, freeze="C")
    for it in items:
        _texts(sh, widths, [it.number, it.name, it.contact, it.status, it.errors, it.fixes_text, it.file])
    if not items:
        sh.text("（修正が必要なブックはありません）")
    filter_rows(sh, len(widths))
    return sh


def _missing_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    rnd = summary.round
    widths = [18, 13, 30, 40, 56]
    sh = start_sheet(wb, looks, S_MISSING, f"{summary.year_label} 未提出・配布一覧との照合",
                     "配布一覧と、返ってきたブックを照らし合わせた結果です。" if rnd.listed else
                     "配布した施設の一覧が指定されていないため、未提出の施設は分かりません。",
                     ["区分", "施設番号", "施設名", "ファイル", "備考"], widths)
    if not rnd.listed:
        sh.text("kaigo-xl collect 回収フォルダー --out 集計.xlsx --list 配布一覧.csv のように、distribute が作った"
                "「配布一覧.csv」（または施設一覧）を指定してください。")
        return sh
    for s in rnd.missing:
        elsewhere = rnd.missing_elsewhere.get(s.number)
        _texts(sh, widths, ["未提出", s.number, s.name, s.file,
                            f"ほかの年度のブックのみ提出（{'、'.join(elsewhere)}）" if elsewhere else ""])
    for r in rnd.not_on_list:
        _texts(sh, widths, ["配布一覧にない", r.number, r.name, r.file, "配布していない施設か、施設番号の誤りです。"])
    for r in rnd.unidentified:
        _texts(sh, widths, ["施設を特定できない", r.number, r.name, r.file,
                            "読込不可で、施設番号もファイル名から分かりません。未提出の施設のものかもしれません。"])
    if sh.row == HEADER_ROW:
        sh.text("（未提出の施設・配布一覧にない施設はありません）")
    filter_rows(sh, len(widths))
    return sh


def _findings_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    full = T.finding_rows(summary)
    widths = [28, 13, 22, 12, 9, 22, 7, 6, 80]
    sh = start_sheet(wb, looks, S_FINDINGS, f"{summary.year_label} 指摘一覧（{len(full)}件）",
                     "エラー・注意・情報の順。同じブックの同じ種類の「情報」は1行にまとめ、件数を示しています。",
                     T.FINDING_COLUMNS, widths)
    for row in T.collapsed_rows(full):
        _texts(sh, widths, row)
    filter_rows(sh, len(widths))
    return sh


def excluded_sheet(wb: Workbook, looks: Styles, summary: Summary) -> Sheet:
    widths = [34, 22, 13, 24, 80]
    sh = start_sheet(wb, looks, S_UNREADABLE, "読み込めなかったファイル・集計に含めなかったファイル",
                     summary.year_sentence(), ["ファイル", "区分", "施設番号", "施設名", "理由"], widths)
    for r in summary.unreadable:
        _texts(sh, widths, [r.file, "読込不可", r.number, r.name, r.message])
    for r in summary.other_years:
        label = fiscal_year_label(r.fiscal_year) if r.fiscal_year else "年度不明"
        _texts(sh, widths, [r.file, f"ほかの年度（{label}）", r.number, r.name,
                            f"{summary.year_label}の集計・支払予定・グラフには含めていません。"])
    for name in summary.own_summaries:
        _texts(sh, widths, [name, "以前の集計ブック", None, None, "kaigo-xl が作った集計ブックのため読み込んでいません。"])
    for name in summary.skipped:
        _texts(sh, widths, [name, "対象外（ブックではない）", None, None, "Excel ブック（.xlsx）ではないため読み込んでいません。"])
    if sh.row == HEADER_ROW:
        sh.text("（ありません）")
    return sh
