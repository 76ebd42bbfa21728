"""The liability model's 2022 backtest (issue 13, item 2): reserves from the 2022-05-31
vantage along the realized total assets, against the H.4.1, every month-end 2022-06..2023-12.

Prints the maximum monthly reserves error [USD bn] with the TGA given (realized) and with
the model's own TGA, for the model as C2/C3 fit it today and for the alternatives tried,
and a decomposition of the miss: the currency + other liabilities and capital block given
(the error left is the ON RRP split's) and ON RRP given (the error left is the block's).
Everything is fitted on the data visible at 2022-05-31; only the asset path, and where
stated the TGA, the block or ON RRP, are the realized ones. Target: within 250 bn with the
TGA given. Run: ``python benchmarks/bench_liability_backtest.py``.

The deferred asset (``qtlab.runs.remittances``, cases marked "deferred asset"): Reserve
Bank net income from the SOMA holdings of 2022-05-31 (coupons of the CUSIP files, the
engine's runoff under qt2-announced, bills at the bill yield, TIPS accrual, premium
amortization) minus interest on reserves + ON RRP and the foreign repo pool and stated
costs; while negative it books a deferred asset that lowers other liabilities and capital.
Along the March 2022 SEP (vantage-honest) net income stays positive and nothing changes
(642 / 316 with the TGA-bills split and currency along the SEP); along the realized rates
(a conditional variant, not visible then) the deferred asset reaches 111 bn by 2023-12
(published 133.0): the block's error with ON RRP given falls 307 -> 207, while with the
TGA-bills split the maximum error goes 642 -> 658, since that split already puts too much
of the runoff in reserves. The last lines print the model's net income and deferred asset
against the Board's published figures.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qtlab._periods import to_monthly
from qtlab.balance import LiabilityRules
from qtlab.balance.models import CURRENCY_SURGE
from qtlab.impact.paths import SEP_MIDPOINT_TO_UPPER
from qtlab.runs import RunContext
from qtlab.runs.inputs import fit_liability_model, load_inputs, model_rules, sep_path
from qtlab.runs.liability_backtest import conditional_backtest
from qtlab.runs.remittances import fit_remittances, with_deferred_asset

VANTAGE = "2022-05-31"
THROUGH = pd.Period("2023-12", "M")


def backtest(latest: pd.DataFrame, *, tga_given: bool, **kw: Any) -> pd.DataFrame:
    """Monthly model and realized reserves, and the error [USD bn], 2022-06..2023-12
    (:func:`qtlab.runs.liability_backtest.conditional_backtest` from the vantage)."""
    ctx = RunContext(VANTAGE, use_store=False)
    return conditional_backtest(ctx, latest, THROUGH, tga_given=tga_given, **kw)


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
        "deferred asset, SEP rates (vantage-honest): TGA bills, currency along the SEP": {
            "tga_bills": True,
            "currency_rates": sep,
            "deferred": "sep",
        },
        "deferred asset, REALIZED rates (conditional): TGA bills, currency along SEP": {
            "tga_bills": True,
            "currency_rates": sep,
            "deferred": "realized",
        },
        "  same, currency along the realized bill yield (conditional)": {
            "tga_bills": True,
            "currency_rates": real,
            "deferred": "realized",
        },
        "  deferred asset (realized rates) alone on the model as fitted today": {
            "deferred": "realized",
        },
        "block error alone: ON RRP given, SEP currency, deferred asset (realized)": {
            "rrp_given": True,
            "currency_rates": sep,
            "deferred": "realized",
        },
        "  ON RRP takes every change, SEP currency, deferred asset (realized)": {
            "base": LiabilityRules("fixed_share", rrp_share=1.0),
            "currency_rates": sep,
            "deferred": "realized",
        },
    }


def main() -> None:
    latest = load_inputs(RunContext(None, use_store=False), horizon=12).h41
    print(f"max |reserves error| [USD bn], {VANTAGE} vantage, 2022-06..{THROUGH}")
    print(f"{'case':<76} {'TGA given':>10} {'own TGA':>8}  worst month")
    for name, kw in cases().items():
        given = backtest(latest, tga_given=True, **kw)
        own = backtest(latest, tga_given=False, **kw)
        worst = given["error"].abs().idxmax()
        print(
            f"{name:<76} {given['error'].abs().max():>10.0f} {own['error'].abs().max():>8.0f}"
            f"  {worst} (block {given.loc[worst, 'block_error']:+.0f},"
            f" ON RRP {given.loc[worst, 'rrp_error']:+.0f})"
        )

    published()


#: Board figures [USD bn]: 2023 SOMA interest income and net loss (audited statements), 2024
#: net loss (audited, as the press reported it), year-end deferred asset (audited 2022, press
#: release 2024-01-12 for 2023, audited 2024 as reported).
PUBLISHED = {
    "income 2023": 163.8,
    "net loss 2023": 114.3,
    "net loss 2024": 77.6,
    "deferred asset 2022-12": 16.6,
    "deferred asset 2023-12": 133.0,
    "deferred asset 2024-12": 216.0,
}


def published() -> None:
    """Net income and the deferred asset from 2022-05-31 (model block, realized assets and
    TGA) against the Board's figures, along the SEP and along the realized rates."""
    latest = load_inputs(RunContext(None, use_store=False), horizon=12).h41
    ctx = RunContext(VANTAGE, use_store=False)
    inp = load_inputs(ctx, horizon=36)
    through = pd.Period("2024-12", "M")
    idx = pd.period_range(inp.last_month + 1, through, freq="M")
    rules = model_rules(fit_liability_model(ctx, inp), inp, through, tga=latest["tga"].reindex(idx))
    print(f"\n{'Reserve Bank figures [USD bn]':<32} {'published':>10} {'SEP':>8} {'realized':>9}")
    got = {}
    for rates in ("sep", "realized"):
        remit = fit_remittances(ctx, inp, through, rates=rates)  # type: ignore[arg-type]
        _, p = with_deferred_asset(remit, rules, latest["total_assets"].reindex(idx), inp.state)
        year = p.groupby(p.index.year).sum()
        got[rates] = {
            "income 2023": year.loc[2023, "income"],
            "net loss 2023": -year.loc[2023, "net_income"],
            "net loss 2024": -year.loc[2024, "net_income"],
            **{
                f"deferred asset {m}": p["deferred_asset"].loc[m]
                for m in ("2022-12", "2023-12", "2024-12")
            },
        }
    for k, v in PUBLISHED.items():
        print(f"{k:<32} {v:>10.1f} {got['sep'][k]:>8.1f} {got['realized'][k]:>9.1f}")


if __name__ == "__main__":
    main()
