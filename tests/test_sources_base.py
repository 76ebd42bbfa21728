"""The shared checked-CSV reader of :mod:`qtlab.sources._base`, on real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qtlab.errors import ParseError

# private on purpose: the checked-CSV helpers every source parser uses
from qtlab.sources._base import checked_csv, date_column, numeric_column
from qtlab.sources.cbo import parse_cbo_actual_gdp
from qtlab.sources.fred import parse_fred_csv

GDP = "cbo/cbo_actual_gdp_by_fiscal_year.csv"
MSPD = "mspd/mspd_table1_summary_by_class_2001-01_2026-05.csv"


def test_real_file_reads_as_text_with_a_range_index(raw_data: Path) -> None:
    raw = (raw_data / MSPD).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM is stripped from the first column name
    df = checked_csv(raw, file="mspd.csv", required=("Record Date",))
    assert isinstance(df.index, pd.RangeIndex)
    assert len(df) == 4617  # 4617 data lines (SOURCES.md says 4616; see test_sources_treasury)
    assert df.loc[0, "Security Class Description"] == "Bills"


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        # first data row: pandas alone would shift every column left without an error
        ("1982,3313.35", "1982,3,313.35", 2),
        # a later row (line 11 of the file: FY1991)
        ("1991,6093.175", "1991,6,093.175", 11),
    ],
    ids=["first-row", "later-row"],
)
def test_row_longer_than_header_names_file_line_and_counts(
    raw_data: Path, old: str, new: str, line: int
) -> None:
    text = (raw_data / GDP).read_text()
    assert old in text
    with pytest.raises(ParseError) as err:
        checked_csv(text.replace(old, new, 1), file="gdp.csv", required=("fiscal_year", "GDP"))
    msg = str(err.value)
    assert "file gdp.csv" in msg
    assert f"field 'line {line}'" in msg and f"line {line} has more fields than the header" in msg
    assert "(3 fields, the header 'fiscal_year,GDP' has 2" in msg
    assert repr(new) in msg
    assert err.value.field == f"line {line}"


def test_quoted_commas_are_one_field(raw_data: Path) -> None:
    text = (raw_data / GDP).read_text().replace("1982,3313.35", '1982,"3,313.35"', 1)
    df = checked_csv(text, file="gdp.csv", required=("GDP",))
    assert df.loc[0, "GDP"] == "3,313.35"


def test_missing_column_and_empty_file(raw_data: Path) -> None:
    text = (raw_data / GDP).read_text().replace("fiscal_year,GDP", "fiscal_year,gdp", 1)
    with pytest.raises(ParseError) as err:
        checked_csv(text, file="gdp.csv", required=("fiscal_year", "GDP"))
    assert "field 'GDP'" in str(err.value) and "'gdp'" in str(err.value)
    with pytest.raises(ParseError, match="empty"):
        checked_csv(b"\xef\xbb\xbf\n", file="gdp.csv", required=())


@pytest.mark.parametrize("bad", ["inf", "-inf", "Infinity", "nan", "NaN", "1e999"])
def test_official_files_refuse_non_finite_values(raw_data: Path, bad: str) -> None:
    # WALCL (H.4.1 total assets, USD mn): the value of 2010-01-06 is on line 370 of the file
    text = (raw_data / "fred" / "WALCL.csv").read_text()
    assert "\n2010-01-06,2235304\n" in text
    with pytest.raises(ParseError) as err:
        parse_fred_csv(
            text.replace("\n2010-01-06,2235304\n", f"\n2010-01-06,{bad}\n", 1),
            series_id="WALCL",
            file="WALCL.csv",
        )
    e = err.value
    assert (e.file, e.field, e.value) == ("WALCL.csv", "value", bad)
    assert "not a finite number (row 370)" in str(e) and "inf, -inf and nan" in str(e)
    # CBO's GDP by fiscal year: FY1991 is on line 11
    gdp = (raw_data / GDP).read_text().replace("1991,6093.175", f"1991,{bad}", 1)
    with pytest.raises(ParseError, match=r"field 'GDP'.*not a finite number \(row 11\)"):
        parse_cbo_actual_gdp(gdp, file="gdp.csv")


def test_line_index_pairs_rows_with_file_lines() -> None:
    text = 'date,value\n\n2024-01-31,1\n,\n"2024-\n02-29",2\n  \n2024-03-31,x\n'
    df = checked_csv(text, file="u.csv", required=(), line_index=True)
    assert df.index.name == "line" and df.index.tolist() == [3, 5, 8]
    with pytest.raises(ParseError, match=r"value 'x': not a number \(line 8\)"):
        numeric_column(df["value"], file="u.csv", field="value")
    with pytest.raises(ParseError, match=r"expected format YYYY-MM-DD \(line 5\)"):
        date_column(df["date"], file="u.csv", field="date")
    # without line_index: a range index, "row N" (position below the header)
    plain = checked_csv("date,value\n2024-01-31,x\n", file="u.csv", required=())
    with pytest.raises(ParseError, match=r"not a number \(row 2\)"):
        numeric_column(plain["value"], file="u.csv", field="value")


def test_short_rows_are_refused_when_asked(raw_data: Path) -> None:
    text = (raw_data / GDP).read_text().replace("1991,6093.175", "1991", 1)
    assert checked_csv(text, file="gdp.csv", required=()).loc[9, "GDP"] == ""
    with pytest.raises(ParseError) as err:
        checked_csv(text, file="gdp.csv", required=(), allow_short_rows=False)
    assert err.value.field == "line 11" and err.value.value == "1991"
    assert "fewer fields than the header (1, the header 'fiscal_year,GDP' has 2)" in str(err.value)
