"""How python-calamine turns a cell's written form into a value, for the plain reader (kaigo_xl.xlsx.plainread):
character data and its entities, rich text and furigana, and number formats (which numbers it reads as dates).
Anything one python-calamine version might read otherwise raises Declined, and python-calamine reads the book.
"""

from __future__ import annotations

import datetime as dt
import functools
import re


class Declined(Exception):
    """Not written plainly: python-calamine reads it."""


# ---- text ----

_ENTITY = re.compile(rb"&(amp|lt|gt|quot|apos);")
_ENTITIES = {b"amp": b"&", b"lt": b"<", b"gt": b">", b"quot": b'"', b"apos": b"'"}
_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f]")  # CR included: XML parsers turn CR LF into LF, not all alike
_EDGE_SPACE = b" \t\n"


def char_data(raw: bytes) -> str:
    """Character data as every python-calamine reads it; Declined for anything one version might read otherwise."""
    if b"&" in raw:
        if raw.count(b"&") != len(_ENTITY.findall(raw)):
            raise Declined  # a character reference (&#10;) or an unknown entity
        raw = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], raw)
    if b"_x" in raw or _CONTROL.search(raw):
        raise Declined  # _x000D_ escapes, control characters
    return raw.decode("utf-8")


_PLAIN_T = re.compile(rb'<t>([^<]*)</t>|<t xml:space="preserve">([^<]*)</t>')
# furigana (not part of the text) and the runs' fonts, colours …: only as Excel writes them, so that nothing else (an
# element python-calamine would take for the sheet's own, a closing tag) can stand inside them unseen
_PHONETIC = re.compile(rb'<rPh [^<>]*>(?:<t(?: xml:space="preserve")?>[^<]*</t>|<t/>)</rPh>|<phoneticPr [^<>]*/>')
_RUN_T = re.compile(rb'<t( xml:space="preserve")?>([^<]*)</t>')
_RUN_FRAME = re.compile(rb'<r>|</r>|<rPr>(?:<[A-Za-z]{1,20}(?: [A-Za-z]{1,20}="[^"<>]*")* ?/>)*</rPr>|<rPr ?/>')


def rich_text(raw: bytes) -> str:
    """The text of a shared string or an inline string (`<si>` or `<is>` content): plain, rich (runs) and with
    furigana (`<rPh>`, which python-calamine leaves out)."""
    m = _PLAIN_T.fullmatch(raw)
    if m is not None:
        return t_text(m.group(1), False) if m.group(1) is not None else t_text(m.group(2), True)
    body = _PHONETIC.sub(b"", raw).replace(b"<t/>", b"<t></t>")
    texts = _RUN_T.findall(body)
    if _RUN_FRAME.sub(b"", _RUN_T.sub(b"", body)).strip(_EDGE_SPACE):
        raise Declined  # anything else in the string
    return "".join(t_text(text, bool(preserve)) for preserve, text in texts)


def t_text(raw: bytes, preserve: bool) -> str:
    if not preserve and raw != raw.strip(_EDGE_SPACE):
        raise Declined  # python-calamine versions differ in trimming <t> without xml:space="preserve"
    return char_data(raw)


# ---- number formats: which numbers python-calamine reads as dates ----

PLAIN, DATE, UNKNOWN = 0, 1, 2
_PLAIN_BUILTIN = frozenset(range(0, 14)) | frozenset(range(37, 45)) | {48, 49}
_DATE_BUILTIN = frozenset(range(14, 18))  # m/d/yy, d-mmm-yy, d-mmm, mmm-yy (times and CJK formats: UNKNOWN)
_NUMFMT = re.compile(rb'<numFmt numFmtId="([0-9]{1,9})" formatCode="([^"<]*)" ?/>')
_XF = re.compile(rb"<xf[ >/][^>]*>")
_XF_FORMAT = re.compile(rb' numFmtId="([0-9]{1,9})"')


@functools.lru_cache(maxsize=16)
def style_kinds(styles: bytes) -> tuple[int, ...] | None:
    """PLAIN, DATE or UNKNOWN for each cell format (cellXfs) of styles.xml, or None when styles.xml is written in
    an unusual way (then no number with a style is read here). Read once per distinct bytes: the books of one
    template share theirs."""
    try:
        return _style_kinds(styles)
    except (Declined, UnicodeDecodeError):
        return None


