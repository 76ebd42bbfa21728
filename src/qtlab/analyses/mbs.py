"""B3: MBS paydowns against the cap, from the prepayment model; the 2022
baseline comparison; the calibration and MBS backtest behind them.

All numbers [USD bn per month] unless a column says otherwise. Data rules
(realized paydowns between first Wednesdays, 3-month averages) are in
:mod:`qtlab.runs.mbs`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses._figures import month_bar, month_line, shade_episodes, styled_figure
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.errors import SpecError, quoted
from qtlab.i18n import t
from qtlab.policy import load_preset, preset_in_force
from qtlab.prepay.params import PrepayParams, known_param_set, prepay_params
from qtlab.prepay.paydowns import project_cohorts
from qtlab.runs.context import RunContext
from qtlab.runs.mbs import (
    FIT_END,
    QT2_FILE,
    MbsData,
    backtest_mbs,
    driving_path,
    fit_params,
    mbs_cap,
    params_at,
)
from qtlab.runs.options import mortgage_rate_option

__all__ = [
    "NYFED_2022_BASE",
    "NYFED_2022_MINUS_100BP_EXTRA",
    "b3_mbs_paydowns",
    "baseline_2022",
    "paydown_projection",
]

#: Federal Reserve Bank of New York, "Open Market Operations during 2021"
#: (May 2022): SOMA MBS principal paydowns about 25 bn a month on average at
#: then-current rates, about 16.8 bn a month more with mortgage rates 1 pp lower
#: (as quoted in the product specification, analysis B3) [USD bn per month].
NYFED_2022_BASE = 25.0
NYFED_2022_MINUS_100BP_EXTRA = 16.8
#: The outlook was published in May 2022; its last day is the conservative date from
#: which B3 cites it (at earlier vantages it did not exist).
NYFED_2022_PUBLISHED = date(2022, 5, 31)
#: The comparison window: 2022-H2 through 2023.
BASELINE_WINDOW = ("2022-07", "2023-12")
#: Realized paydowns are measurable from 2022-10 (MBS purchases settled until 2022-09).
REALIZED_START = pd.Period("2022-10", freq="M")
SOURCES = "NY Fed SOMA (MBS by CUSIP; weekly MBS holdings), Freddie Mac PMMS (FRED MORTGAGE30US)"


def paydown_projection(
    ctx: RunContext,
    *,
    months: int = 24,
    shocks_bp: tuple[float, ...] = (0.0, -100.0, 100.0),
    params: PrepayParams | str | None = None,
    mortgage_rate: str = "flat",
    data: MbsData | None = None,
) -> pd.DataFrame:
    """Model paydowns of the SOMA MBS held as of ``ctx`` for ``months`` months [USD bn].

    The first month is the one after the last month whose mortgage rate is
    known (the vantage month, or the last month of data for the latest view);
    the cohorts are run from their holdings file to it with the rates known.
    One column block per shock:
    ``scheduled``, ``prepaid``, ``paydowns`` for the base (first shock) and
    ``paydowns_{shock:+d}bp`` for the others; ``mbs_cap`` and ``shortfall``
    (cap minus paydowns when positive: the sales needed to reach the cap).
    ``data``: :class:`~qtlab.runs.mbs.MbsData` of ``ctx`` to share with other
    analyses (default: a new one). ``params``: default the set known at the vantage
    (:func:`~qtlab.runs.mbs.params_at`). ``mbs_cap``: the agency cap of the plan
    known at the vantage (:func:`known_mbs_cap`).
    """
    if months < 1 or months > 600:
        raise SpecError(f"months={quoted(months)} must be between 1 and 600")
    p = params_at(params, ctx.as_of)
    d = MbsData.of(ctx, data)
    hist = d.rates
    coh = d.held_cohorts
    start = coh.attrs["start"]
    # the last month whose mortgage rate is known: the vantage month, or the data's end
    known = pd.Period(ctx.as_of, freq="M") if ctx.as_of is not None else hist.index.max()
    first = max(start, known + 1)
    lead = (first - start).n
    n = lead + months
    idx = pd.period_range(start, periods=n, freq="M")
    rate = mortgage_rate_option(mortgage_rate)  # the option's text, parsed once here
    paths = np.stack(
        [driving_path(hist, idx, p, mode=rate, as_of=known, shock_bp=s) for s in shocks_bp]
    )
    pr = project_cohorts(coh, paths, p, n)
    out = pd.DataFrame(
        {
            "scheduled": pr.scheduled[0],
            "prepaid": pr.prepaid[0],
            "paydowns": pr.paydowns[0],
        },
        index=idx,
    )
    for i, s in enumerate(shocks_bp[1:], start=1):
        out[f"paydowns_{int(s):+d}bp"] = pr.paydowns[i]
    out["mortgage_rate"] = paths[0]
    out = out.iloc[lead:]
    out["mbs_cap"] = known_mbs_cap(pd.PeriodIndex(out.index, freq="M"), ctx.as_of)
    out["shortfall"] = (out["mbs_cap"] - out["paydowns"]).clip(lower=0.0)
    out.index.name = "month"
    out.attrs.update({"holdings_file": str(coh.attrs["as_of"].date()), "params": p})
    return out


def baseline_2022(ctx: RunContext | None = None, *, data: MbsData | None = None) -> pd.DataFrame:
    """The 2022 view of MBS paydowns side by side [USD bn per month, 2022-07..2023-12].

    Rows: the NY Fed's 2022 outlook; the model as of 2022-05-31 with the rate
    known then held flat, with the parameters an analyst could fit then
    (``qt1-fit``) and with today's fit (``qt2-fit``) (these three over
    2022-07..2023-12); the model with the realized rate path and the realized
    average over 2022-10..2023-12 (purchases settled until 2022-09, so earlier
    holdings changes are not paydowns). Column ``window`` says which.
    ``attrs``: the May 2022 mortgage rate [%] and the share of the 2022-05-11
    par whose note rate was more than 1 pp below it [%]. Columns ``avg_paydowns`` and
    ``extra_at_minus_100bp`` (where defined). ``ctx``: the latest data (default: the
    default folders); the 2022 view is read from its folders. ``data``:
    :class:`~qtlab.runs.mbs.MbsData` of ``ctx`` to share with other analyses.
    """
    ds_now = ctx or RunContext()
    now = MbsData.of(ds_now, data)
    then = MbsData.of(ds_now.at("2022-05-31"))
    a, b = (pd.Period(x, freq="M") for x in BASELINE_WINDOW)
    rows: list[dict[str, Any]] = [
        {
            "view": "nyfed_2022",
            "avg_paydowns": NYFED_2022_BASE,
            "extra_at_minus_100bp": NYFED_2022_MINUS_100BP_EXTRA,
        }
    ]
    for name in ("qt1-fit", "qt2-fit"):
        # the sets as objects: today's fit run from the 2022 file is a deliberate hindsight view
        proj = paydown_projection(then.ds, months=19, params=prepay_params(name), data=then)
        w = proj.loc[a:b]
        rows.append(
            {
                "view": f"model_2022_{name}",
                "avg_paydowns": float(w["paydowns"].mean()),
                "extra_at_minus_100bp": float((w["paydowns_-100bp"] - w["paydowns"]).mean()),
            }
        )
    hist = now.rates
    coh = now.cohorts_at(QT2_FILE)
    idx = pd.period_range(coh.attrs["start"], b, freq="M")
    p = prepay_params("qt2-fit")
    pr = project_cohorts(coh, driving_path(hist, idx, p, mode="realized"), p)
    realized = now.realized
    bal = realized["start_balance"].reindex(idx).to_numpy()
    model_real = pd.Series(pr.rate[0] * bal, index=idx).loc[REALIZED_START:b]
    rows.append(
        {
            "view": "model_realized_rates",
            "avg_paydowns": float(model_real.mean()),
            "extra_at_minus_100bp": float("nan"),
        }
    )
    real = realized["paydowns"].loc[REALIZED_START:b]
    rows.append(
        {
            "view": "realized",
            "avg_paydowns": float(real.mean()),
            "extra_at_minus_100bp": float("nan"),
        }
    )
    rate_then = float(then.rates.iloc[-1])
    out = pd.DataFrame(rows).set_index("view")
    out.attrs["rate_may_2022"] = rate_then
    out.attrs["out_of_money_share"] = float(
        100 * coh.loc[coh["wac"] < rate_then - 1.0, "par"].sum() / coh["par"].sum()
    )
    out["window"] = ["2022-07..2023-12"] * 3 + [f"{REALIZED_START}..{b}"] * 2
    return out


def known_mbs_cap(months: pd.PeriodIndex, as_of: date | None) -> pd.Series:
    """Monthly agency cap [USD bn] of the plan known at ``as_of`` (the preset in force,
    cut to the regimes announced by then): 0 before its runoff starts, NaN from a regime
    that caps nothing after it (runoff over). Today this is :func:`mbs_cap` of QT2."""
    pol = load_preset(preset_in_force(as_of)).known_at(as_of)
    if len(months) == 0:
        return pd.Series(dtype="float64", index=months)
    cp = pol.cap_path(months[0], months[-1])["agency_cap"].astype("float64")
    after = (cp.index >= pol.start) & (cp.to_numpy() == 0.0)
    cp[after] = np.nan
    return pd.Series(cp.to_numpy(), index=months)


def _avg(base: pd.DataFrame, view: str) -> float:
    return float(base["avg_paydowns"].to_dict()[view])


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


@analysis("B3", area="runoff", order=130)
def b3_mbs_paydowns(
    ctx: RunContext,
    *,
    lang: str = "en",
    months: int = 24,
    shock_bp: float | None = None,
    params: str | None = None,
    mortgage_rate: str = "flat",
) -> AnalysisResult:
    """B3 MBS paydowns versus the cap (see ANALYSES.md).

    Model paydowns of the SOMA MBS held at the vantage date under a
    mortgage-rate path (``flat`` at the last known rate, ``realized``, or a CSV
    file) and under -100/+100 bp (and ``shock_bp`` if given); the first month
    paydowns fall short of the cap; the shortfall each month (the sales needed to
    reach the cap); the sensitivity of average paydowns to a 1 pp lower rate.
    At today's vantage it adds the 2022 baseline comparison, the calibration
    errors and the MBS backtest. ``params``: default the set known at the vantage
    (the latest fitted set whose data ended by then).
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
    first_short = str(short.index[0]) if len(short) else None
    avg = float(proj["paydowns"].mean())
    sens = float((proj["paydowns_-100bp"] - proj["paydowns"]).mean())
    notes: list[Note] = [
        note(
            "b3.note.average",
            lang,
            avg=avg,
            start=str(proj.index[0]),
            end=str(proj.index[-1]),
            file=proj.attrs["holdings_file"],
            rate=float(proj["mortgage_rate"].iloc[-1]),
        ),
        note("b3.note.sensitivity", lang, extra=sens, nyfed=NYFED_2022_MINUS_100BP_EXTRA)
        if ctx.as_of is None or ctx.as_of >= NYFED_2022_PUBLISHED
        else note("b3.note.sensitivity_before_outlook", lang, extra=sens),
    ]
    if first_short is not None:
        notes.append(
            note(
                "b3.note.first_shortfall",
                lang,
                month=first_short,
                avg_shortfall=float(proj.loc[short.index, "shortfall"].mean()),
            )
        )
    table = proj.reset_index()
    table["month"] = table["month"].astype(str)
    table = table.rename(columns={c: f"{c} [USD bn]" for c in table.columns if c != "month"})
    table = table.rename(columns={"mortgage_rate [USD bn]": "mortgage_rate [%]"})
    tables = [Table("b3_paydowns", t("b3.table.paydowns", lang), table)]
    figures = [Figure("b3_paydowns", _projection_figure(proj, lang, shock_bp))]
    gaps: list[str] = []
    if ctx.as_of is None:
        base = baseline_2022(ctx, data=data)
        notes.append(
            note(
                "b3.note.baseline",
                lang,
                nyfed=NYFED_2022_BASE,
                model_then=_avg(base, "model_2022_qt1-fit"),
                model_fit=_avg(base, "model_2022_qt2-fit"),
                realized=_avg(base, "realized"),
                model_real=_avg(base, "model_realized_rates"),
                rate_then=base.attrs["rate_may_2022"],
                otm=base.attrs["out_of_money_share"],
            )
        )
        tables.append(
            Table(
                "b3_baseline_2022",
                t("b3.table.baseline", lang),
                base.reset_index().rename(
                    columns={
                        "avg_paydowns": "avg_paydowns [USD bn]",
                        "extra_at_minus_100bp": "extra_at_minus_100bp [USD bn]",
                    }
                ),
            )
        )
        cal = fit_params(ctx, "qt2-fit", data=data)
        notes.append(
            note(
                "b3.note.calibration",
                lang,
                mae_fit=cal.mae("fit", "qt2"),
                mae_test=cal.mae("test", "qt2"),
                mae_qt1=cal.mae("fit", "qt1"),
            )
        )
        figures.append(Figure("b3_calibration", _calibration_figure(cal.errors, lang)))
        bt = backtest_mbs(ctx, cal.params, data=data)
        notes.append(
            note(
                "b3.note.backtest",
                lang,
                max_err=bt.max_abs_pct_error(),
                max_err_aligned=bt.max_abs_pct_error("aligned"),
                max_err_qt1=backtest_mbs(ctx, cal.params, "qt1", data=data).max_abs_pct_error(),
            )
        )
        btf = bt.frame.reset_index()
        btf["month"] = btf["month"].astype(str)
        tables.append(Table("b3_backtest", t("b3.table.backtest", lang), btf))
    return AnalysisResult(
        id="B3",
        title=t("b3.title", lang),
        lang=lang,
        tables=tuple(tables),
        figures=tuple(figures),
        notes=tuple(notes),
        meta={
            "as_of": ctx.as_of.isoformat() if ctx.as_of else None,
            "options": {
                "months": months,
                "shock_bp": shock_bp,
                "params": params if params is not None else known_param_set(ctx.as_of),
                "mortgage_rate": mortgage_rate,
            },
            "inputs": ["soma MBS by CUSIP", "soma.mbs", "MORTGAGE30US"],
            "gaps": gaps,
            "monthly_rule": "paydowns: first Wednesday to first Wednesday; 3-month averages",
        },
    )
