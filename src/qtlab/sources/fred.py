"""FRED and ALFRED (Federal Reserve Bank of St. Louis): series as ``date,value`` observations.

- :func:`parse_fred_csv` / :func:`read_fred_csv`: a CSV with header ``date,value`` (the
  files in ``data/raw/fred``), ``observation_date,<ID>`` (fredgraph) or ``DATE,<ID>``.
- :func:`parse_fred_json_observations`: a JSON API ``fred/series/observations`` payload.
- :func:`get_fred`: the live service: the public fredgraph CSV without an API key, the
  JSON API with one (argument or ``FRED_API_KEY``), ALFRED vintages with a real-time window.

All return the long frame ``series_id, date, value, vintage`` in glossary units: money in
USD billions (the H.4.1 series are published in millions), rates in percent, indexes as
published. :data:`FRED_SOURCE_UNITS` says how FRED publishes each glossary series and
:data:`FRED_SERIES_SCALE` the factor to glossary units.

WTREGEN (the Treasury General Account) changed units on FRED: old vintages, such as
``data/raw/fred/WTREGEN.csv`` (ending 2024-06-26), are in billions; FRED now publishes it in
millions (``WTREGEN_millions_2002-12-18_2025-11-19.csv``, a later vintage). Units given by
the caller or by the file name (:func:`~qtlab.sources._fred_units.fred_file_name`) win;
otherwise they are detected per vintage from the magnitude
(:data:`UNIT_DETECTION_THRESHOLDS`: every value of the vintage on one side of the
threshold, else a ParseError) and the choice is written to the notes.

References
----------
FRED API, https://fred.stlouisfed.org/docs/api/fred/ (series, series/observations,
series/vintagedates; real-time periods; at most 2,000 vintage dates per request).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Final

import httpx
import pandas as pd

from qtlab import schema
from qtlab.errors import ParseError, SpecError, UnknownSeriesError
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    SourceData,
    SourceMeta,
    checked_csv,
    date_column,
    numeric_column,
    open_binary,
    sha256_bytes,
    source_name,
    utcnow,
)
from qtlab.sources._fred_http import (
    FRED_API_URL,
    FREDGRAPH_CSV_URL,
    MAX_VINTAGE_DATES,
    REALTIME_MAX,
    REALTIME_MIN,
    Net,
    as_date,
    cut_dates,
    fetch_observations,
    fred_get,
    json_payload,
    realtime_windows,
    vintage_dates,
)
from qtlab.sources._fred_units import BILLIONS as _BILLIONS
from qtlab.sources._fred_units import MILLIONS as _MILLIONS
from qtlab.sources._fred_units import (
    UNIT_DETECTION_THRESHOLDS,
    apply_scale,
    detect_units,
    fred_file_name,
    money_scale,
)

__all__ = [
    "FREDGRAPH_CSV_URL",
    "FRED_API_URL",
    "FRED_SERIES_SCALE",
    "FRED_SOURCE_UNITS",
    "MAX_VINTAGE_DATES",
    "UNIT_DETECTION_THRESHOLDS",
    "get_fred",
    "parse_fred_csv",
    "parse_fred_json_observations",
    "read_fred_csv",
]


# fmt: off
_H41_MILLIONS_IDS = (
    "WALCL", "TREAST", "WSHOMCB", "WSHOSHO", "WRESBAL", "WCURCIR", "WLRRAL", "WDTGAL",
)
_PERCENT_IDS = (
    "DGS10", "DGS2", "DGS3MO", "T10Y2Y", "DFF", "EFFR", "DFEDTARU", "DFEDTARL", "IORB", "SOFR",
    "THREEFYTP10", "MORTGAGE30US", "FEDTARMD", "FEDTARMDLR",
)
# fmt: on

#: Units as FRED publishes each glossary series (before conversion).
FRED_SOURCE_UNITS: Final[Mapping[str, str]] = {
    **dict.fromkeys(_H41_MILLIONS_IDS, _MILLIONS),
    # Millions today; the mid-2024 vintage in data/raw is in billions (detected, see above).
    "WTREGEN": _MILLIONS,
    "RRPONTSYD": _BILLIONS,
    "GFDEBTN": "Millions of Dollars",
    "FYGFDPUN": "Millions of Dollars",
    "FYOINT": "Millions of Dollars",
    "GDP": "Billions of Dollars",
    "GDPC1": "Billions of Chained 2017 Dollars",
    "A091RC1Q027SBEA": "Billions of Dollars",
    **dict.fromkeys(_PERCENT_IDS, "Percent"),
    "DTWEXBGS": "Index Jan 2006=100",
    "DXY": "Index Mar 1973=100 (ICE U.S. Dollar Index via Yahoo Finance; not a FRED series)",
    "CSUSHPINSA": "Index Jan 2000=100",
    "CURRCIR": "Billions of Dollars",
    "MBCURRCIR": "Millions of Dollars",
}

#: Factor from FRED's units to glossary units, per series id (multiply; money to USD bn).
FRED_SERIES_SCALE: Final[Mapping[str, float]] = {
    sid: (money_scale(u) or 1.0) for sid, u in FRED_SOURCE_UNITS.items()
}

_NOT_FRED_NOTES: Final[Mapping[str, str]] = {
    "DXY": "DXY is ICE data scraped from Yahoo Finance, not a FRED series and not public "
    "domain: use it for context only (DTWEXBGS is the official dollar index)",
}


@dataclass(frozen=True)
class _Units:
    factor: float
    label: str
    notes: tuple[str, ...]


def _label(series_id: str, published: str | None, factor: float | None) -> str:
    spec = schema.SERIES.get(series_id)
    if spec is not None and spec.source in ("fred", "fomc"):
        return spec.units
    if factor is not None:
        chained = re.search(r"chained (\d{4})", published or "", re.I)
        return f"{schema.USD_BN} (chained {chained.group(1)})" if chained else schema.USD_BN
    if published:
        return schema.PERCENT if published.strip().lower().startswith("percent") else published
    return "as published by FRED"


def _resolve_units(series_id: str, units: str | None, values: pd.Series, file: str) -> _Units:
    """Scale factor, glossary label and notes for one vintage's raw ``values``."""
    how = "given by the caller, the file name or FRED metadata"
    if units is None and series_id in UNIT_DETECTION_THRESHOLDS:
        units, how = detect_units(series_id, values, file=file)
    elif units is None:
        units, how = FRED_SOURCE_UNITS.get(series_id), "from FRED_SOURCE_UNITS"
    factor = money_scale(units) if units else None
    note = f"{series_id}: {units} ({how})"
    if factor is not None and factor != 1.0:
        note += f", multiplied by {factor:g} to USD bn"
    keep_note = how.startswith("detected") or factor not in (None, 1.0)
    return _Units(factor or 1.0, _label(series_id, units, factor), (note,) if keep_note else ())


