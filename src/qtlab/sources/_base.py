"""Shared plumbing of the provider modules: result type, HTTP with retries, checked parsing.

The HTTP layer follows httpx's design: a top-level ``get_*`` function builds a
request and hands it to an :class:`httpx.Client`; the client's transport is the
only I/O point, so tests pass ``client=httpx.Client(transport=httpx.MockTransport(...))``
and serve the real files from data/raw.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, Final

import httpx
import numpy as np
import pandas as pd
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from qtlab.errors import FetchError, ParseError, one_of

__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_CSV_FIELDS",
    "USER_AGENT",
    "RawInput",
    "SourceData",
    "SourceMeta",
    "checked_csv",
    "date_column",
    "http_get",
    "numeric_column",
    "open_binary",
    "raw_bytes",
    "redact_url",
    "series_meta",
    "sha256_bytes",
    "source_name",
    "utcnow",
]

#: Seconds before a request is abandoned (connect, read, write, pool).
DEFAULT_TIMEOUT: float = 30.0
#: Attempts in all (the first try plus retries) on timeouts, transport errors, 429 and 5xx.
DEFAULT_RETRIES: int = 4
USER_AGENT = "qtlab (https://pypi.org/project/qtlab/)"


@dataclass(frozen=True)
class SourceMeta:
    """Where a piece of data came from and what it means.

    Attributes
    ----------
    source
        Provider module name: ``fred``, ``nyfed``, ``treasury``, ``cbo``, ``freddie``, ``fomc``,
        ``frb``.
    dataset
        qtlab's name for the dataset (e.g. ``soma_summary``, ``fred.WALCL``).
    official_id
        The provider's own id: a FRED series id, an API path, a file name.
    units
        Glossary units per series id (or per column for tables), after conversion.
    vintage
        The day the data were published, or fetched when that is all we know.
    url
        The URL fetched, if any.
    retrieved_at
        When it was fetched (UTC), if fetched.
    file
        The file read, if read from disk.
    as_of
        The as-of date of a snapshot-like dataset (holdings), if any.
    sha256
        Checksum of the raw bytes parsed.
    notes
        Anything a user should know (unit conversions made, rows dropped ...).
    """

    source: str
    dataset: str
    official_id: str
    units: Mapping[str, str]
    vintage: date | None = None
    url: str | None = None
    retrieved_at: datetime | None = None
    file: str | None = None
    as_of: date | None = None
    sha256: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceData:
    """A loaded dataset: a tidy frame in glossary units plus its :class:`SourceMeta`.

    ``kind`` says which tidy shape ``data`` has: ``series`` (columns
    ``series_id, date, value, vintage``), ``holdings`` (:data:`qtlab.schema.HOLDINGS_COLUMNS`)
    or ``table`` (documented by the loader).
    """

    data: pd.DataFrame
    meta: SourceMeta
    kind: str = "series"
    extra: Mapping[str, Any] = field(default_factory=dict)


def series_meta(
    data: pd.DataFrame,
    *,
    source: str,
    dataset: str,
    official_id: str,
    units: str,
    raw: bytes,
    file: str | None,
    url: str | None = None,
    retrieved_at: datetime | None = None,
    notes: Iterable[str] = (),
) -> SourceMeta:
    """The :class:`SourceMeta` of a parsed series frame whose series all share ``units``.

    ``units`` maps every series id of ``data`` (sorted); the vintage is the
    latest in ``data``; ``sha256`` is that of ``raw``, the bytes parsed.
    """
    return SourceMeta(
        source=source,
        dataset=dataset,
        official_id=official_id,
        units=dict.fromkeys(sorted(data["series_id"].unique()), units),
        vintage=pd.Timestamp(data["vintage"].max()).date(),
        url=url,
        retrieved_at=retrieved_at,
        file=file,
        sha256=sha256_bytes(raw),
        notes=tuple(notes),
    )


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def source_name(buf: object, default: str = "<buffer>") -> str:
    """A readable name for ``buf`` (its ``name`` attribute if it has one) for error messages."""
    name = getattr(buf, "name", None)
    return str(name) if isinstance(name, (str, os.PathLike)) else default


#: What every ``parse_*`` accepts: bytes, text, or an open binary file.
RawInput = bytes | str | IO[bytes]


def raw_bytes(raw: RawInput, file: str) -> tuple[bytes, str]:
    """The bytes of ``raw`` and the name to use for it in error messages."""
    if isinstance(raw, bytes):
        return raw, file
    if isinstance(raw, str):
        return raw.encode("utf-8"), file
    return raw.read(), source_name(raw, file)


def open_binary(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """Read a whole file; return its bytes and its name for messages."""
    p = Path(path)
    try:
        return p.read_bytes(), str(p)
    except FileNotFoundError as exc:
        raise ParseError("file not found", file=str(p)) from exc
    except IsADirectoryError as exc:
        raise ParseError("cannot read the file (a directory, not a file)", file=str(p)) from exc


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        return code == 429 or code >= 500
    return isinstance(exc, (httpx.TimeoutException, httpx.TransportError))


def http_get(
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 1.0,
    sleep: Callable[[float], None] | None = None,
) -> httpx.Response:
    """GET ``url`` with a timeout and exponential-backoff retries; return the response.

    Retries timeouts, transport errors, HTTP 429 and 5xx up to ``retries``
    attempts in all, waiting ``backoff * 2**n`` seconds (capped at 30). A 4xx
    other than 429 fails at once. ``client`` is injectable (tests pass one with
    an :class:`httpx.MockTransport`); ``sleep`` replaces the wait (tests pass a no-op).

    Raises
    ------
    FetchError
        When every attempt failed, naming the URL and the last error.
    """
    own = client is None
    cl = client or httpx.Client(
        timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True
    )

    kwargs: dict[str, Any] = {}
    if sleep is not None:
        kwargs["sleep"] = sleep
    retrying = Retrying(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(max(1, retries)),
        wait=wait_exponential(multiplier=backoff, max=30),
        reraise=True,
        **kwargs,
    )

    def _once() -> httpx.Response:
        resp = cl.get(url, params=params, timeout=timeout)
        resp.raise_for_status()
        return resp

    # name the whole request (e.g. FRED's ``?id=WALCL``) in errors, secrets redacted
    where = redact_url(str(httpx.URL(url, params=params)) if params else url)
    try:
        return retrying(_once)
    except httpx.HTTPStatusError as exc:
        code = exc.response.status_code
        raise FetchError(
            f"HTTP {code} from the server", url=redact_url(str(exc.request.url))
        ) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"timed out after {timeout:g} s ({retries} attempts); check the network "
            "or raise the timeout",
            url=where,
        ) from exc
    except httpx.TransportError as exc:
        raise FetchError(
            f"could not connect ({exc.__class__.__name__}: {exc}); are you offline? "
            "The embedded snapshot still works without a network",
            url=where,
        ) from exc
    finally:
        if own:
            cl.close()


_SECRET_PARAMS = ("api_key", "apikey", "token")


def redact_url(url: str) -> str:
    """``url`` with the values of secret query parameters (API keys) replaced by ``***``."""
    u = httpx.URL(url)
    if not any(k in u.params for k in _SECRET_PARAMS):
        return url
    params = [(k, "***" if k in _SECRET_PARAMS else v) for k, v in u.params.multi_items()]
    return str(u.copy_with(params=params))


def utcnow() -> datetime:
    return datetime.now(UTC)


def checked_csv(
    raw: bytes | str,
    *,
    file: str,
    required: Iterable[str],
    dtype: Any = str,
    line_index: bool = False,
    allow_short_rows: bool = True,
    **read_csv_kwargs: Any,
) -> pd.DataFrame:
    """Parse CSV text, refuse rows longer than the header, check the ``required`` columns.

    Strips a UTF-8 BOM and surrounding white space from column names. Every
    column is read as text (``dtype=str``) unless told otherwise, so numbers are
    converted, and checked, by :func:`numeric_column`.

    A data row with more fields than the header is an error naming the file,
    the line and both field counts. (Left alone, pandas would silently turn the
    first column into the index when the first data rows are one field too
    long, shifting every value one column left: ``a,b`` / ``1,2,3`` would read
    as ``a=2, b=3``.) Shorter rows are kept, their missing cells empty and
    caught by :func:`numeric_column` / :func:`date_column`, unless
    ``allow_short_rows=False``: then they are errors too (a truncated file).

    With ``line_index=True`` the frame's index is the line of each row in the file
    (named ``line``; a quoted field spanning lines counts from its first line), blank
    lines are left out, and :func:`numeric_column` / :func:`date_column` then say
    "line N" in their errors. Otherwise the index is ``0..n-1``.
    """
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r}); save the "
            "file as UTF-8",
            file=file,
        ) from exc
    if not text.strip():
        raise ParseError("the file is empty", file=file)
    delimiter = str(read_csv_kwargs.get("sep", ","))
    lines, blank = _check_field_counts(
        text, file=file, delimiter=delimiter, allow_short_rows=allow_short_rows
    )
    if line_index:
        # one frame row per CSV record, blank ones included, to pair rows with lines
        read_csv_kwargs = {**read_csv_kwargs, "skip_blank_lines": False}
    try:
        df: pd.DataFrame = pd.read_csv(
            io.StringIO(text), dtype=dtype, keep_default_na=False, **read_csv_kwargs
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ParseError(f"not a readable CSV ({exc})", file=file) from exc
    df.columns = [str(c).strip() for c in df.columns]
    required = list(required)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ParseError(
            f"missing column; expected {one_of(required)}, found {one_of(df.columns)}",
            file=file,
            field=missing[0],
        )
    if line_index:
        if len(df) != len(lines):
            raise ParseError(
                f"not a readable CSV ({len(df)} rows read from {len(lines)} records)", file=file
            )
        df.index = pd.Index(lines, name="line")
        df = df.loc[[not b for b in blank]]
    return df


#: Fields a CSV header may have (the widest official file has 16): more is not an input
#: of ours, and is refused before pandas spends seconds on it.
MAX_CSV_FIELDS: Final = 1000


def _check_field_counts(
    text: str, *, file: str, delimiter: str = ",", allow_short_rows: bool = True
) -> tuple[list[int], list[bool]]:
    """Raise :class:`ParseError` at the first row with more fields than the header (or
    fewer, unless ``allow_short_rows``); return each data record's first line in the
    file and whether it is blank (no field with anything but white space)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines: list[int] = []
    blank: list[bool] = []
    try:
        header = next(reader)
        width = len(header)
        if width > MAX_CSV_FIELDS:
            raise ParseError(
                f"the header has {width:,} fields; no qtlab input has more than "
                f"{MAX_CSV_FIELDS:,} (is this the right file?)",
                file=file,
                field="header",
                value=delimiter.join(header),
            )
        shown = delimiter.join(header)[:120]
        for row in reader:
            first = reader.line_num - sum(cell.count("\n") for cell in row)
            empty = not any(cell.strip() for cell in row)
            lines.append(first)
            blank.append(empty)
            if len(row) > width or (len(row) < width and not allow_short_rows and not empty):
                line = reader.line_num
                what = (
                    "more fields than the header ({n} fields, the header {h!r} has {w}: a stray "
                    "comma, an unquoted thousands separator, or a column missing from the "
                    "header?)"
                    if len(row) > width
                    else "fewer fields than the header ({n}, the header {h!r} has {w}): a "
                    "truncated line or file?"
                )
                raise ParseError(
                    f"line {line} has " + what.format(n=len(row), h=shown, w=width),
                    file=file,
                    field=f"line {line}",
                    value=delimiter.join(row)[:120],
                )
    except csv.Error as exc:
        raise ParseError(f"not a readable CSV (line {reader.line_num}: {exc})", file=file) from exc
    return lines, blank


