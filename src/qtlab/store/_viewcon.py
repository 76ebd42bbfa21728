"""The database connection behind one :class:`~qtlab.store.Dataset` view.

An in-memory DuckDB database holds the view's SQL views over the snapshot's
Parquet files for as long as the view lives. The user's store is attached to it
read-only for the length of one query and detached after it, so a view kept
open (in a notebook, by the dashboard) holds no lock or file handle on the store
between reads: ``qtlab data update`` and ``qtlab data import`` can write it, and
the next read sees what they wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from qtlab.store._lock import open_with_retry

__all__ = ["OneQuery", "Rows", "ViewConnection"]


class ViewConnection:
    """One view's in-memory database; the store (if any) attached per query as ``user_store``.

    ``make_views(con)`` creates the view's SQL views the first time a query runs
    (with the store attached, so views over it bind). ``on_closed()`` builds the
    error raised when a closed connection is used.
    """

    def __init__(
        self,
        store_path: Path | None,
        make_views: Callable[[duckdb.DuckDBPyConnection], None],
        on_closed: Callable[[], Exception],
    ) -> None:
        self._store_path = store_path
        self._make_views = make_views
        self._on_closed = on_closed
        self._lock = threading.RLock()  # one query at a time on the connection
        self._base: duckdb.DuckDBPyConnection | None = None
        self._views_made = False
        self.closed = False

    @property
    def opened(self) -> bool:
        """True once a query has opened the in-memory database (and it is not closed)."""
        return self._base is not None

    def check_open(self) -> None:
        if self.closed:
            raise self._on_closed()

    def close(self) -> None:
        """Close the in-memory database; idempotent."""
        with self._lock:
            self.closed = True
            if self._base is not None:
                self._base.close()
                self._base = None

    @contextmanager
    def connected(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection, with the store attached read-only until the block ends."""
        with self._lock:
            self.check_open()
            if self._base is None:
                self._base = duckdb.connect(":memory:")
            con = self._base
            store = self._store_path
            if store is not None:
                attach = f"ATTACH '{sql_path(store)}' AS user_store (READ_ONLY)"
                # another process writing the store: wait (bounded), then a clear StoreError
                open_with_retry(store, lambda: con.execute(attach), writing=False)
            try:
                if not self._views_made:
                    self._make_views(con)
                    self._views_made = True
                yield con
            finally:
                if store is not None:
                    con.execute("DETACH user_store")


class OneQuery:
    """``execute(sql, params)``: one query on a view, its rows read before the store is detached."""

    def __init__(self, connection: ViewConnection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        with self._connection.connected() as con:
            cur = con.execute(sql, list(params))
            names = [d[0] for d in cur.description or ()]
            return Rows(names, cur.fetchall())


class Rows:
    """The rows of one finished query (``fetchone``, ``fetchall``, ``df``)."""

    def __init__(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self._names, self._rows = names, rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def df(self) -> pd.DataFrame:
        return pd.DataFrame(self._rows, columns=self._names)


def sql_path(p: Path) -> str:
    """``p`` quoted for a SQL string literal."""
    return str(p).replace("'", "''")
