"""The store and the snapshot never serve silently wrong data: a re-imported vintage
replaces its rows, the snapshot is checked against its manifest."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from _helpers import flat, reseal_snapshot, run_cli, store_contents
from qtlab.errors import DataError
from qtlab.store import Dataset
from qtlab.store.paths import packaged_snapshot_dir
from qtlab.store.snapshot import MANIFEST_NAME

SID = "agency_mbs.outstanding"


def _csv(path: Path, rows: list[tuple[str, float]]) -> Path:
    path.write_text("date,value\n" + "".join(f"{d},{v}\n" for d, v in rows))
    return path


def test_reimport_at_the_same_vintage_replaces_the_vintage(tmp_path: Path) -> None:
    store = tmp_path / "store"
    v1 = _csv(
        tmp_path / "v1.csv",
        [("2020-01-31", 100.0), ("2020-02-29", 101.0), ("2020-03-31", 999999.0),
         ("2020-04-30", 103.0)],
    )  # fmt: skip
    v2 = _csv(
        tmp_path / "v2_corrected.csv",
        [("2020-01-31", 100.0), ("2020-02-29", 101.0), ("2020-03-31", 102.0)],
    )
    for f in (v1, v2):
        res = run_cli("data", "import", SID, f, "--vintage", "2020-05-01", "--data-dir", store)
        assert res.exit_code == 0, res.output
    s = Dataset(data_dir=store).series(SID)
    assert s.tolist() == [100.0, 101.0, 102.0]
    got = store_contents(store)
    obs = got["observations"]
    assert len(obs[obs["series_id"] == SID]) == 3
    prov = got["provenance"]
    row = prov[prov["dataset"] == f"user.{SID}"].iloc[0]
    assert row["rows"] == 3 and str(row["file"]).endswith("v2_corrected.csv")
    # another vintage is kept beside it, untouched
    v3 = _csv(tmp_path / "v3.csv", [("2020-04-30", 104.0)])
    res = run_cli("data", "import", SID, v3, "--vintage", "2020-06-01", "--data-dir", store)
    assert res.exit_code == 0, res.output
    obs = store_contents(store)["observations"]
    assert sorted(obs.groupby("vintage").size().tolist()) == [1, 3]
    assert "ok" in flat(res.output)


# --- the embedded snapshot is read only as its manifest describes it -------------------


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    out = tmp_path / "snapshot"
    shutil.copytree(packaged_snapshot_dir(), out)
    return out


WALCL = "series/fred.WALCL.parquet"


def test_a_changed_file_is_refused(snap: Path) -> None:
    df = pd.read_parquet(snap / WALCL)
    df["value"] *= 1000
    df.to_parquet(snap / WALCL)
    with pytest.raises(DataError, match=rf"damaged: {WALCL} has SHA-256 .* not the"):
        Dataset(snapshot_dir=snap, use_store=False).series("WALCL")


def test_a_stray_file_is_never_read(snap: Path) -> None:
    rogue = pd.DataFrame(
        {
            "series_id": "WALCL",
            "date": pd.to_datetime(["2024-01-03"]),
            "value": [1.0],
            "vintage": pd.to_datetime(["2030-01-01"]),
        }
    )
    rogue.to_parquet(snap / "series" / "zz_rogue.parquet")
    got = Dataset(snapshot_dir=snap, use_store=False).series("WALCL")
    want = Dataset(use_store=False).series("WALCL")
    pd.testing.assert_series_equal(got, want)
    assert got.loc["2024-01-03"] > 7000


def test_a_missing_file_is_refused_not_replaced_by_an_older_one(snap: Path) -> None:
    (snap / "holdings" / "nyfed.soma_holdings.2024-10-02.mbs.parquet").unlink()
    with pytest.raises(DataError, match=r"2024-10-02.mbs.parquet is listed in manifest.json but"):
        Dataset(snapshot_dir=snap, use_store=False).holdings(["mbs"])


def test_changed_checksums_and_unknown_format_are_refused(snap: Path) -> None:
    p = snap / MANIFEST_NAME
    m = json.loads(p.read_text())
    m["datasets"][0]["sha256"] = "0" * 64
    p.write_text(json.dumps(m))
    with pytest.raises(DataError, match="damaged"):
        Dataset(snapshot_dir=snap, use_store=False).series("WALCL")
    reseal_snapshot(snap)
    m = json.loads(p.read_text())
    m["format"] = 99
    p.write_text(json.dumps(m))
    with pytest.raises(DataError, match="format 99; this qtlab reads format 1 only"):
        Dataset(snapshot_dir=snap, use_store=False).series("WALCL")


def test_truncated_parquet_is_a_clear_error_on_the_command_line(
    snap: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = snap / WALCL
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    monkeypatch.setattr("qtlab.store.dataset.packaged_snapshot_dir", lambda: snap)
    res = run_cli("data", "status")
    assert res.exit_code == 1
    text = flat(res.output)
    assert f"damaged: {WALCL} has SHA-256" in text and "Traceback" not in text
    # resealed (the checksum matches the truncated file): still a clear error naming it
    reseal_snapshot(snap)
    with pytest.raises(DataError, match=r"cannot read the snapshot .*fred\.WALCL\.parquet"):
        Dataset(snapshot_dir=snap, use_store=False).series("WALCL")


def test_checksums_are_computed_once_per_file_state(
    snap: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qtlab.store import _verify

    calls: list[str] = []
    real = _verify.file_sha256

    def counting(p: Path) -> str:
        calls.append(p.name)
        return real(p)

    monkeypatch.setattr(_verify, "file_sha256", counting)
    Dataset(snapshot_dir=snap, use_store=False).series("WALCL")
    n = len(calls)
    assert n == len(json.loads((snap / MANIFEST_NAME).read_text())["datasets"])
    Dataset(snapshot_dir=snap, use_store=False).series("WALCL")
    assert len(calls) == n  # the second view trusts the files already checked
    os.utime(snap / WALCL, ns=(1, 1))  # a new state of one file: checked again
    Dataset(snapshot_dir=snap, use_store=False).series("DGS10")
    assert calls[n:] == ["fred.WALCL.parquet"]


# --- a user's series is credited to the user's file in the report --------------------


def test_report_credits_a_user_series_to_its_file(tmp_path: Path, raw_data: Path) -> None:
    import hashlib

    from qtlab.report import build_report

    store = tmp_path / "store"
    f = raw_data / "fred" / "WSHOMCB.csv"  # a stand-in file for the import path
    res = run_cli(
        "data", "import", "agency_mbs.outstanding", f, "--scale", "0.001",
        "--vintage", "2026-08-20", "--source", "SIFMA US Agency MBS outstanding",
        "--data-dir", store,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = tmp_path / "rep"
    build_report(out, sections=["A6"], data_dir=store, png=False)
    prov = pd.read_csv(out / "tables" / "provenance.csv", encoding="utf-8-sig")
    row = prov[prov["Series read"] == "agency_mbs.outstanding"].iloc[0]
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    assert "FRED" not in row["Source"]
    assert row["Source"] == "User file (qtlab data import): SIFMA US Agency MBS outstanding"
    assert row["Official id or file"] == f"WSHOMCB.csv, sha256 {sha}"
    assert row["Layer"] == "local store (fetched)"
    build_report(out, sections=["A6"], data_dir=store, png=False, lang="zh")
    prov = pd.read_csv(out / "tables" / "provenance.csv", encoding="utf-8-sig")
    assert "用户文件" in prov.to_string() and "SIFMA US Agency MBS outstanding" in prov.to_string()


def test_holdings_reingest_replaces_date_and_kind_but_one_update_keeps_all(
    tmp_path: Path, raw_data: Path
) -> None:
    from dataclasses import replace as dc_replace

    from qtlab.sources import nyfed
    from qtlab.store import Store

    item = nyfed.read_soma_holdings(raw_data / "soma" / "soma_tsy_agency_cmbs_2022-02-16.csv")
    bills = item.data[item.data["kind"] == "bill"]
    half = len(bills) // 2
    a = dc_replace(item, data=bills.iloc[:half])
    b = dc_replace(item, data=bills.iloc[half:])
    with Store(tmp_path) as st:
        st.ingest([a, b])  # two files of one update: both kept
        n = st.connection.execute("SELECT count(*) FROM holdings").fetchone()
        assert n == (len(bills),)
        st.ingest([a])  # the 2022-02-16 bills fetched again: replaced as a whole
        n = st.connection.execute("SELECT count(*) FROM holdings").fetchone()
        assert n == (half,)
