"""A7: the 30-year mortgage rate and the 10-year Treasury yield.

Computed once (:func:`compute_a7` over a :class:`~qtlab.runs.RunContext`, so
``as_of`` works), rendered in each language (:func:`render_a7`).
Units: percent, percentage points.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import shade_episodes
from qtlab.analyses._history_data import dindex, iso
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import DataError, SpecError, UnknownSeriesError
from qtlab.i18n import t
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.schema import PERCENT, PERCENTAGE_POINTS

__all__ = ["compute_a7", "highest_since", "render_a7"]


def highest_since(s: pd.Series) -> pd.Timestamp | None:
    """The date of the last observation before the latest one at or above the latest level.

    None when the latest level is the highest in the whole series.
    """
    s = s.dropna()
    level = s.iloc[-1]
    earlier = s.iloc[:-1]
    at_or_above = earlier[earlier >= level]
    return None if at_or_above.empty else pd.Timestamp(at_or_above.index.max())


@analysis("A7", area="history", order=70)
def compute_a7(ctx: RunContext, *, years: int = 10, start: str = "2007-01-01") -> Computed:
    """A7: the 30-year mortgage rate and the 10-year Treasury yield [%].

    The Freddie Mac PMMS 30-year fixed rate (weekly, Thursdays) and the 10-year
    constant-maturity yield (H.15, on the same Thursday or the business day
    before). Table ``summary`` (one row): the latest rate, its change since the last
    survey of the previous year [percentage points], whether it is the highest in
    ``years`` years, and the date since which it is the highest (NaT: a record).
    Table ``rates``: weekly rate, 10-year yield [%] and spread [percentage points].
    """
    if years < 1:
        raise SpecError(f"A7: years={years!r} must be a whole number of years >= 1")
    rate = ctx.series("MORTGAGE30US").dropna()
    try:
        y10 = ctx.series("DGS10").dropna()
    except UnknownSeriesError:
        y10 = pd.Series(dtype=float)
    if rate.empty:
        raise DataError("A7: no 30-year mortgage rate at or before the vantage date")
    last_date = dindex(rate).max()
    latest = float(rate.iloc[-1])
    prev_year = rate[dindex(rate).year < last_date.year]
    ytd_base = float(prev_year.iloc[-1]) if not prev_year.empty else float("nan")
    window = rate[rate.index > last_date - pd.DateOffset(years=years)]
    is_high = bool(latest >= float(window.max()))
    since = highest_since(rate)
    y10_on = y10[y10.index <= last_date]
    facts = [
        Fact(
            "a7.note.latest",
            {
                "date": last_date.date().isoformat(),
                "rate": latest,
                "ytd": latest - ytd_base,
                "base_date": prev_year.index.max().date().isoformat()
                if not prev_year.empty
                else "",
            },
        ),
        Fact(
            "a7.note.high_yes" if is_high else "a7.note.high_no",
            {
                "years": years,
                "rate": latest,
                "max": float(window.max()),
                "max_date": iso(window.idxmax()),
            },
        ),
    ]
    if since is None:
        facts.append(Fact("a7.note.record", {"rate": latest}))
    else:
        days = (last_date - since).days
        # under a year, "0.0 years earlier" says nothing: count the days
        facts.append(
            Fact(
                "a7.note.since" if days >= 365 else "a7.note.since_days",
                {
                    "rate": latest,
                    "since": since.date().isoformat(),
                    **({"years": days / 365.25} if days >= 365 else {"days": days}),
                },
            )
        )
    if not y10_on.empty:
        facts.append(
            Fact(
                "a7.note.spread",
                {
                    "date": y10_on.index.max().date().isoformat(),
                    "y10": float(y10_on.iloc[-1]),
                    "spread": latest - float(y10_on.iloc[-1]),
                },
            )
        )
    shown = rate[rate.index >= pd.Timestamp(start)]
    rates = pd.DataFrame({"rate": shown})
    units = {"rate": PERCENT}
    if not y10.empty:
        y10_w = y10.reindex(shown.index, method="ffill")
        rates["y10"] = y10_w
        rates["spread"] = shown - y10_w
        units |= {"y10": PERCENT, "spread": PERCENTAGE_POINTS}
    rates.index = pd.DatetimeIndex(dindex(rates), name="week")
    summary = pd.DataFrame(
        {
            "date": [last_date],
            "rate": [latest],
            "ytd_change": [latest - ytd_base],
            "highest_in_years": [is_high],
            "highest_since": [since if since is not None else pd.NaT],
        }
    )
    return Computed(
        id="A7",
        tables={
            "summary": tidy(summary, {"rate": PERCENT, "ytd_change": PERCENTAGE_POINTS}),
            "rates": tidy(rates, units),
        },
        notes=tuple(facts),
        series={"y10": y10[y10.index >= pd.Timestamp(start)] if not y10.empty else None},
        meta={"as_of": ctx.as_of, "inputs": ["MORTGAGE30US", "DGS10"], "years": years},
    )


@renders("A7")
def render_a7(c: Computed, lang: str) -> AnalysisResult:
    """A7 in ``lang``: the summary and weekly tables, the figure of both rates."""
    years = c.meta["years"]
    rates = c.table("rates")
    row = c.table("summary").iloc[0]
    last_date, latest, since = row["date"], float(row["rate"]), row["highest_since"]
    pct = t("common.unit.percent", lang)
    pp = t("a7.unit.pp", lang)
    tab = rates.rename(
        columns={
            "rate": t("a7.col.rate", lang, unit=pct),
            "y10": t("a7.col.y10", lang, unit=pct),
            "spread": t("a7.col.spread", lang, unit=pp),
        }
    )
    tab.attrs = {}
    tab.index = dindex(tab).strftime("%Y-%m-%d")
    tab.index.name = t("a7.col.week", lang)
    summary = pd.DataFrame(
        {
            t("a7.scol.date", lang): [last_date.date().isoformat()],
            t("a7.scol.rate", lang, unit=pct): [latest],
            t("a7.scol.ytd", lang, unit=pp): [row["ytd_change"]],
            t("a7.scol.high", lang, years=years): [
                t("a7.yes", lang) if row["highest_in_years"] else t("a7.no", lang)
            ],
            t("a7.scol.since", lang): [
                since.date().isoformat() if not pd.isna(since) else t("a7.record", lang)
            ],
        }
    )
    shown = rates["rate"]
    fig = styled_figure(
        title=t("a7.fig.title", lang), y_title=pct, source=t("a7.fig.source", lang), lang=lang
    )
    fig.add_scatter(x=shown.index, y=shown, mode="lines", name=t("a7.series.rate", lang))
    y = c.series["y10"]
    if y is not None:
        fig.add_scatter(x=y.index, y=y, mode="lines", name=t("a7.series.y10", lang))
    fig.add_scatter(
        x=[last_date],
        y=[latest],
        mode="markers+text",
        showlegend=False,
        text=[f"{latest:.2f}%"],
        textposition="top left",
        marker={"size": 9, "color": "#c62828"},
        name=t("a7.series.rate", lang),
    )
    shade_episodes(fig, lang, start=shown.index.min(), end=last_date, as_of=c.meta["as_of"])
    return AnalysisResult(
        id="A7",
        title=t("a7.title", lang),
        lang=lang,
        tables=(
            Table("a7_summary", t("a7.table.summary", lang), summary),
            Table("a7_rates", t("a7.table.rates", lang), tab),
        ),
        figures=(Figure("a7_rates", fig),),
        notes=notes_of(c, lang),
        meta=c.meta,
    )
