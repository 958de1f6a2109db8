"""The two files xlwings Lite reads from a workbook: main.py (the bundle and the imports that register the
functions and scripts) and requirements.txt (what Lite installs in Pyodide before running main.py).

main.py is generated: a short bootstrap, then the bundle (kaigo_xl.excel.lite.bundle) as base64 text. At run time it
writes the zip once into Pyodide's in-memory file system, puts it first on sys.path (zipimport) and imports the
decorated functions and scripts from it: the objects xlwings Lite registers are those of kaigo_xl.excel.functions
and kaigo_xl.excel.scripts, the same as the server add-in's.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from functools import cache

from kaigo_xl import __version__
from kaigo_xl.excel.lite.bundle import bundle_zip

FUNCTIONS = ("fte_from_hours", "target_fte", "average_fte", "kasan_total", "payment_schedule", "check_fte")
SCRIPTS = ("validate", "make_plan", "make_report", "payment_table")
LINE = 100  # base64 characters a line, so the Lite editor shows the file without a 100 KB line

# Packages Lite installs (pydantic comes from Pyodide's own repository: not pinned, as Lite's docs advise; holidays
# is pure Python from PyPI, for the optional next-business-day deadline). The upper bound keeps xlwings 0.x.
REQUIREMENTS = """\
# 介護加算（kaigo_xl {version}）が xlwings Lite で使うパッケージです。kaigo_xl 本体は main.py に入っています。
xlwings<1.0.0
pydantic
holidays
"""

_MAIN = '''\
"""介護加算（介護人材確保・職場環境改善等加算）— xlwings Lite 用のコード。kaigo_xl {version} が作りました。

xlwings Lite（Excel の無料アドイン）でこのブックを開くと、次が使えます。
  ボタン（作業ウィンドウ）: 入力チェック ／ 計画書作成 ／ 実績報告書作成 ／ 支払予定表
  セルの関数: =FTE_FROM_HOURS(…) =TARGET_FTE(…) =AVERAGE_FTE(…) =KASAN_TOTAL(…)
              =PAYMENT_SCHEDULE(…) =CHECK_FTE(…)
計算は kaigo-xl コマンド・サーバー版アドインと同じ kaigo_xl のコードで行います。そのコードは下の _BUNDLE に
ZIP として入っています（{files} ファイル、SHA-256 は _BUNDLE_SHA256）。アドインがなくても、ブックは Excel の
数式だけで同じ金額を計算します。このファイルは書き換えないでください（配布元が kaigo-xl で作り直します）。
"""

import base64
import hashlib
import os
import sys
import tempfile

KAIGO_XL_VERSION = "{version}"
_BUNDLE_SHA256 = "{sha}"


def _bundle_path():
    """The embedded kaigo_xl as a zip file (in Excel: Pyodide's in-memory file system), written once."""
    folder = os.path.join(tempfile.gettempdir(), "kaigo_xl_lite")
    path = os.path.join(folder, "kaigo_xl-" + KAIGO_XL_VERSION + "-" + _BUNDLE_SHA256[:16] + ".zip")
    if not os.path.isfile(path):
        data = base64.b64decode(_BUNDLE)
        if hashlib.sha256(data).hexdigest() != _BUNDLE_SHA256:
            raise RuntimeError("main.py の kaigo_xl のコードが壊れています。配布元から新しいブックを受け取ってください。")
        os.makedirs(folder, exist_ok=True)
        temporary = path + ".tmp" + str(os.getpid())
        with open(temporary, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)
    return path


def _use_bundle(path):
    """Import kaigo_xl from this workbook's bundle only (a workbook of another version may have loaded its own)."""
    for name in [n for n in sys.modules if n == "kaigo_xl" or n.startswith("kaigo_xl.")]:
        if not (getattr(sys.modules[name], "__file__", None) or "").startswith(path):
            del sys.modules[name]
    if path not in sys.path:
        sys.path.insert(0, path)


_BUNDLE = """
{bundle}
"""
_use_bundle(_bundle_path())

from kaigo_xl.excel.functions import (  # noqa: E402
    {functions},
)
from kaigo_xl.excel.scripts import {scripts}  # noqa: E402
'''


@cache
def main_py() -> str:
    """The text of main.py for the current sources."""
    data = bundle_zip()
    text = base64.b64encode(data).decode("ascii")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = len(zf.infolist())
    return _MAIN.format(version=__version__, sha=hashlib.sha256(data).hexdigest(), files=files,
                        bundle="\n".join(text[i:i + LINE] for i in range(0, len(text), LINE)),
                        functions=", ".join(sorted(FUNCTIONS)), scripts=", ".join(sorted(SCRIPTS)))


def requirements_txt() -> str:
    return REQUIREMENTS.format(version=__version__)
