"""How much memory a sweep needs, checked before anything is drawn."""

from __future__ import annotations

from typing import Final

import numpy as np

from qtlab.errors import SpecError, quoted

__all__ = ["MAX_SWEEP_BYTES", "check_sweep_memory", "sweep_memory"]

#: The memory a sweep may need before it is refused [bytes]: 4 GiB.
MAX_SWEEP_BYTES: Final = 4 * 2**30
#: Working memory of one scenario-month inside a chunk [bytes] (measured: about 100 MB
#: peak for 1,000 paths x 36 months in chunks of 500 on two threads, carry-forward included).
_CHUNK_BYTES: Final = 3_000
#: Outputs kept per scenario, month and policy (engine columns, liabilities, rates, yield).
_KEPT_OUTPUTS: Final = 19


def sweep_memory(
    n_paths: int, n_months: int, n_policies: int = 1, *, chunk_size: int = 500, workers: int = 4
) -> int:
    """Estimated peak memory of a sweep [bytes]: the outputs kept for every path (twice,
    as the bands' quantiles copy them), the rate paths, and the chunks in flight."""
    kept = 8 * n_paths * (n_policies * _KEPT_OUTPUTS * n_months + 3 * (n_months + 3))
    chunk = max(1, min(int(chunk_size), n_paths))
    in_flight = min(workers, -(-n_paths // chunk))
    return int(2 * kept + chunk * in_flight * n_months * _CHUNK_BYTES)


def check_sweep_memory(
    n_paths: int,
    n_months: int,
    n_policies: int = 1,
    *,
    chunk_size: int = 500,
    max_bytes: int = MAX_SWEEP_BYTES,
) -> None:
    """Refuse, before anything is drawn, a sweep whose :func:`sweep_memory` exceeds
    ``max_bytes`` (a :class:`SpecError` with the estimate and what to lower)."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer):
        raise SpecError(f"chunk_size={quoted(chunk_size)} must be an integer >= 1")
    if chunk_size < 1:
        raise SpecError(f"chunk_size={chunk_size} must be >= 1")
    need = sweep_memory(n_paths, n_months, n_policies, chunk_size=int(chunk_size))
    if need > max_bytes:
        raise SpecError(
            f"a sweep of {n_paths:,} paths x {n_months} months x {n_policies} "
            f"polic{'y' if n_policies == 1 else 'ies'} (chunks of {int(chunk_size):,}) needs "
            f"about {need / 2**30:,.1f} GiB, more than the {max_bytes / 2**30:,.0f} GiB allowed; "
            "use fewer paths (n_paths=), months, policies or a smaller chunk_size="
        )
