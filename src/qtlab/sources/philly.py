"""Philadelphia Fed Real-Time Data Set for Macroeconomists (RTDSM): real GDP by vintage.

The official file is ``routputMvQd.xlsx`` (sheet ``routput``): real output (GNP until
1991, GDP since), seasonally adjusted at an annual rate, in billions of the base-year
dollars of each vintage; one row per quarter (``DATE`` = ``1947:Q1`` ...), one column
per monthly vintage (``ROUTPUT65M11`` ... ``ROUTPUT25M2``), ``#N/A`` where a vintage had
no value yet. It is read here into one series, :data:`SERIES_ID`, in long form (only the
values present), each row dated at its quarter's first day (FRED's convention) and
carrying its vintage.

Vintage dates
-------------
The Philadelphia Fed dates a vintage by the data "as they existed in the middle of"
its month. qtlab dates vintage ``YYMm`` on day :data:`VINTAGE_DAY` (the 15th) of that
month: by then everything in the column had been published, so an as-of view never
sees a vintage before its numbers were out (e.g. vintage 2025M1 has no 2024Q4: BEA's
advance estimate came on January 30, 2025).

Base years
----------
Each vintage is in the dollars of the base year BEA used then (:data:`BASE_YEARS`,
:func:`base_year`): levels of different vintages must never be mixed, which is why
:class:`~qtlab.store.dataset.Dataset` reads this series one whole vintage at a time
(``SeriesSpec.whole_vintage``). The first vintage of each base year is where every
level of the file jumps (checked in the tests); the chained-dollar years are BEA's
comprehensive revisions (e.g. chained 2012 dollars from July 2018, chained 2017 from
September 2023).

References
----------
Federal Reserve Bank of Philadelphia, Real-Time Data Set for Macroeconomists, ROUTPUT,
https://www.philadelphiafed.org/surveys-and-data/real-time-data-research/routput
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Final

import httpx
import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from qtlab import schema
from qtlab.errors import DataError, ParseError
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    RawInput,
    SourceData,
    http_get,
    open_binary,
    raw_bytes,
    series_meta,
)
from qtlab.sources._xlsx import sheet_rows

__all__ = [
    "BASE_YEARS",
    "ROUTPUT_URL",
    "SERIES_ID",
    "SHEET",
    "VINTAGE_DAY",
    "base_year",
    "get_routput",
    "parse_routput_xlsx",
    "read_routput",
    "vintage_date",
]

ROUTPUT_URL: Final = (
    "https://www.philadelphiafed.org/-/media/frbp/assets/surveys-and-data/"
    "real-time-data/data-files/xlsx/routputmvqd.xlsx"
)
SHEET: Final = "routput"
#: The glossary id of real output by vintage (:data:`qtlab.schema.SERIES`).
SERIES_ID: Final = "rtdsm.routput"
#: Day of the month a vintage is dated (the Philadelphia Fed: "the middle of the month").
VINTAGE_DAY: Final = 15
#: (first vintage ``YYYY-MM``, base year, chained) in order: the dollars each vintage is in.
#: Fixed-weight constant dollars before 1996, chain-type since.
BASE_YEARS: Final[tuple[tuple[str, int, bool], ...]] = (
    ("1965-11", 1958, False),
    ("1976-02", 1972, False),
    ("1986-01", 1982, False),
    ("1991-12", 1987, False),
    ("1996-01", 1992, True),
    ("1999-11", 1996, True),
    ("2003-12", 2000, True),
    ("2009-08", 2005, True),
    ("2013-08", 2009, True),
    ("2018-08", 2012, True),
    ("2023-10", 2017, True),
)
_COLUMN: Final = re.compile(r"ROUTPUT(\d{2})M(\d{1,2})")
_QUARTER: Final = re.compile(r"(\d{4}):Q([1-4])")
_MISSING: Final = frozenset({"#N/A", ""})


def vintage_date(year: int, month: int) -> date:
    """The date qtlab gives vintage ``year``-``month``: day :data:`VINTAGE_DAY`."""
    return date(year, month, VINTAGE_DAY)


def base_year(vintage: date | str | pd.Timestamp) -> tuple[int, bool]:
    """(base year, chain-type?) of the real output of ``vintage``, e.g. ``(2012, True)``
    for vintage 2022-05.

    Raises
    ------
    DataError
        A vintage before the first of the data set (1965-11).
    """
    month = pd.Timestamp(vintage).to_period("M")
    found = [(y, c) for first, y, c in BASE_YEARS if pd.Period(first, freq="M") <= month]
    if not found:
        raise DataError(
            f"vintage {month} is before the first RTDSM vintage {BASE_YEARS[0][0]}; "
            f"base years are known for vintages from then on"
        )
    return found[-1]


def _vintage(name: object, *, file: str, column: int) -> date:
    m = _COLUMN.fullmatch(str(name).strip())
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise ParseError(
            f"not a vintage column (cell {get_column_letter(column + 1)}1); expected "
            "ROUTPUTyyMm such as ROUTPUT22M5",
            file=file,
            field="vintage",
            value=name,
        )
    yy = int(m.group(1))
    return vintage_date(1900 + yy if yy >= 65 else 2000 + yy, int(m.group(2)))


def _quarter(value: object, *, file: str, row: int) -> pd.Timestamp:
    m = _QUARTER.fullmatch(str(value).strip())
    if m is None:
        raise ParseError(
            f"not a quarter (cell A{row + 1}); expected YYYY:Qn such as 2022:Q1",
            file=file,
            field="DATE",
            value=value,
        )
    return pd.Timestamp(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)


def _values(rows: list[tuple[Any, ...]], header: list[Any], *, file: str) -> np.ndarray:
    width = len(header)
    out = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        for j in range(width):
            v = row[j + 1] if j + 1 < len(row) else None
            if v is None or (isinstance(v, str) and v.strip() in _MISSING):
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v):
                out[i, j] = float(v)
                continue
            raise ParseError(
                f"not a number (cell {get_column_letter(j + 2)}{i + 2}); expected billions "
                "of dollars or #N/A",
                file=file,
                field=str(header[j]),
                value=v,
            )
    return out


def parse_routput_xlsx(raw: RawInput, *, file: str = "<buffer>") -> SourceData:
    """Parse ``routputMvQd.xlsx`` (see the module docstring).

    Returns
    -------
    SourceData
        Series :data:`SERIES_ID`, columns ``series_id, date, value, vintage``: one row
        per quarter and vintage that has a value, ``date`` the quarter's first day,
        ``value`` [USD bn, SAAR, in the base-year dollars of the vintage,
        :func:`base_year`], ``vintage`` the 15th of the vintage's month.

    Raises
    ------
    ParseError
        Not an xlsx workbook, no ``routput`` sheet (the message lists the sheets), a
        header that is not ``DATE`` then ``ROUTPUTyyMm`` columns, a quarter or a value
        that is not one (naming the cell).
    """
    data, file = raw_bytes(raw, file)
    rows = sheet_rows(data, SHEET, file=file)
    if len(rows) < 2 or not rows[0] or str(rows[0][0]).strip() != "DATE":
        raise ParseError(
            "expected a header row starting with DATE, then one row per quarter",
            file=file,
            field="DATE",
            value=rows[0][0] if rows and rows[0] else None,
        )
    header = [h for h in rows[0][1:] if h is not None]
    vintages = [_vintage(h, file=file, column=j + 1) for j, h in enumerate(header)]
    if len(set(vintages)) != len(vintages):
        raise ParseError("a vintage column appears twice", file=file, field="vintage")
    body = [r for r in rows[1:] if r and r[0] is not None]
    quarters = [_quarter(r[0], file=file, row=i + 1) for i, r in enumerate(body)]
    values = _values(body, header, file=file)
    qi, vi = np.nonzero(~np.isnan(values))
    if len(qi) == 0:
        raise ParseError("no values in the sheet", file=file, field="ROUTPUT")
    frame = pd.DataFrame(
        {
            "series_id": SERIES_ID,
            "date": pd.DatetimeIndex(quarters)[qi],
            "value": values[qi, vi],
            "vintage": pd.DatetimeIndex(pd.to_datetime(vintages))[vi],
        }
    )
    frame = schema.validate_series(
        frame.sort_values(["vintage", "date"], ignore_index=True), file=file
    )
    first, last = min(vintages), max(vintages)
    meta = series_meta(
        frame,
        source="philly",
        dataset="rtdsm_routput",
        official_id="routputMvQd.xlsx (ROUTPUT)",
        units=schema.SERIES[SERIES_ID].units,
        raw=data,
        file=file,
        notes=(
            f"{len(vintages)} monthly vintages {first:%Y-%m} to {last:%Y-%m}, "
            f"{len(quarters)} quarters, {len(frame)} values (#N/A dropped)",
            f"vintage = day {VINTAGE_DAY} of the vintage's month (the Philadelphia Fed dates a "
            "vintage by the data available in the middle of its month)",
            "each vintage in the dollars of its own base year (qtlab.sources.philly.base_year): "
            "read one whole vintage at a time",
        ),
    )
    return SourceData(frame, meta)


def read_routput(path: str | os.PathLike[str]) -> SourceData:
    """Read ``routputMvQd.xlsx``; see :func:`parse_routput_xlsx`."""
    data, name = open_binary(path)
    return parse_routput_xlsx(data, file=name)


def get_routput(
    *,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch ``routputMvQd.xlsx`` from the Philadelphia Fed; see :func:`parse_routput_xlsx`.

    Vintages keep their mid-month dates; a vintage dated after the retrieval day (the
    current month's, fetched before the 15th) is dated the retrieval day instead.
    """
    retrieved_at = datetime.now(UTC)
    resp = http_get(ROUTPUT_URL, client=client, timeout=timeout, retries=retries, sleep=sleep)
    out = parse_routput_xlsx(resp.content, file=ROUTPUT_URL)
    today = pd.Timestamp(retrieved_at.date())
    df = out.data.assign(vintage=out.data["vintage"].where(out.data["vintage"] <= today, today))
    meta = replace(
        out.meta,
        url=ROUTPUT_URL,
        retrieved_at=retrieved_at,
        file=None,
        vintage=pd.Timestamp(df["vintage"].max()).date(),
    )
    return SourceData(df, meta)
