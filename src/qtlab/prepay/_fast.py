"""The prepayment kernel compiled with numba: one pass over (scenario, month, cohort).

The same arithmetic as the numpy kernel of :func:`qtlab.prepay.model.project`, in the
same order per cell, written as loops so that nothing of shape (scenarios, cohorts) is
allocated per month: each scenario keeps its cohorts' balances and burnout multipliers
in two small arrays and writes only its totals. The function releases the GIL
(``nogil``), so :func:`run` splits the scenarios into contiguous blocks on a thread
pool; every scenario is computed alone, so the numbers do not depend on the number of
threads. Compiled code is cached on disk (``cache=True``: next to this file, or in the
user's cache directory when the package directory is read-only).

numba is an optional dependency (``pip install 'qtlab[fast]'``); :data:`AVAILABLE` is
False without it and :mod:`qtlab.prepay.model` then uses the numpy kernel.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import numpy.typing as npt

__all__ = ["AVAILABLE", "default_threads", "run"]

FloatArray = npt.NDArray[np.float64]

try:  # pragma: no branch - one of the two holds per environment
    from numba import njit
except ImportError:  # numba is the optional extra "fast"
    AVAILABLE: Final = False
    _kernel: Callable[..., None] | None = None
else:
    AVAILABLE = True  # type: ignore[misc]

    _FM: Final = {"reassoc", "nsz", "contract"}

    @njit(cache=True, nogil=True, inline="always", fastmath=_FM, error_model="numpy")  # type: ignore[untyped-decorator]
    def _p12(z: float) -> float:
        """1 - (1 - z)^12 expanded (Horner): exact to a few ulp for small z."""
        return z * (
            12.0
            + z
            * (
                -66.0
                + z
                * (
                    220.0
                    + z
                    * (
                        -495.0
                        + z
                        * (
                            792.0
                            + z
                            * (
                                -924.0
                                + z
                                * (
                                    792.0
                                    + z * (-495.0 + z * (220.0 + z * (-66.0 + z * (12.0 - z))))
                                )
                            )
                        )
                    )
                )
            )
        )

    @njit(cache=True, nogil=True, fastmath=_FM, error_model="numpy")  # type: ignore[untyped-decorator]
    def _kernel(
        paths: FloatArray,
        par: FloatArray,
        wac: FloatArray,
        burn0: FloatArray,
        turn: FloatArray,
        sched_frac: FloatArray,
        refi_max: FloatArray,
        split: bool,
        s_a: FloatArray,
        l_a: FloatArray,
        b_a: FloatArray,
        s_b: FloatArray,
        l_b: FloatArray,
        b_b: FloatArray,
        scal: FloatArray,
        steps: npt.NDArray[np.int64],
        bal_out: FloatArray,
        sch_out: FloatArray,
        pre_out: FloatArray,
        keep: bool,
        bal_c: FloatArray,
        sch_c: FloatArray,
        pre_c: FloatArray,
    ) -> None:
        lockin_floor, lockin_beta, refi_mid, refi_slope, burnout_rate, cap = (
            scal[0],
            scal[1],
            scal[2],
            scal[3],
            scal[4],
            scal[5],
        )
        n_s, t_n = bal_out.shape
        n_c = par.shape[0]
        bal = np.empty(n_c)
        burn = np.empty(n_c)
        cb = np.empty(n_c)  # CPR
        zb = np.empty(n_c)  # SMM
        step = np.empty(n_c)  # this month's burnout factor
        # innermost loops run over cohorts without branches, so they vectorize
        for s in range(n_s):
            for i in range(n_c):
                bal[i] = par[i]
                burn[i] = burn0[i]
            for t in range(t_n):
                cmax = 0.0
                if split:
                    sb, lb, bb = s_b[s, t], l_b[s, t], b_b[s, t]
                    for i in range(n_c):
                        lock = max(min(lb * l_a[i], 1.0), lockin_floor)
                        sc = 1.0 / (sb * s_a[i] + 1.0)
                        c = min(lock * turn[t, i] + sc * burn[i] * refi_max[i], cap)
                        cb[i] = c
                        cmax = max(cmax, c)
                        step[i] = min(bb * b_a[i], 1.0)
                else:
                    r = paths[s, t]
                    for i in range(n_c):
                        inc = wac[i] - r
                        lock = max(math.exp(lockin_beta * min(inc, 0.0)), lockin_floor)
                        sc = 1.0 / (math.exp(-(inc - refi_mid) / refi_slope) + 1.0)
                        c = min(lock * turn[t, i] + sc * burn[i] * refi_max[i], cap)
                        cb[i] = c
                        cmax = max(cmax, c)
                        step[i] = math.exp(-burnout_rate * max(inc, 0.0))
                # SMM z solves 1 - (1 - z)^12 = CPR: Newton from below on the expanded
                # polynomial (exact to a few ulp for small CPR, and vectorizes where
                # log1p/expm1 would not)
                # steps[k]: Newton steps that suffice for every CPR <= (k + 1) / 100
                n_newton = steps[min(int(cmax * 100.0), 100)]
                if n_newton == 0:  # a CPR so close to 100% that Newton would be slow
                    for i in range(n_c):
                        zb[i] = -math.expm1(math.log1p(-cb[i]) / 12.0)
                else:
                    for i in range(n_c):
                        c = cb[i]
                        zb[i] = c * (1.0 / 12.0 + c * (11.0 / 288.0))
                for _ in range(n_newton):
                    for i in range(n_c):
                        z = zb[i]
                        y = 1.0 - z
                        y2 = y * y
                        y4 = y2 * y2
                        zb[i] = z + (cb[i] - _p12(z)) / (12.0 * (y4 * y4 * y2 * y))
                if keep:
                    for i in range(n_c):
                        b = bal[i]
                        sched = b * sched_frac[t, i]
                        bal_c[s, t, i] = b
                        sch_c[s, t, i] = sched
                        pre_c[s, t, i] = (b - sched) * zb[i]
                tot_b = 0.0
                tot_s = 0.0
                tot_p = 0.0
                for i in range(n_c):
                    b = bal[i]
                    sched = b * sched_frac[t, i]
                    prep = (b - sched) * zb[i]
                    tot_b += b
                    tot_s += sched
                    tot_p += prep
                    bal[i] = max(b - sched - prep, 0.0)
                    burn[i] *= step[i]
                bal_out[s, t] = tot_b
                sch_out[s, t] = tot_s
                pre_out[s, t] = tot_p


def newton_steps(cap: float) -> int:
    """Newton steps that take the SMM of every CPR up to ``cap`` [fraction] to full
    precision (the iteration converges from below and is slowest at the cap), plus one;
    0 (use log1p/expm1) if that takes more than 20 steps (caps near 100%)."""
    target = -math.expm1(math.log1p(-cap) / 12.0)
    z = cap * (1.0 / 12.0 + cap * (11.0 / 288.0))
    for k in range(1, 20):
        z += (cap + math.expm1(12.0 * math.log1p(-z))) / (12.0 * (1.0 - z) ** 11)
        if abs(z - target) <= 1e-14 * target:
            return k + 1
    return 0  # the kernel then uses log1p/expm1


def default_threads() -> int:
    """Threads of the compiled kernel: the CPUs this process may use."""
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
    if _kernel is None:
        raise RuntimeError("numba is not installed; use the numpy kernel")
    kernel = _kernel
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
