"""``RunContext``: one explicit context for a set of runs on one as-of view of the data.

A report, a dashboard request or a notebook makes one :class:`RunContext` and hands
it to every analysis and run. The context

- holds one :class:`~qtlab.store.Dataset` view (the vantage ``as_of`` and the folders),
  opened by the context and closed with it (:meth:`RunContext.close`, or ``with``);
- reads each input once: every series, holdings file, table and list the view reads
  is kept for the life of the context, and each read hands out a deep copy, so a
  caller changing a returned frame never changes a later read;
- records every read itself (:attr:`RunContext.reads`), so the report's provenance
  appendix always lists everything an analysis read, however often it ran;
- holds the runs it made: :meth:`RunContext.memo` keeps a computed value under a
  typed, hashable key (a frozen dataclass or a tuple starting with the run's name),
  computed once even when the dashboard's threads ask at the same time;
- hands out a context at another vantage with :meth:`RunContext.at` (the latest data
  for realized paths, a past file), kept by this one and closed with it; its reads are
  recorded in the same :attr:`reads` log, under its own vantage.

Nothing outlives the context: a new context (the next report or a store update)
reads, and records, everything again. There is no process-wide cache.

Example
-------
>>> from qtlab.runs import RunContext                      # doctest: +SKIP
>>> with RunContext("2022-05-31") as ctx:                  # doctest: +SKIP
...     walcl = ctx.series("WALCL")
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, overload

import pandas as pd

from qtlab.store.dataset import Dataset, SeriesInfo, TableInfo, to_date
from qtlab.store.snapshot import Manifest

__all__ = ["ContextDataset", "Read", "RunContext", "as_context"]

T = TypeVar("T")


@dataclass(frozen=True)
class Read:
    """One input a context handed out: its kind (``series``, ``holdings``, ``holdings_dates``
    or ``table``), the vantage of the view that read it (None: the latest data), its name
    and the dates it holds (observation or file dates) and vintages."""

    kind: str
    as_of: date | None
    name: str
    dates: pd.DatetimeIndex = field(compare=False, repr=False)
    vintages: pd.DatetimeIndex = field(compare=False, repr=False)


class _Log:
    """The reads of a context and its :meth:`RunContext.at` views (first of each kept)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._reads: dict[tuple[str, date | None, str], Read] = {}
        #: what the views read from disk, shared by a context and its ``at`` views (the
        #: folders are the same; every query names the vantage where it matters)
        self.disk = _Memo()
        #: the ``at`` views, one per vantage
        self.views: dict[date | None, RunContext] = {}

    def add(self, read: Read) -> None:
        with self.lock:
            self._reads.setdefault((read.kind, read.as_of, read.name), read)

    def all(self) -> list[Read]:
        with self.lock:
            return list(self._reads.values())


