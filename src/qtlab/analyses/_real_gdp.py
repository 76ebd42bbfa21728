"""Real GDP as published at the vantage date: one whole vintage, with its base year.

Real GDP is in chained dollars of a base year that BEA changes at comprehensive
revisions (chained 2012 dollars from July 2018, chained 2017 from September 2023), so a
ratio to real GDP at a past vantage must use the vintage of that date, all of it. Two
sources hold whole vintages:

- the Philadelphia Fed's Real-Time Data Set (``rtdsm.routput``): every monthly vintage
  from 1965-11, each dated the 15th of its month (:mod:`qtlab.sources.philly`);
- FRED ``GDPC1``: the vintage held (the snapshot's file, or a fetch), in chained 2017
  dollars (its glossary units), counted only when every value shown at the vantage date
  was published by then.

The later of the two visible at the vantage date is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from qtlab.errors import DataError, DateRangeError
from qtlab.runs.context import RunContext
from qtlab.schema import series_spec
from qtlab.sources.philly import SERIES_ID as RTDSM
from qtlab.sources.philly import base_year

__all__ = ["RealGDP", "real_gdp"]

_FRED = "GDPC1"


@dataclass(frozen=True)
class RealGDP:
    """Real GDP of one vintage [USD bn, SAAR, in ``base_year`` dollars], quarterly.

    ``series`` is indexed by ``Period[Q]``; ``source`` is ``"rtdsm"`` or ``"fred"``;
    ``chained`` is False for the constant-dollar (fixed-weight) vintages before 1996.
    """

    series: pd.Series
    source: str
    series_id: str
    vintage: date
    base_year: int
    chained: bool


def _quarterly(s: pd.Series) -> pd.Series:
    out = s.copy()
    out.index = pd.DatetimeIndex(out.index).to_period("Q")
    return out


def _fred(ctx: RunContext) -> RealGDP | None:
    if _FRED not in ctx.series_ids():
        return None
    obs = ctx.observations(_FRED)
    if obs.empty or obs["vintage"].max().date() > ctx.cutoff:
        return None  # not yet published at the vantage date
    m = re.search(r"chained (\d{4})", series_spec(_FRED).units)
    if m is None:  # pragma: no cover - the glossary names the base year
        raise DataError(f"{_FRED}: no base year in its units {series_spec(_FRED).units!r}")
    s = _quarterly(obs.set_index("date")["value"].rename(_FRED))
    return RealGDP(s, "fred", _FRED, obs["vintage"].max().date(), int(m.group(1)), True)


def _rtdsm(ctx: RunContext) -> RealGDP | None:
    if RTDSM not in ctx.series_ids():
        return None
    try:
        s = ctx.series(RTDSM)
    except DateRangeError:  # a vantage before the first vintage
        return None
    vintage = pd.Timestamp(s.attrs["vintage"]).date()
    year, chained = base_year(vintage)
    return RealGDP(_quarterly(s), "rtdsm", RTDSM, vintage, year, chained)


def real_gdp(ctx: RunContext) -> RealGDP:
    """Real GDP as published at ``ctx``'s vantage date, all of it from one vintage.

    Raises
    ------
    DataError
        Neither source holds a vintage published by the vantage date.
    """
    # choose on a plain view (a recording view would list the source not chosen as read),
    # then read the chosen one through ``ctx``
    probe = ctx.at(ctx.as_of)
    found = [(r.vintage, read) for read in (_rtdsm, _fred) if (r := read(probe)) is not None]
    if not found:
        raise DataError(
            f"no vintage of real GDP ({RTDSM} or {_FRED}) was published by {ctx.cutoff.isoformat()}"
        )
    chosen = max(found, key=lambda f: f[0])[1](ctx)
    assert chosen is not None  # the probe found it
    return chosen
