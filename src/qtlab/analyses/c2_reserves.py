"""C2: reserves projected under ON RRP scenarios, currency growth and a TGA path.

The projection is :func:`qtlab.runs.liabilities.liability_projection` along an asset path
(by default the runoff engine under the announced QT2 policy before QT2 ended, assets held
flat after; ``asset_path_name`` picks any engine policy preset or ``caps`` / ``hold``;
``assets=`` gives total assets directly), once per ON RRP scenario of
:data:`~qtlab.runs.liabilities.SCENARIOS` and once with the liability model the baseline
carries (``"fitted"``, :mod:`qtlab.runs.liabilities_fitted`). Computed once
(:func:`compute_c2` over a :class:`~qtlab.runs.RunContext`), rendered in each language
(:func:`render_c2`).
Units: USD bn, calendar months.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index
from qtlab.analyses._assumptions import assumption_facts, assumption_text
from qtlab.analyses._figures import shade_episodes
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
from qtlab.balance import BLOCK, DEFAULT_CURRENCY_GROWTH
from qtlab.i18n import t
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, meta
from qtlab.runs.liabilities import SCENARIOS, liability_projection
from qtlab.runs.liabilities_fitted import FITTED, fitted_available
from qtlab.schema import USD_BN

__all__ = ["COINCIDE_BN", "compute_c2", "render_c2", "scenario_names"]

#: Reserves paths closer than this in every month are said to coincide [USD bn]: a few
#: bn is under a line's width on a chart of thousands.
COINCIDE_BN: Final = 5.0
#: Rows of each scenario's start a page shows of the projection table, beside its end.
EXCERPT_MONTHS: Final = 11
#: The balance-sheet lines of the history table, when the data hold them [USD bn].
LIAB_ALL: Final = ("total_assets", "reserves", "on_rrp", "tga", "currency", "other_capital", BLOCK)
#: The lines of the projection table [USD bn].
SHOWN: Final = ("total_assets", "reserves", "on_rrp", "tga", BLOCK)
_USD = "[USD bn]"
_H41 = "Federal Reserve H.4.1 (FRED WALCL, WRESBAL, WTREGEN, RRPONTSYD)"


def _quoted_names(names: Sequence[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(f"“{n}”" for n in names)
    return ", ".join(f"'{n}'" for n in names)


def _coinciding(frames: Sequence[pd.DataFrame]) -> list[str]:
    """The scenarios whose reserves paths all lie within :data:`COINCIDE_BN` of the
    first one's (its name first); one name when none coincides with it."""
    ref = frames[0]["reserves"].to_numpy()
    out = []
    for f in frames:
        r = f["reserves"].to_numpy()
        if len(r) == len(ref) and float(abs(r - ref).max()) < COINCIDE_BN:
            out.append(str(f["scenario"].iloc[0]))
    return out


def scenario_names(ctx: RunContext) -> tuple[str, ...]:
    """C2's scenarios at ``ctx``'s vantage: the simple rules of :data:`SCENARIOS`, then
    ``"fitted"`` (the liability model the baseline carries) where it can be fitted."""
    return (*SCENARIOS, FITTED) if fitted_available(ctx) else tuple(SCENARIOS)


