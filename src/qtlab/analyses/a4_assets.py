"""A4: the asset side of the Fed's balance sheet by kind, weekly.

Computed once (:func:`compute_a4` over a :class:`~qtlab.runs.RunContext`, so
``as_of`` works), rendered in each language (:func:`render_a4`).
Units: USD billions.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import shade_episodes
from qtlab.analyses._history_data import (
    at,
    iso,
    soma_frame,
)
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.present.figures import legend_right, styled_figure
from qtlab.present.tables import dated_usd_table
from qtlab.runs.context import RunContext
from qtlab.schema import USD_BN

__all__ = ["ASSET_COMPONENTS", "compute_a4", "render_a4"]

#: A4's stack, bottom to top: SOMA kinds (par; TIPS with inflation compensation) and the rest.
ASSET_COMPONENTS = ("bills", "notes_bonds", "tips", "frn", "mbs", "agency", "cmbs", "other")


def _changes(parts: pd.DataFrame) -> Fact:
    """What changed since the previous data: total assets, Treasuries and MBS over the
    latest week and over the latest 13 weeks (a quarter) [USD bn]."""
    treasury = parts[["bills", "notes_bonds", "tips", "frn"]].sum(axis=1)
    frame = pd.DataFrame(
        {"total": parts["total_assets"], "treasury": treasury, "mbs": parts["mbs"]}
    ).sort_index()
    last, prev = frame.index[-1], frame.index[-2]
    back = frame.index[max(len(frame) - 14, 0)]
    week = frame.loc[last] - frame.loc[prev]
    quarter = frame.loc[last] - frame.loc[back]
    return Fact(
        "a4.note.changes",
        {
            "date": iso(last),
            "prev": iso(prev),
            "since": iso(back),
            "d_total": float(week["total"]),
            "d_treasury": float(week["treasury"]),
            "d_mbs": float(week["mbs"]),
            "q_total": float(quarter["total"]),
            "q_treasury": float(quarter["treasury"]),
            "q_mbs": float(quarter["mbs"]),
        },
    )


@analysis("A4", area="history", order=40)
def compute_a4(ctx: RunContext) -> Computed:
    """A4: the asset side by kind, weekly [USD bn].

    SOMA holdings from the NY Fed weekly summary (par; TIPS including inflation
    compensation; MBS and CMBS at current face value) and everything else =
    total assets (H.4.1 WALCL) minus SOMA holdings: loans, liquidity facilities,
    repo, unamortized premiums and discounts, and other assets. Weeks where
    both sources report (Wednesdays). Table ``assets``: one column per component
    of :data:`ASSET_COMPONENTS` and ``total_assets`` [USD bn], indexed by date.
    """
    soma = soma_frame(
        ctx, ["bills", "notes_bonds", "tips", "tips_inflation_comp", "frn", "mbs", "agency", "cmbs"]
    )
    walcl = ctx.series("WALCL")
    df = soma.join(walcl.rename("total_assets"), how="inner").dropna()
    if df.empty:
        raise DataError("A4: no Wednesday on which both the SOMA summary and WALCL report")
    parts = pd.DataFrame(index=df.index)
    parts["bills"] = df["bills"]
    parts["notes_bonds"] = df["notes_bonds"]
    parts["tips"] = df["tips"] + df["tips_inflation_comp"]
    for k in ("frn", "mbs", "agency", "cmbs"):
        parts[k] = df[k]
    soma_total = parts.sum(axis=1)
    parts["other"] = df["total_assets"] - soma_total
    parts["total_assets"] = df["total_assets"]

    last = parts.index.max()
    peak = parts["total_assets"].idxmax()
    other_peak = parts["other"].idxmax()
    facts = (
        Fact("a4.note.peak", {"date": iso(peak), "total": at(parts, peak, "total_assets")}),
        Fact(
            "a4.note.latest",
            {
                "date": iso(last),
                "total": at(parts, last, "total_assets"),
                "treasury": sum(
                    at(parts, last, k) for k in ("bills", "notes_bonds", "tips", "frn")
                ),
                "mbs": at(parts, last, "mbs"),
                "bills_share": 100 * at(parts, last, "bills") / at(parts, last, "total_assets"),
                "other": at(parts, last, "other"),
            },
        ),
        _changes(parts),
        Fact(
            "a4.note.other_peak",
            {"date": iso(other_peak), "other": at(parts, other_peak, "other")},
        ),
        Fact("a4.note.rule", {}),
    )
    assets = parts.rename_axis("date")
    return Computed(
        id="A4",
        tables={"assets": tidy(assets, dict.fromkeys(assets.columns, USD_BN))},
        notes=facts,
        meta={
            "as_of": ctx.as_of,
            "inputs": ["WALCL", *(f"soma.{k}" for k in soma.columns)],
        },
    )


@renders("A4")
def render_a4(c: Computed, lang: str) -> AnalysisResult:
    """A4 in ``lang``: the stacked asset figure (episodes shaded) and the weekly table."""
    parts = c.table("assets")
    notes_ = notes_of(c, lang)
    last = parts.index.max()
    usd = t("common.unit.usd_bn", lang)
    names = {k: t(f"a4.series.{k}", lang) for k in (*ASSET_COMPONENTS, "total_assets")}
    fig = styled_figure(
        title=t("a4.fig.title", lang), y_title=usd, source=t("a4.fig.source", lang), lang=lang
    )
    for k in ASSET_COMPONENTS:
        fig.add_scatter(
            x=parts.index,
            y=parts[k],
            name=names[k],
            mode="lines",
            stackgroup="assets",
            line={"width": 0.5},
        )
    fig.add_scatter(
        x=parts.index,
        y=parts["total_assets"],
        name=names["total_assets"],
        mode="lines",
        line={"color": "#111", "width": 1.5, "dash": "dot"},
    )
    # nine series: a legend on the right, top to bottom in the order of the stack
    fig.update_layout(
        legend=legend_right(),
        margin={"r": 250},
    )
    shade_episodes(fig, lang, start=parts.index.min(), end=last, as_of=c.meta["as_of"])
    tab = dated_usd_table(parts, names, lang, t("common.date", lang))
    tab.attrs = {}
    return AnalysisResult(
        id="A4",
        title=t("a4.title", lang),
        lang=lang,
        tables=(Table("a4_assets", t("a4.table", lang), tab),),
        figures=(Figure("a4_assets", fig),),
        notes=notes_,
        meta=c.meta,
    )
