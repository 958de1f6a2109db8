"""The bytes of a workbook built with openpyxl: reproducible when asked (the committed templates), and written
through the safe file writer (atomic, with a backup)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.writer.excel import ExcelWriter

from kaigo_xl.xlsx.safefile import Snapshot, atomic_write_bytes

# A fixed document time makes the distributable templates byte-for-byte reproducible.
FIXED_TIME = dt.datetime(2025, 4, 1, 0, 0, 0)
_ZIP_TIME = (2025, 4, 1, 0, 0, 0)

def put_value(cell: Cell, value: object) -> None:
    """`value` into an openpyxl cell, text always as text: openpyxl takes a str starting with "=" for a formula, so
    a facility named `=HYPERLINK("http://…")` would become a live link. Only our own builders write formulas."""
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # written as an inline string, shown as typed


def workbook_bytes(wb: Workbook, *, fixed_time: dt.datetime | None = FIXED_TIME) -> bytes:
    """The .xlsx bytes of `wb`; with `fixed_time`, identical input gives identical bytes."""
    raw = io.BytesIO()
    if fixed_time is not None:
        wb.properties.created = fixed_time
        wb.properties.modified = fixed_time
    else:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    if fixed_time is None:
        return raw.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_workbook(wb: Workbook, path: Path, *, reproducible: bool = False, backup: bool = True,
                   expect: Snapshot | None = None) -> Path | None:
    data = workbook_bytes(wb, fixed_time=FIXED_TIME if reproducible else None)
    return atomic_write_bytes(path, data, backup=backup, expect=expect)
