"""A liability model estimated from the data (C2): currency, TGA, ON RRP, the rest.

Each piece is a small frozen model object. ``Model.fit(history, end)`` estimates it
on the months up to ``end`` (the caller cuts ``end`` at the vantage, so nothing
published later enters) and returns a frozen result that projects a monthly path
[USD bn]:

- :class:`CurrencyTrend`: currency in circulation grows at its average monthly log
  growth over a sample (default: the five years to ``end``), with the standard
  error of that average; months can be left out of the sample (``exclude``, e.g.
  :data:`CURRENCY_SURGE`, the 2020-21 pandemic surge);
- :class:`CurrencyRate`: currency demand falls with its opportunity cost: the monthly
  log growth regressed on the 3-month bill yield over a long sample (default 2003 on,
  the surge left out), projected along a stated rate path (e.g. the SEP median
  visible at the vantage);
- :class:`TgaSeasonal`: the TGA at a level (the Treasury's stated cash-balance
  target where the user gives it, else the mean of the last ``recent`` months)
  times a calendar-month pattern (tax dates, quarter ends): the mean ratio of each
  calendar month to its 12-month block over the last ``years`` years. Debt-ceiling
  episodes are a scenario (a user TGA path), not assumed;
- :class:`Decay`: a level that decays geometrically to a long-run level (other
  liabilities and capital, including the deferred asset; other assets such as
  loans and facilities), estimated as an AR(1) in levels over ``window`` months or
  stated by the user (``half_life``, ``level``);
- :class:`RrpSupply`: ON RRP driven by the bills held outside the Fed and the
  spread of the 3-month bill yield to the ON RRP rate, an OLS in levels, so ON RRP
  can rise while reserves fall (2022).

Model code: no I/O; inputs are monthly pandas Series (``Period[M]`` index).
Each estimator has a plain-loop reference (``*_reference``) the tests compare to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import require_monthly, to_month
from qtlab.balance.step import compound_monthly
from qtlab.errors import DataError, SpecError

__all__ = [
    "CURRENCY_SURGE",
    "DEBT_LIMIT_EPISODES",
    "CurrencyFit",
    "CurrencyRate",
    "CurrencyRateFit",
    "CurrencyTrend",
    "Decay",
    "DecayFit",
    "LiabilityModelFit",
    "RrpFit",
    "RrpSupply",
    "TgaFit",
    "TgaSeasonal",
    "currency_growth_reference",
    "currency_rate_reference",
    "decay_reference",
]


def _window(s: pd.Series, end: pd.Period | str, months: int, what: str) -> pd.Series:
    """The last ``months`` months of ``s`` up to ``end`` (missing months dropped)."""
    _check_months(s, what)
    e = to_month(end, field="end")
    x = s[(s.index <= e) & (s.index > e - months)].dropna()
    if len(x) < 3:
        raise DataError(
            f"{what}: {len(x)} month(s) with data in the {months} months to {e}; the fit "
            "needs at least 3"
        )
    return require_monthly(x.astype(float), what)


def _check_months(s: pd.Series, what: str) -> None:
    if not isinstance(s.index, pd.PeriodIndex) or s.index.freqstr != "M":
        raise SpecError(f"{what} must be a pandas Series indexed by Period[M] (calendar months)")


# --- currency -------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyFit:
    """Currency trend growth [% a year] and its standard error [percentage points]."""

    growth: float
    se: float
    start: pd.Period
    end: pd.Period
    months: int
    #: Standard deviation of the monthly log change around its mean [fraction]: the
    #: residual of the trend, a random walk's monthly shock (Monte-Carlo bands).
    monthly_sd: float = 0.0

    def path(self, level0: float, idx: pd.PeriodIndex) -> pd.Series:
        """Currency [USD bn] on ``idx`` from ``level0`` in the month before ``idx[0]``."""
        k = np.arange(1, len(idx) + 1)
        return pd.Series(compound_monthly(level0, self.growth, k), index=idx, name="currency")

    def describe(self) -> str:
        return (
            f"currency grows {self.growth:.1f}% a year (s.e. {self.se:.1f} pp; mean growth "
            f"{self.start}..{self.end})"
        )


#: The pandemic surge in currency demand (H.4.1 currency grew about 16% in the twelve
#: months to March 2021, against 5-7% a year in 2015-2019): the months of March 2020 to
#: June 2021, which :class:`CurrencyTrend` can leave out of its sample (``exclude``).
CURRENCY_SURGE: Final[tuple[tuple[str, str], ...]] = (("2020-03", "2021-06"),)


@dataclass(frozen=True)
class CurrencyTrend:
    """Currency trend over the ``years`` years to the fit's end month (user-settable),
    leaving out the monthly changes into the months of ``exclude`` (inclusive
    ``(first, last)`` month pairs; default none)."""

    years: int = 5
    exclude: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.years <= 30:
            raise SpecError(f"years={self.years!r} must be 1..30")
        for a, b in self.exclude:
            if to_month(a, field="exclude") > to_month(b, field="exclude"):
                raise SpecError(f"exclude=({a!r}, {b!r}): the first month is after the last")

    def fit(self, currency: pd.Series, end: pd.Period | str) -> CurrencyFit:
        """Fit on monthly currency [USD bn] through ``end``."""
        x = _window(currency, end, 12 * self.years + 1, "currency")
        d = np.diff(np.log(x.to_numpy(dtype=float)))
        d = d[~_episode_months(pd.PeriodIndex(x.index[1:]), self.exclude)]
        if len(d) < 2:
            raise DataError(
                f"currency: {len(d)} monthly change(s) in {x.index[0]}..{x.index[-1]} outside "
                f"the excluded months {self.exclude}; the fit needs at least 2"
            )
        mean = float(d.mean())
        sd = float(d.std(ddof=1))
        growth = 100.0 * (math.exp(12.0 * mean) - 1.0)
        # delta method: d growth / d mean = 12 * exp(12 mean) [x100]
        se = 100.0 * 12.0 * math.exp(12.0 * mean) * sd / math.sqrt(len(d))
        return CurrencyFit(growth, se, x.index[0], x.index[-1], len(x), sd)


def currency_growth_reference(
    levels: list[float], keep: list[bool] | None = None
) -> tuple[float, float]:
    """Plain loop: (growth [% a year], s.e. [pp]) from consecutive monthly levels; ``keep[i]``
    False leaves out the change from month ``i`` to ``i + 1``."""
    d = [
        math.log(levels[i + 1]) - math.log(levels[i])
        for i in range(len(levels) - 1)
        if keep is None or keep[i]
    ]
    n = len(d)
    m = sum(d) / n
    var = sum((v - m) ** 2 for v in d) / (n - 1)
    g = 100.0 * (math.exp(12 * m) - 1)
    return g, 100.0 * 12 * math.exp(12 * m) * math.sqrt(var / n)


@dataclass(frozen=True)
class CurrencyRateFit:
    """Currency growth = ``const`` + ``slope`` x 3-month bill yield [% a year, log growth;
    slope in pp per pp], with standard errors, projected along ``rates`` [%] (monthly; the
    last value carries on past its end)."""

    const: float
    slope: float
    se_const: float
    se_slope: float
    start: pd.Period
    end: pd.Period
    months: int
    rates: pd.Series | None = None
    #: Residual standard deviation of the monthly log change [fraction] (Monte-Carlo bands).
    monthly_sd: float = 0.0

    def growth(self, rate: float) -> float:
        """Growth [% a year, compounded monthly] at a bill yield ``rate`` [%]."""
        return 100.0 * (math.exp((self.const + self.slope * rate) / 100.0) - 1.0)

    def along(self, rates: pd.Series) -> CurrencyRateFit:
        """The same fit projected along ``rates`` [%], a monthly ``Period[M]`` Series."""
        _check_months(rates, "rates")
        if rates.dropna().empty:
            raise DataError("rates: the rate path has no value")
        return replace(self, rates=rates.dropna().astype(float))

    def path(self, level0: float, idx: pd.PeriodIndex) -> pd.Series:
        """Currency [USD bn] on ``idx`` from ``level0`` in the month before ``idx[0]``."""
        if self.rates is None:
            raise SpecError("the currency rate model needs a rate path: call along(rates) first")
        r = self.rates.reindex(self.rates.index.union(idx)).ffill().bfill().reindex(idx)
        logg = (self.const + self.slope * r.to_numpy(dtype=float)) / 1200.0
        return pd.Series(level0 * np.exp(np.cumsum(logg)), index=idx, name="currency")

    def describe(self) -> str:
        return (
            f"currency grows {self.const:.1f}% {self.slope:+.2f} x the 3-month bill yield a "
            f"year (log; s.e. {self.se_const:.1f}, {self.se_slope:.2f}; {self.start}..{self.end})"
        )


@dataclass(frozen=True)
class CurrencyRate:
    """OLS of currency's monthly log growth [% a year] on the month's mean 3-month bill
    yield [%] from ``start`` to the fit's end month, leaving out the months of
    ``exclude`` (default :data:`CURRENCY_SURGE`)."""

    start: str = "2003-01"
    exclude: tuple[tuple[str, str], ...] = CURRENCY_SURGE

    def fit(self, currency: pd.Series, rate: pd.Series, end: pd.Period | str) -> CurrencyRateFit:
        """Fit on monthly currency [USD bn] and the 3-month bill yield [%] through ``end``."""
        _check_months(currency, "currency")
        _check_months(rate, "rate")
        s, e = to_month(self.start, field="start"), to_month(end, field="end")
        lc = pd.Series(np.log(currency.to_numpy(dtype=float)), index=currency.index)
        g = 1200.0 * lc.diff()
        f = pd.concat([g, rate.astype(float)], axis=1).dropna()
        f = f[(f.index >= s) & (f.index <= e)]
        f = f[~_episode_months(pd.PeriodIndex(f.index), self.exclude)]
        if len(f) < 12:
            raise DataError(f"currency rate model: {len(f)} month(s) in {s}..{e}; need 12")
        y = f.iloc[:, 0].to_numpy(float)
        x = f.iloc[:, 1].to_numpy(float)
        design = np.column_stack([np.ones(len(y)), x])
        beta, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ beta
        s2 = float(resid @ resid) / (len(y) - 2)
        se = np.sqrt(np.diag(s2 * np.linalg.pinv(np.asarray(design.T @ design, dtype=float))))
        months = pd.PeriodIndex(f.index)
        return CurrencyRateFit(
            float(beta[0]), float(beta[1]), float(se[0]), float(se[1]), months[0],
            months[-1], len(y), None, math.sqrt(s2) / 1200.0,
        )  # fmt: skip


def currency_rate_reference(
    levels: list[float], rates: list[float], keep: list[bool]
) -> tuple[float, float]:
    """Plain loop: (const, slope) of 1200 x log(levels[i+1] / levels[i]) on rates[i+1],
    over the changes with ``keep[i]``."""
    ys, xs = [], []
    for i in range(len(levels) - 1):
        if keep[i]:
            ys.append(1200.0 * math.log(levels[i + 1] / levels[i]))
            xs.append(rates[i + 1])
    n = len(ys)
    mx, my = sum(xs) / n, sum(ys) / n
    b = sum((xs[i] - mx) * (ys[i] - my) for i in range(n)) / sum((v - mx) ** 2 for v in xs)
    return my - b * mx, b


# --- TGA -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TgaFit:
    """TGA level [USD bn] and calendar-month factors (January first, mean 1)."""

    level: float
    factors: tuple[float, ...]
    source: str  # "target" or "history"
    end: pd.Period
    #: Residual of the months outside the episodes around the pattern (each month's
    #: ratio to its 12-month block mean minus its calendar factor, times ``level``):
    #: standard deviation [USD bn] and first-order autocorrelation (Monte-Carlo bands).
    resid_sd: float = 0.0
    resid_ar1: float = 0.0

    def path(self, idx: pd.PeriodIndex) -> pd.Series:
        """The TGA [USD bn] on ``idx``."""
        f = np.array(self.factors)[np.asarray(idx.month) - 1]
        return pd.Series(self.level * f, index=idx, name="tga")

    def describe(self) -> str:
        what = (
            "the Treasury's stated target"
            if self.source == "target"
            else f"its recent mean outside debt-limit episodes, to {self.end}"
        )
        lo, hi = min(self.factors), max(self.factors)
        return (
            f"TGA {self.level:,.0f} bn ({what}) times a calendar-month pattern ({lo:.2f}..{hi:.2f})"
        )


#: Debt-limit episodes (Treasury under extraordinary measures, from the Secretary's
#: letters to Congress, to the suspension or increase of the limit): the TGA was run down
#: and rebuilt, so these months are left out of the TGA's level and calendar pattern.
DEBT_LIMIT_EPISODES: Final[tuple[tuple[str, str], ...]] = (
    ("2015-03-16", "2015-11-02"),
    ("2017-03-16", "2017-09-08"),
    ("2017-12-08", "2018-02-09"),
    ("2019-03-04", "2019-08-02"),
    ("2021-08-02", "2021-12-16"),
    ("2023-01-19", "2023-06-03"),
    ("2025-01-21", "2025-07-04"),
)


def _episode_months(idx: pd.PeriodIndex, episodes: tuple[tuple[str, str], ...]) -> np.ndarray:
    out = np.zeros(len(idx), dtype=bool)
    for a, b in episodes:
        out |= np.asarray((idx >= pd.Period(a, "M")) & (idx <= pd.Period(b, "M")))
    return out


@dataclass(frozen=True)
class TgaSeasonal:
    """TGA: level (``target`` or the mean of the last ``recent`` months) x seasonal factors,
    both measured outside the debt-limit ``episodes`` (a scenario, not assumed)."""

    years: int = 5
    recent: int = 12
    target: float | None = None
    episodes: tuple[tuple[str, str], ...] = DEBT_LIMIT_EPISODES

    def __post_init__(self) -> None:
        if not 1 <= self.years <= 20 or not 1 <= self.recent <= 120:
            raise SpecError(f"years={self.years!r} must be 1..20 and recent={self.recent!r} 1..120")
        if self.target is not None and not (np.isfinite(self.target) and self.target >= 0):
            raise SpecError(f"target={self.target!r} must be a TGA level >= 0 [USD bn]")

    def fit(self, tga: pd.Series, end: pd.Period | str) -> TgaFit:
        """Fit on the monthly TGA [USD bn] through ``end``. A calendar month with no month
        outside the episodes in the sample gets factor 1 (before normalising)."""
        x = _window(tga, end, 12 * self.years, "tga")
        idx = pd.PeriodIndex(x.index)
        keep = ~_episode_months(idx, self.episodes)
        ratios: list[list[float]] = [[] for _ in range(12)]
        e = idx[-1]
        for b in range(self.years):
            inb = np.asarray((idx <= e - 12 * b) & (idx > e - 12 * (b + 1)))
            block = x[inb & keep]
            if len(block) < 6 or block.mean() <= 0:
                continue
            for m, v in block.items():
                ratios[pd.Period(m, "M").month - 1].append(float(v) / float(block.mean()))
        if not any(ratios):
            raise DataError(
                f"tga: the {self.years} years to {e} hold no 12-month block with 6 months "
                "outside debt-limit episodes; give more history or a larger years"
            )
        f = np.array([np.mean(r) if r else 1.0 for r in ratios])
        f = f / f.mean()
        if self.target is not None:
            level = float(self.target)
            src = "target"
        else:
            recent = x[keep].iloc[-self.recent :] if keep.any() else x.iloc[-self.recent :]
            # the level is the recent months' mean with their calendar pattern taken out
            months = np.asarray(pd.PeriodIndex(recent.index).month) - 1
            level, src = float((recent / f[months]).mean()), "history"
        sd, ar1 = _tga_residual(x, keep, f, self.years, level)
        return TgaFit(level, tuple(float(v) for v in f), src, e, sd, ar1)


def _tga_residual(
    x: pd.Series, keep: np.ndarray, f: np.ndarray, years: int, level: float
) -> tuple[float, float]:
    """Standard deviation [USD bn] and AR(1) of the TGA around its calendar pattern: per
    month outside the episodes, (ratio to its 12-month block mean - calendar factor) x
    ``level``; the AR(1) over consecutive months both outside them."""
    idx = pd.PeriodIndex(x.index)
    e = idx[-1]
    res = np.full(len(x), np.nan)
    for b in range(years):
        inb = np.asarray((idx <= e - 12 * b) & (idx > e - 12 * (b + 1))) & keep
        if inb.sum() < 6:
            continue
        block = x.to_numpy(float)[inb]
        if block.mean() <= 0:
            continue
        res[inb] = (block / block.mean() - f[np.asarray(idx.month)[inb] - 1]) * level
    ok = np.isfinite(res)
    if ok.sum() < 3:
        return 0.0, 0.0
    sd = float(np.std(res[ok], ddof=1))
    pair = ok[1:] & ok[:-1]
    if pair.sum() < 3 or sd == 0:
        return sd, 0.0
    a, b2 = res[:-1][pair], res[1:][pair]
    r = float(np.corrcoef(a, b2)[0, 1])
    return sd, min(max(r, 0.0), 0.99) if np.isfinite(r) else 0.0


# --- decay (other liabilities and capital, other assets) -------------------------------


@dataclass(frozen=True)
class DecayFit:
    """Geometric decay from ``start`` to ``level`` [USD bn] with ``half_life`` [months]
    (``inf``: no decay found, held at the start)."""

    level: float
    half_life: float
    fitted: bool
    name: str = "other"

    def path(self, x0: float, idx: pd.PeriodIndex) -> pd.Series:
        """The path [USD bn] on ``idx`` from ``x0`` in the month before ``idx[0]``."""
        k = np.arange(1, len(idx) + 1)
        keep = 0.0 if self.half_life == 0 else 0.5 ** (k / self.half_life)
        return pd.Series(self.level + (x0 - self.level) * keep, index=idx, name=self.name)

    def describe(self) -> str:
        if not np.isfinite(self.half_life):
            return f"{self.name}: no decay in the sample, held at its start level"
        how = "estimated" if self.fitted else "stated"
        return (
            f"{self.name} decays to {self.level:,.0f} bn with a half-life of "
            f"{self.half_life:.0f} months ({how})"
        )


@dataclass(frozen=True)
class Decay:
    """AR(1) in levels over ``window`` months, or a stated ``half_life`` [months] and
    long-run ``level`` [USD bn] (both given: nothing is estimated)."""

    window: int = 36
    half_life: float | None = None
    level: float | None = None
    name: str = "other"

    def __post_init__(self) -> None:
        if not 6 <= self.window <= 240:
            raise SpecError(f"window={self.window!r} must be 6..240 months")
        if self.half_life is not None and not self.half_life > 0:
            raise SpecError(f"half_life={self.half_life!r} must be > 0 [months]")

    def fit(self, series: pd.Series, end: pd.Period | str) -> DecayFit:
        """Fit on the monthly series [USD bn] through ``end``."""
        if self.half_life is not None and self.level is not None:
            return DecayFit(float(self.level), float(self.half_life), False, self.name)
        x = _window(series, end, self.window, self.name).to_numpy(dtype=float)
        a, b = _ar1(x)
        if self.half_life is not None:  # stated speed, level from the sample mean
            return DecayFit(float(x.mean()), float(self.half_life), False, self.name)
        if not 0.0 < b < 1.0:
            return DecayFit(float(x[-1]), math.inf, True, self.name)
        level = a / (1.0 - b) if self.level is None else float(self.level)
        return DecayFit(float(level), math.log(0.5) / math.log(b), True, self.name)


def _ar1(x: np.ndarray) -> tuple[float, float]:
    """OLS of x[t+1] on (1, x[t])."""
    y, z = x[1:], x[:-1]
    zc = z - z.mean()
    den = float(zc @ zc)
    b = float(zc @ (y - y.mean())) / den if den > 0 else 1.0
    return float(y.mean() - b * z.mean()), b


def decay_reference(values: list[float]) -> tuple[float, float]:
    """Plain loop: AR(1) intercept and slope of consecutive levels."""
    n = len(values) - 1
    my = sum(values[1:]) / n
    mz = sum(values[:-1]) / n
    sxy = sum((values[i] - mz) * (values[i + 1] - my) for i in range(n))
    sxx = sum((values[i] - mz) ** 2 for i in range(n))
    b = sxy / sxx
    return my - b * mz, b


# --- ON RRP ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RrpFit:
    """ON RRP [USD bn] = const + bills x net bill supply [USD bn] + spread x (3-month bill
    yield - ON RRP rate) [USD bn per pp], floored at zero; standard errors of the slopes."""

    const: float
    bills: float
    spread: float
    se_bills: float
    se_spread: float
    r2: float
    start: pd.Period
    end: pd.Period
    #: Residual standard deviation [USD bn] and first-order autocorrelation
    #: (Monte-Carlo bands).
    resid_sd: float = 0.0
    resid_ar1: float = 0.0

    def predict(self, net_bills: pd.Series, spread: pd.Series) -> pd.Series:
        """ON RRP [USD bn] for the drivers (same monthly index)."""
        v = self.const + self.bills * net_bills + self.spread * spread
        return v.clip(lower=0.0).rename("on_rrp")

    def path(
        self, rrp0: float, net_bills: pd.Series, spread: pd.Series, nb0: float, sp0: float
    ) -> pd.Series:
        """ON RRP from ``rrp0`` moved by the model's response to the drivers' changes from
        their levels ``nb0``, ``sp0`` in the start month (keeps the start month's residual)."""
        v = rrp0 + self.bills * (net_bills - nb0) + self.spread * (spread - sp0)
        return v.clip(lower=0.0).rename("on_rrp")

    def describe(self) -> str:
        return (
            f"ON RRP = {self.const:,.0f} {self.bills:+.3f} x bills outside the Fed "
            f"{self.spread:+,.0f} x (3m bill - ON RRP rate, pp); R2 {self.r2:.2f}, "
            f"{self.start}..{self.end}"
        )


@dataclass(frozen=True)
class RrpSupply:
    """OLS of monthly ON RRP on net bill supply and the bill-ON RRP spread from ``start``."""

    start: str = "2021-01"

    def fit(
        self, rrp: pd.Series, net_bills: pd.Series, spread: pd.Series, end: pd.Period | str
    ) -> RrpFit:
        """Fit on monthly ON RRP, bills outside the Fed [USD bn] and the spread [pp]."""
        s, e = to_month(self.start, field="start"), to_month(end, field="end")
        for x, n in ((rrp, "on_rrp"), (net_bills, "net_bills"), (spread, "spread")):
            _check_months(x, n)
        f = pd.concat([rrp, net_bills, spread], axis=1).dropna()
        f = f[(f.index >= s) & (f.index <= e)]
        if len(f) < 6:
            raise DataError(f"ON RRP: {len(f)} month(s) with every driver in {s}..{e}; need 6")
        y = f.iloc[:, 0].to_numpy(dtype=float)
        cols = [np.ones(len(f)), f.iloc[:, 1].to_numpy(float), f.iloc[:, 2].to_numpy(float)]
        design = np.column_stack(cols)
        beta, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ beta
        dof = max(len(y) - 3, 1)
        gram = np.asarray(design.T @ design, dtype=float)
        cov = float(resid @ resid) / dof * np.linalg.pinv(gram)
        r2 = 1.0 - float(resid @ resid) / float(((y - y.mean()) ** 2).sum())
        se = np.sqrt(np.maximum(np.diag(cov), 0.0))
        months = pd.PeriodIndex(f.index)
        ar1 = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if len(resid) > 3 else 0.0
        return RrpFit(
            const=float(beta[0]),
            bills=float(beta[1]),
            spread=float(beta[2]),
            se_bills=float(se[1]),
            se_spread=float(se[2]),
            r2=r2,
            start=months[0],
            end=months[-1],
            resid_sd=float(np.sqrt(float(resid @ resid) / dof)),
            resid_ar1=min(max(ar1, 0.0), 0.99) if np.isfinite(ar1) else 0.0,
        )


# --- the whole liability side ----------------------------------------------------------


@dataclass(frozen=True)
class LiabilityModelFit:
    """The fitted pieces of the liability side (:func:`qtlab.runs.inputs.
    fit_liability_model` fits them on the data visible at the vantage)."""

    currency: CurrencyFit | CurrencyRateFit
    tga: TgaFit
    other: DecayFit
    other_assets: DecayFit
    rrp: RrpFit | None

    def block(self, currency0: float, other0: float, idx: pd.PeriodIndex) -> pd.Series:
        """Currency + other liabilities and capital [USD bn] on ``idx``, from their levels
        in the month before ``idx[0]``."""
        out = self.currency.path(currency0, idx) + self.other.path(other0, idx)
        return out.rename("currency_other")

    def describe(self) -> tuple[str, ...]:
        lines = [
            self.currency.describe(),
            self.tga.describe(),
            self.other.describe(),
            self.other_assets.describe(),
        ]
        if self.rrp is not None:
            lines.append(self.rrp.describe())
        return tuple(lines)
