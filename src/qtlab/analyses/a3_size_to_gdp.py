"""A3: Fed total assets relative to nominal and real GDP.

Computed once (:func:`compute_a3` over a :class:`~qtlab.runs.RunContext`, so
``as_of`` works), rendered in each language (:func:`render_a3`).
Units: percent of GDP, USD billions, quarters.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import episodes, shade_episodes
from qtlab.analyses._history_data import (
    at,
    dindex,
    pindex,
    quarter_end,
    vantage,
    window_start,
)
from qtlab.analyses._real_gdp import real_gdp
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.present.figures import styled_figure
from qtlab.present.tables import headers
from qtlab.runs.context import RunContext
from qtlab.schema import PERCENT, USD_BN

__all__ = ["compute_a3", "render_a3"]


def _ratio_frame(ctx: RunContext, start: str, real: pd.Series) -> pd.DataFrame:
    assets = quarter_end(ctx.series("WALCL"))
    gdp = ctx.series("GDP")
    gdp.index = dindex(gdp).to_period("Q")
    df = pd.DataFrame({"assets": assets, "gdp": gdp, "real_gdp": real})
    df = df[df.index >= pd.Period(start, freq="Q")].dropna(subset=["assets"])
    df["ratio_nominal"] = 100 * df["assets"] / df["gdp"]
    df["ratio_real"] = 100 * df["assets"] / df["real_gdp"]
    return df.dropna(subset=["ratio_nominal", "ratio_real"], how="all")


def _nearest_value(df: pd.DataFrame, q: pd.Period, col: str) -> tuple[pd.Period, float] | None:
    """The value of ``col`` in quarter ``q``, or the last quarter before it that has one."""
    sub = df.loc[df.index <= q, col].dropna()
    if sub.empty:
        return None
    return sub.index[-1], float(sub.iloc[-1])


_A3_EPISODE_ROW = (
    "episode",
    "start_q",
    "start_nom",
    "start_real",
    "end_q",
    "end_nom",
    "end_real",
    "ongoing",
)


@analysis("A3", area="history", order=30)
def compute_a3(ctx: RunContext, *, start: str = "2007-01-01") -> Computed:
    """A3: Fed total assets relative to nominal and real GDP, quarterly [%].

    Total assets (H.4.1 WALCL) at the last Wednesday of each quarter divided by
    that quarter's GDP (SAAR, nominal; and real, as published at the vantage date:
    one whole vintage in its own base-year dollars, :func:`~qtlab.analyses._real_gdp.real_gdp`,
    e.g. chained 2012 dollars as of 2022-05-31, chained 2017 today). For each
    QE/QT episode begun by the vantage date (table ``episodes``): the ratio in the
    quarter before it began and in the quarter it ended (or the latest quarter, if
    still under way). Table ``quarterly``: assets, GDP [USD bn], real GDP [USD bn of
    the base year] and both ratios [%], by quarter.
    """
    start = window_start(ctx, start)
    real = real_gdp(ctx)
    df = _ratio_frame(ctx, start, real.series)
    if df.empty:
        raise DataError(f"A3: no quarter with both total assets and GDP from {start}")
    cut = vantage(ctx)
    rows, facts = [], []
    last_q = df.index.max()
    for ep in episodes():
        if cut is not None and ep.start.start_time > cut:
            continue
        q0 = (ep.start - 1).asfreq("Q")
        end_q = ep.end.asfreq("Q")
        ongoing = end_q > last_q or (cut is not None and ep.end.end_time > cut)
        q1 = min(end_q, last_q)
        s_n, s_r = _nearest_value(df, q0, "ratio_nominal"), _nearest_value(df, q0, "ratio_real")
        e_n, e_r = _nearest_value(df, q1, "ratio_nominal"), _nearest_value(df, q1, "ratio_real")
        if s_n is None or e_n is None or s_r is None or e_r is None:
            continue
        rows.append(
            {
                "episode": ep.id,
                "start_q": s_n[0],
                "start_nom": s_n[1],
                "start_real": s_r[1],
                "end_q": e_n[0],
                "end_nom": e_n[1],
                "end_real": e_r[1],
                "ongoing": ongoing,
            }
        )
        facts.append(
            Fact(
                "a3.note.episode_ongoing" if ongoing else "a3.note.episode",
                {
                    "episode": ep.id,
                    "q0": str(s_n[0]),
                    "q1": str(e_n[0]),
                    "start": s_n[1],
                    "end": e_n[1],
                    "start_real": s_r[1],
                    "end_real": e_r[1],
                },
            )
        )
    peak_q = df["ratio_nominal"].idxmax()
    peak = Fact(
        "a3.note.peak",
        {
            "quarter": str(peak_q),
            "ratio": at(df, peak_q, "ratio_nominal"),
            "latest_q": str(df["ratio_nominal"].dropna().index[-1]),
            "latest": float(df["ratio_nominal"].dropna().iloc[-1]),
        },
    )
    facts = [
        peak,
        *facts,
        Fact("a3.note.rule", {}),
        # dollars: the base year's name, in words of the language (render)
        Fact(f"a3.note.real_{real.source}", {"vintage": str(real.vintage), "dollars": None}),
    ]
    real_unit = f"{USD_BN} ({'chained ' if real.chained else ''}{real.base_year} dollars)"
    quarterly = df.rename_axis("quarter")
    units = {"assets": USD_BN, "gdp": USD_BN, "real_gdp": real_unit}
    units |= {"ratio_nominal": PERCENT, "ratio_real": PERCENT}
    ep_tab = pd.DataFrame(rows, columns=list(_A3_EPISODE_ROW))
    ep_units = {k: PERCENT for k in _A3_EPISODE_ROW if k.endswith(("_nom", "_real"))}
    return Computed(
        id="A3",
        tables={"episodes": tidy(ep_tab, ep_units), "quarterly": tidy(quarterly, units)},
        notes=tuple(facts),
        meta={
            "as_of": ctx.as_of,
            "inputs": ["WALCL", "GDP", real.series_id],
            "start": start,
            "real_gdp": {"vintage": real.vintage, "base_year": real.base_year},
            "real_source": real.source,
            "real_chained": real.chained,
        },
    )


@renders("A3")
def render_a3(c: Computed, lang: str) -> AnalysisResult:
    """A3 in ``lang``: the tables with translated headers and episode names, the figure
    of both ratios with the episodes shaded."""
    real = c.meta["real_gdp"]
    source = c.meta["real_source"]
    dollars = t(
        "a3.dollars.chained" if c.meta["real_chained"] else "a3.dollars.constant",
        lang,
        year=real["base_year"],
    )
    labels = {ep.id: ep.label(lang) for ep in episodes()}
    notes_ = notes_of(c, lang, episode=labels, dollars=lambda _: dollars)
    pct = t("common.unit.percent", lang)
    eps = c.table("episodes")
    shown = eps.assign(
        episode=[labels[e] for e in eps["episode"]],
        start_q=eps["start_q"].astype(str),
        end_q=eps["end_q"].astype(str),
        ongoing=[t("a3.ongoing.yes" if o else "a3.ongoing.no", lang) for o in eps["ongoing"]],
    )
    ep_tab = shown.rename(columns=headers("a3.ecol", _A3_EPISODE_ROW, lang, unit=pct))
    ep_tab.attrs = {}
    df = c.table("quarterly")
    usd = t("common.unit.usd_bn", lang)
    q_tab = df.rename(
        columns={
            "assets": t("a3.col.assets", lang, unit=usd),
            "gdp": t("a3.col.gdp", lang, unit=usd),
            "real_gdp": t("a3.col.real_gdp", lang, unit=t("a3.unit.real", lang, dollars=dollars)),
            "ratio_nominal": t("a3.col.ratio_nominal", lang, unit=pct),
            "ratio_real": t("a3.col.ratio_real", lang, unit=pct),
        }
    )
    q_tab.attrs = {}
    q_tab.index = q_tab.index.astype(str)
    q_tab.index.name = t("common.quarter", lang)

    fig = styled_figure(
        title=t("a3.fig.title", lang),
        y_title=t("a3.fig.y", lang),
        source=t("a3.fig.source", lang, real=t(f"a3.fig.real_{source}", lang)),
        lang=lang,
    )
    x = pindex(df).to_timestamp(how="start")
    fig.add_scatter(x=x, y=df["ratio_nominal"], mode="lines", name=t("a3.series.nominal", lang))
    fig.add_scatter(
        x=x, y=df["ratio_real"], mode="lines", name=t("a3.series.real", lang, dollars=dollars)
    )
    shade_episodes(
        fig,
        lang,
        start=x.min(),
        end=pindex(df).max().to_timestamp(how="end"),
        as_of=c.meta["as_of"],
    )
    return AnalysisResult(
        id="A3",
        title=t("a3.title", lang),
        lang=lang,
        tables=(
            Table("a3_episodes", t("a3.table.episodes", lang), ep_tab),
            Table("a3_quarterly", t("a3.table.quarterly", lang), q_tab),
        ),
        figures=(Figure("a3_size_to_gdp", fig),),
        notes=tuple(notes_),
        meta={k: v for k, v in c.meta.items() if k not in ("real_source", "real_chained")},
    )
