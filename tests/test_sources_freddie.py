"""Freddie Mac PMMS loaders, tested on the real files in data/raw/pmms (see SOURCES.md)."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime
from pathlib import Path

import httpx
import openpyxl
import pandas as pd
import pytest

from qtlab.errors import FetchError, ParseError
from qtlab.sources import SourceData, freddie
from qtlab.sources.freddie import get_pmms, parse_pmms_csv, parse_pmms_xlsx, read_pmms

XLSX = "pmms/freddie_pmms_historicalweeklydata_2026-04-02.xlsx"
CSV = "pmms/freddie_pmms_weekly_1971-04-02_2026-04-02.csv"


@pytest.fixture(scope="module")
def xlsx_bytes(raw_data: Path) -> bytes:
    return (raw_data / XLSX).read_bytes()


@pytest.fixture(scope="module")
def pmms(raw_data: Path) -> SourceData:
    return read_pmms(raw_data / XLSX)


def _series(df: pd.DataFrame, sid: str) -> pd.Series:
    return df[df["series_id"] == sid].set_index("date")["value"]


def _no_sleep(_: float) -> None:
    return None


def _edited(xlsx_bytes: bytes, edit) -> bytes:
    """The real workbook with ``edit(workbook)`` applied, saved to bytes in memory.

    Loaded with ``data_only=True`` so the spread column keeps its cached values.
    """
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes), data_only=True)
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- xlsx


def test_xlsx_weeks_and_values(pmms: SourceData) -> None:
    df = pmms.data
    frm30 = _series(df, "pmms.frm30")
    assert len(frm30) == 2871
    assert frm30.index[0] == pd.Timestamp("1971-04-02")
    assert frm30.index[-1] == pd.Timestamp("2026-04-02")
    assert frm30.iloc[0] == 7.33
    assert frm30.iloc[-1] == 6.46
    assert _series(df, "pmms.frm15").loc["2026-04-02"] == 5.77
    # the week of 2009-07-30, every column filled
    week = df[df["date"] == pd.Timestamp("2009-07-30")].set_index("series_id")["value"]
    assert week.to_dict() == {
        "pmms.arm51": 4.75,
        "pmms.arm51_margin": 2.74,
        "pmms.arm51_points": 0.6,
        "pmms.frm15": 4.69,
        "pmms.frm15_points": 0.7,
        "pmms.frm30": 5.25,
        "pmms.frm30_points": 0.7,
    }
    # the spread column is an Excel formula (=B-F); its cached value is read
    spread = _series(df, "pmms.spread_frm30_arm51")
    assert len(spread) == 358
    assert spread.loc["2016-01-07"] == pytest.approx(3.97 - 3.09)
    assert (df["vintage"] == pd.Timestamp("2026-04-02")).all()  # fallback: last week


def test_xlsx_empty_cells_dropped(pmms: SourceData) -> None:
    counts = pmms.data.groupby("series_id").size().to_dict()
    assert counts == {
        "pmms.arm51": 932,
        "pmms.arm51_margin": 932,
        "pmms.arm51_points": 932,
        "pmms.frm15": 1806,
        "pmms.frm15_points": 1629,
        "pmms.frm30": 2871,
        "pmms.frm30_points": 2662,  # 178 empty and 31 blank-text (' ') cells dropped
        "pmms.spread_frm30_arm51": 358,
    }
    assert pmms.data["value"].notna().all()


def test_xlsx_dates_are_survey_weeks(pmms: SourceData) -> None:
    weeks = _series(pmms.data, "pmms.frm30").index
    # Fridays until 2003, Thursdays since 2004; holiday weeks fall on a Wednesday
    # (and twice on a Saturday, in 1993 and 1998)
    late = weeks[weeks >= "2004-01-01"].day_of_week
    assert set(late) == {2, 3}
    assert (late == 2).sum() == 35
    early = weeks[weeks < "2004-01-01"].day_of_week
    assert (early == 4).sum() == 1698
    assert (early == 5).sum() == 2
    assert weeks.is_monotonic_increasing and weeks.is_unique


def test_xlsx_meta(pmms: SourceData, xlsx_bytes: bytes, raw_data: Path) -> None:
    assert pmms.meta.source == "freddie"
    assert pmms.meta.vintage == date(2026, 4, 2)
    assert pmms.meta.sha256 == hashlib.sha256(xlsx_bytes).hexdigest()
    assert pmms.meta.file == str(raw_data / XLSX)
    assert set(pmms.meta.units.values()) == {"percent"}
    assert len(pmms.meta.units) == 8
    assert pmms.meta.notes == ()


def test_xlsx_equals_derived_csv(pmms: SourceData, raw_data: Path) -> None:
    csv_out = read_pmms(raw_data / CSV)
    a = pmms.data.set_index(["series_id", "date"])["value"]
    b = csv_out.data.set_index(["series_id", "date"])["value"]
    assert a.index.equals(b.index)
    # the CSV wrote floats with 10 significant digits
    assert (a - b).abs().max() < 1e-9
    assert csv_out.meta.vintage == date(2026, 4, 2)


def test_frm30_equals_fred(pmms: SourceData, raw_data: Path) -> None:
    fred = pd.read_csv(raw_data / "fred/MORTGAGE30US.csv", parse_dates=["date"])
    fred = fred.set_index("date")["value"]
    frm30 = _series(pmms.data, "pmms.frm30")
    common = frm30.index.intersection(fred.index)
    # SOURCES.md says 2844 common weeks; every PMMS week is in FRED, so there are 2871
    assert len(common) == 2871
    diff = (frm30[common] - fred[common]).abs()
    odd = diff[diff > 1e-9]
    # ... and the 21 weeks where FRED rounds the 3-decimal value to 2 decimals
    # (SOURCES.md says 1980-81; all 21 are in 1980)
    assert len(odd) == 21
    assert set(odd.index.year) == {1980}
    assert odd.max() == pytest.approx(0.005)
    for week in odd.index:
        three = round(frm30[week] * 1000)
        assert three % 10 == 5  # x.xx5
        assert fred[week] == pytest.approx((three + 5) / 1000)  # FRED rounds half up


# --------------------------------------------------------------------------- bad input


def test_sheet_renamed(xlsx_bytes: bytes) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb["Full History"].title = "History"

    with pytest.raises(ParseError) as e:
        parse_pmms_xlsx(_edited(xlsx_bytes, rename), file="renamed.xlsx")
    msg = str(e.value)
    assert "renamed.xlsx" in msg and "'Full History'" in msg and "'History'" in msg


def test_non_numeric_rate(xlsx_bytes: bytes) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Full History"]["B100"] = "n/a"

    with pytest.raises(ParseError) as e:
        parse_pmms_xlsx(_edited(xlsx_bytes, edit), file="bad.xlsx")
    msg = str(e.value)
    assert "bad.xlsx" in msg and "B100" in msg and "'U.S. 30 yr FRM'" in msg and "'n/a'" in msg


def test_numeric_text_is_accepted(xlsx_bytes: bytes) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Full History"]["B8"] = " 7.33 "

    out = parse_pmms_xlsx(_edited(xlsx_bytes, edit))
    assert _series(out.data, "pmms.frm30").iloc[0] == 7.33


def test_impossible_date(xlsx_bytes: bytes) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Full History"]["A100"] = "2022-02-30"

    with pytest.raises(ParseError) as e:
        parse_pmms_xlsx(_edited(xlsx_bytes, edit), file="bad.xlsx")
    msg = str(e.value)
    assert "bad.xlsx" in msg and "A100" in msg and "'Week'" in msg and "2022-02-30" in msg


def test_excel_serial_dates(xlsx_bytes: bytes, pmms: SourceData) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Full History"]
        for row in range(8, 8 + 2871):
            cell = ws.cell(row, 1)
            cell.value = (cell.value - datetime(1899, 12, 30)).days
            cell.number_format = "General"

    out = parse_pmms_xlsx(_edited(xlsx_bytes, edit))
    pd.testing.assert_frame_equal(out.data, pmms.data)


def test_header_renamed(xlsx_bytes: bytes) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Full History"]["B7"] = "Rate"

    with pytest.raises(ParseError) as e:
        parse_pmms_xlsx(_edited(xlsx_bytes, edit), file="bad.xlsx")
    msg = str(e.value)
    assert "bad.xlsx" in msg and "U.S. 30 yr FRM" in msg and "'U.S. 30 yr Rate'" in msg


def test_unknown_column_is_noted(xlsx_bytes: bytes) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Full History"]
        ws["J5"], ws["J6"], ws["J7"] = "U.S.", "20 yr", "FRM"
        ws["J8"] = 7.0

    out = parse_pmms_xlsx(_edited(xlsx_bytes, edit))
    assert out.meta.notes == ("column 'U.S. 20 yr FRM' not in VARIABLE_MAP, skipped",)
    assert len(out.data) == 12122


def test_truncated_and_not_xlsx(xlsx_bytes: bytes) -> None:
    with pytest.raises(ParseError, match="not a readable xlsx") as e:
        parse_pmms_xlsx(xlsx_bytes[: len(xlsx_bytes) // 2], file="cut.xlsx")
    assert "cut.xlsx" in str(e.value)
    with pytest.raises(ParseError, match="not a readable xlsx"):
        parse_pmms_xlsx(b"week,frm30_rate\n", file="x.xlsx")


def test_csv_bad_input(raw_data: Path) -> None:
    text = (raw_data / CSV).read_text()
    with pytest.raises(ParseError) as e:
        parse_pmms_csv(text.replace("frm30_rate", "frm30"), file="p.csv")
    assert e.value.field == "frm30_rate" and "p.csv" in str(e.value)
    with pytest.raises(ParseError) as e:
        parse_pmms_csv(text.replace("1971-04-09,7.31", "1971-04-09,seven", 1), file="p.csv")
    assert "'frm30_rate'" in str(e.value) and "'seven'" in str(e.value)
    with pytest.raises(ParseError) as e:
        parse_pmms_csv(text.replace("2022-02-24,", "2022-02-30,", 1), file="p.csv")
    assert "'week'" in str(e.value) and "2022-02-30" in str(e.value)
    with pytest.raises(ParseError) as e:
        parse_pmms_csv(text[: text.index("1971-04-16")] + "1971-04", file="cut.csv")
    assert "cut.csv" in str(e.value) and "'week'" in str(e.value)


# --------------------------------------------------------------------------- network


def test_get_pmms(xlsx_bytes: bytes, pmms: SourceData) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503)
        return httpx.Response(200, content=xlsx_bytes)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        out = get_pmms(client=client, sleep=_no_sleep)
    assert len(seen) == 2
    assert str(seen[-1].url) == "https://www.freddiemac.com/pmms/docs/historicalweeklydata.xlsx"
    assert out.meta.url == freddie.PMMS_URL
    assert out.meta.retrieved_at is not None and out.meta.file is None
    assert out.meta.vintage == out.meta.retrieved_at.date()
    pd.testing.assert_frame_equal(
        out.data.drop(columns="vintage"), pmms.data.drop(columns="vintage")
    )


def test_get_pmms_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(FetchError, match="timed out"),
    ):
        get_pmms(client=client, retries=2, sleep=_no_sleep)