def _to_bytes(raw: bytes | str | IO[bytes] | IO[str], file: str) -> tuple[bytes, str]:
    if isinstance(raw, bytes):
        return raw, file
    if isinstance(raw, str):
        return raw.encode("utf-8"), file
    name = source_name(raw, file)
    data = raw.read()
    return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), name


_Built = tuple[pd.DataFrame, dict[str, str], list[str]]


def _build(
    series_id: str,
    dates: pd.Series,
    values: pd.Series,
    vintages: pd.Series,
    *,
    units: str | None,
    file: str,
) -> _Built:
    """Scale ``values`` per vintage and return the validated frame, its units and notes."""
    frame = pd.DataFrame(
        {"series_id": series_id, "date": dates, "value": values, "vintage": vintages}
    )
    detect = units is None and series_id in UNIT_DETECTION_THRESHOLDS and len(frame) > 0
    groups = [g for _, g in frame.groupby("vintage", sort=True)] if detect else [frame]
    parts: list[pd.DataFrame] = []
    notes: list[str] = []
    labels: set[str] = set()
    for group in groups:  # one group unless the units must be detected per vintage
        resolved = _resolve_units(series_id, units, group["value"], file)
        parts.append(group.assign(value=apply_scale(group["value"], resolved.factor)))
        notes.extend(n for n in resolved.notes if n not in notes)
        labels.add(resolved.label)
    out = pd.concat(parts)
    if series_id in _NOT_FRED_NOTES:
        notes.append(_NOT_FRED_NOTES[series_id])
    out = schema.validate_series(out.sort_values(["date", "vintage"], kind="stable"), file=file)
    return out, {series_id: " / ".join(sorted(labels))}, notes


