"""E2: the runoff backtest: the QT2 projection from the data of 2022 against realized
SOMA holdings, and QT1 in aggregate.

Computed once (:func:`compute_e2` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_e2`). Units: USD bn, percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qtlab._periods import MonthLike
from qtlab.analyses._runoff_common import BN, series_name
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import (
    AnalysisResult,
    Figure,
    Table,
    analysis,
    first_rows,
    notes_of,
    renders,
)
from qtlab.i18n import t
from qtlab.present.figures import styled_figure
from qtlab.runs.backtest import QT2_VANTAGE, backtest
from qtlab.runs.context import RunContext
from qtlab.schema import PERCENT, USD_BN

__all__ = ["compute_e2", "describe_inflation", "render_e2"]

#: The verdicts of the notes: Treasury holdings within 0.5% and bills within 10 bn.
TREASURY_TOLERANCE_PCT = 0.5
BILLS_TOLERANCE_BN = 10.0
#: The kinds whose start error the start note lists, in this order of the check table.
START_KINDS = ("bills", "notes_bonds", "tips", "frn", "mbs")
_MONEY = {"projected": USD_BN, "realized": USD_BN, "error": USD_BN, "error_pct": PERCENT}


def describe_inflation(d: Mapping[str, Any], lang: str) -> str:
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


def _tidy(frame: pd.DataFrame, units: Mapping[str, str]) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = {}
    return tidy(out, {c: u for c, u in units.items() if c in out.columns})


def _tips_fact(tips: pd.DataFrame) -> Fact:
    real = tips["error_pct"].abs()
    vant = tips["from_vantage_error_pct"].abs()
    return Fact(
        "e2.note.tips",
        {
            "real": float(real.max()),
            "real_month": str(tips["month"].iloc[int(real.to_numpy().argmax())]),
            "vantage": float(vant.max()),
            "vantage_month": str(tips["month"].iloc[int(vant.to_numpy().argmax())]),
            "assumption": dict(tips.attrs["assumption"]),
        },
    )


@analysis("E2", area="scorecard", order=520)
def compute_e2(ctx: RunContext, *, end: MonthLike = "2025-11") -> Computed:
    """E2 Backtest: the QT2 projection from the data of 2022 against realized SOMA holdings
    (Treasury, bills, coupons, MBS) to ``end``; QT1 in aggregate. Only ``ctx``'s folders are
    used: the backtest's vantage is fixed (2022-05-31) and the realized data are the latest,
    whatever ``ctx``'s vantage (at a past one a note says so: scoring needs the outcomes).

    Tables: ``monthly`` (``month``, ``date``, ``series``: projected, realized, error
    [USD bn] and error [%]); ``errors`` (by ``series``: the largest error [%], the mean
    and largest absolute error [USD bn] and the month of the largest); ``start`` (by
    ``kind``: the start of the projection against the holdings then); ``qt1`` (as
    ``monthly``, QT1 in aggregate); ``tips`` (by ``date``: TIPS inflation compensation
    realized, projected with measured accrual and from the vantage's assumption
    [USD bn], and their errors [%]).
    """
    b = backtest("qt2", end=end, ctx=ctx)
    q1 = backtest("qt1", ctx=ctx)
    fr = b.frame
    e = b.errors
    facts: list[Fact] = []
    if ctx.as_of is not None:
        facts.append(
            Fact(
                "e2.note.scored_today",
                {"asof": ctx.as_of.isoformat(), "latest": str(fr["date"].max().date())},
            )
        )
    chk = b.start_check
    tsy_p, tsy_r = (float(chk["projected"]["treasury"]), float(chk["realized"]["treasury"]))
    facts += [
        Fact("e2.note.method", {"method": "qt2"}),
        Fact("e2.note.convention", {"convention": "qt2"}),
        Fact(
            "e2.note.treasury",
            {
                "pct": e["treasury"]["max_abs_pct"],
                "bn": e["treasury"]["max_abs_bn"],
                "month": e["treasury"]["worst_month"],
                "verdict": bool(e["treasury"]["max_abs_pct"] <= TREASURY_TOLERANCE_PCT),
            },
        ),
        Fact(
            "e2.note.bills",
            {
                "bn": e["bills"]["max_abs_bn"],
                "month": e["bills"]["worst_month"],
                "verdict": bool(e["bills"]["max_abs_bn"] <= BILLS_TOLERANCE_BN),
            },
        ),
        Fact(
            "e2.note.mbs",
            {
                "pct": e["mbs"]["max_abs_pct"],
                "bn": e["mbs"]["max_abs_bn"],
                "month": e["mbs"]["worst_month"],
            },
        ),
        _tips_fact(b.tips),
        Fact(
            "e2.note.start",
            {
                "date": chk.attrs["date"],
                "pct": 100 * (tsy_p / tsy_r - 1),
                "bn": tsy_p - tsy_r,
                "by_kind": {
                    str(k): float(pct) for k, pct in chk["error_pct"].items() if k in START_KINDS
                },
                "bought": float(chk.attrs.get("taper_purchases", 0.0)),
            },
        ),
        Fact(
            "e2.note.qt1",
            {
                "method": "qt1",
                "tsy": q1.errors["treasury"]["max_abs_bn"],
                "mbs": q1.errors["agency_mbs"]["max_abs_bn"],
            },
        ),
    ]
    errs = pd.DataFrame(e).T
    errs.index.name = "series"
    errs.columns = ["max_abs_pct", "mean_abs_bn", "max_abs_bn", "worst_month"]
    errs = errs.astype(
        {"max_abs_pct": float, "mean_abs_bn": float, "max_abs_bn": float, "worst_month": str}
    )
    return Computed(
        id="E2",
        tables={
            "monthly": _tidy(fr, _MONEY),
            "errors": tidy(
                errs, {"max_abs_pct": PERCENT, "mean_abs_bn": USD_BN, "max_abs_bn": USD_BN}
            ),
            "start": _tidy(chk, _MONEY),
            "qt1": _tidy(q1.frame, _MONEY),
            "tips": _tidy(
                b.tips,
                {
                    "realized": USD_BN,
                    "projected": USD_BN,
                    "from_vantage": USD_BN,
                    "error_pct": PERCENT,
                    "from_vantage_error_pct": PERCENT,
                },
            ),
        },
        notes=tuple(facts),
        meta={
            "as_of": QT2_VANTAGE,
            "options": {"end": str(end)},
            "inputs": ["holdings 2022-02-16 / 2022-05-11", "soma.* weekly summary"],
            "gaps": (Fact("e2.method.qt1", {}),),
            "convention": b.convention,
            "errors": e,
            "errors_qt1": q1.errors,
        },
    )


def _display(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    out = frame.rename(columns=dict(columns))
    out.attrs = {}
    return out


def _worst_rows(monthly: pd.DataFrame, errors: pd.DataFrame) -> tuple[int, ...]:
    """Row positions of the monthly table the notes discuss: each series' first three
    months and its month of largest error (``errors.worst_month``)."""
    worst = {(str(s), str(m)) for s, m in errors["worst_month"].items()}
    months = monthly["month"].astype(str).to_numpy()
    series = monthly["series"].astype(str).to_numpy()
    first = set(first_rows(list(series), 3))
    return tuple(i for i in range(len(monthly)) if i in first or (series[i], months[i]) in worst)


@renders("E2")
def render_e2(c: Computed, lang: str) -> AnalysisResult:
    """E2 in ``lang``: the five tables and realized against projected holdings."""
    fr = c.table("monthly")
    fig = styled_figure(
        title=t("e2.fig.title", lang),
        y_title=t("common.unit.usd_bn", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    for s in ("treasury", "mbs", "bills"):
        g = fr[fr["series"] == s]
        nm = series_name(s, lang)
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
    sep = "、" if lang == "zh" else ", "

    def by_kind(pcts: Mapping[str, float]) -> str:
        return sep.join(f"{series_name(k, lang)} {pct:+.2f}%" for k, pct in pcts.items())

    notes = notes_of(
        c,
        lang,
        method=lambda m: t(f"e2.method.{m}", lang),
        convention=lambda m: t(f"e2.convention.{m}", lang),
        verdict=lambda ok: t("e2.verdict.met" if ok else "e2.verdict.missed", lang),
        assumption=lambda d: describe_inflation(d, lang),
        by_kind=by_kind,
    )
    money = {c: f"{c} {BN}" for c in ("projected", "realized", "error")}
    errs = c.table("errors").astype(object)
    errs.columns = ["max_abs_pct [%]", f"mean_abs_bn {BN}", f"max_abs_bn {BN}", "worst_month"]
    errs.attrs = {}
    tips = {c: f"{c} {BN}" for c in ("realized", "projected", "from_vantage")} | {
        "error_pct": "error_pct [%]",
        "from_vantage_error_pct": "from_vantage_error_pct [%]",
    }
    return AnalysisResult(
        id="E2",
        title=t("e2.title", lang),
        lang=lang,
        tables=(
            Table(
                "e2_monthly",
                t("e2.table.monthly", lang),
                _display(fr, money | {"error_pct": "error_pct [%]"}),
                excerpt=_worst_rows(fr, c.table("errors")),
            ),
            Table("e2_errors", t("e2.table.errors", lang), errs),
            Table(
                "e2_start",
                t("e2.table.start", lang),
                _display(
                    c.table("start"),
                    {
                        "projected": f"projected {BN}",
                        "realized": f"realized {BN}",
                        "error_pct": "error_pct [%]",
                    },
                ),
            ),
            Table("e2_qt1", t("e2.table.qt1", lang), _display(c.table("qt1"), money)),
            Table("e2_tips", t("e2.table.tips", lang), _display(c.table("tips"), tips)),
        ),
        figures=(Figure("e2_backtest", fig),),
        notes=notes,
        meta={**c.meta, "gaps": [t(g.key, lang, **g.values) for g in c.meta["gaps"]]},
    )
