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

#: ARCHITECTURE.md's "may import" column for the model packages that exist.
#: Every package may import itself and the base modules (errors, schema and the
#: private helpers ``qtlab._periods`` (months) / ``qtlab._random`` / ``qtlab._yaml`` (the
#: checked reader of users' YAML)).
BASE_MODULES = (
    "qtlab.errors",
    "qtlab.schema",
    "qtlab._periods",
    "qtlab._random",
    "qtlab._yaml",
)
MAY_IMPORT = {
    "policy": (),
    "portfolio": (),
    "engine": ("portfolio", "policy", "prepay", "balance"),
    "prepay": (),
    "balance": (),
    "impact": (),
    # scenarios sits above the model packages; it may also import analyses, but F2
    # (analyses.fan) imports scenarios, so in practice it uses the model packages only
    "scenarios": ("engine", "portfolio", "policy", "prepay", "balance", "impact", "analyses"),
}


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


def model_files() -> list[Path]:
    files = [SRC / "schema.py", SRC / "_publication.py", SRC / "errors.py", SRC / "_periods.py"]
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


def qtlab_imports(source: str) -> list[str]:
    """Absolute ``qtlab.*`` modules imported anywhere in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("qtlab")]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.startswith("qtlab")
        ):
            found.append(node.module)
    return found


def _layer_files() -> list[tuple[str, Path]]:
    return [
        (pkg, f)
        for pkg in MAY_IMPORT
        if (SRC / pkg).is_dir()
        for f in sorted((SRC / pkg).rglob("*.py"))
    ]


@pytest.mark.parametrize(
    ("pkg", "path"), _layer_files(), ids=lambda x: x if isinstance(x, str) else x.name
)
def test_model_packages_import_only_what_the_table_allows(pkg: str, path: Path):
    allowed = (f"qtlab.{pkg}", *BASE_MODULES, *(f"qtlab.{p}" for p in MAY_IMPORT[pkg]))
    bad = [
        m
        for m in qtlab_imports(path.read_text(encoding="utf-8"))
        if not any(m == a or m.startswith(a + ".") for a in allowed)
    ]
    assert bad == [], f"{path.name} imports {bad}; {pkg} may import {MAY_IMPORT[pkg]}"


def test_layer_checker_sees_qtlab_imports():
    src = "import qtlab.engine\nfrom qtlab.portfolio import composition\nimport numpy\n"
    assert qtlab_imports(src) == ["qtlab.engine", "qtlab.portfolio"]
