"""FOMC SEP loaders: the FRED download in data/raw/sep, the packaged preset, the YAML.

Published figures: FOMC, Summary of Economic Projections, March 16, 2022, Table 1
(https://www.federalreserve.gov/monetarypolicy/fomcprojtabl20220316.htm): median federal
funds rate 1.9 (end-2022), 2.8 (2023), 2.8 (2024), 2.4 (longer run). The shared FRED file
FEDTARMD (fetched about 2026-03-24) holds 3.4 / 3.1 / 3.1 for 2026 / 2027 / 2028.
"""

from __future__ import annotations

import importlib.resources
import io
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pandas as pd
import pytest

from qtlab import schema
from qtlab.errors import FetchError, ParseError, SpecError
from qtlab.sources import fomc

SEP_FILE = "sep/fred_FEDTARMD_fetched_2026-03-24.csv"

GOOD = """\
meeting: 2022-03-16
source: "FOMC, Summary of Economic Projections, March 16, 2022"
variable: federal_funds_rate
statistic: median
units: percent
values: {2022: 1.9, 2023: 2.8, 2024: 2.8, longer_run: 2.4}
"""


def mock_client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def no_sleep(_: float) -> None:
    return None


# ------------------------------------------------------------------------ preset


def test_march_2022_preset_medians():
    out = fomc.load_sep_preset("2022-03")
    df = out.data
    assert list(df.columns) == list(schema.SERIES_COLUMNS)
    md = df[df["series_id"] == "FEDTARMD"].set_index("date")["value"]
    assert md.to_dict() == {
        pd.Timestamp("2022-01-01"): 1.9,
        pd.Timestamp("2023-01-01"): 2.8,
        pd.Timestamp("2024-01-01"): 2.8,
    }
    lr = df[df["series_id"] == "FEDTARMDLR"]
    assert lr["date"].tolist() == [pd.Timestamp("2022-03-16")]
    assert lr["value"].tolist() == [2.4]
    assert (df["vintage"] == pd.Timestamp("2022-03-16")).all()
    assert out.meta.source == "fomc"
    assert out.meta.vintage == date(2022, 3, 16)
    assert out.meta.units == {"FEDTARMD": "percent", "FEDTARMDLR": "percent"}
    assert "fomcprojtabl20220316.htm" in out.extra["source"]
    assert out.extra["meeting"] == date(2022, 3, 16)
    assert schema.SERIES["FEDTARMD"].kind == "projection"


def test_preset_names_and_unknown_name():
    assert fomc.sep_presets() == ["2022-03"]
    with pytest.raises(SpecError, match=r"'2022-06'.*'2022-03'"):
        fomc.load_sep_preset("2022-06")


def test_every_packaged_yaml_is_a_registered_preset():
    files = {
        p.name
        for p in importlib.resources.files("qtlab.sources.data").iterdir()
        if p.name.endswith(".yaml")
    }
    assert files == set(fomc.SEP_PRESETS.values())


# ------------------------------------------------------------------------ FRED file


def test_shared_fedtarmd_file(raw_data: Path):
    out = fomc.read_sep_fred_csv(raw_data / SEP_FILE)
    df = out.data
    assert df["series_id"].unique().tolist() == ["FEDTARMD"]
    assert df["date"].dt.year.tolist() == [2026, 2027, 2028]
    assert (df["date"].dt.strftime("%m-%d") == "01-01").all()
    assert df["value"].tolist() == [3.4, 3.1, 3.1]
    # Fallback vintage: the fetch date in the file name.
    assert (df["vintage"] == pd.Timestamp("2026-03-24")).all()
    assert out.meta.vintage == date(2026, 3, 24)
    assert out.meta.source == "fomc"
    assert out.meta.dataset == "sep.FEDTARMD"
    assert out.meta.units == {"FEDTARMD": "percent"}
    assert any("fetch date" in n for n in out.meta.notes)


