"""MBS principal paydowns: where the engine's MBS principal comes from.

A paydown source answers one question: in each month, what fraction of the
start-of-month MBS par is repaid? Anything with a ``rates`` method of the
:class:`PaydownSource` shape can be used (the prepayment models implement it);
a user path of amounts is a :class:`PaydownPath`, converted to rates inside the
engine against the projected balance (and capped at it).

Month convention: a month's paydowns are the principal paid in that calendar
month (agency MBS pay on the 15th, 20th or 25th); the balance "at the start of
month m" is the balance after every payment of month m-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.errors import DataError, DateRangeError, SpecError, one_of, quoted
from qtlab.prepay.model import smm_from_cpr as _smm

__all__ = [
    "ConstantPaydownRate",
    "PaydownAmounts",
    "PaydownPath",
    "PaydownSource",
    "RealizedPaydowns",
    "SplicedPaydowns",
    "smm_from_cpr",
]


@runtime_checkable
class PaydownSource(Protocol):
    """A source of monthly MBS paydown rates."""

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """Fraction [0..1] of start-of-month MBS par repaid in each month.

        Shape ``(n_months,)`` or ``(n_scenarios, n_months)``.
        """
        ...


@runtime_checkable
class PaydownAmounts(Protocol):
    """A source of monthly MBS paydown amounts [USD bn] (capped at the balance by the engine)."""

    def amounts(self, months: pd.PeriodIndex) -> np.ndarray:
        """Paydowns in each month [USD bn], shape ``(n_months,)`` or ``(n_scenarios, n_months)``."""
        ...


def smm_from_cpr(cpr: float) -> float:
    """Single monthly mortality from an annual conditional prepayment rate: ``1-(1-CPR)^(1/12)``.

    ``cpr`` and the result are fractions [0..1].
    """
    if not 0 <= cpr <= 1:
        raise SpecError(f"cpr={quoted(cpr)} must be a fraction in [0, 1] (e.g. 0.08 for 8% a year)")
    return float(_smm(cpr))


@dataclass(frozen=True)
class ConstantPaydownRate:
    """The same fraction of the balance repaid every month.

    Parameters
    ----------
    monthly
        Fraction of start-of-month par repaid each month [0..1] (e.g.
        :func:`smm_from_cpr` of an annual rate).
    """

    monthly: float

    def __post_init__(self) -> None:
        if not 0 <= self.monthly <= 1:
            raise SpecError(f"monthly={quoted(self.monthly)} must be a fraction in [0, 1]")

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """``monthly`` for every month, shape ``(n_months,)``."""
        return np.full(len(months), float(self.monthly))


@dataclass(frozen=True)
class PaydownPath:
    """A user path of monthly MBS paydowns [USD bn].

    Parameters
    ----------
    amounts_bn
        Paydown per month [USD bn], indexed by ``Period[M]`` (or anything
        :func:`pandas.Period` accepts as months). Months the projection needs
        but the path lacks are an error, unless ``fill`` is given.
    fill
        Amount for months missing from the path [USD bn], or ``None`` to refuse.
    """

    amounts_bn: pd.Series
    fill: float | None = None

    def __post_init__(self) -> None:
        s = pd.Series(self.amounts_bn, dtype=float).copy()
        try:
            s.index = pd.PeriodIndex(
                [to_month(m, field="paydown month") for m in s.index], freq="M"
            )
        except SpecError as exc:
            raise SpecError(f"PaydownPath: {exc}") from exc
        if s.index.has_duplicates:
            raise SpecError("PaydownPath: a month appears twice")
        if (s < 0).any() or s.isna().any() or not np.isfinite(s.to_numpy(float)).all():
            raise SpecError(
                f"PaydownPath: amounts must be >= 0 [USD bn]; got "
                f"{quoted(s[(s < 0) | ~np.isfinite(s.to_numpy(float))].iloc[0])}"
            )
        object.__setattr__(self, "amounts_bn", s.sort_index())

    @classmethod
    def from_csv_frame(cls, df: pd.DataFrame, *, fill: float | None = None) -> PaydownPath:
        """From a frame with columns ``month`` (``YYYY-MM``) and ``paydowns`` [USD bn]."""
        need = ("month", "paydowns")
        missing = [c for c in need if c not in df.columns]
        if missing:
            raise SpecError(
                f"paydown file lacks column {quoted(missing[0])}; it needs {one_of(need)} "
                "(month as YYYY-MM, paydowns in USD bn)"
            )
        amounts = pd.to_numeric(df["paydowns"], errors="coerce")
        if amounts.isna().any():
            bad = df["paydowns"][amounts.isna()].iloc[0]
            raise SpecError(
                f"paydown file: paydowns={quoted(bad)} is not a number (USD bn per month)"
            )
        return cls(pd.Series(amounts.to_numpy(float), index=df["month"].astype(str)), fill=fill)

    def amounts(self, months: pd.PeriodIndex) -> np.ndarray:
        """Paydown amounts for ``months`` [USD bn], shape ``(n_months,)``."""
        s = self.amounts_bn.reindex(months)
        if s.isna().any():
            if self.fill is None:
                raise DateRangeError(
                    f"PaydownPath has no amount for {s[s.isna()].index[0]}; it covers "
                    f"{self.amounts_bn.index.min()}..{self.amounts_bn.index.max()}. "
                    "Extend the path or give fill="
                )
            s = s.fillna(self.fill)
        return s.to_numpy(float)


@dataclass(frozen=True)
class RealizedPaydowns:
    """Paydown rates observed in the weekly SOMA MBS holdings, where nothing was bought.

    Built from the NY Fed weekly summary (series ``soma.mbs`` [USD bn]). While
    the Fed makes no MBS purchases (2022-10 onwards: QT2 paydowns stayed below
    the 35 bn cap, and from 2025-12 agency principal went to bills), the MBS
    balance moves only when principal is paid, so paydowns are balance changes.

    Lumpy payment timing: agency MBS pay on the 15th (Ginnie Mae I), 20th
    (Ginnie Mae II) and 25th (UMBS); the weekly balance steps on those dates.
    Month-end (last Wednesday) balances would put a month's UMBS payment in
    the next month whenever the last Wednesday falls before the 25th (e.g.
    2023-02-22), making months of nearly zero and then double paydowns. So the
    balance at the start of month m, ``B_m``, is read at the first weekly
    observation on or after the 1st of m (the 1st-7th: every payment of month
    m-1 is in, none of month m), and the month-m rate is ``(B_m - B_{m+1}) / B_m``.

    Parameters
    ----------
    weekly
        Weekly SOMA MBS par [USD bn] indexed by date (``Dataset.series("soma.mbs")``).
    first, last
        Months whose rates are taken from the data (default ``2022-10`` to the
        last month with a following observation). A rise in the balance inside
        the window (a purchase) is an error.
    fill
        Months outside the window: ``"nearest"`` uses the nearest observed
        month's rate (so projection months before 2022-10, when reinvestment
        hides paydowns, take October 2022's rate), ``"error"`` refuses.
    max_rise
        Largest week-on-week rise tolerated inside the window [USD bn] (a late
        settlement of 0.51 on 2022-10-19 is the only one after September 2022);
        a larger rise is a purchase and an error.
    """

    weekly: pd.Series = field(repr=False)
    first: MonthLike = "2022-10"
    last: MonthLike | None = None
    fill: Literal["nearest", "error"] = "nearest"
    max_rise: float = 1.0

    def __post_init__(self) -> None:
        if self.fill not in ("nearest", "error"):
            raise SpecError(f"fill={quoted(self.fill)}; valid: 'nearest' or 'error'")
        object.__setattr__(self, "_rates", self._compute())

    def _compute(self) -> pd.Series:
        s = pd.Series(self.weekly, dtype=float).dropna().sort_index()
        s.index = pd.DatetimeIndex(s.index)
        if s.empty:
            raise DataError("RealizedPaydowns: the weekly MBS series is empty")
        first = to_month(self.first, field="first")
        months = s.index.to_period("M")
        start_bal = s.groupby(months).first()  # first observation of each month
        last_avail = start_bal.index.max() - 1
        last = to_month(self.last, field="last") if self.last is not None else last_avail
        if last > last_avail or first < start_bal.index.min() or last < first:
            raise DateRangeError(
                f"RealizedPaydowns: months {first}..{last} are not covered by the weekly series "
                f"({start_bal.index.min()}..{last_avail} can be measured)"
            )
        window = pd.period_range(first, last, freq="M")
        b = start_bal.reindex(pd.period_range(first, last + 1, freq="M"))
        if b.isna().any():
            raise DataError(f"RealizedPaydowns: no weekly observation in {b[b.isna()].index[0]}")
        lo, hi = b.index[0].start_time, b.index[-1].start_time + pd.Timedelta(days=6)
        inside = s[(s.index >= lo) & (s.index <= hi)]
        rises = inside.diff()
        if (rises > self.max_rise).any():
            when = rises[rises > self.max_rise].index[0].date()
            raise DataError(
                f"RealizedPaydowns: the MBS balance rises on {when} (a purchase), so paydowns "
                f"cannot be read from the balance there; choose first/last outside purchase months"
            )
        vals = b.to_numpy(float)
        return pd.Series((vals[:-1] - vals[1:]) / vals[:-1], index=window, name="rate")

    @property
    def observed(self) -> pd.Series:
        """The measured monthly rates [fraction of start-of-month par], indexed by month."""
        return self._rates.copy()  # type: ignore[attr-defined,no-any-return]

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """Rates for ``months``, shape ``(n_months,)``, filled outside the window per ``fill``."""
        obs: pd.Series = self._rates  # type: ignore[attr-defined]
        out = obs.reindex(months)
        if out.isna().any():
            if self.fill == "error":
                raise DateRangeError(
                    f"RealizedPaydowns: no realized rate for {out[out.isna()].index[0]}; data "
                    f"cover {obs.index.min()}..{obs.index.max()} (use fill='nearest')"
                )
            before = months < obs.index.min()
            out[before] = obs.iloc[0]
            out[~before & out.isna()] = obs.iloc[-1]
        return out.to_numpy(float)


class SplicedPaydowns:
    """MBS paydown rates: realized where the weekly data measure them, a model after.

    Parameters
    ----------
    realized
        Rates measured in the weekly SOMA MBS balance, or ``None`` when the vantage date
        shows no month without purchases (before 2022-11).
    model
        The prepayment model's source (any ``rates(months)``, one path or one per
        scenario), for every later month.

    Notes
    -----
    ``rates(months)`` returns the fraction [0..1] of start-of-month par repaid: months up
    to :attr:`last_realized` from ``realized`` (the same in every scenario), later ones
    from ``model``; shape ``(n_months,)``, or ``(n_scenarios, n_months)`` when the model
    gives one path per scenario.
    """

    def __init__(self, realized: RealizedPaydowns | None, model: PaydownSource) -> None:
        self.realized = realized
        self.model = model

    @property
    def last_realized(self) -> pd.Period | None:
        """The last month whose rate is measured in the weekly data."""
        return None if self.realized is None else pd.Period(self.realized.observed.index.max())

    def __repr__(self) -> str:
        return f"SplicedPaydowns(realized_to={self.last_realized}, model={quoted(self.model)})"

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        """Fraction of start-of-month MBS par repaid in each of ``months`` [0..1]."""
        m = pd.PeriodIndex(months, freq="M")
        last = self.last_realized
        real = np.zeros(len(m), dtype=bool) if last is None else np.asarray(m <= last)
        model = np.asarray(self.model.rates(m), dtype=float)
        if self.realized is None or not real.any():
            return model
        out = model.copy()
        out[..., real] = self.realized.rates(m[real])
        return out


def _as_2d(
    a: Sequence[float] | np.ndarray, n_months: int, what: str, *, signed: bool = False
) -> np.ndarray:
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_months:
        raise SpecError(
            f"{what}: expected shape (n_months,) or (n_scenarios, n_months) with n_months="
            f"{n_months}; got {np.asarray(a).shape}"
        )
    if not np.isfinite(arr).all() or (not signed and (arr < 0).any()):
        raise SpecError(f"{what}: values must be finite" + ("" if signed else " and >= 0"))
    return arr
