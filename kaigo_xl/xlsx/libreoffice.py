"""LibreOffice (headless) helpers: recalculate formulas and render PDFs.

openpyxl writes formulas without cached values, so a freshly generated
workbook has no numbers to read back.  ``recalculate`` / ``recalculate_many``
let LibreOffice load the workbook, evaluate every formula and save a *copy*
with cached values, which can then be read with python-calamine (or openpyxl
``data_only=True``).  ``to_pdf`` renders a workbook with each sheet's own
print settings (paper size, orientation, fit-to-page).

Rules this module follows (all checked empirically with LibreOffice 7.4):

* Every run gets its own throw-away user profile
  (``-env:UserInstallation=file:///tmp/...``).  Two soffice processes sharing
  a profile hand work to each other or fail, so concurrent callers are safe
  only with separate profiles.
* The profile is pre-seeded with ``OOXMLRecalcMode = 0`` ("always
  recalculate").  With the default setting LibreOffice only evaluates cells
  that have *no* cached value and keeps stale cached values as they are.
* ``soffice`` exits with status 0 even when a conversion fails, so success is
  judged only by the existence of the output file.
* The input file is never handed to LibreOffice directly: it is copied into a
  private staging directory first (this also avoids ``.~lock`` files next to
  the input and problems with unusual file names).
* Files re-saved by LibreOffice are for reading values / looking at the PDF
  only.  They must never be shipped to users in place of the openpyxl output.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from kaigo_xl.errors import ExternalToolFailed, ExternalToolMissing

__all__ = [
    "LibreOfficeMissing",
    "LibreOfficeFailed",
    "find_soffice",
    "available",
    "recalculate",
    "recalculate_many",
    "to_pdf",
]

_MISSING_MESSAGE = (
    "LibreOffice が見つかりません。"
    "sudo apt-get install libreoffice-calc-nogui fonts-noto-cjk poppler-utils "
    "を実行してください。"
)

#: Filter used for re-saving as .xlsx (the ``--convert-to`` argument).
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
#: Filter used for PDF export; calc_pdf_Export honours each sheet's page setup.
PDF_FILTER = "pdf:calc_pdf_Export"

_REGISTRY_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Paths tried (after $PATH) when looking for soffice.
_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


class LibreOfficeMissing(ExternalToolMissing):
    """LibreOffice is not installed."""

    def __init__(self, message: str = _MISSING_MESSAGE) -> None:
        super().__init__(message)


class LibreOfficeFailed(ExternalToolFailed):
    """A LibreOffice run did not produce the expected output."""


# --------------------------------------------------------------------------
# locating the tools
# --------------------------------------------------------------------------


def find_soffice() -> str | None:
    """Return the path of the ``soffice`` executable, or None.

    ``$KAIGO_XL_SOFFICE`` overrides the search.
    """
    override = os.environ.get("KAIGO_XL_SOFFICE")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in _SOFFICE_CANDIDATES:
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    for opt in sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True):
        if os.access(opt, os.X_OK):
            return str(opt)
    return None


def available() -> bool:
    """True when LibreOffice can be used on this machine."""
    return find_soffice() is not None



# --------------------------------------------------------------------------
# running soffice
# --------------------------------------------------------------------------


def _names(paths: list[Path]) -> str:
    shown = ", ".join(p.name for p in paths[:5])
    if len(paths) > 5:
        shown += f" ほか{len(paths) - 5}件"
    return shown


def _tail(text: str, limit: int = 800) -> str:
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-limit:]


def _run_soffice(
    inputs: list[Path],
    convert_to: str,
    out_dir: Path,
    work: Path,
    timeout: float,
    display: list[Path] | None = None,
) -> str:
    """Run one soffice --convert-to over ``inputs`` with a private profile.

    ``work`` is a private temp dir (profile and HOME live there).  Returns the
    combined stdout/stderr.  Raises LibreOfficeFailed on timeout.
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeMissing()
    profile, env = _private_profile(work)
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
           "--nolockcheck", "--nodefault", "--nofirststartwizard", "--convert-to", convert_to,
           "--outdir", str(out_dir), *[str(p) for p in inputs]]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=str(work),
        start_new_session=True,  # own process group, so we can kill soffice.bin too
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, _ = proc.communicate()
        raise LibreOfficeFailed(
            f"LibreOffice の処理が {timeout:g} 秒以内に終わりませんでした: {_names(display or inputs)}"
        ) from None
    finally:
        # soffice.bin normally exits with the launcher; make sure nothing of
        # this run survives (it would keep the private profile busy).
        if proc.returncode is not None:
            _kill_group(proc)
    return out.decode("utf-8", "replace") if out else ""


def _private_profile(work: Path) -> tuple[Path, dict[str, str]]:
    """A throw-away user profile (recalculate on load) and HOME/TMPDIR inside `work`: two runs never share one."""
    profile = work / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY_XCU, encoding="utf-8")
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ)
    env["HOME"] = str(home)
    env["TMPDIR"] = str(work)
    return profile, env


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group started for ``proc`` (soffice + soffice.bin)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:  # group already gone
        pass
    if proc.returncode is None:
        try:
            proc.kill()
        except OSError:
            pass


