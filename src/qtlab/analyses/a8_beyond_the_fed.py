"""A8: QT beyond the Fed: the ECB's APP (by programme) and PEPP beside the Fed's QT2.

Levels in the ECB's own currency [EUR bn] (euro-area GDP is not in the data, so no
share of the economy), monthly net purchases or runoff, when each runoff began (found in
the data by :func:`qtlab.analyses._intl_data.runoff_start`, shown beside the ECB's
decisions of ``analyses/ecb_runoff.yaml``), and how fast each stock runs off compared
with the Fed's SOMA securities in QT2, on a common axis of months since the runoff start
in % of each stock's own peak. The rules are in :mod:`qtlab.analyses._intl_data`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses._figures import episodes
from qtlab.analyses._history_data import at, iso, month_end, pindex, soma_frame
from qtlab.analyses._intl_data import (
    APP_KEYS,
    Decision,
    Pace,
    decisions,
    ecb_monthly,
    month_of,
    runoff_pace,
    runoff_start,
)
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note, renders
from qtlab.i18n import t
from qtlab.present.figures import month_x, styled_figure
from qtlab.present.tables import money_text
from qtlab.runs.context import RunContext
from qtlab.schema import (
    EUR_BN,
    EUR_BN_PER_MONTH,
    MONTHS,
    PERCENT_OF_PEAK,
    PERCENT_OF_PEAK_PER_MONTH,
)

__all__ = ["compute_a8", "fed_qt2_pace", "render_a8"]

_STOCKS = {"app": ("app", "app_net"), "pepp": ("pepp", "pepp_net")}


def _money(value: float, lang: str) -> str:
    return money_text(value, lang, "eur")


def fed_qt2_pace(ctx: RunContext) -> Pace | None:
    """The Fed's SOMA securities (weekly summary total at par, last Wednesday of each
    complete month) [USD bn] from the QT2 start (``episodes.yaml``), if announced and
    begun by the vantage date; the end month only once it has passed."""
    qt2 = next(e for e in episodes() if e.id == "qt2")
    cut = pd.Timestamp(ctx.cutoff)
    if ctx.as_of is not None and qt2.announced > cut:
        return None
    total = month_end(soma_frame(ctx, ("total",))["total"])
    total.index = pd.PeriodIndex(total.index, freq="M")
    ended = ctx.as_of is None or qt2.end.end_time < cut
    return runoff_pace(total, qt2.start, qt2.end if ended else None)


def _visible(d: Decision, ctx: RunContext, field: str) -> bool:
    when: pd.Timestamp = getattr(d, f"{field}_announced")
    return ctx.as_of is None or when <= pd.Timestamp(ctx.as_of)


def _avg(flow: pd.Series, first: pd.Period, last: pd.Period) -> tuple[float, int]:
    sub = flow.dropna()
    sub = sub[(sub.index >= first) & (sub.index <= last)]
    return (float(sub.mean()) if len(sub) else float("nan")), len(sub)


@analysis("A8", area="history", order=80)
def compute_a8(ctx: RunContext) -> Computed:
    """A8: the ECB's APP (by programme) and PEPP, their runoff and its pace beside QT2.

    Tables: ``runoff`` (per ECB programme id: peak, runoff start from the data and the
    ECB's decisions, average net purchases per phase, latest stock and fall [EUR bn,
    % of peak]), ``pace`` (APP, PEPP and the Fed in QT2: months of runoff and the fall
    in % of each one's own peak, per month), ``monthly`` (every published month
    [EUR bn]) and ``axis`` (the common-axis paths [% of peak] by months since the
    runoff start). Gaps are catalogue keys with their values.
    """
    qt2 = next(e for e in episodes() if e.id == "qt2")
    df = ecb_monthly(ctx)
    facts: list[Fact] = []
    gaps: list[Fact] = []
    when = ctx.as_of.isoformat() if ctx.as_of else "latest"
    held = ctx.series_ids()
    if not any(s.startswith("ecb.") for s in held):
        gaps.append(Fact("a8.gap.no_series", {}))
    elif df.dropna(how="all").empty:
        gaps.append(Fact("a8.gap.no_data", {"date": when}))

    decs = decisions()
    runoff_rows: list[dict[str, Any]] = []
    pace_rows: list[dict[str, Any]] = []
    paths: dict[str, pd.Series] = {}
    starts: dict[str, pd.Period] = {}
    confirmed_by: dict[str, bool] = {}
    for key, (stock_col, flow_col) in _STOCKS.items():
        stock, flow = df[stock_col].dropna(), df[flow_col].dropna()
        if stock.empty:
            continue
        d = decs[key]
        found = runoff_start(stock, flow)
        start, confirmed = (None, False) if found is None else found
        last = month_of(stock.index.max())
        upto = stock if start is None else stock[stock.index <= start]
        peak_month, peak = month_of(upto.idxmax()), float(upto.max())
        row: dict[str, Any] = {
            "programme": key,
            "last_net": str(d.last_net_purchases) if _visible(d, ctx, "last_net_purchases") else "",
            "peak_month": str(peak_month),
            "peak": peak,
            "start": "" if start is None else str(start),
            "partial_start": str(d.partial_start) if _visible(d, ctx, "partial") else "",
            "full_start": str(d.full_start) if _visible(d, ctx, "full") else "",
            "pace_announced": -d.partial_pace_bn if _visible(d, ctx, "partial") else np.nan,
            "partial_avg": np.nan,
            "full_avg": np.nan,
            "last": str(last),
            "level_last": at(stock, last),
            "decline": peak - at(stock, last),
            "decline_pct": 100.0 * (peak - at(stock, last)) / peak,
        }
        # a value named *_text (and status, agrees) holds what render writes in words
        base = {
            "programme": key,
            "peak_month": str(peak_month),
            "peak": peak,
            "peak_text": peak,
            "last": str(last),
            "last_text": at(stock, last),
        }
        if start is None:
            facts.append(Fact("a8.note.no_runoff", base))
            runoff_rows.append(row)
            continue
        starts[key] = start
        confirmed_by[key] = confirmed
        p = runoff_pace(stock, start)
        facts.append(
            Fact(
                "a8.note.peak",
                {
                    **base,
                    "start": str(start),
                    "confirmed": confirmed,
                    "status": confirmed,
                    "level_last": at(stock, last),
                    "decline_pct": row["decline_pct"],
                },
            )
        )
        if _visible(d, ctx, "partial"):
            facts.append(
                Fact(
                    "a8.note.decision",
                    {
                        "programme": key,
                        "start": str(start),
                        "agrees": start == d.partial_start,
                        "matches": start == d.partial_start,
                        "announced": iso(d.partial_announced),
                        "partial": str(d.partial_start),
                        "full": str(d.full_start) if _visible(d, ctx, "full") else "-",
                    },
                )
            )
            p_end = min(d.partial_end, d.full_start - 1, last)
            avg, n = _avg(flow, d.partial_start, p_end)
            if n:
                row["partial_avg"] = avg
                facts.append(
                    Fact(
                        "a8.note.partial",
                        {
                            "programme": key,
                            "first": str(d.partial_start),
                            "end": str(p_end),
                            "avg": avg,
                            "avg_text": avg,
                            "pace": d.partial_pace_bn,
                            "pace_text": d.partial_pace_bn,
                            "announced": iso(d.partial_announced),
                            "months": n,
                        },
                    )
                )
        if _visible(d, ctx, "full"):
            avg, n = _avg(flow, d.full_start, last)
            if n:
                row["full_avg"] = avg
                facts.append(
                    Fact(
                        "a8.note.full",
                        {
                            "programme": key,
                            "first": str(d.full_start),
                            "months": n,
                            "avg": avg,
                            "avg_text": avg,
                        },
                    )
                )
        runoff_rows.append(row)
        if p is not None:
            paths[key] = p.path_pct
            pace_rows.append(_pace_row(key, "eur", p))
            facts.append(_pace_fact(key, p))

    fed = fed_qt2_pace(ctx)
    if fed is not None:
        paths["fed_qt2"] = fed.path_pct
        pace_rows.append(_pace_row("fed_qt2", "usd", fed))
        facts.append(_pace_fact("fed_qt2", fed))
    else:
        gaps.append(Fact("a8.gap.no_fed", {}))
    facts.append(Fact("a8.note.levels", {}))
    facts.append(Fact("a8.note.rule", {"qt2": str(qt2.start)}))
    refs = [
        {
            "dataset": "qtlab.analyses: ecb_runoff.yaml",
            "source": "ecb",
            "official_id": d.source,
            "series": d.id,
            "vintage": iso(d.partial_announced),
        }
        for d in decs.values()
        if _visible(d, ctx, "partial")
    ]
    return Computed(
        id="A8",
        tables=_tidy_tables(df, runoff_rows, pace_rows, paths),
        notes=tuple(facts),
        # the figures draw the sums as computed; the table rounds them to the million
        series={"starts": starts, "monthly": df},
        meta={
            "as_of": ctx.as_of,
            "inputs": ["ecb.app.*", "ecb.pepp.*", "soma.total"],
            "gaps": tuple(gaps),
            "references": refs,
            "runoff_start": {k: str(v) for k, v in starts.items()},
            "runoff_confirmed": confirmed_by,
        },
    )


def _pace_row(key: str, currency: str, p: Pace) -> dict[str, Any]:
    return {
        "programme": key,
        "start": str(p.start),
        "currency": currency,
        "months": p.months,
        "decline_pct": p.decline_pct,
        "per12": np.nan if p.per_month_12_pct is None else p.per_month_12_pct,
        "per_all": p.per_month_pct,
    }


def _pace_fact(key: str, p: Pace) -> Fact:
    return Fact(
        "a8.note.pace",
        {
            "programme": key,
            "months": p.months,
            "start": str(p.start),
            "per_all": p.per_month_pct,
            "per12": p.per_month_12_pct,
            "per12_text": p.per_month_12_pct,
            "decline_pct": p.decline_pct,
            "last": str(p.last),
        },
    )


_R_COLS = (
    "programme",
    "last_net",
    "peak_month",
    "peak",
    "start",
    "partial_start",
    "full_start",
    "pace_announced",
    "partial_avg",
    "full_avg",
    "last",
    "level_last",
    "decline",
    "decline_pct",
)
_P_COLS = ("programme", "start", "currency", "months", "decline_pct", "per12", "per_all")


def _tidy_tables(
    df: pd.DataFrame,
    runoff_rows: list[dict[str, Any]],
    pace_rows: list[dict[str, Any]],
    paths: dict[str, pd.Series],
) -> dict[str, pd.DataFrame]:
    r_units = {
        "peak": EUR_BN,
        "pace_announced": EUR_BN_PER_MONTH,
        "partial_avg": EUR_BN_PER_MONTH,
        "full_avg": EUR_BN_PER_MONTH,
        "level_last": EUR_BN,
        "decline": EUR_BN,
        "decline_pct": PERCENT_OF_PEAK,
    }
    p_units = {
        "months": MONTHS,
        "decline_pct": PERCENT_OF_PEAK,
        "per12": PERCENT_OF_PEAK_PER_MONTH,
        "per_all": PERCENT_OF_PEAK_PER_MONTH,
    }
    # sums of figures published to the million: rounded to it (EUR bn, 3 decimals)
    monthly = df.round(3).rename_axis("month")
    m_units = dict.fromkeys((*APP_KEYS, "app", "pepp"), EUR_BN)
    m_units |= dict.fromkeys(("app_net", "app_adj", "pepp_net"), EUR_BN_PER_MONTH)
    axis = pd.DataFrame(paths).rename_axis("months_since_start")
    return {
        "runoff": tidy(pd.DataFrame(runoff_rows, columns=list(_R_COLS)), r_units),
        "pace": tidy(pd.DataFrame(pace_rows, columns=list(_P_COLS)), p_units),
        "monthly": tidy(monthly, {k: v for k, v in m_units.items() if k in monthly.columns}),
        "axis": tidy(axis, dict.fromkeys(paths, PERCENT_OF_PEAK)),
    }


def _note(f: Fact, lang: str, prog: dict[str, str]) -> Note:
    """A note of A8 in ``lang``: programme ids named; a value named ``*_text`` holds an
    amount [EUR bn] written in words here, ``status`` and ``agrees`` a flag."""
    v = dict(f.values)
    if "programme" in v:
        v["programme"] = prog[v["programme"]]
    for k in ("peak_text", "last_text", "avg_text", "pace_text"):
        if k in v:
            v[k] = _money(v[k], lang)
    if "status" in v:
        v["status"] = t(f"a8.note.status.{'confirmed' if v['status'] else 'provisional'}", lang)
    if "agrees" in v:
        v["agrees"] = t("a8.note.agrees" if v["agrees"] else "a8.note.differs", lang)
    if "per12_text" in v:
        v["per12_text"] = (
            t("a8.note.first12_na", lang)
            if v["per12_text"] is None
            else t("a8.note.first12", lang, per12=v["per12_text"])
        )
    return note(f.key, lang, **v)


@renders("A8")
def render_a8(c: Computed, lang: str) -> AnalysisResult:
    """A8 in ``lang``: the four tables with translated headers and programme names, the
    holdings, net purchases and common-axis figures."""
    eur = t("intl.unit.eur_bn", lang)
    eur_m = t("intl.unit.eur_bn_per_month", lang)
    pct = t("common.unit.percent", lang)
    pct_peak = t("intl.unit.pct_peak", lang)
    pct_pm = t("intl.unit.pct_peak_per_month", lang)
    prog = {k: t(f"a8.prog.{k}", lang) for k in (*APP_KEYS, "app", "pepp", "fed_qt2")}
    units = {
        "peak": eur,
        "pace_announced": eur_m,
        "partial_avg": eur_m,
        "full_avg": eur_m,
        "level_last": eur,
        "decline": eur,
        "decline_pct": pct_peak,
    }
    runoff = c.table("runoff")
    runoff = runoff.assign(programme=[prog[k] for k in runoff["programme"]]).rename(
        columns={k: t(f"a8.col.{k}", lang, unit=units.get(k, "")) for k in _R_COLS}
    )
    runoff.attrs = {}
    p_units = {"decline_pct": pct_peak, "per12": pct_pm, "per_all": pct_pm}
    pace = c.table("pace")
    pace = pace.assign(
        programme=[prog[k] for k in pace["programme"]],
        currency=[t(f"a8.currency.{k}", lang) for k in pace["currency"]],
    ).rename(
        columns={
            k: t(
                f"a8.col.{k}" if k != "start" else "a8.col.pace_start",
                lang,
                unit=p_units.get(k, ""),
            )
            for k in _P_COLS
        }
    )
    pace.attrs = {}
    df = c.table("monthly")
    monthly = df.rename(
        columns={
            **{
                k: t("a8.col.holdings", lang, name=prog[k], unit=eur)
                for k in (*APP_KEYS, "app", "pepp")
            },
            "app_net": t("a8.col.app_net", lang, unit=eur_m),
            "app_adj": t("a8.col.app_adj", lang, unit=eur_m),
            "pepp_net": t("a8.col.pepp_net", lang, unit=eur_m),
        }
    )
    monthly.attrs = {}
    monthly.index = [str(m) for m in df.index]
    monthly.index.name = t("a8.col.month", lang)
    paths = c.table("axis")
    axis = paths.rename(
        columns={k: t("history.col_unit", lang, name=prog[k], unit=pct) for k in paths.columns}
    )
    axis = axis.rename_axis(t("a8.col.since", lang))
    axis.attrs = {}
    tables = (
        Table("a8_runoff", t("a8.table.runoff", lang), runoff),
        Table("a8_pace", t("a8.table.pace", lang), pace),
        Table("a8_monthly", t("a8.table.monthly", lang), monthly),
        Table("a8_axis", t("a8.table.axis", lang), axis),
    )
    figures = _figures(
        c.series["monthly"],
        c.series["starts"],
        {k: paths[k] for k in paths.columns},
        prog,
        lang,
        eur,
        eur_m,
    )
    return AnalysisResult(
        id="A8",
        title=t("a8.title", lang),
        lang=lang,
        tables=tables,
        figures=figures,
        notes=tuple(_note(f, lang, prog) for f in c.notes),
        meta={**c.meta, "gaps": [t(g.key, lang, **g.values) for g in c.meta["gaps"]]},
    )


def _figures(
    df: pd.DataFrame,
    starts: dict[str, pd.Period],
    paths: dict[str, pd.Series],
    prog: dict[str, str],
    lang: str,
    eur: str,
    eur_m: str,
) -> tuple[Figure, ...]:
    x = pindex(df).to_timestamp(how="end").normalize() if len(df) else pd.DatetimeIndex([])
    hold = styled_figure(
        title=t("a8.fig.holdings.title", lang),
        y_title=eur,
        source=t("a8.fig.holdings.source", lang),
        lang=lang,
    )
    for k in APP_KEYS:
        hold.add_scatter(x=x, y=df[k], mode="lines", stackgroup="app", name=prog[k])
    hold.add_scatter(x=x, y=df["pepp"], mode="lines", name=prog["pepp"], line={"width": 3})
    net = styled_figure(
        title=t("a8.fig.net.title", lang),
        y_title=eur_m,
        source=t("a8.fig.net.source", lang),
        lang=lang,
    )
    # net purchases are flows over their month: each bar centred on its month (at the
    # month's end it was drawn over the next month's first half); holdings stay month-end
    mid = pd.DatetimeIndex(month_x(pindex(df))) if len(df) else pd.DatetimeIndex([])
    net.add_bar(x=mid, y=df["app_net"], name=t("a8.short.app", lang))
    net.add_bar(x=mid, y=df["pepp_net"], name=t("a8.short.pepp", lang))
    net.update_layout(barmode="relative")
    for fig in (hold, net):
        _mark_starts(fig, starts, lang)
    pace = styled_figure(
        title=t("a8.fig.pace.title", lang),
        y_title=t("a8.fig.pace.y", lang),
        x_title=t("a8.col.since", lang),
        source=t("a8.fig.pace.source", lang),
        lang=lang,
    )
    for k, s in paths.items():
        pace.add_scatter(
            x=list(s.index),
            y=s.to_numpy(),
            mode="lines",
            name=prog[k],
            line={"dash": "dash"} if k == "fed_qt2" else {},
        )
    pace.update_layout(hovermode="x unified")
    figs = [Figure("a8_holdings", hold), Figure("a8_net_purchases", net)]
    if paths:  # nothing has run off by the vantage date: no empty chart
        figs.append(Figure("a8_pace", pace))
    return tuple(figs)


def _mark_starts(fig: go.Figure, starts: dict[str, pd.Period], lang: str) -> None:
    for i, (k, m) in enumerate(starts.items()):
        fig.add_vline(
            x=m.start_time,
            line={"color": "rgba(198, 40, 40, 0.7)", "dash": "dot", "width": 1},
        )
        fig.add_annotation(
            x=m.start_time,
            xref="x",
            y=1.0 - 0.07 * i,
            yref="paper",
            text=t("a8.fig.start", lang, programme=t(f"a8.short.{k}", lang), month=str(m)),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 11, "color": "#8b1a1a"},
        )
