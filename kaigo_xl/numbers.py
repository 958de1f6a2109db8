"""Exact numbers in and out: the one home for turning spreadsheet doubles into Decimals and exact results into what a
cell, a JSON file or a printed form shows.

Money is int yen and FTEs are Decimal inside the tool; binary floats appear only at the edges (a cell value read from
a file or from Excel, a number written to a cell or to JSON), and only through these functions.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

EXCEL_DIGITS = 15  # Excel keeps and shows 15 significant digits

# ---- the bounds of a number a person could have meant: one home for every boundary (JSON, cells, Excel functions,
# the add-in server). Inside them every conversion, comparison and formatting below is fast and exact; outside them
# `int(Decimal("1E+999999999"))` takes minutes, `format(Decimal("1E-999999999"), "f")` a gigabyte, and a float
# becomes inf. No count of staff, hours or yen of this add-on comes anywhere near them.
MAX_ABS = Decimal(10) ** EXCEL_DIGITS  # |x| < 10^15 (1,000兆): beyond it Excel no longer holds every integer
MIN_ABS = Decimal(10) ** -20  # a non-zero |x| below 10^-20 is not a value anyone typed
MAX_NUMBER_CHARS = 100  # a number written as text (JSON, a cell) longer than this is not a number anyone typed
_MAX_INT = 10 ** EXCEL_DIGITS


def shown(value: object, limit: int = 30) -> str:
    """A value as a message may quote it: at most `limit` characters (a 5,000-digit number is not repeated)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 60:
        return f"約{int(abs(value).bit_length() * 0.30103) + 1:,}桁の数"  # never str(): refused beyond 4,300 digits
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TOO_LARGE = "大きすぎます（絶対値が1,000兆未満の数値にしてください）"
_NOT_FINITE = "有限の数値ではありません"


def bound_problem(value: Decimal | int | float | str) -> str | None:
    """Why `value` is not a number a person could have meant (Japanese, for a finding), or None when it is.

    Cheap for any input: the length of a text and the exponent of a Decimal are looked at before any conversion."""
    if type(value) is Decimal:  # (the usual types first, answered as below; other types take the general way)
        return _decimal_problem(value)
    if type(value) is float and (value == 0 or 1e-20 <= abs(value) < 1e14):  # (NaN and inf fail both tests)
        return None
    if isinstance(value, bool):
        return "数値ではありません（TRUE/FALSE）"
    if isinstance(value, int):
        return None if -_MAX_INT < value < _MAX_INT else _TOO_LARGE
    if isinstance(value, float):
        if not math.isfinite(value):
            return _NOT_FINITE
        if value == 0 or 1e-20 <= abs(value) < 1e14:  # (a cell's double: the usual case, decided without Decimal)
            return None
        value = decimal_from_double(value)  # as readers take it: 999,999,999,999,999.9 is 1E+15
    elif isinstance(value, str):
        if len(value) > MAX_NUMBER_CHARS:
            return f"数値として長すぎます（{len(value):,}文字。{MAX_NUMBER_CHARS}文字まで）"
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return "数値として読めません"
    return _decimal_problem(value)


def _decimal_problem(value: Decimal) -> str | None:
    if not value.is_finite():
        return _NOT_FINITE
    if value.is_zero():
        return None
    if value.adjusted() >= EXCEL_DIGITS:
        return _TOO_LARGE
    if value.adjusted() < -20:
        return "小さすぎます（小数点以下20桁までの数値にしてください）"
    return None


def bounded_decimal(value: Decimal | int | float | str) -> Decimal:
    """`value` as a Decimal within the bounds above; raises ValueError (with the Japanese reason) otherwise.

    Floats go through decimal_from_double (15 significant digits, as Excel shows them); zero of any exponent is 0."""
    problem = bound_problem(value)
    if problem is not None:
        raise ValueError(problem)
    if isinstance(value, float):
        return decimal_from_double(value)
    d = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    return Decimal(0) if d.is_zero() else d


def bounded_int(value: int | Decimal | str) -> int:
    """A whole number within the bounds; raises ValueError for anything else (a fraction included)."""
    d = bounded_decimal(value)
    if d != d.to_integral_value():
        raise ValueError("整数ではありません")
    return int(d)


def decimal_from_double(x: float) -> Decimal:
    """A spreadsheet number as the decimal the user typed: 10.5 → 10.5, 0.1 → 0.1, never 0.1000000000000000055….

    Excel keeps 15 significant digits, so a binary double is read back at 15 significant digits; a formula result
    such as 0.1+0.2 (0.30000000000000004 in binary) becomes 0.3, as Excel shows it. Never `Decimal(float)`.
    Raises ValueError for infinities and NaN (no cell holds them).
    """
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    return _from_double(x)


@functools.lru_cache(maxsize=4096, typed=True)
def _from_double(x: float) -> Decimal:
    """decimal_from_double of a finite double, kept for the next book: a workbook's numbers repeat (0, 1, 10.5, …),
    and equal doubles (0.0 and -0.0 too) give the same Decimal."""
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
        with localcontext(prec=min(max(28, d.adjusted() + places + 2), 100)):  # room for any bounded value
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
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() < 28 and value == value.to_integral_value():
        return int(value)  # (only within Decimal's own 28 digits: int(Decimal("1E+999999999")) would take minutes)
    return value


def fte_text(value: Decimal | Fraction | None) -> str | None:
    """An FTE as printed: at least one decimal (10.5, 8.0), more only when entered (10.25)."""
    if value is None:
        return None
    d = as_decimal(value) if isinstance(value, Fraction) else Decimal(value)
    with localcontext(prec=min(max(28, d.adjusted() + 3), 100)):  # room for any bounded value
        one_place = d.quantize(Decimal("0.1"))
    return f"{d:.1f}" if d == one_place else format(d.normalize(), "f")
