"""B3: MBS paydowns against the cap, from the prepayment model; at today's vantage the
2022 baseline comparison, the calibration and the MBS backtest behind them.

Computed once (:func:`compute_b3` over a :class:`~qtlab.runs.RunContext`), rendered in
each language (:func:`render_b3`). All numbers [USD bn per month] unless a column says
otherwise. The runs are in :mod:`qtlab.runs.mbs_projection` (projection, 2022 baseline)
and :mod:`qtlab.runs.mbs` (data rules: realized paydowns between first Wednesdays,
3-month averages; calibration; backtest).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses._figures import shade_episodes
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.i18n import t
from qtlab.prepay.params import known_param_set
from qtlab.present.figures import month_bar, month_line, styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.mbs import FIT_END, MbsData, backtest_mbs, fit_params, mbs_cap
from qtlab.runs.mbs_projection import (
    NYFED_2022_BASE,
    NYFED_2022_MINUS_100BP_EXTRA,
    NYFED_2022_PUBLISHED,
    baseline_2022,
    paydown_projection,
)
from qtlab.schema import PERCENT, USD_BN, USD_BN_PER_MONTH

__all__ = ["compute_b3", "render_b3", "shock_column"]

SOURCES = "NY Fed SOMA (MBS by CUSIP; weekly MBS holdings), Freddie Mac PMMS (FRED MORTGAGE30US)"
_SHOCK = re.compile(r"^paydowns_([-+])(\d+)bp$")
_TIDY_SHOCK = re.compile(r"^paydowns_(minus|plus)_(\d+)bp$")


def shock_column(shock_bp: float) -> str:
    """The tidy column of the paydowns under a rate shock of ``shock_bp`` [bp]:
    ``paydowns_minus_100bp``, ``paydowns_plus_50bp`` (the projection's
    ``paydowns_-100bp``, ``paydowns_+50bp``)."""
    n = int(shock_bp)
    return f"paydowns_{'minus' if n < 0 else 'plus'}_{abs(n)}bp"


def _tidy_name(col: str) -> str:
    m = _SHOCK.match(col)
    if m is None:
        return col
    return f"paydowns_{'minus' if m[1] == '-' else 'plus'}_{m[2]}bp"


def _projection_name(col: str) -> str:
    m = _TIDY_SHOCK.match(col)
    if m is None:
        return col
    return f"paydowns_{'-' if m[1] == 'minus' else '+'}{m[2]}bp"


def _avg(base: pd.DataFrame, view: str) -> float:
    return float(base["avg_paydowns"].to_dict()[view])


@analysis("B3", area="runoff", order=130)
def compute_b3(
    ctx: RunContext,
    *,
    months: int = 24,
    shock_bp: float | None = None,
    params: str | None = None,
    mortgage_rate: str = "flat",
) -> Computed:
    """B3 MBS paydowns versus the cap (see ANALYSES.md).

    Model paydowns of the SOMA MBS held at the vantage date under a
    mortgage-rate path (``flat`` at the last known rate, ``realized``, or a CSV
    file) and under -100/+100 bp (and ``shock_bp`` if given); the first month
    paydowns fall short of the cap; the shortfall each month (the sales needed to
    reach the cap); the sensitivity of average paydowns to a 1 pp lower rate.
    At today's vantage it adds the 2022 baseline comparison, the calibration
    errors and the MBS backtest. ``params``: default the set known at the vantage
    (the latest fitted set whose data ended by then).

    Table ``paydowns`` (PeriodIndex ``month``): scheduled, prepaid and total paydowns,
    the paydowns under each shock (:func:`shock_column`), the MBS cap and the shortfall
    [USD bn per month], the mortgage rate [%]. Today also ``baseline_2022`` (by
    ``view``, :func:`~qtlab.runs.mbs_projection.baseline_2022`) and ``backtest``
    (PeriodIndex ``month``, :func:`~qtlab.runs.mbs.backtest_mbs`).
    """
    shocks: tuple[float, ...] = (0.0, -100.0, 100.0)
    if shock_bp is not None and shock_bp not in shocks:
        shocks = (*shocks, float(shock_bp))
    data = MbsData.of(ctx)  # read and built once per context for every part below
    proj = paydown_projection(
        ctx,
        months=months,
        shocks_bp=shocks,
        params=params,
        mortgage_rate=mortgage_rate,
        data=data,
    )
    short = proj.loc[proj["mbs_cap"].notna() & (proj["paydowns"] < proj["mbs_cap"])]
    avg = float(proj["paydowns"].mean())
    sens = float((proj["paydowns_-100bp"] - proj["paydowns"]).mean())
    facts: list[Fact] = [
        Fact(
            "b3.note.average",
            {
                "avg": avg,
                "start": str(proj.index[0]),
                "end": str(proj.index[-1]),
                "file": proj.attrs["holdings_file"],
                "rate": float(proj["mortgage_rate"].iloc[-1]),
            },
        ),
        Fact("b3.note.sensitivity", {"extra": sens, "nyfed": NYFED_2022_MINUS_100BP_EXTRA})
        if ctx.as_of is None or ctx.as_of >= NYFED_2022_PUBLISHED
        else Fact("b3.note.sensitivity_before_outlook", {"extra": sens}),
    ]
    if len(short):
        facts.append(
            Fact(
                "b3.note.first_shortfall",
                {
                    "month": str(short.index[0]),
                    "avg_shortfall": float(proj.loc[short.index, "shortfall"].mean()),
                },
            )
        )
    paydowns = proj.rename(columns=_tidy_name)
    paydowns.attrs = {}
    units = {c: USD_BN_PER_MONTH for c in paydowns.columns if c != "mortgage_rate"}
    tables = {"paydowns": tidy(paydowns, units | {"mortgage_rate": PERCENT})}
    series: dict[str, pd.DataFrame] = {}
    if ctx.as_of is None:
        base = baseline_2022(ctx, data=data)
        facts.append(
            Fact(
                "b3.note.baseline",
                {
                    "nyfed": NYFED_2022_BASE,
                    "model_then": _avg(base, "model_2022_qt1-fit"),
                    "model_fit": _avg(base, "model_2022_qt2-fit"),
                    "realized": _avg(base, "realized"),
                    "model_real": _avg(base, "model_realized_rates"),
                    "rate_then": base.attrs["rate_may_2022"],
                    "otm": base.attrs["out_of_money_share"],
                },
            )
        )
        base = base.copy()
        base.attrs = {}
        tables["baseline_2022"] = tidy(
            base, {"avg_paydowns": USD_BN_PER_MONTH, "extra_at_minus_100bp": USD_BN_PER_MONTH}
        )
        cal = fit_params(ctx, "qt2-fit", data=data)
        facts.append(
            Fact(
                "b3.note.calibration",
                {
                    "mae_fit": cal.mae("fit", "qt2"),
                    "mae_test": cal.mae("test", "qt2"),
                    "mae_qt1": cal.mae("fit", "qt1"),
                },
            )
        )
        series["calibration"] = cal.errors
        bt = backtest_mbs(ctx, cal.params, data=data)
        facts.append(
            Fact(
                "b3.note.backtest",
                {
                    "max_err": bt.max_abs_pct_error(),
                    "max_err_aligned": bt.max_abs_pct_error("aligned"),
                    "max_err_qt1": backtest_mbs(
                        ctx, cal.params, "qt1", data=data
                    ).max_abs_pct_error(),
                },
            )
        )
        btf = bt.frame.copy()
        btf.attrs = {}
        stocks = ("start_balance", "end_balance", "realized_month_end", "realized_aligned")
        flows = ("paydowns", "reinvested")
        pcts = ("pct_error", "pct_error_aligned")
        tables["backtest"] = tidy(
            btf,
            {c: USD_BN for c in stocks if c in btf}
            | {c: USD_BN_PER_MONTH for c in flows if c in btf}
            | {c: PERCENT for c in pcts if c in btf},
        )
    return Computed(
        id="B3",
        tables=tables,
        notes=tuple(facts),
        series=series,
        meta={
            "as_of": ctx.as_of.isoformat() if ctx.as_of else None,
            "options": {
                "months": months,
                "shock_bp": shock_bp,
                "params": params if params is not None else known_param_set(ctx.as_of),
                "mortgage_rate": mortgage_rate,
            },
            "inputs": ["soma MBS by CUSIP", "soma.mbs", "MORTGAGE30US"],
            "gaps": [],
            "monthly_rule": "paydowns: first Wednesday to first Wednesday; 3-month averages",
        },
    )


def _projection_figure(proj: pd.DataFrame, lang: str, shock_bp: float | None = None) -> go.Figure:
    """Scheduled and prepaid paydowns (bars), the +-100 bp lines, the user's shock
    ``shock_bp`` [bp] (a thick line when given and not 0) and the cap [USD bn]."""
    fig = styled_figure(
        title=t("b3.figure.title", lang),
        y_title=t("common.unit.usd_bn_per_month", lang),
        source=SOURCES,
        lang=lang,
        x_title=t("common.month", lang),
    )
    unit = t("common.unit.usd_bn", lang)
    idx = proj.index
    month_bar(fig, idx, proj["scheduled"], name=t("b3.series.scheduled", lang), unit=unit)
    month_bar(fig, idx, proj["prepaid"], name=t("b3.series.prepaid", lang), unit=unit)
    for col, key in (("paydowns_-100bp", "minus_100"), ("paydowns_+100bp", "plus_100")):
        if col in proj:
            month_line(fig, idx, proj[col], name=t(f"b3.series.{key}", lang), unit=unit)
    if shock_bp:
        col = f"paydowns_{int(shock_bp):+d}bp"
        month_line(
            fig,
            idx,
            proj[col],
            name=t("b3.series.shock", lang, shock=float(shock_bp)),
            unit=unit,
            line={"width": 4, "color": "#6a1b9a"},
        )
    if proj["mbs_cap"].notna().any():
        name = t("b3.series.cap", lang)
        month_line(
            fig, idx, proj["mbs_cap"], name=name, unit=unit, step=True, line={"dash": "dash"}
        )
    fig.update_layout(barmode="stack")
    return fig


def _calibration_figure(errors: pd.DataFrame, lang: str) -> go.Figure:
    """Model against realized paydowns, 3-month averages [USD bn]. In QT1 principal above
    the cap was reinvested, so the realized figure is the net decline in holdings, at most
    the cap: the model is drawn capped the same way there, and the line says so."""
    fig = styled_figure(
        title=t("b3.calibration.figure_title", lang),
        y_title=t("common.unit.usd_bn_per_month", lang),
        source=SOURCES,
        lang=lang,
        x_title=t("common.month", lang),
    )
    unit = t("common.unit.usd_bn", lang)
    for ep, g in errors.groupby("episode"):
        idx = pd.PeriodIndex(g.index, freq="M")
        model = g["model_3m"]
        real_name = t("b3.series.realized", lang) + f" ({ep})"
        model_name = t("b3.series.model", lang) + f" ({ep})"
        if ep == "qt1":
            cap = mbs_cap(idx, "qt1").rolling(3, min_periods=3).mean()
            model = pd.Series(np.fmin(g["model_3m"].to_numpy(), cap.to_numpy()), index=g.index)
            real_name = t("b3.series.realized_qt1", lang)
            model_name = t("b3.series.model_qt1", lang)
        month_line(fig, idx, g["realized_3m"], name=real_name, unit=unit)
        month_line(fig, idx, model, name=model_name, unit=unit, line={"dash": "dot"})
    fig.add_vline(x=FIT_END.to_timestamp(), line={"dash": "dash", "color": "#777"})
    return shade_episodes(fig, lang, start="2017-06-01", end="2025-12-31", kinds=("qt",))


def _month_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index()
    out["month"] = out["month"].astype(str)
    out.attrs = {}
    return out


@renders("B3")
def render_b3(c: Computed, lang: str) -> AnalysisResult:
    """B3 in ``lang``: the paydowns table and figure; today also the 2022 baseline, the
    calibration figure and the MBS backtest."""
    proj = c.table("paydowns").rename(columns=_projection_name)
    table = _month_text(proj)
    table = table.rename(columns={c: f"{c} [USD bn]" for c in table.columns if c != "month"})
    table = table.rename(columns={"mortgage_rate [USD bn]": "mortgage_rate [%]"})
    tables = [Table("b3_paydowns", t("b3.table.paydowns", lang), table)]
    shock_bp = c.meta["options"]["shock_bp"]
    figures = [Figure("b3_paydowns", _projection_figure(proj, lang, shock_bp))]
    if "baseline_2022" in c.tables:
        base = c.table("baseline_2022").reset_index()
        base.attrs = {}
        tables.append(
            Table(
                "b3_baseline_2022",
                t("b3.table.baseline", lang),
                base.rename(
                    columns={
                        "avg_paydowns": "avg_paydowns [USD bn]",
                        "extra_at_minus_100bp": "extra_at_minus_100bp [USD bn]",
                    }
                ),
            )
        )
    if "calibration" in c.series:
        figures.append(Figure("b3_calibration", _calibration_figure(c.series["calibration"], lang)))
    if "backtest" in c.tables:
        tables.append(
            Table("b3_backtest", t("b3.table.backtest", lang), _month_text(c.table("backtest")))
        )
    return AnalysisResult(
        id="B3",
        title=t("b3.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=tuple(figures),
        notes=notes_of(c, lang),
        meta=c.meta,
    )
