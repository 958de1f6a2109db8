"""The xlwings Lite book runs the same code as the server add-in.

A Lite book is made with `kaigo-xl template --lite`; its main.py is taken out the way Excel would read it (zip →
webextension XML → JSON string) and run in a fresh CPython with xlwings, exactly as xlwings Lite runs it: main.py
becomes the module `main`, and xlwings' own `custom_functions_call` / `custom_scripts_call` call into it. The
results are compared with the server add-in (xlwings Server through TestClient) on the same inputs and the same
book, and with the numbers documented for the sample facility. The child process refuses to import openpyxl,
python-calamine, xlwings Server, FastAPI or pandas, and every kaigo_xl module it loads must come from the bundle.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.payload import book_payload_from_xlsx, function_call_body

import kaigo_xl
import kaigo_xl.excel.server as server
from kaigo_xl.commands import main as cli
from kaigo_xl.demo import sample_payload

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_JSON = Path(kaigo_xl.__file__).parent / "data" / "sample_facility.json"
WE = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
SAMPLE = sample_payload()
FTE = [[float(m["fte"])] for m in SAMPLE["monthly"]]
TOKUTEI = [[float(m["tokutei_fte"])] for m in SAMPLE["monthly"]]
BLANK_JULY = [row if i != 3 else [None] for i, row in enumerate(FTE)]
FUNCTION_CALLS = {  # name → Excel-shaped arguments, as Office.js sends them
    "fte_from_hours": ([[600.0]], [[40.0]], [[30.0]]),
    "fte_from_hours/text": ([["六百"]], [[40.0]], [[30.0]]),
    "target_fte": (FTE, TOKUTEI),
    "average_fte": (FTE, TOKUTEI),
    "average_fte/blank": (BLANK_JULY, TOKUTEI),
    "kasan_total": ([[8.75]], [[None]]),
    "payment_schedule": ([[472_500]], [[6]], [[10]], [[2025]]),
    "check_fte": (FTE, TOKUTEI),
    "check_fte/blank": (BLANK_JULY, TOKUTEI),
}
SCRIPTS = ("validate", "make_plan", "make_report", "payment_table")
BLOCKED = ("openpyxl", "python_calamine", "xlwings_server", "fastapi", "starlette", "uvicorn", "pandas", "rich")

RUNNER = r'''
import asyncio, importlib.abc, json, sys, types

BLOCKED = set(sys.argv[4].split(","))

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is not available in xlwings Lite", name=name)
        return None

sys.meta_path.insert(0, Refuse())
main = types.ModuleType("main")  # what xlwings Lite does with the workbook's main.py
exec(compile(open(sys.argv[1], encoding="utf-8").read(), "main.py", "exec"), main.__dict__)
sys.modules["main"] = main

import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta, custom_scripts_call, custom_scripts_meta

cases = json.load(open(sys.argv[2], encoding="utf-8"))
out = {"meta": custom_functions_meta(main), "scripts_meta": custom_scripts_meta(main), "functions": {},
       "scripts": {}}
for key, body in cases["functions"].items():
    out["functions"][key] = asyncio.run(custom_functions_call(body, module=main))
for key, (script, payload) in cases["scripts"].items():
    book = xw.Book(json=payload)
    try:
        asyncio.run(custom_scripts_call(main, script, typehint_to_value={xw.Book: book}))
        out["scripts"][key] = book.json()["actions"]
    except xw.XlwingsError as exc:
        out["scripts"][key] = {"error": str(exc)}
out["modules"] = {n: getattr(m, "__file__", None) for n, m in sys.modules.items() if n.split(".")[0] == "kaigo_xl"}
out["main_file"] = main._bundle_path()
json.dump(out, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False, default=str)
'''


def main_py_of(book: Path) -> str:
    """main.py as xlwings Lite reads it: the webextension part named in the package, its property, JSON-decoded."""
    with zipfile.ZipFile(book) as z:
        root = ET.fromstring(z.read("xl/webextensions/webextension1.xml"))
    (value,) = [p.get("value") for p in root.iter(f"{WE}property") if p.get("name") == "main.py"]
    return json.loads(value)


def _report_payload() -> dict:
    p = sample_payload()
    p.update(phase="report", submitted_on="2026-04-20", received_yen=472_500)
    for e, actual in zip(p["expenses"], (392_500, 50_000, 0)):
        e["actual_yen"] = actual
    return p


def _error_payload() -> dict:
    p = sample_payload()
    p["monthly"][1]["tokutei_fte"] = Decimal("12.0")
    p["expenses"][0]["category"] = "介護テクノロジー機器購入"
    return p


def _lite_book(folder: Path, name: str, payload: dict) -> Path:
    data = folder / f"{name}.json"
    data.write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
    out = folder / f"{name}.xlsx"
    assert cli(["template", str(out), "--data", str(data), "--lite"]) == 0
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lite")
    return {"sample": _lite_book(folder, "sample", sample_payload()),
            "report": _lite_book(folder, "report", _report_payload()),
            "errors": _lite_book(folder, "errors", _error_payload())}


@pytest.fixture(scope="module")
def cases(books) -> dict:
    payloads = {name: book_payload_from_xlsx(path) for name, path in books.items()}
    return {"functions": {key: function_call_body(key.split("/")[0], *args) for key, args in FUNCTION_CALLS.items()},
            "scripts": {f"{book}:{script}": (script, payloads[book]) for book in payloads for script in SCRIPTS}}


@pytest.fixture(scope="module")
def lite(books, cases, tmp_path_factory) -> dict:
    """What main.py of the sample Lite book gives in a fresh CPython, driven as xlwings Lite drives it."""
    work = tmp_path_factory.mktemp("run")
    (work / "main.py").write_text(main_py_of(books["sample"]), encoding="utf-8")
    (work / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "KAIGO_XL_", "PYTHON"))}
    env.update(XLWINGS_LICENSE_KEY="noncommercial", TMPDIR=str(work))
    done = subprocess.run([sys.executable, "-c", RUNNER, "main.py", "cases.json", "out.json", ",".join(BLOCKED)],
                          cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((work / "out.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def served(cases) -> dict:
    """The same calls through the server add-in."""
    with TestClient(server.get_app(), raise_server_exceptions=False) as client:
        functions = {key: client.post("/xlwings/custom-functions-call", json=body).json()["result"]
                     for key, body in cases["functions"].items()}
        scripts = {}
        for key, (script, payload) in cases["scripts"].items():
            r = client.post(f"/xlwings/custom-scripts-call/{script}", json=copy.deepcopy(payload))
            scripts[key] = r.json()["actions"] if r.status_code == 200 else {"error": r.text}
        meta = client.get("/xlwings/custom-functions-meta").json()
    return {"functions": functions, "scripts": scripts, "meta": meta}


_STAMP = re.compile(r'"(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}|作成日時[^"]*)"')


def unstamped(actions):
    """Actions with the run's clock (チェック日時, 作成日時) blanked: the two runs happen at different minutes."""
    return json.loads(_STAMP.sub('"<time>"', json.dumps(actions, ensure_ascii=False)))


