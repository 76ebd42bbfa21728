"""A1: the 2013-14 and 2021-22 tapers compared, from weekly SOMA holdings.

Computed once (:func:`compute_a1` over a :class:`~qtlab.runs.RunContext`, so
``as_of`` works), rendered in each language (:func:`render_a1`).
Units: USD billions per month, calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd
import yaml

from qtlab.analyses._figures import shade_episodes
from qtlab.analyses._history_data import (
    SOMA_TREASURY_KINDS,
    at,
    month_end,
    pindex,
    soma_frame,
    vantage,
)
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.i18n import t
from qtlab.present.figures import month_x, styled_figure
from qtlab.present.tables import headers
from qtlab.runs.context import RunContext
from qtlab.schema import MONTHS, USD_BN_PER_MONTH

__all__ = ["Taper", "compute_a1", "monthly_net_purchases", "render_a1", "tapers"]


@dataclass(frozen=True)
class Taper:
    """A taper of asset purchases as policy events (``analyses/tapers.yaml``)."""

    id: str
    announced: pd.Timestamp
    first_reduced: pd.Period
    last_purchase: pd.Period
    runoff_start: pd.Period
    source: str


@cache
def tapers() -> tuple[Taper, ...]:
    """The packaged tapers (2013-14 and 2021-22), each citing its FOMC statements."""
    doc = yaml.safe_load(
        (resources.files("qtlab.analyses") / "tapers.yaml").read_text(encoding="utf-8")
    )
    return tuple(
        Taper(
            id=d["id"],
            announced=pd.Timestamp(d["announced"]),
            first_reduced=pd.Period(d["first_reduced"], freq="M"),
            last_purchase=pd.Period(d["last_purchase"], freq="M"),
            runoff_start=pd.Period(d["runoff_start"], freq="M"),
            source=" ".join(str(d["source"]).split()),
        )
        for d in doc["tapers"]
    )


def monthly_net_purchases(ctx: RunContext) -> pd.DataFrame:
    """Monthly net purchases of Treasuries and MBS [USD bn per month].

    The change in SOMA holdings at par (NY Fed weekly summary) from one month end
    (last Wednesday of the month) to the next: Treasuries = bills + notes and
    bonds + TIPS (without inflation compensation) + FRNs; MBS = agency MBS at
    current face value (so MBS paydowns that were not reinvested count as
    negative). Columns ``treasury``, ``mbs``, ``total``; index ``Period[M]``.
    The first month has no change and is dropped.
    """
    df = soma_frame(ctx, [*SOMA_TREASURY_KINDS, "mbs"])
    levels = pd.DataFrame(
        {"treasury": df[list(SOMA_TREASURY_KINDS)].sum(axis=1, min_count=4), "mbs": df["mbs"]}
    )
    net = month_end(levels).diff().iloc[1:]
    net["total"] = net["treasury"] + net["mbs"]
    return net


def _taper_row(tp: Taper, net: pd.DataFrame) -> dict[str, object]:
    before = net.loc[(net.index >= tp.first_reduced - 3) & (net.index <= tp.first_reduced - 1)]
    full_t = float(before["treasury"].mean()) if len(before) == 3 else float("nan")
    full_m = float(before["mbs"].mean()) if len(before) == 3 else float("nan")
    last = net.loc[net.index == tp.last_purchase]
    return {
        "taper": tp.id,
        "announced": tp.announced,
        "first_reduced": tp.first_reduced,
        "last_purchase": tp.last_purchase,
        "full_treasury": full_t,
        "full_mbs": full_m,
        "last_total": float(last["total"].iloc[0]) if len(last) else float("nan"),
        "taper_months": (tp.last_purchase - tp.first_reduced).n + 1,
        "runoff_start": tp.runoff_start,
        "gap_months": (tp.runoff_start - tp.last_purchase).n,
    }


_A1_TAPER_UNITS = {
    "full_treasury": USD_BN_PER_MONTH,
    "full_mbs": USD_BN_PER_MONTH,
    "last_total": USD_BN_PER_MONTH,
    "taper_months": MONTHS,
    "gap_months": MONTHS,
}


@analysis("A1", area="history", order=10)
def compute_a1(ctx: RunContext) -> Computed:
    """A1: the 2013-14 and 2021-22 tapers compared, from weekly SOMA holdings.

    Tables: ``tapers`` (one row per taper id: announcement day, first reduced, last
    purchase and runoff start months, full pace [USD bn per month] = mean net purchases
    in the three months before the first reduced month, taper length and months from
    the last purchase month to runoff [months]) and ``net_purchases`` (monthly net
    purchases of Treasuries, MBS and their total [USD bn per month], by month).
    Tapers announced after the vantage date are left out; a note about the end of a
    taper or the start of runoff only once the vantage date has seen it.
    """
    net = monthly_net_purchases(ctx)
    cut = vantage(ctx)
    visible = [tp for tp in tapers() if cut is None or tp.announced <= cut]
    rows, facts = [], []
    for tp in visible:
        r = _taper_row(tp, net)
        rows.append(r)
        ended = cut is None or tp.last_purchase.end_time <= cut
        started = cut is None or tp.runoff_start.start_time <= cut
        facts.append(
            Fact(
                "a1.note.pace",
                {
                    "taper": tp.id,
                    "treasury": r["full_treasury"],
                    "mbs": r["full_mbs"],
                    "first": str(r["first_reduced"]),
                },
            )
        )
        if ended:
            facts.append(
                Fact(
                    "a1.note.length",
                    {"taper": tp.id, "months": r["taper_months"], "last": str(tp.last_purchase)},
                )
            )
        if ended and started:
            facts.append(
                Fact(
                    "a1.note.gap",
                    {
                        "taper": tp.id,
                        "months": r["gap_months"],
                        "last": str(tp.last_purchase),
                        "start": str(tp.runoff_start),
                    },
                )
            )
    peak_month = net["total"].idxmax()
    facts.append(
        Fact(
            "a1.note.peak",
            {
                "month": str(peak_month),
                "total": float(net["total"].max()),
                "treasury": at(net, peak_month, "treasury"),
                "mbs": at(net, peak_month, "mbs"),
            },
        )
    )
    facts.append(Fact("a1.note.rule", {}))
    taper_tab = pd.DataFrame(rows, columns=list(_A1_TAPER_ROW))
    net_tab = net.rename_axis("month")
    return Computed(
        id="A1",
        tables={
            "tapers": tidy(taper_tab, _A1_TAPER_UNITS),
            "net_purchases": tidy(net_tab, dict.fromkeys(net_tab.columns, USD_BN_PER_MONTH)),
        },
        notes=tuple(facts),
        meta={
            "as_of": ctx.as_of,
            "inputs": [f"soma.{k}" for k in (*SOMA_TREASURY_KINDS, "mbs")],
            "monthly_rule": "month end (last Wednesday)",
            "sources": [tp.source for tp in visible],
            "references": [
                {
                    "dataset": "qtlab.analyses: tapers.yaml",
                    "source": "fomc",
                    "official_id": tp.source,
                    "series": tp.id,
                    "vintage": tp.announced.date().isoformat(),
                }
                for tp in visible
            ],
        },
    )


_A1_TAPER_ROW = (
    "taper",
    "announced",
    "first_reduced",
    "last_purchase",
    "full_treasury",
    "full_mbs",
    "last_total",
    "taper_months",
    "runoff_start",
    "gap_months",
)


@renders("A1")
def render_a1(c: Computed, lang: str) -> AnalysisResult:
    """A1 in ``lang``: the two tables with translated headers, the figures of monthly net
    purchases (QE/QT episodes shaded) and of the two taper paths on a common axis."""
    net = c.table("net_purchases")
    u = t("common.unit.usd_bn_per_month", lang)
    cols = {k: t(f"a1.col.{k}", lang, unit=u) for k in ("treasury", "mbs", "total")}
    net_tab = net.rename(columns=cols)
    net_tab.attrs = {}
    net_tab.index = net_tab.index.astype(str)
    net_tab.index.name = t("common.month", lang)

    taps = c.table("tapers")
    names = {tp: t(f"a1.taper.{tp}", lang) for tp in taps["taper"]}
    shown = pd.DataFrame(
        {
            "taper": [names[x] for x in taps["taper"]],
            "announced": [d.date().isoformat() for d in taps["announced"]],
            **{k: taps[k].astype(str) for k in ("first_reduced", "last_purchase")},
            **{k: taps[k] for k in ("full_treasury", "full_mbs", "last_total", "taper_months")},
            "runoff_start": taps["runoff_start"].astype(str),
            "gap_months": taps["gap_months"],
        },
        columns=list(_A1_TAPER_ROW),
    )
    taper_tab = shown.rename(columns=headers("a1.tcol", _A1_TAPER_ROW, lang, unit=u))
    notes_ = notes_of(c, lang, taper=names)

    fig = styled_figure(
        title=t("a1.fig.net.title", lang),
        y_title=u,
        source=t("a1.fig.net.source", lang),
        lang=lang,
    )
    since = net.loc[net.index >= pd.Period("2007-01", freq="M")]  # from the eve of QE1
    x = pd.DatetimeIndex(month_x(pindex(since)))  # each month's bar over its month
    fig.add_bar(x=x, y=since["treasury"], name=t("a1.series.treasury", lang))
    fig.add_bar(x=x, y=since["mbs"], name=t("a1.series.mbs", lang))
    fig.update_layout(barmode="relative", bargap=0.05)
    shade_episodes(fig, lang, start=x.min(), end=x.max(), as_of=c.meta["as_of"])

    path_fig = styled_figure(
        title=t("a1.fig.paths.title", lang),
        y_title=u,
        x_title=t("a1.fig.paths.x", lang),
        source=t("a1.fig.net.source", lang),
        lang=lang,
    )
    for tp, first in zip(taps["taper"], taps["first_reduced"], strict=True):
        window = net.loc[(net.index >= first - 6) & (net.index <= first + 15)]
        rel = [(p - first).n for p in window.index]
        path_fig.add_scatter(x=rel, y=window["total"], mode="lines+markers", name=names[tp])
    path_fig.add_vline(x=0, line_dash="dot", line_color="#777")
    # the page shows the months of each taper (two before it to two after), not 2026
    months = pindex(net)
    taper_rows = tuple(
        i
        for first, last in zip(taps["first_reduced"], taps["last_purchase"], strict=True)
        for i in range(len(months))
        if first - 2 <= months[i] <= last + 2
    )
    return AnalysisResult(
        id="A1",
        title=t("a1.title", lang),
        lang=lang,
        tables=(
            Table("a1_tapers", t("a1.table.tapers", lang), taper_tab),
            Table("a1_net_purchases", t("a1.table.net", lang), net_tab, excerpt=taper_rows),
        ),
        figures=(Figure("a1_net_purchases", fig), Figure("a1_taper_paths", path_fig)),
        notes=tuple(notes_),
        meta=c.meta,
    )
