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
  the cell. Other sheets are scanned only when someone asks for their extent (SheetExtents).
Nothing here evaluates a formula or runs a macro: values are read, never executed.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..inputs import InputUnreadable

MAX_FILE_BYTES = 50 * 1024 * 1024  # the file on disk
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts together, as declared and as actually inflated
MAX_PARTS = 10_000
MAX_RATIO = 100  # a part this compressible …
RATIO_MIN_BYTES = 5 * 1024 * 1024  # … and at least this large is a zip bomb
MAX_SHEET_CELLS = 2_000_000  # rows × columns of a sheet's used range counted from A1 (≈ 80 MB in calamine)
MAX_PROLOG_BYTES = 64 * 1024  # XML before the root element
_PROLOG_FIRST = 1024  # tried before the whole prolog window
MAX_ROW, MAX_COL = 1_048_576, 16_384
_CHUNK = 64 * 1024
_OVERRUN = 1024 * 1024  # inflating this far beyond a part's declared size is a zip bomb, not mere damage
_SMALL_PART = 4 * 1024 * 1024  # a part up to this size (packed and declared) is read and inflated in one piece

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RESAVE = "Excel で開き、「ファイル」→「名前を付けて保存」で「Excel ブック (*.xlsx)」形式で保存し直してください。"
_RESEND = "元のファイルをもう一度送ってもらうか、Excel で開けるか確かめてください。"
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": False,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": True,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": False,
    "application/vnd.ms-excel.template.macroEnabled.main+xml": True,
}


@dataclass(frozen=True)
class SheetExtent:
    """The used range of one sheet as calamine will allocate it: from A1 to (rows, cols)."""

    rows: int = 0
    cols: int = 0
    last_row_cell: str = ""  # a cell in the last used row
    last_col_cell: str = ""  # a cell in the last used column

    @property
    def cells(self) -> int:
        return self.rows * self.cols


@dataclass(frozen=True)
class Preflight:
    """What the checks learned: readers may warn about macros; nothing in a macro is ever run."""

    path: Path
    macro_enabled: bool = False
    sheets: Mapping[str, SheetExtent] = field(default_factory=dict)  # every sheet (see SheetExtents)
    defined_names: dict[str, str] = field(default_factory=dict)  # global names: KX_FTE → '月別職員数'!$C$6:$C$17


class _Refused(Exception):
    """Internal: a reason to refuse, turned into InputUnreadable with the file name."""


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
            with _refusals(self._path), open(self._path, "rb") as fh:
                for info in parts:
                    scanner = _ExtentScanner()
                    for chunk in _inflate(fh, info):
                        scanner.feed(chunk)
                    found.append(scanner.close())
            self._scanned[sheet] = max(found, key=lambda ext: ext.cells)  # two parts named alike: the wider
        return self._scanned[sheet]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:  # without scanning anything
        return f"SheetExtents({self._scanned!r}, not yet scanned: {[s for s in self._order if s not in self._scanned]})"


def preflight(path: Path, sheets: Iterable[str] | None = None, *, deep: bool = True) -> Preflight:
    """Raise InputUnreadable when `path` is not a readable, sane .xlsx/.xlsm workbook.

    `sheets` limits the used-range check to the sheets a reader will open (default: every sheet).
    `deep=False` (for readers that only ever open `sheets`, such as `kaigo-xl collect`) also leaves the other sheets'
    parts uninflated: no parser will touch them, and their declared sizes were still checked in the zip directory.
    Anything that later loads the whole book (openpyxl in `kaigo-xl forms`) must use the default.
    Reads the file once (a bounded piece at a time); never builds a parser's tree of a sheet. The result carries
    the book's global defined names, so a reader need not open the zip again for them.
    """
    path = Path(path)
    with _refusals(path):
        return _preflight(path, None if sheets is None else set(sheets), deep)


@contextlib.contextmanager
def _refusals(path: Path) -> Iterator[None]:
    try:
        yield
    except _Refused as exc:
        raise InputUnreadable(f"{path}: {exc}") from None
    except PermissionError:
        raise InputUnreadable(f"{path}: 読み取りの権限がありません。ファイルを閉じるか、権限を確かめてください。") from None
    except OSError as exc:
        raise InputUnreadable(f"{path}: 読み込めません（{exc.strerror or exc}）。") from None


