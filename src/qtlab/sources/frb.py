"""Federal Reserve Board Data Download Program (DDP): the H.4.1 release as CSV.

- :func:`parse_h41_csv` / :func:`read_h41_csv`: a DDP CSV download of an H.4.1 table
  (``layout=seriescolumn``, ``label=include``): the Board's header rows come first,
  one column per series::

      "Series Description", <description per series>
      Unit:, Currency
      Multiplier:, 1000000
      Currency:, USD
      Unique Identifier: , H41/H41/RESTBC_N.WW
      Time Period, RESTBC_N.WW
      2021-04-28, 2163402

  Units are converted from the header (``Unit``, ``Multiplier``, ``Currency``), never
  assumed: a column in ``Currency`` / ``USD`` with multiplier ``1000000`` is divided by
  1,000 to USD bn.
- :func:`get_h41`: the live endpoint (``federalreserve.gov/datadownload/Output.aspx``,
  ``rel=H41``, CSV) through an injectable httpx client.

Board series ids end ``_N.WW`` (Wednesday level) or ``_XAW_N.WW`` (week average);
changes (``_XCH1``, ``_XCH52``: from the previous week, from a year ago) are dropped,
since they follow from the levels, and counted in the notes. The lines qtlab uses are
mapped to glossary ids (:data:`H41_LINES`: ``h41.<line>`` for the Wednesday level,
``h41.<line>.week_avg`` for the week average); every other level keeps the Board's id as
``h41.board.<ID>`` (e.g. ``h41.board.RESPPAADH``).

References
----------
Board of Governors of the Federal Reserve System, Data Download Program, H.4.1 Factors
Affecting Reserve Balances, https://www.federalreserve.gov/datadownload/Choose.aspx?rel=H41
(Table 1: factors affecting reserve balances; Table 5: consolidated statement of
condition of all Federal Reserve Banks).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Final, Literal

import httpx
import pandas as pd

from qtlab import schema
from qtlab.errors import ParseError, SpecError, one_of
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    RawInput,
    SourceData,
    SourceMeta,
    http_get,
    open_binary,
    raw_bytes,
    sha256_bytes,
    utcnow,
)

__all__ = [
    "DDP_URL",
    "H41_LINES",
    "H41_PACKAGES",
    "H41Table",
    "get_h41",
    "glossary_id",
    "parse_h41_csv",
    "read_h41_csv",
]

#: The Data Download Program's output endpoint.
DDP_URL: Final = "https://www.federalreserve.gov/datadownload/Output.aspx"

H41Table = Literal["factors", "table5"]
#: DDP package ids of the H.4.1 tables, as the DDP's own download links name them
#: (``series=`` of ``Output.aspx?rel=H41``): Table 1 "Factors Affecting Reserve Balances
#: of Depository Institutions" and Table 5 "Consolidated Statement of Condition of All
#: Federal Reserve Banks". Pass ``package=`` to :func:`get_h41` if the Board renames them.
H41_PACKAGES: Final[Mapping[str, str]] = {
    "factors": "7951a85bb48c5cc679a40e18f2d718bd",
    "table5": "522d41432ac812f80e55915e4fa50ca7",
}

#: Board base id (without ``_N.WW`` / ``_XAW_N.WW``) -> glossary line (``h41.<line>``).
#: Table 1 (factors) and Table 5 (statement of condition) share the Board's ids where they
#: show the same line (reverse repos, the TGA, deposits, securities, loans).
H41_LINES: Final[Mapping[str, str]] = {
    # --- liabilities and capital ---
    "RESTBC": "currency_in_circulation",  # Table 1: notes and coin outside the Fed/Treasury
    "RESPPLLN": "fr_notes",  # Table 5: Federal Reserve notes, net of F.R. Bank holdings
    "RESPPLLR": "reverse_repos",
    "RESPPLLRF": "reverse_repos.foreign_official",  # foreign official and international
    "RESPPLLRD": "reverse_repos.others",  # others: the ON RRP facility
    "RESTBHT": "treasury_cash",
    "RESPPLLB": "deposits_other_than_reserves",
    "RESPPMLLD": "deposits",  # Table 5: all deposits, reserves included
    "RESPPLLDD": "deposits.depository_institutions",  # Table 5: reserves and term deposits
    "RESPPLLDA": "deposits.term",
    "RESPPLLDT": "tga",  # U.S. Treasury, General Account
    "RESPPLLDF": "deposits.foreign_official",
    "RESPPLLDO": "deposits.other",
    "RESPPMLLC": "deferred_availability",
    "RESPPLLO": "other_liabilities",  # incl. earnings remittances due to the Treasury
    "RESPPMLL": "total_liabilities",
    "RESPPLC": "capital",
    "RESH4E": "treasury_contribution",  # Treasury contributions to credit facilities
    "RESH4AO": "other_liabilities_capital",
    "RESH4A": "factors_absorbing",  # total factors other than reserves absorbing funds
    "RESH4R": "reserves",
    # --- assets ---
    "RESPPMA": "total_assets",
    "RESH4S": "factors_supplying",
    "RESH4SC": "reserve_bank_credit",
    "RESPPALG": "securities",
    "RESPPALGUO": "treasuries",
    "RESPPALGUOB": "bills",
    "RESPPALGUOMN": "notes_bonds_nominal",
    "RESPPALGUOMI": "notes_bonds_tips",
    "RESPPALGUOMC": "tips_inflation_comp",
    "RESPPALGAO": "agency_debt",
    "RESPPALGASMO": "mbs",
    "RESPPALSP": "premiums",
    "RESPPALSD": "discounts",
    "RESPPALGTR": "repo",
    "RESPPALD": "loans",
    "RESPPALDK": "loans.btfp",  # Bank Term Funding Program (from 2023-03-12)
    "RESPPALDP": "loans.primary",
    "RESPPALDJ": "loans.ppplf",  # Paycheck Protection Program Liquidity Facility
    "RESH4SCS": "swaps",
    "RESH4SO": "other_fed_assets",  # Table 1: premises, items in process, other assets
    "RESPPAO": "other_assets",  # Table 5: other assets
}

_MISSING: Final = frozenset({"", "NA", "ND", "NC"})
_HEADER: Final = ("Series Description", "Unit:", "Multiplier:", "Currency:", "Unique Identifier:")
_ID_RE = re.compile(r"^(?P<base>[A-Z0-9]+?)(?P<avg>_XAW)?(?P<chg>(?:_XCH\d+)?)_N\.WW$")
_BN = 1e9  # USD per billion
_ID_HELP: Final = (
    "not a weekly H.4.1 series id; expected <BASE>_N.WW (Wednesday level), <BASE>_XAW_N.WW "
    "(week average) or a change <BASE>[_XAW]_XCHn_N.WW"
)


def glossary_id(board_id: str) -> str | None:
    """The glossary id of a Board H.4.1 series id, or None for a change series.

    ``RESTBC_N.WW`` -> ``h41.currency_in_circulation``; ``RESPPLLDT_XAW_N.WW`` ->
    ``h41.tga.week_avg``; ``RESPPAADH_N.WW`` -> ``h41.board.RESPPAADH``;
    ``RESTBC_XAW_XCH1_N.WW`` -> None.

    Raises
    ------
    ParseError
        If ``board_id`` is not a weekly H.4.1 id (``<BASE>[_XAW][_XCHn]_N.WW``).
    """
    m = _ID_RE.match(board_id)
    if m is None:
        raise ParseError(_ID_HELP, field="Time Period", value=board_id)
    if m.group("chg"):
        return None
    base = m.group("base")
    line = H41_LINES.get(base, f"board.{base}")
    return f"h41.{line}" + (".week_avg" if m.group("avg") else "")


def _rows(data: bytes, file: str) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text ({exc})", file=file) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    for row in reader:
        if row and any(c.strip() for c in row):
            out.append((reader.line_num, row))
    return out


def _header(rows: list[tuple[int, list[str]]], file: str) -> list[tuple[int, list[str]]]:
    if len(rows) < len(_HEADER) + 1:
        raise ParseError(
            f"{len(rows)} lines: a DDP download has {len(_HEADER) + 1} header rows "
            f"({one_of((*_HEADER, 'Time Period'))}) before the data",
            file=file,
            field="header",
        )
    width = len(rows[0][1])
    expected = (*_HEADER, "Time Period")
    for (line, row), label in zip(rows[: len(expected)], expected, strict=True):
        if row[0].strip() != label:
            raise ParseError(
                f"line {line}: the first cell should be {label!r} (the Board's DDP header: "
                f"{one_of(expected)}); download with label=include and layout=seriescolumn",
                file=file,
                field="header",
                value=row[0],
            )
    for line, row in rows:
        if len(row) != width:
            raise ParseError(
                f"line {line} has {len(row)} fields, the header {width}: truncated or extra fields",
                file=file,
                field=f"line {line}",
                value=",".join(row)[:80],
            )
    return rows[: len(expected)]


def _scale(line: int, col: str, unit: str, mult: str, cur: str, file: str) -> float:
    """Factor from the column's header (unit, multiplier, currency) to USD bn."""
    if unit.strip() != "Currency" or cur.strip() != "USD":
        raise ParseError(
            f"line {line}: column {col} is in {unit.strip()!r} {cur.strip()!r}; qtlab reads "
            "money columns only (Unit 'Currency', Currency 'USD')",
            file=file,
            field=col,
            value=f"{unit} {cur}",
        )
    try:
        m = float(mult)
    except ValueError:
        m = float("nan")
    if not m > 0:
        raise ParseError(
            f"line {line}: the multiplier of column {col} is not a positive number "
            "(the Board writes 1000000 for millions)",
            file=file,
            field=col,
            value=mult,
        )
    return m / _BN


