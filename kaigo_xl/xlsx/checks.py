"""Every check one part of a zip gets while it is inflated once: the XML prolog (DOCTYPE), the bytes inflated in all
(zip bombs), and as the part is, a sheet's used range and error cells or the shared strings' declared count.

One home for the preflight's scan of a book and for the later scan of a sheet it left for later
(kaigo_xl.xlsx.reading): both inflate a part through the same checks.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from kaigo_xl.xlsx import parts
from kaigo_xl.xlsx.cellerrors import ErrorSniffer
from kaigo_xl.xlsx.counts import SharedStringsCount, is_shared_strings
from kaigo_xl.xlsx.extent import ExtentScanner, SheetExtent
from kaigo_xl.xlsx.parts import PrologCheck, Refused, bomb, inflate


class Budget:
    """The bytes inflated so far, every part together: beyond parts.MAX_UNCOMPRESSED_BYTES the file is refused."""

    def __init__(self, spent: int = 0) -> None:
        self.spent = spent

    def spend(self, n: int) -> None:
        self.spent += n
        if self.spent > parts.MAX_UNCOMPRESSED_BYTES:
            raise Refused(bomb("展開した量が上限を超えました"))


class PartChecks:
    """Every check one part gets while it is inflated once: the prolog (DOCTYPE), and as the part is, a sheet's
    used range and error cells, or the shared strings' declared count."""

    def __init__(self, info: zipfile.ZipInfo, sheet: str | None, scanned: bool) -> None:
        self.prolog = PrologCheck(f"{info.filename}（シート「{sheet}」）" if sheet is not None else info.filename)
        self.extent = ExtentScanner(sheet) if scanned else None
        self.errors = ErrorSniffer() if scanned else None
        self.counts = SharedStringsCount(info) if is_shared_strings(info.filename) else None

    def feed(self, chunk: bytes) -> None:
        self.prolog.feed(chunk)
        for check in (self.extent, self.errors, self.counts):
            if check is not None:
                check.feed(chunk)


def inflate_checked(fh: BinaryIO, info: zipfile.ZipInfo, checks: PartChecks, *, keep: bool,
                    budget: Budget | None = None) -> bytes:
    """Inflate the part once through `checks` (and `budget`); its bytes when `keep`, else b""."""
    chunks = []
    for chunk in inflate(fh, info):
        if budget is not None:
            budget.spend(len(chunk))
        checks.feed(chunk)
        if keep:
            chunks.append(chunk)
    return b"".join(chunks)


def finish_part(extents: dict[str, SheetExtent], with_errors: list[zipfile.ZipInfo], info: zipfile.ZipInfo,
                sheet: str | None, checks: PartChecks) -> None:
    """After the last chunk: the prolog decided, the sheet's used range (the wider of two parts named alike) and
    whether its XML holds error cells."""
    checks.prolog.close()
    if checks.extent is not None and sheet is not None:
        ext = checks.extent.close()
        if sheet not in extents or ext.cells > extents[sheet].cells:
            extents[sheet] = ext
    if checks.errors is not None and checks.errors.found:
        with_errors.append(info)
