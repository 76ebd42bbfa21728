"""Runoff mechanics from the engine: B1 ladder versus the cap, B2 Treasury path,
B4 whole portfolio, and the E2 backtest against realized SOMA holdings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import MonthLike, to_month
from qtlab.analyses._figures import month_bar, month_line, shade_episodes, styled_figure
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.engine import default_issuance_mix
from qtlab.i18n import direction, t
from qtlab.policy import Policy
from qtlab.portfolio import TREASURY_KINDS
from qtlab.runs.backtest import QT2_VANTAGE, backtest
from qtlab.runs.context import RunContext
from qtlab.runs.ladder import ladder
from qtlab.runs.runoff import as_policy, run_projection

__all__ = [
    "b1_ladder_vs_cap",
    "b2_treasury_path",
    "b4_whole_portfolio",
    "e2_backtest",
]

BN = "[USD bn]"


def _start(ctx: RunContext, start: MonthLike | None) -> pd.Period:
    if start is not None:
        return to_month(start, field="start")
    if ctx.as_of is not None:
        return pd.Period(ctx.as_of, freq="M") + 1
    dates = ctx.holdings_dates()
    return pd.Period(dates["as_of"].max(), freq="M") + 1


def _meta(ctx: RunContext, pol: Policy, **opts: Any) -> dict[str, Any]:
    return {
        "as_of": ctx.as_of.isoformat() if ctx.as_of else None,
        "options": {"policy": pol.name, **{k: str(v) for k, v in opts.items()}},
        "inputs": [
            "holdings (SOMA by CUSIP)",
            "soma.mbs",
            "soma.tips",
            "soma.tips_inflation_comp",
            "treasury.mspd_detail.2022-01-31",
        ],
        "gaps": [],
    }


def _units(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [c if c in ("regime",) else f"{c} {BN}" for c in out.columns]
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


def _span(idx: pd.Index) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the months in ``idx`` (for shading)."""
    return pd.Period(idx[0], "M").start_time, pd.Period(idx[-1], "M").end_time.normalize()


def _name(key: str, lang: str) -> str:
    return t(f"runoff.series.{key}", lang)


def _add_cap_line(fig: go.Figure, cap: pd.Series, lang: str, width: float | None = None) -> None:
    """Draw the monthly Treasury cap [USD bn] as a black step line (steps at month starts)."""
    widths = {} if width is None else {"width": width}
    line: dict[str, Any] = {**widths, "color": "black"}
    unit = t("common.unit.usd_bn", lang)
    month_line(
        fig, cap.index, cap, name=_name("treasury_cap", lang), unit=unit, step=True, line=line
    )


def _b1_runoff_notes(
    summ: dict[str, Any], frame: pd.DataFrame, start: str, lang: str
) -> list[Note]:
    """What the cap does in B1's window: shortfall months and bill runoff, or that no
    cap binds, or that runoff ends inside the window (nothing runs off after it)."""
    if not summ["runoff_months"]:
        regime = str(summ["regime"][0]) if summ["regime"] else "-"
        return [note("b1.note.no_runoff", lang, start=start, regime=regime)]
    out: list[Note] = []
    short = summ["coupon_shortfall_months"]
    if short:
        out.append(note("b1.note.shortfall", lang, n=len(short), months=", ".join(short)))
        out.append(
            note(
                "b1.note.bill_runoff",
                lang,
                first=summ["first_runoff_month"],
                amount=summ["bill_runoff_first_12m"],
            )
        )
    else:
        out.append(note("b1.note.no_shortfall", lang, n=summ["runoff_months"]))
    if summ["last_runoff_month"] != str(frame.index[-1]):
        out.append(note("b1.note.runoff_ends", lang, last=summ["last_runoff_month"]))
    return out


