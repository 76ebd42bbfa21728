"""Philadelphia Fed real-time real GDP (``qtlab.sources.philly``), tested on the official
routputMvQd.xlsx in data/raw/philly (SOURCES.md) and on FRED GDPC1 and GDP there."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from _endpoints import RTDSM_ROUTPUT, OfficialEndpoints, no_sleep, value_at
from qtlab.errors import DataError, ParseError
from qtlab.sources import SourceData, fred, philly

SID = philly.SERIES_ID


@pytest.fixture(scope="module")
def xlsx_bytes(raw_data: Path) -> bytes:
    return (raw_data / RTDSM_ROUTPUT).read_bytes()


@pytest.fixture(scope="module")
def routput(xlsx_bytes: bytes) -> SourceData:
    return philly.parse_routput_xlsx(xlsx_bytes, file="routputMvQd.xlsx")


def test_vintages_as_published(routput: SourceData, raw_data: Path) -> None:
    df = routput.data
    # SOURCES.md: vintage 22M5, chained 2012 dollars, 2022Q1 = 19,735.9 [USD bn SAAR]
    assert value_at(df, SID, "2022-01-01", "2022-05-15") == 19735.9
    # vintage 25M2, 2019Q4 = 20,985.4 = FRED GDPC1 (20,985.448, chained 2017 dollars)
    assert value_at(df, SID, "2019-10-01", "2025-02-15") == 20985.4
    gdpc1 = fred.read_fred_csv(raw_data / "fred" / "GDPC1.csv").data
    assert value_at(gdpc1, "GDPC1", "2019-10-01") == pytest.approx(20985.4, abs=0.05)
    # 712 vintages 1965-11 .. 2025-02, 312 quarters 1947Q1 .. 2024Q4, #N/A dropped
    assert df["vintage"].nunique() == 712
    assert df["vintage"].min() == pd.Timestamp("1965-11-15")
    assert df["date"].min() == pd.Timestamp("1947-01-01")
    assert df["date"].max() == pd.Timestamp("2024-10-01")
    assert len(df) == 135_869 and df["value"].notna().all()


def test_a_vintage_holds_only_what_was_published_by_mid_month(routput: SourceData) -> None:
    df = routput.data
    last = df.groupby("vintage")["date"].max()
    # BEA's advance estimate of 2024Q4 came on 2025-01-30: not in vintage 25M1 (Jan 15)
    assert last[pd.Timestamp("2025-01-15")] == pd.Timestamp("2024-07-01")
    assert last[pd.Timestamp("2025-02-15")] == pd.Timestamp("2024-10-01")
    # and the advance 2022Q1 (2022-04-28) is in vintage 22M5, not 22M4
    assert last[pd.Timestamp("2022-04-15")] == pd.Timestamp("2021-10-01")
    assert (last.index.day == philly.VINTAGE_DAY).all()


def test_base_years_are_where_the_levels_jump(routput: SourceData) -> None:
    # every vintage re-expresses 1960Q1; it moves by more than 1% only at a rebasing
    df = routput.data
    q = df[df["date"] == pd.Timestamp("1960-01-01")].set_index("vintage")["value"]
    jumps = q.pct_change().abs()
    starts = {v.strftime("%Y-%m") for v in jumps[jumps > 0.01].index}
    assert starts == {first for first, _, _ in philly.BASE_YEARS[1:]}


def test_chained_base_year_is_where_real_equals_nominal(
    routput: SourceData, raw_data: Path
) -> None:
    # chain-type real GDP equals nominal GDP in its base year (annual average); nominal
    # from FRED GDP (a later vintage: within 1% for 2012, against 7% apart for 2017)
    df = routput.data
    gdp = fred.read_fred_csv(raw_data / "fred" / "GDP.csv").data.set_index("date")["value"]
    for vintage in ("2022-05-15", "2025-02-15"):
        year, chained = philly.base_year(vintage)
        assert chained
        v = df[df["vintage"] == pd.Timestamp(vintage)].set_index("date")["value"]
        real = v[v.index.year == year].mean()
        nominal = gdp[gdp.index.year == year].mean()
        assert real == pytest.approx(nominal, rel=0.01), (vintage, year)
    assert philly.base_year("2022-05-15") == (2012, True)
    assert philly.base_year(date(2025, 2, 15)) == (2017, True)
    assert philly.base_year("1980-01-15") == (1972, False)
    with pytest.raises(DataError, match="before the first RTDSM vintage"):
        philly.base_year("1960-01-15")


@pytest.fixture(scope="module")
def excerpt(xlsx_bytes: bytes) -> list[tuple[object, ...]]:
    """The first 12 rows and 4 columns of the official sheet (small, so edits are fast)."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes), read_only=True)
    rows = [tuple(r[:4]) for r in wb["routput"].iter_rows(max_row=12, values_only=True)]
    wb.close()
    return rows


def _edited(rows: list[tuple[object, ...]], cell: str, value: object) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "routput"
    for r in rows:
        ws.append(list(r))
    ws[cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excerpt_parses(excerpt: list[tuple[object, ...]]) -> None:
    out = philly.parse_routput_xlsx(_edited(excerpt, "A2", "1947:Q1"), file="r.xlsx").data
    assert out["vintage"].nunique() == 3 and out["date"].nunique() == 11
    assert value_at(out, SID, "1947-01-01", "1965-11-15") == excerpt[1][1]


@pytest.mark.parametrize(
    ("cell", "value", "match"),
    [
        ("B1", "ROUTPUT22M13", "not a vintage column"),
        ("A5", "1948Q1", "not a quarter"),
        ("C10", "n.a.", "not a number"),
        ("A1", "QUARTER", "header row starting with DATE"),
    ],
)
def test_bad_workbook_names_cell(
    excerpt: list[tuple[object, ...]], cell: str, value: object, match: str
) -> None:
    with pytest.raises(ParseError, match=match) as err:
        philly.parse_routput_xlsx(_edited(excerpt, cell, value), file="r.xlsx")
    assert "r.xlsx" in str(err.value)


def test_not_a_workbook() -> None:
    with pytest.raises(ParseError, match="not a readable xlsx"):
        philly.parse_routput_xlsx(b"DATE,ROUTPUT22M5\n", file="r.csv")


def test_get_routput_from_the_philadelphia_fed(raw_data: Path, routput: SourceData) -> None:
    endpoints = OfficialEndpoints(raw_data)
    with endpoints.client() as client:
        out = philly.get_routput(client=client, sleep=no_sleep)
    assert [str(r.url) for r in endpoints.requests] == [philly.ROUTPUT_URL]
    pd.testing.assert_frame_equal(out.data, routput.data)
    assert out.meta.url == philly.ROUTPUT_URL and out.meta.retrieved_at is not None
