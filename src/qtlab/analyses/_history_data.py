"""Shared data steps of the history analyses (A1-A7, C1): monthly rules, SOMA totals.

Named rules, stated in every output that uses them:

- **month end** (``month_end``): the last observation in each calendar month
  (for weekly H.4.1 / SOMA data, the last Wednesday of the month);
- **quarter end** (``quarter_end``): the last observation in each calendar quarter;
- **week average ending Wednesday** (``week_average_wed``): the mean of daily
  observations in the seven days ending on each Wednesday (the H.4.1 convention).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import pandas as pd

from qtlab.errors import DataError
from qtlab.runs.context import RunContext

__all__ = [
    "SOMA_TREASURY_KINDS",
    "WEEK",
    "at",
    "dindex",
    "gap_spans",
    "iso",
    "month_end",
    "pindex",
    "quarter_end",
    "soma_frame",
    "soma_treasury",
    "vantage",
    "week_average_wed",
]

PandasT = TypeVar("PandasT", pd.Series, pd.DataFrame)

#: The step of weekly data.
WEEK = pd.Timedelta(days=7)

#: SOMA weekly summary series that make up Treasury holdings at par [USD bn].
SOMA_TREASURY_KINDS = ("bills", "notes_bonds", "tips", "frn")


def at(obj: Any, row: Any, col: Any = None) -> float:
    """``obj.loc[row]`` (or ``obj.loc[row, col]``) as a float."""
    return float(obj.loc[row] if col is None else obj.loc[row, col])


def iso(when: Any) -> str:
    """A date-like value as an ISO date string."""
    return pd.Timestamp(when).date().isoformat()


def dindex(obj: pd.Series | pd.DataFrame) -> pd.DatetimeIndex:
    """The index of ``obj`` as a :class:`~pandas.DatetimeIndex`."""
    return pd.DatetimeIndex(obj.index)


def pindex(obj: pd.Series | pd.DataFrame) -> pd.PeriodIndex:
    """The index of ``obj`` as a :class:`~pandas.PeriodIndex`."""
    return pd.PeriodIndex(obj.index)


def window_start(ctx: RunContext, start: str, *, years: int = 5) -> str:
    """``start``, or ``years`` before the vantage date when that comes less than a year after it.

    Lets a history chart that normally starts at ``start`` still show the years
    before an early vantage date.
    """
    cut = pd.Timestamp(ctx.cutoff) if ctx.as_of is not None else None
    if cut is not None and cut < pd.Timestamp(start) + pd.DateOffset(years=1):
        return (cut - pd.DateOffset(years=years)).date().isoformat()
    return start


def vantage(ctx: RunContext) -> pd.Timestamp | None:
    """The dataset's as-of date as a Timestamp (None = latest)."""
    return None if ctx.as_of is None else pd.Timestamp(ctx.as_of)


def _period_end(s: PandasT, freq: str, name: str, step: pd.Timedelta) -> PandasT:
    idx = dindex(s)
    out = s.groupby(idx.to_period(freq)).last()
    if len(idx) and (idx.max() + step).to_period(freq) == idx.max().to_period(freq):
        out = out.iloc[:-1]  # the last period is not complete yet: no period-end value
    out.index.name = name
    return out


def month_end(s: PandasT, *, step: pd.Timedelta = WEEK) -> PandasT:
    """The last observation of each complete calendar month, indexed by ``Period[M]``.

    A month is complete when the next observation (``step`` after the last one)
    would fall in the next month; an incomplete final month is dropped.
    """
    return _period_end(s, "M", "month", step)


def quarter_end(s: PandasT, *, step: pd.Timedelta = WEEK) -> PandasT:
    """The last observation of each complete calendar quarter, indexed by ``Period[Q]``."""
    return _period_end(s, "Q", "quarter", step)


def week_average_wed(s: pd.Series) -> pd.Series:
    """Mean of the daily observations in each week ending Wednesday.

    Weeks with no observation are absent; the last week is dropped when the data
    end before its Wednesday (an incomplete week).
    """
    out = s.resample("W-WED").mean().dropna()
    if len(out) and s.index.max() < out.index.max():
        out = out.iloc[:-1]
    out.index.name = "date"
    return out


def soma_frame(ctx: RunContext, kinds: Iterable[str]) -> pd.DataFrame:
    """SOMA weekly summary series ``soma.<kind>`` side by side [USD bn], Wednesdays.

    Raises
    ------
    DataError
        If the summary holds no observation at or before the vantage date.
    """
    cols = {k: ctx.series(f"soma.{k}") for k in kinds}
    df = pd.DataFrame(cols).sort_index()
    if df.empty:
        raise DataError(
            f"no NY Fed SOMA summary observation at or before {ctx.cutoff.isoformat()}; "
            "the summary starts 2003-07-09"
        )
    df.index.name = "date"
    return df


def soma_treasury(ctx: RunContext, *, with_inflation_comp: bool = False) -> pd.Series:
    """SOMA Treasury holdings [USD bn]: bills + notes and bonds + TIPS + FRNs at par.

    With ``with_inflation_comp`` the TIPS inflation compensation is added (the
    basis of MSPD's outstanding amounts and of H.4.1's TREAST).
    """
    kinds = [*SOMA_TREASURY_KINDS, *(("tips_inflation_comp",) if with_inflation_comp else ())]
    df = soma_frame(ctx, kinds)
    return df.sum(axis=1, min_count=len(kinds)).dropna().rename("soma_treasury")


def gap_spans(
    s: pd.Series, start: pd.Timestamp, end: pd.Timestamp, *, max_step: pd.Timedelta
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Spans of ``[start, end]`` with no observation of ``s`` for longer than ``max_step``.

    Returns (first missing day, last missing day) pairs, in order. A series with
    no observation in the window is one span covering it all.
    """
    obs = s.dropna()
    obs = obs[(obs.index >= start) & (obs.index <= end)]
    if obs.empty:
        return [(start, end)]
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    first, last = obs.index.min(), obs.index.max()
    if first - start > max_step:
        spans.append((start, first - pd.Timedelta(days=1)))
    idx = dindex(obs)
    steps = idx[1:] - idx[:-1]
    for i in (steps > max_step).nonzero()[0]:
        a, b = idx[int(i)], idx[int(i) + 1]
        spans.append((a + pd.Timedelta(days=1), b - pd.Timedelta(days=1)))
    if end - last > max_step:
        spans.append((last + pd.Timedelta(days=1), end))
    return spans