def parse_h41_csv(
    raw: RawInput,
    *,
    file: str = "<buffer>",
    vintage: date | None = None,
) -> SourceData:
    """Parse a DDP CSV download of an H.4.1 table into a long series frame [USD bn].

    Parameters
    ----------
    raw
        The CSV (bytes, text or an open binary file), with the Board's header rows.
    file
        Name used in error messages and metadata.
    vintage
        Publication (or fetch) day. When None, the last week in the file (the earliest
        day the file can have existed).

    Returns
    -------
    SourceData
        ``kind="series"``, columns ``series_id, date, value, vintage`` with glossary ids
        (:func:`glossary_id`), values in [USD bn] scaled by each column's header; missing
        markers (``NA``, ``ND``, empty) dropped and counted in the notes, change series
        dropped. ``extra["board_ids"]`` maps glossary id -> Board id,
        ``extra["descriptions"]`` glossary id -> the Board's series description.

    Raises
    ------
    ParseError
        A header row missing or out of order, a series id that is not a weekly H.4.1 id,
        a unit other than USD, a bad multiplier, a row of the wrong width, a bad date or
        number: naming the file, the line, the field (series id) and the value.
    """
    data, file = raw_bytes(raw, file)
    rows = _rows(data, file)
    head = _header(rows, file)
    desc, unit, mult, cur, uid, ids = (r for _, r in head)
    id_line = head[-1][0]
    columns: list[tuple[int, str, str, float]] = []  # (index, board id, glossary id, factor)
    dropped_changes = 0
    seen: dict[str, str] = {}
    for j in range(1, len(ids)):
        board = ids[j].strip()
        if not uid[j].strip().endswith("/" + board):
            raise ParseError(
                f"line {head[4][0]}: the unique identifier of column {j + 1} does not end "
                f"with its series id {board!r} (line {id_line})",
                file=file,
                field=board,
                value=uid[j],
            )
        try:
            gid = glossary_id(board)
        except ParseError as exc:
            msg = f"line {id_line}, column {j + 1}: {_ID_HELP}"
            raise ParseError(msg, file=file, field=board, value=board) from exc
        if gid is None:
            dropped_changes += 1
            continue
        if gid in seen:
            raise ParseError(
                f"line {id_line}: columns {seen[gid]} and {board} both map to {gid}",
                file=file,
                field=board,
                value=board,
            )
        seen[gid] = board
        columns.append((j, board, gid, _scale(head[1][0], board, unit[j], mult[j], cur[j], file)))
    body = rows[len(head) :]
    if not body:
        raise ParseError("the file has no data rows after the header", file=file, field="date")
    dates: list[pd.Timestamp] = []
    for line, row in body:
        try:
            d = pd.Timestamp(date.fromisoformat(row[0].strip()))
        except ValueError as exc:
            raise ParseError(
                f"line {line}: not an ISO date (YYYY-MM-DD)",
                file=file,
                field="Time Period",
                value=row[0],
            ) from exc
        dates.append(d)
    records: list[tuple[str, pd.Timestamp, float]] = []
    missing = 0
    for j, board, gid, factor in columns:
        for (line, row), d in zip(body, dates, strict=True):
            cell = row[j].strip()
            if cell in _MISSING:
                missing += 1
                continue
            try:
                v = float(cell)
            except ValueError as exc:
                raise ParseError(
                    f"line {line}: not a number (missing values are NA, ND or empty)",
                    file=file,
                    field=board,
                    value=cell,
                ) from exc
            records.append((gid, d, v * factor if factor >= 1 else v / (1 / factor)))
    vint = vintage or max(dates).date()
    frame = pd.DataFrame.from_records(records, columns=["series_id", "date", "value"])
    frame["vintage"] = pd.Timestamp(vint)
    frame = schema.validate_series(frame.sort_values(["series_id", "date"]), file=file)
    notes = [
        f"{len(columns)} series in USD bn, scaled by each column's header (Unit, Multiplier, "
        "Currency)",
    ]
    if dropped_changes:
        notes.append(f"{dropped_changes} change series (_XCH) dropped: they follow from levels")
    if missing:
        notes.append(f"{missing} missing cells (NA, ND or empty) dropped")
    if vintage is None:
        notes.append("vintage = last week of the file (publication day unknown)")
    meta = SourceMeta(
        source="frb",
        dataset="frb.h41",
        official_id="H41",
        units=dict.fromkeys(sorted(seen), schema.USD_BN),
        vintage=vint,
        file=file,
        sha256=sha256_bytes(data),
        notes=tuple(notes),
    )
    extra = {
        "board_ids": dict(seen),
        "descriptions": {gid: desc[j].strip() for j, _, gid, _ in columns},
    }
    return SourceData(frame, meta, extra=extra)


