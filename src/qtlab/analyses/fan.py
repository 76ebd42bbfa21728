"""F2: Monte-Carlo fan charts of MBS paydowns, reserves and the D2 10-year yield.

From the latest holdings under the regime in force today (``qt2-realized``: runoff
ended, agency principal to bills, reserve-management bill purchases), thousands of
mortgage-rate, policy-rate and D2-residual paths (:mod:`qtlab.scenarios.rates`,
estimated from the monthly history) drive the prepayment model, the runoff engine
with the liability rules of C2, and the D2 regression; the result is a band per
output and month. :func:`forward_start` assembles the sweep's plain inputs from a
Dataset (the starting point F1's deterministic projection shares).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index, value_at
from qtlab.analyses._figures import styled_figure
from qtlab.analyses._tables import headers
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.balance import DEFAULT_GDP_GROWTH, LiabilityRules
from qtlab.engine import DESK_MBS_LAG
from qtlab.errors import SpecError
from qtlab.i18n import t
from qtlab.impact import YieldFit, fit_yield, scarcity_indicators
from qtlab.policy import Policy, preset_in_force
from qtlab.portfolio.mbs_cohorts import mbs_cohorts
from qtlab.prepay import CohortState
from qtlab.runs.context import RunContext
from qtlab.runs.forward import realized_paydown_rates, start_month
from qtlab.runs.inputs import ImpactInputs, balance_from_h41, load_inputs, sep_path
from qtlab.runs.mbs import mortgage_rates, params_at, realized_paydowns
from qtlab.runs.mbs_settlement import mbs_settlement
from qtlab.runs.runoff import as_policy, purchases_after_file
from qtlab.runs.tips import tips_accrual
from qtlab.scenarios import (
    MORTGAGE,
    POLICY,
    RESIDUAL,
    SweepResult,
    SweepStart,
    YieldModel,
    deterministic,
    estimate_rate_model,
    sweep,
)

__all__ = [
    "F2_PATHS",
    "FAN_VARIABLES",
    "HORIZONS",
    "default_policy",
    "f2_fan",
    "forward_start",
    "mbs_runoff_variant",
]

#: Paths of the report's F2 (see :func:`f2_fan`).
F2_PATHS: Final = 1000
#: Band horizons of the tables [months from the start].
HORIZONS: Final = (12, 24, 36)
#: The fanned outputs and their units.
FAN_VARIABLES: Final = {"mbs_paydowns": "USD bn per month", "reserves": "USD bn", "yield10": "%"}
#: Lowest policy rate of a path: the upper bound of the 0-0.25% target range [%].
POLICY_FLOOR: Final = 0.25
_QT2_END: Final = date(2025, 12, 1)
_SOURCE: Final = (
    "FRED MORTGAGE30US, DGS10, DFEDTARU; Federal Reserve H.4.1; NY Fed SOMA; Treasury MSPD; "
    "FOMC SEP; qtlab Monte Carlo"
)


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


def default_policy(ctx: RunContext) -> str:
    """The regime in force at the vantage date: ``qt2-realized`` from the end of QT2
    (2025-12-01; runoff ended, agency principal to bills, reserve-management purchases),
    before it the plan announced by then (:func:`~qtlab.policy.preset_in_force`, cut to
    the regimes announced by the vantage by :func:`as_policy`)."""
    if ctx.as_of is None or ctx.as_of >= _QT2_END:
        return "qt2-realized"
    return preset_in_force(ctx.as_of)


def _yield_fit(inp: ImpactInputs, indicator: str) -> YieldFit:
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
    """The plain inputs of a sweep from the data visible in ``ctx`` (see :func:`_forward`);
    ``policy`` defaults to the regime in force at the vantage date (:func:`default_policy`)."""
    return _forward(
        ctx,
        months=months,
        policy=policy or default_policy(ctx),
        sep=sep,
        gdp_growth=gdp_growth,
        indicator=indicator,
        params=params,
    )[0]


def _forward(
    ctx: RunContext,
    *,
    months: int,
    policy: Policy | str,
    sep: str = "latest",
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    indicator: str = "reserves_to_debt",
    params: str | None = None,
) -> tuple[SweepStart, ImpactInputs]:
    """The plain inputs of a sweep from the data visible in ``ctx``.

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
    fit = _yield_fit(inp, indicator)
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


