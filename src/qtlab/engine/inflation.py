"""TIPS inflation compensation: how fast TIPS index ratios grow.

The engine accretes each TIPS's inflation compensation by ``g`` a month:
``ic += g * (par + ic)`` (the index ratio grows by ``g``). A TIPS pays par plus
inflation compensation at maturity; that counts against the Treasury cap and,
when rolled over, becomes par of new securities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from qtlab._periods import to_month
from qtlab.errors import DataError, SpecError, one_of

__all__ = ["AssumedTipsAccrual", "InflationAssumption", "RealizedTipsAccrual"]


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


#: How the assumed inflation rate moves from the trailing rate to the long-run rate.
Fade = Literal["linear", "geometric"]
_FADES: Final = ("linear", "geometric")


def _monthly(annual_pct: np.ndarray) -> np.ndarray:
    """Monthly index-ratio growth [fraction] from annual inflation [% a year]."""
    return np.asarray((1.0 + np.asarray(annual_pct, dtype=float) / 100.0) ** (1.0 / 12.0) - 1.0)


@dataclass(frozen=True)
class InflationAssumption:
    """The inflation path TIPS inflation compensation accrues along after the data.

    All rates are annual inflation rates [% a year]. Up to the last month measured in the
    data the accrual is the measured one (:class:`RealizedTipsAccrual`); after it:

    - with ``path``: the user's monthly path [% a year] (months after it take ``long_run``);
    - else the trailing twelve months of measured accrual at the vantage (compounded,
      [% a year]) fading to ``long_run`` over ``horizon`` months: ``linear`` closes the gap
      in equal steps; ``geometric`` closes the same fraction of it each month, to 1% of it
      at the horizon (then ``long_run``).

    Parameters
    ----------
    long_run
        Inflation after the fade [% a year], default 2.0 (the FOMC's objective, PCE).
    horizon
        Months over which the trailing rate fades to ``long_run``, default 24.
    fade
        ``"linear"`` (default) or ``"geometric"``.
    path
        A monthly path [% a year] indexed by month (``Period[M]`` or ``YYYY-MM``), used
        instead of the fade from the month after the data.
    """

    long_run: float = 2.0
    horizon: int = 24
    fade: Fade = "linear"
    path: pd.Series | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        lr = self.long_run
        if isinstance(lr, bool) or not isinstance(lr, int | float) or not -10 <= lr <= 30:
            raise SpecError(
                f"InflationAssumption: long_run={lr!r} must be a number of % a year in "
                "[-10, 30] (e.g. 2.0)"
            )
        h = self.horizon
        if isinstance(h, bool) or not isinstance(h, int) or not 1 <= h <= 600:
            raise SpecError(f"InflationAssumption: horizon={h!r} must be 1..600 months")
        if self.fade not in _FADES:
            raise SpecError(f"InflationAssumption: fade={self.fade!r}; valid: {one_of(_FADES)}")
        if self.path is not None:
            s = pd.Series(self.path, dtype=float)
            try:
                s.index = pd.PeriodIndex(
                    [to_month(m, field="inflation path month") for m in s.index], freq="M"
                )
            except SpecError as exc:
                raise SpecError(f"InflationAssumption: {exc}") from exc
            if s.empty or s.index.has_duplicates:
                raise SpecError("InflationAssumption: path must hold each month once")
            if not np.isfinite(s.to_numpy()).all() or (s.abs() > 50).any():
                raise SpecError(
                    "InflationAssumption: path values must be finite % a year within +-50"
                )
            object.__setattr__(self, "path", s.sort_index())

    def on(self, measured: RealizedTipsAccrual) -> AssumedTipsAccrual:
        """The engine's accrual source: ``measured`` to its last month, this path after."""
        return AssumedTipsAccrual(measured, self)


@dataclass(frozen=True)
class AssumedTipsAccrual:
    """Monthly TIPS index-ratio growth [fraction]: measured, then an :class:`InflationAssumption`.

    ``trailing`` is the compounded accrual of the last twelve measured months [% a year]
    and ``last_measured`` the last month of data.
    """

    measured: RealizedTipsAccrual = field(repr=False)
    assumption: InflationAssumption

    @property
    def last_measured(self) -> pd.Period:
        """The last month whose accrual is measured in the data."""
        return pd.Period(self.measured.observed.index.max(), freq="M")

    @property
    def trailing(self) -> float:
        """Accrual of the last twelve measured months, compounded [% a year]."""
        g = self.measured.observed.to_numpy(float)[-12:]
        return float(100.0 * (np.prod(1.0 + g) ** (12.0 / len(g)) - 1.0))

    def annual(self, months: pd.PeriodIndex) -> np.ndarray:
        """The assumed inflation of ``months`` after the data [% a year] (NaN for months in
        or before the data)."""
        m = pd.PeriodIndex(months, freq="M")
        a = self.assumption
        k = np.array([(p - self.last_measured).n for p in m], dtype=float)
        out = np.full(len(m), np.nan)
        after = k > 0
        if a.path is not None:
            out[after] = a.path.reindex(m[after]).fillna(a.long_run).to_numpy(float)
            return out
        x = np.minimum(k[after] / a.horizon, 1.0)
        gap = self.trailing - a.long_run
        if a.fade == "linear":
            out[after] = a.long_run + gap * (1.0 - x)
        else:
            out[after] = a.long_run + np.where(x < 1.0, gap * 0.01**x, 0.0)
        return out

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """Index-ratio growth of ``months`` [fraction]: measured (nearest month before the
        data), then the assumption."""
        m = pd.PeriodIndex(months, freq="M")
        out = np.array(self.measured.rates(m), dtype=float)
        after = np.asarray(m > self.last_measured)
        out[after] = _monthly(self.annual(m[after]))
        return out

    def describe(self) -> dict[str, object]:
        """The assumption as values for a sentence: ``last`` (last measured month),
        ``trailing``, ``long_run`` [% a year], ``horizon`` [months], ``fade``, ``path``
        (True for a user path)."""
        a = self.assumption
        return {
            "last": str(self.last_measured),
            "trailing": self.trailing,
            "long_run": float(a.long_run),
            "horizon": int(a.horizon),
            "fade": a.fade,
            "path": a.path is not None,
        }

    def __repr__(self) -> str:
        a = self.assumption
        if a.path is not None:
            return (
                f"AssumedTipsAccrual(measured to {self.last_measured}, then a user path of "
                f"{len(a.path)} months [% a year], {a.long_run:g}% a year after)"
            )
        return (
            f"AssumedTipsAccrual(measured to {self.last_measured}, then {self.trailing:.2f}% a "
            f"year fading {a.fade}ly to {a.long_run:g}% a year over {a.horizon} months)"
        )
