"""A ``Dataset`` holds the user's store only for the length of one query, so a view
kept open (a notebook, the dashboard) never blocks `qtlab data import`/`update`;
``close()`` ends the view and later reads say so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from _helpers import flat, run_cli
from qtlab.errors import StoreError
from qtlab.store import Dataset, Store

SID = "agency_mbs.outstanding"


def _import(d: Path, tmp_path: Path, rows: str, vintage: str) -> None:
    """`qtlab data import` of ``rows`` (a `date,value` body) into the store at ``d``."""
    f = tmp_path / f"in-{vintage}.csv"
    f.write_text("date,value\n" + rows)
    res = run_cli("data", "import", SID, f, "--vintage", vintage, "--data-dir", d)
    assert res.exit_code == 0, flat(res.output)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QTLAB_LOCK_WAIT", "0")  # a held store fails at once, never waits
    d = tmp_path / "store"
    _import(d, tmp_path, "2020-01-31,1.5\n", "2020-05-01")
    return d


def test_import_while_a_dataset_is_open_then_the_view_sees_it(store: Path, tmp_path: Path) -> None:
    ds = Dataset(data_dir=store)
    assert ds.series(SID).tolist() == [1.5]  # the store has been read through the view
    _import(store, tmp_path, "2020-01-31,1.5\n2020-02-29,2.5\n", "2020-06-01")
    assert ds.series(SID).tolist() == [1.5, 2.5]  # the open view reads the new vintage
    ds.tables()  # every kind of read releases the store
    with Store(store) as st:  # the write path itself, in this process
        assert st.vintages(SID) == [
            pd.Timestamp("2020-05-01").date(),
            pd.Timestamp("2020-06-01").date(),
        ]
    ds.close()
    _import(store, tmp_path, "2020-03-31,3.5\n", "2020-07-01")  # and after it is closed
    assert Dataset(data_dir=store).series(SID).tolist() == [1.5, 2.5, 3.5]


def test_another_process_writes_while_a_dataset_is_open(store: Path, tmp_path: Path) -> None:
    ds = Dataset(data_dir=store)
    assert ds.series(SID).tolist() == [1.5]
    f = tmp_path / "other.csv"
    f.write_text("date,value\n2020-02-29,2.5\n")
    cmd = [sys.executable, "-m", "qtlab", "data", "import", SID, str(f)]
    cmd += ["--vintage", "2020-06-01", "--data-dir", str(store)]
    src = str(Path(__file__).parents[1] / "src")
    env = {"PYTHONPATH": src, "QTLAB_LOCK_WAIT": "0", "PATH": "/usr/bin:/bin"}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert ds.series(SID).tolist() == [1.5, 2.5]
    ds.close()


def test_close_is_idempotent_and_reads_after_it_say_so(store: Path) -> None:
    with Dataset("2022-05-31", data_dir=store) as ds:
        walcl = ds.series("WALCL")
        assert not ds.closed
    assert ds.closed and "closed" in repr(ds)
    ds.close()  # twice is harmless
    reads = {
        "series": lambda: ds.series("WALCL"),  # cached by now: still refused
        "series_ids": ds.series_ids,
        "holdings": ds.holdings,
        "holdings_dates": ds.holdings_dates,
        "tables": ds.tables,
        "table": lambda: ds.table("treasury.mspd_detail.2022-01-31"),
        "catalog": ds.catalog,
    }
    for name, read in reads.items():
        with pytest.raises(StoreError, match="was closed and cannot be read") as err:
            read()
        assert "open a new Dataset" in str(err.value), name
    with pytest.raises(StoreError, match="was closed"), ds:
        pass
    # a new view over the same folders reads as before
    pd.testing.assert_series_equal(Dataset("2022-05-31", data_dir=store).series("WALCL"), walcl)


def test_subclass_queries_run_with_the_store_attached(store: Path) -> None:
    ds = Dataset(data_dir=store)
    row = ds._con.execute(
        "SELECT count(*) AS n FROM user_store.observations WHERE series_id = ?", [SID]
    )
    assert row.fetchone() == (1,)
    assert row.df()["n"].tolist() == [1]
    with Store(store) as st:  # nothing is held after the query
        assert len(st.provenance()) == 1
    ds.close()
    with pytest.raises(StoreError, match="was closed"):
        ds._con.execute("SELECT 1")
