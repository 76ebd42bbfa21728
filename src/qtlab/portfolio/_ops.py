"""Holdings operations: composition, WAM, maturity buckets, maturity ladder."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.errors import DataError, SpecError, one_of
from qtlab.schema import COUPON_KINDS as _COUPON
from qtlab.schema import HOLDING_KINDS
from qtlab.schema import TREASURY_KINDS as _TREASURY

__all__ = [
    "COUPON_KINDS",
    "DEFAULT_BUCKET_EDGES",
    "TREASURY_KINDS",
    "composition",
    "maturity_buckets",
    "maturity_ladder",
    "wam_years",
]

#: Treasury holding kinds (what the Treasury cap applies to): :data:`qtlab.schema.TREASURY_KINDS`.
TREASURY_KINDS: Final = _TREASURY
#: "Coupon securities" in the Desk's sense: everything Treasury except bills.
COUPON_KINDS: Final = _COUPON
#: Default bucket edges for :func:`maturity_buckets` [years of remaining maturity].
DEFAULT_BUCKET_EDGES: Final = (0.0, 1.0, 3.0, 5.0, 10.0, 20.0, 30.0)

_DAYS_PER_YEAR: Final = 365.25
DateLike = str | date | datetime | pd.Timestamp


def _check(holdings: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in holdings.columns]
    if missing:
        raise DataError(
            f"holdings table lacks column {missing[0]!r}; it needs {one_of(cols)} "
            "(the glossary's holdings columns, e.g. from Dataset.holdings())"
        )
    bad = ~holdings["kind"].isin(HOLDING_KINDS)
    if bad.any():
        raise DataError(
            f"holdings: kind={holdings.loc[bad, 'kind'].iloc[0]!r} is not a holding kind; "
            f"valid kinds are {one_of(HOLDING_KINDS)}"
        )


def _ts(value: DateLike, fld: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise SpecError(
            f"{fld}={value!r} is not a date; give an ISO date such as 2022-06-01"
        ) from exc
    if not isinstance(ts, pd.Timestamp) or pd.isna(ts):
        raise SpecError(f"{fld}={value!r} is not a date; give an ISO date such as 2022-06-01")
    return ts.normalize()


def composition(holdings: pd.DataFrame) -> pd.DataFrame:
    """SOMA composition by kind of security (A5).

    Parameters
    ----------
    holdings
        Holdings table with at least ``kind``, ``par`` [USD bn] and
        ``inflation_comp`` [USD bn].

    Returns
    -------
    pandas.DataFrame
        Indexed by kind (glossary order, only kinds present), columns ``par``
        [USD bn], ``inflation_comp`` [USD bn], ``securities`` (rows) and
        ``share`` [% of total par].
    """
    _check(holdings, ("kind", "par", "inflation_comp"))
    g = holdings.groupby("kind", observed=True).agg(
        par=("par", "sum"), inflation_comp=("inflation_comp", "sum"), securities=("par", "size")
    )
    g = g.reindex([k for k in HOLDING_KINDS if k in g.index])
    g.index.name = "kind"
    total = float(g["par"].sum())
    g["share"] = 100.0 * g["par"] / total if total else np.nan
    g["inflation_comp"] = g["inflation_comp"].fillna(0.0)
    return g


def _remaining_years(holdings: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    mat = pd.to_datetime(holdings["maturity"])
    return (mat - as_of).dt.days / _DAYS_PER_YEAR


def wam_years(
    holdings: pd.DataFrame, as_of: DateLike, *, kinds: Sequence[str] = TREASURY_KINDS
) -> float:
    """Par-weighted average remaining maturity of the Treasury holdings [years] (A5).

    Securities maturing on or before ``as_of`` are left out. Remaining maturity
    is days to maturity / 365.25.

    Raises
    ------
    DataError
        If no security of ``kinds`` is outstanding at ``as_of``.
    """
    _check(holdings, ("kind", "par", "maturity"))
    bad = [k for k in kinds if k not in HOLDING_KINDS]
    if bad:
        raise SpecError(f"kinds: {bad[0]!r} is not a holding kind; valid: {one_of(HOLDING_KINDS)}")
    at = _ts(as_of, "as_of")
    h = holdings.loc[holdings["kind"].isin(list(kinds))]
    yrs = _remaining_years(h, at)
    keep = yrs > 0
    par = h.loc[keep, "par"].to_numpy(float)
    if par.sum() <= 0:
        raise DataError(f"no {one_of(kinds)} holdings outstanding at {at.date()} to average")
    return float(np.dot(par, yrs[keep].to_numpy(float)) / par.sum())


def maturity_buckets(
    holdings: pd.DataFrame,
    as_of: DateLike,
    edges: Sequence[float] = DEFAULT_BUCKET_EDGES,
    *,
    kinds: Sequence[str] = TREASURY_KINDS,
) -> pd.DataFrame:
    """Par by remaining-maturity bucket and kind (A5).

    Parameters
    ----------
    holdings
        Holdings table.
    as_of
        Date remaining maturity is measured from.
    edges
        Increasing bucket edges [years]; buckets are ``(e[i], e[i+1]]`` and a
        last open bucket ``> e[-1]`` is added.
    kinds
        Kinds to include (default Treasury).

    Returns
    -------
    pandas.DataFrame
        Index: bucket labels (``"0-1y"``, ..., ``">30y"``); columns: one per
        kind [USD bn], ``total`` [USD bn] and ``share`` [% of the total].
    """
    _check(holdings, ("kind", "par", "maturity"))
    e = [float(x) for x in edges]
    if len(e) < 2 or any(b <= a for a, b in itertools.pairwise(e)) or e[0] < 0:
        raise SpecError(f"edges={list(edges)!r} must be >= 2 increasing non-negative years")
    at = _ts(as_of, "as_of")
    h = holdings.loc[holdings["kind"].isin(list(kinds))]
    yrs = _remaining_years(h, at)
    h = h.loc[yrs > 0]
    yrs = yrs[yrs > 0]
    labels = [f"{a:g}-{b:g}y" for a, b in itertools.pairwise(e)] + [f">{e[-1]:g}y"]
    cut = pd.cut(yrs, [*e, np.inf], labels=labels, right=True)
    tab = (
        h.assign(bucket=cut)
        .pivot_table(index="bucket", columns="kind", values="par", aggfunc="sum", observed=False)
        .reindex(index=labels, columns=[k for k in kinds])
        .fillna(0.0)
    )
    tab.index.name = "bucket"
    tab.columns.name = None
    tab["total"] = tab.sum(axis=1)
    tot = float(tab["total"].sum())
    tab["share"] = 100.0 * tab["total"] / tot if tot else np.nan
    return tab


def maturity_ladder(holdings: pd.DataFrame, start: MonthLike, months: int = 24) -> pd.DataFrame:
    """Treasury par maturing in each calendar month, bills versus coupons (B1, A5).

    Only the securities in ``holdings`` are counted (no rollover of what
    matures: for a ladder that includes rolled-over securities use the engine).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Period[M]`` from ``start`` for ``months`` months; columns
        ``bills``, ``coupons`` (= ``note_bond + tips + frn``), ``note_bond``,
        ``tips``, ``frn``, ``total`` [USD bn of par maturing].
    """
    _check(holdings, ("kind", "par", "maturity"))
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise SpecError(f"months={months!r} must be a positive integer")
    s = to_month(start, field="start")
    idx = pd.period_range(s, periods=months, freq="M", name="month")
    h = holdings.loc[holdings["kind"].isin(list(TREASURY_KINDS))]
    m = pd.to_datetime(h["maturity"]).dt.to_period("M")
    tab = (
        h.assign(month=m)
        .pivot_table(index="month", columns="kind", values="par", aggfunc="sum")
        .reindex(index=idx, columns=list(TREASURY_KINDS))
        .fillna(0.0)
    )
    tab.columns.name = None
    out = pd.DataFrame(index=idx)
    out["bills"] = tab["bill"]
    out["coupons"] = tab[list(COUPON_KINDS)].sum(axis=1)
    for k in COUPON_KINDS:
        out[k] = tab[k]
    out["total"] = out["bills"] + out["coupons"]
    return out
