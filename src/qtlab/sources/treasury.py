"""US Treasury: the Monthly Statement of the Public Debt (MSPD).

Two official products are read here:

- **MSPD Table 1** (summary of Treasury securities outstanding by security
  class, month end), from the Fiscal Data API ``v1/debt/mspd/mspd_table_1`` as
  JSON or CSV, or the ``MSPD_SumSecty`` CSV download. It becomes series
  ``mspd.<class>.<holder>`` in USD billions (see :data:`MARKETABLE_CLASSES`,
  :data:`NONMARKETABLE_CLASSES`, :data:`TOTAL_TYPES` and :data:`HOLDERS`).
- **MSPD full statement** (the fixed-width ``opdm<MM><YYYY>.prn`` text file),
  whose Table III lists every marketable security by CUSIP and reopening. It
  becomes a table with one row per CUSIP; the file is parsed by
  :mod:`qtlab.sources._mspd_opdm`.

All amounts are converted once, here, from USD millions to USD billions.
TIPS amounts are inflation-adjusted principal (par plus inflation adjustment),
as Treasury reports them.

References
----------
Bureau of the Fiscal Service, *Monthly Statement of the Public Debt of the
United States*, https://fiscaldata.treasury.gov/datasets/monthly-statement-public-debt/
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

import httpx
import pandas as pd

from qtlab import schema
from qtlab.errors import DateRangeError, ParseError, SpecError, one_of
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
    sha256_bytes,
)
from qtlab.sources._mspd_opdm import (
    OPDM_COLUMNS,
    parse_opdm,
)

__all__ = [
    "HOLDERS",
    "MARKETABLE_CLASSES",
    "MSPD_DETAIL_URL",
    "MSPD_TABLE1_URL",
    "NONMARKETABLE_CLASSES",
    "OPDM_COLUMNS",
    "TOTAL_TYPES",
    "VARIABLE_MAP",
    "get_mspd_detail",
    "get_mspd_table1",
    "parse_mspd_detail",
    "parse_mspd_table1_csv",
    "parse_mspd_table1_json",
    "read_mspd_detail",
    "read_mspd_table1",
]

#: Fiscal Data API endpoint of MSPD Table 1.
MSPD_TABLE1_URL: Final = (
    "https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v1/debt/mspd/mspd_table_1"
)
#: TreasuryDirect URL of the full MSPD statement as fixed-width text.
MSPD_DETAIL_URL: Final = (
    "https://www.treasurydirect.gov/govt/reports/pd/mspd/{year}/opdm{month:02d}{year}.prn"
)
_MILLIONS_PER_BN: Final = 1000.0
_MAX_PAGE_SIZE: Final = 10000

#: Provider column -> glossary column, for the CSV download (labels) and the
#: API (field names). ``public``, ``intragov`` and ``total`` are in USD millions
#: at the source.
VARIABLE_MAP: Final[Mapping[str, str]] = {
    "Record Date": "date",
    "record_date": "date",
    "Security Type Description": "type",
    "security_type_desc": "type",
    "Security Class Description": "class",
    "security_class_desc": "class",
    "Debt Held by the Public (in Millions)": "public",
    "debt_held_public_mil_amt": "public",
    "Intragovernmental Holdings (in Millions)": "intragov",
    "intragov_hold_mil_amt": "intragov",
    "Total Public Debt Outstanding (in Millions)": "total",
    "total_mil_amt": "total",
}
#: Holder slugs of the series ids (``mspd.<class>.<holder>``).
HOLDERS: Final = ("public", "intragov", "total")

#: Marketable class descriptions -> class slug. TIPS were reported as two
#: classes (Inflation-Indexed Notes and Bonds) until 2004-05 and as one class
#: since 2004-06; both map to ``tips`` and the two early classes are summed.
MARKETABLE_CLASSES: Final[Mapping[str, str]] = {
    "Bills": "bills",
    "Notes": "notes",
    "Bonds": "bonds",
    "Treasury Inflation-Protected Securities": "tips",
    "Inflation-Indexed Notes": "tips",
    "Inflation-Indexed Bonds": "tips",
    "Floating Rate Notes": "frn",
    "Federal Financing Bank": "ffb",
}
#: Nonmarketable class descriptions -> slug; the series id is
#: ``mspd.nonmarketable_<slug>.<holder>``. A class Treasury adds later is kept
#: under ``schema.slug(description)``.
NONMARKETABLE_CLASSES: Final[Mapping[str, str]] = {
    "Government Account Series": "gas",
    "State and Local Government Series": "slgs",
    "United States Savings Securities": "savings",
    "Domestic Series": "domestic",
    "Foreign Series": "foreign",
    "R.E.A. Series": "rea",
    "Hope Bonds": "hope_bonds",
    "Depositary Compensation Securities": "depositary_compensation",
    "Other": "other",
}
#: Total rows (security type description) -> class slug. The grand total was
#: named "Total Treasury Securities Outstanding" in 2001-01 and 2001-02.
TOTAL_TYPES: Final[Mapping[str, str]] = {
    "Total Marketable": "marketable",
    "Total Nonmarketable": "nonmarketable",
    "Total Public Debt Outstanding": "total",
    "Total Treasury Securities Outstanding": "total",
}
#: Class slugs whose source classes are summed on a date (all other slugs must
#: come from exactly one source row per date).
_SUMMED: Final[Mapping[str, frozenset[str]]] = {
    "tips": frozenset({"Inflation-Indexed Notes", "Inflation-Indexed Bonds"}),
}
_TYPES: Final = ("Marketable", "Nonmarketable", *TOTAL_TYPES)
_API_LABELS: Final[Mapping[str, str]] = {v: k for k, v in VARIABLE_MAP.items() if k == k.lower()}
_OPDM_LABELS: Final[Mapping[str, str]] = {
    "date": "statement date",
    "type": "Table I line",
    "class": "Table I line",
    "public": "Debt Held By the Public",
    "intragov": "Intragovernmental Holdings",
    "total": "Totals",
}
_NOTES: Final = (
    "amounts converted from USD millions to USD billions",
    "TIPS amounts are inflation-adjusted principal",
)


# --------------------------------------------------------------------------- Table 1


def _class_slug(
    type_desc: str, class_desc: str, *, file: str, when: str, labels: Mapping[str, str]
) -> str:
    """The class slug of one Table 1 row, or a :class:`ParseError` naming the row."""
    if type_desc in TOTAL_TYPES:
        return TOTAL_TYPES[type_desc]
    if type_desc == "Marketable":
        if class_desc not in MARKETABLE_CLASSES:
            raise ParseError(
                f"unknown marketable security class on {when}; known classes are "
                f"{one_of(MARKETABLE_CLASSES)}. Treasury may have added a class: add it to "
                "qtlab.sources.treasury.MARKETABLE_CLASSES",
                file=file,
                field=labels["class"],
                value=class_desc,
            )
        return MARKETABLE_CLASSES[class_desc]
    if type_desc == "Nonmarketable":
        slug = NONMARKETABLE_CLASSES.get(class_desc, schema.slug(class_desc))
        if not slug:
            raise ParseError(
                f"nonmarketable row without a class description on {when}",
                file=file,
                field=labels["class"],
                value=class_desc,
            )
        return "nonmarketable_" + slug
    raise ParseError(
        f"unknown security type on {when}; valid types are {one_of(_TYPES)}",
        file=file,
        field=labels["type"],
        value=type_desc,
    )


def _table1_series(
    df: pd.DataFrame,
    *,
    file: str,
    vintage: date | None,
    labels: Mapping[str, str] = _API_LABELS,
) -> pd.DataFrame:
    """Glossary series from a Table 1 frame with columns date, type, class, public, ....

    ``labels`` gives the provider's name of each column, for error messages.
    """
    if df.empty:
        raise ParseError("no data rows", file=file)
    dates = date_column(df["date"], file=file, field=labels["date"])
    types = df["type"].fillna("").astype(str).str.strip()
    classes = df["class"].fillna("").astype(str).str.strip()
    slugs = [
        _class_slug(t, c, file=file, when=str(d.date()), labels=labels)
        for t, c, d in zip(types, classes, dates, strict=True)
    ]
    long = pd.DataFrame({"date": dates, "slug": slugs, "source_class": types + "/" + classes})
    for holder in HOLDERS:
        long[holder] = (
            numeric_column(df[holder], file=file, field=labels[holder]) / _MILLIONS_PER_BN
        )
    _check_unique_classes(long, file=file, field=labels["class"])
    summed = long.groupby(["date", "slug"], as_index=False)[list(HOLDERS)].sum()
    melted = summed.melt(id_vars=["date", "slug"], var_name="holder", value_name="value")
    melted["series_id"] = "mspd." + melted["slug"] + "." + melted["holder"]
    last = dates.max()
    melted["vintage"] = pd.Timestamp(vintage) if vintage is not None else last
    out = schema.validate_series(melted, file=file)
    return out.sort_values(["series_id", "date"], ignore_index=True)


def _check_unique_classes(long: pd.DataFrame, *, file: str, field: str) -> None:
    """Each slug comes from one source row per date, except the summed TIPS pair."""
    shared = long.duplicated(["date", "slug"], keep=False)
    for (when, slug), names in long[shared].groupby(["date", "slug"])["source_class"]:
        classes = {n.split("/", 1)[1] for n in names}
        allowed = _SUMMED.get(str(slug), frozenset())
        if len(classes) == len(names) and classes <= allowed:
            continue
        raise ParseError(
            f"{len(names)} rows map to class {slug!r} on {str(when)[:10]} "
            f"({one_of(sorted(names))}); each class may appear once per date"
            + (f" (only {one_of(sorted(allowed))} are summed)" if allowed else ""),
            file=file,
            field=field,
            value=sorted(names)[-1],
        )


def _rename(df: pd.DataFrame, *, file: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Map provider columns to glossary names; return the frame and {glossary: provider} names."""
    names = {str(c): str(c).strip() for c in df.columns}
    labels = {VARIABLE_MAP[n]: n for n in names.values() if n in VARIABLE_MAP}
    df = df.rename(columns={c: VARIABLE_MAP.get(n, n) for c, n in names.items()})
    needed = ("date", "type", "class", *HOLDERS)
    missing = [c for c in needed if c not in df.columns]
    if missing:
        label, field = (k for k, v in VARIABLE_MAP.items() if v == missing[0])
        raise ParseError(
            f"missing column {label!r} (API field {field!r}); found {one_of(names.values())}",
            file=file,
            field=label,
        )
    return df, labels


