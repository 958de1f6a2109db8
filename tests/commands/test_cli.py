"""The `kaigo-xl` command: documented JSON output, exit codes, and never a traceback."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kaigo_xl.demo import sample_text

EXE = [sys.executable, "-m", "kaigo_xl"]


def kx(*args, cwd=None):
    return subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def sample_json(tmp_path) -> Path:
    p = tmp_path / "sample.json"
    p.write_text(sample_text(), encoding="utf-8")
    return p


def test_calc_json_gives_the_documented_output(sample_json):
    r = kx("calc", sample_json, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["monthly_target_fte"] == [8.5, 8.5, 8.7, 8.9, 8.9, 8.7, 8.7, 8.9, 8.9, 8.7, 8.7, 8.9]
    assert out["average_fte"] == 8.75
    assert out["annual_yen"] == 472_500  # 105.0 × 4,500
    assert out["payments"] == [{"month": m, "yen": 78_750} for m in
                               ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]]
    assert out["findings"] == []
    assert "refund_yen" not in out  # only when actual spending is given


def test_refund_appears_when_actual_spending_is_given(tmp_path, sample_json):
    data = json.loads(sample_json.read_text(encoding="utf-8"))
    data["phase"] = "report"
    data["received_yen"] = 472_500
    for e in data["expenses"]:
        e["actual_yen"] = e["planned_yen"]
    data["expenses"][0]["actual_yen"] = 392_500 - 12_345
    data["initiatives"] = [dict(i, status="実施済") for i in data["initiatives"]]
    p = tmp_path / "report.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = json.loads(kx("calc", p, "--json").stdout)
    assert out["refund_yen"] == 12_345
    assert [f["code"] for f in out["findings"]] == ["REFUND_DUE"]


def test_human_output_is_a_japanese_summary(sample_json):
    r = kx("calc", sample_json)
    assert "加算総額（年間）    : 472,500 円" in r.stdout
    assert "令和8年4月30日" in r.stdout


def test_check_exits_1_on_error_findings_with_a_location(tmp_path):
    data = json.loads(sample_text())
    data["monthly"][2]["tokutei_fte"] = 20
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = kx("check", p, "--json")
    assert r.returncode == 1
    f = json.loads(r.stdout)["findings"][0]
    assert (f["code"], f["location"]) == ("TOKUTEI_EXCEEDS_FTE", "monthly[2].tokutei_fte")


def test_text_in_a_number_field_is_a_finding_with_its_json_path(tmp_path):
    data = json.loads(sample_text())
    data["monthly"][0]["fte"] = "じゅう"
    p = tmp_path / "text.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = kx("calc", p, "--json")
    assert r.returncode == 1
    f = json.loads(r.stdout)["findings"][0]
    assert (f["code"], f["location"]) == ("INPUT_INVALID", "monthly[0].fte")
    assert "数値" in f["message"]


def test_fractional_yen_is_refused(tmp_path):
    data = json.loads(sample_text())
    data["received_yen"] = 100.5
    p = tmp_path / "float.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = kx("check", p, "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["findings"][0]["location"] == "received_yen"


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b"[" * 100000])
def test_unreadable_json_exits_2_with_a_japanese_message(tmp_path, content):
    p = tmp_path / "broken.json"
    p.write_bytes(content)
    r = kx("calc", p)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    assert str(p) in r.stderr


def test_missing_file_exits_2(tmp_path):
    r = kx("calc", tmp_path / "nai.json")
    assert r.returncode == 2 and "見つかりません" in r.stderr


def test_bad_policy_file_exits_2(tmp_path, sample_json):
    pol = tmp_path / "policy.toml"
    pol.write_text("[policy]\nrate_yen = -5\n", encoding="utf-8")
    r = kx("calc", sample_json, "--policy", pol)
    assert r.returncode == 2 and "rate_yen" in r.stderr and "Traceback" not in r.stderr


def test_a_policy_file_written_wrongly_names_the_line_and_column_in_japanese(tmp_path, sample_json):
    pol = tmp_path / "policy.toml"
    pol.write_text("[policy]\ncontact = 高齢福祉課\n", encoding="utf-8")
    r = kx("calc", sample_json, "--policy", pol)
    assert r.returncode == 2 and "2行目・11文字目の書き方が正しくありません" in r.stderr
    assert "Invalid" not in r.stderr  # (tomllib's English)


def test_a_deadline_written_in_wareki_asks_for_the_form_a_policy_file_takes(tmp_path, sample_json):
    pol = tmp_path / "policy.toml"
    pol.write_text('[policy]\nplan_due = "令和7年5月30日"\n', encoding="utf-8")
    r = kx("calc", sample_json, "--policy", pol)
    assert r.returncode == 2 and "「plan_due」" in r.stderr and "2025-06-30 のように 年-月-日 の形" in r.stderr


def test_a_policy_file_nested_thousands_deep_is_refused_not_a_crash(tmp_path, sample_json):
    pol = tmp_path / "policy.toml"
    pol.write_text("x = " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    r = kx("calc", sample_json, "--policy", pol)
    assert r.returncode == 2 and "入れ子が深すぎます" in r.stderr


def test_a_setting_with_control_characters_is_refused_by_name(tmp_path, sample_json):
    pol = tmp_path / "policy.toml"
    pol.write_text('[policy]\nmunicipality = "見本\\u001b[31m市\\u0000"\n', encoding="utf-8")
    r = kx("template", tmp_path / "t.xlsx", "--policy", pol)
    assert r.returncode == 2 and "「municipality」" in r.stderr and "制御文字" in r.stderr
    assert "\x1b" not in r.stderr and not (tmp_path / "t.xlsx").exists()


def test_a_folder_given_to_check_points_to_collect(tmp_path):
    r = kx("check", tmp_path)
    assert r.returncode == 2 and "フォルダーです" in r.stderr and "kaigo-xl collect" in r.stderr


def test_a_file_given_to_collect_points_to_check(tmp_path, sample_json):
    r = kx("collect", sample_json, "--out", tmp_path / "s.xlsx")
    assert r.returncode == 2 and "フォルダーではなくファイルです" in r.stderr and "kaigo-xl check" in r.stderr


def test_policy_file_changes_the_rate(tmp_path, sample_json):
    pol = tmp_path / "policy.toml"
    pol.write_text("[policy]\nrate_yen = 60000\n", encoding="utf-8")
    out = json.loads(kx("calc", sample_json, "--json", "--policy", pol).stdout)
    assert out["annual_yen"] == 105 * 5_000


def test_schema_describes_the_facility_input():
    schema = json.loads(kx("schema").stdout)
    assert {"facility", "fiscal_year", "monthly", "initiatives", "expenses", "payment"} <= set(schema["properties"])


@pytest.mark.slow
def test_demo_runs_on_the_embedded_sample(tmp_path):
    r = kx("demo", "--out", tmp_path / "demo")
    assert r.returncode == 0, r.stderr
    assert "472,500" in r.stdout
    assert json.loads((tmp_path / "demo" / "result.json").read_text(encoding="utf-8"))["annual_yen"] == 472_500


def test_example_policy_file_is_the_default_policy():
    from kaigo_xl.policy import Policy, load_policy

    loaded = load_policy(Path(__file__).parents[2] / "examples" / "policy.toml")
    assert loaded.model_dump(exclude={"municipality", "mayor_title"}) == Policy().model_dump(
        exclude={"municipality", "mayor_title"})


@pytest.mark.parametrize("year", ["1990", "0", "令和7"])
def test_a_fiscal_year_outside_the_add_on_is_a_usage_error_in_japanese(tmp_path, year):
    r = kx("template", tmp_path / "t.xlsx", "--fiscal-year", year)
    assert r.returncode == 2 and "年度" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "t.xlsx").exists()


def test_usage_errors_are_explained_in_japanese():
    r = kx("calc")
    assert r.returncode == 2 and "コマンドの指定が正しくありません" in r.stderr


# ---- the command line behaves (issue 13, 6) ----

def _parsers():
    """The main parser and every subcommand's parser."""
    from kaigo_xl.commands.parser import build_parser

    main = build_parser()
    sub = next(a for a in main._actions if isinstance(a, argparse._SubParsersAction))
    return [main, *sub.choices.values()]


ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "show program's",
                    "optional arguments")


