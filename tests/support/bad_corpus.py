"""Builds the corpus of bad, damaged and hostile workbooks (issue 6) into a folder: no opaque binaries are committed.

Every file is made here from code — openpyxl edits of the real template, hand-written zips, a hand-written OLE2
compound file — so the bytes are deterministic and anyone can read how a case is made. `CASES` says, for each
file, which exit codes `kaigo-xl check` may give and which words its message must contain.

    .venv/bin/python tests/bad_corpus.py OUT_DIR     # build every case and list them
"""

from __future__ import annotations

import functools
import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

from kaigo_xl.workbook import layout as L
from kaigo_xl.xlsx.save import FIXED_TIME, workbook_bytes

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "kaigo_xl" / "data" / "sample_facility.json"
_ZIP_TIME = (2025, 4, 1, 0, 0, 0)
EVIL_FORMULA = '=HYPERLINK("http://evil.example/steal","x")'


# ---------------------------------------------------------------------------------------------------------------
# bases: the real template filled with the sample facility, and a small stand-in with the same sheet names
# ---------------------------------------------------------------------------------------------------------------

_template_cache: dict[str, bytes | None] = {}


def template_bytes() -> bytes | None:
    """The distributable workbook filled with the sample facility (`kaigo-xl template --data`), or None when the
    template builder cannot run (the cases that need it are then skipped, saying why)."""
    if "t" not in _template_cache:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "sample.xlsx"
            proc = subprocess.run([sys.executable, "-m", "kaigo_xl", "template", str(out), "--data", str(SAMPLE)],
                                  capture_output=True, text=True, timeout=120, cwd=ROOT)
            _template_cache["t"] = out.read_bytes() if proc.returncode == 0 and out.exists() else None
    return _template_cache["t"]


def minimal_bytes() -> bytes:
    """A small, valid workbook with the template's sheet names: a base for the container cases."""
    wb = openpyxl.Workbook()
    wb.active.title = L.S_GUIDE
    for name in L.SHEET_ORDER[1:]:
        wb.create_sheet(name)
    wb[L.S_FACILITY]["C4"] = "養護老人ホーム さくら苑"
    wb[L.S_MONTHLY]["C6"] = 10.5
    wb[L.S_SETTINGS]["C8"] = L.TEMPLATE_VERSION
    return workbook_bytes(wb, fixed_time=FIXED_TIME)


def base_bytes() -> bytes:
    return template_bytes() or minimal_bytes()


def edit(data: bytes, change: Callable[[openpyxl.Workbook], None]) -> bytes:
    """`data` loaded by openpyxl, changed, and saved with fixed timestamps."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    return workbook_bytes(wb, fixed_time=FIXED_TIME)


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The zip `data` with parts replaced (None removes a part) or added; deterministic."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = replace.get(info.filename, src.read(info.filename))
            if body is not None:
                dst.writestr(zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME), body, zipfile.ZIP_DEFLATED)
        for name, body in add.items():
            dst.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def part_of_sheet(data: bytes, sheet: str) -> str:
    """The zip part that holds `sheet` (via workbook.xml and its relationships)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    index = wb.sheetnames.index(sheet)
    wb.close()
    import re

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.findall(r'<sheet\b[^>]*\br:id="([^"]+)"', book)[index]
    target = re.search(rf'<Relationship\b[^>]*\bId="{rid}"[^>]*>', rels).group(0)
    path = re.search(r'Target="([^"]+)"', target).group(1)
    return path.lstrip("/") if path.startswith("/") else f"xl/{path}"


# ---------------------------------------------------------------------------------------------------------------
# hand-made containers: OLE2 compound files (.xls, encrypted books), zips with lying headers, zip bombs
# ---------------------------------------------------------------------------------------------------------------

