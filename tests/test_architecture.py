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
    # (analyses.f2_fan) imports scenarios, so in practice it uses the model packages only
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


# The CLI is a package that registers each area by name; it calls the library through
# public names only, and nothing below it knows it exists.
CLI = SRC / "cli"


def private_imports(source: str, own: str) -> list[str]:
    """``qtlab`` modules imported in ``source`` that are private to another package: a
    part of the dotted name after ``qtlab`` starts with ``_`` (``qtlab.analyses._x``,
    ``qtlab._periods``), unless it lies inside ``own`` (the importing package)."""
    return [
        m
        for m in qtlab_imports(source)
        if not (m == own or m.startswith(own + "."))
        and any(part.startswith("_") for part in m.split(".")[1:])
    ]


def test_private_import_checker_sees_private_modules() -> None:
    src = (
        "from qtlab.analyses._d2_family import x\nimport qtlab._periods\n"
        "from qtlab.cli._common import emit\nfrom qtlab.runs.runoff import backtest\n"
    )
    assert private_imports(src, "qtlab.cli") == ["qtlab.analyses._d2_family", "qtlab._periods"]


@pytest.mark.parametrize("path", sorted(CLI.rglob("*.py")), ids=lambda p: p.name)
def test_the_cli_imports_only_public_names(path: Path) -> None:
    bad = private_imports(path.read_text(encoding="utf-8"), "qtlab.cli")
    assert bad == [], f"cli/{path.name} imports private modules {bad}; use a public name"


def test_the_cli_registers_its_areas_explicitly() -> None:
    """No discovery by module name and no area module importing the package back (a
    cycle): ``qtlab.cli`` imports each area and adds its commands by name."""
    init = (CLI / "__init__.py").read_text(encoding="utf-8")
    assert "pkgutil" not in init and "importlib" not in init
    for path in sorted(CLI.glob("*.py")):
        if path.name == "__init__.py":
            continue
        mods = qtlab_imports(path.read_text(encoding="utf-8"))
        assert "qtlab.cli" not in mods, f"cli/{path.name} imports qtlab.cli back"
    assert not list(SRC.glob("_cli*.py")), "CLI modules belong in the qtlab.cli package"


def test_no_library_package_imports_the_cli() -> None:
    users = [
        str(p.relative_to(SRC))
        for p in sorted(SRC.rglob("*.py"))
        if CLI not in p.parents
        and p.name != "__main__.py"
        and any(
            m == "qtlab.cli" or m.startswith("qtlab.cli.")
            for m in qtlab_imports(p.read_text(encoding="utf-8"))
        )
    ]
    assert users == []


# Rendering shared by the report and the dashboard lives in qtlab.present: the dashboard
# never borrows the report's internals, and the layers below never import the ones above.
def _importers(pkg: str, forbidden: tuple[str, ...]) -> list[str]:
    """Modules of ``pkg`` importing any of ``forbidden`` (``qtlab.report`` ...), with what."""
    out = []
    for p in sorted((SRC / pkg).rglob("*.py")):
        bad = [
            m
            for m in qtlab_imports(p.read_text(encoding="utf-8"))
            if any(m == f or m.startswith(f + ".") for f in forbidden)
        ]
        if bad:
            out.append(f"{p.relative_to(SRC)}: {bad}")
    return out


def test_the_app_never_imports_report_internals() -> None:
    """The dashboard renders through qtlab.present (figure style, table cells, gap text),
    never through qtlab.report's modules."""
    assert _importers("app", ("qtlab.report",)) == []


def test_analyses_never_import_the_report_or_the_app() -> None:
    assert _importers("analyses", ("qtlab.report", "qtlab.app")) == []


def test_present_imports_neither_the_report_nor_the_app_nor_data() -> None:
    """present renders results; it reads no data and knows none of its callers."""
    assert _importers("present", ("qtlab.report", "qtlab.app", "qtlab.store", "qtlab.runs")) == []
