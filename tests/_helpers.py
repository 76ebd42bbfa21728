"""Test helpers shared by the command-line tests: run a command, flatten its output, and
snapshot a store to prove a failed command left it as it was."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner, Result

from qtlab.cli import app
from qtlab.store import Store

#: Each table of a store, in a stable row order.
_STORE_QUERIES = {
    "observations": "SELECT * FROM observations ORDER BY series_id, date, vintage",
    "holdings": "SELECT * FROM holdings ORDER BY as_of, cusip",
    "tables": "SELECT * FROM tables ORDER BY dataset, vintage",
    "provenance": "SELECT * FROM provenance ORDER BY dataset, vintage",
}


def run_cli(*args: str | Path) -> Result:
    """``qtlab ARGS...`` through typer's CliRunner (paths passed as strings)."""
    return CliRunner().invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """Rich wraps long lines at 80 columns; compare with single spaces."""
    return " ".join(text.split())


def store_contents(directory: Path) -> dict[str, pd.DataFrame]:
    """Every table of the store at ``directory``, read-only, as frames in a stable order."""
    with Store(directory, read_only=True) as st:
        con = st.connection
        return {name: con.execute(sql).df() for name, sql in _STORE_QUERIES.items()}


def assert_store_unchanged(directory: Path, before: dict[str, pd.DataFrame]) -> None:
    """Fail unless the store at ``directory`` holds exactly ``before`` (table by table)."""
    after = store_contents(directory)
    assert list(after) == list(before)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)


def reseal_snapshot(snap: Path, extra: dict[str, dict[str, object]] | None = None) -> None:
    """Make the manifest of the snapshot copy ``snap`` match its files again (a user who
    edits a snapshot must record the new checksums); ``extra`` adds entries
    ``{relative path: manifest fields}`` for new files."""
    import json

    from qtlab.store.snapshot import MANIFEST_NAME, file_sha256

    p = snap / MANIFEST_NAME
    m = json.loads(p.read_text())
    for e in m["datasets"]:
        e["sha256"] = file_sha256(snap / e["path"])
    for rel, fields in (extra or {}).items():
        entry = {
            "id": rel.split("/")[-1].removesuffix(".parquet"),
            "kind": "series",
            "source": "user",
            "official_id": "test",
            "raw_file": "test",
            "raw_sha256": "",
            "path": rel,
            "sha256": file_sha256(snap / rel),
            "rows": 0,
            "as_of": None,
            "first": None,
            "last": None,
            "vintage": "2026-01-01",
            "vintage_basis": "test",
        }
        entry.update(fields)
        m["datasets"].append(entry)
    p.write_text(json.dumps(m, indent=1))
