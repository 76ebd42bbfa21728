"""Crash-safe replacement of a whole output directory (the snapshot, a report).

A writer asks :func:`temp_dir_for` for a working directory beside its target
``out``, builds everything there, then calls :func:`replace_dir`. The sibling
names say what state a directory is in, so a run killed at any instant (even by
SIGKILL) is recovered by the next run on the same ``out`` (:func:`recover`):

``.<name>.tmp-<pid>-<n>``    being written; removed once its process is gone
``.<name>.ready-<pid>-<n>``  complete, about to become ``out``
``.<name>.old-<pid>-<n>``    the previous ``out``, set aside only once the new
                             copy is complete; removed once ``out`` is in place

If ``out`` is missing on start, the complete new copy is put in place (or, when
there is none, the old one is put back), so ``out`` is always either the old
copy or the complete new one. Directories are created with the usual
umask-derived mode, and a replaced ``out`` keeps its own mode.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["clean_leftovers", "discard", "recover", "replace_dir", "temp_dir_for"]

_COUNTER = itertools.count()
#: Working directories of this process still in use (never cleaned as leftovers).
_ACTIVE: set[str] = set()


def _sibling(out: Path, state: str) -> Path:
    # the time orders copies of several runs; the counter keeps names of one run unique
    n = time.time_ns() + next(_COUNTER)
    return out.with_name(f".{out.name}.{state}-{os.getpid()}-{n}")


def _pattern(out: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(out.name)}\.(tmp|ready|old)-(\d+)-(\d+)$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def _rmtree(p: Path) -> None:
    if p.is_symlink() or p.is_file():
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    else:
        shutil.rmtree(p, ignore_errors=True)


def recover(out: Path) -> None:
    """Undo what a killed run left of ``out``'s replacement (see the module docstring).

    If ``out`` is missing, the newest complete copy (``ready``) of a finished
    process becomes ``out``, or else the newest ``old`` copy is put back. Then the
    working copies of processes that are gone are removed.
    """
    parent = out.parent
    if not parent.is_dir():
        return
    pat = _pattern(out)
    found: list[tuple[str, int, int, Path]] = []
    for p in parent.iterdir():
        m = pat.match(p.name)
        if m is not None and (str(p) not in _ACTIVE):
            pid = int(m.group(2))
            if pid != os.getpid() and _alive(pid):
                continue  # another process is working on it right now
            found.append((m.group(1), pid, int(m.group(3)), p))
    if not out.exists() and not out.is_symlink():
        for state in ("ready", "old"):
            cands = sorted((n, p) for s, _, n, p in found if s == state)
            if cands:
                with contextlib.suppress(FileNotFoundError):
                    cands[-1][1].rename(out)
                    found = [f for f in found if f[3] != cands[-1][1]]
                    break
    for _, _, _, p in found:
        _rmtree(p)


def clean_leftovers(parent: Path, pattern: str, allowed: Iterable[str]) -> list[Path]:
    """Remove working directories of earlier qtlab versions in ``parent``.

    Only directories whose name matches the regular expression ``pattern`` and
    whose entries are all in ``allowed`` (what qtlab writes there) are removed, so
    a user's own folder of a similar name is never touched. Returns what was removed.
    """
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    rx = re.compile(pattern)
    ok = set(allowed)
    for p in parent.iterdir():
        if not rx.match(p.name) or p.is_symlink() or not p.is_dir():
            continue
        try:
            names = {c.name for c in p.iterdir()}
        except OSError:
            continue
        if names <= ok:
            _rmtree(p)
            removed.append(p)
    return removed


def temp_dir_for(out: Path) -> Path:
    """A new, empty working directory beside ``out`` (after :func:`recover`).

    It is made with the usual umask-derived mode (not 0700, as ``mkdtemp`` would).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    tmp = _sibling(out, "tmp")
    tmp.mkdir()
    _ACTIVE.add(str(tmp))
    return tmp


def discard(tmp: Path) -> None:
    """Remove a working directory from :func:`temp_dir_for` (after a failure)."""
    _ACTIVE.discard(str(tmp))
    _rmtree(tmp)


def replace_dir(tmp: Path, out: Path) -> None:
    """Replace directory ``out`` by the complete directory ``tmp``, crash-safely.

    ``tmp`` must be on the same file system as ``out`` (use :func:`temp_dir_for`).
    Steps: ``tmp`` is renamed ``ready`` (it is complete), ``out`` is set aside as
    ``old``, ``ready`` becomes ``out``, and ``old`` is removed last. If the last
    rename fails the old copy is put back; if the process is killed in between,
    :func:`recover` finishes the job on the next run. ``out`` keeps its mode.
    """
    if out.is_dir():
        with contextlib.suppress(OSError):
            tmp.chmod(stat.S_IMODE(out.stat().st_mode))
    ready = _sibling(out, "ready")
    _ACTIVE.add(str(ready))
    try:
        tmp.rename(ready)
        _ACTIVE.discard(str(tmp))
        old: Path | None = None
        if out.exists() or out.is_symlink():
            old = _sibling(out, "old")
            _ACTIVE.add(str(old))
            out.rename(old)
        try:
            ready.rename(out)
        except BaseException:
            if old is not None:
                old.rename(out)
            raise
        if old is not None:
            _rmtree(old)
            _ACTIVE.discard(str(old))
    except BaseException:
        if ready.exists():
            ready.rename(tmp)
        raise
    finally:
        _ACTIVE.discard(str(ready))
