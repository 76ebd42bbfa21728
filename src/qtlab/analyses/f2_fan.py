"""F2: Monte-Carlo fan charts of MBS paydowns, reserves and the D2 10-year yield.

From the latest holdings under the regime in force today (``qt2-realized``: runoff
ended, agency principal to bills, reserve-management bill purchases), thousands of
mortgage-rate, policy-rate and D2-residual paths (:mod:`qtlab.scenarios.rates`,
estimated on the months where the policy rate moves, reverting to the SEP's longer-run
median) drive the prepayment model, the runoff engine with the liability rules of C2
and the liability shocks of :mod:`qtlab.scenarios.liability_shocks`, and the D2
regression; the result is a band per output and month. Its calibration from four past
vantages (:mod:`qtlab.runs.calibration`) is reported with it. Computed once
(:func:`compute_f2`; :func:`qtlab.runs.sweep.forward_start` assembles the sweep's plain
inputs, :func:`qtlab.runs.sweep.mbs_runoff_variant` the alternative swept beside the
regime in force), rendered in each language (:func:`render_f2`).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index
from qtlab.analyses._fan_calibration import (
    calibration_facts,
    cover_text,
    coverage_table,
    model_facts,
    pit_figure,
    points_table,
)
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import SpecError
from qtlab.i18n import t
from qtlab.present.figures import styled_figure
from qtlab.present.labels import policy_label
from qtlab.present.tables import headers
from qtlab.runs.calibration import CALIBRATION_PATHS, calibrate_fans
from qtlab.runs.context import RunContext
from qtlab.runs.mbs import realized_paydowns
from qtlab.runs.runoff import as_policy
from qtlab.runs.sweep import default_policy, mbs_runoff_variant, sweep_start_with_inputs
from qtlab.scenarios import (
    MORTGAGE,
    POLICY,
    RESIDUAL,
    SweepResult,
    SweepStart,
    deterministic,
    sweep,
)
from qtlab.schema import MONTHS, PER_MONTH, PERCENT, PERCENTAGE_POINTS, ROW_UNITS

__all__ = ["F2_PATHS", "FAN_VARIABLES", "HORIZONS", "compute_f2", "render_f2"]

#: Paths of the report's F2 (see :func:`compute_f2`).
F2_PATHS: Final = 1000
#: Band horizons of the tables [months from the start].
HORIZONS: Final = (12, 24, 36)
#: The fanned outputs and their units.
FAN_VARIABLES: Final = {"mbs_paydowns": "USD bn per month", "reserves": "USD bn", "yield10": "%"}
_QUANTILES: Final = ("q05", "q25", "q50", "q75", "q95")
_SOURCE: Final = (
    "FRED MORTGAGE30US, DGS10, DFEDTARU; Federal Reserve H.4.1; NY Fed SOMA; Treasury MSPD; "
    "FOMC SEP; qtlab Monte Carlo"
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
                        "month": m,
                        **{q: float(r[q]) for q in (*_QUANTILES, "mean")},
                    }
                )
    return pd.DataFrame(rows)


def _drawn(res: SweepResult) -> dict[str, list[str]]:
    """The policies each fan figure draws: the regime in force, and the alternative where
    it shows its channel (reserves, when they differ)."""
    out = {}
    for v in FAN_VARIABLES:
        first = res.get(v, res.policies[0])
        out[v] = [
            pol
            for k, pol in enumerate(res.policies)
            if not (k and (v != "reserves" or np.allclose(res.get(v, pol), first)))
        ]
    return out


def _facts(res: SweepResult, start: SweepStart, table: pd.DataFrame) -> list[Fact]:
    m = start.rate_model
    sample = m.sample or (start.start, start.start)
    i_m, i_p, i_r = m.index(MORTGAGE), m.index(POLICY), m.index(RESIDUAL)
    pol, alt = res.policies[0], res.policies[-1]
    out = [
        Fact(
            "f2.note.method",
            {
                "paths": res.n_paths,
                "seed": res.seed,
                "start": str(res.months[0]),
                "end": str(res.months[-1]),
                "policy": pol,
            },
        ),
        Fact(
            "f2.note.rate_model",
            {
                "first": str(sample[0]),
                "last": str(sample[1]),
                "kappa": float(m.kappa[i_m]),
                "sigma": float(m.sigma[i_m]),
                "change_std": float(m.change_std[i_m]),
                "kappa_p": float(m.kappa[i_p]),
                "sigma_p": float(m.sigma[i_p]),
                "corr_mp": float(m.corr[i_m, i_p]),
                "corr_my": float(m.corr[i_m, i_r]),
                "rho": 1.0 - float(m.kappa[i_r]),
                "sigma_r": float(m.sigma[i_r]),
                "start_rate": float(start.base[MORTGAGE].iloc[0]),
                "nobs": m.nobs,
                "anchor_p": float(m.long_run[i_p]),
                "anchor_m": float(m.long_run[i_m]),
                "half_p": float(m.to_frame()["half_life"].iloc[i_p]),
            },
        ),
    ]
    h = int(table["horizon_months"].max())
    last = table.loc[table["horizon_months"] == h]
    for v in FAN_VARIABLES:
        r = last.loc[(last["policy"] == pol) & (last["variable"] == v)].iloc[0]
        out.append(
            Fact(
                f"f2.note.{v}",
                {"month": str(r["month"]), **{q: float(r[q]) for q in _QUANTILES}},
            )
        )
    if alt == pol:
        return out
    ra = last.loc[(last["policy"] == alt) & (last["variable"] == "reserves")].iloc[0]
    rp = last.loc[(last["policy"] == pol) & (last["variable"] == "reserves")].iloc[0]
    out.append(
        Fact(
            "f2.note.reserves_alt",
            {
                "month": str(ra["month"]),
                "alt": alt,
                "width_in_force": float(rp["q95"] - rp["q05"]),
                "q05": float(ra["q05"]),
                "q50": float(ra["q50"]),
                "q95": float(ra["q95"]),
            },
        )
    )
    return out


@analysis("F2", area="forward", order=620)
def compute_f2(
    ctx: RunContext,
    *,
    paths: int = F2_PATHS,
    months: int = 36,
    seed: int = 0,
    policy: str | None = None,
    calibration_paths: int = CALIBRATION_PATHS,
) -> Computed:
    """F2: fan charts (median, 50% and 90% bands) of monthly MBS paydowns [USD bn],
    reserves [USD bn] and the D2 10-year yield [%] over ``months`` from ``paths`` seeded
    Monte-Carlo rate paths under ``policy``.

    Tables: ``bands`` (per policy, output and horizon: the quantiles and mean in the row's
    ``unit``), ``bands_monthly`` (the same for every month), ``rate_model`` (per rate
    variable: mean reversion [per month], half-life [months], monthly shock and realized
    change s.d. [percentage points], long-run level [%]), ``coverage`` and
    ``calibration`` (:func:`qtlab.runs.calibration.calibrate_fans` reruns the sweep from
    four past vantages with ``calibration_paths`` seeded paths each and scores the bands
    against the latest data). ``series``: the deterministic path and the realized history
    of each output the figures draw beside the bands.

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
    history = {
        "mbs_paydowns": pay_hist.loc[hist_from:],
        "reserves": inp.reserves.loc[hist_from:],
        "yield10": inp.yield10.loc[hist_from:],
    }
    horizons = tuple(hh for hh in HORIZONS if hh <= months) or (months,)
    table = _band_table(res, horizons)
    full = res.bands(list(FAN_VARIABLES))
    full.insert(2, "unit", full["variable"].map(FAN_VARIABLES))
    rm = start.rate_model.to_frame().reset_index()
    facts = _facts(res, start, table)
    facts += model_facts(ctx, inp, start, pol)
    cal = calibrate_fans(ctx, paths=calibration_paths, seed=seed)
    cov = cal.coverage()
    facts += calibration_facts(cal, cov)
    band_units = {"horizon_months": MONTHS} | dict.fromkeys((*_QUANTILES, "mean"), ROW_UNITS)
    points = cal.points.copy()
    return Computed(
        id="F2",
        tables={
            "bands": tidy(table, band_units),
            "bands_monthly": tidy(full, dict.fromkeys((*_QUANTILES, "mean"), ROW_UNITS)),
            "rate_model": tidy(
                rm,
                {
                    "kappa": PER_MONTH,
                    "half_life": MONTHS,
                    "sigma": PERCENTAGE_POINTS,
                    "change_std": PERCENTAGE_POINTS,
                    "long_run": PERCENT,
                },
            ),
            "coverage": tidy(cov, {"inside_50": PERCENT, "inside_90": PERCENT}),
            "calibration": tidy(
                points,
                {"horizon_months": MONTHS} | dict.fromkeys(("realized", *_QUANTILES), ROW_UNITS),
            ),
        },
        notes=tuple(facts),
        series={"deterministic": dets, "history": history, "drawn": _drawn(res)},
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


_Y_UNIT: Final = {
    "mbs_paydowns": "common.unit.usd_bn_per_month",
    "reserves": "common.unit.usd_bn",
    "yield10": "common.unit.percent",
}
_COLORS: Final = ("31, 119, 180", "214, 39, 40")


def _fan_figure(c: Computed, variable: str, lang: str) -> go.Figure:
    fig = styled_figure(
        title=t(f"f2.figure.{variable}", lang),
        y_title=t(_Y_UNIT[variable], lang),
        source=_SOURCE,
        lang=lang,
    )
    bands = c.table("bands_monthly")
    bands = bands[bands["variable"] == variable]
    policies = list(dict.fromkeys(bands["policy"]))
    for pol in c.series["drawn"][variable]:
        k = policies.index(pol)
        b = bands[bands["policy"] == pol]
        x = list(pd.PeriodIndex(b["month"]).to_timestamp())
        q = b[list(_QUANTILES)].to_numpy().T
        rgb = _COLORS[k % len(_COLORS)]
        label = t("f2.series.policy_in_force" if k == 0 else "f2.series.policy_alt", lang)
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
    det = c.series["deterministic"][variable]
    fig.add_trace(
        go.Scatter(
            x=list(period_index(det).to_timestamp()),
            y=det.to_numpy(),
            name=t("f2.series.deterministic", lang),
            line={"color": "black", "dash": "dot"},
        )
    )
    history = c.series["history"][variable]
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


_UNIT_KEY: Final = {
    "USD bn per month": "common.unit.usd_bn_per_month",
    "USD bn": "common.unit.usd_bn",
    "%": "common.unit.percent",
}


def _translated(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An output table in ``lang``: headers from ``f2.col``, output and rate-variable names
    from ``f2.var``, units from ``common.unit``, policies by their labels (:func:`policy_label`)."""
    out = frame.copy()
    out.attrs = {}
    if "policy" in out:
        out["policy"] = [policy_label(p, lang, strict=False) for p in out["policy"]]
    if "month" in out:
        out["month"] = out["month"].astype(str)
    if "variable" in out:
        out["variable"] = [t(f"f2.var.{v}", lang) for v in out["variable"]]
    if "unit" in out:
        out["unit"] = [t(_UNIT_KEY[u], lang) for u in out["unit"]]
    return out.rename(columns=headers("f2.col", [str(c) for c in out.columns], lang))


@renders("F2")
def render_f2(c: Computed, lang: str) -> AnalysisResult:
    """F2 in ``lang``: the band, monthly band, rate-model, coverage and calibration tables,
    a fan chart per output and the PIT histogram."""
    figs = tuple(Figure(f"f2_{v}", _fan_figure(c, v, lang)) for v in FAN_VARIABLES)
    points = c.table("calibration")
    cover = lambda parts: cover_text(parts, lang)  # noqa: E731
    return AnalysisResult(
        id="F2",
        title=t("f2.title", lang),
        lang=lang,
        tables=(
            Table("f2_bands", t("f2.table.bands", lang), _translated(c.table("bands"), lang)),
            Table(
                "f2_bands_monthly",
                t("f2.table.monthly", lang),
                _translated(c.table("bands_monthly"), lang),
            ),
            Table(
                "f2_rate_model",
                t("f2.table.rate_model", lang),
                _translated(c.table("rate_model"), lang),
            ),
            Table(
                "f2_coverage",
                t("f2.coverage.table", lang),
                coverage_table(c.table("coverage"), lang),
            ),
            Table("f2_calibration", t("f2.coverage.points", lang), points_table(points, lang)),
        ),
        figures=(*figs, Figure("f2_pit", pit_figure(points, lang))),
        notes=notes_of(c, lang, cover90=cover, misses=cover),
        meta={k: c.meta[k] for k in ("as_of", "options", "seed", "n_paths", "inputs")},
    )
