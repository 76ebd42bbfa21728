"""F1 Forward look from today (ANALYSES.md, section F).

From the latest holdings (carried forward to the latest weekly SOMA summary and checked
against it), the balance sheet is projected under the regime in force (runoff over,
Treasuries rolled over, MBS principal into bills, reserve-management bill purchases at a
pace the user sets) and user-defined alternatives, assets and liabilities side by side.
The data work is in :mod:`qtlab.runs.forward`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses._figures import month_line, styled_figure
from qtlab.analyses._tables import headers
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.i18n import direction, t
from qtlab.runs.context import RunContext
from qtlab.runs.forward import (
    DEFAULT_MONTHS,
    PATH_COLUMNS,
    AlternativeSpec,
    Forward,
    base_name,
    forward_projection,
)

__all__ = ["DEFAULT_ALTERNATIVES", "f1_forward"]

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


def _paths_table(fw: Forward) -> pd.DataFrame:
    long = fw.paths().reset_index()
    long["month"] = long["month"].astype(str)
    return long.rename(columns={c: f"{c} {BN}" for c in PATH_COLUMNS if c != "regime"})


def _check_table(fw: Forward, lang: str) -> pd.DataFrame:
    usd = t("common.unit.usd_bn", lang)
    names = headers(
        "f1.col", ("carried_forward", "weekly", "gap", "gap_pct"), lang, unit=f"[{usd}]"
    )
    tab = fw.start_check.rename(columns=names)
    tab.index = [_kind(k, lang) for k in tab.index]
    tab.index.name = t("f1.col.kind", lang)
    return tab


def _kind(k: str, lang: str) -> str:
    if k == "total":
        return t("runoff.series.total_securities", lang)
    if k == "tips_inflation_comp":
        return t("f1.series.tips_inflation_comp", lang)
    return t(f"runoff.series.{k}", lang)


def _summary_table(fw: Forward) -> pd.DataFrame:
    s = fw.summary()
    return s.rename(
        columns={c: f"{c} {BN}" for c in s.columns if c not in ("alternative", "horizon", "month")}
    ).rename(columns={"horizon": "horizon [months]"})


def _line_figure(fw: Forward, column: str, hist: pd.Series, title_key: str, lang: str) -> go.Figure:
    fig = styled_figure(
        title=t(title_key, lang, start=str(fw.start)),
        y_title=t("common.unit.usd_bn", lang),
        source=t("f1.source", lang),
        lang=lang,
    )
    h = hist.dropna()
    h = h[h.index >= fw.start - 24]
    unit = t("common.unit.usd_bn", lang)
    month_line(
        fig,
        h.index,
        h.to_numpy(),
        name=t("f1.series.history", lang),
        unit=unit,
        line={"color": "black", "width": 3},
    )
    for n in fw.names:
        f = fw.path(n)
        y = (
            f["total_securities"] + f["tips_inflation_comp"]
            if column == "securities"
            else f[column]
        )
        dash = "solid" if n == fw.default else "dash"
        month_line(fig, f.index, y, name=n, unit=unit, line={"dash": dash})
    return fig


def _composition(fw: Forward, lang: str) -> go.Figure:
    f = fw.path()
    fig = styled_figure(
        title=t(
            "f1.fig.composition",
            lang,
            name=fw.default,
            start=str(f.index[0]),
            end=str(f.index[-1]),
        ),
        y_title=t("common.unit.usd_bn", lang),
        source=t("f1.source", lang),
        lang=lang,
    )
    unit = t("common.unit.usd_bn", lang)
    for c in _STACK:
        name = t(f"f1.series.{c}", lang)
        month_line(fig, f.index, f[c], name=name, unit=unit, stackgroup="one")
    return fig


def _notes(fw: Forward, lang: str, as_of: Any) -> list[Note]:
    chk = fw.start_check
    kinds = chk.drop(index=["total", "treasury"])
    worst = str(kinds["gap"].abs().idxmax())
    first = fw.path()
    reg = fw.projections[fw.default].policy.regime_at(fw.start)
    notes = [
        note(
            "f1.note.setup",
            lang,
            months=fw.months,
            start=str(fw.start),
            carry=fw.assumptions[0].text(lang),
        ),
        note(
            "f1.note.start_gap",
            lang,
            date=str(chk.attrs["date"]),
            gap=float(chk["gap"]["total"]),
            gap_pct=float(chk["gap_pct"]["total"]),
            cmbs=float(chk.attrs["cmbs"]),
            kind=_kind(worst, lang),
            kind_gap=float(chk["gap"][worst]),
            kind_pct=float(chk["gap_pct"][worst]),
        ),
        note(
            "f1.note.regime_target"
            if fw.default == "rmp-target"
            else "f1.note.regime"
            if reg.bill_purchases
            else "f1.note.regime_no_purchases",
            lang,
            start=str(fw.start),
            regime=base_name(reg.name),
            tcap=reg.treasury_cap,
            acap=reg.agency_cap,
            excess=t(f"f1.excess.{reg.mbs_excess_to}", lang),
            pace=reg.bill_purchases,
        ),
    ]
    sec0 = float(
        fw.projections[fw.default].start_holdings()["total_securities"]
        + fw.projections[fw.default].start_holdings()["tips_inflation_comp"]
    )
    for n in fw.names:
        f = fw.path(n)
        end = f.iloc[-1]
        sec = float(end["total_securities"] + end["tips_inflation_comp"])
        notes.append(
            note(
                "f1.note.alternative",
                lang,
                name=n,
                desc=fw.descriptions[n].text(lang),
                month=str(f.index[-1]),
                sec=sec,
                change=sec - sec0,
                bills=float(end["bills"]),
                reserves=float(end["reserves"]),
                on_rrp=float(end["on_rrp"]),
            )
        )
    bills0 = 100.0 * float(first["bills"].iloc[0] / first["treasury"].iloc[0])
    bills1 = 100.0 * float(first["bills"].iloc[-1] / first["treasury"].iloc[-1])
    mbs0, mbs1 = float(first["mbs"].iloc[0]), float(first["mbs"].iloc[-1])
    notes.append(
        note(
            "f1.note.composition",
            lang,
            name=fw.default,
            end=str(first.index[-1]),
            bills0=bills0,
            bills1=bills1,
            bills_move=direction(bills0, bills1, lang, tol=0.05),
            mbs0=mbs0,
            mbs1=mbs1,
            mbs_move=direction(mbs0, mbs1, lang, tol=0.5),
        )
    )
    h = fw.h41_check
    if len(h):
        k = len(h) - 1
        notes.append(
            note(
                "f1.note.h41",
                lang,
                first=str(h.index[0]),
                last=str(h.index[-1]),
                sec_gap=float(h["securities_gap"].iloc[-1]),
                proj_pace=float(
                    h["securities_projected"].iloc[-1] - h["securities_projected"].iloc[0]
                )
                / k,
                real_pace=float(h["securities_h41"].iloc[-1] - h["securities_h41"].iloc[0]) / k,
            )
        )
    notes += [note("impact.note.assumption", lang, text=a.text(lang)) for a in fw.assumptions[1:]]
    if as_of is not None:
        notes.append(note("f1.note.asof", lang, date=str(as_of)))
    return notes


def _forward(
    ctx: RunContext,
    months: int,
    bill_purchases: float | None,
    alternatives: tuple[AlternativeSpec, ...],
    mortgage_rate: str | Path,
    shock_bp: float,
) -> Forward:
    """:func:`forward_projection`, reused when the same context asks again with the same
    plain options (the result in another language; :meth:`RunContext.memo`)."""

    def compute() -> Forward:
        return forward_projection(
            ctx,
            months=months,
            bill_purchases=bill_purchases,
            alternatives=alternatives,
            mortgage_rate=mortgage_rate,
            shock_bp=shock_bp,
        )

    plain = all(isinstance(a, int | float | str) for a in alternatives)
    if not (plain and str(mortgage_rate) == "flat"):
        return compute()
    key = ("f1", months, bill_purchases, alternatives, str(mortgage_rate), shock_bp)
    return ctx.memo(key, compute)


@analysis("F1", area="forward", order=610)
def f1_forward(
    ctx: RunContext,
    *,
    lang: str = "en",
    months: int = DEFAULT_MONTHS,
    bill_purchases: float | None = None,
    alternatives: Sequence[AlternativeSpec] = DEFAULT_ALTERNATIVES,
    mortgage_rate: str | Path = "flat",
    shock_bp: float = 0.0,
) -> AnalysisResult:
    """F1 Forward look: the balance sheet from the latest holdings under the regime in force
    and alternatives [USD bn].

    Tables: ``f1_paths`` (per alternative and month: holdings by kind, flows, total assets,
    reserves, ON RRP, TGA), ``f1_start_check`` (the carried-forward holdings against the
    latest weekly SOMA summary by kind), ``f1_summary`` (12/24/36 months ahead) and, when
    the H.4.1 already covers projected months, ``f1_h41_check``. Figures: securities and
    reserves per alternative with the realized history, composition under the default.
    At a past vantage everything is read as visible then (see
    :func:`~qtlab.runs.forward.forward_projection`).
    """
    fw = _forward(ctx, months, bill_purchases, tuple(alternatives), mortgage_rate, shock_bp)
    tables = [
        Table("f1_paths", t("f1.table.paths", lang), _paths_table(fw)),
        Table(
            "f1_start_check",
            t("f1.table.start_check", lang, date=str(fw.start_check.attrs["date"])),
            _check_table(fw, lang),
        ),
        Table("f1_summary", t("f1.table.summary", lang), _summary_table(fw)),
    ]
    if len(fw.h41_check):
        h = fw.h41_check.rename(columns=lambda c: f"{c} {BN}")
        h.index = h.index.astype(str)
        tables.append(Table("f1_h41_check", t("f1.table.h41_check", lang), h))
    figures = (
        Figure(
            "f1_securities",
            _line_figure(fw, "securities", fw.history["securities"], "f1.fig.securities", lang),
        ),
        Figure(
            "f1_reserves",
            _line_figure(fw, "reserves", fw.history["reserves"], "f1.fig.reserves", lang),
        ),
        Figure("f1_composition", _composition(fw, lang)),
    )
    as_of = ctx.as_of.isoformat() if ctx.as_of else None
    return AnalysisResult(
        id="F1",
        title=t("f1.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=figures,
        notes=tuple(_notes(fw, lang, as_of)),
        meta={
            "as_of": as_of,
            "options": {
                "months": months,
                "bill_purchases": bill_purchases,
                "alternatives": [str(a) for a in alternatives],
                "mortgage_rate": str(mortgage_rate),
                "shock_bp": shock_bp,
            },
            "inputs": [
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
            ],
            "gaps": [],
        },
    )
