"""The policy shared by the custom functions and the scripts of one process.

Each host says where the policy comes from: the server add-in and classic xlwings from the `KAIGO_XL_POLICY`
setting (read by kaigo_xl.excel.settings), xlwings Lite from nothing (the notice's defaults; the book's own 設定
sheet holds the municipality's values for the formulas). This module reads no environment and no settings, so it
travels in the Lite bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from ..policy import Policy, load_policy

DEFAULT_FISCAL_YEAR = 2025  # 令和7年度, the only year with a published rate (Q6)

_load: Callable[[], Policy] = Policy


def use_policy_file(path: Path | None) -> None:
    """Take the policy from `path` (a municipality's TOML) from now on; None means the notice's defaults."""
    global _load
    _load = (lambda: load_policy(path)) if path else Policy
    policy.cache_clear()


@cache
def policy() -> Policy:
    """The policy, read once (a broken file raises PolicyError with its Japanese message)."""
    return _load()
