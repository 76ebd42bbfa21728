"""Monthly nominal GDP, extended beyond the last actual quarter by an assumption.

CBO's nominal GDP projections are not in qtlab's data, so GDP after the last
published quarter grows at a constant annual rate the user sets
(:data:`DEFAULT_GDP_GROWTH` by default). Every result that uses the extension
prints :func:`gdp_assumption`.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import to_month
from qtlab.errors import DataError, SpecError

__all__ = ["DEFAULT_GDP_GROWTH", "gdp_assumption", "monthly_gdp"]

#: Default nominal GDP growth beyond the last actual quarter [% per year]: about
#: 2% inflation plus about 2% real growth, near CBO's longer-run nominal growth.
DEFAULT_GDP_GROWTH: Final = 4.0


def gdp_assumption(last_actual: pd.Period, growth: float) -> str:
    """The sentence printed with every result that uses extended GDP."""
    return (
        f"Nominal GDP after {last_actual} (the last actual quarter) grows {growth:.1f}% a year "
        "(an assumption: CBO's GDP projections are not in the data; set gdp_growth to change it)."
    )


def monthly_gdp(
    gdp_quarterly: pd.Series, through: pd.Period | str, growth: float = DEFAULT_GDP_GROWTH
) -> pd.Series:
    """Nominal GDP by month [USD bn, seasonally adjusted annual rate].

    Parameters
    ----------
    gdp_quarterly
        FRED ``GDP`` (quarterly SAAR, dated on the quarter's first day) [USD bn].
    through
        The last month wanted.
    growth
        Annual growth beyond the last actual quarter [%].

    Returns
    -------
    pandas.Series
        Indexed by ``Period[M]`` from the first quarter's middle month to
        ``through``. Each quarter's value sits on its middle month; months in
        between are interpolated log-linearly; months after the last actual
        middle month grow at ``growth``. ``attrs``: ``last_actual`` (the
        quarter, as ``Period[Q]``), ``growth`` [%] and ``assumption`` (text).
    """
    if not -20.0 < growth < 50.0:
        raise SpecError(f"gdp_growth={growth!r} must be percent per year between -20 and 50")
    q = gdp_quarterly.dropna()
    if q.empty:
        raise DataError("the GDP series is empty; expected FRED GDP, quarterly [USD bn]")
    quarters = pd.DatetimeIndex(q.index).to_period("Q")
    mids = pd.PeriodIndex([p.asfreq("M", "start") + 1 for p in quarters], freq="M")
    end = to_month(through, field="through")
    idx = pd.period_range(mids[0], max(end, mids[-1]), freq="M")
    logs = pd.Series(np.log(q.to_numpy(dtype=float)), index=mids).reindex(idx)
    logs = logs.interpolate(method="linear", limit_area="inside")
    after = idx > mids[-1]
    steps = np.arange(1, int(after.sum()) + 1)
    base = float(logs.to_numpy()[int(np.flatnonzero(idx == mids[-1])[0])])
    values = logs.to_numpy().copy()
    values[after] = base + steps * np.log1p(growth / 100.0) / 12.0
    keep = idx <= end
    out = pd.Series(np.exp(values[keep]), index=idx[keep], name="gdp")
    out.index.name = "month"
    out.attrs.update(
        last_actual=quarters[-1],
        growth=float(growth),
        assumption=gdp_assumption(quarters[-1], growth),
    )
    return out
