"""The reader's own findings as formulas: INPUT_INVALID (a cell it cannot use) and INPUT_NORMALISED (a cell it reads
after rewriting it), counted cell by cell in the order it reads the sheets, with the first such cell.

The reader (kaigo_xl.workbook.reader) goes: 施設情報 top to bottom, 月別職員数 (the input method, the 見込み month by
month, then the 実績 typed or the 勤務形態一覧 row by row), 取組 row by row, 経費 row by row; within a row, left to
right. Cells that the formulas cannot judge as the reader does — the year and the submission date typed as text
(令和7年度, 令和8年4月30日), an item number typed as a number (17 for ⑰) — are left out (README).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template import formulas as F
from kaigo_xl.workbook.template.facility import field_invalid, field_normalised
from kaigo_xl.workbook.template.monthly import DIRECT_METHOD, ROSTER_METHOD

_METHOD = F.ref(layout.S_MONTHLY, layout.INPUT_METHOD_CELL)
_ROSTER_WEEK = F.ref(layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL)


@dataclass(frozen=True)
class Part:
    """One stretch of the reading: how many findings (a number) and the first one's place (text, "" when none)."""

    count: str
    first: str


def _cells(sheet: str, col: str) -> str:
    r0, r1 = layout.MONTHLY_ROWS[0], layout.MONTHLY_ROWS[-1]
    return f"'{sheet}'!${col}${r0}:${col}${r1}"


def _place(sheet: str, row: str, col: str) -> str:
    """'月別職員数!C8' from a row number and a column number (both formulas)."""
    return f'"{sheet}!"&ADDRESS({row},{col},4)'


def _fixed(sheet: str, cells: list[tuple[str, str]]) -> Part:
    """Single cells read in order: (cell, condition)."""
    count = "+".join(f"IF({cond},1,0)" for _, cond in cells) or "0"
    first = '""'
    for cell, cond in reversed(cells):
        plain = cell.split("!")[-1].replace("$", "")
        first = f'IF({cond},"{sheet}!{plain}",{first})'
    return Part(count, first)


def _monthly_pairs(fte_col: str, tok_col: str, test, when: str) -> Part:
    """The months of one pair of columns, 職員数 before 特定施設 (`test` gives the condition array of a column)."""
    sh = layout.S_MONTHLY
    vf = _cells(sh, F.NUM_HELPER_COLS[sh][fte_col][-1])
    vt = _cells(sh, F.NUM_HELPER_COLS[sh][tok_col][-1])
    a, b = test(vf, fte_col), test(vt, tok_col)
    row = F.first_row(f"(({a})+({b}))>0", vf)
    col_f, col_t = (str(_col(c)) for c in (fte_col, tok_col))
    first_col = f"IF({F.at_row(a, vf, row)}>0,{col_f},{col_t})"
    return Part(f"IF({when},SUMPRODUCT(({a})+({b})),0)",
                f'IF(AND({when},{row}>0),{_place(sh, row, first_col)},"")')


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _rows(sheet: str, rows: tuple[int, ...], count_col: str, first_col: str | int, when: str = "TRUE") -> Part:
    """Rows with a per-row count column and a first-cell column (a column number, 0 when none), or one fixed column
    number for every row."""
    rng = f"'{sheet}'!${count_col}${rows[0]}:${count_col}${rows[-1]}"
    if isinstance(first_col, int):
        row, col = F.first_row(f"{rng}>0", rng), str(first_col)
    else:
        firsts = f"'{sheet}'!${first_col}${rows[0]}:${first_col}${rows[-1]}"
        row = F.first_row(f"{firsts}>0", firsts)
        col = f"INDEX({firsts},{row}-{rows[0] - 1})"
    count = f"SUMPRODUCT(--({rng}>0))" if count_col == first_col else f"SUMPRODUCT({rng})"  # one per row
    return Part(f"IF({when},{count},0)", f'IF(AND({when},{row}>0),{_place(sheet, row, col)},"")')


def _chain(parts: list[Part]) -> Part:
    count = "+".join(f"({p.count})" for p in parts)
    first = '""'
    for p in reversed(parts):
        first = f'IF({p.first}<>"",{p.first},{first})'
    return Part(count, first)


