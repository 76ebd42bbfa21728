"""European Central Bank: the asset purchase programme (APP) and the PEPP, month by month.

The ECB publishes two CSV files on its website beside the programme pages
(https://www.ecb.europa.eu/mopo/implement/app/html/index.en.html and
https://www.ecb.europa.eu/mopo/implement/pepp/html/index.en.html):

- ``APP_breakdown_history.csv`` (:data:`APP_URL`): "History of cumulative net purchases
  under the APP", end of month, euro millions; for each programme (ABSPP, CBPP3, CSPP,
  PSPP) the monthly net purchases at book value, the quarter-end amortisation adjustment
  and redemptions of coupon STRIPS, and the holdings (end-of-month book value at
  amortised cost);
- ``PEPP_purchase_history.csv`` (:data:`PEPP_URL`): "History of monthly net purchases
  under the PEPP", euro millions; the monthly and the cumulative net purchases
  (acquisition cost of all purchases less the redeemed nominal amounts, settlement basis).
  The file holds no PEPP holdings at amortised cost: the cumulative net purchases are
  the stock this module gives for the PEPP.

Both have a title line, a header of two lines, then one line per month: the year in the
first field of each January (and of the first month), the English month name in the
second, the numbers after; footnotes follow the last month.

Every function returns a long series frame (``series_id, date, value, vintage``) in
**EUR billions** (:data:`qtlab.schema.EUR_BN`): the euro amounts are divided by 1,000
once, here, and never converted to dollars. ``date`` is the last day of the month. Series
ids (:data:`APP_SERIES`, :data:`PEPP_SERIES`)::

    ecb.app.<programme>.net_purchases    monthly net purchases at book value
    ecb.app.<programme>.adjustment       quarter-end amortisation adjustment and
                                         redemptions of coupon STRIPS (0 in other months)
    ecb.app.<programme>.holdings         end-of-month holdings at amortised cost
    ecb.pepp.net_purchases               monthly net purchases
    ecb.pepp.cumulative_net_purchases    cumulative net purchases

with ``<programme>`` one of ``abspp, cbpp3, cspp, pspp`` (:data:`APP_PROGRAMMES`).

Identities checked on every parse (in euro millions, as published):

- APP, per month and programme: holdings = previous holdings + net purchases +
  adjustment, within :data:`APP_TOLERANCE_MN` (the ECB rounds each figure to the million);
- PEPP, per month: cumulative = previous cumulative + monthly, within
  :data:`PEPP_TOLERANCE_MN`.

The first month of a file is checked against zero holdings when it is the month the
programme began (:data:`APP_FIRST_MONTH`, :data:`PEPP_FIRST_MONTH`). A violation is a
:class:`~qtlab.errors.ParseError` naming the file, the line and month, the field and the
value. :func:`app_identity_residuals` and :func:`pepp_identity_residuals` return the
residuals, for the snapshot builder's checks.

Vintage. The ECB does not date its monthly figures. A month counts as published the day
after it ends (``vintage`` = the first day of the next month, :func:`month_vintage`): a
lower bound, since the ECB posts the month's figures some days into the next month.
Fetched live (:func:`get_app`, :func:`get_pepp`), every row gets the day it was fetched
instead, so a revised figure is never dated before it was seen.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Final

import httpx
import numpy as np
import pandas as pd

from qtlab.errors import ParseError, one_of
from qtlab.schema import EUR_BN
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    RawInput,
    SourceData,
    http_get,
    open_binary,
    raw_bytes,
    series_meta,
)
from qtlab.sources._ecb_format import _months, _number, _require_unit, _rows

__all__ = [
    "APP_FIRST_MONTH",
    "APP_PROGRAMMES",
    "APP_SERIES",
    "APP_TOLERANCE_MN",
    "APP_URL",
    "PEPP_FIRST_MONTH",
    "PEPP_SERIES",
    "PEPP_TOLERANCE_MN",
    "PEPP_URL",
    "app_identity_residuals",
    "get_app",
    "get_pepp",
    "month_vintage",
    "parse_app",
    "parse_pepp",
    "pepp_identity_residuals",
    "read_app",
    "read_pepp",
]

#: The ECB's download of the APP breakdown history (linked from the APP page).
APP_URL: Final = "https://www.ecb.europa.eu/mopo/pdf/APP_breakdown_history.csv"
#: The ECB's download of the PEPP purchase history (linked from the PEPP page).
PEPP_URL: Final = "https://www.ecb.europa.eu/mopo/pdf/PEPP_purchase_history.csv"

#: The ECB's programme names (as in the APP file's header) -> qtlab's ids.
APP_PROGRAMMES: Final[Mapping[str, str]] = {
    "Asset-backed securities purchase programme": "abspp",
    "Covered bond purchase programme 3": "cbpp3",
    "Corporate Sector purchase programme": "cspp",
    "Public sector purchase programme": "pspp",
}
#: The APP file's three blocks (header line 2, lower-cased prefix) -> qtlab's measure.
_APP_BLOCKS: Final[Mapping[str, str]] = {
    "monthly net purchases": "net_purchases",
    "quarter-end amortisation adjustment": "adjustment",
    "holdings": "holdings",
}
#: Every APP series id, block by block, programme by programme.
APP_SERIES: Final[tuple[str, ...]] = tuple(
    f"ecb.app.{p}.{m}" for m in _APP_BLOCKS.values() for p in APP_PROGRAMMES.values()
)
PEPP_SERIES: Final[tuple[str, ...]] = (
    "ecb.pepp.net_purchases",
    "ecb.pepp.cumulative_net_purchases",
)

#: Holdings identity tolerance [EUR mn]: three figures each rounded to the million.
APP_TOLERANCE_MN: Final = 2.0
#: Cumulative identity tolerance [EUR mn]: two figures each rounded to the million.
PEPP_TOLERANCE_MN: Final = 1.0
#: The months the programmes began (CBPP3 in October 2014; PEPP in March 2020).
APP_FIRST_MONTH: Final = pd.Period("2014-10", freq="M")
PEPP_FIRST_MONTH: Final = pd.Period("2020-03", freq="M")


def month_vintage(month: pd.Period) -> pd.Timestamp:
    """The day a month's figures count as published: the first day of the next month."""
    return (month + 1).start_time.normalize()


