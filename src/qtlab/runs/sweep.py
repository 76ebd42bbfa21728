"""The start of a Monte Carlo sweep (:mod:`qtlab.scenarios`) from the data: F2's recipe.

:func:`forward_start` reads what a sweep needs from a :class:`~qtlab.runs.RunContext`
(holdings, MBS cohorts, paydowns, TIPS accrual, the liability side, the yield model and
the rate model's base paths) into a plain :class:`~qtlab.scenarios.SweepStart`; the
engine recipe is the same as :func:`qtlab.runs.runoff.engine_inputs`'s (taper
purchases, TIPS accrual, MBS settlement). Units: USD bn, percent, calendar months.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd

from qtlab._periods import value_at
from qtlab.balance import DEFAULT_GDP_GROWTH, LiabilityRules
from qtlab.engine import DESK_MBS_LAG
from qtlab.errors import SpecError
from qtlab.impact import YieldFit, fit_yield, scarcity_indicators
from qtlab.policy import Policy, preset_in_force
from qtlab.portfolio.mbs_cohorts import mbs_cohorts
from qtlab.prepay import CohortState
from qtlab.runs.context import RunContext
from qtlab.runs.forward import realized_paydown_rates, start_month
from qtlab.runs.inputs import ImpactInputs, balance_from_h41, load_inputs, sep_path
from qtlab.runs.mbs import mortgage_rates, params_at
from qtlab.runs.mbs_settlement import mbs_settlement
from qtlab.runs.runoff import as_policy, purchases_after_file
from qtlab.runs.tips import tips_accrual
from qtlab.scenarios import (
    MORTGAGE,
    POLICY,
    RESIDUAL,
    SweepStart,
    YieldModel,
    deterministic,
    estimate_rate_model,
)

__all__ = [
    "POLICY_FLOOR",
    "default_policy",
    "forward_start",
    "sweep_start_with_inputs",
    "yield_fit",
]

#: Lowest policy rate of a path: the upper bound of the 0-0.25% target range [%].
POLICY_FLOOR: Final = 0.25
_QT2_END: Final = date(2025, 12, 1)


def default_policy(ctx: RunContext) -> str:
    """The regime in force at the vantage date: ``qt2-realized`` from the end of QT2
    (2025-12-01; runoff ended, agency principal to bills, reserve-management purchases),
    before it the plan announced by then (:func:`~qtlab.policy.preset_in_force`, cut to
    the regimes announced by the vantage by :func:`as_policy`)."""
    if ctx.as_of is None or ctx.as_of >= _QT2_END:
        return "qt2-realized"
    return preset_in_force(ctx.as_of)


def yield_fit(inp: ImpactInputs, indicator: str) -> YieldFit:
    """D2's yield model fitted on ``indicator`` (a scarcity indicator of
    :func:`~qtlab.impact.scarcity_indicators`) over the inputs ``inp``."""
    ind = scarcity_indicators(inp.reserves, inp.debt, inp.gdp)[indicator]
    return fit_yield(inp.yield10, ind, inp.policy, indicator_name=indicator)


def forward_start(
    ctx: RunContext,
    *,
    months: int = 36,
    policy: Policy | str | None = None,
    sep: str = "latest",
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    indicator: str = "reserves_to_debt",
    params: str | None = None,
) -> SweepStart:
    """The plain inputs of a sweep from the data visible in ``ctx`` (see
    :func:`sweep_start_with_inputs`); ``policy`` defaults to the regime in force at the
    vantage date (:func:`default_policy`)."""
    return sweep_start_with_inputs(
        ctx,
        months=months,
        policy=policy or default_policy(ctx),
        sep=sep,
        gdp_growth=gdp_growth,
        indicator=indicator,
        params=params,
    )[0]


def sweep_start_with_inputs(
    ctx: RunContext,
    *,
    months: int,
    policy: Policy | str,
    sep: str = "latest",
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    indicator: str = "reserves_to_debt",
    params: str | None = None,
) -> tuple[SweepStart, ImpactInputs]:
    """The plain inputs of a sweep from the data visible in ``ctx``, and the monthly
    inputs they were built from.

    Start: the month after the latest data, as F1
    (:func:`~qtlab.runs.forward.start_month`); holdings: the latest SOMA files,
    carried forward under ``policy``; MBS paydowns: realized where the weekly data measure
    them, then the prepayment model (``params``; default the set known at the vantage) on
    the latest MBS file; liabilities: C2's
    default rules (ON RRP absorbs changes first, TGA flat, currency growing), other assets
    held at their start
    level; D2: the yield fitted on ``indicator`` to the last month. Base paths: the
    mortgage rate flat at its last monthly average (the deterministic projections'
    path), the policy rate along the SEP median (``sep``) from the last level, the D2
    residual zero (starting at the last in-sample residual, decaying at its AR(1)).
    The rate model is estimated on the D2 sample (2009 onward) and its residual
    process set to the D2 fit's own AR(1) (``kappa = 1 - rho``, shock variance
    ``s2 (1 - rho^2)``).
    """
    if isinstance(months, bool) or not 1 <= int(months) <= 120:
        raise SpecError(f"months={months!r} must be between 1 and 120")
    pol = as_policy(policy, ctx.as_of)
    inp = load_inputs(ctx, horizon=int(months) + 1, gdp_growth=gdp_growth)
    _, start = start_month(ctx, inp)
    end = start + int(months) - 1
    hist = mortgage_rates(ctx)
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    state = CohortState.from_frame(mbs_cohorts(ctx.holdings(["mbs"]), rate_history=hist))
    holdings = ctx.holdings()
    fit = yield_fit(inp, indicator)
    rate_hist = pd.DataFrame(
        {MORTGAGE: hist, POLICY: inp.policy, RESIDUAL: fit.actual - fit.fitted}
    )
    model = estimate_rate_model(rate_hist, sample=(fit.sample[0], None))
    r = model.index(RESIDUAL)
    kappa, sigma = model.kappa.copy(), model.sigma.copy()
    kappa[r], sigma[r] = 1.0 - fit.rho, float(np.sqrt(fit.resid_var * (1.0 - fit.rho**2)))
    model = replace(model, kappa=kappa, sigma=sigma)
    first = {
        MORTGAGE: hist.index.max() + 1,
        POLICY: inp.policy.index.max() + 1,
        RESIDUAL: fit.sample[1] + 1,
    }
    m0 = min(start, *first.values())
    grid = pd.period_range(m0, end, freq="M")
    sep_p, _ = sep_path(ctx, start, end, value_at(inp.policy, inp.policy.index.max()), sep)
    known_pol = inp.policy.reindex(grid).ffill().fillna(float(inp.policy.iloc[-1]))
    pol_base = sep_p.reindex(grid).fillna(known_pol)
    base = pd.DataFrame(
        {MORTGAGE: float(hist.iloc[-1]), POLICY: pol_base.to_numpy(), RESIDUAL: 0.0}, index=grid
    )
    tips = tips_accrual(ctx)  # measured, then the default inflation assumption
    ym = YieldModel(
        indicator,
        fit.params.to_numpy(np.float64),
        fit.cov.to_numpy(np.float64),
        inp.debt if indicator == "reserves_to_debt" else inp.gdp,
    )
    common: dict[str, Any] = {
        "holdings": holdings,
        "start": start,
        "months": int(months),
        "cohorts": state,
        "prepay_params": params_at(params, ctx.as_of),
        "mortgage_history": hist,
        "rate_model": model,
        "base": base,
        "start_deviation": {RESIDUAL: fit.last_resid},
        "first_shock": first,
        "floor": {POLICY: POLICY_FLOOR},
        "tips_accrual": tips,
        "purchases": purchases_after_file(ctx, holdings, start),
        "realized_paydowns": realized_paydown_rates(ctx),
        "mbs_settlement": mbs_settlement(holdings, realized_paydown_rates(ctx), DESK_MBS_LAG),
    }
    s0 = deterministic(SweepStart(**common), pol, balance=False).start_holdings()
    bal = balance_from_h41(
        inp, s0["total_securities"] + s0["tips_inflation_comp"], LiabilityRules()
    )
    return SweepStart(**common, balance=bal, yield_model=ym), inp
