"""A bounded, thread-safe, least-recently-used cache of computed values.

The dashboard's explicit caches (:class:`qtlab.app._compute.ResultCache`: its
analysis results and one :class:`~qtlab.runs.RunContext` per vantage). A key missing
from the cache is computed once: threads asking for it meanwhile wait for that result
instead of computing it again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["LRUCache"]

T = TypeVar("T")


class LRUCache:
    """A thread-safe LRU mapping of keys to computed values.

    Parameters
    ----------
    max_entries
        Entries kept before the least recently used is dropped.
    on_drop
        Called with each value dropped (evicted or cleared), e.g. to close it.
    max_weight, weigh
        Optionally also a bound on the total ``weigh(value)`` of the entries kept (e.g.
        bytes): the least recently used are dropped until the total fits, and a value
        heavier than ``max_weight`` on its own is returned but not kept.

    Attributes
    ----------
    hits, misses
        Lookups served from the cache, and values computed.
    """

    def __init__(
        self,
        max_entries: int,
        *,
        max_weight: float | None = None,
        weigh: Callable[[Any], float] | None = None,
        on_drop: Callable[[Any], None] | None = None,
    ) -> None:
        self._on_drop = on_drop
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._weigh = weigh
        self._weights: dict[Hashable, float] = {}
        self.weight = 0.0
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def _lookup(self, key: Hashable) -> tuple[bool, Any]:
        if key in self._data:
            self._data.move_to_end(key)
            self.hits += 1
            return True, self._data[key]
        return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under ``key``, or ``compute()`` kept and returned (computed once
        even when several threads ask at the same time)."""
        with self._lock:
            found, value = self._lookup(key)
            if found:
                return value  # type: ignore[no-any-return]
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found, value = self._lookup(key)
                if found:
                    return value  # type: ignore[no-any-return]
                self.misses += 1
            try:
                new = compute()
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            w = float(self._weigh(new)) if self._weigh is not None else 0.0
            with self._lock:
                if self.max_weight is not None and w > self.max_weight:
                    return new  # too heavy to keep at all
                self._data[key] = new
                self._data.move_to_end(key)
                self.weight += w - self._weights.get(key, 0.0)
                self._weights[key] = w
                dropped = []
                while len(self._data) > self.max_entries or (
                    self.max_weight is not None and self.weight > self.max_weight
                ):
                    old, gone = self._data.popitem(last=False)
                    self.weight -= self._weights.pop(old, 0.0)
                    dropped.append(gone)
            for gone in dropped:
                self._drop(gone)
            return new

    def _drop(self, value: Any) -> None:
        if self._on_drop is not None:
            self._on_drop(value)

    def clear(self) -> None:
        """Drop every entry (and reset the hit and miss counts)."""
        with self._lock:
            dropped = list(self._data.values())
            self._data.clear()
            self._weights.clear()
            self.weight = 0.0
            self.hits = 0
            self.misses = 0
        for gone in dropped:
            self._drop(gone)
