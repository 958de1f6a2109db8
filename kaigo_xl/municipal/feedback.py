"""What to send back to whom: one entry per book that needs fixing (要修正, 読込不可, another fiscal year), with
the facility's contact from its own book and the fixes in plain Japanese, one line each with its sheet!cell, ready
to paste into a mail; and `write_feedback`, one short text file per facility with the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kaigo_xl.municipal.collect import STATUS_UNREADABLE, BookResult
from kaigo_xl.municipal.filenames import UniqueNames
from kaigo_xl.municipal.reconcile import DUPLICATE_NUMBER, NOT_ON_LIST
from kaigo_xl.municipal.summary import Summary
from kaigo_xl.municipal.text import shown
from kaigo_xl.wareki import wareki_date
from kaigo_xl.xlsx.safefile import atomic_write_bytes

FEEDBACK_SUFFIX = "_修正依頼.txt"


@dataclass(frozen=True)
class Feedback:
    number: str
    name: str
    contact: str
    status: str
    errors: int
    fixes: list[str]  # 「・施設情報!C7: …」 one per error
    file: str
    cautions: list[str] = field(default_factory=list)  # the same, one per warning (to check, not required)

    @property
    def fixes_text(self) -> str:
        return "\n".join(self.fixes)


def fix_line(location: str, message: str) -> str:
    where = location or "ファイル全体"
    return f"・{where}: {message}"


def feedback_items(summary: Summary) -> list[Feedback]:
    """The books to send back, in the order of the tables (the year's books, unreadable, other years)."""
    return [_item(r) for r in summary.needing_fixes]


# warnings about the round, for the municipality to settle (which of two books counts, a facility not sent a book),
# stay out of the letter to the facility
_ROUND_ONLY = frozenset({DUPLICATE_NUMBER, NOT_ON_LIST})


def _item(r: BookResult) -> Feedback:
    def lines(kind: str) -> list[str]:
        return [fix_line(loc, msg) for code, severity, msg, loc in r.findings
                if severity == kind and (kind == "error" or code not in _ROUND_ONLY)]

    return Feedback(r.number, r.name, r.contact, r.status, r.errors, lines("error"), r.file, lines("warning"))


def mail_text(item: Feedback, summary: Summary) -> str:
    """The text of one facility's request, in the words a municipal officer would write: addressed to the facility
    (御中, its contact as the book gives it), the fixes, then the warnings worth a look, dated in 和暦."""
    if item.name:
        lines = [f"{item.name}　御中"] + ([f"（ご担当: {item.contact}）"] if item.contact else [])
    else:
        lines = ["ご担当者様" + (f"（{item.contact}）" if item.contact else "")]
    lines.append("")
    subject = f"{summary.year_label} 介護人材確保・職場環境改善等加算のブック「{item.file}」"
    if item.status == STATUS_UNREADABLE:
        lines.append(f"ご提出いただいた{subject}を読み込めませんでした。")
        lines.append("次の点をご確認のうえ、Excel で開けることを確かめて、もう一度ご提出ください。")
    else:
        lines.append(f"ご提出いただいた{subject}を確認したところ、次の{item.errors}点の修正が必要です。")
        lines.append("ブックの「チェック」シートでも同じ内容を確認できます。修正のうえ、もう一度ご提出ください。")
    lines += ["", *item.fixes]
    if item.cautions:
        lines += ["", f"あわせて、次の{len(item.cautions)}点もご確認ください（必ず直す必要はありませんが、内容に誤りがないか"
                      "お確かめください）。", "", *item.cautions]
    lines += ["", f"（{wareki_date(summary.created.date())} kaigo-xl で確認）"]
    return "\n".join(lines)


def write_feedback(summary: Summary, folder: Path) -> list[Path]:
    """One text file per book to send back (UTF-8 with BOM and CRLF, so Windows Notepad opens it), named
    `{施設番号}_{施設名}_修正依頼.txt`; earlier files of the same name are kept as .bak."""
    from kaigo_xl.municipal.distribute import make_folder

    make_folder(folder)
    names = UniqueNames()
    written = []
    for item in feedback_items(summary):
        stem = "_".join(x for x in (item.number, item.name) if x) or Path(item.file).stem
        path = folder / names.claim(shown(stem), FEEDBACK_SUFFIX)
        text = mail_text(item, summary).replace("\n", "\r\n") + "\r\n"
        atomic_write_bytes(path, text.encode("utf-8-sig"), backup=path.exists())
        written.append(path)
    return written
