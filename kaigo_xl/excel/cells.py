"""Values arriving from Excel cells, turned into what the rules expect — without xlwings.

Excel stores numbers as binary doubles. A clerk who types 0.1 sends 0.1000000000000000055…; we read it back the
way Excel shows it (15 significant digits), so 0.1 stays Decimal("0.1") and 10.8 − 2.1 computed in a cell
(8.700000000000001) becomes 8.7. Blanks, text, booleans and error values (#N/A …) become `CellProblem`s with a
Japanese message, never an exception that would reach the user as a traceback.

Every number is bounded before any arithmetic, by the same rules as the JSON and workbook readers
(kaigo_xl.numbers: at most MAX_NUMBER_CHARS characters of text, |x| < 10^15, nothing non-zero below 10^-20).
Without this one request such as FTE_FROM_HOURS("1e999999", 40, 30) kept the server busy for 46 seconds.
The functions add the bounds of their domain (hours in a month, the policy's fte_max and yen_max).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..models import FISCAL_MONTHS, MonthlyStaffing
from ..numbers import MAX_NUMBER_CHARS, bound_problem, decimal_from_double

EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#BUSY!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!"})
MESSAGE_PREFIX = "エラー: "
SHOWN_CHARS = 20  # how much of an unusable value a message repeats


class CellProblem(ValueError):
    """A cell value the function cannot use; `str()` is the Japanese message shown in the cell."""


@dataclass(frozen=True)
class Blank:
    """Marker for an empty cell (distinct from 0)."""


BLANK = Blank()


def shown(value: object) -> str:
    """A value as a message repeats it: at most SHOWN_CHARS characters, so a huge argument stays out of the cell."""
    text = str(value) if not isinstance(value, int) or abs(value) < 10**SHOWN_CHARS else "（桁数の多い数）"
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def excel_number(value: float) -> Decimal:
    """A double from Excel as Excel displays it (15 significant digits): 0.1 → Decimal('0.1') (kaigo_xl.numbers)."""
    try:
        return decimal_from_double(value)
    except ValueError:
        raise CellProblem("数値が正しくありません（無限大・非数）。") from None


def bounded(d: Decimal, what: str, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
    """`d` if it is an ordinary number within [low, high]; checked by comparison only, never by arithmetic."""
    problem = bound_problem(d)  # the same bounds as the JSON and workbook readers (kaigo_xl.numbers)
    if problem is not None:
        raise CellProblem(f"{what}「{shown(d)}」は{problem}。")
    if (low is not None and d < low) or (high is not None and d > high):
        span = f"{low}～{high}" if low is not None and high is not None else (f"{low}以上" if low is not None else f"{high}以下")
        raise CellProblem(f"{what}「{shown(d)}」は{span}で入力してください。")
    return d


def to_decimal(value: object, what: str, *, blank: Decimal | None = None, low: Decimal | None = None,
               high: Decimal | None = None) -> Decimal:
    """One cell as a bounded Decimal. `blank` is the value of an empty cell; None means an empty cell is a problem."""
    return bounded(_read_decimal(value, what, blank), what, low, high)


def _read_decimal(value: object, what: str, blank: Decimal | None) -> Decimal:
    if isinstance(value, list):
        raise CellProblem(f"{what}には1つのセル（または数値）を指定してください。")
    if value is None or (isinstance(value, str) and not value.strip()):
        if blank is None:
            raise CellProblem(f"{what}が空欄です。")
        return blank
    if isinstance(value, bool):
        raise CellProblem(f"{what}が TRUE/FALSE です。数値を入力してください。")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return excel_number(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str):
        return _decimal_from_text(value.strip(), what)
    raise CellProblem(f"{what}の値「{shown(value)}」は数値として読めません。")


def _decimal_from_text(text: str, what: str) -> Decimal:
    """A number typed as text (or an error value Excel sent as text), length-bounded before it is parsed."""
    if text in EXCEL_ERRORS:
        raise CellProblem(f"{what}がエラー値（{text}）です。元のセルの数式をご確認ください。")
    if len(text) > MAX_NUMBER_CHARS:
        raise CellProblem(f"{what}「{shown(text)}」は数値として長すぎます（{MAX_NUMBER_CHARS}文字まで）。")
    try:
        d = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CellProblem(f"{what}「{text}」は数値ではありません。") from None
    if not d.is_finite():
        raise CellProblem(f"{what}「{text}」は数値ではありません。")
    return d


def to_int(value: object, what: str, *, low: int | None = None, high: int | None = None,
           blank: int | None = None) -> int:
    """A whole number (yen, months, counts) from a cell; decimals are a problem, not silently cut."""
    d = to_decimal(value, what, blank=None if blank is None else Decimal(blank))
    if d != d.to_integral_value():
        raise CellProblem(f"{what}「{shown(d)}」は整数で入力してください。")
    n = int(d)  # d is bounded, so this is cheap
    bounded(Decimal(n), what, None if low is None else Decimal(low), None if high is None else Decimal(high))
    return n


def exact_average(value: Decimal, divisor: int = 12, max_decimals: int = 3) -> Fraction:
    """Recover the exact 対象職員数（月平均）= sum ÷ 12 from the double a cell holds.

    8.341666666666667 in a cell is 100.1 ÷ 12; × 54,000 on the double could give 450,449.99… and lose a yen. When
    the value is within 1e-9 of a fraction with denominator divisor × 10^max_decimals, that fraction is used;
    otherwise the value itself.
    """
    exact = Fraction(value)
    near = exact.limit_denominator(divisor * 10**max_decimals)
    return near if abs(near - exact) <= Fraction(1, 10**9) * max(Fraction(1), abs(exact)) else exact


def flatten(rng: object) -> list[object]:
    """A range (list of rows), a single row or a scalar as a flat list of cells."""
    if not isinstance(rng, list):
        return [rng]
    out: list[object] = []
    for row in rng:
        out.extend(row if isinstance(row, list) else [row])
    return out


def shape(rng: object) -> tuple[int, int]:
    if not isinstance(rng, list):
        return 1, 1
    if rng and isinstance(rng[0], list):
        return len(rng), len(rng[0])
    return 1, len(rng)


def month_ranges(fte_range: object, tokutei_range: object) -> tuple[list[MonthlyStaffing], dict[int, str]]:
    """Twelve monthly rows (April … March) from two 12-cell ranges.

    A blank 職員数 is a problem (the notice needs 12 months; a month without staff is entered as 0); a blank
    特定施設 cell is 0, as most homes are not designated. Returns the rows and {month index: message} for the
    cells that could not be read (those months are left out of the rows).
    """
    ftes, tokuteis = flatten(fte_range), flatten(tokutei_range)
    for name, cells in (("職員数の範囲", ftes), ("特定施設の範囲", tokuteis)):
        if len(cells) != 12:
            raise CellProblem(f"{name}は4月～3月の12セルを指定してください（{len(cells)}セルが指定されました）。")
    rows: list[MonthlyStaffing] = []
    problems: dict[int, str] = {}
    for i, (month, f, t) in enumerate(zip(FISCAL_MONTHS, ftes, tokuteis)):
        try:
            fte = to_decimal(f, f"{month}月の職員数")
            tokutei = to_decimal(t, f"{month}月の特定施設担当職員数", blank=Decimal(0))
        except CellProblem as exc:
            problems[i] = str(exc)
            continue
        rows.append(MonthlyStaffing(month=month, fte=fte, tokutei_fte=tokutei))
    return rows, problems


def message(text: str) -> str:
    """What a custom function puts in its cell when it cannot compute: a Japanese sentence, marked as an error."""
    return text if text.startswith(MESSAGE_PREFIX) else MESSAGE_PREFIX + text


def to_excel(value: Decimal | Fraction | int) -> float | int:
    """A number for a cell. Excel holds doubles; ints stay ints (money) so yen never pass through a float."""
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return value.numerator / value.denominator if value.denominator != 1 else value.numerator
    return int(value) if value == value.to_integral_value() else float(value)
