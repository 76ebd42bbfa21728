"""The Board's H.4.1 Data Download Program loader, on the raw files in data/raw/h41.

Row and series counts are those of data/raw/SOURCES.md ("Liability files added 2026-12"):
100 weeks each; Table 1 factors 191 series, Table 5 120 series. The live endpoint is
served from the same files by tests/_endpoints.py.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import httpx
import pandas as pd
import pytest

from _endpoints import FRB_DDP_FILES, OfficialEndpoints, flaky, no_sleep, replace_once
from qtlab import schema
from qtlab.errors import FetchError, ParseError, SpecError
from qtlab.sources import SourceData, frb

FACTORS = "h41/FRB_H41_factors_2021-04-28_2023-03-22.csv"
TABLE5 = "h41/FRB_H41_table5_2016-02-03_2017-12-27.csv"


@pytest.fixture(scope="module")
def factors(raw_data: Path) -> SourceData:
    return frb.read_h41_csv(raw_data / FACTORS)


@pytest.fixture(scope="module")
def table5(raw_data: Path) -> SourceData:
    return frb.read_h41_csv(raw_data / TABLE5)


def _header(raw_data: Path, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((raw_data / name).read_text(encoding="utf-8"))))[:6]


def at(data: pd.DataFrame, sid: str, day: str) -> float:
    sel = (data["series_id"] == sid) & (data["date"] == pd.Timestamp(day))
    assert sel.sum() == 1, (sid, day)
    return float(data.loc[sel, "value"].iloc[0])


def test_factors_file_rows_series_and_units(raw_data: Path, factors) -> None:
    head = _header(raw_data, FACTORS)
    assert len(head[5]) - 1 == 191  # SOURCES.md: 191 series
    df = factors.data
    assert list(df.columns) == list(schema.SERIES_COLUMNS)
    assert df["date"].nunique() == 100  # SOURCES.md: 100 weeks
    assert df["date"].min() == pd.Timestamp("2021-04-28")
    assert df["date"].max() == pd.Timestamp("2023-03-22")
    assert (df["date"].dt.day_of_week == 2).all()
    # 95 levels kept (one, Maiden Lane's week average, is all NA), 96 changes dropped
    assert df["series_id"].nunique() == 94
    assert any("96 change series" in n for n in factors.meta.notes)
    assert any("100 missing cells" in n for n in factors.meta.notes)
    assert factors.meta.vintage == date(2023, 3, 22)
    assert set(factors.meta.units.values()) == {schema.USD_BN}
    # the raw cell 2163402 (millions, multiplier 1000000) -> 2,163.402 bn, bit for bit
    assert at(df, "h41.currency_in_circulation", "2021-04-28") == 2163402 / 1000
    assert at(df, "h41.tga.week_avg", "2021-04-28") == 967689 / 1000
    assert at(df, "h41.reverse_repos.foreign_official", "2021-04-28") == 216.159
    assert at(df, "h41.reverse_repos.others", "2021-04-28") == 166.732
    assert factors.extra["board_ids"]["h41.tga"] == "RESPPLLDT_N.WW"
    assert "General Account" in factors.extra["descriptions"]["h41.tga"]
    for sid in df["series_id"].unique():
        assert schema.series_spec(sid).units == schema.USD_BN


def test_factors_liability_side_adds_up(factors) -> None:
    """Table 1: factors absorbing (other than reserves) = currency + reverse repos + Treasury
    cash + deposits other than reserves + Treasury contribution + other liabilities and
    capital; reverse repos = foreign official + others; within the H.4.1's $1 mn rounding."""
    w = factors.data.pivot(index="date", columns="series_id", values="value")
    parts = [
        "h41.currency_in_circulation",
        "h41.reverse_repos",
        "h41.treasury_cash",
        "h41.deposits_other_than_reserves",
        "h41.treasury_contribution",
        "h41.other_liabilities_capital",
    ]
    assert (w[parts].sum(axis=1) - w["h41.factors_absorbing"]).abs().max() <= 0.003
    rrp = w["h41.reverse_repos.foreign_official"] + w["h41.reverse_repos.others"]
    assert (rrp - w["h41.reverse_repos"]).abs().max() <= 0.002
    # the BTFP (from 2023-03-12) shows in the last two weeks only
    btfp = w["h41.loans.btfp"]
    assert btfp[btfp > 0].index.min() == pd.Timestamp("2023-03-15")


def test_table5_units_and_balance(raw_data: Path, table5) -> None:
    head = _header(raw_data, TABLE5)
    assert len(head[5]) - 1 == 120  # SOURCES.md: 120 series
    df = table5.data
    assert df["date"].nunique() == 100
    assert (df["date"].min(), df["date"].max()) == (
        pd.Timestamp("2016-02-03"),
        pd.Timestamp("2017-12-27"),
    )
    assert at(df, "h41.total_assets", "2016-02-03") == 4483.495
    assert at(df, "h41.fr_notes", "2016-02-03") == 1370.254
    w = df.pivot(index="date", columns="series_id", values="value")
    parts = [
        "h41.fr_notes",
        "h41.reverse_repos",
        "h41.deposits",
        "h41.deferred_availability",
        "h41.other_liabilities",
    ]
    assert (w[parts].sum(axis=1) - w["h41.total_liabilities"]).abs().max() <= 0.003
    assert (
        w["h41.total_liabilities"] + w["h41.capital"] - w["h41.total_assets"]
    ).abs().max() <= 0.003


