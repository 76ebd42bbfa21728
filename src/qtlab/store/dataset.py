"""``Dataset``: a read-only view of all the data, cut at an as-of date.

Two layers are combined: the packaged snapshot (read-only base) and the user's
store (fetched vintages, overlaying the snapshot). The view answers the
question "what could an analyst see on date D?":

- an **observed** series is cut at D (no observation dated after D), and for
  each date the latest vintage published on or before D is used; where no
  vintage that old is kept (the snapshot's files were fetched later), the
  earliest vintage kept is used, which is the closest to real time we have;
  a series with a publication-lag rule in the glossary
  (:func:`qtlab.schema.publication_lag`: GDP at the end of the month after the
  quarter, the H.4.1 and SOMA summary the day after their Wednesday, ...) shows
  only the observations the rule says were published by D;
- a **projection** series (CBO baselines, FOMC SEP) keeps only the vintages
  published on or before D, whatever dates they project;
- a **whole-vintage** series (``SeriesSpec.whole_vintage``: real-time data sets
  such as the Philadelphia Fed's real GDP, each vintage in its own base-year
  dollars) is the one latest vintage published on or before D, all of it, never
  a mix of vintages per date; the vintage's date is its publication date;
- **holdings** are, for each kind of security, those of the latest SOMA
  snapshot at or before D that holds that kind.

``Dataset(as_of=None)`` is "today": the latest data of every layer.

A ``Dataset`` reads from disk at every call and keeps nothing: a new vintage is
read as soon as it is written. To read each input once for a set of runs (a report,
a dashboard request) and record what was read, use a
:class:`qtlab.runs.RunContext`, which holds one view. Every read returns a frame of
its own: changing it changes no other.

The user's store is opened read-only, and only for the length of one query: a
``Dataset`` kept open (in a notebook, by the dashboard) never stops ``qtlab data
update`` or ``qtlab data import`` from writing it. ``close()`` (or a ``with``
block) releases the view's in-memory database; reading from a closed view raises
:class:`~qtlab.errors.StoreError`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date, datetime
from functools import cached_property, partial
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, overload

import duckdb
import pandas as pd

from qtlab._periods import to_date
from qtlab.errors import (
    DataError,
    DateRangeError,
    StoreError,
    UnknownSeriesError,
    one_of,
    quoted,
)
from qtlab.schema import (
    HOLDING_KINDS,
    HOLDINGS_COLUMNS,
    SeriesSpec,
    publication_lag,
    series_spec,
)
from qtlab.store._catalog import (
    SeriesInfo,
    TableInfo,
    catalog,
    catalog_frame,
    search,
    wide_series,
)
from qtlab.store._verify import snapshot_files
from qtlab.store._viewcon import OneQuery, ViewConnection, sql_path
from qtlab.store.db import DB_FILENAME, write_generation
from qtlab.store.paths import data_dir, packaged_snapshot_dir
from qtlab.store.snapshot import MANIFEST_NAME, Manifest, load_manifest

__all__ = ["Dataset", "SeriesInfo", "TableInfo", "to_date"]

_FAR_FUTURE = date(9999, 12, 31)
_T = TypeVar("_T")


class Dataset:
    """A read-only view of the snapshot and the store, cut at ``as_of``.

    Parameters
    ----------
    as_of
        The vantage date (ISO string or date). ``None`` means today: everything.
    data_dir
        The store directory (default: ``QTLAB_DATA_DIR`` or the user cache dir).
        A missing store is fine: the snapshot alone is used.
    snapshot_dir
        The snapshot directory (default: the one packaged with qtlab).
    use_store
        Set False to ignore the user's store and read only the snapshot.

    Examples
    --------
    A view is a context manager; :meth:`close` ends it (reads then raise
    :class:`~qtlab.errors.StoreError`)::

        with Dataset("2022-05-31") as ds:
            walcl = ds.series("WALCL")
    """

    def __init__(
        self,
        as_of: str | date | datetime | None = None,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        snapshot_dir: str | os.PathLike[str] | None = None,
        use_store: bool = True,
    ) -> None:
        self.as_of: date | None = None if as_of is None else to_date(as_of)
        if self.as_of is not None and self.as_of > date.today():
            raise DateRangeError(
                f"as_of={self.as_of.isoformat()} is in the future; give a date on or before "
                f"{date.today().isoformat()}, or omit it for the latest data"
            )
        self._snapshot_dir = Path(snapshot_dir) if snapshot_dir else packaged_snapshot_dir()
        self._store_path: Path | None = None
        if use_store:
            p = _data_dir(data_dir) / DB_FILENAME
            if p.exists():
                self._store_path = p
        self._db = ViewConnection(self._store_path, self._make_views, self._closed_error)

    def __repr__(self) -> str:
        when = self.as_of.isoformat() if self.as_of else "latest"
        store = str(self._store_path) if self._store_path else "none"
        closed = ", closed" if self._db.closed else ""
        return f"Dataset(as_of={when}, snapshot={self._snapshot_dir}, store={store}{closed})"

    def __enter__(self) -> Dataset:
        self._check_open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the view's database connection; later reads raise :class:`StoreError`.

        Closing twice is harmless. The user's store is never held between reads,
        so closing is not needed to let ``qtlab data update`` write it; it frees
        the view's in-memory database at once instead of when the view is
        garbage-collected.
        """
        self._db.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._db.closed

    def _check_open(self) -> None:
        self._db.check_open()

    def _closed_error(self) -> StoreError:
        return StoreError(
            f"{self!r} was closed and cannot be read; open a new Dataset "
            "(e.g. `with Dataset(as_of) as ds:`) to read again"
        )

    @property
    def cutoff(self) -> date:
        return self.as_of or _FAR_FUTURE

    def at(self, as_of: str | date | datetime | None) -> Dataset:
        """A plain :class:`Dataset` over the same snapshot and store at another vantage date.

        ``None`` means the latest data. Analyses that need another vantage (the
        latest data for realized paths, a past file) use this, so a view over a
        user's folders is honoured throughout.
        """
        store = self._store_path
        return Dataset(
            as_of,
            data_dir=store.parent if store is not None else None,
            snapshot_dir=self._snapshot_dir,
            use_store=store is not None,
        )

    def cache_key(self) -> tuple[Hashable, ...]:
        """A key equal for two views that return the same data to every read.

        It names the folders, the state (path, size, modification time, inode)
        of every file the view reads (the snapshot's when the view first reads,
        the store's at every call), the store writes committed by this process,
        and the vantage date. Use it to keep results derived from the data; a
        new vintage written to the store changes it.
        """
        return (*self._source_key(), self.as_of)

    # --- the state of the data ------------------------------------------------------
    @cached_property
    def _snapshot_files(self) -> dict[str, list[Path]]:
        # only the files the manifest lists, each checked against it (once per process)
        return snapshot_files(self._snapshot_dir)

    @cached_property
    def _snapshot_state(self) -> tuple[tuple[str, tuple[int, int, int] | None], ...]:
        # the snapshot is the read-only base layer: its files are listed once per view
        # (as the view's queries read them) and their state taken then
        files = [f for fs in self._snapshot_files.values() for f in fs]
        files.append(self._snapshot_dir / MANIFEST_NAME)
        return tuple((str(f), _file_state(str(f))) for f in files)

    @cached_property
    def _store_files(self) -> tuple[str, ...]:
        p = self._store_path
        return () if p is None else (str(p), str(p.with_name(p.name + ".wal")))

    def _source_key(self) -> tuple[Hashable, ...]:
        # the store is written by updates and imports: its state is taken on every read
        return (
            "qtlab.Dataset",
            str(self._snapshot_dir),
            str(self._store_path),
            self._snapshot_state,
            write_generation(),
            tuple(_file_state(f) for f in self._store_files),
        )

    def _cached(self, query: tuple[Hashable, ...], read: Callable[[], _T]) -> _T:
        """``read()``: a plain view reads every time; the view of a
        :class:`qtlab.runs.RunContext` keeps each ``query``'s result for its life."""
        del query
        self._check_open()
        return read()

    # --- connection -----------------------------------------------------------
    @cached_property
    def manifest(self) -> Manifest | None:
        return load_manifest(self._snapshot_dir)

    @property
    def _con(self) -> OneQuery:
        """For subclasses: ``self._con.execute(sql, params)`` runs one query with the
        store attached and returns its rows (``fetchone``/``fetchall``/``df``)."""
        return OneQuery(self._db)

    def _make_views(self, con: duckdb.DuckDBPyConnection) -> None:
        # made once per view, with the store attached (views over it are bound then)
        con.execute(
            "CREATE VIEW all_obs AS "
            + " UNION ALL ".join(self._layers("series", "observations", _OBS_COLS))
        )
        con.execute(
            "CREATE VIEW all_holdings AS "
            + " UNION ALL ".join(self._layers("holdings", "holdings", _HOLD_COLS))
        )

    def _layers(self, sub: str, table: str, cols: str) -> list[str]:
        parts = []
        files = self._snapshot_files[sub]
        if files:
            lst = ", ".join(f"'{sql_path(f)}'" for f in files)
            parts.append(f"SELECT {cols}, 0 AS layer FROM read_parquet([{lst}])")
        if self._store_path is not None:
            parts.append(f"SELECT {cols}, 1 AS layer FROM user_store.{table}")
        if not parts:
            raise DataError(
                f"no data: the snapshot at {self._snapshot_dir} is empty and there is no store. "
                "Build the snapshot with `qtlab data build-snapshot --from DIR` or fetch with "
                "`qtlab data update`"
            )
        return parts

    def _q(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        try:
            with self._db.connected() as con:
                return con.execute(sql, list(params)).df()
        except duckdb.Error as exc:
            raise self._read_error(exc) from exc

    def _read_error(self, exc: BaseException) -> DataError:
        """A failed read as a :class:`DataError` naming the folders (DuckDB names the file)."""
        store = f" or the store {self._store_path}" if self._store_path else ""
        return DataError(
            f"cannot read the snapshot at {self._snapshot_dir}{store}: {exc}. Reinstall qtlab "
            "or rebuild the snapshot; move a damaged store away (qtlab starts a new one)"
        )

    # --- series -----------------------------------------------------------------
    def series_ids(self) -> list[str]:
        """Every series id held (snapshot and store), sorted."""
        return list(self._cached(("series_ids",), self._read_series_ids))

    def _read_series_ids(self) -> tuple[str, ...]:
        rows = self._q("SELECT DISTINCT series_id FROM all_obs ORDER BY 1")
        return tuple(str(r) for r in rows["series_id"])

    def _check_series(self, series_id: str) -> SeriesSpec:
        held = self.series_ids()
        if series_id not in held:
            raise UnknownSeriesError(
                series_id,
                held,
                hint="Fetch it with `qtlab data update` if it is a FRED id qtlab does not ship",
            )
        try:
            return series_spec(series_id)
        except UnknownSeriesError:  # fetched from FRED but not in the glossary
            return SeriesSpec(series_id, series_id, "as published", "irregular", "fred")

    def observations(self, series_id: str) -> pd.DataFrame:
        """Every kept observation of ``series_id`` visible as of the vantage date.

        Columns ``date, value, vintage`` (all vintages for projections; one
        vintage per date, chosen as the module docstring says, for observed series).
        """
        spec = self._check_series(series_id)
        cut = self.cutoff
        read = partial(self._read_observations, series_id, spec.kind == "projection", cut)
        if spec.whole_vintage:
            read = partial(self._read_whole_vintage, series_id, cut)
        df = self._cached(("observations", series_id, cut), read)
        return df.copy()

    def _read_whole_vintage(self, series_id: str, cut: date) -> pd.DataFrame:
        """The latest vintage of ``series_id`` published on or before ``cut``, whole."""
        df = self._q(
            "SELECT date, value, vintage FROM ("
            " SELECT *, row_number() OVER (PARTITION BY date ORDER BY layer DESC) rn"
            " FROM all_obs WHERE series_id = ? AND date <= ? AND vintage = ("
            "  SELECT max(vintage) FROM all_obs WHERE series_id = ? AND vintage <= ?))"
            " WHERE rn = 1 ORDER BY date",
            [series_id, cut, series_id, cut],
        )
        for c in ("date", "vintage"):
            df[c] = pd.to_datetime(df[c])
        return df

    def _read_observations(self, series_id: str, projection: bool, cut: date) -> pd.DataFrame:
        if projection:
            df = self._q(
                "SELECT date, value, vintage FROM ("
                " SELECT *, row_number() OVER (PARTITION BY date, vintage ORDER BY layer DESC) rn"
                " FROM all_obs WHERE series_id = ? AND vintage <= ?) WHERE rn = 1"
                " ORDER BY vintage, date",
                [series_id, cut],
            )
        else:
            df = self._q(
                "SELECT date, value, vintage FROM ("
                " SELECT *, row_number() OVER (PARTITION BY date ORDER BY"
                "   (vintage <= ?) DESC,"
                "   CASE WHEN vintage <= ? THEN vintage END DESC NULLS LAST,"
                "   vintage ASC, layer DESC) rn"
                " FROM all_obs WHERE series_id = ? AND date <= ?) WHERE rn = 1 ORDER BY date",
                [cut, cut, series_id, cut],
            )
        for c in ("date", "vintage"):
            df[c] = pd.to_datetime(df[c])
        lag = None if projection else publication_lag(series_id)
        if lag is not None and cut < _FAR_FUTURE and not df.empty:
            # published only after its date: visible once the glossary's rule says it was out
            df = df.loc[lag.published(df["date"]) <= pd.Timestamp(cut)].reset_index(drop=True)
        return df

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
        """One series as of the vantage date, indexed by date [glossary units].

        For a projection or whole-vintage series this is the latest vintage
        published on or before the vantage date (its ``attrs['vintage']`` says which).
        A list of ids gives a wide frame: one column per series, the union of their
        dates (NaN where a series has no value), each column's units in
        ``attrs['units']`` (a mapping id -> units).

        Raises
        ------
        UnknownSeriesError
            If the id is not held; the message lists the held ids.
        DateRangeError
            If a projection or whole-vintage series has no vintage published by the
            vantage date.
        """
        if not isinstance(series_id, str):
            return wide_series(self, list(series_id), start, end)
        spec = self._check_series(series_id)
        obs = self.observations(series_id)
        vintage = None
        if spec.kind == "projection" or spec.whole_vintage:
            if obs.empty:
                first = self._q(
                    "SELECT min(vintage) AS v FROM all_obs WHERE series_id = ?", [series_id]
                )["v"].iloc[0]
                raise DateRangeError(
                    f"no vintage of {quoted(series_id)} was published on or before "
                    f"{self.cutoff.isoformat()}; the earliest kept is {pd.Timestamp(first).date()}"
                )
            vintage = obs["vintage"].max()
            obs = obs[obs["vintage"] == vintage]
        s = obs.set_index("date")["value"].rename(series_id)
        s.index.name = "date"
        if start is not None:
            s = s[s.index >= pd.Timestamp(to_date(start, field="start"))]
        if end is not None:
            s = s[s.index <= pd.Timestamp(to_date(end, field="end"))]
        s.attrs.update(
            {"units": spec.units, "source": spec.source, "as_of": self.as_of, "vintage": vintage}
        )
        return s

    def catalog(self) -> list[SeriesInfo]:
        """One :class:`SeriesInfo` per series visible as of the vantage date."""
        return catalog(self)

    def catalog_frame(self) -> pd.DataFrame:
        """The catalogue as a DataFrame with each series' title (``id, title, units,
        source, kind, first, last, rows, vintage, vintages``)."""
        return catalog_frame(self)

    def search(self, text: str) -> pd.DataFrame:
        """Catalogue rows whose id, title or source holds every word of ``text``."""
        return search(self, text)

    # --- holdings -----------------------------------------------------------------
    def holdings_dates(self) -> pd.DataFrame:
        """Each SOMA holdings as-of date visible, with its rows and totals by kind [USD bn]."""
        df = self._cached(("holdings_dates", self.cutoff), self._read_holdings_dates)
        return df.copy()

    def _read_holdings_dates(self) -> pd.DataFrame:
        df = self._q(
            "SELECT as_of, kind, count(*) AS rows, sum(par) AS par,"
            " sum(coalesce(inflation_comp, 0)) AS inflation_comp FROM ("
            "  SELECT *, row_number() OVER (PARTITION BY as_of, cusip ORDER BY layer DESC) rn"
            "  FROM all_holdings WHERE as_of <= ?) WHERE rn = 1"
            " GROUP BY as_of, kind ORDER BY as_of, kind",
            [self.cutoff],
        )
        df["as_of"] = pd.to_datetime(df["as_of"])
        return df

    def holdings(self, kinds: Iterable[str] | None = None) -> pd.DataFrame:
        """SOMA holdings by CUSIP as of the vantage date [USD bn, %].

        For each kind of security, the rows of the latest snapshot at or before
        the vantage date that holds that kind (Treasury and MBS files are
        published, and kept, separately). Columns :data:`qtlab.schema.HOLDINGS_COLUMNS`.
        """
        wanted = list(HOLDING_KINDS if kinds is None else kinds)
        bad = [k for k in wanted if k not in HOLDING_KINDS]
        if bad:
            raise DataError(
                f"unknown holding kind {quoted(bad[0])}; valid kinds are {one_of(HOLDING_KINDS)}"
            )
        dates = self.holdings_dates()
        if dates.empty:
            raise DateRangeError(
                f"no SOMA holdings snapshot at or before {self.cutoff.isoformat()}"
            )
        latest = dates[dates["kind"].isin(wanted)].groupby("kind")["as_of"].max()
        parts = []
        for kind, as_of in latest.items():
            day = pd.Timestamp(as_of).date()
            read = partial(self._read_file, day, str(kind))
            parts.append(self._cached(("holdings", day, str(kind)), read))
        if not parts:
            return pd.DataFrame(columns=list(HOLDINGS_COLUMNS))
        out = pd.concat(parts, ignore_index=True)
        for c in ("as_of", "maturity"):
            out[c] = pd.to_datetime(out[c])
        return out

    def _read_file(self, as_of: date, kind: str) -> pd.DataFrame:
        """The rows of one kind in the holdings file of ``as_of`` (the store wins a tie)."""
        return self._q(
            f"SELECT {_HOLD_COLS} FROM (SELECT *, row_number() OVER"
            " (PARTITION BY as_of, cusip ORDER BY layer DESC) rn"
            " FROM all_holdings WHERE as_of = ? AND kind = ?) WHERE rn = 1 ORDER BY cusip",
            [as_of, kind],
        )

    # --- tables ---------------------------------------------------------------------
    def tables(self) -> list[TableInfo]:
        """Every table visible as of the vantage date, sorted by name.

        A table is visible when both its as-of date and its vintage are on or
        before the vantage date. Snapshot tables are named by their manifest
        id (``treasury.mspd_detail.2022-01-31``); store tables by
        ``<source>.<dataset>.<as_of>``. Where both layers hold a name, the
        latest vintage wins, the store on a tie.
        """
        self._check_open()
        cut = self.cutoff
        found: dict[str, TableInfo] = {}
        candidates: list[TableInfo] = []
        if self.manifest is not None:
            for e in self.manifest.datasets:
                if e.kind == "table":
                    when = e.as_of or e.vintage
                    candidates.append(
                        TableInfo(e.id, e.source, when, e.rows, e.vintage, "snapshot")
                    )
        if self._store_path is not None:
            with self._db.connected() as con:
                rows = con.execute(
                    "SELECT p.source, p.dataset, coalesce(p.as_of, p.vintage), p.rows, p.vintage"
                    " FROM user_store.provenance p JOIN user_store.tables t"
                    " ON p.dataset = t.dataset AND p.vintage = t.vintage WHERE p.kind = 'table'"
                ).fetchall()
            for source, name, when, n, vintage in rows:
                tid = f"{source}.{name}.{when.isoformat()}"
                candidates.append(TableInfo(tid, source, when, int(n), vintage, "store"))
        for t in candidates:
            if t.as_of > cut or t.vintage > cut:
                continue
            have = found.get(t.dataset)
            if have is None or (t.vintage, t.layer == "store") >= (
                have.vintage,
                have.layer == "store",
            ):
                found[t.dataset] = t
        return [found[k] for k in sorted(found)]

    def table(self, dataset: str) -> pd.DataFrame:
        """One table visible as of the vantage date (e.g. ``treasury.mspd_detail.2022-01-31``).

        Raises
        ------
        DataError
            If no such table is visible; the message lists the visible ones.
        """
        visible = {t.dataset: t for t in self.tables()}
        info = visible.get(dataset)
        if info is None:
            when = self.as_of.isoformat() if self.as_of else "today"
            have = f"valid tables are {one_of(visible)}" if visible else "none is"
            raise DataError(f"no table {quoted(dataset)} visible as of {when}; {have}")
        df = self._cached(("table", info), lambda: self._read_table(info))
        return df.copy()

    def _read_table(self, info: TableInfo) -> pd.DataFrame:
        dataset = info.dataset
        if info.layer == "snapshot" and self.manifest is not None:
            f = self._snapshot_dir / self.manifest.entry(dataset).path
            try:
                return pd.read_parquet(f)
            except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
                raise self._read_error(exc) from exc
        name = dataset.removeprefix(f"{info.source}.").removesuffix(f".{info.as_of.isoformat()}")
        with self._db.connected() as con:
            row = con.execute(
                "SELECT parquet FROM user_store.tables WHERE dataset = ? AND vintage = ?",
                [name, info.vintage],
            ).fetchone()
        if row is None:  # pragma: no cover - tables() just listed it
            raise DataError(f"table {quoted(dataset)} vanished from the store {self._store_path}")
        return pd.read_parquet(io.BytesIO(row[0]))


_OBS_COLS = "series_id, CAST(date AS DATE) AS date, value, CAST(vintage AS DATE) AS vintage"
_HOLD_COLS = ", ".join(HOLDINGS_COLUMNS)


def _file_state(path: str) -> tuple[int, int, int] | None:
    """(size, modification time [ns], inode) of ``path``; None if it does not exist."""
    try:
        st = os.stat(path)  # noqa: PTH116 - runs per file on every read: no Path objects
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _data_dir(override: str | os.PathLike[str] | None) -> Path:
    return data_dir(override)
