"""What a person could have meant (issue 9): the bounds of numbers (kaigo_xl.numbers), the cleaning of text
(kaigo_xl.texts), regular files only (kaigo_xl.files), and the JSON reader and the models holding to them."""

from __future__ import annotations

import json
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from kaigo_xl.errors import InputUnreadable, PolicyError
from kaigo_xl.files import open_regular, read_regular
from kaigo_xl.inputs import load_json, parse_payload
from kaigo_xl.models import FacilityInput
from kaigo_xl.numbers import (
    MAX_ABS,
    as_decimal,
    bound_problem,
    bounded_decimal,
    bounded_int,
    exact_cell_value,
    fte_text,
    shown,
)
from kaigo_xl.policy import load_policy
from kaigo_xl.texts import MAX_CELL_CHARS, clean_text, printable

# ---- numbers ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [Decimal("1E+999999999"), Decimal("1E+27"), 10 ** 15, -10 ** 15, 1e300,
                                   float("inf"), float("nan"), Decimal("NaN"), Decimal("-Infinity"), "9" * 5000,
                                   "1e999999999", Decimal("1E-999999999"), 10 ** 5000, True], ids=shown)
def test_a_number_no_person_meant_is_refused_at_once(value: object) -> None:
    start = time.monotonic()
    assert bound_problem(value) is not None  # type: ignore[arg-type]
    with pytest.raises((ValueError, TypeError)):
        bounded_decimal(value)  # type: ignore[arg-type]
    assert time.monotonic() - start < 0.1


@pytest.mark.parametrize("value, expected", [
    (10.5, Decimal("10.5")), (0.1, Decimal("0.1")), ("54000", Decimal(54000)), (Decimal("0E-999999999"), Decimal(0)),
    (999_999_999_999_999, Decimal(999_999_999_999_999)), (Decimal("1E-20"), Decimal("1E-20")), (-3, Decimal(-3)),
])
def test_a_number_within_the_bounds_is_kept_exactly(value: object, expected: Decimal) -> None:
    assert bounded_decimal(value) == expected  # type: ignore[arg-type]


def test_the_bound_is_excels_fifteen_digits() -> None:
    assert MAX_ABS == 10 ** 15
    assert bounded_int(Decimal("999999999999999.0")) == 999_999_999_999_999
    with pytest.raises(ValueError, match="整数"):
        bounded_int(Decimal("1.5"))


def test_a_quoted_value_is_short_even_for_an_integer_python_cannot_print() -> None:
    assert shown(10 ** 5000) == "約5,001桁の数"
    assert len(shown("あ" * 40_000)) == 30


def test_conversions_never_fail_or_hang_near_the_bounds() -> None:
    start = time.monotonic()
    assert fte_text(Decimal("999999999999999.9")) == "999999999999999.9"
    assert as_decimal(Decimal("999999999999999.123456789"), 6) == Decimal("999999999999999.123457")
    assert exact_cell_value(Decimal("1E+999999999")) == Decimal("1E+999999999")  # not int(): that took minutes
    assert time.monotonic() - start < 0.1


# ---- text -------------------------------------------------------------------------------------------------------

def test_control_characters_and_bidi_overrides_are_removed_line_breaks_kept() -> None:
    cleaned = clean_text("さくら\x1b[31m苑\x00\u202e1行目\n2行目\t")
    assert cleaned.text == "さくら[31m苑1行目\n2行目\t" and cleaned.controls == 3


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    cleaned = clean_text("さくら\ud800苑")
    assert cleaned.text == "さくら\ufffd苑" and cleaned.surrogates == 1
    cleaned.text.encode("utf-8")


def test_text_is_cut_to_what_a_cell_holds_and_says_from_how_long() -> None:
    cleaned = clean_text("あ" * 40_000)
    assert len(cleaned.text) == MAX_CELL_CHARS and cleaned.cut_from == 40_000


def test_printable_text_is_short() -> None:
    assert printable("\x1b" + "x" * 500, 40) == "x" * 39 + "…"


# ---- files that are not files -----------------------------------------------------------------------------------

def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputUnreadable, match="名前付きパイプ"):
        open_regular(fifo)


def test_a_device_is_refused_before_one_byte_is_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputUnreadable, match="デバイス"):
        read_regular(link, 1024)


def test_a_file_larger_than_allowed_is_refused_after_reading_one_byte_more(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputUnreadable, match="大きすぎます"):
        read_regular(path, 100)
    assert read_regular(path, 101) == b"x" * 101


def test_a_folder_and_a_missing_file_say_so(tmp_path: Path) -> None:
    with pytest.raises(InputUnreadable, match="フォルダー"):
        open_regular(tmp_path)
    with pytest.raises(InputUnreadable, match="見つかりません"):
        open_regular(tmp_path / "nothing.json")


