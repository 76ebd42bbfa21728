"""D2 as a family of specifications: the default chosen out of sample, the sample
sensitivity, levels beside first differences, and the named recipes.

Kept apart from :mod:`qtlab.analyses.d2_yield` (whose ``compute_d2`` calls
:func:`~qtlab.runs.yield_spec.choose_default` and :func:`family`, and whose render draws
:func:`sensitivity_figure`) so each module stays small. The default rule and the choice
are a run: :mod:`qtlab.runs.yield_spec`.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import value_at
from qtlab.analyses.computed import Fact, tidy
from qtlab.i18n import t
from qtlab.impact import INDICATORS, fit_yield, peak, scarcity_indicators
from qtlab.impact.duration import MBS_DURATION, ten_year_equivalents
from qtlab.impact.yield_family import NO_CHANGE, sample_sensitivity
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs
from qtlab.runs.yield_recipes import RECIPES, run_recipe
from qtlab.runs.yield_spec import HORIZON, SpecChoice, indicators_along
from qtlab.schema import DIMENSIONLESS, MONTHS, PERCENT, PERCENTAGE_POINTS, USD_BN, YEARS

__all__ = ["duration_table", "family", "recipe_rows", "sensitivity_figure"]

_RECIPE: Final = "industrial-bank-2022-05"
_SENSITIVITY_FIRST: Final = 2003
_SENSITIVITY_LAST: Final = 2020


def _shared(inp: ImpactInputs, proj: pd.DataFrame) -> pd.DataFrame:
    return indicators_along(inp, proj.iloc[:1])


def _choice_table(choice: SpecChoice) -> pd.DataFrame:
    frames = []
    for i, s in choice.summaries.items():
        f = s.reset_index().assign(indicator=i)
        f["chosen"] = f["spec"] == choice.spec.name
        f["origins"] = "{}:{}".format(*s.attrs["origins"])
        frames.append(f)
    return pd.concat(frames, ignore_index=True)[
        ["indicator", "spec", "rmse", "mae", "bias", "n", "origins", "chosen"]
    ]


def _sensitivity(inp: ImpactInputs, ind: pd.DataFrame) -> pd.DataFrame:
    last = inp.last_month
    starts = [
        pd.Period(f"{y}-01", freq="M")
        for y in range(_SENSITIVITY_FIRST, _SENSITIVITY_LAST + 1)
        if (last - pd.Period(f"{y}-01", freq="M")).n >= 23
    ]
    frames = [
        sample_sensitivity(inp.yield10, ind[i], inp.policy, indicator_name=i, starts=starts).assign(
            indicator=i
        )
        for i in INDICATORS
    ]
    return pd.concat(frames, ignore_index=True)


def sensitivity_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """The sample-sensitivity figure of D2 from its tidy ``sensitivity`` table."""
    fig = styled_figure(
        title=t("d2.figure.sensitivity", lang),
        y_title=t("d2.axis.sensitivity", lang),
        source="FRED DGS10, DFEDTARU; Federal Reserve H.4.1; Treasury MSPD; BEA",
        lang=lang,
    )
    dash = {"reserves_to_debt": "solid", "reserves_to_gdp": "dot"}
    for i in INDICATORS:
        rows = table[table["indicator"] == i]
        x = rows["start"].astype(str).str[:4]
        label = t(f"d1.series.{i}", lang)
        for col, color in (("r2", "black"), ("t_indicator", "rgb(31, 119, 180)"),
                           ("t_policy", "rgb(214, 39, 40)")):  # fmt: skip
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=rows[col],
                    name=t(f"d2.series.{col}", lang, indicator=label),
                    line={"color": color, "dash": dash[i]},
                    yaxis="y2" if col == "r2" else "y",
                )
            )
    for level in (-1.96, 1.96):  # 5% two-sided critical values of the t-statistics
        fig.add_hline(y=level, line_dash="dot", line_color="grey", line_width=1)
    fig.update_layout(
        yaxis2={
            "title": t("d2.axis.r2", lang),
            "overlaying": "y",
            "side": "right",
            "range": [0, 1],
            "autorange": False,
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 0.2,
            "showgrid": False,
        }
    )
    return fig


def _forms(
    inp: ImpactInputs, ind: pd.DataFrame, sample: tuple[str | None, str | None]
) -> pd.DataFrame:
    rows = []
    for i in INDICATORS:
        for form in ("levels", "diff"):
            f = fit_yield(
                inp.yield10, ind[i], inp.policy, indicator_name=i, sample=sample, form=form
            )
            tv = f.tvalues
            rows.append(
                {
                    "indicator": i,
                    "form": form,
                    "sample": f"{f.sample[0]}:{f.sample[1]}",
                    "nobs": f.nobs,
                    "r2": f.rsquared,
                    "coef_indicator": float(f.params[i]),
                    "t_indicator": float(tv[i]),
                    "coef_policy": float(f.params["policy_rate"]),
                    "t_policy": float(tv["policy_rate"]),
                    "resid_ar1": f.rho_raw,
                    "hac_lags": f.hac_lags,
                }
            )
    return pd.DataFrame(rows)


_TREASURY_KINDS: Final = ("bill", "note_bond", "tips", "frn")


def duration_table(ctx: RunContext, inp: ImpactInputs) -> pd.DataFrame:
    """Ten-year equivalents of the SOMA holdings at each Treasury CUSIP-file date visible
    at the vantage [USD bn], over marketable debt and nominal GDP [%], beside the reserve
    ratios of that month. Only at file dates: nothing is interpolated between files."""
    dates = ctx.holdings_dates()
    days = sorted(dates.loc[dates["kind"] == "note_bond", "as_of"].unique())
    ind = scarcity_indicators(inp.reserves, inp.debt, inp.gdp)
    rows = []
    for day in days:
        on = pd.Timestamp(day)
        month = on.to_period("M")
        h = ctx.at(on.date()).holdings(_TREASURY_KINDS)
        mbs = ctx.series("soma.mbs").loc[:on]
        y10 = ctx.series("DGS10").loc[:on].dropna()
        if h.empty or mbs.empty or y10.empty or month not in ind.index:
            continue
        tye = ten_year_equivalents(h, on, float(y10.iloc[-1]), float(mbs.iloc[-1]))
        rows.append(
            {
                "date": str(on.date()),
                "treasury_tye": tye["treasury"],
                "mbs_tye": tye["mbs"],
                "total_tye": tye["total"],
                "tye_to_debt": 100.0 * tye["total"] / value_at(inp.debt, month),
                "tye_to_gdp": 100.0 * tye["total"] / value_at(inp.gdp, month),
                "reserves_to_debt": value_at(ind, month, "reserves_to_debt"),
                "reserves_to_gdp": value_at(ind, month, "reserves_to_gdp"),
                "ten_year_duration": tye["ten_year_duration"],
                "mbs_duration": MBS_DURATION,
            }
        )
    return pd.DataFrame(rows)


def family(
    ctx: RunContext,
    inputs: tuple[ImpactInputs, pd.DataFrame, list[Assumption]],
    choice: SpecChoice,
) -> tuple[dict[str, pd.DataFrame], list[Fact], dict[str, Any]]:
    """D2's extra tables (tidy, by name), note values and meta: the out-of-sample
    comparison and the rule (``spec_choice``), levels beside first differences
    (``forms``), the sample sensitivity (``sensitivity``), the duration indicator at the
    CUSIP-file dates (``duration``, when one is visible) and the recipe (``recipe``, one
    row per indicator, ``<quantity>_<published|qtlab|realized>`` columns; its rows in
    display order are ``meta["recipe_rows"]``)."""
    inp, proj, _ = inputs
    ind = _shared(inp, proj)
    spec = choice.spec
    facts: list[Fact] = []
    first = next(iter(choice.summaries.values()))
    lo, hi = first.attrs["origins"]
    rmse = {i: value_at(s, spec.name, "rmse") for i, s in choice.summaries.items()}
    bench = {i: value_at(s, NO_CHANGE, "rmse") for i, s in choice.summaries.items()}
    facts.append(
        Fact(
            f"d2.note.{choice.mode}",
            {
                "spec": spec.name,
                "first": str(lo),
                "last": str(hi),
                "horizon": HORIZON,
                "debt": rmse["reserves_to_debt"],
                "gdp": rmse["reserves_to_gdp"],
                "bench_debt": bench["reserves_to_debt"],
                "bench_gdp": bench["reserves_to_gdp"],
            },
        )
    )
    forms = _forms(inp, ind, choice.sample)
    for r in forms.itertuples():
        facts.append(
            Fact(
                "d2.note.inference",
                {
                    "indicator": r.indicator,
                    "form": r.form,
                    "rho": r.resid_ar1,
                    "lags": r.hac_lags,
                    "n": r.nobs,
                    "r2": r.r2,
                },
            )
        )
    sens = _sensitivity(inp, ind)
    flips = any(
        (g["coef_indicator"] > 0).any() and (g["coef_indicator"] < 0).any()
        for _, g in sens.groupby("indicator")
    )
    facts.append(
        Fact(
            "d2.note.sensitivity_sign" if flips else "d2.note.sensitivity",
            {
                "lo": float(sens["r2"].min()),
                "hi": float(sens["r2"].max()),
                "first": str(sens["start"].iloc[0]),
                "last": str(sens["start"].iloc[-1]),
            },
        )
    )
    fits = {"r2": DIMENSIONLESS, "t_indicator": DIMENSIONLESS, "t_policy": DIMENSIONLESS,
            "resid_ar1": DIMENSIONLESS, "hac_lags": MONTHS}  # fmt: skip
    for col in ("start", "end"):
        sens[col] = pd.PeriodIndex(sens[col], freq="M")
    tables = {
        "spec_choice": tidy(
            _choice_table(choice), dict.fromkeys(("rmse", "mae", "bias"), PERCENTAGE_POINTS)
        ),
        "forms": tidy(forms, fits),
        "sensitivity": tidy(sens, fits),
    }
    meta: dict[str, Any] = {}
    dur = duration_table(ctx, inp)
    if not dur.empty:
        last = dur.iloc[-1]
        facts.append(
            Fact(
                "d2.note.duration",
                {
                    "dates": ", ".join(dur["date"]),
                    "date": str(last["date"]),
                    "tye_tn": float(last["total_tye"]) / 1000.0,
                    "debt": float(last["tye_to_debt"]),
                    "gdp": float(last["tye_to_gdp"]),
                    "mbs": MBS_DURATION,
                },
            )
        )
        dur.index = pd.DatetimeIndex(pd.to_datetime(dur.pop("date")), name="date")
        tables["duration"] = tidy(dur, _DURATION_UNITS)
    rec = RECIPES[_RECIPE]
    if (inp.last_month - pd.Period(rec.sample[0], freq="M")).n >= 23:
        rr = run_recipe(ctx, _RECIPE)
        wide, rows = _recipe_wide(rr.comparison)
        tables["recipe"] = wide
        meta |= {"recipe": rec.name, "recipe_rows": rows}
        f = rr.fits["reserves_to_debt"]
        pk = peak(rr.forecasts["reserves_to_debt"])
        facts.append(
            Fact(
                "d2.note.recipe",
                {
                    "sample": f"{f.sample[0]}:{f.sample[1]}",
                    "r2": f.rsquared,
                    "month": str(pk["month"]),
                    "mean": pk["mean"],
                    "upper": pk["upper"],
                    "policy": rr.policy_source,
                },
            )
        )
        if rr.policy_source.key == "impact.policy.sep_missing":
            facts.append(Fact("d2.note.recipe_gap", {}))
    return tables, facts, meta


_DURATION_UNITS: Final = {
    "treasury_tye": USD_BN,
    "mbs_tye": USD_BN,
    "total_tye": USD_BN,
    "tye_to_debt": PERCENT,
    "tye_to_gdp": PERCENT,
    "reserves_to_debt": PERCENT,
    "reserves_to_gdp": PERCENT,
    "ten_year_duration": YEARS,
    "mbs_duration": YEARS,
}
_SOURCES: Final = ("published", "qtlab", "realized")


def _recipe_wide(cmp: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The recipe comparison (one row per quantity and indicator, values of mixed units)
    as one row per indicator with a column per quantity and source, and the rows."""
    rows = [(str(q), str(i)) for q, i in zip(cmp["quantity"], cmp["indicator"], strict=True)]
    quantities = list(dict.fromkeys(q for q, _ in rows))
    indicators = list(dict.fromkeys(i for _, i in rows))
    by = cmp.set_index(["quantity", "indicator"])
    data: dict[str, list[object]] = {}
    units: dict[str, str] = {}
    for q in quantities:
        for src in _SOURCES:
            vals: list[Any] = [
                by.at[(q, i), src] if (q, i) in by.index else None for i in indicators
            ]
            col = f"{q}_{src}"
            if q == "peak_month":
                data[col] = [None if v is None or pd.isna(v) else str(v) for v in vals]
            else:
                data[col] = [float("nan") if v is None else float(v) for v in vals]
                units[col] = DIMENSIONLESS if q == "r2" else PERCENT
    wide = pd.DataFrame(data, index=pd.Index(indicators, name="indicator"))
    return tidy(wide, units), rows


def recipe_rows(wide: pd.DataFrame, rows: list[tuple[str, str]], recipe: str) -> pd.DataFrame:
    """The recipe table as the report shows it: one row per quantity and indicator
    (``rows``, in order), the published, qtlab and realized values side by side."""
    out = []
    for q, i in rows:
        rec: dict[str, object] = {"quantity": q, "indicator": i}
        for src in _SOURCES:
            v: Any = wide.at[i, f"{q}_{src}"]
            rec[src] = None if v is None or pd.isna(v) else v
        out.append(rec)
    return pd.DataFrame(out, columns=["quantity", "indicator", *_SOURCES]).assign(recipe=recipe)
