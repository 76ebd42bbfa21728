"""D4: federal interest payments / GDP against the broad dollar, quarterly.

Computed once (:func:`compute_d4` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_d4`): levels, the full-sample and rolling correlations,
and the stretches where policy rates broke the relation. Units: percent, index.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index
from qtlab.analyses._figures import shade_episodes
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.i18n import t
from qtlab.impact import broken_episodes, correlations, interest_dollar_frame
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import meta, quarterly_visible
from qtlab.schema import DIMENSIONLESS, INDEX, PERCENT, PERCENTAGE_POINTS

__all__ = ["compute_d4", "render_d4"]

#: Tidy column names by the model's names.
_QUARTERLY: Final = {"dollar": "broad_dollar", "policy_rate": "fed_funds"}


@analysis("D4", area="impact", order=440)
def compute_d4(ctx: RunContext, *, window: int = 12) -> Computed:
    """D4: federal interest payments / GDP against the broad dollar, quarterly: levels,
    full-sample and rolling correlations, and where policy rates broke the relation.

    Tables: ``quarterly`` (PeriodIndex ``quarter``: ``interest_to_gdp`` [%],
    ``broad_dollar`` [index], ``fed_funds`` [%], ``rolling_corr`` over ``window``
    quarters); ``episodes`` (one row per stretch where the rolling correlation has the
    opposite sign of the full sample: ``start``, ``end`` (quarters), ``quarters``,
    ``mean_corr``, the policy rate at its start and end [%] and its change [pp]).
    The series start in 2006Q1 (the broad dollar index): a gap the section states.
    """
    frame = interest_dollar_frame(
        quarterly_visible(ctx, "A091RC1Q027SBEA"),
        quarterly_visible(ctx, "GDP"),
        ctx.series("DTWEXBGS"),
        ctx.series("DFF"),
    )
    full, rolling = correlations(frame, window)
    eps = broken_episodes(frame, rolling, full)
    first, last = str(frame.index[0]), str(frame.index[-1])
    gap = Fact("d4.note.gap", {"first": first})
    facts = [
        Fact("d4.note.full", {"corr": full, "first": first, "last": last}),
        gap,
        *(Fact("d4.note.episode", {k: e[k] for k in eps.columns}) for _, e in eps.iterrows()),
    ]
    quarterly = frame.join(rolling).rename(columns=_QUARTERLY)
    quarterly.index = pd.PeriodIndex(period_index(quarterly), name="quarter")
    episodes = eps.copy()
    for col in ("start", "end"):
        episodes[col] = pd.PeriodIndex(episodes[col], freq="Q")
    return Computed(
        id="D4",
        tables={
            "quarterly": tidy(
                quarterly,
                {
                    "interest_to_gdp": PERCENT,
                    "broad_dollar": INDEX,
                    "fed_funds": PERCENT,
                    "rolling_corr": DIMENSIONLESS,
                },
            ),
            "episodes": tidy(
                episodes,
                {
                    "mean_corr": DIMENSIONLESS,
                    "policy_start": PERCENT,
                    "policy_end": PERCENT,
                    "policy_change": PERCENTAGE_POINTS,
                },
            ),
        },
        notes=tuple(facts),
        meta={
            **meta(ctx, {"window": window}, ["A091RC1Q027SBEA", "GDP", "DTWEXBGS", "DFF"]),
            "gaps": (gap,),
        },
    )


@renders("D4")
def render_d4(c: Computed, lang: str) -> AnalysisResult:
    """D4 in ``lang``: the quarterly and episodes tables, the figure, the notes."""
    window = c.meta["options"]["window"]
    q = c.table("quarterly")
    table = q.rename(
        columns={
            "interest_to_gdp": "interest_to_gdp [%]",
            "broad_dollar": "broad_dollar [index]",
            "fed_funds": "fed_funds [%]",
            "rolling_corr": f"rolling_corr_{window}q",
        }
    ).reset_index()
    table.attrs = {}
    table["quarter"] = table["quarter"].astype(str)
    e = c.table("episodes")
    eps = e.assign(start=e["start"].astype(str), end=e["end"].astype(str))
    eps.attrs = {}
    fig = styled_figure(
        title=t("d4.figure.title", lang),
        y_title=t("common.unit.percent_of_gdp", lang),
        source="BEA NIPA (FRED A091RC1Q027SBEA, GDP); Federal Reserve H.10 (DTWEXBGS)",
        lang=lang,
    )
    x = period_index(q).to_timestamp()
    fig.add_trace(go.Scatter(x=x, y=q["interest_to_gdp"], name=t("d4.series.ratio", lang)))
    fig.add_trace(
        go.Scatter(x=x, y=q["broad_dollar"], name=t("d4.series.dollar", lang), yaxis="y2")
    )
    fig.update_layout(
        yaxis2={
            "title": t("d4.figure.y2", lang),
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0f",
            "showgrid": False,
        }
    )
    for start, end in zip(e["start"], e["end"], strict=True):
        fig.add_vrect(
            x0=start.start_time,
            x1=end.end_time,
            fillcolor="rgba(120,120,120,0.12)",
            line_width=0,
            annotation_text=t("d4.figure.broken", lang),
            # at the bottom: the QE/QT episode labels take the top rows of the plot
            annotation_position="bottom left",
            annotation_font={"size": 10, "color": "#52606d"},
        )
    shade_episodes(fig, lang, start=x[0], as_of=c.meta["as_of"])
    return AnalysisResult(
        id="D4",
        title=t("d4.title", lang),
        lang=lang,
        tables=(
            Table("d4_quarterly", t("d4.table.quarterly", lang), table),
            Table("d4_episodes", t("d4.table.episodes", lang), eps),
        ),
        figures=(Figure("d4_dollar", fig),),
        notes=notes_of(c, lang),
        meta={**c.meta, "gaps": [t(g.key, lang, **g.values) for g in c.meta["gaps"]]},
    )
