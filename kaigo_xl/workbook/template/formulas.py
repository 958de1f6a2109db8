"""Small builders of native formulas used on several sheets (和暦 text, sheet references).

Every formula here runs in Excel 2016+ and in LibreOffice: no dynamic arrays, no XLOOKUP/LET/TEXTJOIN, and no
era number formats (`ggge` is not read the same way everywhere), so 和暦 is built as text, exactly as
kaigo_xl/wareki.py writes it.
"""

from __future__ import annotations

from kaigo_xl.workbook import layout
from kaigo_xl.xlsx.refs import quote_sheet


def ref(sheet: str, cell: str) -> str:
    """An absolute reference to another sheet: '施設情報'!$C$4."""
    col = cell.rstrip("0123456789")
    row = cell[len(col):]
    return f"{quote_sheet(sheet)}!${col}${row}"


def text(value: str) -> str:
    """A text constant inside a formula: 他"社 → "他""社"."""
    return '"' + value.replace('"', '""') + '"'


def era_year(year: str, day: str) -> str:
    """令和7 / 令和元 / 平成31 for the date `day` (a formula) in calendar year `year` (a formula)."""
    return (f'IF({day}>=DATE(2019,5,1),"令和"&IF({year}=2019,"元",{year}-2018),'
            f'IF({day}>=DATE(1989,1,8),"平成"&IF({year}=1989,"元",{year}-1988),"昭和"&({year}-1925)))')


def wareki_date(day: str) -> str:
    """令和7年4月1日 from a date serial (a formula or cell); blank stays blank."""
    return (f'IF(ISNUMBER({day}),{era_year(f"YEAR({day})", day)}&"年"&MONTH({day})&"月"&DAY({day})&"日","")')


def wareki_month(year: str, month: str) -> str:
    """令和7年4月 (the era of the 28th, as kaigo_xl.wareki.wareki_month)."""
    return f'{era_year(year, f"DATE({year},{month},28)")}&"年"&{month}&"月"'


def fiscal_year_label(fy: str = "KX_FISCAL_YEAR") -> str:
    """令和7年度 (a fiscal year is named after its April)."""
    return f'IF(ISNUMBER({fy}),{era_year(fy, f"DATE({fy},4,1)")}&"年度","")'


def calendar_year(month_cell: str, fy: str = "KX_FISCAL_YEAR") -> str:
    """April–December in the fiscal year's own year, January–March in the next (rules.payments.calendar_year)."""
    return f"({fy}+({month_cell}<4))"


def setting(key: str) -> str:
    return ref(layout.S_SETTINGS, layout.SETTINGS_CELLS[key])


def calc(key: str) -> str:
    return ref(layout.S_CALC, layout.CALC_CELLS[key])


def facility(key: str) -> str:
    return ref(layout.S_FACILITY, layout.FIELD_BY_KEY[key].cell)


def payment_number(key: str, default: int) -> str:
    """支払回数 / 初回の月 as the engine gets them: the number read (typed text too), or the model's default when the
    cell is blank or unreadable (the reader reports that cell)."""
    v = ref(layout.S_FACILITY, NUM_HELPER_COLS[layout.S_FACILITY]["C"][-1] + layout.FIELD_BY_KEY[key].cell[1:])
    return f"IF(ISNUMBER({v}),{v},{default})"


# ---------------------------------------------------------------- numbers typed as text
#
# The reader (reader._number_text) reads "１０．５", " 10.5 ", "54,000円", "¥54,000" as numbers. The sheet must read
# the same values, so every number cell that feeds money gets four hidden helper cells:
#   1. clean: the text with full-width forms made half-width (ASC), spaces and U+2212 removed/replaced;
#   2. strip: leading ¥ (yen cells) and one unit suffix of the cell's kind removed;
#   3. digits: that text without its sign;
#   4. value: the number, "" when blank, NOT_A_NUMBER when the reader would refuse the cell.
# Only Excel 2016 / LibreOffice functions are used (no LET, no REGEX): the reader's patterns are checked
# character by character with MID over a constant array.

UNITS = {"fte": ("人",), "yen": ("円",), "hours": ("時間",), "int": ("回", "人", "月")}  # as reader._UNITS
INTEGER_KINDS = ("yen", "int")  # read with reader._Reader.integer: a fraction is refused
NOT_A_NUMBER = "（数値ではありません）"
_MAX_CHARS = 30
_POSITIONS = "{" + ",".join(str(i) for i in range(1, _MAX_CHARS + 1)) + "}"
_GROUPS = "{0,1,2,3,4,5,6}"

