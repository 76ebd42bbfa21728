"""Benchmark: the vectorized prepayment kernel against the plain reference loop.

10,000 mortgage-rate paths x 120 months over every cohort of the SOMA MBS file
of 2022-05-11 (the eve of QT2). The reference implementation (one scenario,
cohort and month at a time) is timed on a sample of the same paths and scaled
by the number of paths (its cost is linear in them); both runs are checked to
agree on the sampled paths. Run from the repository root::

    python benchmarks/bench_prepay.py [--paths 10000] [--months 120] [--ref-paths 8] [--quick]

``--quick``: 1,000 paths and 2 reference paths (a few seconds); the full run takes
well under a minute.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qtlab._random import rng
from qtlab.analyses._mbs_data import cohorts_at, mortgage_rates
from qtlab.prepay import CohortState, prepay_params, project, project_reference
from qtlab.store import Dataset


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--ref-paths", type=int, default=8)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--quick", action="store_true", help="1,000 paths, 2 reference paths")
    a = ap.parse_args()
    if a.quick:
        a.paths, a.ref_paths = min(a.paths, 1_000), min(a.ref_paths, 2)

    hist = mortgage_rates(Dataset())
    state = CohortState.from_frame(cohorts_at("2022-05-11", hist))
    params = prepay_params("qt2-fit")
    # random-walk rate paths around 5.25% with 20 bp monthly steps [%]
    g = rng(a.seed)
    paths = np.clip(5.25 + np.cumsum(g.normal(0.0, 0.20, (a.paths, a.months)), axis=1), 1.0, 15.0)

    t0 = time.perf_counter()
    fast = project(state, paths, params, a.months)
    t_fast = time.perf_counter() - t0

    t0 = time.perf_counter()
    ref = project_reference(state, paths[: a.ref_paths], params, a.months)
    t_ref_sample = time.perf_counter() - t0
    t_ref = t_ref_sample * a.paths / a.ref_paths
    np.testing.assert_allclose(fast.paydowns[: a.ref_paths], ref.paydowns, rtol=1e-10)

    cells = a.paths * a.months * state.n
    print(f"cohorts: {state.n}  paths: {a.paths:,}  months: {a.months}  cells: {cells:,}")
    print(f"vectorized kernel: {t_fast:8.2f} s  ({cells / t_fast / 1e6:,.1f} M cohort-months/s)")
    print(
        f"reference loop:    {t_ref:8.2f} s  (timed on {a.ref_paths} paths: {t_ref_sample:.2f} s, "
        "scaled linearly)"
    )
    print(f"speed-up: {t_ref / t_fast:,.0f}x  (results agree on the sampled paths, rtol 1e-10)")
    print(
        f"mean paydowns, first 12 months: {fast.paydowns[:, :12].mean():.2f} bn/month; "
        f"5-95% range of the 120-month average: "
        f"{np.percentile(fast.paydowns.mean(axis=1), 5):.2f}.."
        f"{np.percentile(fast.paydowns.mean(axis=1), 95):.2f} bn/month"
    )


if __name__ == "__main__":
    main()