def _band_table(res: SweepResult, horizons: tuple[int, ...]) -> pd.DataFrame:
    b = res.bands(list(FAN_VARIABLES))
    rows = []
    for pol in res.policies:
        for h in horizons:
            m = res.months[h - 1]
            for v, unit in FAN_VARIABLES.items():
                r = b.loc[(b["policy"] == pol) & (b["variable"] == v) & (b["month"] == m)].iloc[0]
                rows.append(
                    {
                        "policy": pol,
                        "variable": v,
                        "unit": unit,
                        "horizon_months": h,
                        "month": str(m),
                        **{q: float(r[q]) for q in ("q05", "q25", "q50", "q75", "q95", "mean")},
                    }
                )
    return pd.DataFrame(rows)


_Y_UNIT: Final = {
    "mbs_paydowns": "common.unit.usd_bn_per_month",
    "reserves": "common.unit.usd_bn",
    "yield10": "common.unit.percent",
}
_COLORS: Final = ("31, 119, 180", "214, 39, 40")


def _fan_figure(
    res: SweepResult,
    det: pd.Series,
    history: pd.Series,
    variable: str,
    lang: str,
) -> go.Figure:
    fig = styled_figure(
        title=t(f"f2.figure.{variable}", lang),
        y_title=t(_Y_UNIT[variable], lang),
        source=_SOURCE,
        lang=lang,
    )
    x = list(res.months.to_timestamp())
    first = res.get(variable, res.policies[0])
    for k, pol in enumerate(res.policies):
        a = res.get(variable, pol)
        if k and (variable != "reserves" or np.allclose(a, first)):
            continue  # the alternative is drawn where it shows its channel: reserves
        rgb = _COLORS[k % len(_COLORS)]
        label = t("f2.series.policy_in_force" if k == 0 else "f2.series.policy_alt", lang)
        q = np.quantile(a, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        for lo, hi, alpha, key in ((0, 4, 0.15, "band90"), (1, 3, 0.3, "band50")):
            fig.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=list(q[hi]) + list(q[lo][::-1]),
                    fill="toself",
                    fillcolor=f"rgba({rgb}, {alpha})",
                    line={"width": 0},
                    name=t(f"f2.series.{key}", lang, policy=label),
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=q[2],
                name=t("f2.series.median", lang, policy=label),
                line={"color": f"rgb({rgb})"},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=det.to_numpy(),
            name=t("f2.series.deterministic", lang),
            line={"color": "black", "dash": "dot"},
        )
    )
    if len(history):
        fig.add_trace(
            go.Scatter(
                x=period_index(history).to_timestamp(),
                y=history.to_numpy(),
                name=t("f2.series.history", lang),
                line={"color": "gray"},
            )
        )
    return fig


@analysis("F2", area="forward", order=620)
def f2_fan(
    ctx: RunContext,
    *,
    lang: str = "en",
    paths: int = F2_PATHS,
    months: int = 36,
    seed: int = 0,
    policy: str | None = None,
) -> AnalysisResult:
    """F2: fan charts (median, 50% and 90% bands) of monthly MBS paydowns [USD bn],
    reserves [USD bn] and the D2 10-year yield [%] over ``months`` from ``paths`` seeded
    Monte-Carlo rate paths under ``policy``.

    The report's default of 1,000 paths puts the Monte-Carlo error of the 5% and 95%
    quantiles at about 0.07 standard deviations of the output (binomial standard error
    of a tail quantile of a normal), well under the bands' width, and keeps the sweep
    to a few seconds.
    """
    pol = as_policy(policy or default_policy(ctx), ctx.as_of)
    start, inp = _forward(ctx, months=months, policy=pol)
    last = pol.regime_at(start.start)
    reinvests = last is pol.regimes[-1] and last.agency_cap == 0 and start.start > last.start
    swept = [pol, mbs_runoff_variant(pol, start.start)] if reinvests else [pol]
    res = sweep(start, swept, paths, seed=seed)
    det = deterministic(start, pol).frame
    ym = start.yield_model
    if ym is None:  # pragma: no cover - _forward always sets it
        raise SpecError("F2 needs the D2 yield model")
    det_ind = 100.0 * det["reserves"] / ym.denominator.reindex(det.index)
    pol_base = start.base[POLICY].reindex(det.index)
    h = np.array([(m - start.first_shock[RESIDUAL]).n + 1 for m in det.index], dtype=float)
    resid = start.start_deviation[RESIDUAL] * (1.0 - start.rate_model.kappa[2]) ** h
    det_y = ym.params[0] + ym.params[1] * det_ind + ym.params[2] * pol_base + resid
    dets = {"mbs_paydowns": det["mbs_paydowns"], "reserves": det["reserves"], "yield10": det_y}
    hist_from = pd.Period(start.start - 36, freq="M")
    pay_hist = realized_paydowns(ctx)["paydowns"].dropna()
    inp_hist = {
        "mbs_paydowns": pay_hist.loc[hist_from:],
        "reserves": inp.reserves.loc[hist_from:],
        "yield10": inp.yield10.loc[hist_from:],
    }
    horizons = tuple(hh for hh in HORIZONS if hh <= months) or (months,)
    table = _band_table(res, horizons)
    full = res.bands(list(FAN_VARIABLES))
    full["month"] = full["month"].astype(str)
    full.insert(2, "unit", full["variable"].map(FAN_VARIABLES))
    rm = start.rate_model.to_frame().reset_index()
    notes = _notes(res, start, table, lang)
    figs = tuple(
        Figure(f"f2_{v}", _fan_figure(res, dets[v], inp_hist[v], v, lang)) for v in FAN_VARIABLES
    )
    return AnalysisResult(
        id="F2",
        title=t("f2.title", lang),
        lang=lang,
        tables=(
            Table("f2_bands", t("f2.table.bands", lang), _translated(table, lang)),
            Table("f2_bands_monthly", t("f2.table.monthly", lang), _translated(full, lang)),
            Table("f2_rate_model", t("f2.table.rate_model", lang), _translated(rm, lang)),
        ),
        figures=figs,
        notes=tuple(notes),
        meta={
            "as_of": ctx.as_of,
            "options": {"paths": paths, "months": months, "seed": seed, "policy": pol.name},
            "seed": res.seed,
            "n_paths": res.n_paths,
            "inputs": ["MORTGAGE30US", "DGS10", "DFEDTARU", "WRESBAL", "soma.mbs", "FEDTARMD"],
        },
    )


