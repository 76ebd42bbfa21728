"""D3: federal net interest along D2's 10-year path and CBO's baseline debt.

Computed once (:func:`compute_d3` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_d3`). :func:`interest_model` holds the numbers: monthly
average rates by debt class from the yield curve (the short end from the SEP policy
path, the 10-year from D2's forecast), net interest by fiscal year beside the actual
outlays and CBO's baseline, the previous peak, and the path's annual averages.
Units: USD bn, percent.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from qtlab._periods import fiscal_year, period_index, to_monthly, value_at
from qtlab.analyses._assumptions import assumption_facts, spec_fact, translated
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.balance import DEFAULT_GDP_GROWTH
from qtlab.i18n import t
from qtlab.impact import (
    CLASSES,
    CURVE_TENORS,
    SepStatistic,
    annual_averages,
    average_rate,
    extend_curve,
    fiscal_year_totals,
    net_interest,
    previous_peak,
    term_shares,
)
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import meta, sep_path
from qtlab.runs.yield_forecast import chosen_forecasts
from qtlab.schema import PERCENT, USD_BN

__all__ = ["compute_d3", "interest_model", "render_d3"]

_MSPD_IDS: Final = {
    "bill": "mspd.bills.public",
    "note": "mspd.notes.public",
    "bond": "mspd.bonds.public",
    "tips": "mspd.tips.public",
    "frn": "mspd.frn.public",
}
_MSPD_DETAIL: Final = "treasury.mspd_detail.2022-01-31"

#: Tidy column names of ``net_interest`` by the model's names, and their display names.
_NET_INTEREST: Final = {
    "model": "net_interest_model",
    "actual": "net_interest_actual",
    "cbo": "net_interest_cbo_baseline",
    "share_of_gdp": "model_share_of_gdp",
}
_SHOWN: Final = {
    "net_interest_model": "net_interest_model [USD bn]",
    "net_interest_actual": "net_interest_actual [USD bn]",
    "net_interest_cbo_baseline": "net_interest_cbo_baseline [USD bn]",
    "model_share_of_gdp": "model_share_of_gdp [%]",
}


def interest_model(
    ctx: RunContext,
    *,
    indicator: str = "reserves_to_debt",
    horizon: int = 60,
    sep: str = "latest",
    ten_year: pd.Series | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
) -> dict[str, Any]:
    """D3's numbers: monthly average rates, net interest by fiscal year (model and
    actual), the previous peak and the 10-year path's annual averages.

    The 10-year path is D2's forecast mean for ``indicator`` unless ``ten_year``
    (monthly [%]) is given; the short end follows the SEP policy path.
    """
    made = chosen_forecasts(
        ctx,
        (indicator,),
        sep=sep,
        horizon=horizon,
        path_months=max(horizon, 24),
        gdp_growth=gdp_growth,
        sep_statistic=sep_statistic,
    )
    choice, yf = made.choice, made.forecasts[indicator]
    inp = made.path[0]
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


def _facts(m: dict[str, Any]) -> list[Fact]:
    fy: pd.DataFrame = m["fiscal_years"]
    prev: dict[str, Any] = m["previous_peak"]
    yf = m["forecast"]
    facts = [
        *assumption_facts([*yf.assumptions, yf.policy_source]),
        Fact("d3.note.model", {}),
        spec_fact(m["spec"].name, yf.fit),
        Fact("d3.note.previous_peak", dict(prev)),
    ]
    proj = fy[fy["projected"]]
    if not proj.empty:
        top = proj["model"].idxmax()
        facts.append(
            Fact(
                "d3.note.projected_peak",
                {
                    "fy": int(str(top)),
                    "level": value_at(proj, top, "model"),
                    "share": value_at(proj, top, "share_of_gdp"),
                    "prev_level": prev["level"],
                    "prev_level_fy": prev["level_fy"],
                    "prev_share": prev["share"],
                    "prev_share_fy": prev["share_fy"],
                },
            )
        )
    both = proj.dropna(subset=["cbo"])
    if not both.empty:
        last_fy = int(both.index[-1])
        facts.append(
            Fact(
                "d3.note.cbo",
                {
                    "vintage": str(m["cbo_vintage"]),
                    "fy": last_fy,
                    "model": value_at(both, last_fy, "model"),
                    "cbo": value_at(both, last_fy, "cbo"),
                },
            )
        )
    backtest = fy[~fy["projected"]].dropna(subset=["actual"])
    if not backtest.empty:
        err = (backtest["model"] / backtest["actual"] - 1).abs()
        facts.append(
            Fact(
                "d3.note.backtest",
                {
                    "first": int(backtest.index[0]),
                    "last": int(backtest.index[-1]),
                    "mape": 100 * float(err.mean()),
                },
            )
        )
    return facts


@analysis("D3", area="impact", order=430)
def compute_d3(
    ctx: RunContext,
    *,
    indicator: str = "reserves_to_debt",
    horizon: int = 60,
    sep: str = "latest",
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
) -> Computed:
    """D3: net interest along D2's 10-year path and CBO baseline debt, against the
    previous peak (level and share of GDP), and the path's annual averages; the short
    end follows ``sep_statistic`` of the SEP (median, central-tendency high or low).

    Tables: ``net_interest`` (fiscal years, PeriodIndex ``fiscal_year`` ending in
    September: model, actual and CBO-baseline net interest [USD bn], the model's share
    of GDP [%], ``projected``); ``ten_year_annual`` (PeriodIndex ``year``: the 10-year
    yield's annual average along the path [%]).
    """
    m = interest_model(
        ctx,
        indicator=indicator,
        horizon=horizon,
        sep=sep,
        gdp_growth=gdp_growth,
        sep_statistic=sep_statistic,
    )
    fy: pd.DataFrame = m["fiscal_years"]
    net = fy.rename(columns=_NET_INTEREST)
    net.index = pd.PeriodIndex(
        [pd.Period(str(y), freq="Y-SEP") for y in fy.index], name="fiscal_year"
    )
    annual: pd.Series = m["ten_year_annual"]
    ann = annual.rename("dgs10_annual_average").to_frame()
    ann.index = pd.PeriodIndex([pd.Period(str(y), freq="Y") for y in annual.index], name="year")
    return Computed(
        id="D3",
        tables={
            "net_interest": tidy(
                net,
                dict.fromkeys(_SHOWN, USD_BN) | {"model_share_of_gdp": PERCENT},
            ),
            "ten_year_annual": tidy(ann, {"dgs10_annual_average": PERCENT}),
        },
        notes=tuple(_facts(m)),
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


@renders("D3")
def render_d3(c: Computed, lang: str) -> AnalysisResult:
    """D3 in ``lang``: net interest by fiscal year and the 10-year path's annual
    averages, the figure of model against actual outlays, the notes."""
    net = c.table("net_interest")
    fy = pd.Index(pd.PeriodIndex(net.index).year, name=None)
    table = net.rename(columns=_SHOWN)
    table.index = fy
    table = table.reset_index().rename(columns={"index": "fiscal_year"})
    table.attrs = {}
    ann = c.table("ten_year_annual")
    ann_t = pd.Series(
        ann["dgs10_annual_average"].to_numpy(),
        index=pd.Index(pd.PeriodIndex(ann.index).year, name="year"),
        name="dgs10_annual_average [%]",
    ).reset_index()
    fig = styled_figure(
        title=t("d3.figure.title", lang),
        y_title=t("common.unit.usd_bn", lang),
        x_title=t("d3.figure.x", lang),
        source="FRED FYOINT, DGS3MO, DGS2, DGS10; Treasury MSPD; CBO baseline",
        lang=lang,
    )
    fig.add_bar(x=fy, y=net["net_interest_actual"], name=t("d3.series.actual", lang))
    fig.add_scatter(x=fy, y=net["net_interest_model"], name=t("d3.series.model", lang))
    return AnalysisResult(
        id="D3",
        title=t("d3.title", lang),
        lang=lang,
        tables=(
            Table("d3_net_interest", t("d3.table.net_interest", lang), table),
            Table("d3_ten_year_annual", t("d3.table.annual", lang), ann_t),
        ),
        figures=(Figure("d3_net_interest", fig),),
        notes=notes_of(c, lang, **translated(lang)),
        meta=c.meta,
    )
