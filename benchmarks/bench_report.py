"""Benchmark: the full report (``qtlab report``, en) of the working tree against a git ref.

Times ``qtlab report --lang en`` with and without the PNG files for the working
tree and for a reference commit (default ``main``) in the same run, so both see
the same machine load, and prints both times and their ratio. The reference runs
from a temporary ``git worktree add --detach`` (removed at the end) with
``PYTHONPATH`` at its ``src`` and this same interpreter and virtual environment.
Each report is written to a fresh temporary directory, over the embedded data
only (``QTLAB_DATA_DIR`` is an empty temporary directory). PNG export needs
Chrome or Chromium (``BROWSER_PATH`` or on ``PATH``). Run from the repository root::

    python benchmarks/bench_report.py [--ref main] [--repeat 1] [--no-png-only]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str:
    res = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    if res.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {res.stderr.strip()}")
    return res.stdout.strip()


def time_report(src: Path, png: bool, data_dir: Path) -> float:
    """Seconds for one ``qtlab report --lang en`` of the code under ``src`` (a fresh process)."""
    env = {**os.environ, "PYTHONPATH": str(src), "QTLAB_DATA_DIR": str(data_dir)}
    with tempfile.TemporaryDirectory(prefix="qtlab-bench-report-") as tmp:
        out = Path(tmp) / "report"
        cmd = [sys.executable, "-m", "qtlab", "report", "--out", str(out), "--lang", "en"]
        cmd.append("--png" if png else "--no-png")
        t0 = time.perf_counter()
        res = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t0
        if res.returncode != 0 or not (out / "index.html").is_file():
            sys.exit(f"`{' '.join(cmd)}` with PYTHONPATH={src} failed:\n{res.stdout}{res.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="main", help="the git ref to compare with (default main)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest counts")
    ap.add_argument("--no-png-only", action="store_true", help="skip the runs with PNG export")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error(f"--repeat={a.repeat}: give 1 or more")
    commit = _git("rev-parse", "--verify", f"{a.ref}^{{commit}}")
    cases = [False] if a.no_png_only else [False, True]
    with tempfile.TemporaryDirectory(prefix="qtlab-bench-ref-") as tmp:
        ref_tree = Path(tmp) / "ref"
        data_dir = Path(tmp) / "no-store"
        data_dir.mkdir()
        _git("worktree", "add", "--detach", str(ref_tree), commit)
        try:
            trees = {"working tree": ROOT / "src", f"{a.ref} ({commit[:9]})": ref_tree / "src"}
            best: dict[tuple[str, bool], float] = {}
            for _ in range(a.repeat):
                for png in cases:
                    for name, src in trees.items():  # alternate: both see the same load
                        t = time_report(src, png, data_dir)
                        best[name, png] = min(t, best.get((name, png), float("inf")))
        finally:
            _git("worktree", "remove", "--force", str(ref_tree))
    work, ref = trees
    print(f"qtlab report --lang en, fastest of {a.repeat} run(s) each")
    print(f"  {'':10} {work:>14} {ref:>22} {'ratio':>7}")
    for png in cases:
        label = "with PNGs" if png else "no PNGs"
        tw, tr = best[work, png], best[ref, png]
        print(f"  {label:10} {tw:12.1f} s {tr:20.1f} s {tw / tr:7.2f}")
    print("  ratio = working tree / reference (below 1: the working tree is faster)")


if __name__ == "__main__":
    main()
