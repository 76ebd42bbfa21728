"""NY Fed SOMA: the weekly summary by type and the security-by-security holdings.

Endpoints of the NY Fed Markets Data API (no key needed):

- ``/api/soma/summary.json``: weekly par totals by type since 2003-07-09;
- ``/api/soma/tsy/get/asof/{YYYY-MM-DD}.{json|csv}``: Treasury holdings by CUSIP;
- ``/api/soma/agency/get/asof/{YYYY-MM-DD}.{json|csv}``: agency debt, MBS and CMBS by CUSIP;
- ``/api/soma/asofdates/list.json``: every as-of date with holdings.

All amounts are in dollars at the source and USD billions here, divided by 1e9
once (here and in the helper :mod:`qtlab.sources._soma`, which holds the
holdings column maps and row rules re-exported below). Holdings are published
weekly as of Wednesday (a Tuesday when the Wednesday is a holiday), released
the next day.

References
----------
Federal Reserve Bank of New York, Markets Data APIs,
https://markets.newyorkfed.org/static/docs/markets-api.html
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final, Literal

import httpx
import pandas as pd

from qtlab import schema
from qtlab.errors import DateRangeError, ParseError, SpecError, one_of
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    SourceData,
    SourceMeta,
    date_column,
    http_get,
    numeric_column,
    open_binary,
    sha256_bytes,
)
from qtlab.sources._soma import (
    DOLLARS_PER_BN,
    HOLDINGS_CSV_MAP,
    HOLDINGS_JSON_MAP,
    HOLDINGS_REQUIRED_CSV,
    HOLDINGS_REQUIRED_JSON,
    MBS_PROGRAM_MAP,
    SECURITY_TYPE_MAP,
    RawInput,
    csv_rows,
    holdings_frame,
    json_records,
    looks_like_json,
    raw_bytes,
    records_frame,
)

__all__ = [
    "ASOFDATES_URL",
    "HOLDINGS_CSV_MAP",
    "HOLDINGS_JSON_MAP",
    "HOLDINGS_URL",
    "KIND_SUMMARY_SERIES",
    "MBS_PROGRAM_MAP",
    "SECURITY_TYPE_MAP",
    "SUMMARY_KIND_MAP",
    "SUMMARY_URL",
    "SUMMARY_VARIABLE_MAP",
    "HoldingsFormat",
    "HoldingsGroup",
    "get_soma_asofdates",
    "get_soma_holdings",
    "get_soma_summary",
    "parse_soma_asofdates",
    "parse_soma_holdings_csv",
    "parse_soma_holdings_json",
    "parse_soma_summary",
    "read_soma_holdings",
    "read_soma_summary",
]

HoldingsGroup = Literal["treasury", "agency"]
HoldingsFormat = Literal["csv", "json"]

_API: Final = "https://markets.newyorkfed.org/api/soma"
SUMMARY_URL: Final = f"{_API}/summary.json"
ASOFDATES_URL: Final = f"{_API}/asofdates/list.json"
#: Format with ``group`` (``tsy`` or ``agency``), ``as_of`` (ISO day) and ``fmt``.
HOLDINGS_URL: Final = _API + "/{group}/get/asof/{as_of}.{fmt}"
_GROUP_PATH: Final[Mapping[str, str]] = {"treasury": "tsy", "agency": "agency"}

# --------------------------------------------------------------------------- summary

#: Summary JSON key -> qtlab series id (all [USD bn]).
SUMMARY_VARIABLE_MAP: Final[Mapping[str, str]] = {
    "bills": "soma.bills",
    "notesbonds": "soma.notes_bonds",
    "tips": "soma.tips",
    "tipsInflationCompensation": "soma.tips_inflation_comp",
    "frn": "soma.frn",
    "mbs": "soma.mbs",
    "cmbs": "soma.cmbs",
    "agencies": "soma.agency",
    "total": "soma.total",
}

#: Summary JSON key -> holding kind whose ``par`` it totals. TIPS inflation
#: compensation (``tipsInflationCompensation``) totals the ``inflation_comp`` of
#: the ``tips`` rows instead; ``total`` is the sum of these keys' values.
SUMMARY_KIND_MAP: Final[Mapping[str, str]] = {
    "bills": "bill",
    "notesbonds": "note_bond",
    "tips": "tips",
    "frn": "frn",
    "agencies": "agency",
    "mbs": "mbs",
    "cmbs": "cmbs",
}

#: Holding kind -> the summary series id its CUSIP ``par`` sums to.
KIND_SUMMARY_SERIES: Final[Mapping[str, str]] = {
    kind: SUMMARY_VARIABLE_MAP[key] for key, kind in SUMMARY_KIND_MAP.items()
}

#: Keys whose empty cells mean "none held": ``frn`` before the Fed first held
#: FRNs (2014-05-21) and ``agencies`` from 2003-12-24 to 2008-09-17. The
#: published ``total`` counts them as zero (it equals the sum of the parts).
_SUMMARY_EMPTY_IS_ZERO: Final = frozenset({"frn", "agencies"})


def parse_soma_summary(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse the NY Fed ``/api/soma/summary.json`` payload into a long series frame.

    Parameters
    ----------
    raw
        The JSON ``{"soma": {"summary": [{"asOfDate", "bills", ...}, ...]}}``;
        amounts are dollars stored as strings.
    file
        Name used in error messages.
    vintage
        Publication day to record; default: the last ``asOfDate`` in the file
        (the summary is released the day after its last as-of date).

    Returns
    -------
    SourceData
        Columns ``series_id, date, value, vintage``; ids ``soma.bills``,
        ``soma.notes_bonds``, ``soma.tips``, ``soma.tips_inflation_comp``,
        ``soma.frn``, ``soma.mbs``, ``soma.cmbs``, ``soma.agency``,
        ``soma.total``, all par values [USD bn]. ``soma.total`` does *not*
        include TIPS inflation compensation. Empty ``frn`` and ``agencies``
        cells (weeks when none were held) are read as 0; an empty cell in any
        other field is an error.
    """
    data, name = raw_bytes(raw, file)
    records = json_records(data, name, ("soma", "summary"))
    if not records:
        raise ParseError("no weekly records in the summary", file=name, field="soma.summary")
    df = records_frame(records, name, "soma.summary")
    keys = ["asOfDate", *SUMMARY_VARIABLE_MAP]
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise ParseError(
            f"missing key in the summary records; expected {one_of(keys)}, "
            f"found {one_of(df.columns)}",
            file=name,
            field=missing[0],
        )
    dates = date_column(df["asOfDate"], file=name, field="asOfDate")
    vint = pd.Timestamp(vintage) if vintage is not None else dates.max()
    parts = []
    for key, sid in SUMMARY_VARIABLE_MAP.items():
        zero_ok = key in _SUMMARY_EMPTY_IS_ZERO
        vals = numeric_column(
            df[key], file=name, field=key, allow_missing=zero_ok, missing_markers=("",)
        )
        parts.append(
            pd.DataFrame(
                {
                    "series_id": sid,
                    "date": dates,
                    "value": vals.fillna(0.0) / DOLLARS_PER_BN,
                    "vintage": vint,
                }
            )
        )
    frame = schema.validate_series(pd.concat(parts, ignore_index=True), file=name)
    meta = SourceMeta(
        source="nyfed",
        dataset="soma_summary",
        official_id="/api/soma/summary.json",
        units=dict.fromkeys(SUMMARY_VARIABLE_MAP.values(), schema.USD_BN),
        vintage=vint.date(),
        file=name,
        sha256=sha256_bytes(data),
        notes=(
            "dollars divided by 1e9 to USD bn",
            "empty frn/agencies cells (none held) read as 0",
            "soma.total excludes TIPS inflation compensation",
        ),
    )
    return SourceData(frame, meta, kind="series")