class _Memo:
    """A thread-safe map of keys to values computed once (other threads wait for it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[Hashable, Any] = {}
        self._pending: dict[Hashable, threading.Lock] = {}
        self.computed = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._data:
                return self._data[key]  # type: ignore[no-any-return]
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._data:
                    return self._data[key]  # type: ignore[no-any-return]
            try:
                value = compute()
                with self._lock:
                    self._data[key] = value
                    self.computed += 1
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            return value

    def __len__(self) -> int:
        return len(self._data)


class ContextDataset(Dataset):
    """The :class:`Dataset` view of a :class:`RunContext`: every read from disk is kept for
    the context's life, and every series, holdings file and table handed out is recorded
    (``read_series``, ``read_holdings``, ``read_tables`` and the context's :class:`Read`
    log). Made by the context; use :class:`RunContext` rather than this class."""

    def __init__(self, *args: Any, log: _Log, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._log = log
        # one DuckDB connection per view, used by the dashboard's threads in turn
        self._db_lock = threading.RLock()
        self.read_series: set[str] = set()
        self.read_holdings: set[str] = set()
        self.read_tables: set[str] = set()

    def _cached(self, query: tuple[Hashable, ...], read: Callable[[], T]) -> T:
        def locked() -> T:
            with self._db_lock:
                return read()

        return self._log.disk.get(query, locked)

    def _q(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._db_lock:
            return super()._q(sql, params)

    def tables(self) -> list[TableInfo]:
        with self._db_lock:
            return super().tables()

    def observations(self, series_id: str) -> pd.DataFrame:
        df = super().observations(series_id)
        self.read_series.add(series_id)
        self._log.add(
            Read(
                "series",
                self.as_of,
                series_id,
                pd.DatetimeIndex(df["date"]),
                pd.DatetimeIndex(df["vintage"]),
            )
        )
        return df

    def holdings(self, kinds: Iterable[str] | None = None) -> pd.DataFrame:
        out = super().holdings(None if kinds is None else list(kinds))
        held = sorted(str(k) for k in out["kind"].unique())
        self.read_holdings.update(held)
        dates = pd.DatetimeIndex(pd.to_datetime(out["as_of"]).unique())
        self._log.add(Read("holdings", self.as_of, ",".join(held), dates, dates))
        return out

    def holdings_dates(self) -> pd.DataFrame:
        out = super().holdings_dates()
        dates = pd.DatetimeIndex(out["as_of"].unique())
        self._log.add(Read("holdings_dates", self.as_of, "dates", dates, dates))
        return out

    def table(self, dataset: str) -> pd.DataFrame:
        out = super().table(dataset)
        self.read_tables.add(dataset)
        info = {x.dataset: x for x in self.tables()}[dataset]
        self._log.add(
            Read(
                "table",
                self.as_of,
                dataset,
                pd.DatetimeIndex([pd.Timestamp(info.as_of)]),
                pd.DatetimeIndex([pd.Timestamp(info.vintage)]),
            )
        )
        return out

    def store_provenance(self, series_id: str, vintage: pd.Timestamp) -> dict[str, Any] | None:
        """The store's provenance record of ``series_id`` at ``vintage`` (None if it has none):
        ``source, official_id, file, sha256`` as ingested."""
        if self._store_path is None:
            return None
        with self._db_lock:
            row = self._con.execute(
                "SELECT p.source, p.official_id, p.file, p.sha256 FROM user_store.provenance p"
                " WHERE p.vintage = ? AND p.dataset IN (SELECT dataset FROM"
                " user_store.observations WHERE series_id = ? AND vintage = ?) LIMIT 1",
                [vintage.date(), series_id, vintage.date()],
            ).fetchone()
        if row is None:
            return None
        return dict(zip(("source", "official_id", "file", "sha256"), row, strict=True))

    def close(self) -> None:
        """Close the view (:meth:`Dataset.close`): its connection is released and a later
        read from disk raises :class:`~qtlab.errors.StoreError`."""
        with self._db_lock:
            super().close()


class RunContext:
    """One as-of view of the data, the reads made through it and the runs made from it.

    Parameters
    ----------
    as_of
        The vantage date (ISO string or date; ``None``: the latest data), or a
        :class:`~qtlab.store.Dataset` whose vantage and folders the context takes (the
        context opens its own view over them and never closes the Dataset given).
    data_dir, snapshot_dir, use_store
        As for :class:`~qtlab.store.Dataset` (only with a date, not with a Dataset).

    Notes
    -----
    The read methods (:meth:`series`, :meth:`observations`, :meth:`holdings`,
    :meth:`holdings_dates`, :meth:`table`, :meth:`tables`, :meth:`series_ids`,
    :meth:`catalog`) are the Dataset's, read once per context and recorded.
    """

    def __init__(
        self,
        as_of: Dataset | str | date | datetime | None = None,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        snapshot_dir: str | os.PathLike[str] | None = None,
        use_store: bool = True,
        _log: _Log | None = None,
    ) -> None:
        self._log = _log if _log is not None else _Log()
        if isinstance(as_of, Dataset):
            if data_dir is not None or snapshot_dir is not None or not use_store:
                raise TypeError("give the folders either in the Dataset or to RunContext")
            store = as_of._store_path
            self.dataset = ContextDataset(
                as_of.as_of,
                log=self._log,
                data_dir=store.parent if store is not None else None,
                snapshot_dir=as_of._snapshot_dir,
                use_store=store is not None,
            )
        else:
            self.dataset = ContextDataset(
                as_of,
                log=self._log,
                data_dir=data_dir,
                snapshot_dir=snapshot_dir,
                use_store=use_store,
            )
        self._runs = _Memo()
        self._root = _log is None

    def __repr__(self) -> str:
        return f"RunContext({self.dataset!r}, runs={len(self._runs)})"

    # --- lifetime -------------------------------------------------------------------
    def __enter__(self) -> RunContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the context's view (and the views of :meth:`at`) and drop its runs."""
        if self._root:
            with self._log.lock:
                views = list(self._log.views.values())
                self._log.views.clear()
            for v in views:
                v.close()
        self.dataset.close()
        self._runs = _Memo()

    # --- the vantage ----------------------------------------------------------------
    @property
    def as_of(self) -> date | None:
        """The vantage date (None: the latest data)."""
        return self.dataset.as_of

    @property
    def cutoff(self) -> date:
        """The vantage date, or the far future for the latest data."""
        return self.dataset.cutoff

    @property
    def manifest(self) -> Manifest | None:
        """The snapshot's manifest."""
        return self.dataset.manifest

    def at(self, as_of: str | date | datetime | None) -> RunContext:
        """The context over the same folders at another vantage (None: the latest data).

        Kept by the context first made (the same object for the same date, from it or
        from any of its ``at`` views), sharing what it read from disk, and closed with it;
        its reads go to :attr:`reads` under its own vantage, never to the ``read_*`` sets
        of the first context's view (the report's provenance), even at the same date.
        """
        day = None if as_of is None else to_date(as_of)
        with self._log.lock:
            view = self._log.views.get(day)
            if view is None:
                store = self.dataset._store_path
                view = RunContext(
                    day,
                    data_dir=store.parent if store is not None else None,
                    snapshot_dir=self.dataset._snapshot_dir,
                    use_store=store is not None,
                    _log=self._log,
                )
                self._log.views[day] = view
            return view

    # --- reads ----------------------------------------------------------------------
    @overload
    def series(
        self, series_id: str, start: str | date | None = None, end: str | date | None = None
    ) -> pd.Series: ...

    @overload
    def series(
        self,
        series_id: list[str] | tuple[str, ...],
        start: str | date | None = None,
        end: str | date | None = None,
    ) -> pd.DataFrame: ...

    def series(
        self,
        series_id: str | list[str] | tuple[str, ...],
        start: str | date | None = None,
        end: str | date | None = None,
    ) -> pd.Series | pd.DataFrame:
        """:meth:`qtlab.store.Dataset.series` (one id, or a list for a wide frame), read
        once per context [glossary units]."""
        return self.dataset.series(series_id, start, end)

    def search(self, text: str) -> pd.DataFrame:
        """:meth:`qtlab.store.Dataset.search`: catalogue rows matching every word."""
        return self.dataset.search(text)

    def observations(self, series_id: str) -> pd.DataFrame:
        """:meth:`qtlab.store.Dataset.observations`, read once per context."""
        return self.dataset.observations(series_id)

    def holdings(self, kinds: Iterable[str] | None = None) -> pd.DataFrame:
        """:meth:`qtlab.store.Dataset.holdings`, read once per context [USD bn, %]."""
        return self.dataset.holdings(kinds)

    def holdings_dates(self) -> pd.DataFrame:
        """:meth:`qtlab.store.Dataset.holdings_dates`, read once per context."""
        return self.dataset.holdings_dates()

    def table(self, dataset: str) -> pd.DataFrame:
        """:meth:`qtlab.store.Dataset.table`, read once per context."""
        return self.dataset.table(dataset)

    def tables(self) -> list[TableInfo]:
        """:meth:`qtlab.store.Dataset.tables`."""
        return self.dataset.tables()

    def series_ids(self) -> list[str]:
        """:meth:`qtlab.store.Dataset.series_ids`, read once per context."""
        return self.dataset.series_ids()

    def catalog(self) -> list[SeriesInfo]:
        """:meth:`qtlab.store.Dataset.catalog`."""
        return self.dataset.catalog()

    @property
    def reads(self) -> list[Read]:
        """Every input handed out by this context and its :meth:`at` views, once each."""
        return self._log.all()

    # --- runs -----------------------------------------------------------------------
    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per context and ``key`` (a typed, hashable key: a frozen
        dataclass or a tuple starting with the run's name); later calls, from any thread,
        get the same object: a caller that changes what it gets copies it first."""
        return self._runs.get(key, compute)

    @property
    def runs_made(self) -> int:
        """How many values :meth:`memo` computed."""
        return self._runs.computed


def as_context(data: RunContext | Dataset | None) -> RunContext:
    """``data`` itself if it is a :class:`RunContext`, else a new context over the Dataset
    (``None``: the latest data of the default folders)."""
    if isinstance(data, RunContext):
        return data
    return RunContext(data)