# ----------------------------------------------------------------------------- reading


def _frame(
    months: list[pd.Period], columns: Mapping[str, list[float]], vintage: date | None
) -> pd.DataFrame:
    """Long frame in EUR bn from columns of euro-million amounts, one value per month."""
    dates = pd.DatetimeIndex([m.end_time.normalize() for m in months])
    vint = (
        pd.DatetimeIndex([month_vintage(m) for m in months])
        if vintage is None
        else pd.DatetimeIndex([pd.Timestamp(vintage)] * len(months))
    )
    parts = [
        pd.DataFrame(
            {
                "series_id": sid,
                "date": dates.astype("datetime64[ns]"),
                "value": np.asarray(vals, dtype="float64") / 1000.0,
                "vintage": vint.astype("datetime64[ns]"),
            }
        )
        for sid, vals in columns.items()
    ]
    return pd.concat(parts, ignore_index=True)


def _vintage_note(vintage: date | None) -> str:
    if vintage is None:
        return (
            "vintage = the first day of the month after each month (a month counts as "
            "published once it has ended; a lower bound: the ECB posts it some days later)"
        )
    return f"vintage = {vintage.isoformat()} for every row (the day fetched)"


# ----------------------------------------------------------------------------- APP


def _app_header(records: list[tuple[int, list[str]]], file: str) -> dict[int, str]:
    """Column position -> series id, from the two header lines (blocks, programmes)."""
    if len(records) < 3:
        raise ParseError("too short: expected a title line and two header lines", file=file)
    (l_blocks, blocks), (l_progs, progs) = records[1], records[2]
    _require_unit(l_blocks, blocks[:1], file)
    # each block names its first column; it spans until the next named block
    block_at: list[tuple[int, str]] = []
    for i, cell in enumerate(blocks[2:], start=2):
        key = cell.strip().lower()
        if not key:
            continue
        found = [m for prefix, m in _APP_BLOCKS.items() if key.startswith(prefix)]
        if not found:
            raise ParseError(
                f"line {l_blocks}: unknown block {cell!r}; expected blocks starting with "
                f"{one_of(p.capitalize() for p in _APP_BLOCKS)}",
                file=file,
                field=f"line {l_blocks}",
                value=cell,
            )
        block_at.append((i, found[0]))
    if sorted(m for _, m in block_at) != sorted(_APP_BLOCKS.values()):
        raise ParseError(
            f"line {l_blocks}: expected the blocks {one_of(_APP_BLOCKS)} once each",
            file=file,
            field=f"line {l_blocks}",
            value=",".join(blocks)[:160],
        )
    cols: dict[int, str] = {}
    for n, (start, measure) in enumerate(block_at):
        end = block_at[n + 1][0] if n + 1 < len(block_at) else len(progs)
        names = [c.strip() for c in progs[start:end]]
        if sorted(names) != sorted(APP_PROGRAMMES):
            raise ParseError(
                f"line {l_progs}: the block {measure!r} must name each programme once; "
                f"expected {one_of(APP_PROGRAMMES)}, found {one_of(names)}",
                file=file,
                field=f"line {l_progs}",
                value=",".join(progs[start:end])[:160],
            )
        for i, name in enumerate(names, start=start):
            cols[i] = f"ecb.app.{APP_PROGRAMMES[name]}.{measure}"
    return cols


