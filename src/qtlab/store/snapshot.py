"""The embedded snapshot: compact Parquet files plus ``manifest.json``.

The snapshot is the read-only base layer of every :class:`~qtlab.store.Dataset`:
it ships inside the package so that qtlab answers offline out of the box. It is
built from the raw official files by :func:`qtlab.store.build.build_snapshot`
(``qtlab data build-snapshot --from DIR``) and never edited by hand.

Layout::

    manifest.json
    series/<dataset>.parquet     series_id, date, value, vintage   [glossary units]
    holdings/<dataset>.parquet   qtlab.schema.HOLDINGS_COLUMNS
    tables/<dataset>.parquet     tidy tables documented by their loader
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from qtlab.errors import DataError, ParseError
from qtlab.store.paths import packaged_snapshot_dir

__all__ = [
    "MANIFEST_NAME",
    "SNAPSHOT_FORMAT",
    "Check",
    "Manifest",
    "ManifestEntry",
    "file_sha256",
    "load_manifest",
    "verify_snapshot",
]

MANIFEST_NAME = "manifest.json"
SNAPSHOT_FORMAT = 1


class ManifestEntry(BaseModel):
    """One dataset of the snapshot and its provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: Literal["series", "holdings", "table"]
    source: str
    official_id: str
    url: str | None = None
    raw_file: str
    raw_sha256: str
    path: str
    sha256: str
    rows: int
    as_of: date | None
    first: date | None
    last: date | None
    vintage: date
    vintage_basis: str
    series: tuple[str, ...] = ()
    units: dict[str, str] = {}
    notes: tuple[str, ...] = ()


class Check(BaseModel):
    """The outcome of one reconciliation made when the snapshot was built."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    passed: bool
    tolerance: str
    max_abs_diff: float | None
    compared: int
    detail: str


class Manifest(BaseModel):
    """The snapshot's table of contents (``manifest.json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int
    built_at: datetime
    qtlab_version: str
    source_dir_name: str
    datasets: tuple[ManifestEntry, ...]
    checks: tuple[Check, ...] = ()

    def entry(self, dataset: str) -> ManifestEntry:
        for e in self.datasets:
            if e.id == dataset:
                return e
        raise DataError(
            f"no dataset {dataset!r} in the snapshot; it has "
            + ", ".join(sorted(e.id for e in self.datasets))
        )


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_manifest(directory: Path | None = None) -> Manifest | None:
    """Read the manifest of the snapshot in ``directory`` (default: the packaged one).

    Returns None if there is no snapshot there yet. Raises :class:`ParseError`
    naming the file if the manifest is malformed.
    """
    d = directory if directory is not None else packaged_snapshot_dir()
    p = d / MANIFEST_NAME
    if not p.exists():
        return None
    try:
        return Manifest.model_validate(json.loads(p.read_text(encoding="utf-8")))
    except (ValidationError, json.JSONDecodeError) as exc:
        raise ParseError(f"malformed snapshot manifest: {exc}", file=str(p)) from exc


def verify_snapshot(directory: Path | None = None) -> list[str]:
    """Check every file of the snapshot against its manifest checksum.

    Returns a list of problems (empty when the snapshot is intact).
    """
    d = directory if directory is not None else packaged_snapshot_dir()
    manifest = load_manifest(d)
    if manifest is None:
        return [f"no snapshot manifest in {d}"]
    problems = []
    for e in manifest.datasets:
        f = d / e.path
        if not f.exists():
            problems.append(f"{e.id}: missing file {e.path}")
        elif file_sha256(f) != e.sha256:
            problems.append(f"{e.id}: checksum mismatch for {e.path}")
    return problems
