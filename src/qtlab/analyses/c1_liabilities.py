"""C1: the liability history: reserves, ON RRP, the Treasury General Account, currency.

Weekly [USD bn], weeks ending Wednesday: reserves (WRESBAL), the TGA (WTREGEN) and
currency in circulation (WCURCIR) are H.4.1 week averages, the TGA's Wednesday level
(WDTGAL) is shown beside its week average, and ON RRP (RRPONTSYD, daily) is averaged over
the same seven calendar days as the H.4.1 does (:func:`qtlab.balance.on_rrp_weekly`). Its
daily record is stated beside the weekly peak. What the data do not hold is shown as a
gap, never filled: the TGA's week average ends 2025-11-19 in the snapshot (its Wednesday
level runs on); each gap is hatched in the figure and stated in the notes.

At each runoff start the whole liability side is shown from the Board's H.4.1 tables
(:mod:`qtlab.analyses._c1_starts`): a table of each line at the start and up to a year
later, and a stacked chart around the start.

Computed once (:func:`compute_c1` over a :class:`~qtlab.runs.RunContext`, so ``as_of``
works), rendered in each language (:func:`render_c1`).
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._c1_starts import STARTS, render_starts, starts
from qtlab.analyses._c1_starts import label as label_of
from qtlab.analyses._figures import shade_episodes
from qtlab.analyses._history_data import (
    WEEK,
    at,
    gap_spans,
    iso,
    week_average_wed,
    window_start,
)
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.balance.identity import on_rrp_weekly
from qtlab.errors import DataError, UnknownSeriesError
from qtlab.i18n import t
from qtlab.present.figures import mark_gap, note_missing, styled_figure
from qtlab.present.tables import dated_usd_table
from qtlab.runs.context import RunContext
from qtlab.schema import USD_BN

__all__ = ["LIABILITY_SERIES", "compute_c1", "liabilities_weekly", "render_c1"]

#: C1's lines and the series each comes from (all [USD bn], weeks ending Wednesday).
LIABILITY_SERIES = {
    "reserves": "WRESBAL",
    "on_rrp": "RRPONTSYD",
    "tga": "WTREGEN",
    "currency": "WCURCIR",
    "tga_wed": "WDTGAL",
}


def liabilities_weekly(ctx: RunContext, start: str = "2014-01-01") -> pd.DataFrame:
    """Reserves, ON RRP, TGA and currency, weekly from ``start`` [USD bn].

    Reserves, TGA and currency are H.4.1 week averages ending Wednesday, ``tga_wed``
    the TGA's Wednesday level; ON RRP is the daily take-up averaged over the same seven
    calendar days, a Friday's take-up carried over the weekend (the H.4.1's own week
    average of reverse repos with others, which this reproduces); a week with no
    operation at all is a gap, not a zero. A series the data do not hold is an
    all-missing column. Index: Wednesdays, to the last week of reserves (when held).
    """
    cols: dict[str, pd.Series] = {}
    for key, sid in LIABILITY_SERIES.items():
        try:
            s = ctx.series(sid)
        except UnknownSeriesError:
            s = pd.Series(dtype="float64")
        if key == "on_rrp" and not s.empty:
            s = on_rrp_weekly(s).where(week_average_wed(s).notna()).dropna()
        cols[key] = s
    frames = [s for s in cols.values() if not s.empty]
    if not frames:
        raise DataError(f"C1: none of {', '.join(LIABILITY_SERIES.values())} is in the data")
    # the window ends with reserves, the H.4.1 core of C1, when they are held: series that
    # run a few weeks further (currency, the TGA's Wednesday level) would otherwise leave
    # every other line with a trailing "gap" that is only an earlier publication cut-off
    core = cols["reserves"]
    end = core.index.max() if not core.empty else max(s.index.max() for s in frames)
    grid = pd.date_range(pd.Timestamp(start), end, freq="W-WED")
    df = pd.DataFrame({k: s.reindex(grid) for k, s in cols.items()}, index=grid)
    df.index.name = "date"
    return df


@analysis("C1", area="liabilities", order=310)
def compute_c1(ctx: RunContext, *, start: str = "2014-01-01") -> Computed:
    """C1: reserves, ON RRP, TGA and currency, weekly [USD bn], gaps kept as gaps.

    Table ``liabilities``: :func:`liabilities_weekly` (Wednesdays; ``reserves``,
    ``on_rrp``, ``tga``, ``currency``, ``tga_wed`` [USD bn]); tables
    ``<episode>_liabilities``: the H.4.1 liability side at each runoff start visible
    (:func:`qtlab.analyses._c1_starts.starts`). Notes: the peaks of reserves, ON RRP and
    the TGA; the 2021-22 stretch in which ON RRP rose while reserves fell before runoff
    began (from the reserves peak of 2021-22 to the last week before June 2022, when
    visible); ON RRP's daily record beside its weekly peak; and every span of every line
    that the data do not cover (also in ``meta["gaps"]``: ``c1.gap.span``).
    """
    start = window_start(ctx, start)
    df = liabilities_weekly(ctx, start)
    first, last = df.index.min(), df.index.max()
    facts: list[Fact] = []
    gaps: list[Fact] = []
    for key, sid in LIABILITY_SERIES.items():
        for a, b in gap_spans(df[key], first, last, max_step=WEEK):
            weeks = round((b - a).days / 7) + 1
            gaps.append(
                Fact(
                    "c1.gap.span",
                    {"series": key, "id": sid, "start": iso(a), "end": iso(b), "weeks": weeks},
                )
            )

    for key in ("reserves", "on_rrp", "tga"):
        s = df[key].dropna()
        if s.empty:
            continue
        facts.append(
            Fact(
                "c1.note.peak",
                {
                    "key": key,
                    "series": key,
                    "date": iso(s.idxmax()),
                    "level": float(s.max()),
                    "latest_date": iso(s.index.max()),
                    "latest": float(s.iloc[-1]),
                },
            )
        )
    stretch = df.loc["2021-01-01":"2022-05-31", ["reserves", "on_rrp"]].dropna()
    if len(stretch) > 1:
        peak = stretch["reserves"].idxmax()
        endw = stretch.index.max()
        if endw > peak:
            facts.append(
                Fact(
                    "c1.note.stretch",
                    {
                        "start": iso(peak),
                        "end": iso(endw),
                        "reserves0": at(stretch, peak, "reserves"),
                        "reserves1": at(stretch, endw, "reserves"),
                        "rrp0": at(stretch, peak, "on_rrp"),
                        "rrp1": at(stretch, endw, "on_rrp"),
                        "d_reserves": at(stretch, endw, "reserves") - at(stretch, peak, "reserves"),
                        "d_rrp": at(stretch, endw, "on_rrp") - at(stretch, peak, "on_rrp"),
                    },
                )
            )
    try:
        daily = ctx.series("RRPONTSYD").loc[first:last]
    except UnknownSeriesError:
        daily = pd.Series(dtype="float64")
    weekly_rrp = df["on_rrp"].dropna()
    if not daily.empty and not weekly_rrp.empty and daily.max() > weekly_rrp.max():
        facts.append(
            Fact(
                "c1.note.rrp_daily",
                {
                    "date": iso(daily.idxmax()),
                    "week": iso(weekly_rrp.idxmax()),
                    "level": float(daily.max()),
                    "weekly": float(weekly_rrp.max()),
                },
            )
        )
    facts.append(Fact("c1.note.rule", {}))
    facts += [
        Fact("c1.note.gap", {k: g.values[k] for k in ("series", "id", "start", "end")})
        for g in gaps
    ]
    st = starts(ctx)
    return Computed(
        id="C1",
        tables={
            "liabilities": tidy(df, dict.fromkeys(LIABILITY_SERIES, USD_BN)),
            **st.tables,
        },
        notes=(*facts, *st.facts),
        series=st.series,
        meta={
            "as_of": ctx.as_of,
            "inputs": [
                *LIABILITY_SERIES.values(),
                *sorted({s for sp in STARTS.values() for s in (*sp.lines, sp.total, *sp.memo)}),
            ],
            "gaps": tuple(gaps),
            "start": start,
            "starts": st.dates,
        },
    )


def _series_name(key: str, lang: str) -> str:
    return t(f"c1.series.{key}", lang)


@renders("C1")
def render_c1(c: Computed, lang: str) -> AnalysisResult:
    """C1 in ``lang``: the weekly table and chart with its gaps marked, and per runoff
    start its table and stacked chart."""
    df = c.table("liabilities")
    first, last = df.index.min(), df.index.max()
    names = {k: _series_name(k, lang) for k in LIABILITY_SERIES}
    gaps: tuple[Fact, ...] = c.meta["gaps"]
    usd = t("common.unit.usd_bn", lang)
    fig = styled_figure(
        title=t("c1.fig.title", lang), y_title=usd, source=t("c1.fig.source", lang), lang=lang
    )
    for key in LIABILITY_SERIES:
        s = df[key]
        fig.add_scatter(
            x=df.index,
            y=s,
            mode="lines",
            name=names[key],
            connectgaps=False,
            visible=True if s.notna().any() else "legendonly",
        )
    shade_episodes(fig, lang, start=first, end=last, as_of=c.meta["as_of"])
    missing = []
    for key, sid in LIABILITY_SERIES.items():
        if df[key].dropna().empty:
            missing.append(t("c1.gap.missing", lang, series=names[key], id=sid))
            continue
        for g in gaps:
            if g.values["series"] != key:
                continue
            a, b = pd.Timestamp(g.values["start"]), pd.Timestamp(g.values["end"])
            if (b - a).days >= 28:
                label = t("c1.gap.short", lang, series=names[key])
                # a span reaching the window's end is labelled from its right edge, so
                # the label stays inside the plot
                where = "bottom right" if b >= last else "bottom left"
                mark_gap(fig, a, b, label, position=where)
    note_missing(fig, missing)
    shown = df.copy()
    shown.attrs = {}
    tab = dated_usd_table(shown, names, lang, t("c1.col.week", lang))
    start_tables, start_figures = render_starts(c, lang)
    notes = notes_of(
        c,
        lang,
        series=names,
        episode=lambda ep: t(f"c1.starts.episode.{ep}", lang),
        table=lambda tb: t(f"c1.starts.table_name.{tb}", lang),
        first=lambda sid: label_of(sid, lang),
    )
    return AnalysisResult(
        id="C1",
        title=t("c1.title", lang),
        lang=lang,
        tables=(Table("c1_liabilities", t("c1.table", lang), tab), *start_tables),
        figures=(Figure("c1_liabilities", fig), *start_figures),
        notes=notes,
        meta={
            **c.meta,
            "gaps": [
                t(g.key, lang, **{**g.values, "series": names[g.values["series"]]}) for g in gaps
            ],
        },
    )
