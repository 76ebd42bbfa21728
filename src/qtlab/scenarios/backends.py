"""Where a sweep's chunks run: ``local`` (a thread pool) or ``dask`` (``dask.distributed``).

Both receive the same list of chunks (fixed by the sweep's ``chunk_size``) and return
the results in that order, so the numbers do not depend on the backend or on the
number of workers. Dask is an optional dependency (``pip install 'qtlab[dask]'``),
imported only when the ``dask`` backend is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np

from qtlab.errors import SpecError, one_of, quoted
from qtlab.policy import Policy
from qtlab.scenarios.rates import RatePaths
from qtlab.scenarios.sweep import SweepStart, run_chunk

__all__ = ["BACKENDS", "check_backend", "dask_client", "run_chunks"]

#: The backends a sweep can run on.
BACKENDS: Final = ("local", "dask")
_CONNECT_TIMEOUT: Final = "5s"

Task = tuple[Policy, RatePaths, np.ndarray]


def check_backend(backend: str) -> str:
    """``backend`` itself if valid, else a :class:`SpecError` listing :data:`BACKENDS`."""
    if backend not in BACKENDS:
        raise SpecError(f"backend={quoted(backend)} is unknown; valid: {one_of(BACKENDS)}")
    return backend


def _run_task(start: SweepStart, task: Task) -> dict[str, np.ndarray]:
    pol, paths, coefs = task
    return run_chunk(start, pol, paths, coefs)


def run_chunks(
    start: SweepStart,
    tasks: Sequence[Task],
    *,
    backend: str = "local",
    workers: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
) -> list[dict[str, np.ndarray]]:
    """Run every ``(policy, paths, coefs)`` chunk with :func:`~qtlab.scenarios.sweep.run_chunk`;
    results in the order of ``tasks``."""
    check_backend(backend)
    if backend == "local":
        if client is not None or scheduler is not None:
            raise SpecError("client= and scheduler= are for backend='dask'")
        n = workers if workers is not None else min(4, os.cpu_count() or 1)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise SpecError(f"workers={quoted(workers)} must be an integer >= 1")
        if n == 1 or len(tasks) == 1:
            return [_run_task(start, t) for t in tasks]
        with ThreadPoolExecutor(max_workers=min(n, len(tasks))) as pool:
            return list(pool.map(lambda t: _run_task(start, t), tasks))
    c, own = dask_client(client, scheduler)
    try:
        # hash=False: a fresh key per sweep; a hashed key would be the same for the same
        # start, and a second sweep on one client could ask for it while the first
        # sweep's copy is being released ("lost dependencies")
        shared = c.scatter(start, broadcast=True, hash=False)
        futures = [c.submit(_run_task, shared, t, pure=False) for t in tasks]
        return list(c.gather(futures))
    finally:
        if own:
            c.close()


def dask_client(client: Any = None, scheduler: str | None = None) -> tuple[Any, bool]:
    """The ``dask.distributed`` client to use and whether this call created it (and must
    close it): ``client`` if given, else one connected to ``scheduler`` (an address such
    as ``tcp://10.0.0.5:8786``), else an in-process local cluster."""
    try:
        from dask.distributed import Client  # noqa: PLC0415
    except ImportError:
        raise SpecError(
            "backend='dask' needs dask.distributed, an optional dependency: "
            "pip install 'qtlab[dask]'"
        ) from None
    if client is not None:
        if scheduler is not None:
            raise SpecError("give client= or scheduler=, not both")
        return client, False
    if scheduler is not None:
        try:
            return Client(scheduler, timeout=_CONNECT_TIMEOUT), True  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise SpecError(
                f"cannot reach a Dask scheduler at scheduler={quoted(scheduler)} within "
                f"{_CONNECT_TIMEOUT} ({type(exc).__name__}: {exc}); give the address a "
                "running `dask scheduler` prints (e.g. tcp://host:8786), or no scheduler "
                "for a local cluster"
            ) from None
    return Client(processes=False, dashboard_address=None), True  # type: ignore[no-untyped-call]
