"""Text from outside (facility cells, file names, the clerk's list) made safe to show and to write.

One home for three dangers: a file name in Shift_JIS bytes (what unzip makes of a Windows zip) arrives as
surrogate escapes that no UTF-8 writer accepts; control characters are illegal in XML and invisible on screen; and
bidi controls (U+202E …) make `…xslx.exe` look like `…exe.xslx`. Every writer of the municipal round (summary
workbook, CSV, 配布一覧.csv, feedback files, the terminal) shows text through `shown`; CSV cells that a spreadsheet
would run as a formula are neutralised by `csv_cell`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

# Bidirectional formatting characters: embeddings, overrides, isolates and the marks (Unicode TR 9).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_NON_CHARACTERS = re.compile("[\ufffe\uffff]")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # how Python reads undecodable bytes of a file name
_SURROGATES = re.compile("[\ud800-\udfff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def from_surrogates(text: str) -> tuple[str, str]:
    """A name Python read with surrogate escapes (undecodable bytes) → (readable text, the encoding used).

    Windows zips store names in Shift_JIS (cp932); we try it first, then UTF-8; bytes that are neither are
    shown as U+FFFD. The encoding is "" when the text had no escapes.
    """
    if not _ESCAPED_BYTES.search(text):
        return text, ""
    raw = os.fsencode(text)
    for encoding in ("cp932", "utf-8"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace"), "unknown"


def shown(value: str) -> str:
    """Text as every municipal writer shows it: decodable, printable, without bidi tricks.

    Control characters become their visible pictures (U+0007 → ␇) so a clerk can still tell two names apart;
    lone surrogates become U+FFFD; bidi controls are dropped.
    """
    if value.isascii():  # nothing but control characters to show
        return _CONTROL.sub(_picture, value)
    text, _ = from_surrogates(value)
    text = _SURROGATES.sub("\ufffd", text)
    text = _BIDI.sub("", text)
    text = _NON_CHARACTERS.sub("\ufffd", text)
    return _CONTROL.sub(_picture, text)


def _picture(m: re.Match[str]) -> str:
    return chr(0x2400 + ord(m.group(0))) if m.group(0) != "\x7f" else "\u2421"


def file_label(path: Path, folder: Path) -> str:
    """The path of a returned file relative to the collected folder, "/"-separated and `shown`."""
    try:
        rel = path.relative_to(folder).as_posix()
    except ValueError:
        rel = path.as_posix()
    return shown(rel)


def name_encoding(path: Path, folder: Path) -> str:
    """"cp932" when the file name (relative to the folder) arrived in Shift_JIS bytes, else ""."""
    try:
        rel = path.relative_to(folder).as_posix()
    except ValueError:
        rel = path.as_posix()
    return from_surrogates(rel)[1]


def has_controls(text: str) -> bool:
    return bool(_CONTROL.search(text) or _BIDI.search(text))


def csv_cell(value: object) -> str:
    """A CSV cell: numbers stay numbers; text is `shown`, and text a spreadsheet would run as a formula gets a
    leading single quote (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + shown(text)
    return shown(text)


def uncsv_cell(text: str) -> str:
    """Undo `csv_cell`'s quote when reading back a CSV we wrote (配布一覧.csv given as the list)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def loose(text: str) -> str:
    """A name for comparing: NFKC, no spaces, case-folded (「さくら苑」＝「さくら 苑」)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: wide (Japanese) characters count two."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1
