"""What every analysis returns, and the registry the report and CLI read.

An analysis of ANALYSES.md (A1, B3, D2 ...) is split into numbers and words
(``analyses/computed.py``): a compute function over a :class:`~qtlab.runs.RunContext`
(one as-of view of the data, its reads and runs) registered with :func:`analysis`,
and a render function registered with :func:`renders`::

    @analysis("A3", area="history", order=30)
    def compute_a3(ctx: RunContext, *, start: str = "2007-01-01") -> Computed: ...

    @renders("A3")
    def render_a3(c: Computed, lang: str) -> AnalysisResult: ...

Compute returns a :class:`~qtlab.analyses.computed.Computed` (tidy tables, note
values, no language); render returns an :class:`AnalysisResult` in one language:
display tables (translated headers with units, e.g. ``"Total assets [USD bn]"``),
Plotly figures and notes whose numbers come from the data (:func:`note` fills a
template of the strings catalogue). The report, the CLI and the dashboard only read
these objects; :meth:`AnalysisSpec.run` is render(compute(ctx)). Every registered
analysis has both (:func:`registry` refuses one without its render function).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pandas as pd

from qtlab.analyses.computed import Computed
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
    "first_rows",
    "get_analysis",
    "note",
    "notes_of",
    "registry",
    "renders",
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


#: Which rows of a long table a page shows (:attr:`Table.excerpt`).
Excerpt = Literal["last", "first"] | tuple[int, ...]


def first_rows(groups: Iterable[Any], n: int, *, last: bool = False) -> tuple[int, ...]:
    """Positions of the first ``n`` rows of each group of a long table, in order
    (``groups``: its group column, e.g. ``scenario``), and with ``last`` each group's
    last row (the end of its horizon): the :attr:`Table.excerpt` of projections
    stacked by scenario or alternative."""
    seen: dict[Any, int] = {}
    ends: dict[Any, int] = {}
    out = set()
    for i, g in enumerate(groups):
        ends[g] = i
        if seen.get(g, 0) < n:
            seen[g] = seen.get(g, 0) + 1
            out.add(i)
    if last:
        out.update(ends.values())
    return tuple(sorted(out))


@dataclass(frozen=True)
class Table:
    """A tidy table: ``name`` is its file stem (``a1_tapers``), ``title`` is rendered.

    ``excerpt``: the rows a page shows of a long table (the CSV file has them all):
    ``"last"`` (a history: the latest rows), ``"first"`` (a projection: the months
    from its start), or the positions of the rows that matter (those the notes
    discuss, in order).
    """

    name: str
    title: str
    frame: pd.DataFrame
    excerpt: Excerpt = "last"


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


def notes_of(
    c: Computed, lang: str, /, **names: Mapping[Any, str] | Callable[[Any], str]
) -> tuple[Note, ...]:
    """The notes of ``c`` in ``lang``: each :class:`~qtlab.analyses.computed.Fact` filled
    into its catalogue template; a value named in ``names`` (an id such as
    ``episode="qt2"``) is first replaced by its display name, looked up in the mapping
    or returned by the function given for that field."""
    out = []
    for f in c.notes:
        values = dict(f.values)
        for field_, name in names.items():
            if field_ in values:
                v = values[field_]
                values[field_] = name(v) if callable(name) else name[v]
        out.append(note(f.key, lang, **values))
    return tuple(out)


AnalysisFn = Callable[..., Any]
RenderFn = Callable[[Computed, str], AnalysisResult]
F = TypeVar("F", bound=AnalysisFn)
R = TypeVar("R", bound=RenderFn)


def _memo_key(id: str, options: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The context's memo key of ``compute(id, **options)``; None if an option is not
    hashable (computed without memo then)."""
    key = ("analysis.compute", id, tuple(sorted(options.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


@dataclass(frozen=True)
class AnalysisSpec:
    """A registered analysis: its id, area, order in the report, compute function
    ``fn(ctx, **options) -> Computed`` and render function (:attr:`render_fn`)."""

    id: str
    area: str
    order: int
    fn: AnalysisFn

    @property
    def render_fn(self) -> RenderFn:
        """The render function registered with :func:`renders`."""
        try:
            return _RENDERERS[self.id]
        except KeyError:
            raise SpecError(
                f"analysis {self.id} ({self.fn.__module__}.{self.fn.__name__}) has no render "
                f"function; register render_{self.id.lower()}(c, lang) with @renders({self.id!r})"
            ) from None

    def compute(self, ctx: RunContext | Dataset, **options: Any) -> Computed:
        """The numbers of the analysis on ``ctx`` (no language).

        In a :class:`~qtlab.runs.RunContext` they are computed once per context and
        options (the report and the dashboard render them in each language); a
        :class:`~qtlab.store.Dataset` is run in a new context closed afterwards.
        """
        if not isinstance(ctx, RunContext):
            with RunContext(ctx) as own:
                return self._checked(self.fn(own, **options))
        key = _memo_key(self.id, options)
        if key is None:
            return self._checked(self.fn(ctx, **options))
        return ctx.memo(key, lambda: self._checked(self.fn(ctx, **options)))

    def _checked(self, computed: object) -> Computed:
        if not isinstance(computed, Computed) or computed.id != self.id:
            raise TypeError(f"analysis {self.id} computed {quoted(computed)}, not its Computed")
        return computed

    def render(self, computed: Computed, lang: str = "en") -> AnalysisResult:
        """``computed`` (from :meth:`compute`) as an :class:`AnalysisResult` in ``lang``."""
        lang = validate_lang(lang)
        render = self.render_fn
        if computed.id != self.id:
            raise SpecError(f"analysis {self.id} cannot render the numbers of {computed.id}")
        return self._result(render(computed, lang))

    def _result(self, result: object) -> AnalysisResult:
        if not isinstance(result, AnalysisResult) or result.id != self.id:
            raise TypeError(f"analysis {self.id} returned {quoted(result)}, not its AnalysisResult")
        return result

    def run(self, ctx: RunContext | Dataset, *, lang: str = "en", **options: Any) -> AnalysisResult:
        """Run the analysis on ``ctx`` in ``lang``: ``render(compute(ctx, **options), lang)``.

        ``ctx`` is a :class:`~qtlab.runs.RunContext` (what a report or a dashboard request
        shares between analyses), or a :class:`~qtlab.store.Dataset`, run in a new
        context of its own that is closed afterwards."""
        lang = validate_lang(lang)
        return self.render(self.compute(ctx, **options), lang)


_REGISTRY: dict[str, AnalysisSpec] = {}
_RENDERERS: dict[str, RenderFn] = {}


def analysis(id: str, *, area: str, order: int) -> Callable[[F], F]:
    """Register the compute function of an analysis under its ANALYSES.md id (``"B1"``).

    ``order`` sorts sections in the report (A1 = 10, A2 = 20, ...). Pair it with a
    render function (:func:`renders`) in the same module; :func:`registry` refuses an
    analysis without one.
    """

    def deco(fn: F) -> F:
        if id in _REGISTRY and _REGISTRY[id].fn is not fn:
            raise SpecError(
                f"analysis id {quoted(id)} is registered twice: {_REGISTRY[id].fn} and {fn}"
            )
        _REGISTRY[id] = AnalysisSpec(id=id, area=area, order=order, fn=fn)
        return fn

    return deco


def renders(id: str) -> Callable[[R], R]:
    """Register the render function of analysis ``id``: ``render(computed, lang)``."""

    def deco(fn: R) -> R:
        if id in _RENDERERS and _RENDERERS[id] is not fn:
            raise SpecError(f"analysis id {quoted(id)} has two render functions")
        _RENDERERS[id] = fn
        return fn

    return deco


def _load_all() -> None:
    pkg = importlib.import_module("qtlab.analyses")
    for mod in pkgutil.iter_modules(pkg.__path__):
        if not mod.name.startswith("_") and mod.name not in ("result", "computed"):
            importlib.import_module(f"qtlab.analyses.{mod.name}")


def registry() -> list[AnalysisSpec]:
    """Every registered analysis, in report order (imports every analyses module).

    Raises :class:`SpecError` naming an analysis registered without a render function."""
    _load_all()
    specs = sorted(_REGISTRY.values(), key=lambda s: (s.order, s.id))
    for spec in specs:
        spec.render_fn  # noqa: B018 (raises for an analysis without its render function)
    return specs


def get_analysis(id: str) -> AnalysisSpec:
    """The analysis ``id`` (case-insensitive); raises :class:`SpecError` listing the valid ids."""
    specs = {s.id.upper(): s for s in registry()}
    try:
        return specs[id.upper()]
    except KeyError:
        raise SpecError(f"unknown analysis {quoted(id)}; valid: {one_of(specs)}") from None
