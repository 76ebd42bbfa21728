"""The catalogue of a :class:`~qtlab.store.dataset.Dataset`: what ``qtlab data status`` lists.

:class:`SeriesInfo` and :class:`TableInfo` are the catalogue rows; :func:`catalog`
summarises every series visible as of the vantage date (``Dataset.catalog``
delegates to it). Split from :mod:`qtlab.store.dataset`, which re-exports the
public names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from qtlab.errors import UnknownSeriesError
from qtlab.schema import SeriesSpec, publication_lag, series_spec

if TYPE_CHECKING:
    from qtlab.store.dataset import Dataset

__all__ = ["SeriesInfo", "TableInfo", "catalog"]


@dataclass(frozen=True)
class SeriesInfo:
    """Catalogue row for one series (what ``qtlab data status`` lists)."""

    id: str
    source: str
    units: str
    first: date
    last: date
    rows: int
    vintage: date
    vintages: int
    kind: str


@dataclass(frozen=True)
class TableInfo:
    """Catalogue row for one table (e.g. the MSPD detail by CUSIP).

    ``as_of`` is the date the table describes (the MSPD record date), ``vintage``
    the day it was published or fetched, ``layer`` ``"snapshot"`` or ``"store"``.
    """

    dataset: str
    source: str
    as_of: date
    rows: int
    vintage: date
    layer: str


@dataclass(frozen=True)
class _Row:
    series_id: str
    first: Any
    last: Any
    dates: int
    obs: int
    vintage: Any
    vintages: int


def catalog(self: Dataset) -> list[SeriesInfo]:
    """One :class:`SeriesInfo` per series visible as of the vantage date."""
    cut = self.cutoff
    df = self._q(
        "WITH vis AS ("
        " SELECT * FROM all_obs o WHERE (vintage <= ?) OR"
        "  (date <= ? AND NOT EXISTS (SELECT 1 FROM all_obs p"
        "    WHERE p.series_id = o.series_id AND p.date = o.date AND p.vintage <= ?)))"
        " SELECT series_id, min(date) AS first, max(date) AS last,"
        "  count(DISTINCT date) AS dates, count(DISTINCT (date, vintage)) AS obs,"
        "  max(vintage) AS vintage, count(DISTINCT vintage) AS vintages"
        " FROM vis GROUP BY series_id ORDER BY series_id",
        [cut, cut, cut],
    )
    cut_view: dict[str, dict[str, Any]] | None = None
    if self.as_of is not None:
        # observed series as the as-of view shows them (one vintage per date, chosen
        # as in observations()), summarised for all series in one query
        view = self._q(
            "SELECT series_id, min(date) AS first, max(date) AS last, count(*) AS rows,"
            " max(vintage) AS vintage FROM ("
            " SELECT series_id, date, vintage, row_number() OVER (PARTITION BY series_id, date"
            "   ORDER BY (vintage <= ?) DESC,"
            "   CASE WHEN vintage <= ? THEN vintage END DESC NULLS LAST,"
            "   vintage ASC, layer DESC) rn"
            " FROM all_obs WHERE date <= ?) WHERE rn = 1 GROUP BY series_id",
            [cut, cut, cut],
        )
        cut_view = {
            str(r["series_id"]): {str(k): v for k, v in r.items()} for r in view.to_dict("records")
        }
    out = []
    for r in (_Row(**{str(k): v for k, v in rec.items()}) for rec in df.to_dict("records")):
        try:
            spec = series_spec(str(r.series_id))
        except UnknownSeriesError:
            spec = SeriesSpec(str(r.series_id), "", "as published", "irregular", "fred")
        if spec.whole_vintage and cut_view is not None:
            obs = self.observations(spec.id)
            if obs.empty:
                continue
            cut_view[spec.id] = {
                "first": obs["date"].min(),
                "last": obs["date"].max(),
                "rows": len(obs),
                "vintage": obs["vintage"].max(),
            }
        if spec.kind == "observed" and cut_view is not None:
            # cut at the date: first/last/rows on the as-of view
            if spec.id not in cut_view:
                continue
            row = cut_view[spec.id]
            first, last, rows = row["first"], row["last"], int(row["rows"])
            vint = row["vintage"]
            if publication_lag(spec.id) is not None:  # cut by publication: as observations()
                obs = self.observations(spec.id)
                if obs.empty:
                    continue
                first, last, rows = obs["date"].min(), obs["date"].max(), len(obs)
                vint = obs["vintage"].max()
        else:
            first, last = r.first, r.last
            rows = int(r.obs if spec.kind == "projection" else r.dates)
            vint = r.vintage
        out.append(
            SeriesInfo(
                id=spec.id,
                source=spec.source,
                units=spec.units,
                first=pd.Timestamp(first).date(),
                last=pd.Timestamp(last).date(),
                rows=rows,
                vintage=pd.Timestamp(vint).date(),
                vintages=int(r.vintages),
                kind=spec.kind,
            )
        )
    return out
