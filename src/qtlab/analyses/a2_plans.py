"""A2: runoff plans compared (QT1, QT2 as announced, QT2 as realized).

The plans are the policy presets of :mod:`qtlab.policy` (each regime cites its
FOMC source), the same definitions the runoff engine uses. As of a past date,
only regimes announced by then are visible: QT2 as realized, seen on the eve of
QT2, is the May 2022 plan.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from qtlab.analyses._history_data import vantage
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.errors import SpecError, one_of
from qtlab.i18n import t
from qtlab.policy import PRESET_NAMES, Policy, Regime, load_preset
from qtlab.present.figures import styled_figure
from qtlab.present.labels import policy_label
from qtlab.present.tables import headers
from qtlab.runs.context import RunContext
from qtlab.schema import MONTHS, USD_BN, USD_BN_PER_MONTH

__all__ = ["PLANS", "compute_a2", "plan_summary", "render_a2", "visible_plan"]

#: The plans A2 compares, in order, and how many months of each to chart.
PLANS = ("qt1-2017", "qt2-announced", "qt2-realized")
HORIZON_MONTHS = 48


def visible_plan(policy: Policy, as_of: pd.Timestamp | None) -> Policy | None:
    """``policy`` with only the regimes announced on or before ``as_of`` (None if none)."""
    if as_of is None:
        return policy
    regs = tuple(r for r in policy.regimes if pd.Timestamp(r.source.date) <= as_of)
    return dataclasses.replace(policy, regimes=regs) if regs else None


def _finite(x: float) -> float:
    return x if math.isfinite(x) else float("nan")


def plan_summary(policy: Policy, months: int = HORIZON_MONTHS) -> dict[str, object]:
    """Caps and phase-in of ``policy`` over its first ``months`` months [USD bn per month].

    ``phase_in_months``: months from the start until the combined cap first
    reaches its largest value; ``cum_12m``: the sum of combined caps over the
    first 12 months [USD bn]; ``cum_horizon``: the sum over the ``months`` [USD bn];
    ``runoff_months``: months with a positive cap; ``last_runoff``: the last of them
    (``""`` when the cap is still positive at the end of the ``months``).
    """
    path = policy.cap_path(policy.start, policy.start + (months - 1))
    comb = (path["treasury_cap"] + path["agency_cap"]).replace(np.inf, np.nan)
    peak = float(comb.max())
    first_peak = comb.index[int(np.argmax(comb.to_numpy() >= peak))]
    return {
        "start": str(policy.start),
        "first_treasury": _finite(float(path["treasury_cap"].iloc[0])),
        "first_agency": _finite(float(path["agency_cap"].iloc[0])),
        "peak_treasury": _finite(float(path["treasury_cap"].replace(np.inf, np.nan).max())),
        "peak_agency": _finite(float(path["agency_cap"].replace(np.inf, np.nan).max())),
        "peak_combined": peak,
        "phase_in_months": (first_peak - policy.start).n,
        "cum_12m": float(comb.iloc[:12].sum()),
        "cum_horizon": float(comb.sum()),
        "runoff_months": int((comb > 0).sum()),
        "last_runoff": "" if comb.iloc[-1] > 0 else str(comb.index[(comb > 0).to_numpy()][-1]),
    }


def _regime_row(plan: str, r: Regime, end: Any) -> dict[str, object]:
    """One regime of ``plan`` as numbers and ids (caps [USD bn per month])."""
    p = r.phase_in
    return {
        "plan": plan,
        "regime": r.name,
        "start": str(r.start),
        "end": "" if pd.isna(end) else str(end),
        "treasury_cap": _finite(r.treasury_cap),
        "agency_cap": _finite(r.agency_cap),
        "phase_in_every_months": None if p is None else p.every_months,
        "phase_in_treasury_start": None if p is None else p.treasury_start,
        "phase_in_agency_start": None if p is None else p.agency_start,
        "phase_in_treasury_step": None if p is None else p.treasury_step,
        "phase_in_agency_step": None if p is None else p.agency_step,
        "treasury_redemption": "rollover" if r.treasury_cap == 0 else r.treasury_redemption,
        "mbs_excess_to": r.mbs_excess_to,
        "mbs_excess_limit": r.mbs_excess_limit,
        "bill_purchases": r.bill_purchases,
        "source_title": r.source.title,
        "source_date": r.source.date,
    }


def _regime_rules(r: Mapping[Hashable, Any], lang: str) -> str:
    parts = [t(f"a2.redemption.{r['treasury_redemption']}", lang)]
    if math.isfinite(r["mbs_excess_limit"]) and r["mbs_excess_to"] != "mbs":
        to = t(f"a2.excess_to.{r['mbs_excess_to']}", lang)
        parts.append(t("a2.excess_limited", lang, limit=r["mbs_excess_limit"], to=to))
    else:
        parts.append(t(f"a2.excess.{r['mbs_excess_to']}", lang))
    if r["bill_purchases"]:
        parts.append(t("a2.purchases", lang, bills=r["bill_purchases"]))
    return t("a2.rules_join", lang).join(parts)


def _phase_text(r: Mapping[Hashable, Any], lang: str) -> str:
    if r["phase_in_every_months"] is None or pd.isna(r["phase_in_every_months"]):
        return t("a2.phase.none", lang)
    return t(
        "a2.phase.steps",
        lang,
        t0=r["phase_in_treasury_start"],
        a0=r["phase_in_agency_start"],
        ts=r["phase_in_treasury_step"],
        as_=r["phase_in_agency_step"],
        every=int(r["phase_in_every_months"]),
    )


_PLAN_UNITS = {
    **dict.fromkeys(
        ("first_treasury", "first_agency", "peak_treasury", "peak_agency", "peak_combined"),
        USD_BN_PER_MONTH,
    ),
    "phase_in_months": MONTHS,
    "cum_12m": USD_BN,
    "cum_horizon": USD_BN,
    "runoff_months": MONTHS,
}
_REGIME_UNITS = {
    **dict.fromkeys(
        (
            "treasury_cap",
            "agency_cap",
            "phase_in_treasury_start",
            "phase_in_agency_start",
            "phase_in_treasury_step",
            "phase_in_agency_step",
            "mbs_excess_limit",
            "bill_purchases",
        ),
        USD_BN_PER_MONTH,
    ),
    "phase_in_every_months": MONTHS,
}


@analysis("A2", area="history", order=20)
def compute_a2(ctx: RunContext, *, plans: tuple[str, ...] = PLANS) -> Computed:
    """A2: the runoff plans compared: caps, phase-in, composition rules, cap paths.

    Tables: ``plans`` (one row per plan id: start, first and peak caps [USD bn per
    month], phase-in length [months], cumulative caps [USD bn]) and ``regimes`` (every
    regime: caps, phase-in steps, composition rules as ids, source). Series
    ``cap_paths``: the combined monthly cap [USD bn per month] of each plan by month
    since its start. Regimes announced after the vantage date are left out.
    """
    bad = [p for p in plans if p not in PRESET_NAMES]
    if bad:
        raise SpecError(f"A2: unknown plan {bad[0]!r}; valid plans are {one_of(PRESET_NAMES)}")
    cut = vantage(ctx)
    visible = [(name, visible_plan(load_preset(name), cut)) for name in plans]
    shown = [(name, p) for name, p in visible if p is not None]
    if not shown:
        return Computed(
            id="A2",
            notes=(Fact("a2.note.none", {"date": ctx.cutoff.isoformat()}),),
            meta={"as_of": ctx.as_of, "inputs": [], "gaps": []},
        )
    rows: list[dict[str, object]] = []
    reg_rows: list[dict[str, object]] = []
    facts: list[Fact] = []
    paths: dict[str, pd.Series] = {}
    for name, p in shown:
        s = plan_summary(p)
        rows.append({"plan": name, **s})
        facts.append(Fact("a2.note.plan", {"plan": name, **s}))
        ends = p.table()["end"].tolist()
        reg_rows += [_regime_row(name, r, end) for r, end in zip(p.regimes, ends, strict=True)]
        path = p.cap_path(p.start, p.start + (HORIZON_MONTHS - 1))
        comb = (path["treasury_cap"] + path["agency_cap"]).replace(np.inf, np.nan)
        paths[name] = pd.Series(comb.to_numpy(), index=range(len(comb)), name=name)
        if name == "qt2-realized":
            for r in p.regimes:
                if r.source.date == p.regimes[0].source.date:
                    continue  # part of the plan as announced, not an amendment
                ended = r.treasury_cap == 0 and r.agency_cap == 0
                facts.append(
                    Fact(
                        "a2.note.end" if ended else "a2.note.amendment",
                        {
                            "start": str(r.start),
                            "treasury": _finite(r.treasury_cap),
                            "agency": _finite(r.agency_cap),
                            "bills": r.bill_purchases,
                            "date": r.source.date,
                        },
                    )
                )
    if cut is not None and any(p is None for _, p in visible):
        hidden = tuple(n for n, p in visible if p is None)
        facts.append(Fact("a2.note.hidden", {"plans": hidden, "date": str(ctx.as_of)}))
    if len(rows) >= 2 and rows[0]["phase_in_months"] and rows[1]["phase_in_months"]:
        facts.append(
            Fact(
                "a2.note.speed",
                {
                    "a": rows[0]["plan"],
                    "b": rows[1]["plan"],
                    "ma": rows[0]["phase_in_months"],
                    "mb": rows[1]["phase_in_months"],
                    "ca": rows[0]["cum_12m"],
                    "cb": rows[1]["cum_12m"],
                },
            )
        )
    cap_paths = pd.DataFrame(paths).rename_axis("months_since_start")
    return Computed(
        id="A2",
        tables={
            "plans": tidy(pd.DataFrame(rows, columns=list(_PCOLS)), _PLAN_UNITS),
            "regimes": tidy(pd.DataFrame(reg_rows), _REGIME_UNITS),
        },
        notes=tuple(facts),
        series={"cap_paths": tidy(cap_paths, dict.fromkeys(paths, USD_BN_PER_MONTH))},
        meta={
            "as_of": ctx.as_of,
            "inputs": [f"policy:{n}" for n, _ in shown],
            "horizon_months": HORIZON_MONTHS,
            "sources": sorted({r.source.url for _, p in shown for r in p.regimes}),
            "references": [
                {
                    "dataset": f"qtlab.policy: {name}",
                    "source": "fomc",
                    "official_id": f"{r.source.title}, {r.source.url}",
                    "series": f"{r.name} ({r.start})",
                    "vintage": r.source.date,
                }
                for name, p in shown
                for r in p.regimes
            ],
        },
    )


_PCOLS = (
    "plan",
    "start",
    "first_treasury",
    "first_agency",
    "peak_treasury",
    "peak_agency",
    "peak_combined",
    "phase_in_months",
    "cum_12m",
    "cum_horizon",
    "runoff_months",
    "last_runoff",
)
_RCOLS = ("regime", "start", "end", "treasury_cap", "agency_cap", "phase_in", "rules", "source")


@renders("A2")
def render_a2(c: Computed, lang: str) -> AnalysisResult:
    """A2 in ``lang``: the plans and regimes tables (rules and phase-in in words), the
    figure of combined cap paths."""
    label = {n: policy_label(n, lang) for n in PRESET_NAMES}
    notes = notes_of(
        c,
        lang,
        plan=label,
        a=label,
        b=label,
        plans=lambda ids: ", ".join(label[n] for n in ids),
    )
    if not c.tables:
        return AnalysisResult(
            id="A2", title=t("a2.title", lang), lang=lang, notes=notes, meta=c.meta
        )
    usd_m = t("common.unit.usd_bn_per_month", lang)
    months = c.meta["horizon_months"]
    fig = styled_figure(
        title=t("a2.fig.title", lang),
        y_title=usd_m,
        x_title=t("a2.fig.x", lang),
        source=t("a2.fig.source", lang),
        lang=lang,
    )
    paths = c.series["cap_paths"]
    for name in paths.columns:
        # the plan as announced is drawn thick and dashed under the realized one, which
        # follows it until the 2024 slowdown
        line = {"dash": "dash", "width": 5} if name == "qt2-announced" else {"width": 2.5}
        fig.add_scatter(
            x=list(paths.index),
            y=paths[name],
            mode="lines",
            line_shape="hv",
            name=label[name],
            line=line,
        )
    pcols = {
        "plan": t("a2.pcol.plan", lang),
        "start": t("a2.pcol.start", lang),
        "first_treasury": t("a2.pcol.first_treasury", lang, unit=usd_m),
        "first_agency": t("a2.pcol.first_agency", lang, unit=usd_m),
        "peak_treasury": t("a2.pcol.peak_treasury", lang, unit=usd_m),
        "peak_agency": t("a2.pcol.peak_agency", lang, unit=usd_m),
        "peak_combined": t("a2.pcol.peak_combined", lang, unit=usd_m),
        "phase_in_months": t("a2.pcol.phase_in_months", lang),
        "cum_12m": t("a2.pcol.cum_12m", lang, unit=t("common.unit.usd_bn", lang)),
        "cum_horizon": t(
            "a2.pcol.cum_horizon", lang, months=months, unit=t("common.unit.usd_bn", lang)
        ),
        "runoff_months": t("a2.pcol.runoff_months", lang, months=months),
        "last_runoff": t("a2.pcol.last_runoff", lang, months=months),
    }
    rcols = {"plan": pcols["plan"], **headers("a2.rcol", _RCOLS, lang, unit=usd_m)}
    plans = c.table("plans")
    plan_tab = plans.assign(plan=[label[n] for n in plans["plan"]]).rename(columns=pcols)
    plan_tab.attrs = {}
    regs = c.table("regimes").to_dict("records")
    reg_rows = [
        {
            "plan": label[r["plan"]],
            "regime": policy_label(r["regime"], lang),
            **{k: r[k] for k in ("start", "end", "treasury_cap", "agency_cap")},
            "phase_in": _phase_text(r, lang),
            "rules": _regime_rules(r, lang),
            "source": t("a2.source", lang, title=r["source_title"], date=r["source_date"]),
        }
        for r in regs
    ]
    return AnalysisResult(
        id="A2",
        title=t("a2.title", lang),
        lang=lang,
        tables=(
            Table("a2_plans", t("a2.table.plans", lang), plan_tab),
            Table(
                "a2_regimes",
                t("a2.table.regimes", lang),
                pd.DataFrame(reg_rows, columns=list(rcols)).rename(columns=rcols),
            ),
        ),
        figures=(Figure("a2_cap_paths", fig),),
        notes=notes,
        meta={k: v for k, v in c.meta.items() if k != "horizon_months"},
    )
