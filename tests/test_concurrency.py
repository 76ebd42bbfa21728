"""One writer and several readers on one store, in separate processes: every read gets
a complete vintage or a clear QtlabError, never a DuckDB exception or a half-written
vintage, and every write lands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from _helpers import run_cli

SRC = Path(__file__).resolve().parents[1] / "src"
SID = "agency_mbs.outstanding"
WRITES = int(os.environ.get("QTLAB_CONCURRENCY_WRITES", "6"))
READERS = 3

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from typer.testing import CliRunner
    from qtlab.cli import app

    d, csv, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    runner = CliRunner()
    for k in range(1, n + 1):
        # vintage k: every date has the value k, so a reader sees a whole vintage or none
        lines = csv.read_text().splitlines()
        csv.write_text("\\n".join([lines[0], *(f"{ln.split(',')[0]},{k}" for ln in lines[1:])]))
        res = runner.invoke(
            app, ["data", "import", "agency_mbs.outstanding", str(csv),
                  "--vintage", f"2021-01-{k:02d}", "--data-dir", str(d)]
        )
        if res.exit_code != 0:
            print("WRITE FAILED", k, res.output, flush=True)
            sys.exit(1)
    print("WRITES DONE", flush=True)
    """
)

READER = textwrap.dedent(
    """
    import gc, json, sys, time
    from pathlib import Path
    from qtlab.errors import QtlabError
    from qtlab.store import Dataset

    d, stop = Path(sys.argv[1]), Path(sys.argv[2])
    out = {"ok": 0, "clear": 0, "other": [], "mixed": [], "seen": []}
    while not stop.exists():
        try:
            s = Dataset(data_dir=d).series("agency_mbs.outstanding")
            values = sorted(set(s.tolist()))
            if len(values) != 1 or len(s) != 240:
                out["mixed"].append(values[:5])
            out["ok"] += 1
            out["seen"].append(values[0])
        except QtlabError as exc:
            if "another qtlab process holds it" not in str(exc):
                out["other"].append(f"QtlabError without the clear message: {exc}")
            out["clear"] += 1
        except Exception as exc:
            out["other"].append(f"{type(exc).__module__}.{type(exc).__name__}: {exc}")
        gc.collect()  # close the view's connection, as a finished command does
    print(json.dumps(out), flush=True)
    """
)


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_one_writer_and_several_readers(tmp_path: Path) -> None:
    d = tmp_path / "store"
    csv = tmp_path / "series.csv"
    dates = [f"{2000 + i // 12}-{i % 12 + 1:02d}-01" for i in range(240)]
    csv.write_text("date,value\n" + "".join(f"{x},0\n" for x in dates))
    res = run_cli("data", "import", SID, csv, "--vintage", "2021-01-01", "--data-dir", d)
    assert res.exit_code == 0, res.output

    env = dict(os.environ, PYTHONPATH=str(SRC))
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(d), str(stop)],
            env={**env, "QTLAB_LOCK_WAIT": "1" if i == 0 else "30"},  # one reader gives up soon
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(READERS)
    ]
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(d), str(csv), str(WRITES)],
        env={**env, "QTLAB_LOCK_WAIT": "60"},
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    stop.touch()
    results = []
    for p in readers:
        o, e = p.communicate(timeout=120)
        assert p.returncode == 0, e
        results.append(json.loads(o.strip().splitlines()[-1]))
    assert writer.returncode == 0 and "WRITES DONE" in writer.stdout, writer.stdout + writer.stderr
    for r in results:
        assert r["other"] == [], r["other"][:3]  # never a raw DuckDB (or other) exception
        assert r["mixed"] == [], r["mixed"][:3]  # never half a vintage
        assert r["ok"] > 0
    # the readers kept reading while the writer wrote: they saw several vintages
    assert len({v for r in results for v in r["seen"]}) >= 2
    final = run_cli("data", "status", "--json", "--data-dir", d)
    assert final.exit_code == 0
    row = next(s for s in json.loads(final.output)["rows"] if s["id"] == SID)
    assert row["vintages"] == WRITES
