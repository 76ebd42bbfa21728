"""FOMC Summary of Economic Projections (SEP): the federal funds rate projections.

Two ways in, one frame out (columns ``series_id, date, value, vintage``, values in [%]):

- FRED's SEP series, through :mod:`qtlab.sources.fred`: :func:`get_sep` (live),
  :func:`read_sep_fred_csv` / :func:`parse_sep_fred_csv` (a FRED download). FRED dates each
  projection year ``YYYY-01-01`` (the value is the rate at the end of ``YYYY``); the latest
  FRED view holds only the latest SEP, ALFRED (``realtime_start``, needs an API key) every one.
- SEP tables entered by hand in a small YAML format: :func:`parse_sep_yaml`,
  :func:`read_sep_yaml`, and the packaged presets :func:`load_sep_preset`.

Series ids are FRED's: ``FEDTAR`` + statistic (``MD`` median, ``CTL``/``CTH`` central
tendency low/high, ``RL``/``RH`` range low/high) + ``LR`` for the longer run, e.g.
``FEDTARMD``, ``FEDTARMDLR``, ``FEDTARCTL``, ``FEDTARRHLR`` (all published on FRED; only
the medians are in the glossary, :data:`qtlab.schema.SERIES`). Year rows are dated
``YYYY-01-01`` like FRED's; longer-run rows are dated at the SEP (meeting) date.

The YAML format (one SEP, one variable)::

    meeting: 2022-03-16        # the day the SEP was released (second day of the meeting)
    source: "FOMC, Summary of Economic Projections, March 16, 2022, https://..."
    variable: federal_funds_rate
    units: percent             # optional; only percent
    statistic: median          # median | central_tendency_low | central_tendency_high
                               # | range_low | range_high
    values: {2022: 1.9, 2023: 2.8, 2024: 2.8, longer_run: 2.4}

or, for several statistics, ``statistics: {median: {...}, central_tendency_low: {...}}``
in place of ``statistic`` and ``values``. Years are integers 1990-2100 not before the
meeting year, or ``longer_run``; values are numbers from 0 to 25. The vintage of every row
is the meeting date.
"""

from __future__ import annotations

import importlib.resources
import itertools
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import IO, Any, Final

import httpx
import pandas as pd
import yaml

from qtlab import schema
from qtlab.errors import ParseError, SpecError, one_of
from qtlab.sources import fred
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    SourceData,
    SourceMeta,
    open_binary,
    sha256_bytes,
    source_name,
    utcnow,
)

__all__ = [
    "SEP_PRESETS",
    "SEP_SERIES_IDS",
    "SEP_STATISTICS",
    "SEP_VARIABLES",
    "get_sep",
    "load_sep_preset",
    "parse_sep_fred_csv",
    "parse_sep_yaml",
    "read_sep_fred_csv",
    "read_sep_yaml",
    "sep_presets",
    "sep_series_id",
]

#: SEP variable (YAML ``variable``) -> FRED id stem.
SEP_VARIABLES: Final[Mapping[str, str]] = {"federal_funds_rate": "FEDTAR"}
#: SEP statistic (YAML ``statistic``) -> FRED id suffix.
SEP_STATISTICS: Final[Mapping[str, str]] = {
    "median": "MD",
    "central_tendency_low": "CTL",
    "central_tendency_high": "CTH",
    "range_low": "RL",
    "range_high": "RH",
}
#: Every SEP series id this module produces (FRED's own ids).
SEP_SERIES_IDS: Final[tuple[str, ...]] = tuple(
    stem + suffix + lr
    for stem in SEP_VARIABLES.values()
    for suffix in SEP_STATISTICS.values()
    for lr in ("", "LR")
)
#: Packaged SEP tables: preset name -> file in ``qtlab.sources.data`` (each cites its source).
SEP_PRESETS: Final[Mapping[str, str]] = {"2022-03": "sep_2022-03-16.yaml"}

_LONGER_RUN = "longer_run"
_FIELDS = ("meeting", "source", "variable", "units", "statistic", "values", "statistics")
#: Order the statistics must respect for one year, lowest first.
_ORDER = ("range_low", "central_tendency_low", "median", "central_tendency_high", "range_high")
_VALUE_RANGE = (0.0, 25.0)
_YEAR_RANGE = (1990, 2100)


