"""The one random-state helper: every ``seed=`` in qtlab goes through :func:`rng`."""

from __future__ import annotations

import numpy as np

__all__ = ["rng"]


def rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A numpy Generator from an int seed, an existing Generator, or None (fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
