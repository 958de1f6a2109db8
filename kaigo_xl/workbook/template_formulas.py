"""Small builders of native formulas used on several sheets (和暦 text, sheet references).

Every formula here runs in Excel 2016+ and in LibreOffice: no dynamic arrays, no XLOOKUP/LET/TEXTJOIN, and no
era number formats (`ggge` is not read the same way everywhere), so 和暦 is built as text, exactly as
kaigo_xl/wareki.py writes it.
"""

from __future__ import annotations

from . import layout


def ref(sheet: str, cell: str) -> str:
    """An absolute reference to another sheet: '施設情報'!$C$4."""
    col = cell.rstrip("0123456789")
    row = cell[len(col):]
    return f"'{sheet}'!${col}${row}"


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
