"""The command line's JSON is exactly `json.dumps(…, ensure_ascii=False, indent=2)`, only faster."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from kaigo_xl.commands.output import json_text

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
keys = st.text(max_size=6) | st.integers() | st.none() | st.booleans() | st.floats(allow_nan=False)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=30)


def _same(data) -> None:
    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_json_value_is_laid_out_as_the_standard_library_does(data):
    _same(data)


def test_records_empty_containers_and_tricky_strings():
    for data in ([{"a": 1}], [{"a": {}}, {"b": []}], [{"a": "}\x00{"}, {"b": "x"}], [{"a": 1}, {}],
                 {"r": [{"a": 1, "b": {}}, {"c": [], "d": "{"}]}, [{"a": [1]}], [{1: 2, None: 3}],
                 {"改行\n": ["\u2028", "é", "\x00", math.nan, -math.inf]}, {1: [1], "b": {False: {None: [2]}}},
                 [], {}, "", 0, None, {"deep": [[[[[{"a": [1]}]]]]]}):
        _same(data)
