"""Looking at a file before any parser does: damaged, disguised and hostile workbooks are refused here with a
Japanese message, so that openpyxl and calamine only ever see well-formed .xlsx zips of sane size.

(Minimal for now; issue 6 hardens it: zip bombs, entity expansion, encrypted and legacy formats.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..inputs import InputUnreadable

MAX_FILE_BYTES = 50 * 1024 * 1024


def preflight(path: Path) -> None:
    """Raise InputUnreadable when `path` is not a readable, sane .xlsx workbook."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputUnreadable(f"{path}: ファイルが見つかりません。") from None
    if path.is_dir():
        raise InputUnreadable(f"{path}: フォルダーです。ファイルを指定してください。")
    if size == 0:
        raise InputUnreadable(f"{path}: 空のファイルです。")
    if size > MAX_FILE_BYTES:
        raise InputUnreadable(f"{path}: ファイルが大きすぎます（50MB まで）。")
    if not zipfile.is_zipfile(path):
        raise InputUnreadable(f"{path}: Excel ブック（.xlsx）として読めません。ファイルが壊れているか、形式が違います。")
