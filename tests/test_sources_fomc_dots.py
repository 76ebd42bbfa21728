"""SEP dot plots (``qtlab.sources.fomc_dots``), tested on data/raw/sep/sep_dots_*.csv and,
for the live pages, on the same dots served as the Fed's Figure 2 table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from _endpoints import SEP_DOTS, OfficialEndpoints, no_sleep, sep_projtable_html, value_at
from qtlab.errors import ParseError
from qtlab.sources import SourceData
from qtlab.sources.fomc_dots import (
    dot_statistics,
    get_sep_dots,
    parse_sep_dots_csv,
    parse_sep_projtable_html,
    read_sep_dots,
)

JUNE_2022 = "2022-06-15"


@pytest.fixture(scope="module")
def dots(raw_data: Path) -> SourceData:
    return read_sep_dots(raw_data / SEP_DOTS)


def test_june_2022_sep_medians_as_published(dots: SourceData) -> None:
    # FOMC, Summary of Economic Projections, June 15, 2022 (Table 1 and Figure 2,
    # https://www.federalreserve.gov/monetarypolicy/fomcprojtabl20220615.htm): median
    # federal funds rate 3.4 / 3.8 / 3.4 for end-2022/23/24 (3.375 / 3.75 / 3.375 from the
    # dots), longer run 2.5. The mean of the two middle dots when their number is even.
    df = dots.data
    assert value_at(df, "FEDTARMD", "2022-01-01", JUNE_2022) == 3.375
    assert value_at(df, "FEDTARMD", "2023-01-01", JUNE_2022) == 3.75
    assert value_at(df, "FEDTARMD", "2024-01-01", JUNE_2022) == 3.375
    assert value_at(df, "FEDTARMDLR", JUNE_2022, JUNE_2022) == 2.5


def test_june_2022_central_tendency_and_range_match_table_1(dots: SourceData) -> None:
    # June 15, 2022 SEP, Table 1, federal funds rate, rounded to one decimal there:
    # central tendency 3.1-3.6, 3.6-4.1, 2.9-3.6, longer run 2.3-2.5;
    # range 3.1-3.9, 2.9-4.4, 2.1-4.1, longer run 2.0-3.0. Tolerance: that rounding.
    table1 = {
        "2022-01-01": (3.1, 3.6, 3.1, 3.9),
        "2023-01-01": (3.6, 4.1, 2.9, 4.4),
        "2024-01-01": (2.9, 3.6, 2.1, 4.1),
        JUNE_2022: (2.3, 2.5, 2.0, 3.0),
    }
    df = dots.data
    for day, expected in table1.items():
        lr = "LR" if day == JUNE_2022 else ""
        got = [value_at(df, f"FEDTAR{s}{lr}", day, JUNE_2022) for s in ("CTL", "CTH", "RL", "RH")]
        assert got == pytest.approx(expected, abs=0.05 + 1e-9), day


def test_every_meeting_dated_by_its_release(dots: SourceData) -> None:
    df = dots.data
    meetings = sorted(df["vintage"].dt.date.astype(str).unique())
    assert len(meetings) == 22 and meetings[0] == "2020-06-10" and meetings[-1] == "2025-12-10"
    assert "2022-03-16" not in meetings  # the file has no March 2022 SEP (SOURCES.md)
    assert len(dots.extra["dots"]) == 1827
    # every statistic for every meeting and horizon, ordered as the SEP orders them
    wide = df.pivot_table(index=["vintage", "date"], columns="series_id", values="value")
    for lr in ("", "LR"):
        cols = [f"FEDTAR{s}{lr}" for s in ("RL", "CTL", "MD", "CTH", "RH")]
        sub = wide[cols].dropna(how="all")
        assert sub.notna().all().all()
        assert (sub.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    # year rows dated YYYY-01-01; longer-run rows at the meeting date
    lr_rows = df[df["series_id"].str.endswith("LR")]
    assert (lr_rows["date"] == lr_rows["vintage"]).all()


def test_statistics_definitions_on_a_small_example() -> None:
    # 8 dots: median = mean of the 4th and 5th; central tendency drops 3 at each end
    d = pd.DataFrame(
        {
            "meeting": pd.Timestamp("2024-03-20"),
            "year": pd.array([2024] * 8, dtype="Int64"),
            "value": [5.0, 4.0, 1.0, 2.0, 3.0, 8.0, 7.0, 6.0],
        }
    )
    out = dot_statistics(d).set_index("series_id")["value"]
    assert out["FEDTARMD"] == 4.5
    assert (out["FEDTARCTL"], out["FEDTARCTH"]) == (4.0, 5.0)
    assert (out["FEDTARRL"], out["FEDTARRH"]) == (1.0, 8.0)
    with pytest.raises(ParseError, match="at least 7"):
        dot_statistics(d.iloc[:6])


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda t: t.replace("2022-06-15,2022,", "2022-06-31,2022,", 1), "meeting_date"),
        (lambda t: t.replace("2022-06-15,2022,", "2022-06-15,2019,", 1), "horizon"),
        (lambda t: t.replace("2022-06-15,2022,", "2022-06-15,later,", 1), "horizon"),
        (lambda t: t.replace("2022-06-15,2022,3.375", "2022-06-15,2022,x", 1), "dot_value"),
        (lambda t: t.replace("2022-06-15,2022,3.375", "2022-06-15,2022,337.5", 1), "out of range"),
        (lambda t: t.replace("dot_value", "dot", 1), "dot_value"),
    ],
)
def test_bad_dots_file_names_field(raw_data: Path, edit, match: str) -> None:  # type: ignore[no-untyped-def]
    text = (raw_data / SEP_DOTS).read_text(encoding="utf-8")
    with pytest.raises(ParseError, match=match) as err:
        parse_sep_dots_csv(edit(text), file="dots.csv")
    assert "dots.csv" in str(err.value)


def test_projtable_page_gives_the_same_statistics(raw_data: Path, dots: SourceData) -> None:
    text = (raw_data / SEP_DOTS).read_text(encoding="utf-8")
    page = sep_projtable_html(text, "20220615")
    assert page is not None
    got = parse_sep_projtable_html(page, file="fomcprojtabl20220615.htm").data
    want = dots.data[dots.data["vintage"] == pd.Timestamp(JUNE_2022)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)


def test_projtable_page_errors() -> None:
    with pytest.raises(ParseError, match="meeting date is not known"):
        parse_sep_projtable_html("<table></table>", file="page.htm")
    with pytest.raises(ParseError, match="no dot-plot table"):
        parse_sep_projtable_html("<table><tr><td>1</td></tr></table>", meeting="2022-06-15")
    bad = (
        "<table><caption>Midpoint of target range</caption><tr><th>Rate</th><th>2022</th></tr>"
        "<tr><th>3.375</th><td>two</td></tr></table>"
    )
    with pytest.raises(ParseError, match="not a count") as err:
        parse_sep_projtable_html(bad, meeting="2022-06-15")
    assert "Figure 2 2022 at 3.375" in str(err.value)


def test_get_sep_dots_from_the_fed_pages(raw_data: Path, dots: SourceData) -> None:
    endpoints = OfficialEndpoints(raw_data)
    with endpoints.client() as client:
        out = get_sep_dots(["2022-06-15", "2025-12-10"], client=client, sleep=no_sleep)
    assert endpoints.paths("www.federalreserve.gov") == [
        "/monetarypolicy/fomcprojtabl20220615.htm",
        "/monetarypolicy/fomcprojtabl20251210.htm",
    ]
    want = dots.data[dots.data["vintage"].isin(pd.to_datetime(["2022-06-15", "2025-12-10"]))]
    pd.testing.assert_frame_equal(out.data, want.reset_index(drop=True))
    assert out.meta.retrieved_at is not None and out.meta.source == "fomc"


def test_get_sep_dots_unknown_meeting_is_a_fetch_error(raw_data: Path) -> None:
    from qtlab.errors import FetchError

    with OfficialEndpoints(raw_data).client() as client, pytest.raises(FetchError):
        get_sep_dots("2022-03-16", client=client, sleep=no_sleep)
