"""Looking at a file before any parser does: damaged, disguised and hostile workbooks are refused here with a
Japanese message, so that openpyxl and python-calamine only ever see well-formed .xlsx zips of sane size.

Why each check exists:
- legacy .xls, password-protected books and other formats are sniffed from the first bytes (an OLE2 compound
  file's directory names tell an encrypted book from an old one), so the user hears what to do instead of
  "cannot read";
- zip bombs: the central directory's declared sizes are checked without inflating, then every part is inflated
  once (a part of up to 4 MB in one zlib call capped at its declared size + 1 MB, a larger one as a stream of
  64 KB chunks, nothing kept), counting bytes and checking its CRC, so a part whose header lies about its size
  is refused after at most 1 MB beyond the declared size. Parsers then read exactly the bytes
  checked here, so they need no cap of their own (unless the file is swapped between the two reads, which only
  someone already on the machine could do);
- entity expansion ("billion laughs"): a DOCTYPE can only stand before the root element, so every XML part's
  prolog is read and any `<!DOCTYPE` / `<!ENTITY` refused — no workbook written by Excel has one;
- a value far away (e.g. XFD1048576): python-calamine allocates the used range from A1 as one dense grid, and
  for A1…XFD1048576 the process aborts (a Rust allocation failure no `except` can catch); the XML of each sheet
  a reader will open is scanned for the cells' positions (plainly written cells by one regex pass, anything
  unusual tag by tag), and a sheet whose used range exceeds MAX_SHEET_CELLS is refused, naming the sheet and
  the cell. Other sheets are scanned only when someone asks for their extent (SheetExtents);
- declared counts a parser preallocates from (the shared strings' uniqueCount: kaigo_xl.xlsx.counts) are checked
  against the part's size;
- error values (#SPILL! …) in the sheets a reader will open are found with their cells (kaigo_xl.xlsx.cellerrors),
  so that the reader reports each as what it is instead of calamine refusing the book or reading a blank;
- a FIFO or a device is refused before it is opened for reading (kaigo_xl.files).
Nothing here evaluates a formula or runs a macro: values are read, never executed.
"""

from __future__ import annotations

import contextlib
import functools
import os
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import olefile

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.files import open_regular
from kaigo_xl.xlsx import parts
from kaigo_xl.xlsx.cellerrors import error_cells
from kaigo_xl.xlsx.checks import Budget, PartChecks, finish_part, inflate_checked
from kaigo_xl.xlsx.counts import is_shared_strings
from kaigo_xl.xlsx.extent import MAX_SHEET_CELLS, ExtentScanner, SheetExtent, too_wide
from kaigo_xl.xlsx.package import BookIndex, parse_book_index
from kaigo_xl.xlsx.parts import (
    RESAVE,
    RESEND,
    Package,
    Refused,
    check_directory,
    declared_entries,
    inflate,
    small_xml,
)
from kaigo_xl.xlsx.plainread import PlainBook

__all__ = ["MAX_FILE_BYTES", "MAX_SHEET_CELLS", "Preflight", "SheetExtent", "SheetExtents", "parser_errors", "preflight"]

MAX_FILE_BYTES = 50 * 1024 * 1024  # the file on disk
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": False,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": True,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": False,
    "application/vnd.ms-excel.template.macroEnabled.main+xml": True,
}


