"""Classic desktop xlwings (Windows or macOS with Excel and a local Python): the same functions and scripts.

UDFs: in the xlwings Excel add-in set UDF Modules to `kaigo_xl.excel.udfs` and press "Import Functions"; the
functions appear as =KAIGO_FTE_FROM_HOURS(…), =KAIGO_AVERAGE_FTE(…) … (classic xlwings has no namespaces, so the
prefix is part of the name). Each wrapper only calls the function of kaigo_xl.excel.functions.

Buttons / macros (RunPython), e.g. in a module of the workbook:
    Sub 入力チェック()
        RunPython "import kaigo_xl.excel.udfs as k; k.validate()"
    End Sub
(likewise k.make_plan(), k.make_report(), k.payment_table()). They run the same `run_*` code as the Office add-in,
with the same policy setting (KAIGO_XL_POLICY, through kaigo_xl.excel.settings).
"""

from __future__ import annotations

import xlwings as xw

from kaigo_xl.excel import context, scripts
from kaigo_xl.excel import functions as kf
from kaigo_xl.excel.settings import get_settings

context.use_policy_file(get_settings().policy)

CATEGORY = "介護加算"
_FTE_DOC = "4月～3月の職員数（常勤換算）の12セル"
_TOKUTEI_DOC = "4月～3月の特定施設入居者生活介護の担当職員数の12セル（空欄は0）"


@xw.func(category=CATEGORY)
@xw.arg("hours", doc="その月の勤務時間の合計（時間）")
@xw.arg("weekly_fulltime_hours", doc="常勤の従業者が勤務すべき週の時間数")
@xw.arg("days_in_month", doc="その月の日数（28～31）")
def KAIGO_FTE_FROM_HOURS(hours, weekly_fulltime_hours, days_in_month):
    """勤務時間から常勤換算数（小数点第2位以下切り捨て）"""
    return kf.fte_from_hours(hours, weekly_fulltime_hours, days_in_month)


@xw.func(category=CATEGORY)
@xw.arg("fte_range", ndim=2, err_to_str=True, doc=_FTE_DOC)
@xw.arg("tokutei_range", ndim=2, err_to_str=True, doc=_TOKUTEI_DOC)
def KAIGO_TARGET_FTE(fte_range, tokutei_range):
    """各月の対象職員数（12か月分）"""
    return kf.target_fte(fte_range, tokutei_range)


@xw.func(category=CATEGORY)
@xw.arg("fte_range", ndim=2, err_to_str=True, doc=_FTE_DOC)
@xw.arg("tokutei_range", ndim=2, err_to_str=True, doc=_TOKUTEI_DOC)
def KAIGO_AVERAGE_FTE(fte_range, tokutei_range):
    """対象職員数（月平均）"""
    return kf.average_fte(fte_range, tokutei_range)


@xw.func(category=CATEGORY)
@xw.arg("average", doc="対象職員数（月平均）")
@xw.arg("rate", doc="職員1人当たりの年額（円）。省略時は54,000円")
def KAIGO_KASAN_TOTAL(average, rate=None):
    """加算総額（年間、円）"""
    return kf.kasan_total(average, rate)


@xw.func(category=CATEGORY)
@xw.arg("total_yen", doc="加算総額（円）")
@xw.arg("installments", doc="支払回数（1～12）")
@xw.arg("first_month", doc="初回の支払月。省略時は4月")
@xw.arg("fiscal_year", doc="年度（西暦）。省略時は2025")
def KAIGO_PAYMENT_SCHEDULE(total_yen, installments, first_month=4, fiscal_year=2025):
    """支払予定（支払月と金額）"""
    return kf.payment_schedule(total_yen, installments, first_month, fiscal_year)


@xw.func(category=CATEGORY)
@xw.arg("fte_range", ndim=2, err_to_str=True, doc=_FTE_DOC)
@xw.arg("tokutei_range", ndim=2, err_to_str=True, doc=_TOKUTEI_DOC)
def KAIGO_CHECK_FTE(fte_range, tokutei_range):
    """月別職員数のチェック結果"""
    return kf.check_fte(fte_range, tokutei_range)


# ---- RunPython entry points: the workbook that called the macro ----

def validate() -> None:
    scripts.run_validate(xw.Book.caller())


def make_plan() -> None:
    scripts.run_make_plan(xw.Book.caller())


def make_report() -> None:
    scripts.run_make_report(xw.Book.caller())


def payment_table() -> None:
    scripts.run_payment_table(xw.Book.caller())
