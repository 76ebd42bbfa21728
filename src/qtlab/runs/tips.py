"""TIPS inflation compensation on the data: the accrual a projection uses, and its check.

The engine accretes TIPS inflation compensation at a monthly index-ratio growth
(:mod:`qtlab.engine.inflation`). Here it is read from the weekly SOMA summary (TIPS par and
``tipsInflationCompensation``) visible at the vantage and continued along an
:class:`~qtlab.engine.InflationAssumption`; the QT2 backtest (E2) scores it against the
realized compensation.
"""

from __future__ import annotations

import pandas as pd

from qtlab.engine import (
    AssumedTipsAccrual,
    InflationAssumption,
    RealizedTipsAccrual,
)
from qtlab.runs.context import RunContext

__all__ = ["tips_accrual", "tips_check"]


def _accrual(ctx: RunContext) -> RealizedTipsAccrual:
    return RealizedTipsAccrual(ctx.series("soma.tips"), ctx.series("soma.tips_inflation_comp"))


def tips_accrual(
    ctx: RunContext, inflation: InflationAssumption | None = None, *, hindsight: bool = False
) -> AssumedTipsAccrual | RealizedTipsAccrual:
    """The TIPS accrual a projection from ``ctx`` uses: measured in the data visible in ``ctx``,
    then ``inflation`` (default :class:`~qtlab.engine.InflationAssumption`: the trailing
    twelve months fading linearly to 2% a year over 24 months); with ``hindsight`` the
    realized accrual of all the data (the latest view of ``ctx``'s folders)."""
    if hindsight:
        return _accrual(ctx.at(None))
    return (inflation or InflationAssumption()).on(_accrual(ctx))


def tips_check(
    ctx: RunContext, last: pd.DataFrame, proj: pd.DataFrame, vantage: pd.DataFrame
) -> pd.DataFrame:
    """TIPS inflation compensation at the month ends ``last`` (the weekly summary) [USD bn]:
    realized, projected with the realized accrual (``proj``, an observed frame) and from the
    vantage ``ctx`` with the default :class:`~qtlab.engine.InflationAssumption` (``vantage``),
    with their errors [%]; ``attrs["assumption"]`` describes the assumption."""
    acc = tips_accrual(ctx)
    real = last["tips_inflation_comp"].to_numpy(float)
    out = pd.DataFrame(
        {
            "month": pd.DatetimeIndex(last.index).to_period("M").astype(str),
            "realized": real,
            "projected": proj["tips_inflation_comp"].to_numpy(float),
            "from_vantage": vantage["tips_inflation_comp"].to_numpy(float),
        },
        index=pd.DatetimeIndex(last.index, name="date"),
    )
    out["error_pct"] = 100 * (out["projected"] / real - 1)
    out["from_vantage_error_pct"] = 100 * (out["from_vantage"] / real - 1)
    out.attrs["assumption"] = acc.describe() if isinstance(acc, AssumedTipsAccrual) else {}
    return out