# the monthly FTE inputs, the payment plan and 受領額, the spending amounts and the roster's weekly hours:
# input column → helper columns
NUM_HELPER_COLS = {
    layout.S_MONTHLY: {layout.COL_FTE: ("R", "S", "T", "U"), layout.COL_TOKUTEI: ("V", "W", "X", "Y"),
                       layout.COL_ACTUAL_FTE: ("Z", "AA", "AB", "AC"), layout.COL_ACTUAL_TOKUTEI: ("AD", "AE", "AF", "AG")},
    layout.S_FACILITY: {"C": ("F", "G", "H", "I")},
    layout.S_EXPENSES: {layout.EXP_COL_PLANNED: ("H", "I", "J", "K"), layout.EXP_COL_ACTUAL: ("L", "M", "N", "O")},
    layout.S_ROSTER: {layout.ROSTER_WEEKLY_HOURS_CELL.rstrip("0123456789"): ("AE", "AF", "AG", "AH")},  # past March
}


def num_cells(sheet: str, cell: str) -> tuple[str, ...]:
    """The helper cells (clean, strip, digits, value) of an input cell, e.g. 月別職員数!C6 → R6, S6, T6, U6."""
    col = cell.rstrip("0123456789")
    row = cell[len(col):]
    return tuple(f"{c}{row}" for c in NUM_HELPER_COLS[sheet][col])


def num_value_ref(sheet: str, cell: str) -> str:
    """Absolute reference to the value helper of an input cell (what formulas should read instead of the cell)."""
    return ref(sheet, num_cells(sheet, cell)[-1])


def num_value_range(sheet: str, col: str, first: int, last: int) -> str:
    c = NUM_HELPER_COLS[sheet][col][-1]
    return f"'{sheet}'!${c}${first}:${c}${last}"


def num_clean(x: str, kind: str) -> str:
    """Helper 1: NFKC as far as the digits go (ASC), U+2212 → '-', no spaces; ¥ unified for yen cells."""
    s = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(ASC(SUBSTITUTE({x}&"","−","-")),"　","")," ",""),"−","-")'
    if kind == "yen":
        s = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({s},"￥","¥"),"\\","¥"),"＼","¥")'
    return f'=IF(ISNUMBER({x}),"",{s})'


def num_strip(a: str, kind: str) -> str:
    """Helper 2: leading ¥ signs (yen; as str.lstrip) and then one unit suffix (the first of the kind's units)."""
    b = a
    if kind == "yen":
        k = f'(LEN({a})-LEN(SUBSTITUTE({a},"¥","")))'
        b = f'IF(LEFT({a},{k})=REPT("¥",{k}),MID({a},{k}+1,LEN({a})),{a})'
    out = b
    for unit in reversed(UNITS.get(kind, ())):
        n = len(unit)
        out = f'IF(RIGHT({b},{n})="{unit}",LEFT({b},LEN({b})-{n}),{out})'
    return "=" + out


def num_digits(b: str) -> str:
    """Helper 3: the stripped text without its sign (the reader's [+-]?)."""
    return f'=MID({b},1+OR(LEFT({b},1)="+",LEFT({b},1)="-"),{_MAX_CHARS + 1})'


