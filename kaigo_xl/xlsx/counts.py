"""Counts a part declares, checked against the part's size before a parser allocates room for them.

Why: python-calamine reserves room for `uniqueCount` strings of the shared-strings part before it reads one
(Rust's Vec::reserve, 24 bytes a string): `<sst uniqueCount="4294967295">` in a 74 KB file asks for 103 GB and the
process aborts (SIGABRT, exit 134: no `except` catches it), taking `kaigo-xl collect` and every book after it along.
A string takes at least `<si/>` (5 bytes) of the part, so a part of N bytes holds at most N // 5 of them: a larger
count is a lie, refused here.

Which declared counts matter was found by building each hostile part and reading it with python-calamine 0.9.1
in a child process (tests/xlsx/test_declared_counts.py keeps that proof): only `uniqueCount` aborts. A sheet's
`<dimension ref="A1:XFD1048576">` (calamine caps what it reserves from it), `<cols>`, row `spans`, the style
sheet's `count`s, `<mergeCells count>`, a huge style index and a shared-string index beyond the table are read
without harm (the last is an ordinary error, turned into a message by preflight.parser_errors).
"""

from __future__ import annotations

import re
import zipfile

from kaigo_xl.xlsx.parts import RESEND, Refused

MIN_STRING_BYTES = len(b"<si/>")
_SST = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst(?=[\s/>])([^>]*)>")
_UNIQUE = re.compile(rb"""(?:^|\s)uniqueCount\s*=\s*(["'])(.*?)\1""", re.S)
_NUMBER = re.compile(rb"\s*\+?0*(\d{1,30})\s*")
_MAX_TAIL = 1024 * 1024


def is_shared_strings(part: str) -> bool:
    """The part python-calamine reads as the shared strings: `…/sharedStrings.xml`, in any case or folder."""
    return part.replace("\\", "/").lower().endswith("sharedstrings.xml")


class SharedStringsCount:
    """Fed a shared-strings part chunk by chunk: the first `<sst>` tag (the one calamine takes) must not declare
    more strings than the part can hold."""

    def __init__(self, info: zipfile.ZipInfo) -> None:
        self.info = info
        self.buf = b""
        self.done = False

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        self.buf += chunk
        m = _SST.search(self.buf)
        if m is not None:
            self.done = True
            self._check(m.group(1))
            return
        cut = self.buf.rfind(b"<")
        self.buf = self.buf[cut:] if cut >= 0 else b""  # only an unfinished tag is kept
        if len(self.buf) > _MAX_TAIL:
            raise Refused(f"部品 {self.info.filename} に異常に長いタグがあります。壊れているか、改変されたファイルです。" + RESEND)

    def _check(self, attrs: bytes) -> None:
        m = _UNIQUE.search(attrs)
        number = _NUMBER.fullmatch(m.group(2)) if m else None
        if number is None:
            return  # no count, or one calamine cannot parse (it then reserves nothing)
        declared = int(number.group(1))
        room = self.info.file_size // MIN_STRING_BYTES
        if declared > room:
            raise Refused(f"共有文字列の部品 {self.info.filename} が {declared:,} 個の文字列を宣言していますが、"
                          f"この部品（{self.info.file_size:,} バイト）には多くても {room:,} 個しか入りません。"
                          "壊れているか改変されたファイルで、このまま読むとメモリを使い果たすため読み込みません。" + RESEND)
