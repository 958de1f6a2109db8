"""Hostile numbers in custom-function arguments: a quick Japanese 「エラー: …」 in the cell, never a stalled server.

Issue 9: one 235-byte call, FTE_FROM_HOURS("1e999999", 40, 30), kept the server busy for ~46 s (KASAN_TOTAL
("1e9999999") ~10 s): the arithmetic ran on numbers with a million digits. Every number is now bounded first.
"""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from support.payload import function_call_body

import kaigo_xl.excel.server as server
from kaigo_xl.excel import cells
from kaigo_xl.excel import functions as kf

QUICK = 1.0  # seconds for a whole HTTP round trip; the functions themselves answer in about a millisecond
HUGE_TEXTS = ["1e999999", "1e9999999", "-1e999999", "1e-999999", "9" * 40, "1" * 41, "0." + "1" * 5000,
              "1" + "0" * 100_000, "1e+999999999999999999"]
HUGE_NUMBERS = [1e300, -1e300, 1.7976931348623157e308, 10**200, 10**4000]
TWELVE = [[1.0]] * 12
BLANKS = [[None]] * 12


def _hostile_calls():
    """(function, args) with one hostile argument each, in every argument position that takes a number."""
    for bad in HUGE_TEXTS + HUGE_NUMBERS:
        yield "fte_from_hours", (bad, 40, 30)
        yield "fte_from_hours", (600, bad, 30)
        yield "fte_from_hours", (600, 40, bad)
        yield "kasan_total", (bad, None)
        yield "kasan_total", (8.75, bad)
        yield "payment_schedule", (bad, 3, 4, 2025)
        yield "payment_schedule", (100_000, bad, 4, 2025)
        yield "payment_schedule", (100_000, 3, bad, 2025)
        yield "payment_schedule", (100_000, 3, 4, bad)
        for name in ("target_fte", "average_fte", "check_fte"):
            yield name, ([[bad]] * 12, BLANKS)
            yield name, (TWELVE, [[bad]] * 12)


HOSTILE = list(_hostile_calls())


def _texts(result) -> list[str]:
    flat = result if isinstance(result, list) else [result]
    out: list[str] = []
    for item in flat:
        out.extend(_texts(item) if isinstance(item, list) else [item] if isinstance(item, str) else [])
    return out


@pytest.mark.parametrize("name, args", HOSTILE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(HOSTILE)])
def test_a_hostile_number_is_a_quick_japanese_error(name, args):
    start = time.perf_counter()
    result = getattr(kf, name)(*args)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.2, f"{name} took {elapsed:.2f} s"
    texts = _texts(result)
    assert any(t.startswith("エラー: ") for t in texts), result
    assert all(len(t) < 400 for t in texts)  # the hostile value is not echoed in full


@pytest.mark.parametrize("name, args, error", [
    ("fte_from_hours", (745, 40, 31), "勤務時間「745」は1か月の上限（744時間＝24時間×31日）を超えています"),
    ("fte_from_hours", (600, 169, 30), "週の時間数「169」は1週間の時間（168時間）を超えています"),
    ("kasan_total", (1000.5, None), "対象職員数（月平均）「1000.5」は大きすぎます（上限 1000）"),
    ("kasan_total", (8.75, 10_000_000_001), "単価「10,000,000,001」円は大きすぎます（上限 10,000,000,000円）"),
    ("payment_schedule", (10_000_000_001, 1), "加算総額「10,000,000,001」円は大きすぎます"),
    ("kasan_total", ("1e16", None), "対象職員数（月平均）「1E+16」は大きすぎます"),
    ("kasan_total", ("1e-341", None), "小さすぎます"),
    ("kasan_total", (5e-324, None), "小さすぎます"),  # the same lower bound as the JSON and workbook readers
    ("kasan_total", ("1" * 101, None), "は数値として長すぎます（100文字まで）"),
])
def test_the_bounds_of_each_function(name, args, error):
    assert error in getattr(kf, name)(*args)


