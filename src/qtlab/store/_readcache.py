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

Entries are evicted least recently used first beyond :data:`MAX_ENTRIES`
(:class:`qtlab._lru.LRUCache`).
Callers hand out shallow copies of the stored frames: under pandas' copy-on-write
a change to a copy never reaches the stored frame.
"""

from __future__ import annotations

from typing import Final

from qtlab._lru import LRUCache

__all__ = ["MAX_ENTRIES", "ReadCache", "read_cache"]

#: Entries kept before the least recently used is dropped (a report uses about 300).
MAX_ENTRIES: Final = 1024


class ReadCache(LRUCache):
    """The :class:`~qtlab._lru.LRUCache` of Dataset reads (default :data:`MAX_ENTRIES`)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(max_entries)


_CACHE = ReadCache()


def read_cache() -> ReadCache:
    """The process-wide cache used by every :class:`~qtlab.store.Dataset`."""
    return _CACHE
