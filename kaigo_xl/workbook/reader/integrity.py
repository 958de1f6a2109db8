"""Is this still our template? The version, the input sheets, the defined names and merged input cells.

A renamed sheet, inserted rows (the defined names moved) or merged input cells would make fixed addresses read the
wrong cells; each is reported with what to undo instead of reading nonsense.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from kaigo_xl.findings import Finding, finding
from kaigo_xl.workbook import layout as L
from kaigo_xl.workbook.reader.cells import CellReader, Grid, SheetValues
from kaigo_xl.xlsx.refs import column_letters, name_target, split_ref

SHEETS_TO_READ = L.INPUT_SHEETS  # (and the sheet KX_TEMPLATE_VERSION points at: 設定 in books before 2025.2)


def template_version(grids: Mapping[str, Grid], names: Mapping[str, str]) -> tuple[str | None, str]:
    """The book's template version (None without its sheet) and where it is (KX_TEMPLATE_VERSION: 施設情報!D1, or
    設定!C8 in books before 2025.2)."""
    sheet, ref = L.S_FACILITY, L.VERSION_CELL
    target = name_target(names.get("KX_TEMPLATE_VERSION", ""))
    if target and target[0] in grids:
        sheet, ref = target[0], target[1].split(":")[0]
    if sheet not in grids:
        return None, L.cell(sheet, ref)
    return CellReader().text(SheetValues(sheet, grids[sheet]), ref), L.cell(sheet, ref)


def legacy_version(version: str | None) -> bool:
    """A book of a version with one column of monthly figures (2025.1), read as it was then."""
    return version in L.LEGACY_VERSIONS


def check_template_version(r: CellReader, version: str | None, loc: str) -> None:
    """TEMPLATE_OLD when the book is not of a layout this reader knows (設定!C8 / KX_TEMPLATE_VERSION): `version`
    and `loc` as template_version gives them."""
    if version is None and loc.split("!")[0] in L.INPUT_SHEETS:
        return  # the sheet holding the version is missing: SHEET_MISSING says so, with what to do
    if version is None:
        r.findings.append(finding("TEMPLATE_OLD", f"「{loc.split('!')[0]}」シートがないため様式の版を確認できません。"
                                  f"最新の様式（版 {L.TEMPLATE_VERSION}）をお使いください。", loc))
        return
    if version in L.LEGACY_VERSIONS:
        r.findings.append(finding("TEMPLATE_OLD", f"このブックは版「{version}」の様式です。月別職員数の1つの列を、計画書では"
                                  "見込み、実績報告書では実績として読みました（以前と同じ読み方）。見込みと実績を分けて入力できる"
                                  f"最新の様式（版 {L.TEMPLATE_VERSION}）をお使いください。", loc))
        return
    if version not in L.COMPATIBLE_VERSIONS:
        shown = f"版「{version}」" if version else "版の記載がない様式"
        r.findings.append(finding("TEMPLATE_OLD", f"このブックは{shown}です。このツールは版 "
                                  f"{'・'.join(sorted(L.COMPATIBLE_VERSIONS))} の様式を読みます。市区町村から配布された"
                                  f"最新の様式（版 {L.TEMPLATE_VERSION}）に入力し直してください。", loc))


def missing_sheets(grids: Mapping[str, Grid], names: Mapping[str, str], source: str) -> list[Finding]:
    """SHEET_MISSING for each input sheet that is not there, guessing what it was renamed to."""
    if all(sheet in grids for sheet in L.INPUT_SHEETS):
        return []  # (the usual book: nothing to guess)
    book = f"ブック「{PurePosixPath(source.replace(chr(92), '/')).name}」" if source else "ブック"
    renamed: dict[str, str] = {}
    for name, expected in _EXPECTED_TARGETS:
        actual = name_target(names.get(name, ""))
        if expected and actual and actual[0] != expected[0] and actual[0] in grids:
            renamed[expected[0]] = actual[0]
    out = []
    for sheet in L.INPUT_SHEETS:
        if sheet in grids:
            continue
        guess = renamed.get(sheet) or next(iter(difflib.get_close_matches(sheet, list(grids), n=1, cutoff=0.6)), None)
        if guess is None:
            guess = next((g for g in grids if sheet in g), None)
        hint = (f"シート名が「{guess}」に変わっているようです。シート名を「{sheet}」に戻してください。" if guess
                else "シートが削除されたか名前が変わっています。配布された様式のシートを元に戻してください。")
        out.append(finding("SHEET_MISSING", f"{book}に「{sheet}」シートがありません。{hint}", sheet))
    return out


# Where each defined name of the template points (None for a name that is not a plain reference).
_EXPECTED_TARGETS = tuple((name, name_target(ref)) for name, ref in L.NAMES.items())


@functools.cache
def _input_cells() -> dict[str, frozenset[tuple[int, int]]]:
    """Every cell the reader takes a value from, per sheet, as (row, column): the yellow cells and the version."""
    refs = {**L.INPUT_CELLS, L.S_FACILITY: (*L.INPUT_CELLS[L.S_FACILITY], L.VERSION_CELL)}
    return {sheet: frozenset(split_ref(r) for r in cells) for sheet, cells in refs.items()}


def moved_names(names: Mapping[str, str]) -> list[Finding]:
    """LAYOUT_CHANGED when a defined name of an input sheet no longer points where the layout has it: rows or
    columns were inserted or deleted, so every fixed cell address of the reader would read the wrong cell.
    One finding per sheet."""
    moved: dict[str, list[tuple[str, str, str]]] = {}
    for name, expected in _EXPECTED_TARGETS:
        if not expected or expected[0] not in SHEETS_TO_READ or name not in names or names[name] == L.NAMES[name]:
            continue  # (a name written as the template writes it points where the layout has it)
        actual = name_target(names[name])
        if actual == expected or (actual and actual[0] != expected[0]):
            continue  # unchanged, or on a renamed sheet (SHEET_MISSING says so)
        moved.setdefault(expected[0], []).append((name, actual[1] if actual else names[name].lstrip("="), expected[1]))
    out = []
    for sheet, [(name, now, was), *more] in moved.items():
        also = f"（{'・'.join(m[0] for m in more)} も同様）" if more else ""
        out.append(finding("LAYOUT_CHANGED", f"「{sheet}」シートの名前 {name} が {now} を指しています（様式では {was}）{also}。"
                           "行や列が挿入・削除されて入力欄の位置がずれているため、読み込めません。挿入・削除した行や列を"
                           "元に戻すか、配布された様式に入力し直してください。", L.cell(sheet, was.split(":")[0])))
    return out


def merged_inputs(merged: Mapping[str, Sequence[str]]) -> list[Finding]:
    """LAYOUT_CHANGED for merged input cells: Excel keeps only the top-left value of a merge, so the others are lost."""
    out = []
    for sheet, ranges in merged.items():
        for rng in ranges:
            at = _merged_input(sheet, rng)
            if at is not None:
                out.append(finding("LAYOUT_CHANGED", f"入力欄 {rng} が結合されています。結合したセルは左上の値しか残らず、"
                                   "ほかの入力が消えます。「セルの結合」を解除し、1つのセルに1つの値を入力してください。",
                                   L.cell(sheet, at)))
    return out


@functools.lru_cache(maxsize=1024)
def _merged_input(sheet: str, rng: str) -> str | None:
    """The first input cell (row by row) inside the merged range `rng` of `sheet`, or None. (Kept: every book of
    the template has the same merged ranges.)"""
    inputs = _input_cells().get(sheet, frozenset())
    first, _, last = rng.replace("$", "").partition(":")
    (r0, c0), (r1, c1) = split_ref(first), split_ref(last or first)
    if (r1 - r0 + 1) * (c1 - c0 + 1) <= 400:
        hit = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) in inputs]
    else:
        hit = sorted(x for x in inputs if r0 <= x[0] <= r1 and c0 <= x[1] <= c1)
    return f"{column_letters(hit[0][1])}{hit[0][0]}" if hit else None
