"""FOMC SEP dot plots: every participant's federal funds rate projection, and the
statistics the FOMC publishes from them.

Each SEP meeting the FOMC publishes, on its projection materials page
``federalreserve.gov/monetarypolicy/fomcprojtablYYYYMMDD.htm``, the data behind the
dot plot (Figure 2, "FOMC participants' assessments of appropriate monetary policy:
Midpoint of target range or target level for the federal funds rate"): one row per
rate (the midpoint of a target range, [%]), one column per horizon (each year's end,
and ``Longer run``), and in each cell the number of participants who projected it.

Two ways in, one frame out:

- the live page: :func:`get_sep_dots` fetches one meeting's page and
  :func:`parse_sep_projtable_html` reads its Figure 2 table;
- a file of dots already expanded, one row per participant and horizon
  (``meeting_date,horizon,dot_value``, as ``data/raw/sep/sep_dots_*.csv``, which was
  made from those same pages): :func:`read_sep_dots` / :func:`parse_sep_dots_csv`.

Both return the FOMC's statistics per meeting and horizon (:func:`dot_statistics`)
under FRED's SEP ids (see :mod:`qtlab.sources.fomc`): ``FEDTARMD`` median, ``FEDTARCTL`` /
``FEDTARCTH`` central tendency, ``FEDTARRL`` / ``FEDTARRH`` range, with ``LR`` for the
longer run. Definitions are the SEP's own (notes to its Table 1): the median is the
middle projection, or the average of the two middle ones when their number is even;
the central tendency excludes the three highest and three lowest projections; the
range runs from the lowest to the highest. Year rows are dated ``YYYY-01-01`` (the
value is the rate at the end of ``YYYY``, FRED's convention), longer-run rows at the
meeting date; the vintage of every row is the meeting date (the SEP is released on
the meeting's second day). The dots themselves are kept in ``extra["dots"]``.
"""

from __future__ import annotations

import html.parser
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Final, cast

import httpx
import numpy as np
import pandas as pd

from qtlab import schema
from qtlab.errors import ParseError
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    RawInput,
    SourceData,
    checked_csv,
    date_column,
    http_get,
    numeric_column,
    open_binary,
    raw_bytes,
    series_meta,
)
from qtlab.sources.fomc import sep_series_id

__all__ = [
    "CENTRAL_TENDENCY_TRIM",
    "PROJTABLE_URL",
    "dot_statistics",
    "get_sep_dots",
    "parse_sep_dots_csv",
    "parse_sep_projtable_html",
    "read_sep_dots",
]

#: The FOMC's projection materials page of one meeting (``{day}`` = ``YYYYMMDD``).
PROJTABLE_URL: Final = "https://www.federalreserve.gov/monetarypolicy/fomcprojtabl{day}.htm"
#: Projections dropped at each end for the central tendency (SEP Table 1, note 2).
CENTRAL_TENDENCY_TRIM: Final = 3
#: The horizon label of the longer run, as the Fed's table heads it.
LONGER_RUN: Final = "Longer run"
#: Words that identify the dot-plot table among the page's tables.
_FIGURE2: Final = "midpoint of target range"
_DAY_IN_NAME: Final = re.compile(r"fomcprojtabl(\d{8})")
_RATE_RANGE: Final = (0.0, 25.0)


def _horizon(label: object, *, file: str, meeting: date) -> int | None:
    """A projection year, or None for the longer run; ParseError otherwise."""
    text = re.sub(r"\s+", " ", str(label)).strip()
    if text.lower() == LONGER_RUN.lower():
        return None
    if re.fullmatch(r"\d{4}", text) and meeting.year <= int(text) <= meeting.year + 10:
        return int(text)
    raise ParseError(
        f"not a horizon; expected a year from {meeting.year} to {meeting.year + 10} "
        f"or {LONGER_RUN!r}",
        file=file,
        field="horizon",
        value=label,
    )


