"""A5: the SOMA portfolio at a date: composition, Treasury WAM, maturity buckets, vs QT1 start.

Composition comes from the NY Fed weekly summary (par by type, every week), so
the vantage date and the QT1 start are compared like with like. Treasury WAM and
maturity buckets need holdings by CUSIP (:mod:`qtlab.portfolio`): they are
computed from the latest Treasury CUSIP file at or before each date, and where
the data hold none (the snapshot has no Treasury CUSIP file before 2022-02-16)
the output says so. Each table and figure names the date of the data it shows (the
weekly summary's week, the CUSIP file's date), and a note says so when the two differ.

:data:`WAM_REPORTED_2022_05` (11.28 years for May 2022, from a 2022 analyst report) is
shown only beside what the data give, with the reason it is not reproduced.
"""

from __future__ import annotations

import pandas as pd

from qtlab.analyses._figures import styled_figure
from qtlab.analyses._history_data import at, iso, soma_frame
from qtlab.analyses._tables import money_text
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.portfolio import COUPON_KINDS, TREASURY_KINDS, composition, maturity_buckets, wam_years
from qtlab.runs.context import RunContext

__all__ = [
    "QT1_START",
    "SUMMARY_KINDS",
    "WAM_REPORTED_2022_05",
    "portfolio_at",
    "summary_composition",
]

#: The first week of QT1 runoff (the NY Fed summary's Wednesday, 2017-10-04).
QT1_START = "2017-10-04"

#: SOMA weighted-average maturity in May 2022 as a 2022 analyst report gave it [years];
#: the report's definition (securities covered, weights, MBS maturity) is not recorded.
#: Par-weighted Treasury WAM from the data is about 7.6-8.0 years (the 2022-02-16 CUSIP
#: file, at its date and aged to 2022-05-31), so A5 states the figure as not reproduced,
#: and only at vantage dates from June 2022 (after the month it describes).
WAM_REPORTED_2022_05 = 11.28
_WAM_REPORTED_MONTH_END = pd.Timestamp("2022-05-31")

#: Weekly-summary kinds, in glossary order (par; TIPS without inflation compensation).
SUMMARY_KINDS = ("bills", "notes_bonds", "tips", "frn", "agency", "mbs", "cmbs")
_GLOSSARY_KIND = {
    "bills": "bill",
    "notes_bonds": "note_bond",
    "tips": "tips",
    "frn": "frn",
    "agency": "agency",
    "mbs": "mbs",
    "cmbs": "cmbs",
}


def summary_composition(
    ctx: RunContext, when: str | pd.Timestamp
) -> tuple[pd.Timestamp, pd.Series]:
    """SOMA par by kind [USD bn] in the last summary week on or before ``when``.

    Returns the week's date and the amounts (kinds of :data:`SUMMARY_KINDS`).
    """
    df = soma_frame(ctx, SUMMARY_KINDS).fillna(0.0)
    df = df[df.index <= pd.Timestamp(when)]
    if df.empty:
        raise DataError(f"A5: no SOMA summary week on or before {when}")
    return pd.Timestamp(df.index.max()), df.iloc[-1]


def _treasury_file_date(ctx: RunContext, when: pd.Timestamp) -> pd.Timestamp | None:
    dates = ctx.holdings_dates()
    sub = dates[dates["kind"].isin(list(TREASURY_KINDS)) & (dates["as_of"] <= when)]
    return None if sub.empty else pd.Timestamp(sub["as_of"].max())