def _check_series_id(series_id: str) -> str:
    sid = series_id.strip().upper() if isinstance(series_id, str) else ""
    if not re.fullmatch(r"[A-Z0-9_]{1,64}", sid):
        raise UnknownSeriesError(
            str(series_id),
            hint="FRED ids are letters, digits and underscores; pass series_id= when the "
            "file name is not the id",
        )
    return sid


def parse_fred_csv(
    raw: bytes | str | IO[bytes] | IO[str],
    *,
    series_id: str | None = None,
    file: str = "<buffer>",
    vintage: date | None = None,
    units: str | None = None,
) -> SourceData:
    """Parse one FRED series CSV into a long series frame in glossary units.

    Parameters
    ----------
    raw
        The CSV: header ``date,value``, ``observation_date,<ID>`` (fredgraph download) or
        ``DATE,<ID>`` (older download); header names are matched case-insensitively.
    series_id
        The FRED id. Taken from the header when not given; required with ``date,value``.
    file
        Name used in error messages and metadata.
    vintage
        Publication (or fetch) day of the file. When None, the last observation date
        of the file is used: the earliest day the file can have existed.
    units
        Units the values are published in (``"Millions of U.S. Dollars"``, ``"billions"``,
        ``"Percent"``), overriding :data:`FRED_SERIES_SCALE` and the magnitude rule of
        :data:`UNIT_DETECTION_THRESHOLDS`.

    Returns
    -------
    SourceData
        ``kind="series"``, columns ``series_id, date, value, vintage``; money in [USD bn],
        rates in [%], indexes as published. FRED's missing markers (``.`` and empty
        cells) are dropped and counted in ``meta.notes``.

    Raises
    ------
    ParseError
        A wrong header, a truncated line, a bad date or number, naming file, field, value.
    """
    data, file = _to_bytes(raw, file)
    df = checked_csv(data, file=file, required=())
    cols = list(df.columns)
    if len(cols) != 2 or cols[0].lower() not in ("date", "observation_date"):
        raise ParseError(
            "expected a two-column header 'date,value', 'observation_date,<SERIES_ID>' or "
            "'DATE,<SERIES_ID>' (one series per file)",
            file=file,
            field="header",
            value=",".join(cols),
        )
    date_col, value_col = cols
    if value_col.lower() == "value":
        if series_id is None:
            raise SpecError(
                f"{file} has the header 'date,value', which does not name the series: "
                "pass series_id= (e.g. series_id='WALCL')"
            )
        sid = _check_series_id(series_id)
    else:
        sid = _check_series_id(value_col)
        if series_id is not None and _check_series_id(series_id) != sid:
            raise ParseError(
                f"the header names series {sid!r} but series_id={series_id!r} was given",
                file=file,
                field=value_col,
                value=value_col,
            )
    lines = data.decode("utf-8-sig", errors="replace").splitlines()
    short = next((i for i, line in enumerate(lines) if line.strip() and "," not in line), None)
    if short is not None:  # pandas would read the missing field as an empty (missing) value
        raise ParseError(
            f"line {short + 1} has no value field (truncated file?); every line must be "
            "'date,value' (an empty or '.' value marks a missing observation)",
            file=file,
            field=value_col,
            value=lines[short].strip(),
        )
    dates = date_column(df[date_col], file=file, field=date_col)
    values = numeric_column(df[value_col], file=file, field=value_col, allow_missing=True)
    keep = values.notna()
    if not keep.any():
        raise ParseError("the file has no observations", file=file, field=value_col)
    vint = vintage or dates[keep].max().date()
    frame, units_map, notes = _build(
        sid,
        dates[keep],
        values[keep],
        pd.Series(pd.Timestamp(vint), index=dates[keep].index),
        units=units,
        file=file,
    )
    dropped = int((~keep).sum())
    if dropped:
        notes.append(f"{dropped} missing observations ('.' or empty) dropped")
    if vintage is None:
        notes.append("vintage = last observation date of the file (publication day unknown)")
    meta = SourceMeta(
        source="fred",
        dataset=f"fred.{sid}",
        official_id=sid,
        units=units_map,
        vintage=vint,
        file=file,
        sha256=sha256_bytes(data),
        notes=tuple(notes),
    )
    return SourceData(frame, meta)


