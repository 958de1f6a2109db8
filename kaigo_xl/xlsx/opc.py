"""The package layer of an .xlsx (Open Packaging Conventions): parts, their content types and the relationships
between them, read from a workbook we built or already checked, and changed by inserting XML text.

Why text insertion: the webextension writer and the part carry-over add a relationship or a content type to parts
that openpyxl wrote; everything else in those parts stays byte for byte as it was (reproducible templates).
"""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Relationship:
    source: str  # the part the relationship belongs to ("" for the package itself)
    id: str
    type: str
    target: str  # the part it points at, resolved to a zip member name (or the raw target when external)
    external: bool = False


def rels_part(part: str) -> str:
    """'xl/workbook.xml' → 'xl/_rels/workbook.xml.rels'; '' (the package) → '_rels/.rels'."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def source_of(rels: str) -> str:
    """'xl/_rels/workbook.xml.rels' → 'xl/workbook.xml'; '_rels/.rels' → ''."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")]).lstrip("/")


def resolve(source: str, target: str) -> str:
    """A relationship target as a zip member name: absolute ('/xl/x.xml') or relative to the source's folder."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def relative(source: str, part: str) -> str:
    """The target text a relationship of `source` uses for `part` (relative, as Office writes it)."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class OpcPackage:
    """The members of an .xlsx zip, with their content types and relationships (nothing is validated here: use it
    on books we made, or after kaigo_xl.xlsx.preflight)."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.infos = {i.filename: i for i in zf.infolist()}
            self.parts = {name: zf.read(name) for name in self.infos}
        types = ET.fromstring(self.parts[CONTENT_TYPES])
        self.defaults = {e.get("Extension", "").lower(): e.get("ContentType", "")
                         for e in types.iter(f"{{{_CT_NS}}}Default")}
        self.overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "")
                          for e in types.iter(f"{{{_CT_NS}}}Override")}

    def content_type(self, part: str) -> str:
        return self.overrides.get(part) or self.defaults.get(posixpath.splitext(part)[1].lstrip(".").lower(), "")

    def relationships(self, source: str) -> list[Relationship]:
        data = self.parts.get(rels_part(source))
        if data is None:
            return []
        out = []
        for e in ET.fromstring(data).iter(f"{{{_REL_NS}}}Relationship"):
            external = e.get("TargetMode") == "External"
            target = e.get("Target", "")
            out.append(Relationship(source, e.get("Id", ""), e.get("Type", ""),
                                    target if external else resolve(source, target), external))
        return out

    def all_relationships(self) -> list[Relationship]:
        return [r for name in sorted(self.parts) if name.endswith(".rels") for r in self.relationships(source_of(name))]


def free_id(package: OpcPackage, source: str, prefix: str = "rId") -> str:
    """A relationship id not yet used by `source` (rId4 after openpyxl's rId1…rId3)."""
    used = {r.id for r in package.relationships(source)}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def _insert_before_close(xml: bytes, root: str, elements: Iterable[str]) -> bytes:
    text = xml.decode("utf-8")
    end = text.rfind(f"</{root}>")
    if end < 0:  # an empty root element: <Relationships .../>
        empty = text.rfind("/>")
        head = text[:empty]
        return (head + ">" + "".join(elements) + f"</{root}>" + text[empty + 2:]).encode("utf-8")
    return (text[:end] + "".join(elements) + text[end:]).encode("utf-8")


def relationships_xml(rels: Iterable[tuple[str, str, str]]) -> bytes:
    """A new .rels part from (id, type, target) triples."""
    body = "".join(f"<Relationship Id={quoteattr(i)} Type={quoteattr(t)} Target={quoteattr(g)}/>" for i, t, g in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{_REL_NS}">{body}'
            "</Relationships>").encode()


def add_relationships(xml: bytes | None, rels: Iterable[tuple[str, str, str]]) -> bytes:
    """`xml` (a .rels part, or None for a new one) with (id, type, target) relationships appended."""
    rels = list(rels)
    if xml is None:
        return relationships_xml(rels)
    return _insert_before_close(xml, "Relationships", (
        f"<Relationship Id={quoteattr(i)} Type={quoteattr(t)} Target={quoteattr(g)}/>" for i, t, g in rels))


def add_content_types(xml: bytes, overrides: Mapping[str, str], defaults: Mapping[str, str] | None = None) -> bytes:
    """[Content_Types].xml with Default (extension → type) and Override (part → type) entries appended."""
    items = [f"<Default Extension={quoteattr(ext)} ContentType={quoteattr(t)}/>" for ext, t in (defaults or {}).items()]
    items += [f"<Override PartName={quoteattr('/' + part)} ContentType={quoteattr(t)}/>" for part, t in overrides.items()]
    return _insert_before_close(xml, "Types", items)


def rewrite(data: bytes, replace: Mapping[str, bytes], add: Mapping[str, bytes]) -> bytes:
    """The zip with some members replaced and others appended (in the given order).

    Members keep their place, time stamp and compression; new members take the time stamp of [Content_Types].xml,
    so a reproducible book stays reproducible.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        stamp = src.getinfo(CONTENT_TYPES).date_time
        for info in src.infolist():
            dst.writestr(_copy_info(info.filename, info.date_time, info.external_attr),
                         replace.get(info.filename, src.read(info.filename)))
        for name, content in add.items():
            if name in src.namelist():
                raise ValueError(f"{name} is already in the package")
            dst.writestr(_copy_info(name, stamp, 0o600 << 16), content)
    return out.getvalue()


def _copy_info(name: str, date_time: tuple[int, int, int, int, int, int], attr: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = attr
    return info
