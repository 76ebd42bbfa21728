"""Refresh the local store from the live official endpoints (``qtlab data update``).

Every source is fetched completely first, with the store closed, and then each
is written in its own transaction (the store is held for writing only then), so a
source that fails (offline, a server error, a malformed answer) leaves the
store exactly as it was, and the other sources still update.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import httpx

from qtlab.errors import QtlabError, SpecError, one_of
from qtlab.schema import SERIES
from qtlab.sources import cbo, fomc, fred, freddie, nyfed, philly, treasury
from qtlab.sources._base import SourceData
from qtlab.store.db import Store

__all__ = [
    "FRED_IDS",
    "SEP_IDS",
    "SOURCES",
    "Fetched",
    "UpdateOutcome",
    "fetch_all",
    "fetch_source",
    "update",
    "write_fetched",
]

#: FRED series qtlab keeps up to date (every FRED id in the glossary).
FRED_IDS: tuple[str, ...] = tuple(
    s.id for s in SERIES.values() if s.source == "fred" and s.id != "DXY"
)

#: FOMC SEP series fetched from FRED: the fed funds median by year end and in the longer run.
SEP_IDS: tuple[str, ...] = ("FEDTARMD", "FEDTARMDLR")

SOURCES: tuple[str, ...] = ("fred", "nyfed", "treasury", "cbo", "freddie", "fomc", "philly")


@dataclass(frozen=True)
class UpdateOutcome:
    """What happened to one source: the datasets and rows written, or the error."""

    source: str
    ok: bool
    datasets: tuple[str, ...] = ()
    rows: int = 0
    error: str | None = None


def _fred_job(series_id: str, client: httpx.Client | None) -> Callable[[], SourceData]:
    return lambda: fred.get_fred(series_id, client=client)


def _sep_job(series_id: str, client: httpx.Client | None) -> Callable[[], SourceData]:
    return lambda: fomc.get_sep(series_id, client=client)


def fetch_source(name: str, client: httpx.Client | None = None) -> list[SourceData]:
    """Fetch everything qtlab keeps from one source (no store writes)."""
    jobs: list[Callable[[], SourceData | list[SourceData]]]
    if name == "fred":
        jobs = [_fred_job(sid, client) for sid in FRED_IDS]
    elif name == "nyfed":

        def holdings() -> list[SourceData]:
            # The CSV form: the one the snapshot's CUSIP files have and the build
            # reconciles against the summary, with a fixed header (the JSON form
            # leaves out keys a row has no value for, so a renamed key would pass
            # silently as empty cells).
            dates = nyfed.get_soma_asofdates(client=client).data["as_of"]
            latest = dates.max().date()
            return [
                nyfed.get_soma_holdings(latest, group=g, fmt="csv", client=client)
                for g in ("treasury", "agency")
            ]

        jobs = [lambda: nyfed.get_soma_summary(client=client), holdings]
    elif name == "treasury":
        jobs = [lambda: treasury.get_mspd_table1(client=client)]
    elif name == "cbo":
        jobs = [
            lambda: cbo.get_cbo_baselines(client=client),
            lambda: cbo.get_cbo_actuals(client=client),
            lambda: cbo.get_cbo_actuals(which="gdp", client=client),
        ]
    elif name == "freddie":
        jobs = [lambda: freddie.get_pmms(client=client)]
    elif name == "fomc":
        jobs = [_sep_job(sid, client) for sid in SEP_IDS]
    elif name == "philly":
        jobs = [lambda: philly.get_routput(client=client)]
    else:
        raise SpecError(f"unknown source {name!r}; valid sources are {one_of(SOURCES)}")
    out: list[SourceData] = []
    for job in jobs:
        got = job()
        out.extend(got if isinstance(got, list) else [got])
    return out


def _check_names(sources: Iterable[str] | None) -> list[str]:
    names = list(sources) if sources else list(SOURCES)
    bad = [n for n in names if n not in SOURCES]
    if bad:
        raise SpecError(f"unknown source {bad[0]!r}; valid sources are {one_of(SOURCES)}")
    return names


@dataclass(frozen=True)
class Fetched:
    """One source fetched (``items``) or failed (``error``), before any store write."""

    source: str
    items: tuple[SourceData, ...] = ()
    error: str | None = None


def fetch_all(
    sources: Iterable[str] | None = None,
    *,
    client: httpx.Client | None = None,
    on_source: Callable[[str], None] | None = None,
) -> list[Fetched]:
    """Fetch ``sources`` (default: all) without touching the store.

    The network is slow and may hang; nothing holds the store meanwhile, so other
    qtlab processes keep reading it (see :func:`write_fetched`).
    """
    out = []
    for name in _check_names(sources):
        if on_source:
            on_source(name)
        try:
            out.append(Fetched(name, tuple(fetch_source(name, client=client))))
        except QtlabError as exc:
            out.append(Fetched(name, error=str(exc)))
    return out


def write_fetched(store: Store, fetched: Sequence[Fetched]) -> list[UpdateOutcome]:
    """Write each fetched source in its own transaction; a failed fetch writes nothing."""
    outcomes = []
    for f in fetched:
        if f.error is not None:
            outcomes.append(UpdateOutcome(f.source, False, error=f.error))
            continue
        try:
            report = store.ingest(f.items)
        except QtlabError as exc:
            outcomes.append(UpdateOutcome(f.source, False, error=str(exc)))
        else:
            outcomes.append(UpdateOutcome(f.source, True, report.datasets, report.rows))
    return outcomes


def update(
    store: Store,
    sources: Iterable[str] | None = None,
    *,
    client: httpx.Client | None = None,
    on_source: Callable[[str], None] | None = None,
) -> Sequence[UpdateOutcome]:
    """Fetch ``sources`` (default: all) and write each one in its own transaction.

    ``store`` is open the whole time; ``qtlab data update`` instead calls
    :func:`fetch_all` first and opens the store only for :func:`write_fetched`.
    """
    return write_fetched(store, fetch_all(sources, client=client, on_source=on_source))
