"""What the add-on may be spent on — 別添1 2(3)イ and 別添2 Q5.

この加算の使途範囲は、職場環境改善経費又は人件費に要する費用とする。… ただし、介護テクノロジー等の機器購入費用に
充当することはできない。 Technology is to be funded instead by the 介護テクノロジー導入・協働化等支援事業, which is
to cover 養護老人ホーム等 too (別添1 2(4): 「新たに養護老人ホーム等も助成対象とする予定」).

Spotting a technology purchase by the words of its description (見守りセンサー, インカム …) is this tool's help, not
the notice's rule: the keyword list is data (kaigo_xl/data/technology_keywords.toml) that a municipality may edit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from kaigo_xl.models import ExpenseCategory

ALLOWED = frozenset({ExpenseCategory.PERSONNEL, ExpenseCategory.WORKPLACE})

# Words people write for the same categories; a category text naming a care technology (「介護ロボット」) is the
# technology category too; anything else is an unknown category.
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
    "機器の導入には「介護テクノロジー導入・協働化等支援事業」（養護老人ホーム等も新たに助成対象とする予定、別添1 2(4)）の"
    "活用をご検討ください。"
)


def fold(text: str) -> str:
    """Text as keywords are compared: NFKC (全角英数・半角カナ → one form) and upper case.

    The template compares UPPER(ASC(…)) on both sides, which treats the same variants alike."""
    return unicodedata.normalize("NFKC", text).upper()


@lru_cache(maxsize=8)
def _folded(keywords: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((k, fold(k)) for k in keywords)


def technology_word(text: str, keywords: Iterable[str]) -> str | None:
    """The first keyword (in the list's order) that `text` contains, or None."""
    if not text:
        return None
    folded = fold(text)
    return next((k for k, f in _folded(tuple(keywords)) if f in folded), None)


def category_of(text: str, keywords: Iterable[str] = ()) -> ExpenseCategory | None:
    """The category a spending line's 経費区分 names: a known word, or technology when it names a care technology."""
    exact = SYNONYMS.get(text.strip())
    if exact is not None:
        return exact
    return ExpenseCategory.TECHNOLOGY if text.strip() and technology_word(text, keywords) else None


def is_allowed(category: ExpenseCategory) -> bool:
    return category in ALLOWED
