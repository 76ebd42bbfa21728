"""C1's liability side at the start of each runoff: the Board's H.4.1 tables, line by line.

QT1 (runoff from October 2017) is read from H.4.1 Table 5, the consolidated statement of
condition (liabilities and capital add up to total assets); QT2 (from June 2022) from
Table 1, the factors affecting reserve balances (the factors absorbing reserve funds plus
reserves add up to the factors supplying them). The two tables cut the liability side
differently: Table 5 has Federal Reserve notes, one reverse-repo line and deferred
availability; Table 1 has currency in circulation (notes and coin), reverse repos split
into foreign official and others (the ON RRP facility), and the Treasury's accounts. Every
figure is a Wednesday level [USD bn] as the Board publishes it; each line is rounded to
$1 mn, so the lines sum to the total within a few million.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from qtlab.analyses._history_data import at, iso
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import Figure, Table
from qtlab.errors import UnknownSeriesError
from qtlab.i18n import t
from qtlab.present.figures import legend_right, styled_figure
from qtlab.runs.context import RunContext
from qtlab.schema import USD_BN

__all__ = ["STARTS", "StartSpec", "Starts", "label", "liability_side", "render_starts", "starts"]

_YEAR = pd.Timedelta(days=364)


@dataclass(frozen=True)
class StartSpec:
    """One runoff start: its first Wednesday, the H.4.1 table, the lines and their total."""

    start: pd.Timestamp
    table: str  # locale key part: "table5" or "factors"
    lines: tuple[str, ...]  # glossary ids, stacked in this order
    total: str
    memo: tuple[str, ...]


STARTS: Final[Mapping[str, StartSpec]] = {
    "qt1": StartSpec(
        pd.Timestamp("2017-10-04"),
        "table5",
        tuple(
            f"h41.{x}"
            for x in (
                "fr_notes",
                "deposits.depository_institutions",
                "reverse_repos",
                "tga",
                "deposits.foreign_official",
                "deposits.other",
                "deposits.term",
                "deferred_availability",
                "other_liabilities",
                "capital",
            )
        ),
        "h41.total_assets",
        ("h41.securities", "h41.loans", "WCURCIR"),
    ),
    "qt2": StartSpec(
        pd.Timestamp("2022-06-01"),
        "factors",
        tuple(
            f"h41.{x}"
            for x in (
                "currency_in_circulation",
                "reserves",
                "reverse_repos.others",
                "reverse_repos.foreign_official",
                "tga",
                "treasury_cash",
                "treasury_contribution",
                "deposits.foreign_official",
                "deposits.other",
                "deposits.term",
                "other_liabilities_capital",
            )
        ),
        "h41.factors_supplying",
        ("h41.securities", "h41.loans", "h41.loans.btfp"),
    ),
}


def _series(ctx: RunContext, sid: str) -> pd.Series:
    try:
        return ctx.series(sid)
    except UnknownSeriesError:
        return pd.Series(dtype="float64")


def liability_side(ctx: RunContext, episode: str) -> pd.DataFrame:
    """The weekly lines, total and memo lines of ``episode`` (``qt1``/``qt2``) [USD bn].

    Indexed by the Wednesdays of the episode's H.4.1 table (those with its total) visible at
    the vantage date; a line the data do not hold is a missing column. Memo lines are
    reindexed to those weeks.
    """
    spec = STARTS[episode]
    total = _series(ctx, spec.total)
    if total.empty:
        return pd.DataFrame(columns=[*spec.lines, spec.total, *spec.memo], dtype="float64")
    # the weeks of this table (its total is in no other): lines such as the TGA are held
    # by both H.4.1 tables, each for its own weeks
    weeks = pd.DatetimeIndex(total.index)
    cols = {sid: _series(ctx, sid) for sid in spec.lines}
    cols[spec.total] = total
    df = pd.DataFrame({k: s.reindex(weeks) for k, s in cols.items()}, index=weeks)
    for sid in spec.memo:
        df[sid] = _series(ctx, sid).reindex(weeks)
    df.index.name = "date"
    return df


def label(sid: str, lang: str) -> str:
    """The display name of line ``sid`` of an H.4.1 table in ``lang``."""
    return t(f"c1.line.{sid.removeprefix('h41.').replace('.', '_')}", lang)


@dataclass
class Starts:
    """What :func:`starts` computes: tidy tables, note values, the weekly liability side
    of each episode, and per episode shown its start, the week a year later and the weeks
    between."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    series: dict[str, pd.DataFrame] = field(default_factory=dict)
    dates: dict[str, dict[str, Any]] = field(default_factory=dict)