def test_a_policy_that_is_a_fifo_is_a_policy_error(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.toml"
    os.mkfifo(fifo)
    with pytest.raises(PolicyError, match="設定ファイル.*名前付きパイプ"):
        load_policy(fifo)


def test_a_policy_with_an_integer_python_cannot_convert_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("rate_yen = " + "9" * 5000)
    with pytest.raises(PolicyError, match="桁数"):
        load_policy(path)


# ---- the JSON reader ---------------------------------------------------------------------------------------------

def _json(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facility.json"
    path.write_text(text, encoding="utf-8")
    return path


def _sample_text(sample: dict) -> str:
    return json.dumps(sample, ensure_ascii=False, default=str)


def test_a_key_written_twice_is_an_error_at_its_path(tmp_path: Path, sample: dict) -> None:
    text = _sample_text(sample).replace('"fiscal_year": 2025', '"fiscal_year": 2025, "fiscal_year": 2026')
    inp, findings = load_json(_json(tmp_path, text))
    assert inp is None
    assert [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "fiscal_year")]


def test_a_duplicate_key_deep_inside_is_found_too(tmp_path: Path, sample: dict) -> None:
    text = _sample_text(sample).replace('"installments": 6', '"installments": 6, "installments": 1')
    inp, findings = load_json(_json(tmp_path, text))
    assert inp is None and [f.location for f in findings] == ["payment.installments"]


def test_an_integer_of_5000_digits_is_a_finding_not_a_crash(tmp_path: Path, sample: dict) -> None:
    text = _sample_text(sample).replace('"capacity": 80', '"capacity": ' + "9" * 5000)
    inp, findings = load_json(_json(tmp_path, text))
    assert inp is None and [f.location for f in findings] == ["facility.capacity"]
    assert len(findings[0].message) < 200


def test_an_exponent_no_person_meant_is_refused_quickly(tmp_path: Path, sample: dict) -> None:
    text = _sample_text(sample).replace('"fte": "10.5"', '"fte": 1e999999999', 1)
    start = time.monotonic()
    inp, findings = load_json(_json(tmp_path, text))
    assert inp is None and [f.location for f in findings] == ["monthly[0].fte"]
    assert "大きすぎ" in findings[0].message and time.monotonic() - start < 1


def test_cleaned_text_is_used_and_noted(tmp_path: Path, sample: dict) -> None:
    sample["facility"]["name"] = "さくら\x1b[2J苑"
    sample["facility"]["address"] = "あ" * 40_000
    inp, findings = load_json(_json(tmp_path, _sample_text(sample)))
    assert inp is not None and inp.facility.name == "さくら[2J苑" and len(inp.facility.address) == MAX_CELL_CHARS
    assert {(f.code, f.location) for f in findings} == {("INPUT_NORMALISED", "facility.name"),
                                                       ("TEXT_TRUNCATED", "facility.address")}


def test_a_lone_surrogate_is_an_error_and_never_reaches_a_printer(tmp_path: Path, sample: dict) -> None:
    text = _sample_text(sample).replace('"name": "養護老人ホーム さくら苑"', '"name": "さくら\\ud800苑"')
    inp, findings = load_json(_json(tmp_path, text))
    assert inp is None and [(f.code, f.location) for f in findings] == [("INPUT_INVALID", "facility.name")]
    str(findings[0]).encode("utf-8")


def test_a_key_with_control_characters_is_cleaned_before_it_is_printed(sample: dict) -> None:
    sample["facility"]["\x1b[31mname\ud800"] = "x"
    inp, findings = parse_payload(sample)
    assert inp is None and all("\x1b" not in str(f) for f in findings)
    "\n".join(map(str, findings)).encode("utf-8")


def test_json_nested_deeper_than_python_can_walk_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputUnreadable, match="入れ子"):
        load_json(_json(tmp_path, '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"))


# ---- the models: the net under every reader ---------------------------------------------------------------------

def test_the_models_refuse_numbers_beyond_the_bounds_whoever_builds_them(sample: dict) -> None:
    sample["monthly"][0]["fte"] = Decimal("1E+27")
    with pytest.raises(ValidationError, match="大きすぎます"):
        FacilityInput.model_validate(sample)


def test_the_models_clean_text_whoever_builds_them(sample: dict) -> None:
    sample["facility"]["name"] = "さくら\x00苑"
    assert FacilityInput.model_validate(sample).facility.name == "さくら苑"


def test_two_keys_that_differ_only_by_control_characters_are_a_key_written_twice(sample: dict) -> None:
    sample["facility"]["name\x00"] = "別の名前"
    inp, findings = parse_payload(sample)
    assert inp is None and ("INPUT_INVALID", "facility.name") in {(f.code, f.location) for f in findings}
