"""A2: runoff plans compared (QT1, QT2 as announced, QT2 as realized).

The plans are the policy presets of :mod:`qtlab.policy` (each regime cites its
FOMC source), the same definitions the runoff engine uses. As of a past date,
only regimes announced by then are visible: QT2 as realized, seen on the eve of
QT2, is the May 2022 plan.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from qtlab.analyses._figures import styled_figure
from qtlab.analyses._history_data import vantage
from qtlab.analyses._tables import headers
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.errors import SpecError, one_of
from qtlab.i18n import t
from qtlab.policy import PRESET_NAMES, Policy, Regime, load_preset
from qtlab.runs.context import RunContext

__all__ = ["PLANS", "plan_summary", "plans_compared", "visible_plan"]

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


def _regime_rules(r: Regime, lang: str) -> str:
    redemption = "rollover" if r.treasury_cap == 0 else r.treasury_redemption
    parts = [t(f"a2.redemption.{redemption}", lang)]
    if math.isfinite(r.mbs_excess_limit) and r.mbs_excess_to != "mbs":
        to = t(f"a2.excess_to.{r.mbs_excess_to}", lang)
        parts.append(t("a2.excess_limited", lang, limit=r.mbs_excess_limit, to=to))
    else:
        parts.append(t(f"a2.excess.{r.mbs_excess_to}", lang))
    if r.bill_purchases:
        parts.append(t("a2.purchases", lang, bills=r.bill_purchases))
    return t("a2.rules_join", lang).join(parts)


def _phase_text(r: Regime, lang: str) -> str:
    p = r.phase_in
    if p is None:
        return t("a2.phase.none", lang)
    return t(
        "a2.phase.steps",
        lang,
        t0=p.treasury_start,
        a0=p.agency_start,
        ts=p.treasury_step,
        as_=p.agency_step,
        every=p.every_months,
    )


@analysis("A2", area="history", order=20)
def plans_compared(
    ctx: RunContext, *, lang: str = "en", plans: tuple[str, ...] = PLANS
) -> AnalysisResult:
    """A2: the runoff plans compared: caps, phase-in, composition rules, cap paths.

    Tables: ``a2_plans`` (one row per plan: start, first and peak caps, phase-in
    length, cumulative cap over 12 months) and ``a2_regimes`` (every regime with
    its caps, rules and source). Figure: the combined monthly cap path [USD bn
    per month] against months since each plan's start. Regimes announced after
    the vantage date are left out.
    """
    bad = [p for p in plans if p not in PRESET_NAMES]
    if bad:
        raise SpecError(f"A2: unknown plan {bad[0]!r}; valid plans are {one_of(PRESET_NAMES)}")
    cut = vantage(ctx)
    visible = [(name, visible_plan(load_preset(name), cut)) for name in plans]
    shown = [(name, p) for name, p in visible if p is not None]
    if not shown:
        return AnalysisResult(
            id="A2",
            title=t("a2.title", lang),
            lang=lang,
            notes=(note("a2.note.none", lang, date=ctx.cutoff.isoformat()),),
            meta={"as_of": ctx.as_of, "inputs": [], "gaps": []},
        )
    usd_m = t("common.unit.usd_bn_per_month", lang)
    rows: list[dict[str, object]] = []
    reg_rows: list[dict[str, object]] = []
    notes: list[Note] = []
    fig = styled_figure(
        title=t("a2.fig.title", lang),
        y_title=usd_m,
        x_title=t("a2.fig.x", lang),
        source=t("a2.fig.source", lang),
        lang=lang,
    )
    for name, p in shown:
        label = t(f"a2.plan.{name}", lang)
        s = plan_summary(p)
        rows.append({"plan": label, **s})
        notes.append(note("a2.note.plan", lang, plan=label, **s))
        ends = p.table()["end"].tolist()
        for r, end in zip(p.regimes, ends, strict=True):
            reg_rows.append(
                {
                    "plan": label,
                    "regime": r.name,
                    "start": str(r.start),
                    "end": "" if pd.isna(end) else str(end),
                    "treasury_cap": _finite(r.treasury_cap),
                    "agency_cap": _finite(r.agency_cap),
                    "phase_in": _phase_text(r, lang),
                    "rules": _regime_rules(r, lang),
                    "source": t("a2.source", lang, title=r.source.title, date=r.source.date),
                }
            )
        path = p.cap_path(p.start, p.start + (HORIZON_MONTHS - 1))
        comb = (path["treasury_cap"] + path["agency_cap"]).replace(np.inf, np.nan)
        # the plan as announced is drawn thick and dashed under the realized one, which
        # follows it until the 2024 slowdown
        line = {"dash": "dash", "width": 5} if name == "qt2-announced" else {"width": 2.5}
        fig.add_scatter(
            x=list(range(len(comb))), y=comb, mode="lines", line_shape="hv", name=label, line=line
        )
        if name == "qt2-realized":
            for r in p.regimes:
                if r.source.date == p.regimes[0].source.date:
                    continue  # part of the plan as announced, not an amendment
                ended = r.treasury_cap == 0 and r.agency_cap == 0
                notes.append(
                    note(
                        "a2.note.end" if ended else "a2.note.amendment",
                        lang,
                        start=str(r.start),
                        treasury=_finite(r.treasury_cap),
                        agency=_finite(r.agency_cap),
                        bills=r.bill_purchases,
                        date=r.source.date,
                    )
                )
    if cut is not None and any(p is None for _, p in visible):
        hidden = [t(f"a2.plan.{n}", lang) for n, p in visible if p is None]
        notes.append(note("a2.note.hidden", lang, plans=", ".join(hidden), date=str(ctx.as_of)))
    if len(rows) >= 2 and rows[0]["phase_in_months"] and rows[1]["phase_in_months"]:
        notes.append(
            note(
                "a2.note.speed",
                lang,
                a=rows[0]["plan"],
                b=rows[1]["plan"],
                ma=rows[0]["phase_in_months"],
                mb=rows[1]["phase_in_months"],
                ca=rows[0]["cum_12m"],
                cb=rows[1]["cum_12m"],
            )
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
            "a2.pcol.cum_horizon", lang, months=HORIZON_MONTHS, unit=t("common.unit.usd_bn", lang)
        ),
        "runoff_months": t("a2.pcol.runoff_months", lang, months=HORIZON_MONTHS),
        "last_runoff": t("a2.pcol.last_runoff", lang, months=HORIZON_MONTHS),
    }
    rcols = {
        "plan": pcols["plan"],
        **headers(
            "a2.rcol",
            ["regime", "start", "end", "treasury_cap", "agency_cap", "phase_in", "rules", "source"],
            lang,
            unit=usd_m,
        ),
    }
    return AnalysisResult(
        id="A2",
        title=t("a2.title", lang),
        lang=lang,
        tables=(
            Table(
                "a2_plans",
                t("a2.table.plans", lang),
                pd.DataFrame(rows, columns=list(pcols)).rename(columns=pcols),
            ),
            Table(
                "a2_regimes",
                t("a2.table.regimes", lang),
                pd.DataFrame(reg_rows, columns=list(rcols)).rename(columns=rcols),
            ),
        ),
        figures=(Figure("a2_cap_paths", fig),),
        notes=tuple(notes),
        meta={
            "as_of": ctx.as_of,
            "inputs": [f"policy:{n}" for n, _ in shown],
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
