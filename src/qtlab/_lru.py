"""A bounded, thread-safe, least-recently-used cache of computed values.

One mechanism for every in-process cache: :class:`~qtlab.store.Dataset` reads
(:mod:`qtlab.store._readcache`), backtests and the dashboard's analysis results.
A key missing from the cache is computed once: threads asking for it meanwhile wait
for that result instead of computing it again.
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

    Attributes
    ----------
    hits, misses
        Lookups served from the cache, and values computed.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
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
            with self._lock:
                self._data[key] = new
                self._data.move_to_end(key)
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
            return new

    def clear(self) -> None:
        """Drop every entry (and reset the hit and miss counts)."""
        with self._lock:
            self._data.clear()
            self.hits = 0
            self.misses = 0
