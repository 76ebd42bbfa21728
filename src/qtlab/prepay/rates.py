"""Mortgage-rate paths that drive the prepayment model (pure; the caller reads the data).

A *driving path* gives, for each projection month, the 30-year mortgage rate
that governs the principal received in that month [%]. Principal received in
month ``m`` comes from loans paid off in ``m - 1`` whose refinancing was locked
about a month earlier, so the driving rate is the monthly average of the
weekly survey rate ``lag`` months before (``PrepayParams.rate_lag_months``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab._periods import to_monthly
from qtlab.errors import DataError, SpecError, quoted

__all__ = ["MAX_SHOCK_BP", "check_shock", "monthly_average", "rate_path", "shocked_paths"]

#: The largest mortgage-rate shock the model takes [bp]: 20 percentage points, beyond
#: any rate move on record (larger shocks are typing errors and overflow the model).
MAX_SHOCK_BP: Final = 2000.0


def check_shock(shock_bp: object, field: str = "shock_bp") -> float:
    """``shock_bp`` as a float [bp]; a :class:`SpecError` unless finite and within
    +-:data:`MAX_SHOCK_BP`."""
    try:
        v = float(shock_bp)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        v = float("nan")
    if isinstance(shock_bp, bool) or not np.isfinite(v) or abs(v) > MAX_SHOCK_BP:
        raise SpecError(
            f"{field} {quoted(shock_bp)} must be a finite number of basis points within "
            f"+-{MAX_SHOCK_BP:,.0f}"
        )
    return v


def monthly_average(weekly: pd.Series) -> pd.Series:
    """Calendar-month average of a dated series, indexed by ``Period[M]`` [same units]."""
    if weekly.empty:
        raise DataError("the mortgage-rate series is empty; nothing to average")
    return to_monthly(weekly, "mean")


def rate_path(
    monthly: pd.Series,
    months: pd.PeriodIndex,
    *,
    lag: int = 2,
    as_of: pd.Period | str | None = None,
    shock_bp: float = 0.0,
) -> npt.NDArray[np.float64]:
    """The driving rate for each of ``months`` [%], shape (n_months,).

    Parameters
    ----------
    monthly
        Monthly mortgage rate [%] indexed by ``Period[M]`` (:func:`monthly_average`).
    months
        Projection months.
    lag
        Months between the rate and the principal it drives.
    as_of
        Last month whose rate is known. Later source months take the last known
        value (a flat path). ``None``: everything in ``monthly`` is known.
    shock_bp
        Parallel shock [bp] added to every source month after ``as_of`` (or
        after the end of ``monthly``), i.e. to the unknown future only.
    """
    if lag < 0:
        raise SpecError(f"lag={lag!r} must be >= 0 months")
    shock_bp = check_shock(shock_bp)
    hist = monthly.dropna().sort_index()
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    cut = pd.Period(as_of, freq="M") if as_of is not None else hist.index.max()
    hist = hist[hist.index <= cut]
    if hist.empty:
        raise DataError(f"no mortgage rate observed on or before {cut}; cannot build a rate path")
    src = pd.PeriodIndex(months, freq="M") - lag
    first = hist.index.min()
    if (src < first).any():
        raise DataError(
            f"the rate path needs mortgage rates from {src.min()} (months {months.min()} with a "
            f"{lag}-month lag) but the series starts in {first}"
        )
    known = hist.reindex(src)
    filled = known.ffill().fillna(float(hist.iloc[-1])).to_numpy(np.float64)
    future = np.asarray(src > cut)
    return filled + np.where(future, shock_bp / 100.0, 0.0)


def shocked_paths(
    base: Any, shocks_bp: Sequence[float], future: Any = None
) -> npt.NDArray[np.float64]:
    """Stack parallel shocks of one path: shape (len(shocks_bp), n_months) [%].

    ``future`` (bool array, n_months) marks the months a shock applies to
    (default: all).
    """
    shocks_bp = [check_shock(s, "shocks_bp") for s in shocks_bp]
    b = np.asarray(base, dtype=np.float64)
    mask = np.ones_like(b, dtype=bool) if future is None else np.asarray(future, dtype=bool)
    return np.stack([b + np.where(mask, s / 100.0, 0.0) for s in shocks_bp])
