"""Results kept per :class:`~qtlab.store.Dataset` object and state of its data.

A report runs every analysis on one recording Dataset (it lists what was read for
the provenance appendix) in each language; work shared by several analyses or
languages is computed once per Dataset object, and a new Dataset (the next report)
computes, and records, it again. Entries go with their Dataset, and with an older
state of its data (:meth:`Dataset.cache_key`) when ``qtlab data update`` or
``import`` writes a new vintage.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from qtlab.store.dataset import Dataset

__all__ = ["per_dataset"]

T = TypeVar("T")

_KEPT: weakref.WeakKeyDictionary[Dataset, dict[tuple[Hashable, ...], Any]] = (
    weakref.WeakKeyDictionary()
)


def per_dataset(ds: Dataset, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per ``ds`` object, state of its data and ``key``."""
    kept = _KEPT.setdefault(ds, {})
    state = ds.cache_key()
    full = (state, *key)
    if full not in kept:
        for old in [k for k in kept if k[0] != state]:  # an older state of the data
            del kept[old]
        kept[full] = compute()
    value: T = kept[full]
    return value