def input_invalid() -> Part:
    """INPUT_INVALID: every cell the reader refuses, in reading order."""
    fac = [(layout.FIELD_BY_KEY[f.key].cell, cond) for f in layout.FACILITY_FIELDS
           if (cond := field_invalid(f.key)) is not None]
    method = f"NOT({F.choice_ok(_METHOD, layout.INPUT_METHODS)})"
    week = F.num_value_ref(layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL)
    roster_week = f"AND({ROSTER_METHOD},OR({F.unreadable(week)},AND(ISNUMBER({week}),N({week})<=0)))"
    r = layout.ROSTER_ROWS
    return _chain([
        _fixed(layout.S_FACILITY, fac),
        _fixed(layout.S_MONTHLY, [(_METHOD, method)]),
        _monthly_pairs(layout.COL_FTE, layout.COL_TOKUTEI, _unreadable, "TRUE"),
        _monthly_pairs(layout.COL_ACTUAL_FTE, layout.COL_ACTUAL_TOKUTEI, _unreadable, DIRECT_METHOD),
        _fixed(layout.S_ROSTER, [(_ROSTER_WEEK, roster_week)]),
        _rows(layout.S_ROSTER, r, layout.ROSTER_COL_BAD, layout.ROSTER_COL_FIRST_BAD, _roster_read()),
        _rows(layout.S_INITIATIVES, _initiative_rows(), layout.INI_COL_BAD, layout.INI_COL_BAD),  # one per row
        _rows(layout.S_EXPENSES, layout.EXPENSE_ROWS, layout.EXP_COL_BAD, layout.EXP_COL_FIRST_BAD),
    ])


def input_normalised() -> Part:
    """INPUT_NORMALISED: every cell the reader reads after rewriting it (numbers typed as text, choices written
    differently), in reading order."""
    fac = [(layout.FIELD_BY_KEY[f.key].cell, cond) for f in layout.FACILITY_FIELDS
           if (cond := field_normalised(f.key)) is not None]
    exact = ",".join(f"EXACT(TRIM({_METHOD}),{F.text(m)})" for m in layout.INPUT_METHODS)
    method = f"AND(NOT({F.is_blank(_METHOD)}),{F.choice_ok(_METHOD, layout.INPUT_METHODS)},NOT(OR({exact})))"
    x = _ROSTER_WEEK
    _, strip, _, week = (F.ref(layout.S_ROSTER, c) for c in F.num_cells(layout.S_ROSTER, layout.ROSTER_WEEKLY_HOURS_CELL))
    r = layout.ROSTER_ROWS
    return _chain([
        _fixed(layout.S_FACILITY, fac),
        _fixed(layout.S_MONTHLY, [(_METHOD, method)]),
        _monthly_pairs(layout.COL_FTE, layout.COL_TOKUTEI, _rewritten, "TRUE"),
        _monthly_pairs(layout.COL_ACTUAL_FTE, layout.COL_ACTUAL_TOKUTEI, _rewritten, DIRECT_METHOD),
        _fixed(layout.S_ROSTER, [(x, f"AND({_roster_read()},{F.normalised(x, strip, week)})")]),
        _rows(layout.S_ROSTER, r, layout.ROSTER_COL_NORMALISED, layout.ROSTER_COL_FIRST_NORMALISED, _roster_read()),
        _rows(layout.S_INITIATIVES, _initiative_rows(), layout.INI_COL_NORMALISED, _col(layout.INI_COL_STATUS)),
        _rows(layout.S_EXPENSES, layout.EXPENSE_ROWS, layout.EXP_COL_NORMALISED, layout.EXP_COL_FIRST_NORMALISED),
    ])


def _roster_read() -> str:
    """The reader opens the roster when the 実績 come from it (a chosen or guessed 勤務形態一覧)."""
    return f"NOT({DIRECT_METHOD})"


def _initiative_rows() -> tuple[int, ...]:
    return tuple(range(min(layout.INITIATIVE_FIXED_ROWS.values()), layout.INITIATIVE_EXTRA_ROWS[-1] + 1))


def _unreadable(values: str, col: str) -> str:
    del col
    return f'({values}="{F.NOT_A_NUMBER}")*1'


def _rewritten(values: str, col: str) -> str:
    """Typed text read as a number after rewriting (the value helper a number, the text not plain digits)."""
    sh = layout.S_MONTHLY
    x = _cells(sh, col)
    strip = _cells(sh, F.NUM_HELPER_COLS[sh][col][1])
    return f'ISTEXT({x})*ISNUMBER({values})*({x}<>SUBSTITUTE({strip},",",""))'
