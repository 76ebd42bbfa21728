"""Calendar-month helpers shared by the model packages (no I/O).

Every monthly series inside qtlab is indexed by ``pandas.Period[M]``;
:func:`to_month` is the one parser of a month given by a user or a spec. Daily and
weekly data become monthly by a named rule, which results state:

- ``"mean"``: the average of the observations dated in the month;
- ``"last"``: the last observation dated in the month (for H.4.1 Wednesday
  levels: the last Wednesday of the month).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final, Literal, get_args

import pandas as pd

from qtlab.errors import DateRangeError, SpecError, one_of, quoted

__all__ = [
    "MONTHLY_RULES",
    "MonthLike",
    "MonthlyRule",
    "as_monthly",
    "fiscal_year",
    "period_index",
    "require_monthly",
    "to_date",
    "to_month",
    "to_monthly",
    "value_at",
]

MonthlyRule = Literal["mean", "last"]
MONTHLY_RULES: Final[tuple[str, ...]] = get_args(MonthlyRule)

_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")

MonthLike = str | date | datetime | pd.Period | pd.Timestamp


def to_month(value: MonthLike, *, field: str = "month") -> pd.Period:
    """Parse ``value`` (``"YYYY-MM"``, ``"YYYY-MM-DD"``, a date or a Period) into a ``Period[M]``.

    Raises
    ------
    SpecError
        Naming ``field`` and the bad value when it is not a month.
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M") if value.freqstr != "M" else value
    if isinstance(value, str) and not _ISO.match(value.strip()):
        raise SpecError(f"{field}={quoted(value)} is not a month; give 'YYYY-MM' (e.g. '2022-06')")
    try:
        p: object = pd.Period(value, freq="M")
    except (ValueError, TypeError) as exc:
        raise SpecError(
            f"{field}={quoted(value)} is not a month; give 'YYYY-MM' (e.g. '2022-06') or a date"
        ) from exc
    if not isinstance(p, pd.Period):  # NaT
        raise SpecError(f"{field}={quoted(value)} is not a month; give 'YYYY-MM' (e.g. '2022-06')")
    return p


def to_monthly(series: pd.Series, how: str = "mean") -> pd.Series:
    """Turn a date-indexed series into a monthly one indexed by ``Period[M]``.

    Parameters
    ----------
    series
        Observations indexed by dates (a ``DatetimeIndex``); units are kept.
    how
        ``"mean"`` (average of the month's observations) or ``"last"`` (the
        month's last observation).

    Returns
    -------
    pandas.Series
        One value per month that has observations, same name and units.
    """
    if how not in MONTHLY_RULES:
        raise SpecError(
            f"how={quoted(how)} is not a monthly rule; valid rules are {one_of(MONTHLY_RULES)}"
        )
    if isinstance(series.index, pd.PeriodIndex) and series.index.freqstr == "M":
        return series.copy()
    idx = pd.DatetimeIndex(series.index)
    s = pd.Series(series.to_numpy(dtype=float), index=idx.to_period("M"), name=series.name)
    grouped = s.groupby(level=0)
    out = grouped.mean() if how == "mean" else grouped.last()
    out.index = pd.PeriodIndex(out.index, freq="M")
    out.index.name = "month"
    out.attrs.update(series.attrs)
    return out


def require_monthly(series: pd.Series, field: str) -> pd.Series:
    """Check that ``series`` is indexed by consecutive ``Period[M]`` and is numeric.

    Raises
    ------
    SpecError
        Naming ``field`` if the index is not monthly periods, has gaps or
        duplicates, or holds missing values.
    """
    if not isinstance(series.index, pd.PeriodIndex) or series.index.freqstr != "M":
        raise SpecError(
            f"{field} must be a pandas Series indexed by Period[M] (calendar months); got an index "
            f"of type {type(series.index).__name__}. Convert with qtlab._periods.to_monthly or "
            "series.index.to_period('M')"
        )
    if series.empty:
        raise SpecError(f"{field} is empty; give at least one month")
    if not series.index.is_monotonic_increasing or series.index.has_duplicates:
        raise SpecError(f"{field} must be sorted by month without duplicates")
    expected = pd.period_range(series.index[0], series.index[-1], freq="M")
    if len(expected) != len(series):
        missing = expected.difference(series.index)
        raise SpecError(f"{field} has gaps; first missing month {missing[0]}")
    if series.isna().any():
        raise SpecError(f"{field} has missing values; first at {series.index[series.isna()][0]}")
    return series.astype(float)


def as_monthly(values: pd.Series | float, index: pd.PeriodIndex, field: str) -> pd.Series:
    """A constant or a monthly path, aligned on ``index`` (the path must cover it)."""
    if isinstance(values, pd.Series):
        s = require_monthly(values, field)
        missing = index.difference(list(s.index))
        if len(missing):
            raise SpecError(
                f"{field} does not cover month {missing[0]}; it runs {s.index[0]}..{s.index[-1]} "
                f"and must cover {index[0]}..{index[-1]}"
            )
        return s.reindex(index)
    return pd.Series(float(values), index=index, name=field)


def fiscal_year(index: pd.PeriodIndex) -> pd.Index:
    """U.S. federal fiscal year of each month (October starts the next fiscal year)."""
    return pd.Index((index + 3).year, name="fiscal_year")


def value_at(data: pd.Series | pd.DataFrame, key: object, column: str | None = None) -> float:
    """The number at ``key`` (a month, a year ...) of a Series, or of ``column`` of a frame."""
    s = data if isinstance(data, pd.Series) else data[column]
    return float(s.at[key])  # type: ignore[arg-type]


def period_index(data: pd.Series | pd.DataFrame | pd.Index) -> pd.PeriodIndex:
    """The index of ``data`` as a ``PeriodIndex`` (for typing; raises if it is not one)."""
    idx = data if isinstance(data, pd.Index) else data.index
    if not isinstance(idx, pd.PeriodIndex):
        raise SpecError(f"expected an index of Period[M] months, got {type(idx).__name__}")
    return idx


def to_date(value: str | date | datetime | pd.Timestamp, *, field: str = "as_of") -> date:
    """Parse an ISO date (or date-like) and raise :class:`DateRangeError` naming ``field``."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise DateRangeError(
            f"{field}={quoted(value)} is not a valid date; give an ISO date such as 2022-05-31"
        ) from exc
