"""Whole-vintage series in the as-of view: the Philadelphia Fed's real GDP as published on
a date, every value from one vintage (data/raw/philly, SOURCES.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from _endpoints import RTDSM_ROUTPUT
from qtlab.errors import DateRangeError
from qtlab.schema import series_spec
from qtlab.sources import SourceData, philly
from qtlab.store import Dataset, Store

SID = philly.SERIES_ID


@pytest.fixture(scope="module")
def routput(raw_data: Path) -> SourceData:
    return philly.read_routput(raw_data / RTDSM_ROUTPUT)


@pytest.fixture
def store_only(tmp_path: Path, routput: SourceData) -> tuple[Path, Path]:
    """A store holding the real-time file and an empty snapshot: only the store is read."""
    with Store(tmp_path / "store") as st:
        st.ingest([routput])
    empty = tmp_path / "snapshot"
    empty.mkdir()
    return tmp_path / "store", empty


def _ds(folders: tuple[Path, Path], as_of: str | None) -> Dataset:
    return Dataset(as_of, data_dir=folders[0], snapshot_dir=folders[1])


def test_series_is_whole_vintage_in_the_glossary() -> None:
    spec = series_spec(SID)
    assert spec.whole_vintage and spec.kind == "observed" and spec.source == "philly"
    assert not series_spec("GDPC1").whole_vintage


def test_real_gdp_as_published_on_2022_05_31(store_only: tuple[Path, Path]) -> None:
    s = _ds(store_only, "2022-05-31").series(SID)
    # vintage 22M5 (May 15, 2022), chained 2012 dollars: 2022Q1 = 19,735.9 (SOURCES.md)
    assert s.attrs["vintage"] == pd.Timestamp("2022-05-15")
    assert s.index.max() == pd.Timestamp("2022-01-01")
    assert s.loc["2022-01-01"] == 19735.9
    assert philly.base_year(s.attrs["vintage"]) == (2012, True)
    # every value from that one vintage, back to 1947
    obs = _ds(store_only, "2022-05-31").observations(SID)
    assert (obs["vintage"] == pd.Timestamp("2022-05-15")).all()
    assert obs["date"].min() == pd.Timestamp("1947-01-01") and len(obs) == 301


def test_vintage_dated_mid_month(store_only: tuple[Path, Path]) -> None:
    assert _ds(store_only, "2022-05-14").series(SID).attrs["vintage"] == pd.Timestamp("2022-04-15")
    latest = _ds(store_only, None).series(SID)
    assert latest.attrs["vintage"] == pd.Timestamp("2025-02-15")
    assert latest.loc["2019-10-01"] == 20985.4  # = GDPC1, chained 2017 dollars


def test_never_mixes_vintages_per_date(
    tmp_path: Path, store_only: tuple[Path, Path], routput: SourceData
) -> None:
    # a later vintage that lacks a quarter: the as-of view shows it without that
    # quarter rather than filling it from an earlier vintage (in other dollars)
    df = routput.data
    late = df[df["vintage"] == df["vintage"].max()]
    late = late[late["date"] != pd.Timestamp("1960-01-01")].assign(
        vintage=pd.Timestamp("2025-03-15")
    )
    with Store(store_only[0]) as st:
        st.ingest([SourceData(late.reset_index(drop=True), routput.meta)])
    s = _ds(store_only, "2025-03-31").series(SID)
    assert s.attrs["vintage"] == pd.Timestamp("2025-03-15")
    assert pd.Timestamp("1960-01-01") not in s.index
    # a vantage before the new vintage still sees the whole of vintage 25M2
    assert _ds(store_only, "2025-02-20").series(SID).loc["1960-01-01"] > 0


def test_catalog_agrees_with_the_whole_vintage(store_only: tuple[Path, Path]) -> None:
    ds = _ds(store_only, "2022-05-31")
    info = next(i for i in ds.catalog() if i.id == SID)
    assert (info.first, info.last, info.rows, info.vintage) == (
        date(1947, 1, 1),
        date(2022, 1, 1),
        301,
        date(2022, 5, 15),
    )


def test_before_the_first_vintage_is_a_date_range_error(store_only: tuple[Path, Path]) -> None:
    with pytest.raises(DateRangeError, match="earliest kept is 1965-11-15"):
        _ds(store_only, "1965-11-01").series(SID)