def test_shared_file_with_meeting_vintage_and_from_buffer(raw_data: Path):
    out = fomc.read_sep_fred_csv(raw_data / SEP_FILE, vintage=date(2026, 3, 18))
    assert (out.data["vintage"] == pd.Timestamp("2026-03-18")).all()
    raw = (raw_data / SEP_FILE).read_bytes()
    anon = fomc.parse_sep_fred_csv(io.BytesIO(raw))
    assert anon.meta.vintage is not None and anon.meta.vintage >= date(2026, 3, 24)
    assert any("today" in n for n in anon.meta.notes)


def test_sep_fred_bad_input(raw_data: Path):
    text = (raw_data / SEP_FILE).read_text(encoding="utf-8")
    with pytest.raises(ParseError, match=r"file f\.csv, field 'Value', value 'high'"):
        fomc.parse_sep_fred_csv(text.replace("3.4", "high"), file="f.csv")
    with pytest.raises(ParseError, match=r"field 'Date', value '2026-02-30'"):
        fomc.parse_sep_fred_csv(text.replace("2026-01-01", "2026-02-30"), file="f.csv")
    with pytest.raises(SpecError, match="FEDTARMD"):
        fomc.parse_sep_fred_csv(text, series_id="WALCL")


# ------------------------------------------------------------------------ get_sep


def test_get_sep_through_fred(raw_data: Path):
    body = (raw_data / SEP_FILE).read_text(encoding="utf-8")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=body)

    out = fomc.get_sep(client=mock_client(handler))
    (req,) = seen
    assert req.url.host == "fred.stlouisfed.org"
    assert req.url.path == "/graph/fredgraph.csv"
    assert parse_qs(urlsplit(str(req.url)).query) == {"id": ["FEDTARMD"]}
    assert out.data["value"].tolist() == [3.4, 3.1, 3.1]
    assert out.meta.source == "fomc"
    assert out.meta.dataset == "sep.FEDTARMD"
    assert out.meta.retrieved_at is not None
    assert out.meta.vintage == out.meta.retrieved_at.date()


def test_get_sep_retry_timeout_and_bad_id(raw_data: Path):
    body = (raw_data / SEP_FILE).read_text(encoding="utf-8")
    calls: list[httpx.Request] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502) if len(calls) == 1 else httpx.Response(200, text=body)

    out = fomc.get_sep("FEDTARMD", client=mock_client(flaky), sleep=no_sleep)
    assert len(calls) == 2
    assert len(out.data) == 3

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match="timed out"):
        fomc.get_sep(client=mock_client(slow), retries=2, sleep=no_sleep)
    with pytest.raises(SpecError, match="not a SEP series"):
        fomc.get_sep("DGS10", client=mock_client(slow))


# ------------------------------------------------------------------------ YAML


def test_yaml_single_statistic_and_buffer():
    out = fomc.parse_sep_yaml(io.BytesIO(GOOD.encode()))
    assert len(out.data) == 4
    assert out.extra["statistics"] == ("median",)


def test_yaml_several_statistics_use_fred_ids():
    text = """\
meeting: 2022-03-16
source: "a test table"
variable: federal_funds_rate
statistics:
  median: {2022: 1.9, longer_run: 2.4}
  central_tendency_low: {2022: 1.6, longer_run: 2.3}
  central_tendency_high: {2022: 2.4}
  range_low: {2022: 1.4}
  range_high: {longer_run: 3.0}
"""
    df = fomc.parse_sep_yaml(text).data.set_index(["series_id", "date"])["value"]
    assert df[("FEDTARCTL", pd.Timestamp("2022-01-01"))] == 1.6
    assert df[("FEDTARCTH", pd.Timestamp("2022-01-01"))] == 2.4
    assert df[("FEDTARRL", pd.Timestamp("2022-01-01"))] == 1.4
    assert df[("FEDTARCTLLR", pd.Timestamp("2022-03-16"))] == 2.3
    assert df[("FEDTARRHLR", pd.Timestamp("2022-03-16"))] == 3.0
    assert fomc.sep_series_id("range_high", longer_run=True) == "FEDTARRHLR"
    assert set(fomc.SEP_SERIES_IDS) >= {"FEDTARMD", "FEDTARMDLR", "FEDTARCTL", "FEDTARRH"}


