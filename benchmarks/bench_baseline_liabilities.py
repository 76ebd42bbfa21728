"""Which liability side the baseline projects with (issue 13, item 5): the simple rules
against the liability model fitted at the vantage, and the mixes of the two.

Prints the maximum |error| [USD bn] against the realized H.4.1 (monthly means):

- F1's default run (reserve-management purchases holding reserves at the FOMC's
  December 2025 target) from the 2025-12-31 vantage, total assets and reserves, every
  month-end 2026-01..2026-08 (targets 75 and 150 bn);
- reserves from the 2022-05-31 vantage along the realized total assets, each form's own
  TGA, 2022-06..2023-12 (the issue's 250 bn target is for the TGA given; see
  bench_liability_backtest.py).

Everything is fitted on the data visible at the vantage; only the realized asset path of
the 2022 backtest is not. ``qtlab.runs.baseline_liabilities.LIABILITY_EVIDENCE`` holds the
first two rows (tests/test_baseline_model.py recomputes them). Run:
``python benchmarks/bench_baseline_liabilities.py``.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from qtlab.balance import LiabilityRules, project_liabilities
from qtlab.runs import RunContext
from qtlab.runs.baseline import BASELINE_RULES
from qtlab.runs.forward import forward_projection
from qtlab.runs.inputs import fit_liability_model, load_inputs, model_rules


def forms(ctx: RunContext) -> dict[str, LiabilityRules]:
    """Name -> liability rules at ``ctx``'s vantage (the model fitted there)."""
    inp = load_inputs(ctx, horizon=120)
    model = model_rules(fit_liability_model(ctx, inp), inp, inp.last_month + 252)
    return {
        "rules (ON RRP first, TGA flat, block +5% a year)": BASELINE_RULES,
        "fitted model (seasonal TGA, currency trend + decays)": model,
        "rules, the model's TGA": replace(BASELINE_RULES, tga=model.tga),
        "rules, the model's currency + other block": replace(
            BASELINE_RULES, currency_other=model.currency_other
        ),
    }


def f1_misses(rules: LiabilityRules, realized: pd.DataFrame) -> tuple[float, float]:
    p = forward_projection(RunContext("2025-12-31"), months=12, liability_rules=rules).path()
    m = p.index[p.index <= pd.Period("2026-08", "M")]
    a = (p.loc[m, "total_assets"] - realized.loc[m, "total_assets"]).abs().max()
    r = (p.loc[m, "reserves"] - realized.loc[m, "reserves"]).abs().max()
    return float(a), float(r)


def backtest_miss(ctx: RunContext, rules: LiabilityRules, realized: pd.DataFrame) -> float:
    inp = load_inputs(ctx, horizon=120)
    idx = pd.period_range(inp.last_month + 1, "2023-12", freq="M")
    p = project_liabilities(realized["total_assets"].reindex(idx), inp.state, rules).loc[idx]
    return float((p["reserves"] - realized.loc[idx, "reserves"]).abs().max())


def main() -> None:
    realized = load_inputs(RunContext(None), horizon=12).h41
    f1 = forms(RunContext("2025-12-31"))
    past_ctx = RunContext("2022-05-31")
    past = forms(past_ctx)
    print("max |error| [USD bn] against the realized H.4.1")
    print(f"{'liability side':<56} {'F1 assets':>9} {'F1 reserves':>11} {'2022 reserves':>13}")
    for name, rules in f1.items():
        a, r = f1_misses(rules, realized)
        b = backtest_miss(past_ctx, past[name], realized)
        print(f"{name:<56} {a:>9.0f} {r:>11.0f} {b:>13.0f}")


if __name__ == "__main__":
    main()
