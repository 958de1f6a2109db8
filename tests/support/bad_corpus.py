"""Builds the corpus of bad, damaged and hostile inputs (issues 6 and 9) into a folder: no opaque binaries are committed.

Every file is made here from code — openpyxl edits of the real template, hand-written zips and sheet XML, a
hand-written OLE2 compound file, JSON text, FIFOs and links to devices — so the bytes are deterministic and anyone
can read how a case is made. `CASES` says, for each input, which exit codes `kaigo-xl check` (and `forms` for a
workbook, `template --data` for JSON) may give and which words its message must contain. `WRITE_CASES` are folders
prepared so that a write could go where the user did not mean (links, hard links, leftovers of a killed run).

    .venv/bin/python tests/bad_corpus.py OUT_DIR     # build every case and list them
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
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
    wb[L.S_FACILITY][L.VERSION_CELL] = L.TEMPLATE_VERSION
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
# issue 9: declared counts, error values, numbers and text no person meant, JSON, files that are not files
# ---------------------------------------------------------------------------------------------------------------

MARK = "KX-CORPUS-MARK"
NEW_ERRORS = ("#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#BUSY!", "#CONNECT!", "#UNKNOWN!", "#GETTING_DATA")
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def cell_xml(data: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """`data` whose sheet!ref is written as the raw XML `xml` (a whole `<c>` element): whatever Excel or a hostile
    writer could store there. The cell is first set to a marker with openpyxl, so exactly that element is replaced."""
    def mark(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = MARK

    marked = edit(data, mark)
    part = part_of_sheet(marked, sheet)
    with zipfile.ZipFile(io.BytesIO(marked)) as z:
        body = z.read(part).decode()
    pattern = re.compile(rf'<c r="{ref}"[^>]*>(?:(?!</c>).)*{MARK}(?:(?!</c>).)*</c>', re.S)
    body, n = pattern.subn(lambda _: xml, body, count=1)
    if n != 1:
        raise RuntimeError(f"cell {sheet}!{ref} not found")
    return rezip(marked, replace={part: body.encode()})


def number_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}"><v>{text}</v></c>'


def text_cell(ref: str, text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def error_cell(ref: str, code: str, formula: str | None = None) -> str:
    f = f"<f>{formula}</f>" if formula else ""
    return f'<c r="{ref}" t="e">{f}<v>{code}</v></c>'


def with_cell(sheet: str, ref: str, xml: str) -> Callable[[], bytes]:
    return lambda: cell_xml(template_bytes(), sheet, ref, xml)


def shared_strings(data: bytes, unique_count: str, strings: int = 1) -> bytes:
    """`data` with a shared-strings part declaring `unique_count` strings (holding `strings`), used by 施設名."""
    data = cell_xml(data, L.S_FACILITY, "C4", '<c r="C4" t="s"><v>0</v></c>')  # openpyxl first: it drops the part
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {_NS} count="{strings}" '
           f'uniqueCount="{unique_count}">' + "".join(f"<si><t>文字列{i}</t></si>" for i in range(strings)) + "</sst>")
    types = types.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>')
    rels = rels.replace("</Relationships>", f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" '
                        'Id="rIdKxSst"/></Relationships>')
    return rezip(data, replace={"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                 add={"xl/sharedStrings.xml": sst.encode()})


def sheet_xml_edit(data: bytes, sheet: str, old: str, new: str) -> bytes:
    """`data` with `old` replaced by `new` (once) in the XML of `sheet`."""
    part = part_of_sheet(data, sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read(part).decode()
    if old not in body:
        raise RuntimeError(f"{old!r} not in {part}")
    return rezip(data, replace={part: body.replace(old, new, 1).encode()})


def declared_count_variants(base: bytes) -> dict[str, bytes]:
    """Every declared count or index python-calamine might allocate from, set absurdly (for the subprocess proof in
    tests/xlsx/test_declared_counts.py): name → workbook bytes."""
    part = part_of_sheet(base, L.S_FACILITY)
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        sheet, styles = z.read(part).decode(), z.read("xl/styles.xml").decode()
    dim = re.search(r"<dimension [^>]*>", sheet)
    sheet_with = {
        "dimension": sheet.replace(dim.group(0), '<dimension ref="A1:XFD1048576"/>') if dim else sheet,
        "row_spans": re.sub(r'<row r="1"', '<row r="1" spans="1:4294967295"', sheet, count=1),
        "cols": re.sub(r"<sheetData", '<cols><col min="1" max="4294967295" width="9"/></cols><sheetData', sheet, count=1)
        if "<cols>" not in sheet else sheet.replace("<cols>", '<cols><col min="1" max="4294967295" width="9"/>', 1),
        "merge_count": sheet.replace("</sheetData>", '</sheetData><mergeCells count="4294967295">'
                                     '<mergeCell ref="B40:C40"/></mergeCells>', 1),
        "style_index": re.sub(r'<c r="B3" s="\d+"', '<c r="B3" s="4294967295"', sheet, count=1),
    }
    out = {name: rezip(base, replace={part: body.encode()}) for name, body in sheet_with.items()}
    out["styles_count"] = rezip(base, replace={"xl/styles.xml": re.sub(
        r'(<(?:cellXfs|fonts|fills|borders|numFmts|cellStyleXfs) count=")\d+"', r'\g<1>4294967295"', styles).encode()})
    with_sst = shared_strings(base, "1", 1)
    out["sst_index"] = sheet_xml_edit(with_sst, L.S_FACILITY, '<c r="C4" t="s"><v>0</v></c>',
                                      '<c r="C4" t="s"><v>4294967295</v></c>')
    out["sst_unique_count"] = shared_strings(base, "4294967295")
    out["sst_unique_count_max"] = shared_strings(base, "18446744073709551615")
    return out


def json_case(change: Callable[[str], str]) -> Callable[[], bytes]:
    """The sample facility JSON, as text, changed by `change` (text, so that anything JSON allows can be written)."""
    return lambda: change(SAMPLE.read_text(encoding="utf-8")).encode("utf-8")


def _replace(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        if old not in text:
            raise RuntimeError(f"{old!r} not in the sample")
        return text.replace(old, new, 1)

    return change


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _roster_extremes(wb: openpyxl.Workbook) -> None:
    """Every roster cell at the edge of the bounds: 999,999,999,999,999 hours, 10^-20 weekly hours (in a results
    report: the roster feeds the 実績)."""
    wb[L.S_FACILITY][L.FIELD_BY_KEY["phase"].cell] = "実績報告書"
    wb[L.S_MONTHLY][L.INPUT_METHOD_CELL] = L.INPUT_METHODS[1]
    ws = wb[L.S_ROSTER]
    ws[L.ROSTER_WEEKLY_HOURS_CELL] = 1e-20
    for i, row in enumerate(L.ROSTER_ROWS):
        ws[f"{L.ROSTER_COL_JOB}{row}"] = "支援員"
        ws[f"{L.ROSTER_COL_PATTERN}{row}"] = "ABCD"[i % 4]
        for col in range(L.ROSTER_FIRST_MONTH_COL, L.ROSTER_FIRST_MONTH_COL + 24):
            ws.cell(row=row, column=col).value = 999_999_999_999_999 if (col + i) % 2 else 1e-20


def _monthly_extremes(wb: openpyxl.Workbook) -> None:
    ws = wb[L.S_MONTHLY]
    for i, row in enumerate(L.MONTHLY_ROWS):
        ws[f"{L.COL_FTE}{row}"] = 999_999_999_999_999 if i % 2 else 1e-20
        ws[f"{L.COL_TOKUTEI}{row}"] = 99_999_999_999_999.9
    wb[L.S_EXPENSES]["C6"] = 999_999_999_999_999


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
    forms: frozenset[int] | None = None  # allowed exit codes of `kaigo-xl forms` on a copy (None: not run)
    template: frozenset[int] | None = None  # for JSON: allowed exit codes of `kaigo-xl template OUT --data`
    policy: bool = False  # the file is given as `--policy` (with the sample facility as input)

    @property
    def is_json(self) -> bool:
        return self.filename.endswith(".json")


def _bytes(make: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(make())


_SUBMITTED = L.FIELD_BY_KEY["submitted_on"].cell  # 提出日: a date cell


def _name_on_missing_sheet() -> bytes:
    data = template_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        workbook = z.read("xl/workbook.xml").decode()
    name = '<definedName name="KX_TEMPLATE_VERSION"'
    assert name in workbook
    return rezip(data, replace={"xl/workbook.xml": workbook.replace(name, f'{name} localSheetId="99"', 1).encode()})


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


def _future_zip() -> bytes:
    """The base book whose central directory says a newer zip version (6.4) is needed to extract its first part."""
    data = bytearray(base_bytes())
    struct.pack_into("<H", data, data.find(b"PK\x01\x02") + 6, 64)
    return bytes(data)


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
    C("future_zip", "future_zip.xlsx", _bytes(_future_zip), frozenset({2}), ("使われない版の ZIP",),
      about="展開に新しい版（6.4）が要ると書かれた ZIP"),
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
    C("cell_row_of_eight_digits", "row_8_digits.xlsx",
      _bytes(with_cell(L.S_MONTHLY, "C6", '<c r="D10000000" t="n"><v>5</v></c>')), frozenset({2}),
      (f"シート「{L.S_MONTHLY}」", "D10000000", "範囲を超えて"), about="セル位置の行が8桁（python-calamine は 4.6GB を確保）"),
    C("cell_row_of_twenty_digits", "row_20_digits.xlsx",
      _bytes(with_cell(L.S_MONTHLY, "C6", '<c r="D99999999999999999999" t="n"><v>5</v></c>')), frozenset({2}),
      (f"シート「{L.S_MONTHLY}」", "範囲を超えて"), about="セル位置の行が20桁（python-calamine は確保に失敗して異常終了）"),
    C("cell_column_of_four_letters", "column_4_letters.xlsx",
      _bytes(with_cell(L.S_MONTHLY, "C6", '<c r="XFEA1" t="n"><v>5</v></c>')), frozenset({2}),
      ("XFEA1", "範囲を超えて"), about="セル位置の列が4文字"),
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
      _bytes(_cell(L.S_FACILITY, L.VERSION_CELL, "2024.1")), frozenset({0, 1}),
      ("2024.1",), True, "古い版の様式"),
    C("xlsm", "macro.xlsm", _bytes(lambda: macro_workbook(template_bytes())), frozenset({0, 1}), ("マクロ",), True,
      "マクロ付きブック（値だけ読み、マクロは実行しない）"),
    C("formula_text", "formula_text.xlsx", _bytes(_cell(L.S_FACILITY, "C4", EVIL_FORMULA, text=True)),
      frozenset({0, 1}), (), True, "施設名が数式のような文字列"),
    C("formula_real", "formula_real.xlsx",
      _bytes(lambda: cached_formula(template_bytes(), L.S_FACILITY, "C4", EVIL_FORMULA, "x")), frozenset({0, 1}),
      (), True, "施設名が本物の数式（保存された値 x）"),
)
F1, F2 = frozenset({1}), frozenset({2})
M = L.S_MONTHLY
ISSUE9: tuple[Case, ...] = (
    # ---- a declared count that would make python-calamine abort the process (exit 134) ----
    C("sst_unique_count", "sst_unique_count.xlsx", _bytes(lambda: shared_strings(base_bytes(), "4294967295")), F2,
      ("共有文字列", "4,294,967,295"), about="共有文字列の uniqueCount=4294967295（74KB のファイル）", forms=F2),
    # ---- error values: each reported as what it is, at its cell ----
    *(C(f"error_{code.strip('#!').lower()}", f"error_{code.strip('#!').lower()}.xlsx",
        _bytes(with_cell(M, "C6", error_cell("C6", code))), F1, (f"{M}!C6", code), True,
        f"4月の職員数にエラー値 {code}", forms=F1) for code in NEW_ERRORS),
    C("error_div0", "error_div0.xlsx", _bytes(with_cell(M, "C7", error_cell("C7", "#DIV/0!", "1/0"))), F1,
      (f"{M}!C7", "#DIV/0!"), True, "5月の職員数が数式のエラー #DIV/0!（空欄の月と誤らない）", forms=F1),
    C("error_in_name", "error_in_name.xlsx", _bytes(with_cell(L.S_FACILITY, "C4", error_cell("C4", "#N/A"))), F1,
      (f"{L.S_FACILITY}!C4", "#N/A"), True, "施設名にエラー値 #N/A", forms=F1),
    C("error_in_formula_cell", "error_in_formula_cell.xlsx",
      _bytes(with_cell(M, "G6", error_cell("G6", "#SPILL!", "C6-D6"))), frozenset({0}), (), True,
      "読まないセル（数式の結果）の #SPILL!: ブックは壊れていない", forms=frozenset({0})),
    # ---- numbers no person meant, in a workbook ----
    C("fte_1e27", "fte_1e27.xlsx", _bytes(with_cell(M, "C6", number_cell("C6", "1E+27"))), F1, (f"{M}!C6", "大きすぎ"),
      True, "職員数 1E+27", forms=F1),
    C("fte_overflow", "fte_overflow.xlsx", _bytes(with_cell(M, "C6", number_cell("C6", "1e999"))), F1,
      (f"{M}!C6", "有限"), True, "職員数 1e999（float にすると inf）", forms=F1),
    C("fte_digits", "fte_digits.xlsx", _bytes(with_cell(M, "C6", text_cell("C6", "9" * 5000))), F1,
      (f"{M}!C6",), True, "職員数に 5,000 桁の数字（文字）", forms=F1),
    C("yen_1e300", "yen_1e300.xlsx", _bytes(with_cell(L.S_EXPENSES, "C6", number_cell("C6", "1E+300"))), F1,
      (f"{L.S_EXPENSES}!C6", "大きすぎ"), True, "計画額 1E+300", forms=F1),
    C("number_20_digits", "number_20_digits.xlsx",
      _bytes(with_cell(L.S_FACILITY, "C7", number_cell("C7", "12345678901234567890"))), F1,
      (f"{L.S_FACILITY}!C7", "15桁"), True, "施設番号 20桁を数値で入力（Excel は15桁まで）", forms=F1),
    C("monthly_extremes", "monthly_extremes.xlsx", _bytes(lambda: edit(template_bytes(), _monthly_extremes)), F1,
      (f"{M}!C7",), True, "月別職員数が上限ぎりぎり（999兆…・10^-20）", forms=F1),
    C("roster_extremes", "roster_extremes.xlsx", _bytes(lambda: edit(template_bytes(), _roster_extremes)), F1,
      (f"{L.S_ROSTER}!",), True, "勤務形態一覧の全セルが上限ぎりぎり", forms=F1),
    C("date_beyond_9999", "date_beyond_9999.xlsx", _bytes(_cell(L.S_FACILITY, _SUBMITTED, 2_958_466)), F1,
      (f"{L.S_FACILITY}!{_SUBMITTED}",), True, "提出日（日付の書式）に 9999年12月31日の翌日のシリアル値",
      forms=frozenset({4})),  # openpyxl would save it back as #VALUE!: forms refuses to write
    C("date_beyond_9999_without_r", "date_beyond_9999_no_r.xlsx",
      _bytes(lambda: sheet_xml_edit(_cell(L.S_FACILITY, _SUBMITTED, 2_958_466)(), L.S_FACILITY,
                                    f'<c r="{_SUBMITTED}" ', "<c ")), F1, (), True,
      "同じ値で、セルに位置（r）が書かれていない（openpyxl は「Cell None」と警告）", forms=frozenset({4})),
    C("name_on_a_missing_sheet", "name_on_missing_sheet.xlsx", _bytes(_name_on_missing_sheet), frozenset({0}), (),
      True, "名前の定義がないシート（localSheetId=99）のもの", forms=frozenset({4})),  # openpyxl would drop it
    # ---- text no person meant, in a workbook ----
    C("name_control_chars", "name_control_chars.xlsx",
      _bytes(with_cell(L.S_FACILITY, "C4", text_cell("C4", "さくら_x001B_[31m苑_x0000_"))), frozenset({0, 1}),
      (f"{L.S_FACILITY}!C4", "制御文字"), True, "施設名にエスケープシーケンスと NUL（_x001B_・_x0000_）",
      forms=frozenset({0, 1})),
    C("name_too_long", "name_too_long.xlsx", _bytes(with_cell(L.S_FACILITY, "C4", text_cell("C4", "あ" * 40_000))),
      frozenset({0, 1}), (f"{L.S_FACILITY}!C4", "32,767"), True, "施設名が 40,000 文字", forms=frozenset({0, 1})),
    # ---- JSON: numbers, text and keys no person meant ----
    C("json_fte_huge_exponent", "fte_huge_exponent.json", _bytes(json_case(_replace('"fte": 10.5', '"fte": 1e999999999'))),
      F1, ("monthly[0].fte", "大きすぎ"), about="JSON の職員数 1e999999999（template --data が止まらなかった）",
      template=F1),
    C("json_fte_tiny_exponent", "fte_tiny_exponent.json",
      _bytes(json_case(_replace('"fte": 10.5', '"fte": 1e-999999999'))), F1, ("monthly[0].fte", "小さすぎ"),
      about="JSON の職員数 1e-999999999", template=F1),
    C("json_int_digits", "int_digits.json", _bytes(json_case(_replace('"capacity": 80', '"capacity": ' + "9" * 5000))),
      F1, ("facility.capacity",), about="JSON の定員に 5,000 桁の整数（Python の 4,300 桁制限）", template=F1),
    C("json_yen_huge", "yen_huge.json", _bytes(json_case(_replace('"planned_yen": 392500', '"planned_yen": 1e30'))), F1,
      ("expenses[0].planned_yen", "大きすぎ"), about="JSON の計画額 1e30", template=F1),
    C("json_nan", "nan.json", _bytes(json_case(_replace('"fte": 10.5', '"fte": NaN'))), F1, ("monthly[0].fte",),
      about="JSON の NaN", template=F1),
    C("json_duplicate_key", "duplicate_key.json",
      _bytes(json_case(_replace('"fiscal_year": 2025', '"fiscal_year": 2025, "fiscal_year": 2026'))), F1,
      ("fiscal_year", "2回"), about="JSON の同じ項目が2回（後の値が黙って勝っていた）", template=F1),
    C("json_lone_surrogate", "lone_surrogate.json",
      _bytes(json_case(_replace('"養護老人ホーム さくら苑"', '"さくら\\ud800苑"'))), F1, ("facility.name", "サロゲート"),
      about="JSON の施設名に対のないサロゲート", template=F1),
    C("json_control_chars", "control_chars.json",
      _bytes(json_case(_replace('"養護老人ホーム さくら苑"', '"さくら\\u001b[31m苑\\u0000"'))), frozenset({0, 1}),
      ("facility.name", "制御文字"), about="JSON の施設名にエスケープシーケンスと NUL", template=frozenset({0})),
    C("json_text_too_long", "text_too_long.json",
      _bytes(json_case(_replace('"養護老人ホーム さくら苑"', '"' + "あ" * 40_000 + '"'))), frozenset({0, 1}),
      ("facility.name", "32,767"), about="JSON の施設名が 40,000 文字", template=frozenset({0})),
    # ---- inputs that are not regular files ----
    C("fifo_workbook", "fifo.xlsx", _fifo, F2, ("名前付きパイプ",), about="名前付きパイプ（FIFO）のブック"),
    C("fifo_json", "fifo.json", _fifo, F2, ("名前付きパイプ",), about="名前付きパイプ（FIFO）の JSON", template=F2),
    C("device_json", "zero.json", _device, F2, ("デバイス",), about="/dev/zero へのリンクの JSON（7.5GB 読んでいた）",
      template=F2),
    C("device_workbook", "zero.xlsx", _device, F2, ("デバイス",), about="/dev/zero へのリンクのブック"),
    C("fifo_policy", "fifo.toml", _fifo, F2, ("名前付きパイプ", "設定ファイル"), about="名前付きパイプの設定ファイル",
      policy=True),
    C("device_policy", "zero.toml", _device, F2, ("デバイス", "設定ファイル"), about="/dev/zero へのリンクの設定ファイル",
      policy=True),
)
CASES = CASES + ISSUE9
BY_NAME = {c.name: c for c in CASES}


# ---------------------------------------------------------------------------------------------------------------
# writes that could go where the user did not mean (issue 9, section 5): folders prepared around BOOK
# ---------------------------------------------------------------------------------------------------------------

VICTIM = b"a file elsewhere that no write may touch"


@dataclass(frozen=True)
class WriteCase:
    """A folder holding BOOK (the sample book) set up so that a careless write would go through a link, break a
    hard link, or trip over what a killed run left. `code`: the exit code of `kaigo-xl forms BOOK` and of
    `kaigo-xl template BOOK --force`; `victim`: a file outside the named output that must keep VICTIM."""

    name: str
    prepare: Callable[[Path], Path | None]  # given BOOK, arranges the folder; returns the victim file (or None)
    code: int
    mentions: tuple[str, ...]
    about: str = ""
    target: str = ""  # the name the command is given instead of BOOK's own (a link to it)


def _victim(folder: Path) -> Path:
    victim = folder / "elsewhere" / "victim.bin"
    victim.parent.mkdir(exist_ok=True)
    victim.write_bytes(VICTIM)
    return victim


def _backup_link(book: Path) -> Path:
    victim = _victim(book.parent)
    book.with_name(book.name + ".bak").symlink_to(victim)
    return victim


def _lock_link(book: Path) -> Path:
    victim = _victim(book.parent)
    book.with_name(f".~lock.{book.name}.kaigo-xl").symlink_to(victim)
    return victim


def _book_link(book: Path) -> Path:
    """The command is given `link.xlsx`, a symbolic link to BOOK: BOOK is the victim (never written through)."""
    book.with_name("link.xlsx").symlink_to(book.name)
    return book


def _hard_link(book: Path) -> Path:
    other = book.parent / "elsewhere" / "same_file.xlsx"
    other.parent.mkdir(exist_ok=True)
    os.link(book, other)
    return other


def _backup_folder(book: Path) -> None:
    book.with_name(book.name + ".bak").mkdir()


def _killed_run_leftovers(book: Path) -> None:
    """What `kill -9` during a write leaves: a temporary file and the dead writer's lock (this machine)."""
    import socket

    book.with_name(f".{book.name}.kaigo-xl-abcd1234.tmp").write_bytes(b"half a workbook")
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    book.with_name(f".~lock.{book.name}.kaigo-xl").write_text(json.dumps(
        {"program": "kaigo-xl", "host": socket.gethostname(), "pid": int(proc.stdout)}))


WRITE_CASES: tuple[WriteCase, ...] = (
    WriteCase("backup_is_a_symlink", _backup_link, 4, ("シンボリックリンク", ".bak"), "BOOK.bak が別のファイルへのリンク"),
    WriteCase("lock_is_a_symlink", _lock_link, 4, ("書き込み中",), "ロックファイルが別のファイルへのリンク"),
    WriteCase("book_is_a_symlink", _book_link, 4, ("シンボリックリンク", "リンク先"), "指定したブックがリンク",
              target="link.xlsx"),
    WriteCase("book_has_a_hard_link", _hard_link, 4, ("ハードリンク",), "ブックに別の名前（ハードリンク）がある"),
    WriteCase("backup_is_a_folder", _backup_folder, 4, (".bak",), "BOOK.bak がフォルダー"),
    WriteCase("leftovers_of_a_killed_run", _killed_run_leftovers, 0, (), "kill -9 で残った一時ファイルとロック"),
)


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