@analysis("A5", area="history", order=50)
def portfolio_at(ctx: RunContext, *, lang: str = "en", compare: str = QT1_START) -> AnalysisResult:
    """A5: the portfolio at the vantage date against ``compare`` (default: QT1 start).

    Tables: ``a5_composition`` (par [USD bn] and share [% of SOMA par] by kind on
    both dates), ``a5_wam`` (Treasury weighted-average maturity [years],
    par-weighted, for all Treasuries, bills and coupons) and ``a5_buckets`` (par by
    remaining maturity [USD bn] and share [%]). Figures: composition shares on
    both dates; Treasury maturity buckets.
    """
    now_date, now = summary_composition(ctx, pd.Timestamp(ctx.cutoff))
    cmp_visible = pd.Timestamp(compare) <= now_date
    cmp_date, then = summary_composition(ctx, compare) if cmp_visible else (None, None)
    usd = t("common.unit.usd_bn", lang)
    pct = t("common.unit.percent", lang)
    kinds = [t(f"common.kind.{_GLOSSARY_KIND[k]}", lang) for k in SUMMARY_KINDS]
    comp = pd.DataFrame({t("a5.col.kind", lang): kinds})
    comp[t("a5.col.par", lang, date=iso(now_date), unit=usd)] = now.to_numpy()
    comp[t("a5.col.share", lang, date=iso(now_date), unit=pct)] = (100 * now / now.sum()).to_numpy()
    notes: list[Note] = []
    gaps: list[str] = []

    def comp_note(key: str, date: pd.Timestamp, s: pd.Series) -> Note:
        tsy = float(s[["bills", "notes_bonds", "tips", "frn"]].sum())
        return note(
            key,
            lang,
            date=iso(date),
            total=float(s.sum()),
            treasury=tsy,
            treasury_share=100 * tsy / float(s.sum()),
            mbs_share=100 * float(s["mbs"]) / float(s.sum()),
            bills_share=100 * float(s["bills"]) / tsy,
        )

    notes.append(comp_note("a5.note.composition", now_date, now))
    if then is not None and cmp_date is not None:
        comp[t("a5.col.par", lang, date=iso(cmp_date), unit=usd)] = then.to_numpy()
        comp[t("a5.col.share", lang, date=iso(cmp_date), unit=pct)] = (
            100 * then / then.sum()
        ).to_numpy()
        notes.append(comp_note("a5.note.composition_then", cmp_date, then))

    wam_rows = []
    bucket_frames: dict[str, pd.DataFrame] = {}
    f_now = _treasury_file_date(ctx, now_date)
    if f_now is None:
        gaps.append(t("a5.gap.cusip", lang, date=iso(now_date)))
    else:
        h = ctx.holdings(TREASURY_KINDS)
        wam = wam_years(h, f_now)
        wam_b = wam_years(h, f_now, kinds=("bill",))
        wam_c = wam_years(h, f_now, kinds=COUPON_KINDS)
        wam_rows.append(
            {
                "file": iso(f_now),
                "wam": wam,
                "wam_bills": wam_b,
                "wam_coupons": wam_c,
                "securities": int(composition(h)["securities"].sum()),
            }
        )
        b = maturity_buckets(h, f_now)
        bucket_frames[iso(f_now)] = b
        notes.append(
            note(
                "a5.note.wam",
                lang,
                date=iso(f_now),
                wam=wam,
                bills=wam_b,
                coupons=wam_c,
                within1=float(b["share"].iloc[0]),
                over10=float(b.loc[[i for i in b.index if _over(i, 10)], "share"].sum()),
            )
        )
    if cmp_date is not None:
        f_then = _treasury_file_date(ctx, cmp_date)
        if f_then is None:
            gaps.append(t("a5.gap.cusip", lang, date=iso(cmp_date)))
        elif f_then != f_now:
            # the view reads the latest file only; an older one needs a view as of its date
            gaps.append(t("a5.gap.cusip_older", lang, date=iso(cmp_date), file=iso(f_then)))
    if cmp_date is None:
        gaps.append(t("a5.gap.compare_later", lang, date=compare))
    mbs_dates = ctx.holdings_dates()
    mbs_dates = mbs_dates[mbs_dates["kind"] == "mbs"]
    if not mbs_dates.empty:
        mbs_file = pd.Timestamp(mbs_dates["as_of"].max())
        h_mbs = ctx.holdings(["mbs"])
        c = composition(h_mbs)
        notes.append(
            note(
                "a5.note.mbs_file",
                lang,
                date=iso(mbs_file),
                par=at(c, "mbs", "par"),
                securities=round(at(c, "mbs", "securities")),
            )
        )
    if f_now is not None and f_now != now_date:
        # the tables come from two sources of two dates: say so before the numbers
        tsy = ["bills", "notes_bonds", "tips", "frn"]
        _, at_file = summary_composition(ctx, f_now)
        notes.insert(
            0,
            note(
                "a5.note.dates",
                lang,
                date=iso(now_date),
                file=iso(f_now),
                days=(now_date - f_now).days,
                tsy_file=float(at_file[tsy].sum()),
                tsy_now=float(now[tsy].sum()),
                tsy_file_text=money_text(float(at_file[tsy].sum()), lang),
                tsy_now_text=money_text(float(now[tsy].sum()), lang),
            ),
        )
    wam_ref = _wam_reference(ctx, lang)
    if wam_ref is not None:
        notes.append(wam_ref)
    notes.append(note("a5.note.rule", lang))

    yrs = t("common.unit.years", lang)
    wam_tab = pd.DataFrame(
        wam_rows, columns=["file", "wam", "wam_bills", "wam_coupons", "securities"]
    ).rename(
        columns={
            "file": t("a5.wcol.file", lang),
            "wam": t("a5.wcol.wam", lang, unit=yrs),
            "wam_bills": t("a5.wcol.wam_bills", lang, unit=yrs),
            "wam_coupons": t("a5.wcol.wam_coupons", lang, unit=yrs),
            "securities": t("a5.wcol.securities", lang),
        }
    )
    bucket_tabs = []
    for fdate, b in bucket_frames.items():
        tab = b.rename(
            columns={
                **{
                    k: t("history.col_unit", lang, name=t(f"common.kind.{k}", lang), unit=usd)
                    for k in TREASURY_KINDS
                },
                "total": t("a5.bcol.total", lang, unit=usd),
                "share": t("a5.bcol.share", lang, unit=pct),
            }
        )
        tab.index = [str(i) for i in tab.index]
        tab.index.name = t("a5.bcol.bucket", lang, date=fdate)
        bucket_tabs.append(tab)

    fig = styled_figure(
        title=(
            t("a5.fig.comp.title_cmp", lang, date=iso(now_date), compare=iso(cmp_date))
            if then is not None and cmp_date is not None
            else t("a5.fig.comp.title", lang, date=iso(now_date))
        ),
        y_title=t("a5.fig.comp.y", lang),
        source=t("a5.fig.comp.source", lang),
        lang=lang,
    )
    fig.add_bar(x=kinds, y=(100 * now / now.sum()).to_numpy(), name=iso(now_date))
    if then is not None and cmp_date is not None:
        fig.add_bar(x=kinds, y=(100 * then / then.sum()).to_numpy(), name=iso(cmp_date))
    fig.update_layout(barmode="group")
    figures = [Figure("a5_composition", fig)]
    for fdate, b in bucket_frames.items():
        bfig = styled_figure(
            title=t("a5.fig.buckets.title", lang, date=fdate),
            y_title=usd,
            x_title=t("a5.fig.buckets.x", lang),
            source=t("a5.fig.buckets.source", lang, date=fdate),
            lang=lang,
        )
        for k in TREASURY_KINDS:
            bfig.add_bar(x=[str(i) for i in b.index], y=b[k], name=t(f"common.kind.{k}", lang))
        bfig.update_layout(barmode="stack")
        figures.append(Figure("a5_buckets", bfig))
    tables = [
        Table("a5_composition", t("a5.table.composition", lang, date=iso(now_date)), comp),
        Table(
            "a5_wam",
            t("a5.table.wam", lang, date=iso(f_now))
            if f_now is not None
            else t("a5.table.wam_none", lang, date=iso(now_date)),
            wam_tab,
        ),
    ]
    tables += [
        Table("a5_buckets", t("a5.table.buckets", lang, date=fdate), tb)
        for fdate, tb in zip(bucket_frames, bucket_tabs, strict=True)
    ]
    return AnalysisResult(
        id="A5",
        title=t("a5.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=tuple(figures),
        notes=tuple(notes),
        meta={"as_of": ctx.as_of, "inputs": ["soma.*", "holdings"], "gaps": gaps},
    )


def _over(label: object, years: float) -> bool:
    """Whether a bucket label (``"10-20y"``, ``">30y"``) lies beyond ``years``."""
    text = str(label).rstrip("y")
    lo = text[1:] if text.startswith(">") else text.split("-")[0]
    return float(lo) >= years


def _wam_reference(ctx: RunContext, lang: str) -> Note | None:
    """The 2022 analyst report's WAM beside what the data give, from June 2022 on.

    Par-weighted Treasury WAM of the latest Treasury CUSIP file at or before May 2022 (at
    its date and with the same securities at 2022-05-31), and all SOMA securities with
    MBS at their stated maturity (the MBS file of that view) at 2022-05-31 [years].
    """
    if ctx.as_of is not None and pd.Timestamp(ctx.as_of) <= _WAM_REPORTED_MONTH_END:
        return None
    may = ctx.at(_WAM_REPORTED_MONTH_END.date())
    f = _treasury_file_date(may, _WAM_REPORTED_MONTH_END)
    if f is None:
        return None
    h = may.holdings()
    kinds = sorted(set(h["kind"]))
    return note(
        "a5.note.wam_reference",
        lang,
        reported=WAM_REPORTED_2022_05,
        file=iso(f),
        wam_file=wam_years(h, f),
        wam_may=wam_years(h, _WAM_REPORTED_MONTH_END),
        wam_all=wam_years(h, _WAM_REPORTED_MONTH_END, kinds=kinds),
        may=iso(_WAM_REPORTED_MONTH_END),
    )
