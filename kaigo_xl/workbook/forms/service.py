"""Refreshing the 計画書 and 実績報告書 of a user's book in place, and their PDFs (`kaigo-xl forms`, the demo).

The book is read (kaigo_xl.workbook.reader), evaluated by the engine, and only the two form sheets are redrawn
with the engine's values and a 作成日時 stamp; everything else the user made stays. The write is atomic with a
backup (BOOK.xlsx.bak) and refuses when the file is open, read-only or changed meanwhile. With a PDF folder, each
form becomes one A4 page: DIR/計画書.pdf and DIR/実績報告書.pdf (two files: they are submitted at different times).
Nothing here prints: the result says what happened, and the command line tells the user.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from kaigo_xl.engine import Evaluation, evaluate
from kaigo_xl.errors import ExternalToolFailed, InputUnreadable, UsageError, WriteRefused, os_error_message
from kaigo_xl.findings import Finding
from kaigo_xl.policy import Policy
from kaigo_xl.workbook.forms.render import fresh_sheet, render_form_sheet
from kaigo_xl.workbook.forms.spec import FORMS
from kaigo_xl.workbook.forms.values import form_values
from kaigo_xl.workbook.reader import read_workbook
from kaigo_xl.xlsx import libreoffice
from kaigo_xl.xlsx.carryover import carry_over
from kaigo_xl.xlsx.safefile import Snapshot, atomic_write_bytes
from kaigo_xl.xlsx.save import workbook_bytes

# LibreOffice measures column widths with the Normal font; without Calibri it falls back to wider digits and the
# form shrinks. DejaVu Sans 8.25 pt (shipped with LibreOffice) has Calibri 11's digit width: 5.25 pt a unit.
PDF_NORMAL_FONT = Font(name="DejaVu Sans", size=8.25)
PDF_FONT = "Noto Serif CJK JP"  # installed with fonts-noto-cjk; a font LibreOffice has keeps digits and kana alike

@dataclass
class FormsRefreshed:
    """What `refresh_forms` did. `evaluation` is None when the book's input could not be evaluated (the findings
    say why; the book was not changed)."""

    path: Path
    findings: list[Finding]
    evaluation: Evaluation | None = None
    stamp: dt.datetime | None = None
    backup: Path | None = None
    pdfs: list[Path] = field(default_factory=list)
    pdf_error: str = ""  # the forms were written but the PDFs could not be made

    @property
    def written(self) -> bool:
        return self.evaluation is not None


def _refuse_if_open(path: Path) -> None:
    """Excel and LibreOffice leave an owner file beside a workbook they have open; writing then loses their edits."""
    for owner in (path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")):
        if owner.exists():
            raise WriteRefused(f"{path}: ブックが Excel または LibreOffice で開かれています（{owner.name} があります）。"
                               "ブックを閉じてから、もう一度実行してください。")


def _load_book(path: Path) -> openpyxl.Workbook:
    """The book as openpyxl reads it; refused (nothing written) when openpyxl said it changed a value on the way in:
    saving would write the changed value back."""
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            wb = openpyxl.load_workbook(path, keep_links=True, rich_text=True)
    except Exception as exc:
        raise InputUnreadable(f"{path}: ブックを開けません（{type(exc).__name__}）。ファイルが壊れている可能性があります。"
                              ) from None
    changed = [text for w in said if (text := _changed_on_load(wb, str(w.message)))]
    if changed:
        raise WriteRefused(f"{path}: {'、'.join(dict.fromkeys(changed))}。このまま保存するとこの部分が変わってしまうため、"
                           "保存しませんでした。Excel で直して保存してから、もう一度実行してください。")
    return wb


_DATE_OUT_OF_RANGE = "is marked as a date but the serial value"  # openpyxl: "Cell C17 …" ("Cell None …" without r)
_CELL = re.compile(r"Cell \$?([A-Za-z]{1,3})\$?([0-9]{1,7}) ")


def _changed_on_load(wb: openpyxl.Workbook, message: str) -> str | None:
    """What openpyxl's warning says it changed, in the clerk's words; None for a warning that changes nothing."""
    if _DATE_OUT_OF_RANGE in message:
        m = _CELL.match(message)
        cell = f"{m.group(1).upper()}{m.group(2)}" if m else ""
        where = [f"{ws.title}!{cell}" for ws in wb.worksheets if cell and getattr(ws[cell], "value", None) == "#VALUE!"]
        named = f" {'・'.join(where) or cell}" if cell else ""
        return f"日付の書式のセル{named}に、Excel の日付の範囲（1900年1月1日〜9999年12月31日）を超える値があります"
    if message.startswith("Defined names for sheet index"):
        return "ブックにないシートを指す名前の定義があります（保存すると失われます）"
    return None  # anything else openpyxl drops is a part carry_over puts back or names as lost


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
        raise WriteRefused(os_error_message(out_dir, exc, "PDF の出力先フォルダーを作れません")) from None
    work = Path(tempfile.mkdtemp(prefix="kaigo_xl_forms_"))
    results = []
    try:
        for spec in FORMS:
            wb = openpyxl.Workbook()
            # LibreOffice then sizes columns as Excel does; openpyxl has no public setter for the Normal style
            wb._named_styles["Normal"].font = PDF_NORMAL_FONT  # noqa: SLF001
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


def refresh_forms(path: Path, policy: Policy, pdf_dir: Path | None = None,
                  now: dt.datetime | None = None) -> FormsRefreshed:
    """Redraw the two form sheets of the book at `path` with the engine's values (and PDFs into `pdf_dir`)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: .xlsx のブックを指定してください（kaigo-xl template で作ったブック）。")
    if pdf_dir is not None and not libreoffice.available():
        raise libreoffice.LibreOfficeMissing(f"PDF を作るには LibreOffice が必要です。{libreoffice.LibreOfficeMissing()}"
                                             "（ブックは変更していません）")
    snapshot = Snapshot.of(path) if path.exists() else None
    inp, findings, locate = read_workbook(path)  # raises InputUnreadable for files that are not workbooks
    wb = _load_book(path)
    if "KX_TEMPLATE_VERSION" not in wb.defined_names:
        raise UsageError(f"{path}: kaigo-xl の様式のブックではありません（定義名 KX_TEMPLATE_VERSION がありません）。"
                         "kaigo-xl template で作ったブックを指定してください。ブックは変更していません。")
    if inp is None:
        return FormsRefreshed(path, findings)
    ev = evaluate(inp, policy, locate=locate, findings=findings)
    stamp = (now or dt.datetime.now()).replace(second=0, microsecond=0)
    _refuse_if_open(path)
    regenerate(wb, ev, stamp)
    # openpyxl drops what it does not understand: put back what can be kept (an add-in's code, custom XML …),
    # refuse when something the user made would still be lost
    kept = carry_over(path.read_bytes(), workbook_bytes(wb, fixed_time=None))
    if kept.lost:
        raise WriteRefused(f"{path}: このブックの{'・'.join(kept.lost)}は書き込み時に失われるため、保存しませんでした。"
                           "それらを別のブックに移すか、Excel アドインの「計画書作成」「実績報告書作成」ボタンをお使いください。")
    done = FormsRefreshed(path, ev.findings, ev, stamp,
                          atomic_write_bytes(path, kept.data, backup=True, expect=snapshot))
    if pdf_dir is not None:
        try:
            done.pdfs = write_pdfs(ev, pdf_dir, stamp)
        except ExternalToolFailed as exc:
            done.pdf_error = str(exc)
    return done
