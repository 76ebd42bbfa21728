"""D1-D4: reserve scarcity, the 10-year yield, federal interest cost and the dollar.

Projections run along the C2 balance sheet (default scenario) with runoff
stopped where the first C3 rule binds (:func:`qtlab.runs.liabilities.stopped_path`),
CBO's baseline debt for the future denominator, and nominal GDP extended at a
stated growth rate.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import fiscal_year, period_index, to_monthly, value_at
from qtlab.analyses._assumptions import assumption_notes
from qtlab.analyses._d2_family import choose_default, family_parts
from qtlab.analyses._figures import shade_episodes, styled_figure
from qtlab.analyses._yield_forecast import (
    YieldForecast,
    indicators_along,
    spec_note,
    yield_forecast,
)
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.balance import DEFAULT_GDP_GROWTH
from qtlab.i18n import t
from qtlab.impact import (
    CLASSES,
    CURVE_TENORS,
    INDICATORS,
    SepStatistic,
    annual_averages,
    average_rate,
    broken_episodes,
    correlations,
    extend_curve,
    fiscal_year_totals,
    interest_dollar_frame,
    net_interest,
    previous_peak,
    term_shares,
)
from qtlab.impact.yield_family import Spec
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import (
    meta,
    quarterly_visible,
    sep_path,
    sep_without_central_tendency,
)
from qtlab.runs.liabilities import stopped_path

__all__ = [
    "YieldForecast",
    "d1_scarcity",
    "d2_yield",
    "d3_interest",
    "d4_dollar",
    "interest_model",
    "yield_forecast",
]

_MSPD_IDS: Final = {
    "bill": "mspd.bills.public",
    "note": "mspd.notes.public",
    "bond": "mspd.bonds.public",
    "tips": "mspd.tips.public",
    "frn": "mspd.frn.public",
}
_MSPD_DETAIL: Final = "treasury.mspd_detail.2022-01-31"
_PCT = "[%]"


@analysis("D1", area="impact", order=410)
def d1_scarcity(
    ctx: RunContext, *, lang: str = "en", horizon: int = 48, gdp_growth: float = DEFAULT_GDP_GROWTH
) -> AnalysisResult:
    """D1: reserves / marketable Treasury debt and reserves / nominal GDP [%], history
    from 2008 and along the C2 projection."""
    inp, proj, lines = stopped_path(ctx, horizon=horizon, gdp_growth=gdp_growth)
    ind = indicators_along(inp, proj).loc["2008-01":]
    last = inp.last_month
    notes: list[Note] = assumption_notes([*lines, inp.debt_assumption], lang)
    notes.append(
        note(
            "d1.note.latest",
            lang,
            month=str(last),
            debt=value_at(ind, last, "reserves_to_debt"),
            gdp=value_at(ind, last, "reserves_to_gdp"),
        )
    )
    end = ind.index[-1]
    notes.append(
        note(
            "d1.note.end",
            lang,
            month=str(end),
            debt=value_at(ind, end, "reserves_to_debt"),
            gdp=value_at(ind, end, "reserves_to_gdp"),
        )
    )
    table = ind.rename(columns={c: f"{c} {_PCT}" for c in INDICATORS}).reset_index()
    table["month"] = table["month"].astype(str)
    fig = styled_figure(
        title=t("d1.figure.title", lang),
        y_title=t("common.unit.percent", lang),
        source="Federal Reserve H.4.1; Treasury MSPD; BEA (FRED GDP); CBO baseline",
        lang=lang,
    )
    x = period_index(ind).to_timestamp()
    for c in INDICATORS:
        fig.add_trace(go.Scatter(x=x, y=ind[c], name=t(f"d1.series.{c}", lang)))
    fig.add_vline(x=(last + 1).to_timestamp(), line_dash="dot")
    shade_episodes(fig, lang, start=x[0], end=last.to_timestamp(how="end"), as_of=ctx.as_of)
    return AnalysisResult(
        id="D1",
        title=t("d1.title", lang),
        lang=lang,
        tables=(Table("d1_indicators", t("d1.table.indicators", lang), table),),
        figures=(Figure("d1_indicators", fig),),
        notes=tuple(notes),
        meta=meta(
            ctx,
            {"horizon": horizon, "gdp_growth": gdp_growth},
            ["WRESBAL", "mspd.marketable.total", "GDP", "cbo.baseline.debt"],
        ),
    )


@analysis("D2", area="impact", order=420)
def d2_yield(
    ctx: RunContext,
    *,
    lang: str = "en",
    sample: tuple[str | None, str | None] = (None, None),
    sep: str = "latest",
    horizon: int | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
    spec: str | None = None,
) -> AnalysisResult:
    """D2: the 10-year yield regression for both indicators side by side, with the
    forecast along the projected indicator and the SEP policy path (95% intervals):
    ``sep_statistic`` of the latest SEP at the vantage date (or of preset ``sep``).

    The specification is ``spec`` (``qtlab.impact.yield_family.CANDIDATES``), else a
    levels fit over ``sample`` if given, else the one with the lowest out-of-sample
    error (:mod:`qtlab.analyses._d2_family`); the comparison, the sample sensitivity,
    levels beside first differences and the named recipe are reported with it."""
    shared = stopped_path(ctx, horizon=120, gdp_growth=gdp_growth)
    choice = choose_default(shared[0], shared[1], spec, sample)
    fcs = {
        i: yield_forecast(
            ctx,
            i,
            sample=choice.sample,
            form=choice.form,
            sep=sep,
            horizon=horizon,
            inputs=shared,
            sep_statistic=sep_statistic,
        )
        for i in INDICATORS
    }
    params = []
    fc_rows = []
    notes: list[Note] = []
    first = next(iter(fcs.values()))
    notes += assumption_notes([*first.assumptions, first.policy_source], lang)
    if sep_statistic == "median" and (when := sep_without_central_tendency(ctx, sep)):
        notes.append(note("d2.note.no_central_tendency", lang, date=str(when)))
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
        fc = yf.forecast.assign(indicator_name=i).reset_index()
        fc["month"] = fc["month"].astype(str)
        fc_rows.append(fc)
        notes.append(
            note(
                "d2.note.fit",
                lang,
                indicator=t(f"d1.series.{i}", lang),
                b=float(f.params[i]),
                se=float(f.std_err[i]),
                c=float(f.params["policy_rate"]),
                r2=f.rsquared,
                n=f.nobs,
            )
        )
        notes.append(
            note(
                "d2.note.peak",
                lang,
                indicator=t(f"d1.series.{i}", lang),
                month=str(yf.peak["month"]),
                mean=yf.peak["mean"],
                lower=yf.peak["lower"],
                upper=yf.peak["upper"],
            )
        )
    fig = styled_figure(
        title=t("d2.figure.title", lang),
        y_title=t("common.unit.percent", lang),
        source="FRED DGS10, DFEDTARU; Federal Reserve H.4.1; Treasury MSPD; FOMC SEP",
        lang=lang,
    )
    hist = first.fit.actual.loc["2018-01":]
    fig.add_trace(
        go.Scatter(
            x=period_index(hist).to_timestamp(),
            y=hist,
            name=t("d2.series.actual", lang),
            line={"color": "black"},
        )
    )
    colors = {"reserves_to_debt": "31, 119, 180", "reserves_to_gdp": "214, 39, 40"}
    for i, yf in fcs.items():
        x = period_index(yf.forecast).to_timestamp()
        label = t(f"d1.series.{i}", lang)
        rgb = colors[i]
        fig.add_trace(
            go.Scatter(x=x, y=yf.forecast["mean"], name=label, line={"color": f"rgb({rgb})"})
        )
        fig.add_trace(
            go.Scatter(
                x=list(x) + list(x[::-1]),
                y=list(yf.forecast["upper"]) + list(yf.forecast["lower"][::-1]),
                fill="toself",
                fillcolor=f"rgba({rgb}, 0.12)",
                line={"width": 0},
                name=t("d2.series.band", lang, indicator=label),
                showlegend=False,
                hoverinfo="skip",
            )
        )
    more = family_parts(ctx, shared, choice, lang)
    return AnalysisResult(
        id="D2",
        title=t("d2.title", lang),
        lang=lang,
        tables=(
            Table("d2_params", t("d2.table.params", lang), pd.DataFrame(params)),
            Table("d2_forecast", t("d2.table.forecast", lang), pd.concat(fc_rows)),
            *more[0],
        ),
        figures=(Figure("d2_forecast", fig), *more[1]),
        notes=(*notes, *more[2]),
        meta=meta(
            ctx,
            {"sample": list(sample), "sep": sep, "horizon": horizon}
            | ({} if choice.mode == "sample" else {"spec": choice.spec.name})
            | ({} if sep_statistic == "median" else {"sep_statistic": sep_statistic}),
            ["DGS10", "DFEDTARU", "WRESBAL", "mspd.marketable.total", "GDP", "FEDTARMD"],
        ),
    )


def interest_model(
    ctx: RunContext,
    *,
    indicator: str = "reserves_to_debt",
    horizon: int = 60,
    sep: str = "latest",
    ten_year: pd.Series | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
) -> dict[str, object]:
    """D3's numbers: monthly average rates, net interest by fiscal year (model and
    actual), the previous peak and the 10-year path's annual averages.

    The 10-year path is D2's forecast mean for ``indicator`` unless ``ten_year``
    (monthly [%]) is given; the short end follows the SEP policy path.
    """
    shared = stopped_path(ctx, horizon=max(horizon, 24), gdp_growth=gdp_growth)
    choice = choose_default(shared[0], shared[1])
    yf = yield_forecast(
        ctx,
        indicator,
        sample=choice.sample,
        form=choice.form,
        sep=sep,
        horizon=horizon,
        inputs=shared,
        sep_statistic=sep_statistic,
    )
    inp = shared[0]
    ten = ten_year if ten_year is not None else yf.forecast["mean"]
    curve = (
        pd.concat({k: to_monthly(ctx.series(v), "mean") for k, v in CURVE_TENORS.items()}, axis=1)
        .loc[: inp.last_month]
        .dropna()
    )
    start = yf.fit.sample[1] + 1
    pol, _ = sep_path(
        ctx, start, ten.index[-1], value_at(inp.policy, start - 1), sep, sep_statistic
    )
    # months between the curve's last complete month and the forecast: actual 10-year
    # yield and policy rate, the short end and 2-year from them as in the projection
    ten_all = pd.concat([inp.yield10.loc[: start - 1], ten.loc[start:]])
    pol_all = pd.concat([inp.policy.loc[: start - 1], pol])
    curve = extend_curve(curve, pol_all, ten_all)
    debt = pd.DataFrame({c: to_monthly(ctx.series(i), "last") for c, i in _MSPD_IDS.items()})
    debt = debt.loc["2001-01":].fillna(0.0)
    last_actual = debt.index[-1]
    future = curve.index[curve.index > last_actual]
    growth = inp.debt.reindex(future) / float(inp.debt.loc[last_actual])
    mix = debt.loc[last_actual]
    debt_f = pd.DataFrame({c: mix[c] * growth for c in CLASSES}, index=future)
    debt_all = pd.concat([debt, debt_f])
    rates = average_rate(curve, debt_all, term_shares(ctx.table(_MSPD_DETAIL)))
    ni = net_interest(rates, debt_all)
    fy_model = fiscal_year_totals(ni["interest"])
    actual = ctx.series("FYOINT")
    actual.index = pd.DatetimeIndex(actual.index).year
    gdp_fy_actual = ctx.series("cbo.actual.gdp")
    gdp_fy_actual.index = pd.DatetimeIndex(gdp_fy_actual.index).year
    gdp_fy_proj = inp.gdp.groupby(fiscal_year(period_index(inp.gdp))).mean()
    gdp_fy = gdp_fy_actual.combine_first(gdp_fy_proj)
    first_proj = int(fiscal_year(pd.PeriodIndex([inp.last_month + 1], freq="M"))[0])
    prev = previous_peak(actual, gdp_fy_actual, first_proj)
    cbo = ctx.series("cbo.baseline.outlay.net_interest")
    cbo_vintage = pd.Timestamp(cbo.attrs["vintage"]).strftime("%Y-%m")
    cbo.index = pd.DatetimeIndex(cbo.index).year
    table = pd.DataFrame({"model": fy_model, "actual": actual, "cbo": cbo}).loc[2005:]
    table = table[table.index <= fy_model.index.max()]
    table["share_of_gdp"] = 100.0 * table["model"] / gdp_fy.reindex(table.index)
    table["projected"] = table.index >= first_proj
    ten_full = pd.concat([inp.yield10, ten[ten.index > inp.yield10.index[-1]]])
    years = sorted(set(period_index(ten).year))
    return {
        "forecast": yf,
        "spec": choice.spec,
        "rates": rates,
        "fiscal_years": table,
        "cbo_vintage": cbo_vintage,
        "previous_peak": prev,
        "first_projected_fy": first_proj,
        "ten_year_annual": annual_averages(ten_full).loc[years],
        "assumptions": yf.assumptions,
    }


@analysis("D3", area="impact", order=430)
def d3_interest(
    ctx: RunContext,
    *,
    lang: str = "en",
    indicator: str = "reserves_to_debt",
    horizon: int = 60,
    sep: str = "latest",
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
) -> AnalysisResult:
    """D3: net interest along D2's 10-year path and CBO baseline debt, against the
    previous peak (level and share of GDP), and the path's annual averages; the short
    end follows ``sep_statistic`` of the SEP (median, central-tendency high or low)."""
    m = interest_model(
        ctx,
        indicator=indicator,
        horizon=horizon,
        sep=sep,
        gdp_growth=gdp_growth,
        sep_statistic=sep_statistic,
    )
    fy = m["fiscal_years"]
    prev = m["previous_peak"]
    annual = m["ten_year_annual"]
    assert isinstance(fy, pd.DataFrame) and isinstance(prev, dict)
    assert isinstance(annual, pd.Series)
    yf = m["forecast"]
    assert isinstance(yf, YieldForecast)
    notes: list[Note] = assumption_notes([*yf.assumptions, yf.policy_source], lang)
    notes.append(note("d3.note.model", lang))
    spec = m["spec"]
    assert isinstance(spec, Spec)
    notes.append(spec_note(spec.name, yf.fit, lang))
    notes.append(note("d3.note.previous_peak", lang, **prev))
    proj = fy[fy["projected"]]
    if not proj.empty:
        top = proj["model"].idxmax()
        notes.append(
            note(
                "d3.note.projected_peak",
                lang,
                fy=int(str(top)),
                level=value_at(proj, top, "model"),
                share=value_at(proj, top, "share_of_gdp"),
                prev_level=prev["level"],
                prev_level_fy=prev["level_fy"],
                prev_share=prev["share"],
                prev_share_fy=prev["share_fy"],
            )
        )
    both = fy[fy["projected"]].dropna(subset=["cbo"])
    if not both.empty:
        last_fy = int(both.index[-1])
        notes.append(
            note(
                "d3.note.cbo",
                lang,
                vintage=str(m["cbo_vintage"]),
                fy=last_fy,
                model=value_at(both, last_fy, "model"),
                cbo=value_at(both, last_fy, "cbo"),
            )
        )
    backtest = fy[~fy["projected"]].dropna(subset=["actual"])
    if not backtest.empty:
        err = (backtest["model"] / backtest["actual"] - 1).abs()
        notes.append(
            note(
                "d3.note.backtest",
                lang,
                first=int(backtest.index[0]),
                last=int(backtest.index[-1]),
                mape=100 * float(err.mean()),
            )
        )
    table = fy.rename(
        columns={
            "model": "net_interest_model [USD bn]",
            "actual": "net_interest_actual [USD bn]",
            "cbo": "net_interest_cbo_baseline [USD bn]",
            "share_of_gdp": "model_share_of_gdp [%]",
        }
    ).reset_index()
    table = table.rename(columns={"index": "fiscal_year"})
    ann = annual.rename("dgs10_annual_average [%]").reset_index()
    fig = styled_figure(
        title=t("d3.figure.title", lang),
        y_title=t("common.unit.usd_bn", lang),
        x_title=t("d3.figure.x", lang),
        source="FRED FYOINT, DGS3MO, DGS2, DGS10; Treasury MSPD; CBO baseline",
        lang=lang,
    )
    fig.add_trace(go.Bar(x=fy.index, y=fy["actual"], name=t("d3.series.actual", lang)))
    fig.add_trace(go.Scatter(x=fy.index, y=fy["model"], name=t("d3.series.model", lang)))
    return AnalysisResult(
        id="D3",
        title=t("d3.title", lang),
        lang=lang,
        tables=(
            Table("d3_net_interest", t("d3.table.net_interest", lang), table),
            Table("d3_ten_year_annual", t("d3.table.annual", lang), ann),
        ),
        figures=(Figure("d3_net_interest", fig),),
        notes=tuple(notes),
        meta=meta(
            ctx,
            {"indicator": indicator, "horizon": horizon, "sep": sep, "gdp_growth": gdp_growth}
            | ({} if sep_statistic == "median" else {"sep_statistic": sep_statistic}),
            [
                "FYOINT",
                "DGS3MO",
                "DGS2",
                "DGS10",
                "mspd.*.public",
                _MSPD_DETAIL,
                "cbo.baseline.debt",
                "cbo.actual.gdp",
            ],
        ),
    )


@analysis("D4", area="impact", order=440)
def d4_dollar(ctx: RunContext, *, lang: str = "en", window: int = 12) -> AnalysisResult:
    """D4: federal interest payments / GDP against the broad dollar, quarterly: levels,
    full-sample and rolling correlations, and where policy rates broke the relation."""
    frame = interest_dollar_frame(
        quarterly_visible(ctx, "A091RC1Q027SBEA"),
        quarterly_visible(ctx, "GDP"),
        ctx.series("DTWEXBGS"),
        ctx.series("DFF"),
    )
    full, rolling = correlations(frame, window)
    eps = broken_episodes(frame, rolling, full)
    notes = [
        note("d4.note.full", lang, corr=full, first=str(frame.index[0]), last=str(frame.index[-1])),
        note("d4.note.gap", lang, first=str(frame.index[0])),
    ]
    for _, e in eps.iterrows():
        notes.append(note("d4.note.episode", lang, **{k: e[k] for k in eps.columns}))
    table = (
        frame.join(rolling)
        .rename(
            columns={
                "interest_to_gdp": "interest_to_gdp [%]",
                "dollar": "broad_dollar [index]",
                "policy_rate": "fed_funds [%]",
                "rolling_corr": f"rolling_corr_{window}q",
            }
        )
        .reset_index()
    )
    table["quarter"] = table["quarter"].astype(str)
    fig = styled_figure(
        title=t("d4.figure.title", lang),
        y_title=t("common.unit.percent_of_gdp", lang),
        source="BEA NIPA (FRED A091RC1Q027SBEA, GDP); Federal Reserve H.10 (DTWEXBGS)",
        lang=lang,
    )
    x = period_index(frame).to_timestamp()
    fig.add_trace(go.Scatter(x=x, y=frame["interest_to_gdp"], name=t("d4.series.ratio", lang)))
    fig.add_trace(go.Scatter(x=x, y=frame["dollar"], name=t("d4.series.dollar", lang), yaxis="y2"))
    fig.update_layout(
        yaxis2={
            "title": t("d4.figure.y2", lang),
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0f",
            "showgrid": False,
        }
    )
    for _, e in eps.iterrows():
        fig.add_vrect(
            x0=pd.Period(e["start"], freq="Q").start_time,
            x1=pd.Period(e["end"], freq="Q").end_time,
            fillcolor="rgba(120,120,120,0.12)",
            line_width=0,
            annotation_text=t("d4.figure.broken", lang),
            # at the bottom: the QE/QT episode labels take the top rows of the plot
            annotation_position="bottom left",
            annotation_font={"size": 10, "color": "#52606d"},
        )
    shade_episodes(fig, lang, start=x[0], as_of=ctx.as_of)
    return AnalysisResult(
        id="D4",
        title=t("d4.title", lang),
        lang=lang,
        tables=(
            Table("d4_quarterly", t("d4.table.quarterly", lang), table),
            Table("d4_episodes", t("d4.table.episodes", lang), eps),
        ),
        figures=(Figure("d4_dollar", fig),),
        notes=tuple(notes),
        meta={
            **meta(ctx, {"window": window}, ["A091RC1Q027SBEA", "GDP", "DTWEXBGS", "DFF"]),
            "gaps": ["d4.note.gap"],
        },
    )
