"""Treasury MSPD loaders, tested on the real files in data/raw/mspd (see SOURCES.md)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import httpx
import pandas as pd
import pytest

from _endpoints import (
    OfficialEndpoints,
    flaky,
    mock_client,
    mspd_api_rows,
    mspd_table1_response,
    no_sleep,
    replace_once,
    timing_out,
    value_at,
)
from qtlab.errors import DateRangeError, FetchError, ParseError, SpecError
from qtlab.sources import SourceData, treasury
from qtlab.sources.treasury import (
    get_mspd_detail,
    get_mspd_table1,
    parse_mspd_detail,
    parse_mspd_table1_csv,
    parse_mspd_table1_json,
    read_mspd_detail,
    read_mspd_table1,
)

TABLE1 = "mspd/mspd_table1_summary_by_class_2001-01_2026-05.csv"
DETAIL = "mspd/mspd_detail_opdm_2022-01-31.prn"


@pytest.fixture(scope="module")
def table1_text(raw_data: Path) -> str:
    return (raw_data / TABLE1).read_bytes().decode("utf-8-sig")


@pytest.fixture(scope="module")
def table1(raw_data: Path) -> pd.DataFrame:
    return read_mspd_table1(raw_data / TABLE1).data


@pytest.fixture(scope="module")
def detail_bytes(raw_data: Path) -> bytes:
    return (raw_data / DETAIL).read_bytes()


@pytest.fixture(scope="module")
def detail(raw_data: Path) -> SourceData:
    return read_mspd_detail(raw_data / DETAIL)


# --------------------------------------------------------------------------- Table 1, files


def test_table1_csv_dates_and_values(table1: pd.DataFrame, raw_data: Path) -> None:
    raw = (raw_data / TABLE1).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM SOURCES.md mentions
    dates = table1["date"].drop_duplicates().sort_values()
    assert len(dates) == 305
    assert dates.iloc[0] == pd.Timestamp("2001-01-31")
    assert dates.iloc[-1] == pd.Timestamp("2026-05-31")
    assert (table1["vintage"] == pd.Timestamp("2026-05-31")).all()  # fallback: last record date
    # 2022-01-31 Bills row: 3958703.3923, 2347.978, 3961051.3703 (USD mn)
    assert value_at(table1, "mspd.bills.public", "2022-01-31") == pytest.approx(3958.7033923)
    assert value_at(table1, "mspd.bills.intragov", "2022-01-31") == pytest.approx(2.347978)
    assert value_at(table1, "mspd.bills.total", "2022-01-31") == pytest.approx(3961.0513703)
    assert value_at(table1, "mspd.frn.total", "2022-01-31") == pytest.approx(575.1823034)
    assert value_at(table1, "mspd.total.total", "2026-05-31") == pytest.approx(39207.760152746)
    assert value_at(table1, "mspd.nonmarketable_gas.intragov", "2022-01-31") == pytest.approx(
        6500.23126271398
    )
    assert table1["value"].dtype == "float64"
    assert table1["date"].dtype == "datetime64[ns]"


def test_table1_meta(raw_data: Path) -> None:
    out = read_mspd_table1(raw_data / TABLE1)
    raw = (raw_data / TABLE1).read_bytes()
    assert out.meta.source == "treasury"
    assert out.meta.vintage == date(2026, 5, 31)
    assert out.meta.file == str(raw_data / TABLE1)
    import hashlib

    assert out.meta.sha256 == hashlib.sha256(raw).hexdigest()
    assert set(out.meta.units) == set(out.data["series_id"])
    assert set(out.meta.units.values()) == {"USD bn"}
    assert out.kind == "series"


def test_table1_source_rows(table1_text: str) -> None:
    # SOURCES.md says 4616 rows; the file holds 4617 data rows (the last line has no
    # newline, so `wc -l` counts one line fewer).
    rows = list(csv.DictReader(io.StringIO(table1_text)))
    assert len(rows) == 4617


def test_tips_classes_never_overlap(table1_text: str, table1: pd.DataFrame) -> None:
    rows = list(csv.DictReader(io.StringIO(table1_text)))
    cls = "Security Class Description"
    old = {r["Record Date"] for r in rows if r[cls].startswith("Inflation-Indexed")}
    new = {r["Record Date"] for r in rows if r[cls] == "Treasury Inflation-Protected Securities"}
    assert not old & new
    assert max(old) == "2004-05-31"
    assert min(new) == "2004-06-30"
    assert len(old | new) == 305
    tips = table1[table1["series_id"] == "mspd.tips.total"]
    assert len(tips) == 305
    # 2001-01-31: Inflation-Indexed Notes 88312.716 + Inflation-Indexed Bonds 38978.946
    assert value_at(table1, "mspd.tips.total", "2001-01-31") == pytest.approx(127.291662)
    assert value_at(table1, "mspd.tips.total", "2022-01-31") == pytest.approx(1705.03125367344)


def test_total_name_variants(table1_text: str, table1: pd.DataFrame) -> None:
    rows = list(csv.DictReader(io.StringIO(table1_text)))
    kind = "Security Type Description"
    old = sorted(
        {r["Record Date"] for r in rows if r[kind] == "Total Treasury Securities Outstanding"}
    )
    assert old == ["2001-01-31", "2001-02-28"]
    assert (table1["series_id"] == "mspd.total.total").sum() == 305
    assert value_at(table1, "mspd.total.total", "2001-01-31") == pytest.approx(5716.071175)


def test_table1_series_ids(table1: pd.DataFrame) -> None:
    ids = set(table1["series_id"])
    classes = {"bills", "notes", "bonds", "tips", "frn", "ffb", "marketable", "nonmarketable"}
    for c in (*classes, "total"):
        for h in ("public", "intragov", "total"):
            assert f"mspd.{c}.{h}" in ids
    assert "mspd.nonmarketable_hope_bonds.total" in ids
    assert "mspd.nonmarketable_depositary_compensation.total" in ids
    assert all(i.startswith("mspd.") for i in ids)
    assert len(ids) == 54


def test_marketable_classes_add_up(table1: pd.DataFrame) -> None:
    wide = table1.pivot_table(index="date", columns="series_id", values="value")
    parts = [f"mspd.{c}.total" for c in ("bills", "notes", "bonds", "tips", "frn", "ffb")]
    gap = (wide[parts].sum(axis=1, min_count=1) - wide["mspd.marketable.total"]).abs()
    assert gap.max() < 0.002  # USD bn; Treasury's own rounding


def test_table1_against_fred_gfdebtn(table1: pd.DataFrame, raw_data: Path) -> None:
    # fred/MANIFEST.md: GFDEBTN equals MSPD total public debt to the million at these quarter ends
    fred = pd.read_csv(raw_data / "fred/GFDEBTN.csv", parse_dates=["date"]).set_index("date")
    for quarter, month_end in (("2024-10-01", "2024-12-31"), ("2026-01-01", "2026-03-31")):
        mspd = value_at(table1, "mspd.total.total", month_end)
        assert mspd * 1000 == pytest.approx(fred.loc[quarter, "value"], abs=0.5)


def test_table1_explicit_vintage(table1_text: str) -> None:
    out = parse_mspd_table1_csv(table1_text, vintage=date(2026, 6, 5))
    assert (out.data["vintage"] == pd.Timestamp("2026-06-05")).all()


def test_table1_json_equals_csv(table1_text: str, table1: pd.DataFrame) -> None:
    body = json.dumps({"data": mspd_api_rows(table1_text), "meta": {"total-pages": 1}, "links": {}})
    out = parse_mspd_table1_json(body.encode(), file="mspd_table_1.json")
    pd.testing.assert_frame_equal(out.data, table1)


# --------------------------------------------------------------------------- Table 1, bad input


def test_table1_truncated(table1_text: str) -> None:
    cut = table1_text[: table1_text.rindex(",7692390")]  # mid-row, last line
    with pytest.raises(ParseError) as e:
        parse_mspd_table1_csv(cut, file="cut.csv")
    assert "cut.csv" in str(e.value)
    assert e.value.field == "Intragovernmental Holdings (in Millions)"


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        (
            "Debt Held by the Public",
            "Debt Held By Public",
            ["Debt Held by the Public (in Millions)"],
        ),
        ("656148.477,0,", "656148.477,n/a,", ["Intragovernmental Holdings (in Millions)", "'n/a'"]),
        ("2022-02-28,", "2022-02-30,", ["Record Date", "2022-02-30"]),
        (
            "2026-05-31,Marketable,Bills,",
            "2026-05-31,Marketable,Coins,",
            ["Security Class Description", "'Coins'", "MARKETABLE_CLASSES", "'Bills'"],
        ),
        (
            "2026-05-31,Marketable,Bills,",
            "2026-05-31,Tradeable,Bills,",
            ["Security Type Description", "'Tradeable'"],
        ),
    ],
    ids=["renamed-column", "non-numeric", "impossible-date", "unknown-class", "unknown-type"],
)
def test_table1_bad_input_names_file_field_value(
    table1_text: str, old: str, new: str, names: list[str]
) -> None:
    with pytest.raises(ParseError) as e:
        parse_mspd_table1_csv(replace_once(table1_text, old, new), file="bad.csv")
    msg = str(e.value)
    assert "bad.csv" in msg
    for name in names:
        assert name in msg


def test_table1_unknown_nonmarketable_class_is_kept(table1_text: str) -> None:
    bad = replace_once(
        table1_text, "2026-05-31,Nonmarketable,Other,", "2026-05-31,Nonmarketable,Baby Bonds,"
    )
    out = parse_mspd_table1_csv(bad).data
    assert (out["series_id"] == "mspd.nonmarketable_baby_bonds.total").sum() == 1


def test_table1_nonmarketable_without_class(table1_text: str) -> None:
    bad = replace_once(
        table1_text, "2026-05-31,Nonmarketable,Other,", "2026-05-31,Nonmarketable,_,"
    )
    with pytest.raises(ParseError, match="without a class description") as e:
        parse_mspd_table1_csv(bad, file="bad.csv")
    assert "Security Class Description" in str(e.value)


def test_table1_both_tips_forms_on_one_date(table1_text: str) -> None:
    extra = "2001-01-31,Marketable,Treasury Inflation-Protected Securities,1,0,1\n"
    bad = replace_once(
        table1_text, "2001-01-31,Marketable,Federal", extra + "2001-01-31,Marketable,Federal"
    )
    with pytest.raises(ParseError) as e:
        parse_mspd_table1_csv(bad, file="bad.csv")
    msg = str(e.value)
    assert "'tips'" in msg and "2001-01-31" in msg and "bad.csv" in msg


def test_table1_duplicate_row(table1_text: str) -> None:
    line = "2001-01-31,Marketable,Bills,656148.477,0,656148.477\n"
    bad = replace_once(table1_text, line, line + line)
    with pytest.raises(ParseError, match="'bills' on 2001-01-31"):
        parse_mspd_table1_csv(bad, file="bad.csv")


def test_table1_json_bad_input() -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        parse_mspd_table1_json(b'{"data": [', file="x.json")
    with pytest.raises(ParseError, match="'data' list"):
        parse_mspd_table1_json(b'{"rows": []}', file="x.json")
    with pytest.raises(ParseError, match="no data rows"):
        parse_mspd_table1_json(b'{"data": []}', file="x.json")


# --------------------------------------------------------------------------- Table 1, network


def _mspd_api(text: str, seen: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        assert request.url.path.endswith("/v1/debt/mspd/mspd_table_1")
        return mspd_table1_response(text, request.url.params)

    return handler


def test_get_table1_json_pages(table1_text: str, table1: pd.DataFrame) -> None:
    seen: list[httpx.Request] = []
    with mock_client(_mspd_api(table1_text, seen)) as client:
        out = get_mspd_table1(
            date(2020, 1, 1), date(2022, 12, 31), page_size=200, client=client, sleep=no_sleep
        )
    params = seen[0].url.params
    assert params["filter"] == "record_date:gte:2020-01-01,record_date:lte:2022-12-31"
    assert params["page[size]"] == "200"
    assert [int(r.url.params["page[number]"]) for r in seen] == list(range(1, len(seen) + 1))
    assert len(seen) > 1
    assert out.data["date"].min() == pd.Timestamp("2020-01-31")
    assert out.data["date"].max() == pd.Timestamp("2022-12-31")
    assert out.meta.url == treasury.MSPD_TABLE1_URL
    assert out.meta.retrieved_at is not None
    assert out.meta.vintage == out.meta.retrieved_at.date()
    want = table1[(table1["date"] >= "2020-01-01") & (table1["date"] <= "2022-12-31")]
    pd.testing.assert_frame_equal(
        out.data.drop(columns="vintage"), want.drop(columns="vintage").reset_index(drop=True)
    )


def test_get_table1_csv_pages(raw_data: Path, table1: pd.DataFrame) -> None:
    endpoints = OfficialEndpoints(raw_data)
    with endpoints.client() as client:
        out = get_mspd_table1(fmt="csv", page_size=2000, client=client, sleep=no_sleep)
    assert len(endpoints.requests) == 3  # 4617 rows in pages of 2000
    for r in endpoints.requests:
        assert r.url.params["format"] == "csv" and "filter" not in r.url.params
    pd.testing.assert_frame_equal(out.data.drop(columns="vintage"), table1.drop(columns="vintage"))


def test_get_table1_retries_then_succeeds(table1_text: str) -> None:
    seen: list[httpx.Request] = []
    with mock_client(flaky(_mspd_api(table1_text, seen), failures=1, status=503)) as client:
        out = get_mspd_table1(date(2026, 1, 1), client=client, sleep=no_sleep)
    assert len(seen) == 1  # served on the second attempt
    assert out.data["date"].min() == pd.Timestamp("2026-01-31")


def test_get_timeouts() -> None:
    with mock_client(timing_out) as client, pytest.raises(FetchError, match="timed out"):
        get_mspd_table1(client=client, retries=2, sleep=no_sleep)
    with mock_client(timing_out) as client, pytest.raises(FetchError, match="opdm012022"):
        get_mspd_detail(date(2022, 1, 31), client=client, retries=2, sleep=no_sleep)


def test_get_table1_bad_arguments() -> None:
    with pytest.raises(DateRangeError, match="2022-01-01 is after"):
        get_mspd_table1(date(2022, 1, 1), date(2021, 1, 1))
    with pytest.raises(SpecError, match="page_size"):
        get_mspd_table1(page_size=20000)


# --------------------------------------------------------------------------- detail (opdm)


def test_detail_rows(detail: SourceData) -> None:
    df = detail.data
    assert detail.kind == "table"
    assert list(df.columns) == list(treasury.OPDM_COLUMNS)
    assert len(df) == 427
    assert df["cusip"].is_unique
    assert df.groupby("security_class").size().to_dict() == {
        "bill": 50,
        "bond": 83,
        "frn": 8,
        "note": 238,
        "tips": 48,
    }
    assert (df["as_of"] == pd.Timestamp("2022-01-31")).all()
    assert detail.meta.as_of == date(2022, 1, 31)
    assert detail.meta.official_id == "opdm012022.prn"


def _cusip(df: pd.DataFrame, cusip: str) -> pd.Series:
    row = df[df["cusip"] == cusip]
    assert len(row) == 1
    return row.iloc[0]


def test_detail_specific_securities(detail: SourceData) -> None:
    df = detail.data
    # bill 912796Q93: three lines, 30,000 + 28,388 + 52,596 issued, 110,985 outstanding
    bill = _cusip(df, "912796Q93")
    assert bill["security_class"] == "bill"
    assert bill["rate"] == pytest.approx(0.050)
    assert bill["issue_date"] == pd.Timestamp("2021-10-05")
    assert bill["maturity"] == pd.Timestamp("2022-02-01")
    assert bill["issued"] == pytest.approx(110.984)
    assert bill["outstanding"] == pytest.approx(110.985)
    # note 912828SF8 2% of 2022: 26,921 + 22,458 + 24,821
    note = _cusip(df, "912828SF8")
    assert note["rate"] == pytest.approx(2.0)
    assert (note["issue_date"], note["maturity"]) == (
        pd.Timestamp("2012-02-15"),
        pd.Timestamp("2022-02-15"),
    )
    assert note["issued"] == pytest.approx(74.2)
    assert note["outstanding"] == pytest.approx(74.2)
    # bond 912810EP9 issued 1993: 9,817 + 8,557, redeemed (2,592), outstanding 15,782
    bond = _cusip(df, "912810EP9")
    assert bond["issue_date"] == pd.Timestamp("1993-02-16")
    assert bond["maturity"] == pd.Timestamp("2023-02-15")
    assert bond["issued"] == pytest.approx(18.374)
    assert bond["redeemed"] == pytest.approx(2.592)
    assert bond["outstanding"] == pytest.approx(15.782)
    # TIPS 912828X39: issued 44,430, inflation adjustment 6,340, outstanding 50,771
    tips = _cusip(df, "912828X39")
    assert tips["rate"] == pytest.approx(0.125)
    assert tips["issued"] == pytest.approx(44.430)
    assert tips["inflation_adj"] == pytest.approx(6.340)
    assert tips["outstanding"] == pytest.approx(50.771)
    # FRN 91282CDU2: spread -0.015 at its first auction
    frn = _cusip(df, "91282CDU2")
    assert frn["rate"] == pytest.approx(-0.015)
    assert frn["maturity"] == pd.Timestamp("2024-01-31")
    # the longest bond
    assert df["maturity"].max() == pd.Timestamp("2051-11-15")


def test_detail_rows_are_consistent(detail: SourceData) -> None:
    df = detail.data
    gap = (df["issued"] + df["inflation_adj"] - df["redeemed"] - df["outstanding"]).abs()
    assert gap.max() <= 0.001 + 1e-9  # each printed amount is rounded to USD 1 mn


def test_detail_sums_match_table1(detail: SourceData) -> None:
    """Per-class CUSIP sums against Table I of the same statement (USD mn).

    Table I: Bills 3,961,051; Notes 13,141,551; Bonds 3,530,029; TIPS 1,705,031;
    FRN 575,182. Both tables give bills at maturity value, so bills match exactly.
    Table I's notes and bonds include matured, not yet redeemed securities (36 and
    29 mn, Table III's "Total Matured" lines), which have no CUSIP row; they are
    added back. What remains is rounding of the printed per-CUSIP amounts to the
    million: tolerance 10 mn per class (observed at most 8 mn, notes).
    """
    sums = detail.data.groupby("security_class")["outstanding"].sum() * 1000
    totals = detail.extra["class_totals"]
    matured = totals[totals["line"] == "matured"].set_index("security_class")["outstanding"] * 1000
    table1_mn = {
        "bill": 3_961_051,
        "note": 13_141_551,
        "bond": 3_530_029,
        "tips": 1_705_031,
        "frn": 575_182,
    }
    assert sums["bill"] == pytest.approx(table1_mn["bill"], abs=0.5)
    assert matured.to_dict() == pytest.approx({"bill": 0.0, "note": 36.0, "bond": 29.0})
    for cls, want in table1_mn.items():
        got = sums[cls] + matured.get(cls, 0.0)
        assert got == pytest.approx(want, abs=10), cls


def test_detail_table1_matches_csv(detail: SourceData, table1: pd.DataFrame) -> None:
    prn = detail.extra["table1"]
    assert set(prn["date"]) == {pd.Timestamp("2022-01-31")}
    csv_day = table1[table1["date"] == "2022-01-31"].set_index("series_id")["value"]
    assert set(prn["series_id"]) == set(csv_day.index)
    for sid, value in prn.set_index("series_id")["value"].items():
        # the statement prints whole millions, "Details may not add to totals"
        assert value == pytest.approx(csv_day[sid], abs=0.0005 + 1e-9), sid


def _prn_variant(raw: bytes, old: str, new: str) -> bytes:
    text = raw.decode("cp1252")
    assert old in text
    return text.replace(old, new, 1).encode("cp1252")


def test_detail_truncated(detail_bytes: bytes) -> None:
    cut = detail_bytes[: detail_bytes.index(b"912828ZK9")]
    with pytest.raises(ParseError) as e:
        parse_mspd_detail(cut, file="cut.prn")
    assert "cut.prn" in str(e.value) and "truncated" in str(e.value)


def test_detail_bad_amount(detail_bytes: bytes) -> None:
    bad = _prn_variant(detail_bytes, "26,921", "26,9x1")
    with pytest.raises(ParseError) as e:
        parse_mspd_detail(bad, file="bad.prn")
    msg = str(e.value)
    assert "bad.prn" in msg and "912828SF8" in msg and "26,9x1" in msg and "line 140" in msg


def test_detail_impossible_date(detail_bytes: bytes) -> None:
    bad = _prn_variant(detail_bytes, "02/15/12   02/15/22", "02/30/12   02/15/22")
    with pytest.raises(ParseError) as e:
        parse_mspd_detail(bad, file="bad.prn")
    msg = str(e.value)
    assert "bad.prn" in msg and "issue_date" in msg and "02/30/12" in msg


def test_detail_totals_check(detail_bytes: bytes) -> None:
    bad = _prn_variant(detail_bytes, "       110,985", "       210,985")
    with pytest.raises(ParseError) as e:
        parse_mspd_detail(bad, file="bad.prn")
    msg = str(e.value)
    assert "bad.prn" in msg and "'outstanding'" in msg and "'bill'" in msg


def test_detail_duplicate_cusip(detail_bytes: bytes) -> None:
    bad = _prn_variant(detail_bytes, "9128286C9", "912828SF8")
    with pytest.raises(ParseError, match="CUSIP listed twice") as e:
        parse_mspd_detail(bad, file="bad.prn")
    assert "912828SF8" in str(e.value)


def test_detail_unknown_section(detail_bytes: bytes) -> None:
    bad = _prn_variant(detail_bytes, "Marketable, Treasury TIPS:", "Marketable, Treasury Coins:")
    with pytest.raises(ParseError, match="unknown Table III section") as e:
        parse_mspd_detail(bad, file="bad.prn")
    assert "Treasury Coins" in str(e.value)


def test_detail_not_a_statement() -> None:
    with pytest.raises(ParseError, match="TABLE III"):
        parse_mspd_detail(b"hello\r\nworld\r\n", file="x.prn")


def test_get_detail(detail_bytes: bytes) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=detail_bytes)

    with mock_client(flaky(handler, failures=1, status=502)) as client:
        out = get_mspd_detail(date(2022, 1, 15), client=client, sleep=no_sleep)
    assert [str(r.url) for r in seen] == [
        "https://www.treasurydirect.gov/govt/reports/pd/mspd/2022/opdm012022.prn"
    ]  # after one 502
    assert len(out.data) == 427
    assert out.meta.url == str(seen[-1].url)
    assert out.meta.retrieved_at is not None and out.meta.file is None
    assert out.meta.as_of == date(2022, 1, 31)


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="file not found"):
        read_mspd_detail(tmp_path / "nope.prn")