def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (MS-CFB v3, 512-byte sectors) holding `streams`.

    Each stream is padded to at least 4096 bytes so it lives in ordinary sectors (no mini stream is needed).
    """
    sector = 512
    free, end, fat_mark = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    bodies = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names]
    bodies = [b + b"\0" * (-len(b) % sector) for b in bodies]
    dir_sectors = (len(names) + 1 + 3) // 4
    fat = [fat_mark] + [i + 2 if i + 1 < dir_sectors else end for i in range(dir_sectors)]
    starts = []
    for body in bodies:
        n = len(body) // sector
        start = len(fat)
        starts.append(start)
        fat += [start + i + 1 if i + 1 < n else end for i in range(n)]
    if len(fat) > sector // 4:
        raise ValueError("streams too large for a one-sector FAT")
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int = free, right: int = free, start: int = end, size: int = 0) -> bytes:
        raw = (name.encode("utf-16-le") + b"\0\0")
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, child=1 if names else free)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries.append(entry(name, 2, right=right, start=starts[i], size=len(streams[name])))
    directory = b"".join(entries).ljust(dir_sectors * sector, b"\0")
    # sector 0 is the FAT, then the directory; unused directory slots read as empty entries (type 0)
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE2 file with EncryptionInfo and EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b'</encryption>')
    package = struct.pack("<Q", 9000) + bytes((i * 37) % 256 for i in range(9000))  # stands in for ciphertext
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def legacy_xls() -> bytes:
    """An Excel 97-2003 book: an OLE2 file whose 'Workbook' stream starts with a BIFF8 BOF record."""
    bof = struct.pack("<HHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0)
    eof = struct.pack("<HH", 0x000A, 0)
    return compound_file({"Workbook": bof + eof})


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, deflated bytes, crc, declared uncompressed size): headers may lie."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, deflated, crc, declared in entries:
        offset = out.tell()
        raw = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), declared,
                              len(raw), 0) + raw + deflated)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(deflated),
                                  declared, len(raw), 0, 0, 0, 0, 0, offset) + raw)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), start, 0))
    return out.getvalue()


def _deflate(chunks) -> tuple[bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(comp.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    out.append(comp.flush())
    return b"".join(out), crc, size


@functools.lru_cache(maxsize=2)
def _bomb_sheet(megabytes: int) -> tuple[bytes, int, int]:
    """A worksheet part that inflates to `megabytes` MB (whitespace inside <sheetData>), deflated as a stream."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    blank = b" " * (1024 * 1024)
    return _deflate([head, *([blank] * megabytes), b"</sheetData></worksheet>"])


def zip_bomb(base: bytes, lying: bool) -> bytes:
    """`base` whose first worksheet inflates to 300 MB; with `lying`, the headers declare 2 KB instead."""
    target = part_of_sheet(base, L.S_FACILITY)
    entries = []
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        for info in z.infolist():
            if info.filename == target:
                deflated, crc, size = _bomb_sheet(300)
                entries.append((info.filename, deflated, crc, 2048 if lying else size))
            else:
                deflated, crc, size = _deflate([z.read(info.filename)])
                entries.append((info.filename, deflated, crc, size))
    return raw_zip(entries)


BILLION_LAUGHS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10)))