def starts(ctx: RunContext) -> Starts:
    """Per runoff start visible at the vantage date: each line at the start and up to a
    year later (table ``<episode>_liabilities``: ``series``, ``kind`` (line, total,
    memo), ``at_start``, ``later``, ``change`` [USD bn]), the note values, and the lines
    the weekly liability side visible for every episode, shown or not (series
    ``<episode>_side``: :func:`liability_side`, its lines stacked in the chart)."""
    out = Starts()
    for ep, spec in STARTS.items():
        df = liability_side(ctx, ep)
        out.series[f"{ep}_side"] = df
        after = df.index[df.index >= spec.start] if len(df) else df.index
        if len(after) == 0:
            out.facts.append(
                Fact(
                    "c1.starts.note.none",
                    {"episode": ep, "start": iso(spec.start), "table": spec.table},
                )
            )
            continue
        d0 = after[0]
        d1 = after[after <= d0 + _YEAR][-1]
        rows = []
        for kind, ids in (("line", spec.lines), ("total", (spec.total,)), ("memo", spec.memo)):
            for sid in ids:
                a, b = at(df, d0, sid), at(df, d1, sid)
                rows.append(
                    {"series": sid, "kind": kind, "at_start": a, "later": b, "change": b - a}
                )
        out.tables[f"{ep}_liabilities"] = tidy(
            pd.DataFrame(rows), {"at_start": USD_BN, "later": USD_BN, "change": USD_BN}
        )
        weeks = round((d1 - d0).days / 7)
        out.dates[ep] = {"start": iso(d0), "later": iso(d1), "weeks": weeks}
        lines = df.loc[d0, list(spec.lines)]
        out.facts.append(
            Fact(
                f"c1.starts.note.{ep}",
                {
                    "start": iso(d0),
                    "later": iso(d1),
                    "weeks": weeks,
                    "first": str(lines.idxmax()),
                    "total": at(df, d0, spec.total),
                    "sum": float(lines.sum()),
                    "first_level": float(lines.max()),
                    "currency": at(df, d0, spec.lines[0]),
                    "currency1": at(df, d1, spec.lines[0]),
                },
            )
        )
        if weeks < 52:
            end = df[list(spec.lines)].dropna(how="all").index.max()
            out.facts.append(
                Fact("c1.starts.note.short", {"episode": ep, "end": iso(end), "weeks": weeks})
            )
    return out


def render_starts(c: Computed, lang: str) -> tuple[list[Table], list[Figure]]:
    """The start tables and stacked charts of C1 in ``lang``, from its numbers."""
    tables: list[Table] = []
    figures: list[Figure] = []
    usd = t("common.unit.usd_bn", lang)
    for ep, d in c.meta["starts"].items():
        spec = STARTS[ep]
        name = t(f"c1.starts.episode.{ep}", lang)
        d0 = pd.Timestamp(d["start"])
        frame = pd.DataFrame(
            [
                {
                    t("c1.starts.col.line", lang): label(str(r.series), lang),
                    t("c1.starts.col.kind", lang): t(f"c1.starts.kind.{r.kind}", lang),
                    t("c1.starts.col.series", lang): r.series,
                    t("c1.starts.col.start", lang, date=d["start"]): r.at_start,
                    t("c1.starts.col.later", lang, date=d["later"]): r.later,
                    t("c1.starts.col.change", lang): r.change,
                }
                for r in c.table(f"{ep}_liabilities").itertuples(index=False)
            ]
        )
        title = t(
            "c1.starts.table",
            lang,
            episode=name,
            start=d["start"],
            later=d["later"],
            weeks=d["weeks"],
            table=t(f"c1.starts.table_name.{spec.table}", lang),
        )
        tables.append(Table(f"c1_{ep}_liabilities", title, frame))
        fig = styled_figure(
            title=t("c1.starts.fig.title", lang, episode=name, start=d["start"]),
            y_title=usd,
            source=t(f"c1.starts.fig.source.{spec.table}", lang),
            lang=lang,
        )
        shown = c.series[f"{ep}_side"][list(spec.lines)].dropna(how="all")
        for sid in spec.lines:
            fig.add_scatter(
                x=shown.index,
                y=shown[sid],
                name=label(sid, lang),
                mode="lines",
                stackgroup="liabilities",
                line={"width": 0.5},
            )
        # up to eleven lines: a legend on the right, top line first as in the stack
        fig.update_layout(
            legend=legend_right(),
            margin={"r": 330, "t": 70},
        )
        fig.add_vline(x=d0, line={"dash": "dash", "color": "#444"})
        fig.add_annotation(
            x=d0, y=1.0, yref="paper", text=name, showarrow=False, xanchor="right", yanchor="top"
        )
        figures.append(Figure(f"c1_{ep}_stack", fig))
    return tables, figures
