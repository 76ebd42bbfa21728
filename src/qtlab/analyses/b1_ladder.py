"""B1: the maturity ladder of the Treasury holdings against the cap.

Computed once (:func:`compute_b1` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_b1`). Units: USD bn per month; the stocks maturing within
the horizon in USD bn.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qtlab._periods import MonthLike
from qtlab.analyses._runoff_common import (
    add_cap_line,
    display_monthly,
    monthly_table,
    run_meta,
    series_name,
)
from qtlab.analyses.computed import Computed, Fact
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.present.figures import month_bar, styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.forward import run_start
from qtlab.runs.forward_policy import base_name
from qtlab.runs.ladder import ladder
from qtlab.runs.runoff import as_policy

__all__ = ["compute_b1", "render_b1"]


def _ended_facts(pol: Policy, start: pd.Period, months: int) -> list[Fact]:
    """No cap binds in B1's window: when runoff ended before it (the last month with a
    positive Treasury cap and the regime in force), that every maturing security is
    rolled over, and the reserve-management bills the regime buys."""
    reg = pol.regime_at(start)
    regime = base_name(reg.name)
    before = pol.cap_path(pol.start, start - 1) if pol.start < start else None
    ran = [] if before is None else list(before.index[before["treasury_cap"] > 0])
    if ran:
        out = [
            Fact(
                "b1.note.runoff_ended",
                {"last": str(ran[-1]), "regime": regime, "start": str(start)},
            )
        ]
    else:
        out = [Fact("b1.note.no_runoff", {"start": str(start), "regime": regime})]
    if reg.bill_purchases > 0:
        out.append(
            Fact(
                "b1.note.rmp",
                {
                    "regime": regime,
                    "pace": reg.bill_purchases,
                    "months": months,
                    "total": reg.bill_purchases * months,
                },
            )
        )
    return out


def _runoff_facts(
    summ: dict[str, Any], last_month: str, pol: Policy, start: pd.Period, months: int
) -> list[Fact]:
    """What the cap does in B1's window: shortfall months and bill runoff, or that no
    cap binds (runoff ended before the window, :func:`_ended_facts`), or that runoff
    ends inside the window (nothing runs off after it)."""
    if not summ["runoff_months"]:
        return _ended_facts(pol, start, months)
    out: list[Fact] = []
    short = summ["coupon_shortfall_months"]
    if short:
        out.append(Fact("b1.note.shortfall", {"n": len(short), "months": ", ".join(short)}))
        out.append(
            Fact(
                "b1.note.bill_runoff",
                {"first": summ["first_runoff_month"], "amount": summ["bill_runoff_first_12m"]},
            )
        )
    else:
        out.append(Fact("b1.note.no_shortfall", {"n": summ["runoff_months"]}))
    if summ["last_runoff_month"] != last_month:
        out.append(Fact("b1.note.runoff_ends", {"last": summ["last_runoff_month"]}))
    return out


@analysis("B1", area="runoff", order=110)
def compute_b1(
    ctx: RunContext,
    *,
    policy: Policy | str | None = None,
    start: MonthLike | None = None,
    months: int = 24,
) -> Computed:
    """B1 Maturity ladder versus the cap: Treasury maturities for ``months`` months
    from ``start`` (bills and coupons) against the cap path [USD bn].

    ``start``: default the month after the vantage date; at today's vantage where F1
    starts, the holdings carried forward under the realized policy before it
    (:func:`qtlab.runs.forward.run_start`).

    Table ``ladder`` (PeriodIndex ``month``): bills and coupons maturing, the Treasury
    cap, coupon and bill redemptions, the amount rolled over and the coupon shortfall
    under the cap [USD bn per month]. ``meta["summary"]``: the numbers of
    :func:`~qtlab.runs.ladder.ladder` (stocks maturing, flows, shortfall months).
    """
    s, pol = run_start(ctx, as_policy(policy, ctx.as_of), start)
    frame, summ = ladder(ctx, pol, s, months)
    tsy_asof = ctx.holdings(["bill"])["as_of"].max()
    facts = [
        Fact(
            "b1.note.carry",
            {"asof": str(pd.Timestamp(tsy_asof).date()), "start": str(s), "policy": pol.name},
        ),
        Fact(
            "b1.note.maturing",
            {
                "start": str(s),
                "stock24": summ["stock_maturing_24m"],
                "bills24": summ["stock_bills_24m"],
            },
        ),
    ]
    if months != 24:
        facts.append(
            Fact(
                "b1.note.maturing_horizon",
                {"months": months, "stock": summ["stock_maturing"], "bills": summ["stock_bills"]},
            )
        )
    facts.append(
        Fact(
            "b1.note.flow",
            {
                "months": months,
                "flow": summ["flow_maturing"],
                "flow_bills": summ["flow_bills"],
                "rolled": summ["rolled_over"],
            },
        )
    )
    facts += _runoff_facts(summ, str(frame.index[-1]), pol, s, months)
    meta = run_meta(ctx, pol, start=s, months=months)
    meta["summary"] = {k: v for k, v in summ.items() if k != "regime"}
    return Computed(id="B1", tables={"ladder": monthly_table(frame)}, notes=tuple(facts), meta=meta)


@renders("B1")
def render_b1(c: Computed, lang: str) -> AnalysisResult:
    """B1 in ``lang``: the ladder table and the bars of bills and coupons under the cap."""
    frame = c.table("ladder")
    idx = frame.index
    fig = styled_figure(
        title=t("b1.fig.title", lang, start=str(idx[0]), end=str(idx[-1])),
        y_title=t("common.unit.usd_bn_per_month", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for col, k in (("coupons_maturing", "coupons"), ("bills_maturing", "bills")):
        month_bar(fig, idx, frame[col], name=series_name(k, lang), unit=unit)
    add_cap_line(fig, frame["treasury_cap"], lang, width=3)
    fig.update_layout(barmode="stack")
    return AnalysisResult(
        id="B1",
        title=t("b1.title", lang),
        lang=lang,
        tables=(
            Table("b1_ladder", t("b1.table.ladder", lang), display_monthly(frame), excerpt="first"),
        ),
        figures=(Figure("b1_ladder", fig),),
        notes=notes_of(c, lang),
        meta=c.meta,
    )
