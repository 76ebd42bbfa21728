"""HTTP plumbing of :mod:`qtlab.sources.fred`: FRED's error answers, API-key redaction,
paging through ``series/vintagedates`` and splitting ALFRED requests by vintage dates.

Private to :mod:`qtlab.sources.fred`, which is the public interface.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

import httpx
import pandas as pd

from qtlab.errors import FetchError, ParseError, SpecError, UnknownSeriesError
from qtlab.sources._base import http_get

__all__ = [
    "FREDGRAPH_CSV_URL",
    "FRED_API_URL",
    "MAX_VINTAGE_DATES",
    "OBS_LIMIT",
    "REALTIME_MAX",
    "REALTIME_MIN",
    "VINTAGEDATES_LIMIT",
    "Net",
    "as_date",
    "cut_dates",
    "fetch_observations",
    "fred_get",
    "json_payload",
    "realtime_windows",
    "vintage_dates",
]

FREDGRAPH_CSV_URL: Final = "https://fred.stlouisfed.org/graph/fredgraph.csv"
FRED_API_URL: Final = "https://api.stlouisfed.org/fred"
#: ALFRED answers at most this many vintage dates per observations request.
MAX_VINTAGE_DATES: Final = 2000
VINTAGEDATES_LIMIT = 10_000  # the API's page size maximum for series/vintagedates
OBS_LIMIT = 100_000  # the API's page size maximum for series/observations
REALTIME_MIN: Final = date(1776, 7, 4)  # FRED's earliest real-time date
REALTIME_MAX: Final = date(9999, 12, 31)  # FRED's "latest" real-time date


def as_date(value: date | str | None, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SpecError(f"{name}={value!r} is not a date: pass a datetime.date or 'YYYY-MM-DD'")


def _redact(text: str, api_key: str | None) -> str:
    return text.replace(api_key, "<FRED_API_KEY>") if api_key else text


@dataclass(frozen=True)
class Net:
    """What every request of one :func:`get_fred` call shares."""

    series_id: str
    api_key: str | None
    client: httpx.Client | None
    timeout: float
    retries: int
    sleep: Callable[[float], None] | None


def fred_get(url: str, params: Mapping[str, Any], net: Net) -> httpx.Response:
    """:func:`http_get` that turns "no such series" into :class:`UnknownSeriesError` and
    keeps the API key out of error messages."""
    try:
        return http_get(
            url,
            params=params,
            client=net.client,
            timeout=net.timeout,
            retries=net.retries,
            sleep=net.sleep,
        )
    except FetchError as exc:
        cause = exc.__cause__
        message = ""
        if isinstance(cause, httpx.HTTPStatusError):
            code = cause.response.status_code
            try:
                message = str(cause.response.json().get("error_message", ""))
            except (ValueError, AttributeError):
                message = ""
            if code == 404 or (code == 400 and "not exist" in message.lower()):
                raise UnknownSeriesError(
                    net.series_id,
                    hint=f"FRED answered HTTP {code}{': ' + message if message else ''} "
                    f"(check the id at https://fred.stlouisfed.org/series/{net.series_id})",
                ) from None
        text = _redact(str(exc) + (f"; FRED says: {message}" if message else ""), net.api_key)
        new = FetchError(text)
        new.url = _redact(exc.url or url, net.api_key)
        raise new from None


def json_payload(resp: httpx.Response, url: str, key: str) -> Any:
    try:
        payload = resp.json()
    except ValueError as exc:
        raise ParseError(f"the answer is not JSON ({exc})", file=url) from exc
    if not isinstance(payload, dict) or key not in payload:
        raise ParseError(f"the answer has no {key!r}", file=url, field=key)
    return payload


def cut_dates(frame: pd.DataFrame, lo: date | None, hi: date | None) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if lo is not None:
        keep &= frame["date"] >= pd.Timestamp(lo)
    if hi is not None:
        keep &= frame["date"] <= pd.Timestamp(hi)
    return frame[keep].reset_index(drop=True)


def vintage_dates(base: Mapping[str, Any], lo: date, hi: date, net: Net) -> list[date]:
    """All vintage dates of the series in [lo, hi], paging through ``series/vintagedates``."""
    url = f"{FRED_API_URL}/series/vintagedates"
    out: list[date] = []
    while True:
        params = {
            **base,
            "realtime_start": lo.isoformat(),
            "realtime_end": hi.isoformat(),
            "limit": VINTAGEDATES_LIMIT,
            "offset": len(out),
        }
        page = json_payload(fred_get(url, params, net), "fred/series/vintagedates", "vintage_dates")
        got = page["vintage_dates"]
        for d in got:
            try:
                out.append(date.fromisoformat(str(d)))
            except ValueError as exc:
                raise ParseError(
                    "not a date (expected YYYY-MM-DD)",
                    file="fred/series/vintagedates",
                    field="vintage_dates",
                    value=d,
                ) from exc
        if not got or len(out) >= int(page.get("count", 0) or 0):
            return sorted(set(out))


def realtime_windows(
    vdates: list[date], lo: date, hi: date, max_dates: int = MAX_VINTAGE_DATES
) -> list[tuple[date, date]]:
    """Split [lo, hi] into consecutive windows holding at most ``max_dates`` vintage dates."""
    inside = sorted(d for d in vdates if lo <= d <= hi)
    starts = [lo, *(inside[k] for k in range(max_dates, len(inside), max_dates))]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [hi]
    return list(zip(starts, ends, strict=True))


def fetch_observations(
    base: Mapping[str, Any],
    windows: list[tuple[date, date] | None],
    lo: date | None,
    hi: date | None,
    net: Net,
) -> tuple[list[Any], bytes]:
    """All ``series/observations`` rows for each real-time window (None: no window), paging
    with ``offset``; return the rows and the raw bytes of every answer."""
    url = f"{FRED_API_URL}/series/observations"
    observations: list[Any] = []
    raw: list[bytes] = []
    for window in windows:
        params: dict[str, Any] = dict(base)
        if lo is not None:
            params["observation_start"] = lo.isoformat()
        if hi is not None:
            params["observation_end"] = hi.isoformat()
        if window is not None:
            params["realtime_start"] = window[0].isoformat()
            params["realtime_end"] = window[1].isoformat()
        offset = 0
        while True:
            resp = fred_get(url, {**params, "limit": OBS_LIMIT, "offset": offset}, net)
            raw.append(resp.content)
            page = json_payload(resp, "fred/series/observations", "observations")
            got = page["observations"] if isinstance(page["observations"], list) else []
            observations.extend(got)
            offset += len(got)
            if not got or offset >= int(page.get("count", 0) or 0):
                break
    return observations, b"".join(raw)
