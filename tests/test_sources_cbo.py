"""CBO loaders, tested on the real files in data/raw/cbo (see SOURCES.md)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from _endpoints import (
    OfficialEndpoints,
    flaky,
    mock_client,
    no_sleep,
    replace_once,
    timing_out,
    value_at,
)
from qtlab.errors import FetchError, ParseError, SpecError
from qtlab.sources import SourceData
from qtlab.sources.cbo import (
    cbo_series_id,
    fiscal_year_end,
    get_cbo_actuals,
    get_cbo_baselines,
    parse_cbo_actual_gdp,
    parse_cbo_actuals,
    parse_cbo_baselines,
    read_cbo_actual_gdp,
    read_cbo_actuals,
    read_cbo_baselines,
)

BASELINES = "cbo/cbo_baselines_1984-2026.csv"
DERIVED = "cbo/cbo_baseline_2022-05_debt_deficit_netinterest.csv"
ACTUALS = "cbo/cbo_actuals_by_fiscal_year.csv"
GDP = "cbo/cbo_actual_gdp_by_fiscal_year.csv"


@pytest.fixture(scope="module")
def baselines(raw_data: Path) -> SourceData:
    return read_cbo_baselines(raw_data / BASELINES)


@pytest.fixture(scope="module")
def baselines_text(raw_data: Path) -> str:
    return (raw_data / BASELINES).read_text()


# --------------------------------------------------------------------------- helpers


def test_fiscal_year_end() -> None:
    assert fiscal_year_end(2022) == date(2022, 9, 30)
    assert fiscal_year_end(1977) == date(1977, 9, 30)  # first October-September year
    assert fiscal_year_end(1976) == date(1976, 6, 30)  # the last July-June year
    assert fiscal_year_end(1950) == date(1950, 6, 30)


def test_series_id_rule() -> None:
    assert cbo_series_id("baseline", "debt", "Total", "Total") == "cbo.baseline.debt"
    assert (
        cbo_series_id("baseline", "outlay", "Net Interest", "Net Interest")
        == "cbo.baseline.outlay.net_interest"
    )
    assert (
        cbo_series_id("baseline", "outlay", "Mandatory", "Medicare")
        == "cbo.baseline.outlay.mandatory.medicare"
    )
    assert (
        cbo_series_id("actual", "outlay", "Discretionary", "Total Discretionary")
        == "cbo.actual.outlay.discretionary.total_discretionary"
    )


# --------------------------------------------------------------------------- baselines


def test_baselines_rows_and_vintages(baselines: SourceData) -> None:
    df = baselines.data
    assert len(df) == 20342
    vintages = df["vintage"].drop_duplicates().sort_values()
    assert len(vintages) == 117  # every baseline is its own vintage
    assert vintages.iloc[0] == pd.Timestamp("1982-02-01")  # revenue baselines start in 1982
    assert vintages.iloc[-1] == pd.Timestamp("2026-02-01")
    debt = df[df["series_id"] == "cbo.baseline.debt"]
    assert debt["vintage"].min() == pd.Timestamp("1984-02-01")
    assert df["date"].min() == pd.Timestamp("1982-09-30")
    assert df["date"].max() == pd.Timestamp("2036-09-30")
    assert baselines.meta.vintage == date(2026, 2, 1)


def test_may_2022_baseline(baselines: SourceData) -> None:
    df = baselines.data
    # SOURCES.md: the May 2022 baseline has baseline_date 2022-05-01; FY2022 debt 24,172.581
    assert value_at(df, "cbo.baseline.debt", "2022-09-30", "2022-05-01") == 24172.581
    assert value_at(df, "cbo.baseline.debt", "2032-09-30", "2022-05-01") > 24172.581
    may = df[df["vintage"] == pd.Timestamp("2022-05-01")]
    assert may["date"].min() == pd.Timestamp("2020-09-30")
    assert may["date"].max() == pd.Timestamp("2032-09-30")


def test_baseline_ids(baselines: SourceData) -> None:
    ids = set(baselines.data["series_id"])
    assert len(ids) == 21
    assert {
        "cbo.baseline.debt",
        "cbo.baseline.deficit",
        "cbo.baseline.outlay",
        "cbo.baseline.revenue",
        "cbo.baseline.outlay.net_interest",
        "cbo.baseline.outlay.mandatory.medicare",
        "cbo.baseline.outlay.mandatory.fannie_freddie",
        "cbo.baseline.revenue.payroll_taxes",
    } <= ids
    assert set(baselines.meta.units.values()) == {"USD bn"}
    assert set(baselines.meta.units) == ids


def test_baseline_flags(baselines: SourceData) -> None:
    flags = baselines.extra["flags"]
    assert not flags.duplicated(["component", "baseline_date"]).any()
    may = flags[flags["baseline_date"] == pd.Timestamp("2022-05-01")].set_index("component")
    # the flags differ between components of one baseline, so they stay out of the series
    assert may.loc["debt", "spring_flag"] and not may.loc["debt", "winter_flag"]
    assert may.loc["revenue", "spring_flag"] and may.loc["revenue", "winter_flag"]


def test_derived_file_is_a_subset(raw_data: Path, baselines: SourceData) -> None:
    derived = read_cbo_baselines(raw_data / DERIVED).data
    assert len(derived) == 57
    full = baselines.data
    ids = {
        "cbo.baseline.debt",
        "cbo.baseline.deficit",
        "cbo.baseline.outlay",
        "cbo.baseline.revenue",
        "cbo.baseline.outlay.net_interest",
    }
    subset = full[(full["vintage"] == pd.Timestamp("2022-05-01")) & full["series_id"].isin(ids)]
    pd.testing.assert_frame_equal(derived, subset.reset_index(drop=True))


def test_baselines_meta(raw_data: Path, baselines: SourceData) -> None:
    raw = (raw_data / BASELINES).read_bytes()
    assert baselines.meta.sha256 == hashlib.sha256(raw).hexdigest()
    assert baselines.meta.source == "cbo"
    assert baselines.meta.file == str(raw_data / BASELINES)
    assert baselines.data["date"].dtype == "datetime64[ns]"


# --------------------------------------------------------------------------- actuals


def test_actuals(raw_data: Path) -> None:
    out = read_cbo_actuals(raw_data / ACTUALS)
    df = out.data
    assert len(df) == 792
    assert df["date"].min() == pd.Timestamp("1982-09-30")
    assert df["date"].max() == pd.Timestamp("2025-09-30")
    assert value_at(df, "cbo.actual.debt", "1984-09-30") == 1306.975
    assert value_at(df, "cbo.actual.revenue", "2025-09-30") == 5234.616
    assert "cbo.actual.outlay.mandatory.student_loan_foregiveness" in set(df["series_id"])
    # vintage fallback: end of FY2025 plus a month
    assert (df["vintage"] == pd.Timestamp("2025-10-31")).all()
    assert out.meta.vintage == date(2025, 10, 31)
    again = read_cbo_actuals(raw_data / ACTUALS, vintage=date(2026, 1, 15))
    assert (again.data["vintage"] == pd.Timestamp("2026-01-15")).all()


def test_actual_net_interest_equals_fred_fyoint(raw_data: Path) -> None:
    # fred/MANIFEST.md: FYOINT (USD mn) equals CBO's net-interest actuals for FY2020-2024;
    # FY2025 is 970,065 at FRED against CBO's 969.938 bn.
    df = read_cbo_actuals(raw_data / ACTUALS).data
    fred = pd.read_csv(raw_data / "fred/FYOINT.csv", parse_dates=["date"]).set_index("date")
    for fy in range(2020, 2025):
        day = f"{fy}-09-30"
        cbo_bn = value_at(df, "cbo.actual.outlay.net_interest", day)
        assert cbo_bn * 1000 == pytest.approx(fred.loc[day, "value"], abs=1e-6)
    assert value_at(df, "cbo.actual.outlay.net_interest", "2025-09-30") == 969.938


def test_actual_gdp(raw_data: Path) -> None:
    out = read_cbo_actual_gdp(raw_data / GDP)
    df = out.data
    assert len(df) == 44
    assert set(df["series_id"]) == {"cbo.actual.gdp"}
    assert df["date"].iloc[0] == pd.Timestamp("1982-09-30")
    assert df["value"].iloc[0] == 3313.35
    assert df["date"].iloc[-1] == pd.Timestamp("2025-09-30")
    assert df["value"].iloc[-1] == 30362.025
    assert out.meta.vintage == date(2025, 10, 31)
    assert out.meta.units == {"cbo.actual.gdp": "USD bn"}


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        (",1,1330.0", ",1,lots", "value", "lots"),
        ("2022-05-01", "2022-02-30", "baseline_date", "2022-02-30"),
        ("1984-02-01,True,", "1984-02-01,yes,", "Spring_flag", "yes"),
        ("\ndebt,Total", "\nbonds,Total", "component", "bonds"),
        ("True,False,1984,1,", "True,False,1984.5,1,", "projected_fiscal_year", "1984.5"),
    ],
    ids=["non-numeric", "impossible-date", "bad-flag", "unknown-component", "bad-year"],
)
def test_baselines_bad_value_names_file_field_value(
    baselines_text: str, old: str, new: str, field: str, value: str
) -> None:
    with pytest.raises(ParseError) as e:
        parse_cbo_baselines(replace_once(baselines_text, old, new), file="bad.csv")
    msg = str(e.value)
    assert "bad.csv" in msg and repr(field) in msg and repr(value) in msg
    assert e.value.field == field


def test_baselines_bad_shape(baselines_text: str) -> None:
    cut = baselines_text[: baselines_text.rindex(",2036,")]
    with pytest.raises(ParseError) as e:
        parse_cbo_baselines(cut, file="cut.csv")
    assert "cut.csv" in str(e.value) and "projected_fiscal_year" in str(e.value)
    with pytest.raises(ParseError) as e:
        parse_cbo_baselines(replace_once(baselines_text, "baseline_date", "baseline"), file="b.csv")
    assert "b.csv" in str(e.value) and e.value.field == "baseline_date"
    line = "debt,Total,Total,1984-02-01,True,False,1984,1,1330.0\n"
    with pytest.raises(ParseError, match="duplicate observation"):
        parse_cbo_baselines(replace_once(baselines_text, line, line + line), file="b.csv")


def test_actuals_bad_input(raw_data: Path) -> None:
    text = (raw_data / ACTUALS).read_text()
    with pytest.raises(ParseError) as e:
        parse_cbo_actuals(text.replace("actual_value", "value"), file="a.csv")
    assert e.value.field == "actual_value"
    with pytest.raises(ParseError) as e:
        parse_cbo_actuals(replace_once(text, ",1306.975", ",1,306.975x"), file="a.csv")
    assert "a.csv" in str(e.value)
    with pytest.raises(ParseError) as e:
        parse_cbo_actuals(replace_once(text, ",1306.975", ",n/a"), file="a.csv")
    assert "'actual_value'" in str(e.value) and "'n/a'" in str(e.value)
    with pytest.raises(ParseError, match="empty"):
        parse_cbo_actuals(b"", file="a.csv")


def test_gdp_bad_input(raw_data: Path) -> None:
    text = (raw_data / GDP).read_text()
    with pytest.raises(ParseError) as e:
        parse_cbo_actual_gdp(replace_once(text, "3313.35", "3313.35.1"), file="g.csv")
    assert "'GDP'" in str(e.value) and "g.csv" in str(e.value) and "3313.35.1" in str(e.value)
    # an unquoted thousands separator in the first row would shift the columns
    with pytest.raises(ParseError, match="more fields than the header") as e:
        parse_cbo_actual_gdp(replace_once(text, "3313.35", "3,313.35"), file="g.csv")
    assert "g.csv" in str(e.value)
    with pytest.raises(ParseError) as e:
        parse_cbo_actual_gdp(replace_once(text, "1982,", "FY82,"), file="g.csv")
    assert "'fiscal_year'" in str(e.value) and "FY82" in str(e.value)


# --------------------------------------------------------------------------- network


def test_get_cbo_files(raw_data: Path, baselines: SourceData) -> None:
    endpoints = OfficialEndpoints(raw_data)
    with endpoints.client() as client:
        b = get_cbo_baselines(client=client, sleep=no_sleep)
        a = get_cbo_actuals(client=client, sleep=no_sleep)
        g = get_cbo_actuals(
            which="gdp", ref="682559ca5800ee7be57a398085fd023a050c7cb9", client=client
        )
    seen = endpoints.requests
    assert [str(r.url) for r in seen] == [
        "https://raw.githubusercontent.com/US-CBO/eval-projections/main/input_data/baselines.csv",
        "https://raw.githubusercontent.com/US-CBO/eval-projections/main/input_data/actuals.csv",
        "https://raw.githubusercontent.com/US-CBO/eval-projections/"
        "682559ca5800ee7be57a398085fd023a050c7cb9/input_data/actual_GDP.csv",
    ]
    pd.testing.assert_frame_equal(b.data, baselines.data)  # vintages come from the file
    assert b.meta.url == str(seen[0].url) and b.meta.file is None
    assert a.meta.retrieved_at is not None
    assert (a.data["vintage"] == pd.Timestamp(a.meta.retrieved_at.date())).all()
    assert len(g.data) == 44 and g.meta.url == str(seen[2].url)
    assert g.meta.units == {"cbo.actual.gdp": "USD bn"}


def test_get_cbo_retries(raw_data: Path) -> None:
    endpoints = OfficialEndpoints(raw_data)
    with mock_client(flaky(endpoints, failures=1, status=500)) as client:
        out = get_cbo_actuals(which="gdp", client=client, sleep=no_sleep)
    assert len(endpoints.requests) == 1  # the first attempt got the 500
    assert len(out.data) == 44


def test_get_cbo_timeout_and_bad_which() -> None:
    with mock_client(timing_out) as client, pytest.raises(FetchError, match=r"baselines\.csv"):
        get_cbo_baselines(client=client, retries=3, sleep=no_sleep)
    with pytest.raises(SpecError, match="'actuals' or 'gdp'"):
        get_cbo_actuals(which="debt")  # type: ignore[arg-type]
