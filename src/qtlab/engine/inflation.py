"""TIPS inflation compensation: how fast TIPS index ratios grow.

The engine accretes each TIPS's inflation compensation by ``g`` a month:
``ic += g * (par + ic)`` (the index ratio grows by ``g``). A TIPS pays par plus
inflation compensation at maturity; that counts against the Treasury cap and,
when rolled over, becomes par of new securities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qtlab.errors import DataError

__all__ = ["RealizedTipsAccrual"]


@dataclass(frozen=True)
class RealizedTipsAccrual:
    """Monthly TIPS index-ratio growth read from the weekly SOMA TIPS holdings.

    In a week in which the SOMA's TIPS par does not change (nothing matured,
    nothing was added), the change in inflation compensation is pure accrual,
    so the weekly growth of the index ratio is ``d(ic) / (par + ic)``. A month's
    rate is the mean weekly growth of its clean weeks times ``days / 7``; months
    without a clean week are interpolated, months outside the data take the
    nearest month's rate.

    Parameters
    ----------
    tips_par
        Weekly SOMA TIPS par [USD bn] (``Dataset.series("soma.tips")``).
    tips_ic
        Weekly SOMA TIPS inflation compensation [USD bn]
        (``Dataset.series("soma.tips_inflation_comp")``).
    """

    tips_par: pd.Series = field(repr=False)
    tips_ic: pd.Series = field(repr=False)

    def __post_init__(self) -> None:
        df = pd.concat(
            [pd.Series(self.tips_par, dtype=float), pd.Series(self.tips_ic, dtype=float)],
            axis=1,
            keys=["par", "ic"],
        ).dropna()
        df.index = pd.DatetimeIndex(df.index)
        df = df[df["par"] > 0].sort_index()
        if len(df) < 3:
            raise DataError("RealizedTipsAccrual: need weekly TIPS par and compensation")
        clean = df["par"].diff().abs() < 1e-6
        growth = (df["ic"].diff() / (df["par"] + df["ic"]).shift())[clean]
        gap = df.index.to_series().diff().dt.days[clean]
        growth = growth[gap <= 8]  # a missing week would double the change
        month = growth.index.to_period("M")
        monthly = growth.groupby(month).mean()
        idx = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M")
        days = np.array([p.days_in_month for p in idx])
        rate = monthly.reindex(idx).interpolate() * days / 7
        object.__setattr__(self, "_rates", rate.rename("rate"))

    @property
    def observed(self) -> pd.Series:
        """Monthly index-ratio growth [fraction], indexed by month."""
        r: pd.Series = self._rates  # type: ignore[attr-defined]
        return r.copy()

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """Growth for ``months`` [fraction], nearest month outside the data."""
        r = self.observed
        out = r.reindex(months)
        out[months < r.index.min()] = r.iloc[0]
        out[months > r.index.max()] = r.iloc[-1]
        return out.to_numpy(float)
