"""B4: the whole SOMA portfolio under a policy: holdings by type and total securities.

Computed once (:func:`compute_b4` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_b4`). Units: USD bn (stocks), USD bn per month (flows).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qtlab._periods import MonthLike
from qtlab.analyses._figures import shade_episodes
from qtlab.analyses._runoff_common import (
    display_monthly,
    monthly_table,
    run_meta,
    series_name,
    span,
)
from qtlab.analyses.computed import Computed, Fact
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.present.figures import month_line, styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.forward import run_start
from qtlab.runs.runoff import as_policy, run_projection

__all__ = ["compute_b4", "render_b4"]

PORTFOLIO_COLUMNS = (
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
)


@analysis("B4", area="runoff", order=140)
def compute_b4(
    ctx: RunContext,
    *,
    policy: Policy | str | None = None,
    start: MonthLike | None = None,
    months: int = 48,
    mbs_paydowns: str | None = None,
    mortgage_rate: str = "flat",
    shock_bp: float = 0.0,
) -> Computed:
    """B4 Whole portfolio: holdings by type and total securities under a policy [USD bn].

    ``mbs_paydowns``: ``"realized"``, ``"model"`` (the prepayment model driven by
    ``mortgage_rate`` shifted by ``shock_bp`` [bp]) or a CSV file; see
    :func:`qtlab.runs.runoff.paydown_source`. Default: ``"realized"`` at
    today's vantage, ``"model"`` at a past one (realized paydowns after it were not known).
    ``policy``: default the plan in force at the vantage, as known then.

    ``start``: default the month after the vantage date; at today's vantage where F1
    starts, the holdings carried forward under the realized policy before it
    (:func:`qtlab.runs.forward.run_start`).

    Table ``portfolio`` (PeriodIndex ``month``): holdings by type and in total at the
    month's end [USD bn], MBS paydowns, reinvestment, sales and purchases [USD bn per
    month] and the ``regime`` id.
    """
    if mbs_paydowns is None:
        mbs_paydowns = "realized" if ctx.as_of is None else "model"
    s, pol = run_start(ctx, as_policy(policy, ctx.as_of), start)
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
    idx = f.index
    first = float(p.start_holdings()["total_securities"])
    last = float(f["total_securities"].iloc[-1])
    facts: tuple[Fact, ...] = (
        Fact(
            "b4.note.change",
            {
                "first": first,
                "last": last,
                "change": last - first,
                "start": str(idx[0]),
                "end": str(idx[-1]),
            },
        ),
        Fact("b4.note.paydowns", {"source": mbs_paydowns}),
        Fact("b4.note.regimes", {"regimes": tuple(dict.fromkeys(f["regime"]))}),
    )
    extra = (
        {"mortgage_rate": mortgage_rate, "shock_bp": shock_bp} if mbs_paydowns == "model" else {}
    )
    meta: dict[str, Any] = run_meta(
        ctx, pol, start=s, months=months, mbs_paydowns=mbs_paydowns, **extra
    )
    meta["paydowns"] = {
        "source": mbs_paydowns,
        "mortgage_rate": mortgage_rate,
        "shock_bp": float(shock_bp),
    }
    if mbs_paydowns == "realized" and ctx.as_of is not None:
        hs = Fact("b4.note.hindsight", {"asof": ctx.as_of.isoformat()})
        facts = (*facts, hs)
        meta["gaps"] = (hs,)
    return Computed(
        id="B4",
        tables={"portfolio": monthly_table(f, PORTFOLIO_COLUMNS)},
        notes=facts,
        meta=meta,
    )


def _paydown_source(paydowns: dict[str, Any], lang: str) -> str:
    """Where the MBS paydowns come from, in a phrase."""
    source, rate, shock = paydowns["source"], paydowns["mortgage_rate"], paydowns["shock_bp"]
    if source == "realized":
        return t("runoff.paydowns.realized", lang)
    if source == "model" and rate == "flat":
        key = "runoff.paydowns.model_shock" if shock else "runoff.paydowns.model"
        return t(key, lang, shock=shock)
    if source == "model":
        return t("runoff.paydowns.model_path", lang, path=rate, shock=shock)
    return t("runoff.paydowns.file", lang, file=source)


@renders("B4")
def render_b4(c: Computed, lang: str) -> AnalysisResult:
    """B4 in ``lang``: the portfolio table and the stacked holdings by type."""
    f = c.table("portfolio")
    idx = f.index
    opts = c.meta["options"]
    fig = styled_figure(
        title=t("b4.fig.title", lang, policy=opts["policy"], start=str(idx[0]), end=str(idx[-1])),
        y_title=t("common.unit.usd_bn", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for col in ("bills", "notes_bonds", "tips", "frn", "mbs", "agency", "cmbs"):
        month_line(fig, idx, f[col], name=series_name(col, lang), unit=unit, stackgroup="one")
    lo, hi = span(idx)
    as_of = c.meta["as_of"]
    shade_episodes(
        fig,
        lang,
        start=lo,
        end=hi,
        kinds=("qt",),
        as_of=pd.Timestamp(as_of).date() if as_of else None,
    )
    paydowns = c.meta["paydowns"]
    meta = {k: v for k, v in c.meta.items() if k != "paydowns"}
    meta["gaps"] = [t(g.key, lang, **g.values) for g in c.meta["gaps"]]
    return AnalysisResult(
        id="B4",
        title=t("b4.title", lang),
        lang=lang,
        tables=(
            Table(
                "b4_portfolio",
                t("b4.table.portfolio", lang),
                display_monthly(f),
                excerpt="first",
            ),
        ),
        figures=(Figure("b4_portfolio", fig),),
        notes=notes_of(c, lang, source=lambda s: _paydown_source(paydowns, lang)),
        meta=meta,
    )
