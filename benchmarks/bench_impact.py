"""Vectorized kernels of balance and impact against their plain reference loops.

Prints the time of each and the speed-up ratio (reference / vectorized), measured in
the same run. Run: ``python benchmarks/bench_impact.py``.
"""

from __future__ import annotations

import timeit

import numpy as np

from qtlab.balance import split_reference
from qtlab.balance.liabilities import _split
from qtlab.impact import distributed_lag, distributed_lag_reference


def _time(fn, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> None:
    t = np.arange(600)  # 50 years of months; deterministic inputs
    drain = -60.0 + 80.0 * np.sin(t / 7.0)  # monthly changes [USD bn]
    y = 3.0 + np.sin(t / 30.0)  # a yield [%]
    y[:24] = np.nan
    w = np.ones(120) / 120  # a 10-year note's uniform lag

    cases = {
        "ON RRP split, absorb_first (600 months)": (
            lambda: _split(drain, 2000.0, "absorb_first", 200.0, 0.5),
            lambda: split_reference(drain, 2000.0, "absorb_first", 200.0, 0.5),
        ),
        "ON RRP split, fixed_share (600 months)": (
            lambda: _split(drain, 2000.0, "fixed_share", 0.0, 0.5),
            lambda: split_reference(drain, 2000.0, "fixed_share", 0.0, 0.5),
        ),
        "distributed lag, 120-month window (600 months)": (
            lambda: distributed_lag(y, w),
            lambda: distributed_lag_reference(y, w),
        ),
    }
    for name, (fast, ref) in cases.items():
        tf, tr = _time(fast), _time(ref)
        print(
            f"{name}: vectorized {tf * 1e3:.3f} ms, reference {tr * 1e3:.3f} ms, "
            f"ratio {tr / tf:.0f}x"
        )


if __name__ == "__main__":
    main()
