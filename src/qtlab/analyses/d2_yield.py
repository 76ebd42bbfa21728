"""D2: the 10-year Treasury yield on reserve scarcity and the policy rate, and its forecast.

Computed once (:func:`compute_d2` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_d2`). The regression is fitted for both scarcity
indicators side by side and run along the C2 projection with runoff stopped where the
first C3 rule binds and the SEP policy path (95% intervals); the specification family
(the out-of-sample choice, levels beside first differences, the sample sensitivity,
the duration indicator and the named recipe) comes from :mod:`qtlab.analyses._d2_family`.

:func:`yield_forecast` (one indicator's fit and forecast, what ``qtlab fit-yield``
prints; made in :mod:`qtlab.runs.yield_forecast`, whose
:func:`~qtlab.runs.yield_forecast.chosen_forecasts` D2 runs) and :func:`duration_table`
are public here. Units: percent.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index
from qtlab.analyses._assumptions import assumption_facts, translated
from qtlab.analyses._d2_family import duration_table, family, recipe_rows, sensitivity_figure
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.balance import DEFAULT_GDP_GROWTH
from qtlab.i18n import t
from qtlab.impact import INDICATORS, SepStatistic
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import meta, sep_without_central_tendency
from qtlab.runs.yield_forecast import YieldForecast, chosen_forecasts, yield_forecast
from qtlab.schema import DIMENSIONLESS, PERCENT, PERCENTAGE_POINTS, USD_BN, YEARS

__all__ = ["YieldForecast", "compute_d2", "duration_table", "render_d2", "yield_forecast"]

#: Display names of D2's tables, by tidy name, in display order.
_TABLES = {
    "params": "d2_params",
    "forecast": "d2_forecast",
    "spec_choice": "d2_spec_choice",
    "forms": "d2_forms",
    "sensitivity": "d2_sensitivity",
    "duration": "d2_duration",
    "recipe": "d2_recipe",
}
_FORECAST_UNITS = {
    "indicator": PERCENT,
    "policy_rate": PERCENT,
    "mean": PERCENT,
    "se": PERCENTAGE_POINTS,
    "lower": PERCENT,
    "upper": PERCENT,
}


@analysis("D2", area="impact", order=420)
def compute_d2(
    ctx: RunContext,
    *,
    sample: tuple[str | None, str | None] = (None, None),
    sep: str = "latest",
    horizon: int | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
    spec: str | None = None,
) -> Computed:
    """D2: the 10-year yield regression for both indicators side by side, with the
    forecast along the projected indicator and the SEP policy path (95% intervals):
    ``sep_statistic`` of the latest SEP at the vantage date (or of preset ``sep``).

    The specification is ``spec`` (``qtlab.impact.yield_family.CANDIDATES``), else a
    levels fit over ``sample`` if given, else the one with the lowest out-of-sample
    error (:func:`qtlab.runs.yield_spec.choose_default`); the comparison, the sample
    sensitivity, levels beside first differences and the named recipe are reported
    with it.

    Tables: ``params`` (one row per indicator and term: coefficient, HAC standard
    error and 95% interval in the term's units (``const`` [%], slopes [pp per pp]),
    ``r2``, ``nobs``, ``sample``, ``form``); ``forecast`` (PeriodIndex ``month``, one
    block per ``indicator_name``: the indicator and policy rate along the path, the
    forecast ``mean``, ``se``, ``lower``, ``upper`` [%]); ``spec_choice``, ``forms``,
    ``sensitivity``, ``duration`` and ``recipe`` (:func:`qtlab.analyses._d2_family.family`).
    """
    made = chosen_forecasts(
        ctx,
        INDICATORS,
        spec=spec,
        sample=sample,
        sep=sep,
        horizon=horizon,
        gdp_growth=gdp_growth,
        sep_statistic=sep_statistic,
    )
    shared, choice, fcs = made.path, made.choice, made.forecasts
    params = []
    fc_rows = []
    first = next(iter(fcs.values()))
    facts = assumption_facts([*first.assumptions, first.policy_source])
    if sep_statistic == "median" and (when := sep_without_central_tendency(ctx, sep)):
        facts.append(Fact("d2.note.no_central_tendency", {"date": str(when)}))
    for i, yf in fcs.items():
        f = yf.fit
        ci = f.conf_int()
        for name in f.params.index:
            params.append(
                {
                    "indicator": i,
                    "term": name,
                    "coef": float(f.params[name]),
                    "hac_std_err": float(f.std_err[name]),
                    "ci_lower": float(ci.loc[name, "lower"]),
                    "ci_upper": float(ci.loc[name, "upper"]),
                    "r2": f.rsquared,
                    "nobs": f.nobs,
                    "sample": f"{f.sample[0]}:{f.sample[1]}",
                    "form": f.form,
                }
            )
        fc_rows.append(yf.forecast.assign(indicator_name=i))
        facts.append(
            Fact(
                "d2.note.fit",
                {
                    "indicator": i,
                    "b": float(f.params[i]),
                    "se": float(f.std_err[i]),
                    "c": float(f.params["policy_rate"]),
                    "r2": f.rsquared,
                    "n": f.nobs,
                },
            )
        )
        facts.append(
            Fact(
                "d2.note.peak",
                {
                    "indicator": i,
                    "month": str(yf.peak["month"]),
                    "mean": yf.peak["mean"],
                    "lower": yf.peak["lower"],
                    "upper": yf.peak["upper"],
                },
            )
        )
    forecast = pd.concat(fc_rows)
    forecast.index = pd.PeriodIndex(period_index(forecast), name="month")
    more, more_facts, more_meta = family(ctx, shared, choice)
    hist = first.fit.actual.loc["2018-01":]
    return Computed(
        id="D2",
        tables={
            "params": tidy(pd.DataFrame(params), {"r2": DIMENSIONLESS}),
            "forecast": tidy(forecast, _FORECAST_UNITS),
            **more,
        },
        notes=(*facts, *more_facts),
        series={"actual": hist},
        meta={
            **meta(
                ctx,
                {"sample": list(sample), "sep": sep, "horizon": horizon}
                | ({} if choice.mode == "sample" else {"spec": choice.spec.name})
                | ({} if sep_statistic == "median" else {"sep_statistic": sep_statistic}),
                ["DGS10", "DFEDTARU", "WRESBAL", "mspd.marketable.total", "GDP", "FEDTARMD"],
            ),
            **more_meta,
        },
    )


def _display(c: Computed, name: str) -> pd.DataFrame:
    """Tidy table ``name`` as the report shows it (months and dates as text columns)."""
    frame = c.table(name)
    if name == "forecast":
        out = pd.concat([g.reset_index() for _, g in frame.groupby("indicator_name", sort=False)])
        out["month"] = out["month"].astype(str)
    elif name == "sensitivity":
        out = frame.assign(start=frame["start"].astype(str), end=frame["end"].astype(str))
    elif name == "duration":
        out = frame.reset_index()
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
        # each number's unit in its header, so a reader's table shows it (亿美元 in zh)
        units = frame.attrs.get("units", {})
        shown = {USD_BN: "USD bn", PERCENT: "%", YEARS: "years"}
        out = out.rename(columns={c: f"{c} [{shown[u]}]" for c, u in units.items() if u in shown})
    elif name == "recipe":
        out = recipe_rows(frame, c.meta["recipe_rows"], c.meta["recipe"])
    else:
        out = frame.copy()
    out.attrs = {}
    return out


def _forecast_figure(c: Computed, lang: str) -> go.Figure:
    fig = styled_figure(
        title=t("d2.figure.title", lang),
        y_title=t("common.unit.percent", lang),
        source="FRED DGS10, DFEDTARU; Federal Reserve H.4.1; Treasury MSPD; FOMC SEP",
        lang=lang,
    )
    hist = c.series["actual"]
    fig.add_trace(
        go.Scatter(
            x=period_index(hist).to_timestamp(),
            y=hist,
            name=t("d2.series.actual", lang),
            line={"color": "black"},
        )
    )
    colors = {"reserves_to_debt": "31, 119, 180", "reserves_to_gdp": "214, 39, 40"}
    fc = c.table("forecast")
    for i in INDICATORS:
        f = fc[fc["indicator_name"] == i]
        x = period_index(f).to_timestamp()
        label = t(f"d1.series.{i}", lang)
        rgb = colors[i]
        fig.add_trace(go.Scatter(x=x, y=f["mean"], name=label, line={"color": f"rgb({rgb})"}))
        fig.add_trace(
            go.Scatter(
                x=list(x) + list(x[::-1]),
                y=list(f["upper"]) + list(f["lower"][::-1]),
                fill="toself",
                fillcolor=f"rgba({rgb}, 0.12)",
                line={"width": 0},
                name=t("d2.series.band", lang, indicator=label),
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return fig


@renders("D2")
def render_d2(c: Computed, lang: str) -> AnalysisResult:
    """D2 in ``lang``: the tables, the forecast and sensitivity figures, the notes."""
    tables = tuple(
        Table(shown, t(f"d2.table.{name}", lang), _display(c, name))
        for name, shown in _TABLES.items()
        if name in c.tables
    )
    return AnalysisResult(
        id="D2",
        title=t("d2.title", lang),
        lang=lang,
        tables=tables,
        figures=(
            Figure("d2_forecast", _forecast_figure(c, lang)),
            Figure("d2_sensitivity", sensitivity_figure(c.table("sensitivity"), lang)),
        ),
        notes=notes_of(c, lang, **translated(lang)),
        meta={k: c.meta[k] for k in ("as_of", "options", "inputs")},
    )
