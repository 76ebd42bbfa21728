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

from qtlab.errors import SpecError, UnknownSeriesError, quoted
from qtlab.schema import SeriesSpec, publication_lag, series_spec

if TYPE_CHECKING:
    from qtlab.store.dataset import Dataset

__all__ = [
    "CATALOG_COLUMNS",
    "SeriesInfo",
    "TableInfo",
    "catalog",
    "catalog_frame",
    "search",
    "wide_series",
]


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


#: Columns of :func:`catalog_frame` (units and dates as in :class:`SeriesInfo`).
CATALOG_COLUMNS = (
    "id", "title", "units", "source", "kind", "first", "last", "rows", "vintage", "vintages",
)  # fmt: skip


def catalog_frame(self: Dataset) -> pd.DataFrame:
    """The catalogue as a DataFrame, one row per series visible at the vantage, with its
    title from the glossary (:data:`CATALOG_COLUMNS`)."""
    rows = []
    for info in catalog(self):
        try:
            title = series_spec(info.id).title
        except UnknownSeriesError:  # a user series outside the glossary keeps no title
            title = ""
        rows.append({"id": info.id, "title": title, **{
            k: getattr(info, k)
            for k in ("units", "source", "kind", "first", "last", "rows", "vintage", "vintages")
        }})  # fmt: skip
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


def search(self: Dataset, text: str) -> pd.DataFrame:
    """The rows of :func:`catalog_frame` whose id, title or source contains every word of
    ``text`` (case-insensitive), e.g. ``"reserve balances"`` or ``"ON RRP"``."""
    if not isinstance(text, str) or not text.strip():
        raise SpecError(f"search text={quoted(text)} is empty; give words such as 'reserves'")
    frame = catalog_frame(self)
    hay = (frame["id"] + " " + frame["title"] + " " + frame["source"]).str.lower()
    keep = pd.Series(True, index=frame.index)
    for word in text.lower().split():
        keep &= hay.str.contains(word, regex=False)
    return frame[keep].reset_index(drop=True)


def wide_series(
    self: Dataset, ids: list[str], start: str | date | None, end: str | date | None
) -> pd.DataFrame:
    """``Dataset.series`` of a list of ids: one column per series on the union of their
    dates (NaN where one has no value), ``attrs['units']`` mapping id -> units."""
    if not ids or len(set(ids)) != len(ids):
        raise SpecError(f"series ids={quoted(ids)}: give one id or a list of distinct ids")
    cols = {i: self.series(i, start, end) for i in ids}
    wide = pd.concat(cols, axis=1, sort=True)  # dates in order
    wide.index.name = "date"
    wide.attrs = {"units": {i: c.attrs["units"] for i, c in cols.items()}, "as_of": self.as_of}
    return wide