@analysis("C2", area="liabilities", order=320)
def compute_c2(
    ctx: RunContext,
    *,
    horizon: int = 48,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    currency_growth: float = DEFAULT_CURRENCY_GROWTH,
    tga: float | None = None,
) -> Computed:
    """C2: reserves projected under each ON RRP scenario [USD bn]: the simple rules of
    :data:`~qtlab.runs.liabilities.SCENARIOS` and, where the data visible at the vantage
    fit it, ``"fitted"``: the liability model the baseline carries (its seasonal TGA and
    currency + other liabilities and capital, ON RRP by the TGA-bills rule;
    :mod:`qtlab.runs.liabilities_fitted`), stated by reference to the Baseline block.

    Tables: ``history`` (the monthly H.4.1 balance sheet, the last 5 years: the lines of
    ``total_assets``, ``reserves``, ``on_rrp``, ``tga``, ``currency``, ``other_capital``,
    ``currency_other`` the data hold) and ``projection`` (one row per month and
    ``scenario``: ``total_assets``, ``reserves``, ``on_rrp``, ``tga``,
    ``currency_other``), both indexed by ``month``. Notes: the conventions, the
    assumptions (as :class:`~qtlab.runs.inputs.Assumption` s), each scenario's end and
    low point, and the scenarios whose reserves paths coincide.
    """
    frames = []
    scen: list[Fact] = []
    inp: ImpactInputs | None = None
    desc: tuple[Assumption, ...] = ()
    for name in scenario_names(ctx):
        inp, proj, desc = liability_projection(
            ctx,
            horizon=horizon,
            assets=assets,
            asset_path_name=asset_path_name,
            scenario=name,
            currency_growth=currency_growth,
            tga=tga,
            inputs=inp,
        )
        frames.append(proj.assign(scenario=name))
        end = proj.index[-1]
        scen.append(
            Fact(
                "c2.note.scenario",
                {
                    "scenario": name,
                    "assumptions": desc[1],
                    "month": str(end),
                    "reserves": float(proj.loc[end, "reserves"]),
                    "on_rrp": float(proj.loc[end, "on_rrp"]),
                    "low": float(proj["reserves"].min()),
                    "low_month": str(proj["reserves"].idxmin()),
                },
            )
        )
    assert inp is not None
    same = _coinciding(frames)
    if len(same) > 1:
        scen.append(
            Fact(
                "c2.note.coincide",
                {
                    "names": tuple(same),
                    "tol": COINCIDE_BN,
                    "on_rrp": float(frames[0]["on_rrp"].iloc[0]),
                },
            )
        )
    facts = [
        Fact("c2.note.convention", {}),
        *assumption_facts([*inp.state_notes, desc[0]]),
        *scen,
    ]
    hist = inp.h41.loc[inp.last_month - 59 :, [c for c in inp.h41.columns if c in LIAB_ALL]]
    hist = hist.copy()
    hist.index = pd.PeriodIndex(hist.index, name="month")
    long = pd.concat(frames)[["scenario", *SHOWN]]
    long.index = pd.PeriodIndex(long.index, name="month")
    shown = inp.h41.loc[pd.Period("2013-01", freq="M") :, ["reserves", "on_rrp"]]
    return Computed(
        id="C2",
        tables={
            "history": tidy(hist, dict.fromkeys(hist.columns, USD_BN)),
            "projection": tidy(long, dict.fromkeys(SHOWN, USD_BN)),
        },
        notes=tuple(facts),
        series={"history": shown},
        meta=meta(
            ctx,
            {"horizon": horizon, "currency_growth": currency_growth, "tga": tga},
            ["WALCL", "WRESBAL", "RRPONTSYD", "WTREGEN"],
        ),
    )


def _usd_table(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The display form: ``month`` a column of ``YYYY-MM`` and "<column> [USD bn]"."""
    out = frame.rename(columns={c: f"{c} {_USD}" for c in columns}).reset_index()
    out.attrs = {}
    out["month"] = out["month"].astype(str)
    return out


@renders("C2")
def render_c2(c: Computed, lang: str) -> AnalysisResult:
    """C2 in ``lang``: the history and projection tables, the reserves chart."""
    hist = c.table("history")
    hist_t = _usd_table(hist, list(hist.columns))
    long = _usd_table(c.table("projection"), SHOWN)
    fig = styled_figure(
        title=t("c2.figure.title", lang),
        y_title=t("common.unit.usd_bn", lang),
        source=_H41,
        lang=lang,
    )
    shown = c.series["history"]
    x_hist = period_index(shown).to_timestamp()
    fig.add_trace(go.Scatter(x=x_hist, y=shown["reserves"], name=t("c2.series.reserves", lang)))
    fig.add_trace(go.Scatter(x=x_hist, y=shown["on_rrp"], name=t("c2.series.on_rrp", lang)))
    # distinct dashes and widths, widest first: lines that coincide stay visible
    styles = (
        {"dash": "dash", "width": 6},
        {"dash": "dot", "width": 4},
        {"dash": "solid", "width": 2},
        {"dash": "dashdot", "width": 2},
    )
    proj = c.table("projection")
    names = [n for n in (*SCENARIOS, FITTED) if (proj["scenario"] == n).any()]
    for name, style in zip(names, styles, strict=True):
        f = proj[proj["scenario"] == name]
        fig.add_trace(
            go.Scatter(
                x=period_index(f).to_timestamp(),
                y=f["reserves"],
                name=t(f"c2.legend.{name}", lang),
                line=style,
            )
        )
    # episodes only up to the vantage point: later ones were not known then
    shade_episodes(fig, lang, start=x_hist[0], end=x_hist[-1], as_of=c.meta["as_of"])

    def scenario(name: str) -> str:
        return t(f"c2.scenario.{name}", lang)

    notes = notes_of(
        c,
        lang,
        scenario=scenario,
        names=lambda ids: _quoted_names([scenario(n) for n in ids], lang),
        **assumption_text(lang),
    )
    return AnalysisResult(
        id="C2",
        title=t("c2.title", lang),
        lang=lang,
        tables=(
            Table("c2_history", t("c2.table.history", lang), hist_t),
            Table(
                "c2_projection",
                t("c2.table.projection", lang),
                long,
                # the start and the first months of each scenario, and its end: four
                # scenarios of 12 rows fill the page's 48 (report.html.excerpt_rows)
                excerpt=first_rows(long["scenario"], EXCERPT_MONTHS, last=True),
            ),
        ),
        figures=(Figure("c2_reserves", fig),),
        notes=notes,
        meta=c.meta,
    )
