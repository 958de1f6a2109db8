"""The part of kaigo_xl that travels inside a workbook for xlwings Lite: a reproducible zip of source files.

kaigo_xl is not on PyPI, so xlwings Lite cannot install it; the workbook's main.py carries it instead. The bundle
is whatever the custom functions and the scripts import, found by reading the sources (`ENTRY_MODULES` and every
kaigo_xl module they import, at module level or inside a function; a package's lazy `__getattr__` is not
followed), plus the data files the catalog reads. So the Lite book runs the very modules the server add-in runs,
never a copy. Nothing is imported or executed here: the files are only read.
"""

from __future__ import annotations

import ast
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kaigo_xl

ENTRY_MODULES = ("kaigo_xl.excel.functions", "kaigo_xl.excel.scripts")
# Read by kaigo_xl.catalog through importlib.resources (the package, not an import, so named here): every TOML data
# file travels, so a data file the catalog starts reading needs no change here.
RESOURCE_PACKAGE = "kaigo_xl.data"
PACKAGE_DIR = Path(kaigo_xl.__file__).resolve().parent


def data_files() -> list[str]:
    return sorted(p.relative_to(PACKAGE_DIR).as_posix() for p in (PACKAGE_DIR / "data").glob("*.toml"))
_ZIP_TIME = (2025, 4, 1, 0, 0, 0)


@dataclass(frozen=True)
class Module:
    name: str  # kaigo_xl.engine
    path: Path  # the source file
    imports: frozenset[str]  # absolute names of every module it imports (kaigo_xl's and others')

    @property
    def member(self) -> str:
        """The file's name inside the zip: kaigo_xl/engine.py."""
        return self.path.relative_to(PACKAGE_DIR.parent).as_posix()


def source_path(name: str) -> Path | None:
    """The source file of a kaigo_xl module (package or plain module), or None when there is none."""
    base = PACKAGE_DIR.parent.joinpath(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _lazy_getattr(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and node.name == "__getattr__"


def _walk(tree: ast.Module):
    """Every node of the module except the bodies of a module-level `__getattr__` (PEP 562 lazy imports)."""
    todo: list[ast.AST] = [n for n in tree.body if not _lazy_getattr(n)]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path) -> frozenset[str]:
    """Absolute module names imported by the file (`from . import x` resolves to kaigo_xl.….x when x is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names if base.startswith("kaigo_xl") and
                      source_path(f"{base}.{a.name}") is not None}
    return frozenset(found)


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@cache
def modules() -> tuple[Module, ...]:
    """Every kaigo_xl module of the bundle, sorted by name: the entries and what they import, with their packages."""
    found: dict[str, Module] = {}
    todo = [*ENTRY_MODULES, RESOURCE_PACKAGE]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = source_path(name)
        if path is None:
            raise LookupError(f"no source file for {name}")
        found[name] = Module(name, path, imports_of(name, path))
        todo += _parents(name)
        todo += [m for m in found[name].imports if m.split(".")[0] == "kaigo_xl" and source_path(m) is not None]
    return tuple(found[n] for n in sorted(found))


def external_imports() -> dict[str, set[str]]:
    """Top-level package → the bundled modules importing it (for the allowlist test)."""
    out: dict[str, set[str]] = {}
    for module in modules():
        for imported in module.imports:
            root = imported.split(".")[0]
            if root != "kaigo_xl":
                out.setdefault(root, set()).add(module.name)
    return out


@cache
def bundle_zip() -> bytes:
    """The bundle: the sources and data files, sorted, with fixed time stamps (the same sources, the same bytes)."""
    files = {m.member: m.path.read_bytes() for m in modules()}
    files |= {f"kaigo_xl/{d}": PACKAGE_DIR.joinpath(d).read_bytes() for d in data_files()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for member in sorted(files):
            info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[member])
    return out.getvalue()
