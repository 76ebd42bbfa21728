"""Freddie Mac Primary Mortgage Market Survey (PMMS), weekly.

The official file is ``historicalweeklydata.xlsx``, sheet ``Full History``: a
title block, a header spread over three rows ("U.S." / "30 yr" / "FRM" ...),
one row per survey week (dates stored as Excel dates), then a disclaimer. The
header names are mapped once (:data:`VARIABLE_MAP`) to series ids, all in
percent:

=====================  ===================================================
``pmms.frm30``         30-year fixed-rate mortgage, average rate
``pmms.frm30_points``  30-year FRM, average fees and points
``pmms.frm15``         15-year fixed-rate mortgage, average rate
``pmms.frm15_points``  15-year FRM, average fees and points
``pmms.arm51``         5/1 hybrid adjustable-rate mortgage, initial rate
``pmms.arm51_points``  5/1 ARM, average fees and points
``pmms.arm51_margin``  5/1 ARM, average margin
``pmms.spread_frm30_arm51``  30-year FRM minus 5/1 ARM, as Freddie Mac computes it
=====================  ===================================================

Observations are dated by the survey week as Freddie Mac dates it (Fridays up
to 2003, Thursdays since, with a few holiday-week exceptions). Empty cells are
dropped: fees and points, ARMs and the 15-year rate start later, Freddie Mac
stopped the ARM series and points in November 2022, and the spread column only
covers 2016-2022.

References
----------
Freddie Mac, Primary Mortgage Market Survey, https://www.freddiemac.com/pmms
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import httpx
import pandas as pd
from openpyxl.utils import get_column_letter

from qtlab import schema
from qtlab.errors import ParseError, one_of
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    RawInput,
    SourceData,
    SourceMeta,
    checked_csv,
    date_column,
    http_get,
    numeric_column,
    open_binary,
    raw_bytes,
    series_meta,
)
from qtlab.sources._xlsx import sheet_rows

__all__ = [
    "CSV_VARIABLE_MAP",
    "PMMS_URL",
    "SHEET",
    "VARIABLE_MAP",
    "get_pmms",
    "parse_pmms_csv",
    "parse_pmms_xlsx",
    "read_pmms",
]

PMMS_URL: Final = "https://www.freddiemac.com/pmms/docs/historicalweeklydata.xlsx"
#: The worksheet with the whole history.
SHEET: Final = "Full History"
#: Header of the date column (its last header row).
_WEEK_HEADER: Final = "Week"

#: xlsx header (the header rows of a column joined by spaces) -> series id [%].
VARIABLE_MAP: Final[Mapping[str, str]] = {
    "U.S. 30 yr FRM": "pmms.frm30",
    "30 yr fees & points": "pmms.frm30_points",
    "U.S. 15 yr FRM": "pmms.frm15",
    "15 yr fees & points": "pmms.frm15_points",
    "U.S. 5/1 ARM": "pmms.arm51",
    "5/1 ARM fees & points": "pmms.arm51_points",
    "U.S. 5/1 ARM margin": "pmms.arm51_margin",
    "30 yr FRM/ 5/1 ARM spread": "pmms.spread_frm30_arm51",
}
#: Columns of a CSV conversion (``week, frm30_rate, ...``) -> series id [%].
CSV_VARIABLE_MAP: Final[Mapping[str, str]] = {
    "frm30_rate": "pmms.frm30",
    "frm30_fees_points": "pmms.frm30_points",
    "frm15_rate": "pmms.frm15",
    "frm15_fees_points": "pmms.frm15_points",
    "arm51_rate": "pmms.arm51",
    "arm51_fees_points": "pmms.arm51_points",
    "arm51_margin": "pmms.arm51_margin",
    "spread_frm30_minus_arm51": "pmms.spread_frm30_arm51",
}
_REQUIRED: Final = "pmms.frm30"
_EXCEL_EPOCH: Final = datetime(1899, 12, 30)
_MAX_HEADER_SEARCH: Final = 30


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _norm(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if not _is_blank(value) else ""


def _header(rows: list[tuple[Any, ...]], *, file: str) -> tuple[int, dict[int, str], list[str]]:
    """Index of the header's last row, {column: series id}, unknown headers."""
    week_row = next(
        (i for i, r in enumerate(rows) if r and _norm(r[0]) == _WEEK_HEADER),
        None,
    )
    if week_row is None:
        raise ParseError(
            f"no header row with {_WEEK_HEADER!r} in column A in the first "
            f"{_MAX_HEADER_SEARCH} rows of sheet {SHEET!r}",
            file=file,
            field=_WEEK_HEADER,
        )
    first = week_row
    while first > 0 and sum(not _is_blank(v) for v in rows[first - 1]) >= 2:
        first -= 1  # header rows have several cells; the title rows above have one
    width = max(len(r) for r in rows[first : week_row + 1])
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for j in range(1, width):
        parts = [_norm(r[j]) for r in rows[first : week_row + 1] if j < len(r)]
        name = " ".join(p for p in parts if p)
        if not name:
            continue
        if name in VARIABLE_MAP:
            columns[j] = VARIABLE_MAP[name]
        else:
            unknown.append(name)
    if _REQUIRED not in columns.values():
        raise ParseError(
            f"no 30-year FRM column; expected headers {one_of(VARIABLE_MAP)}, found "
            f"{one_of(unknown) if unknown else 'none'}",
            file=file,
            field="U.S. 30 yr FRM",
        )
    return week_row, columns, unknown


