"""E1 forecast scorecard: dated forecasts against what the data say happened.

Computed once (:func:`compute_e1`: the forecasts of a file, or of every shipped file,
scored on the data), rendered in each language (:func:`render_e1`). The forecast-file
format, the scoring and the shipped files are :mod:`qtlab.analyses.scorecard`; each
quantity's units and realized-value rule is ``_scorecard_quantities.py``, the figure and
the by-source path table ``_scorecard_fig.py``.
"""

from __future__ import annotations

from qtlab._periods import to_monthly
from qtlab.analyses._scorecard_fig import comparison_table, scorecard_figure
from qtlab.analyses._scorecard_quantities import QUANTITIES
from qtlab.analyses._scorecard_words import paths_shown, quantity_label, scorecard_shown, unit_text
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.analyses.scorecard import load_forecasts, made_by, score, shipped_files
from qtlab.i18n import t
from qtlab.runs.context import RunContext
from qtlab.schema import ROW_UNITS

__all__ = ["compute_e1", "render_e1"]

#: The series and datasets the realized values read.
_INPUTS = (
    "DGS10",
    "RRPONTSYD",
    "DTWEXBGS",
    "DXY",
    "soma.mbs",
    "soma.total",
    "soma.bills",
    "WRESBAL",
    "WALCL",
    "GDP",
    "A091RC1Q027SBEA",
)


@analysis("E1", area="scorecard", order=510)
def compute_e1(ctx: RunContext, *, file: str | None = None) -> Computed:
    """E1: the forecasts of a file (default: every shipped file) scored on ``ctx``.

    Table ``scorecard``: one row per forecast, the columns of
    :func:`~qtlab.analyses.scorecard.score` (``forecast``, ``realized`` and ``error`` in
    the row's ``units``: a month, a yes/no or a number; ``error`` = realized - forecast).
    At a past vantage the forecasts made by then are scored on the latest data of
    ``ctx``'s folders (:meth:`RunContext.at`): scoring needs the outcomes, which come
    after the vantage; a note says so. Notes: the file read, the vantage, and how each
    quantity scored is measured (``how``: the quantity id render explains).
    """
    forecasts = load_forecasts(file)
    data = ctx
    facts = [Fact("e1.note.method", {"file": file or ", ".join(shipped_files())})]
    if ctx.as_of is not None:
        forecasts = made_by(forecasts, ctx.as_of)
        data = ctx.at(None)
        latest = to_monthly(data.series("WRESBAL")).index[-1]
        facts.append(
            Fact(
                "e1.note.scored_today",
                {"asof": ctx.as_of.isoformat(), "n": len(forecasts), "latest": str(latest)},
            )
        )
    table = score(forecasts, data)
    scored = set(table["quantity"])
    facts += [
        Fact("e1.note.quantity", {"quantity": q, "units": spec.units, "how": q})
        for q, spec in QUANTITIES.items()
        if q in scored
    ]
    return Computed(
        id="E1",
        tables={
            "scorecard": tidy(table, dict.fromkeys(("forecast", "realized", "error"), ROW_UNITS))
        },
        notes=tuple(facts),
        meta={"as_of": ctx.as_of, "options": {"file": file}, "inputs": list(_INPUTS)},
    )


@renders("E1")
def render_e1(c: Computed, lang: str) -> AnalysisResult:
    """E1 in ``lang``: the scorecard, the projected balance-sheet points by source beside
    the realized ones [USD bn], and the figure of errors by kind of quantity. Quantities,
    units, sources and qtlab's own notes are in ``lang`` (:mod:`._scorecard_words`);
    third parties' notes and citations stay as published (column ``note_by`` says so)."""
    table = c.table("scorecard").copy()
    table.attrs = {}
    shown = scorecard_shown(table, lang)  # labels, words and sources in ``lang``
    tables = [Table("e1_scorecard", t("e1.table.scorecard", lang), shown)]
    paths = comparison_table(table)
    if not paths.empty:
        tables.append(Table("e1_paths", t("e1.table.paths", lang), paths_shown(paths, lang)))
    return AnalysisResult(
        id="E1",
        title=t("e1.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=(Figure("e1_errors", scorecard_figure(table, lang)),),
        notes=notes_of(
            c,
            lang,
            how=lambda q: t(f"e1.how.{q}", lang),
            quantity=lambda q: quantity_label(q, lang),
            units=lambda u: unit_text(u, lang),
        ),
        meta=c.meta,
    )
