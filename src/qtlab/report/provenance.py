"""The data-provenance appendix: what each section read, from where, as of when.

The report runs every analysis in one :class:`~qtlab.runs.RunContext`, whose view
(:class:`~qtlab.runs.context.ContextDataset`) records every series, holdings kind and
table handed out, however often (each is read once per context). The appendix then
lists, for each of them, the dataset of the snapshot manifest (or the user's store) it
came from, the source, the official id, the last observation visible at the vantage date
and the vintage used. Only
what was visible at the vantage is listed: a series with no observation published
by then is left out, and the later data the scoring sections (E1, E2) read through
:meth:`~qtlab.runs.RunContext.at` are not listed (their notes say so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qtlab.errors import DataError, UnknownSeriesError
from qtlab.i18n import has, t
from qtlab.runs.context import ContextDataset, RunContext
from qtlab.schema import series_spec
from qtlab.sources.user import USER_SOURCE
from qtlab.store.dataset import Dataset
from qtlab.store.snapshot import ManifestEntry

__all__ = [
    "ProvenanceRow",
    "provenance_frame",
    "provenance_rows",
    "reference_rows",
]


@dataclass(frozen=True)
class ProvenanceRow:
    """One line of the appendix."""

    dataset: str
    source: str
    official_id: str
    series: str
    last: str
    vintage: str
    layer: str
    projection: bool = False
    #: the vintage used is later than the vantage (observed data fetched later)
    later_vintage: bool = False
    #: the source in the user's own words (a ``qtlab data import``), shown after the source
    source_detail: str = ""


def _entry_for_series(ds: Dataset, series_id: str) -> ManifestEntry | None:
    """The snapshot dataset holding ``series_id``; where several files hold vintages of it
    (WTREGEN in billions and, later, in millions), the one of the newest vintage the view
    reads, else the newest."""
    m = ds.manifest
    if m is None:
        return None
    held = [e for e in m.datasets if series_id in e.series]
    if len(held) <= 1:
        return held[0] if held else None
    obs = Dataset.observations(ds, series_id)
    newest = pd.Timestamp(obs["vintage"].max()).date() if not obs.empty else None
    same = [e for e in held if e.vintage == newest]
    return same[0] if same else max(held, key=lambda e: e.vintage)


def _is_projection(series_id: str) -> bool:
    try:
        return series_spec(series_id).kind == "projection"
    except UnknownSeriesError:
        return False


def _store_source(
    ds: ContextDataset, ids: list[str], vintage: pd.Timestamp | None
) -> tuple[str, str, str]:
    """``(source key, official id or file, the user's own words)`` of a series only the store
    holds, from the provenance the store recorded when it was fetched or imported."""
    rec = ds.store_provenance(ids[0], vintage) if vintage is not None else None
    if rec is None:
        return "", ", ".join(ids), ""
    src = str(rec["source"] or "")
    if src.startswith(USER_SOURCE):
        # "user file (SIFMA ...)": credit the user's file, never an official provider
        detail = src.removeprefix(USER_SOURCE).strip().removeprefix("(").removesuffix(")")
        name = str(rec["official_id"] or rec["file"] or "")
        sha = f", sha256 {rec['sha256']}" if rec["sha256"] else ""
        return "user", f"{name}{sha}", detail.strip()
    return src, str(rec["official_id"] or ", ".join(ids)), ""


def provenance_rows(ctx: RunContext) -> list[ProvenanceRow]:
    """One :class:`ProvenanceRow` per series (grouped by dataset), holdings file and table
    ``ctx`` handed out at its own vantage."""
    ds = ctx.dataset
    rows: list[ProvenanceRow] = []
    by_dataset: dict[str, list[str]] = {}
    entries: dict[str, ManifestEntry | None] = {}
    visible: dict[str, pd.DataFrame] = {}
    for sid in sorted(ds.read_series):
        try:
            obs = Dataset.observations(ds, sid)
        except DataError:  # asked for but not held: nothing was read
            continue
        if obs.empty:  # nothing of it visible at the vantage date
            continue
        visible[sid] = obs
        e = _entry_for_series(ds, sid)
        key = e.id if e is not None else f"store:{sid}"
        by_dataset.setdefault(key, []).append(sid)
        entries[key] = e
    for key in sorted(by_dataset):
        ids = by_dataset[key]
        e = entries[key]
        lasts, vintages = [], []
        for sid in ids:
            obs = visible[sid]
            lasts.append(obs["date"].max())
            vintages.append(obs["vintage"].max())
        projection = all(_is_projection(sid) for sid in ids)
        snap_vintage = pd.Timestamp(e.vintage) if e is not None else None
        newest = max(vintages) if vintages else None
        in_store = newest is not None and (snap_vintage is None or newest > snap_vintage)
        source, official_id, detail = _store_source(ds, ids, newest) if e is None else ("", "", "")
        rows.append(
            ProvenanceRow(
                dataset=key if e is None else e.id,
                source=e.source if e is not None else source,
                official_id=e.official_id if e is not None else official_id,
                series=", ".join(ids),
                last=max(lasts).date().isoformat() if lasts else "",
                vintage=newest.date().isoformat() if newest is not None else "",
                layer="store" if in_store else "snapshot",
                projection=projection,
                later_vintage=bool(
                    not projection
                    and ds.as_of is not None
                    and newest is not None
                    and newest.date() > ds.as_of
                ),
                source_detail=detail,
            )
        )
    if ds.read_holdings:
        dates = ds.holdings_dates()
        m = ds.manifest
        for kind in sorted(ds.read_holdings):
            sub = dates[dates["kind"] == kind]
            if sub.empty:
                continue
            as_of = pd.Timestamp(sub["as_of"].max()).date()
            match = None
            if m is not None:
                for e in m.datasets:
                    if e.kind == "holdings" and e.as_of == as_of:
                        match = e
            rows.append(
                ProvenanceRow(
                    dataset=match.id if match is not None else f"store:holdings.{as_of}",
                    source=match.source if match is not None else "nyfed",
                    official_id=match.official_id if match is not None else "",
                    series=f"holdings: {kind}",
                    last=as_of.isoformat(),
                    vintage=match.vintage.isoformat() if match is not None else as_of.isoformat(),
                    layer="snapshot" if match is not None else "store",
                )
            )
    m = ds.manifest
    for name in sorted(ds.read_tables):
        try:
            e = m.entry(name) if m else None
        except DataError:
            e = None
        rows.append(
            ProvenanceRow(
                dataset=e.id if e is not None else name,
                source=e.source if e is not None else "",
                official_id=e.official_id if e is not None else "",
                series=f"table: {name}",
                last=e.last.isoformat() if e is not None and e.last else "",
                vintage=e.vintage.isoformat() if e is not None else "",
                layer="snapshot",
            )
        )
    # one line per (dataset, holdings kind...) but no exact duplicates
    seen: set[ProvenanceRow] = set()
    unique = []
    for r in rows:
        if r not in seen:
            seen.add(r)
            unique.append(r)
    return unique


def reference_rows(meta_references: Iterable[Mapping[str, Any]]) -> list[ProvenanceRow]:
    """Rows for packaged, cited data an analysis used (``meta["references"]``).

    Each reference is a mapping with ``dataset``, ``source`` (a provider key such
    as ``fomc``), ``official_id`` (the cited document or URL), ``series`` and
    ``vintage`` (the publication date); ``last`` is optional.
    """
    return [
        ProvenanceRow(
            dataset=str(r["dataset"]),
            source=str(r["source"]),
            official_id=str(r["official_id"]),
            series=str(r.get("series", "")),
            last=str(r.get("last", "")),
            vintage=str(r["vintage"]),
            layer="package",
        )
        for r in meta_references
    ]


def provenance_frame(rows: Iterable[ProvenanceRow], lang: str) -> pd.DataFrame:
    """The appendix as a table with headings and source names in ``lang``."""
    cols = ("dataset", "source", "official_id", "series", "last", "vintage", "layer")
    data = []
    for r in rows:
        src = f"report.source_name.{r.source}"
        data.append(
            {
                t(f"report.prov.{c}", lang): (
                    (t(src, lang) if has(src, lang) else r.source)
                    + (f": {r.source_detail}" if r.source_detail else "")
                    if c == "source" and r.source
                    else t(f"report.layer.{r.layer}", lang)
                    if c == "layer"
                    else t("report.prov.projected_to", lang, date=r.last)
                    if c == "last" and r.projection and r.last
                    else t("report.prov.later_vintage", lang, date=r.vintage)
                    if c == "vintage" and r.later_vintage
                    else getattr(r, c)
                )
                for c in cols
            }
        )
    return pd.DataFrame(data, columns=[t(f"report.prov.{c}", lang) for c in cols])
