"""Atomic replacement of a whole output directory (the snapshot, a report).

Writers build into a temporary directory beside the target, then call
:func:`replace_dir`: the target is never seen half-written, and if the final
rename fails the previous contents are put back.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

__all__ = ["replace_dir"]


def replace_dir(tmp: Path, out: Path) -> None:
    """Replace directory ``out`` by ``tmp`` with renames only; the old copy is removed last.

    ``tmp`` must be on the same file system as ``out`` (create it in ``out.parent``).
    """
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
