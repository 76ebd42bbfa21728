"""The local store: an embedded DuckDB database that keeps every fetched vintage.

Tables
------
``observations``  ``(series_id, date, value, vintage, dataset)``, one row per
                  observation and vintage [glossary units]; primary key
                  ``(series_id, date, vintage)``: a second fetch of the same
                  vintage replaces all of its rows (dates the new copy lacks
                  are deleted), a new vintage is added beside the old one.
``holdings``      SOMA holdings by CUSIP, keyed by ``(as_of, cusip)``.
``tables``        other tidy tables (e.g. the MSPD detail), stored as Parquet
                  bytes per ``(dataset, vintage)``.
``provenance``    one row per dataset and vintage ingested: source, official id,
                  URL, retrieval time, units, rows, checksum.

Every update runs in one transaction: if anything fails, nothing of it is
kept and the previous data are exactly as they were.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from qtlab.errors import StoreError
from qtlab.schema import HOLDINGS_COLUMNS, validate_holdings, validate_series
from qtlab.sources._base import SourceData
from qtlab.store._lock import open_with_retry
from qtlab.store.paths import data_dir

__all__ = ["DB_FILENAME", "IngestReport", "Store", "write_generation"]

DB_FILENAME = "qtlab.duckdb"


class _Commits:
    """Store transactions committed by this process."""

    count = 0


def write_generation() -> int:
    """How many store transactions this process has committed (any store).

    Part of :meth:`qtlab.store.Dataset.cache_key` (the dashboard keeps one run context
    per key), so a vintage written in this process starts a new context, even when
    the database file's size and modification time do not show the change.
    """
    return _Commits.count


_DDL = """
CREATE TABLE IF NOT EXISTS observations (
    series_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    value DOUBLE NOT NULL,
    vintage DATE NOT NULL,
    dataset VARCHAR NOT NULL,
    PRIMARY KEY (series_id, date, vintage)
);
CREATE TABLE IF NOT EXISTS holdings (
    as_of DATE NOT NULL,
    cusip VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    description VARCHAR,
    term VARCHAR,
    maturity DATE,
    issuer VARCHAR,
    program VARCHAR,
    coupon DOUBLE,
    spread DOUBLE,
    par DOUBLE NOT NULL,
    inflation_comp DOUBLE,
    pct_outstanding DOUBLE,
    is_aggregated BOOLEAN,
    dataset VARCHAR NOT NULL,
    PRIMARY KEY (as_of, cusip)
);
CREATE TABLE IF NOT EXISTS tables (
    dataset VARCHAR NOT NULL,
    vintage DATE NOT NULL,
    parquet BLOB NOT NULL,
    PRIMARY KEY (dataset, vintage)
);
CREATE TABLE IF NOT EXISTS provenance (
    dataset VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    official_id VARCHAR NOT NULL,
    url VARCHAR,
    file VARCHAR,
    retrieved_at TIMESTAMP,
    vintage DATE NOT NULL,
    as_of DATE,
    rows BIGINT NOT NULL,
    sha256 VARCHAR,
    units VARCHAR,
    notes VARCHAR,
    ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, vintage)
);
"""


@dataclass(frozen=True)
class IngestReport:
    """What one transactional update wrote: datasets and row counts."""

    datasets: tuple[str, ...]
    rows: int


def _validated(item: SourceData) -> pd.DataFrame:
    """``item.data`` checked for its kind (series, holdings; a table as it is)."""
    where = item.meta.file or item.meta.url
    if item.kind == "series":
        return validate_series(item.data, file=where)
    if item.kind == "holdings":
        return validate_holdings(item.data, file=where)
    if item.kind == "table":
        return item.data
    raise StoreError(f"unknown dataset kind {item.kind!r} for {item.meta.dataset!r}")


def _vintage_of(item: SourceData) -> date:
    meta = item.meta
    if meta.vintage is not None:
        return meta.vintage
    if meta.retrieved_at is not None:
        return meta.retrieved_at.date()
    return datetime.now(UTC).date()


class Store:
    """The user's local DuckDB store (see the module docstring for its tables).

    Parameters
    ----------
    directory
        The store directory; default :func:`qtlab.store.paths.data_dir`.
    read_only
        Open without the right to write (several readers may share it).
    """

    def __init__(
        self, directory: str | os.PathLike[str] | None = None, *, read_only: bool = False
    ) -> None:
        self.directory = data_dir(directory)
        self.path = self.directory / DB_FILENAME
        self.read_only = read_only
        try:
            if not read_only:
                self.directory.mkdir(parents=True, exist_ok=True)
            elif not self.path.exists():
                raise StoreError(
                    f"no store at {self.path}; run `qtlab data update` to create one, "
                    "or use the embedded snapshot alone"
                )
            self._con = open_with_retry(
                self.path,
                lambda: duckdb.connect(str(self.path), read_only=read_only),
                writing=not read_only,
            )
            if not read_only:
                self._con.execute(_DDL)
        except StoreError:
            raise
        except (duckdb.Error, OSError) as exc:
            raise StoreError(self._open_error(exc)) from exc

    def _open_error(self, exc: BaseException) -> str:
        """Why the store cannot be opened, with the fix (never a guess about other processes)."""
        if not self.read_only:
            blocked = next(
                (p for p in (self.directory, *self.directory.parents) if p.exists()), None
            )
            if blocked is not None and not os.access(blocked, os.W_OK):
                return (
                    f"cannot write the store {self.path}: the directory {blocked} is read-only "
                    f"({exc}). Pass data_dir= (or set QTLAB_DATA_DIR) to a writable directory"
                )
            if self.path.exists() and not os.access(self.path, os.W_OK):
                return (
                    f"cannot write the store {self.path}: the file is read-only ({exc}). Make "
                    "it writable, or pass data_dir= to use another directory"
                )
        return (
            f"cannot open the store {self.path}: {exc}. If the file is damaged, move it "
            "away (qtlab then starts a new store) or pass data_dir= to use another directory"
        )

    # --- context management -------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    # --- writing --------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.read_only:
            raise StoreError(f"the store {self.path} was opened read-only")
        con = self._con
        con.begin()
        try:
            yield con
        except BaseException:
            con.rollback()
            raise
        else:
            con.commit()
            _Commits.count += 1

    def ingest(self, items: Sequence[SourceData]) -> IngestReport:
        """Write ``items`` in one transaction: all of them, or (on any error) none.

        A dataset fetched again with the same vintage replaces that vintage; a
        new vintage is kept beside the older ones.
        """
        rows = 0
        frames = [_validated(item) for item in items]  # every item checked before any write
        with self._transaction() as con:
            # what was kept of every (series, vintage) and (holdings date, kind) written
            # here goes first, for all items, so two items of one update never delete
            # each other's rows
            for item, df in zip(items, frames, strict=True):
                self._clear_previous(con, item.kind, df)
            for item, df in zip(items, frames, strict=True):
                rows += self._write_one(con, item, df)
        return IngestReport(tuple(i.meta.dataset for i in items), rows)

    def _clear_previous(self, con: duckdb.DuckDBPyConnection, kind: str, df: pd.DataFrame) -> None:
        """Delete the rows an earlier ingest of the same (series, vintage) or (holdings
        date, kind) left: a re-ingest replaces them entirely, dates it lacks included."""
        if kind == "series":
            keys = df[["series_id", "vintage"]].drop_duplicates()
            for sid, vint in keys.itertuples(index=False):
                con.execute(
                    "DELETE FROM observations WHERE series_id = ? AND vintage = CAST(? AS DATE)",
                    [str(sid), pd.Timestamp(vint).date()],
                )
        elif kind == "holdings":
            keys = df[["as_of", "kind"]].drop_duplicates()
            for as_of, held in keys.itertuples(index=False):
                con.execute(
                    "DELETE FROM holdings WHERE as_of = CAST(? AS DATE) AND kind = ?",
                    [pd.Timestamp(as_of).date(), str(held)],
                )

    def _write_one(self, con: duckdb.DuckDBPyConnection, item: SourceData, df: pd.DataFrame) -> int:
        meta = item.meta
        vintage = _vintage_of(item)
        if item.kind == "series":
            df = df.assign(dataset=meta.dataset)
            con.register("_incoming", df)
            con.execute(
                "INSERT OR REPLACE INTO observations "
                "SELECT series_id, CAST(date AS DATE), value, CAST(vintage AS DATE), dataset "
                "FROM _incoming"
            )
            con.unregister("_incoming")
        elif item.kind == "holdings":
            df = df.assign(dataset=meta.dataset)
            con.register("_incoming", df)
            cols = ", ".join(HOLDINGS_COLUMNS)
            con.execute(
                f"INSERT OR REPLACE INTO holdings ({cols}, dataset) "
                f"SELECT {cols}, dataset FROM _incoming"
            )
            con.unregister("_incoming")
        elif item.kind == "table":
            buf = io.BytesIO()
            df.to_parquet(buf, index=False)
            con.execute(
                "INSERT OR REPLACE INTO tables VALUES (?, ?, ?)",
                [meta.dataset, vintage, buf.getvalue()],
            )
        else:
            raise StoreError(f"unknown dataset kind {item.kind!r} for {meta.dataset!r}")
        con.execute(
            "INSERT OR REPLACE INTO provenance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meta.dataset,
                item.kind,
                meta.source,
                meta.official_id,
                meta.url,
                meta.file,
                meta.retrieved_at.replace(tzinfo=None) if meta.retrieved_at else None,
                vintage,
                meta.as_of,
                len(df),
                meta.sha256,
                json.dumps(dict(meta.units), sort_keys=True),
                json.dumps(list(meta.notes)),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        return len(df)

    # --- reading --------------------------------------------------------------
    def provenance(self) -> pd.DataFrame:
        """Every dataset and vintage ingested, newest first."""
        return self._con.execute("SELECT * FROM provenance ORDER BY ingested_at DESC, dataset").df()

    def vintages(self, series_id: str) -> list[date]:
        """The vintages kept for ``series_id``, oldest first."""
        rows = self._con.execute(
            "SELECT DISTINCT vintage FROM observations WHERE series_id = ? ORDER BY vintage",
            [series_id],
        ).fetchall()
        return [r[0] for r in rows]

    def table(self, dataset: str, vintage: date | None = None) -> pd.DataFrame:
        """A stored table (latest vintage unless ``vintage`` is given)."""
        q = "SELECT parquet FROM tables WHERE dataset = ?"
        args: list[object] = [dataset]
        if vintage is not None:
            q += " AND vintage = ?"
            args.append(vintage)
        row = self._con.execute(q + " ORDER BY vintage DESC LIMIT 1", args).fetchone()
        if row is None:
            raise StoreError(f"no table {dataset!r} in the store {self.path}")
        return pd.read_parquet(io.BytesIO(row[0]))


def store_exists(directory: str | os.PathLike[str] | None = None) -> bool:
    """True if a store database exists in ``directory`` (default :func:`data_dir`)."""
    return (data_dir(directory) / DB_FILENAME).exists()


def store_path(directory: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(directory) / DB_FILENAME
