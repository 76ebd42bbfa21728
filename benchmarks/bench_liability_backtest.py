"""The liability model's 2022 backtest (issue 13, item 2): reserves from the 2022-05-31
vantage along the realized total assets, against the H.4.1, every month-end 2022-06..2023-12.

Prints the maximum monthly reserves error [USD bn] with the TGA given (realized) and with
the model's own TGA, for the model as C2/C3 fit it today and for the alternatives tried,
and a decomposition of the miss: the currency + other liabilities and capital block given
(the error left is the ON RRP split's) and ON RRP given (the error left is the block's).
Everything is fitted on the data visible at 2022-05-31; only the asset path, and where
stated the TGA, the block or ON RRP, are the realized ones. Target: within 250 bn with the
TGA given. Run: ``python benchmarks/bench_liability_backtest.py``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qtlab._periods import to_monthly
from qtlab.balance import LiabilityRules, project_liabilities
from qtlab.balance.models import CURRENCY_SURGE
from qtlab.balance.rrp_bills import RrpTgaBills
from qtlab.impact.paths import SEP_MIDPOINT_TO_UPPER
from qtlab.runs import RunContext
from qtlab.runs.inputs import (
    fit_liability_model,
    load_inputs,
    model_rules,
    rrp_drivers,
    sep_path,
)

VANTAGE = "2022-05-31"
THROUGH = pd.Period("2023-12", "M")


def backtest(
    latest: pd.DataFrame,
    *,
    tga_given: bool,
    base: LiabilityRules | None = None,
    block_given: bool = False,
    rrp_given: bool = False,
    tga_bills: bool = False,
    **fit_kwargs: Any,
) -> pd.DataFrame:
    """Monthly model and realized reserves, and the error [USD bn], 2022-06..2023-12."""
    ctx = RunContext(VANTAGE, use_store=False)
    inp = load_inputs(ctx, horizon=24)
    fit = fit_liability_model(ctx, inp, **fit_kwargs)
    idx = pd.period_range(inp.last_month + 1, THROUGH, freq="M")
    rules = model_rules(
        fit, inp, THROUGH, base, tga=latest["tga"].reindex(idx) if tga_given else None
    )
    if block_given:
        rules = LiabilityRules(
            rules.rrp_rule, rules.rrp_floor, rules.rrp_share, rules.rrp_path,
            tga=rules.tga, currency_other=latest["currency_other"].reindex(idx),
        )  # fmt: skip
    assets = latest["total_assets"].reindex(idx)
    if tga_bills:
        net, spread = rrp_drivers(ctx)
        h = inp.h41
        split = RrpTgaBills().fit(h["on_rrp"], net, spread, h["tga"], inp.last_month)
        rules = split.rules(inp.state, assets, rules)
    if rrp_given:
        rules = LiabilityRules(
            "path", rrp_path=latest["on_rrp"].reindex(idx), tga=rules.tga,
            currency_other=rules.currency_other,
        )  # fmt: skip
    p = project_liabilities(assets, inp.state, rules).loc[idx]
    gap = p["total_assets"] - (p["reserves"] + p["on_rrp"] + p["tga"] + p["currency_other"])
    if not (gap.abs() < 0.005).all():
        raise AssertionError("the identity does not hold to the cent")
    real = latest.loc[idx]
    return pd.DataFrame(
        {
            "reserves": p["reserves"],
            "realized": real["reserves"],
            "error": p["reserves"] - real["reserves"],
            "block_error": p["currency_other"] - real["currency_other"],
            "rrp_error": p["on_rrp"] - real["on_rrp"],
        }
    )


def sep_bill_path() -> pd.Series:
    """The 3-month bill yield [%] taken as the policy-rate midpoint path of the SEP visible at
    the vantage (March 2022 median), from the May 2022 upper bound of 1.00%."""
    ctx = RunContext(VANTAGE, use_store=False)
    start = pd.Period(VANTAGE, "M") + 1
    path, _ = sep_path(ctx, start, THROUGH, 1.0)
    return path - SEP_MIDPOINT_TO_UPPER


def realized_bill_path() -> pd.Series:
    """The realized monthly mean 3-month bill yield [%] (a diagnostic: not visible then)."""
    y = to_monthly(RunContext(None, use_store=False).series("DGS3MO"), "mean")
    return y.loc[pd.Period(VANTAGE, "M") + 1 : THROUGH]


def cases() -> dict[str, dict[str, Any]]:
    """Name -> backtest keyword arguments (besides ``tga_given``)."""
    sep, real = sep_bill_path(), realized_bill_path()
    return {
        "model as fitted today (5-year currency trend, absorb-first ON RRP)": {},
        "currency trend without the 2020-21 surge (5 years)": {"currency_exclude": CURRENCY_SURGE},
        "currency trend without the surge, 10 years": {
            "currency_exclude": CURRENCY_SURGE,
            "currency_years": 10,
        },
        "currency falls with the bill yield, along the SEP of 2022-03": {"currency_rates": sep},
        "  same, along the realized bill yield (diagnostic)": {"currency_rates": real},
        "ON RRP takes its fitted share of TGA changes (bills), absorb-first": {"tga_bills": True},
        "  same, currency along the SEP": {"tga_bills": True, "currency_rates": sep},
        "  same, block given (the split's error alone)": {
            "tga_bills": True,
            "block_given": True,
        },
        "  same, the rest split at the 2021-01..2022-05 ON RRP share (0.40)": {
            "tga_bills": True,
            "base": LiabilityRules("fixed_share", rrp_share=0.4),
        },
        "ON RRP takes every change (fixed share 1.0)": {
            "base": LiabilityRules("fixed_share", rrp_share=1.0)
        },
        "split error alone: block given, absorb-first": {"block_given": True},
        "split error alone: block given, ON RRP takes every change": {
            "block_given": True,
            "base": LiabilityRules("fixed_share", rrp_share=1.0),
        },
        "block error alone: ON RRP given (5-year trend)": {"rrp_given": True},
        "block error alone: ON RRP given (trend without the surge)": {
            "rrp_given": True,
            "currency_exclude": CURRENCY_SURGE,
        },
        "block error alone: ON RRP given (currency along the SEP)": {
            "rrp_given": True,
            "currency_rates": sep,
        },
        "  ON RRP takes every change, currency along the SEP": {
            "base": LiabilityRules("fixed_share", rrp_share=1.0),
            "currency_rates": sep,
        },
    }


def main() -> None:
    latest = load_inputs(RunContext(None, use_store=False), horizon=12).h41
    print(f"max |reserves error| [USD bn], {VANTAGE} vantage, 2022-06..{THROUGH}")
    print(f"{'case':<68} {'TGA given':>10} {'own TGA':>8}  worst month")
    for name, kw in cases().items():
        given = backtest(latest, tga_given=True, **kw)
        own = backtest(latest, tga_given=False, **kw)
        worst = given["error"].abs().idxmax()
        print(
            f"{name:<68} {given['error'].abs().max():>10.0f} {own['error'].abs().max():>8.0f}"
            f"  {worst} (block {given.loc[worst, 'block_error']:+.0f},"
            f" ON RRP {given.loc[worst, 'rrp_error']:+.0f})"
        )


if __name__ == "__main__":
    main()
