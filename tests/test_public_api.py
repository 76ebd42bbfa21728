"""The public surface is deliberate: what ``import qtlab`` and each public package export.

A name added to or removed from an ``__all__`` changes this test on purpose, as a
review point (the way httpx keeps its exported members).
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import qtlab

TOP = [
    "AnalysisResult",
    "Dataset",
    "Policy",
    "Projection",
    "QtlabError",
    "Regime",
    "RunContext",
    "__version__",
    "analysis",
    "build_report",
    "engine_inputs",
    "preset",
    "presets",
    "project",
]

PACKAGES = [
    "qtlab.analyses",
    "qtlab.balance",
    "qtlab.engine",
    "qtlab.impact",
    "qtlab.policy",
    "qtlab.portfolio",
    "qtlab.prepay",
    "qtlab.report",
    "qtlab.runs",
    "qtlab.scenarios",
    "qtlab.store",
]


def test_the_top_level_exports_exactly_these_names():
    assert sorted(qtlab.__all__) == sorted(TOP)
    assert sorted(qtlab.__all__) == sorted(["__version__", *qtlab._EXPORTS])
    for name in TOP:
        assert getattr(qtlab, name) is not None, name
    assert set(TOP) <= set(dir(qtlab))


def test_the_top_level_names_are_the_subpackages_objects():
    from qtlab.analyses import get_analysis
    from qtlab.engine import project
    from qtlab.policy import load_preset
    from qtlab.runs import RunContext

    assert qtlab.preset is load_preset and qtlab.analysis is get_analysis
    assert qtlab.project is project and qtlab.RunContext is RunContext


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Datset'"):
        _ = qtlab.Datset  # type: ignore[attr-defined]


def test_import_qtlab_is_light():
    code = "import sys, qtlab; print(any(m in sys.modules for m in ('pandas', 'plotly', 'duckdb')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_of_a_package_exists_and_is_public(name):
    mod = importlib.import_module(name)
    exported = getattr(mod, "__all__", None)
    assert exported, f"{name} has no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    for attr in exported:
        assert not attr.startswith("_"), f"{name} exports the private name {attr}"
        assert hasattr(mod, attr), f"{name}.__all__ names {attr}, which it does not define"


def test_the_readme_example_of_the_top_level_runs():
    with qtlab.RunContext("2022-05-31") as ctx:
        policy = qtlab.preset("qt2-announced").with_caps(treasury=30, start="2023-01")
        proj = qtlab.project(months=12, **qtlab.engine_inputs(ctx, policy, "2022-06").kwargs())
    frame = proj.frame
    assert len(frame) == 12 and (frame["total_securities"] > 0).all()
