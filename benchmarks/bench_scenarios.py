"""Benchmark: the vectorized Monte-Carlo sweep against the per-scenario loop.

F2's sweep from the latest data (holdings carried forward under ``qt2-realized``,
prepayment model, engine with liabilities, D2 yield): ``--paths`` scenarios in
vectorized chunks (one call per ``--chunk-size`` scenarios, local thread pool) against
:func:`qtlab.scenarios.sweep_reference`, which runs the same prepayment model and
engine one scenario at a time. The loop is timed on ``--ref-paths`` of the same paths
and scaled by the number of paths (its cost is linear in them); both are checked to
agree on those paths. Run from the repository root::

    python benchmarks/bench_scenarios.py [--paths 2000] [--months 36] [--ref-paths 10] [--quick]

``--quick``: 200 paths and 3 reference paths (a few seconds); the full run takes well
under a minute.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qtlab.analyses.fan import forward_start
from qtlab.policy import load_preset
from qtlab.scenarios import draw_paths, sweep_paths, sweep_reference
from qtlab.store import Dataset


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--ref-paths", type=int, default=10)
    ap.add_argument("--chunk-size", type=int, default=500)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="200 paths, 3 reference paths")
    a = ap.parse_args()
    if a.quick:
        a.paths, a.ref_paths = min(a.paths, 200), min(a.ref_paths, 3)

    pol = load_preset("qt2-realized")
    start = forward_start(Dataset(), months=a.months, policy=pol)
    paths, coefs = draw_paths(start, a.paths, a.seed)

    t0 = time.perf_counter()
    vec = sweep_paths(start, pol, paths, coefs, chunk_size=a.chunk_size, workers=a.workers)
    t_vec = time.perf_counter() - t0

    k = min(a.ref_paths, a.paths)
    t0 = time.perf_counter()
    ref = sweep_reference(start, pol, paths.take(slice(0, k)), coefs[:k])
    t_ref = (time.perf_counter() - t0) * a.paths / k

    worst = max(
        float(np.max(np.abs(vec.get(v)[:k] - ref[v]))) for v in ("mbs_paydowns", "reserves")
    )
    ok = worst < 1e-6
    print(
        f"{a.paths:,} paths x {a.months} months from {start.start} "
        f"(chunks of {a.chunk_size}, {k} reference paths)"
    )
    print(f"vectorized sweep : {t_vec:8.2f} s  ({1e3 * t_vec / a.paths:.2f} ms per path)")
    print(f"per-scenario loop: {t_ref:8.2f} s  (scaled from {k} paths)")
    print(f"speed-up (loop / vectorized): {t_ref / t_vec:.1f}x")
    print(f"max |difference| on the reference paths: {worst:.2e} USD bn ({'ok' if ok else 'FAIL'})")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
