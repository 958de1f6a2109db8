"""The committed templates in workbooks/ are exactly what the builder makes (run `make workbooks` after a change)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaigo_xl.workbook.template import TEMPLATE_FILES, distributable_templates
from kaigo_xl.xlsx.save import workbook_bytes

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {name: workbook_bytes(wb) for name, wb in distributable_templates().items()}


@pytest.mark.parametrize("name", sorted(TEMPLATE_FILES.values()))
def test_committed_template_matches_the_builder(built, name):
    committed = WORKBOOKS / name
    assert committed.exists(), f"{committed} がありません。`make workbooks` を実行してください。"
    assert committed.read_bytes() == built[name], (
        f"{committed} が現在のビルド結果と異なります。`make workbooks` を実行して作り直し、コミットしてください。")


def test_building_twice_gives_the_same_bytes(built):
    again = {name: workbook_bytes(wb) for name, wb in distributable_templates().items()}
    assert again == built


def test_bytes_do_not_depend_on_hash_randomisation(built):
    code = ("import hashlib;from kaigo_xl.workbook.template import distributable_templates;"
            "from kaigo_xl.xlsx.save import workbook_bytes;"
            "print(';'.join(n+'='+hashlib.sha256(workbook_bytes(w)).hexdigest() "
            "for n,w in sorted(distributable_templates().items())))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    here = ";".join(f"{n}={hashlib.sha256(b).hexdigest()}" for n, b in sorted(built.items()))
    assert out.strip() == here


def test_cli_build_workbooks_writes_both_templates(tmp_path, built):
    from kaigo_xl.commands import main

    assert main(["build-workbooks", str(tmp_path)]) == 0
    for name, data in built.items():
        assert (tmp_path / name).read_bytes() == data
