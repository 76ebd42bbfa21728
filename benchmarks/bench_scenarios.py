"""Benchmark: the Monte-Carlo sweep with the compiled kernels against today's numpy kernels
and the per-scenario loop.

F2's sweep from the latest data (holdings carried forward under ``qt2-realized``,
prepayment model, engine with TIPS accrual and liabilities, D2 yield): ``--paths``
scenarios in chunks of ``--chunk-size`` on the local thread pool, in one run:

- with the compiled kernels (numba: the prepayment kernel and the engine's TIPS
  accrual), all paths; then once more, untimed, for memory (peak RSS of the process,
  and the peak of the sweep's own allocations by tracemalloc);
- with the numpy kernels (before numba, and the fallback without it) on
  ``--baseline-paths`` of the same paths, scaled by the number of paths;
- :func:`qtlab.scenarios.sweep_reference` (one scenario at a time) on ``--ref-paths``,
  scaled.

The three must agree on their common paths (max |difference| printed, 1e-6 USD bn
allowed; compiled vs numpy is about 1e-12). ``--repeat`` runs the timings that many times
and prints medians with the load average. Run from the repository root::

    python benchmarks/bench_scenarios.py [--paths 10000] [--months 120] [--repeat 3] [--quick]

``--quick``: 500 paths x 36 months, 2 reference paths, one repeat (a few seconds).
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import load, median, numpy_kernels, peak_rss_mb, timed

from qtlab.policy import load_preset
from qtlab.runs import RunContext
from qtlab.runs.sweep import forward_start
from qtlab.scenarios import draw_paths, sweep_paths, sweep_reference

CHECKED = ("mbs_paydowns", "reserves", "yield10")


def _worst(a: dict[str, np.ndarray], b: dict[str, np.ndarray], k: int) -> float:
    return max(float(np.max(np.abs(a[v][:k] - b[v][:k]))) for v in CHECKED)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--baseline-paths", type=int, default=1_000)
    ap.add_argument("--ref-paths", type=int, default=4)
    ap.add_argument("--chunk-size", type=int, default=500)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="500 x 36, 2 reference paths")
    a = ap.parse_args()
    if a.quick:
        a.paths, a.months, a.ref_paths, a.repeat = min(a.paths, 500), 36, 2, 1
    nb, k = min(a.baseline_paths, a.paths), min(a.ref_paths, a.paths)

    pol = load_preset("qt2-realized")
    start = forward_start(RunContext(), months=a.months, policy=pol)
    paths, coefs = draw_paths(start, a.paths, a.seed)
    opts = {"chunk_size": a.chunk_size, "workers": a.workers}
    sweep_paths(start, pol, paths.take(slice(0, 2)), coefs[:2], **opts)  # load the kernels
    rss0 = peak_rss_mb()

    fast_w, fast_c, base_w, base_c, ref_w = [], [], [], [], []
    worst_base = worst_ref = 0.0
    for _ in range(a.repeat):
        vec, w, c = timed(lambda: sweep_paths(start, pol, paths, coefs, **opts))
        fast_w.append(w)
        fast_c.append(c)
        fast = vec.arrays[pol.name]
        del vec
        with numpy_kernels():
            base, w, c = timed(
                lambda: sweep_paths(
                    start, pol, paths.take(slice(0, nb)), coefs[:nb], **opts
                ).arrays[pol.name]
            )
        base_w.append(w * a.paths / nb)
        base_c.append(c * a.paths / nb)
        ref, w, _ = timed(lambda: sweep_reference(start, pol, paths.take(slice(0, k)), coefs[:k]))
        ref_w.append(w * a.paths / k)
        worst_base = max(worst_base, _worst(fast, base, nb))
        worst_ref = max(worst_ref, _worst(fast, ref, k))
        del fast, base, ref

    # memory: one more sweep, traced (tracemalloc slows allocations, so it is not timed)
    tracemalloc.start()
    sweep_paths(start, pol, paths, coefs, **opts)
    traced = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()

    t_fast, t_base, t_ref = median(fast_w), median(base_w), median(ref_w)
    ok = worst_base < 1e-6 and worst_ref < 1e-6
    print(
        f"{a.paths:,} paths x {a.months} months from {start.start} "
        f"(chunks of {a.chunk_size}; numpy timed on {nb:,} paths, the loop on {k}, scaled)"
    )
    print(f"{load()}; medians of {a.repeat} run(s)")
    print(
        f"compiled kernels : {t_fast:8.2f} s wall {median(fast_c):8.2f} s CPU "
        f"({1e3 * t_fast / a.paths:.2f} ms per path)"
    )
    print(f"numpy kernels    : {t_base:8.2f} s wall {median(base_c):8.2f} s CPU (before)")
    print(f"per-scenario loop: {t_ref:8.2f} s wall")
    print(
        f"speed-up: {t_base / t_fast:.1f}x the numpy kernels "
        f"({median(base_c) / median(fast_c):.1f}x in CPU time), {t_ref / t_fast:.0f}x the loop"
    )
    print(
        f"memory: peak RSS {peak_rss_mb():,.0f} MB ({rss0:,.0f} MB before the sweeps: "
        f"imports, data, paths); the sweep's own allocations peak at {traced:,.0f} MB "
        "(tracemalloc)"
    )
    print(
        f"max |difference| (USD bn, %): vs numpy {worst_base:.1e}, vs the loop {worst_ref:.1e} "
        f"({'ok' if ok else 'FAIL'})"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
