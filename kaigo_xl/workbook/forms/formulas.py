"""Excel formulas of the forms' formula mode: references into the template's input and result cells (layout.py is the
contract), the same figures the engine computes for the value mode (forms.values)."""

from __future__ import annotations

from kaigo_xl.rules import printing
from kaigo_xl.workbook import layout
from kaigo_xl.workbook.template.formulas import (
    calc,
    facility,
    fiscal_year_label,
    num_value_range,
    payment_number,
    ref,
    setting,
    wareki_date,
    wareki_month,
)

fi = facility
FY = "KX_FISCAL_YEAR"
FY_LABEL = fiscal_year_label(FY)
INSTALLMENTS, FIRST_MONTH = payment_number("payment.installments", 1), payment_number("payment.first_month", 4)


def blank_or(cell: str) -> str:
    return f'=IF({cell}="","",{cell})'


def checks(cond_a: str, label_a: str, cond_b: str, label_b: str, sep: str = '"　"') -> str:
    """☑ あり　□ なし: two check boxes; `sep` is a formula (CHAR(10) puts them on two lines)."""
    return f'=IF({cond_a},"☑","□")&" {label_a}"&{sep}&IF({cond_b},"☑","□")&" {label_b}"'


def monthly_ref(col: str, i: int) -> str:
    return ref(layout.S_MONTHLY, f"{col}{layout.MONTHLY_ROWS[i]}")


def cell_range(sheet: str, col: str, rows: tuple[int, ...]) -> str:
    return f"'{sheet}'!${col}${rows[0]}:${col}${rows[-1]}"


def expense_range(col: str) -> str:
    return cell_range(layout.S_EXPENSES, col, layout.EXPENSE_ROWS)


def joined(pieces: list[str]) -> str:
    """Texts joined with 、 where each piece is "" or "、…" (no TEXTJOIN: Excel 2016 has none)."""
    return f"=MID({'&'.join(pieces)},2,2000)"


def descriptions(category: str) -> str:
    """The descriptions of one category's spending lines."""
    def piece(row: int) -> str:
        cat = ref(layout.S_EXPENSES, f"{layout.EXP_COL_CANONICAL}{row}")
        text = ref(layout.S_EXPENSES, f"{layout.EXP_COL_DESCRIPTION}{row}")
        return f'IF(AND({cat}="{category}",TRIM({text})<>""),"、"&TRIM({text}),"")'

    return joined([piece(row) for row in layout.EXPENSE_ROWS])


def sum_category(category: str, col: str) -> str:
    """Spending of one category as the engine sums it: each line between 0 and the policy's cap."""
    canon = expense_range(layout.EXP_COL_CANONICAL)
    values = num_value_range(layout.S_EXPENSES, col, layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1])
    cap = setting("yen_max")
    return (f'SUMIFS({values},{canon},"{category}",{values},">0",{values},"<="&{cap})'
            f'+{cap}*COUNTIFS({canon},"{category}",{values},">"&{cap})')


def has_actual() -> str:
    """The engine settles only when a line of a known category has an actual amount."""
    canon = expense_range(layout.EXP_COL_CANONICAL)
    actual = num_value_range(layout.S_EXPENSES, layout.EXP_COL_ACTUAL, layout.EXPENSE_ROWS[0], layout.EXPENSE_ROWS[-1])
    return f'SUMPRODUCT(({canon}<>"")*({canon}<>"不明")*ISNUMBER({actual}))>0'


def ini(code: str, col: str) -> str:
    return ref(layout.S_INITIATIVES, f"{col}{layout.INITIATIVE_FIXED_ROWS[code]}")


def pay_method_formula() -> str:
    """6回払い（令和7年10月から令和8年3月まで）; blank when the engine would have no schedule."""
    n, m = INSTALLMENTS, FIRST_MONTH
    last_off = f"(MOD({m}-4,12)+{n}-1)"
    last_month = f"(MOD({last_off}+3,12)+1)"
    first = wareki_month(f"({FY}+({m}<4))", m)
    last = wareki_month(f"({FY}+({last_off}>=9))", last_month)
    return (f'=IF(OR({calc("payment_invalid")}=1,KX_ANNUAL_YEN=""),"",'
            f'IF({n}=1,"1回払い（"&{first}&"）",{n}&"回払い（"&{first}&"から"&{last}&"まで）"))')


def due_formula() -> str:
    """令和8年4月30日（2026年4月30日）: 和暦 with the Western date beside it."""
    d = "KX_REPORT_DUE"
    western = f'"（"&YEAR({d})&"年"&MONTH({d})&"月"&DAY({d})&"日）"'
    return f'=IF(ISNUMBER({d}),{wareki_date(d)}&{western},"")'


def pay_formula(i: int) -> str:
    return f'=IF(INDEX(KX_PAYMENTS,{i + 1})=0,"",INDEX(KX_PAYMENTS,{i + 1}))'


def ini_range(col: str) -> str:
    rows = layout.INITIATIVE_EXTRA_ROWS
    return cell_range(layout.S_INITIATIVES, col, rows)


def more_formula() -> str:
    n = f'MAX({ini_range(layout.INI_COL_RANK)})'
    shown = printing.EXTRA_INITIATIVES_ON_FORM
    return f'=IF({n}>{shown},"※ ほか"&({n}-{shown})&"件の取組は取組シートのとおり","")'
