"""The numba-compiled loop of :mod:`qtlab.engine._fast` (imported only when used)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["accrue"]

FloatArray = npt.NDArray[np.float64]


@njit(cache=True, nogil=True, fastmath={"reassoc"})
def accrue(gc: FloatArray, ic: FloatArray, g: float, lo: int, out: FloatArray) -> None:
    """``ic[s, j] += g * (gc[s, 1, j] + ic[s, j])`` for ``j >= lo``; ``out[s]`` the sum.

    No branch on empty slots (they add exactly 0.0; a branch mispredicts on the sparse
    TIPS slots) and the sum may be reassociated, so the loop vectorizes; each slot's
    product is still rounded as in numpy (no fused multiply-add)."""
    n_s, n_h = ic.shape
    for s in range(n_s):
        tot = 0.0
        for j in range(lo, n_h):
            a = g * (gc[s, 1, j] + ic[s, j])
            ic[s, j] += a
            tot += a
        out[s] = tot
