"""The report's ``--out`` folder: what qtlab may replace there, and what it keeps.

A report folder is marked by ``.qtlab-report.json``, which lists every file the
report wrote (``"files"``). Re-running the report replaces exactly those files;
anything else a user put there (notes, their own figures, sub-folders) is carried
over into the new report unchanged. A file of the user's at a path the new report
writes is refused, never overwritten. A marker of an earlier qtlab version (no
``"files"``) is taken to own what those versions wrote: ``index.html``,
``tables/*.csv`` and ``figures/*.png``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from qtlab._fsutil import clean_leftovers
from qtlab.errors import SpecError

__all__ = ["MARKER", "carry_over", "clean_old_temp_dirs", "owned_files"]

MARKER = ".qtlab-report.json"


def _rel_files(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        names = filenames + [n for n in dirnames if (d / n).is_symlink()]
        out += [(d / n).relative_to(root).as_posix() for n in names]
    return sorted(out)


def _legacy_owned(files: Iterable[str]) -> set[str]:
    owned = {"index.html", MARKER}
    for f in files:
        p = PurePosixPath(f)
        if len(p.parts) == 2 and (
            (p.parts[0] == "tables" and p.suffix == ".csv")
            or (p.parts[0] == "figures" and p.suffix == ".png")
        ):
            owned.add(f)
    return owned


def owned_files(out: Path) -> set[str]:
    """The files of ``out`` an earlier report wrote (relative POSIX paths).

    Empty for a missing or empty folder. Raises :class:`SpecError` if ``out`` is
    a file, or a non-empty folder that is not a qtlab report, or its marker is unreadable.
    """
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SpecError(
            f"out={str(out)!r} is a file or a symbolic link; give a directory for the report"
        )
    if not out.is_dir() or not any(out.iterdir()):
        return set()
    marker = out / MARKER
    if not marker.is_file():
        raise SpecError(
            f"out={str(out)!r} exists and is not a qtlab report (no {MARKER}); qtlab replaces "
            "only its own reports. Choose a new or empty directory"
        )
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
        listed = info.get("files") if isinstance(info, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(
            f"out={str(out)!r}: its report marker {MARKER} is unreadable ({exc}); qtlab cannot "
            "tell its files from yours. Choose a new or empty directory"
        ) from exc
    present = _rel_files(out)
    if listed is None:
        return _legacy_owned(present)
    if not isinstance(listed, list) or not all(isinstance(f, str) for f in listed):
        raise SpecError(
            f"out={str(out)!r}: {MARKER} has a malformed 'files' list; qtlab cannot tell its "
            "files from yours. Choose a new or empty directory"
        )
    safe = {f for f in listed if not PurePosixPath(f).is_absolute() and ".." not in f.split("/")}
    return (safe & set(present)) | {MARKER}


def carry_over(out: Path, tmp: Path, owned: set[str], new_files: set[str]) -> list[str]:
    """Copy every file of ``out`` the report does not own into ``tmp`` (hard links where
    the file system allows). Returns the relative paths carried over.

    Raises :class:`SpecError`, before anything is copied, if one of them is at a
    path the new report writes (``new_files``).
    """
    if not out.is_dir():
        return []
    theirs = [f for f in _rel_files(out) if f not in owned]
    clash = sorted(set(theirs) & new_files)
    if clash:
        raise SpecError(
            f"out={str(out)!r} holds {', '.join(clash[:5])}, which the report did not write "
            "but would now overwrite; move or rename it, or choose another directory"
        )
    for f in theirs:
        src, dst = out / f, tmp / f
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(src.readlink())
            continue
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    # empty folders of the user's are kept too
    for dirpath, dirnames, _ in os.walk(out):
        for n in dirnames:
            d = Path(dirpath) / n
            if not d.is_symlink():
                (tmp / d.relative_to(out)).mkdir(parents=True, exist_ok=True)
    return theirs


def clean_old_temp_dirs(out: Path) -> None:
    """Remove working folders earlier qtlab versions left beside ``out`` when killed."""
    clean_leftovers(
        out.parent,
        rf"^\.{re.escape(out.name)}\.tmp-[a-z0-9_]{{8}}$",
        {"tables", "figures", "index.html", MARKER},
    )
