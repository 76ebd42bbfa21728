"""The read cache behind Dataset: shared between views, never stale, never aliased."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

import qtlab.store.dataset as dataset_mod
from qtlab.sources._base import SourceData, SourceMeta
from qtlab.store import Dataset, Store
from qtlab.store._readcache import ReadCache, read_cache


def _walcl(vintage: str, value: float) -> SourceData:
    df = pd.DataFrame(
        {
            "series_id": "WALCL",
            "date": pd.to_datetime(["2026-08-26"]),
            "value": [value],
            "vintage": pd.Timestamp(vintage),
        }
    )
    meta = SourceMeta(
        source="fred",
        dataset="fred.WALCL",
        official_id="WALCL",
        units={"WALCL": "USD bn"},
        vintage=date.fromisoformat(vintage),
        retrieved_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    return SourceData(df, meta)


def test_views_over_the_same_folders_share_reads():
    first = Dataset("2022-05-31", use_store=False)
    walcl, mbs = first.series("WALCL"), first.holdings(["mbs"])
    dates, table = first.holdings_dates(), first.table("treasury.mspd_detail.2022-01-31")
    second = Dataset("2022-05-31", use_store=False)
    pd.testing.assert_series_equal(second.series("WALCL"), walcl)
    pd.testing.assert_frame_equal(second.holdings(["mbs"]), mbs)
    pd.testing.assert_frame_equal(second.holdings_dates(), dates)
    pd.testing.assert_frame_equal(second.table("treasury.mspd_detail.2022-01-31"), table)
    assert not second._db.opened  # every read came from the cache: no database opened
    assert second.cache_key() == first.cache_key()
    assert Dataset(use_store=False).cache_key() != first.cache_key()  # another vantage


def test_other_folders_are_other_data(tmp_path: Path):
    base = Dataset(use_store=False)
    empty = tmp_path / "snapshot"
    (empty / "series").mkdir(parents=True)
    other = Dataset(snapshot_dir=empty, use_store=False)
    assert base.series("WALCL").size > 0
    assert other.cache_key() != base.cache_key()
    with pytest.raises(Exception, match="no data"):
        other.series("WALCL")


def test_a_changed_frame_changes_no_later_read():
    ds = Dataset("2022-05-31", use_store=False)
    s = ds.series("WALCL")
    want_s = s.copy(deep=True)
    s.iloc[0] = -1.0
    s.index.name = "changed"
    s.attrs["units"] = "changed"
    obs = ds.observations("WALCL")
    want_obs = obs.copy(deep=True)
    obs.loc[0, "value"] = -1.0
    obs["extra"] = 1
    h = ds.holdings(["mbs"])
    want_h = h.copy(deep=True)
    h.loc[0, "par"] = -1.0
    h.columns = [f"x{i}" for i in range(h.shape[1])]
    tab = ds.table("treasury.mspd_detail.2022-01-31")
    want_tab = tab.copy(deep=True)
    tab.iloc[0, 0] = None
    dates = ds.holdings_dates()
    want_dates = dates.copy(deep=True)
    dates.loc[0, "par"] = -1.0
    ids = ds.series_ids()
    ids.clear()
    again = Dataset("2022-05-31", use_store=False)
    pd.testing.assert_series_equal(again.series("WALCL"), want_s)
    assert again.series("WALCL").attrs["units"] == "USD bn"
    pd.testing.assert_frame_equal(again.observations("WALCL"), want_obs)
    pd.testing.assert_frame_equal(again.holdings(["mbs"]), want_h)
    pd.testing.assert_frame_equal(again.table("treasury.mspd_detail.2022-01-31"), want_tab)
    pd.testing.assert_frame_equal(again.holdings_dates(), want_dates)
    assert "WALCL" in again.series_ids()


@pytest.mark.parametrize("blind", ["file_state", "write_generation"])
def test_a_vintage_written_in_this_process_is_read(tmp_path: Path, monkeypatch, blind: str):
    """Either half of the key alone catches a new vintage: the file's state (size,
    modification time, inode: a write by another process) and the count of this
    process's commits (a write whose file state looks unchanged)."""
    if blind == "file_state":
        monkeypatch.setattr(dataset_mod, "_file_state", lambda p: None)
    else:
        monkeypatch.setattr(dataset_mod, "write_generation", lambda: 0)
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    ds = Dataset(data_dir=tmp_path)
    assert ds.series("WALCL").loc["2026-08-26"] == pytest.approx(6500.0)
    old_key = ds.cache_key()
    del ds  # a live view holds the store open; the writer needs it closed
    gc.collect()
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-10-01", 6600.0)])
    new = Dataset(data_dir=tmp_path)
    assert new.cache_key() != old_key
    assert new.series("WALCL").loc["2026-08-26"] == pytest.approx(6600.0)
    assert Dataset("2026-09-15", data_dir=tmp_path).series("WALCL").loc["2026-08-26"] == (
        pytest.approx(6500.0)
    )


def test_at_keeps_the_folders(tmp_path: Path):
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    ds = Dataset("2022-05-31", data_dir=tmp_path)
    latest = ds.at(None)
    assert type(latest) is Dataset and latest.as_of is None
    assert latest.series("WALCL").loc["2026-08-26"] == pytest.approx(6500.0)
    assert repr(latest).endswith(f"store={tmp_path / 'qtlab.duckdb'})")
    assert ds.at("2022-05-31").cache_key() == ds.cache_key()
    assert Dataset(use_store=False).at(None)._store_path is None


def test_the_cache_is_bounded_and_least_recently_used():
    c = ReadCache(max_entries=2)
    calls: list[str] = []

    def read(k: str) -> str:
        calls.append(k)
        return k.upper()

    assert c.get("a", lambda: read("a")) == "A"
    assert c.get("b", lambda: read("b")) == "B"
    assert c.get("a", lambda: read("a")) == "A"  # hit; "b" is now the oldest
    assert c.get("c", lambda: read("c")) == "C"  # evicts "b"
    assert c.get("b", lambda: read("b")) == "B"
    assert calls == ["a", "b", "c", "b"]
    assert len(c) == 2 and (c.hits, c.misses) == (1, 4)
    c.clear()
    assert len(c) == 0
    assert read_cache() is read_cache()