def _style_kinds(styles: bytes) -> tuple[int, ...]:
    if b":numFmt" in styles or b":xf" in styles or b":cellXfs" in styles:
        raise Declined
    found = _NUMFMT.findall(styles)
    custom = {int(i): format_kind(char_data(code)) for i, code in found}
    if styles.count(b"<numFmt ") != len(custom) or any(len(i) > 1 and i.startswith(b"0") for i, _ in found):
        raise Declined  # a repeated id, or "0164" (python-calamine compares the text)
    start, end = styles.find(b"<cellXfs"), styles.find(b"</cellXfs>")
    if styles.count(b"<cellXfs") > 1 or (start < 0) != (end < 0):
        raise Declined
    kinds = []
    for xf in _XF.findall(styles[start:end]) if start >= 0 else ():
        ids = _XF_FORMAT.findall(xf)
        if len(ids) != 1 or (len(ids[0]) > 1 and ids[0].startswith(b"0")):
            raise Declined  # no numFmtId, or "014" (python-calamine compares the text)
        n = int(ids[0])
        kinds.append(custom[n] if n in custom else PLAIN if n in _PLAIN_BUILTIN else DATE if n in _DATE_BUILTIN
                     else UNKNOWN)
    return tuple(kinds)


def format_kind(code: str) -> int:
    """A custom number format, judged as python-calamine does on its first section (quotes and the escapes \\, _ and *
    followed as it follows them): PLAIN when that has no letter (or is General), DATE when its letters are only y, m,
    d (every version reads those as dates), UNKNOWN otherwise (times, brackets, eras, AM/PM, exponents …)."""
    if "\t" in code or "\n" in code or "\r" in code:
        return UNKNOWN
    escaped = quoted = False
    first = []
    for ch in code:
        if escaped:
            escaped = False
        elif ch in "_\\*":
            escaped = True  # the next character is a literal, even inside quotes
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == ";":
            break  # only the first section decides
        elif ch == "[":
            return UNKNOWN  # elapsed times, colours, locales: left to python-calamine
        else:
            first.append(ch)
    letters = {ch for ch in first if ch.isascii() and ch.isalpha()}
    if not letters or "".join(first).strip().lower() == "general":
        return PLAIN
    return DATE if letters <= set("ymdYMD") else UNKNOWN


# ---- one cell's value ----

_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FIRST_TRUE_SERIAL, _LAST_SERIAL = 61, 2958465  # 1900-03-01 (before it, Excel's 1900-02-29), 9999-12-31


class Shared(int):
    """A shared string's index standing in a remembered row's cell: the text is each book's own."""


def plain_t(element: bytes) -> str:
    """The text of a `<t>…</t>` element without attributes."""
    return t_text(element[3:-4], False)


EMPTY = object()


def cell_value(kind: bytes, v: bytes, inline: bytes, style: bytes, kinds: tuple[int, ...] | None) -> object:
    """A cell's value as python-calamine gives it (EMPTY: no value, the cell does not count; a Shared: the book's
    shared string)."""
    if kind == b"inlineStr":
        return rich_text(inline[4:-5] if inline.startswith(b"<is>") else inline) if inline else EMPTY
    if inline:
        raise Declined  # <is> in a cell of another type
    text = v[3:-4] if v.startswith(b"<v>") else b""  # <v/>: no text
    if kind in (b"", b"n"):
        return number_value(text, style, kinds)
    if kind == b"str":
        return char_data(text)  # even "" (<v/>, <v></v>): a value, as python-calamine counts it
    if not text:
        raise Declined
    if kind == b"s":
        if not text.isdigit():
            raise Declined
        return Shared(text)
    if kind == b"b" and text in (b"0", b"1"):
        return text == b"1"
    if kind == b"e":
        return ""  # the preflight's error_cells has the real text, put at the cell by the reader
    raise Declined  # t="d" (ISO dates) and anything unknown


def number_value(text: bytes, style: bytes, kinds: tuple[int, ...] | None) -> object:
    if not text:
        return EMPTY  # <v></v>
    if not _NUMBER.fullmatch(text):
        raise Declined  # "1.", "+1", "inf" …: left to python-calamine's own number parser
    x = float(text)
    if not style:
        return x  # no style: a plain number
    if kinds is None:
        raise Declined  # styles.xml not read here
    n = int(style)
    kind = kinds[n] if n < len(kinds) else PLAIN  # an index past the end: python-calamine reads a plain number
    if kind == PLAIN:
        return x
    if kind == DATE and x.is_integer() and _FIRST_TRUE_SERIAL <= x <= _LAST_SERIAL:
        return _EXCEL_EPOCH + dt.timedelta(days=int(x))
    raise Declined  # a time, a date and time, a date before 1900-03-01, a format we do not classify
