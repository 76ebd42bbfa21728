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

from qtlab._fsutil import recover
from qtlab.report.build import MARKER
from qtlab.store import Store
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import load_manifest, verify_snapshot

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


def _kill_at(args: list[str], env: dict[str, str], after: float) -> int | None:
    """Start ``qtlab ARGS``, SIGKILL it ``after`` seconds later; its exit code if it ended first."""
    p = _qtlab(args, env)
    try:
        p.wait(timeout=after)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        return None
    return p.returncode


def _moments(total: float, n: int, salt: str) -> list[float]:
    """``n`` seeded moments over the run (most in its second half, where the writes are)."""
    rng = random.Random(f"{SEED}-{salt}")
    return sorted(rng.uniform(0.15, 1.05) * total for _ in range(n))


def _tree(p: Path) -> dict[str, bytes]:
    return {str(f.relative_to(p)): f.read_bytes() for f in sorted(p.rglob("*")) if f.is_file()}


def _hunt(
    args: list[str],
    env: dict[str, str],
    salt: str,
    check: Callable[[str], None],
) -> None:
    total = _timed_run(args, env)
    check("after a complete run")
    for t in _moments(total, KILLS, salt):
        code = _kill_at(args, env, t)
        check(f"killed at {t:.2f} s of {total:.2f} s (exit {code}; seed {SEED})")


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
        assert by_vintage.get("2021-01-01") in (None, n_new), (when, by_vintage)

    _hunt([*base, str(new), "--vintage", "2021-01-01"], env, "import", check)
    assert _timed_run([*base, str(new), "--vintage", "2021-01-01"], env) > 0
    check("after the next run")
    assert sorted(p.name for p in d.iterdir()) == ["qtlab.duckdb"]


def test_killed_builds_leave_the_snapshot_old_or_complete(tmp_path: Path, raw_data: Path) -> None:
    out = tmp_path / "snap"
    shutil.copytree(packaged_snapshot_dir(), out)
    old = _tree(out)
    env = _env(tmp_path / "store")
    args = ["data", "build-snapshot", "--from", str(raw_data), "--out", str(out)]

    def check(when: str) -> None:
        recover(out)  # what the next run does first
        assert out.is_dir(), when
        if _tree(out) != old:
            assert verify_snapshot(out) == [], when
            m, committed = load_manifest(out), load_manifest(packaged_snapshot_dir())
            assert m is not None and committed is not None, when
            assert [e.id for e in m.datasets] == [e.id for e in committed.datasets], when
        assert sorted(p.name for p in tmp_path.iterdir() if p.name != "store") == ["snap"], when

    _hunt(args, env, "build", check)
    assert _timed_run(args, env) > 0
    assert verify_snapshot(out) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "store") == ["snap"]


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

    _hunt(args, env, "report", check)
    assert _timed_run(args, env) > 0
    check("after the next run")
