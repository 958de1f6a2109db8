"""kaigo_xl: 介護人材確保・職場環境改善等加算（養護老人ホーム・軽費老人ホーム）の計算・チェック・様式作成.

The Python API of a municipality's round — `collect_frame`, `findings_frame`, `collect_summary` — is loaded on
first use (kaigo_xl.municipal.api), so `import kaigo_xl` and `kaigo-xl calc` never import pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_LAZY = {"collect_frame": "kaigo_xl.municipal.api", "findings_frame": "kaigo_xl.municipal.api",
         "collect_summary": "kaigo_xl.municipal.api"}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kaigo_xl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
