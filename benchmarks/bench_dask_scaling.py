"""Benchmark: a sweep on a real Dask cluster of 1 then 2 worker processes, against local.

Starts a ``dask scheduler`` and ``dask worker`` processes (one thread each, no nanny) on
the loopback interface only (127.0.0.1, a free port), runs F2's sweep (holdings carried
forward under ``qt2-realized``, prepayment, engine with liabilities, D2) over 1 worker,
then adds a second and runs it again, and prints the wall times, the scaling and whether
both equal the local backend bit for bit (they must: the chunks are the same). The
processes stop by themselves (the scheduler after ``--idle-timeout`` without a client,
the workers when the scheduler is gone or after ``--lifetime``) and are terminated by
this script at its end in any case; the whole run is bounded by ``--timeout``. Run from
the repository root::

    python benchmarks/bench_dask_scaling.py [--paths 2000] [--months 120] [--chunk-size 250]

The workers import qtlab from this checkout's ``src`` (PYTHONPATH). On a shared machine
the scaling is bounded by the free cores: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import load, median, timed

from qtlab.policy import load_preset
from qtlab.runs import RunContext
from qtlab.runs.sweep import forward_start
from qtlab.scenarios import draw_paths, sweep_paths

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    # one thread per worker process: the scaling is that of the processes
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), QTLAB_THREADS="1")
    with log.open("ab") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--chunk-size", type=int, default=250)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="timed sweeps per setting (median)")
    ap.add_argument("--idle-timeout", default="120s", help="the scheduler's, without a client")
    ap.add_argument("--lifetime", default="900s", help="the workers' longest life")
    ap.add_argument("--timeout", type=float, default=900.0, help="bound of the whole run [s]")
    ap.add_argument(
        "--log", type=Path, default=Path(tempfile.gettempdir()) / "qtlab-bench-dask.log"
    )
    a = ap.parse_args()

    from dask.distributed import Client  # noqa: PLC0415 - optional dependency

    pol = load_preset("qt2-realized")
    start = forward_start(RunContext(), months=a.months, policy=pol)
    paths, coefs = draw_paths(start, a.paths, a.seed)
    opts = {"chunk_size": a.chunk_size}

    port = _free_port()
    addr = f"tcp://{HOST}:{port}"
    a.log.write_text("")
    procs: list[subprocess.Popen[bytes]] = []
    worker = [
        "worker", addr, "--host", HOST, "--nthreads", "1", "--no-nanny", "--no-dashboard",
        "--death-timeout", "30s", "--lifetime", a.lifetime,
    ]  # fmt: skip
    watchdog = threading.Timer(a.timeout, lambda: (_stop(procs), os._exit(3)))
    watchdog.daemon = True
    watchdog.start()
    try:
        procs.append(
            _start(
                ["scheduler", "--host", HOST, "--port", str(port), "--no-dashboard",
                 "--idle-timeout", a.idle_timeout],
                a.log,
            )
        )  # fmt: skip
        procs.append(_start(worker, a.log))
        local, t_local, _ = timed(lambda: sweep_paths(start, pol, paths, coefs, **opts))
        for _ in range(a.repeat - 1):
            t_local = min(t_local, timed(lambda: sweep_paths(start, pol, paths, coefs, **opts))[1])
        rows = []
        with Client(addr, timeout="60s") as client:  # type: ignore[no-untyped-call]
            for n in (1, 2):
                if n == 2:
                    procs.append(_start(worker, a.log))
                client.wait_for_workers(n, timeout=120)
                warm = sweep_paths(
                    start,
                    pol,
                    paths.take(slice(0, 2 * n)),
                    coefs[: 2 * n],
                    chunk_size=1,
                    backend="dask",
                    client=client,
                )  # fmt: skip  (load the compiled kernels in every worker first)
                del warm
                times, same = [], True
                for _ in range(a.repeat):
                    res, t, _ = timed(
                        lambda: sweep_paths(
                            start, pol, paths, coefs, backend="dask", client=client, **opts
                        )
                    )
                    times.append(t)
                    same = same and all(
                        np.array_equal(res.get(v), local.get(v)) for v in local.arrays[pol.name]
                    )
                rows.append((n, median(times), same))
    finally:
        _stop(procs)
        watchdog.cancel()

    print(
        f"{a.paths:,} paths x {a.months} months, chunks of {a.chunk_size} "
        f"({-(-a.paths // a.chunk_size)} tasks); scheduler and workers on {HOST}:{port}"
    )
    print(f"{load()}; medians of {a.repeat} run(s) (local: the fastest)")
    print(f"local backend (thread pool): {t_local:7.2f} s")
    for n, t, same in rows:
        print(
            f"dask, {n} worker process(es): {t:7.2f} s  scaling {rows[0][1] / t:4.2f}x  "
            f"bit-identical to local: {'yes' if same else 'NO'}"
        )
    left = [p.pid for p in procs if p.poll() is None]
    print(f"processes stopped: {'all' if not left else f'NOT {left}'} (log: {a.log})")
    if not all(same for _, _, same in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
