"""MBS reinvestment settlement on the data: purchases pending at a holdings file, and the lag.

The engine settles reinvested MBS principal ``lag`` months after the month it is paid
(:class:`qtlab.engine.MbsSettlement`, the Desk's practice is described there). This module
gives it what only the data know:

- :func:`pending_mbs_purchases`: the purchases made before a holdings file that settle after
  it (the file holds settled face value only). They are the reinvested principal of the
  ``lag`` months before the file's first MBS month (of ``lag - 1`` when the file is dated on
  or after the settlement day, whose month's settlement is already in it), each the
  principal the paydown source gives at the file's balance less the policy's agency cap.
- :func:`measure_settlement_lag`: the lag measured on the data. For each candidate lag the
  weekly SOMA summary implies a path of monthly principal while the Desk reinvested
  (:func:`implied_principal`); the two MBS files of 2022-04-20 and 2022-05-11 measure April
  2022's UMBS principal directly (:func:`april_2022_principal`). A 2-month lag implies
  28.8 bn for April against the files' 34.3 bn (UMBS 25.2 bn scaled by par); 1 month implies
  55.6 bn and 63 bn in May; 3 months 25.8 bn and a dip to 9.3 bn. So
  :data:`~qtlab.engine.DESK_MBS_LAG` is 2, and :class:`BackfilledPaydowns` uses the path it
  implies as the realized principal of 2022-03..2022-09, months the balance alone cannot
  measure (purchases settled in them).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.engine import (
    DESK_MBS_LAG,
    DESK_SETTLEMENT_DAY,
    MbsSettlement,
    PaydownAmounts,
    PaydownSource,
    RealizedPaydowns,
)
from qtlab.errors import DataError, DateRangeError, SpecError
from qtlab.policy import Policy, load_preset
from qtlab.portfolio.mbs_dates import mbs_first_month
from qtlab.runs.context import RunContext

__all__ = [
    "BackfilledPaydowns",
    "april_2022_principal",
    "implied_principal",
    "mbs_settlement",
    "measure_settlement_lag",
    "pending_mbs_purchases",
]


def _principal(
    source: PaydownSource | PaydownAmounts, months: pd.PeriodIndex, bal: float
) -> np.ndarray:
    """Principal of ``months`` [USD bn] at balance ``bal``: the source's own months, or its
    first month's where it starts later (a model starts at its holdings file)."""
    try:
        raw = (
            source.amounts(months)
            if isinstance(source, PaydownAmounts)
            else np.asarray(source.rates(months), dtype=float) * bal
        )
    except (DateRangeError, SpecError):
        first = months[-1] + 1
        one = (
            source.amounts(pd.PeriodIndex([first]))
            if isinstance(source, PaydownAmounts)
            else np.asarray(source.rates(pd.PeriodIndex([first])), dtype=float) * bal
        )
        raw = np.repeat(np.asarray(one, dtype=float), len(months), axis=-1)
    a = np.asarray(raw, dtype=float)
    return a[0] if a.ndim == 2 else a


def pending_mbs_purchases(
    holdings: pd.DataFrame,
    policy: Policy,
    source: PaydownSource | PaydownAmounts,
    *,
    lag: int,
    day: int = DESK_SETTLEMENT_DAY,
) -> pd.Series | None:
    """Reinvestment purchases made before the MBS file in ``holdings`` that settle after it.

    Returns settlements by month [USD bn] (``None`` without MBS or with ``lag=0``). Principal
    of month ``j`` settles on ``day`` of month ``j + lag``; the file's first MBS month ``f``
    (:func:`~qtlab.portfolio.mbs_dates.mbs_first_month`) and the months after it are the
    engine's own; the principal of ``f - lag .. f - 1`` is still pending unless it settled
    on or before the file's date. Each month's principal is the source's rate (or amount)
    at the file's balance, less the policy's agency cap in force then (nothing before the
    policy's first regime: everything was reinvested).
    """
    mbs = holdings.loc[holdings["kind"] == "mbs"]
    if mbs.empty or lag == 0:
        return None
    as_of = pd.Timestamp(pd.to_datetime(mbs["as_of"]).max()).normalize()
    f = mbs_first_month(as_of)
    months = pd.period_range(f - lag, f - 1, freq="M")
    bal = float(mbs["par"].sum())
    pay = _principal(source, months, bal)
    caps = policy.cap_path(months[0], months[-1])["agency_cap"].to_numpy(float)
    reinvested = np.maximum(pay - caps, 0.0)
    settle = months + lag
    file_month = pd.Period(as_of, freq="M")
    keep = np.array(
        [not (m < file_month or (m == file_month and as_of.day >= day)) for m in settle]
    )
    out = pd.Series(reinvested[keep], index=pd.PeriodIndex(settle[keep], freq="M"), name="pending")
    out.index.name = "month"
    return out if float(out.sum()) > 0 else None


