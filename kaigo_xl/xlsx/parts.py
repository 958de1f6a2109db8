"""The parts of an .xlsx zip, read safely: the central directory checked before anything is inflated, every part
inflated once as a bounded stream with its size and CRC checked, and every XML prolog checked for DOCTYPE/ENTITY.

Why: zip bombs (a part declaring a small size that inflates without end) and entity expansion ("billion laughs")
must be refused before any parser sees the bytes. See kaigo_xl.xlsx.preflight for the whole check.
"""

from __future__ import annotations

import functools
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts together, as declared and as actually inflated
MAX_PARTS = 10_000
MAX_RATIO = 100  # a part this compressible …
RATIO_MIN_BYTES = 5 * 1024 * 1024  # … and at least this large is a zip bomb
MAX_PROLOG_BYTES = 64 * 1024  # XML before the root element
PROLOG_FIRST = 1024  # tried before the whole prolog window
MAX_ROW, MAX_COL = 1_048_576, 16_384
CHUNK = 64 * 1024
OVERRUN = 1024 * 1024  # inflating this far beyond a part's declared size is a zip bomb, not mere damage
SMALL_PART = 4 * 1024 * 1024  # a part up to this size (packed and declared) is read and inflated in one piece

RESAVE = "Excel で開き、「ファイル」→「名前を付けて保存」で「Excel ブック (*.xlsx)」形式で保存し直してください。"
RESEND = "元のファイルをもう一度送ってもらうか、Excel で開けるか確かめてください。"


class Refused(Exception):
    """Internal: a reason to refuse, turned into InputUnreadable with the file name."""


def declared_entries(fh, size: int) -> int:
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


