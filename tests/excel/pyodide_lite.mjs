// Runs a workbook's main.py in Pyodide under Node, offline, the way xlwings Lite runs it in Excel: the wheels
// Lite would install from requirements.txt come from a local folder (scripts/pyodide-setup.sh), main.py becomes
// the module `main`, and xlwings' own custom_functions_call / custom_scripts_call call into it.
// Usage: node pyodide_lite.mjs PYODIDE_DIR WHEEL_DIR main.py cases.json out.json
import { createRequire } from "node:module";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const [pyodideDir, wheelDir, mainPy, casesJson, outJson] = process.argv.slice(2);
const require = createRequire(join(resolve(pyodideDir), "package.json"));
const { loadPyodide } = require("pyodide");

const started = performance.now();
const py = await loadPyodide();
const wheels = readdirSync(wheelDir).filter((f) => f.endsWith(".whl"));
await py.loadPackage(join(wheelDir, wheels.find((f) => f.startsWith("micropip-"))));
py.FS.mkdirTree("/wheels");
for (const f of wheels) py.FS.writeFile("/wheels/" + f, readFileSync(join(wheelDir, f)));
py.FS.writeFile("/home/pyodide/main.py", readFileSync(mainPy));
py.FS.writeFile("/home/pyodide/cases.json", readFileSync(casesJson));
const loaded = performance.now();

const out = await py.runPythonAsync(`
import json, os, sys, time, types
import micropip
await micropip.install(sorted("emfs:/wheels/" + f for f in os.listdir("/wheels") if not f.startswith("micropip-")),
                       deps=False)
os.environ["XLWINGS_ON_SERVER"] = "true"  # as xlwings Lite's runtime sets it
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the add-in licenses xlwings itself; this test cannot
import xlwings
started = time.perf_counter()
main = types.ModuleType("main")
exec(compile(open("/home/pyodide/main.py", encoding="utf-8").read(), "main.py", "exec"), main.__dict__)
sys.modules["main"] = main
main_seconds = time.perf_counter() - started

import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta, custom_scripts_call, custom_scripts_meta

cases = json.load(open("/home/pyodide/cases.json", encoding="utf-8"))
out = {"meta": custom_functions_meta(main), "scripts_meta": custom_scripts_meta(main), "functions": {}, "scripts": {},
       "python": sys.version.split()[0], "platform": sys.platform, "main_seconds": main_seconds}
for key, body in cases["functions"].items():
    out["functions"][key] = await custom_functions_call(body, module=main)
for key, (script, payload) in cases["scripts"].items():
    book = xw.Book(json=payload)
    try:
        await custom_scripts_call(main, script, typehint_to_value={xw.Book: book})
        out["scripts"][key] = book.json()["actions"]
    except xw.XlwingsError as exc:
        out["scripts"][key] = {"error": str(exc)}
out["modules"] = {n: getattr(m, "__file__", None) for n, m in sys.modules.items() if n.split(".")[0] == "kaigo_xl"}
out["main_file"] = main._bundle_path()
out["absent"] = [m for m in ("openpyxl", "python_calamine", "xlwings_server", "fastapi", "pandas")
                 if m in sys.modules]
json.dumps(out, ensure_ascii=False, default=str)
`);
const result = JSON.parse(out);
result.seconds = { load: (loaded - started) / 1000, run: (performance.now() - loaded) / 1000 };
writeFileSync(outJson, JSON.stringify(result));