def _preflight(path: Path, wanted: set[str] | None, deep: bool = True) -> Preflight:
    if path.is_dir():
        raise _Refused("フォルダーです。ファイルを指定してください。")
    if not path.exists():
        raise _Refused("ファイルが見つかりません。名前と場所を確かめてください。")
    size = path.stat().st_size
    if size == 0:
        raise _Refused("空のファイルです（0 バイト）。保存や送信が途中で失敗した可能性があります。" + _RESEND)
    if size > MAX_FILE_BYTES:
        raise _Refused(f"ファイルが大きすぎます（{size / 1024 / 1024:.0f}MB。{MAX_FILE_BYTES // 1024 // 1024}MB まで）。"
                       "入力用のブックがこれほど大きくなることはありません。画像や不要なシートを削除してください。")
    with open(path, "rb") as fh:
        head = fh.read(4096)
        if head.startswith(OLE2_SIGNATURE):
            raise _Refused(_ole_reason(fh))
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            raise _Refused(_not_a_zip_reason(head))
        if _declared_entries(fh, size) > MAX_PARTS:  # before zipfile builds one object per entry
            raise _Refused(f"ZIP の中のファイルが多すぎます（{MAX_PARTS:,}個まで）。Excel ブックとして不自然です。")
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error):
            raise _Refused("ファイルが途中で切れているか壊れています（ZIP の目次が読めません）。" + _RESEND) from None
        with archive:
            infos = _check_directory(archive.infolist())
        package = _Package(fh, {i.filename: i for i in infos})
        macro = _check_package(package)
        sheet_parts, book_names = _sheet_parts(package)
        extents, later = _scan_parts(package, infos, sheet_parts, wanted, deep)
    for name, ext in extents.items():
        if ext.cells > MAX_SHEET_CELLS:
            raise _Refused(_too_wide(name, ext))
    order = list(dict.fromkeys(sheet_parts[i.filename] for i in infos if i.filename in sheet_parts))
    return Preflight(path, macro, SheetExtents(path, extents, later, order), book_names)


# ---- what a non-zip file is ----

