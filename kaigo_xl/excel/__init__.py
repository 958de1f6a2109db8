"""The workbook open in Excel, through xlwings: custom functions (functions.py), ribbon scripts (scripts.py), the
xlwings Server app (server.py), the classic desktop-xlwings entry points (udfs.py) and the xlwings Lite bundle that
travels inside a workbook (lite/).

The parts of xlwings used here (the remote/Office.js engines and the server decorators) are licensed under the
PolyForm Noncommercial licence, which covers government institutions and charitable organisations such as
municipalities and 社会福祉法人. Importing this package selects that licence unless a key is already configured
(`ensure_license_env`), so every submodule can import xlwings' server decorators.
"""

from __future__ import annotations

import os
import sys

NONCOMMERCIAL_KEY = "noncommercial"


def ensure_license_env() -> None:
    """Set XLWINGS_LICENSE_KEY (unless set) and make sure xlwings' remote engines are registered.

    xlwings registers its `remote`/`officejs` engines only if the key is valid at its FIRST import. When something
    imported xlwings earlier (a test module, a notebook), we register them now exactly as xlwings would have;
    otherwise every custom function call would fail with "officejs requires a license key".
    Inside xlwings Lite (Pyodide) nothing is set: the add-in licenses xlwings itself (free, also commercially), and
    the noncommercial key must not be claimed on a facility's PC.
    """
    if sys.platform == "emscripten":
        return
    os.environ.setdefault("XLWINGS_LICENSE_KEY", NONCOMMERCIAL_KEY)
    xw = sys.modules.get("xlwings")
    if xw is None or getattr(xw, "__pro__", False):
        return
    from xlwings.pro import _xlofficejs, _xlremote

    names = {e.name for e in xw.engines}
    for impl in (_xlremote.engine, _xlofficejs.engine):
        engine = xw.Engine(impl=impl)
        if engine.name not in names:
            xw.engines.add(engine)
    xw.__pro__ = True  # type: ignore[attr-defined]  # xlwings sets it itself when licensed at import


ensure_license_env()
