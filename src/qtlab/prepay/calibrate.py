"""Calibration of :class:`~qtlab.prepay.params.PrepayParams` on realized paydowns.

Pure: the caller (``qtlab.runs.mbs``) reads the data and builds one
:class:`Episode` per holdings file (the cohorts, the driving rate path, the
realized paydowns and start-of-month balances). The model's paydown *rate*
(paydowns / start balance of the runoff-only cohorts) is applied to the
realized start-of-month balance, so purchases settling during an episode
change the level but not the composition of the model portfolio.

Lumpy payment timing: realized paydowns of month ``m`` are measured between
the first Wednesday of ``m`` and the first Wednesday of ``m + 1`` (every
principal payment of ``m`` -- Ginnie on the 15th/20th, UMBS on the 25th --
falls in between), and both the fit and the error statistics use 3-month
trailing averages of model and realized paydowns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import least_squares

from qtlab.errors import DataError, SpecError, one_of
from qtlab.prepay.model import CohortState, project
from qtlab.prepay.params import PrepayParams

__all__ = ["FIT_FIELDS", "CalibrationResult", "Episode", "calibrate", "episode_errors"]

#: Parameters :func:`calibrate` may free, with their bounds.
FIT_FIELDS: dict[str, tuple[float, float]] = {
    "turnover_cpr": (1.0, 15.0),
    "lockin_beta": (0.0, 2.0),
    "lockin_floor": (0.05, 1.0),
    "refi_max_cpr": (5.0, 80.0),
    "refi_mid": (0.0, 3.0),
    "refi_slope": (0.1, 1.0),
    "burnout_rate": (0.0, 0.2),
    "gnma_mult": (0.5, 3.0),
}

SMOOTH_MONTHS = 3


@dataclass(frozen=True)
class Episode:
    """One stretch of realized runoff to fit or test on.

    Attributes
    ----------
    name
        Label (e.g. ``"qt2"``).
    state
        Cohorts at the start of ``state.start`` (from a holdings file).
    rates
        Driving mortgage rate for each month from ``state.start`` [%], shape (n_months,).
    paydowns
        Realized paydowns [USD bn] by month (``Period[M]`` index).
    balance
        Realized MBS holdings at the start of each month [USD bn].
    fit_months
        Months (of 3-month averages) used in the fit.
    test_months
        Months (of 3-month averages) held out.
    """

    name: str
    state: CohortState
    rates: npt.NDArray[np.float64]
    paydowns: pd.Series
    balance: pd.Series
    fit_months: pd.PeriodIndex
    test_months: pd.PeriodIndex = field(default_factory=lambda: pd.PeriodIndex([], freq="M"))

    def __post_init__(self) -> None:
        months = pd.period_range(self.state.start, periods=len(self.rates), freq="M")
        for label, idx in (("fit_months", self.fit_months), ("test_months", self.test_months)):
            outside = [str(m) for m in idx if m not in months or m - SMOOTH_MONTHS + 1 < months[0]]
            if outside:
                raise DataError(
                    f"episode {self.name!r}: {label} {outside[0]} lies outside the months the "
                    f"rate path covers with {SMOOTH_MONTHS - 1} earlier months "
                    f"({months[0]}..{months[-1]})"
                )
            missing = [str(m) for m in idx if m not in self.paydowns.index]
            if missing:
                raise DataError(f"episode {self.name!r}: no realized paydowns for {missing[0]}")

    @property
    def months(self) -> pd.PeriodIndex:
        """Months the rate path covers."""
        return pd.period_range(self.state.start, periods=len(self.rates), freq="M")

    def model_paydowns(self, params: PrepayParams) -> pd.Series:
        """Model paydown rate times the realized start balance [USD bn]."""
        pr = project(self.state, self.rates, params)
        bal = self.balance.reindex(self.months).to_numpy(np.float64)
        return pd.Series(pr.rate[0] * bal, index=self.months)


def _smooth(s: pd.Series) -> pd.Series:
    return s.rolling(SMOOTH_MONTHS, min_periods=SMOOTH_MONTHS).mean()


def episode_errors(ep: Episode, params: PrepayParams) -> pd.DataFrame:
    """Model against realized paydowns, monthly and 3-month averaged [USD bn].

    Columns ``model, realized, model_3m, realized_3m, error_3m, sample``
    (``fit``, ``test`` or empty) indexed by month.
    """
    model = ep.model_paydowns(params)
    real = ep.paydowns.reindex(ep.months)
    out = pd.DataFrame({"model": model, "realized": real})
    out["model_3m"] = _smooth(out["model"])
    out["realized_3m"] = _smooth(out["realized"])
    out["error_3m"] = out["model_3m"] - out["realized_3m"]
    out["sample"] = ""
    out.loc[out.index.isin(ep.fit_months), "sample"] = "fit"
    out.loc[out.index.isin(ep.test_months), "sample"] = "test"
    return out


@dataclass(frozen=True)
class CalibrationResult:
    """An immutable fit: the parameters and the errors in and out of sample.

    Attributes
    ----------
    params
        The fitted parameters.
    free
        Names of the fitted fields.
    errors
        ``episode_errors`` of every episode, stacked (column ``episode``).
    """

    params: PrepayParams
    free: tuple[str, ...]
    errors: pd.DataFrame = field(repr=False)

    def mae(self, sample: str = "fit", episode: str | None = None) -> float:
        """Mean absolute error of 3-month-average paydowns [USD bn]."""
        e = self.errors.loc[self.errors["sample"] == sample]
        if episode is not None:
            e = e.loc[e["episode"] == episode]
        return float(e["error_3m"].abs().mean()) if len(e) else float("nan")

    def bias(self, sample: str = "fit", episode: str | None = None) -> float:
        """Mean error (model - realized) of 3-month-average paydowns [USD bn]."""
        e = self.errors.loc[self.errors["sample"] == sample]
        if episode is not None:
            e = e.loc[e["episode"] == episode]
        return float(e["error_3m"].mean()) if len(e) else float("nan")

    def summary(self) -> dict[str, Any]:
        """Fitted values and MAE/bias by episode and sample [USD bn]."""
        eps = sorted(set(self.errors["episode"]))
        out: dict[str, Any] = {"params": {k: getattr(self.params, k) for k in self.free}}
        for ep in eps:
            for sample in ("fit", "test"):
                n = int(((self.errors["episode"] == ep) & (self.errors["sample"] == sample)).sum())
                if n:
                    out[f"{ep}.{sample}"] = {
                        "months": n,
                        "mae": self.mae(sample, ep),
                        "bias": self.bias(sample, ep),
                    }
        return out


def calibrate(
    episodes: Sequence[Episode],
    start: PrepayParams | None = None,
    free: Sequence[str] = ("turnover_cpr", "lockin_beta", "lockin_floor", "refi_max_cpr"),
) -> CalibrationResult:
    """Least-squares fit of ``free`` parameters to 3-month-average paydowns.

    Residuals are model minus realized 3-month averages [USD bn] over every
    episode's ``fit_months``; ``scipy.optimize.least_squares`` (trust region,
    bounds of :data:`FIT_FIELDS`).
    """
    if not episodes:
        raise SpecError("calibrate needs at least one Episode")
    bad = [f for f in free if f not in FIT_FIELDS]
    if bad:
        raise SpecError(f"cannot fit {bad[0]!r}; fittable fields are {one_of(FIT_FIELDS)}")
    base = start or PrepayParams()
    names = tuple(free)
    lo = np.array([FIT_FIELDS[n][0] for n in names])
    hi = np.array([FIT_FIELDS[n][1] for n in names])
    x0 = np.clip(np.array([float(getattr(base, n)) for n in names]), lo, hi)

    def make(x: npt.NDArray[np.float64]) -> PrepayParams:
        return base.with_(**{n: float(v) for n, v in zip(names, x, strict=True)})

    def resid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        p = make(x)
        parts = []
        for ep in episodes:
            e = episode_errors(ep, p)
            parts.append(e.loc[e["sample"] == "fit", "error_3m"].to_numpy(np.float64))
        return np.concatenate(parts)

    sol = least_squares(resid, x0, bounds=(lo, hi), x_scale="jac", diff_step=1e-3)
    params = make(sol.x)
    errs = []
    for ep in episodes:
        e = episode_errors(ep, params)
        e.insert(0, "episode", ep.name)
        errs.append(e)
    return CalibrationResult(params=params, free=names, errors=pd.concat(errs))