#: A number with thousands separators in groups of three: ``-1,234,567.25``.
_GROUPED = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?"

#: The days a ``datetime64[ns]`` column holds (pandas' nanosecond range).
FIRST_DAY: Final = pd.Timestamp.min.ceil("D")
LAST_DAY: Final = pd.Timestamp.max.floor("D")


def numeric_column(
    values: pd.Series,
    *,
    file: str,
    field: str,
    allow_missing: bool = False,
    missing_markers: Iterable[str] = ("", "."),
) -> pd.Series:
    """Convert a text column to float64, raising :class:`ParseError` on the first bad value.

    Thousands separators are accepted in groups of three (``1,234,567.5``); any other
    comma (``1,5``, ``12,34``) is an error, not a number with the comma dropped. Cells
    in ``missing_markers`` become NaN if ``allow_missing`` and are an error otherwise.
    Text that is not a number, and numbers that are not finite (``inf``, ``-inf``, ``nan``, or too
    large for a float), are errors. Errors name the file, the field, the value and
    where it is: "line N" when ``values`` is indexed by file line (see
    :func:`checked_csv`), else "row N" (position + 2: below a header, 1-based).
    """
    text = values.astype("string").str.strip()
    markers = set(missing_markers)
    is_missing = text.isna() | text.isin(markers)
    has_comma = text.str.contains(",", regex=False).fillna(False).astype(bool) & ~is_missing
    grouped = text.str.fullmatch(_GROUPED).fillna(False).astype(bool)
    misplaced = has_comma & ~grouped
    if misplaced.any():  # "1,5" is not 15 and "12,34" not 1234: a decimal comma or a typo
        idx = misplaced[misplaced].index[0]
        raise ParseError(
            f"misplaced thousands separator ({_position(values, idx)}): commas must separate "
            "groups of three digits (1,234,567.5); write decimals with a point (1.5)",
            file=file,
            field=field,
            value=values.loc[idx],
        )
    cleaned = text.str.replace(",", "", regex=False)
    nums = pd.to_numeric(cleaned.where(~is_missing), errors="coerce")
    unparsed = nums.isna() & ~is_missing
    # "nan" parses, to NaN, like text that is not a number: tell the two apart
    nan_text = cleaned.str.lower().str.lstrip("+-").eq("nan").fillna(False).astype(bool)
    infinite = nums.notna() & ~np.isfinite(nums.astype("float64").fillna(0.0))
    nonfinite = infinite | (unparsed & nan_text)
    bad = unparsed | infinite
    if bad.any():
        idx = bad[bad].index[0]
        where = _position(values, idx)
        raise ParseError(
            f"not a finite number ({where}): inf, -inf and nan are not data values"
            if nonfinite.loc[idx]
            else f"not a number ({where})",
            file=file,
            field=field,
            value=values.loc[idx],
        )
    if is_missing.any() and not allow_missing:
        idx = is_missing[is_missing].index[0]
        raise ParseError(
            f"missing value ({_position(values, idx)})",
            file=file,
            field=field,
            value=values.loc[idx],
        )
    return nums.astype("float64")


