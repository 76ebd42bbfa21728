"""The one random-state helper: every ``seed=`` in qtlab goes through :func:`rng`."""

from __future__ import annotations

import numpy as np

from qtlab.errors import SpecError, quoted

__all__ = ["rng"]


def rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A numpy Generator from an int seed (>= 0), an existing Generator, or None (fresh
    entropy); any other seed is a :class:`~qtlab.errors.SpecError`."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise SpecError(f"seed={quoted(seed)} must be a whole number >= 0 (or None)")
    return np.random.default_rng(seed)
