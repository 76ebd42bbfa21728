"""The import rule of ARCHITECTURE.md: model code never does I/O.

Model packages (portfolio, policy, prepay, engine, balance, impact) and the
glossary may not import an HTTP client, the database, or qtlab's own I/O layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "qtlab"
MODEL_PACKAGES = ("portfolio", "policy", "prepay", "engine", "balance", "impact")
FORBIDDEN = ("httpx", "requests", "urllib", "duckdb", "qtlab.sources", "qtlab.store")


def forbidden_imports(source: str) -> list[str]:
    """Names of forbidden modules imported anywhere in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for n in names:
            if any(n == f or n.startswith(f + ".") for f in FORBIDDEN):
                found.append(n)
    return found


#: ARCHITECTURE.md's "may import" column for the model packages: the qtlab modules
#: each may import besides itself (``errors`` and the no-I/O helper ``_periods``
#: are the shared basics every model package may use).
ALLOWED_QTLAB_IMPORTS: dict[str, tuple[str, ...]] = {
    "balance": ("schema", "errors", "_periods"),
    "impact": ("schema", "errors", "_periods"),
}


def qtlab_imports(source: str) -> list[str]:
    """The first component after ``qtlab.`` of every absolute qtlab import in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [n.split(".")[1] for n in names if n.startswith("qtlab.")]
    return found


@pytest.mark.parametrize("pkg", sorted(ALLOWED_QTLAB_IMPORTS))
def test_model_packages_import_only_what_the_table_allows(pkg: str):
    allowed = {pkg, *ALLOWED_QTLAB_IMPORTS[pkg]}
    bad = {
        str(f.relative_to(SRC)): sorted(set(qtlab_imports(f.read_text(encoding="utf-8"))) - allowed)
        for f in sorted((SRC / pkg).rglob("*.py"))
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_table_checker_sees_qtlab_imports():
    src = "from qtlab.store.dataset import Dataset\nimport qtlab.schema\nfrom . import x\n"
    assert qtlab_imports(src) == ["store", "schema"]


def model_files() -> list[Path]:
    files = [SRC / "schema.py", SRC / "errors.py", SRC / "_periods.py"]
    for pkg in MODEL_PACKAGES:
        d = SRC / pkg
        if d.is_dir():
            files += sorted(d.rglob("*.py"))
        elif (SRC / f"{pkg}.py").exists():
            files.append(SRC / f"{pkg}.py")
    return files


@pytest.mark.parametrize("path", model_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_model_code_does_no_io(path: Path):
    assert forbidden_imports(path.read_text(encoding="utf-8")) == []


def test_the_checker_catches_violations():
    src = "import httpx\nfrom qtlab.sources import fred\nfrom qtlab.store.db import Store\n"
    assert forbidden_imports(src) == [
        "httpx",
        "qtlab.sources",
        "qtlab.sources.fred",
        "qtlab.store.db",
        "qtlab.store.db.Store",
    ]
    assert forbidden_imports("import numpy as np\nfrom qtlab.schema import USD_BN\n") == []
