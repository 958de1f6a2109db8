"""加算要件 — 別添1 2(3)ア and 別添2 Q2.

ア 職場環境改善等に向けて、(ア)(イ)(ウ)のいずれかの取組の実施を計画又は既に実施していること。
Q2 each municipality may substitute its own set drawn from the 職場環境等要件 of 介護職員等処遇改善加算.

A requirement set is data (policy `requirements`): a list of rules, all of which must hold; a rule asks for at least
k of some items, of one 区分, or of each 区分. An item counts when it is planned or done (計画又は既に実施). The notice
says nothing about the results report; counting only 実施済 there is a municipality's rule (policy
`report_requires_done`, `done_only` here).

ア, イ, ウ stand for the catalog items ⑱, ⑰, ㉓: the notice numbers none of them, so this is our reading of their wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kaigo_xl.models import Initiative, Status
from kaigo_xl.policy import RequirementRule

PLAN_STATUSES = frozenset({Status.DONE, Status.PLANNED})  # 計画又は既に実施 (別添1 2(3)ア)
DONE_STATUSES = frozenset({Status.DONE})  # 実施済のみ (a municipality's rule for the results report)


@dataclass(frozen=True)
class Outcome:
    label: str
    satisfied: bool
    found: tuple[str, ...]  # item codes that count
    needed: int
    category: str | None = None


def canonical(code: str, aliases: Mapping[str, str]) -> str:
    """ア, イ, ウ stand for the catalog items ⑱, ⑰, ㉓ (our reading of the wording of the notice's three requirements)."""
    return aliases.get(code, code)


def evaluate(
    initiatives: Iterable[Initiative],
    rules: Sequence[RequirementRule],
    *,
    done_only: bool,
    aliases: Mapping[str, str],
    categories: Mapping[str, Sequence[str]],
) -> list[Outcome]:
    statuses = DONE_STATUSES if done_only else PLAN_STATUSES
    counted = {canonical(i.code, aliases) for i in initiatives if i.status in statuses}
    outcomes: list[Outcome] = []
    for rule in rules:
        if rule.each_category:
            for cat, items in categories.items():
                outcomes.append(_outcome(rule, [canonical(c, aliases) for c in items], counted, cat))
        elif rule.category is not None:
            outcomes.append(_outcome(rule, categories.get(rule.category, ()), counted, rule.category))
        else:
            outcomes.append(_outcome(rule, [canonical(c, aliases) for c in rule.items], counted, None))
    return outcomes


def _outcome(rule: RequirementRule, items: Sequence[str], counted: set[str], category: str | None) -> Outcome:
    found = tuple(c for c in dict.fromkeys(items) if c in counted)
    return Outcome(rule.label, len(found) >= rule.min_count, found, rule.min_count, category)