def check_directory(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """Declared sizes, counts and methods, from the central directory alone (nothing inflated yet)."""
    if len(infos) > MAX_PARTS:
        raise Refused(f"ZIP の中のファイルが多すぎます（{len(infos):,}個）。Excel ブックとして不自然です。")
    seen: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in seen:
            raise Refused(f"ZIP の中に同じ名前の部品（{info.filename}）が二つあります。壊れているか、改変されたファイルです。")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise Refused("ZIP の部品が暗号化されています。Excel ブックとして読めません。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(f"Excel が使わない圧縮方式の部品（{info.filename}）があります。" + RESAVE)
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(bomb(f"部品 {info.filename} が {info.compress_size:,} バイトから "
                                 f"{info.file_size:,} バイトに展開されます"))
    if total > MAX_UNCOMPRESSED_BYTES:
        raise Refused(bomb(f"展開すると合計 {total / 1024 / 1024:,.0f}MB になります"))
    return infos


def bomb(what: str) -> str:
    return (f"展開すると異常に大きくなるファイル（ZIP 爆弾の疑い）のため読み込みません（{what}。"
            f"上限 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024}MB）。送り主に確かめてください。")


class Package:
    """The zip's parts by name; the few small XML parts parsed before the scan are inflated once, through the same
    checks as every other part, and counted in the scan's total."""

    def __init__(self, fh, infos: dict[str, zipfile.ZipInfo]) -> None:
        self.fh, self.infos = fh, infos
        self.inflated: dict[str, int] = {}  # part name → bytes, for parts already inflated and checked
        self.data: dict[str, bytes] = {}  # the bytes of those parts (small XML: content types, workbook, rels)

    def read(self, name: str) -> bytes:
        data = b"".join(inflate(self.fh, self.infos[name]))
        self.inflated[name] = len(data)
        self.data[name] = data
        return data


def small_xml(package: Package, name: str) -> ET.Element:
    """Parse a small package part (content types, workbook, relationships) after refusing a DOCTYPE."""
    info = package.infos[name]
    if info.file_size > 10 * 1024 * 1024:
        raise Refused(f"部品 {name} が大きすぎます。壊れているか、改変されたファイルです。")
    data = package.read(name)
    check_prolog(data[:MAX_PROLOG_BYTES], name, complete=len(data) <= MAX_PROLOG_BYTES)
    root = _parsed(data)
    if root is None:
        raise Refused(f"部品 {name} の XML が壊れています。" + RESEND)
    return root


@functools.lru_cache(maxsize=64)
def _parsed(data: bytes) -> ET.Element | None:
    """The parsed tree of these bytes (None: not well-formed), shared by every book with the same bytes — the books
    of one template have the same content types, workbook and relationships. Callers only read the tree."""
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        return None


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inflate(fh: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, chunk by chunk; refuses a part that inflates beyond its declared size or is cut short.
    A small part (as almost every part of a workbook is) comes in one piece, inflated by one zlib call."""
    damaged = f"部品 {info.filename} が壊れているか、途中で切れています。" + RESEND
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise Refused(damaged)
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_size <= SMALL_PART and info.file_size <= SMALL_PART:
        yield from inflate_whole(fh, info, damaged)
    else:
        yield from _inflate_stream(fh, info, damaged)


def _inflate_stream(fh: BinaryIO, info: zipfile.ZipInfo, damaged: str) -> Iterator[bytes]:
    """A large part, 64 KB at a time: never more than the declared size + OVERRUN is inflated."""
    left = info.compress_size
    out_total = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            raw = inflater.unconsumed_tail
        else:
            raw = fh.read(min(CHUNK, left))
            if not raw:
                raise Refused(damaged)
            left -= len(raw)
        try:
            out = inflater.decompress(raw, CHUNK) if inflater is not None else raw
        except zlib.error:
            raise Refused(damaged) from None
        out_total += len(out)
        if out_total > info.file_size + OVERRUN:  # a lying header: much more than declared
            raise Refused(bomb(f"部品 {info.filename} が宣言された大きさ {info.file_size:,} バイトを超えて展開されます"))
        if out_total > info.file_size:
            continue  # more than declared: damaged or lying; counting (not keeping) tells which
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
    if (inflater is not None and not inflater.eof) or out_total != info.file_size or crc != info.CRC:
        raise Refused(damaged)


REMEMBERED_PART = 64 * 1024  # a part up to this size is inflated once for every book holding the same bytes


def inflate_whole(fh: BinaryIO, info: zipfile.ZipInfo, damaged: str) -> Iterator[bytes]:
    """The same checks as the stream in `inflate`, for a part read in one piece: at most the declared size plus
    OVERRUN is ever inflated (zlib's max_length), so a lying header costs no more memory than the stream."""
    raw = fh.read(info.compress_size)
    if len(raw) < info.compress_size:
        raise Refused(damaged)
    key = (raw, info.compress_type, info.file_size, info.CRC)
    small = info.file_size <= REMEMBERED_PART and info.compress_size <= REMEMBERED_PART
    out = _inflate_remembered(*key) if small else _inflate_raw(*key)
    if isinstance(out, int):
        if out > info.file_size + OVERRUN:
            raise Refused(bomb(f"部品 {info.filename} が宣言された大きさ {info.file_size:,} バイトを超えて展開されます"))
        raise Refused(damaged)
    if out:
        yield out


def _inflate_raw(raw: bytes, method: int, size: int, crc: int) -> bytes | int:
    """The part's bytes, or (when they are not what the directory declares) how many bytes it inflated to: -1 when
    zlib fails or the stream is cut short."""
    if method == zipfile.ZIP_DEFLATED:
        try:
            inflater = zlib.decompressobj(-15)
            out = inflater.decompress(raw, size + 1)  # a buffer of the declared size: the usual case
            if not inflater.eof and len(out) > size:  # more than declared: how much more, as the stream
                inflater = zlib.decompressobj(-15)
                out = inflater.decompress(raw, size + OVERRUN + 1)
        except zlib.error:
            return -1
        if not inflater.eof:
            return len(out) if len(out) > size + OVERRUN else -1
    else:
        out = raw
    if len(out) != size or zlib.crc32(out) != crc:
        return len(out)
    return out


# The package parts (styles, workbook, relationships …) are the same bytes in every book of one template: the same
# compressed bytes with the same declared size and CRC always inflate to the same checked bytes.
_inflate_remembered = functools.lru_cache(maxsize=32)(_inflate_raw)


class PrologCheck:
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
        state = check_prolog(self.buf, self.name, complete=final)
        if state != "more":
            self.done = True


def check_prolog(data: bytes, name: str, complete: bool) -> str:
    """'root' when the root element starts cleanly, 'other' for a non-XML part, 'more' when more bytes are needed.
    The first kilobyte decides for almost every part; only a longer prolog is decoded in full."""
    if len(data) > PROLOG_FIRST:
        state = check_prolog_in(data[:PROLOG_FIRST], name, complete=False)
        if state != "more":
            return state
    return check_prolog_in(data, name, complete)


def check_prolog_in(data: bytes, name: str, complete: bool) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "ignore")
    else:
        text = data.decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("<") and (text or complete):
        return "other"
    state = _prolog_items(text, name)
    if state is not None:
        return state
    if len(data) >= MAX_PROLOG_BYTES or complete:
        if len(data) >= MAX_PROLOG_BYTES:
            raise Refused(f"部品 {name} の XML の先頭部分が異常に長いため読み込みません。" + RESEND)
        return "other"
    return "more"


def _prolog_items(text: str, name: str) -> str | None:
    """Skip the XML declaration, processing instructions and comments before the root: 'root' when it starts,
    None when the text ends first (more bytes may be needed); a DOCTYPE or ENTITY is refused."""
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        rest = text[pos:]
        if not rest or (len(rest) < 4 and "<!--".startswith(rest)):
            return None  # the end, or cut inside "<!--": wait for more bytes
        if rest.startswith(("<?", "<!--")):
            close = "?>" if rest.startswith("<?") else "-->"
            end = rest.find(close)
            if end < 0:
                return None
            pos += end + len(close)
        elif rest.startswith("<!"):
            raise Refused(f"部品 {name} に DOCTYPE/ENTITY 宣言があります。Excel が作るブックには無いもので、"
                          "展開すると膨大な量になる攻撃（エンティティ展開）の疑いがあるため読み込みません。"
                          "送り主に確かめてください。")
        else:
            return "root"
