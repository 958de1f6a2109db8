"""The workbook's index: which zip part holds which sheet, and the book's global defined names.

One parser of xl/workbook.xml and its relationships for every caller: the preflight (which inflates the parts itself,
through its checks) and code reading books we built ourselves (`book_index`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


@dataclass(frozen=True)
class BookIndex:
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name → zip part, in the book's order
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
    for rel in rels.iter() if rels is not None else ():
        if local_name(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel.get("Id", "")] = normalise_part(part)
    sheets: dict[str, str] = {}
    defined: dict[str, str] = {}
    for el in workbook.iter():
        tag = local_name(el.tag)
        if tag == "definedName" and el.get("name") and el.get("localSheetId") is None:
            defined[el.get("name", "")] = el.text or ""
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if local_name(k) == "id"), None)
            if rid in targets:
                sheets[el.get("name", "")] = targets[rid]
    return BookIndex(sheets, defined)


def book_index(zf: zipfile.ZipFile) -> BookIndex:
    """The index of a book we made or already checked (kaigo_xl.xlsx.preflight reads hostile books itself)."""
    rels = ET.fromstring(zf.read(WORKBOOK_RELS)) if WORKBOOK_RELS in zf.namelist() else None
    return parse_book_index(ET.fromstring(zf.read(WORKBOOK_PART)), rels)
