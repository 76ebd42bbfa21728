"""F2: Monte-Carlo fan charts of MBS paydowns, reserves and the D2 10-year yield.

From the latest holdings under the regime in force today (``qt2-realized``: runoff
ended, agency principal to bills, reserve-management bill purchases), thousands of
mortgage-rate, policy-rate and D2-residual paths (:mod:`qtlab.scenarios.rates`,
estimated on the months where the policy rate moves, reverting to the SEP's longer-run
median) drive the prepayment model, the runoff engine with the liability rules of C2
and the liability shocks of :mod:`qtlab.scenarios.liability_shocks`, and the D2
regression; the result is a band per output and month. Its calibration from four past
vantages (:mod:`qtlab.runs.calibration`) is reported with it.
:func:`qtlab.runs.sweep.forward_start` assembles the sweep's plain inputs from a run
context (the starting point F1's deterministic projection shares).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index
from qtlab.analyses._fan_calibration import (
    calibration_notes,
    coverage_table,
    model_notes,
    pit_figure,
    points_table,
)
from qtlab.analyses._figures import styled_figure
from qtlab.analyses._tables import headers
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.errors import SpecError
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.runs.calibration import CALIBRATION_PATHS, calibrate_fans
from qtlab.runs.context import RunContext
from qtlab.runs.mbs import realized_paydowns
from qtlab.runs.runoff import as_policy
from qtlab.runs.sweep import (
    default_policy,
    forward_start,
    sweep_start_with_inputs,
)
from qtlab.scenarios import (
    MORTGAGE,
    POLICY,
    RESIDUAL,
    SweepResult,
    SweepStart,
    deterministic,
    sweep,
)

__all__ = [
    "F2_PATHS",
    "FAN_VARIABLES",
    "HORIZONS",
    "coverage_table",
    "default_policy",
    "f2_fan",
    "forward_start",
    "mbs_runoff_variant",
    "pit_figure",
]

#: Paths of the report's F2 (see :func:`f2_fan`).
F2_PATHS: Final = 1000
#: Band horizons of the tables [months from the start].
HORIZONS: Final = (12, 24, 36)
#: The fanned outputs and their units.
FAN_VARIABLES: Final = {"mbs_paydowns": "USD bn per month", "reserves": "USD bn", "yield10": "%"}
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
    calibration_paths: int = CALIBRATION_PATHS,
) -> AnalysisResult:
    """F2: fan charts (median, 50% and 90% bands) of monthly MBS paydowns [USD bn],
    reserves [USD bn] and the D2 10-year yield [%] over ``months`` from ``paths`` seeded
    Monte-Carlo rate paths under ``policy``.

    The calibration (:func:`qtlab.runs.calibration.calibrate_fans`) reruns the sweep
    from four past vantages with ``calibration_paths`` seeded paths each and scores the
    bands against the latest data (table, PIT histogram and notes).

    The report's default of 1,000 paths puts the Monte-Carlo error of the 5% and 95%
    quantiles at about 0.07 standard deviations of the output (binomial standard error
    of a tail quantile of a normal), well under the bands' width, and keeps the sweep
    to a few seconds.
    """
    pol = as_policy(policy or default_policy(ctx), ctx.as_of)
    start, inp = sweep_start_with_inputs(ctx, months=months, policy=pol)
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
    notes += model_notes(ctx, inp, start, pol, lang)
    cal = calibrate_fans(ctx, paths=calibration_paths, seed=seed)
    cov = cal.coverage()
    notes += calibration_notes(cal, cov, lang)
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
            Table("f2_coverage", t("f2.coverage.table", lang), coverage_table(cov, lang)),
            Table("f2_calibration", t("f2.coverage.points", lang), points_table(cal, lang)),
        ),
        figures=(*figs, Figure("f2_pit", pit_figure(cal, lang))),
        notes=tuple(notes),
        meta={
            "as_of": ctx.as_of,
            "options": {
                "paths": paths,
                "months": months,
                "seed": seed,
                "policy": pol.name,
                "calibration_paths": calibration_paths,
            },
            "seed": res.seed,
            "n_paths": res.n_paths,
            "inputs": ["MORTGAGE30US", "DGS10", "DFEDTARU", "WRESBAL", "soma.mbs", "FEDTARMDLR"],
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
            nobs=m.nobs,
            anchor_p=float(m.long_run[i_p]),
            anchor_m=float(m.long_run[i_m]),
            half_p=float(m.to_frame()["half_life"].iloc[i_p]),
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