@pytest.mark.parametrize("command", ["", "calc", "check", "schema", "demo", "template", "build-workbooks", "forms",
                                     "distribute", "collect", "serve"])
def test_help_is_japanese_throughout(command):
    r = kx(*([command] if command else []), "--help")
    assert r.returncode == 0 and r.stdout.startswith("使い方: kaigo-xl")
    assert not [w for w in ARGPARSE_ENGLISH if w in r.stdout.lower()]
    assert "オプション:" in r.stdout


def test_every_option_and_argument_has_a_description():
    missing = [f"{p.prog} {a.dest}" for p in _parsers() for a in p._actions
               if not isinstance(a, argparse._SubParsersAction) and not a.help]
    assert missing == []


@pytest.mark.parametrize("args, said", [
    (["calc"], "次の指定が必要です: INPUT"),
    (["template", "x.xlsx", "--type", "特養"], "'特養' は選べません（'養護', '軽費' から選んでください）"),
    (["collect", "d", "--out", "s.xlsx", "--fiscal-year"], "--fiscal-year: 値を1つ指定してください"),
    (["calc", "a.json", "--unknown"], "使えない引数・オプションです: --unknown"),
    (["nope"], "'nope' は選べません"),
])
def test_usage_errors_say_argparses_own_words_in_japanese(tmp_path, args, said):
    r = kx(*args, cwd=tmp_path)
    assert r.returncode == 2 and said in r.stderr
    assert r.stderr.startswith("使い方: ") and "argument" not in r.stderr and "required" not in r.stderr


def test_a_reader_that_goes_away_ends_the_output_quietly(sample_json):
    """`kaigo-xl calc x | head -1`: the pipe closes before we write; exit 0, nothing on stderr."""
    p = subprocess.Popen([*EXE, "calc", str(sample_json)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # as head does once it has its line
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0 and err == b""


@pytest.mark.parametrize("args", [["--help"], ["collect", "--help"]])
def test_help_into_a_closed_pipe_exits_quietly(args):
    """`kaigo-xl --help | head -1`: argparse prints the help; a closed pipe gives neither a traceback nor a note."""
    p = subprocess.Popen([*EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0 and err == b""