def _table1_meta(
    data: pd.DataFrame,
    *,
    raw: bytes,
    file: str | None,
    url: str | None = None,
    retrieved_at: datetime | None = None,
) -> SourceMeta:
    return series_meta(
        data,
        source="treasury",
        dataset="mspd_table1",
        official_id="v1/debt/mspd/mspd_table_1",
        units=schema.USD_BN,
        raw=raw,
        file=file,
        url=url,
        retrieved_at=retrieved_at,
        notes=_NOTES,
    )


def parse_mspd_table1_csv(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse an MSPD Table 1 CSV (the ``MSPD_SumSecty`` download or the API's ``format=csv``).

    Parameters
    ----------
    raw
        The CSV bytes, text or an open binary file. A UTF-8 BOM is accepted.
        Headers may be the download's labels (``Record Date`` ...) or the API's
        field names (``record_date`` ...), see :data:`VARIABLE_MAP`.
    file
        Name used in error messages.
    vintage
        Publication day of the data. When None, the last record date in the
        file is used (MSPD is published on the 4th business day after it, so
        this is a lower bound).

    Returns
    -------
    SourceData
        Series ``mspd.<class>.<holder>`` [USD bn], month-end dates, where
        ``<class>`` is ``bills``, ``notes``, ``bonds``, ``tips``
        (inflation-adjusted principal; the early "Inflation-Indexed Notes" and
        "Inflation-Indexed Bonds" are summed), ``frn``, ``ffb``, ``marketable``,
        ``nonmarketable``, ``total`` or ``nonmarketable_<slug>``
        (:data:`NONMARKETABLE_CLASSES`), and ``<holder>`` is ``public``,
        ``intragov`` or ``total``.

    Raises
    ------
    ParseError
        On a missing column, a non-numeric amount, an invalid date, an unknown
        security type or marketable class, or a class given twice on a date.
    """
    data_bytes, file = raw_bytes(raw, file)
    df = checked_csv(data_bytes, file=file, required=())
    df, labels = _rename(df, file=file)
    series = _table1_series(df, file=file, vintage=vintage, labels=labels)
    return SourceData(series, _table1_meta(series, raw=data_bytes, file=file))


def _json_rows(data_bytes: bytes, *, file: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    try:
        doc = json.loads(data_bytes.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"not valid JSON ({exc})", file=file) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise ParseError(
            "expected a Fiscal Data API response: an object with a 'data' list",
            file=file,
            field="data",
        )
    rows = doc["data"]
    bad = next((r for r in rows if not isinstance(r, dict)), None)
    if bad is not None:
        raise ParseError("each element of 'data' must be an object", file=file, value=bad)
    meta = doc.get("meta")
    return rows, meta if isinstance(meta, dict) else {}


def parse_mspd_table1_json(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse a Fiscal Data API JSON response of MSPD Table 1.

    The response is ``{"data": [{"record_date", "security_type_desc",
    "security_class_desc", "debt_held_public_mil_amt", "intragov_hold_mil_amt",
    "total_mil_amt", ...}], "meta": {...}, "links": {...}}``. Output, units and
    vintage fallback are those of :func:`parse_mspd_table1_csv`.
    """
    data_bytes, file = raw_bytes(raw, file)
    rows, _ = _json_rows(data_bytes, file=file)
    if not rows:
        raise ParseError("no data rows", file=file, field="data")
    df, labels = _rename(pd.DataFrame(rows), file=file)
    series = _table1_series(df, file=file, vintage=vintage, labels=labels)
    return SourceData(series, _table1_meta(series, raw=data_bytes, file=file))


def read_mspd_table1(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read an MSPD Table 1 file: ``.json`` (API response) or CSV (anything else)."""
    raw, name = open_binary(path)
    if name.lower().endswith(".json"):
        return parse_mspd_table1_json(raw, file=name, vintage=vintage)
    return parse_mspd_table1_csv(raw, file=name, vintage=vintage)


def _date_filter(start: date | None, end: date | None) -> str | None:
    if start is not None and end is not None and start > end:
        raise DateRangeError(f"start {start.isoformat()} is after end {end.isoformat()}")
    parts = []
    if start is not None:
        parts.append(f"record_date:gte:{start.isoformat()}")
    if end is not None:
        parts.append(f"record_date:lte:{end.isoformat()}")
    return ",".join(parts) or None


def get_mspd_table1(
    start: date | None = None,
    end: date | None = None,
    *,
    fmt: Literal["json", "csv"] = "json",
    page_size: int = _MAX_PAGE_SIZE,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch MSPD Table 1 from the Fiscal Data API, every page, between ``start`` and ``end``.

    Parameters
    ----------
    start, end
        Inclusive record-date bounds (``filter=record_date:gte:...,record_date:lte:...``);
        None for no bound.
    fmt
        ``json`` (pages followed through ``meta.total-pages``) or ``csv``
        (``format=csv``; pages are read until one has fewer than ``page_size`` rows).
    page_size
        Rows per request, at most 10000 (the API's limit).
    client, timeout, retries, sleep
        Passed to :func:`qtlab.sources._base.http_get`.

    Returns
    -------
    SourceData
        As :func:`parse_mspd_table1_csv`; the vintage is the retrieval day (UTC)
        and ``sha256`` is that of all pages' bytes concatenated.
    """
    if fmt not in ("json", "csv"):
        raise SpecError(f"unknown fmt {fmt!r}; valid formats are {one_of(('json', 'csv'))}")
    if not 1 <= page_size <= _MAX_PAGE_SIZE:
        raise SpecError(f"page_size must be between 1 and {_MAX_PAGE_SIZE}, got {page_size}")
    params: dict[str, Any] = {"sort": "record_date", "page[size]": page_size}
    flt = _date_filter(start, end)
    if flt is not None:
        params["filter"] = flt
    if fmt == "csv":
        params["format"] = "csv"
    retrieved_at = datetime.now(UTC)
    frames: list[pd.DataFrame] = []
    chunks: list[bytes] = []
    page, total_pages = 1, 1
    while page <= total_pages:
        resp = http_get(
            MSPD_TABLE1_URL,
            params={**params, "page[number]": page},
            client=client,
            timeout=timeout,
            retries=retries,
            sleep=sleep,
        )
        where = str(resp.request.url)
        chunks.append(resp.content)
        if fmt == "json":
            rows, page_meta = _json_rows(resp.content, file=where)
            frames.append(pd.DataFrame(rows))
            total_pages = _total_pages(page_meta, file=where)
        else:
            part = checked_csv(resp.content, file=where, required=())
            frames.append(part)
            total_pages = page + 1 if len(part) >= page_size else page
        page += 1
    if not any(len(f) for f in frames):
        raise ParseError(
            f"no data rows for record dates {flt or 'all'}; check the date range",
            file=MSPD_TABLE1_URL,
            field="filter",
        )
    df, labels = _rename(pd.concat(frames, ignore_index=True), file=MSPD_TABLE1_URL)
    series = _table1_series(df, file=MSPD_TABLE1_URL, vintage=retrieved_at.date(), labels=labels)
    meta = _table1_meta(
        series, raw=b"".join(chunks), file=None, url=MSPD_TABLE1_URL, retrieved_at=retrieved_at
    )
    return SourceData(series, meta)


def _total_pages(meta: Mapping[str, Any], *, file: str) -> int:
    value = meta.get("total-pages", 1)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ParseError(
            "not a page count", file=file, field="meta.total-pages", value=value
        ) from exc


# --------------------------------------------------------------------------- detail (opdm)


def parse_mspd_detail(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse the MSPD full statement (``opdm<MM><YYYY>.prn``): Table III by CUSIP.

    Parameters
    ----------
    raw
        The fixed-width text file as bytes (Windows-1252), text or a binary buffer.
    file
        Name used in error messages.
    vintage
        Publication day. When None, the statement date (``as_of``) is used.

    Returns
    -------
    SourceData
        ``kind="table"``, one row per marketable CUSIP, columns
        :data:`OPDM_COLUMNS`: ``as_of``; ``cusip``; ``security_class``
        (``bill``, ``note``, ``bond``, ``tips`` or ``frn``); ``rate`` [%] (the
        coupon of notes, bonds and TIPS, the auction discount yield of a bill's
        first issue, the spread of an FRN's first auction); ``issue_date`` (first
        issue); ``maturity``; ``issued`` [USD bn] (all reopenings summed);
        ``inflation_adj`` [USD bn] (TIPS); ``redeemed`` [USD bn] (a positive
        amount); ``outstanding`` [USD bn] (bills at maturity value; TIPS
        including the inflation adjustment), so
        ``outstanding = issued + inflation_adj - redeemed`` up to rounding.
        ``extra["table1"]`` holds Table I as ``mspd.<class>.<holder>`` series
        [USD bn]; ``extra["class_totals"]`` the Table III total lines
        (``line`` = ``unmatured``, ``matured`` or ``total``) [USD bn].
        Securities that have matured but are not yet redeemed are only in the
        total lines, not in the CUSIP rows.

    Raises
    ------
    ParseError
        If Table III is missing or truncated, a security line does not have the
        expected layout, a CUSIP appears twice, or the CUSIP rows do not add up
        to the statement's own class totals (tolerance: USD 0.5 mn per CUSIP).
    """
    data_bytes, file = raw_bytes(raw, file)
    parsed = parse_opdm(data_bytes, file=file)
    as_of = parsed.as_of
    units: dict[str, str] = {c: schema.USD_BN for c in ("issued", "inflation_adj")}
    units.update({"redeemed": schema.USD_BN, "outstanding": schema.USD_BN, "rate": schema.PERCENT})
    meta = SourceMeta(
        source="treasury",
        dataset="mspd_detail",
        official_id=f"opdm{as_of.month:02d}{as_of.year}.prn",
        units=units,
        vintage=vintage or as_of,
        file=file,
        as_of=as_of,
        sha256=sha256_bytes(data_bytes),
        notes=(*_NOTES, "'*' (less than USD 0.5 mn) read as 0"),
    )
    extra = {
        "table1": _table1_series(
            parsed.table1, file=file, vintage=vintage or as_of, labels=_OPDM_LABELS
        ),
        "class_totals": parsed.class_totals,
    }
    return SourceData(parsed.securities, meta, kind="table", extra=extra)


def read_mspd_detail(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read an ``opdm`` ``.prn`` file from disk; see :func:`parse_mspd_detail`."""
    raw, name = open_binary(path)
    return parse_mspd_detail(raw, file=name, vintage=vintage)


def get_mspd_detail(
    month: date,
    *,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch the full MSPD statement of ``month`` (any day in it) from TreasuryDirect.

    The vintage is the retrieval day (UTC). See :func:`parse_mspd_detail`.
    """
    url = MSPD_DETAIL_URL.format(year=month.year, month=month.month)
    retrieved_at = datetime.now(UTC)
    resp = http_get(url, client=client, timeout=timeout, retries=retries, sleep=sleep)
    out = parse_mspd_detail(resp.content, file=url, vintage=retrieved_at.date())
    meta = replace(out.meta, url=url, retrieved_at=retrieved_at, file=None)
    return SourceData(out.data, meta, kind=out.kind, extra=out.extra)