def mbs_settlement(
    holdings: pd.DataFrame,
    source: PaydownSource | PaydownAmounts | None,
    lag: int | None,
) -> MbsSettlement | None:
    """The engine's :class:`~qtlab.engine.MbsSettlement` for ``holdings``: settlement ``lag``
    months after the principal month with the purchases pending at the file (under the caps
    actually in force then, ``qt2-realized``, whatever policy is projected); ``None`` for
    ``lag=None`` (reinvestment booked in its principal month)."""
    if lag is None:
        return None
    hist = load_preset("qt2-realized")
    pend = None if source is None else pending_mbs_purchases(holdings, hist, source, lag=lag)
    return MbsSettlement(lag=lag, pending=pend)


def implied_principal(weekly: pd.Series, lag: int, *, first: MonthLike = "2022-03") -> pd.Series:
    """Monthly MBS principal [USD bn] implied by the weekly SOMA MBS holdings while the
    Desk reinvested, for a settlement ``lag`` [months].

    The holdings at the first observation of month ``k`` (``B_k``, every payment of ``k-1``
    in, none of ``k``) move by ``B_{k+1} - B_k = S_k - P_k``: settlements ``S_k`` less
    principal ``P_k``. Settlements are the reinvestment of the principal of ``k - lag``:
    all of it before the QT2 caps, the excess over the agency cap of ``qt2-realized``
    after. Walking back from the months whose principal the balance measures alone
    (:class:`~qtlab.engine.RealizedPaydowns`, 2022-10 on), each month's settlements give
    the principal ``lag`` months earlier: ``P_j = S_{j+lag} + cap_j``. A month whose
    reinvestment settled nothing (principal at most its cap) takes the nearest measured
    rate, capped at the cap.

    Returns principal for ``first`` .. the month before the measured window.
    """
    s = pd.Series(weekly, dtype=float).dropna().sort_index()
    s.index = pd.DatetimeIndex(s.index)
    measured = RealizedPaydowns(s).observed
    start_bal = s.groupby(s.index.to_period("M")).first()
    lo = to_month(first, field="first")
    w0 = measured.index.min()
    if lo >= w0:
        raise DateRangeError(f"implied_principal: first={lo} must be before {w0}")
    cap_s = load_preset("qt2-realized").cap_path(lo, w0 + lag)["agency_cap"]
    caps = dict(zip(pd.PeriodIndex(cap_s.index, freq="M"), cap_s.to_numpy(float), strict=True))
    bal = dict(
        zip(pd.PeriodIndex(start_bal.index, freq="M"), start_bal.to_numpy(float), strict=True)
    )
    pay: dict[pd.Period, float] = {}
    for k in pd.period_range(lo, w0 + lag - 1, freq="M")[::-1]:
        if k + 1 not in bal or k not in bal:
            raise DataError(f"implied_principal: no weekly MBS observation in {k} or {k + 1}")
        if k not in pay:
            rate = float(measured.get(k, measured.iloc[0]))
            pay[k] = min(rate * bal[k], caps.get(k, np.inf) or np.inf)
        settled = bal[k + 1] - bal[k] + pay[k]
        j = k - lag
        if j >= lo and np.isfinite(caps[j]) and settled > _NOTHING:
            pay[j] = settled + caps[j]
    out = pd.Series(pay).sort_index()
    out.index = pd.PeriodIndex(out.index, freq="M", name="month")
    keep: pd.Series = out.loc[out.index < w0]
    return keep.rename("principal")


