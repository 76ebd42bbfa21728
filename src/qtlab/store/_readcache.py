"""A bounded, process-wide cache of what :class:`~qtlab.store.Dataset` reads.

A report asks for the same series, holdings and tables many times, from several
``Dataset`` objects over the same folders. Each read is kept here under a key
that names the data it came from: the folders, the size, modification time and
inode of every file the view reads (the read-only snapshot's Parquet files and
manifest, taken when the view first reads; the store database and its
write-ahead log, taken at every read), the number of store writes this process
has committed (:func:`qtlab.store.db.write_generation`) and the query. A new
vintage written by ``qtlab data update`` or ``qtlab data import`` changes the
key, so it is never served from an older entry; a rebuilt snapshot is seen by
every ``Dataset`` made after it.

Entries are evicted least recently used first beyond :data:`MAX_ENTRIES`.
Callers hand out shallow copies of the stored frames: under pandas' copy-on-write
a change to a copy never reaches the stored frame.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["MAX_ENTRIES", "ReadCache", "read_cache"]

T = TypeVar("T")

#: Entries kept before the least recently used is dropped (a report uses about 300).
MAX_ENTRIES = 1024


class ReadCache:
    """A thread-safe LRU mapping of keys to read results.

    Parameters
    ----------
    max_entries
        Entries kept before the least recently used is dropped.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under ``key``, or ``compute()`` kept and returned.

        ``compute`` runs outside the lock; two threads missing the same key both
        compute it and the second result is kept (both are the same data).
        """
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                value: T = self._data[key]
                return value
            self.misses += 1
        value = compute()
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        """Drop every entry (and reset the hit and miss counts)."""
        with self._lock:
            self._data.clear()
            self.hits = 0
            self.misses = 0


_CACHE = ReadCache()


def read_cache() -> ReadCache:
    """The process-wide cache used by every :class:`~qtlab.store.Dataset`."""
    return _CACHE