@dataclass(frozen=True)
class Preflight:
    """What the checks learned: readers may warn about macros; nothing in a macro is ever run."""

    path: Path
    macro_enabled: bool = False
    sheets: Mapping[str, SheetExtent] = field(default_factory=dict)  # every sheet (see SheetExtents)
    defined_names: dict[str, str] = field(default_factory=dict)  # global names: KX_FTE → '月別職員数'!$C$6:$C$17
    cell_errors: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → cell → "#SPILL!" (scanned sheets)
    error_parts: dict[str, list[str]] = field(default_factory=dict)  # sheet → its zip parts holding error values
    kept: dict[str, bytes] = field(default_factory=dict)  # checked bytes of the parts a reader parses (keep=True)
    sheet_parts: dict[str, list[str]] = field(default_factory=dict)  # sheet → its zip parts
    reader_parts: frozenset[str] = frozenset()  # the parts besides sheets that python-calamine reads

    def reader_zip(self, sheets: Iterable[str]) -> bytes:
        """A zip (stored, in memory) of exactly the checked bytes python-calamine needs for `sheets`: nothing is
        inflated twice, and the parser can see no part the checks did not see. Sheets not scanned yet are read
        now, with the same checks (used range, error cells, prolog); error values calamine refuses say #N/A."""
        from kaigo_xl.xlsx.reading import reader_zip

        with _refusals(self.path):
            return reader_zip(self, list(sheets))

    def plain_values(self, sheets: Iterable[str]) -> PlainBook | None:
        """`sheets` as python-calamine would read them, read from the checked bytes without it when they are written
        plainly (kaigo_xl.xlsx.plainread, in the pass that also scans their cells); None when python-calamine must
        read them (then after the careful scan)."""
        from kaigo_xl.xlsx.reading import plain_values

        with _refusals(self.path):
            return plain_values(self, list(sheets))


class SheetExtents(Mapping[str, SheetExtent]):
    """The used range of every sheet. The sheets a reader will open are scanned by preflight; any other sheet
    (instructions, printed forms: most of a book's XML) is scanned the first time someone looks it up, reading its
    part again with the same checks. Its bytes were already inflated and CRC-checked by preflight."""

    def __init__(self, path: Path, scanned: dict[str, SheetExtent], later: dict[str, list[zipfile.ZipInfo]],
                 order: list[str]) -> None:
        self._path, self._scanned, self._later, self._order = path, scanned, later, order

    def __getitem__(self, sheet: str) -> SheetExtent:
        if sheet not in self._scanned:
            parts = self._later[sheet]  # KeyError: not a sheet of this book
            found = []
            with _refusals(self._path), open_regular(self._path) as fh:
                for info in parts:
                    scanner = ExtentScanner(sheet)
                    for chunk in inflate(fh, info):
                        scanner.feed(chunk)
                    found.append(scanner.close())
            self._scanned[sheet] = max(found, key=lambda ext: ext.cells)  # two parts named alike: the wider
        return self._scanned[sheet]

    def unscanned_parts(self, sheet: str) -> list[zipfile.ZipInfo]:
        """The zip entries of `sheet` when the preflight did not scan it (empty when it did)."""
        return [] if sheet in self._scanned else list(self._later.get(sheet, ()))

    def record(self, sheet: str, extent: SheetExtent) -> None:
        """The used range of a sheet scanned later, with the same checks (kaigo_xl.xlsx.reading)."""
        self._scanned[sheet] = extent

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:  # without scanning anything
        return f"SheetExtents({self._scanned!r}, not yet scanned: {[s for s in self._order if s not in self._scanned]})"


def preflight(path: Path, sheets: Iterable[str] | None = None, *, deep: bool = True, keep: bool = False) -> Preflight:
    """Raise InputUnreadable when `path` is not a readable, sane .xlsx/.xlsm workbook.

    `sheets` limits the used-range check to the sheets a reader will open (default: every sheet).
    `deep=False` (for readers that only ever open `sheets`, such as `kaigo-xl collect`) also leaves the other sheets'
    parts uninflated: no parser will touch them, and their declared sizes were still checked in the zip directory.
    Anything that later loads the whole book (openpyxl in `kaigo-xl forms`) must use the default.
    Reads the file once (a bounded piece at a time); never builds a parser's tree of a sheet. The result carries
    the book's global defined names, so a reader need not open the zip again for them. With `keep`, it also keeps
    the checked bytes of the parts a reader parses, for `Preflight.reader_zip` (python-calamine reads those); with
    `deep=False` as well, parts that no reader parses (drawings, themes, add-in parts …) are not even inflated.
    """
    path = Path(path)
    with _refusals(path):
        return _preflight(path, None if sheets is None else set(sheets), deep, keep)