def dot_statistics(dots: pd.DataFrame, *, file: str = "<dots>") -> pd.DataFrame:
    """The SEP statistics of the federal funds rate from the participants' dots.

    Parameters
    ----------
    dots
        Columns ``meeting`` (date), ``year`` (int, or None/NaN for the longer run) and
        ``value`` (one participant's projection [%]).
    file
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``series_id, date, value, vintage`` (see the module docstring), one row
        per meeting, horizon and statistic, in [%].

    Raises
    ------
    ParseError
        A meeting and horizon with fewer than ``2 * CENTRAL_TENDENCY_TRIM + 1`` dots: the
        central tendency would be empty.
    """
    rows: list[tuple[str, pd.Timestamp, float, pd.Timestamp]] = []
    keyed = dots.assign(lr=dots["year"].isna(), y=dots["year"].fillna(0).astype(int))
    for key, group in keyed.groupby(["meeting", "lr", "y"], sort=True):
        meeting, lr, year = cast(tuple[pd.Timestamp, bool, int], key)
        v = np.sort(group["value"].to_numpy(dtype=float))
        label = LONGER_RUN if lr else str(year)
        if len(v) <= 2 * CENTRAL_TENDENCY_TRIM:
            raise ParseError(
                f"{len(v)} projections for {pd.Timestamp(meeting).date()} {label}: the central "
                f"tendency drops the {CENTRAL_TENDENCY_TRIM} highest and lowest, so at least "
                f"{2 * CENTRAL_TENDENCY_TRIM + 1} are needed",
                file=file,
                field="dot_value",
            )
        trim = v[CENTRAL_TENDENCY_TRIM:-CENTRAL_TENDENCY_TRIM]
        stats = {
            "median": float(np.median(v)),  # the mean of the two middle ones when even
            "central_tendency_low": float(trim[0]),
            "central_tendency_high": float(trim[-1]),
            "range_low": float(v[0]),
            "range_high": float(v[-1]),
        }
        day = pd.Timestamp(meeting)
        when = day if lr else pd.Timestamp(int(year), 1, 1)
        for stat, value in stats.items():
            rows.append((sep_series_id(stat, longer_run=bool(lr)), when, value, day))
    out = pd.DataFrame(rows, columns=list(schema.SERIES_COLUMNS))
    return out.sort_values(["series_id", "vintage", "date"], ignore_index=True)


def _source(
    dots: pd.DataFrame, *, raw: bytes, file: str | None, url: str | None = None
) -> SourceData:
    frame = schema.validate_series(dot_statistics(dots, file=file or "<dots>"), file=file)
    meetings = sorted({pd.Timestamp(m).date() for m in dots["meeting"]})
    meta = series_meta(
        frame,
        source="fomc",
        dataset="sep_dots",
        official_id="FOMC SEP, Figure 2 (dot plot) data",
        units=schema.PERCENT,
        raw=raw,
        file=file,
        url=url,
        notes=(
            f"{len(meetings)} SEP meeting(s) {meetings[0]} to {meetings[-1]}, "
            f"{len(dots)} projections",
            "median; central tendency = lowest and highest after dropping the "
            f"{CENTRAL_TENDENCY_TRIM} highest and {CENTRAL_TENDENCY_TRIM} lowest; "
            "range = lowest and highest",
            "date YYYY-01-01 = end of YYYY (FRED's convention); longer run dated at the SEP; "
            "vintage = meeting date",
        ),
    )
    return SourceData(frame, meta, extra={"dots": dots.reset_index(drop=True)})


def _check_rates(values: pd.Series, *, file: str, field: str) -> None:
    bad = values[(values < _RATE_RANGE[0]) | (values > _RATE_RANGE[1])]
    if not bad.empty:
        raise ParseError(
            f"out of range; a federal funds rate projection is {_RATE_RANGE[0]:g} to "
            f"{_RATE_RANGE[1]:g} percent",
            file=file,
            field=field,
            value=bad.iloc[0],
        )


# ----------------------------------------------------------------------------- the file


def parse_sep_dots_csv(raw: RawInput, *, file: str = "<buffer>") -> SourceData:
    """Parse dots expanded one per row: ``meeting_date,horizon,dot_value``.

    ``meeting_date`` is the SEP release day (``YYYY-MM-DD``), ``horizon`` a year or
    ``Longer run``, ``dot_value`` one participant's projection [%].

    Returns
    -------
    SourceData
        The statistics of :func:`dot_statistics`; ``extra["dots"]`` the dots
        (``meeting, year, value``).

    Raises
    ------
    ParseError
        A missing column, a bad date, horizon or number (naming the line), or too few
        dots for a central tendency.
    """
    data, file = raw_bytes(raw, file)
    df = checked_csv(
        data,
        file=file,
        required=("meeting_date", "horizon", "dot_value"),
        line_index=True,
        allow_short_rows=False,
    )
    if df.empty:
        raise ParseError("no projections in the file", file=file, field="dot_value")
    meeting = date_column(df["meeting_date"], file=file, field="meeting_date")
    value = numeric_column(df["dot_value"], file=file, field="dot_value")
    _check_rates(value, file=file, field="dot_value")
    years = [
        _horizon(h, file=file, meeting=m.date())
        for h, m in zip(df["horizon"], meeting, strict=True)
    ]
    dots = pd.DataFrame(
        {
            "meeting": meeting.to_numpy(),
            "year": pd.array(years, dtype="Int64"),
            "value": value.to_numpy(),
        }
    )
    return _source(dots, raw=data, file=file)


def read_sep_dots(path: str | os.PathLike[str]) -> SourceData:
    """Read a dots file (``sep/sep_dots_*.csv``); see :func:`parse_sep_dots_csv`."""
    data, name = open_binary(path)
    return parse_sep_dots_csv(data, file=name)


# ----------------------------------------------------------------------------- the page


