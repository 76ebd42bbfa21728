"""The deferred asset in the liability model, from the data visible at a vantage.

An optional piece of the liability side (issue 13, item 2): :func:`fit_remittances`
gathers what :class:`qtlab.balance.remittances.Remittances` needs at ``ctx``'s vantage
(the SOMA coupons of the CUSIP files in view, the runoff engine's holdings by kind under
the plan in force, premium amortization, the foreign official repo pool, the share of
reserves in reserves + ON RRP, a rate path) and :func:`with_deferred_asset` takes the
deferred asset's growth out of the currency + other liabilities and capital block of a
set of :class:`~qtlab.balance.LiabilityRules`, so reserves + ON RRP rise by it and the
identity still holds to the cent (reserves stay its residual). Nothing calls it by
default: C2, C3 and the baseline run as before unless a caller switches it on.

Rates: ``"sep"`` (vantage-honest): the policy-rate path of the SEP median visible at the
vantage from the last target range, with IORB, the ON RRP rate and the 3-month bill
yield at their spreads to the top of the range in the vantage month; ``"realized"``: the
IORB, ON RRP rate and 3-month bill yield that followed (a conditional variant for
backtests, never visible at the vantage: say so where it is used); or a user's frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

import numpy as np
import pandas as pd

from qtlab._periods import to_monthly
from qtlab.balance.liabilities import LiabilityRules, LiabilityState
from qtlab.balance.remittances import (
    OPERATING_COSTS_2019,
    PUBLISHED_DEFERRED_ASSET,
    Remittances,
    SomaCoupons,
    soma_coupons,
    soma_income,
)
from qtlab.errors import DataError, SpecError, UnknownSeriesError, one_of
from qtlab.impact.paths import SEP_MIDPOINT_TO_UPPER
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import (
    ImpactInputs,
    default_asset_path,
    engine_frame,
    on_rrp_rate,
    sep_path,
)

__all__ = [
    "RATE_SOURCES",
    "RateSource",
    "RemittanceFit",
    "deferred_start",
    "fit_remittances",
    "rate_paths",
    "with_deferred_asset",
]

RateSource = Literal["sep", "realized"]
RATE_SOURCES: Final[tuple[str, ...]] = ("sep", "realized")
#: Months of the H.4.1 unamortized premiums the amortization rate is measured over: short,
#: so that at a vantage just after purchases end (the taper's last purchases were in early
#: March 2022) the premiums they added do not hide the amortization (over 2021-12..2022-05
#: the stock fell 0.8% a month, over 2022-03..05 1.0%; 2022-06..2023-03 realized: 1.0%).
_PREMIUM_MONTHS: Final = 3


@dataclass(frozen=True)
class RemittanceFit:
    """What the deferred asset needs, fitted at a vantage: the rule, SOMA interest income
    by month along the engine's holdings [USD bn a month], the rates [%], the coupons and
    where each piece comes from."""

    rule: Remittances
    income: pd.DataFrame
    rates: pd.DataFrame
    coupons: SomaCoupons
    rates_source: str
    policy: str

    def describe(self) -> tuple[str, ...]:
        am = float(-self.income["amortization"].iloc[0])
        return (
            self.rule.describe(),
            self.coupons.describe(),
            f"holdings by kind from the runoff engine under {self.policy}; premium "
            f"amortization {12 * am:.1f} bn a year in the first month, falling with the "
            "unamortized premiums",
            f"rates: {self.rates_source}",
        )


def rate_paths(
    ctx: RunContext, inp: ImpactInputs, through: pd.Period, source: RateSource = "sep"
) -> pd.DataFrame:
    """Monthly ``iorb``, ``rrp_rate`` and ``bill`` (3-month bill yield) [%] from the month
    after ``inp.last_month`` to ``through`` (see the module docstring for ``source``)."""
    if source not in RATE_SOURCES:
        raise SpecError(f"rates={source!r} is unknown; valid: {one_of(RATE_SOURCES)}")
    idx = pd.period_range(inp.last_month + 1, through, freq="M")
    if source == "realized":
        full = ctx.at(None)
        cols = {
            "iorb": to_monthly(full.series("IORB"), "mean"),
            "rrp_rate": to_monthly(on_rrp_rate(full), "mean"),
            "bill": to_monthly(full.series("DGS3MO"), "mean"),
        }
        return pd.DataFrame({k: _carry(v, idx) for k, v in cols.items()})
    upper = to_monthly(ctx.series("DFEDTARU"), "mean")
    last = inp.last_month
    top = float(upper.loc[:last].iloc[-1])
    iorb = to_monthly(ctx.series("IORB"), "mean").loc[:last]
    rrp = to_monthly(on_rrp_rate(ctx), "mean").loc[:last]
    if iorb.empty:
        raise DataError(f"IORB: no value visible by {last}; give the rates as a frame")
    path, _ = sep_path(ctx, idx[0], idx[-1], top)
    return pd.DataFrame(
        {
            "iorb": path + (float(iorb.iloc[-1]) - top),
            "rrp_rate": path + (float(rrp.iloc[-1]) - top),
            "bill": path - SEP_MIDPOINT_TO_UPPER,
        }
    )


def _carry(s: pd.Series, idx: pd.PeriodIndex) -> pd.Series:
    x = s.dropna()
    return x.reindex(x.index.union(idx)).ffill().reindex(idx)


def deferred_start(ctx: RunContext, month: pd.Period) -> float:
    """The deferred asset [USD bn] at the start: 0 before September 2022 (remittances were
    suspended that month), else the latest year-end value published by the vantage
    (:data:`~qtlab.balance.remittances.PUBLISHED_DEFERRED_ASSET`; 0 before the first)."""
    if month < pd.Period("2022-09", "M"):
        return 0.0
    cut = pd.Timestamp(ctx.cutoff)
    seen = [v for _, pub, v in PUBLISHED_DEFERRED_ASSET if pd.Timestamp(pub) <= cut]
    return seen[-1] if seen else 0.0


def _premium_amortization(ctx: RunContext, idx: pd.PeriodIndex, last: pd.Period) -> pd.Series:
    """Premium amortization [USD bn a month] on ``idx``: the unamortized premiums (H.4.1,
    visible at the vantage) fall at their mean monthly rate over the last
    :data:`_PREMIUM_MONTHS` months visible, carried from the last visible level."""
    try:
        p = to_monthly(ctx.series("h41.premiums"), "mean").dropna().loc[:last]
    except UnknownSeriesError:
        p = pd.Series(dtype=float)
    if len(p) < 2:
        return pd.Series(0.0, index=idx)
    w = p.iloc[-_PREMIUM_MONTHS:]
    n = (pd.Period(w.index[-1], "M") - pd.Period(w.index[0], "M")).n
    keep = (float(w.iloc[-1]) / float(w.iloc[0])) ** (1.0 / n)
    k = np.array([(m - pd.Period(w.index[-1], "M")).n for m in idx], dtype=float)
    stock_before = float(w.iloc[-1]) * keep ** (k - 1.0)
    return pd.Series(stock_before * (1.0 - keep), index=idx)


def _foreign_pool(ctx: RunContext, last: pd.Period) -> float:
    """The foreign official reverse-repo pool [USD bn], last month visible (0 if none)."""
    try:
        s = to_monthly(ctx.series("h41.reverse_repos.foreign_official.week_avg"), "mean")
    except UnknownSeriesError:
        return 0.0
    s = s.dropna().loc[:last]
    return float(s.iloc[-1]) if len(s) else 0.0


def fit_remittances(
    ctx: RunContext,
    inp: ImpactInputs,
    through: pd.Period,
    *,
    rates: RateSource | pd.DataFrame = "sep",
    policy: str | None = None,
    costs: float = OPERATING_COSTS_2019,
    reserves_share: float | None = None,
    deferred0: float | None = None,
) -> RemittanceFit:
    """The deferred-asset model at ``ctx``'s vantage through ``through``.

    ``policy``: the engine policy whose holdings by kind earn the income (default the plan
    in force at the vantage, :func:`~qtlab.runs.inputs.default_asset_path`, and
    ``qt2-realized`` where that is a simple path such as ``hold``): give the policy of the
    asset path the deferred asset is applied along, so income and liabilities agree;
    ``reserves_share``: default reserves / (reserves + ON RRP) in the start month;
    ``deferred0``: default :func:`deferred_start`; ``rates``: ``"sep"``, ``"realized"``
    or a monthly frame with ``iorb``, ``rrp_rate`` and ``bill`` [%]."""
    st = inp.state
    idx = pd.period_range(st.month + 1, through, freq="M")
    if len(idx) == 0:
        raise SpecError(f"through={through} must come after the start month {st.month}")
    pol = policy or default_asset_path(ctx.as_of)
    if pol in ("hold", "caps", "renewed"):
        pol = "qt2-realized"
    holdings = ctx.holdings()
    if holdings.empty:
        raise DataError("no SOMA CUSIP holdings visible at the vantage: the income needs them")
    coupons = soma_coupons(holdings)
    frame, _ = engine_frame(ctx, pol, idx[0], len(idx))
    frame.index = idx
    if isinstance(rates, pd.DataFrame):
        missing = {"iorb", "rrp_rate", "bill"} - set(rates.columns)
        if missing:
            raise SpecError(f"rates: missing column(s) {sorted(missing)} [%]")
        r, label = rates, "given by the user"
    else:
        r = rate_paths(ctx, inp, through, rates)
        label = (
            "the SEP median visible at the vantage"
            if rates == "sep"
            else "REALIZED (conditional: not visible at the vantage)"
        )
    income = soma_income(frame, coupons, r["bill"], _premium_amortization(ctx, idx, st.month))
    liq = st.reserves + st.on_rrp
    share = st.reserves / liq if reserves_share is None and liq > 0 else (reserves_share or 1.0)
    rule = Remittances(
        costs=costs,
        reserves_share=float(share),
        foreign_pool=_foreign_pool(ctx, st.month),
        deferred0=deferred_start(ctx, st.month) if deferred0 is None else float(deferred0),
    )
    return RemittanceFit(rule, income, r, coupons, label, pol)


def with_deferred_asset(
    fit: RemittanceFit,
    rules: LiabilityRules,
    assets: pd.Series,
    state: LiabilityState,
) -> tuple[LiabilityRules, pd.DataFrame]:
    """``rules`` with the deferred asset's growth since ``state`` taken out of their
    currency + other liabilities and capital block, and the net-income path [USD bn].

    ``rules.currency_other`` must be a monthly path (the liability model's block, e.g.
    :func:`~qtlab.runs.inputs.model_rules`); the TGA is ``rules.tga`` (flat at the start
    when None). Apply before a rule that reads the block (``RrpTgaBills.rules``)."""
    if rules.currency_other is None:
        raise SpecError(
            "the deferred asset adjusts a currency + other liabilities and capital path: "
            "give rules with currency_other (e.g. qtlab.runs.inputs.model_rules)"
        )
    idx = pd.PeriodIndex(assets.index)
    block = rules.currency_other.reindex(idx)
    if isinstance(rules.tga, pd.Series):
        tga = rules.tga.reindex(idx)
    else:
        tga = pd.Series(state.tga if rules.tga is None else float(rules.tga), index=idx)
    free = assets - tga - block
    if free.isna().any():
        raise DataError(
            f"assets, TGA and block must cover {idx[0]}..{idx[-1]}; missing "
            f"{free[free.isna()].index[0]}"
        )
    income = fit.income["income"].reindex(idx)
    if income.isna().any():
        raise SpecError(f"the remittance fit ends before {idx[-1]}: fit it through the path's end")
    r = fit.rates.reindex(idx).ffill()
    p = fit.rule.path(income, free, state.reserves + state.on_rrp, r["iorb"], r["rrp_rate"])
    new_block = block - (p["deferred_asset"] - fit.rule.deferred0)
    new_block.name = block.name
    return replace(rules, currency_other=new_block), p.assign(income=income)
