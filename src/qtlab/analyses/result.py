"""What every analysis returns, and the registry the report and CLI read.

An analysis of ANALYSES.md (A1, B3, D2 ...) is a pure function over a
:class:`~qtlab.runs.RunContext` (one as-of view of the data, its reads and runs) and
options, registered with :func:`analysis`::

    @analysis("A3", area="history", order=30)
    def size_to_gdp(ctx: RunContext, *, lang: str = "en") -> AnalysisResult: ...

It returns an :class:`AnalysisResult`: tidy tables (units in the column names,
e.g. ``"total_assets [USD bn]"``), Plotly figures built in the requested
language, and notes whose numbers come from the data (:func:`note` fills a
template of the strings catalogue). The report, the CLI and the dashboard only
read these objects.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from qtlab.errors import SpecError, one_of, quoted
from qtlab.i18n import t, validate_lang
from qtlab.runs.context import RunContext
from qtlab.store.dataset import Dataset

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "AnalysisResult",
    "AnalysisSpec",
    "Figure",
    "Note",
    "Table",
    "analysis",
    "get_analysis",
    "note",
    "registry",
]


@dataclass(frozen=True)
class Note:
    """One sentence of a result, rendered from the catalogue template ``key``.

    ``values`` keeps the numbers the sentence states (in glossary units), so tests
    and the scorecard read them without parsing text.
    """

    key: str
    text: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A tidy table: ``name`` is its file stem (``a1_tapers``), ``title`` is rendered."""

    name: str
    title: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Figure:
    """A Plotly figure with a file stem (``a1_net_purchases``) for its PNG."""

    name: str
    figure: go.Figure


@dataclass(frozen=True)
class AnalysisResult:
    """The output of one analysis, in one language.

    Attributes
    ----------
    id : the analysis id of ANALYSES.md (``"A1"``).
    title : the section title in ``lang``.
    lang : ``"en"`` or ``"zh"``.
    tables, figures, notes : in display order.
    meta : the vantage date (``as_of``), the options used, the series and datasets
        read (``inputs``), and any data gaps (``gaps``: list of catalogue keys or
        texts) the section must state.
    """

    id: str
    title: str
    lang: str
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    notes: tuple[Note, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The frame of table ``name``; raises :class:`SpecError` listing the valid names."""
        for tb in self.tables:
            if tb.name == name:
                return tb.frame
        raise SpecError(
            f"{self.id} has no table {quoted(name)}; valid: {one_of(tb.name for tb in self.tables)}"
        )

    def figure(self, name: str) -> go.Figure:
        """Figure ``name``; raises :class:`SpecError` listing the valid names."""
        for fg in self.figures:
            if fg.name == name:
                return fg.figure
        raise SpecError(
            f"{self.id} has no figure {quoted(name)}; valid: "
            f"{one_of(fg.name for fg in self.figures)}"
        )

    def note_values(self, key: str) -> Mapping[str, Any]:
        """The numbers behind the note with catalogue key ``key``."""
        for n in self.notes:
            if n.key == key:
                return n.values
        raise SpecError(
            f"{self.id} has no note {quoted(key)}; valid: {one_of(n.key for n in self.notes)}"
        )


def note(key: str, lang: str, /, **values: Any) -> Note:
    """A :class:`Note` whose text is the catalogue template ``key`` filled with ``values``."""
    return Note(key=key, text=t(key, lang, **values), values=dict(values))


AnalysisFn = Callable[..., AnalysisResult]
F = TypeVar("F", bound=AnalysisFn)


@dataclass(frozen=True)
class AnalysisSpec:
    """A registered analysis: its id, area, order in the report and function.

    The function is called as ``fn(ctx, lang=..., **options)``.
    """

    id: str
    area: str
    order: int
    fn: AnalysisFn

    def run(self, ctx: RunContext | Dataset, *, lang: str = "en", **options: Any) -> AnalysisResult:
        """Run the analysis on ``ctx`` in ``lang`` and check it returned its own id.

        ``ctx`` is a :class:`~qtlab.runs.RunContext` (what a report or a dashboard request
        shares between analyses), or a :class:`~qtlab.store.Dataset`, run in a new
        context of its own that is closed afterwards."""
        lang = validate_lang(lang)
        if isinstance(ctx, RunContext):
            result = self.fn(ctx, lang=lang, **options)
        else:
            with RunContext(ctx) as own:
                result = self.fn(own, lang=lang, **options)
        if not isinstance(result, AnalysisResult) or result.id != self.id:
            raise TypeError(f"analysis {self.id} returned {quoted(result)}, not its AnalysisResult")
        return result


_REGISTRY: dict[str, AnalysisSpec] = {}


def analysis(id: str, *, area: str, order: int) -> Callable[[F], F]:
    """Register an analysis function under its ANALYSES.md id (e.g. ``"B1"``).

    ``order`` sorts sections in the report (A1 = 10, A2 = 20, ...).
    """

    def deco(fn: F) -> F:
        if id in _REGISTRY and _REGISTRY[id].fn is not fn:
            raise SpecError(
                f"analysis id {quoted(id)} is registered twice: {_REGISTRY[id].fn} and {fn}"
            )
        _REGISTRY[id] = AnalysisSpec(id=id, area=area, order=order, fn=fn)
        return fn

    return deco


def _load_all() -> None:
    pkg = importlib.import_module("qtlab.analyses")
    for mod in pkgutil.iter_modules(pkg.__path__):
        if not mod.name.startswith("_") and mod.name != "result":
            importlib.import_module(f"qtlab.analyses.{mod.name}")


def registry() -> list[AnalysisSpec]:
    """Every registered analysis, in report order (imports every analyses module)."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.id))


def get_analysis(id: str) -> AnalysisSpec:
    """The analysis ``id`` (case-insensitive); raises :class:`SpecError` listing the valid ids."""
    specs = {s.id.upper(): s for s in registry()}
    try:
        return specs[id.upper()]
    except KeyError:
        raise SpecError(f"unknown analysis {quoted(id)}; valid: {one_of(specs)}") from None
