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

#: What each model package may import from qtlab (ARCHITECTURE.md, "may import"),
#: besides itself and the errors module every package shares.
MAY_IMPORT = {
    "prepay": ("qtlab.schema",),
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
    files = [SRC / "schema.py", SRC / "errors.py"]
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
    """Every absolute ``qtlab.*`` module imported in ``source``."""
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


@pytest.mark.parametrize("pkg", sorted(MAY_IMPORT))
def test_model_packages_import_only_what_the_architecture_allows(pkg: str):
    allowed = (f"qtlab.{pkg}", "qtlab.errors", *MAY_IMPORT[pkg])
    for path in sorted((SRC / pkg).rglob("*.py")):
        bad = [
            m
            for m in qtlab_imports(path.read_text(encoding="utf-8"))
            if not any(m == a or m.startswith(a + ".") for a in allowed)
        ]
        assert bad == [], f"{path.relative_to(SRC)} imports {bad}"
