"""Which declared counts make python-calamine abort the process — found, and kept proven, by reading each hostile
part in a child process — and the preflight refusing exactly those before calamine ever sees them (issue 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import support.bad_corpus as corpus

from kaigo_xl.errors import InputUnreadable
from kaigo_xl.workbook import layout as L
from kaigo_xl.xlsx.preflight import preflight

READ = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
book.get_sheet_by_name(sys.argv[2]).to_python(skip_empty_area=False)
"""


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("counts")
    out = {}
    for name, data in corpus.declared_count_variants(corpus.base_bytes()).items():
        out[name] = folder / f"{name}.xlsx"
        out[name].write_bytes(data)
    return out


def _calamine_exit(path: Path) -> int:
    """How a child process that only reads the book with python-calamine ends (negative: killed by a signal)."""
    proc = subprocess.run([sys.executable, "-c", READ, str(path), L.S_FACILITY], capture_output=True, timeout=120)
    return proc.returncode


@pytest.mark.slow
def test_only_the_shared_strings_unique_count_aborts_calamine(variants: dict[str, Path]) -> None:
    ends = {name: _calamine_exit(path) for name, path in variants.items()}
    assert {name for name, code in ends.items() if code < 0} == {"sst_unique_count"}, ends  # SIGABRT: exit 134
    assert ends["sst_unique_count_max"] == 1  # "capacity overflow": a panic python-calamine turns into an exception
    assert all(code in (0, 1) for name, code in ends.items() if name != "sst_unique_count"), ends


def test_the_preflight_refuses_a_count_the_part_cannot_hold(variants: dict[str, Path]) -> None:
    for name in ("sst_unique_count", "sst_unique_count_max"):
        with pytest.raises(InputUnreadable, match="共有文字列"):
            preflight(variants[name])


def test_counts_calamine_does_not_allocate_from_are_no_reason_to_refuse(variants: dict[str, Path]) -> None:
    for name, path in variants.items():
        if not name.startswith("sst_unique_count"):
            preflight(path)  # dimension, cols, spans, styles, merges, indexes: read without harm


def test_a_true_count_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "true_count.xlsx"
    path.write_bytes(corpus.shared_strings(corpus.base_bytes(), "3", strings=3))
    preflight(path)


def test_a_prefixed_shared_strings_tag_is_checked_too(tmp_path: Path) -> None:
    data = corpus.shared_strings(corpus.base_bytes(), "4294967295")
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
    sst = sst.replace("<sst xmlns=", "<x:sst xmlns:x=").replace("</sst>", "</x:sst>")
    path = tmp_path / "prefixed.xlsx"
    path.write_bytes(corpus.rezip(data, replace={"xl/sharedStrings.xml": sst.encode()}))
    with pytest.raises(InputUnreadable, match="共有文字列"):
        preflight(path)


def test_a_shared_string_index_beyond_the_table_is_a_message_not_a_crash(variants: dict[str, Path]) -> None:
    from kaigo_xl.workbook.reader import read_workbook

    with pytest.raises(InputUnreadable, match="sst_index.xlsx"):
        read_workbook(variants["sst_index"])
