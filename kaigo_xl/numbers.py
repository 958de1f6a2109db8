"""Exact numbers in and out: the one home for turning spreadsheet doubles into Decimals and exact results into what a
cell, a JSON file or a printed form shows.

Money is int yen and FTEs are Decimal inside the tool; binary floats appear only at the edges (a cell value read from
a file or from Excel, a number written to a cell or to JSON), and only through these functions.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

EXCEL_DIGITS = 15  # Excel keeps and shows 15 significant digits


def decimal_from_double(x: float) -> Decimal:
    """A spreadsheet number as the decimal the user typed: 10.5 → 10.5, 0.1 → 0.1, never 0.1000000000000000055….

    Excel keeps 15 significant digits, so a binary double is read back at 15 significant digits; a formula result
    such as 0.1+0.2 (0.30000000000000004 in binary) becomes 0.3, as Excel shows it. Never `Decimal(float)`.
    Raises ValueError for infinities and NaN (no cell holds them).
    """
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    d = Decimal(format(x, f".{EXCEL_DIGITS}g"))
    if d.is_zero():
        return Decimal(0)  # -0.0 is 0
    if d == d.to_integral_value() and d.adjusted() < 28:
        return d.quantize(Decimal(1))  # 1E+2 → 100 (within Decimal's 28 digits; larger values stay as they are)
    return d


def as_decimal(value: Decimal | Fraction | int, places: int | None = None) -> Decimal:
    """An exact value as a Decimal; with `places`, rounded half up to that many decimals (for display and JSON)."""
    if isinstance(value, Fraction):
        d = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        d = Decimal(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    d = d.normalize()
    exponent = d.as_tuple().exponent
    return d.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else d  # 1E+2 → 100


def json_number(value: Decimal | Fraction | int, places: int = 6) -> int | float:
    """A number for JSON: an int when whole, otherwise the value rounded to `places` decimals as a float."""
    d = as_decimal(value, places)
    return int(d) if d == d.to_integral_value() else float(d)


def cell_number(value: Decimal | Fraction | int) -> int | float:
    """A number for an Excel cell (a double): ints stay ints (money never passes through a float); others are the
    nearest double to the exact value."""
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value.numerator / value.denominator
    return int(value) if value == value.to_integral_value() else float(value)


def exact_cell_value(value: Decimal | int | None) -> Decimal | int | None:
    """A number for openpyxl to write exactly: a whole Decimal as int, another Decimal as itself (openpyxl writes its
    decimal text, so 10.5 is stored as "10.5", not as a double's digits)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def fte_text(value: Decimal | Fraction | None) -> str | None:
    """An FTE as printed: at least one decimal (10.5, 8.0), more only when entered (10.25)."""
    if value is None:
        return None
    d = as_decimal(value) if isinstance(value, Fraction) else Decimal(value)
    return f"{d:.1f}" if d == d.quantize(Decimal("0.1")) else format(d.normalize(), "f")
