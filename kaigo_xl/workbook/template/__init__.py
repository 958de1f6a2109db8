"""The distributable workbook: a macro-free .xlsx whose native formulas give the engine's numbers.

The builder (openpyxl) is imported lazily, so that the pure formula helpers of this package (`formulas`) can be used
where openpyxl is not available (the forms' formula specs, xlwings Lite).
"""

from __future__ import annotations

from typing import Any

__all__ = ["TEMPLATE_FILES", "TEMPLATE_FISCAL_YEAR", "build_template", "distributable_templates", "fill_inputs"]


def __getattr__(name: str) -> Any:
    if name == "fill_inputs":
        from kaigo_xl.workbook.template.fill import fill_inputs

        return fill_inputs
    if name in __all__:
        from kaigo_xl.workbook.template import book

        return getattr(book, name)
    raise AttributeError(name)