def read_fred_csv(
    path: str | os.PathLike[str],
    *,
    series_id: str | None = None,
    vintage: date | None = None,
    units: str | None = None,
) -> SourceData:
    """Read a FRED CSV file; the file name gives the series id unless the header or
    ``series_id`` names it, and the units unless ``units`` does
    (:func:`~qtlab.sources._fred_units.fred_file_name`: ``WTREGEN_millions_<first>_<last>``
    is WTREGEN in millions; a ``_TRANSCRIBED`` file is noted as such). See
    :func:`parse_fred_csv` for the frame and the ``vintage`` fallback (last observation
    date)."""
    data, name = open_binary(path)
    head = data[:200].decode("utf-8-sig", errors="replace").splitlines()[:1]
    names_id = bool(head) and head[0].strip().lower().split(",")[-1].strip('"') != "value"
    stem = Path(path).stem
    named = fred_file_name(stem)
    from_name = named.series_id if named is not None else stem
    sid = series_id if (series_id is not None or names_id) else from_name
    units = units if units is not None or named is None else named.units
    out = parse_fred_csv(data, series_id=sid, file=name, vintage=vintage, units=units)
    if named is not None and named.transcribed:
        note = (
            "transcribed: the file's text was read from its source and written out again "
            "(checked for byte length and against official figures, data/raw/SOURCES.md), "
            "not byte-copied: a small risk of a copying error remains"
        )
        out = SourceData(out.data, replace(out.meta, notes=(*out.meta.notes, note)))
    return out


def _observations_frame(
    observations: object,
    *,
    series_id: str,
    file: str,
    units: str | None,
    vintage: date | None,
) -> _Built:
    if not isinstance(observations, list) or not all(isinstance(o, dict) for o in observations):
        raise ParseError(
            "expected a list of objects with keys 'realtime_start', 'realtime_end', 'date', "
            "'value'",
            file=file,
            field="observations",
        )
    cols = ["date", "value", "realtime_start"]
    df = pd.DataFrame.from_records(observations, columns=cols).astype("string")
    for key in cols:
        if df[key].isna().any():
            i = int(df[key].isna().to_numpy().argmax())
            where = {"value": df["date"].iloc[i]}
            raise ParseError(f"observation {i} has no {key!r}", file=file, field=key, **where)
    dates = date_column(df["date"], file=file, field="date")
    values = numeric_column(df["value"], file=file, field="value", allow_missing=True)
    vint = (
        pd.Series(pd.Timestamp(vintage), index=df.index)
        if vintage is not None
        else date_column(df["realtime_start"], file=file, field="realtime_start")
    )
    keep = values.notna()
    tidy = pd.DataFrame({"date": dates, "value": values, "vintage": vint})[keep]
    # Real-time windows clip a value's real-time period, so a value can come back once per
    # window: keep its first appearance (the earliest vintage) only.
    tidy = tidy.sort_values(["date", "vintage"], kind="stable")
    same = tidy["value"].eq(tidy.groupby("date")["value"].shift())
    repeats = int(same.sum())
    tidy = tidy[~same]
    frame, units_map, notes = _build(
        series_id, tidy["date"], tidy["value"], tidy["vintage"], units=units, file=file
    )
    if int((~keep).sum()):
        notes.append(f"{int((~keep).sum())} missing observations ('.') dropped")
    if repeats:
        notes.append(f"{repeats} repeated values of the same date in later vintages collapsed")
    return frame, units_map, notes


