"""User-series import (``qtlab.sources.user``, ``qtlab data import``) and A6's MBS share.

There is no official machine-readable copy of total agency MBS outstanding in
data/raw (SIFMA publishes it as a spreadsheet). To exercise the import path
end to end, the Fed's own MBS holdings (FRED WSHOMCB, H.4.1, USD millions) stand in
for it: the numbers A6 then shows are NOT the Fed's share of the agency MBS market,
only proof that the loader, the store and A6 connect.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from _helpers import assert_store_unchanged, flat, run_cli, store_contents
from qtlab import schema
from qtlab.analyses import get_analysis
from qtlab.errors import ParseError, SpecError, UnknownSeriesError
from qtlab.sources import fred
from qtlab.sources.user import IMPORTABLE_IDS, parse_series_csv, read_series_csv
from qtlab.store import Dataset
from qtlab.store.db import Store

SID = "agency_mbs.outstanding"


@pytest.fixture(scope="module")
def imported(raw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding WSHOMCB (USD mn) imported as ``agency_mbs.outstanding`` (stand-in)."""
    d = tmp_path_factory.mktemp("import-store")
    res = run_cli(
        "data", "import", SID, raw_data / "fred" / "WSHOMCB.csv",
        "--scale", "0.001", "--vintage", "2026-08-20",
        "--source", "stand-in: FRED WSHOMCB", "--data-dir", d,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert f"ok {SID}: 1,236 observations 2002-12-18 to 2026-08-19 [USD bn]" in flat(res.output)
    return d


def test_glossary_knows_the_series() -> None:
    spec = schema.series_spec(SID)
    assert (spec.units, spec.frequency, spec.source, spec.kind) == (
        schema.USD_BN,
        "monthly",
        "user",
        "observed",
    )
    assert "SIFMA" in spec.title and "Z.1" in spec.title
    assert IMPORTABLE_IDS == (SID,)


def test_round_trip_into_the_store(imported: Path, raw_data: Path) -> None:
    raw = raw_data / "fred" / "WSHOMCB.csv"
    ds = Dataset(data_dir=imported)
    got = ds.series(SID)
    # the same file through the FRED reader (millions -> USD bn there too): bit-exact
    want = fred.read_fred_csv(raw).data.set_index("date")["value"]
    assert (got.index == want.index).all() and got.to_numpy().tolist() == want.tolist()
    assert got.attrs["units"] == "USD bn" and got.attrs["source"] == "user"
    assert got.loc["2022-06-01"] == 2_707.446  # 2707446.0 [USD mn] in the file

    with Store(imported, read_only=True) as st:
        prov = st.provenance().set_index("dataset").loc[f"user.{SID}"]
    assert prov["source"] == "user file (stand-in: FRED WSHOMCB)"
    assert prov["official_id"] == "WSHOMCB.csv" and prov["file"].endswith("WSHOMCB.csv")
    assert prov["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert pd.Timestamp(prov["vintage"]).date() == date(2026, 8, 20)
    assert pd.Timestamp(prov["as_of"]).date() == date(2026, 8, 19)
    assert prov["rows"] == 1236

    status = {s.id: s for s in ds.catalog()}
    assert status[SID].source == "user" and status[SID].units == "USD bn"
    assert status[SID].vintage == date(2026, 8, 20)


def test_a6_fills_the_mbs_share_from_the_import(imported: Path, raw_data: Path) -> None:
    ds = Dataset(data_dir=imported)
    res = get_analysis("A6").run(ds, lang="en")
    assert res.meta["gaps"] == []
    tab = res.table("a6_share")
    col = "Share of agency MBS [%]"
    assert col in tab.columns
    # by hand: SOMA MBS on the last Wednesday of May 2022 over the stand-in's last May value
    soma = ds.series("soma.mbs")
    soma_may = soma[soma.index.to_period("M") == "2022-05"].iloc[-1]
    raw = pd.read_csv(raw_data / "fred" / "WSHOMCB.csv", index_col="date", parse_dates=True)
    den_may = raw[raw.index.to_period("M") == "2022-05"]["value"].iloc[-1] / 1000
    assert tab.loc["2022-05", col] == pytest.approx(100 * soma_may / den_may, rel=1e-12)
    mbs = res.note_values("a6.note.mbs")
    assert mbs["month"] == tab[col].last_valid_index()
    # without the store A6 says what is missing and how to fill it
    bare = get_analysis("A6").run(Dataset(use_store=False), lang="en")
    assert any(f"qtlab data import {SID} FILE" in g for g in bare.meta["gaps"])


GOOD = "date,value\n2024-01-31,8900.5\n2024-02-29,8910.25\n"

BAD_FILES = [
    # (content, line, field, value, words in the message)
    ("date,value\n2024-01-31,8900.5\n2024-02-29\n", 3, "line 3", "2024-02-29", "truncated"),
    ("date,value\n2024-01-31,8900.5\n2024-02-29,n/a\n", 3, "value", "n/a", "not a number"),
    ("date,value\n2024-01-31,8900.5\n2024-02-30,8910\n", 3, "date", "2024-02-30", "not a valid"),
    ("date,value\n2024-01-31,8900.5\n01/31/2024,8910\n", 3, "date", "01/31/2024", "YYYY-MM-DD"),
    ("date,value\n2024-01-31,\n", 2, "value", "", "missing value"),
    ("date,value\n2024-01-31,1\n2024-02-29,2\n2024-01-31,3\n", 4, "date", "2024-01-31", "repeated"),
    ("date,value\n2024-01-31,inf\n", 2, "value", "inf", "not a finite number"),
    ("date,value\n2024-01-31,1\n2024-02-29,-inf\n", 3, "value", "-inf", "not a finite number"),
    ("date,value\n2024-01-31,NaN\n", 2, "value", "NaN", "not a finite number"),
    ("date,value\n2024-01-31,1e999\n", 2, "value", "1e999", "not a finite number"),
    # blank lines are skipped but still counted: the bad value is on line 5 of the file
    ("date,value\n\n2024-01-31,1\n\n2024-02-29,x\n", 5, "value", "x", "not a number"),
    ("date,value\n2024-01-31,1,5\n", 2, "line 2", "2024-01-31,1,5", "more fields"),
]


@pytest.mark.parametrize(("content", "line", "field", "value", "words"), BAD_FILES)
def test_bad_files_name_file_line_field_value_and_change_nothing(
    tmp_path: Path, content: str, line: int, field: str, value: str, words: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    with pytest.raises(ParseError) as info:
        read_series_csv(bad, SID)
    err = info.value
    assert (err.file, err.field, err.value) == (str(bad), field, value)
    msg = str(err)
    assert str(bad) in msg and f"line {line}" in msg and words in msg

    store = tmp_path / "store"
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    assert run_cli("data", "import", SID, good, "--data-dir", store).exit_code == 0
    before = store_contents(store)
    res = run_cli("data", "import", SID, bad, "--vintage", "2030-01-01", "--data-dir", store)
    assert res.exit_code == 1, res.output
    assert f"line {line}" in flat(res.output) and "bad.csv" in flat(res.output)
    assert_store_unchanged(store, before)


def test_wrong_header_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"field 'header', value 'date,walcl'"):
        parse_series_csv("DATE,WALCL\n2024-01-31,1\n", SID, file="x.csv")
    with pytest.raises(ParseError, match=r"file e\.csv: the file is empty"):
        parse_series_csv("", SID, file="e.csv")
    with pytest.raises(ParseError, match="no observations"):
        parse_series_csv("date,value\n\n", SID, file="e.csv")


def test_parse_scales_and_keeps_provenance() -> None:
    out = parse_series_csv(
        GOOD.encode(), SID, file="sifma.csv", units_scale=0.001, vintage=date(2024, 3, 5)
    )
    assert list(out.data.columns) == list(schema.SERIES_COLUMNS)
    assert out.data["value"].tolist() == [8.9005, 8.91025]
    assert out.meta.source == "user file" and out.meta.dataset == f"user.{SID}"
    assert out.meta.as_of == date(2024, 2, 29) and out.meta.vintage == date(2024, 3, 5)
    assert out.meta.units == {SID: "USD bn"}
    assert out.meta.sha256 == hashlib.sha256(GOOD.encode()).hexdigest()
    today = parse_series_csv(GOOD, SID)
    assert today.meta.vintage == date.today()
    assert (today.data["vintage"] == pd.Timestamp(date.today())).all()


def test_unknown_and_official_ids_are_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    with pytest.raises(
        UnknownSeriesError, match=r"'agency_mbs\.outstnading'.*'agency_mbs\.outstanding'"
    ):
        read_series_csv(good, "agency_mbs.outstnading")
    with pytest.raises(UnknownSeriesError, match=r"'WALCL' is an official series loaded from fred"):
        read_series_csv(good, "WALCL")
    # the id is checked before the file is opened
    with pytest.raises(UnknownSeriesError):
        read_series_csv(tmp_path / "missing.csv", "nope")
    with pytest.raises(ParseError, match="file not found"):
        read_series_csv(tmp_path / "missing.csv", SID)
    with pytest.raises(ParseError, match="cannot read the file"):
        read_series_csv(tmp_path, SID)
    with pytest.raises(SpecError, match="units_scale=0"):
        parse_series_csv(GOOD, SID, units_scale=0)


def test_cli_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    store = tmp_path / "store"
    for args in (
        ("nope", good),
        ("WALCL", good),
        (SID, tmp_path / "missing.csv"),
        (SID, good, "--scale", "-1"),
        (SID, good, "--scale", "nan"),
        (SID, good, "--vintage", "2024-13-01"),
        (SID,),
    ):
        res = run_cli("data", "import", *args, "--data-dir", store)
        assert res.exit_code == 2, (args, res.output)
    assert not (store / "qtlab.duckdb").exists()
    res = run_cli("data", "import", "nope", good, "--data-dir", store)
    assert "valid ids are 'agency_mbs.outstanding'" in flat(res.output)

    ok = run_cli("data", "import", SID, good, "--vintage", "2024-03-05", "--data-dir", store)
    assert ok.exit_code == 0, ok.output
    again = run_cli("data", "import", SID, good, "--vintage", "2024-03-05", "--data-dir", store)
    assert again.exit_code == 0  # the same vintage is replaced, not duplicated
    ds = Dataset(data_dir=store)
    assert ds.series(SID).tolist() == [8900.5, 8910.25]
