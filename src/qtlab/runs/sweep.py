"""The start of a Monte Carlo sweep (:mod:`qtlab.scenarios`) from the data: F2's recipe.

:func:`forward_start` reads what a sweep needs from a :class:`~qtlab.runs.RunContext`
(holdings, MBS cohorts, paydowns, TIPS accrual, the liability side, the yield model and
the rate model's base paths) into a plain :class:`~qtlab.scenarios.SweepStart`; the
engine recipe is the same as :func:`qtlab.runs.runoff.engine_inputs`'s (taper
purchases, TIPS accrual, MBS settlement). Units: USD bn, percent, calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd

from qtlab._periods import to_monthly
from qtlab.balance.models import LiabilityModelFit
from qtlab.engine import DESK_MBS_LAG
from qtlab.errors import DateRangeError, SpecError, UnknownSeriesError
from qtlab.impact import YieldFit, fit_yield, scarcity_indicators
from qtlab.impact.paths import SEP_MIDPOINT_TO_UPPER
from qtlab.policy import Policy, preset_in_force
from qtlab.portfolio.mbs_cohorts import mbs_cohorts
from qtlab.prepay import CohortState
from qtlab.runs.baseline import BASELINE_GDP_GROWTH, BASELINE_INFLATION, baseline_liabilities
from qtlab.runs.context import RunContext
from qtlab.runs.forward import realized_paydown_rates, start_month
from qtlab.runs.inputs import ImpactInputs, balance_from_h41, fit_liability_model, load_inputs
from qtlab.runs.mbs import mortgage_rates, params_at
from qtlab.runs.mbs_settlement import mbs_settlement
from qtlab.runs.runoff import as_policy, purchases_after_file
from qtlab.runs.tips import tips_accrual
from qtlab.runs.yield_spec import default_levels_spec
from qtlab.scenarios import (
    MORTGAGE,
    POLICY,
    RESIDUAL,
    SweepStart,
    YieldModel,
    deterministic,
)
from qtlab.scenarios.liability_shocks import LiabilityShocks
from qtlab.scenarios.rates import (
    RateModel,
    anchored_base,
    estimate_anchored_rate_model,
    moving_months,
)
from qtlab.sources.fomc import load_sep_preset

__all__ = [
    "LONGER_RUN_MEDIAN",
    "POLICY_FLOOR",
    "RMP_PACE_CV_DEFAULT",
    "RateAnchor",
    "default_policy",
    "forward_start",
    "liability_shocks",
    "mbs_runoff_variant",
    "rate_anchor",
    "rate_model",
    "rmp_pace_cv",
    "sep_longer_run",
    "sweep_start_with_inputs",
    "yield_fit",
]

#: Lowest policy rate of a path: the upper bound of the 0-0.25% target range [%].
POLICY_FLOOR: Final = 0.25
_QT2_END: Final = date(2025, 12, 1)
#: The SEP series of the longer-run median of the federal funds rate (FRED's id).
LONGER_RUN_MEDIAN: Final = "FEDTARMDLR"


def default_policy(ctx: RunContext) -> str:
    """The regime in force at the vantage date: ``qt2-realized`` from the end of QT2
    (2025-12-01; runoff ended, agency principal to bills, reserve-management purchases),
    before it the plan announced by then (:func:`~qtlab.policy.preset_in_force`, cut to
    the regimes announced by the vantage by :func:`as_policy`)."""
    if ctx.as_of is None or ctx.as_of >= _QT2_END:
        return "qt2-realized"
    return preset_in_force(ctx.as_of)


def mbs_runoff_variant(policy: Policy, start: pd.Period) -> Policy:
    """``policy`` with one more regime from ``start``: the last regime's rules, except that
    agency principal runs off without a cap instead of being reinvested (the QT2 rule
    while paydowns stayed below the 35 bn cap). The alternative F2 sweeps beside the
    regime in force, where reinvestment makes total assets independent of paydowns."""
    last = policy.regimes[-1]
    if start <= last.start:
        raise SpecError(f"the variant must start after the last regime ({last.start}); got {start}")
    reg = replace(
        last,
        name="mbs-runoff",
        start=start,
        agency_cap=float("inf"),
        note=(
            f"Hypothetical from {start}: as {last.name!r}, but agency principal runs off "
            "(not reinvested), as under the QT2 caps while paydowns stayed below them."
        ),
    )
    return replace(
        policy,
        name=f"{policy.name}+mbs-runoff",
        title=f"{policy.title} (agency principal running off from {start})",
        regimes=(*policy.regimes, reg),
    )


def yield_fit(
    inp: ImpactInputs,
    indicator: str,
    sample: tuple[str | None, str | None] | None = None,
) -> YieldFit:
    """D2's yield model fitted on ``indicator`` (a scarcity indicator of
    :func:`~qtlab.impact.scarcity_indicators`) over the inputs ``inp``, in levels over
    ``sample`` (default: the sample of D2's default specification chosen out of sample,
    :func:`~qtlab.runs.yield_spec.default_levels_spec`)."""
    ind = scarcity_indicators(inp.reserves, inp.debt, inp.gdp)[indicator]
    if sample is None:
        sample = default_levels_spec(inp).sample
    return fit_yield(inp.yield10, ind, inp.policy, indicator_name=indicator, sample=sample)


@dataclass(frozen=True)
class RateAnchor:
    """Where F2's rates revert to, and from what (all visible at the vantage).

    ``policy`` [%, upper bound]: the SEP's longer-run median (a range midpoint) plus
    :data:`~qtlab.impact.paths.SEP_MIDPOINT_TO_UPPER`, ``None`` where no SEP longer-run
    median is in the data (the estimated long-run level is used); ``sep_median`` [%] and
    ``sep_date`` that SEP's; ``mortgage`` [%] = ``policy`` + ``spread``, the mean of the
    mortgage rate minus the policy rate over the estimation sample's months [pp]."""

    policy: float | None
    sep_median: float | None
    sep_date: date | None
    mortgage: float | None
    spread: float