@contextlib.contextmanager
def _refusals(path: Path) -> Iterator[None]:
    try:
        yield
    except Refused as exc:
        raise InputUnreadable(f"{path}: {exc}") from None
    except PermissionError:
        raise InputUnreadable(f"{path}: 読み取りの権限がありません。ファイルを閉じるか、権限を確かめてください。") from None
    except OSError as exc:
        raise InputUnreadable(f"{path}: 読み込めません（{exc.strerror or exc}）。") from None


def _preflight(path: Path, wanted: set[str] | None, deep: bool = True, keep: bool = False) -> Preflight:
    with open_regular(path) as fh:  # a FIFO, a device or a folder is refused before one byte is read
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise Refused("空のファイルです（0 バイト）。保存や送信が途中で失敗した可能性があります。" + RESEND)
        if size > MAX_FILE_BYTES:
            raise Refused(f"ファイルが大きすぎます（{size / 1024 / 1024:.0f}MB。{MAX_FILE_BYTES // 1024 // 1024}MB まで）。"
                           "入力用のブックがこれほど大きくなることはありません。画像や不要なシートを削除してください。")
        head = fh.read(4096)
        if head.startswith(OLE2_SIGNATURE):
            raise Refused(_ole_reason(fh))
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            raise Refused(_not_a_zip_reason(head))
        if declared_entries(fh, size) > parts.MAX_PARTS:  # before zipfile builds one object per entry
            raise Refused(f"ZIP の中のファイルが多すぎます（{parts.MAX_PARTS:,}個まで）。Excel ブックとして不自然です。")
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error):
            raise Refused("ファイルが途中で切れているか壊れています（ZIP の目次が読めません）。" + RESEND) from None
        except NotImplementedError:  # zipfile: "zip file version 6.4", a version no spreadsheet program writes
            raise Refused("Excel ブックには使われない版の ZIP 形式です（展開に必要な版が新しすぎます）。" + RESAVE) from None
        with archive:
            infos = check_directory(archive.infolist())
        package = Package(fh, {i.filename: i for i in infos})
        macro = _check_package(package)
        sheet_parts, book_names, readers = _sheet_parts(package)
        scan = _scan_parts(package, infos, sheet_parts, wanted, deep, readers if keep else None)
        errors = _error_cells(scan.kept, package, scan.with_errors, sheet_parts)
    for name, ext in scan.extents.items():
        if ext.cells > MAX_SHEET_CELLS:
            raise Refused(too_wide(name, ext))
    order = list(dict.fromkeys(sheet_parts[i.filename] for i in infos if i.filename in sheet_parts))
    error_parts: dict[str, list[str]] = {}
    for info in scan.with_errors:
        error_parts.setdefault(sheet_parts[info.filename], []).append(info.filename)
    by_sheet: dict[str, list[str]] = {}
    for part, sheet in sheet_parts.items():
        by_sheet.setdefault(sheet, []).append(part)
    extents = SheetExtents(path, scan.extents, {**scan.later, **scan.deferred}, order)
    return Preflight(path, macro, extents, book_names, errors, error_parts,
                     scan.kept, by_sheet, frozenset(readers & set(package.infos)))


def _error_cells(kept: Mapping[str, bytes], package: Package, with_errors: list[zipfile.ZipInfo],
                 sheet_parts: dict[str, str]) -> dict[str, dict[str, str]]:
    """Sheet → cell → error value, for the scanned sheets whose XML holds any error cell (parsed once more)."""
    found: dict[str, dict[str, str]] = {}
    for info in with_errors:
        chunks = [kept[info.filename]] if info.filename in kept else inflate(package.fh, info)
        found.setdefault(sheet_parts[info.filename], {}).update(error_cells(chunks))
    return found