def app_identity_residuals(data: pd.DataFrame) -> pd.DataFrame:
    """Per month and programme: holdings - (previous holdings + net purchases + adjustment).

    ``data`` is :func:`parse_app`'s frame [EUR bn]. Returns one row per (month,
    programme) with columns ``month`` (``Period[M]``), ``programme``, ``holdings``,
    ``expected`` and ``residual`` in euro millions (the published unit). The first month
    is compared with zero holdings only when it is :data:`APP_FIRST_MONTH`.
    """
    wide = data.pivot_table(index="date", columns="series_id", values="value", aggfunc="last")
    wide = wide.sort_index() * 1000.0
    months = pd.DatetimeIndex(wide.index).to_period("M")
    parts = []
    for prog in APP_PROGRAMMES.values():
        h = wide[f"ecb.app.{prog}.holdings"].to_numpy()
        flow = (
            wide[f"ecb.app.{prog}.net_purchases"].to_numpy()
            + wide[f"ecb.app.{prog}.adjustment"].to_numpy()
        )
        prev = np.concatenate([[0.0 if months[0] == APP_FIRST_MONTH else np.nan], h[:-1]])
        expected = prev + flow
        parts.append(
            pd.DataFrame(
                {
                    "month": months,
                    "programme": prog,
                    "holdings": h,
                    "expected": expected,
                    # rounded: the figures are whole millions, the frame holds them / 1000
                    "residual": np.round(h - expected, 6),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).dropna(subset=["residual"])


def parse_app(raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None) -> SourceData:
    """Parse the ECB's ``APP_breakdown_history.csv``; see the module docstring.

    Parameters
    ----------
    raw
        The file's bytes, text or an open binary file.
    file
        Name used in messages.
    vintage
        The day the figures were seen (a fetch); None: each month's :func:`month_vintage`.

    Returns
    -------
    SourceData
        Series :data:`APP_SERIES` [EUR bn], dated at month ends.

    Raises
    ------
    ParseError
        On a malformed file, or when a holdings identity fails by more than
        :data:`APP_TOLERANCE_MN` (naming the line, month, programme and values).
    """
    data, name = raw_bytes(raw, file)
    records = _rows(data, name)
    cols = _app_header(records, name)
    width = max(cols) - 1
    lines = _months(records[3:], file=name, width=width)
    values: dict[str, list[float]] = {sid: [] for sid in cols.values()}
    for line, month, cells in lines:
        for i, sid in cols.items():
            values[sid].append(_number(cells[i - 2], file=name, line=line, month=month, field=sid))
    months = [m for _, m, _ in lines]
    df = _frame(months, {sid: values[sid] for sid in APP_SERIES}, vintage)
    res = app_identity_residuals(df)
    bad = res[res["residual"].abs() > APP_TOLERANCE_MN]
    if len(bad):
        r = bad.iloc[0]
        line = dict(zip(months, (ln for ln, _, _ in lines), strict=True))[r["month"]]
        raise ParseError(
            f"line {line} ({r['month']}): {r['programme'].upper()} holdings {r['holdings']:,.0f} "
            f"mn differ from previous holdings + net purchases + adjustment = "
            f"{r['expected']:,.0f} mn by {r['residual']:+,.0f} mn (tolerance "
            f"{APP_TOLERANCE_MN:g} mn); {len(bad)} month(s) fail. A copying error in the file?",
            file=name,
            field=f"ecb.app.{r['programme']}.holdings",
            value=f"{r['holdings']:.0f}",
        )
    meta = series_meta(
        df,
        source="ecb",
        dataset="ecb.app",
        official_id="APP_breakdown_history.csv",
        units=EUR_BN,
        raw=data,
        file=name,
        notes=(
            "euro millions divided by 1,000: EUR bn (not converted to dollars)",
            "holdings: end-of-month book value at amortised cost",
            "adjustment: quarter-end amortisation adjustment and redemptions of coupon STRIPS",
            f"identity holdings = previous + net purchases + adjustment holds within "
            f"{APP_TOLERANCE_MN:g} mn for every month and programme",
            _vintage_note(vintage),
        ),
    )
    return SourceData(df, meta)


def read_app(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read an ``APP_breakdown_history.csv`` file; see :func:`parse_app`."""
    data, name = open_binary(path)
    return parse_app(data, file=name, vintage=vintage)


# ----------------------------------------------------------------------------- PEPP


def pepp_identity_residuals(data: pd.DataFrame) -> pd.DataFrame:
    """Per month: cumulative - (previous cumulative + monthly net purchases) [EUR mn].

    ``data`` is :func:`parse_pepp`'s frame [EUR bn]. Columns ``month``, ``cumulative``,
    ``expected``, ``residual``; the first month is compared with zero only when it is
    :data:`PEPP_FIRST_MONTH`.
    """
    wide = data.pivot_table(index="date", columns="series_id", values="value", aggfunc="last")
    wide = wide.sort_index() * 1000.0
    months = pd.DatetimeIndex(wide.index).to_period("M")
    cum = wide["ecb.pepp.cumulative_net_purchases"].to_numpy()
    prev = np.concatenate([[0.0 if months[0] == PEPP_FIRST_MONTH else np.nan], cum[:-1]])
    expected = prev + wide["ecb.pepp.net_purchases"].to_numpy()
    out = pd.DataFrame(
        {
            "month": months,
            "cumulative": cum,
            "expected": expected,
            "residual": np.round(cum - expected, 6),
        }
    )
    return out.dropna(subset=["residual"]).reset_index(drop=True)


def parse_pepp(raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None) -> SourceData:
    """Parse the ECB's ``PEPP_purchase_history.csv``; see the module docstring.

    Returns series :data:`PEPP_SERIES` [EUR bn] dated at month ends; raises
    :class:`ParseError` on a malformed file or when cumulative = previous + monthly
    fails by more than :data:`PEPP_TOLERANCE_MN`.
    """
    data, name = raw_bytes(raw, file)
    records = _rows(data, name)
    if len(records) < 3:
        raise ParseError("too short: expected a title line and two header lines", file=name)
    _require_unit(records[1][0], records[1][1], name)
    l_head, head = records[2]
    expected_head = ["monthly net purchases", "cumulative net purchases"]
    found = [c.strip().lower().rstrip("*").strip() for c in head[2:4]]
    if found != expected_head:
        raise ParseError(
            f"line {l_head}: expected the columns {one_of(h.capitalize() for h in expected_head)}"
            f" after the year and month, found {one_of(head[2:])}",
            file=name,
            field=f"line {l_head}",
            value=",".join(head)[:120],
        )
    lines = _months(records[3:], file=name, width=2)
    cols: dict[str, list[float]] = {sid: [] for sid in PEPP_SERIES}
    for line, month, cells in lines:
        for sid, cell in zip(PEPP_SERIES, cells, strict=True):
            cols[sid].append(_number(cell, file=name, line=line, month=month, field=sid))
    months = [m for _, m, _ in lines]
    df = _frame(months, cols, vintage)
    res = pepp_identity_residuals(df)
    bad = res[res["residual"].abs() > PEPP_TOLERANCE_MN]
    if len(bad):
        r = bad.iloc[0]
        line = dict(zip(months, (ln for ln, _, _ in lines), strict=True))[r["month"]]
        raise ParseError(
            f"line {line} ({r['month']}): cumulative net purchases {r['cumulative']:,.0f} mn "
            f"differ from previous cumulative + monthly = {r['expected']:,.0f} mn by "
            f"{r['residual']:+,.0f} mn (tolerance {PEPP_TOLERANCE_MN:g} mn); {len(bad)} "
            "month(s) fail. A copying error in the file?",
            file=name,
            field="ecb.pepp.cumulative_net_purchases",
            value=f"{r['cumulative']:.0f}",
        )
    meta = series_meta(
        df,
        source="ecb",
        dataset="ecb.pepp",
        official_id="PEPP_purchase_history.csv",
        units=EUR_BN,
        raw=data,
        file=name,
        notes=(
            "euro millions divided by 1,000: EUR bn (not converted to dollars)",
            "cumulative net purchases: acquisition cost of all purchases less redeemed "
            "nominal amounts (not holdings at amortised cost, which this file does not hold)",
            f"identity cumulative = previous + monthly holds within {PEPP_TOLERANCE_MN:g} mn "
            "for every month",
            _vintage_note(vintage),
        ),
    )
    return SourceData(df, meta)


def read_pepp(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read a ``PEPP_purchase_history.csv`` file; see :func:`parse_pepp`."""
    data, name = open_binary(path)
    return parse_pepp(data, file=name, vintage=vintage)


# ----------------------------------------------------------------------------- live


def _get(
    url: str,
    parse: Callable[..., SourceData],
    *,
    client: httpx.Client | None,
    timeout: float,
    retries: int,
    sleep: Callable[[float], None] | None,
) -> SourceData:
    retrieved_at = datetime.now(UTC)
    resp = http_get(url, client=client, timeout=timeout, retries=retries, sleep=sleep)
    out = parse(resp.content, file=url, vintage=retrieved_at.date())
    meta = replace(out.meta, url=url, retrieved_at=retrieved_at, file=None)
    return SourceData(out.data, meta, kind=out.kind, extra=out.extra)


def get_app(
    *,
    url: str = APP_URL,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch the ECB's APP breakdown history (:data:`APP_URL`); see :func:`parse_app`.

    Every row's vintage is the day fetched. ``client, timeout, retries, sleep`` go to
    :func:`qtlab.sources._base.http_get` (tests pass an ``httpx.MockTransport`` client).
    """
    return _get(url, parse_app, client=client, timeout=timeout, retries=retries, sleep=sleep)


def get_pepp(
    *,
    url: str = PEPP_URL,
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch the ECB's PEPP purchase history (:data:`PEPP_URL`); see :func:`parse_pepp`."""
    return _get(url, parse_pepp, client=client, timeout=timeout, retries=retries, sleep=sleep)
