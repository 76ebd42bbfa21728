"""A6: the Fed's share of the markets (marketable Treasury debt, agency MBS where held).

Computed once (:func:`compute_a6` over a :class:`~qtlab.runs.RunContext`, so
``as_of`` works), rendered in each language (:func:`render_a6`).
Units: USD billions, percent, calendar months.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import episodes, shade_episodes
from qtlab.analyses._history_data import at, dindex, month_end, pindex, soma_frame
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.present.figures import note_missing, styled_figure
from qtlab.runs.context import RunContext
from qtlab.schema import PERCENT, USD_BN

__all__ = [
    "AGENCY_MBS_OUTSTANDING_ID",
    "agency_mbs_outstanding",
    "compute_a6",
    "marketable_treasury_debt",
    "render_a6",
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
