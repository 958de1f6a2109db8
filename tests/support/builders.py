"""Builders: a facility input in a few words, as the tests speak of it."""

from __future__ import annotations

from decimal import Decimal

from kaigo_xl.engine import evaluate
from kaigo_xl.models import FISCAL_MONTHS, FacilityInput


def payload(fte=None, tokutei=None, **overrides) -> dict:
    """A valid plan for a 養護 home: 12 months of `fte` (default 1.0), initiatives ア done, spending planned."""
    fte = fte if isinstance(fte, list) else [fte if fte is not None else "1.0"] * 12
    tokutei = tokutei if isinstance(tokutei, list) else [tokutei if tokutei is not None else "0"] * 12
    data = {
        "facility": {"name": "テスト荘", "type": "養護", "number": "123", "municipality": "見本市"},
        "fiscal_year": 2025,
        "monthly": [{"month": m, "fte": Decimal(str(f)), "tokutei_fte": Decimal(str(t))}
                    for m, f, t in zip(FISCAL_MONTHS, fte, tokutei)],
        "initiatives": [{"code": "ア", "status": "実施済", "detail": "業務の棚卸しを実施"}],
        "expenses": [{"category": "人件費", "description": "手当", "planned_yen": 10_000_000}],
        "payment": {"installments": 1, "first_month": 4},
    }
    for key, value in overrides.items():
        data[key] = value
    return data


def run(data: dict, **kw):
    return evaluate(FacilityInput.model_validate(data), **kw)


def codes(ev) -> set[str]:
    return {f.code for f in ev.findings}
