"""The fault suite: ``data import``, ``data build-snapshot`` and ``report`` killed with
SIGKILL at random (seeded) moments leave the store, the snapshot and the report folder
either as they were or completely new, and the next run leaves nothing behind.

A handful of kills per command by default; ``QTLAB_FAULT_KILLS=N`` runs N per command
and ``QTLAB_FAULT_SEED`` changes the moments (both printed when a check fails).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qtlab._fsutil import recover
from qtlab.report.build import MARKER
from qtlab.store import Store
from qtlab.store.snapshot import load_manifest, verify_snapshot

#: processes killed mid-write: end to end (see pyproject markers)
pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"
KILLS = int(os.environ.get("QTLAB_FAULT_KILLS", "3"))
SEED = int(os.environ.get("QTLAB_FAULT_SEED", "20261204"))
SID = "agency_mbs.outstanding"


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC)
    env["QTLAB_DATA_DIR"] = str(data_dir)
    return env


def _qtlab(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "qtlab", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _timed_run(args: list[str], env: dict[str, str]) -> float:
    t0 = time.monotonic()
    p = _qtlab(args, env)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()
    return time.monotonic() - t0


def _kill_at(
    args: list[str],
    env: dict[str, str],
    after: float,
    trigger: Callable[[], bool] | None = None,
) -> int | None:
    """Start ``qtlab ARGS``, SIGKILL it ``after`` seconds after it starts (or after
    ``trigger()`` first holds: the write phase has begun); its exit code if it ended first."""
    p = _qtlab(args, env)
    t0 = time.monotonic()
    armed = trigger is None
    while p.poll() is None:
        now = time.monotonic()
        if not armed and trigger is not None and trigger():
            armed, t0 = True, now
        if armed and now - t0 >= after:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=60)
            return None
        if now - t0 > 300:
            raise AssertionError(f"qtlab {' '.join(args)} did not finish in 300 s")
        time.sleep(0.005)
    return p.returncode


def _moments(total: float, n: int, salt: str) -> list[float]:
    """``n`` seeded moments over the run (most in its second half, where the writes are)."""
    rng = random.Random(f"{SEED}-{salt}")
    return sorted(rng.uniform(0.15, 1.05) * total for _ in range(n))


def _writing(folder: Path, known: set[str]) -> Callable[[], bool]:
    """True once a working copy appears in ``folder`` (a name not in ``known``)."""
    return lambda: any(p.name not in known for p in folder.iterdir())


def _tree(p: Path) -> dict[str, bytes]:
    return {str(f.relative_to(p)): f.read_bytes() for f in sorted(p.rglob("*")) if f.is_file()}


def _hunt(
    args: list[str],
    env: dict[str, str],
    salt: str,
    check: Callable[[str], None],
    writing: Callable[[], bool],
) -> None:
    """Kill ``qtlab ARGS`` :data:`KILLS` times: every other kill at a moment of the whole
    run, the others at a moment after the write phase began (``writing()``)."""
    total = _timed_run(args, env)
    check("after a complete run")
    rng = random.Random(f"{SEED}-{salt}-phase")
    for i, t in enumerate(_moments(total, KILLS, salt)):
        if i % 2 == 0:
            after = rng.uniform(0.0, 0.25) * total
            code = _kill_at(args, env, after, writing)
            what = f"killed {after:.2f} s into the write phase"
        else:
            code = _kill_at(args, env, t)
            what = f"killed at {t:.2f} s of {total:.2f} s"
        check(f"{what} (exit {code}; seed {SEED})")


def test_killed_imports_leave_the_store_old_or_complete(tmp_path: Path) -> None:
    d = tmp_path / "store"
    env = _env(d)
    old = tmp_path / "old.csv"
    old.write_text("date,value\n2020-01-31,1\n2020-02-29,2\n")
    new = tmp_path / "new.csv"
    n_new = 3000  # monthly since 1776: a long file, so kills land inside the write too
    months = [f"{1776 + i // 12}-{i % 12 + 1:02d}-01" for i in range(n_new)]
    new.write_text("date,value\n" + "".join(f"{m},{i}\n" for i, m in enumerate(months)))
    base = ["data", "import", SID]
    assert _timed_run([*base, str(old), "--vintage", "2020-03-01"], env) > 0

    def check(when: str) -> None:
        with Store(d, read_only=True) as st:
            rows = st.connection.execute(
                "SELECT vintage, count(*) FROM observations GROUP BY vintage ORDER BY vintage"
            ).fetchall()
        by_vintage = {str(v): n for v, n in rows}
        assert by_vintage.get("2020-03-01") == 2, (when, by_vintage)
        assert by_vintage.get("2026-01-05") in (None, n_new), (when, by_vintage)

    wal = d / "qtlab.duckdb.wal"
    _hunt([*base, str(new), "--vintage", "2026-01-05"], env, "import", check, wal.exists)
    assert _timed_run([*base, str(new), "--vintage", "2026-01-05"], env) > 0
    check("after the next run")
    assert sorted(p.name for p in d.iterdir()) == ["qtlab.duckdb"]


#: A small raw-file folder (every reconciliation can run), so each build takes ~1 s of CPU.
SUBSET = (
    "fred/TREAST.csv",
    "fred/WSHOMCB.csv",
    "fred/WSHOSHO.csv",
    "fred/WALCL.csv",
    "soma/soma_summary_2003-07-09_2026-03-11.json",
    "soma/soma_tsy_agency_cmbs_2022-02-16.csv",
)


def test_killed_builds_leave_the_snapshot_old_or_complete(tmp_path: Path, raw_data: Path) -> None:
    raw = tmp_path / "raw"
    for rel in SUBSET:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(raw_data / rel, raw / rel)
    work = tmp_path / "work"
    work.mkdir()
    out = work / "snap"
    env = _env(tmp_path / "store")
    args = ["data", "build-snapshot", "--from", str(raw), "--out", str(out)]
    args.append("--no-expect-committed")  # a subset of the committed snapshot's datasets
    ids: list[str] = []

    def check(when: str) -> None:
        recover(out)  # what the next run does first
        assert out.is_dir(), when
        assert verify_snapshot(out) == [], when  # the old snapshot or a complete new one
        m = load_manifest(out)
        assert m is not None, when
        if not ids:
            ids.extend(e.id for e in m.datasets)
        assert [e.id for e in m.datasets] == ids, when
        assert sorted(p.name for p in work.iterdir()) == ["snap"], when

    _hunt(args, env, "build", check, _writing(work, {"snap"}))
    assert _timed_run(args, env) > 0
    check("after the next run")


def test_killed_reports_leave_the_folder_old_or_complete(tmp_path: Path) -> None:
    out = tmp_path / "R"
    env = _env(tmp_path / "store")
    args = ["report", "--out", str(out), "--sections", "A7", "--no-png"]
    assert _timed_run(args, env) > 0
    (out / "MY_NOTES.txt").write_text("mine")

    def check(when: str) -> None:
        import json

        recover(out)
        assert (out / "MY_NOTES.txt").read_text() == "mine", when
        listed = json.loads((out / MARKER).read_text())["files"]
        assert all((out / f).is_file() for f in listed), when
        assert sorted(p.name for p in tmp_path.iterdir() if p.name != "store") == ["R"], when

    _hunt(args, env, "report", check, _writing(tmp_path, {"R", "store"}))
    assert _timed_run(args, env) > 0
    check("after the next run")
