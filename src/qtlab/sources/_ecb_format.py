"""The file format of the ECB's APP and PEPP history CSVs: records, unit rows, numbers, months.

The low-level readers :mod:`qtlab.sources.ecb` parses both files with: CSV records
with their line numbers, the "EUR million" unit row, amount cells and the month
lines. Each raises :class:`~qtlab.errors.ParseError` naming the file, the line and
what is valid. Split from :mod:`qtlab.sources.ecb`.
"""

from __future__ import annotations

import csv
import io
from typing import Final

import numpy as np
import pandas as pd

from qtlab.errors import ParseError, one_of

_MONTHS: Final = {
    name: i
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}


def _rows(raw: bytes, file: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every CSV record, blank records left out."""
    text = raw.decode("utf-8-sig")
    if not text.strip():
        raise ParseError("the file is empty", file=file)
    reader = csv.reader(io.StringIO(text))
    out: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                out.append((reader.line_num, row))
    except csv.Error as exc:
        raise ParseError(f"not a readable CSV (line {reader.line_num}: {exc})", file=file) from exc
    return out


def _require_unit(line: int, row: list[str], file: str) -> None:
    text = " ".join(row).lower()
    if "euro millions" not in text:
        raise ParseError(
            f"line {line}: the unit must be 'in euro millions' as the ECB publishes it; "
            "no other unit is read (amounts are divided by 1,000 to EUR bn)",
            file=file,
            field=f"line {line}",
            value=",".join(row)[:120],
        )


def _number(cell: str, *, file: str, line: int, month: pd.Period, field: str) -> float:
    text = cell.strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value):
        raise ParseError(
            f"not a number (line {line}, {month}); expected an amount in euro millions",
            file=file,
            field=field,
            value=cell,
        )
    return value


def _months(
    records: list[tuple[int, list[str]]], *, file: str, width: int
) -> list[tuple[int, pd.Period, list[str]]]:
    """The month lines: (line, month, numeric cells), then only footnotes (text in the
    first field); a month line after a footnote, or a line that is neither, is an error.

    The year is carried forward from the last line that names one; months must follow
    one another without a gap.
    """
    out: list[tuple[int, pd.Period, list[str]]] = []
    year: int | None = None
    footnotes = False
    for line, row in records:
        name = row[1].strip().lower() if len(row) > 1 else ""
        first = row[0].strip()
        if out and name not in _MONTHS and first and not first[:4].isdigit():
            footnotes = True  # the footnotes after the last month: text in the first field
            continue
        if footnotes or name not in _MONTHS:
            raise ParseError(
                f"line {line}: expected a month line (year, English month name, "
                f"{width} amounts); valid month names are {one_of(m.title() for m in _MONTHS)}",
                file=file,
                field="month",
                value=",".join(row)[:120],
            )
        if first:
            if not (first.isdigit() and 1990 <= int(first) <= 2100):
                raise ParseError(
                    f"line {line}: not a year (expected a four-digit year from 1990 to 2100)",
                    file=file,
                    field="year",
                    value=first,
                )
            year = int(first)
        if year is None:
            raise ParseError(
                f"line {line}: the first month line must name its year",
                file=file,
                field="year",
                value="",
            )
        month = pd.Period(year=year, month=_MONTHS[name], freq="M")
        if out and month != out[-1][1] + 1:
            raise ParseError(
                f"line {line}: months must follow one another; {month} comes after "
                f"{out[-1][1]} (expected {out[-1][1] + 1})",
                file=file,
                field="month",
                value=row[1],
            )
        cells = row[2:]
        if len(cells) < width or any(c.strip() for c in cells[width:]):
            raise ParseError(
                f"line {line} ({month}) has {len(cells)} amounts; expected {width}",
                file=file,
                field=f"line {line}",
                value=",".join(row)[:120],
            )
        out.append((line, month, cells[:width]))
    if not out:
        raise ParseError("no month lines found", file=file)
    return out