#: Settlements below this [USD bn] count as none (a late settlement of 0.51 bn on
#: 2022-10-19 is the largest after the last reinvestment).
_NOTHING: Final = 1.0


class BackfilledPaydowns:
    """Realized MBS paydown rates, measured in the balance from 2022-10 and implied by the
    settlement lag before it (:func:`implied_principal`).

    Parameters
    ----------
    weekly
        Weekly SOMA MBS par [USD bn] (``Dataset.series("soma.mbs")``).
    lag
        The settlement lag [months] the earlier months are implied with.
    """

    def __init__(self, weekly: pd.Series, lag: int = DESK_MBS_LAG) -> None:
        self.realized = RealizedPaydowns(weekly)
        self.lag = lag
        s = pd.Series(weekly, dtype=float).dropna().sort_index()
        s.index = pd.DatetimeIndex(s.index)
        bal = s.groupby(s.index.to_period("M")).first()
        pay = implied_principal(s, lag)
        self.implied = (pay / bal.reindex(pay.index)).rename("rate")

    def __repr__(self) -> str:
        return (
            f"BackfilledPaydowns(lag={self.lag}, implied={self.implied.index.min()}.."
            f"{self.implied.index.max()}, measured={self.realized.observed.index.min()}..)"
        )

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """Fraction [0..1] of start-of-month MBS par repaid in each of ``months``."""
        m = pd.PeriodIndex(months, freq="M")
        out = np.asarray(self.realized.rates(m), dtype=float).copy()
        imp = self.implied.reindex(m)
        have = imp.notna().to_numpy()
        out[have] = imp.to_numpy(float)[have]
        out[np.asarray(m < self.implied.index.min())] = float(self.implied.iloc[0])
        return out


def april_2022_principal(ctx: RunContext) -> tuple[float, float]:
    """UMBS principal paid on 2022-04-25 [USD bn], read from the two SOMA MBS files that
    bracket it (2022-04-20 and 2022-05-11: the fall in each UMBS pool's face value), and
    scaled to the whole MBS portfolio by par (Ginnie Mae and Freddie Mac Gold pools pay on
    the 15th and 20th, outside the files' gap). Returns ``(umbs, scaled)``."""
    a = ctx.at("2022-04-20").holdings(["mbs"])
    b = ctx.at("2022-05-11").holdings(["mbs"])
    if a.empty or b.empty or a["as_of"].iloc[0] == b["as_of"].iloc[0]:
        raise DataError("the SOMA MBS files of 2022-04-20 and 2022-05-11 are not both in the data")
    ua = a[a["program"] == "umbs"].set_index("cusip")["par"]
    ub = b[b["program"] == "umbs"].set_index("cusip")["par"]
    both = ua.index.intersection(ub.index)
    umbs = float((ua[both] - ub[both]).clip(lower=0.0).sum())
    return umbs, umbs * float(a["par"].sum()) / float(ua.sum())


def measure_settlement_lag(ctx: RunContext, lags: tuple[int, ...] = (1, 2, 3)) -> pd.DataFrame:
    """The settlement lag measured on the data: for each candidate lag, the principal path
    it implies in the weekly SOMA summary (:func:`implied_principal`), against the April
    2022 principal read from the two MBS files around it (:func:`april_2022_principal`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``lag``: ``april`` (implied April 2022 principal), ``min``, ``max``
        (over 2022-03..2022-09) [USD bn], ``april_files`` (the files' estimate, the same in
        every row) and ``best`` (the lag whose April is closest to the files').
    """
    latest = ctx.at(None)
    weekly = latest.series("soma.mbs", start="2022-01-01")
    _, files = april_2022_principal(latest)
    rows = []
    for lag in lags:
        p = implied_principal(weekly, lag)
        april = float(p.get(pd.Period("2022-04", "M"), np.nan))
        rows.append((lag, april, float(p.min()), float(p.max())))
    out = pd.DataFrame(rows, columns=["lag", "april", "min", "max"]).set_index("lag")
    out["april_files"] = files
    gap = (out["april"] - files).abs()
    out["best"] = gap == gap.min()
    return out