@pytest.mark.parametrize(
    ("old", "new", "field", "value", "match"),
    [
        ("2023: 2.8", "1989: 2.8", "values.1989", 1989, "integer year"),
        ("2023: 2.8", "twenty: 2.8", "values.twenty", "twenty", "integer year"),
        ("2023: 2.8", "2021: 2.8", "values.2021", 2021, "before the meeting year"),
        ("2023: 2.8", "2023: high", "values.2023", "high", "not a number"),
        ("2023: 2.8", "2023: true", "values.2023", True, "not a number"),
        ("2023: 2.8", "2023: 30", "values.2023", 30, "out of range"),
        ("2023: 2.8", "2023: .nan", "values.2023", "nan", "not a number"),
        ("meeting: 2022-03-16", "meeting: 2022-02-30", "meeting", "2022-02-30", "real date"),
        ("meeting: 2022-03-16", "meeting: March 2022", "meeting", "March 2022", "real date"),
        ("statistic: median", "statistic: mean", "statistic", "mean", "valid: 'median'"),
        ("variable: federal_funds_rate", "variable: gdp", "variable", "gdp", "unknown variable"),
        ("units: percent", "units: basis points", "units", "basis points", "percent"),
    ],
)
def test_yaml_bad_values_name_file_field_value(old, new, field, value, match):
    assert old in GOOD
    with pytest.raises(ParseError, match=match) as err:
        fomc.parse_sep_yaml(GOOD.replace(old, new), file="sep.yaml")
    msg = str(err.value)
    assert "file sep.yaml" in msg
    assert f"field {field!r}" in msg
    assert (repr(value) in msg) if value != "nan" else ("nan" in msg)


@pytest.mark.parametrize("missing", ["meeting", "source", "variable", "statistic", "values"])
def test_yaml_missing_field(missing):
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith(missing + ":"))
    with pytest.raises(ParseError, match=rf"file sep\.yaml, field '{missing}': missing field"):
        fomc.parse_sep_yaml(text, file="sep.yaml")


def test_yaml_structure_errors(tmp_path: Path):
    with pytest.raises(ParseError, match=r"field 'valuez': unknown field"):
        fomc.parse_sep_yaml(GOOD.replace("values:", "valuez:"), file="s.yaml")
    with pytest.raises(ParseError, match="not valid YAML"):
        fomc.parse_sep_yaml("meeting: [2022", file="s.yaml")
    with pytest.raises(ParseError, match="mapping of fields"):
        fomc.parse_sep_yaml("- 1\n- 2\n", file="s.yaml")
    with pytest.raises(ParseError, match="not both"):
        fomc.parse_sep_yaml(GOOD + "statistics: {median: {2022: 1.9}}\n", file="s.yaml")
    with pytest.raises(ParseError, match=r"field 'values'.*mapping year"):
        fomc.parse_sep_yaml(
            GOOD.replace("{2022: 1.9, 2023: 2.8, 2024: 2.8, longer_run: 2.4}", "[1.9, 2.8]"),
            file="s.yaml",
        )
    ordered = GOOD.replace("statistic: median\n", "").replace(
        "values: {2022: 1.9, 2023: 2.8, 2024: 2.8, longer_run: 2.4}",
        "statistics: {median: {2022: 1.9}, central_tendency_low: {2022: 2.1}}",
    )
    with pytest.raises(ParseError, match=r"field '2022'.*central_tendency_low 2.1 is above median"):
        fomc.parse_sep_yaml(ordered, file="s.yaml")
    path = tmp_path / "sep_test.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert fomc.read_sep_yaml(path).meta.file == str(path)
    with pytest.raises(ParseError, match="file not found"):
        fomc.read_sep_yaml(tmp_path / "nope.yaml")
