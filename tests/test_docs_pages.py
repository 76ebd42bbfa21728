"""Every module the API reference pages render exists, and every public package has a
page: a renamed module fails here at once, not only in CI's documentation build."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "api"
DIRECTIVES = sorted(
    {m for page in DOCS.glob("*.md") for m in re.findall(r"^::: ([\w.]+)", page.read_text(), re.M)}
)


@pytest.mark.parametrize("module", DIRECTIVES)
def test_every_documented_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_every_public_package_has_an_api_page() -> None:
    import qtlab

    root = Path(qtlab.__file__).parent
    packages = {
        f"qtlab.{p.name}"
        for p in root.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and not p.name.startswith("_")
    }
    undocumented = packages - {"qtlab.app", "qtlab.cli", "qtlab.data", "qtlab.locales"}
    missing = {p for p in undocumented if not any(d == p for d in DIRECTIVES)}
    assert not missing, f"packages without an API page: {sorted(missing)}"