def read_soma_summary(path: str | Path, *, vintage: date | None = None) -> SourceData:
    """Read a saved ``summary.json`` file; see :func:`parse_soma_summary`."""
    data, name = open_binary(path)
    return parse_soma_summary(data, file=name, vintage=vintage)


def get_soma_summary(
    *,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch the weekly SOMA summary from :data:`SUMMARY_URL`; see :func:`parse_soma_summary`.

    The vintage is the last as-of date in the response (as when reading a
    file), so fetching the same data twice gives the same vintage.
    """
    resp = http_get(SUMMARY_URL, client=client, timeout=timeout, retries=retries, sleep=sleep)
    out = parse_soma_summary(resp.content, file=SUMMARY_URL)
    return _fetched(out, SUMMARY_URL)


# --------------------------------------------------------------------------- as-of dates


def parse_soma_asofdates(raw: RawInput, *, file: str = "<buffer>") -> SourceData:
    """Parse ``/api/soma/asofdates/list.json`` (``{"soma": {"asOfDates": [...]}}``).

    Returns
    -------
    SourceData
        ``kind="table"``, one column ``as_of`` (datetime64, ascending, unique):
        the days for which SOMA holdings are published.
    """
    data, name = raw_bytes(raw, file)
    items = json_records(data, name, ("soma", "asOfDates"))
    text = pd.Series(["" if v is None else str(v) for v in items], dtype="string")
    days = date_column(text, file=name, field="asOfDates")
    frame = pd.DataFrame({"as_of": days.drop_duplicates().sort_values().to_numpy()})
    meta = SourceMeta(
        source="nyfed",
        dataset="soma_asofdates",
        official_id="/api/soma/asofdates/list.json",
        units={},
        vintage=frame["as_of"].max().date() if len(frame) else None,
        file=name,
        sha256=sha256_bytes(data),
    )
    return SourceData(frame, meta, kind="table")


def get_soma_asofdates(
    *,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch the list of SOMA holdings as-of dates; see :func:`parse_soma_asofdates`."""
    resp = http_get(ASOFDATES_URL, client=client, timeout=timeout, retries=retries, sleep=sleep)
    return _fetched(parse_soma_asofdates(resp.content, file=ASOFDATES_URL), ASOFDATES_URL)


# --------------------------------------------------------------------------- holdings


def parse_soma_holdings_csv(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse a SOMA holdings CSV (website download or API CSV) into a holdings frame.

    Parameters
    ----------
    raw
        CSV with the 16 NY Fed columns (As Of Date, CUSIP, Security Type, ...,
        is Aggregated); amounts in dollars; CUSIPs may be wrapped in apostrophes
        (``'912796L80'``, as the NY Fed CSVs give them).
    file
        Name used in error messages.
    vintage
        Publication day to record in the meta; default: the as-of date.

    Returns
    -------
    SourceData
        ``kind="holdings"`` with :data:`qtlab.schema.HOLDINGS_COLUMNS`, one row per CUSIP:

        - ``par`` [USD bn]: "Par Value" for Treasury and agency debt, "Current
          Face Value" (remaining principal) for MBS and CMBS: the amount the
          weekly summary totals;
        - ``inflation_comp`` [USD bn]: TIPS inflation compensation, 0 otherwise;
        - ``coupon`` [%]: "Coupon (%)"; for MBS/CMBS, where that column is empty,
          the coupon in the description (``"FNMA MORTPASS 3% 07/43"`` -> 3.0);
          NaN for bills and FRNs;
        - ``spread`` [%]: the FRN spread;
        - ``pct_outstanding`` [%]: "Percent Outstanding" x 100 (the file gives a
          fraction of the issue outstanding);
        - ``maturity``: "Maturity Date"; for MBS/CMBS (empty in the files) the
          month of the description's trailing ``MM/YY`` as its first day
          (``07/43`` -> 2043-07-01, years 20YY), NaT if there is none;
        - ``program``: MBS/CMBS program from the first words of the description
          (:data:`MBS_PROGRAM_MAP`: ``umbs``, ``fnma``, ``fhlmc``, ``gnma1``,
          ``gnma2``, ``gnma`` for Ginnie Mae CMBS, ``other``), missing for
          Treasury and agency debt;
        - ``issuer``: agency debt issuer (FNMA, FHLMC, ...); ``term``: MBS term
          (``30yr``, ``15yr``, ``Other``); ``description`` as published;
        - ``is_aggregated``: "is Aggregated" == "Y" (the NY Fed sums small
          positions into such rows; they are real holdings).

    Raises
    ------
    ParseError
        For a missing column, a row with too few fields (truncated file), an
        unknown security type, a bad number or date, an empty amount, a
        duplicate CUSIP or more than one as-of date; the message names the
        file, the field and the value.
    """
    data, name = raw_bytes(raw, file)
    header, rows = csv_rows(data, name)
    df = pd.DataFrame(rows, columns=header, dtype="string")
    known = [h for h in header if h in HOLDINGS_CSV_MAP]
    required = list(HOLDINGS_REQUIRED_CSV)
    missing = [c for c in required if c not in header]
    if missing:
        unknown = [h for h in header if h not in HOLDINGS_CSV_MAP]
        raise ParseError(
            f"missing column; expected {one_of(required)}, found {one_of(header)}",
            file=name,
            field=missing[0],
            value=unknown[0] if unknown else None,
        )
    df = df.loc[:, known].rename(columns=HOLDINGS_CSV_MAP)
    labels = {i: c for c, i in HOLDINGS_CSV_MAP.items()}
    return holdings_frame(df, labels, data, name, vintage, "csv")


def parse_soma_holdings_json(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse the API JSON ``{"soma": {"holdings": [...]}}`` into a holdings frame.

    The form of ``/api/soma/tsy/get/asof/{date}.json`` and
    ``/api/soma/agency/get/asof/{date}.json``: the keys of :data:`HOLDINGS_JSON_MAP`,
    values as strings. Keys a security type does not use may be left out.
    Same output, rules and errors as :func:`parse_soma_holdings_csv`.
    """
    data, name = raw_bytes(raw, file)
    records = json_records(data, name, ("soma", "holdings"))
    df = records_frame(records, name, "soma.holdings")
    labels = {i: j for j, i in HOLDINGS_JSON_MAP.items()}
    missing = [labels[i] for i in HOLDINGS_REQUIRED_JSON if labels[i] not in df.columns]
    if records and missing:
        raise ParseError(
            f"missing key in the holdings records; expected at least "
            f"{one_of(labels[i] for i in HOLDINGS_REQUIRED_JSON)}, found {one_of(df.columns)}",
            file=name,
            field=missing[0],
        )
    df = df.loc[:, [c for c in df.columns if c in HOLDINGS_JSON_MAP]].rename(
        columns=HOLDINGS_JSON_MAP
    )
    for internal in labels:
        if internal not in df.columns:
            df[internal] = pd.Series("", index=df.index, dtype="string")
    return holdings_frame(df, labels, data, name, vintage, "json")


def read_soma_holdings(path: str | Path, *, vintage: date | None = None) -> SourceData:
    """Read a SOMA holdings file, CSV or API JSON (told apart by the first character).

    A file whose first non-blank character is ``{`` (or ``[``) is JSON, any
    other is CSV. See :func:`parse_soma_holdings_csv` for the frame returned.
    """
    data, name = open_binary(path)
    if looks_like_json(data):
        return parse_soma_holdings_json(data, file=name, vintage=vintage)
    return parse_soma_holdings_csv(data, file=name, vintage=vintage)


def get_soma_holdings(
    as_of: date | str,
    *,
    group: HoldingsGroup,
    fmt: HoldingsFormat = "json",
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch SOMA holdings by CUSIP as of one day; see :func:`parse_soma_holdings_csv`.

    Parameters
    ----------
    as_of
        The as-of day: a Wednesday (a Tuesday when the Wednesday is a holiday);
        :func:`get_soma_asofdates` lists them.
    group
        ``"treasury"`` (bills, notes and bonds, TIPS, FRNs: ``/api/soma/tsy/...``)
        or ``"agency"`` (agency debt, MBS, CMBS: ``/api/soma/agency/...``).
    fmt
        ``"json"`` or ``"csv"``: which API form to fetch; the frame is the same.

    Raises
    ------
    DateRangeError
        When the API has no holdings for ``as_of`` (it returns an empty list);
        the message suggests the nearest Wednesday.
    SpecError
        For an unknown ``group`` or ``fmt``.
    FetchError
        When the endpoint cannot be reached.
    """
    if group not in _GROUP_PATH:
        raise SpecError(f"unknown group {group!r}; valid groups are {one_of(_GROUP_PATH)}")
    if fmt not in ("csv", "json"):
        raise SpecError(f"unknown fmt {fmt!r}; valid formats are {one_of(('csv', 'json'))}")
    day = _as_date(as_of)
    url = HOLDINGS_URL.format(group=_GROUP_PATH[group], as_of=day.isoformat(), fmt=fmt)
    resp = http_get(url, client=client, timeout=timeout, retries=retries, sleep=sleep)
    if _no_holdings(resp.content, fmt):
        raise DateRangeError(_no_holdings_message(day, group))
    parse = parse_soma_holdings_json if fmt == "json" else parse_soma_holdings_csv
    return _fetched(parse(resp.content, file=url), url)


# --------------------------------------------------------------------------- internals


def _fetched(out: SourceData, url: str) -> SourceData:
    meta = replace(out.meta, url=url, retrieved_at=datetime.now(UTC), file=None)
    return replace(out, meta=meta)


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise SpecError(f"as_of {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _no_holdings(content: bytes, fmt: str) -> bool:
    """True if an API response holds no rows (what it returns for a day without data)."""
    if fmt == "json":
        try:
            return not json_records(content, "<response>", ("soma", "holdings"))
        except ParseError:
            return False  # not the expected shape: let the parser report it
    lines = [ln for ln in content.decode("utf-8-sig", errors="replace").splitlines() if ln.strip()]
    return len(lines) <= 1


def _nearest_wednesday(day: date) -> date:
    back = (day.weekday() - 2) % 7
    return day - timedelta(days=back) if back <= 3 else day + timedelta(days=7 - back)


def _no_holdings_message(day: date, group: str) -> str:
    msg = (
        f"no SOMA {group} holdings as of {day.isoformat()} ({day:%A}): SOMA holdings are "
        "published weekly as of Wednesdays (a Tuesday when the Wednesday is a holiday), "
        "the day after"
    )
    if day.weekday() == 2:
        before = day - timedelta(days=7)
        msg += (
            f"; {day.isoformat()} may not be published yet or be a holiday: try the Wednesday "
            f"before, {before.isoformat()}"
        )
    else:
        msg += f"; try the nearest Wednesday, {_nearest_wednesday(day).isoformat()}"
    return msg + ". get_soma_asofdates() lists the published dates."
