"""ECB loaders (APP by programme, PEPP), tested on the real (transcribed) files in data/raw/intl.

Figures cited below are the ECB's own, as in the files (euro millions; data/raw/SOURCES.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from _endpoints import ECB_FILES, OfficialEndpoints, flaky, mock_client, no_sleep, replace_once
from _endpoints import value_at as _value_at
from qtlab.errors import FetchError, ParseError
from qtlab.schema import EUR_BN, series_spec, validate_series
from qtlab.sources import SourceData
from qtlab.sources.ecb import (
    APP_SERIES,
    APP_URL,
    PEPP_SERIES,
    PEPP_URL,
    app_identity_residuals,
    get_app,
    get_pepp,
    month_vintage,
    parse_app,
    parse_pepp,
    pepp_identity_residuals,
    read_app,
    read_pepp,
)

APP = ECB_FILES["APP_breakdown_history.csv"]
PEPP = ECB_FILES["PEPP_purchase_history.csv"]


def value_at(df: pd.DataFrame, sid: str, day: str) -> float:
    return _value_at(df, sid, day)


@pytest.fixture(scope="module")
def app(raw_data: Path) -> SourceData:
    return read_app(raw_data / APP)


@pytest.fixture(scope="module")
def pepp(raw_data: Path) -> SourceData:
    return read_pepp(raw_data / PEPP)


@pytest.fixture(scope="module")
def app_text(raw_data: Path) -> str:
    return (raw_data / APP).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pepp_text(raw_data: Path) -> str:
    return (raw_data / PEPP).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- real files


def test_app_reads_every_month_and_programme(app: SourceData) -> None:
    df = validate_series(app.data)
    assert set(df["series_id"]) == set(APP_SERIES)
    assert len(APP_SERIES) == 12
    months = df["date"].drop_duplicates().sort_values()
    assert len(months) == 143  # 2014-10 .. 2026-08, as SOURCES.md says
    assert months.iloc[0] == pd.Timestamp("2014-10-31")
    assert months.iloc[-1] == pd.Timestamp("2026-08-31")
    assert (months.dt.is_month_end).all()
    assert app.meta.source == "ecb"
    assert set(app.meta.units.values()) == {EUR_BN}
    assert series_spec("ecb.app.pspp.holdings").units == EUR_BN


def test_app_values_in_eur_bn(app: SourceData) -> None:
    df = app.data
    # ECB APP breakdown, end of March 2023 (first month of partial reinvestment):
    # PSPP holdings 2,569,835 mn, net purchases -10,104 mn, adjustment -4,997 mn
    assert value_at(df, "ecb.app.pspp.holdings", "2023-03-31") == pytest.approx(2569.835)
    assert value_at(df, "ecb.app.pspp.net_purchases", "2023-03-31") == pytest.approx(-10.104)
    assert value_at(df, "ecb.app.pspp.adjustment", "2023-03-31") == pytest.approx(-4.997)
    assert value_at(df, "ecb.app.cbpp3.holdings", "2014-10-31") == pytest.approx(4.768)
    # the one amount written with a thousands separator in the file ("-3,564")
    assert value_at(df, "ecb.app.pspp.adjustment", "2026-03-31") == pytest.approx(-3.564)
    # adjustments fall at quarter ends, but for three small PSPP coupon-STRIPS entries
    # (January 2019, July 2019, January 2020), as in the file
    adj = df[df["series_id"].str.endswith(".adjustment") & (df["value"] != 0)]
    off = adj[~adj["date"].dt.month.isin([3, 6, 9, 12])]
    assert list(off["date"].dt.strftime("%Y-%m")) == ["2019-01", "2019-07", "2020-01"]
    assert (off["series_id"] == "ecb.app.pspp.adjustment").all()


def test_pepp_values(pepp: SourceData) -> None:
    df = validate_series(pepp.data)
    assert set(df["series_id"]) == set(PEPP_SERIES)
    assert df["date"].nunique() == 78  # 2020-03 .. 2026-08
    # ECB PEPP history: March 2020 15,444 mn; August 2026 cumulative 1,359,558 mn
    assert value_at(df, "ecb.pepp.net_purchases", "2020-03-31") == pytest.approx(15.444)
    assert value_at(df, "ecb.pepp.cumulative_net_purchases", "2026-08-31") == pytest.approx(
        1359.558
    )
    assert any("not holdings at amortised cost" in n for n in pepp.meta.notes)


def test_identities_hold_on_the_real_files(app: SourceData, pepp: SourceData) -> None:
    res = app_identity_residuals(app.data)
    assert len(res) == 143 * 4  # the first month is checked against zero holdings
    assert res["residual"].abs().max() <= 2.0
    pres = pepp_identity_residuals(pepp.data)
    assert len(pres) == 78
    assert pres["residual"].abs().max() <= 1.0


def test_vintage_is_the_day_after_the_month(app: SourceData) -> None:
    row = app.data[app.data["date"] == pd.Timestamp("2023-02-28")].iloc[0]
    assert row["vintage"] == pd.Timestamp("2023-03-01")
    assert month_vintage(pd.Period("2023-12", freq="M")) == pd.Timestamp("2024-01-01")
    given = parse_app(Path(app.meta.file or "").read_bytes(), vintage=date(2026, 9, 15))
    assert (given.data["vintage"] == pd.Timestamp("2026-09-15")).all()


# --------------------------------------------------------------------------- identity errors


def test_app_holdings_identity_violation_names_file_line_field_value(app_text: str) -> None:
    # PSPP holdings of June 2023 off by 100 mn (a copying error)
    bad = replace_once(
        app_text, ",-2212,17409,296673,338882,2530922", ",-2212,17409,296673,338882,2531022"
    )
    with pytest.raises(ParseError) as err:
        parse_app(bad, file="APP.csv")
    msg = str(err.value)
    assert err.value.file == "APP.csv"
    assert err.value.field == "ecb.app.pspp.holdings"
    assert err.value.value == "2531022"
    assert "2023-06" in msg and "line " in msg and "+100" in msg


def test_app_identity_within_tolerance_passes(app_text: str) -> None:
    # 2 mn off is rounding: allowed (June 2023 holdings one higher, July's flow unchanged
    # so July fails by -1 only)
    ok = replace_once(
        app_text, ",-2212,17409,296673,338882,2530922", ",-2212,17409,296673,338882,2530924"
    )
    parse_app(ok)
    bad = replace_once(
        app_text, ",-2212,17409,296673,338882,2530922", ",-2212,17409,296673,338882,2530925"
    )
    with pytest.raises(ParseError, match="tolerance 2 mn"):
        parse_app(bad)


def test_pepp_identity_violation(pepp_text: str) -> None:
    bad = replace_once(pepp_text, ",August,-9074,1538632", ",August,-9074,1538642")
    with pytest.raises(ParseError) as err:
        parse_pepp(bad, file="PEPP.csv")
    assert err.value.field == "ecb.pepp.cumulative_net_purchases"
    assert err.value.value == "1538642"
    assert "2025-08" in str(err.value) and "PEPP.csv" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("in euro millions", "in euro thousands", "euro millions"),
        (",May,-824,", ",Mai,-824,", "month line"),
        ("2023,January", "2024,January", "follow one another"),
        (",April,-1002,-1080,", ",April,x,-1080,", "not a number"),
        (
            "Corporate Sector purchase programme,Public",
            "Corporate Sector purchase programme,Private",
            "each programme once",
        ),
        (",August,-44,-1566,-1227,-12570,0,0,0,0", ",August,-44,-1566,-1227,-12570,0,0,0", "12"),
    ],
)
def test_app_malformed(app_text: str, old: str, new: str, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        parse_app(replace_once(app_text, old, new), file="APP.csv")


def test_month_after_footnotes_is_an_error(pepp_text: str) -> None:
    with pytest.raises(ParseError, match="month line"):
        parse_pepp(pepp_text + ",September,-1,1359557\n")


def test_empty_and_missing(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_pepp(b"")
    with pytest.raises(ParseError, match="file not found"):
        read_app(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- live endpoints


def test_get_app_and_pepp_from_the_ecb_urls(raw_data: Path) -> None:
    ep = OfficialEndpoints(raw_data)
    a = get_app(client=ep.client())
    p = get_pepp(client=ep.client())
    assert ep.paths("www.ecb.europa.eu") == [
        "/mopo/pdf/APP_breakdown_history.csv",
        "/mopo/pdf/PEPP_purchase_history.csv",
    ]
    assert a.meta.url == APP_URL and p.meta.url == PEPP_URL
    assert a.meta.retrieved_at is not None
    # a fetch dates every row on the day fetched, not before
    day = pd.Timestamp(a.meta.retrieved_at.date())
    assert (a.data["vintage"] == day).all()
    pd.testing.assert_frame_equal(
        a.data.drop(columns="vintage"), read_app(raw_data / APP).data.drop(columns="vintage")
    )
    # ECB PEPP history: net purchases ended in March 2022 at a cumulative 1,718,076 mn
    assert value_at(p.data, "ecb.pepp.cumulative_net_purchases", "2022-03-31") == pytest.approx(
        1718.076
    )


def test_get_retries_then_fails(raw_data: Path) -> None:
    ep = OfficialEndpoints(raw_data)
    out = get_pepp(client=mock_client(flaky(ep, failures=2)), sleep=no_sleep)
    assert len(out.data) == 156
    with pytest.raises(FetchError, match="404"):
        get_app(url="https://www.ecb.europa.eu/mopo/pdf/nope.csv", client=ep.client())