class _Tables(html.parser.HTMLParser):
    """Every ``<table>`` of a page as (caption and header text, rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._stack: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append(([], []))
        elif self._stack and tag == "tr":
            self._stack[-1][1].append([])
        elif self._stack and tag in ("td", "th"):
            self._cell = []
        elif self._stack and tag == "caption":
            self._caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            caption, rows = self._stack.pop()
            self.tables.append((" ".join(caption), [r for r in rows if r]))
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            rows = self._stack[-1][1]
            if not rows:
                rows.append([])
            rows[-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "caption":
            self._caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption and self._stack:
            self._stack[-1][0].append(data.strip())


def _meeting_of(file: str, meeting: date | str | None) -> date:
    if meeting is not None:
        return meeting if isinstance(meeting, date) else date.fromisoformat(str(meeting))
    m = _DAY_IN_NAME.search(file)
    if m is None:
        raise ParseError(
            "the meeting date is not known: give meeting=YYYY-MM-DD, or read a page named "
            "fomcprojtablYYYYMMDD.htm",
            file=file,
            field="meeting",
        )
    return datetime.strptime(m.group(1), "%Y%m%d").date()


def parse_sep_projtable_html(
    raw: RawInput, *, file: str = "<buffer>", meeting: date | str | None = None
) -> SourceData:
    """Parse the dot-plot table (Figure 2) of an FOMC projection materials page.

    Parameters
    ----------
    raw
        The page (``fomcprojtablYYYYMMDD.htm``).
    file
        Name or URL used in messages; its ``fomcprojtablYYYYMMDD`` gives the meeting.
    meeting
        The SEP release day, if ``file`` does not say it.

    Returns
    -------
    SourceData
        As :func:`parse_sep_dots_csv`, for the one meeting.

    Raises
    ------
    ParseError
        No table headed "Midpoint of target range", a horizon or a rate that is not
        one, a count that is not a whole number.
    """
    data, file = raw_bytes(raw, file)
    day = _meeting_of(file, meeting)
    parser = _Tables()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    found = [
        rows
        for caption, rows in parser.tables
        if rows and _FIGURE2 in (caption + " " + " ".join(rows[0])).lower()
    ]
    if not found:
        raise ParseError(
            f"no dot-plot table (a table headed {_FIGURE2!r}, Figure 2) on the page",
            file=file,
            field="Figure 2",
        )
    header, *body = found[0]
    horizons = [_horizon(h, file=file, meeting=day) for h in header[1:]]
    records: list[tuple[int | None, float]] = []
    for row in body:
        try:
            rate = float(row[0])
        except (ValueError, IndexError):
            raise ParseError(
                "not a rate; expected the midpoint of a target range in percent",
                file=file,
                field="Figure 2 rate",
                value=row[0] if row else "",
            ) from None
        for year, cell in zip(horizons, row[1:], strict=False):
            if not cell:
                continue
            if not cell.isdigit():
                raise ParseError(
                    "not a count of participants",
                    file=file,
                    field=f"Figure 2 {LONGER_RUN if year is None else year} at {rate:g}",
                    value=cell,
                )
            records += [(year, rate)] * int(cell)
    if not records:
        raise ParseError("the dot-plot table holds no projections", file=file, field="Figure 2")
    dots = pd.DataFrame(records, columns=["year", "value"])
    _check_rates(dots["value"], file=file, field="Figure 2 rate")
    dots.insert(0, "meeting", pd.Timestamp(day))
    dots["year"] = dots["year"].astype("Int64")
    return _source(dots, raw=data, file=file)


def get_sep_dots(
    meetings: Iterable[date | str] | date | str,
    *,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch the projection materials page of each SEP meeting and read its dot plot.

    Parameters
    ----------
    meetings
        SEP release days (``YYYY-MM-DD``: the second day of a March, June, September
        or December meeting), e.g. ``"2022-06-15"``.

    Returns
    -------
    SourceData
        As :func:`parse_sep_dots_csv`, every meeting asked for; the vintage of each row
        is its meeting date (the day the page was published).
    """
    days = [meetings] if isinstance(meetings, (date, str)) else list(meetings)
    retrieved_at = datetime.now(UTC)
    parts, urls, raws = [], [], []
    for d in days:
        day = d if isinstance(d, date) else date.fromisoformat(str(d))
        url = PROJTABLE_URL.format(day=day.strftime("%Y%m%d"))
        resp = http_get(url, client=client, timeout=timeout, retries=retries, sleep=sleep)
        parts.append(parse_sep_projtable_html(resp.content, file=url, meeting=day))
        urls.append(url)
        raws.append(resp.content)
    if not parts:
        raise ParseError("no meeting given", field="meetings", value=meetings)
    dots = pd.concat([p.extra["dots"] for p in parts], ignore_index=True)
    out = _source(dots, raw=b"".join(raws), file=None, url=urls[-1] if len(urls) == 1 else None)
    meta = replace(out.meta, retrieved_at=retrieved_at, notes=(*out.meta.notes, *urls))
    return SourceData(out.data, meta, extra=out.extra)