def _not_a_zip_reason(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "PDF ファイルです。Excel ブック（.xlsx）を指定してください。"
    if b"\x00" not in head[:1024] and _looks_like_text(head):
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if stripped.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
            return ("Web ページ（HTML）または XML のファイルで、拡張子だけが .xlsx になっています。" + _RESAVE)
        return ("CSV などのテキストファイルで、拡張子だけが .xlsx になっています（Excel ブックではありません）。"
                + _RESAVE)
    return "Excel ブック（.xlsx）ではありません。ファイルが壊れているか、別の形式です。" + _RESEND


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

def _ole_reason(fh) -> str:
    try:
        names = set(ole_stream_names(fh))
    except ValueError:
        names = set()
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        return ("パスワードで保護（暗号化）されたブックです。読み込むことはできません。"
                "Excel で開き、「ファイル」→「情報」→「ブックの保護」→「パスワードを使用して暗号化」で"
                "パスワードを消してから保存し、もう一度指定してください。")
    if {"WordDocument"} & names:
        return "Word 文書です。Excel ブック（.xlsx）を指定してください。"
    if not names or {"Workbook", "Book"} & names:
        return "Excel 97-2003 形式（.xls）です。Excel で .xlsx 形式で保存し直してください。"
    return "Office の古い形式のファイルで、Excel ブックではありません。Excel ブック（.xlsx）を指定してください。"


def ole_stream_names(fh, max_entries: int = 4096) -> list[str]:
    """The names in an OLE2 compound file's directory (MS-CFB), following at most a bounded sector chain."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512 or not header.startswith(OLE2_SIGNATURE):
        raise ValueError("not a compound file")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    sector = 1 << shift
    first_dir = struct.unpack_from("<I", header, 0x30)[0]
    difat = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]
    per_fat = sector // 4

    def read_sector(n: int) -> bytes:
        fh.seek((n + 1) * sector)
        data = fh.read(sector)
        if len(data) < sector:
            raise ValueError("truncated")
        return data

    def next_sector(n: int) -> int:
        fat_index = n // per_fat
        if fat_index >= len(difat):
            raise ValueError("FAT out of range")
        return struct.unpack_from("<I", read_sector(difat[fat_index]), (n % per_fat) * 4)[0]

    names: list[str] = []
    seen: set[int] = set()
    current = first_dir
    while current < 0xFFFFFFFA and len(names) < max_entries:
        if current in seen:
            raise ValueError("loop in the directory chain")
        seen.add(current)
        data = read_sector(current)
        for off in range(0, sector, 128):
            length = struct.unpack_from("<H", data, off + 0x40)[0]
            kind = data[off + 0x42]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.append(data[off:off + length - 2].decode("utf-16-le", "replace"))
        current = next_sector(current)
    return names


# ---- the zip container ----

def _declared_entries(fh, size: int) -> int:
    """The entry count in the end-of-central-directory record (zip64 too); 0 when there is none."""
    fh.seek(max(0, size - 65_557))
    tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return 0
    count = struct.unpack_from("<H", tail, at + 10)[0]
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        if offset < size:
            fh.seek(offset)
            record = fh.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                count = struct.unpack_from("<Q", record, 32)[0]
    return count


def _check_directory(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """Declared sizes, counts and methods, from the central directory alone (nothing inflated yet)."""
    if len(infos) > MAX_PARTS:
        raise _Refused(f"ZIP の中のファイルが多すぎます（{len(infos):,}個）。Excel ブックとして不自然です。")
    seen: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in seen:
            raise _Refused(f"ZIP の中に同じ名前の部品（{info.filename}）が二つあります。壊れているか、改変されたファイルです。")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise _Refused("ZIP の部品が暗号化されています。Excel ブックとして読めません。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(f"Excel が使わない圧縮方式の部品（{info.filename}）があります。" + _RESAVE)
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Refused(_bomb(f"部品 {info.filename} が {info.compress_size:,} バイトから "
                                 f"{info.file_size:,} バイトに展開されます"))
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _Refused(_bomb(f"展開すると合計 {total / 1024 / 1024:,.0f}MB になります"))
    return infos


def _bomb(what: str) -> str:
    return (f"展開すると異常に大きくなるファイル（ZIP 爆弾の疑い）のため読み込みません（{what}。"
            f"上限 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024}MB）。送り主に確かめてください。")


class _Package:
    """The zip's parts by name; the few small XML parts parsed before the scan are inflated once, through the same
    checks as every other part, and counted in the scan's total."""

    def __init__(self, fh, infos: dict[str, zipfile.ZipInfo]) -> None:
        self.fh, self.infos = fh, infos
        self.inflated: dict[str, int] = {}  # part name → bytes, for parts already inflated and checked

    def read(self, name: str) -> bytes:
        data = b"".join(_inflate(self.fh, self.infos[name]))
        self.inflated[name] = len(data)
        return data


def _check_package(package: _Package) -> bool:
    """An Excel workbook has [Content_Types].xml and xl/workbook.xml; say what else it is. Returns 'has macros'."""
    names = package.infos
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise _Refused("Word 文書（.docx）です。Excel ブック（.xlsx）を指定してください。")
        if any(n.startswith("ppt/") for n in names):
            raise _Refused("PowerPoint ファイルです。Excel ブック（.xlsx）を指定してください。")
        if "content.xml" in names and "mimetype" in names:
            raise _Refused("OpenDocument 形式（.ods など）です。" + _RESAVE)
        if "xl/workbook.bin" in names:
            raise _Refused("Excel バイナリ ブック（.xlsb）です。" + _RESAVE)
        raise _Refused("ZIP ファイルですが Excel ブックではありません（[Content_Types].xml または "
                       "xl/workbook.xml がありません）。" + _RESEND)
    types = _small_xml(package, "[Content_Types].xml")
    macro = "xl/vbaProject.bin" in names
    for el in types.iter():
        if _local(el.tag) == "Override" and el.get("PartName", "").lstrip("/") == "xl/workbook.xml":
            macro = macro or _MAIN_TYPES.get(el.get("ContentType", ""), False)
    return bool(macro)


def _small_xml(package: _Package, name: str) -> ET.Element:
    """Parse a small package part (content types, workbook, relationships) after refusing a DOCTYPE."""
    info = package.infos[name]
    if info.file_size > 10 * 1024 * 1024:
        raise _Refused(f"部品 {name} が大きすぎます。壊れているか、改変されたファイルです。")
    data = package.read(name)
    _check_prolog(data[:MAX_PROLOG_BYTES], name, complete=len(data) <= MAX_PROLOG_BYTES)
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        raise _Refused(f"部品 {name} の XML が壊れています。" + _RESEND) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(package: _Package) -> tuple[dict[str, str], dict[str, str]]:
    """Zip part name → sheet name, from xl/workbook.xml and its relationships; and the book's global defined
    names (those without localSheetId), so that a reader need not open the zip again for them."""
    book = _small_xml(package, "xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in package.infos:
        for rel in _small_xml(package, rels_name).iter():
            if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
                target = rel.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                targets[rel.get("Id", "")] = _normalise(part)
    parts: dict[str, str] = {}
    defined: dict[str, str] = {}
    for el in book.iter():
        tag = _local(el.tag)
        if tag == "definedName" and el.get("name") and el.get("localSheetId") is None:
            defined[el.get("name", "")] = el.text or ""
        if tag != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        if rid in targets:
            parts[targets[rid]] = el.get("name", "")
    return parts, defined


def _normalise(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


# ---- inflating every part as a stream ----

def _scan_parts(package: _Package, infos: list[zipfile.ZipInfo], sheet_parts: dict[str, str],
                wanted: set[str] | None, deep: bool = True,
                ) -> tuple[dict[str, SheetExtent], dict[str, list[zipfile.ZipInfo]]]:
    """Inflate and check every part (sizes, CRC, XML prolog); scan the used range of the wanted sheets. Returns
    those extents, and the parts of the other sheets, to be scanned only if someone asks (SheetExtents)."""
    extents: dict[str, SheetExtent] = {}
    later: dict[str, list[zipfile.ZipInfo]] = {}
    total = sum(package.inflated.values())
    for info in infos:
        if info.filename in package.inflated and info.filename not in sheet_parts:
            continue  # inflated, checked and counted already
        sheet = sheet_parts.get(info.filename)
        if sheet is not None and wanted is not None and sheet not in wanted:
            later.setdefault(sheet, []).append(info)
            if not deep:
                continue  # never parsed by this reader: inflated only if someone asks for its extent
        scanner = _ExtentScanner() if sheet is not None and sheet not in later else None
        prolog = _PrologCheck(f"{info.filename}（シート「{sheet}」）" if sheet is not None else info.filename)
        for chunk in _inflate(package.fh, info):
            total += len(chunk)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise _Refused(_bomb("展開した量が上限を超えました"))
            prolog.feed(chunk)
            if scanner is not None:
                scanner.feed(chunk)
        prolog.close()
        if scanner is not None:
            ext = scanner.close()
            if sheet not in extents or ext.cells > extents[sheet].cells:  # two parts named alike: the wider
                extents[sheet] = ext
    return extents, later


def _inflate(fh, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, chunk by chunk; refuses a part that inflates beyond its declared size or is cut short.
    A small part (as almost every part of a workbook is) comes in one piece, inflated by one zlib call."""
    damaged = f"部品 {info.filename} が壊れているか、途中で切れています。" + _RESEND
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise _Refused(damaged)
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_size <= _SMALL_PART and info.file_size <= _SMALL_PART:
        yield from _inflate_whole(fh, info, damaged)
        return
    left = info.compress_size
    out_total = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            raw = inflater.unconsumed_tail
        else:
            raw = fh.read(min(_CHUNK, left))
            if not raw:
                raise _Refused(damaged)
            left -= len(raw)
        try:
            out = inflater.decompress(raw, _CHUNK) if inflater is not None else raw
        except zlib.error:
            raise _Refused(damaged) from None
        out_total += len(out)
        if out_total > info.file_size + _OVERRUN:  # a lying header: much more than declared
            raise _Refused(_bomb(f"部品 {info.filename} が宣言された大きさ {info.file_size:,} バイトを超えて展開されます"))
        if out_total > info.file_size:
            continue  # more than declared: damaged or lying; counting (not keeping) tells which
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise _Refused(damaged)
    if out_total != info.file_size or crc != info.CRC:
        raise _Refused(damaged)


def _inflate_whole(fh, info: zipfile.ZipInfo, damaged: str) -> Iterator[bytes]:
    """The same checks as the stream in `_inflate`, for a part read in one piece: at most the declared size plus
    _OVERRUN is ever inflated (zlib's max_length), so a lying header costs no more memory than the stream."""
    raw = fh.read(info.compress_size)
    if len(raw) < info.compress_size:
        raise _Refused(damaged)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(raw, info.file_size + _OVERRUN + 1)
        except zlib.error:
            raise _Refused(damaged) from None
        complete = inflater.eof
    else:
        out, complete = raw, True
    if len(out) > info.file_size + _OVERRUN:
        raise _Refused(_bomb(f"部品 {info.filename} が宣言された大きさ {info.file_size:,} バイトを超えて展開されます"))
    if not complete or len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        raise _Refused(damaged)
    if out:
        yield out


class _PrologCheck:
    """Refuses a DOCTYPE or ENTITY before the root element of an XML part (entity expansion attacks)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.buf = b""
        self.done = False

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        self.buf += chunk[: MAX_PROLOG_BYTES + 16 - len(self.buf)]
        self._check(final=False)

    def close(self) -> None:
        if not self.done:
            self._check(final=True)

    def _check(self, final: bool) -> None:
        state = _check_prolog(self.buf, self.name, complete=final)
        if state != "more":
            self.done = True


def _check_prolog(data: bytes, name: str, complete: bool) -> str:
    """'root' when the root element starts cleanly, 'other' for a non-XML part, 'more' when more bytes are needed.
    The first kilobyte decides for almost every part; only a longer prolog is decoded in full."""
    if len(data) > _PROLOG_FIRST:
        state = _check_prolog_in(data[:_PROLOG_FIRST], name, complete=False)
        if state != "more":
            return state
    return _check_prolog_in(data, name, complete)


def _check_prolog_in(data: bytes, name: str, complete: bool) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "ignore")
    else:
        text = data.decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("<") and (text or complete):
        return "other"
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        rest = text[pos:]
        if not rest:
            break
        if rest.startswith("<?"):
            end = rest.find("?>")
            if end < 0:
                break
            pos += end + 2
        elif rest.startswith("<!--"):
            end = rest.find("-->")
            if end < 0:
                break
            pos += end + 3
        elif len(rest) < 4 and "<!--".startswith(rest):
            break  # cut inside "<!--": wait for more bytes
        elif rest.startswith("<!"):
            raise _Refused(f"部品 {name} に DOCTYPE/ENTITY 宣言があります。Excel が作るブックには無いもので、"
                           "展開すると膨大な量になる攻撃（エンティティ展開）の疑いがあるため読み込みません。"
                           "送り主に確かめてください。")
        else:
            return "root"
    if len(data) >= MAX_PROLOG_BYTES or complete:
        if len(data) >= MAX_PROLOG_BYTES:
            raise _Refused(f"部品 {name} の XML の先頭部分が異常に長いため読み込みません。" + _RESEND)
        return "other"
    return "more"


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_FAST_PREFIXED = re.compile(rb":c[\s/>]")  # <x:c …>
# every <c> tag: (letters, digits, "/" when empty), or ("", "", "") when it is not written plainly
_FAST_CELL = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]{1,3})([0-9]{1,7})"(?: [\w:.-]++="[^"<]*+")*+ ?(/?)>|)')
_ODD_CELL = (b"", b"", b"")
_ROW_R = re.compile(rb'<row r="(\d{1,7})"')


def column_letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


class _ExtentScanner:
    """Follows <row>/<c> positions as a reader does (r attributes, or the next row/column when absent)."""

    def __init__(self) -> None:
        self.tail = b""
        self.utf16: codecs.IncrementalDecoder | None = None
        self.first = True
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.row_cell = ""
        self.col_cell = ""
        self.slow = False

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                self.utf16 = codecs.getincrementaldecoder("utf-16")()
        if self.utf16 is not None:
            chunk = self.utf16.decode(chunk).encode("utf-8")
        buf = self.tail + chunk
        last_lt = buf.rfind(b"<")
        if last_lt >= 0 and buf.find(b">", last_lt) < 0:
            body, self.tail = buf[:last_lt], buf[last_lt:]
            if len(self.tail) > 1024 * 1024:
                raise _Refused("シートの XML に異常に長いタグがあります。壊れているか、改変されたファイルです。")
        else:
            body, self.tail = buf, b""
        if not self.slow and not self._fast(body):
            self.slow = True  # some cell has no `r`: follow positions tag by tag from here on
            self.col = self.max_col  # an upper bound for the row we are in
        if self.slow:
            for m in _TAG.finditer(body):
                self._tag(m.group(1), m.group(2))

    def _fast(self, body: bytes) -> bool:
        """Every cell is written `<c r="A1" …>` (as Excel and openpyxl do): the extent is the largest row and
        column among cells with a value, found by C-speed searches instead of one Python step per cell.

        Every `<c` tag must be a plain tag of _FAST_CELL (`r` first, simple attributes whose values hold no `<`, so a
        `>` inside a value is read as the parser reads it), which also tells a cell with a value from an empty
        `<c …/>`. Anything else — another prefix, whitespace other than one space, an odd `r` — goes to the
        careful path."""
        if _FAST_PREFIXED.search(body):
            return False  # prefixed cells: the careful path
        cells = _FAST_CELL.findall(body)
        if _ODD_CELL in cells:
            return False  # <c>, <c/>, a line break before `r`, an odd `r` …: the careful path
        valued = [cell for cell in cells if not cell[2]]
        last_row = body.rfind(b'<row r="')
        if last_row >= 0 and (m := _ROW_R.match(body, last_row)):
            self.row = int(m.group(1))
        if not valued:
            return True
        letters, digits, _ = zip(*valued)
        top_digits = max(set(digits), key=int)
        top_letters = max(set(letters), key=lambda c: (len(c), c))
        top_row, top_col = int(top_digits), _column_number(top_letters)
        if top_row > MAX_ROW or top_col > MAX_COL:
            raise _Refused(f"シートのセル位置（{column_letters(min(top_col, 99999))}{top_row}）が Excel の範囲を"
                           "超えています。壊れているか、改変されたファイルです。")
        if top_row > self.max_row:
            at = digits.index(top_digits)
            self.max_row, self.row_cell = top_row, (letters[at] + digits[at]).decode()
        if top_col > self.max_col:
            at = letters.index(top_letters)
            self.max_col, self.col_cell = top_col, (letters[at] + digits[at]).decode()
        return True

    def _tag(self, kind: bytes, attrs: bytes) -> None:
        r = _R_ATTR.search(attrs)
        if kind == b"row":
            self.row = int(r.group(1)) if r and r.group(1).isdigit() else self.row + 1
            self.col = 0
            return
        row = self.row  # a cell without `r` sits in its <row>, one column right of the previous cell
        if r and (ref := _CELL_REF.fullmatch(r.group(1))):
            self.col, row = _column_number(ref.group(1)), int(ref.group(2))
        else:
            self.col += 1
        if attrs.rstrip().endswith(b"/"):
            return  # an empty (formatted only) cell: readers skip it
        if row > MAX_ROW or self.col > MAX_COL:
            raise _Refused(f"シートのセル位置（{column_letters(min(self.col, 99999))}{row}）が Excel の範囲を"
                           "超えています。壊れているか、改変されたファイルです。")
        name = f"{column_letters(self.col)}{row}"
        if row > self.max_row:
            self.max_row, self.row_cell = row, name
        if self.col > self.max_col:
            self.max_col, self.col_cell = self.col, name

    def close(self) -> SheetExtent:
        for m in _TAG.finditer(self.tail):
            self._tag(m.group(1), m.group(2))
        return SheetExtent(self.max_row, self.max_col, self.row_cell, self.col_cell)


def _too_wide(sheet: str, ext: SheetExtent) -> str:
    corner = f"A1:{column_letters(ext.cols)}{ext.rows}"
    cells = sorted({ext.last_row_cell, ext.last_col_cell})
    where = "、".join(f"{sheet}!{c}" for c in cells)
    return (f"シート「{sheet}」の使われている範囲が {corner}（{ext.rows:,}行×{ext.cols:,}列）と大きすぎるため読み込みません"
            f"（{MAX_SHEET_CELLS:,}セルまで）。{where} など、離れた場所の不要な値を削除して保存し直してください。")


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
    except Exception as exc:  # noqa: BLE001 - the parser's view of a damaged file
        raise InputUnreadable(f"{path}: {what}として読めません。ファイルが壊れている可能性があります"
                              f"（{type(exc).__name__}）。" + _RESEND) from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise InputUnreadable(f"{path}: {what}として読めません。ファイルが壊れている可能性があります。"
                              + _RESEND) from None
