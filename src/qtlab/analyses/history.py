"""History analyses A1 (tapers), A3 (size relative to GDP) and A4 (asset decomposition).

Each function is pure over a :class:`~qtlab.store.Dataset` (so ``as_of`` works)
and returns an :class:`~qtlab.analyses.result.AnalysisResult` in one language.
Units: USD billions, percent, calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd
import yaml

from qtlab.analyses._figures import episodes, shade_episodes, styled_figure
from qtlab.analyses._history_data import (
    SOMA_TREASURY_KINDS,
    at,
    dindex,
    iso,
    month_end,
    pindex,
    quarter_end,
    soma_frame,
    vantage,
    window_start,
)
from qtlab.analyses._real_gdp import real_gdp
from qtlab.analyses._tables import dated_usd_table, headers
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.runs.context import RunContext
from qtlab.schema import MONTHS, PERCENT, USD_BN, USD_BN_PER_MONTH

__all__ = [
    "ASSET_COMPONENTS",
    "Taper",
    "compute_a1",
    "compute_a3",
    "compute_a4",
    "monthly_net_purchases",
    "render_a1",
    "render_a3",
    "render_a4",
    "tapers",
]

_SRC_SOMA = "NY Fed SOMA"


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


# --- A1 ------------------------------------------------------------------------------
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
    x = pindex(since).to_timestamp(how="start")
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
    return AnalysisResult(
        id="A1",
        title=t("a1.title", lang),
        lang=lang,
        tables=(
            Table("a1_tapers", t("a1.table.tapers", lang), taper_tab),
            Table("a1_net_purchases", t("a1.table.net", lang), net_tab),
        ),
        figures=(Figure("a1_net_purchases", fig), Figure("a1_taper_paths", path_fig)),
        notes=tuple(notes_),
        meta=c.meta,
    )


# --- A3 ------------------------------------------------------------------------------
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


# --- A4 ------------------------------------------------------------------------------
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
        legend={
            "orientation": "v",
            "x": 1.01,
            "y": 1.0,
            "xanchor": "left",
            "yanchor": "top",
            "traceorder": "reversed",
            "font": {"size": 12},
        },
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
