"""Where a snapshot may be written: ``--out`` is checked before anything is read.

The build replaces ``--out`` as a whole, so it must be a new or empty directory
or an earlier snapshot (a ``manifest.json`` and nothing qtlab does not write);
never a file, a user's folder, the raw files themselves or a folder holding them,
nor the working directory.
"""

from __future__ import annotations

from pathlib import Path

from qtlab._fsutil import clean_leftovers
from qtlab.errors import SpecError
from qtlab.store.snapshot import MANIFEST_NAME

__all__ = ["SNAPSHOT_ENTRIES", "check_snapshot_out", "clean_old_build_dirs"]

#: What a snapshot directory holds (anything else there is someone else's).
SNAPSHOT_ENTRIES = frozenset({MANIFEST_NAME, "series", "holdings", "tables"})


def _within(a: Path, b: Path) -> bool:
    """True if ``a`` is ``b`` or inside it."""
    return a == b or b in a.parents


def check_snapshot_out(src: Path, out: Path) -> None:
    """Refuse an ``out`` the build must not replace (see the module docstring).

    Raises :class:`SpecError` naming ``--out``, what is wrong and what is valid.
    """
    rsrc, rout = src.resolve(), out.resolve()
    valid = "give a new or empty directory, or an earlier snapshot to replace"
    if _within(rout, rsrc):
        raise SpecError(
            f"out={str(out)!r} is the raw-file directory src={str(src)!r} or inside it; "
            f"writing there would delete the raw files. {valid}"
        )
    if _within(rsrc, rout):
        raise SpecError(
            f"out={str(out)!r} holds the raw-file directory src={str(src)!r}; replacing it "
            f"would delete the raw files. {valid}"
        )
    if _within(Path.cwd().resolve(), rout):
        raise SpecError(
            f"out={str(out)!r} is the working directory (or holds it); the snapshot replaces "
            f"out= as a whole. {valid}"
        )
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SpecError(f"out={str(out)!r} is a file or a symbolic link, not a directory; {valid}")
    if not out.is_dir():
        return
    entries = sorted(p.name for p in out.iterdir())
    if not entries:
        return
    if MANIFEST_NAME not in entries:
        raise SpecError(
            f"out={str(out)!r} is not empty and is not a snapshot (no {MANIFEST_NAME}); "
            f"it holds {', '.join(entries[:5])}{' ...' if len(entries) > 5 else ''}. "
            f"The build replaces out= as a whole; {valid}"
        )
    foreign = [e for e in entries if e not in SNAPSHOT_ENTRIES]
    if foreign:
        raise SpecError(
            f"out={str(out)!r} is a snapshot but also holds {', '.join(foreign[:5])}, which "
            f"the build did not write and would delete; move them away, or {valid}"
        )


def clean_old_build_dirs(out: Path) -> None:
    """Remove build directories earlier qtlab versions left beside ``out`` when killed
    (``.snapshot-XXXXXXXX`` holding only snapshot entries)."""
    clean_leftovers(out.parent, r"^\.snapshot-[a-z0-9_]{8}$", SNAPSHOT_ENTRIES)
