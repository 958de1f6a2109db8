"""Settings shared by the custom functions and the ribbon scripts of one server process.

A municipality that hosts the add-in server can point `KAIGO_XL_POLICY` at its policy TOML (rate, divisor,
rounding, requirement set …); without it the notice's defaults apply. Read once per process, through
kaigo_xl.excel.settings (the one place that reads the environment and the .env file).
"""

from __future__ import annotations

from functools import cache

from ..policy import Policy, load_policy

POLICY_ENV = "KAIGO_XL_POLICY"
DEFAULT_FISCAL_YEAR = 2025  # 令和7年度, the only year with a published rate (Q6)


@cache
def policy() -> Policy:
    from .settings import get_settings

    path = get_settings().policy
    return load_policy(path) if path else Policy()