def _week(value: object) -> date | None:
    """A survey week from an Excel date, serial number or ISO / US date text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (_EXCEL_EPOCH + timedelta(days=float(value))).date()
    text = _norm(value)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _number(value: object, *, file: str, field: str, cell: str) -> float | None:
    if _is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError as exc:
        raise ParseError(
            f"not a number (cell {cell} of sheet {SHEET!r})", file=file, field=field, value=value
        ) from exc


def _observations(
    rows: list[tuple[Any, ...]], week_row: int, columns: Mapping[int, str], *, file: str
) -> Iterator[tuple[str, date, float]]:
    headers = {v: k for k, v in VARIABLE_MAP.items()}
    for i in range(week_row + 1, len(rows)):
        row = rows[i]
        first = row[0] if row else None
        has_values = any(j < len(row) and not _is_blank(row[j]) for j in columns)
        week = _week(first)
        if week is None:
            if not has_values:
                continue  # blank rows and text rows (the disclaimer below the table)
            raise ParseError(
                f"not a valid date (cell A{i + 1} of sheet {SHEET!r}); expected an Excel date",
                file=file,
                field=_WEEK_HEADER,
                value=first,
            )
        for j, sid in columns.items():
            cell = f"{get_column_letter(j + 1)}{i + 1}"
            value = _number(
                row[j] if j < len(row) else None, file=file, field=headers[sid], cell=cell
            )
            if value is not None:
                yield sid, week, value


def _series(
    records: list[tuple[str, date, float]], *, file: str, vintage: date | None
) -> pd.DataFrame:
    if not records:
        raise ParseError("no survey weeks found", file=file, field=_WEEK_HEADER)
    df = pd.DataFrame(records, columns=["series_id", "date", "value"])
    df["date"] = pd.to_datetime(df["date"])
    df["vintage"] = pd.Timestamp(vintage) if vintage is not None else df["date"].max()
    out = schema.validate_series(df, file=file)
    return out.sort_values(["series_id", "date"], ignore_index=True)


def _meta(
    data: pd.DataFrame, *, raw: bytes, file: str | None, notes: tuple[str, ...]
) -> SourceMeta:
    return series_meta(
        data,
        source="freddie",
        dataset="pmms",
        official_id="historicalweeklydata.xlsx",
        units=schema.PERCENT,
        raw=raw,
        file=file,
        notes=notes,
    )


def parse_pmms_xlsx(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse Freddie Mac's ``historicalweeklydata.xlsx`` (sheet ``Full History``).

    Parameters
    ----------
    raw
        The workbook bytes or an open binary file.
    file
        Name used in error messages.
    vintage
        Publication day. When None, the last survey week in the file (PMMS is
        released on the survey Thursday).

    Returns
    -------
    SourceData
        Series ``pmms.*`` [%] (see the module docstring), one row per week with a
        value; empty cells dropped. Columns whose header is not in
        :data:`VARIABLE_MAP` are skipped and named in ``meta.notes``.

    Raises
    ------
    ParseError
        If the bytes are not an xlsx workbook, the sheet is missing (the message
        lists the sheets), the header has no ``Week`` / 30-year FRM column, a
        date is invalid or a rate cell is not a number.
    """
    data_bytes, file = raw_bytes(raw, file)
    rows = sheet_rows(data_bytes, SHEET, file=file)
    week_row, columns, unknown = _header(rows[:_MAX_HEADER_SEARCH], file=file)
    records = list(_observations(rows, week_row, columns, file=file))
    series = _series(records, file=file, vintage=vintage)
    notes = tuple(f"column {name!r} not in VARIABLE_MAP, skipped" for name in unknown)
    return SourceData(series, _meta(series, raw=data_bytes, file=file, notes=notes))


def parse_pmms_csv(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse a CSV conversion of the PMMS workbook (``week, frm30_rate, ...``).

    Columns are mapped by :data:`CSV_VARIABLE_MAP`; ``week`` and ``frm30_rate``
    are required, the others optional; empty cells are dropped. Output and
    vintage fallback are those of :func:`parse_pmms_xlsx`.
    """
    data_bytes, file = raw_bytes(raw, file)
    df = checked_csv(data_bytes, file=file, required=("week", "frm30_rate"))
    weeks = date_column(df["week"], file=file, field="week")
    parts = []
    for col, sid in CSV_VARIABLE_MAP.items():
        if col not in df.columns:
            continue
        values = numeric_column(df[col], file=file, field=col, allow_missing=True)
        keep = values.notna()
        parts.append(pd.DataFrame({"series_id": sid, "date": weeks[keep], "value": values[keep]}))
    long = pd.concat(parts, ignore_index=True)
    if long.empty:
        raise ParseError("no survey weeks found", file=file, field="week")
    long["vintage"] = pd.Timestamp(vintage) if vintage is not None else weeks.max()
    series = schema.validate_series(long, file=file).sort_values(
        ["series_id", "date"], ignore_index=True
    )
    return SourceData(series, _meta(series, raw=data_bytes, file=file, notes=()))


def read_pmms(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read the PMMS workbook (``.xlsx``) or a CSV conversion of it (``.csv``)."""
    raw, name = open_binary(path)
    if name.lower().endswith(".csv"):
        return parse_pmms_csv(raw, file=name, vintage=vintage)
    return parse_pmms_xlsx(raw, file=name, vintage=vintage)


def get_pmms(
    *,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch ``historicalweeklydata.xlsx`` from Freddie Mac; see :func:`parse_pmms_xlsx`.

    The vintage is the retrieval day (UTC).
    """
    retrieved_at = datetime.now(UTC)
    resp = http_get(PMMS_URL, client=client, timeout=timeout, retries=retries, sleep=sleep)
    out = parse_pmms_xlsx(resp.content, file=PMMS_URL, vintage=retrieved_at.date())
    meta = replace(out.meta, url=PMMS_URL, retrieved_at=retrieved_at, file=None)
    return SourceData(out.data, meta)
