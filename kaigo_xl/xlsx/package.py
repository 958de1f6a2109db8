"""The workbook's index: which zip part holds which sheet, and the book's global defined names.

One parser of xl/workbook.xml and its relationships for every caller: the preflight (which inflates the parts itself,
through its checks) and code reading books we built ourselves (`book_index`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"  # how every writer names it


@dataclass(frozen=True)
class BookIndex:
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name → zip part, in the book's order
    related: dict[str, str] = field(default_factory=dict)  # the workbook's other parts: "styles" → xl/styles.xml …
    defined_names: dict[str, str] = field(default_factory=dict)  # global names: KX_FTE → '月別職員数'!$C$6:$C$17


def local_name(tag: str) -> str:
    """'{namespace}sheet' → 'sheet'."""
    return tag.rsplit("}", 1)[-1]


def normalise_part(part: str) -> str:
    """'xl/worksheets/../worksheets/./sheet1.xml' → 'xl/worksheets/sheet1.xml' (never above the zip's root)."""
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def parse_book_index(workbook: ET.Element, rels: ET.Element | None) -> BookIndex:
    """The index from the parsed workbook.xml and workbook.xml.rels (parse them only after a DOCTYPE check)."""
    targets: dict[str, str] = {}
    related: dict[str, str] = {}
    for rel in rels.iterfind("{*}Relationship") if rels is not None else ():
        rid, target = rel.get("Id"), rel.get("Target")
        if rid and target:
            part = normalise_part(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
            targets[rid] = part
            related.setdefault(rel.get("Type", "").rsplit("/", 1)[-1], part)
    sheets: dict[str, str] = {}
    for el in workbook.iterfind(".//{*}sheet"):
        rid = el.get(_R_ID) or next((v for k, v in el.attrib.items() if local_name(k) == "id"), None)
        if rid in targets:
            sheets[el.get("name", "")] = targets[rid]
    defined = {el.get("name", ""): el.text or "" for el in workbook.iterfind(".//{*}definedName")
               if el.get("name") and el.get("localSheetId") is None}
    return BookIndex(sheets=sheets, defined_names=defined, related=related)


def book_index(zf: zipfile.ZipFile) -> BookIndex:
    """The index of a book we made or already checked (kaigo_xl.xlsx.preflight reads hostile books itself)."""
    rels = ET.fromstring(zf.read(WORKBOOK_RELS)) if WORKBOOK_RELS in zf.namelist() else None
    return parse_book_index(ET.fromstring(zf.read(WORKBOOK_PART)), rels)