# ---- the code is the bundle's ----

def test_every_kaigo_xl_module_comes_from_the_workbook(lite):
    bundle = lite["main_file"]
    assert "kaigo_xl.excel.functions" in lite["modules"] and "kaigo_xl.excel.scripts" in lite["modules"]
    assert {n: f for n, f in lite["modules"].items() if not (f or "").startswith(bundle)} == {}


# ---- custom functions ----

def test_the_functions_have_the_server_add_ins_names(lite):
    assert sorted(f["name"] for f in lite["meta"]["functions"]) == [
        "AVERAGE_FTE", "CHECK_FTE", "FTE_FROM_HOURS", "KASAN_TOTAL", "PAYMENT_SCHEDULE", "TARGET_FTE"]


def test_every_function_and_argument_is_described_in_japanese(lite):
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for f in lite["meta"]["functions"]:
        assert japanese.search(f["description"]), f["name"]
        for p in f["parameters"]:
            assert japanese.search(p["description"]), (f["name"], p["name"])


def test_the_tooltips_are_the_server_add_ins(lite, served):
    def tips(meta):
        return {f["id"]: (f["description"], [(p["name"], p["description"], p.get("optional", False))
                                             for p in f["parameters"]]) for f in meta["functions"]}

    assert tips(lite["meta"]) == tips(served["meta"])


@pytest.mark.parametrize("key", sorted(FUNCTION_CALLS))
def test_each_function_gives_the_server_add_ins_result(lite, served, key):
    assert lite["functions"][key] == served["functions"][key]


def test_600_hours_in_a_40_hour_week_and_a_30_day_month_are_3_5_persons(lite):
    assert lite["functions"]["fte_from_hours"] == [[3.5]]


def test_the_sample_facility_averages_8_75_persons(lite):
    assert lite["functions"]["average_fte"] == [[8.75]]


def test_8_75_persons_give_472500_yen(lite):
    assert lite["functions"]["kasan_total"] == [[472_500]]