def billion_laughs(base: bytes, part: str) -> bytes:
    """`base` whose `part` declares the nine-level entity that expands to a billion 'lol's, and uses it."""
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        body = z.read(part) if part in z.namelist() else b""
    if part.endswith("sharedStrings.xml"):
        xml = (BILLION_LAUGHS + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               b'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
        return rezip(base, replace={part: xml}) if body else rezip(base, add={part: xml})
    root = body.index(b"<worksheet")
    xml = BILLION_LAUGHS + b"]>\n" + body[root:].replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', 1)
    return rezip(base, replace={part: xml})


def macro_workbook(base: bytes) -> bytes:
    """`base` as Excel saves an .xlsm: the macro-enabled content type and a VBA project part."""
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace(b"</Types>", b'<Default Extension="bin" '
                          b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    vba = compound_file({"PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nName="VBAProject"\r\n'})
    return rezip(base, replace={"[Content_Types].xml": types}, add={"xl/vbaProject.bin": vba})


def cached_formula(base: bytes, sheet: str, ref: str, formula: str, cached: str) -> bytes:
    """`base` with a real formula in sheet!ref whose cached value (as Excel would save it) is `cached`."""
    def put(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = formula

    data = edit(base, put)
    part = part_of_sheet(data, sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read(part).decode()
    import re

    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')
    m = pattern.search(xml)
    if not m:
        raise RuntimeError(f"formula cell {ref} not found in {part}")
    attrs = re.sub(r'\s*t="[^"]*"', "", m.group(1))
    xml = xml[:m.start()] + f'<c r="{ref}"{attrs} t="str"><f>{m.group(2)}</f><v>{cached}</v></c>' + xml[m.end():]
    return rezip(data, replace={part: xml.encode()})


# ---------------------------------------------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One bad input: how it is made and what `kaigo-xl check` must say about it."""

    name: str
    filename: str
    build: Callable[[Path], None]  # writes the case at the given path
    codes: frozenset[int]  # allowed exit codes of `kaigo-xl check`
    mentions: tuple[str, ...] = ()  # words the message must contain besides the file name; "A|B": either
    needs_template: bool = False
    about: str = ""


def _bytes(make: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(make())


def _cell(sheet: str, ref: str, value, text: bool = False) -> Callable[[], bytes]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value
        if text:
            wb[sheet][ref].data_type = "s"

    return lambda: edit(template_bytes(), change)


def _blanks(wb: openpyxl.Workbook) -> None:
    wb[L.S_FACILITY]["C4"] = None
    wb[L.S_MONTHLY]["C10"] = None


def _merged(wb: openpyxl.Workbook) -> None:
    wb[L.S_MONTHLY].merge_cells("C6:D6")


def _renamed(wb: openpyxl.Workbook) -> None:
    wb[L.S_MONTHLY].title = f"{L.S_MONTHLY} (2)"


def _deleted(wb: openpyxl.Workbook) -> None:
    del wb[L.S_EXPENSES]


def _moved_name(wb: openpyxl.Workbook) -> None:
    """Someone inserted a row above April in 月別職員数: the inputs and Excel's defined names move down one row."""
    ws = wb[L.S_MONTHLY]
    ws.insert_rows(L.MONTHLY_ROWS[0])
    for key in ("KX_FTE", "KX_TOKUTEI_FTE", "KX_TARGET_FTE"):
        col = {"KX_FTE": L.COL_FTE, "KX_TOKUTEI_FTE": L.COL_TOKUTEI, "KX_TARGET_FTE": L.COL_TARGET}[key]
        ref = f"'{L.S_MONTHLY}'!${col}${L.MONTHLY_ROWS[0] + 1}:${col}${L.MONTHLY_ROWS[-1] + 1}"
        if key in wb.defined_names:
            del wb.defined_names[key]
        wb.defined_names[key] = DefinedName(key, attr_text=ref)


def _far_cell(wb: openpyxl.Workbook) -> None:
    wb[L.S_EXPENSES]["XFD1048576"] = "メモ"


def _csv() -> bytes:
    return ("施設名,月,職員数\r\n養護老人ホーム さくら苑,4,10.5\r\n養護老人ホーム さくら苑,5,10.5\r\n").encode("cp932")


def _truncated() -> bytes:
    data = base_bytes()
    return data[: len(data) * 3 // 5]


def _not_excel_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("施設一覧.csv", date_time=_ZIP_TIME), _csv())
    return out.getvalue()


def _no_content_types() -> bytes:
    return rezip(base_bytes(), replace={"[Content_Types].xml": None})


def _make_folder(path: Path) -> None:
    path.mkdir()


def _nothing(path: Path) -> None:
    """The case is a path that does not exist."""


C = Case
CASES: tuple[Case, ...] = (
    # ---- files that cannot be read (exit code 2): refused by safety.preflight before any parser ----
    C("empty", "empty.xlsx", _bytes(lambda: b""), frozenset({2}), ("空のファイル",), about="0 バイトのファイル"),
    C("csv_renamed", "csv_renamed.xlsx", _bytes(_csv), frozenset({2}), ("CSV",), about="CSV の拡張子を .xlsx に変えたもの"),
    C("xls", "legacy.xls", _bytes(legacy_xls), frozenset({2}), ("97-2003", ".xlsx"), about="Excel 97-2003 形式"),
    C("xls_renamed", "legacy_renamed.xlsx", _bytes(legacy_xls), frozenset({2}), ("97-2003",),
      about=".xls の拡張子を .xlsx に変えたもの"),
    C("encrypted", "password.xlsx", _bytes(encrypted_workbook), frozenset({2}), ("パスワード",),
      about="パスワードで暗号化されたブック"),
    C("truncated", "truncated.xlsx", _bytes(_truncated), frozenset({2}), ("途中で切れて",), about="途中で切れた ZIP"),
    C("zip_bomb", "zip_bomb.xlsx", _bytes(lambda: zip_bomb(base_bytes(), lying=False)), frozenset({2}),
      ("ZIP 爆弾",), about="300MB に展開されるシート"),
    C("zip_bomb_lying", "zip_bomb_lying.xlsx", _bytes(lambda: zip_bomb(base_bytes(), lying=True)), frozenset({2}),
      ("ZIP 爆弾",), about="2KB と偽って 300MB に展開されるシート"),
    C("laughs_sheet", "billion_laughs_sheet.xlsx",
      _bytes(lambda: billion_laughs(base_bytes(), part_of_sheet(base_bytes(), L.S_FACILITY))), frozenset({2}),
      ("DOCTYPE",), about="シートの XML にエンティティ展開（billion laughs）"),
    C("laughs_sst", "billion_laughs_sst.xlsx",
      _bytes(lambda: billion_laughs(base_bytes(), "xl/sharedStrings.xml")), frozenset({2}), ("DOCTYPE",),
      about="共有文字列の XML にエンティティ展開（billion laughs）"),
    C("no_content_types", "no_content_types.xlsx", _bytes(_no_content_types), frozenset({2}),
      ("Excel ブックではありません",), about="[Content_Types].xml のない ZIP"),
    C("zip_not_excel", "zip_of_csv.xlsx", _bytes(_not_excel_zip), frozenset({2}), ("Excel ブックではありません",),
      about="CSV を入れただけの ZIP"),
    C("folder", "folder.xlsx", _make_folder, frozenset({2}), ("フォルダー",), about="フォルダー"),
    C("missing", "missing.xlsx", _nothing, frozenset({2}), ("見つかりません",), about="存在しないファイル"),
    C("far_cell", "far_cell.xlsx", _bytes(lambda: edit(base_bytes(), _far_cell)), frozenset({2}),
      (f"{L.S_EXPENSES}!XFD1048576",), about="シートの最後のセル XFD1048576 に値"),
    # ---- readable books with bad values (exit code 1, or 0 with a notice): the reader's findings ----
    C("text_in_number", "text_in_number.xlsx", _bytes(_cell(L.S_MONTHLY, "C6", "十人")), frozenset({1}),
      (f"{L.S_MONTHLY}!C6",), True, "数値のセルに文字"),
    C("negative", "negative.xlsx", _bytes(_cell(L.S_MONTHLY, "C7", -3)), frozenset({1}), (f"{L.S_MONTHLY}!C7",),
      True, "負の職員数"),
    C("absurd", "absurd.xlsx", _bytes(_cell(L.S_MONTHLY, "C8", 123456789)), frozenset({1}),
      (f"{L.S_MONTHLY}!C8",), True, "ありえない大きさの職員数"),
    C("negative_yen", "negative_yen.xlsx", _bytes(_cell(L.S_EXPENSES, "C6", -5000)), frozenset({1}),
      (f"{L.S_EXPENSES}!C6",), True, "負の金額"),
    C("absurd_yen", "absurd_yen.xlsx", _bytes(_cell(L.S_EXPENSES, "C6", 10 ** 20)), frozenset({0, 1}),
      (f"{L.S_EXPENSES}!C6",), True, "ありえない金額（10の20乗円）"),
    C("fullwidth", "fullwidth.xlsx", _bytes(_cell(L.S_MONTHLY, "C9", "１０．５")), frozenset({0, 1}),
      (f"{L.S_MONTHLY}!C9",), True, "全角数字"),
    C("blanks", "blanks.xlsx", _bytes(lambda: edit(template_bytes(), _blanks)), frozenset({1}),
      (f"{L.S_FACILITY}!C4",), True, "必須の欄が空"),
    C("merged", "merged.xlsx", _bytes(lambda: edit(template_bytes(), _merged)), frozenset({1, 2}),
      (f"{L.S_MONTHLY}!C6", "結合"), True, "入力欄を結合（Excel は D6 の値を消す）"),
    C("deleted_sheet", "deleted_sheet.xlsx", _bytes(lambda: edit(template_bytes(), _deleted)), frozenset({1, 2}),
      (L.S_EXPENSES,), True, "シートを削除"),
    C("renamed_sheet", "renamed_sheet.xlsx", _bytes(lambda: edit(template_bytes(), _renamed)), frozenset({1, 2}),
      (f"{L.S_MONTHLY} (2)",), True, "シート名を変更"),
    C("moved_name", "moved_name.xlsx", _bytes(lambda: edit(template_bytes(), _moved_name)), frozenset({1, 2}),
      ("KX_FTE|行が挿入",), True, "行を挿入して入力欄と名前（KX_FTE）がずれた"),
    C("old_version", "old_version.xlsx",
      _bytes(_cell(L.S_SETTINGS, L.SETTINGS_CELLS["template_version"], "2024.1")), frozenset({0, 1}),
      ("2024.1",), True, "古い版の様式"),
    C("xlsm", "macro.xlsm", _bytes(lambda: macro_workbook(template_bytes())), frozenset({0, 1}), ("マクロ",), True,
      "マクロ付きブック（値だけ読み、マクロは実行しない）"),
    C("formula_text", "formula_text.xlsx", _bytes(_cell(L.S_FACILITY, "C4", EVIL_FORMULA, text=True)),
      frozenset({0, 1}), (), True, "施設名が数式のような文字列"),
    C("formula_real", "formula_real.xlsx",
      _bytes(lambda: cached_formula(template_bytes(), L.S_FACILITY, "C4", EVIL_FORMULA, "x")), frozenset({0, 1}),
      (), True, "施設名が本物の数式（保存された値 x）"),
)
BY_NAME = {c.name: c for c in CASES}


def build(case: Case, folder: Path) -> Path:
    """Write `case` into `folder` and return its path."""
    path = Path(folder) / case.filename
    case.build(path)
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "out/bad_corpus")
    out.mkdir(parents=True, exist_ok=True)
    have_template = template_bytes() is not None
    listing = []
    for case in CASES:
        if case.needs_template and not have_template:
            listing.append({"case": case.name, "skipped": "template builder not available"})
            continue
        path = build(case, out)
        size = path.stat().st_size if path.is_file() else None
        listing.append({"case": case.name, "file": str(path), "bytes": size, "about": case.about})
    print(json.dumps(listing, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
