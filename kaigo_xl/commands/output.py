"""Printing for the command line: JSON, findings and Japanese lines. One home for how results reach a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache

from kaigo_xl.findings import Finding


def print_json(data: object) -> None:
    print(json_text(data))


def json_text(data: object) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, character for character, in about 60 % of the time.

    With `indent` the standard library encodes in Python (0.12 s for collect's 3,300 books); without it, in C. So
    the plain values — an object's runs of them, an array of them, an array of objects of them (payments,
    findings) — are encoded in C with separators that say where the newlines go, and only the nesting is laid
    out here. Encoded JSON holds no raw newline or control character (strings escape them): a NUL can mark the
    separators, and a subtree the fast way does not cover (a key that is not a string) can be encoded by the
    standard library and indented by replacing its newlines."""
    if isinstance(data, _CONTAINERS) and data:
        return _nested(data, "\n")
    return _flat(",")(data)


_CONTAINERS = (dict, list, tuple)  # what `indent` lays out over lines, when not empty


def _nested(value: dict | list | tuple, newline: str) -> str:
    """A non-empty object or array whose first line is already indented by `newline`."""
    inner = newline + "  "
    sep = "," + inner
    if isinstance(value, dict):
        return _object(value, newline, inner)
    if all(isinstance(v, dict) and v and not any(isinstance(x, _CONTAINERS) and x for x in v.values())
           for v in value):
        return _records(value, newline, inner)
    parts = [_nested(v, inner) if isinstance(v, _CONTAINERS) and v else _flat(sep)(v) for v in value]
    return f"[{inner}{sep.join(parts)}{newline}]"


def _object(value: dict, newline: str, inner: str) -> str:
    sep = "," + inner
    parts, run = [], {}
    for key, v in value.items():
        if not (isinstance(v, _CONTAINERS) and v):
            run[key] = v
            continue
        if not isinstance(key, str):
            return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline)
        if run:
            parts.append(_flat(sep)(run)[1:-1])
            run = {}
        parts.append(f"{_flat(sep)(key)}: {_nested(v, inner)}")
    if run:
        parts.append(_flat(sep)(run)[1:-1])
    return f"{{{inner}{sep.join(parts)}{newline}}}"


def _records(value: list | tuple, newline: str, inner: str) -> str:
    """An array of non-empty objects of plain values, in one C call: NUL between all items, then a NUL before
    `{` is between two objects (an object's items start with `"`), any other between an object's items."""
    deeper = inner + "  "
    text = _flat("\0")(value)[2:-2].replace("}\0{", f"{inner}}},{inner}{{{deeper}").replace("\0", "," + deeper)
    return f"[{inner}{{{deeper}{text}{inner}}}{newline}]"


@lru_cache(maxsize=64)
def _flat(separator: str) -> Callable[[object], str]:
    """The C encoder, with `separator` between the items of an object or array (indent's key separator); made
    once, as `JSONEncoder.encode` would make it on every call (3 µs, more than most values take to encode)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C encoder in this Python
        return encoder.encode
    try:  # the arguments JSONEncoder.iterencode gives it (markers None: our data holds no cycles)
        c = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", separator, False, False, True)
        c("", 0)
    except TypeError:  # another signature: the standard path
        return encoder.encode
    return lambda value: "".join(c(value, 0))


def print_findings(findings: Iterable[Finding], indent: str = "  ") -> None:
    for f in findings:
        print(f"{indent}{f}")


def print_lines(lines: Iterable[str]) -> None:
    for line in lines:
        print(line)
