"""C1: the liability history: reserves, ON RRP, the Treasury General Account, currency.

Weekly [USD bn]. What the data do not hold is shown as a gap, never filled:
the Treasury General Account file of the snapshot ends 2024-06-26 (and starts
2013-06-05), and currency in circulation (H.4.1 WCURCIR) is not in the snapshot
at all. Each gap is hatched in the figure and stated in the notes; a store filled
by ``qtlab data update`` closes them.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import mark_gap, note_missing, shade_episodes, styled_figure
from qtlab.analyses._history_data import (
    WEEK,
    at,
    gap_spans,
    iso,
    week_average_wed,
    window_start,
)
from qtlab.analyses._tables import dated_usd_table
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.errors import DataError, UnknownSeriesError
from qtlab.i18n import t
from qtlab.store.dataset import Dataset

__all__ = ["LIABILITY_SERIES", "liabilities_weekly", "liability_history"]

#: C1's lines and the series each comes from (all [USD bn], weeks ending Wednesday).
LIABILITY_SERIES = {
    "reserves": "WRESBAL",
    "on_rrp": "RRPONTSYD",
    "tga": "WTREGEN",
    "currency": "WCURCIR",
}


def liabilities_weekly(ds: Dataset, start: str = "2014-01-01") -> pd.DataFrame:
    """Reserves, ON RRP, TGA and currency, weekly from ``start`` [USD bn].

    Reserves, TGA and currency are H.4.1 week averages ending Wednesday; ON RRP
    is the mean of the daily take-up in the same weeks (days with no operation
    are absent at the source, so a week with none is a gap, not a zero). A
    series the data do not hold is an all-missing column. Index: Wednesdays.
    """
    cols: dict[str, pd.Series] = {}
    for key, sid in LIABILITY_SERIES.items():
        try:
            s = ds.series(sid)
        except UnknownSeriesError:
            s = pd.Series(dtype="float64")
        if key == "on_rrp" and not s.empty:
            s = week_average_wed(s)
        cols[key] = s
    frames = [s for s in cols.values() if not s.empty]
    if not frames:
        raise DataError("C1: none of WRESBAL, RRPONTSYD, WTREGEN, WCURCIR is in the data")
    end = max(s.index.max() for s in frames)
    grid = pd.date_range(pd.Timestamp(start), end, freq="W-WED")
    df = pd.DataFrame({k: s.reindex(grid) for k, s in cols.items()}, index=grid)
    df.index.name = "date"
    return df


@analysis("C1", area="liabilities", order=310)
def liability_history(
    ds: Dataset, *, lang: str = "en", start: str = "2014-01-01"
) -> AnalysisResult:
    """C1: reserves, ON RRP, TGA and currency, weekly [USD bn], gaps marked.

    Notes: the peaks of reserves and ON RRP; the 2021-22 stretch in which ON RRP
    rose while reserves fell before runoff began (from the reserves peak of
    2021-22 to the last week before June 2022, when visible); and every span of
    every line that the data do not cover.
    """
    start = window_start(ds, start)
    df = liabilities_weekly(ds, start)
    first, last = df.index.min(), df.index.max()
    names = {k: t(f"c1.series.{k}", lang) for k in LIABILITY_SERIES}
    notes_: list[Note] = []
    gaps: list[str] = []
    spans: dict[str, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for key, sid in LIABILITY_SERIES.items():
        sp = gap_spans(df[key], first, last, max_step=WEEK)
        spans[key] = sp
        for a, b in sp:
            text = t(
                "c1.gap.span",
                lang,
                series=names[key],
                id=sid,
                start=iso(a),
                end=iso(b),
                weeks=round((b - a).days / 7) + 1,
            )
            gaps.append(text)

    for key in ("reserves", "on_rrp", "tga"):
        s = df[key].dropna()
        if s.empty:
            continue
        notes_.append(
            note(
                "c1.note.peak",
                lang,
                series=names[key],
                date=iso(s.idxmax()),
                level=float(s.max()),
                latest_date=iso(s.index.max()),
                latest=float(s.iloc[-1]),
            )
        )
    stretch = df.loc["2021-01-01":"2022-05-31", ["reserves", "on_rrp"]].dropna()
    if len(stretch) > 1:
        peak = stretch["reserves"].idxmax()
        endw = stretch.index.max()
        if endw > peak:
            notes_.append(
                note(
                    "c1.note.stretch",
                    lang,
                    start=iso(peak),
                    end=iso(endw),
                    reserves0=at(stretch, peak, "reserves"),
                    reserves1=at(stretch, endw, "reserves"),
                    rrp0=at(stretch, peak, "on_rrp"),
                    rrp1=at(stretch, endw, "on_rrp"),
                    d_reserves=at(stretch, endw, "reserves") - at(stretch, peak, "reserves"),
                    d_rrp=at(stretch, endw, "on_rrp") - at(stretch, peak, "on_rrp"),
                )
            )
    notes_.append(note("c1.note.rule", lang))
    for key, sid in LIABILITY_SERIES.items():
        for a, b in spans[key]:
            notes_.append(
                note(
                    "c1.note.gap",
                    lang,
                    series=names[key],
                    id=sid,
                    start=iso(a),
                    end=iso(b),
                )
            )

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
    shade_episodes(fig, lang, start=first, end=last, as_of=ds.as_of)
    missing = []
    for key, sid in LIABILITY_SERIES.items():
        if df[key].dropna().empty:
            missing.append(t("c1.gap.missing", lang, series=names[key], id=sid))
            continue
        for a, b in spans[key]:
            if (b - a).days >= 28:
                label = t("c1.gap.short", lang, series=names[key])
                mark_gap(fig, a, b, label, position="bottom left")
    note_missing(fig, missing)
    tab = dated_usd_table(df, names, lang, t("c1.col.week", lang))
    return AnalysisResult(
        id="C1",
        title=t("c1.title", lang),
        lang=lang,
        tables=(Table("c1_liabilities", t("c1.table", lang), tab),),
        figures=(Figure("c1_liabilities", fig),),
        notes=tuple(notes_),
        meta={
            "as_of": ds.as_of,
            "inputs": list(LIABILITY_SERIES.values()),
            "gaps": gaps,
            "start": start,
        },
    )
