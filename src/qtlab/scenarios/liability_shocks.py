"""Liability shocks of a Monte-Carlo sweep: what gives the reserve bands their width.

Reserves are the residual of the balance-sheet identity (:mod:`qtlab.balance.step`), so
anything that moves the other liabilities moves them. Each scenario draws, from the
first reported month on:

- a TGA deviation [USD bn], an AR(1) whose stationary standard deviation and
  autocorrelation are the residual's of the TGA's calendar-pattern fit
  (:class:`qtlab.balance.models.TgaFit`);
- a currency deviation: a random walk in the log of currency, the monthly shock the
  standard deviation of the monthly log change around its trend
  (:class:`qtlab.balance.models.CurrencyFit`), in USD bn of the start level;
- an ON RRP deviation [USD bn], an AR(1) with the residual standard deviation and
  autocorrelation of the ON RRP supply regression (:class:`qtlab.balance.models.RrpFit`;
  none before that fit exists);
- a factor on the policy's reserve-management bill purchases (one per scenario, normal
  with mean 1 and standard deviation ``pace_cv``, floored at 0).

:func:`apply_liability_shocks` then moves a chunk's engine output: purchases change the
bills and total assets; the change they make to the liquidity ``total_assets - tga -
currency_other`` is shared between ON RRP and reserves pro rata to the engine's ON RRP
and reserves that month (applying the engine's path-dependent ON RRP rule to noise would
ratchet: rises to reserves, falls to ON RRP), the ON RRP deviation is added (ON RRP kept
within ``[0, liquidity]``) and reserves are the residual, so the identity holds. The
shocks do not feed back into the engine's endpoint test. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab.errors import SpecError

__all__ = ["SHOCK_NAMES", "LiabilityShocks", "apply_liability_shocks", "draw_liability_shocks"]

FloatArray = npt.NDArray[np.float64]

#: The names of the drawn arrays (kept beside the rate paths, one row per scenario).
SHOCK_NAMES: Final = ("tga_shock", "currency_shock", "rrp_shock", "rmp_pace_factor")


@dataclass(frozen=True)
class LiabilityShocks:
    """Sizes of the liability shocks (module docstring), estimated at the vantage.

    Attributes
    ----------
    tga_sd, tga_ar1
        TGA deviation: stationary standard deviation [USD bn] and AR(1) coefficient.
    currency_sd
        Monthly standard deviation of the log change of currency [fraction].
    currency0
        Currency in circulation at the start [USD bn] (scales ``currency_sd``).
    rrp_sd, rrp_ar1
        ON RRP deviation: stationary standard deviation [USD bn] and AR(1) coefficient.
    pace_cv
        Standard deviation of the reserve-management purchase pace as a fraction of the
        policy's pace.
    """

    tga_sd: float = 0.0
    tga_ar1: float = 0.0
    currency_sd: float = 0.0
    currency0: float = 0.0
    rrp_sd: float = 0.0
    rrp_ar1: float = 0.0
    pace_cv: float = 0.0

    def __post_init__(self) -> None:
        for name in ("tga_sd", "currency_sd", "currency0", "rrp_sd", "pace_cv"):
            v = float(getattr(self, name))
            if not (np.isfinite(v) and v >= 0):
                raise SpecError(f"LiabilityShocks: {name}={v!r} must be a finite number >= 0")
        for name in ("tga_ar1", "rrp_ar1"):
            v = float(getattr(self, name))
            if not 0.0 <= v < 1.0:
                raise SpecError(f"LiabilityShocks: {name}={v!r} must be in [0, 1)")

    def to_frame(self) -> pd.DataFrame:
        """One row per shock: ``sd`` (in its unit), ``ar1``, ``unit``."""
        return pd.DataFrame(
            {
                "shock": ["tga", "currency", "on_rrp", "rmp_pace"],
                "sd": [self.tga_sd, self.currency_sd * self.currency0, self.rrp_sd, self.pace_cv],
                "ar1": [self.tga_ar1, 1.0, self.rrp_ar1, 1.0],
                "unit": ["USD bn", "USD bn per month", "USD bn", "fraction of the pace"],
            }
        )


def _ar1(g: np.random.Generator, n: int, m: int, sd: float, rho: float, first: int) -> FloatArray:
    """``(n, m)`` stationary AR(1) deviations from month ``first`` on (0 before): the first
    value drawn from the stationary distribution."""
    out = np.zeros((n, m))
    if sd == 0 or first >= m:
        return out
    z = g.standard_normal((n, m - first))
    inno = sd * np.sqrt(1.0 - rho**2)
    d = sd * z[:, 0]
    out[:, first] = d
    for t in range(1, m - first):
        d = rho * d + inno * z[:, t]
        out[:, first + t] = d
    return out


def draw_liability_shocks(
    shocks: LiabilityShocks,
    n: int,
    months: pd.PeriodIndex,
    start: pd.Period,
    g: np.random.Generator,
) -> dict[str, FloatArray]:
    """The drawn arrays :data:`SHOCK_NAMES`, ``(n, len(months))``, zero before ``start``
    (drawn from ``g`` in this order: TGA, currency, ON RRP, pace)."""
    m = len(months)
    first = (start - months[0]).n if start in months else m
    tga = _ar1(g, n, m, shocks.tga_sd, shocks.tga_ar1, first)
    cur = np.zeros((n, m))
    if shocks.currency_sd > 0 and first < m:
        walk = np.cumsum(shocks.currency_sd * g.standard_normal((n, m - first)), axis=1)
        cur[:, first:] = shocks.currency0 * np.expm1(walk)
    rrp = _ar1(g, n, m, shocks.rrp_sd, shocks.rrp_ar1, first)
    pace = np.maximum(1.0 + shocks.pace_cv * g.standard_normal(n), 0.0)
    return {
        "tga_shock": tga,
        "currency_shock": cur,
        "rrp_shock": rrp,
        "rmp_pace_factor": np.repeat(pace[:, None], m, axis=1),
    }


def apply_liability_shocks(
    out: dict[str, FloatArray], shocks: Mapping[str, FloatArray], pace: npt.ArrayLike
) -> None:
    """Move a chunk's engine output ``out`` (``(S, months)`` arrays, reported months) by
    the drawn ``shocks`` on the same months, in place (module docstring). ``pace``: the
    policy's reserve-management bill purchases per month [USD bn] (the part of
    ``bill_purchases`` the pace factor scales; agency principal sent to bills is not)."""
    more = (shocks["rmp_pace_factor"] - 1.0) * np.asarray(pace, dtype=np.float64)[None, :]
    extra = np.cumsum(more, axis=1)
    out["bill_purchases"] = out["bill_purchases"] + more
    liq_engine = out["total_assets"] - out["tga"] - out["currency_other"]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(liq_engine > 0, np.clip(out["on_rrp"] / liq_engine, 0.0, 1.0), 0.0)
    for c in ("bills", "treasury", "total_securities", "total_assets"):
        out[c] = out[c] + extra
    out["tga"] = out["tga"] + shocks["tga_shock"]
    out["currency_other"] = out["currency_other"] + shocks["currency_shock"]
    liq = out["total_assets"] - out["tga"] - out["currency_other"]
    rrp = out["on_rrp"] + share * (liq - liq_engine) + shocks["rrp_shock"]
    out["on_rrp"] = np.clip(rrp, 0.0, np.maximum(liq, 0.0))
    out["reserves"] = liq - out["on_rrp"]
