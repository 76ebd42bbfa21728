"""Shared helpers of the benchmarks: today's numpy kernels as the baseline, timing, memory.

The numpy kernels stay in the package (``qtlab.prepay.project(kernel="numpy")`` and the
numpy TIPS accrual of the engine, the fallback without numba); :func:`numpy_kernels`
switches the compiled ones off for a block so a benchmark can time both in one run.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from qtlab.engine import _fast as engine_fast
from qtlab.prepay import _fast as prepay_fast


@contextmanager
def numpy_kernels() -> Iterator[None]:
    """Run the block on the numpy kernels of before (prepayment and TIPS accrual)."""
    saved = prepay_fast.available, engine_fast._compiled
    prepay_fast.available = lambda: False  # type: ignore[assignment]
    engine_fast._compiled = lambda: None  # type: ignore[assignment]
    try:
        yield
    finally:
        prepay_fast.available, engine_fast._compiled = saved  # type: ignore[assignment]


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``(result, wall seconds, CPU seconds of this process, all threads)``."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far [MB]."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load() -> str:
    """The machine's load averages and CPUs, to print beside the timings."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} CPUs"
