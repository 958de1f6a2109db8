"""The layers of the package, held by import-linter contracts in pyproject.toml (issue 10).

The first test runs the real contracts; the second proves the tool would notice a broken one, so the first cannot
pass by accident (a misspelled module, a contract that checks nothing).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LINT, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_import_contract_is_kept():
    out = _lint("--config", str(ROOT / "pyproject.toml"))
    assert out.returncode == 0, out.stdout[-3000:]
    assert "4 kept, 0 broken" in out.stdout


def test_a_broken_contract_is_caught(tmp_path: Path):
    # the command line does use the engine: a contract forbidding it must fail
    config = tmp_path / "broken.toml"
    config.write_text('''
[tool.importlinter]
root_package = "kaigo_xl"

[[tool.importlinter.contracts]]
name = "commands may not use the engine (false on purpose)"
type = "forbidden"
source_modules = ["kaigo_xl.commands"]
forbidden_modules = ["kaigo_xl.engine"]
''', encoding="utf-8")
    out = _lint("--config", str(config))
    assert out.returncode == 1, out.stdout[-3000:]
    assert "BROKEN" in out.stdout and "kaigo_xl.commands" in out.stdout