def sep_longer_run(ctx: RunContext, sep: str = "latest") -> tuple[float, date] | None:
    """The SEP's longer-run median of the federal funds rate [%] and its date: the latest
    SEP visible at the vantage (``"latest"``) or a packaged preset; None if there is none."""
    if sep != "latest":
        d = load_sep_preset(sep).data
        lr = d.loc[d["series_id"] == LONGER_RUN_MEDIAN]
        if lr.empty:
            return None
        return float(lr["value"].iloc[-1]), pd.Timestamp(lr["vintage"].iloc[-1]).date()
    try:
        s = ctx.series(LONGER_RUN_MEDIAN).dropna()
    except (UnknownSeriesError, DateRangeError):
        return None
    if s.empty:
        return None
    return float(s.iloc[-1]), pd.Timestamp(s.attrs.get("vintage", s.index[-1])).date()


def rate_anchor(
    ctx: RunContext, inp: ImpactInputs, mortgage: pd.Series, sep: str = "latest"
) -> RateAnchor:
    """The anchors of F2's rate model (:class:`RateAnchor`)."""
    mv = moving_months(inp.policy)
    both = pd.concat([mortgage, inp.policy], axis=1).loc[: inp.last_month].dropna()
    both = both.loc[mv.reindex(both.index).fillna(False).to_numpy(bool)]
    spread = float((both.iloc[:, 0] - both.iloc[:, 1]).mean())
    lr = sep_longer_run(ctx, sep)
    if lr is None:
        return RateAnchor(None, None, None, None, spread)
    pol = lr[0] + SEP_MIDPOINT_TO_UPPER
    return RateAnchor(pol, lr[0], lr[1], pol + spread, spread)


def rate_model(
    ctx: RunContext,
    inp: ImpactInputs,
    mortgage: pd.Series,
    fit: YieldFit,
    sep: str = "latest",
) -> tuple[RateModel, RateAnchor]:
    """F2's rate model: :func:`~qtlab.scenarios.rates.estimate_anchored_rate_model` on the
    months where the policy rate moves (from 1994-02, off the zero lower bound) to the
    last complete month, anchored at :func:`rate_anchor`; the D2 residual's speed and
    shock from the D2 fit's own AR(1) (``kappa = 1 - rho``, shock variance
    ``s2 (1 - rho^2)``), its long-run level 0."""
    anchor = rate_anchor(ctx, inp, mortgage, sep)
    hist = pd.DataFrame({MORTGAGE: mortgage, POLICY: inp.policy, RESIDUAL: fit.actual - fit.fitted})
    anchors = {RESIDUAL: 0.0}
    if anchor.policy is not None and anchor.mortgage is not None:
        anchors |= {POLICY: anchor.policy, MORTGAGE: anchor.mortgage}
    model = estimate_anchored_rate_model(
        hist, moving_months(inp.policy), anchors, last=inp.last_month
    )
    r = model.index(RESIDUAL)
    kappa, sigma = model.kappa.copy(), model.sigma.copy()
    kappa[r], sigma[r] = 1.0 - fit.rho, float(np.sqrt(fit.resid_var * (1.0 - fit.rho**2)))
    return replace(model, kappa=kappa, sigma=sigma), anchor


#: Reserve-management pace uncertainty where fewer than :data:`_PACE_MONTHS` months of
#: purchases are visible: a standard deviation of half the stated pace (an assumption).
RMP_PACE_CV_DEFAULT: Final = 0.5
_PACE_MONTHS: Final = 3


