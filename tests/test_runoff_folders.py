"""Runoff runs read the latest data from the folders of the Dataset they are given.

A projection with realized MBS paydowns, hindsight TIPS accrual or the backtest
needs the latest data besides the vantage view; they must come from the same
snapshot and store, not from the default ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from _helpers import reseal_snapshot
from qtlab.runs import RunContext
from qtlab.runs.backtest import QT2_VANTAGE, backtest
from qtlab.runs.mbs_settlement import BackfilledPaydowns
from qtlab.runs.runoff import run_projection
from qtlab.store.paths import packaged_snapshot_dir

#: From this date the copy's weekly SOMA MBS holdings are 1% lower than published.
CUT = pd.Timestamp("2023-06-01")
SUMMARY = "nyfed.soma_summary.parquet"


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the packaged snapshot whose weekly MBS holdings drop 1% on 2023-06-01."""
    src = packaged_snapshot_dir()
    out = tmp_path_factory.mktemp("user-snapshot") / "snapshot"
    shutil.copytree(src, out)
    f = out / "series" / SUMMARY
    df = pd.read_parquet(f)
    later = (df["series_id"] == "soma.mbs") & (pd.to_datetime(df["date"]) >= CUT)
    df.loc[later, "value"] = df.loc[later, "value"] * 0.99
    df.to_parquet(f)
    reseal_snapshot(out)  # the copy's manifest records the changed file
    return out


def test_the_copy_differs_from_the_packaged_data(snap: Path):
    mine = RunContext(snapshot_dir=snap, use_store=False).series("soma.mbs")
    packaged = shared().series("soma.mbs")
    assert mine.loc["2024-01-03"] == pytest.approx(0.99 * packaged.loc["2024-01-03"])
    assert mine.loc["2023-05-31"] == packaged.loc["2023-05-31"]


def test_realized_paydowns_come_from_the_given_folders(snap: Path):
    ds = RunContext(QT2_VANTAGE, snapshot_dir=snap, use_store=False)
    got = run_projection(ds, "qt2-realized", "2022-06", 24)
    weekly = RunContext(snapshot_dir=snap, use_store=False).series("soma.mbs")
    want = run_projection(
        ds, "qt2-realized", "2022-06", 24, mbs_paydowns=BackfilledPaydowns(weekly)
    )
    pd.testing.assert_frame_equal(got.frame, want.frame)
    packaged = run_projection(shared(QT2_VANTAGE), "qt2-realized", "2022-06", 24)
    assert got.frame.loc["2023-05", "mbs_paydowns"] > packaged.frame.loc["2023-05", "mbs_paydowns"]


def test_the_backtest_reads_the_given_folders(snap: Path):
    mine = backtest("qt2", ctx=RunContext(snapshot_dir=snap, use_store=False))
    packaged = backtest("qt2")
    f, g = mine.frame, packaged.frame
    at = (f["series"] == "mbs") & (f["month"] == "2024-01")
    assert f.loc[at, "realized"].item() == pytest.approx(0.99 * g.loc[at, "realized"].item())
    assert mine.errors != packaged.errors
    # the default data again: not the copy's cached result
    assert backtest("qt2").errors == packaged.errors
