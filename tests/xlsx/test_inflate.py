"""Parts inflated once per distinct bytes (kaigo_xl.xlsx.parts): the package parts of one template are the same in
every book, so they are inflated and checked once; every book's own directory is still checked against them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import support.bad_corpus as corpus

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.xlsx import parts
from kaigo_xl.xlsx.preflight import preflight

STYLES = "xl/styles.xml"


def _entries() -> list[tuple[str, bytes, int, int]]:
    """The base book's parts as (name, deflated, crc, size), for corpus.raw_zip."""
    with zipfile.ZipFile(io.BytesIO(corpus.base_bytes())) as z:
        return [(i.filename, *corpus._deflate([z.read(i.filename)])) for i in z.infolist()]


def _book(tmp_path: Path, name: str, change=lambda entry: entry) -> Path:
    path = tmp_path / name
    path.write_bytes(corpus.raw_zip([change(e) if e[0] == STYLES else e for e in _entries()]))
    return path


def test_a_part_every_book_shares_is_inflated_once(tmp_path):
    parts._inflate_remembered.cache_clear()
    preflight(_book(tmp_path, "a.xlsx"))
    before = parts._inflate_remembered.cache_info()
    preflight(_book(tmp_path, "b.xlsx"))
    after = parts._inflate_remembered.cache_info()
    assert after.misses == before.misses and after.hits > before.hits


@pytest.mark.parametrize("lie", [
    lambda name, deflated, crc, size: (name, deflated, crc ^ 1, size),  # another CRC
    lambda name, deflated, crc, size: (name, deflated, crc, size - 1),  # another size
    lambda name, deflated, crc, size: (name, deflated[:-8], crc, size),  # cut short
])
def test_a_remembered_part_is_still_checked_against_each_books_directory(lie, tmp_path):
    preflight(_book(tmp_path, "good.xlsx"))  # remembered …
    with pytest.raises(InputUnreadable, match="xl/styles.xml が壊れているか"):
        preflight(_book(tmp_path, "bad.xlsx", lambda e: lie(*e)))  # … and refused where the directory disagrees


def test_a_large_part_is_inflated_without_being_remembered(tmp_path):
    sheet = b"<worksheet>" + b" " * (parts.REMEMBERED_PART + 1) + b"</worksheet>"
    info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    info.compress_type = zipfile.ZIP_DEFLATED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(info, sheet)
    parts._inflate_remembered.cache_clear()
    with zipfile.ZipFile(buf) as z:
        (info,) = z.infolist()
    assert b"".join(parts.inflate(buf, info)) == sheet
    assert parts._inflate_remembered.cache_info().currsize == 0
