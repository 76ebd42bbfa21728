"""B2: the Treasury runoff path under a policy: redemptions, rollovers and the new
securities the rollovers create.

Computed once (:func:`compute_b2` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_b2`). Units: USD bn (stocks), USD bn per month (flows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike
from qtlab.analyses._figures import shade_episodes
from qtlab.analyses._runoff_common import (
    BN,
    add_cap_line,
    display_monthly,
    monthly_table,
    run_meta,
    series_name,
    span,
)
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.engine import default_issuance_mix
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.portfolio import TREASURY_KINDS
from qtlab.present.figures import month_bar, month_line, styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.forward import run_start
from qtlab.runs.runoff import as_policy, run_projection
from qtlab.schema import USD_BN

__all__ = ["compute_b2", "render_b2"]

PATH_COLUMNS = (
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
)


@analysis("B2", area="runoff", order=120)
def compute_b2(
    ctx: RunContext,
    *,
    policy: Policy | str | None = None,
    start: MonthLike | None = None,
    months: int = 48,
) -> Computed:
    """B2 Treasury runoff path: redemptions (coupons, bills), rollovers and the new
    securities they create, month by month [USD bn].

    ``start``: default the month after the vantage date; at today's vantage where F1
    starts, the holdings carried forward under the realized policy before it
    (:func:`qtlab.runs.forward.run_start`).

    Table ``path`` (PeriodIndex ``month``): the cap, maturities, redemptions and
    rollovers [USD bn per month], the holdings of bills, coupons and all Treasuries at
    the month's end [USD bn] and the ``regime`` id. Table ``new_securities``: what the
    rollovers buy over the window by ``kind``, ``security`` and settlement (``settles``:
    weekly bills, mid- or end-month coupons) [USD bn], from the issuance mix.
    """
    s, pol = run_start(ctx, as_policy(policy, ctx.as_of), start)
    p = run_projection(ctx, pol, s, months, kinds=TREASURY_KINDS)
    f = p.frame
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
    issued = pd.DataFrame(rows, columns=["kind", "security", "settles", "amount"])
    first = float(p.start_holdings()["treasury"])
    last = float(f["treasury"].iloc[-1])
    d = last - first
    way = "flat" if abs(d) <= 0.5 else "rise" if d > 0 else "fall"
    idx = f.index
    redeemed = float(f["treasury_redemptions"].sum())
    facts = (
        Fact(
            "b2.note.redeemed" if redeemed > 0.05 else "b2.note.rolled_only",
            {
                "start": str(idx[0]),
                "end": str(idx[-1]),
                "redeemed": redeemed,
                "coupons": float(f["coupon_redemptions"].sum()),
                "bills": float(f["bill_redemptions"].sum()),
                "rolled": float(f["rolled_over"].sum()),
                "first": first,
                "last": last,
                "move": way,
            },
        ),
        Fact("b2.note.mix", {"source": mix.source}),
    )
    meta = run_meta(ctx, pol, start=s, months=months)
    return Computed(
        id="B2",
        tables={
            "path": monthly_table(f, PATH_COLUMNS),
            "new_securities": tidy(issued, {"amount": USD_BN}),
        },
        notes=facts,
        meta={**meta, "default_mix": mix == default_issuance_mix()},
    )


@renders("B2")
def render_b2(c: Computed, lang: str) -> AnalysisResult:
    """B2 in ``lang``: the path and new-securities tables, redemptions and rollovers
    against the cap in a figure."""
    f = c.table("path")
    idx = f.index
    fig = styled_figure(
        title=t("b2.fig.title", lang, policy=c.meta["options"]["policy"]),
        y_title=t("common.unit.usd_bn_per_month", lang),
        source=t("runoff.source_soma", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for col in ("coupon_redemptions", "bill_redemptions"):
        month_bar(fig, idx, f[col], name=series_name(col, lang), unit=unit)
    month_line(fig, idx, f["rolled_over"], name=series_name("rolled_over", lang), unit=unit)
    add_cap_line(fig, f["treasury_cap"], lang)
    fig.update_layout(barmode="stack")
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
    issued = c.table("new_securities").rename(columns={"amount": f"amount {BN}"})
    issued.attrs = {}
    default_mix = c.meta["default_mix"]

    def source(s: str) -> str:
        return t("runoff.mix_default", lang) if default_mix else s

    return AnalysisResult(
        id="B2",
        title=t("b2.title", lang),
        lang=lang,
        tables=(
            Table("b2_path", t("b2.table.path", lang), display_monthly(f), excerpt="first"),
            Table("b2_new_securities", t("b2.table.issuance", lang), issued),
        ),
        figures=(Figure("b2_path", fig),),
        notes=notes_of(c, lang, move=lambda w: t(f"common.move.{w}", lang), source=source),
        meta={k: v for k, v in c.meta.items() if k != "default_mix"},
    )
