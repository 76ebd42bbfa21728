"""NY Fed SOMA loaders, tested on the raw official files in data/raw/soma.

Published checks come from data/raw/SOURCES.md ("Checks done"): the CUSIP
sums of each holdings file equal the weekly summary on the same date.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import httpx
import pandas as pd
import pytest

from _endpoints import mock_client, no_sleep, soma_api_json
from qtlab import schema
from qtlab.errors import DateRangeError, FetchError, ParseError, SpecError
from qtlab.sources import SourceData, nyfed

SUMMARY = "soma/soma_summary_2003-07-09_2026-03-11.json"
TSY = "soma/soma_tsy_agency_cmbs_2022-02-16.csv"
MBS_FILES = {
    "2017-10-04": ("soma/soma_mbs_2017-10-04.csv", 40341, 1768.160),
    "2022-04-20": ("soma/soma_mbs_2022-04-20.csv", 28908, 2721.694),
    "2022-05-11": ("soma/soma_mbs_2022-05-11.csv", 28890, 2706.078),
    "2024-10-02": ("soma/soma_mbs_2024-10-02.csv", 11725, 2273.971),
}
#: SOURCES.md, "Checks done": CUSIP sums of the 2022-02-16 file = summary [USD bn].
PUBLISHED_2022_02_16 = {
    "bill": 326.044000,
    "note_bond": 4923.673452,
    "tips": 385.089412,
    "frn": 29.152661,
    "agency": 2.347,
    "cmbs": 9.076680,
}
TSY_COUNTS = {"bill": 40, "note_bond": 322, "tips": 48, "frn": 8, "agency": 6, "cmbs": 652}

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def summary(raw_data: Path) -> SourceData:
    return nyfed.read_soma_summary(raw_data / SUMMARY)


@pytest.fixture(scope="module")
def summary_wide(summary: SourceData) -> pd.DataFrame:
    return summary.data.pivot(index="date", columns="series_id", values="value")


@pytest.fixture(scope="module")
def tsy(raw_data: Path) -> SourceData:
    return nyfed.read_soma_holdings(raw_data / TSY)


@pytest.fixture(scope="module")
def mbs(raw_data: Path) -> dict[str, SourceData]:
    return {d: nyfed.read_soma_holdings(raw_data / f) for d, (f, _, _) in MBS_FILES.items()}


def _text(raw_data: Path, rel: str) -> str:
    return (raw_data / rel).read_text(encoding="utf-8")


def _assert_names(err: ParseError, file: str, field: str, value: object) -> None:
    msg = str(err)
    assert file in msg, msg
    assert repr(field) in msg, msg
    assert repr(value) in msg, msg
    assert (err.field, err.value) == (field, value)


# --------------------------------------------------------------------------- summary


def test_summary_range_and_shape(summary: SourceData, raw_data: Path) -> None:
    df = summary.data
    assert list(df.columns) == list(schema.SERIES_COLUMNS)
    assert set(df["series_id"]) == set(nyfed.SUMMARY_VARIABLE_MAP.values())
    per = df.groupby("series_id")["date"].agg(["count", "min", "max"])
    assert (per["count"] == 1184).all()
    assert (per["min"] == pd.Timestamp("2003-07-09")).all()
    assert (per["max"] == pd.Timestamp("2026-03-11")).all()
    assert (df["vintage"] == pd.Timestamp("2026-03-11")).all()
    assert summary.meta.vintage == date(2026, 3, 11)
    raw = (raw_data / SUMMARY).read_bytes()
    assert summary.meta.sha256 == hashlib.sha256(raw).hexdigest()
    assert set(summary.meta.units.values()) == {schema.USD_BN}
    assert all(schema.is_known_series(s) for s in df["series_id"].unique())


@pytest.mark.parametrize(
    ("series_id", "expected"),
    [
        ("soma.bills", 326.044000),
        ("soma.notes_bonds", 4923.673452),
        ("soma.tips", 385.089412),
        ("soma.tips_inflation_comp", 74.65907747772),  # "74659077477.72" dollars
        ("soma.frn", 29.152661),
        ("soma.agency", 2.347),
        ("soma.cmbs", 9.076680),
        ("soma.mbs", 2695.53672378960),
    ],
)
def test_summary_2022_02_16_published_values(
    summary_wide: pd.DataFrame, series_id: str, expected: float
) -> None:
    """SOURCES.md, "Checks done": the 2022-02-16 summary [USD bn], tolerance 1e-6 bn."""
    assert summary_wide.loc["2022-02-16", series_id] == pytest.approx(expected, abs=1e-6)


def test_summary_empty_cells_and_total(summary_wide: pd.DataFrame) -> None:
    w = summary_wide
    # frn is "" until 2014-05-14 (first "0" on 2014-05-21); agencies "" 2003-12-24..2008-09-17
    assert w.loc["2014-05-14", "soma.frn"] == 0.0
    assert w.loc["2003-07-09", "soma.agency"] == pytest.approx(0.010, abs=1e-12)
    assert w.loc["2005-01-05", "soma.agency"] == 0.0
    # total = sum of the par series, without TIPS inflation compensation (within $3)
    parts = [nyfed.SUMMARY_VARIABLE_MAP[k] for k in nyfed.SUMMARY_KIND_MAP]
    diff = (w[parts].sum(axis=1) - w["soma.total"]).abs()
    assert diff.max() < 3e-9
    assert w.loc["2022-02-16", "soma.total"] == pytest.approx(8370.9199283157, abs=1e-6)


def test_summary_kind_maps_agree_with_glossary() -> None:
    assert set(nyfed.SUMMARY_KIND_MAP.values()) == set(schema.HOLDING_KINDS)
    for kind, sid in nyfed.KIND_SUMMARY_SERIES.items():
        assert sid == "soma." + schema.KIND_TOTAL_KEYS[kind]
    assert set(nyfed.SECURITY_TYPE_MAP.values()) == set(schema.HOLDING_KINDS)


# --------------------------------------------------------------------------- holdings


def test_tsy_file_counts_and_shape(tsy: SourceData) -> None:
    df = tsy.data
    assert tsy.kind == "holdings"
    assert list(df.columns) == list(schema.HOLDINGS_COLUMNS)
    assert len(df) == 1076
    assert df["kind"].value_counts().to_dict() == TSY_COUNTS
    assert (df["as_of"] == pd.Timestamp("2022-02-16")).all()
    assert tsy.meta.as_of == date(2022, 2, 16) == tsy.meta.vintage
    assert tsy.meta.units["par"] == schema.USD_BN


def test_tsy_file_sums_equal_summary(tsy: SourceData, summary_wide: pd.DataFrame) -> None:
    """SOURCES.md, "Checks done": CUSIP sums = summary for 2022-02-16 (1e-3 bn)."""
    sums = tsy.data.groupby("kind")["par"].sum()
    row = summary_wide.loc["2022-02-16"]
    for kind, published in PUBLISHED_2022_02_16.items():
        assert sums[kind] == pytest.approx(published, abs=1e-3)
        assert sums[kind] == pytest.approx(row[nyfed.KIND_SUMMARY_SERIES[kind]], abs=1e-3)
    ic = tsy.data.loc[tsy.data["kind"] == "tips", "inflation_comp"].sum()
    assert ic == pytest.approx(74.659, abs=1e-3)
    assert ic == pytest.approx(row["soma.tips_inflation_comp"], abs=1e-3)
    assert (tsy.data.loc[tsy.data["kind"] != "tips", "inflation_comp"] == 0).all()


def test_tsy_file_rows_by_hand(tsy: SourceData) -> None:
    df = tsy.data.set_index("cusip")
    bill = df.loc["912796L80"]  # "Bills",,,"2022-02-17",,,,,"14061293800",,"0.1181055612017773"
    assert bill["kind"] == "bill"
    assert bill["par"] == pytest.approx(14.0612938, abs=1e-12)
    assert bill["maturity"] == pd.Timestamp("2022-02-17")
    assert bill["pct_outstanding"] == pytest.approx(11.81055612017773, abs=1e-12)
    assert pd.isna(bill["coupon"]) and pd.isna(bill["program"]) and not bill["is_aggregated"]
    tips = df.loc["912828X39"]  # coupon 0.125, par 9977809000, IC 1445884302.19
    assert (tips["kind"], tips["coupon"]) == ("tips", 0.125)
    assert tips["par"] == pytest.approx(9.977809, abs=1e-12)
    assert tips["inflation_comp"] == pytest.approx(1.44588430219, abs=1e-12)
    frn = df.loc["912828ZK9"]  # spread 0.114, par 1910573400
    assert (frn["kind"], frn["spread"]) == ("frn", 0.114)
    assert frn["par"] == pytest.approx(1.9105734, abs=1e-12)
    agency = df.loc["31359MEU3"]  # FNMA 6.25 2029-05-15, par 486000000
    assert (agency["kind"], agency["issuer"], agency["coupon"]) == ("agency", "FNMA", 6.25)
    assert agency["par"] == pytest.approx(0.486, abs=1e-12)
    assert pd.isna(agency["pct_outstanding"])
    cmbs = df.loc["3138LM4F7"]  # "FNMA MORTPASS 3.56% 06/28", face 124200000
    assert (cmbs["kind"], cmbs["program"], cmbs["coupon"]) == ("cmbs", "fnma", 3.56)
    assert cmbs["maturity"] == pd.Timestamp("2028-06-01")
    assert cmbs["par"] == pytest.approx(0.1242, abs=1e-12)
    cm = tsy.data[tsy.data["kind"] == "cmbs"]
    assert cm["program"].value_counts().to_dict() == {"fnma": 515, "gnma": 99, "fhlmc": 38}


@pytest.mark.parametrize("as_of", list(MBS_FILES))
def test_mbs_files_counts_and_sums(
    mbs: dict[str, SourceData], summary_wide: pd.DataFrame, as_of: str
) -> None:
    """SOURCES.md, "Checks done": MBS face sums = summary mbs on each date (1e-3 bn)."""
    _, rows, published = MBS_FILES[as_of]
    df = mbs[as_of].data
    assert len(df) == rows
    assert set(df["kind"]) == {"mbs"}
    assert (df["as_of"] == pd.Timestamp(as_of)).all()
    assert df["par"].sum() == pytest.approx(published, abs=1e-3)
    assert df["par"].sum() == pytest.approx(summary_wide.loc[as_of, "soma.mbs"], abs=1e-3)
    assert df["program"].notna().all() and df["term"].notna().all()
    assert not any("unknown MBS program" in n for n in mbs[as_of].meta.notes)
    assert set(df["term"]) == {"30yr", "15yr", "Other"}


def test_cusips_clean(tsy: SourceData, mbs: dict[str, SourceData]) -> None:
    for out in [tsy, *mbs.values()]:
        cusip = out.data["cusip"]
        assert not cusip.str.contains("'").any()
        assert (cusip.str.len() == 9).all()
        assert cusip.is_unique


def test_mbs_description_parsing(mbs: dict[str, SourceData]) -> None:
    d17 = mbs["2017-10-04"].data.set_index("cusip")
    first = d17.loc["3138EQKR2"]  # "FNMA MORTPASS 3% 07/43","30yr",... "40023283020.08","Y"
    assert (first["program"], first["coupon"], first["term"]) == ("fnma", 3.0, "30yr")
    assert first["maturity"] == pd.Timestamp("2043-07-01")
    assert first["par"] == pytest.approx(40.02328302008, abs=1e-12)
    assert first["is_aggregated"]
    assert d17.loc["31418CPN8", "program"] == "other"  # "FEDERAL 3.5% 09/37": ambiguous
    assert d17.loc["3128MFGD4", "program"] == "fhlmc"  # "FEDERAL HOME 3% 05/31"
    assert d17["program"].value_counts().to_dict() == {
        "fnma": 19240,
        "gnma1": 11754,
        "fhlmc": 8875,
        "gnma2": 471,
        "other": 1,
    }
    no_date = d17.loc["31335BC53"]  # "FHLMC 3.5%": no MM/YY
    assert (no_date["coupon"], no_date["program"]) == (3.5, "fhlmc")
    assert pd.isna(no_date["maturity"])
    d22 = mbs["2022-05-11"].data.set_index("cusip")
    fannie = d22.loc["3140MFSZ7"]  # "FANNIE": no coupon, no date
    assert fannie["program"] == "fnma"
    assert pd.isna(fannie["coupon"]) and pd.isna(fannie["maturity"])
    d24 = mbs["2024-10-02"].data
    assert set(d24["program"]) == {"umbs", "gnma1", "gnma2"}
    # maturities from descriptions never fall before the as-of month
    for out in mbs.values():
        mat = out.data["maturity"].dropna()
        assert (mat >= out.data["as_of"].iloc[0].replace(day=1)).all()


def test_aggregated_rows_kept_2024(mbs: dict[str, SourceData]) -> None:
    """SOURCES.md: most of the 2024-10-02 amount sits in rows with is Aggregated = "Y"."""
    df = mbs["2024-10-02"].data
    agg = df[df["is_aggregated"]]
    assert len(agg) == 548
    share = agg["par"].sum() / df["par"].sum()
    assert share == pytest.approx(0.616559550, abs=1e-6)
    assert mbs["2017-10-04"].data["is_aggregated"].sum() == 423


# --------------------------------------------------------------------------- JSON form


def test_json_form_equals_csv(raw_data: Path) -> None:
    tsy_text = _text(raw_data, TSY)
    mbs_lines = _text(raw_data, MBS_FILES["2024-10-02"][0]).splitlines(keepends=True)
    for text in (tsy_text, "".join(mbs_lines[:400])):
        from_csv = nyfed.parse_soma_holdings_csv(text, file="x.csv").data
        from_json = nyfed.parse_soma_holdings_json(soma_api_json(text), file="x.json").data
        pd.testing.assert_frame_equal(from_json, from_csv)


def test_read_soma_holdings_picks_json(raw_data: Path, tmp_path: Path) -> None:
    text = "".join(_text(raw_data, TSY).splitlines(keepends=True)[:50])
    path = tmp_path / "asof.json"
    path.write_bytes(soma_api_json(text))
    out = nyfed.read_soma_holdings(path)
    assert out.extra["format"] == "json"
    assert len(out.data) == 49
    assert out.meta.file == str(path)


def test_parse_accepts_binary_buffer(raw_data: Path) -> None:
    with (raw_data / TSY).open("rb") as fh:
        out = nyfed.parse_soma_holdings_csv(fh)
    assert len(out.data) == 1076
    assert out.meta.file is not None and out.meta.file.endswith("2022-02-16.csv")


# --------------------------------------------------------------------------- live (mocked)


def test_get_soma_summary(raw_data: Path, summary: SourceData) -> None:
    raw = (raw_data / SUMMARY).read_bytes()
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, content=raw)

    out = nyfed.get_soma_summary(client=mock_client(handler), sleep=no_sleep)
    assert [str(u) for u in seen] == ["https://markets.newyorkfed.org/api/soma/summary.json"]
    pd.testing.assert_frame_equal(out.data, summary.data)
    assert out.meta.url == nyfed.SUMMARY_URL
    assert out.meta.retrieved_at is not None and out.meta.retrieved_at.tzinfo is not None
    assert out.meta.vintage == date(2026, 3, 11)


def test_get_soma_summary_retries_503(raw_data: Path) -> None:
    raw = (raw_data / SUMMARY).read_bytes()
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503) if len(calls) == 1 else httpx.Response(200, content=raw)

    out = nyfed.get_soma_summary(client=mock_client(handler), sleep=no_sleep)
    assert len(calls) == 2
    assert len(out.data) == 9 * 1184


def test_get_soma_summary_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match="timed out"):
        nyfed.get_soma_summary(client=mock_client(handler), retries=2, sleep=no_sleep)


def test_get_soma_holdings_json_treasury(raw_data: Path) -> None:
    text = _text(raw_data, TSY)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=soma_api_json(text))

    out = nyfed.get_soma_holdings(
        date(2022, 2, 16), group="treasury", client=mock_client(handler), sleep=no_sleep
    )
    assert seen == ["/api/soma/tsy/get/asof/2022-02-16.json"]
    assert len(out.data) == 1076
    assert out.meta.url == "https://markets.newyorkfed.org/api/soma/tsy/get/asof/2022-02-16.json"
    assert out.meta.official_id == "/api/soma/tsy/get/asof/2022-02-16.json"
    assert out.meta.as_of == date(2022, 2, 16)


def test_get_soma_holdings_csv_agency(raw_data: Path, mbs: dict[str, SourceData]) -> None:
    raw = (raw_data / MBS_FILES["2024-10-02"][0]).read_bytes()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=raw)

    out = nyfed.get_soma_holdings(
        "2024-10-02", group="agency", fmt="csv", client=mock_client(handler), sleep=no_sleep
    )
    assert seen == ["https://markets.newyorkfed.org/api/soma/agency/get/asof/2024-10-02.csv"]
    pd.testing.assert_frame_equal(out.data, mbs["2024-10-02"].data)


@pytest.mark.parametrize(
    ("fmt", "body"),
    [("json", b'{"soma": {"holdings": []}}'), ("csv", b'"As Of Date","CUSIP"\n')],
)
def test_get_soma_holdings_empty_is_date_range_error(fmt: str, body: bytes) -> None:
    client = mock_client(lambda request: httpx.Response(200, content=body))
    with pytest.raises(DateRangeError) as exc:  # a Thursday
        nyfed.get_soma_holdings(
            date(2022, 2, 17),
            group="treasury",
            fmt=fmt,  # type: ignore[arg-type]
            client=client,
            sleep=no_sleep,
        )
    msg = str(exc.value)
    assert "2022-02-17" in msg and "Wednesday" in msg and "2022-02-16" in msg


def test_get_soma_holdings_empty_wednesday_suggests_week_before() -> None:
    client = mock_client(lambda request: httpx.Response(200, content=b'{"soma":{"holdings":[]}}'))
    with pytest.raises(DateRangeError, match="2022-02-16"):
        nyfed.get_soma_holdings(date(2022, 2, 23), group="agency", client=client)


def test_get_soma_holdings_bad_options() -> None:
    with pytest.raises(SpecError, match="treasury"):
        nyfed.get_soma_holdings(date(2022, 2, 16), group="tsy")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="csv"):
        nyfed.get_soma_holdings(date(2022, 2, 16), group="agency", fmt="xml")  # type: ignore[arg-type]


def test_get_soma_asofdates(summary: SourceData) -> None:
    days = sorted(summary.data["date"].dt.strftime("%Y-%m-%d").unique(), reverse=True)
    body = json.dumps({"soma": {"asOfDates": days}}).encode()  # the API lists newest first
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=body)

    out = nyfed.get_soma_asofdates(client=mock_client(handler), sleep=no_sleep)
    assert seen == ["https://markets.newyorkfed.org/api/soma/asofdates/list.json"]
    assert len(out.data) == 1184 and out.data["as_of"].is_monotonic_increasing
    assert out.data["as_of"].iloc[0] == pd.Timestamp("2003-07-09")
    assert out.meta.vintage == date(2026, 3, 11)


# --------------------------------------------------------------------------- bad input

NAME = "soma_tsy_agency_cmbs_2022-02-16.csv"
FIRST_BILL = '"2022-02-16","\'912796L80\'","Bills",,,"2022-02-17",,,,,"14061293800"'


def _parse_bad(text: str) -> ParseError:
    with pytest.raises(ParseError) as exc:
        nyfed.parse_soma_holdings_csv(text, file=NAME)
    return exc.value


def test_truncated_csv(raw_data: Path) -> None:
    text = _text(raw_data, TSY)
    lines = text.splitlines(keepends=True)
    last = lines[-1]  # ...,"GOVERNMENT 2.6% 05/52",,,,,,"595576.72",,,,,,  cut in the amount
    cut = last[: last.index("595576") + 4]
    err = _parse_bad("".join(lines[:-1]) + cut)
    # 10 fields survive; the first missing one is "Par Value"
    _assert_names(err, NAME, "Par Value", cut)
    assert "truncated" in str(err) and "line 1077" in str(err)


def test_renamed_column(raw_data: Path) -> None:
    text = _text(raw_data, TSY).replace('"Par Value"', '"Par"', 1)
    err = _parse_bad(text)
    _assert_names(err, NAME, "Par Value", "Par")


def test_non_numeric_par(raw_data: Path) -> None:
    text = _text(raw_data, TSY).replace('"14061293800"', '"14O61293800"', 1)
    _assert_names(_parse_bad(text), NAME, "Par Value", "14O61293800")


def test_impossible_dates(raw_data: Path) -> None:
    text = _text(raw_data, TSY)
    bad_maturity = text.replace(FIRST_BILL, FIRST_BILL.replace("2022-02-17", "2022-02-30"), 1)
    _assert_names(_parse_bad(bad_maturity), NAME, "Maturity Date", "2022-02-30")
    bad_asof = text.replace(FIRST_BILL, FIRST_BILL.replace("2022-02-16", "2022-02-30"), 1)
    _assert_names(_parse_bad(bad_asof), NAME, "As Of Date", "2022-02-30")


def test_unknown_security_type(raw_data: Path) -> None:
    text = _text(raw_data, TSY).replace('"Bills"', '"T-Bills"', 1)
    err = _parse_bad(text)
    _assert_names(err, NAME, "Security Type", "T-Bills")
    assert "'NotesBonds'" in str(err) and "'CMBS'" in str(err)


def test_duplicate_cusip(raw_data: Path) -> None:
    lines = _text(raw_data, TSY).splitlines(keepends=True)
    err = _parse_bad("".join([*lines, lines[1]]))
    _assert_names(err, NAME, "CUSIP", "912796L80")


def test_empty_amount_and_mixed_dates(raw_data: Path) -> None:
    text = _text(raw_data, TSY)
    no_par = text.replace(FIRST_BILL, FIRST_BILL.replace('"14061293800"', ""), 1)
    err = _parse_bad(no_par)
    _assert_names(err, NAME, "Par Value", "")
    assert "912796L80" in str(err)
    mixed = text.replace(FIRST_BILL, FIRST_BILL.replace("2022-02-16", "2022-02-09"), 1)
    _assert_names(_parse_bad(mixed), NAME, "As Of Date", "2022-02-16")


def test_bad_json_holdings(raw_data: Path) -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        nyfed.parse_soma_holdings_json(b'{"soma": {"holdings": [', file="h.json")
    with pytest.raises(ParseError, match=r"field 'soma\.holdings'"):
        nyfed.parse_soma_holdings_json(b'{"soma": {"summary": []}}', file="h.json")
    rec = {"asOfDate": "2022-02-16", "cusip": "912796L80", "securityType": "Bills"}
    with pytest.raises(ParseError) as exc:  # a bill without parValue
        nyfed.parse_soma_holdings_json(json.dumps({"soma": {"holdings": [rec]}}), file="h.json")
    _assert_names(exc.value, "h.json", "parValue", "")


def test_bad_summary(raw_data: Path) -> None:
    text = _text(raw_data, SUMMARY)
    name = "summary.json"
    bad_num = text.replace('"bills": "239304992000"', '"bills": "239,304,992,000x"', 1)
    with pytest.raises(ParseError) as exc:
        nyfed.parse_soma_summary(bad_num, file=name)
    _assert_names(exc.value, name, "bills", "239,304,992,000x")
    bad_day = text.replace('"asOfDate": "2022-02-16"', '"asOfDate": "2022-02-30"', 1)
    with pytest.raises(ParseError) as exc:
        nyfed.parse_soma_summary(bad_day, file=name)
    _assert_names(exc.value, name, "asOfDate", "2022-02-30")
    renamed = text.replace('"notesbonds"', '"notes"')
    with pytest.raises(ParseError) as exc:
        nyfed.parse_soma_summary(renamed, file=name)
    assert exc.value.field == "notesbonds" and name in str(exc.value)
    empty_bills = text.replace('"bills": "239304992000"', '"bills": ""', 1)
    with pytest.raises(ParseError) as exc:
        nyfed.parse_soma_summary(empty_bills, file=name)
    _assert_names(exc.value, name, "bills", "")
    with pytest.raises(ParseError, match="not valid JSON"):
        nyfed.parse_soma_summary(text[: len(text) // 2], file=name)
