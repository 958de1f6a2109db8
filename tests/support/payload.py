"""An .xlsx file as the JSON that the Office add-in sends to xlwings Server (`xlwings.runPython`).

Used by the tests and the benchmark to run the ribbon scripts on a real workbook without Excel. Values come from
python-calamine (cached values, anchored at A1 like Office.js `values`); dates become Excel serial numbers, as
Office.js sends them; defined names are read from xl/workbook.xml in the shape of the add-in's named-items.js.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils.cell import get_column_letter
from python_calamine import CalamineWorkbook

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_EPOCH = dt.datetime(1899, 12, 30)
_REF = re.compile(r"^=?(?:'(?P<q>(?:[^']|'')+)'|(?P<s>[^!]+))!(?P<addr>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$")


def _serial(value: object) -> object:
    """Dates and times as Office.js sends them: Excel serial numbers."""
    if isinstance(value, dt.datetime):
        return (value - _EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((dt.datetime(value.year, value.month, value.day) - _EPOCH).days)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def _grid(sheet) -> list[list[object]]:
    rows = sheet.to_python(skip_empty_area=False)
    width = max((len(r) for r in rows), default=0)
    grid = [[None if v == "" else _serial(v) for v in r] + [None] * (width - len(r)) for r in rows]
    return grid or [[None]]


def _address(grid: list[list[object]]) -> str:
    return f"A1:{get_column_letter(len(grid[0]) if grid else 1)}{len(grid)}"


def defined_names(path: Path, sheet_names: list[str]) -> list[dict]:
    """workbook.xml <definedName>s as the add-in reports them (refers_to, sheet_index, address, scope)."""
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("xl/workbook.xml"))
    out = []
    for dn in root.iterfind("m:definedNames/m:definedName", _NS):
        name, formula = dn.get("name", ""), (dn.text or "").strip()
        if name.startswith("_xlnm."):
            continue  # print areas and the like are not names users see
        local = dn.get("localSheetId")
        scope = int(local) if local is not None else None
        m = _REF.match(formula)
        sheet = (m.group("q").replace("''", "'") if m.group("q") else m.group("s")) if m else None
        out.append({
            "name": name,
            "refers_to": f"={formula}",
            "type": "Range" if m else "String",
            "sheet_index": sheet_names.index(sheet) if sheet in sheet_names else None,
            "address": m.group("addr").replace("$", "") if m else None,
            "scope_sheet_name": sheet_names[scope] if scope is not None else None,
            "scope_sheet_index": scope,
            "book_scope": scope is None,
        })
    return out


def book_payload_from_xlsx(path: str | Path, active: int = 0, version: str | None = None) -> dict:
    """The request body of POST /xlwings/custom-scripts-call/<script> for the workbook at `path`."""
    import xlwings as xw

    path = Path(path)
    wb = CalamineWorkbook.from_path(str(path))
    try:
        names = wb.sheet_names
        sheets = []
        for name in names:
            grid = _grid(wb.get_sheet_by_name(name))
            sheets.append({"name": name, "values": grid, "used_range_address": _address(grid),
                           "visibility": "Visible", "show_gridlines": True, "print_area": None,
                           "notes": [], "notes_supported": True, "pictures": [], "shapes": [], "charts": [],
                           "tables": [], "pivot_tables": []})
    finally:
        wb.close()
    return {
        "client": "Office.js",
        "version": version or xw.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1", "calculation": "Automatic"},
        "names": defined_names(path, names),
        "sheets": sheets,
    }


def function_call_body(func_name: str, *args: object, version: str | None = None) -> dict:
    """The request body of POST /xlwings/custom-functions-call as custom-functions-code.js sends it.

    `func_name` is the Python name; each argument is what Excel passes: a range as a list of rows.
    """
    import xlwings as xw

    return {"client": "Office.js", "func_name": func_name, "args": list(args),
            "caller_address": "[Book1.xlsx]Sheet1!A1", "culture_info_name": "ja-JP", "date_format": "yyyy/m/d",
            "version": version or xw.__version__, "runtime": "1.4"}
