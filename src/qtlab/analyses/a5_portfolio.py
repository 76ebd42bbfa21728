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

from qtlab.analyses._history_data import at, iso, soma_frame
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, note, renders
from qtlab.errors import DataError
from qtlab.i18n import t
from qtlab.portfolio import COUPON_KINDS, TREASURY_KINDS, composition, maturity_buckets, wam_years
from qtlab.present.figures import styled_figure
from qtlab.present.tables import money_text
from qtlab.runs.context import RunContext
from qtlab.schema import PERCENT, USD_BN, YEARS

__all__ = [
    "QT1_START",
    "SUMMARY_KINDS",
    "WAM_REPORTED_2022_05",
    "compute_a5",
    "render_a5",
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
def compute_a5(ctx: RunContext, *, compare: str = QT1_START) -> Computed:
    """A5: the portfolio at the vantage date against ``compare`` (default: QT1 start).

    Tables: ``composition`` (par [USD bn] and share [% of SOMA par] by glossary kind, one
    row per kind and summary week: the vantage week, then the comparison week if the
    data have it), ``wam`` (Treasury weighted-average maturity [years], par-weighted,
    for all Treasuries, bills and coupons, of the latest Treasury CUSIP file) and
    ``buckets`` (that file's par by remaining maturity [USD bn] and share [%]).
    ``meta``: the dates shown (``date``, ``compare_date``, ``file``) and the data gaps
    (:class:`Fact` of a catalogue key and its values).
    """
    now_date, now = summary_composition(ctx, pd.Timestamp(ctx.cutoff))
    cmp_visible = pd.Timestamp(compare) <= now_date
    cmp_date, then = summary_composition(ctx, compare) if cmp_visible else (None, None)
    weeks = [(now_date, now)] + ([(cmp_date, then)] if then is not None and cmp_date else [])
    comp = pd.DataFrame(
        [
            {
                "date": d,
                "kind": _GLOSSARY_KIND[k],
                "par": float(v[k]),
                "share": float(100 * v[k] / v.sum()),
            }
            for d, v in weeks
            for k in SUMMARY_KINDS
        ]
    )
    facts: list[Fact] = []
    gaps: list[Fact] = []

    def comp_note(key: str, date: pd.Timestamp, s: pd.Series) -> Fact:
        tsy = float(s[["bills", "notes_bonds", "tips", "frn"]].sum())
        return Fact(
            key,
            {
                "date": iso(date),
                "total": float(s.sum()),
                "treasury": tsy,
                "treasury_share": 100 * tsy / float(s.sum()),
                "mbs_share": 100 * float(s["mbs"]) / float(s.sum()),
                "bills_share": 100 * float(s["bills"]) / tsy,
            },
        )

    facts.append(comp_note("a5.note.composition", now_date, now))
    if then is not None and cmp_date is not None:
        facts.append(comp_note("a5.note.composition_then", cmp_date, then))

    wam_rows = []
    buckets = None
    f_now = _treasury_file_date(ctx, now_date)
    if f_now is None:
        gaps.append(Fact("a5.gap.cusip", {"date": iso(now_date)}))
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
        buckets = maturity_buckets(h, f_now)
        facts.append(
            Fact(
                "a5.note.wam",
                {
                    "date": iso(f_now),
                    "wam": wam,
                    "bills": wam_b,
                    "coupons": wam_c,
                    "within1": float(buckets["share"].iloc[0]),
                    "over10": float(
                        buckets.loc[[i for i in buckets.index if _over(i, 10)], "share"].sum()
                    ),
                },
            )
        )
    if cmp_date is not None:
        f_then = _treasury_file_date(ctx, cmp_date)
        if f_then is None:
            gaps.append(Fact("a5.gap.cusip", {"date": iso(cmp_date)}))
        elif f_then != f_now:
            # the view reads the latest file only; an older one needs a view as of its date
            gaps.append(Fact("a5.gap.cusip_older", {"date": iso(cmp_date), "file": iso(f_then)}))
    if cmp_date is None:
        gaps.append(Fact("a5.gap.compare_later", {"date": compare}))
    mbs_dates = ctx.holdings_dates()
    mbs_dates = mbs_dates[mbs_dates["kind"] == "mbs"]
    if not mbs_dates.empty:
        mbs_file = pd.Timestamp(mbs_dates["as_of"].max())
        c = composition(ctx.holdings(["mbs"]))
        facts.append(
            Fact(
                "a5.note.mbs_file",
                {
                    "date": iso(mbs_file),
                    "par": at(c, "mbs", "par"),
                    "securities": round(at(c, "mbs", "securities")),
                },
            )
        )
    if f_now is not None and f_now != now_date:
        # the tables come from two sources of two dates: say so before the numbers
        tsy = ["bills", "notes_bonds", "tips", "frn"]
        _, at_file = summary_composition(ctx, f_now)
        facts.insert(
            0,
            Fact(
                "a5.note.dates",
                {
                    "date": iso(now_date),
                    "file": iso(f_now),
                    "days": (now_date - f_now).days,
                    "tsy_file": float(at_file[tsy].sum()),
                    "tsy_now": float(now[tsy].sum()),
                    # tsy_file_text, tsy_now_text: the amounts in words (render)
                },
            ),
        )
    wam_ref = _wam_reference(ctx)
    if wam_ref is not None:
        facts.append(wam_ref)
    facts.append(Fact("a5.note.rule", {}))
    tables = {
        "composition": tidy(comp, {"par": USD_BN, "share": PERCENT}),
        "wam": tidy(
            pd.DataFrame(
                wam_rows, columns=["file", "wam", "wam_bills", "wam_coupons", "securities"]
            ),
            dict.fromkeys(("wam", "wam_bills", "wam_coupons"), YEARS),
        ),
    }
    if buckets is not None:
        b = buckets.copy()
        b.index = pd.Index([str(i) for i in b.index], name="bucket")
        units = dict.fromkeys((*TREASURY_KINDS, "total"), USD_BN) | {"share": PERCENT}
        tables["buckets"] = tidy(b, units)
    return Computed(
        id="A5",
        tables=tables,
        notes=tuple(facts),
        meta={
            "as_of": ctx.as_of,
            "inputs": ["soma.*", "holdings"],
            "gaps": tuple(gaps),
            "date": now_date,
            "compare_date": cmp_date if then is not None else None,
            "file": f_now,
        },
    )


@renders("A5")
def render_a5(c: Computed, lang: str) -> AnalysisResult:
    """A5 in ``lang``: composition, WAM and bucket tables with dated headers, the
    composition and bucket figures."""
    now_date, cmp_date, f_now = c.meta["date"], c.meta["compare_date"], c.meta["file"]
    usd = t("common.unit.usd_bn", lang)
    pct = t("common.unit.percent", lang)
    long = c.table("composition")
    kinds = [t(f"common.kind.{_GLOSSARY_KIND[k]}", lang) for k in SUMMARY_KINDS]
    comp = pd.DataFrame({t("a5.col.kind", lang): kinds})
    for d in long["date"].unique():
        week = long[long["date"] == d]
        comp[t("a5.col.par", lang, date=iso(d), unit=usd)] = week["par"].to_numpy()
        comp[t("a5.col.share", lang, date=iso(d), unit=pct)] = week["share"].to_numpy()
    notes = []
    for f in c.notes:
        values = dict(f.values)
        if f.key == "a5.note.dates":
            values["tsy_file_text"] = money_text(values["tsy_file"], lang)
            values["tsy_now_text"] = money_text(values["tsy_now"], lang)
        notes.append(note(f.key, lang, **values))
    gaps = [t(g.key, lang, **g.values) for g in c.meta["gaps"]]

    yrs = t("common.unit.years", lang)
    wam_tab = c.table("wam").rename(
        columns={
            "file": t("a5.wcol.file", lang),
            "wam": t("a5.wcol.wam", lang, unit=yrs),
            "wam_bills": t("a5.wcol.wam_bills", lang, unit=yrs),
            "wam_coupons": t("a5.wcol.wam_coupons", lang, unit=yrs),
            "securities": t("a5.wcol.securities", lang),
        }
    )
    wam_tab.attrs = {}
    fig = styled_figure(
        title=(
            t("a5.fig.comp.title_cmp", lang, date=iso(now_date), compare=iso(cmp_date))
            if cmp_date is not None
            else t("a5.fig.comp.title", lang, date=iso(now_date))
        ),
        y_title=t("a5.fig.comp.y", lang),
        source=t("a5.fig.comp.source", lang),
        lang=lang,
    )
    for d in long["date"].unique():
        fig.add_bar(x=kinds, y=long.loc[long["date"] == d, "share"].to_numpy(), name=iso(d))
    fig.update_layout(barmode="group")
    figures = [Figure("a5_composition", fig)]
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
    if "buckets" in c.tables:
        fdate = iso(f_now)
        b = c.table("buckets")
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
        tab.attrs = {}
        tab.index = [str(i) for i in tab.index]
        tab.index.name = t("a5.bcol.bucket", lang, date=fdate)
        tables.append(Table("a5_buckets", t("a5.table.buckets", lang, date=fdate), tab))
        bfig = styled_figure(
            title=t("a5.fig.buckets.title", lang, date=fdate),
            y_title=usd,
            x_title=t("a5.fig.buckets.x", lang),
            source=t("a5.fig.buckets.source", lang, date=fdate),
            lang=lang,
        )
        for k in TREASURY_KINDS:
            bfig.add_bar(x=list(b.index), y=b[k], name=t(f"common.kind.{k}", lang))
        bfig.update_layout(barmode="stack")
        figures.append(Figure("a5_buckets", bfig))
    return AnalysisResult(
        id="A5",
        title=t("a5.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=tuple(figures),
        notes=tuple(notes),
        meta={"as_of": c.meta["as_of"], "inputs": c.meta["inputs"], "gaps": gaps},
    )


def _over(label: object, years: float) -> bool:
    """Whether a bucket label (``"10-20y"``, ``">30y"``) lies beyond ``years``."""
    text = str(label).rstrip("y")
    lo = text[1:] if text.startswith(">") else text.split("-")[0]
    return float(lo) >= years


def _wam_reference(ctx: RunContext) -> Fact | None:
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
    return Fact(
        "a5.note.wam_reference",
        {
            "reported": WAM_REPORTED_2022_05,
            "file": iso(f),
            "wam_file": wam_years(h, f),
            "wam_may": wam_years(h, _WAM_REPORTED_MONTH_END),
            "wam_all": wam_years(h, _WAM_REPORTED_MONTH_END, kinds=kinds),
            "may": iso(_WAM_REPORTED_MONTH_END),
        },
    )
