"""Text a person could have meant: the one home for cleaning text at every boundary (JSON, workbook cells, the
add-in), so that what reaches a terminal, a message, a cell or a file is printable, encodable and fits in a cell.

Why each rule:
- a lone surrogate (JSON's "\\ud800") cannot be encoded as UTF-8: printing it, writing it to a cell or to a file
  fails, so it is replaced by U+FFFD and reported as an error (nobody typed it);
- control characters (ESC of a terminal escape sequence, NUL, …; Excel stores them as `_x001B_`) would drive a
  terminal, and openpyxl refuses to write them to a cell; bidirectional overrides (U+202E) make text read
  backwards. They are removed and the user is told; line breaks and tabs stay (Alt+Enter in a cell);
- Excel holds at most 32,767 characters in a cell: a longer text is cut there, and the user is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab, line feed and carriage return; DEL and C1 controls; bidirectional embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class CleanText:
    """A text after cleaning, and what was done to it (for the finding at its cell or JSON path)."""

    text: str
    surrogates: int = 0  # lone surrogates replaced by U+FFFD
    controls: int = 0  # control characters removed
    cut_from: int = 0  # the length before cutting to MAX_CELL_CHARS (0: not cut)

    @property
    def changed(self) -> bool:
        return bool(self.surrogates or self.controls or self.cut_from)


_ANY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def is_clean(raw: str, limit: int = MAX_CELL_CHARS) -> bool:
    """True when clean_text would leave `raw` as it is (almost every text): one search, no CleanText made."""
    return len(raw) <= limit and _ANY.search(raw) is None


def clean_text(raw: str, limit: int = MAX_CELL_CHARS) -> CleanText:
    """`raw` with lone surrogates replaced, control characters removed and cut to `limit` characters."""
    if is_clean(raw, limit):
        return CleanText(raw)  # almost every text: one search, nothing to do
    text, surrogates = _SURROGATE.subn("\ufffd", raw)
    text, controls = _CONTROL.subn("", text)
    cut_from = 0
    if len(text) > limit:
        cut_from, text = len(text), text[:limit]
    return CleanText(text, surrogates, controls, cut_from)


def printable(raw: str, limit: int = 200) -> str:
    """`raw` safe to quote in a message: cleaned and, beyond `limit` characters, shortened with …"""
    text = clean_text(raw, limit).text
    return text if len(text) < limit else text[: limit - 1] + "…"


def clipped(text: str, limit: int) -> str:
    """`text` quoted whole when short, else its first `limit` characters and its length: 「9999…（5,000文字）」 says
    what was written without repeating 5,000 digits."""
    return text if len(text) <= limit else f"{text[:limit]}…（{len(text):,}文字）"


def cleaning_notes(cleaned: CleanText) -> list[tuple[str, str]]:
    """What cleaning did, as (finding code, Japanese message) pairs; the caller adds the place."""
    notes: list[tuple[str, str]] = []
    if cleaned.surrogates:
        notes.append(("INPUT_INVALID", f"文字として読めない符号（対になっていないサロゲート）が{cleaned.surrogates}個あります。"
                                       "その文字を入力し直してください（読めない部分は「\ufffd」に置き換えました）。"))
    if cleaned.controls:
        notes.append(("INPUT_NORMALISED", f"表示されない制御文字（エスケープ・NUL・文字の向きを変える文字など）を"
                                          f"{cleaned.controls}個取り除きました。"))
    if cleaned.cut_from:
        notes.append(("TEXT_TRUNCATED", f"文字数が {cleaned.cut_from:,} 文字あり、Excel のセルに入る {MAX_CELL_CHARS:,} 文字を"
                                        f"超えるため、{MAX_CELL_CHARS:,} 文字で切りました。"))
    return notes
