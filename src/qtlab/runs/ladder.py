"""B1's ladder: Treasury maturities against the cap, and the stock of holdings maturing.

Two quantities answer "how much matures?" and they differ by a factor of two:

- the STOCK: the Treasury securities held at the start of the window (carried
  forward from the CUSIP file under the policy) that mature within the horizon,
  par plus TIPS inflation compensation at maturity [USD bn]; the figure analysts quote;
- the FLOW: every maturity over the horizon, counting the bills and coupons the
  rollovers create inside the window, which mature (and roll) again [USD bn].

The stock is measured with the engine itself: the same carry-forward, then a
regime from the start month under which every maturing security is redeemed, so
that no security is created inside the window.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.engine import IssuanceMix
from qtlab.policy import Policy, Regime, RegimeSource
from qtlab.portfolio import TREASURY_KINDS
from qtlab.runs.context import RunContext
from qtlab.runs.runoff import as_policy, run_projection

__all__ = ["ladder", "stock_policy"]

#: The regime that isolates the stock: everything maturing is redeemed, nothing bought.
_STOCK_SOURCE = RegimeSource(
    title="qtlab: no rollover from the window's start (measures the stock maturing)",
    date="2022-05-04",
    url="https://www.federalreserve.gov/newsevents/pressreleases/monetary20220504b.htm",
)


def stock_policy(policy: Policy, start: MonthLike) -> Policy:
    """``policy`` up to ``start``, then no rollover and no purchases (caps ``math.inf``):
    run from the CUSIP file, its maturities in the window are those of the holdings
    at the start of ``start``."""
    s = to_month(start, field="start")
    kept = tuple(r for r in policy.regimes if r.start < s)
    stop = Regime(
        name="stock-maturing",
        start=s,
        treasury_cap=math.inf,
        agency_cap=math.inf,
        source=_STOCK_SOURCE,
    )
    return Policy(name=f"{policy.name}+stock", regimes=(*kept, stop))


def _maturing(f: pd.DataFrame) -> pd.Series:
    return f["bills_maturing"] + f["coupons_maturing"] + f["tips_ic_maturing"]


def ladder(
    ctx: RunContext,
    policy: Policy | str | None,
    start: MonthLike,
    months: int = 24,
    *,
    issuance_mix: IssuanceMix | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """B1: Treasury maturities against the cap, month by month, from the holdings in ``ctx``.

    Treasury holdings only (agency principal reinvested in Treasuries is left out);
    securities created by rollovers before and during the window are included in the
    monthly frame, along ``issuance_mix`` (default the engine's).

    Returns
    -------
    (frame, summary)
        ``frame`` indexed by month: ``bills_maturing``, ``coupons_maturing`` (par +
        TIPS inflation compensation), ``treasury_cap``, ``coupon_redemptions``,
        ``bill_redemptions``, ``rolled_over``, ``coupon_shortfall`` (cap minus
        coupons maturing, when positive) [USD bn]. ``summary`` [USD bn]:

        - ``stock_maturing_24m``: the stock of Treasury holdings at the start of
          ``start`` maturing within 24 months (par + TIPS compensation); also under
          its historical key ``maturing_24m``; ``stock_bills_24m`` its bills;
        - ``stock_maturing``, ``stock_bills``: the same within ``months``, and its bills;
        - ``flow_maturing``, ``flow_bills``: every maturity over ``months``, counting
          the securities rollovers create inside the window (the frame's sum);
        - ``rolled_over``: rolled over at auction over ``months``;
        - ``coupon_shortfall_months`` (months with coupons below a positive cap),
          ``runoff_months`` (months with a positive cap), ``first_runoff_month``,
          ``last_runoff_month``, ``bill_runoff_first_12m`` (bill redemptions over the
          first 12 months of runoff in the window), ``horizon_months``.
    """
    pol = as_policy(policy, ctx.as_of)
    p = run_projection(ctx, pol, start, months, kinds=TREASURY_KINDS, issuance_mix=issuance_mix)
    f = p.frame
    cpn = f["coupons_maturing"] + f["tips_ic_maturing"]
    out = pd.DataFrame(
        {
            "bills_maturing": f["bills_maturing"],
            "coupons_maturing": cpn,
            "treasury_cap": f["treasury_cap"],
            "coupon_redemptions": f["coupon_redemptions"],
            "bill_redemptions": f["bill_redemptions"],
            "rolled_over": f["rolled_over"],
        }
    )
    cap = out["treasury_cap"]
    short = (cap - cpn).where((cap > 0) & np.isfinite(cap) & (cpn < cap), 0.0)
    out["coupon_shortfall"] = short
    runoff = out.index[cap > 0]
    first12 = runoff[:12]
    st = run_projection(
        ctx,
        stock_policy(pol, p.start),
        start,
        max(months, 24),
        kinds=TREASURY_KINDS,
        issuance_mix=issuance_mix,
    ).frame
    stock = _maturing(st)
    summary = {
        "stock_maturing_24m": float(stock.iloc[:24].sum()),
        "maturing_24m": float(stock.iloc[:24].sum()),
        "stock_bills_24m": float(st["bills_maturing"].iloc[:24].sum()),
        "stock_maturing": float(stock.iloc[:months].sum()),
        "stock_bills": float(st["bills_maturing"].iloc[:months].sum()),
        "flow_maturing": float(_maturing(f).sum()),
        "flow_bills": float(f["bills_maturing"].sum()),
        "rolled_over": float(f["rolled_over"].sum()),
        "horizon_months": int(months),
        "coupon_shortfall_months": [str(m) for m in out.index[short > 0]],
        "runoff_months": len(runoff),
        "bill_runoff_first_12m": float(out.loc[first12, "bill_redemptions"].sum()),
        "first_runoff_month": str(runoff[0]) if len(runoff) else None,
        "last_runoff_month": str(runoff[-1]) if len(runoff) else None,
        "regime": list(f["regime"]),
        "carried_forward_from": str(p.months[0]),
    }
    return out, summary
