"""Benchmark: the compiled prepayment kernel against today's numpy kernel and the reference loop.

10,000 mortgage-rate paths x 120 months over every cohort of the SOMA MBS file of
2022-05-11 (the eve of QT2), in one run:

- the compiled kernel (``project(kernel="numba")``, scenarios in blocks on ``--threads``
  threads; the first call, which loads or compiles it, is timed apart);
- the numpy kernel (``kernel="numpy"``, the kernel before numba and the fallback without
  it), timed on ``--baseline-paths`` of the same paths and scaled by the number of paths
  (its cost is linear in them; ``--baseline-paths 10000`` times all);
- the reference loop (one scenario, cohort and month at a time) on ``--ref-paths``, scaled.

All three must agree on the sampled paths (compiled vs numpy rtol 1e-13, vs the
reference 1e-10). ``--repeat`` runs everything that many times and prints medians (the
machine may be shared: the load average is printed too). Wall and CPU seconds (all
threads of this process) are both shown. Run from the repository root::

    python benchmarks/bench_prepay.py [--paths 10000] [--months 120] [--repeat 3] [--quick]

``--quick``: 1,000 paths, 2 reference paths, one repeat (a few seconds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import load, median, timed

from qtlab._random import rng
from qtlab.prepay import CohortState, prepay_params, project, project_reference
from qtlab.prepay._fast import available, default_threads
from qtlab.runs import RunContext
from qtlab.runs.mbs import cohorts_at, mortgage_rates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--baseline-paths", type=int, default=2_000)
    ap.add_argument("--ref-paths", type=int, default=4)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--quick", action="store_true", help="1,000 paths, 2 reference paths")
    a = ap.parse_args()
    if a.quick:
        a.paths, a.ref_paths, a.repeat = min(a.paths, 1_000), min(a.ref_paths, 2), 1
    if not available():
        raise SystemExit("numba is not installed: pip install 'qtlab[fast]'")
    nb = min(a.baseline_paths, a.paths)
    threads = a.threads or default_threads()

    hist = mortgage_rates(RunContext())
    state = CohortState.from_frame(cohorts_at("2022-05-11", hist))
    params = prepay_params("qt2-fit")
    # random-walk rate paths around 5.25% with 20 bp monthly steps [%]
    g = rng(a.seed)
    paths = np.clip(5.25 + np.cumsum(g.normal(0.0, 0.20, (a.paths, a.months)), axis=1), 1.0, 15.0)

    _, t_first, _ = timed(lambda: project(state, paths[:2], params, a.months, kernel="numba"))
    runs: dict[str, list[float]] = {k: [] for k in ("fast", "fast_cpu", "np", "np_cpu", "ref")}
    for _ in range(a.repeat):
        fast, w, c = timed(
            lambda: project(state, paths, params, a.months, kernel="numba", threads=threads)
        )
        runs["fast"].append(w)
        runs["fast_cpu"].append(c)
        base, w, c = timed(lambda: project(state, paths[:nb], params, a.months, kernel="numpy"))
        runs["np"].append(w * a.paths / nb)
        runs["np_cpu"].append(c * a.paths / nb)
        ref, w, _ = timed(lambda: project_reference(state, paths[: a.ref_paths], params, a.months))
        runs["ref"].append(w * a.paths / a.ref_paths)
        for k in ("balance", "scheduled", "prepaid"):
            np.testing.assert_allclose(getattr(fast, k)[:nb], getattr(base, k), rtol=1e-13)
        np.testing.assert_allclose(fast.paydowns[: a.ref_paths], ref.paydowns, rtol=1e-10)

    t_fast, t_np, t_ref = median(runs["fast"]), median(runs["np"]), median(runs["ref"])
    c_fast, c_np = median(runs["fast_cpu"]), median(runs["np_cpu"])
    cells = a.paths * a.months * state.n
    print(f"cohorts: {state.n}  paths: {a.paths:,}  months: {a.months}  cells: {cells:,}")
    print(f"{load()}; medians of {a.repeat} run(s)")
    print(f"first call (load or compile the kernel): {t_first:.2f} s")
    print(
        f"compiled kernel ({threads} threads): {t_fast:8.2f} s wall  {c_fast:8.2f} s CPU  "
        f"({cells / t_fast / 1e6:,.0f} M cohort-months/s)"
    )
    print(
        f"numpy kernel (before):     {t_np:8.2f} s wall  {c_np:8.2f} s CPU  "
        f"(timed on {nb:,} paths, scaled linearly)"
    )
    print(f"reference loop:            {t_ref:8.2f} s wall  (timed on {a.ref_paths} paths, scaled)")
    print(
        f"speed-up: {t_np / t_fast:,.1f}x the numpy kernel ({c_np / c_fast:,.1f}x in CPU time), "
        f"{t_ref / t_fast:,.0f}x the reference loop"
    )
    print("results agree: compiled vs numpy rtol 1e-13, vs the reference rtol 1e-10")
    print(
        f"mean paydowns, first 12 months: {fast.paydowns[:, :12].mean():.2f} bn/month; "
        f"5-95% range of the 120-month average: "
        f"{np.percentile(fast.paydowns.mean(axis=1), 5):.2f}.."
        f"{np.percentile(fast.paydowns.mean(axis=1), 95):.2f} bn/month"
    )


if __name__ == "__main__":
    main()