def parse_fred_json_observations(
    raw: bytes | str | IO[bytes] | IO[str],
    *,
    series_id: str,
    file: str = "<buffer>",
    units: str | None = None,
    vintage: date | None = None,
) -> SourceData:
    """Parse a FRED JSON API ``series/observations`` payload.

    Parameters
    ----------
    raw
        ``{"observations": [{"realtime_start", "realtime_end", "date", "value"}, ...]}``.
    series_id
        The FRED id requested.
    file
        Name (or URL) used in error messages and metadata.
    units
        FRED's units for the series (``units`` of ``fred/series``), as in
        :func:`parse_fred_csv`; None uses :data:`FRED_SERIES_SCALE`.
    vintage
        Overrides the per-row vintage. When None, each row's ``realtime_start`` is its
        vintage (for an ALFRED request the day the value was first valid, clipped to the
        requested real-time window; otherwise the day of the request).

    Returns
    -------
    SourceData
        Columns ``series_id, date, value, vintage`` in glossary units ([USD bn], [%]).
        Rows with value ``.`` are dropped; a value repeated for the same date in a later
        vintage is collapsed into its first vintage.
    """
    data, file = _to_bytes(raw, file)
    sid = _check_series_id(series_id)
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"not valid JSON ({exc})", file=file) from exc
    if not isinstance(payload, dict) or "observations" not in payload:
        raise ParseError(
            "expected a JSON object with key 'observations'", file=file, field="observations"
        )
    frame, units_map, notes = _observations_frame(
        payload["observations"], series_id=sid, file=file, units=units, vintage=vintage
    )
    vint = frame["vintage"].max().date() if len(frame) else vintage
    meta = SourceMeta(
        source="fred",
        dataset=f"fred.{sid}",
        official_id=sid,
        units=units_map,
        vintage=vint,
        file=file,
        sha256=sha256_bytes(data),
        notes=tuple(notes),
    )
    return SourceData(frame, meta)


# --------------------------------------------------------------------------- network


