"""Runoff runs on the data: the engine's inputs read from a run context (the backtest
is in :mod:`qtlab.runs.backtest`).

The engine itself never touches data; this module builds its inputs (holdings,
realized MBS paydowns, realized TIPS accrual) from :class:`~qtlab.store.Dataset`
and compares projections with the weekly SOMA summary. Used by the B1/B2/B4/E2
analyses and by ``qtlab ladder | project | backtest``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.engine import (
    DESK_MBS_LAG,
    BalanceInputs,
    InflationAssumption,
    IssuanceMix,
    MbsSettlement,
    PaydownAmounts,
    PaydownPath,
    PaydownSource,
    Projection,
    project,
)
from qtlab.errors import DataError, SpecError, quoted
from qtlab.policy import Policy, load_preset, preset_in_force
from qtlab.portfolio import TREASURY_KINDS
from qtlab.prepay import PrepayParams, known_param_set, prepay_params
from qtlab.runs.context import RunContext
from qtlab.runs.mbs import model_paydowns
from qtlab.runs.mbs_settlement import BackfilledPaydowns, mbs_settlement
from qtlab.runs.options import (
    MortgageRate,
    Paydowns,
    describe_rate,
    mortgage_rate_option,
    paydowns_option,
)
from qtlab.runs.tips import tips_accrual

__all__ = [
    "TAPER_END",
    "EngineInputs",
    "as_policy",
    "engine_inputs",
    "paydown_source",
    "purchases_after_file",
    "realized_holdings",
    "realized_taper_purchases",
    "run_projection",
]

#: The last weekly SOMA observation that includes the final asset purchases: the NY Fed's
#: statement of 2022-01-26 (https://www.newyorkfed.org/markets/opolicy/operating_policy_220126)
#: set purchases of 20 bn Treasuries and 10 bn MBS from mid-February to mid-March, ending
#: in early March 2022; the summary of 2022-03-16 holds the last settlements (Treasury par
#: is flat from 2022-03-23 until the April maturities).
TAPER_END: Final = pd.Timestamp("2022-03-16")
_SOMA: Final = {
    "bills": "soma.bills",
    "notes_bonds": "soma.notes_bonds",
    "tips": "soma.tips",
    "frn": "soma.frn",
    "mbs": "soma.mbs",
    "agency": "soma.agency",
    "tips_inflation_comp": "soma.tips_inflation_comp",
}


def as_policy(policy: Policy | str | None, as_of: date | None = None) -> Policy:
    """``policy`` itself, or the packaged preset it names as known on ``as_of``.

    A preset is cut to the regimes announced by ``as_of`` (:meth:`Policy.known_at`);
    ``None`` is the plan in force then (:func:`~qtlab.policy.preset_in_force`). A
    :class:`Policy` object is the caller's own hypothesis and is used as given.
    """
    if policy is None:
        policy = preset_in_force(as_of)
    return load_preset(policy).known_at(as_of) if isinstance(policy, str) else policy


def realized_holdings(ctx: RunContext, start: str, end: str) -> pd.DataFrame:
    """Weekly SOMA holdings by kind [USD bn] from the NY Fed summary, with coupons and treasury."""
    df = pd.DataFrame({k: ctx.series(sid, start=start, end=end) for k, sid in _SOMA.items()})
    df["coupons"] = df["notes_bonds"] + df["tips"] + df["frn"]
    df["treasury"] = df["bills"] + df["coupons"]
    return df


def paydown_source(
    spec: Paydowns,
    *,
    ctx: RunContext,
    latest: RunContext | None = None,
    mortgage_rate: MortgageRate = "flat",
    shock_bp: float = 0.0,
    params: PrepayParams | None = None,
) -> PaydownSource | PaydownAmounts:
    """The MBS paydown source ``spec`` stands for (typed: parse text with
    :func:`qtlab.runs.options.paydowns_option` and
    :func:`~qtlab.runs.options.mortgage_rate_option`).

    ``params``: the prepayment parameters of ``"model"`` (default the set known at
    ``ctx``'s vantage; the backtest passes today's, a deliberate hindsight run).

    ``"realized"``: rates measured in the weekly SOMA MBS holdings (2022-10 onward), and
    implied by the Desk's settlement lag in 2022-03..2022-09
    (:class:`~qtlab.runs.mbs_settlement.BackfilledPaydowns`; nearest month outside);
    ``"model"``: the prepayment model of :mod:`qtlab.prepay` on the MBS file
    visible in ``ctx``, driven by ``mortgage_rate`` (``flat``: rates known in ``ctx``, flat
    after; ``realized``: every rate in ``latest``, flat after; or a user's path [%])
    shifted by ``shock_bp`` [bp] where the path is not data; a
    :class:`~qtlab.engine.PaydownPath`: the user's paydowns [USD bn] as given.
    ``mortgage_rate`` and ``shock_bp`` apply to ``"model"`` only. ``latest`` defaults to
    the latest data of ``ctx``'s folders (``ctx.at(None)``).
    """
    rate = describe_rate(mortgage_rate)
    label = "a paydown path" if isinstance(spec, PaydownPath) else spec
    if (isinstance(spec, PaydownPath) or spec != "model") and (rate != "flat" or shock_bp):
        raise SpecError(_model_only(label, rate, "flat", shock_bp))
    if isinstance(shock_bp, bool) or not np.isfinite(float(shock_bp)):
        raise SpecError(f"shock_bp={quoted(shock_bp)} must be a finite number of basis points")
    if isinstance(spec, PaydownPath):
        return spec
    latest = latest or ctx.at(None)
    if spec == "realized":
        return BackfilledPaydowns(latest.series("soma.mbs"))
    if spec == "model":
        # only the realized rate path reads later data; "flat" and a user's path read ctx alone
        realized = isinstance(mortgage_rate, str) and mortgage_rate == "realized"
        return model_paydowns(
            ctx,
            mortgage_rate=mortgage_rate,
            shock_bp=float(shock_bp),
            latest=latest if realized else None,
            params=params,
        )
    raise SpecError(
        f"mbs_paydowns={quoted(spec)} is not 'realized', 'model' or a PaydownPath "
        "(parse a file with qtlab.runs.options.paydowns_option)"
    )


def _model_only(spec: str | Path, rate: str | Path, default: str, shock: float) -> str:
    given = [f"mortgage_rate={quoted(str(rate))}"] if str(rate) != default else []
    given += [f"shock_bp={shock:g}"] if shock else []
    verb = "are" if len(given) > 1 else "is"
    return (
        f"{' and '.join(given)} {verb} for the prepayment model only; runs with it need "
        f"mbs_paydowns='model' (got mbs_paydowns={quoted(str(spec))})"
    )


def purchases_after_file(
    ctx: RunContext, holdings: pd.DataFrame, start: pd.Period
) -> pd.DataFrame | None:
    """The realized last taper purchases after the Treasury file in ``holdings`` (for the
    engine's ``purchases``), when that file is dated before the end of ``start``; else
    ``None`` (also without Treasury holdings)."""
    tsy = holdings.loc[holdings["kind"].isin(TREASURY_KINDS)]
    if tsy.empty:
        return None
    t_asof = pd.Timestamp(pd.to_datetime(tsy["as_of"]).max()).normalize()
    return realized_taper_purchases(ctx, t_asof) if t_asof.to_period("M") <= start else None


def realized_taper_purchases(ctx: RunContext, after: pd.Timestamp) -> pd.DataFrame | None:
    """The final taper purchases of Treasuries after ``after``, read from the weekly summary.

    While everything is rolled over at auction (before June 2022) Treasury par changes
    only by outright purchases (and by TIPS inflation compensation turned into par at a
    TIPS maturity, none of which fell in the purchase weeks), so each week's change in
    bills and in coupon par (notes, bonds, TIPS, FRNs) up to :data:`TAPER_END` is what the
    Desk bought that week. Weeks are assigned to the month of their Wednesday.

    Returns
    -------
    pandas.DataFrame or None
        Indexed by month, columns ``bills``, ``coupons`` [USD bn]; ``None`` when
        ``after`` is on or after :data:`TAPER_END` or the data show no purchase.
    """
    after = pd.Timestamp(after)
    if after >= TAPER_END or after < pd.Timestamp("2021-11-01"):
        return None
    w = realized_holdings(ctx, str(after.date()), str(TAPER_END.date()))
    if w.empty or pd.Timestamp(w.index[0]) != after:
        raise DataError(
            f"the weekly SOMA summary has no observation on {after.date()} (the holdings "
            "date) to measure the taper purchases from"
        )
    d = w[["bills", "coupons"]].diff().iloc[1:]
    tips_matured = (w["tips"].diff().iloc[1:] < -1e-6).any()
    if tips_matured:
        raise DataError("a TIPS matured inside the taper weeks; purchases cannot be read as par")
    d.index = pd.DatetimeIndex(d.index).to_period("M")
    out = d.groupby(level=0).sum().clip(lower=0.0)
    out.index.name = "month"
    if float(out.to_numpy().sum()) <= 0:
        return None
    return out


def engine_inputs(
    ctx: RunContext,
    policy: Policy | str | None,
    start: MonthLike,
    *,
    mbs_paydowns: str | Path | PaydownSource | PaydownAmounts = "realized",
    observe: pd.DatetimeIndex | None = None,
    kinds: tuple[str, ...] | None = None,
    hindsight: bool = False,
    mortgage_rate: str | Path | pd.Series = "flat",
    shock_bp: float = 0.0,
    balance: BalanceInputs | None = None,
    issuance_mix: IssuanceMix | None = None,
    mbs_lag: int | None = DESK_MBS_LAG,
    inflation: InflationAssumption | None = None,
) -> EngineInputs:
    """What the engine takes to project the holdings visible in ``ctx`` under ``policy``
    (:class:`EngineInputs`: hand it to :func:`qtlab.engine.project`, or call its
    :meth:`~EngineInputs.project`, to get the numbers of the CLI and the report).

    A preset name is the preset as known at ``ctx``'s vantage (only the regimes
    announced by then, :func:`as_policy`; ``None``: the plan in force then), except
    with ``hindsight=True`` (the backtest), which runs the preset as realized.

    TIPS index ratios grow at the rates measured in the weekly SOMA data visible in ``ctx``,
    then along ``inflation`` (:func:`tips_accrual`), or at the realized rates of all the
    data with ``hindsight=True`` (the backtest). ``mbs_paydowns="realized"`` always uses all
    the data: it is the realized path by definition; ``mbs_paydowns="model"`` runs the
    prepayment model with ``mortgage_rate`` and ``shock_bp`` (:func:`paydown_source`).
    Treasury holdings dated inside the last taper weeks get the realized purchases after their date
    (:func:`realized_taper_purchases`, from the weekly summary visible in ``ctx``) in
    ``purchases``. ``balance`` (the liability side, built from the data by the caller)
    goes to the engine as is; a policy with an endpoint needs it. "All the data" is the
    latest view of ``ctx``'s own snapshot and store (:meth:`Dataset.at`). ``issuance_mix``: how
    rolled-over money and purchases are split across new securities (default the engine's,
    :func:`~qtlab.engine.default_issuance_mix`). MBS reinvestment settles ``mbs_lag`` months
    after its principal month, the Desk's practice (:class:`~qtlab.engine.MbsSettlement`),
    with the purchases pending at the MBS file
    (:func:`~qtlab.runs.mbs_settlement.pending_mbs_purchases`); ``None`` books it in
    the principal's month.
    """
    latest = ctx.at(None)
    h = ctx.holdings(kinds)
    bought = purchases_after_file(ctx, h, to_month(start, field="start"))
    src: PaydownSource | PaydownAmounts | None = None
    if (h["kind"] == "mbs").any():
        # the edge: a word or a file's path becomes a typed choice here, once
        src = (
            paydown_source(
                paydowns_option(mbs_paydowns),
                ctx=ctx,
                latest=latest,
                mortgage_rate=mortgage_rate_option(mortgage_rate),
                shock_bp=shock_bp,
                params=prepay_params(known_param_set(None)) if hindsight else None,
            )
            if isinstance(mbs_paydowns, str | Path)
            else mbs_paydowns
        )
    pol = as_policy(policy, None if hindsight else ctx.as_of)
    return EngineInputs(
        holdings=h,
        policy=pol,
        start=to_month(start, field="start"),
        mbs_paydowns=src,
        tips_accrual=tips_accrual(ctx, inflation, hindsight=hindsight),
        purchases=bought,
        mbs_settlement=mbs_settlement(h, src, mbs_lag),
        issuance_mix=issuance_mix,
        balance=balance,
        observe=observe,
    )


@dataclass(frozen=True)
class EngineInputs:
    """Everything a run from the data hands to :func:`qtlab.engine.project` besides the
    horizon: the one recipe of "run the engine from a Dataset" (:func:`engine_inputs`).

    The CLI's ``qtlab project``, the report and the dashboard project exactly these, so
    ``qtlab.engine.project(months=n, **inputs.kwargs())`` (or ``inputs.project(n)``) gives
    their numbers to the cent. Calling the engine with the holdings and the policy alone
    leaves out what the recipe adds from the data.

    Attributes
    ----------
    holdings
        Holdings by CUSIP visible at the vantage [USD bn, %].
    policy
        The policy as known at the vantage (a preset cut to the regimes announced by then).
    start
        The first month projected.
    mbs_paydowns
        The MBS paydown source (realized, the prepayment model or a user's path), or None
        without MBS holdings.
    tips_accrual
        TIPS index-ratio growth: measured in the weekly data, then along the inflation
        assumption (:func:`qtlab.runs.tips.tips_accrual`).
    purchases
        The realized taper purchases after the Treasury file's date [USD bn], or None.
    mbs_settlement
        The Desk's settlement lag of MBS reinvestment, with the purchases pending at the
        MBS file, or None.
    issuance_mix
        How rolled-over money splits across new securities (None: the engine's default).
    balance
        The liability side (None: assets only).
    observe
        Dates at which to read holdings inside a month (the backtest), or None.
    """

    holdings: pd.DataFrame
    policy: Policy
    start: pd.Period
    mbs_paydowns: PaydownSource | PaydownAmounts | None
    tips_accrual: PaydownSource | None
    purchases: pd.DataFrame | None
    mbs_settlement: MbsSettlement | None
    issuance_mix: IssuanceMix | None = None
    balance: BalanceInputs | None = None
    observe: pd.DatetimeIndex | None = None

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :func:`qtlab.engine.project` (all but ``months``)."""
        return {
            "holdings": self.holdings,
            "policy": self.policy,
            "start": self.start,
            "mbs_paydowns": self.mbs_paydowns,
            "issuance_mix": self.issuance_mix,
            "observe": self.observe,
            "tips_accrual": self.tips_accrual,
            "purchases": self.purchases,
            "balance": self.balance,
            "mbs_settlement": self.mbs_settlement,
        }

    def project(self, months: int) -> Projection:
        """:func:`qtlab.engine.project` of these inputs over ``months`` months."""
        return project(months=months, **self.kwargs())


def run_projection(
    ctx: RunContext,
    policy: Policy | str | None,
    start: MonthLike,
    months: int,
    *,
    mbs_paydowns: str | Path | PaydownSource | PaydownAmounts = "realized",
    observe: pd.DatetimeIndex | None = None,
    kinds: tuple[str, ...] | None = None,
    hindsight: bool = False,
    mortgage_rate: str | Path | pd.Series = "flat",
    shock_bp: float = 0.0,
    balance: BalanceInputs | None = None,
    issuance_mix: IssuanceMix | None = None,
    mbs_lag: int | None = DESK_MBS_LAG,
    inflation: InflationAssumption | None = None,
) -> Projection:
    """Project the holdings visible in ``ctx`` under ``policy`` over ``months`` months:
    :func:`engine_inputs` (which says what it adds from the data) run by
    :func:`qtlab.engine.project`."""
    inputs = engine_inputs(
        ctx,
        policy,
        start,
        mbs_paydowns=mbs_paydowns,
        observe=observe,
        kinds=kinds,
        hindsight=hindsight,
        mortgage_rate=mortgage_rate,
        shock_bp=shock_bp,
        balance=balance,
        issuance_mix=issuance_mix,
        mbs_lag=mbs_lag,
        inflation=inflation,
    )
    return inputs.project(months)
