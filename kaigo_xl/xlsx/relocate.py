"""Moving whole columns of a sheet to another sheet, with every reference to them: formulas in every sheet, defined
names, conditional formats and data validations.

Why: a sheet's hidden helper columns (long formulas that read numbers typed as text, counts for the checks) are most
of its XML, and every reader of the sheet parses them although it only wants the inputs. Moved to a hidden sheet of
their own, at the same addresses, they compute exactly what they computed; the input sheet keeps only what a person
sees, so reading it costs a fraction.

A reference is moved when all of its columns moved; a range that spans moved and kept columns cannot be expressed
on one sheet and is refused (ValueError naming it), so a builder can never be silently broken. Text inside string
literals ("…") is never touched. Pure text work on formulas (regular expressions), so it runs in milliseconds on a
whole workbook; openpyxl is used only to walk the workbook.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kaigo_xl.xlsx.refs import column_number, quote_sheet, split_col, unquote_sheet

_STRING = re.compile(r'"(?:[^"]|"")*"')
# a cell or range, optionally on a sheet; not part of a longer name, not a function call (LOG10(…)), not a sheet name
_REF = re.compile(r"""(?<![\w.$'!:])(?:(?P<sheet>'(?:[^']|'')+'|[^\W\d][\w.]*)!)?"""
                  r"""(?P<ref>\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)(?![\w(!:])""")


@dataclass(frozen=True)
class Move:
    """Columns (numbers) of `sheet` that now live at the same addresses on `to`."""

    sheet: str
    columns: frozenset[int]
    to: str


def _columns(ref: str) -> range:
    first, _, last = ref.replace("$", "").partition(":")
    a, b = column_number(split_col(first)[0]), column_number(split_col(last or first)[0])
    return range(min(a, b), max(a, b) + 1)


def rewrite(formula: str, origin: str | None, location: str | None, moves: Mapping[str, Move]) -> str:
    """`formula`, written on sheet `origin` (None: a defined name, every reference qualified) and now standing on
    sheet `location`, with its references following `moves` (sheet → Move)."""

    def one(m: re.Match[str]) -> str:
        explicit = unquote_sheet(m.group("sheet")) if m.group("sheet") else None
        target = explicit or origin
        ref = m.group("ref")
        move = moves.get(target or "")
        if move is not None:
            cols = set(_columns(ref))
            inside = cols & move.columns
            if inside and inside != cols:
                raise ValueError(f"{target}!{ref} spans moved and kept columns")
            if inside:
                target = move.to
        if target is None or target == explicit or (explicit is None and target == location):
            return m.group(0)
        return f"{quote_sheet(target)}!{ref}"

    pieces = []
    last = 0
    for s in _STRING.finditer(formula):
        pieces.append(_REF.sub(one, formula[last:s.start()]))
        pieces.append(s.group(0))
        last = s.end()
    pieces.append(_REF.sub(one, formula[last:]))
    return "".join(pieces)


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


LONG_FORMULA = 100  # characters: a longer formula of a kept cell is computed on the helper sheet (see move_columns)


def move_columns(wb: Workbook, moves: list[Move], prepare: Callable[[Worksheet], None] | None = None) -> None:
    """Move the cells of each Move's columns to its sheet (created at the end, hidden, after `prepare`), and
    rewrite every reference in the workbook so that every formula computes what it did.

    A kept cell of a moved sheet whose formula is long is computed on the helper sheet too: the formula goes to the
    same address there and the cell shows it (`='…（計算用）'!K6`), so the sheet a reader parses holds short links."""
    by_sheet = {m.sheet: m for m in moves}
    for move in moves:
        if move.to not in wb.sheetnames:
            helper = wb.create_sheet(move.to)
            helper.sheet_state = "hidden"
            if prepare is not None:
                prepare(helper)
    mirrored: dict[tuple[str, str], str] = {}  # (helper sheet, address) → the formula computed there
    for ws in wb.worksheets:  # formulas first, where they stand now
        _rewrite_cells(ws, by_sheet, mirrored)
        _rewrite_rules(ws, by_sheet)
    for name in wb.defined_names.values():
        if name.attr_text:
            name.attr_text = rewrite(name.attr_text, None, None, by_sheet)
    for move in moves:
        _transfer(wb[move.sheet], wb[move.to], move.columns)
    for (sheet, address), formula in mirrored.items():
        wb[sheet][address] = formula


def _rewrite_cells(ws: Worksheet, moves: Mapping[str, Move], mirrored: dict[tuple[str, str], str]) -> None:
    """Every formula of `ws` rewritten for where it will stand; long ones of a moved sheet go to `mirrored`."""
    move = moves.get(ws.title)
    for row in ws.iter_rows():
        for cell in row:
            if not _is_formula(cell.value):
                continue
            if move is not None and cell.column in move.columns:
                cell.value = rewrite(cell.value, ws.title, move.to, moves)
                continue
            here = rewrite(cell.value, ws.title, ws.title, moves)
            if move is not None and len(here) > LONG_FORMULA:
                mirrored[(move.to, cell.coordinate)] = rewrite(cell.value, ws.title, move.to, moves)
                here = f"={quote_sheet(move.to)}!{cell.coordinate}"
            cell.value = here


def _rewrite_rules(ws: Worksheet, moves: Mapping[str, Move]) -> None:
    """Conditional formats and validations stay on `ws`; their formulas follow the moved cells."""
    for rules in ws.conditional_formatting._cf_rules.values():  # noqa: SLF001 - openpyxl has no public iterator
        for rule in rules:
            rule.formula = [rewrite(f, ws.title, ws.title, moves) for f in rule.formula or ()]
    for dv in ws.data_validations.dataValidation:
        for attr in ("formula1", "formula2"):
            value = getattr(dv, attr)
            if value:
                setattr(dv, attr, rewrite(value, ws.title, ws.title, moves))


def _transfer(source: Worksheet, target: Worksheet, columns: frozenset[int]) -> None:
    """The values (formulas already rewritten) of `columns` from `source` to the same addresses on `target`."""
    cells = source._cells  # noqa: SLF001 - openpyxl has no public way to delete a cell
    for (row, col) in [key for key in cells if key[1] in columns]:
        value = cells.pop((row, col)).value
        if value is not None:
            target.cell(row=row, column=col, value=value)