@analysis("B1", area="runoff", order=110)
def b1_ladder_vs_cap(
    ctx: RunContext,
    *,
    lang: str = "en",
    policy: Policy | str | None = None,
    start: MonthLike | None = None,
    months: int = 24,
) -> AnalysisResult:
    """B1 Maturity ladder versus the cap: Treasury maturities for ``months`` months
    from ``start`` (bills and coupons) against the cap path [USD bn]."""
    pol = as_policy(policy, ctx.as_of)
    s = _start(ctx, start)
    frame, summ = ladder(ctx, pol, s, months)
    idx = frame.index
    fig = styled_figure(
        title=t("b1.fig.title", lang, start=str(idx[0]), end=str(idx[-1])),
        y_title=t("common.unit.usd_bn_per_month", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for c, k in (("coupons_maturing", "coupons"), ("bills_maturing", "bills")):
        month_bar(fig, idx, frame[c], name=_name(k, lang), unit=unit)
    _add_cap_line(fig, frame["treasury_cap"], lang, width=3)
    fig.update_layout(barmode="stack")
    tsy_asof = ctx.holdings(["bill"])["as_of"].max()
    notes: list[Note] = [
        note(
            "b1.note.carry",
            lang,
            asof=str(pd.Timestamp(tsy_asof).date()),
            start=str(s),
            policy=pol.name,
        ),
        note(
            "b1.note.maturing",
            lang,
            start=str(s),
            stock24=summ["stock_maturing_24m"],
            bills24=summ["stock_bills_24m"],
        ),
    ]
    if months != 24:
        notes.append(
            note(
                "b1.note.maturing_horizon",
                lang,
                months=months,
                stock=summ["stock_maturing"],
                bills=summ["stock_bills"],
            )
        )
    notes.append(
        note(
            "b1.note.flow",
            lang,
            months=months,
            flow=summ["flow_maturing"],
            flow_bills=summ["flow_bills"],
            rolled=summ["rolled_over"],
        )
    )
    notes += _b1_runoff_notes(summ, frame, str(s), lang)
    meta = _meta(ctx, pol, start=s, months=months)
    meta["summary"] = {k: v for k, v in summ.items() if k != "regime"}
    return AnalysisResult(
        id="B1",
        title=t("b1.title", lang),
        lang=lang,
        tables=(Table("b1_ladder", t("b1.table.ladder", lang), _units(frame)),),
        figures=(Figure("b1_ladder", fig),),
        notes=tuple(notes),
        meta=meta,
    )


@analysis("B2", area="runoff", order=120)
def b2_treasury_path(
    ctx: RunContext,
    *,
    lang: str = "en",
    policy: Policy | str | None = None,
    start: MonthLike | None = None,
    months: int = 48,
) -> AnalysisResult:
    """B2 Treasury runoff path: redemptions (coupons, bills), rollovers and the new
    securities they create, month by month [USD bn]."""
    pol = as_policy(policy, ctx.as_of)
    s = _start(ctx, start)
    p = run_projection(ctx, pol, s, months, kinds=TREASURY_KINDS)
    f = p.frame
    cols = [
        "treasury_cap",
        "coupons_maturing",
        "tips_ic_maturing",
        "bills_maturing",
        "coupon_redemptions",
        "bill_redemptions",
        "rolled_over",
        "rolled_bills",
        "rolled_coupons_mid",
        "rolled_coupons_end",
        "bills",
        "coupons",
        "treasury",
        "regime",
    ]
    path = f[cols]
    mix = p.mix
    rows = [
        ("bill", f"{w}w bill", "weekly", sh * float(f["rolled_bills"].sum()))
        for w, sh in zip(mix.bill_weeks, mix.bill_shares, strict=True)
    ]
    for half in ("mid", "end"):
        amt = np.zeros(len(mix.coupons[half]))
        for month, rolled in zip(f.index, f[f"rolled_coupons_{half}"], strict=True):
            amt += np.asarray(mix.coupon_shares(half, pd.Period(month, "M")), float) * rolled
        rows += [
            (tn.kind, tn.label, half, float(a))
            for tn, a in zip(mix.coupons[half], amt, strict=True)
        ]
    issued = pd.DataFrame(rows, columns=["kind", "security", "settles", f"amount {BN}"])
    idx = f.index
    fig = styled_figure(
        title=t("b2.fig.title", lang, policy=pol.name),
        y_title=t("common.unit.usd_bn_per_month", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for c in ("coupon_redemptions", "bill_redemptions"):
        month_bar(fig, idx, f[c], name=_name(c, lang), unit=unit)
    month_line(fig, idx, f["rolled_over"], name=_name("rolled_over", lang), unit=unit)
    _add_cap_line(fig, f["treasury_cap"], lang)
    fig.update_layout(barmode="stack")
    lo, hi = _span(idx)
    shade_episodes(fig, lang, start=lo, end=hi, kinds=("qt",), as_of=ctx.as_of)
    first = p.start_holdings()["treasury"]
    notes = (
        note(
            "b2.note.redeemed",
            lang,
            start=str(idx[0]),
            end=str(idx[-1]),
            redeemed=float(f["treasury_redemptions"].sum()),
            coupons=float(f["coupon_redemptions"].sum()),
            bills=float(f["bill_redemptions"].sum()),
            rolled=float(f["rolled_over"].sum()),
            first=float(first),
            last=float(f["treasury"].iloc[-1]),
            move=direction(float(first), float(f["treasury"].iloc[-1]), lang, tol=0.5),
        ),
        note(
            "b2.note.mix",
            lang,
            source=t("runoff.mix_default", lang) if mix == default_issuance_mix() else mix.source,
        ),
    )
    return AnalysisResult(
        id="B2",
        title=t("b2.title", lang),
        lang=lang,
        tables=(
            Table("b2_path", t("b2.table.path", lang), _units(path)),
            Table("b2_new_securities", t("b2.table.issuance", lang), issued),
        ),
        figures=(Figure("b2_path", fig),),
        notes=notes,
        meta=_meta(ctx, pol, start=s, months=months),
    )


@analysis("B4", area="runoff", order=140)
def b4_whole_portfolio(
    ctx: RunContext,
    *,
    lang: str = "en",
    policy: Policy | str | None = None,
    start: MonthLike | None = None,
    months: int = 48,
    mbs_paydowns: str | None = None,
    mortgage_rate: str = "flat",
    shock_bp: float = 0.0,
) -> AnalysisResult:
    """B4 Whole portfolio: holdings by type and total securities under a policy [USD bn].

    ``mbs_paydowns``: ``"realized"``, ``"model"`` (the prepayment model driven by
    ``mortgage_rate`` shifted by ``shock_bp`` [bp]) or a CSV file; see
    :func:`qtlab.runs.runoff.paydown_source`. Default: ``"realized"`` at
    today's vantage, ``"model"`` at a past one (realized paydowns after it were not known).
    ``policy``: default the plan in force at the vantage, as known then.
    """
    if mbs_paydowns is None:
        mbs_paydowns = "realized" if ctx.as_of is None else "model"
    pol = as_policy(policy, ctx.as_of)
    s = _start(ctx, start)
    p = run_projection(
        ctx,
        pol,
        s,
        months,
        mbs_paydowns=mbs_paydowns,
        mortgage_rate=mortgage_rate,
        shock_bp=shock_bp,
    )
    f = p.frame
    cols = [
        "bills",
        "notes_bonds",
        "tips",
        "frn",
        "treasury",
        "tips_inflation_comp",
        "mbs",
        "agency",
        "cmbs",
        "total_securities",
        "mbs_paydowns",
        "mbs_reinvested",
        "agency_to_treasuries",
        "mbs_sales",
        "purchases",
        "regime",
    ]
    tab = f[cols]
    idx = f.index
    fig = styled_figure(
        title=t("b4.fig.title", lang, policy=pol.name, start=str(idx[0]), end=str(idx[-1])),
        y_title=t("common.unit.usd_bn", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for c in ("bills", "notes_bonds", "tips", "frn", "mbs", "agency", "cmbs"):
        month_line(fig, idx, f[c], name=_name(c, lang), unit=unit, stackgroup="one")
    lo, hi = _span(idx)
    shade_episodes(fig, lang, start=lo, end=hi, kinds=("qt",), as_of=ctx.as_of)
    if mbs_paydowns == "realized":
        src = t("runoff.paydowns.realized", lang)
    elif mbs_paydowns == "model" and mortgage_rate == "flat":
        key = "runoff.paydowns.model_shock" if shock_bp else "runoff.paydowns.model"
        src = t(key, lang, shock=float(shock_bp))
    elif mbs_paydowns == "model":
        src = t("runoff.paydowns.model_path", lang, path=mortgage_rate, shock=float(shock_bp))
    else:
        src = t("runoff.paydowns.file", lang, file=mbs_paydowns)
    first = float(p.start_holdings()["total_securities"])
    regs = list(dict.fromkeys(f["regime"]))
    notes: tuple[Note, ...] = (
        note(
            "b4.note.change",
            lang,
            first=first,
            last=float(f["total_securities"].iloc[-1]),
            change=float(f["total_securities"].iloc[-1]) - first,
            start=str(idx[0]),
            end=str(idx[-1]),
        ),
        note("b4.note.paydowns", lang, source=src),
        note("b4.note.regimes", lang, regimes=", ".join(regs)),
    )
    extra = (
        {"mortgage_rate": mortgage_rate, "shock_bp": shock_bp} if mbs_paydowns == "model" else {}
    )
    meta = _meta(ctx, pol, start=s, months=months, mbs_paydowns=mbs_paydowns, **extra)
    if mbs_paydowns == "realized" and ctx.as_of is not None:
        hs = note("b4.note.hindsight", lang, asof=ctx.as_of.isoformat())
        notes = (*notes, hs)
        meta["gaps"] = [hs.text]
    return AnalysisResult(
        id="B4",
        title=t("b4.title", lang),
        lang=lang,
        tables=(Table("b4_portfolio", t("b4.table.portfolio", lang), _units(tab)),),
        figures=(Figure("b4_portfolio", fig),),
        notes=notes,
        meta=meta,
    )


def describe_inflation(d: dict[str, Any], lang: str) -> str:
    """The TIPS inflation assumption in a phrase (from
    :meth:`~qtlab.engine.AssumedTipsAccrual.describe`)."""
    if d.get("path"):
        return t("inflation.path", lang, last=d["last"], long_run=d["long_run"])
    return t(
        "inflation.assumption",
        lang,
        last=d["last"],
        trailing=d["trailing"],
        long_run=d["long_run"],
        horizon=d["horizon"],
        fade=t(f"inflation.fade.{d['fade']}", lang),
    )


def _tips_note(tips: pd.DataFrame, lang: str) -> Note:
    real = tips["error_pct"].abs()
    vant = tips["from_vantage_error_pct"].abs()
    return note(
        "e2.note.tips",
        lang,
        real=float(real.max()),
        real_month=str(tips["month"].iloc[int(real.to_numpy().argmax())]),
        vantage=float(vant.max()),
        vantage_month=str(tips["month"].iloc[int(vant.to_numpy().argmax())]),
        assumption=describe_inflation(tips.attrs["assumption"], lang),
    )


def _tips_table(tips: pd.DataFrame) -> pd.DataFrame:
    out = tips.rename(
        columns={c: f"{c} {BN}" for c in ("realized", "projected", "from_vantage")}
        | {"error_pct": "error_pct [%]", "from_vantage_error_pct": "from_vantage_error_pct [%]"}
    )
    out.attrs = {}
    return out


@analysis("E2", area="scorecard", order=520)
def e2_backtest(ctx: RunContext, *, lang: str = "en", end: MonthLike = "2025-11") -> AnalysisResult:
    """E2 Backtest: the QT2 projection from the data of 2022 against realized SOMA holdings
    (Treasury, bills, coupons, MBS) to ``end``; QT1 in aggregate. Only ``ctx``'s folders are
    used: the backtest's vantage is fixed (2022-05-31) and the realized data are the latest,
    whatever ``ctx``'s vantage (at a past one a note says so: scoring needs the outcomes)."""
    b = backtest("qt2", end=end, ctx=ctx)
    q1 = backtest("qt1", ctx=ctx)
    fr = b.frame
    fig = styled_figure(
        title=t("e2.fig.title", lang),
        y_title=t("common.unit.usd_bn", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    for s in ("treasury", "mbs", "bills"):
        g = fr[fr["series"] == s]
        nm = _name(s, lang)
        fig.add_scatter(
            x=g["date"],
            y=g["realized"],
            name=t("e2.legend.realized", lang, series=nm),
            mode="lines",
            line={"width": 3},
        )
        fig.add_scatter(
            x=g["date"],
            y=g["projected"],
            mode="lines",
            line={"dash": "dash"},
            name=t("e2.legend.projected", lang, series=nm),
        )
    e = b.errors
    verdict = {True: t("e2.verdict.met", lang), False: t("e2.verdict.missed", lang)}
    later: tuple[Note, ...] = ()
    if ctx.as_of is not None:
        later = (
            note(
                "e2.note.scored_today",
                lang,
                asof=ctx.as_of.isoformat(),
                latest=str(fr["date"].max().date()),
            ),
        )
    chk = b.start_check
    tsy_p, tsy_r = (float(chk["projected"]["treasury"]), float(chk["realized"]["treasury"]))
    notes = (
        *later,
        note("e2.note.method", lang, method=t("e2.method.qt2", lang)),
        note("e2.note.convention", lang, convention=t("e2.convention.qt2", lang)),
        note(
            "e2.note.treasury",
            lang,
            pct=e["treasury"]["max_abs_pct"],
            bn=e["treasury"]["max_abs_bn"],
            month=e["treasury"]["worst_month"],
            verdict=verdict[e["treasury"]["max_abs_pct"] <= 0.5],
        ),
        note(
            "e2.note.bills",
            lang,
            bn=e["bills"]["max_abs_bn"],
            month=e["bills"]["worst_month"],
            verdict=verdict[e["bills"]["max_abs_bn"] <= 10],
        ),
        note(
            "e2.note.mbs",
            lang,
            pct=e["mbs"]["max_abs_pct"],
            bn=e["mbs"]["max_abs_bn"],
            month=e["mbs"]["worst_month"],
        ),
        _tips_note(b.tips, lang),
        note(
            "e2.note.start",
            lang,
            date=chk.attrs["date"],
            pct=100 * (tsy_p / tsy_r - 1),
            bn=tsy_p - tsy_r,
            by_kind=("、" if lang == "zh" else ", ").join(
                f"{_name(k, lang)} {pct:+.2f}%"
                for k, pct in chk["error_pct"].items()
                if k in ("bills", "notes_bonds", "tips", "frn", "mbs")
            ),
            bought=float(chk.attrs.get("taper_purchases", 0.0)),
        ),
        note(
            "e2.note.qt1",
            lang,
            method=t("e2.method.qt1", lang),
            tsy=q1.errors["treasury"]["max_abs_bn"],
            mbs=q1.errors["agency_mbs"]["max_abs_bn"],
        ),
    )
    errs = pd.DataFrame(e).T
    errs.index.name = "series"
    errs.columns = ["max_abs_pct [%]", f"mean_abs_bn {BN}", f"max_abs_bn {BN}", "worst_month"]
    monthly = fr.rename(columns={c: f"{c} {BN}" for c in ("projected", "realized", "error")})
    monthly = monthly.rename(columns={"error_pct": "error_pct [%]"})
    start = chk.rename(
        columns={
            "projected": f"projected {BN}",
            "realized": f"realized {BN}",
            "error_pct": "error_pct [%]",
        }
    )
    qt1 = q1.frame.rename(columns={c: f"{c} {BN}" for c in ("projected", "realized", "error")})
    return AnalysisResult(
        id="E2",
        title=t("e2.title", lang),
        lang=lang,
        tables=(
            Table("e2_monthly", t("e2.table.monthly", lang), monthly),
            Table("e2_errors", t("e2.table.errors", lang), errs),
            Table("e2_start", t("e2.table.start", lang), start),
            Table("e2_qt1", t("e2.table.qt1", lang), qt1),
            Table("e2_tips", t("e2.table.tips", lang), _tips_table(b.tips)),
        ),
        figures=(Figure("e2_backtest", fig),),
        notes=notes,
        meta={
            "as_of": QT2_VANTAGE,
            "options": {"end": str(end)},
            "inputs": ["holdings 2022-02-16 / 2022-05-11", "soma.* weekly summary"],
            "gaps": [t("e2.method.qt1", lang)],
            "convention": b.convention,
            "errors": e,
            "errors_qt1": q1.errors,
        },
    )
