"""What the add-on may be spent on — 別添1 2(3)イ and 別添2 Q5.

この加算の使途範囲は、職場環境改善経費又は人件費に要する費用とする。… ただし、介護テクノロジー等の機器購入費用に
充当することはできない。 Technology is funded instead by the 介護テクノロジー導入・協働化等支援事業 (別添1 2(4)).
"""

from __future__ import annotations

from kaigo_xl.models import ExpenseCategory

ALLOWED = frozenset({ExpenseCategory.PERSONNEL, ExpenseCategory.WORKPLACE})

# Words people write for the same categories; anything else is an unknown category.
SYNONYMS = {
    "人件費": ExpenseCategory.PERSONNEL,
    "賃金改善": ExpenseCategory.PERSONNEL,
    "職場環境改善経費": ExpenseCategory.WORKPLACE,
    "職場環境改善": ExpenseCategory.WORKPLACE,
    "介護テクノロジー機器購入": ExpenseCategory.TECHNOLOGY,
    "介護テクノロジー等の機器購入": ExpenseCategory.TECHNOLOGY,
    "介護テクノロジー": ExpenseCategory.TECHNOLOGY,
    "機器購入": ExpenseCategory.TECHNOLOGY,
}

TECHNOLOGY_ADVICE = (
    "介護テクノロジー等の機器購入費用には、この加算を充当できません（別添1 2(3)イ）。"
    "機器の導入には「介護テクノロジー導入・協働化等支援事業」（養護老人ホーム等も対象、別添1 2(4)）の活用を"
    "ご検討ください。"
)


def category_of(text: str) -> ExpenseCategory | None:
    return SYNONYMS.get(text.strip())


def is_allowed(category: ExpenseCategory) -> bool:
    return category in ALLOWED