def read_h41_csv(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read a DDP CSV download of an H.4.1 table; see :func:`parse_h41_csv`."""
    data, name = open_binary(path)
    return parse_h41_csv(data, file=name, vintage=vintage)


def get_h41(
    table: H41Table = "factors",
    *,
    start: date | str,
    end: date | str,
    package: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch an H.4.1 table from the Board's Data Download Program as CSV [USD bn].

    Parameters
    ----------
    table
        ``"factors"`` (Table 1, factors affecting reserve balances) or ``"table5"``
        (consolidated statement of condition), see :data:`H41_PACKAGES`.
    start, end
        First and last week (inclusive), ISO dates.
    package
        A DDP package id overriding :data:`H41_PACKAGES`.
    client, timeout, retries, sleep
        Passed to :func:`~qtlab.sources._base.http_get` (tests inject a MockTransport).

    Returns
    -------
    SourceData
        As :func:`parse_h41_csv`; ``vintage`` is the retrieval day (UTC).

    Raises
    ------
    SpecError
        An unknown table or a malformed date.
    FetchError
        The service could not be reached.
    """
    if package is None and table not in H41_PACKAGES:
        raise SpecError(f"table={table!r} is not an H.4.1 table; valid: {one_of(H41_PACKAGES)}")
    lo, hi = _as_date(start, "start"), _as_date(end, "end")
    params = {
        "rel": "H41",
        "series": package or H41_PACKAGES[table],
        "lastobs": "",
        "from": lo.strftime("%m/%d/%Y"),
        "to": hi.strftime("%m/%d/%Y"),
        "filetype": "csv",
        "label": "include",
        "layout": "seriescolumn",
    }
    retrieved = utcnow()
    resp = http_get(
        DDP_URL, params=params, client=client, timeout=timeout, retries=retries, sleep=sleep
    )
    url = str(resp.url)
    out = parse_h41_csv(resp.content, file=url, vintage=retrieved.date())
    notes = (*out.meta.notes, "vintage = retrieval day (UTC)")
    meta = replace(out.meta, url=url, retrieved_at=retrieved, file=None, notes=notes)
    return SourceData(out.data, meta, extra=out.extra)


def _as_date(value: date | str, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise SpecError(f"{name}={value!r} is not an ISO date such as 2022-06-01") from exc
