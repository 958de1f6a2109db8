"""Custom functions (=KAIGO.…): the engine's numbers, directly and through POST /xlwings/custom-functions-call."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support.payload import function_call_body

import kaigo_xl.excel.server as server
from kaigo_xl.demo import sample_payload
from kaigo_xl.engine import evaluate
from kaigo_xl.excel import functions as kf
from kaigo_xl.inputs import parse_payload

SAMPLE = sample_payload()
FTE = [[float(m["fte"])] for m in SAMPLE["monthly"]]  # as Excel sends a column: one row per cell, doubles
TOKUTEI = [[float(m["tokutei_fte"])] for m in SAMPLE["monthly"]]
NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}  # an error cell as Office.js sends it


@pytest.fixture(scope="module")
def client():
    with TestClient(server.get_app(), raise_server_exceptions=False) as c:
        yield c


def call(client, name, *args):
    r = client.post("/xlwings/custom-functions-call", json=function_call_body(name, *args))
    assert r.status_code == 200, r.text
    return r.json()["result"]


def sample_evaluation():
    inp, _ = parse_payload(sample_payload())
    return evaluate(inp)


def column(values):
    return [[v] for v in values]


# ---- FTE_FROM_HOURS ----

def test_600_hours_with_a_40_hour_week_in_a_30_day_month_is_exactly_3_5():
    assert kf.fte_from_hours(600.0, 40.0, 30.0) == 3.5


def test_fte_from_hours_is_exact_where_binary_floats_truncate_to_3_4():
    assert kf.fte_from_hours(581.25, 38.75, 30) == 3.5


def test_a_week_under_32_hours_is_raised_to_32():
    assert kf.fte_from_hours(137.2, 30, 30) == kf.fte_from_hours(137.2, 32, 30) == 1.0


def test_fte_from_hours_truncates_to_one_decimal():
    assert kf.fte_from_hours(170, 40, 30) == 0.9  # 170 ÷ 171.43 = 0.99…


@pytest.mark.parametrize("hours, weekly, days, expected", [
    (None, 40, 30, "エラー: 勤務時間が空欄です。"),
    ("たくさん", 40, 30, "エラー: 勤務時間「たくさん」は数値ではありません。"),
    (True, 40, 30, "エラー: 勤務時間が TRUE/FALSE です。数値を入力してください。"),
    ("#N/A", 40, 30, "エラー: 勤務時間がエラー値（#N/A）です。元のセルの数式をご確認ください。"),
    (-1, 40, 30, "エラー: 勤務時間「-1」が負の値です。"),
    (600, 0, 30, "エラー: 週の時間数「0」は正の数で入力してください。"),
    (600, 40, 27, "エラー: 月の日数「27」は28～31で入力してください。"),
    (600, 40, 30.5, "エラー: 月の日数「30.5」は整数で入力してください。"),
])
def test_fte_from_hours_explains_unusable_cells_in_japanese(hours, weekly, days, expected):
    assert kf.fte_from_hours(hours, weekly, days) == expected


# ---- TARGET_FTE ----

def test_target_fte_spills_the_engines_twelve_monthly_targets_as_a_column():
    expected = [float(t) for t in sample_evaluation().result.monthly_targets]
    assert kf.target_fte(FTE, TOKUTEI) == column(expected)
    assert expected[0] == 8.5


def test_target_fte_spills_a_row_for_a_row():
    row = kf.target_fte([[r[0] for r in FTE]], [[r[0] for r in TOKUTEI]])
    assert len(row) == 1 and len(row[0]) == 12


def test_target_fte_puts_the_message_only_in_the_bad_month():
    fte = [list(r) for r in FTE]
    fte[2] = ["十"]
    out = kf.target_fte(fte, TOKUTEI)
    assert out[2] == ["エラー: 6月の職員数「十」は数値ではありません。"]
    assert out[3] == [8.9]


def test_target_fte_reports_more_specialised_staff_than_staff():
    tokutei = [list(r) for r in TOKUTEI]
    tokutei[0] = [11.0]
    assert kf.target_fte(FTE, tokutei)[0][0].startswith("エラー: 4月の特定施設担当職員数 11 が職員数 10.5 を上回って")


# ---- AVERAGE_FTE ----

def test_average_fte_is_the_engines_unrounded_average():
    ev = sample_evaluation()
    assert kf.average_fte(FTE, TOKUTEI) == float(ev.result.average) == 8.75


def test_average_fte_divides_by_12_even_with_months_at_zero():
    fte = column([12.0] * 6 + [0.0] * 6)
    assert kf.average_fte(fte, column([None] * 12)) == 6.0


def test_a_blank_tokutei_cell_counts_as_zero():
    assert kf.average_fte(column([1.0] * 12), column([None] * 12)) == 1.0


def test_floats_from_excel_are_read_as_excel_shows_them():
    # 0.1 arrives as 0.1000000000000000055…; read as Decimal('0.1') the average is exactly 0.1 and the total 5,400 yen
    assert kf.average_fte(column([0.1] * 12), column([0.0] * 12)) == 0.1
    assert kf.kasan_total(kf.average_fte(column([0.1] * 12), column([0.0] * 12))) == 5400
    # 10.8 − 2.1 computed in a cell is 8.700000000000001; Excel shows 8.7 and so do we
    assert kf.target_fte(column([10.8 - 2.1] * 12), column([0.0] * 12))[0] == [8.7]


def test_average_fte_with_a_blank_month_says_which_cell_and_how_many_more():
    fte = [list(r) for r in FTE]
    fte[0], fte[5] = [None], [NA["basicValue"]]
    assert kf.average_fte(fte, TOKUTEI) == "エラー: 4月の職員数が空欄です。（ほか1件。CHECK_FTE 関数で一覧できます）"


def test_average_fte_needs_twelve_cells():
    assert kf.average_fte(FTE[:11], TOKUTEI) == \
        "エラー: 職員数の範囲は4月～3月の12セルを指定してください（11セルが指定されました）。"


# ---- KASAN_TOTAL ----

def test_kasan_total_of_the_sample_is_the_engines_472500_yen():
    assert kf.kasan_total(kf.average_fte(FTE, TOKUTEI)) == sample_evaluation().annual_yen == 472_500


def test_kasan_total_recovers_the_exact_average_from_a_repeating_double():
    months = [8.3] * 11 + [8.8]  # sum 100.1; 100.1 ÷ 12 = 8.341666…; × 54,000 = 450,450 exactly
    inp, _ = parse_payload({**sample_payload(), "monthly": [{"month": m["month"], "fte": str(f), "tokutei_fte": "0"}
                                                             for m, f in zip(SAMPLE["monthly"], months)]})
    assert kf.kasan_total(kf.average_fte(column(months), column([0] * 12))) == evaluate(inp).annual_yen == 450_450


def test_kasan_total_takes_another_rate():
    assert kf.kasan_total(8.75, 60_000) == 525_000


@pytest.mark.parametrize("average, rate, expected", [
    (-1, None, "エラー: 対象職員数（月平均）「-1」が負の値です。"),
    ("#DIV/0!", None, "エラー: 対象職員数（月平均）がエラー値（#DIV/0!）です。元のセルの数式をご確認ください。"),
    (8.75, 0, "エラー: 単価「0」は1以上で入力してください。"),
])
def test_kasan_total_explains_unusable_cells(average, rate, expected):
    assert kf.kasan_total(average, rate) == expected


# ---- PAYMENT_SCHEDULE ----

def test_payment_schedule_of_the_sample_is_the_engines_six_installments_from_october():
    ev = sample_evaluation()
    rows = kf.payment_schedule(472_500, 6, 10)
    assert [yen for _, yen in rows] == [p.yen for p in ev.payments] == [78_750] * 6
    assert [label for label, _ in rows][0::5] == ["令和7年10月", "令和8年3月"]


def test_payment_schedule_puts_the_remainder_on_the_last_installment():
    assert kf.payment_schedule(100, 3, 1) == [["令和8年1月", 33], ["令和8年2月", 33], ["令和8年3月", 34]]


def test_payment_schedule_follows_the_fiscal_year():
    assert kf.payment_schedule(12, 1, 4, 2026) == [["令和8年4月", 12]]


@pytest.mark.parametrize("args, expected", [
    ((472_500, 7, 10), "エラー: 10月から7回払いでは年度末（3月）を越えます。10月開始なら6回以内にしてください。"),
    ((472_500, 0), "エラー: 支払回数「0」は1～12で入力してください。"),
    ((472_500.5, 1), "エラー: 加算総額「472500.5」は整数で入力してください。"),
    ((472_500, 1, 13), "エラー: 初回の支払月「13」は1～12で入力してください。"),
])
def test_payment_schedule_explains_impossible_plans(args, expected):
    assert kf.payment_schedule(*args) == expected


# ---- CHECK_FTE ----

def test_check_fte_shows_a_single_circle_when_the_months_are_fine():
    assert kf.check_fte(FTE, TOKUTEI) == [["○", "月別職員数に問題はありません。"]]


def test_check_fte_lists_the_engines_codes_with_japanese_messages():
    fte = [list(r) for r in FTE]
    fte[1], fte[2] = [-1.0], [None]
    tokutei = [list(r) for r in TOKUTEI]
    tokutei[3] = [20.0]
    out = kf.check_fte(fte, tokutei)
    assert [code for code, _ in out] == ["INPUT_INVALID", "FTE_NEGATIVE", "TOKUTEI_EXCEEDS_FTE"]
    assert out[0][1] == "エラー: 6月の職員数が空欄です。"
    assert out[1][1].startswith("エラー: 5月の職員数（常勤換算）-1 が負の値です")


def test_check_fte_includes_the_engines_notes():
    out = kf.check_fte(column([0.0] * 12), column([0.0] * 12))
    assert out[0][0] == "NO_TARGET_STAFF" and out[0][1].startswith("注意: ")


# ---- through xlwings Server ----

def test_the_server_lists_the_six_functions_with_japanese_help(client):
    meta = {f["id"]: f for f in client.get("/xlwings/custom-functions-meta").json()["functions"]}
    assert set(meta) == {"FTE_FROM_HOURS", "TARGET_FTE", "AVERAGE_FTE", "KASAN_TOTAL", "PAYMENT_SCHEDULE",
                         "CHECK_FTE"}
    assert meta["AVERAGE_FTE"]["description"].startswith("対象職員数（月平均）")
    assert meta["KASAN_TOTAL"]["parameters"][1]["description"].startswith("職員1人当たりの年額")
    assert all(p["description"] and not p["description"].startswith("Positional")
               for f in meta.values() for p in f["parameters"])


@pytest.mark.parametrize("name, direct, sent", [
    ("fte_from_hours", (600, 40, 30), ([[600]], [[40]], [[30]])),
    ("target_fte", (FTE, TOKUTEI), (FTE, TOKUTEI)),
    ("average_fte", (FTE, TOKUTEI), (FTE, TOKUTEI)),
    ("kasan_total", (8.75,), ([[8.75]], [[None]])),  # an omitted optional argument arrives as an empty cell
    ("payment_schedule", (472_500, 6, 10), ([[472_500]], [[6]], [[10]], [[None]])),
    ("check_fte", (FTE, TOKUTEI), (FTE, TOKUTEI)),
])
def test_every_function_returns_the_same_through_the_server(client, name, direct, sent):
    value = getattr(kf, name)(*direct)
    assert call(client, name, *sent) == (value if isinstance(value, list) else [[value]])


def test_the_server_returns_the_engines_total(client):
    average = call(client, "average_fte", FTE, TOKUTEI)[0][0]
    assert call(client, "kasan_total", [[average]], [[None]]) == [[472_500]]


def test_an_error_cell_in_a_range_gives_a_message_not_an_http_error(client):
    fte = [list(r) for r in FTE]
    fte[0] = [NA]
    assert call(client, "average_fte", fte, TOKUTEI)[0][0] == \
        "エラー: 4月の職員数がエラー値（#N/A）です。元のセルの数式をご確認ください。"


def test_a_single_cell_where_twelve_are_needed_gives_a_message(client):
    assert call(client, "check_fte", [[1.0]], [[0.0]])[0][0].startswith("エラー: 職員数の範囲は4月～3月の12セル")


# ---- classic desktop xlwings (kaigo_xl.excel.udfs) ----

@pytest.mark.parametrize("name, args", [
    ("fte_from_hours", (600, 40, 30)),
    ("target_fte", (FTE, TOKUTEI)),
    ("average_fte", (FTE, TOKUTEI)),
    ("kasan_total", (8.75, None)),
    ("payment_schedule", (472_500, 6, 10, 2025)),
    ("check_fte", (FTE, TOKUTEI)),
])
def test_the_classic_udfs_return_what_the_custom_functions_return(name, args):
    from kaigo_xl.excel import udfs

    assert getattr(udfs, f"KAIGO_{name.upper()}")(*args) == getattr(kf, name)(*args)
