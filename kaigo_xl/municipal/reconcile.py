"""What came back against what was sent: 未提出, books from facilities not on the list, a book whose 施設番号 is
another facility's, duplicates.

Each returned book is attributed to one facility (its *identity*) from three pieces of evidence: the 施設番号 typed
in the book, the 施設名 typed in the book and the file name we gave it (`{施設番号}_{施設名}.xlsx`, or the file
named in 配布一覧.csv). When the number and the name agree with the list, that is the facility. When they disagree
and the name (or the file) points to another facility on the list, the book belongs to that facility and carries
an error naming both numbers: one facility typed another's number. Without a list only the file name can
contradict the number; it does so with an error when the typed number is also claimed by another book.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from kaigo_xl.municipal.collect import NAME_CELL, NUMBER_CELL, STATUS_UNREADABLE, BookResult
from kaigo_xl.municipal.text import loose

NUMBER_MISMATCH = "NUMBER_MISMATCH"
NAME_MISMATCH = "NAME_MISMATCH"
NOT_ON_LIST = "NOT_ON_LIST"
FILE_NUMBER_MISMATCH = "FILE_NUMBER_MISMATCH"
DUPLICATE_NUMBER = "DUPLICATE_NUMBER"
_FILE_NUMBER = re.compile(r"^([0-9]{4,})_")


@dataclass(frozen=True)
class Sent:
    """A facility the municipality sent a book to (a row of the facility list or of 配布一覧.csv)."""

    row: int
    number: str
    name: str
    file: str = ""


@dataclass
class Reconciled:
    listed: bool  # whether a list was given (without it 未提出 cannot be known)
    identity: dict[str, str] = field(default_factory=dict)  # book file → the facility number it is attributed to
    missing: list[Sent] = field(default_factory=list)  # 未提出
    missing_elsewhere: dict[str, list[str]] = field(default_factory=dict)  # number → files of other fiscal years
    not_on_list: list[BookResult] = field(default_factory=list)
    duplicates: dict[str, list[BookResult]] = field(default_factory=dict)
    unidentified: list[BookResult] = field(default_factory=list)  # unreadable, no number, no telling file name


class _List:
    def __init__(self, sent: list[Sent]) -> None:
        self.by_number = {s.number: s for s in sent}
        self.by_file = {s.file: s for s in sent if s.file}
        names = Counter(loose(s.name) for s in sent)
        self.by_name = {loose(s.name): s for s in sent if names[loose(s.name)] == 1}

    def by_file_name(self, file: str) -> Sent | None:
        base = PurePosixPath(file).name
        if base in self.by_file:
            return self.by_file[base]
        prefix = base.split("_", 1)[0]
        return self.by_number.get(prefix) if "_" in base else None


def reconcile(books: list[BookResult], sent: list[Sent] | None,
              other_years: Sequence[BookResult] = ()) -> Reconciled:
    """Attribute each book of the year (readable or not) to a facility, add the findings, find 未提出."""
    out = Reconciled(listed=sent is not None)
    if sent is not None:
        lst = _List(sent)
        for r in books:
            out.identity[r.file] = _against_list(r, lst, out)
    else:
        _without_list(books, out)
    readable = [r for r in books if r.status != STATUS_UNREADABLE]
    out.duplicates = mark_duplicates(readable, out.identity)
    out.unidentified = [r for r in books if r.status == STATUS_UNREADABLE and not out.identity.get(r.file)]
    if sent is not None:
        returned = set(out.identity.values())
        out.missing = [s for s in sent if s.number not in returned]
        for r in other_years:
            ident = r.number or _file_number(r.file)
            if ident in {s.number for s in out.missing}:
                out.missing_elsewhere.setdefault(ident, []).append(r.file)
    return out


def _against_list(r: BookResult, lst: _List, out: Reconciled) -> str:
    claimed = r.number
    own = lst.by_number.get(claimed)
    by_file = lst.by_file_name(r.file)
    by_name = lst.by_name.get(loose(r.name)) if r.name else None
    if own is not None and (not r.name or loose(own.name) == loose(r.name)):
        if by_file is not None and by_file.number != claimed:
            r.add_finding(FILE_NUMBER_MISMATCH, "warning",
                          f"ファイル名は「{by_file.number} {by_file.name}」に配布したブックのものですが、"
                          f"施設番号・施設名は「{claimed} {own.name}」です。ほかの施設のブックを使っていないか確認してください。",
                          NUMBER_CELL)
        return claimed
    evidence = by_name or by_file
    if evidence is not None and evidence.number != claimed:
        if claimed:
            whose = f"配布一覧では「{own.name}」の番号です" if own else "配布一覧にない番号です"
            r.add_finding(NUMBER_MISMATCH, "error",
                          f"施設番号が「{claimed}」になっていますが、{whose}。このブックは"
                          f"「{evidence.number} {evidence.name}」のものと考えられます。施設番号を「{evidence.number}」に"
                          "直してください（施設番号が正しい場合は、施設名を確認してください）。", NUMBER_CELL)
        return evidence.number
    if own is not None:
        r.add_finding(NAME_MISMATCH, "warning",
                      f"施設名「{r.name}」が配布一覧の「{own.name}」（施設番号 {claimed}）と違います。"
                      "同じ施設か確認してください。", NAME_CELL)
        return claimed
    if claimed:
        r.add_finding(NOT_ON_LIST, "warning", f"施設番号「{claimed}」は配布一覧にありません。配布していない施設のブックか、"
                      "施設番号の誤りです。", NUMBER_CELL)
        out.not_on_list.append(r)
    return claimed


def _file_number(file: str) -> str:
    m = _FILE_NUMBER.match(PurePosixPath(file).name)
    return m.group(1) if m else ""


def _without_list(books: list[BookResult], out: Reconciled) -> None:
    """Only the file names can say a number is wrong: an error when another book holds that number too."""
    claims = Counter(r.number for r in books if r.number and r.status != STATUS_UNREADABLE)
    for r in books:
        from_file = _file_number(r.file)
        ident = r.number or from_file
        if r.number and from_file and from_file != r.number:
            if claims[r.number] > 1:
                others = "、".join(o.file for o in books if o.number == r.number and o is not r)
                r.add_finding(NUMBER_MISMATCH, "error",
                              f"施設番号が「{r.number}」になっていますが、ファイル名の番号は「{from_file}」で、"
                              f"「{r.number}」のブックはほかにもあります（{others}）。施設番号を確認してください"
                              f"（ファイル名どおりなら「{from_file}」）。", NUMBER_CELL)
                ident = from_file
            else:
                r.add_finding(FILE_NUMBER_MISMATCH, "warning",
                              f"施設番号「{r.number}」がファイル名の番号「{from_file}」と違います。"
                              "ほかの施設のブックを使っていないか確認してください。", NUMBER_CELL)
        out.identity[r.file] = ident


def mark_duplicates(results: list[BookResult], identity: dict[str, str]) -> dict[str, list[BookResult]]:
    """Facilities with more than one book; each such book gets a warning naming the others."""
    by_number: dict[str, list[BookResult]] = {}
    for r in results:
        if ident := identity.get(r.file, r.number):
            by_number.setdefault(ident, []).append(r)
    dups = {n: rs for n, rs in by_number.items() if len(rs) > 1}
    for number, rs in dups.items():
        files = "、".join(r.file for r in rs)
        for r in rs:
            r.add_finding(DUPLICATE_NUMBER, "warning",
                          f"施設番号「{number}」のブックが{len(rs)}件あります（{files}）。すべて集計に含めています。"
                          "同じ施設の提出が重複していないか確認してください。", NUMBER_CELL)
    return dups
