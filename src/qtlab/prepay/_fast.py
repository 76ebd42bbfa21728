"""The prepayment kernel compiled with numba: one pass over (scenario, month, cohort).

The same arithmetic as the numpy kernel of :func:`qtlab.prepay.model.project`, in the
same order per cell, written as loops so that nothing of shape (scenarios, cohorts) is
allocated per month: each scenario keeps its cohorts' balances and burnout multipliers
in two small arrays and writes only its totals. The function releases the GIL
(``nogil``), so :func:`run` splits the scenarios into contiguous blocks on a thread
pool; every scenario is computed alone, so the numbers do not depend on the number of
threads. Compiled code is cached on disk (``cache=True``: next to this file, or in the
user's cache directory when the package directory is read-only).

numba is an optional dependency (``pip install 'qtlab[fast]'``), imported on first use
(:mod:`qtlab.prepay._jit`); :func:`available` is False without it and
:mod:`qtlab.prepay.model` then uses the numpy kernel.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from qtlab.errors import SpecError

__all__ = ["available", "default_threads", "newton_steps", "run"]

FloatArray = npt.NDArray[np.float64]


@functools.cache
def _compiled() -> Callable[..., None] | None:
    """The compiled kernel, or None without numba (imported on first use)."""
    try:
        from qtlab.prepay._jit import kernel  # noqa: PLC0415 - numba loads LLVM: only when used
    except ImportError:  # numba is the optional extra "fast"
        return None
    return cast("Callable[..., None]", kernel)


def available() -> bool:
    """Whether numba is installed (the compiled kernel can run)."""
    return _compiled() is not None


def newton_steps(cap: float) -> int:
    """Newton steps that take the SMM of every CPR up to ``cap`` [fraction] to within
    1e-15 relative (the error after k steps grows with the CPR: the start's error and
    the contraction both do, so the cap is the worst case); 0 (use log1p/expm1) if that
    takes more than 20 steps (caps near 100%)."""
    target = -math.expm1(math.log1p(-cap) / 12.0)
    z = cap * (1.0 / 12.0 + cap * (11.0 / 288.0))
    for k in range(1, 20):
        z += (cap + math.expm1(12.0 * math.log1p(-z))) / (12.0 * (1.0 - z) ** 11)
        if abs(z - target) <= 1e-15 * target:
            return k
    return 0  # the kernel then uses log1p/expm1


def default_threads() -> int:
    """Threads of the compiled kernel: ``QTLAB_THREADS`` if set (e.g. 1 in each process
    of a Dask cluster that already runs one task per core), else the CPUs this process
    may use."""
    env = os.environ.get("QTLAB_THREADS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise SpecError(f"QTLAB_THREADS={env!r} must be an integer >= 1 (or unset)")
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def run(
    paths: FloatArray,
    par: FloatArray,
    wac: FloatArray,
    burn0: FloatArray,
    turn: FloatArray,
    sched_frac: FloatArray,
    refi_max: FloatArray,
    factors: Any,
    scal: FloatArray,
    out: dict[str, FloatArray],
    per: dict[str, FloatArray] | None,
    threads: int,
) -> None:
    """Fill ``out`` (and ``per``) for every scenario of ``paths`` ((S, T) [%]).

    ``factors`` is the :class:`qtlab.prepay.model._Factors` of the whole path array;
    ``scal`` holds lockin_floor, lockin_beta, refi_mid, refi_slope, burnout_rate and the
    CPR cap [fraction]. Scenarios are cut into at most ``threads`` contiguous blocks.
    """
    kernel = _compiled()
    if kernel is None:
        raise RuntimeError("numba is not installed; use the numpy kernel")
    cap = float(scal[5])
    steps = np.array([newton_steps(min((k + 1) / 100.0, cap)) for k in range(101)], np.int64)
    s_n = paths.shape[0]
    split = bool(factors.split)
    empty2 = np.zeros((s_n, 0))
    s_a, l_a, b_a = (factors.s_a, factors.l_a, factors.b_a) if split else (wac, wac, wac)
    s_b, l_b, b_b = (factors.s_b, factors.l_b, factors.b_b) if split else (empty2,) * 3
    none3 = np.zeros((0, 0, 0))

    def block(lo: int, hi: int) -> None:
        sl = slice(lo, hi)
        kernel(
            paths[sl],
            par,
            wac,
            burn0,
            turn,
            sched_frac,
            refi_max,
            split,
            s_a,
            l_a,
            b_a,
            s_b[sl],
            l_b[sl],
            b_b[sl],
            scal,
            steps,
            out["balance"][sl],
            out["scheduled"][sl],
            out["prepaid"][sl],
            per is not None,
            per["balance"][sl] if per is not None else none3,
            per["scheduled"][sl] if per is not None else none3,
            per["prepaid"][sl] if per is not None else none3,
        )

    n_blocks = max(1, min(int(threads), s_n))
    edges = np.linspace(0, s_n, n_blocks + 1).round().astype(int)
    spans = [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]
    if len(spans) <= 1:
        for lo, hi in spans:
            block(lo, hi)
        return
    with ThreadPoolExecutor(max_workers=len(spans)) as pool:
        for f in [pool.submit(block, lo, hi) for lo, hi in spans]:
            f.result()
