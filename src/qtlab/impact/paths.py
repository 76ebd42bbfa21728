"""Monthly paths the impact models run along (no I/O): debt, policy rate, SEP.

- :func:`debt_path`: marketable Treasury debt extended with the growth of
  CBO's baseline debt held by the public;
- :func:`policy_rate`: the policy rate as the upper bound of the federal funds
  target range, monthly, with the pre-2008 single target handled;
- :func:`sep_policy_path`: a monthly policy-rate path interpolated from FOMC
  SEP year-end medians.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import numpy as np
import pandas as pd

from qtlab._periods import require_monthly, to_month, to_monthly, value_at
from qtlab.errors import DataError, SpecError

__all__ = [
    "SEP_MIDPOINT_TO_UPPER",
    "SEP_PATH_STATISTICS",
    "SepStatistic",
    "debt_path",
    "policy_rate",
    "sep_policy_path",
]

#: The SEP reports the midpoint of the target range; the upper bound is 12.5 bp above
#: it for a 25 bp range (e.g. the March 2022 median 1.9 is the 1.75-2.00 range).
SEP_MIDPOINT_TO_UPPER = 0.125

#: The SEP statistic a policy-rate path follows (D2, D3): the median of the participants'
#: year-end projections, or the high or low end of their central tendency (the range
#: left after dropping the three highest and three lowest).
SepStatistic = Literal["median", "central_tendency_high", "central_tendency_low"]
SEP_PATH_STATISTICS: Final[tuple[str, ...]] = get_args(SepStatistic)


def debt_path(marketable: pd.Series, cbo_debt: pd.Series, through: pd.Period | str) -> pd.Series:
    """Marketable debt by month, extended with CBO's baseline growth [USD bn].

    Parameters
    ----------
    marketable
        Marketable Treasury debt outstanding, month end (MSPD ``mspd.marketable.total``),
        ``Period[M]`` index [USD bn].
    cbo_debt
        CBO debt held by the public at fiscal-year ends (actuals then baseline),
        indexed by dates or ``Period[M]`` (September of each year) [USD bn].
    through
        The last month wanted.

    Returns
    -------
    pandas.Series
        Actual months as given, then the last actual level times the growth of
        CBO's debt interpolated log-linearly between fiscal-year ends. Beyond the
        last CBO year the last CBO growth rate continues. ``attrs['extended_from']``
        is the last actual month.
    """
    m = require_monthly(marketable, "marketable")
    end = to_month(through, field="through")
    if end <= m.index[-1]:
        return m.loc[:end]
    c = cbo_debt.dropna()
    if len(c) < 2:
        raise DataError("cbo_debt needs at least two fiscal years to give a growth path")
    cidx = (
        c.index if isinstance(c.index, pd.PeriodIndex) else pd.DatetimeIndex(c.index).to_period("M")
    )
    logs = pd.Series(np.log(c.to_numpy(dtype=float)), index=pd.PeriodIndex(cidx, freq="M"))
    if m.index[-1] < logs.index[0]:
        raise DataError(
            f"the CBO debt path starts {logs.index[0]}, after the last actual month "
            f"{m.index[-1]}; add the last actual fiscal year before the baseline"
        )
    full = pd.period_range(logs.index[0], max(end, logs.index[-1]), freq="M")
    interp = logs.reindex(full).interpolate(method="linear", limit_area="inside")
    tail = full > logs.index[-1]
    slope = (logs.iloc[-1] - logs.iloc[-2]) / (logs.index[-1] - logs.index[-2]).n
    interp[tail] = logs.iloc[-1] + slope * np.arange(1, int(tail.sum()) + 1)
    last = m.index[-1]
    future = pd.period_range(last + 1, end, freq="M")
    growth = np.exp(interp.reindex(future).to_numpy() - value_at(interp, last))
    ext = pd.Series(float(m.iloc[-1]) * growth, index=future)
    out: pd.Series = pd.concat([m, ext])
    out.name = "marketable_debt"
    out.index.name = "month"
    out.attrs["extended_from"] = last
    return out


def policy_rate(upper_daily: pd.Series, pre_range_daily: pd.Series | None = None) -> pd.Series:
    """The policy rate by month: the upper bound of the target range [%], monthly mean.

    Parameters
    ----------
    upper_daily
        ``DFEDTARU``, daily, which starts 2008-12-16 when the FOMC moved from a
        single target to a range.
    pre_range_daily
        Optional daily series for months before the range (the single target
        ``DFEDTAR`` if fetched, else the effective rate ``DFF`` as a proxy). If
        omitted, months before 2008-12 are absent and a sample reaching back
        there fails with a clear error.

    Returns
    -------
    pandas.Series
        Monthly, ``Period[M]``; ``attrs['pre_range']`` says what was spliced.
    """
    first_day = pd.Timestamp(pd.DatetimeIndex(upper_daily.index).min())
    # the first month is partial (the range began 2008-12-16): average the days it had
    if pre_range_daily is not None:
        pre = pre_range_daily[pd.DatetimeIndex(pre_range_daily.index) < first_day]
        daily = pd.concat([pre, upper_daily]).sort_index()
        out = to_monthly(daily, "mean")
        label = pre_range_daily.name or "the given series"
        out.attrs["pre_range"] = f"before {first_day.date()}: {label} (monthly mean)"
    else:
        out = to_monthly(upper_daily, "mean")
        out.attrs["pre_range"] = "none (the series starts when the target range began)"
    out.name = "policy_rate"
    return out


def sep_policy_path(
    year_end: pd.Series,
    start_level: float,
    start: pd.Period | str,
    through: pd.Period | str,
    *,
    to_upper: float = SEP_MIDPOINT_TO_UPPER,
) -> pd.Series:
    """Monthly policy-rate path [%] interpolated from SEP year-end values.

    Parameters
    ----------
    year_end
        SEP values for the end of each year, indexed by year (int) or by
        ``YYYY-01-01`` dates as FRED dates them (e.g. ``FEDTARMD``) [%].
    start_level
        The policy rate (upper bound) in the month before ``start`` [%].
    start, through
        The first and last month of the path.
    to_upper
        Added to the SEP values to turn range midpoints into upper bounds
        [percentage points]; 0 for a path already in upper bounds.

    Returns
    -------
    pandas.Series
        Linear interpolation from ``start_level`` (month before ``start``) to
        each December's value; flat after the last SEP year.
    """
    s = year_end.dropna()
    if s.empty:
        raise SpecError("the SEP path is empty; give year-end values [%]")
    years = [int(i) if isinstance(i, (int, np.integer)) else pd.Timestamp(i).year for i in s.index]
    first = to_month(start, field="start")
    end = to_month(through, field="through")
    if end < first:
        raise SpecError(f"through={end} is before start={first}")
    knots = pd.Series(
        s.to_numpy(dtype=float) + to_upper,
        index=pd.PeriodIndex([pd.Period(f"{y}-12", freq="M") for y in years], freq="M"),
    )
    knots = knots[knots.index >= first]
    anchor = pd.Series([float(start_level)], index=pd.PeriodIndex([first - 1], freq="M"))
    pts = pd.concat([anchor, knots]).sort_index()
    full = pd.period_range(first - 1, max(end, pts.index[-1]), freq="M")
    path = pts.reindex(full).interpolate(method="linear").ffill()
    out = path.loc[first:end]
    out.name = "policy_rate"
    out.index.name = "month"
    return out
