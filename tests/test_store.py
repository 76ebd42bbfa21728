"""The local store, the as-of view and the packaged snapshot.

Facts checked by hand from the raw files in data/raw.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from qtlab.errors import DataError, DateRangeError, UnknownSeriesError
from qtlab.sources import SourceData, SourceMeta
from qtlab.store import Dataset, Store
from qtlab.store.snapshot import load_manifest, verify_snapshot


def _series(sid: str, vintage: str, values: dict[str, float], dataset: str = "t") -> SourceData:
    df = pd.DataFrame(
        {
            "series_id": sid,
            "date": pd.to_datetime(list(values)),
            "value": list(values.values()),
            "vintage": pd.Timestamp(vintage),
        }
    )
    meta = SourceMeta(
        source="fred",
        dataset=dataset,
        official_id=sid,
        units={sid: "USD bn"},
        vintage=date.fromisoformat(vintage),
        retrieved_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return SourceData(df, meta)


# --- the packaged snapshot -----------------------------------------------------------


def test_packaged_snapshot_is_intact():
    assert verify_snapshot() == []
    m = load_manifest()
    assert m is not None
    assert all(c.passed for c in m.checks)
    ids = {e.id for e in m.datasets}
    assert {"nyfed.soma_summary", "treasury.mspd_table1", "cbo.baselines", "freddie.pmms"} <= ids
    assert "fomc.sep_2022-03" in ids


def test_snapshot_series_latest_view():
    ds = Dataset(use_store=False)
    walcl = ds.series("WALCL")
    # data/raw/fred/WALCL.csv: 2002-12-18 .. 2026-08-19, 1236 rows, millions
    assert walcl.index.min() == pd.Timestamp("2002-12-18")
    assert walcl.index.max() == pd.Timestamp("2026-08-19")
    assert len(walcl) == 1236
    assert walcl.attrs["units"] == "USD bn"


def test_as_of_cuts_observed_series():
    ds = Dataset("2022-05-31", use_store=False)
    walcl = ds.series("WALCL")
    assert walcl.index.max() == pd.Timestamp("2022-05-25")
    dgs10 = ds.series("DGS10")
    assert dgs10.index.max() <= pd.Timestamp("2022-05-31")


def test_as_of_keeps_projection_vintages_published_by_then():
    ds = Dataset("2022-05-31", use_store=False)
    debt = ds.series("cbo.baseline.debt")
    # the May 2022 baseline (baseline_date 2022-05-01): FY2022 debt 24,172.581 bn
    assert debt.attrs["vintage"] == pd.Timestamp("2022-05-01")
    assert debt.loc["2022-09-30"] == pytest.approx(24172.581)
    sep = ds.series("FEDTARMD")
    assert sep.loc["2022-01-01"] == pytest.approx(1.9)
    assert sep.loc["2024-01-01"] == pytest.approx(2.8)
    today = Dataset(use_store=False).series("FEDTARMD")
    assert today.loc["2026-01-01"] == pytest.approx(3.4)


def test_projection_before_any_vintage_is_a_date_range_error():
    # the first SEP held is that of 2020-06-10 (the dot plots, data/raw/sep)
    with pytest.raises(DateRangeError, match=r"FEDTARMD.*earliest kept is 2020-06-10"):
        Dataset("2020-06-09", use_store=False).series("FEDTARMD")


def test_holdings_as_of_takes_latest_file_per_kind():
    h = Dataset("2022-05-31", use_store=False).holdings()
    by_kind = h.groupby("kind")["as_of"].max()
    assert by_kind["bill"] == pd.Timestamp("2022-02-16")
    assert by_kind["mbs"] == pd.Timestamp("2022-05-11")
    # SOURCES.md: MBS current face 2022-05-11 = 2706.078 bn
    assert h.loc[h["kind"] == "mbs", "par"].sum() == pytest.approx(2706.078, abs=1e-3)
    early = Dataset("2018-01-03", use_store=False).holdings(["mbs"])
    assert early["as_of"].unique().tolist() == [pd.Timestamp("2017-10-04")]
    assert early["par"].sum() == pytest.approx(1768.160, abs=1e-3)


def test_holdings_before_any_snapshot():
    with pytest.raises(DateRangeError, match="no SOMA holdings"):
        Dataset("2010-01-06", use_store=False).holdings()


def test_unknown_series_lists_valid_ids():
    with pytest.raises(UnknownSeriesError) as err:
        Dataset(use_store=False).series("WALCX")
    assert "WALCX" in str(err.value) and "WALCL" in str(err.value)


@pytest.mark.parametrize("bad", ["2022-02-30", "yesterday", "2999-01-01"])
def test_bad_as_of(bad):
    with pytest.raises(DateRangeError, match="as_of"):
        Dataset(bad)


# --- the user's store ---------------------------------------------------------------


def test_two_vintages_kept_and_chosen_by_as_of(tmp_path):
    with Store(tmp_path) as st:
        st.ingest([_series("FYOINT", "2021-10-01", {"2021-09-30": 100.0})])
        st.ingest([_series("FYOINT", "2022-02-01", {"2021-09-30": 101.5, "2022-09-30": 50.0})])
        assert st.vintages("FYOINT") == [date(2021, 10, 1), date(2022, 2, 1)]
    old = Dataset("2021-12-31", data_dir=tmp_path).series("FYOINT")
    assert old.loc["2021-09-30"] == pytest.approx(100.0)
    new = Dataset("2022-12-31", data_dir=tmp_path).series("FYOINT")
    assert new.loc["2021-09-30"] == pytest.approx(101.5)
    assert new.loc["2022-09-30"] == pytest.approx(50.0)


def test_failed_update_leaves_previous_vintage_intact(tmp_path, monkeypatch):
    with Store(tmp_path) as st:
        st.ingest([_series("WALCL", "2030-01-01", {"2026-08-26": 6500.0}, dataset="a")])

    calls = {"n": 0}
    real = Store._write_one

    def flaky(self, con, item, df):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk vanished mid-update")
        return real(self, con, item, df)

    monkeypatch.setattr(Store, "_write_one", flaky)
    with Store(tmp_path) as st, pytest.raises(OSError, match="mid-update"):
        st.ingest(
            [
                _series("WALCL", "2030-02-01", {"2026-08-26": 9999.0}, dataset="a"),
                _series("WRESBAL", "2030-02-01", {"2026-08-26": 1.0}, dataset="b"),
            ]
        )
    monkeypatch.setattr(Store, "_write_one", real)
    with Store(tmp_path, read_only=True) as st:
        assert st.vintages("WALCL") == [date(2030, 1, 1)]
        assert st.vintages("WRESBAL") == []
        assert len(st.provenance()) == 1
    s = Dataset(data_dir=tmp_path).series("WALCL")
    assert s.loc["2026-08-26"] == pytest.approx(6500.0)


def test_store_overlays_snapshot(tmp_path):
    with Store(tmp_path) as st:
        st.ingest([_series("WALCL", "2026-09-01", {"2026-08-26": 6600.0})])
    s = Dataset(data_dir=tmp_path).series("WALCL")
    assert s.index.max() == pd.Timestamp("2026-08-26")
    assert s.loc["2026-08-19"] > 0  # still from the snapshot


# --- tables ---------------------------------------------------------------------------


def test_tables_listed_cut_by_as_of_and_overlaid_by_the_store(raw_data, tmp_path):
    from qtlab.sources import treasury

    name = "treasury.mspd_detail.2022-01-31"
    snap = Dataset(use_store=False)
    (info,) = snap.tables()
    assert (info.dataset, info.as_of, info.rows, info.layer) == (
        name,
        date(2022, 1, 31),
        427,
        "snapshot",
    )
    assert len(snap.table(name)) == 427
    assert Dataset("2022-01-30", use_store=False).tables() == []
    with pytest.raises(
        DataError, match=r"'treasury\.mspd_detail\.2022-01-31' visible as of 2022-01-30; none is"
    ):
        Dataset("2022-01-30", use_store=False).table(name)
    with pytest.raises(
        DataError, match=r"no table 'mspd' visible as of today; valid tables are 'treasury"
    ):
        snap.table("mspd")

    # the same statement fetched again on 2022-02-03 (say) goes to the store
    item = treasury.read_mspd_detail(
        raw_data / "mspd" / "mspd_detail_opdm_2022-01-31.prn", vintage=date(2022, 2, 3)
    )
    changed = item.data.copy()
    changed.loc[0, "outstanding"] = changed.loc[0, "outstanding"] + 1.0
    with Store(tmp_path) as st:
        st.ingest([SourceData(changed, item.meta, kind="table")])
    latest = Dataset(data_dir=tmp_path)
    (info,) = latest.tables()
    assert (info.dataset, info.layer, info.vintage) == (name, "store", date(2022, 2, 3))
    pd.testing.assert_frame_equal(latest.table(name), changed)
    # as of 2022-02-01 the store's copy was not published yet: the snapshot's is used
    early = Dataset("2022-02-01", data_dir=tmp_path)
    assert [t.layer for t in early.tables()] == ["snapshot"]
    pd.testing.assert_frame_equal(early.table(name), snap.table(name))
    assert early.table(name).loc[0, "outstanding"] + 1.0 == changed.loc[0, "outstanding"]


@pytest.mark.parametrize("as_of", ["2021-12-31", "2022-05-31", None])
def test_catalog_agrees_with_the_as_of_observations(tmp_path, as_of):
    with Store(tmp_path) as st:
        st.ingest([_series("FYOINT", "2021-10-01", {"2021-09-30": 100.0})])
        st.ingest([_series("FYOINT", "2022-02-01", {"2021-09-30": 101.5, "2022-09-30": 50.0})])
        st.ingest([_series("WALCL", "2022-05-01", {"2022-04-27": 1.0, "2030-01-02": 2.0})])
    ds = Dataset(as_of, data_dir=tmp_path)
    some = {"FYOINT", "WALCL", "DGS10", "soma.bills", "pmms.frm30", "mspd.bills.total"}
    checked = 0
    for info in ds.catalog():
        if info.id not in some:
            continue
        assert info.kind == "observed"
        obs = ds.observations(info.id)
        assert (info.first, info.last, info.rows) == (
            obs["date"].min().date(),
            obs["date"].max().date(),
            len(obs),
        ), info.id
        assert info.vintage == obs["vintage"].max().date(), info.id
        checked += 1
    assert checked == len(some)
