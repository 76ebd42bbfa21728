"""Data steps of A8 (QT beyond the Fed): the ECB's programmes as of a vantage date, runoff
start and pace, on a common axis with the Fed's SOMA securities.

Named rules, stated in A8's notes:

- **publication** (:func:`ecb_monthly`): a month of ECB figures counts as published on
  the first day of the next month (the series' vintage, :func:`qtlab.sources.ecb.month_vintage`),
  so at a vantage date D only months whose vintage is on or before D appear;
- **runoff start** (:func:`runoff_start`): the first month of the first run of
  :data:`RUN_MONTHS` consecutive months in which net purchases are below
  ``-RUN_THRESHOLD`` x the peak stock (a decline of at least 0.2% of the peak a month);
  a shorter run reaching the latest published month is a provisional start;
- **pace** (:func:`runoff_pace`): the fall of the stock from the end of the month before
  the runoff start, in % of the peak stock (the largest stock up to the runoff start),
  per month of runoff.

The ECB's amounts are EUR bn, the Fed's USD bn; they are never added together, and the
common axis compares each with its own peak (a currency-free percentage).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd
import yaml

from qtlab.analyses._history_data import at
from qtlab.errors import UnknownSeriesError
from qtlab.runs.context import RunContext
from qtlab.sources.ecb import APP_PROGRAMMES

__all__ = [
    "APP_KEYS",
    "RUN_MONTHS",
    "RUN_THRESHOLD",
    "Decision",
    "Pace",
    "decisions",
    "ecb_monthly",
    "month_of",
    "runoff_pace",
    "runoff_start",
]

#: APP programme keys, in the ECB's order.
APP_KEYS: tuple[str, ...] = tuple(APP_PROGRAMMES.values())
#: Runoff start rule: months in a row, and the monthly decline as a fraction of the peak.
RUN_MONTHS = 3
RUN_THRESHOLD = 0.002


@dataclass(frozen=True)
class Decision:
    """The ECB's runoff decisions for one programme (``analyses/ecb_runoff.yaml``)."""

    id: str
    last_net_purchases: pd.Period
    last_net_purchases_announced: pd.Timestamp
    partial_start: pd.Period
    partial_announced: pd.Timestamp
    partial_pace_bn: float
    partial_end: pd.Period
    full_start: pd.Period
    full_announced: pd.Timestamp
    source: str


@cache
def decisions() -> dict[str, Decision]:
    """The packaged ECB decisions by programme id (``app``, ``pepp``), each cited."""
    doc = yaml.safe_load(
        (resources.files("qtlab.analyses") / "ecb_runoff.yaml").read_text(encoding="utf-8")
    )
    out = {}
    for d in doc["programmes"]:
        out[d["id"]] = Decision(
            id=d["id"],
            last_net_purchases=pd.Period(d["last_net_purchases"], freq="M"),
            last_net_purchases_announced=pd.Timestamp(d["last_net_purchases_announced"]),
            partial_start=pd.Period(d["partial_start"], freq="M"),
            partial_announced=pd.Timestamp(d["partial_announced"]),
            partial_pace_bn=float(d["partial_pace_bn"]),
            partial_end=pd.Period(d["partial_end"], freq="M"),
            full_start=pd.Period(d["full_start"], freq="M"),
            full_announced=pd.Timestamp(d["full_announced"]),
            source=" ".join(str(d["source"]).split()),
        )
    return out


def month_of(value: object) -> pd.Period:
    """A month label (Period, Timestamp or ``YYYY-MM``) as ``Period[M]``."""
    return pd.Period(str(value)[:7], freq="M")


def _published(ctx: RunContext, series_id: str) -> pd.Series:
    """One ECB series as of the vantage date, monthly [EUR bn]: rows whose vintage (the day
    the month counts as published) is on or before it. Empty if the data lack the series."""
    try:
        obs = ctx.observations(series_id)
    except UnknownSeriesError:
        return pd.Series(dtype="float64")
    if ctx.as_of is not None:
        obs = obs[obs["vintage"] <= pd.Timestamp(ctx.as_of)]
    s = pd.Series(obs["value"].to_numpy(float), index=pd.DatetimeIndex(obs["date"]).to_period("M"))
    return s.sort_index()


