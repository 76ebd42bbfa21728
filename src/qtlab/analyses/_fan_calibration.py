"""F2's calibration and model notes, the coverage table and the PIT histogram (kept apart
from :mod:`qtlab.analyses.f2_fan` so each module stays small; the numbers come from
:mod:`qtlab.runs.calibration` and :mod:`qtlab.runs.sweep`): the note values computed
(``*_facts``) and their words, tables and figure in one language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses.computed import Fact
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.present.figures import styled_figure
from qtlab.present.tables import headers
from qtlab.runs.calibration import CALIBRATION_OUTPUTS, Calibration
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import ImpactInputs
from qtlab.runs.mbs import mortgage_rates
from qtlab.runs.sweep import liability_shocks, rate_anchor
from qtlab.scenarios import SweepStart

__all__ = [
    "COVERAGE_TARGET",
    "calibration_facts",
    "cover_text",
    "coverage_table",
    "model_facts",
    "pit_figure",
    "points_table",
]

#: The lowest share of realized outcomes the 90% bands should cover [%].
COVERAGE_TARGET: Final = 75.0
_BINS: Final = 10
_UNIT_KEY: Final = {
    "USD bn per month": "common.unit.usd_bn_per_month",
    "USD bn": "common.unit.usd_bn",
    "%": "common.unit.percent",
}
_SOURCE: Final = "qtlab Monte Carlo (F2) from past vantages; realized: FRED, H.4.1, NY Fed SOMA"


def _var(name: str, lang: str) -> str:
    key = "f2.var.soma_total" if name == "soma_total" else f"f2.var.{name}"
    return t(key, lang)


def coverage_table(cov: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The coverage table (:meth:`~qtlab.runs.calibration.Calibration.coverage`) in ``lang``:
    one row per output and horizon (and all horizons), the outcomes scored and the shares
    inside the 50% and 90% bands [%]."""
    out = cov.copy()
    out.attrs = {}
    out["output"] = [_var(v, lang) for v in out["output"]]
    out["horizon_months"] = [
        t("f2.coverage.all", lang) if h == "all" else h for h in out["horizon_months"]
    ]
    names = {
        "output": t("f2.coverage.output", lang),
        "horizon_months": t("f2.col.horizon_months", lang),
        "n": t("f2.coverage.n", lang),
        "inside_50": t("f2.coverage.inside_50", lang),
        "inside_90": t("f2.coverage.inside_90", lang),
    }
    return out.rename(columns=names)


def pit_figure(points: pd.DataFrame, lang: str) -> go.Figure:
    """Histogram of the PIT values of the scored outcomes (calibration ``points``), one bar
    series per output (uniform when the bands are right)."""
    fig = styled_figure(
        title=t("f2.coverage.figure", lang),
        y_title=t("f2.coverage.axis_count", lang),
        source=_SOURCE,
        lang=lang,
    )
    p = points[points["scored"].astype(bool)]
    edges = np.linspace(0.0, 1.0, _BINS + 1)
    centres = (edges[:-1] + edges[1:]) / 2.0
    for out in CALIBRATION_OUTPUTS:
        vals = p.loc[p["output"] == out, "pit"].to_numpy(float)
        counts, _ = np.histogram(vals, bins=edges)
        fig.add_trace(go.Bar(x=centres, y=counts, name=_var(out, lang)))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text=t("f2.coverage.axis_pit", lang), range=[0, 1])
    return fig


def model_facts(
    ctx: RunContext, inp: ImpactInputs, start: SweepStart, policy: Policy
) -> list[Fact]:
    """The anchor of the rate model and the liability shocks behind the reserve bands."""
    hist = mortgage_rates(ctx)
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    a = rate_anchor(ctx, inp, hist)
    out: list[Fact] = []
    if a.policy is None or a.sep_median is None:
        out.append(Fact("f2.note.no_anchor", {}))
    else:
        out.append(
            Fact(
                "f2.note.anchor",
                {
                    "date": str(a.sep_date),
                    "median": a.sep_median,
                    "anchor": a.policy,
                    "spread": a.spread,
                },
            )
        )
    sh = start.liability_shocks
    if sh is None:  # pragma: no cover - forward_start always sets them
        sh, _ = liability_shocks(ctx, inp, policy)
    out.append(
        Fact(
            "f2.note.liability_shocks",
            {
                "tga_sd": sh.tga_sd,
                "tga_ar1": sh.tga_ar1,
                "cur_sd": sh.currency_sd * sh.currency0,
                "rrp_sd": sh.rrp_sd,
                "rrp_ar1": sh.rrp_ar1,
                "pace_cv": sh.pace_cv,
            },
        )
    )
    return out


def calibration_facts(cal: Calibration, cov: pd.DataFrame) -> list[Fact]:
    """What the calibration run was, the 90% coverage per output over all horizons
    (``cover90``: (output, share inside [%], outcomes scored) per output), and where it is
    below :data:`COVERAGE_TARGET` (``misses``: (output, share) pairs); worded by
    :func:`cover_text`."""
    if not cal.vantages:
        return [Fact("f2.note.calibration_none", {})]
    allh = cov[cov["horizon_months"] == "all"]
    out = [
        Fact(
            "f2.note.calibration",
            {
                "vantages": ", ".join(cal.vantages),
                "paths": cal.paths,
                "seed": cal.seed,
                "cover90": tuple(
                    (str(r["output"]), float(r["inside_90"]), int(r["n"]))
                    for _, r in allh.iterrows()
                ),
            },
        )
    ]
    miss = allh[(allh["n"] > 0) & (allh["inside_90"] < COVERAGE_TARGET)]
    if len(miss):
        misses = tuple((str(r["output"]), float(r["inside_90"])) for _, r in miss.iterrows())
        out.append(Fact("f2.note.calibration_misses", {"misses": misses}))
    return out


def cover_text(parts: Sequence[tuple[str, float] | tuple[str, float, int]], lang: str) -> str:
    """The coverage of each output in ``lang``: "<output> 80% (n=12)" for ``(output,
    share, n)``, "<output> 60%" for ``(output, share)``, joined."""
    texts = []
    for name, share, *n in parts:
        texts.append(f"{_var(name, lang)} {share:.0f}%" + "".join(f" (n={k})" for k in n))
    return ("；" if lang == "zh" else "; ").join(texts)


def points_table(points: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The calibration points with translated output names and headers."""
    out = points.copy()
    out.attrs = {}
    out["output"] = [_var(v, lang) for v in out["output"]]
    out["unit"] = [t(_UNIT_KEY[u], lang) for u in out["unit"]]
    return out.rename(columns=headers("f2.col", [str(c) for c in out.columns], lang))