@pytest.mark.parametrize("name, args, expected", [
    ("fte_from_hours", (744, 40, 31), 4.2),        # the longest month, all day every day: still computed
    ("fte_from_hours", (600, 168, 30), 0.8),
    ("kasan_total", (1000, None), 54_000_000),     # fte_max itself is allowed
    ("kasan_total", (8.75, 10_000_000_000), 87_500_000_000),
    ("kasan_total", (1e-20, None), 0),             # the smallest value the readers accept (kaigo_xl.numbers)
])
def test_values_at_the_bounds_still_compute(name, args, expected):
    assert getattr(kf, name)(*args) == expected


def test_a_message_never_repeats_a_huge_value():
    assert cells.shown(10**5000) == "（桁数の多い数）"
    assert cells.shown("x" * 1000) == "x" * cells.SHOWN_CHARS + "…"


# ---- through the server, as Excel calls them ----

@pytest.fixture(scope="module")
def client():
    with TestClient(server.get_app(), raise_server_exceptions=False) as c:
        yield c


def _post(client, body: bytes | dict):
    start = time.perf_counter()
    if isinstance(body, dict):
        r = client.post("/xlwings/custom-functions-call", json=body)
    else:
        r = client.post("/xlwings/custom-functions-call", content=body,
                        headers={"content-type": "application/json"})
    return r, time.perf_counter() - start


@pytest.mark.parametrize("name, args", [
    ("fte_from_hours", ("1e999999", 40, 30)),   # the 235-byte call of the issue (46 s before)
    ("kasan_total", ("1e9999999", None)),       # ~10 s before
    ("fte_from_hours", (1e300, 40, 30)),
    ("kasan_total", (1e300, None)),             # a 500 before (decimal.InvalidOperation), which Excel retries
    ("payment_schedule", ("1e999", 3)),
    ("average_fte", ([["1e999999"]] * 12, BLANKS)),
    ("check_fte", ([["-1e999999"]] * 12, [["1e999999"]] * 12)),
    ("kasan_total", ("9" * 1_000_000, None)),   # a megabyte of digits as text
    ("kasan_total", ({"type": "Double", "basicValue": {"a": ["x"] * 1000}}, None)),  # a data-type cell
    ("kasan_total", ({"type": "Error", "basicValue": "x" * 100_000}, None)),
])
def test_hostile_calls_over_http_answer_quickly_in_japanese(client, name, args):
    args = [[[a]] if not isinstance(a, list) else a for a in args]
    r, elapsed = _post(client, function_call_body(name, *args))
    assert r.status_code == 200, r.text[:300]
    assert elapsed < QUICK, f"{elapsed:.2f} s"
    assert any(t.startswith("エラー: ") for t in _texts(r.json()["result"])), r.text[:300]
    assert len(r.content) < 20_000


def test_an_argument_excel_cannot_send_is_refused_quickly(client):
    """A dict without "type"/"basicValue" breaks xlwings' own conversion before any function runs: an HTTP error."""
    r, elapsed = _post(client, function_call_body("kasan_total", [[{"a": 1}]], [[None]]))
    assert elapsed < QUICK and r.status_code >= 400 and "Traceback" not in r.text


@pytest.mark.parametrize("literal", ["1e999999", "-1e999999", "1" + "0" * 4000, "Infinity", "NaN"])
def test_json_number_literals_over_http(client, literal):
    """Numbers written into the JSON itself: a huge exponent parses as inf, long integers as a big int."""
    body = json.dumps(function_call_body("kasan_total", [[0]], [[None]])).replace("[[0]]", f"[[{literal}]]", 1)
    r, elapsed = _post(client, body.encode())
    assert elapsed < QUICK
    assert r.status_code == 200, r.text[:300]
    assert r.json()["result"][0][0].startswith("エラー: ")
