"""What a reader parses of a checked book: exactly the bytes the preflight checked — read plainly
(kaigo_xl.xlsx.plainread) or by python-calamine from a zip in memory.

Why: the preflight inflates every part it checks; handing calamine the original file would inflate the same parts
again and let it see parts no check looked at. The zip built here is stored (not compressed), so calamine only
parses XML, and holds only the parts a reader needs (the package's, the workbook's, styles, shared strings and the
requested sheets). A sheet the preflight did not scan (the roster, read only when chosen) is inflated and checked
here the first time it is asked for.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from typing import TYPE_CHECKING

from kaigo_xl.files import open_regular
from kaigo_xl.xlsx.cellerrors import CALAMINE_ERRORS, error_cells, placeholders
from kaigo_xl.xlsx.checks import PartChecks, finish_part, inflate_checked
from kaigo_xl.xlsx.extent import MAX_SHEET_CELLS, SheetExtent, too_wide
from kaigo_xl.xlsx.parts import Refused
from kaigo_xl.xlsx.plainread import PlainBook, read_plain

if TYPE_CHECKING:
    from kaigo_xl.xlsx.preflight import Preflight

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def reader_zip(checked: Preflight, sheets: list[str]) -> bytes:
    """The stored zip of the reader's parts and `sheets` (each scanned first if the preflight left it for later)."""
    scan_later(checked, sheets)
    refused = {part for sheet, found in checked.cell_errors.items() if set(found.values()) - CALAMINE_ERRORS
               for part in checked.error_parts.get(sheet, ())}
    wanted = sorted(checked.reader_parts | {p for s in sheets for p in checked.sheet_parts.get(s, ())})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for part in wanted:
            data = checked.kept[part]
            zf.writestr(zipfile.ZipInfo(part, date_time=_ZIP_TIME), placeholders(data) if part in refused else data)
    return out.getvalue()


def plain_values(checked: Preflight, sheets: list[str]) -> PlainBook | None:
    """`sheets` read from the checked bytes without python-calamine when they are written plainly
    (kaigo_xl.xlsx.plainread), in the same pass that finds their used range and error cells; None otherwise, after
    the careful scan of the sheets not yet scanned (which refuses a sheet too wide to read)."""
    from kaigo_xl.xlsx.preflight import SheetExtents

    extents_of = checked.sheets
    if not isinstance(extents_of, SheetExtents):
        return None  # a Preflight made by hand (tests)
    pending = {sheet: extents_of.unscanned_parts(sheet) for sheet in sheets}
    in_hand = [s for s, infos in pending.items() if infos and all(i.filename in checked.kept for i in infos)]
    scan_later(checked, [s for s, infos in pending.items() if infos and s not in in_hand])  # the roster, say
    book = read_plain(checked.kept, checked.reader_parts, checked.sheet_parts, sheets)
    if book is None:
        scan_later(checked, in_hand)
        return None
    for sheet in in_hand:  # scanned by the plain read itself
        extents_of.record(sheet, book.extents[sheet])
        if book.errors[sheet]:
            checked.cell_errors.setdefault(sheet, {}).update(book.errors[sheet])
    return book


def scan_later(checked: Preflight, sheets: list[str]) -> None:
    """Inflate and check each of `sheets` the preflight left for later (the roster, read only when chosen)."""
    for sheet in sheets:
        _scan_later(checked, sheet)


def _scan_later(checked: Preflight, sheet: str) -> None:
    """Inflate and check a sheet the preflight did not scan: its used range, prolog and error cells."""
    from kaigo_xl.xlsx.preflight import SheetExtents

    extents_of = checked.sheets
    if not isinstance(extents_of, SheetExtents):
        return  # a Preflight made by hand (tests): nothing was left for later
    infos = extents_of.unscanned_parts(sheet)
    if not infos:
        return
    extents: dict[str, SheetExtent] = {}
    with_errors: list[zipfile.ZipInfo] = []
    in_hand = all(info.filename in checked.kept for info in infos)  # inflated and kept by the preflight
    with contextlib.nullcontext() if in_hand else open_regular(checked.path) as fh:
        for info in infos:
            checks = PartChecks(info, sheet, scanned=True)
            if info.filename in checked.kept:
                checks.feed(checked.kept[info.filename])
            else:
                assert fh is not None  # opened: a part is not in hand
                checked.kept[info.filename] = inflate_checked(fh, info, checks, keep=True)
            finish_part(extents, with_errors, info, sheet, checks)
    extent = extents[sheet]
    if extent.cells > MAX_SHEET_CELLS:
        raise Refused(too_wide(sheet, extent))
    extents_of.record(sheet, extent)
    for info in with_errors:
        checked.cell_errors.setdefault(sheet, {}).update(error_cells([checked.kept[info.filename]]))
        checked.error_parts.setdefault(sheet, []).append(info.filename)
