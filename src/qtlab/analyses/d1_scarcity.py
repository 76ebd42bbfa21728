"""D1: reserve scarcity, reserves / marketable Treasury debt and reserves / nominal GDP.

Computed once (:func:`compute_d1` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_d1`). History from 2008, then along the C2 balance sheet
(default scenario) with runoff stopped where the first C3 rule binds
(:func:`qtlab.runs.liabilities.stopped_path`), CBO's baseline debt for the future
denominator and nominal GDP extended at a stated growth rate. Units: percent.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index, value_at
from qtlab.analyses._assumptions import assumption_facts, translated
from qtlab.analyses._figures import shade_episodes
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.balance import DEFAULT_GDP_GROWTH
from qtlab.i18n import t
from qtlab.impact import INDICATORS
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import meta
from qtlab.runs.liabilities import stopped_path
from qtlab.runs.yield_spec import indicators_along
from qtlab.schema import PERCENT

__all__ = ["compute_d1", "render_d1"]

_PCT = "[%]"


@analysis("D1", area="impact", order=410)
def compute_d1(
    ctx: RunContext, *, horizon: int = 48, gdp_growth: float = DEFAULT_GDP_GROWTH
) -> Computed:
    """D1: reserves / marketable Treasury debt and reserves / nominal GDP [%], history
    from 2008 and along the C2 projection.

    Table ``indicators`` (monthly, PeriodIndex ``month``): ``reserves_to_debt``,
    ``reserves_to_gdp`` [%] and ``projected`` (months after the data). Notes: the
    assumptions of the path, the latest month of data and the end of the projection.
    """
    inp, proj, lines = stopped_path(ctx, horizon=horizon, gdp_growth=gdp_growth)
    ind = indicators_along(inp, proj).loc["2008-01":]
    last = inp.last_month
    end = ind.index[-1]
    facts = [
        *assumption_facts([*lines, inp.debt_assumption]),
        Fact(
            "d1.note.latest",
            {
                "month": str(last),
                "debt": value_at(ind, last, "reserves_to_debt"),
                "gdp": value_at(ind, last, "reserves_to_gdp"),
            },
        ),
        Fact(
            "d1.note.end",
            {
                "month": str(end),
                "debt": value_at(ind, end, "reserves_to_debt"),
                "gdp": value_at(ind, end, "reserves_to_gdp"),
            },
        ),
    ]
    table = ind.copy()
    table.index = pd.PeriodIndex(period_index(table), name="month")
    return Computed(
        id="D1",
        tables={"indicators": tidy(table, dict.fromkeys(INDICATORS, PERCENT))},
        notes=tuple(facts),
        meta={
            **meta(
                ctx,
                {"horizon": horizon, "gdp_growth": gdp_growth},
                ["WRESBAL", "mspd.marketable.total", "GDP", "cbo.baseline.debt"],
            ),
            "last_month": last,
        },
    )


def _around(months: pd.Series, last: str) -> tuple[int, ...]:
    """Row positions of the last 12 months of data to ``last``, the first 24 projected
    months and the last month of the projection."""
    n = len(months)
    hit = [i for i, m in enumerate(months) if m == last]
    if not hit:
        return tuple(range(max(0, n - 24), n))
    i = hit[0]
    return (*range(max(0, i - 11), min(n, i + 25)), n - 1)


@renders("D1")
def render_d1(c: Computed, lang: str) -> AnalysisResult:
    """D1 in ``lang``: the monthly indicators table and figure, the notes."""
    ind = c.table("indicators")
    last: pd.Period = c.meta["last_month"]
    table = ind.rename(columns={i: f"{i} {_PCT}" for i in INDICATORS}).reset_index()
    table.attrs = {}
    table["month"] = table["month"].astype(str)
    fig = styled_figure(
        title=t("d1.figure.title", lang),
        y_title=t("common.unit.percent", lang),
        source="Federal Reserve H.4.1; Treasury MSPD; BEA (FRED GDP); CBO baseline",
        lang=lang,
    )
    x = period_index(ind).to_timestamp()
    for i in INDICATORS:
        fig.add_trace(go.Scatter(x=x, y=ind[i], name=t(f"d1.series.{i}", lang)))
    fig.add_vline(x=(last + 1).to_timestamp(), line_dash="dot")
    shade_episodes(fig, lang, start=x[0], end=last.to_timestamp(how="end"), as_of=c.meta["as_of"])
    return AnalysisResult(
        id="D1",
        title=t("d1.title", lang),
        lang=lang,
        tables=(
            Table(  # the notes' months: the last year of data, the projection's start and end
                "d1_indicators",
                t("d1.table.indicators", lang),
                table,
                excerpt=_around(table["month"], str(last)),
            ),
        ),
        figures=(Figure("d1_indicators", fig),),
        notes=notes_of(c, lang, **translated(lang)),
        meta={k: c.meta[k] for k in ("as_of", "options", "inputs")},
    )
