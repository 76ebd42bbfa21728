"""The numbers of an analysis, without language: what ``compute_<id>`` returns.

An analysis is split in two (see ``docs/architecture.md``, "compute and render")::

    @analysis("A3", area="history", order=30)
    def compute_a3(ctx: RunContext, *, start: str = "2007-01-01") -> Computed: ...

    @renders("A3")
    def render_a3(c: Computed, lang: str) -> AnalysisResult: ...

``compute`` reads the data through the :class:`~qtlab.runs.RunContext` and returns a
:class:`Computed`: tidy tables with stable snake_case column names and their units in
``frame.attrs["units"]``, note values (numbers, dates and ids, never translated
text), the series figures draw, and ``meta``. ``render`` turns it into an
:class:`~qtlab.analyses.result.AnalysisResult` in one language and reads no data, so
a second language costs only the rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from qtlab.errors import SpecError, one_of, quoted

__all__ = ["Computed", "Fact", "tidy"]


class Fact(NamedTuple):
    """The values of one note: its catalogue ``key`` and the numbers, dates and ids it
    states (ids such as an episode or taper id are translated by render)."""

    key: str
    values: Mapping[str, Any]


def tidy(frame: pd.DataFrame, units: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with ``attrs["units"]`` = ``units`` (``{column: unit}``, glossary units
    such as :data:`qtlab.schema.USD_BN`); every key must be a column of ``frame``.

    Columns without a unit (dates, ids, flags) are left out of ``units``."""
    unknown = [c for c in units if c not in frame.columns]
    if unknown:
        raise SpecError(
            f"units name {one_of(unknown)}, not columns of the table; "
            f"columns: {one_of(map(str, frame.columns))}"
        )
    frame.attrs["units"] = dict(units)
    return frame


@dataclass(frozen=True)
class Computed:
    """The numbers of one analysis, the same for every language.

    Attributes
    ----------
    id : the analysis id of ANALYSES.md (``"A1"``).
    tables : tidy tables by name (``"tapers"``): a PeriodIndex or date columns, stable
        snake_case column names, units in ``frame.attrs["units"]`` as ``{column: unit}``.
    notes : the values of each note, in display order (:class:`Fact`).
    series : what the figures draw, by name (frames or series in glossary units).
    meta : the vantage date (``as_of``), the options used, the inputs read (``inputs``),
        any data gaps (``gaps``: catalogue keys), and what render needs besides the
        numbers (ids of episodes shown, the real-GDP vintage ...).
    """

    id: str
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[Fact, ...] = ()
    series: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The tidy table ``name``; raises :class:`SpecError` listing the valid names."""
        try:
            return self.tables[name]
        except KeyError:
            raise SpecError(
                f"{self.id} has no table {quoted(name)}; valid: {one_of(self.tables)}"
            ) from None

    def note_values(self, key: str) -> Mapping[str, Any]:
        """The values of the (first) note with catalogue key ``key``."""
        for f in self.notes:
            if f.key == key:
                return f.values
        raise SpecError(
            f"{self.id} has no note {quoted(key)}; valid: {one_of(f.key for f in self.notes)}"
        )

    def units(self, name: str) -> Mapping[str, str]:
        """The units of table ``name`` (``{column: unit}``)."""
        return dict(self.table(name).attrs.get("units", {}))
