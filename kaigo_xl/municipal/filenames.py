"""File names that every Windows PC accepts, unique within one folder.

Facility names contain anything a clerk typed: slashes (「A/B棟」), colons, quotes, trailing dots. Windows refuses
\\ / : * ? " < > |, control characters, the device names CON, PRN, AUX, NUL, COM0–9, LPT0–9 (with any extension)
and names ending in a dot or a space; it compares names without regard to case. We also stay at 100 characters
so that a deep folder on a file server still fits within the path limit, and at 200 bytes in UTF-8: Linux and
macOS file systems allow 255 bytes per name (about 85 Japanese characters), and the safe writer adds a temporary
name, a lock file and `.bak` around it. Bidi controls and invisible format characters are dropped: U+202E would
make a name read backwards.

Why not pathvalidate: it covers the Windows rules above, but not the byte budget we need for `.bak` and lock names,
nor uniqueness as Windows compares names (case-insensitive), nor bidi controls (format characters it keeps); the
rules fit in this page, are tested here, and the project gains no dependency.
"""

from __future__ import annotations

import re
import unicodedata

from kaigo_xl.municipal.text import BIDI_CONTROLS

MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
# Bidi controls (U+202E makes 「請求書\u202Excod.exe」 look like 「請求書exe.docx」) and invisible format characters.
_INVISIBLE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "\u200b-\u200d\u2060\ufeff]")
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                      *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
                      *(f"COM{c}" for c in "¹²³"), *(f"LPT{c}" for c in "¹²³")})


def safe_stem(text: str) -> str:
    """`text` made safe as the part of a file name before the extension (never empty)."""
    stem = unicodedata.normalize("NFC", text)
    stem = _INVISIBLE.sub("", stem)
    stem = "".join("_" if "\ud800" <= ch <= "\udfff" else ch for ch in stem)  # lone surrogates
    stem = _FORBIDDEN.sub("_", stem)
    stem = _SPACES.sub(" ", stem).strip().rstrip(". ")
    if not stem:
        return "_"
    if stem.split(".")[0].strip().upper() in RESERVED or stem.startswith(("~$", ".")):
        stem = "_" + stem
    return stem


class UniqueNames:
    """Hands out names that differ from every earlier one as Windows compares them (ignoring case)."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken = {n.casefold() for n in (taken or set())}

    def claim(self, text: str, suffix: str = ".xlsx") -> str:
        stem = safe_stem(text)
        n = 1
        while True:
            tail = "" if n == 1 else f"_{n}"
            name = _fit(stem, tail + suffix)
            if name.casefold() not in self._taken:
                self._taken.add(name.casefold())
                return name
            n += 1


def _fit(stem: str, end: str) -> str:
    """stem + end within the limits, cut without leaving a trailing dot or space (which Windows would drop)."""
    cut = stem[:MAX_NAME_CHARS - len(end)]
    while len((cut + end).encode("utf-8")) > MAX_NAME_BYTES:
        cut = cut[:-1]
    return (cut.rstrip(". ") or "_") + end