def sep_series_id(
    statistic: str = "median", *, longer_run: bool = False, variable: str = "federal_funds_rate"
) -> str:
    """FRED's id of a SEP series, e.g. ``sep_series_id("range_high", longer_run=True)`` is
    ``FEDTARRHLR``. Raises :class:`SpecError` for an unknown statistic or variable."""
    if variable not in SEP_VARIABLES:
        raise SpecError(f"unknown SEP variable {variable!r}; valid: {one_of(SEP_VARIABLES)}")
    if statistic not in SEP_STATISTICS:
        raise SpecError(f"unknown SEP statistic {statistic!r}; valid: {one_of(SEP_STATISTICS)}")
    return SEP_VARIABLES[variable] + SEP_STATISTICS[statistic] + ("LR" if longer_run else "")


def _check_sep_id(series_id: str) -> str:
    if series_id not in SEP_SERIES_IDS:
        raise SpecError(
            f"series_id={series_id!r} is not a SEP series; valid ids are {one_of(SEP_SERIES_IDS)}"
        )
    return series_id


def _relabel(out: SourceData, series_id: str, notes: tuple[str, ...]) -> SourceData:
    meta = replace(out.meta, source="fomc", dataset=f"sep.{series_id}", notes=notes)
    return SourceData(out.data, meta, extra={"variable": "federal_funds_rate"})


# ----------------------------------------------------------------------------- FRED


def parse_sep_fred_csv(
    raw: bytes | str | IO[bytes] | IO[str],
    *,
    series_id: str = "FEDTARMD",
    file: str = "<buffer>",
    vintage: date | None = None,
) -> SourceData:
    """Parse a FRED download of a SEP series (header ``Date,Value`` or FRED's own forms).

    Parameters
    ----------
    raw
        The CSV, e.g. ``sep/fred_FEDTARMD_fetched_2026-03-24.csv``.
    series_id
        One of :data:`SEP_SERIES_IDS`.
    file
        Name used in messages; also searched for the fetch date.
    vintage
        The SEP (meeting) date if known. When None: the date after ``fetched_`` in the file
        name (``fetched_YYYY-MM-DD``) if there is one, else today (UTC). Both are no earlier
        than the real release, so an as-of view never sees the projection too early.

    Returns
    -------
    SourceData
        Columns ``series_id, date, value, vintage``; ``date`` is ``YYYY-01-01`` for the
        projection of the end of ``YYYY``; ``value`` [%].
    """
    sid = _check_sep_id(series_id)
    name = file if isinstance(raw, (bytes, str)) else source_name(raw, file)
    if vintage is not None:
        vint, note = vintage, f"vintage = {vintage} (given by the caller)"
    elif (m := re.search(r"fetched_(\d{4}-\d{2}-\d{2})", name)) is not None:
        vint = date.fromisoformat(m.group(1))
        note = f"vintage = fetch date {vint} from the file name (the SEP date is not known)"
    else:
        vint = utcnow().date()
        note = "vintage = today (UTC): neither the SEP date nor the fetch date is known"
    out = fred.parse_fred_csv(raw, series_id=sid, file=name, vintage=vint)
    notes = (*(n for n in out.meta.notes if not n.startswith("vintage =")), note)
    return _relabel(out, sid, notes)


def read_sep_fred_csv(
    path: str | os.PathLike[str], *, series_id: str = "FEDTARMD", vintage: date | None = None
) -> SourceData:
    """Read a FRED download of a SEP series; see :func:`parse_sep_fred_csv` (the vintage
    falls back to the ``fetched_YYYY-MM-DD`` date in the file name)."""
    data, name = open_binary(path)
    return parse_sep_fred_csv(data, series_id=series_id, file=name, vintage=vintage)


