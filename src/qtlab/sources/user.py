"""User-supplied series: a checked ``date,value`` CSV of a series no official loader fetches.

Some inputs have no public machine-readable official copy qtlab can fetch: total agency
MBS outstanding (``agency_mbs.outstanding``) is published by SIFMA as a spreadsheet and
in related tables of the Fed's Financial Accounts (Z.1). A user who has such a file
exports it as ``date,value`` and imports it (``qtlab data import``); the store keeps it
with its provenance (file name, checksum, vintage) like any fetched dataset.

Only glossary series whose :attr:`~qtlab.schema.SeriesSpec.source` is ``"user"`` are
importable (:data:`IMPORTABLE_IDS`), so a user file never shadows an official series.
The file is checked as strictly as a FRED CSV: every error names the file, the line,
the field and the value.
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from qtlab import schema
from qtlab._yaml import read_yaml  # public here: the checked reader of a user's YAML file
from qtlab.errors import ParseError, SpecError, UnknownSeriesError, quoted
from qtlab.sources._base import (
    RawInput,
    SourceData,
    SourceMeta,
    checked_csv,
    date_column,
    numeric_column,
    open_binary,
    raw_bytes,
    sha256_bytes,
)

__all__ = [
    "IMPORTABLE_IDS",
    "USER_SOURCE",
    "importable_spec",
    "parse_series_csv",
    "read_monthly_csv",
    "read_series_csv",
    "read_yaml",
]

#: ``SourceMeta.source`` of every user import (followed by the user's own text, if any).
USER_SOURCE: Final = "user file"

#: Glossary series that can be imported from a user file (no official loader fetches them).
IMPORTABLE_IDS: Final[tuple[str, ...]] = tuple(
    s.id for s in schema.SERIES.values() if s.source == "user"
)


def importable_spec(series_id: str) -> schema.SeriesSpec:
    """The glossary spec of an importable series id.

    Raises
    ------
    UnknownSeriesError
        ``series_id`` is not an importable glossary id; the message lists the valid ids
        (and says so when the id is an official series loaded by ``qtlab data update``).
    """
    spec = schema.SERIES.get(series_id)
    if spec is not None and spec.source == "user":
        return spec
    hint = "Only series no official loader fetches can be imported from a file"
    if schema.is_known_series(series_id):
        src = schema.series_spec(series_id).source
        hint = (
            f"{series_id!r} is an official series loaded from {src} by `qtlab data update`; "
            "a user file cannot replace it"
        )
    raise UnknownSeriesError(series_id, IMPORTABLE_IDS, hint=hint)


def _check_scale(units_scale: float) -> float:
    try:
        scale = float(units_scale)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"units_scale={units_scale!r} is not a number") from exc
    if not math.isfinite(scale) or scale <= 0:
        raise SpecError(
            f"units_scale={quoted(units_scale)} must be a finite number > 0 (the factor from "
            "the file's units to glossary units, e.g. 0.001 for USD millions to USD bn)"
        )
    if not MIN_SCALE <= scale <= 1.0 / MIN_SCALE:
        raise SpecError(
            f"units_scale={quoted(units_scale)} is outside {MIN_SCALE:g} to "
            f"{1.0 / MIN_SCALE:g}: values scaled by it would underflow to 0 or overflow; "
            "the factor from the file's units to glossary units is a power of ten such as "
            "0.001 (USD millions to USD bn) or 1000 (USD trillions to USD bn)"
        )
    return scale


#: The smallest (and, inverted, the largest) units scale accepted: far beyond any units
#: conversion (USD to USD bn is 1e-9), far from where floats lose precision.
MIN_SCALE: Final = 1e-15


def _check_scaled(
    scaled: pd.Series, raw_values: pd.Series, rows: pd.DataFrame, spec: schema.SeriesSpec, file: str
) -> None:
    """Refuse values that are not finite, underflow to 0, or are negative for a non-negative
    series once scaled; name the file, line and value as written."""
    text = rows["value_text"]
    values = scaled.to_numpy(float)
    for mask, what in (
        (~np.isfinite(values), "not finite after scaling (too large) ({where})"),
        (
            (values == 0) & (raw_values.to_numpy(float) != 0),
            "underflows to 0 after scaling ({where})",
        ),
        (
            (values < 0) & spec.nonnegative,
            f"negative ({{where}}), but the glossary says {spec.id!r} is non-negative",
        ),
    ):
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise ParseError(
                what.format(where=f"line {text.index[i]}"),
                file=file,
                field="value",
                value=text.iloc[i],
            )


def _check_vintage(vint: date, rows: pd.DataFrame) -> None:
    """A vintage is a publication day: not before the last observation, not after today."""
    last = rows["date"].max().date()
    today = date.today()
    if vint > today:
        raise SpecError(
            f"vintage {vint} is after today ({today}): the vintage is the day the data were "
            "published; leave it out to use today"
        )
    if vint < last:
        raise SpecError(
            f"vintage {vint} is before the last observation ({last}): data cannot be "
            "published before the day they describe; give the publication date"
        )


def _rows(text: str, file: str) -> pd.DataFrame:
    """The ``date`` [datetime64] and ``value`` columns of a ``date,value`` CSV, indexed by
    file line, every line checked (by :func:`~qtlab.sources._base.checked_csv` and its
    column converters, as an official file is)."""
    df = checked_csv(text, file=file, required=(), line_index=True, allow_short_rows=False)
    header = [c.lower() for c in df.columns]
    if header != ["date", "value"]:
        raise ParseError(
            "expected the header 'date,value' (ISO dates, one number per line)",
            file=file,
            field="header",
            value=",".join(header),
        )
    df.columns = header
    if df.empty:
        raise ParseError("the file has no observations", file=file, field="value")
    dates = date_column(df["date"], file=file, field="date")
    # a user series has no missing-value markers: an empty cell is an error
    values = numeric_column(df["value"], file=file, field="value", missing_markers=("",))
    repeated = dates.duplicated()
    if repeated.any():
        line = repeated[repeated].index[0]
        first = dates.index[dates == dates.loc[line]][0]
        raise ParseError(
            f"line {line}: date repeated (first on line {first})",
            file=file,
            field="date",
            value=df.loc[line, "date"],
        )
    future = dates > pd.Timestamp(date.today())
    if future.any():
        line = future[future].index[0]
        raise ParseError(
            f"date after today ({date.today()}) (line {line}): a user series holds "
            "observations, not projections",
            file=file,
            field="date",
            value=df.loc[line, "date"],
        )
    return pd.DataFrame({"date": dates, "value": values, "value_text": df["value"]})


def parse_series_csv(
    raw: RawInput,
    series_id: str,
    *,
    file: str = "<buffer>",
    units_scale: float = 1.0,
    source: str | None = None,
    vintage: date | None = None,
) -> SourceData:
    """Parse a user ``date,value`` CSV of the importable series ``series_id``.

    Parameters
    ----------
    raw
        The CSV bytes, text or an open binary file: header ``date,value``, ISO dates
        (``YYYY-MM-DD``), one finite number per line; blank lines are skipped.
    series_id
        An id of :data:`IMPORTABLE_IDS` (e.g. ``agency_mbs.outstanding``).
    file
        Name used in error messages and metadata.
    units_scale
        Factor from the file's units to the series' glossary units (multiply), e.g.
        ``0.001`` for a file in USD millions of a series in [USD bn].
    source
        What the data are, in the user's words (e.g. ``"SIFMA US Agency MBS
        outstanding"``); recorded as ``source = "user file (<source>)"``.
    vintage
        The day the data were published; default today.

    Returns
    -------
    SourceData
        ``kind="series"``, columns ``series_id, date, value, vintage`` in glossary units;
        ``meta.as_of`` is the last date, ``meta.sha256`` the checksum of the bytes read.

    Raises
    ------
    UnknownSeriesError
        ``series_id`` is not importable (the message lists the valid ids).
    SpecError
        ``units_scale`` is not a finite number in 1e-15..1e15, or ``vintage`` is before
        the last observation or after today.
    ParseError
        A wrong header, a truncated line, a bad date or number, a missing value, a
        repeated date, a date after today, a value that is not finite or underflows to 0
        once scaled, or a negative value of a non-negative series (the glossary's
        :attr:`~qtlab.schema.SeriesSpec.nonnegative`): the message names the file, the
        line, the field and the value.
    """
    spec = importable_spec(series_id)
    scale = _check_scale(units_scale)
    data, file = raw_bytes(raw, file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text ({exc})", file=file) from exc
    rows = _rows(text, file)
    vint = vintage or date.today()
    _check_vintage(vint, rows)
    raw_values = rows["value"].reset_index(drop=True)
    # dividing by the exact power of ten keeps 6745699 mn -> 6745.699 bn bit-exact
    with np.errstate(over="ignore", under="ignore"):
        scaled = raw_values / (1.0 / scale) if scale < 1.0 else raw_values * scale
    _check_scaled(scaled, raw_values, rows, spec, file)
    frame = pd.DataFrame(
        {
            "series_id": spec.id,
            "date": rows["date"].reset_index(drop=True),
            "value": scaled,
            "vintage": pd.Timestamp(vint),
        }
    )
    frame = schema.validate_series(frame.sort_values("date", kind="stable"), file=file)
    notes = [f"imported from the user file {Path(file).name} ({len(frame)} observations)"]
    if scale != 1.0:
        notes.append(f"values multiplied by {scale:g} to {spec.units}")
    if vintage is None:
        notes.append("vintage = import day (no publication date given)")
    meta = SourceMeta(
        source=f"{USER_SOURCE} ({source.strip()})" if source and source.strip() else USER_SOURCE,
        dataset=f"user.{spec.id}",
        official_id=Path(file).name,
        units={spec.id: spec.units},
        vintage=vint,
        file=file,
        as_of=rows["date"].max().date(),
        sha256=sha256_bytes(data),
        notes=tuple(notes),
    )
    return SourceData(frame, meta)


def read_series_csv(
    path: str | os.PathLike[str],
    series_id: str,
    *,
    units_scale: float = 1.0,
    source: str | None = None,
    vintage: date | None = None,
) -> SourceData:
    """Read a user ``date,value`` CSV file of ``series_id``; see :func:`parse_series_csv`.

    The series id is checked before the file is read, so an unknown id fails first.
    """
    importable_spec(series_id)
    _check_scale(units_scale)
    try:
        data, name = open_binary(path)
    except OSError as exc:  # a directory, no permission (a missing file is a ParseError)
        raise ParseError(f"cannot read the file ({exc.strerror or exc})", file=str(path)) from exc
    return parse_series_csv(
        data, series_id, file=name, units_scale=units_scale, source=source, vintage=vintage
    )


def read_monthly_csv(
    path: str | os.PathLike[str],
    value: str,
    *,
    what: str,
    units: str,
    nonnegative: bool = False,
    upper: float | None = None,
) -> pd.Series:
    """A user's monthly path: a CSV with columns ``month`` (``YYYY-MM``) and ``value``.

    Used for ``--mbs-paydowns FILE`` (``month,paydowns`` [USD bn], ``nonnegative``) and
    ``--mortgage-rate FILE`` (``month,rate`` [%]). Checked as a user series is: every
    error is a :class:`ParseError` naming ``what`` and the file, the line, the field and
    the value (a missing or unreadable file, not UTF-8, a wrong header, a month that is
    not ``YYYY-MM``, a repeated month, text or a non-finite number, a negative amount, a
    value above ``upper``).

    Returns
    -------
    pandas.Series
        The values [``units``] indexed by month (``Period[M]``), sorted.
    """
    try:
        data, name = open_binary(path)
    except OSError as exc:  # a directory, no permission (a missing file is a ParseError)
        raise ParseError(
            f"{what}: cannot read the file ({exc.strerror or exc})", file=str(path)
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not UTF-8 text ({exc.reason})", file=name) from exc
    form = f"columns month (YYYY-MM), {value} [{units}]"
    df = checked_csv(text, file=name, required=(), line_index=True, allow_short_rows=False)
    df.columns = [c.lower() for c in df.columns]
    if sorted(df.columns) != sorted(("month", value)):
        raise ParseError(
            f"{what}: expected the header 'month,{value}' ({form})",
            file=name,
            field="header",
            value=",".join(df.columns),
        )
    if df.empty:
        raise ParseError(f"{what}: the file has no rows ({form})", file=name, field=value)
    months = df["month"].astype("string").str.strip()
    bad = ~months.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False).astype(bool)
    if bad.any():
        line = bad[bad].index[0]
        raise ParseError(
            f"{what}: not a month, expected YYYY-MM (line {line})",
            file=name,
            field="month",
            value=df.loc[line, "month"],
        )
    repeated = months.duplicated()
    if repeated.any():
        line = repeated[repeated].index[0]
        raise ParseError(
            f"{what}: month repeated (line {line})", file=name, field="month", value=months[line]
        )
    values = numeric_column(df[value], file=name, field=value, missing_markers=("",))
    if nonnegative and (values < 0).any():
        line = values[values < 0].index[0]
        raise ParseError(
            f"{what}: negative {value} (line {line}); amounts are >= 0 [{units}]",
            file=name,
            field=value,
            value=df.loc[line, value],
        )
    if upper is not None and (values > upper).any():
        line = values[values > upper].index[0]
        raise ParseError(
            f"{what}: {value} above {upper:,g} [{units}] (line {line}): not a plausible value",
            file=name,
            field=value,
            value=df.loc[line, value],
        )
    idx = pd.PeriodIndex(months.to_numpy(str), freq="M")
    return pd.Series(values.to_numpy(float), index=idx, name=value).sort_index()
