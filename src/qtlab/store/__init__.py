"""The local store, the packaged snapshot and the as-of :class:`Dataset` view.

- :class:`Store`: the user's DuckDB database that keeps every fetched vintage;
- :mod:`qtlab.store.snapshot`: the embedded, read-only base layer;
- :class:`Dataset`: a read-only view of both, cut at an as-of date.
"""

from qtlab.store.dataset import Dataset, SeriesInfo, to_date
from qtlab.store.db import IngestReport, Store
from qtlab.store.paths import data_dir, packaged_snapshot_dir

__all__ = [
    "Dataset",
    "IngestReport",
    "SeriesInfo",
    "Store",
    "data_dir",
    "packaged_snapshot_dir",
    "to_date",
]
