"""MBS paydown projections from the prepayment model at a vantage (B3, ``qtlab prepay``),
and the 2022 view of MBS paydowns against the NY Fed's 2022 outlook and the outcome.

Run recipes over a :class:`~qtlab.runs.RunContext`, for the analyses, the CLI and
scripts. All numbers [USD bn per month] unless a column says otherwise; the data rules
(realized paydowns between first Wednesdays) are in :mod:`qtlab.runs.mbs`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from qtlab.errors import SpecError, quoted
from qtlab.policy import load_preset, preset_in_force
from qtlab.prepay.params import PrepayParams, prepay_params
from qtlab.prepay.paydowns import project_cohorts
from qtlab.runs.context import RunContext
from qtlab.runs.mbs import QT2_FILE, MbsData, driving_path, params_at
from qtlab.runs.options import mortgage_rate_option

__all__ = [
    "BASELINE_WINDOW",
    "NYFED_2022_BASE",
    "NYFED_2022_MINUS_100BP_EXTRA",
    "NYFED_2022_PUBLISHED",
    "REALIZED_START",
    "baseline_2022",
    "known_mbs_cap",
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
