"""Refresh the local store from the live official endpoints (``qtlab data update``).

Each source is fetched completely first and then written in one transaction,
so a source that fails (offline, a server error, a malformed answer) leaves the
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

__all__ = ["FRED_IDS", "SEP_IDS", "SOURCES", "UpdateOutcome", "fetch_source", "update"]

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


def update(
    store: Store,
    sources: Iterable[str] | None = None,
    *,
    client: httpx.Client | None = None,
    on_source: Callable[[str], None] | None = None,
) -> Sequence[UpdateOutcome]:
    """Fetch ``sources`` (default: all) and write each one in its own transaction."""
    names = list(sources) if sources else list(SOURCES)
    bad = [n for n in names if n not in SOURCES]
    if bad:
        raise SpecError(f"unknown source {bad[0]!r}; valid sources are {one_of(SOURCES)}")
    outcomes = []
    for name in names:
        if on_source:
            on_source(name)
        try:
            items = fetch_source(name, client=client)
            report = store.ingest(items)
        except QtlabError as exc:
            outcomes.append(UpdateOutcome(name, False, error=str(exc)))
        else:
            outcomes.append(UpdateOutcome(name, True, report.datasets, report.rows))
    return outcomes
