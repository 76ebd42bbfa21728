"""Several qtlab processes on one store: the writer holds it only for its transaction,
readers wait (bounded) and then say clearly that another process holds it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from _helpers import flat, run_cli
from qtlab.errors import FetchError, StoreError
from qtlab.store import Dataset, Store
from qtlab.store import update as update_mod

SID = "agency_mbs.outstanding"


def _make_store(d: Path, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("date,value\n2020-01-31,1.5\n2020-02-29,2.5\n")
    res = run_cli("data", "import", SID, f, "--vintage", "2020-05-01", "--data-dir", d)
    assert res.exit_code == 0, res.output


def _hold(d: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the store for writing for ``seconds``."""
    code = textwrap.dedent(
        f"""
        import duckdb, sys, time
        con = duckdb.connect({str(d / "qtlab.duckdb")!r})
        print("held", flush=True)
        time.sleep({seconds})
        """
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "held"
    return p


def test_reader_waits_for_a_writer_then_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "store"
    _make_store(d, tmp_path)
    monkeypatch.setenv("QTLAB_LOCK_WAIT", "20")
    holder = _hold(d, 1.5)
    try:
        t0 = time.monotonic()
        s = Dataset(data_dir=d).series(SID)
        assert s.tolist() == [1.5, 2.5]
        assert time.monotonic() - t0 > 0.5  # it did wait for the writer
    finally:
        holder.wait(30)


def test_reader_gives_up_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "store"
    _make_store(d, tmp_path)
    monkeypatch.setenv("QTLAB_LOCK_WAIT", "0.3")
    holder = _hold(d, 30)
    try:
        with pytest.raises(StoreError, match="another qtlab process holds it"):
            Dataset(data_dir=d).series(SID)
        res = run_cli("data", "status", "--data-dir", d)
        assert res.exit_code == 1
        text = flat(res.output)
        assert "another qtlab process holds it (waited 0.3 s)" in text, text
        assert "Traceback" not in text
        res = run_cli("data", "import", SID, tmp_path / "in.csv", "--data-dir", d)
        assert res.exit_code == 1 and "for writing: another qtlab process" in flat(res.output)
    finally:
        holder.kill()
        holder.wait(30)


def test_update_fetches_before_opening_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_init = Store.__init__

    def fetch(name: str, client: object = None) -> list[object]:
        events.append(f"fetch {name}")
        raise FetchError(f"{name}: offline")

    def init(self: Store, *a: object, **k: object) -> None:
        events.append("open store")
        real_init(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(update_mod, "fetch_source", fetch)
    monkeypatch.setattr(Store, "__init__", init)
    d = tmp_path / "store"
    res = run_cli("data", "update", "--source", "fred", "--source", "cbo", "--data-dir", d)
    assert res.exit_code == 1
    assert events == ["fetch fred", "fetch cbo"]  # offline: the store is never opened
    assert not d.exists()  # and nothing is created
    assert "no store was created" in flat(res.output)

    # one source fetched: the store is opened once, after every fetch
    events.clear()
    from qtlab.sources import user

    item = user.parse_series_csv(b"date,value\n2020-01-31,1\n", SID, vintage=None)

    def fetch2(name: str, client: object = None) -> list[object]:
        events.append(f"fetch {name}")
        if name == "cbo":
            raise FetchError("cbo: offline")
        return [item]

    monkeypatch.setattr(update_mod, "fetch_source", fetch2)
    res = run_cli("data", "update", "--source", "fred", "--source", "cbo", "--data-dir", d)
    assert events == ["fetch fred", "fetch cbo", "open store"]
    assert res.exit_code == 1 and (d / "qtlab.duckdb").is_file()


def test_read_only_store_directory_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    real_access = os.access

    def access(path: object, mode: int) -> bool:
        if Path(str(path)) == d and mode == os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    def refuse(*a: object, **k: object) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException('IO Error: Cannot open file "x": Permission denied')

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(StoreError) as err:
        Store(d)
    msg = str(err.value)
    assert f"the directory {d} is read-only" in msg and "Pass data_dir= (or set" in msg
    assert "another" not in msg.lower()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_store_directory_says_so_for_real(tmp_path: Path) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    try:
        f = tmp_path / "in.csv"
        f.write_text("date,value\n2020-01-31,1.5\n")
        res = run_cli("data", "import", SID, f, "--data-dir", d)
        assert res.exit_code == 1 and "is read-only" in flat(res.output)
    finally:
        d.chmod(0o755)
