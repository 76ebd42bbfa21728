"""Opening the store while another qtlab process holds it.

DuckDB lets one process write a database file, or several read it, never both:
a second process gets ``IOException: Could not set lock``. qtlab holds the store
for writing only for the length of one transaction (``data update`` fetches
first), so :func:`open_with_retry` waits, with a bounded retry, and then says
clearly that another qtlab process holds the store. The wait is
:data:`DEFAULT_WAIT_S` seconds, or ``$QTLAB_LOCK_WAIT`` (seconds, ``0`` = try once).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from qtlab.errors import StoreError

__all__ = ["DEFAULT_WAIT_S", "LOCK_WAIT_ENV", "is_lock_error", "lock_wait_s", "open_with_retry"]

#: Environment variable: how long to wait for another process's lock [seconds].
LOCK_WAIT_ENV = "QTLAB_LOCK_WAIT"
#: Default wait for another process's lock [seconds].
DEFAULT_WAIT_S = 30.0

_T = TypeVar("_T")


def lock_wait_s() -> float:
    """The lock wait in seconds (:data:`LOCK_WAIT_ENV`, else :data:`DEFAULT_WAIT_S`)."""
    raw = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_WAIT_S
    try:
        wait = float(raw)
    except ValueError:
        raise StoreError(
            f"{LOCK_WAIT_ENV}={raw!r} is not a number; give the seconds to wait for another "
            "qtlab process holding the store (e.g. 30, or 0 to fail at once)"
        ) from None
    if not (wait >= 0 and wait < float("inf")):
        raise StoreError(f"{LOCK_WAIT_ENV}={raw!r} must be a finite number of seconds >= 0")
    return wait


def is_lock_error(exc: BaseException) -> bool:
    """True if ``exc`` is DuckDB refusing a file another process holds."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def open_with_retry(path: Path, open_fn: Callable[[], _T], *, writing: bool) -> _T:
    """Call ``open_fn`` until it stops failing on a lock held by another process.

    Waits up to :func:`lock_wait_s` seconds (short sleeps, growing), then raises
    :class:`StoreError` saying another qtlab process holds ``path``. Other errors
    pass through unchanged.
    """
    wait = lock_wait_s()
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        try:
            return open_fn()
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                doing = "writing" if writing else "reading"
                raise StoreError(
                    f"cannot open the store {path} for {doing}: another qtlab process holds it "
                    f"(waited {wait:g} s). A running `qtlab data update` or `qtlab data import` "
                    "holds it while it writes; readers (report, dashboard, project) hold it "
                    "while they run. Retry when it has finished, set "
                    f"{LOCK_WAIT_ENV}=SECONDS to wait longer, or pass data_dir= to use "
                    f"another store. DuckDB said: {exc}"
                ) from exc
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 1.6, 1.0)
