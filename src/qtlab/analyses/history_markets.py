"""History analyses A6 (the Fed's share of the markets) and A7 (mortgage rates and yields).

Pure functions over a :class:`~qtlab.store.Dataset`; units: USD billions, percent.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import episodes, note_missing, shade_episodes, styled_figure
from qtlab.analyses._history_data import at, dindex, iso, month_end, pindex, soma_frame
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import DataError, SpecError, UnknownSeriesError
from qtlab.i18n import t
from qtlab.runs.context import RunContext
from qtlab.schema import PERCENT, PERCENTAGE_POINTS, USD_BN

__all__ = [
    "AGENCY_MBS_OUTSTANDING_ID",
    "agency_mbs_outstanding",
    "compute_a6",
    "compute_a7",
    "highest_since",
    "marketable_treasury_debt",
    "render_a6",
    "render_a7",
    "treasury_share",
]

#: The glossary series of total agency MBS outstanding [USD bn, month end]. It is not
#: in the embedded snapshot (no official machine-readable copy was found); a store
#: filled by ``qtlab data import agency_mbs.outstanding FILE`` fills A6's MBS share.
AGENCY_MBS_OUTSTANDING_ID = "agency_mbs.outstanding"

_MSPD_CLASSES = ("bills", "notes", "bonds", "tips", "frn")


def marketable_treasury_debt(ctx: RunContext) -> pd.DataFrame:
    """Marketable Treasury securities outstanding by class, month end [USD bn] (MSPD Table 1).

    Columns ``bills, notes, bonds, tips, frn, total``. TIPS are inflation-adjusted
    principal (MSPD's basis). Federal Financing Bank securities are left out (the
    Fed holds none). FRNs are zero before the first FRN month (January 2014).
    """
    df = pd.DataFrame({k: ctx.series(f"mspd.{k}.total") for k in _MSPD_CLASSES})
    # Treasury first issued FRNs in January 2014: before the first FRN month the
    # class did not exist (zero outstanding), which is not a gap in the data.
    frn_first = df["frn"].first_valid_index()
    no_frn_yet = df.index < (frn_first if frn_first is not None else pd.Timestamp("2014-01-31"))
    df.loc[no_frn_yet, "frn"] = 0.0
    df = df.dropna()
    df["total"] = df[list(_MSPD_CLASSES)].sum(axis=1)
    df.index = dindex(df).to_period("M")
    df.index.name = "month"
    return df


def treasury_share(ctx: RunContext) -> pd.DataFrame:
    """SOMA holdings as a share of marketable Treasury debt, month end [%], same basis.

    SOMA (NY Fed summary, last Wednesday of the month) at par with TIPS inflation
    compensation against MSPD month-end amounts (TIPS inflation-adjusted).
    Columns: ``soma_treasury, marketable`` [USD bn], ``share`` [%], and by class
    ``share_bills``, ``share_coupons`` (notes, bonds, FRNs), ``share_tips`` [%].
    """
    soma = month_end(
        soma_frame(ctx, ["bills", "notes_bonds", "frn", "tips", "tips_inflation_comp"])
    )
    debt = marketable_treasury_debt(ctx)
    df = soma.index.intersection(debt.index)
    if df.empty:
        raise DataError("A6: no month with both SOMA holdings and MSPD debt outstanding")
    soma, debt = soma.loc[df], debt.loc[df]
    out = pd.DataFrame(index=df)
    soma_tips = soma["tips"] + soma["tips_inflation_comp"]
    out["soma_treasury"] = soma[["bills", "notes_bonds", "frn"]].sum(axis=1) + soma_tips
    out["marketable"] = debt["total"]
    out["share"] = 100 * out["soma_treasury"] / out["marketable"]
    out["share_bills"] = 100 * soma["bills"] / debt["bills"]
    coupons = debt[["notes", "bonds", "frn"]].sum(axis=1)
    out["share_coupons"] = 100 * soma[["notes_bonds", "frn"]].sum(axis=1) / coupons
    out["share_tips"] = 100 * soma_tips / debt["tips"]
    return out


def agency_mbs_outstanding(ctx: RunContext) -> pd.Series | None:
    """Total agency MBS outstanding, month end [USD bn], if the data hold it; else None.

    Reads :data:`AGENCY_MBS_OUTSTANDING_ID` (the embedded snapshot does not hold it;
    a store filled by ``qtlab data import`` may); the last observation of each month.
    """
    if AGENCY_MBS_OUTSTANDING_ID not in ctx.series_ids():
        return None
    s = ctx.series(AGENCY_MBS_OUTSTANDING_ID)
    s = s.groupby(dindex(s).to_period("M")).last()
    s.index.name = "month"
    return s.rename("agency_mbs_outstanding")


@analysis("A6", area="history", order=60)
def compute_a6(ctx: RunContext) -> Computed:
    """A6: SOMA's share of marketable Treasury debt (and of agency MBS, where available).

    Monthly [%], like with like (see :func:`treasury_share`), with the pre-2020
    peak, the shares at the start and end of QT1, the peak since 2020 and the
    latest month marked (table ``marks``: mark id, month, share). Table ``share``:
    :func:`treasury_share` by month, and ``share_mbs`` [%] when the data hold agency
    MBS outstanding (:data:`AGENCY_MBS_OUTSTANDING_ID`, not in the embedded data:
    a gap then).
    """
    sh = treasury_share(ctx)
    s = sh["share"]
    marks: list[tuple[str, pd.Period]] = []
    pre = s[s.index < pd.Period("2020-01", freq="M")]
    if not pre.empty:
        marks.append(("pre2020_peak", pindex(pre)[int(pre.argmax())]))
    qt1 = next(e for e in episodes() if e.id == "qt1")
    for key, month in (("qt1_start", qt1.start - 1), ("qt1_end", qt1.end)):
        if month in s.index:
            marks.append((key, month))
    post = s[s.index >= pd.Period("2020-01", freq="M")]
    if not post.empty:
        marks.append(("post2020_peak", pindex(post)[int(post.argmax())]))
    marks.append(("latest", pindex(s).max()))

    facts = [
        Fact(
            f"a6.note.{key}",
            {
                "month": str(m),
                "share": at(s, m),
                "soma": at(sh, m, "soma_treasury"),
                "debt": at(sh, m, "marketable"),
            },
        )
        for key, m in marks
    ]
    last = pindex(s).max()
    facts.append(
        Fact(
            "a6.note.by_class",
            {
                "month": str(last),
                "bills": at(sh, last, "share_bills"),
                "coupons": at(sh, last, "share_coupons"),
                "tips": at(sh, last, "share_tips"),
            },
        )
    )
    mbs_out = agency_mbs_outstanding(ctx)
    gaps: list[Fact] = []
    mbs_share = None
    if mbs_out is None:
        gaps.append(Fact("a6.gap.mbs", {"ids": AGENCY_MBS_OUTSTANDING_ID}))
    else:
        soma_mbs = month_end(soma_frame(ctx, ["mbs"]))["mbs"]
        joined = pd.concat([soma_mbs, mbs_out], axis=1, join="inner").dropna()
        joined = joined[joined.iloc[:, 1] > 0]  # no share of an empty (or mis-scaled) market
        if joined.empty:
            gaps.append(Fact("a6.gap.mbs", {"ids": AGENCY_MBS_OUTSTANDING_ID}))
        else:
            mbs_share = 100 * joined.iloc[:, 0] / joined.iloc[:, 1]
            facts.append(
                Fact(
                    "a6.note.mbs",
                    {
                        "month": str(mbs_share.index.max()),
                        "share": float(mbs_share.iloc[-1]),
                        "peak_month": str(mbs_share.idxmax()),
                        "peak": float(mbs_share.max()),
                    },
                )
            )
    facts.append(Fact("a6.note.rule", {}))
    share = sh.copy()
    units = {"soma_treasury": USD_BN, "marketable": USD_BN}
    units |= dict.fromkeys(("share", "share_bills", "share_coupons", "share_tips"), PERCENT)
    if mbs_share is not None:
        share["share_mbs"] = mbs_share.reindex(share.index)
        units["share_mbs"] = PERCENT
    mark_tab = pd.DataFrame(
        {
            "mark": [k for k, _ in marks],
            "month": [m for _, m in marks],
            "share": [at(s, m) for _, m in marks],
        }
    )
    return Computed(
        id="A6",
        tables={"marks": tidy(mark_tab, {"share": PERCENT}), "share": tidy(share, units)},
        notes=tuple(facts),
        series={"mbs_share": mbs_share},
        meta={
            "as_of": ctx.as_of,
            "inputs": ["soma.*", *(f"mspd.{k}.total" for k in _MSPD_CLASSES)],
            "gaps": tuple(gaps),
        },
    )


@renders("A6")
def render_a6(c: Computed, lang: str) -> AnalysisResult:
    """A6 in ``lang``: the shares figure (marks labelled, episodes shaded) and tables."""
    sh = c.table("share")
    s = sh["share"]
    marks = list(zip(c.table("marks")["mark"], c.table("marks")["month"], strict=True))
    mbs_share = c.series["mbs_share"]
    pct = t("common.unit.percent", lang)
    fig = styled_figure(
        title=t("a6.fig.title", lang), y_title=pct, source=t("a6.fig.source", lang), lang=lang
    )
    x = pindex(s).to_timestamp(how="start")
    fig.add_scatter(x=x, y=s, mode="lines", name=t("a6.series.share", lang), line={"width": 2.5})
    for col in ("share_bills", "share_coupons", "share_tips"):
        fig.add_scatter(
            x=x,
            y=sh[col],
            mode="lines",
            name=t(f"a6.series.{col}", lang),
            line={"width": 1},
            opacity=0.8,
        )
    if mbs_share is not None:
        fig.add_scatter(
            x=pindex(mbs_share).to_timestamp(how="start"),
            y=mbs_share,
            mode="lines",
            name=t("a6.series.mbs", lang),
            line={"dash": "dash"},
        )
    for key, m in marks:
        fig.add_scatter(
            x=[m.to_timestamp(how="start")],
            y=[at(s, m)],
            mode="markers+text",
            text=[t("a6.mark_text", lang, mark=t(f"a6.mark.{key}", lang), share=at(s, m))],
            textposition="top center",
            marker={"size": 10, "symbol": "diamond", "color": "#111"},
            showlegend=False,
            name=t(f"a6.mark.{key}", lang),
        )
    shade_episodes(fig, lang, start=x.min(), end=x.max(), as_of=c.meta["as_of"])
    if mbs_share is None:
        note_missing(fig, [t("a6.gap.mbs_short", lang)])

    usd = t("common.unit.usd_bn", lang)
    tab = sh.rename(
        columns={
            "soma_treasury": t("a6.col.soma", lang, unit=usd),
            "marketable": t("a6.col.marketable", lang, unit=usd),
            "share": t("a6.col.share", lang, unit=pct),
            "share_bills": t("a6.col.share_bills", lang, unit=pct),
            "share_coupons": t("a6.col.share_coupons", lang, unit=pct),
            "share_tips": t("a6.col.share_tips", lang, unit=pct),
            "share_mbs": t("a6.col.share_mbs", lang, unit=pct),
        }
    )
    tab.attrs = {}
    tab.index = tab.index.astype(str)
    tab.index.name = t("common.month", lang)
    mark_tab = pd.DataFrame(
        {
            t("a6.mcol.mark", lang): [t(f"a6.mark.{k}", lang) for k, _ in marks],
            t("common.month", lang): [str(m) for _, m in marks],
            t("a6.col.share", lang, unit=pct): [at(s, m) for _, m in marks],
        }
    )
    return AnalysisResult(
        id="A6",
        title=t("a6.title", lang),
        lang=lang,
        tables=(
            Table("a6_marks", t("a6.table.marks", lang), mark_tab),
            Table("a6_share", t("a6.table.share", lang), tab),
        ),
        figures=(Figure("a6_share", fig),),
        notes=notes_of(c, lang),
        meta={**c.meta, "gaps": [t(g.key, lang, **g.values) for g in c.meta["gaps"]]},
    )


# --- A7 ------------------------------------------------------------------------------
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
