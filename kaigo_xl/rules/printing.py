"""How much text this tool's printed forms (参考様式) hold — our convention, not the notice's.

The 計画書 and 実績報告書 built with Excel formulas have fixed row heights, so a longer text would be cut off when the
book is printed from Excel alone. The template sizes its rows for these lengths and its input cells refuse longer
text; a text that is longer anyway (pasted, or from JSON) is a warning (TEXT_TOO_LONG). `kaigo-xl forms` grows the
rows and prints the whole text.
"""

from __future__ import annotations

FACILITY_NAME_CHARS = 40  # 施設名
INITIATIVE_DETAIL_CHARS = 100  # 具体的な取組の内容, per initiative
EXPENSE_DESCRIPTION_CHARS = 100  # 経費の内容 of one category, its lines joined with 「、」
EXTRA_INITIATIVES_ON_FORM = 3  # further 職場環境等要件 items listed on a form; more are summed up in one line


def joined(descriptions: list[str]) -> str:
    """The descriptions of one category's spending lines as the form prints them."""
    return "、".join(d for d in descriptions if d)
