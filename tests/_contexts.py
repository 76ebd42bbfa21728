"""Run contexts shared by the tests of one process, made explicitly.

A :class:`~qtlab.runs.RunContext` reads each input once and keeps the runs it made;
tests that only read the packaged snapshot at a vantage share one context per vantage
(:func:`shared`), so the suite reads and runs each thing once per process, as a report
does once per build. A test that changes the data, or counts reads, makes its own.
"""

from __future__ import annotations

import atexit
import threading
from datetime import date

from qtlab.runs import RunContext

_SHARED: dict[str | date | None, RunContext] = {}
_LOCK = threading.Lock()


def shared(as_of: str | date | None = None) -> RunContext:
    """The process's context over the packaged snapshot alone (no store) at ``as_of``."""
    with _LOCK:
        ctx = _SHARED.get(as_of)
        if ctx is None:
            ctx = _SHARED[as_of] = RunContext(as_of, use_store=False)
        return ctx


@atexit.register
def _close() -> None:
    for ctx in _SHARED.values():
        ctx.close()
