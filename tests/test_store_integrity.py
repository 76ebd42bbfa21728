"""The store and the snapshot never serve silently wrong data: a re-imported vintage
replaces its rows, the snapshot is checked against its manifest."""

from __future__ import annotations

from pathlib import Path

from _helpers import flat, run_cli, store_contents
from qtlab.store import Dataset

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