def date_column(
    values: pd.Series,
    *,
    file: str,
    field: str,
    format: str | None = "%Y-%m-%d",
    allow_missing: bool = False,
) -> pd.Series:
    """Convert a text column to ``datetime64[ns]``; raise :class:`ParseError` on the first bad date.

    Impossible dates (``2022-02-30``), text that is not a date and dates outside
    :data:`FIRST_DAY`..:data:`LAST_DAY` (``1600-01-01``) are errors; empty cells are
    allowed only with ``allow_missing``.
    """
    text = values.astype("string").str.strip()
    is_missing = text.isna() | (text == "")
    conv = pd.to_datetime(text.where(~is_missing), format=format, errors="coerce")
    bad = conv.isna() & ~is_missing
    out_of_range = conv.notna() & ((conv < FIRST_DAY) | (conv > LAST_DAY))
    if out_of_range.any():
        idx = out_of_range[out_of_range].index[0]
        raise ParseError(
            f"date outside the supported range {FIRST_DAY.date()} to {LAST_DAY.date()} "
            f"({_position(values, idx)})",
            file=file,
            field=field,
            value=values.loc[idx],
        )
    if bad.any():
        idx = bad[bad].index[0]
        expected = f"format {_readable(format)}" if format else "a date"
        raise ParseError(
            f"not a valid date, expected {expected} ({_position(values, idx)})",
            file=file,
            field=field,
            value=values.loc[idx],
        )
    if is_missing.any() and not allow_missing:
        idx = is_missing[is_missing].index[0]
        raise ParseError(
            f"missing date ({_position(values, idx)})",
            file=file,
            field=field,
            value="",
        )
    return conv.astype("datetime64[ns]")


def _position(values: pd.Series, idx: Any) -> str:
    """Where ``idx`` is, for messages: "line N" in a frame indexed by file line
    (:func:`checked_csv` with ``line_index=True``), else "row N"."""
    if values.index.name == "line":
        return f"line {idx}"
    try:
        pos = values.index.get_loc(idx)
    except KeyError:
        return f"row {idx}"
    # +2: one for the header line, one for 1-based counting
    return f"row {int(pos) + 2}" if isinstance(pos, int) else f"row {idx}"


def _readable(format: str) -> str:
    """A strptime format as people write it: ``%Y-%m-%d`` -> ``YYYY-MM-DD``."""
    for code, shown in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%H", "hh"), ("%M", "mm")):
        format = format.replace(code, shown)
    return format
