"""One step of the vectorized engine compiled with numba: the monthly TIPS accrual.

Accruing inflation compensation touches every future half-month slot of every scenario
each month, the largest cost of :func:`qtlab.engine._core.run_vectorized` in numpy
(four passes and two temporaries over ``(scenarios, slots)``). :func:`accrue_tips` does
it in one vectorized pass, with the same products per slot
(so ``ic`` is bit-identical to the numpy step; only the order of the sum of the month's
accrual differs). numba is the optional extra ``qtlab[fast]``, imported on first use
(:mod:`qtlab.engine._jit`); without it the numpy step runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

import numpy as np
import numpy.typing as npt

__all__ = ["accrue_tips"]

FloatArray = npt.NDArray[np.float64]


@functools.cache
def _compiled() -> Callable[..., None] | None:
    try:
        from qtlab.engine._jit import accrue  # noqa: PLC0415 - numba loads LLVM: only when used
    except ImportError:  # numba is the optional extra "fast"
        return None
    return cast("Callable[..., None]", accrue)


def accrue_tips(gc: FloatArray, ic: FloatArray, g: float, lo: int) -> FloatArray:
    """Add ``g`` times (TIPS par + inflation compensation) to ``ic`` from slot ``lo`` on,
    in place; returns each scenario's accrual [USD bn].

    ``gc`` is the coupon grid ``(S, 3, slots)`` (TIPS in row 1), ``ic`` the inflation
    compensation ``(S, slots)``; ``g`` the month's accrual rate [fraction].
    """
    fn = _compiled()
    if fn is not None and gc.flags.c_contiguous and ic.flags.c_contiguous:
        out = np.empty(ic.shape[0])
        fn(gc, ic, float(g), int(lo), out)
        return out
    acc = g * (gc[:, 1, lo:] + ic[:, lo:])
    ic[:, lo:] += acc
    return np.asarray(acc.sum(axis=1), dtype=np.float64)
