"""Numbers and dates that are wrong after parsing or scaling are refused where they enter.

Each case here was accepted (or crashed with a traceback) before: ``1e308`` scaled by
1000 stored ``inf``, ``--scale 1e-320`` stored zeros, ``"1,5"`` was stored as 15,
negative amounts outstanding, vintages before the data or in 2100, and dates outside
pandas' nanosecond range (``1600-01-01``) raised ``OutOfBoundsDatetime``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from _helpers import flat, run_cli
from qtlab import schema
from qtlab.errors import ParseError, SpecError, quoted

# private on purpose: the checked-CSV helpers every source parser uses
from qtlab.sources._base import checked_csv, date_column, numeric_column
from qtlab.sources.fred import parse_fred_csv
from qtlab.sources.user import parse_series_csv

SID = "agency_mbs.outstanding"


def test_a_value_that_overflows_after_scaling_is_refused() -> None:
    with pytest.raises(ParseError, match=r"not finite after scaling.*line 2") as info:
        parse_series_csv("date,value\n2022-01-31,1e308\n", SID, file="big.csv", units_scale=1000)
    assert (info.value.file, info.value.field, info.value.value) == ("big.csv", "value", "1e308")


@pytest.mark.parametrize("scale", [1e-320, 5e-324, 1e-310])
def test_a_scale_that_underflows_is_refused(scale: float) -> None:
    with pytest.raises(SpecError, match="units_scale"):
        parse_series_csv("date,value\n2022-01-31,5000\n", SID, units_scale=scale)


def test_a_value_that_underflows_to_zero_after_scaling_is_refused() -> None:
    with pytest.raises(ParseError, match=r"underflows to 0 after scaling.*line 2"):
        parse_series_csv("date,value\n2022-01-31,1e-310\n", SID, file="t.csv", units_scale=1e-15)


@pytest.mark.parametrize(
    ("cell", "ok"),
    [
        ('"1,5"', None),
        ('"12,34"', None),
        ('"1,2345"', None),
        ('",123"', None),
        ('"1,,234"', None),
        ('"1234,567"', None),
        ('"1,234"', 1234.0),
        ('"1,234,567.5"', 1234567.5),
        ("1234.5", 1234.5),
    ],
)
def test_thousands_separators_only_in_groups_of_three(cell: str, ok: float | None) -> None:
    text = f"DATE,WALCL\n2022-01-05,{cell}\n"
    if ok is None:
        with pytest.raises(ParseError, match=r"thousands separator.*(line|row) 2") as info:
            parse_fred_csv(text, series_id="WALCL", file="walcl.csv")
        assert info.value.field == "WALCL"
        return
    assert (
        parse_fred_csv(text, series_id="WALCL", file="walcl.csv").data["value"].iloc[0] == ok / 1000
    )


def test_numeric_column_separator_rule_directly() -> None:
    s = pd.Series(["1,234", "12,34"], index=pd.Index([2, 3], name="line"))
    with pytest.raises(ParseError, match=r"line 3") as info:
        numeric_column(s, file="f", field="v")
    assert info.value.value == "12,34"


def test_the_glossary_says_which_series_are_non_negative() -> None:
    assert schema.series_spec(SID).nonnegative
    assert schema.series_spec("WALCL").nonnegative and schema.series_spec("WRESBAL").nonnegative
    # spreads and yields may be negative
    assert not schema.series_spec("T10Y2Y").nonnegative
    assert not schema.series_spec("DGS3MO").nonnegative


def test_negative_amount_outstanding_is_refused() -> None:
    with pytest.raises(ParseError, match=r"negative.*line 3.*non-negative") as info:
        parse_series_csv("date,value\n2022-01-31,5\n2022-02-28,-5\n", SID, file="neg.csv")
    assert (info.value.field, info.value.value) == ("value", "-5")
    with pytest.raises(ParseError, match="negative"):
        parse_fred_csv("DATE,WALCL\n2022-01-05,-1\n", file="walcl.csv")
    # a negative spread is data
    assert parse_fred_csv("DATE,T10Y2Y\n2022-07-05,-0.5\n").data["value"].iloc[0] == -0.5


def test_vintage_before_the_observations_or_in_the_future_is_refused() -> None:
    text = "date,value\n2022-01-31,5\n2022-02-28,6\n"
    with pytest.raises(SpecError, match=r"vintage 2022-02-01.*before the last observation"):
        parse_series_csv(text, SID, vintage=date(2022, 2, 1))
    with pytest.raises(SpecError, match=r"vintage 2100-01-01.*after today"):
        parse_series_csv(text, SID, vintage=date(2100, 1, 1))
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(SpecError, match="after today"):
        parse_series_csv(text, SID, vintage=tomorrow)
    assert parse_series_csv(text, SID, vintage=date(2022, 2, 28)).meta.vintage == date(2022, 2, 28)


def test_observations_after_today_are_refused() -> None:
    future = (date.today() + timedelta(days=400)).isoformat()
    with pytest.raises(ParseError, match=r"after today.*line 2"):
        parse_series_csv(f"date,value\n{future},5\n", SID, file="f.csv")


@pytest.mark.parametrize(
    ("scale", "vintage", "words"),
    [
        ("1000", None, "not finite after scaling"),
        ("1e-320", None, "--scale"),
        (None, "2100-01-01", "after today"),
        (None, "2000-01-01", "before the last observation"),
    ],
)
def test_cli_import_refuses_and_writes_nothing(
    tmp_path: Path, scale: str | None, vintage: str | None, words: str
) -> None:
    f = tmp_path / "big.csv"
    f.write_text(
        "date,value\n2022-01-31,1e308\n" if scale == "1000" else "date,value\n2022-01-31,5\n"
    )
    args: list[str | Path] = ["data", "import", SID, f, "--data-dir", tmp_path / "store"]
    if scale:
        args += ["--scale", scale]
    if vintage:
        args += ["--vintage", vintage]
    res = run_cli(*args)
    assert res.exit_code in (1, 2), res.output
    assert words in flat(res.output) and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert not (tmp_path / "store" / "qtlab.duckdb").exists()


# --- dates outside pandas' range --------------------------------------------------------------
@pytest.mark.parametrize("day", ["1600-01-01", "9999-12-31", "1677-09-20", "2262-04-12"])
def test_dates_outside_the_supported_range_are_parse_errors(day: str) -> None:
    with pytest.raises(ParseError, match=r"outside the supported range.*line 3") as info:
        parse_series_csv(f"date,value\n2022-01-31,5\n{day},5\n", SID, file="old.csv")
    assert (info.value.file, info.value.field, info.value.value) == ("old.csv", "date", day)
    with pytest.raises(ParseError, match=r"outside the supported range.*(line|row) 2"):
        parse_fred_csv(f"DATE,WALCL\n{day},5\n", file="walcl.csv")


def test_date_column_range_check_without_a_format() -> None:
    df = checked_csv("d\n2022-01-01\n1500-03-04\n", file="f.csv", required=("d",), line_index=True)
    with pytest.raises(ParseError, match="line 3"):
        date_column(df["d"], file="f.csv", field="d", format=None)


def test_cli_import_of_an_out_of_range_date(tmp_path: Path) -> None:
    f = tmp_path / "old.csv"
    f.write_text("date,value\n1600-01-01,5\n")
    res = run_cli("data", "import", SID, f, "--data-dir", tmp_path / "store")
    assert res.exit_code == 1, res.output
    assert "old.csv" in flat(res.output) and "line 2" in flat(res.output)
    assert "1600-01-01" in flat(res.output)


# --- echoed values are bounded ----------------------------------------------------------------
def test_quoted_truncates_long_values_in_one_place() -> None:
    assert quoted("abc") == "'abc'"
    long = "x" * 100_000
    q = quoted(long)
    assert len(q) < 400 and "100,000 characters" in q
    err = ParseError("bad", file="f.csv", field="header", value=long)
    assert len(str(err)) < 500


def test_a_huge_csv_header_is_refused_quickly_and_not_echoed(tmp_path: Path) -> None:
    import time

    header = ",".join(f"column_{i}" for i in range(60_000))  # about 700 KB
    f = tmp_path / "wide.csv"
    f.write_text(f"{header}\n" + ",".join("1" for _ in range(60_000)) + "\n")
    t0 = time.perf_counter()
    res = run_cli("data", "import", SID, f, "--data-dir", tmp_path / "store")
    assert time.perf_counter() - t0 < 3.0
    assert res.exit_code == 1 and len(res.output) < 2000, res.output[:500]
    assert "wide.csv" in res.output