def get_fred(
    series_id: str,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    api_key: str | None = None,
    realtime_start: date | str | None = None,
    realtime_end: date | str | None = None,
    units: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch a FRED series (or its ALFRED vintages) in glossary units.

    Parameters
    ----------
    series_id
        FRED id (case-insensitive; returned upper case). Any FRED id is accepted.
    start, end
        First and last observation date (inclusive), or None for all.
    api_key
        FRED API key; defaults to the environment variable ``FRED_API_KEY``. Without a key
        the public fredgraph CSV is downloaded (no vintages, no metadata).
    realtime_start, realtime_end
        ALFRED real-time window (needs a key). Every value is kept with the day it became
        valid as its ``vintage``, so a revised date appears once per vintage. The request
        is split so that each covers at most :data:`MAX_VINTAGE_DATES` vintage dates.
        A missing bound defaults to FRED's earliest (1776-07-04) or latest (9999-12-31).
    units
        Units the values are published in, overriding FRED's metadata and the tables.
    client, timeout, retries, sleep
        Passed to :func:`~qtlab.sources._base.http_get` (tests inject a MockTransport).

    Returns
    -------
    SourceData
        Columns ``series_id, date, value, vintage`` in [USD bn] / [%] / index;
        ``vintage`` is the retrieval day (UTC) except for ALFRED requests.

    Raises
    ------
    SpecError
        Real-time arguments without an API key, or a malformed date argument.
    UnknownSeriesError
        FRED does not know the id (HTTP 400 "series does not exist" or 404).
    FetchError
        The service could not be reached (the API key never appears in the message).
    """
    sid = _check_series_id(series_id)
    obs_start, obs_end = as_date(start, "start"), as_date(end, "end")
    rt_start = as_date(realtime_start, "realtime_start")
    rt_end = as_date(realtime_end, "realtime_end")
    key = api_key or os.environ.get("FRED_API_KEY") or None
    realtime = rt_start is not None or rt_end is not None
    net = Net(sid, key, client, timeout, retries, sleep)
    retrieved = utcnow()
    if key is None:
        if realtime:
            raise SpecError(
                "realtime_start/realtime_end (ALFRED vintages) need a FRED API key: pass "
                "api_key= or set the environment variable FRED_API_KEY (free at "
                "https://fredaccount.stlouisfed.org/apikeys)"
            )
        return _get_csv(net, obs_start, obs_end, units, retrieved)

    base = {"series_id": sid, "api_key": key, "file_type": "json"}
    info = json_payload(fred_get(f"{FRED_API_URL}/series", base, net), "fred/series", "seriess")
    seriess = info["seriess"] if isinstance(info["seriess"], list) else []
    latest = seriess[-1] if seriess and isinstance(seriess[-1], dict) else {}
    published, title = latest.get("units"), latest.get("title")
    if units is None and not (realtime and sid in UNIT_DETECTION_THRESHOLDS):
        # ALFRED vintages of a series that changed units are detected per vintage instead.
        units = published if isinstance(published, str) and published else None

    windows: list[tuple[date, date] | None] = [None]
    notes: list[str] = [f"FRED title: {title}"] if title else []
    if realtime:
        lo, hi = rt_start or REALTIME_MIN, rt_end or REALTIME_MAX
        vdates = vintage_dates(base, lo, hi, net)
        windows = list(realtime_windows(vdates, lo, hi))
        notes.append(
            f"ALFRED real-time window {lo} to {hi}: {len(vdates)} vintage dates fetched in "
            f"{len(windows)} request(s) of at most {MAX_VINTAGE_DATES} vintage dates"
        )
    observations, raw = fetch_observations(base, windows, obs_start, obs_end, net)
    frame, units_map, more = _observations_frame(
        observations, series_id=sid, file="fred/series/observations", units=units, vintage=None
    )
    frame = cut_dates(frame, obs_start, obs_end)
    public = {k: v for k, v in base.items() if k != "api_key"}
    obs_url = f"{FRED_API_URL}/series/observations"
    meta = SourceMeta(
        source="fred",
        dataset=f"fred.{sid}",
        official_id=sid,
        units=units_map,
        vintage=frame["vintage"].max().date() if len(frame) else retrieved.date(),
        url=str(httpx.URL(obs_url, params=public)),
        retrieved_at=retrieved,
        sha256=sha256_bytes(raw),
        notes=(*notes, *more),
    )
    return SourceData(frame, meta)


def _get_csv(
    net: Net, lo: date | None, hi: date | None, units: str | None, retrieved: datetime
) -> SourceData:
    """The public fredgraph CSV download (no API key): the latest vintage only."""
    params: dict[str, Any] = {"id": net.series_id}
    if lo is not None:
        params["cosd"] = lo.isoformat()
    if hi is not None:
        params["coed"] = hi.isoformat()
    resp = fred_get(FREDGRAPH_CSV_URL, params, net)
    url = str(resp.url)
    out = parse_fred_csv(
        resp.content, series_id=net.series_id, file=url, vintage=retrieved.date(), units=units
    )
    notes = (*out.meta.notes, "vintage = retrieval day (UTC)")
    meta = replace(out.meta, url=url, retrieved_at=retrieved, file=None, notes=notes)
    return SourceData(cut_dates(out.data, lo, hi), meta)