_UNIT_KEY: Final = {
    "USD bn per month": "common.unit.usd_bn_per_month",
    "USD bn": "common.unit.usd_bn",
    "%": "common.unit.percent",
}


def _translated(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An output table in ``lang``: headers from ``f2.col``, output and rate-variable names
    from ``f2.var``, units from ``common.unit`` (policy names are preset identifiers)."""
    out = frame.copy()
    if "variable" in out:
        out["variable"] = [t(f"f2.var.{v}", lang) for v in out["variable"]]
    if "unit" in out:
        out["unit"] = [t(_UNIT_KEY[u], lang) for u in out["unit"]]
    return out.rename(columns=headers("f2.col", [str(c) for c in out.columns], lang))


def _notes(res: SweepResult, start: SweepStart, table: pd.DataFrame, lang: str) -> list[Note]:
    m = start.rate_model
    sample = m.sample or (start.start, start.start)
    i_m, i_p, i_r = m.index(MORTGAGE), m.index(POLICY), m.index(RESIDUAL)
    pol, alt = res.policies[0], res.policies[-1]
    out = [
        note(
            "f2.note.method",
            lang,
            paths=res.n_paths,
            seed=res.seed,
            start=str(res.months[0]),
            end=str(res.months[-1]),
            policy=pol,
        ),
        note(
            "f2.note.rate_model",
            lang,
            first=str(sample[0]),
            last=str(sample[1]),
            kappa=float(m.kappa[i_m]),
            sigma=float(m.sigma[i_m]),
            change_std=float(m.change_std[i_m]),
            kappa_p=float(m.kappa[i_p]),
            sigma_p=float(m.sigma[i_p]),
            corr_mp=float(m.corr[i_m, i_p]),
            corr_my=float(m.corr[i_m, i_r]),
            rho=1.0 - float(m.kappa[i_r]),
            sigma_r=float(m.sigma[i_r]),
            start_rate=float(start.base[MORTGAGE].iloc[0]),
        ),
    ]
    h = int(table["horizon_months"].max())
    last = table.loc[table["horizon_months"] == h]
    for v in FAN_VARIABLES:
        r = last.loc[(last["policy"] == pol) & (last["variable"] == v)].iloc[0]
        out.append(
            note(
                f"f2.note.{v}",
                lang,
                month=str(r["month"]),
                **{q: float(r[q]) for q in ("q05", "q25", "q50", "q75", "q95")},
            )
        )
    if alt == pol:
        return out
    ra = last.loc[(last["policy"] == alt) & (last["variable"] == "reserves")].iloc[0]
    rp = last.loc[(last["policy"] == pol) & (last["variable"] == "reserves")].iloc[0]
    out.append(
        note(
            "f2.note.reserves_alt",
            lang,
            month=str(ra["month"]),
            alt=alt,
            width_in_force=float(rp["q95"] - rp["q05"]),
            q05=float(ra["q05"]),
            q50=float(ra["q50"]),
            q95=float(ra["q95"]),
        )
    )
    return out