def num_value(x: str, b: str, t: str, kind: str) -> str:
    """Helper 4: the number the reader reads from the input `x` (`b` its stripped text, `t` without the sign)."""
    ip = f'LEFT({t},FIND(".",{t}&".")-1)'  # the integer part
    k = f'(LEN({ip})-LEN(SUBSTITUTE({ip},",","")))'  # its commas
    g = f"(LEN({ip})-4*{k})"  # digits before the first comma
    grouped = (f'IF({k}=0,TRUE,IF(AND({g}>=1,{g}<=3),SUMPRODUCT((MID({ip},{g}+1+4*{_GROUPS},1)=",")'
               f'*({_GROUPS}<{k}))={k},FALSE))')
    checks = [
        f"LEN({b})<={_MAX_CHARS}",
        # digits . , only (FIND("",…) is 1 in Excel but an error in LibreOffice: positions past the end are masked)
        f'SUMPRODUCT((MID({t},{_POSITIONS},1)<>"")*ISERROR(FIND(MID({t},{_POSITIONS},1),"0123456789.,")))=0',
        f'LEN(SUBSTITUTE(SUBSTITUTE({t},".",""),",",""))>0',  # at least one digit
        f'LEN({t})-LEN(SUBSTITUTE({t},".",""))<=1',
        f'LEN({t})-LEN(SUBSTITUTE({t},",",""))={k}',  # commas only before the decimal point …
        grouped,  # … and in groups of three (54,000 and 1,234,567, not 5,4000)
    ]
    if kind in INTEGER_KINDS:
        checks.append(f'SUBSTITUTE(MID({t},FIND(".",{t}&".")+1,{_MAX_CHARS}),"0","")=""')  # 5 or 5.0, not 5.5
    valid = f"IFERROR(AND({','.join(checks)}),FALSE)"
    value = f'IF(LEFT({b},1)="-",-1,1)*VALUE("0"&SUBSTITUTE({t},",","")&IF(ISNUMBER(FIND(".",{t})),"0",""))'
    number = f'IF({x}=INT({x}),{x},"{NOT_A_NUMBER}")' if kind in INTEGER_KINDS else x
    blank = f'LEN(TRIM(CLEAN(SUBSTITUTE({x}&"","　"," "))))=0'
    return f'=IF(ISNUMBER({x}),{number},IF({blank},"",IF({valid},{value},"{NOT_A_NUMBER}")))'


def num_helpers(sheet: str, cell: str, kind: str) -> dict[str, str]:
    """helper cell → formula, for the input `cell` of `sheet` read as a number of `kind` (fte, yen, int)."""
    a, b, t, v = num_cells(sheet, cell)
    return {a: num_clean(cell, kind), b: num_strip(a, kind), t: num_digits(b), v: num_value(cell, b, t, kind)}


def unreadable(value_ref: str) -> str:
    """TRUE when the value helper says the reader refuses the typed text (INPUT_INVALID)."""
    return f'({value_ref}="{NOT_A_NUMBER}")'


def normalised(x: str, strip_ref: str, value_ref: str) -> str:
    """TRUE when the reader reads the typed text `x` as a number after rewriting it (INPUT_NORMALISED): full-width
    digits, spaces, units, ¥ or grouping commas. `strip_ref` is the helper without units and ¥, `value_ref` the value."""
    return f'AND(ISTEXT({x}),ISNUMBER({value_ref}),{x}<>SUBSTITUTE({strip_ref},",",""))'


def finer_than_tenths(value: str) -> str:
    """TRUE for a number with two or more decimals (FTE_PRECISION); text and blanks are FALSE."""
    return f"IF(ISNUMBER({value}),ROUND({value},1)<>{value},FALSE)"


def first_row(cond: str, rng: str) -> str:
    """The sheet row of the first cell of the one-column range `rng` where the array `cond` holds; 0 when none.

    SUMPRODUCT evaluates its argument as an array in Excel 2016 and LibreOffice alike (no Ctrl+Shift+Enter)."""
    return f"MOD(100000-SUMPRODUCT(MAX(({cond})*(100000-ROW({rng})))),100000)"


def first_col(cond: str, rng: str) -> str:
    """The sheet column of the first cell of the one-row range `rng` where the array `cond` holds; 0 when none."""
    return f"MOD(1000-SUMPRODUCT(MAX(({cond})*(1000-COLUMN({rng})))),1000)"


def squeeze(x: str) -> str:
    """Text as the reader compares choices: no spaces (half- or full-width), half-width letters, upper case."""
    return f'UPPER(ASC(SUBSTITUTE(SUBSTITUTE(TRIM({x}&"")," ",""),"　","")))'


def is_blank(x: str) -> str:
    """TRUE when the reader sees nothing in `x` (blank, or only spaces)."""
    return f'(LEN(TRIM(CLEAN(SUBSTITUTE({x}&"","　"," "))))=0)'


def choice_ok(x: str, accepted: tuple[str, ...]) -> str:
    """TRUE when `x` is blank or one of the texts the reader accepts for it (as typed or written differently)."""
    options = "+".join(f'({squeeze(x)}={squeeze(text(a))})' for a in accepted)
    return f"OR({is_blank(x)},{options}>0)"


def at_row(cond: str, rng: str, row: str) -> str:
    """The value of the array `cond` (over the one-column range `rng`) in sheet row `row`, as a number.

    (INDEX over an array expression is not evaluated as an array everywhere; SUMPRODUCT is.)"""
    return f"SUMPRODUCT((ROW({rng})={row})*({cond}))"
