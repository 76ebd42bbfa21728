"""Runoff engine: vectorized kernel against the per-security reference, in one run.

Usage: ``python benchmarks/bench_engine.py [--months 120] [--scenarios 200] [--quick]``
(``--quick``: 60 months and 20 scenarios, a few seconds; the full run takes under a
minute on one core, the reference timed once per case).

Projects the full SOMA portfolio visible on 2022-05-31 (Treasury by CUSIP of
2022-02-16 carried forward, MBS of 2022-05-11) under ``qt2-realized`` for
``--months`` months and prints the wall time of both implementations, their
ratio, and the largest difference between them; then the same with a leading
scenario axis (one paydown rate path per scenario), where the reference runs
scenario by scenario; then ``qt2-announced`` with an endpoint
(``reserves_peak_fraction=0.5``; liabilities projected month by month, each scenario
stopping in its own month).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from dataclasses import replace

from qtlab.engine import BalanceInputs, ConstantPaydownRate, MbsSettlement, project
from qtlab.policy import Endpoint, load_preset
from qtlab.runs import RunContext
from qtlab.runs.inputs import load_inputs


class _Paths:
    """Scenario paydown rates: 0.4% to 1.2% of the balance a month."""

    def __init__(self, n: int) -> None:
        self.levels = np.linspace(0.004, 0.012, n)

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        return np.repeat(self.levels[:, None], len(months), axis=1)


def _time(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--scenarios", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="60 months, 20 scenarios")
    args = ap.parse_args()
    if args.quick:
        args.months, args.scenarios = min(args.months, 60), min(args.scenarios, 20)
    ds = RunContext("2022-05-31")
    h = ds.holdings()
    pol = load_preset("qt2-realized")
    src = ConstantPaydownRate(0.007)
    settle = MbsSettlement()  # the Desk's two-month settlement lag

    def run(method: str, source: object = src):
        return project(
            h,
            pol,
            "2022-06",
            args.months,
            mbs_paydowns=source,
            method=method,
            mbs_settlement=settle,
        )

    tv, pv = _time(lambda: run("vectorized"))
    tr, pr = _time(lambda: run("reference"), repeat=1)
    diff = max(float(np.abs(pv.arrays[c] - pr.arrays[c]).max()) for c in pv.arrays)
    print(f"full portfolio ({len(h):,} securities), {args.months} months + carry-forward:")
    print(
        f"  vectorized {tv * 1e3:8.1f} ms   reference {tr * 1e3:8.1f} ms   "
        f"ratio reference/vectorized {tr / tv:6.1f}x   max |diff| {diff:.2e} bn"
    )

    n = args.scenarios
    tvs, ps = _time(lambda: run("vectorized", _Paths(n)), repeat=1)
    one = _Paths(1)
    tr1, _ = _time(lambda: run("reference", one), repeat=1)
    print(f"{n} scenarios (leading axis):")
    print(
        f"  vectorized {tvs * 1e3:8.1f} ms   reference {tr1 * n * 1e3:8.1f} ms (1 scenario "
        f"timed x {n})   ratio {tr1 * n / tvs:6.1f}x"
    )
    end = ps.arrays["total_securities"][:, -1]
    print(
        f"  total securities at the end: {end.min():,.0f} .. {end.max():,.0f} bn across scenarios"
    )

    # the endpoint: liabilities along the assets, each scenario stopping in its own month
    inp = load_inputs(ds, horizon=args.months)
    announced = load_preset("qt2-announced")
    stop = replace(announced, endpoint=Endpoint(("reserves_peak_fraction=0.5",)))
    cf = project(h, announced, "2022-06", 1, mbs_paydowns=src).carry_forward
    other = inp.state.total_assets - float(
        cf["total_securities"].iloc[-1] + cf["tips_inflation_comp"].iloc[-1]
    )
    bal = BalanceInputs(inp.state, other, reserves_history=inp.reserves)

    def run_end(method: str, source: object):
        return project(
            h,
            stop,
            "2022-06",
            args.months,
            mbs_paydowns=source,
            balance=bal,
            method=method,
            mbs_settlement=settle,
        )

    tve, pe = _time(lambda: run_end("vectorized", _Paths(n)), repeat=1)
    tre, _ = _time(lambda: run_end("reference", one), repeat=1)
    ends = [pe.endpoint_month(s) for s in range(n)]
    hit = sorted(str(e) for e in ends if e is not None)
    print(f"{n} scenarios with an endpoint (reserves_peak_fraction=0.5):")
    print(
        f"  vectorized {tve * 1e3:8.1f} ms   reference {tre * n * 1e3:8.1f} ms (1 scenario "
        f"timed x {n})   ratio {tre * n / tve:6.1f}x"
    )
    span = f"{hit[0]} .. {hit[-1]}" if hit else "none"
    print(f"  end months: {span} ({len(hit)} of {n} scenarios stop within the horizon)")


if __name__ == "__main__":
    main()