# ---- what a non-zip file is ----

def _not_a_zip_reason(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "PDF ファイルです。Excel ブック（.xlsx）を指定してください。"
    if b"\x00" not in head[:1024] and _looks_like_text(head):
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if stripped.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
            return ("Web ページ（HTML）または XML のファイルで、拡張子だけが .xlsx になっています。" + RESAVE)
        return ("CSV などのテキストファイルで、拡張子だけが .xlsx になっています（Excel ブックではありません）。"
                + RESAVE)
    return "Excel ブック（.xlsx）ではありません。ファイルが壊れているか、別の形式です。" + RESEND


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a character cut at the end of the sample
                return True
    return False


# ---- OLE2 compound files: legacy .xls, password-protected books, Word … ----

def _ole_reason(fh: BinaryIO) -> str:
    names = _ole_stream_names(fh)
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        return ("パスワードで保護（暗号化）されたブックです。読み込むことはできません。"
                "Excel で開き、「ファイル」→「情報」→「ブックの保護」→「パスワードを使用して暗号化」で"
                "パスワードを消してから保存し、もう一度指定してください。")
    if {"WordDocument"} & names:
        return "Word 文書です。Excel ブック（.xlsx）を指定してください。"
    if not names or {"Workbook", "Book"} & names:
        return "Excel 97-2003 形式（.xls）です。Excel で .xlsx 形式で保存し直してください。"
    return "Office の古い形式のファイルで、Excel ブックではありません。Excel ブック（.xlsx）を指定してください。"


def _ole_stream_names(fh: BinaryIO) -> set[str]:
    """The top-level stream and storage names of an OLE2 compound file (olefile); empty when it is damaged."""
    fh.seek(0)
    try:
        with olefile.OleFileIO(fh) as ole:
            return {entry[0] for entry in ole.listdir(streams=True, storages=True) if entry}
    except Exception:
        return set()


def _check_package(package: Package) -> bool:
    """An Excel workbook has [Content_Types].xml and xl/workbook.xml; say what else it is. Returns 'has macros'."""
    names = package.infos
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise Refused("Word 文書（.docx）です。Excel ブック（.xlsx）を指定してください。")
        if any(n.startswith("ppt/") for n in names):
            raise Refused("PowerPoint ファイルです。Excel ブック（.xlsx）を指定してください。")
        if "content.xml" in names and "mimetype" in names:
            raise Refused("OpenDocument 形式（.ods など）です。" + RESAVE)
        if "xl/workbook.bin" in names:
            raise Refused("Excel バイナリ ブック（.xlsb）です。" + RESAVE)
        raise Refused("ZIP ファイルですが Excel ブックではありません（[Content_Types].xml または "
                       "xl/workbook.xml がありません）。" + RESEND)
    types = small_xml(package, "[Content_Types].xml")
    macro = "xl/vbaProject.bin" in names
    for el in types.iterfind("{*}Override"):
        if el.get("PartName", "").lstrip("/") == "xl/workbook.xml":
            macro = macro or _MAIN_TYPES.get(el.get("ContentType", ""), False)
    return bool(macro)


def _sheet_parts(package: Package) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Zip part name → sheet name, from xl/workbook.xml and its relationships; the book's global defined
    names (those without localSheetId), so that a reader need not open the zip again for them; and the parts
    besides the sheets that python-calamine reads (the package's and the workbook's own, styles, shared strings)."""
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = small_xml(package, rels_name) if rels_name in package.infos else None
    index = _book_index(small_xml(package, "xl/workbook.xml"), rels)
    readers = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", rels_name}
    readers |= {part for kind, part in index.related.items() if kind in ("styles", "sharedStrings")}
    readers |= {name for name in package.infos if is_shared_strings(name) or name.lower().endswith("styles.xml")}
    return {part: name for name, part in index.sheets.items()}, dict(index.defined_names), readers


@functools.lru_cache(maxsize=16)
def _book_index(workbook: ET.Element, rels: ET.Element | None) -> BookIndex:
    """parse_book_index, once per parsed tree: the same bytes give the same (shared, read-only) tree (parts.small_xml)."""
    return parse_book_index(workbook, rels)


@dataclass
class _Scan:
    extents: dict[str, SheetExtent] = field(default_factory=dict)  # the wanted sheets' used ranges
    later: dict[str, list[zipfile.ZipInfo]] = field(default_factory=dict)  # other sheets' parts, scanned on demand
    with_errors: list[zipfile.ZipInfo] = field(default_factory=list)  # wanted sheets' parts holding error cells
    deferred: dict[str, list[zipfile.ZipInfo]] = field(default_factory=dict)  # kept wanted sheets, scanned when read
    kept: dict[str, bytes] = field(default_factory=dict)  # checked bytes of the parts a reader parses


def _scan_parts(package: Package, infos: list[zipfile.ZipInfo], sheet_parts: dict[str, str],
                wanted: set[str] | None, deep: bool = True, keep: set[str] | None = None) -> _Scan:
    """Inflate and check every part (sizes, CRC, XML prolog, declared counts); scan the used range and the error
    cells of the wanted sheets. The parts of the other sheets are scanned only if someone asks (SheetExtents).
    With `keep` (the reader's parts) their bytes and the wanted sheets' are kept, and the wanted sheets' cells are
    scanned when a reader first reads them (Preflight.plain_values, Preflight.reader_zip): a plainly written sheet
    in the same pass that reads its values; with `deep=False` too, a part that no reader parses is not inflated at
    all (its declared sizes were checked in the zip directory)."""
    scan = _Scan()
    budget = Budget(sum(package.inflated.values()))
    for info in infos:
        name = info.filename
        sheet = sheet_parts.get(name)
        if name in package.inflated and sheet is None:
            if keep is not None and name in keep:
                scan.kept[name] = package.data[name]
            continue  # inflated, checked and counted already
        if sheet is not None and wanted is not None and sheet not in wanted:
            scan.later.setdefault(sheet, []).append(info)
            if not deep:
                continue  # never parsed by this reader: inflated only if someone asks for its extent
        elif sheet is None and not deep and keep is not None and name not in keep:
            continue  # no reader parses it
        reading = sheet is not None and sheet not in scan.later  # a wanted sheet: a reader parses it
        defer = keep is not None and reading  # its cells are scanned from the kept bytes when it is first read
        checks = PartChecks(info, sheet, scanned=reading and not defer)
        kept = keep is not None and (name in keep or reading)
        data = inflate_checked(package.fh, info, checks, keep=kept, budget=budget)
        finish_part(scan.extents, scan.with_errors, info, sheet, checks)
        if kept:
            scan.kept[name] = data
        if defer and sheet is not None:
            scan.deferred.setdefault(sheet, []).append(info)
    return scan


@contextlib.contextmanager
def parser_errors(path: Path, what: str = "Excel ブック") -> Iterator[None]:
    """Turn whatever a parser raises on a damaged file into InputUnreadable (never a traceback).

    python-calamine raises `CalamineError`, and on some damaged input a Rust panic (`PanicException`, a
    BaseException, which `except Exception` does not catch); openpyxl raises KeyError, ValueError, zipfile errors.
    """
    try:
        yield
    except InputUnreadable:
        raise
    except MemoryError:
        raise InputUnreadable(f"{path}: {what}が大きすぎて読み込めません。") from None
    except Exception as exc:
        raise InputUnreadable(f"{path}: {what}として読めません。ファイルが壊れている可能性があります"
                              f"（{type(exc).__name__}）。" + RESEND) from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise InputUnreadable(f"{path}: {what}として読めません。ファイルが壊れている可能性があります。"
                              + RESEND) from None