def get_sep(
    series_id: str = "FEDTARMD",
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    api_key: str | None = None,
    realtime_start: date | str | None = None,
    realtime_end: date | str | None = None,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch a SEP series from FRED with :func:`qtlab.sources.fred.get_fred`.

    Without ``realtime_start``/``realtime_end`` FRED shows the latest SEP only and the
    vintage is the retrieval day; with them (ALFRED, needs ``FRED_API_KEY``) every SEP comes
    with its own vintage, the day FRED published it. Arguments are those of ``get_fred``.

    Returns
    -------
    SourceData
        Columns ``series_id, date, value, vintage``; ``value`` [%], ``date`` ``YYYY-01-01``.
    """
    sid = _check_sep_id(series_id)
    out = fred.get_fred(
        sid,
        start=start,
        end=end,
        api_key=api_key,
        realtime_start=realtime_start,
        realtime_end=realtime_end,
        units="Percent",
        client=client,
        timeout=timeout,
        retries=retries,
        sleep=sleep,
    )
    return _relabel(out, sid, out.meta.notes)


# ----------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """Safe loader that leaves dates as text, so a bad date is reported with its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _meeting(value: object, file: str) -> date:
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ParseError(
            "not a real date; expected the SEP release day as YYYY-MM-DD (e.g. 2022-03-16)",
            file=file,
            field="meeting",
            value=value,
        ) from None
    if not _YEAR_RANGE[0] <= day.year <= _YEAR_RANGE[1]:
        raise ParseError(
            f"the meeting year must be within {_YEAR_RANGE[0]}-{_YEAR_RANGE[1]}",
            file=file,
            field="meeting",
            value=value,
        )
    return day


def _year(key: object, meeting: date, file: str, field: str) -> int | None:
    """The projection year of a ``values`` key; None for ``longer_run``."""
    if key == _LONGER_RUN:
        return None
    year = key if isinstance(key, int) and not isinstance(key, bool) else None
    if isinstance(key, str) and key.strip().isdigit():
        year = int(key)
    if year is None or not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        raise ParseError(
            f"not a projection year; expected an integer year {_YEAR_RANGE[0]}-{_YEAR_RANGE[1]} "
            f"or {_LONGER_RUN!r}",
            file=file,
            field=field,
            value=key,
        )
    if year < meeting.year:
        raise ParseError(
            f"a projection year before the meeting year {meeting.year}",
            file=file,
            field=field,
            value=key,
        )
    return year


def _number(value: object, file: str, field: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise ParseError(
            "not a number; expected a rate in percent such as 2.8",
            file=file,
            field=field,
            value=value,
        )
    number = float(value)  # type: ignore[arg-type]
    if not _VALUE_RANGE[0] <= number <= _VALUE_RANGE[1]:
        raise ParseError(
            f"out of range; a federal funds rate projection is {_VALUE_RANGE[0]:g} to "
            f"{_VALUE_RANGE[1]:g} percent",
            file=file,
            field=field,
            value=value,
        )
    return number


def _statistics(doc: Mapping[str, Any], file: str) -> dict[str, Any]:
    """``{statistic: values}`` from either ``statistic`` + ``values`` or ``statistics``."""
    if "statistics" in doc:
        extra = [k for k in ("statistic", "values") if k in doc]
        if extra:
            raise ParseError(
                "give either 'statistic' and 'values' or 'statistics', not both",
                file=file,
                field=extra[0],
            )
        stats = doc["statistics"]
        if not isinstance(stats, dict) or not stats:
            raise ParseError(
                "expected a mapping statistic -> {year: value}",
                file=file,
                field="statistics",
                value=stats,
            )
        return {str(k): v for k, v in stats.items()}
    for key in ("statistic", "values"):
        if key not in doc:
            raise ParseError(
                "missing field; give 'statistic' and 'values' (or 'statistics')",
                file=file,
                field=key,
            )
    return {str(doc["statistic"]): doc["values"]}


def parse_sep_yaml(raw: bytes | str | IO[bytes] | IO[str], *, file: str = "<buffer>") -> SourceData:
    """Parse a SEP table entered by hand (the YAML format of the module docstring).

    Returns
    -------
    SourceData
        Columns ``series_id, date, value, vintage``: one row per statistic and projection
        year, ``series_id`` FRED's id (``FEDTARMD``, ``FEDTARCTL`` ...), ``date``
        ``YYYY-01-01`` (end of ``YYYY``) or the meeting date for the longer run, ``value``
        [%], ``vintage`` the meeting date. ``extra`` holds ``meeting``, ``source``,
        ``variable`` and ``statistics``.

    Raises
    ------
    ParseError
        Any malformed field, naming the file, the field (``values.2022``) and the value.
    """
    if not isinstance(raw, (bytes, str)):
        file = source_name(raw, file)
        raw = raw.read()
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    try:
        doc = yaml.load(data.decode("utf-8-sig"), Loader=_Loader)  # a SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParseError(f"not valid YAML ({exc})", file=file) from exc
    if not isinstance(doc, dict):
        raise ParseError("expected a YAML mapping of fields", file=file, field="<document>")
    unknown = [str(k) for k in doc if k not in _FIELDS]
    if unknown:
        raise ParseError(
            f"unknown field; valid fields are {one_of(_FIELDS)}", file=file, field=unknown[0]
        )
    for key in ("meeting", "source", "variable"):
        if key not in doc:
            raise ParseError(
                f"missing field; required: {one_of(_FIELDS[:3])}", file=file, field=key
            )
    meeting = _meeting(doc["meeting"], file)
    source = doc["source"]
    if not isinstance(source, str) or not source.strip():
        raise ParseError("expected a citation (text)", file=file, field="source", value=source)
    variable = doc["variable"]
    if variable not in SEP_VARIABLES:
        raise ParseError(
            f"unknown variable; valid: {one_of(SEP_VARIABLES)}",
            file=file,
            field="variable",
            value=variable,
        )
    units = doc.get("units", schema.PERCENT)
    if units != schema.PERCENT:
        raise ParseError("only 'percent' is valid", file=file, field="units", value=units)

    rows: list[tuple[str, pd.Timestamp, float]] = []
    table: dict[tuple[int | None, str], float] = {}
    for stat, values in _statistics(doc, file).items():
        field = "statistic" if "statistic" in doc else f"statistics.{stat}"
        if stat not in SEP_STATISTICS:
            raise ParseError(
                f"unknown statistic; valid: {one_of(SEP_STATISTICS)}",
                file=file,
                field=field,
                value=stat,
            )
        vfield = "values" if "statistic" in doc else f"statistics.{stat}"
        if not isinstance(values, dict) or not values:
            raise ParseError(
                "expected a mapping year -> value, e.g. {2022: 1.9, longer_run: 2.4}",
                file=file,
                field=vfield,
                value=values,
            )
        for key, value in values.items():
            year = _year(key, meeting, file, f"{vfield}.{key}")
            number = _number(value, file, f"{vfield}.{key}")
            sid = sep_series_id(stat, longer_run=year is None, variable=variable)
            day = pd.Timestamp(meeting) if year is None else pd.Timestamp(year, 1, 1)
            rows.append((sid, day, number))
            table[(year, stat)] = number
    _check_order(table, file)

    frame = pd.DataFrame(rows, columns=["series_id", "date", "value"])
    frame["vintage"] = pd.Timestamp(meeting)
    frame = schema.validate_series(frame.sort_values(["series_id", "date"]), file=file)
    stats = tuple(dict.fromkeys(_statistics(doc, file)))
    meta = SourceMeta(
        source="fomc",
        dataset="sep",
        official_id=f"FOMC SEP {meeting.isoformat()}",
        units={sid: schema.PERCENT for sid in frame["series_id"].unique()},
        vintage=meeting,
        file=file,
        sha256=sha256_bytes(data),
        notes=(
            f"entered by hand from: {source.strip()}",
            "date YYYY-01-01 = end of YYYY (FRED's convention); longer run dated at the SEP",
        ),
    )
    extra = {
        "meeting": meeting,
        "source": source.strip(),
        "variable": variable,
        "statistics": stats,
    }
    return SourceData(frame, meta, extra=extra)


def _check_order(table: Mapping[tuple[int | None, str], float], file: str) -> None:
    """range_low <= central_tendency_low <= median <= central_tendency_high <= range_high."""
    for year in {y for y, _ in table}:
        present = [(s, table[(year, s)]) for s in _ORDER if (year, s) in table]
        for (lo_stat, lo), (hi_stat, hi) in itertools.pairwise(present):
            if lo > hi:
                label = _LONGER_RUN if year is None else str(year)
                raise ParseError(
                    f"{lo_stat} {lo:g} is above {hi_stat} {hi:g}; expected " + " <= ".join(_ORDER),
                    file=file,
                    field=f"{label}",
                    value=lo,
                )


def read_sep_yaml(path: str | os.PathLike[str]) -> SourceData:
    """Read a SEP YAML file; see :func:`parse_sep_yaml`."""
    data, name = open_binary(path)
    return parse_sep_yaml(data, file=name)


def sep_presets() -> list[str]:
    """Names of the packaged SEP tables, e.g. ``['2022-03']``."""
    return sorted(SEP_PRESETS)


def load_sep_preset(name: str = "2022-03") -> SourceData:
    """Load a packaged SEP table (``YYYY-MM`` of the meeting); see :func:`parse_sep_yaml`.

    ``2022-03``: the March 16, 2022 SEP medians for the federal funds rate [%]: end-2022
    1.9, end-2023 2.8, end-2024 2.8, longer run 2.4 (FOMC, Summary of Economic
    Projections, Table 1, https://www.federalreserve.gov/monetarypolicy/fomcprojtabl20220316.htm).

    Raises
    ------
    SpecError
        An unknown name; the message lists the valid ones.
    """
    if name not in SEP_PRESETS:
        raise SpecError(
            f"unknown SEP preset {name!r}; valid presets are {one_of(sep_presets())} "
            "(or read your own table with read_sep_yaml)"
        )
    resource = importlib.resources.files("qtlab.sources.data").joinpath(SEP_PRESETS[name])
    return parse_sep_yaml(resource.read_bytes(), file=f"qtlab/sources/data/{SEP_PRESETS[name]}")
