"""FRED loaders, tested on the raw files in data/raw/fred.

The expected first/last dates and row counts are the table of data/raw/fred/MANIFEST.md
("Series found"), written out here and checked against the manifest itself. Network tests
serve those same files through an :class:`httpx.MockTransport`.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pandas as pd
import pytest

from qtlab import schema
from qtlab.errors import FetchError, ParseError, SpecError, UnknownSeriesError
from qtlab.sources import SourceData, _fred_http, fred

#: MANIFEST.md "Series found": id -> (first date, last date, rows).
MANIFEST = {
    "WALCL": ("2002-12-18", "2026-08-19", 1236),
    "TREAST": ("2002-12-18", "2026-08-19", 1236),
    "WSHOMCB": ("2002-12-18", "2026-08-19", 1236),
    "WSHOSHO": ("2002-12-18", "2026-06-17", 1227),
    "WRESBAL": ("2002-12-18", "2026-08-19", 1236),
    "WTREGEN": ("2013-06-05", "2024-06-26", 578),
    "RRPONTSYD": ("2003-02-07", "2026-08-21", 3310),
    "DGS10": ("1962-01-02", "2026-08-20", 16144),
    "DGS2": ("1976-06-01", "2026-07-22", 12531),
    "DGS3MO": ("1981-09-01", "2026-07-22", 11221),
    "T10Y2Y": ("1976-06-01", "2026-08-20", 12552),
    "DFF": ("1954-07-01", "2026-07-22", 26320),
    "EFFR": ("2000-07-03", "2026-08-20", 6562),
    "DFEDTARU": ("2008-12-16", "2026-08-21", 6458),
    "DFEDTARL": ("2008-12-16", "2026-08-21", 6458),
    "IORB": ("2021-07-29", "2026-08-21", 1850),
    "SOFR": ("2018-04-03", "2026-08-20", 2094),
    "DTWEXBGS": ("2006-01-02", "2026-07-24", 5154),
    "THREEFYTP10": ("2016-09-26", "2026-09-25", 2500),
    "DXY": ("2010-01-04", "2026-02-03", 4047),
    "MORTGAGE30US": ("1971-04-02", "2026-06-25", 2883),
    "GDP": ("1947-01-01", "2026-04-01", 318),
    "GDPC1": ("1959-01-01", "2026-01-01", 269),
    "GFDEBTN": ("1966-01-01", "2026-01-01", 241),
    "FYGFDPUN": ("1970-01-01", "2026-01-01", 225),
    "A091RC1Q027SBEA": ("1959-01-01", "2026-01-01", 269),
    "FYOINT": ("1940-06-30", "2025-09-30", 86),
    "CSUSHPINSA": ("1987-01-01", "2025-10-01", 466),
}
#: MANIFEST.md "Files added 2026-12": file stem -> (id, first date, last date, rows, factor
#: from the file's units to USD bn).
NAMED_FILES = {
    "WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED": (
        "WCURCIR",
        "2002-12-18",
        "2026-09-23",
        1241,
        1e-3,
    ),
    "WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED": ("WDTGAL", "2002-12-18", "2026-09-23", 1241, 1e-3),
    "WTREGEN_millions_2002-12-18_2025-11-19": ("WTREGEN", "2002-12-18", "2025-11-19", 1197, 1e-3),
    "CURRCIR_1917-08_2024-11": ("CURRCIR", "1917-08-01", "2024-11-01", 1288, 1.0),
    "MBCURRCIR_1959-01_2023-10": ("MBCURRCIR", "1959-01-01", "2023-10-01", 778, 1e-3),
}
#: MANIFEST.md units column: the series published in millions of dollars.
MILLIONS = {"WALCL", "TREAST", "WSHOMCB", "WSHOSHO", "WRESBAL", "GFDEBTN", "FYGFDPUN", "FYOINT"}

KEY = "abcdefghijklmnopqrstuvwxyz123456"


def raw_text(raw_data: Path, sid: str) -> str:
    return (raw_data / "fred" / f"{sid}.csv").read_text(encoding="utf-8")


def raw_rows(raw_data: Path, sid: str) -> list[tuple[str, str]]:
    lines = raw_text(raw_data, sid).splitlines()[1:]
    return [tuple(line.split(",")) for line in lines]  # type: ignore[misc]


def mock_client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def no_sleep(_: float) -> None:
    return None


def params_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}


# ------------------------------------------------------------------------ the files


def test_manifest_table_matches_this_test(raw_data: Path):
    text = (raw_data / "fred" / "MANIFEST.md").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7 and cells[0] in MANIFEST:
            found[cells[0]] = (cells[4], cells[5], int(cells[6]))
    assert found == MANIFEST
    named = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0].removesuffix(".csv") in NAMED_FILES:
            stem = cells[0].removesuffix(".csv")
            named[stem] = (cells[1], cells[5], cells[6], int(cells[7]))
    assert named == {k: v[:4] for k, v in NAMED_FILES.items()}
    on_disk = {p.stem for p in (raw_data / "fred").glob("*.csv")}
    assert on_disk == set(MANIFEST) | set(NAMED_FILES)


@pytest.mark.parametrize("sid", sorted(MANIFEST))
def test_read_every_file(raw_data: Path, sid: str):
    first, last, rows = MANIFEST[sid]
    out = fred.read_fred_csv(raw_data / "fred" / f"{sid}.csv")
    assert isinstance(out, SourceData)
    df = out.data
    assert list(df.columns) == list(schema.SERIES_COLUMNS)
    assert len(df) == rows
    assert (df["series_id"] == sid).all()
    assert df["date"].iloc[0] == pd.Timestamp(first)
    assert df["date"].iloc[-1] == pd.Timestamp(last)
    assert df["date"].is_monotonic_increasing
    assert df["value"].dtype == "float64"
    # Fallback vintage: the last observation date of the file.
    assert (df["vintage"] == pd.Timestamp(last)).all()
    assert out.meta.vintage == date.fromisoformat(last)
    assert out.meta.units == {sid: schema.SERIES[sid].units}
    assert out.meta.source == "fred"
    assert out.meta.official_id == sid
    assert out.meta.sha256 is not None and len(out.meta.sha256) == 64
    # Values: the raw strings converted to glossary units (millions -> USD bn).
    raw = raw_rows(raw_data, sid)
    factor = 1000.0 if sid in MILLIONS else 1.0
    assert df["value"].iloc[0] == pytest.approx(float(raw[0][1]) / factor, rel=1e-15)
    assert df["value"].iloc[-1] == pytest.approx(float(raw[-1][1]) / factor, rel=1e-15)


@pytest.mark.parametrize("stem", sorted(NAMED_FILES))
def test_read_named_files(raw_data: Path, stem: str):
    """The liability files whose names carry units, dates and a transcription mark."""
    sid, first, last, rows, factor = NAMED_FILES[stem]
    path = raw_data / "fred" / f"{stem}.csv"
    out = fred.read_fred_csv(path)
    df = out.data
    assert out.meta.official_id == sid and (df["series_id"] == sid).all()
    assert len(df) == rows
    assert (df["date"].iloc[0], df["date"].iloc[-1]) == (pd.Timestamp(first), pd.Timestamp(last))
    assert out.meta.units == {sid: schema.USD_BN}
    lines = path.read_bytes().decode().splitlines()
    raw_last = float(lines[-1].split(",")[1])
    assert df["value"].iloc[-1] == pytest.approx(raw_last * factor, rel=1e-15)
    assert any("transcribed" in n for n in out.meta.notes) == stem.endswith("_TRANSCRIBED")


def test_file_name_rule():
    # private on purpose: FRED's file-name and unit rules
    from qtlab.sources._fred_units import FredFileName, fred_file_name

    assert fred_file_name("WALCL") == FredFileName("WALCL")
    assert fred_file_name("WTREGEN_millions_2002-12-18_2025-11-19") == FredFileName(
        "WTREGEN", "millions"
    )
    assert fred_file_name("WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED") == FredFileName(
        "WDTGAL", None, True
    )
    assert fred_file_name("CURRCIR_1917-08_2024-11") == FredFileName("CURRCIR")
    assert fred_file_name("fred_FEDTARMD_fetched_2026-03-24") is None


def test_wtregen_vintages_agree_in_billions(raw_data: Path):
    """The billions file (to 2024-06-26) and the millions file (to 2025-11-19) give the same
    USD bn on all 578 common weeks (data/raw/SOURCES.md), units from magnitude and from name."""
    old = fred.read_fred_csv(raw_data / "fred" / "WTREGEN.csv").data.set_index("date")["value"]
    new = fred.read_fred_csv(raw_data / "fred" / "WTREGEN_millions_2002-12-18_2025-11-19.csv")
    assert any("millions (given by the caller, the file name" in n for n in new.meta.notes)
    both = pd.concat([old, new.data.set_index("date")["value"]], axis=1, join="inner")
    assert len(both) == 578
    assert (both.iloc[:, 0] == both.iloc[:, 1]).all()
    # without its name, the millions file is still detected as millions by magnitude
    text = (raw_data / "fred" / "WTREGEN_millions_2002-12-18_2025-11-19.csv").read_text()
    detected = fred.parse_fred_csv(text, series_id="WTREGEN")
    assert detected.data["value"].iloc[-1] == 941.926
    assert any("every value > 2,500" in n for n in detected.meta.notes)


def test_wtregen_mixed_units_are_refused(raw_data: Path):
    """A vintage with values on both sides of the threshold is neither unit: refused."""
    rows = raw_rows(raw_data, "WTREGEN")
    mixed = "date,value\n" + "".join(
        f"{d},{float(v) * (1000 if i % 2 else 1):.3f}\n" for i, (d, v) in enumerate(rows)
    )
    with pytest.raises(ParseError, match="on both sides of 2,500") as err:
        fred.parse_fred_csv(mixed, series_id="WTREGEN", file="mixed.csv")
    assert err.value.file == "mixed.csv" and err.value.field == "WTREGEN"
    forced = fred.parse_fred_csv(mixed, series_id="WTREGEN", units="billions")
    assert len(forced.data) == len(rows)


def test_walcl_2022_06_01_in_billions(raw_data: Path):
    raw = dict(raw_rows(raw_data, "WALCL"))["2022-06-01"]
    out = fred.read_fred_csv(raw_data / "fred" / "WALCL.csv")
    value = out.data.set_index("date").loc[pd.Timestamp("2022-06-01"), "value"]
    assert value == int(raw) / 1000  # 8,915,050 mn -> 8,915.05 bn, bit for bit
    assert math.isclose(value, 8915.05)
    assert fred.FRED_SERIES_SCALE["WALCL"] == 1e-3
    assert fred.FRED_SOURCE_UNITS["WALCL"] == "Millions of U.S. Dollars"
    assert any("multiplied by 0.001" in n for n in out.meta.notes)


def test_billion_series_are_not_scaled(raw_data: Path):
    gdp = fred.read_fred_csv(raw_data / "fred" / "GDP.csv").data
    assert gdp["value"].iloc[-1] == 32475.210  # MANIFEST: billions of USD
    rrp = fred.read_fred_csv(raw_data / "fred" / "RRPONTSYD.csv").data
    assert rrp["value"].iloc[-1] == 0.2
    assert fred.FRED_SERIES_SCALE["RRPONTSYD"] == 1.0


def test_wtregen_file_stays_in_billions(raw_data: Path):
    out = fred.read_fred_csv(raw_data / "fred" / "WTREGEN.csv")
    df = out.data.set_index("date")["value"]
    assert df[pd.Timestamp("2024-06-26")] == 765.417  # MANIFEST: billions in this file
    assert df[pd.Timestamp("2013-06-05")] == 30.230
    assert out.meta.units == {"WTREGEN": "USD bn"}
    assert any("WTREGEN: Billions" in n and "detected" in n for n in out.meta.notes)


def test_wtregen_in_millions_is_detected_and_override_wins(raw_data: Path):
    rows = raw_rows(raw_data, "WTREGEN")
    millions = "date,value\n" + "".join(f"{d},{float(v) * 1000:.0f}\n" for d, v in rows)
    out = fred.parse_fred_csv(millions, series_id="WTREGEN")
    assert out.data["value"].iloc[-1] == pytest.approx(765.417)
    assert any("Millions" in n and "multiplied by 0.001" in n for n in out.meta.notes)
    # An explicit unit beats detection.
    forced = fred.parse_fred_csv(millions, series_id="WTREGEN", units="billions")
    assert forced.data["value"].iloc[-1] == pytest.approx(765417.0)
    as_millions = fred.parse_fred_csv(
        raw_text(raw_data, "WTREGEN"), series_id="WTREGEN", units="Millions of U.S. Dollars"
    )
    assert as_millions.data["value"].iloc[-1] == pytest.approx(0.765417)


def test_fredgraph_headers_and_missing_markers(raw_data: Path):
    rows = raw_rows(raw_data, "WALCL")[:10]
    body = "".join(f"{d},{v}\n" for d, v in rows)
    extra = "2022-01-05,.\n2022-01-12,\n"
    for header in ("observation_date,WALCL", "DATE,WALCL"):
        out = fred.parse_fred_csv(f"{header}\n{body}{extra}", file="fredgraph.csv")
        assert out.meta.official_id == "WALCL"
        assert len(out.data) == 10
        assert out.data["value"].iloc[0] == 719.542
        assert any("2 missing observations" in n for n in out.meta.notes)


def test_buffers_and_given_vintage(raw_data: Path):
    raw = (raw_data / "fred" / "DGS10.csv").read_bytes()
    out = fred.parse_fred_csv(io.BytesIO(raw), series_id="DGS10", vintage=date(2026, 8, 21))
    assert (out.data["vintage"] == pd.Timestamp("2026-08-21")).all()
    assert out.data["value"].iloc[0] == 4.06
    text = fred.parse_fred_csv(io.StringIO(raw.decode()), series_id="dgs10")
    assert text.meta.official_id == "DGS10"


def test_series_not_in_glossary_is_allowed():
    out = fred.parse_fred_csv("observation_date,UNRATE\n2024-01-01,3.7\n2024-02-01,3.9\n")
    assert out.meta.units == {"UNRATE": "as published by FRED"}
    assert out.data["value"].tolist() == [3.7, 3.9]
    money = fred.parse_fred_csv("date,value\n2024-01-01,1500\n", series_id="XYZ", units="millions")
    assert money.data["value"].iloc[0] == 1.5
    assert money.meta.units == {"XYZ": "USD bn"}


# ------------------------------------------------------------------------ bad input


def test_header_without_id_needs_series_id():
    with pytest.raises(SpecError, match="series_id"):
        fred.parse_fred_csv("date,value\n2024-01-01,1\n", file="x.csv")


@pytest.mark.parametrize(
    ("mutate", "field", "value"),
    [
        # truncated in the middle of the last line: no value field at all
        (lambda t: t.rstrip("\n").rsplit(",", 1)[0], "value", "2026-08-19"),
        # truncated inside the date
        (lambda t: t.rstrip("\n")[:-10], "value", "2026-08-"),
        (lambda t: t.replace("2022-06-01,8915050", "2022-06-01,89x5050"), "value", "89x5050"),
        (lambda t: t.replace("2022-06-01,", "2022-02-30,"), "date", "2022-02-30"),
        (lambda t: t.replace("date,value", "day,value", 1), "header", "day,value"),
        # a header one column short: the first data line has more fields than it
        (lambda t: t.replace("date,value", "date", 1), "line 2", "2002-12-18,719542"),
    ],
    ids=[
        "truncated-line",
        "truncated-date",
        "non-numeric",
        "impossible-date",
        "renamed",
        "missing",
    ],
)
def test_bad_input_names_file_field_value(raw_data: Path, mutate, field, value):
    text = mutate(raw_text(raw_data, "WALCL"))
    with pytest.raises(ParseError) as err:
        fred.parse_fred_csv(text, series_id="WALCL", file="WALCL-bad.csv")
    msg = str(err.value)
    assert "WALCL-bad.csv" in msg
    assert repr(field) in msg
    assert repr(value) in msg


def test_renamed_value_column_is_a_different_series(raw_data: Path):
    text = raw_text(raw_data, "WALCL").replace("date,value", "date,amount", 1)
    with pytest.raises(ParseError, match=r"field 'amount'.*names series 'AMOUNT'"):
        fred.parse_fred_csv(text, series_id="WALCL", file="w.csv")


def test_empty_and_bad_ids():
    with pytest.raises(ParseError, match="empty"):
        fred.parse_fred_csv("", series_id="WALCL")
    with pytest.raises(ParseError, match="no observations"):
        fred.parse_fred_csv("date,value\n2024-01-01,.\n", series_id="WALCL")
    with pytest.raises(UnknownSeriesError, match="WAL CL"):
        fred.parse_fred_csv("date,value\n2024-01-01,1\n", series_id="WAL CL")


# ------------------------------------------------------------------------ JSON payloads


def observations_payload(rows, realtime: str = "2026-08-21") -> dict:
    obs = [
        {"realtime_start": realtime, "realtime_end": realtime, "date": d, "value": v}
        for d, v in rows
    ]
    return {"count": len(obs), "offset": 0, "limit": 100000, "observations": obs}


def test_parse_json_observations(raw_data: Path):
    rows = raw_rows(raw_data, "WALCL")
    payload = observations_payload([*rows[:5], ("2003-01-22", ".")])
    out = fred.parse_fred_json_observations(json.dumps(payload), series_id="WALCL", file="api")
    assert len(out.data) == 5
    assert out.data["value"].iloc[0] == 719.542
    assert (out.data["vintage"] == pd.Timestamp("2026-08-21")).all()
    assert any("1 missing" in n for n in out.meta.notes)
    with pytest.raises(ParseError, match="'observations'"):
        fred.parse_fred_json_observations(b'{"seriess": []}', series_id="WALCL")
    with pytest.raises(ParseError, match="not valid JSON"):
        fred.parse_fred_json_observations(b"<html>", series_id="WALCL")
    bad = observations_payload([("2022-02-30", "1")])
    with pytest.raises(ParseError, match=r"field 'date', value '2022-02-30'"):
        fred.parse_fred_json_observations(json.dumps(bad), series_id="WALCL")


def test_json_vintages_of_wtregen_in_two_units(raw_data: Path):
    rows = raw_rows(raw_data, "WTREGEN")[-3:]
    old = observations_payload(rows, "2024-07-01")["observations"]
    new = observations_payload([(d, f"{float(v) * 1000 + 1:.0f}") for d, v in rows], "2026-01-02")[
        "observations"
    ]
    out = fred.parse_fred_json_observations(
        json.dumps({"observations": old + new}), series_id="WTREGEN"
    )
    last = out.data[out.data["date"] == pd.Timestamp("2024-06-26")]
    assert last["value"].tolist() == pytest.approx([765.417, 765.418])
    assert sorted(last["vintage"].dt.date) == [date(2024, 7, 1), date(2026, 1, 2)]


# ------------------------------------------------------------------------ network


def test_get_fred_csv_without_key(raw_data: Path):
    text = raw_text(raw_data, "WALCL").replace("date,value", "observation_date,WALCL", 1)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=text)

    out = fred.get_fred(
        "WALCL", start="2022-01-01", end=date(2022, 12, 31), client=mock_client(handler)
    )
    (req,) = seen
    assert req.url.host == "fred.stlouisfed.org"
    assert req.url.path == "/graph/fredgraph.csv"
    assert params_of(req) == {"id": "WALCL", "cosd": "2022-01-01", "coed": "2022-12-31"}
    df = out.data
    assert df["date"].min() == pd.Timestamp("2022-01-05")
    assert df["date"].max() == pd.Timestamp("2022-12-28")
    assert len(df) == 52
    assert df.set_index("date").loc[pd.Timestamp("2022-06-01"), "value"] == 8915.05
    assert out.meta.retrieved_at is not None
    assert (df["vintage"] == pd.Timestamp(out.meta.retrieved_at.date())).all()
    assert out.meta.url is not None and "fredgraph.csv?id=WALCL" in out.meta.url


def test_get_fred_retries_5xx_then_succeeds(raw_data: Path):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(503, text="busy")
        return httpx.Response(200, text=raw_text(raw_data, "DGS10"))

    out = fred.get_fred("DGS10", client=mock_client(handler), sleep=no_sleep)
    assert len(calls) == 2
    assert len(out.data) == MANIFEST["DGS10"][2]


def test_get_fred_timeout_is_fetch_error():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match="timed out"):
        fred.get_fred("WALCL", client=mock_client(handler), retries=3, sleep=no_sleep)
    assert len(calls) == 3


def test_get_fred_unknown_id_csv_404():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="Not Found")

    with pytest.raises(UnknownSeriesError, match=r"'NOSUCHSERIES'.*HTTP 404"):
        fred.get_fred("NOSUCHSERIES", client=mock_client(handler), sleep=no_sleep)


def test_get_fred_unknown_id_json_400_and_key_is_redacted():
    def handler(request: httpx.Request) -> httpx.Response:
        sid = params_of(request)["series_id"]
        msg = (
            "Bad Request.  The series does not exist."
            if sid == "NOSUCH"
            else ("Bad Request.  Variable api_key is not registered.")
        )
        return httpx.Response(400, json={"error_code": 400, "error_message": msg})

    client = mock_client(handler)
    with pytest.raises(UnknownSeriesError, match=r"'NOSUCH'.*does not exist"):
        fred.get_fred("NOSUCH", api_key=KEY, client=client)
    with pytest.raises(FetchError, match="not registered") as err:
        fred.get_fred("WALCL", api_key=KEY, client=client)
    assert KEY not in str(err.value)
    assert err.value.url is not None and KEY not in err.value.url


def test_realtime_without_key_is_a_spec_error():
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - not called
        raise AssertionError("no request expected")

    with pytest.raises(SpecError, match="FRED_API_KEY"):
        fred.get_fred("GDP", realtime_start="2020-01-01", client=mock_client(handler))
    with pytest.raises(SpecError, match="start='2022-13-01'"):
        fred.get_fred("GDP", start="2022-13-01", client=mock_client(handler))


def test_get_fred_json_api_with_key(raw_data: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FRED_API_KEY", KEY)
    monkeypatch.setattr(_fred_http, "OBS_LIMIT", 500)  # force paging: 1,236 rows in 3 pages
    rows = raw_rows(raw_data, "WALCL")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        p = params_of(request)
        assert p["api_key"] == KEY
        assert p["file_type"] == "json"
        if request.url.path == "/fred/series":
            info = {
                "id": "WALCL",
                "title": "Assets: Total Assets",
                "units": "Millions of U.S. Dollars",
            }
            return httpx.Response(200, json={"seriess": [info]})
        assert request.url.path == "/fred/series/observations"
        lo, hi = p.get("observation_start", "0000"), p.get("observation_end", "9999")
        sel = [r for r in rows if lo <= r[0] <= hi]
        off, lim = int(p["offset"]), int(p["limit"])
        payload = observations_payload(sel[off : off + lim], "2026-08-21")
        payload["count"] = len(sel)
        return httpx.Response(200, json=payload)

    out = fred.get_fred("WALCL", start="2003-01-01", client=mock_client(handler))
    assert seen[0].url.path == "/fred/series"
    obs_requests = [r for r in seen if r.url.path.endswith("/observations")]
    assert [params_of(r)["offset"] for r in obs_requests] == ["0", "500", "1000"]
    assert {params_of(r)["observation_start"] for r in obs_requests} == {"2003-01-01"}
    assert "realtime_start" not in params_of(obs_requests[0])
    df = out.data
    assert len(df) == MANIFEST["WALCL"][2] - 2  # 2002-12-18 and 2002-12-25 are cut
    assert df.set_index("date").loc[pd.Timestamp("2022-06-01"), "value"] == 8915.05
    assert out.meta.units == {"WALCL": "USD bn"}
    assert "FRED title: Assets: Total Assets" in out.meta.notes
    assert out.meta.url is not None and KEY not in out.meta.url


def test_alfred_vintages_are_chunked_by_2000_vintage_dates(
    raw_data: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(_fred_http, "VINTAGEDATES_LIMIT", 3000)  # force vintagedates paging
    # Vintage dates: the business days of DGS10 (real dates); WALCL values first published
    # on the next of those days, and 2022-06-01 revised once on 2023-03-01 or later.
    vdates = [date.fromisoformat(d) for d, _ in raw_rows(raw_data, "DGS10")]
    walcl = [(date.fromisoformat(d), v) for d, v in raw_rows(raw_data, "WALCL")]

    def first_vintage_after(day: date) -> date:
        return next(v for v in vdates if v > day)

    revised_on = next(v for v in vdates if v >= date(2023, 3, 1))
    revised_value = "8915000"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        p = params_of(request)
        lo, hi = (
            date.fromisoformat(p.get("realtime_start", "1776-07-04")),
            date.fromisoformat(p.get("realtime_end", "9999-12-31")),
        )
        if request.url.path == "/fred/series":
            return httpx.Response(200, json={"seriess": [{"units": "Millions of U.S. Dollars"}]})
        if request.url.path == "/fred/series/vintagedates":
            inside = [v.isoformat() for v in vdates if lo <= v <= hi]
            off, lim = int(p["offset"]), int(p["limit"])
            return httpx.Response(
                200, json={"count": len(inside), "vintage_dates": inside[off : off + lim]}
            )
        obs = []
        for day, value in walcl:
            periods = [(first_vintage_after(day), value, None)]
            if day == date(2022, 6, 1):
                periods = [(periods[0][0], value, revised_on), (revised_on, revised_value, None)]
            for start, val, until in periods:
                end = (until - timedelta(days=1)) if until else hi
                if start <= hi and end >= lo:  # valid somewhere in the window: clip to it
                    obs.append(
                        {
                            "realtime_start": max(start, lo).isoformat(),
                            "realtime_end": min(end, hi).isoformat(),
                            "date": day.isoformat(),
                            "value": val,
                        }
                    )
        return httpx.Response(200, json={"count": len(obs), "observations": obs})

    out = fred.get_fred(
        "WALCL",
        api_key=KEY,
        realtime_start="2000-01-01",
        realtime_end="2026-08-31",
        client=mock_client(handler),
    )
    inside = [v for v in vdates if date(2000, 1, 1) <= v <= date(2026, 8, 31)]
    vd_requests = [r for r in seen if r.url.path.endswith("/vintagedates")]
    assert [params_of(r)["offset"] for r in vd_requests] == ["0", "3000", "6000"]
    obs_requests = [r for r in seen if r.url.path.endswith("/observations")]
    assert len(obs_requests) == math.ceil(len(inside) / 2000) == 4
    windows = [
        (
            date.fromisoformat(params_of(r)["realtime_start"]),
            date.fromisoformat(params_of(r)["realtime_end"]),
        )
        for r in obs_requests
    ]
    assert windows[0][0] == date(2000, 1, 1)
    assert windows[-1][1] == date(2026, 8, 31)
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end + timedelta(days=1)  # contiguous, no gap, no overlap
    for start, end in windows:
        assert sum(start <= v <= end for v in inside) <= 2000

    df = out.data
    assert len(df) == len(walcl) + 1  # every date once, 2022-06-01 twice
    june = df[df["date"] == pd.Timestamp("2022-06-01")]
    assert june["value"].tolist() == [8915.05, 8915.0]
    assert june["vintage"].dt.date.tolist() == [date(2022, 6, 2), revised_on]
    # Values carried over a window boundary keep their first vintage.
    firsts = df.drop_duplicates("date")
    expected = [pd.Timestamp(first_vintage_after(d.date())) for d in firsts["date"]]
    assert firsts["vintage"].tolist() == expected
    assert any("4 request(s)" in n for n in out.meta.notes)


def test_realtime_windows_helper():
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(5)]
    assert _fred_http.realtime_windows(days, date(2019, 1, 1), date(2021, 1, 1), 2) == [
        (date(2019, 1, 1), date(2020, 1, 2)),
        (date(2020, 1, 3), date(2020, 1, 4)),
        (date(2020, 1, 5), date(2021, 1, 1)),
    ]
    assert _fred_http.realtime_windows([], date(2019, 1, 1), date(2021, 1, 1)) == [
        (date(2019, 1, 1), date(2021, 1, 1))
    ]


def test_module_tables_cover_the_glossary():
    fred_ids = {s.id for s in schema.SERIES.values() if s.source == "fred"}
    missing = fred_ids - set(fred.FRED_SOURCE_UNITS)
    assert missing == set()
    for sid, factor in fred.FRED_SERIES_SCALE.items():
        usd = schema.SERIES[sid].units.startswith(schema.USD_BN)
        assert (factor != 1.0) == (usd and "Millions" in fred.FRED_SOURCE_UNITS[sid]), sid
    assert re.fullmatch(r"https://fred\.stlouisfed\.org/.*", fred.FREDGRAPH_CSV_URL)


def test_get_fred_serves_the_named_liability_files(raw_data: Path):
    """The offline FRED endpoint serves WCURCIR from its transcribed file, as fredgraph
    would: the same values as reading the file, vintage the retrieval day."""
    from _endpoints import OfficialEndpoints

    ends = OfficialEndpoints(raw_data)
    with ends.client() as client:
        out = fred.get_fred("WCURCIR", client=client)
    want = fred.read_fred_csv(raw_data / "fred" / "WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED.csv")
    assert out.data["value"].tolist() == want.data["value"].tolist()
    assert out.data["value"].iloc[-1] == 2482.2  # 2026-09-23: 2,482,200 mn
    assert ends.requests[0].url.params["id"] == "WCURCIR"
