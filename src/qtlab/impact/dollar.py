"""Fiscal burden and the dollar (D4).

Federal interest outlays relative to GDP (NIPA interest payments over nominal
GDP, both seasonally adjusted annual rates, quarterly) against the nominal
broad dollar index (H.10, ``DTWEXBGS``, quarterly mean): levels, the
correlation over the full sample and in rolling windows, and the episodes
where the rolling correlation takes the opposite sign of the full-sample one,
with the change in the policy rate over each, which is where policy rates
broke the relation.

The broad index starts in January 2006, so the 1980-85 episode (the Volcker
dollar) cannot be measured with the official series here; results say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qtlab.errors import DataError, SpecError

__all__ = ["broken_episodes", "correlations", "interest_dollar_frame"]


def _quarterly_mean(s: pd.Series) -> pd.Series:
    idx = pd.DatetimeIndex(s.index).to_period("Q")
    out = pd.Series(s.to_numpy(dtype=float), index=idx).groupby(level=0).mean()
    out.index = pd.PeriodIndex(out.index, freq="Q")
    return out


def interest_dollar_frame(
    interest: pd.Series, gdp: pd.Series, dollar: pd.Series, policy_rate: pd.Series
) -> pd.DataFrame:
    """Quarterly interest/GDP, dollar index and policy rate.

    Parameters
    ----------
    interest
        Federal interest payments, quarterly SAAR (``A091RC1Q027SBEA``) [USD bn].
    gdp
        Nominal GDP, quarterly SAAR (``GDP``) [USD bn].
    dollar
        Broad dollar index, daily (``DTWEXBGS``) [index, Jan 2006 = 100].
    policy_rate
        Daily policy rate [%] (``DFF`` effective rate; covers the pre-2008 years).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Period[Q]``: ``interest_to_gdp`` [%], ``dollar`` [index],
        ``policy_rate`` [%], on the quarters where all three exist.
    """
    ratio = 100.0 * _quarterly_mean(interest) / _quarterly_mean(gdp)
    frame = pd.DataFrame(
        {
            "interest_to_gdp": ratio,
            "dollar": _quarterly_mean(dollar),
            "policy_rate": _quarterly_mean(policy_rate),
        }
    ).dropna()
    if frame.empty:
        raise DataError("interest/GDP and the dollar index share no quarter")
    frame.index.name = "quarter"
    return frame


def correlations(frame: pd.DataFrame, window: int = 12) -> tuple[float, pd.Series]:
    """Full-sample and rolling correlation of interest/GDP with the dollar.

    Parameters
    ----------
    frame
        :func:`interest_dollar_frame`.
    window
        Rolling window [quarters]; 12 = three years.

    Returns
    -------
    (float, pandas.Series)
        The full-sample Pearson correlation, and the rolling one dated at each
        window's last quarter.
    """
    if not 4 <= window <= len(frame):
        raise SpecError(
            f"window={window!r} quarters must be between 4 and the sample length ({len(frame)})"
        )
    full = float(frame["interest_to_gdp"].corr(frame["dollar"]))
    rolling = frame["interest_to_gdp"].rolling(window).corr(frame["dollar"]).dropna()
    rolling.name = "rolling_corr"
    return full, rolling


def broken_episodes(
    frame: pd.DataFrame, rolling: pd.Series, full: float, *, min_quarters: int = 4
) -> pd.DataFrame:
    """Stretches where the rolling correlation has the opposite sign of the full sample.

    Returns one row per stretch of at least ``min_quarters`` quarters: ``start``,
    ``end`` (quarters), ``quarters``, ``mean_corr``, the policy rate at the start
    and end [%] and its change [percentage points].
    """
    sign = np.sign(full) if full != 0 else 1.0
    broken = (np.sign(rolling) == -sign).astype(int)
    rows = []
    run_id = (broken.diff().fillna(broken.iloc[0] if len(broken) else 0) != 0).cumsum()
    for _, seg in rolling.groupby(run_id.to_numpy()):
        if not broken.loc[seg.index[0]] or len(seg) < min_quarters:
            continue
        p0 = float(frame.loc[seg.index[0], "policy_rate"])
        p1 = float(frame.loc[seg.index[-1], "policy_rate"])
        rows.append(
            {
                "start": str(seg.index[0]),
                "end": str(seg.index[-1]),
                "quarters": len(seg),
                "mean_corr": float(seg.mean()),
                "policy_start": p0,
                "policy_end": p1,
                "policy_change": p1 - p0,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "start",
            "end",
            "quarters",
            "mean_corr",
            "policy_start",
            "policy_end",
            "policy_change",
        ],
    )