def test_glossary_ids() -> None:
    assert frb.glossary_id("RESTBC_N.WW") == "h41.currency_in_circulation"
    assert frb.glossary_id("RESPPLLDT_XAW_N.WW") == "h41.tga.week_avg"
    assert frb.glossary_id("RESPPAADH_N.WW") == "h41.board.RESPPAADH"
    assert frb.glossary_id("RESTBC_XAW_XCH1_N.WW") is None
    assert frb.glossary_id("RESPPLLN_XCH52_N.WW") is None
    with pytest.raises(ParseError, match=r"weekly H\.4\.1 series id"):
        frb.glossary_id("RESTBC_N.M")


# ------------------------------------------------------------------------ bad input


def _text(raw_data: Path) -> str:
    return (raw_data / FACTORS).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "match", "field"),
    [
        (
            '"Multiplier:",',
            '"Multiplier of",',
            r"line 3: the first cell should be 'Multiplier:'",
            "header",
        ),
        (
            '"Unit:","Currency",',
            '"Unit:","Percent",',
            r"line 2: column RESH4A_N.WW is in 'Percent'",
            "RESH4A_N.WW",
        ),
        (
            '"Multiplier:","1000000",',
            '"Multiplier:","million",',
            "multiplier of column RESH4A_N.WW",
            "RESH4A_N.WW",
        ),
        ("2021-04-28,", "2021-04-31,", "line 7: not an ISO date", "Time Period"),
        ("2021-04-28,3940209,", "2021-04-28,39402O9,", "line 7: not a number", "RESH4A_N.WW"),
    ],
)
def test_malformed_header_and_rows(
    raw_data: Path, old: str, new: str, match: str, field: str
) -> None:
    bad = replace_once(_text(raw_data), old, new)
    with pytest.raises(ParseError, match=match) as err:
        frb.parse_h41_csv(bad, file="bad.csv")
    assert err.value.file == "bad.csv"
    assert err.value.field == field
    assert "bad.csv" in str(err.value)


def test_missing_header_row_and_truncated_line(raw_data: Path) -> None:
    lines = _text(raw_data).splitlines(keepends=True)
    no_currency = "".join(lines[:3] + lines[4:])
    with pytest.raises(ParseError, match="line 4: the first cell should be 'Currency:'"):
        frb.parse_h41_csv(no_currency, file="x.csv")
    cut = "".join(lines[:8]) + lines[8][:40] + "\n"
    with pytest.raises(ParseError, match="line 9 has 5 fields, the header 192"):
        frb.parse_h41_csv(cut, file="x.csv")
    with pytest.raises(ParseError, match="no data rows"):
        frb.parse_h41_csv("".join(lines[:6]), file="x.csv")


def test_series_id_must_be_a_weekly_h41_id(raw_data: Path) -> None:
    bad = _text(raw_data).replace("RESH4A_N.WW", "RESH4A_N.M", 2)  # identifier and id rows
    with pytest.raises(ParseError, match=r"line 6, column 2: not a weekly H\.4\.1") as err:
        frb.parse_h41_csv(bad, file="x.csv")
    assert (err.value.field, err.value.value) == ("RESH4A_N.M", "RESH4A_N.M")


def test_unique_identifier_must_name_the_column(raw_data: Path) -> None:
    bad = replace_once(_text(raw_data), "H41/H41/RESH4A_N.WW", "H41/H41/RESH4R_N.WW")
    with pytest.raises(ParseError, match=r"does not end with its series id 'RESH4A_N\.WW'"):
        frb.parse_h41_csv(bad, file="x.csv")


# ------------------------------------------------------------------------ the live endpoint


def test_get_h41_through_the_ddp(raw_data: Path, factors) -> None:
    ends = OfficialEndpoints(raw_data)
    with ends.client() as client:
        out = frb.get_h41("factors", start="2022-05-01", end="2022-06-30", client=client)
    (req,) = ends.requests
    assert req.url.host == "www.federalreserve.gov"
    assert req.url.path == "/datadownload/Output.aspx"
    p = req.url.params
    assert (p["rel"], p["filetype"], p["label"], p["layout"]) == (
        "H41",
        "csv",
        "include",
        "seriescolumn",
    )
    assert (p["from"], p["to"]) == ("05/01/2022", "06/30/2022")
    assert FRB_DDP_FILES[p["series"]] == FACTORS
    df = out.data
    assert df["date"].min() == pd.Timestamp("2022-05-04")
    assert df["date"].max() == pd.Timestamp("2022-06-29")
    assert out.meta.url is not None and "rel=H41" in out.meta.url
    assert out.meta.file is None and out.meta.retrieved_at is not None
    assert (df["vintage"] == pd.Timestamp(out.meta.retrieved_at.date())).all()
    whole = factors.data.set_index(["series_id", "date"])["value"]
    got = df.set_index(["series_id", "date"])["value"]
    assert (got == whole.reindex(got.index)).all()


def test_get_h41_table5_retries_and_errors(raw_data: Path) -> None:
    ends = OfficialEndpoints(raw_data)
    with ends.client() as ok_client:
        handler = flaky(ends, failures=1)
        with httpx.Client(transport=httpx.MockTransport(handler)) as client:
            out = frb.get_h41(
                "table5", start=date(2017, 10, 1), end="2017-10-31", client=client, sleep=no_sleep
            )
        assert out.data["date"].nunique() == 4  # Wednesdays 4, 11, 18, 25 October 2017
        with pytest.raises(FetchError):
            frb.get_h41(
                "factors",
                start="2022-01-01",
                end="2022-02-01",
                package="nope",
                client=ok_client,
                retries=1,
            )
    with pytest.raises(SpecError, match=r"not an H\.4\.1 table"):
        frb.get_h41("table9", start="2022-01-01", end="2022-02-01")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="not an ISO date"):
        frb.get_h41("factors", start="01/05/2022", end="2022-02-01")