def ecb_monthly(ctx: RunContext) -> pd.DataFrame:
    """The ECB's programmes month by month as of the vantage date [EUR bn].

    Columns: ``<programme>`` (APP holdings by programme, end of month, amortised cost),
    ``app`` (their sum), ``app_net`` (APP net purchases), ``app_adj`` (quarter-end
    amortisation adjustments), ``pepp_net`` (PEPP net purchases), ``pepp`` (PEPP
    cumulative net purchases). Index: ``Period[M]``; months a series does not cover are
    NaN. Empty when no month is published by the vantage date.
    """
    cols: dict[str, pd.Series] = {}
    for p in APP_KEYS:
        cols[p] = _published(ctx, f"ecb.app.{p}.holdings")
    net = [_published(ctx, f"ecb.app.{p}.net_purchases") for p in APP_KEYS]
    adj = [_published(ctx, f"ecb.app.{p}.adjustment") for p in APP_KEYS]
    df = pd.DataFrame(cols)
    if len(df):
        df["app"] = df[list(APP_KEYS)].sum(axis=1, min_count=len(APP_KEYS))
        df["app_net"] = pd.concat(net, axis=1).sum(axis=1, min_count=len(APP_KEYS))
        df["app_adj"] = pd.concat(adj, axis=1).sum(axis=1, min_count=len(APP_KEYS))
    pepp = pd.DataFrame(
        {
            "pepp_net": _published(ctx, "ecb.pepp.net_purchases"),
            "pepp": _published(ctx, "ecb.pepp.cumulative_net_purchases"),
        }
    )
    out = df.join(pepp, how="outer") if len(df) else pepp
    out = out.reindex(columns=[*APP_KEYS, "app", "app_net", "app_adj", "pepp_net", "pepp"])
    out.index = pd.PeriodIndex(out.index, freq="M", name="month")
    return out.sort_index()


def runoff_start(stock: pd.Series, flow: pd.Series) -> tuple[pd.Period, bool] | None:
    """The runoff start and whether it is confirmed; None if there is none.

    Confirmed: the first month of the first :data:`RUN_MONTHS` months in a row with
    ``flow`` below ``-RUN_THRESHOLD`` x the largest ``stock`` so far. Provisional: when
    no such run exists, a shorter run that reaches the latest month held (its first
    month), since the months that would confirm it are not published yet.

    ``stock`` and ``flow`` are monthly (``Period[M]`` index) in one currency.
    """
    s, f = stock.dropna(), flow.dropna()
    f = f[f.index.isin(s.index)]
    running_peak = s.cummax()
    below = f < -RUN_THRESHOLD * running_peak.reindex(f.index)
    run = 0
    for month, hit in below.items():
        run = run + 1 if hit else 0
        if run == RUN_MONTHS:
            return month_of(month) - (RUN_MONTHS - 1), True
    if run:
        return month_of(below.index[-1]) - (run - 1), False
    return None


@dataclass(frozen=True)
class Pace:
    """How fast a stock ran off from ``start`` (first runoff month) to ``last``.

    ``peak`` and the levels are in the stock's own currency [EUR bn or USD bn]; the
    declines in % of the peak.
    """

    start: pd.Period
    last: pd.Period
    peak_month: pd.Period
    peak: float
    level_before: float
    level_last: float
    months: int
    decline_pct: float
    per_month_pct: float
    per_month_12_pct: float | None
    path_pct: pd.Series  # stock / peak [%], index: months since the runoff start (0 = month before)


def runoff_pace(stock: pd.Series, start: pd.Period, end: pd.Period | None = None) -> Pace | None:
    """The pace of runoff of ``stock`` (monthly, one currency) from ``start`` to ``end``
    (default: the last month held); None if the month before ``start`` is not held."""
    s = stock.dropna()
    if end is not None:
        s = s[s.index <= end]
    before = start - 1
    if before not in s.index or s.index.max() < start:
        return None
    upto = s[s.index <= start]
    peak_month = month_of(upto.idxmax())
    peak = float(upto.max())
    after = s[s.index >= before]
    last = month_of(after.index.max())
    months = (last - before).n
    level_before, level_last = at(s, before), at(s, last)
    path = 100.0 * after / peak
    path.index = pd.Index([(month_of(m) - before).n for m in after.index], name="k")
    per12 = None
    if months >= 12:
        per12 = 100.0 * (level_before - at(s, before + 12)) / peak / 12
    return Pace(
        start=start,
        last=last,
        peak_month=peak_month,
        peak=peak,
        level_before=level_before,
        level_last=level_last,
        months=months,
        decline_pct=100.0 * (peak - level_last) / peak,
        per_month_pct=100.0 * (level_before - level_last) / peak / months,
        per_month_12_pct=per12,
        path_pct=path,
    )
