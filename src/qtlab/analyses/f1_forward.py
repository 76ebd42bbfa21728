"""F1 Forward look from today (ANALYSES.md, section F).

From the latest holdings (carried forward to the latest weekly SOMA summary and checked
against it), the balance sheet is projected under the regime in force (runoff over,
Treasuries rolled over, MBS principal into bills, reserve-management bill purchases at a
pace the user sets) and user-defined alternatives, assets and liabilities side by side.
Computed once (:func:`compute_f1`; the data work is in :mod:`qtlab.runs.forward`),
rendered in each language (:func:`render_f1`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

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
from qtlab.i18n import t, way
from qtlab.present.figures import month_line, styled_figure
from qtlab.present.labels import policy_label
from qtlab.present.tables import headers
from qtlab.runs.baseline import (
    BASELINE_GDP_GROWTH,
    DEFAULT_RESERVE_TARGET,
    baseline_liabilities,
)
from qtlab.runs.context import RunContext
from qtlab.runs.forward import (
    DEFAULT_MONTHS,
    PATH_COLUMNS,
    AlternativeSpec,
    Forward,
    base_name,
    forward_projection,
)
from qtlab.runs.inputs import Assumption
from qtlab.schema import MONTHS, PERCENT, USD_BN, USD_BN_PER_MONTH

__all__ = ["DEFAULT_ALTERNATIVES", "compute_f1", "render_f1"]

#: Alternatives shown by default: reserve-management bill purchases of 20 and 60 bn a
#: month beside the default pace.
DEFAULT_ALTERNATIVES: Final[tuple[AlternativeSpec, ...]] = (20.0, 60.0)
BN: Final = "[USD bn]"
_STACK: Final = (
    "bills",
    "notes_bonds",
    "tips",
    "tips_inflation_comp",
    "frn",
    "mbs",
    "agency",
    "cmbs",
)
#: Columns of the paths that are flows over the month (the rest are month-end stocks).
_FLOWS: Final = ("bill_purchases", "mbs_paydowns", "agency_to_treasuries", "treasury_redemptions")
_INPUTS: Final = (
    "holdings (SOMA by CUSIP)",
    "soma.bills",
    "soma.notes_bonds",
    "soma.tips",
    "soma.frn",
    "soma.mbs",
    "soma.agency",
    "soma.tips_inflation_comp",
    "WALCL",
    "WRESBAL",
    "RRPONTSYD",
    "WTREGEN",
    "WSHOSHO",
    "MORTGAGE30US",
)


def _forward(
    ctx: RunContext,
    months: int,
    bill_purchases: float | None,
    alternatives: tuple[AlternativeSpec, ...],
    mortgage_rate: str | Path,
    shock_bp: float,
) -> Forward:
    """:func:`forward_projection`, reused when the same context asks again with the same
    plain options (:meth:`RunContext.memo`)."""

    def compute() -> Forward:
        return forward_projection(
            ctx,
            months=months,
            bill_purchases=bill_purchases,
            alternatives=alternatives,
            mortgage_rate=mortgage_rate,
            shock_bp=shock_bp,
            liability_rules=baseline_liabilities(ctx).rules,
            gdp_growth=BASELINE_GDP_GROWTH,
            target=DEFAULT_RESERVE_TARGET,
        )

    plain = all(isinstance(a, int | float | str) for a in alternatives)
    if not (plain and str(mortgage_rate) == "flat"):
        return compute()
    key = ("f1", months, bill_purchases, alternatives, str(mortgage_rate), shock_bp)
    return ctx.memo(key, compute)


def _refer(a: Assumption, baseline_rules: bool) -> Assumption:
    """The liability rules as a reference to the baseline (stated at the top): F1 projects
    with the baseline's liabilities at every vantage (before runoff ended the baseline's
    assets are the engine under the plan F1 carries forward), else ``a`` itself."""
    if baseline_rules and a.key == "impact.assumption.liabilities":
        return Assumption("baseline.ref.liabilities")
    return a


def _facts(fw: Forward, as_of: str | None, baseline_rules: bool = False) -> list[Fact]:
    """The values of F1's notes; ``carry``, ``desc`` and ``text`` are
    :class:`~qtlab.runs.inputs.Assumption` objects (a catalogue key and its values),
    ``kind``, ``excess`` and ``*_move`` ids, all worded by render."""
    chk = fw.start_check
    kinds = chk.drop(index=["total", "treasury"])
    worst = str(kinds["gap"].abs().idxmax())
    first = fw.path()
    reg = fw.projections[fw.default].policy.regime_at(fw.start)
    facts = [
        Fact(
            "f1.note.setup",
            {"months": fw.months, "start": str(fw.start), "carry": fw.assumptions[0]},
        ),
        Fact(
            "f1.note.start_gap",
            {
                "date": str(chk.attrs["date"]),
                "gap": float(chk["gap"]["total"]),
                "gap_pct": float(chk["gap_pct"]["total"]),
                "cmbs": float(chk.attrs["cmbs"]),
                "kind": worst,
                "kind_gap": float(chk["gap"][worst]),
                "kind_pct": float(chk["gap_pct"][worst]),
            },
        ),
        Fact(
            "f1.note.regime_target"
            if fw.default == "rmp-target"
            else "f1.note.regime"
            if reg.bill_purchases
            else "f1.note.regime_no_purchases",
            {
                "start": str(fw.start),
                "regime": base_name(reg.name),
                "tcap": reg.treasury_cap,
                "acap": reg.agency_cap,
                "excess": reg.mbs_excess_to,
                "pace": reg.bill_purchases,
            },
        ),
    ]
    h0 = fw.projections[fw.default].start_holdings()
    sec0 = float(h0["total_securities"] + h0["tips_inflation_comp"])
    for n in fw.names:
        f = fw.path(n)
        end = f.iloc[-1]
        sec = float(end["total_securities"] + end["tips_inflation_comp"])
        facts.append(
            Fact(
                "f1.note.alternative",
                {
                    "name": n,
                    "desc": fw.descriptions[n],
                    "month": str(f.index[-1]),
                    "sec": sec,
                    "change": sec - sec0,
                    "bills": float(end["bills"]),
                    "reserves": float(end["reserves"]),
                    "on_rrp": float(end["on_rrp"]),
                },
            )
        )
    bills0 = 100.0 * float(first["bills"].iloc[0] / first["treasury"].iloc[0])
    bills1 = 100.0 * float(first["bills"].iloc[-1] / first["treasury"].iloc[-1])
    mbs0, mbs1 = float(first["mbs"].iloc[0]), float(first["mbs"].iloc[-1])
    facts.append(
        Fact(
            "f1.note.composition",
            {
                "name": fw.default,
                "end": str(first.index[-1]),
                "bills0": bills0,
                "bills1": bills1,
                "bills_move": way(bills0, bills1, tol=0.05),
                "mbs0": mbs0,
                "mbs1": mbs1,
                "mbs_move": way(mbs0, mbs1, tol=0.5),
            },
        )
    )
    h = fw.h41_check
    if len(h):
        k = len(h) - 1
        facts.append(
            Fact(
                "f1.note.h41",
                {
                    "first": str(h.index[0]),
                    "last": str(h.index[-1]),
                    "sec_gap": float(h["securities_gap"].iloc[-1]),
                    "proj_pace": float(
                        h["securities_projected"].iloc[-1] - h["securities_projected"].iloc[0]
                    )
                    / k,
                    "real_pace": float(h["securities_h41"].iloc[-1] - h["securities_h41"].iloc[0])
                    / k,
                },
            )
        )
    facts += [
        Fact("impact.note.assumption", {"text": _refer(a, baseline_rules)})
        for a in fw.assumptions[1:]
    ]
    if as_of is not None:
        facts.append(Fact("f1.note.asof", {"date": as_of}))
    return facts


@analysis("F1", area="forward", order=610)
def compute_f1(
    ctx: RunContext,
    *,
    months: int = DEFAULT_MONTHS,
    bill_purchases: float | None = None,
    alternatives: Sequence[AlternativeSpec] = DEFAULT_ALTERNATIVES,
    mortgage_rate: str | Path = "flat",
    shock_bp: float = 0.0,
) -> Computed:
    """F1 Forward look: the balance sheet from the latest holdings under the regime in force
    and alternatives [USD bn].

    Tables: ``paths`` (index alternative and month: holdings by kind and the liability
    side [USD bn], flows over the month [USD bn per month], the regime in force),
    ``start_check`` (by kind: the carried-forward holdings against the latest weekly SOMA
    summary [USD bn], the gap [USD bn] and [%]), ``summary`` (12/24/36 months ahead per
    alternative) and ``h41_check`` (by month: the carry-forward against the H.4.1 where it
    covers projected months; no rows otherwise). ``series["history"]``: the realized H.4.1
    monthly means the figures draw. At a past vantage everything is read as visible then
    (see :func:`~qtlab.runs.forward.forward_projection`).
    """
    fw = _forward(ctx, months, bill_purchases, tuple(alternatives), mortgage_rate, shock_bp)
    paths = fw.paths()
    path_units = {c: USD_BN_PER_MONTH if c in _FLOWS else USD_BN for c in PATH_COLUMNS}
    del path_units["regime"]
    check = fw.start_check.copy()
    check.attrs = {}
    summary = fw.summary()
    h41 = fw.h41_check.copy()
    as_of = ctx.as_of.isoformat() if ctx.as_of else None
    return Computed(
        id="F1",
        tables={
            "paths": tidy(paths, path_units),
            "start_check": tidy(
                check,
                dict.fromkeys(("carried_forward", "weekly", "gap"), USD_BN) | {"gap_pct": PERCENT},
            ),
            "summary": tidy(
                summary,
                {"horizon": MONTHS}
                | {
                    c: USD_BN
                    for c in summary.columns
                    if c not in ("alternative", "horizon", "month")
                },
            ),
            "h41_check": tidy(h41, dict.fromkeys(h41.columns, USD_BN)),
        },
        notes=tuple(_facts(fw, as_of, baseline_rules=True)),
        series={"history": fw.history},
        meta={
            "as_of": as_of,
            "options": {
                "months": months,
                "bill_purchases": bill_purchases,
                "alternatives": [str(a) for a in alternatives],
                "mortgage_rate": str(mortgage_rate),
                "shock_bp": shock_bp,
            },
            "inputs": list(_INPUTS),
            "gaps": [],
            "start": fw.start,
            "default": fw.default,
            "names": fw.names,
            "check_date": str(fw.start_check.attrs["date"]),
        },
    )


def _kind(k: str, lang: str) -> str:
    if k == "total":
        return t("runoff.series.total_securities", lang)
    if k == "tips_inflation_comp":
        return t("f1.series.tips_inflation_comp", lang)
    return t(f"runoff.series.{k}", lang)


def _check_table(check: pd.DataFrame, lang: str) -> pd.DataFrame:
    usd = t("common.unit.usd_bn", lang)
    names = headers(
        "f1.col", ("carried_forward", "weekly", "gap", "gap_pct"), lang, unit=f"[{usd}]"
    )
    tab = check.rename(columns=names)
    tab.attrs = {}
    tab.index = [_kind(k, lang) for k in tab.index]
    tab.index.name = t("f1.col.kind", lang)
    return tab


def _line_figure(
    c: Computed, paths: pd.DataFrame, column: str, title_key: str, lang: str
) -> go.Figure:
    start = c.meta["start"]
    fig = styled_figure(
        title=t(title_key, lang, start=str(start)),
        y_title=t("common.unit.usd_bn", lang),
        source=t("f1.source", lang),
        lang=lang,
    )
    h = c.series["history"][column].dropna()
    h = h[h.index >= start - 24]
    unit = t("common.unit.usd_bn", lang)
    month_line(
        fig,
        h.index,
        h.to_numpy(),
        name=t("f1.series.history", lang),
        unit=unit,
        line={"color": "black", "width": 3},
    )
    for n in c.meta["names"]:
        f = paths.loc[n]
        y = (
            f["total_securities"] + f["tips_inflation_comp"]
            if column == "securities"
            else f[column]
        )
        dash = "solid" if n == c.meta["default"] else "dash"
        label = policy_label(n, lang, strict=False)
        month_line(fig, f.index, y, name=label, unit=unit, line={"dash": dash})
    return fig


def _composition(f: pd.DataFrame, name: str, lang: str) -> go.Figure:
    fig = styled_figure(
        title=t(
            "f1.fig.composition",
            lang,
            name=name,
            start=str(f.index[0]),
            end=str(f.index[-1]),
        ),
        y_title=t("common.unit.usd_bn", lang),
        source=t("f1.source", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for col in _STACK:
        month_line(
            fig, f.index, f[col], name=t(f"f1.series.{col}", lang), unit=unit, stackgroup="one"
        )
    return fig


def _text(a: Any, lang: str) -> str:
    return a.text(lang) if isinstance(a, Assumption) else str(a)


@renders("F1")
def render_f1(c: Computed, lang: str) -> AnalysisResult:
    """F1 in ``lang``: the paths, start-check, summary and H.4.1-check tables, the
    securities and reserves figures per alternative and the default's composition."""
    paths = c.table("paths")
    long = paths.reset_index()
    long.attrs = {}
    long["month"] = long["month"].astype(str)
    long = long.rename(columns={col: f"{col} {BN}" for col in PATH_COLUMNS if col != "regime"})
    s = c.table("summary")
    summary = s.rename(
        columns={
            col: f"{col} {BN}"
            for col in s.columns
            if col not in ("alternative", "horizon", "month")
        }
    ).rename(columns={"horizon": "horizon [months]"})
    summary.attrs = {}
    tables = [
        Table(
            "f1_paths",
            t("f1.table.paths", lang),
            long,
            excerpt=first_rows(long["alternative"], 12, last=True),
        ),
        Table(
            "f1_start_check",
            t("f1.table.start_check", lang, date=c.meta["check_date"]),
            _check_table(c.table("start_check"), lang),
        ),
        Table("f1_summary", t("f1.table.summary", lang), summary),
    ]
    h41 = c.table("h41_check")
    if len(h41):
        h = h41.rename(columns=lambda col: f"{col} {BN}")
        h.attrs = {}
        h.index = h.index.astype(str)
        tables.append(Table("f1_h41_check", t("f1.table.h41_check", lang), h))
    default = c.meta["default"]
    figures = (
        Figure("f1_securities", _line_figure(c, paths, "securities", "f1.fig.securities", lang)),
        Figure("f1_reserves", _line_figure(c, paths, "reserves", "f1.fig.reserves", lang)),
        Figure("f1_composition", _composition(paths.loc[default], default, lang)),
    )
    text = lambda a: _text(a, lang)  # noqa: E731
    notes = notes_of(
        c,
        lang,
        carry=text,
        desc=text,
        text=text,
        kind=lambda k: _kind(k, lang),
        excess=lambda e: t(f"f1.excess.{e}", lang),
        bills_move=lambda w: t(f"common.move.{w}", lang),
        mbs_move=lambda w: t(f"common.move.{w}", lang),
    )
    return AnalysisResult(
        id="F1",
        title=t("f1.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=figures,
        notes=notes,
        meta={k: c.meta[k] for k in ("as_of", "options", "inputs", "gaps")},
    )
