"""qtlab: project and explain central-bank balance-sheet runoff from official data.

Units everywhere in the public API: money in USD billions, rates and yields in
percent, months as calendar months (``pandas.Period[M]``).

The names most work starts from are here, imported lazily (``import qtlab`` loads
nothing heavy until a name is used)::

    import qtlab

    with qtlab.RunContext("2022-05-31") as ctx:         # one as-of view of the data
        policy = qtlab.preset("qt2-announced").with_caps(treasury=30, start="2023-01")
        proj = qtlab.project(months=24, **qtlab.engine_inputs(ctx, policy, "2022-06").kwargs())
        b2 = qtlab.analysis("B2").run(ctx)               # tables, figures and notes

Everything else lives in the subpackages: ``qtlab.store`` (the data), ``qtlab.policy``,
``qtlab.portfolio``, ``qtlab.prepay``, ``qtlab.engine``, ``qtlab.balance``,
``qtlab.impact``, ``qtlab.scenarios`` (the models), ``qtlab.runs`` (model runs from the
data), ``qtlab.analyses`` (the report's analyses) and ``qtlab.report``.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("qtlab")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: public name -> (module, attribute): resolved on first use (PEP 562)
_EXPORTS: dict[str, tuple[str, str]] = {
    "Dataset": ("qtlab.store", "Dataset"),
    "RunContext": ("qtlab.runs", "RunContext"),
    "Policy": ("qtlab.policy", "Policy"),
    "Regime": ("qtlab.policy", "Regime"),
    "preset": ("qtlab.policy", "load_preset"),
    "presets": ("qtlab.policy", "presets"),
    "engine_inputs": ("qtlab.runs.runoff", "engine_inputs"),
    "project": ("qtlab.engine", "project"),
    "Projection": ("qtlab.engine", "Projection"),
    "analysis": ("qtlab.analyses", "get_analysis"),
    "AnalysisResult": ("qtlab.analyses", "AnalysisResult"),
    "build_report": ("qtlab.report", "build_report"),
    "QtlabError": ("qtlab.errors", "QtlabError"),
}

__all__ = [
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

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from qtlab.analyses import AnalysisResult
    from qtlab.analyses import get_analysis as analysis
    from qtlab.engine import Projection, project
    from qtlab.errors import QtlabError
    from qtlab.policy import Policy, Regime, presets
    from qtlab.policy import load_preset as preset
    from qtlab.report import build_report
    from qtlab.runs import RunContext
    from qtlab.runs.runoff import engine_inputs
    from qtlab.store import Dataset


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'qtlab' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