def test_six_installments_from_october_are_78750_yen_each(lite):
    rows = lite["functions"]["payment_schedule"]
    assert rows == [[m, 78_750] for m in ("令和7年10月", "令和7年11月", "令和7年12月", "令和8年1月", "令和8年2月",
                                          "令和8年3月")]


def test_the_monthly_targets_are_staff_minus_tokutei(lite):
    expected = [float(m["fte"] - m["tokutei_fte"]) for m in SAMPLE["monthly"]]
    assert [row[0] for row in lite["functions"]["target_fte"]] == expected


def test_a_clean_sample_checks_ok_and_a_blank_month_is_named_in_japanese(lite):
    assert lite["functions"]["check_fte"][0][0] == "○"
    assert lite["functions"]["average_fte/blank"][0][0].startswith("エラー: 7月の職員数が空欄です")
    assert lite["functions"]["fte_from_hours/text"][0][0].startswith("エラー: 勤務時間「六百」")


# ---- scripts (the task-pane buttons) ----

def test_the_buttons_are_the_four_scripts_with_japanese_names(lite):
    assert {s["function_name"]: s["name"] for s in lite["scripts_meta"]} == {
        "validate": "入力チェック", "make_plan": "計画書作成", "make_report": "実績報告書作成",
        "payment_table": "支払予定表"}


@pytest.mark.parametrize("book", ["sample", "report", "errors"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_returns_the_server_add_ins_actions(lite, served, book, script):
    key = f"{book}:{script}"
    assert isinstance(lite["scripts"][key], list) and lite["scripts"][key], lite["scripts"][key]
    assert unstamped(lite["scripts"][key]) == unstamped(served["scripts"][key])


def test_the_plan_button_writes_472500_yen_into_the_plan_form(lite):
    values = [a["values"] for a in lite["scripts"]["sample:make_plan"] if a["func"] == "setValues"]
    assert [[472_500]] in values


# ---- the same main.py in Pyodide (Python 3.14 compiled to WebAssembly, what xlwings Lite runs), offline ----

PYODIDE_DIR = Path(os.environ.get("KAIGO_XL_PYODIDE_DIR") or ROOT / ".cache" / "pyodide")


@pytest.fixture(scope="module")
def pyodide(books, cases, tmp_path_factory) -> dict:
    """main.py of the sample Lite book run in Pyodide under Node (scripts/pyodide-setup.sh fetches both once)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js がありません（sudo apt-get install -y nodejs npm）")
    if not (PYODIDE_DIR / "node_modules" / "pyodide" / "pyodide.asm.wasm").is_file() or \
            not list((PYODIDE_DIR / "wheels").glob("xlwings-*pyemscripten*.whl")):
        pytest.skip(f"Pyodide と wheel が {PYODIDE_DIR} にありません（bash scripts/pyodide-setup.sh）")
    work = tmp_path_factory.mktemp("pyodide")
    (work / "main.py").write_text(main_py_of(books["sample"]), encoding="utf-8")
    (work / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([node, str(Path(__file__).with_name("pyodide_lite.mjs")), str(PYODIDE_DIR / "node_modules" / "pyodide"),
                           str(PYODIDE_DIR / "wheels"), str(work / "main.py"), str(work / "cases.json"),
                           str(work / "out.json")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return json.loads((work / "out.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_pyodide_runs_python_3_14_on_webassembly(pyodide):
    assert pyodide["platform"] == "emscripten" and pyodide["python"].startswith("3.14")


@pytest.mark.slow
def test_in_pyodide_every_kaigo_xl_module_comes_from_the_workbook_and_no_server_part_is_loaded(pyodide):
    assert "kaigo_xl.engine" in pyodide["modules"]
    assert {n: f for n, f in pyodide["modules"].items() if not (f or "").startswith(pyodide["main_file"])} == {}
    assert pyodide["absent"] == []


@pytest.mark.slow
def test_in_pyodide_the_functions_and_tooltips_are_the_server_add_ins(pyodide, served):
    assert pyodide["functions"] == served["functions"]
    assert {f["id"]: f["description"] for f in pyodide["meta"]["functions"]} == \
        {f["id"]: f["description"] for f in served["meta"]["functions"]}


@pytest.mark.slow
def test_in_pyodide_every_script_returns_the_server_add_ins_actions(pyodide, served):
    assert {k: unstamped(v) for k, v in pyodide["scripts"].items()} == \
        {k: unstamped(v) for k, v in served["scripts"].items()}