def _stage(inputs: list[Path], stage: Path) -> list[Path]:
    """Copy inputs into ``stage`` under neutral unique names (0000.xlsx …)."""
    staged = []
    for i, src in enumerate(inputs):
        if not src.is_file():
            raise FileNotFoundError(f"ファイルが見つかりません: {src}")
        suffix = src.suffix.lower() or ".xlsx"
        dst = stage / f"{i:04d}{suffix}"
        shutil.copyfile(src, dst)
        staged.append(dst)
    return staged


def _unique_targets(inputs: list[Path], out_dir: Path, suffix: str) -> list[Path]:
    """Destination paths ``out_dir/<stem><suffix>``; duplicate stems get _2, _3…

    Refuses to target any input file (the input must never be overwritten).
    """
    resolved_inputs = {p.resolve() for p in inputs}
    used: set[str] = set()
    targets = []
    for src in inputs:
        stem = src.stem
        name = f"{stem}{suffix}"
        n = 1
        while name.lower() in used:
            n += 1
            name = f"{stem}_{n}{suffix}"
        used.add(name.lower())
        target = out_dir / name
        if target.resolve() in resolved_inputs:
            raise ValueError(f"出力先が入力ファイルと同じです（入力を上書きしません）: {target}")
        targets.append(target)
    return targets


def _looks_ok(path: Path, suffix: str) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    if suffix == ".xlsx":
        return zipfile.is_zipfile(path)
    if suffix == ".pdf":
        with path.open("rb") as fh:
            return fh.read(5) == b"%PDF-"
    return True


def _convert(inputs: list[Path], out_dir: Path, convert_to: str, suffix: str, timeout: float) -> list[Path]:
    inputs = [Path(p) for p in inputs]
    if not inputs:
        return []
    if find_soffice() is None:
        raise LibreOfficeMissing()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = _unique_targets(inputs, out_dir, suffix)

    work = Path(tempfile.mkdtemp(prefix="kaigo_xl_lo_"))
    try:
        stage = work / "in"
        conv = work / "out"
        stage.mkdir()
        conv.mkdir()
        staged = _stage(inputs, stage)
        log = _run_soffice(staged, convert_to, conv, work, timeout, display=inputs)

        failed: list[Path] = []
        results: list[Path] = []
        for src, st, target in zip(inputs, staged, targets, strict=True):
            produced = conv / f"{st.stem}{suffix}"
            if not _looks_ok(produced, suffix):
                failed.append(src)
                continue
            shutil.move(str(produced), str(target))
            results.append(target)
        if failed:
            detail = _tail(log)
            raise LibreOfficeFailed(
                f"LibreOffice による変換に失敗しました（{len(failed)}/{len(inputs)} 件）: "
                f"{_names(failed)}" + (f"\n{detail}" if detail else "")
            )
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------


def recalculate(xlsx: Path, out_dir: Path | None = None, timeout: float = 120) -> Path:
    """Recalculate every formula of ``xlsx`` with LibreOffice.

    Returns the path of a recalculated copy (``<stem>.xlsx`` with cached
    values, written by LibreOffice) in ``out_dir`` – or, if ``out_dir`` is
    None, in a new temporary directory that the caller should remove.
    The input file is never modified.  The copy is for reading values only.
    """
    xlsx = Path(xlsx)
    if not xlsx.is_file():
        raise FileNotFoundError(f"ファイルが見つかりません: {xlsx}")
    if out_dir is None:
        if find_soffice() is None:
            raise LibreOfficeMissing()
        out_dir = Path(tempfile.mkdtemp(prefix="kaigo_xl_recalc_"))
    return _convert([xlsx], Path(out_dir), XLSX_FILTER, ".xlsx", timeout)[0]


def recalculate_many(paths: list[Path], out_dir: Path, timeout: float = 600) -> list[Path]:
    """Recalculate many workbooks with ONE soffice start-up.

    Returns the recalculated copies in ``out_dir`` in the same order as
    ``paths`` (``<stem>.xlsx``; duplicate stems become ``<stem>_2.xlsx`` …).
    If some files fail, the others are still placed in ``out_dir`` and
    LibreOfficeFailed names the failed ones.
    """
    return _convert([Path(p) for p in paths], Path(out_dir), XLSX_FILTER, ".xlsx", timeout)


def to_pdf(xlsx: Path, out_dir: Path, timeout: float = 120) -> Path:
    """Render all sheets of ``xlsx`` to ``out_dir/<stem>.pdf``.

    Each sheet's page setup (paper size, orientation, fit-to-page, print
    area, margins) is honoured; fonts are embedded by LibreOffice.  To print
    only some sheets, pass a copy workbook containing just those sheets.
    """
    return _convert([Path(xlsx)], Path(out_dir), PDF_FILTER, ".pdf", timeout)[0]
