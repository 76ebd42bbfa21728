"""Ten-year equivalents of the Fed's securities holdings: a duration-based scarcity
indicator beside the reserve ratios of D1.

The Board's staff measure the term-premium effect of the SOMA portfolio by the
duration risk it removes from the public, in ten-year equivalents: the par value
of 10-year notes with the same dollar duration (Bonis, Ihrig and Wei, "The Effect
of the Federal Reserve's Securities Holdings on Longer-term Interest Rates", FEDS
Notes, 2017-04-20,
https://www.federalreserve.gov/econres/notes/feds-notes/effect-of-the-federal-reserves-securities-holdings-on-longer-term-interest-rates-20170420.htm).

Approximation used here (no prices in the CUSIP files):

- a coupon security's modified duration is that of a semiannual bond priced at par
  (yield = its coupon): ``D = (1 - (1 + c/2)^(-2T)) / c`` with ``c`` the coupon
  [decimal] and ``T`` the years to maturity; bills (no coupon) ``D = T``;
  floating-rate notes ``D = 0`` (the rate resets weekly); TIPS use their real
  coupon on par plus inflation compensation;
- MBS at an effective duration of :data:`MBS_DURATION` years, an assumption: the
  agency MBS universe measured 4.8 years at the end of 2018 and 2.6 years after
  the 2019 rally (MSCI, "A Reality Check for MBS", 2019); it moves with rates
  and prepayments, so give your own;
- the 10-year equivalent divides dollar duration by the duration of a par 10-year
  note at the 10-year yield of the month.

Model code: no I/O. Amounts [USD bn], durations [years], rates [%].
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from qtlab.errors import SpecError
from qtlab.schema import Kind

__all__ = ["MBS_DURATION", "par_modified_duration", "ten_year_equivalents"]

#: Effective duration of agency MBS assumed [years] (module docstring).
MBS_DURATION: Final = 4.8


def par_modified_duration(coupon: np.ndarray | float, years: np.ndarray | float) -> np.ndarray:
    """Modified duration [years] of a semiannual-coupon bond priced at par.

    ``coupon`` [%] (0 or NaN: a zero-coupon bill, duration ``years``); ``years`` to
    maturity (negative treated as 0)."""
    c = np.nan_to_num(np.asarray(coupon, dtype=float), nan=0.0) / 100.0
    t = np.clip(np.asarray(years, dtype=float), 0.0, None)
    safe = np.where(c > 0, c, 1.0)
    coupon_d = (1.0 - (1.0 + safe / 2.0) ** (-2.0 * t)) / safe
    return np.asarray(np.where(c > 0, coupon_d, t), dtype=float)


def ten_year_equivalents(
    holdings: pd.DataFrame,
    on: pd.Timestamp,
    ten_year_yield: float,
    mbs_amount: float,
    *,
    mbs_duration: float = MBS_DURATION,
) -> pd.Series:
    """Ten-year equivalents [USD bn] of Treasury holdings (by CUSIP) and MBS.

    Parameters
    ----------
    holdings
        Treasury rows of a SOMA holdings file: ``kind`` (bill, note_bond, tips, frn),
        ``coupon`` [%], ``maturity``, ``par`` and ``inflation_comp`` [USD bn].
    on
        The date durations are measured at (the file's as-of date).
    ten_year_yield
        The 10-year yield [%] that prices the reference par note.
    mbs_amount
        MBS holdings [USD bn] (face value) at ``on``.

    Returns
    -------
    pandas.Series
        ``treasury``, ``mbs``, ``total`` [USD bn of 10-year equivalents] and
        ``ten_year_duration`` [years].
    """
    if mbs_duration < 0 or not np.isfinite(mbs_duration):
        raise SpecError(f"mbs_duration={mbs_duration!r} must be a duration in years, >= 0")
    if not 0 < ten_year_yield < 30:
        raise SpecError(f"ten_year_yield={ten_year_yield!r} must be a yield in percent")
    h = holdings
    years = (pd.to_datetime(h["maturity"]) - pd.Timestamp(on)).dt.days.to_numpy() / 365.25
    amount = h["par"].to_numpy(dtype=float) + np.nan_to_num(
        h["inflation_comp"].to_numpy(dtype=float)
    )
    dur = par_modified_duration(h["coupon"].to_numpy(dtype=float), years)
    dur = np.where(h["kind"].to_numpy() == Kind.FRN, 0.0, dur)
    d10 = float(par_modified_duration(ten_year_yield, 10.0))
    treasury = float(np.sum(amount * dur)) / d10
    mbs = float(mbs_amount) * mbs_duration / d10
    return pd.Series(
        {"treasury": treasury, "mbs": mbs, "total": treasury + mbs, "ten_year_duration": d10}
    )
