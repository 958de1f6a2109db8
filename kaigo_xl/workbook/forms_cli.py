"""`kaigo-xl forms BOOK.xlsx [--pdf DIR] [--policy P]`: refresh the 計画書 and 実績報告書 sheets in place, and PDFs.

The book is read (kaigo_xl.workbook.reader), evaluated by the engine, and only the two form sheets are redrawn
with the engine's values and a 作成日時 stamp; everything else the user made stays. The write is atomic with a
backup (BOOK.xlsx.bak) and refuses when the file is open, read-only or changed meanwhile. With --pdf, each form
becomes one A4 page: DIR/計画書.pdf and DIR/実績報告書.pdf (two files, because they are submitted at different times).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from ..cli import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, UsageError
from ..engine import Evaluation, evaluate
from ..findings import Finding, has_errors
from ..inputs import InputUnreadable
from ..policy import load_policy
from . import libreoffice
from .forms import FORMS, form_values, fresh_sheet, render_form_sheet
from .writer import Snapshot, WriteRefused, atomic_write_bytes, workbook_bytes

# LibreOffice measures column widths with the Normal font; without Calibri it falls back to wider digits and the
# form shrinks. DejaVu Sans 8.25 pt (shipped with LibreOffice) has Calibri 11's digit width: 5.25 pt a unit.
PDF_NORMAL_FONT = Font(name="DejaVu Sans", size=8.25)
PDF_FONT = "Noto Serif CJK JP"  # installed with fonts-noto-cjk; a font LibreOffice has keeps digits and kana alike

# Parts of a workbook that openpyxl may drop on a round trip; losing any of them means refusing to write.
_KEEP_PARTS = {
    "xl/media/": "画像",
    "xl/charts/chart": "グラフ",
    "xl/comments": "コメント",
    "xl/threadedComments/": "スレッド形式のコメント",
    "xl/pivotTables/": "ピボットテーブル",
    "xl/tables/": "テーブル",
    "xl/slicers/": "スライサー",
    "xl/ctrlProps/": "フォームコントロール",
    "xl/embeddings/": "埋め込みオブジェクト",
    "xl/vbaProject": "マクロ",
}


def _say(lines: list[str]) -> None:
    for line in lines:
        print(line)


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        print(f"  {f}")


def _refuse_if_open(path: Path) -> None:
    """Excel and LibreOffice leave an owner file beside a workbook they have open; writing then loses their edits."""
    for owner in (path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")):
        if owner.exists():
            raise WriteRefused(f"{path}: ブックが Excel または LibreOffice で開かれています（{owner.name} があります）。"
                               "ブックを閉じてから、もう一度実行してください。")


def _load_book(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, keep_links=True, rich_text=True)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl trips on, the book cannot be rewritten
        raise InputUnreadable(f"{path}: ブックを開けません（{type(exc).__name__}）。ファイルが壊れている可能性があります。"
                              ) from None


def _part_counts(names: list[str]) -> Counter:
    return Counter(kind for name in names for kind in _KEEP_PARTS if name.startswith(kind))


def _losses(path: Path, data: bytes) -> list[str]:
    """What the user's file holds that the rewritten bytes would not (openpyxl drops, e.g., images without Pillow)."""
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(io.BytesIO(data)) as after:
        old, new = _part_counts(before.namelist()), _part_counts(after.namelist())
    return [_KEEP_PARTS[kind] for kind in _KEEP_PARTS if new[kind] < old[kind]]


def regenerate(wb: openpyxl.Workbook, ev: Evaluation, stamp: dt.datetime) -> None:
    """Redraw the two form sheets of `wb` with the engine's values; other sheets are not touched."""
    for spec in FORMS:
        render_form_sheet(fresh_sheet(wb, spec.sheet), spec, form_values(spec, ev, stamp))


def write_pdfs(ev: Evaluation, out_dir: Path, stamp: dt.datetime) -> list[Path]:
    """DIR/計画書.pdf and DIR/実績報告書.pdf, one A4 page each, from a throw-away copy holding only the forms."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteRefused(f"{out_dir}: PDF の出力先フォルダーを作れません（{exc.strerror}）。") from None
    work = Path(tempfile.mkdtemp(prefix="kaigo_xl_forms_"))
    results = []
    try:
        for spec in FORMS:
            wb = openpyxl.Workbook()
            wb._named_styles["Normal"].font = PDF_NORMAL_FONT  # LibreOffice then sizes columns as Excel does
            render_form_sheet(wb.active, spec, form_values(spec, ev, stamp), font=PDF_FONT)
            wb.active.title = spec.sheet
            src = work / f"{spec.sheet}.xlsx"
            src.write_bytes(workbook_bytes(wb))
            pdf = libreoffice.to_pdf(src, work / "pdf")
            target = out_dir / f"{spec.sheet}.pdf"
            atomic_write_bytes(target, pdf.read_bytes(), backup=False)
            results.append(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def run(args) -> int:  # noqa: ANN001 - argparse namespace
    from .reader import read_workbook

    path = Path(args.book)
    policy = load_policy(args.policy)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: .xlsx のブックを指定してください（kaigo-xl template で作ったブック）。")
    if args.pdf is not None and not libreoffice.available():
        raise UsageError(f"PDF を作るには LibreOffice が必要です。{libreoffice.LibreOfficeMissing()}"
                         "（ブックは変更していません）")
    snapshot = Snapshot.of(path) if path.exists() else None
    inp, findings, locate = read_workbook(path)  # raises InputUnreadable for files that are not workbooks
    wb = _load_book(path)
    if "KX_TEMPLATE_VERSION" not in wb.defined_names:
        raise UsageError(f"{path}: kaigo-xl の様式のブックではありません（定義名 KX_TEMPLATE_VERSION がありません）。"
                         "kaigo-xl template で作ったブックを指定してください。ブックは変更していません。")
    if inp is None:
        print(f"{path}: 入力に誤りがあるため、計画書・実績報告書を作成できません（ブックは変更していません）。")
        _print_findings(findings)
        return EXIT_FINDINGS
    ev = evaluate(inp, policy, locate=locate, findings=findings)
    stamp = dt.datetime.now().replace(second=0, microsecond=0)
    _refuse_if_open(path)
    regenerate(wb, ev, stamp)
    data = workbook_bytes(wb, fixed_time=None)
    lost = _losses(path, data)
    if lost:
        raise WriteRefused(f"{path}: このブックの{'・'.join(lost)}は書き込み時に失われるため、保存しませんでした。"
                           "それらを別のブックに移すか、Excel アドインの「様式を作成」をお使いください。")
    backup = atomic_write_bytes(path, data, backup=True, expect=snapshot)
    lines = [f"{path}: 計画書・実績報告書のシートを作成しました（作成日時 {stamp:%Y-%m-%d %H:%M}）。"]
    if backup:
        lines.append(f"  元のブックは {backup.name} に残しています。")
    _say(lines)
    if args.pdf is not None:
        try:
            pdfs = write_pdfs(ev, args.pdf, stamp)
        except (libreoffice.LibreOfficeFailed, libreoffice.LibreOfficeMissing) as exc:
            print(f"エラー: PDF を作成できませんでした。{exc}")
            return EXIT_UNREADABLE
        _say([f"  PDF: {p}" for p in pdfs])
    if ev.findings:
        verdict = "エラーがあります。直してから提出してください。" if has_errors(ev.findings) else "確認してください。"
        print(f"チェック結果（{verdict}）:")
        _print_findings(ev.findings)
    return EXIT_FINDINGS if has_errors(ev.findings) else EXIT_OK