def rmp_pace_cv(ctx: RunContext, policy: Policy, last: pd.Period) -> tuple[float, int]:
    """Uncertainty of the reserve-management purchase pace, as a fraction of the policy's
    pace, and the months it was measured on: the standard deviation of the monthly change
    of the SOMA's bills (month-end) since the last regime with bill purchases began, to
    ``last``, over that regime's pace; :data:`RMP_PACE_CV_DEFAULT` with fewer than 3 such
    months; 0 without purchases."""
    regs = [r for r in policy.regimes if r.bill_purchases > 0]
    if not regs:
        return 0.0, 0
    reg = regs[-1]
    bills = to_monthly(ctx.series("soma.bills"), "last")
    d = bills.diff().loc[reg.start : last].dropna()
    if len(d) < _PACE_MONTHS:
        return RMP_PACE_CV_DEFAULT, len(d)
    return float(d.std(ddof=1)) / float(reg.bill_purchases), len(d)


def liability_shocks(
    ctx: RunContext, inp: ImpactInputs, policy: Policy
) -> tuple[LiabilityShocks, LiabilityModelFit]:
    """The liability shocks of a sweep (:mod:`qtlab.scenarios.liability_shocks`) from the
    liability model fitted at the vantage (:func:`~qtlab.runs.inputs.fit_liability_model`):
    the TGA's and ON RRP's residual standard deviations and autocorrelations, currency's
    monthly log-change standard deviation, and :func:`rmp_pace_cv`."""
    fit = fit_liability_model(ctx, inp)
    cur0 = float(inp.h41["currency"].loc[: inp.last_month].dropna().iloc[-1])
    rrp = fit.rrp
    cv, _ = rmp_pace_cv(ctx, policy, inp.last_month)
    shocks = LiabilityShocks(
        tga_sd=fit.tga.resid_sd,
        tga_ar1=fit.tga.resid_ar1,
        currency_sd=fit.currency.monthly_sd,
        currency0=cur0,
        rrp_sd=0.0 if rrp is None else rrp.resid_sd,
        rrp_ar1=0.0 if rrp is None else rrp.resid_ar1,
        pace_cv=cv,
    )
    return shocks, fit


def forward_start(
    ctx: RunContext,
    *,
    months: int = 36,
    policy: Policy | str | None = None,
    sep: str = "latest",
    gdp_growth: float = BASELINE_GDP_GROWTH,
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
    gdp_growth: float = BASELINE_GDP_GROWTH,
    indicator: str = "reserves_to_debt",
    params: str | None = None,
) -> tuple[SweepStart, ImpactInputs]:
    """The plain inputs of a sweep from the data visible in ``ctx``, and the monthly
    inputs they were built from.

    Start: the month after the latest data, as F1
    (:func:`~qtlab.runs.forward.start_month`); holdings: the latest SOMA files,
    carried forward under ``policy``; MBS paydowns: realized where the weekly data measure
    them, then the prepayment model (``params``; default the set known at the vantage) on
    the latest MBS file; liabilities: the baseline's
    (:func:`~qtlab.runs.baseline.baseline_liabilities`: by default ON RRP absorbs changes
    first, TGA flat, currency growing), other assets held at their start level; D2: the
    yield fitted on ``indicator`` to the last month over the sample of D2's default
    specification (:func:`yield_fit`). Rate model: :func:`rate_model`
    (estimated where the policy rate moves, anchored at the longer-run median of the SEP
    ``sep``). Base paths: the mortgage rate and the policy rate from their last monthly
    levels back towards their anchors at the estimated speeds
    (:func:`~qtlab.scenarios.rates.anchored_base`), the D2 residual zero (starting at the
    last in-sample residual, decaying at its AR(1)). Liability shocks:
    :func:`liability_shocks`.
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
    model, _ = rate_model(ctx, inp, hist, fit, sep)
    first = {
        MORTGAGE: hist.index.max() + 1,
        POLICY: inp.policy.index.max() + 1,
        RESIDUAL: fit.sample[1] + 1,
    }
    m0 = min(start, *first.values())
    grid = pd.period_range(m0, end, freq="M")
    base = pd.DataFrame(
        {
            MORTGAGE: anchored_base(model, MORTGAGE, hist, grid).to_numpy(),
            POLICY: anchored_base(model, POLICY, inp.policy, grid).to_numpy(),
            RESIDUAL: 0.0,
        },
        index=grid,
    )
    tips = tips_accrual(ctx, BASELINE_INFLATION)  # measured, then the baseline's assumption
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
    held = s0["total_securities"] + s0["tips_inflation_comp"]
    bal = balance_from_h41(inp, held, baseline_liabilities(ctx).rules)
    shocks, _ = liability_shocks(ctx, inp, pol)
    return SweepStart(**common, balance=bal, yield_model=ym, liability_shocks=shocks), inp
