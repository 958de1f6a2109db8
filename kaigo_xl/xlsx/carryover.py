"""Keeping what openpyxl drops: compare a workbook before and after openpyxl rewrote it, put back every part it
dropped that nothing it rewrote points at, and name in Japanese whatever would still be lost.

openpyxl reads what it understands and writes only that. Parts reached only through a relationship of the package
or of the workbook, with no reference inside a part openpyxl rewrites (an add-in's task pane and code, custom XML,
a thumbnail …), can be carried over verbatim with their own relationships and content types. What hangs off a
sheet or a drawing, what cells point into by index (dynamic-array metadata, rich values), sheet extensions
(sparklines, Excel 2010 conditional formats and validations, slicers) and shapes cannot: the caller must refuse
to write (exit code 4) rather than lose them. Parts Excel rebuilds by itself (calculation chain, printer settings,
chart styles) are let go. Nothing here knows our template.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kaigo_xl.xlsx.opc import (
    CONTENT_TYPES,
    ROOT_RELS,
    OpcPackage,
    Relationship,
    add_content_types,
    add_relationships,
    relative,
    rels_part,
    rewrite,
)
from kaigo_xl.xlsx.package import WORKBOOK_PART

_SS = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_OD = "application/vnd.openxmlformats-officedocument."
_MS = "application/vnd.ms-excel."
# Parts openpyxl reads and writes again, perhaps under another name: compared by count.
REGENERATED = {
    _SS + "worksheet+xml": "シート", _SS + "chartsheet+xml": "グラフシート", _OD + "drawing+xml": "図（画像・グラフ）",
    _OD + "drawingml.chart+xml": "グラフ", _SS + "comments+xml": "コメント", _OD + "vmlDrawing": "コメントの図",
    _SS + "table+xml": "テーブル", _SS + "pivotTable+xml": "ピボットテーブル",
    _SS + "pivotCacheDefinition+xml": "ピボットテーブル", _SS + "pivotCacheRecords+xml": "ピボットテーブル",
    _SS + "externalLink+xml": "外部参照",
}
# Rebuilt by Excel on its own, nothing a user made.
LET_GO = {_SS + "calcChain+xml", _SS + "printerSettings", "application/vnd.ms-office.chartstyle+xml",
          "application/vnd.ms-office.chartcolorstyle+xml"}
# Cells point into these by index; openpyxl drops those pointers, so the parts alone would mean nothing.
NEVER_CARRY = {_SS + "sheetMetadata+xml": "動的配列の数式（スピル）の情報", _MS + "rdrichvalue+xml": "セル内の画像・データ型",
               _MS + "rdrichvaluestructure+xml": "セル内の画像・データ型", _MS + "rdarray+xml": "セル内の画像・データ型",
               _MS + "rdsupportingpropertybag+xml": "セル内の画像・データ型",
               _MS + "rdsupportingpropertybagstructure+xml": "セル内の画像・データ型",
               _MS + "rdrichvaluetypes+xml": "セル内の画像・データ型"}
LABELS = {
    _MS + "threadedcomments+xml": "スレッド形式のコメント", _MS + "person+xml": "コメントの作成者",
    _SS + "ctrlProps+xml": "フォームコントロール", _MS + "controlproperties+xml": "フォームコントロール",
    _MS + "slicer+xml": "スライサー", _MS + "slicerCache+xml": "スライサー", _MS + "timeline+xml": "タイムライン",
    _MS + "timelineCache+xml": "タイムライン", _OD + "oleObject": "埋め込みオブジェクト",
    "application/vnd.ms-office.vbaProject": "マクロ", _SS + "queryTable+xml": "外部データの取り込み",
    _SS + "connections+xml": "データ接続", "application/vnd.ms-office.webextension+xml": "Office アドインの設定",
    "application/vnd.ms-office.webextensiontaskpanes+xml": "Office アドインの作業ウィンドウ",
    _MS + "sheet.binary.macroEnabled.main": "マクロ",
}
SHEET_EXTENSIONS = {
    "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}": "スパークライン",
    "{78C0D931-6437-407d-A8EE-F0AAD7539E65}": "条件付き書式（Excel 2010 以降の拡張）",
    "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}": "入力規則（ほかのシートを参照する一覧など）",
    "{A8765BA9-456A-4dab-B4F3-ACF838C121DE}": "スライサー", "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}": "スライサー",
    "{7E03D99C-DC04-49d9-9315-930204A7B6E9}": "タイムライン",
}
# Workbook extensions Excel writes into nearly every file (chart tracking, calculation features, x14 options).
HARMLESS_BOOK_EXTENSIONS = {"{140A7094-0E35-4892-8432-C4D2E57EDEB5}", "{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}",
                            "{79F54976-1DA5-4618-B147-4CDE4B953A38}"}
_EXT = re.compile(rb'<(?:\w+:)?ext\b[^>]*\buri="([^"]+)"')
_SHAPE = re.compile(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)\b|<mc:AlternateContent\b")
_REL_ID = re.compile(rb'\b(?:r:)?id="([^"]+)"')


@dataclass
class CarryOver:
    """The rewritten bytes with what could be kept put back; `lost` names (in Japanese) what could not."""

    data: bytes
    kept: list[str] = field(default_factory=list)  # parts carried over
    lost: list[str] = field(default_factory=list)  # labels of what the rewritten book would lack


def carry_over(original: bytes, rewritten: bytes) -> CarryOver:
    """Put back into `rewritten` (openpyxl's save of `original`) the parts it dropped that can be kept."""
    before, after = OpcPackage(original), OpcPackage(rewritten)
    lost = _count_losses(before, after) + _extension_losses(before, after) + _shape_losses(before, after)
    dropped = {p for p in before.parts if p not in after.parts and not p.endswith(".rels") and p != CONTENT_TYPES
               and _kind(before, p) not in LET_GO and _named(_kind(before, p)) == ""}
    carried = _carryable(before, after, dropped)
    lost += [_label(before, p) for p in sorted(dropped - carried)]
    result = CarryOver(rewritten, sorted(carried), list(dict.fromkeys(lost)))
    if carried:
        result.data = _put_back(before, after, rewritten, carried)
    return result


def _label(package: OpcPackage, part: str) -> str:
    kind = package.content_type(part)
    return NEVER_CARRY.get(kind) or LABELS.get(kind) or f"Excel の部品 {part}"


def _count_losses(before: OpcPackage, after: OpcPackage) -> list[str]:
    """Fewer images, charts, comments, tables … than before (openpyxl renames these parts, so they are counted)."""
    old, new = (Counter(_named(_kind(p, name)) for name in p.parts) for p in (before, after))
    return [label for label in dict.fromkeys([*REGENERATED.values(), "画像"]) if new[label] < old[label]]


def _kind(package: OpcPackage, part: str) -> str:
    """The part's content type; a picture of the sheets (xl/media/, also without a declared type) is "image"."""
    return "image" if part.startswith("xl/media/") else package.content_type(part)


def _named(kind: str) -> str:
    return "画像" if kind == "image" else REGENERATED.get(kind, "")


def _extension_losses(before: OpcPackage, after: OpcPackage) -> list[str]:
    """Extensions (<ext uri=…>) of sheets and of the workbook that the rewritten parts no longer hold."""
    lost: list[str] = []
    for kind, harmless in ((_SS + "worksheet+xml", set()), (_SS + "sheet.main+xml", HARMLESS_BOOK_EXTENSIONS)):
        old = Counter(u.decode() for p in before.parts if before.content_type(p) == kind for u in _EXT.findall(before.parts[p]))
        new = Counter(u.decode() for p in after.parts if after.content_type(p) == kind for u in _EXT.findall(after.parts[p]))
        lost += [SHEET_EXTENSIONS.get(uri, f"Excel の拡張情報（{uri}）") for uri in sorted(old)
                 if uri not in harmless and new[uri] < old[uri]]
    return lost


def _shape_losses(before: OpcPackage, after: OpcPackage) -> list[str]:
    """Shapes, text boxes, buttons and controls in drawings: openpyxl keeps only pictures and charts."""
    def shapes(package: OpcPackage) -> int:
        return sum(len(_SHAPE.findall(package.parts[p])) for p in package.parts
                   if package.content_type(p) == _OD + "drawing+xml")

    return ["図形（テキストボックス・ボタンなど）"] if shapes(after) < shapes(before) else []


def _carryable(before: OpcPackage, after: OpcPackage, dropped: set[str]) -> set[str]:
    """The dropped parts reached only from the package root or, implicitly, from the workbook, with their subtrees."""
    rels = before.all_relationships()
    incoming: dict[str, list[Relationship]] = {}
    for r in rels:
        if not r.external:
            incoming.setdefault(r.target, []).append(r)
    book_ids = set(_REL_ID.findall(before.parts.get(WORKBOOK_PART, b"")))
    carried: set[str] = set()
    changed = True
    while changed:
        changed = False
        for part in sorted(dropped - carried):
            if before.content_type(part) in NEVER_CARRY or not incoming.get(part):
                continue
            if all(_anchor_ok(r, carried, book_ids) for r in incoming[part]) and _targets_ok(before, after, part, dropped):
                carried.add(part)
                changed = True
    return carried


def _anchor_ok(rel: Relationship, carried: set[str], book_ids: set[bytes]) -> bool:
    if rel.source == "":
        return True
    if rel.source == WORKBOOK_PART:
        return rel.id.encode() not in book_ids  # implicit: workbook.xml never names it
    return rel.source in carried


def _targets_ok(before: OpcPackage, after: OpcPackage, part: str, dropped: set[str]) -> bool:
    """A carried part may point only at other dropped parts, outside the package, or at parts left unchanged."""
    return all(r.external or r.target in dropped or after.parts.get(r.target) == before.parts.get(r.target)
               for r in before.relationships(part))


def _put_back(before: OpcPackage, after: OpcPackage, rewritten: bytes, carried: set[str]) -> bytes:
    add = {p: before.parts[p] for p in sorted(carried)}
    add |= {rels_part(p): before.parts[rels_part(p)] for p in sorted(carried) if rels_part(p) in before.parts}
    replace: dict[str, bytes] = {}
    types = {p: before.content_type(p) for p in sorted(carried) if after.content_type(p) != before.content_type(p)}
    if types:
        replace[CONTENT_TYPES] = add_content_types(after.parts[CONTENT_TYPES], types)
    for source in ("", WORKBOOK_PART):
        new = [r for r in before.relationships(source) if r.target in carried]
        if not new:
            continue
        ids = _fresh_ids(after, source, [r.id for r in new])
        name = ROOT_RELS if source == "" else rels_part(source)
        replace[name] = add_relationships(after.parts.get(name), [
            (rid, r.type, r.target if source == "" else relative(source, r.target)) for rid, r in zip(ids, new)])
    return rewrite(rewritten, replace, add)


def _fresh_ids(after: OpcPackage, source: str, wanted: list[str]) -> list[str]:
    """The original ids where still free in the rewritten part's relationships, else the next free rIdN."""
    used = {r.id for r in after.relationships(source)}
    out = []
    for rid in wanted:
        n = 1
        while rid in used:
            rid, n = f"rId{n}", n + 1
        used.add(rid)
        out.append(rid)
    return out
