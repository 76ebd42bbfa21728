"""The numba-compiled loops of :mod:`qtlab.prepay._fast` (imported only when used: importing
numba loads LLVM, about 0.5 s and 100 MB)."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["kernel"]

FloatArray = npt.NDArray[np.float64]

_FM: Final = {"reassoc", "nsz", "contract"}


@njit(cache=True, nogil=True, inline="always", fastmath=_FM, error_model="numpy")
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
                            * (792.0 + z * (-495.0 + z * (220.0 + z * (-66.0 + z * (12.0 - z)))))
                        )
                    )
                )
            )
        )
    )


@njit(cache=True, nogil=True, fastmath=_FM, error_model="numpy")
def kernel(
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
