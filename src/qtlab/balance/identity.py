"""The Federal Reserve balance-sheet identity from H.4.1 data (C1, C2 history).

Assets equal liabilities plus capital. On the liability side qtlab names

- reserves: reserve balances with Federal Reserve Banks (``WRESBAL``);
- ON RRP: overnight reverse repurchase agreements with counterparties in the
  facility (daily take-up ``RRPONTSYD``);
- TGA: the Treasury General Account (``WTREGEN``, week average; where that ends, its
  Wednesday level ``WDTGAL`` when given, stated in ``attrs``);
- currency: currency in circulation (``WCURCIR``), when available;
- other liabilities and capital: everything else (foreign official reverse
  repos, other deposits, deferred availability, Treasury contributions, capital).

qtlab never invents a currency series: the residual block ``currency_other`` =
currency + other liabilities and capital = total assets minus reserves, ON RRP and
TGA is always computed, and where currency is observed (the embedded snapshot holds
``WCURCIR`` from 2002-12-18) it is split into ``currency`` and ``other_capital``, so
that ``total_assets = reserves + on_rrp + tga + currency + other_capital`` exactly.

Weekly convention
-----------------
:data:`CONVENTION` states it: total assets are **Wednesday levels**; reserves,
TGA and currency are **averages of daily figures over the week ending
Wednesday**; ON RRP is averaged here over the same seven calendar days (a
Friday's take-up carries over the weekend, as an overnight trade does). The
residual block therefore mixes one Wednesday level with week averages, and on
weeks with large intra-week swings (tax dates, quarter ends) it carries the
difference. Monthly figures are built from the weekly ones by a named rule
(``"mean"`` of the month's weeks, or ``"last"`` week of the month).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import MONTHLY_RULES
from qtlab.errors import DataError, SpecError, one_of

__all__ = [
    "BLOCK",
    "CONVENTION",
    "LIABILITY_COLUMNS",
    "balance_sheet",
    "monthly_balance_sheet",
    "on_rrp_weekly",
]

#: The label of the residual block when currency is not available.
BLOCK: Final = "currency_other"
#: Columns of the balance-sheet frames, in order (those present depend on the inputs).
LIABILITY_COLUMNS: Final = (
    "total_assets",
    "reserves",
    "on_rrp",
    "tga",
    "currency",
    "other_capital",
    BLOCK,
)
CONVENTION: Final = (
    "H.4.1 weekly convention: total assets (WALCL) are Wednesday levels; reserves (WRESBAL), "
    "the TGA (WTREGEN) and currency (WCURCIR) are averages of daily figures over the week "
    "ending Wednesday; ON RRP (RRPONTSYD, daily) is averaged over the same seven calendar "
    "days, a Friday's take-up carried over the weekend. 'currency_other' = currency + other "
    "liabilities and capital = total assets - reserves - ON RRP - TGA (a residual, not a "
    "published series); where currency is observed it is split into 'currency' and "
    "'other_capital' (= the residual minus currency)."
)
_CARRY_DAYS = 3  # an overnight trade on Friday (or before a Monday holiday) carries 3 days


def on_rrp_weekly(daily: pd.Series) -> pd.Series:
    """ON RRP take-up averaged over the weeks ending Wednesday [USD bn].

    Parameters
    ----------
    daily
        Daily ON RRP take-up (``RRPONTSYD``) indexed by business day [USD bn].

    Returns
    -------
    pandas.Series
        One value per week, dated on the Wednesday that ends it (H.4.1 dating).
        Each calendar day takes the latest take-up of at most
        three days before (weekends, Monday holidays); days further from any
        operation count as zero (the facility was used only sporadically
        before 2013).
    """
    if daily.empty:
        raise DataError("the ON RRP series is empty; expected daily take-up [USD bn]")
    s = pd.Series(daily.to_numpy(dtype=float), index=pd.DatetimeIndex(daily.index)).sort_index()
    days = pd.date_range(s.index[0], s.index[-1], freq="D")
    filled = s.reindex(days).ffill(limit=_CARRY_DAYS).fillna(0.0)
    weekly = filled.resample("W-WED").mean()
    # the first and last weeks may be partial: keep only complete weeks
    first_full = days[0] + pd.Timedelta(days=6)
    weekly = weekly[(weekly.index >= first_full) & (weekly.index <= days[-1])]
    weekly.name = "on_rrp"
    weekly.index.name = "date"
    return weekly


def _weekly(s: pd.Series, name: str) -> pd.Series:
    dates = pd.DatetimeIndex(s.index)
    out = pd.Series(s.to_numpy(dtype=float), index=dates, name=name)
    bad = dates[dates.day_of_week != 2]
    if len(bad):
        raise DataError(
            f"{name}: H.4.1 weekly data must be dated on Wednesdays; {bad[0].date()} is a "
            f"{bad[0].day_name()}"
        )
    return out.sort_index()


def balance_sheet(
    total_assets: pd.Series,
    reserves: pd.Series,
    on_rrp_daily: pd.Series,
    tga: pd.Series,
    currency: pd.Series | None = None,
    tga_wednesday: pd.Series | None = None,
) -> pd.DataFrame:
    """The weekly H.4.1 balance sheet with the identity closed [USD bn].

    Parameters
    ----------
    total_assets
        ``WALCL``, Wednesday levels [USD bn].
    reserves
        ``WRESBAL``, week averages [USD bn].
    on_rrp_daily
        ``RRPONTSYD``, daily take-up [USD bn]; averaged by :func:`on_rrp_weekly`.
    tga
        ``WTREGEN``, week averages [USD bn]. Weeks after its last date have no
        TGA and no residual block (they are kept, with ``NaN``).
    currency
        ``WCURCIR``, week averages [USD bn], if available. Without it the
        frame carries the block ``currency_other``; with it, ``currency`` and
        ``other_capital`` (and ``currency_other`` = their sum).
    tga_wednesday
        ``WDTGAL``, the TGA's Wednesday level [USD bn], if available: used only for
        the weeks after the last week average of ``tga`` (a later vintage of the
        week average may not be out yet); ``attrs['tga_wednesday_from']`` is the
        first such week (None when none is used).

    Returns
    -------
    pandas.DataFrame
        Indexed by Wednesday, columns among :data:`LIABILITY_COLUMNS`; the
        identity ``total_assets = reserves + on_rrp + tga + currency_other``
        holds exactly where all are present. ``attrs['convention']`` is
        :data:`CONVENTION`.
    """
    a = _weekly(total_assets, "total_assets")
    r = _weekly(reserves, "reserves")
    frame = pd.concat([a, r], axis=1, join="inner")
    if frame.empty:
        raise DataError("total assets and reserves share no Wednesday; check the inputs")
    frame["on_rrp"] = on_rrp_weekly(on_rrp_daily).reindex(frame.index)
    # before the first ON RRP operation there was no facility: zero, not missing
    first_rrp = pd.Timestamp(on_rrp_daily.index.min())
    frame.loc[frame.index < first_rrp, "on_rrp"] = 0.0
    frame["tga"] = _weekly(tga, "tga").reindex(frame.index)
    frame.attrs["tga_wednesday_from"] = None
    if tga_wednesday is not None and not tga.empty:
        later = frame.index > pd.Timestamp(pd.DatetimeIndex(tga.index).max())
        level = _weekly(tga_wednesday, "tga_wednesday").reindex(frame.index)
        fill = later & frame["tga"].isna() & level.notna()
        if fill.any():
            frame.loc[fill, "tga"] = level[fill]
            frame.attrs["tga_wednesday_from"] = frame.index[fill][0]
    block = frame["total_assets"] - frame["reserves"] - frame["on_rrp"] - frame["tga"]
    if currency is not None:
        frame["currency"] = _weekly(currency, "currency").reindex(frame.index)
        frame["other_capital"] = block - frame["currency"]
    frame[BLOCK] = block
    frame.index.name = "date"
    frame.attrs["convention"] = CONVENTION
    return frame


def monthly_balance_sheet(weekly: pd.DataFrame, how: str = "mean") -> pd.DataFrame:
    """Monthly balance sheet from :func:`balance_sheet`'s weekly frame [USD bn].

    Parameters
    ----------
    weekly
        The weekly frame.
    how
        ``"mean"`` (average of the month's Wednesdays) or ``"last"`` (the last
        Wednesday of the month). Both keep the identity exact (it is linear).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Period[M]``; ``attrs['convention']`` adds the monthly rule.
    """
    if how not in MONTHLY_RULES:
        raise SpecError(
            f"how={how!r} is not a monthly rule; valid rules are {one_of(MONTHLY_RULES)}"
        )
    months = pd.DatetimeIndex(weekly.index).to_period("M")
    g = weekly.groupby(months)
    if how == "mean":
        # a month's value is missing if any of its weeks is (no partial averages)
        out = g.mean().mask(g.count().lt(g.size(), axis=0))
    else:  # the last Wednesday's row as it is (missing stays missing)
        out = weekly.groupby(months).tail(1)
        out.index = pd.DatetimeIndex(out.index).to_period("M")
    out.index = pd.PeriodIndex(out.index, freq="M", name="month")
    rule = "average of the month's weeks" if how == "mean" else "last Wednesday of the month"
    out.attrs["convention"] = f"{weekly.attrs.get('convention', CONVENTION)} Monthly: {rule}."
    out.attrs["monthly_rule"] = how
    return out.astype(np.float64)
