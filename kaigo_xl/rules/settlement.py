"""Settlement of the results report: what was received against what was earned and spent.

別添1 2(3)イ: the add-on may only be spent on 職場環境改善経費 or 人件費. 別添1 2(3)ウ(イ): a 実績報告書 is due.
The notice does not say how to settle; our convention (a policy setting, on by default): the facility keeps what it
both earned (the 加算総額 from actual staff numbers) and spent on allowed costs; the rest of what it received is the
返還見込額. When it earned more than it received, the difference is shown as 追加支弁見込額.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settlement:
    received_yen: int
    entitlement_yen: int  # 加算総額 computed from the actual monthly staff numbers
    allowed_spent_yen: int  # actual spending on allowed categories
    refund_yen: int  # 返還見込額
    additional_yen: int  # 追加支弁見込額 (earned but not yet received)

    @property
    def unspent_yen(self) -> int:
        return max(0, min(self.received_yen, self.entitlement_yen) - self.allowed_spent_yen)


def settle(
    received_yen: int,
    entitlement_yen: int,
    allowed_spent_yen: int,
    *,
    refund_enabled: bool = True,
    includes_overpayment: bool = True,
) -> Settlement:
    kept_cap = min(received_yen, entitlement_yen) if includes_overpayment else received_yen
    kept = min(kept_cap, allowed_spent_yen)
    refund = max(0, received_yen - kept) if refund_enabled else 0
    additional = max(0, entitlement_yen - received_yen)
    return Settlement(received_yen, entitlement_yen, allowed_spent_yen, refund, additional)
