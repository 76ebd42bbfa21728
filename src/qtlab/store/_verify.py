"""The snapshot is read only as its manifest describes it, and only once checked.

:func:`snapshot_files` is what :class:`~qtlab.store.Dataset` reads: the Parquet
files the manifest lists (a stray file beside them is never read), each checked
to exist and to have the manifest's SHA-256. Hashing the 3 MB snapshot takes a
few milliseconds; it is done once per process for each state of a file (path,
size, modification time, inode), so a file changed afterwards is checked again.
A problem raises :class:`~qtlab.errors.DataError` naming the file and the fix.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path, PurePosixPath

from qtlab._fsutil import recover
from qtlab.errors import DataError
from qtlab.store.snapshot import MANIFEST_NAME, SNAPSHOT_FORMAT, file_sha256, load_manifest

__all__ = ["SUBDIRS", "snapshot_files"]

#: Manifest ``kind`` -> the snapshot's sub-folder for it.
SUBDIRS = {"series": "series", "holdings": "holdings", "table": "tables"}

_FIX = (
    "The snapshot must be exactly as built: reinstall qtlab, or rebuild it with "
    "`qtlab data build-snapshot --from data/raw --out DIR`"
)

#: File states (path, size, mtime, inode) whose checksum matched, with that checksum.
_VERIFIED: dict[tuple[str, int, int, int], str] = {}
_LOCK = threading.Lock()


def _damaged(directory: Path, what: str) -> DataError:
    return DataError(f"the snapshot at {directory} is damaged: {what}. {_FIX}")


def _check_file(directory: Path, rel: str, sha256: str) -> Path:
    f = directory / rel
    try:
        st = os.stat(f)  # noqa: PTH116 - the state key needs the raw stat fields
    except FileNotFoundError:
        raise _damaged(directory, f"{rel} is listed in {MANIFEST_NAME} but missing") from None
    key = (str(f), st.st_size, st.st_mtime_ns, st.st_ino)
    with _LOCK:
        if _VERIFIED.get(key) == sha256:
            return f
    got = file_sha256(f)
    if got != sha256:
        raise _damaged(
            directory,
            f"{rel} has SHA-256 {got[:16]}..., not the {sha256[:16]}... {MANIFEST_NAME} records "
            "(the file was changed, truncated or replaced)",
        )
    with _LOCK:
        _VERIFIED[key] = sha256
    return f


def snapshot_files(directory: Path) -> dict[str, list[Path]]:
    """The checked Parquet files of the snapshot in ``directory``, by sub-folder.

    Returns ``{"series": [...], "holdings": [...], "tables": [...]}``; all empty
    when there is no snapshot (no manifest and no Parquet files).

    Raises
    ------
    DataError
        Parquet files without a manifest, a manifest of another format, a listed
        file missing or with another checksum, a path outside the snapshot.
    """
    out: dict[str, list[Path]] = {sub: [] for sub in SUBDIRS.values()}
    if not directory.exists():
        # a build killed while swapping the snapshot in: put the complete copy in place
        with contextlib.suppress(OSError):
            recover(directory)
    manifest = load_manifest(directory)
    if manifest is None:
        stray = sorted(
            str(p.relative_to(directory))
            for sub in SUBDIRS.values()
            for p in (directory / sub).glob("*.parquet")
        )
        if stray:
            raise _damaged(directory, f"no {MANIFEST_NAME}, yet it holds {', '.join(stray[:3])}")
        return out
    if manifest.format != SNAPSHOT_FORMAT:
        raise _damaged(
            directory,
            f"{MANIFEST_NAME} has format {manifest.format}; this qtlab reads format "
            f"{SNAPSHOT_FORMAT} only",
        )
    for e in manifest.datasets:
        rel = PurePosixPath(e.path)
        sub = SUBDIRS[e.kind]
        if rel.is_absolute() or len(rel.parts) != 2 or rel.parts[0] != sub:
            raise _damaged(
                directory, f"dataset {e.id!r} has path {e.path!r}, not {sub}/<name>.parquet"
            )
        out[sub].append(_check_file(directory, e.path, e.sha256))
    for files in out.values():
        files.sort()
    return out
