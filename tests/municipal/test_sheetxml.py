"""The summary workbook's fast row writer says every value exactly as the general one (and as xlsx.cellpatch)."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook

from kaigo_xl.municipal.sheetxml import Formula, Look, Sheet, Styles, assemble

VALUES = [0, -12, 10**20, "", None, " 前後 ", "=HYPERLINK(\"x\")", "a<b>&c", "\x07制御", "改行\nあり", Decimal("1.50"),
          Decimal("1E+2"), 2.5, True, False, Formula("SUM(A1:B1)", 3), "同じ", "同じ"]


def test_values_writes_what_append_writes():
    wb = Workbook(write_only=True)
    looks = Styles(wb.create_sheet("_styles"))
    wb.remove(wb["_styles"])
    kinds = [Look(kind="yen" if isinstance(v, int) else "text", wrap=i % 2 == 0) for i, v in enumerate(VALUES)]
    a = Sheet(wb, "a", [10] * len(VALUES), looks)
    b = Sheet(wb, "b", [10] * len(VALUES), looks)
    a.append(list(zip(VALUES, kinds)), height=27)
    b.values(VALUES, looks.ids(kinds), height=27)
    assert a.rows == b.rows and a.rows[0].count("<c ") == len(VALUES)
    with zipfile.ZipFile(io.BytesIO(assemble(wb, [a, b]))) as zf:
        first, second = (zf.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (1, 2))
    assert first == second and '<col width="10" customWidth="1" min="1" max="1" />' in first
    assert first.index("<sheetFormatPr") < first.index("<cols>") < first.index("<sheetData><row r=\"1\" ht=\"27\"")
