"""Monte-Carlo rate paths: correlated mean-reverting deviations around base paths.

Each variable ``i`` (e.g. the 30-year mortgage rate, the policy rate, the D2 yield
residual) is a base path ``b_i,t`` [%] plus a deviation ``d_i,t`` [pp] that follows a
discrete Ornstein-Uhlenbeck (AR(1)) process::

    d_i,t = (1 - kappa_i) * d_i,t-1 + sigma_i * z_i,t,      z_t ~ N(0, corr)

so paths revert towards their base path at ``kappa_i`` per month (a base held flat at
the start level gives "mean reversion around a start level"). ``kappa``, ``sigma`` and
the correlation of the shocks are *estimated* from monthly history by
:func:`estimate_rate_model`: for each series the OLS regression
``x_t - x_t-1 = alpha + beta * x_t-1 + e_t`` gives ``kappa = -beta``, ``sigma = sd(e)``
and the long-run mean ``alpha / kappa``; ``corr`` is the correlation of the residuals
``e`` month by month. Everything is pure (no I/O); randomness goes through
:func:`qtlab._random.rng`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab._random import rng
from qtlab.errors import DataError, SpecError, one_of, quoted

__all__ = [
    "ANNOUNCED_TARGETS",
    "ZLB_UPPER",
    "RateModel",
    "RatePaths",
    "anchored_base",
    "estimate_anchored_rate_model",
    "estimate_rate_model",
    "moving_months",
    "simulate_rates",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RateModel:
    """Correlated mean-reverting monthly rate deviations (estimated from history).

    Attributes
    ----------
    names
        The variables, in order.
    kappa
        Monthly mean reversion of each deviation [fraction per month], in [0, 1].
    sigma
        Standard deviation of each monthly shock [pp].
    corr
        Correlation matrix of the shocks, ``(k, k)``.
    long_run
        Estimated long-run mean of each level, ``alpha / kappa`` [%] (``nan`` where
        ``kappa`` is 0); reported, not used when paths revert to a base path.
    change_std
        Standard deviation of the realized monthly changes over the sample [pp], the
        statistic a simulation from the estimates should reproduce.
    sample
        First and last month of the estimation sample (months where every series exists).
    nobs
        Number of monthly changes used.
    """

    names: tuple[str, ...]
    kappa: FloatArray
    sigma: FloatArray
    corr: FloatArray
    long_run: FloatArray = field(repr=False)
    change_std: FloatArray = field(repr=False)
    sample: tuple[pd.Period, pd.Period] | None = None
    nobs: int = 0

    def __post_init__(self) -> None:
        k = len(self.names)
        if k == 0 or len(set(self.names)) != k:
            raise SpecError(
                f"RateModel: names must be distinct and non-empty, got {quoted(self.names)}"
            )
        for what in ("kappa", "sigma", "long_run", "change_std"):
            a = np.asarray(getattr(self, what), dtype=np.float64)
            if a.shape != (k,):
                raise SpecError(f"RateModel: {what} must have shape ({k},), got {a.shape}")
            object.__setattr__(self, what, a)
        if ((self.kappa < 0) | (self.kappa > 1)).any():
            raise SpecError(f"RateModel: kappa must be in [0, 1] per month, got {self.kappa}")
        if (self.sigma < 0).any() or not np.isfinite(self.sigma).all():
            raise SpecError(f"RateModel: sigma must be finite and >= 0 [pp], got {self.sigma}")
        c = np.asarray(self.corr, dtype=np.float64)
        if c.shape != (k, k) or not np.allclose(c, c.T) or not np.allclose(np.diag(c), 1.0):
            raise SpecError(f"RateModel: corr must be a symmetric ({k}, {k}) correlation matrix")
        try:
            np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            raise SpecError("RateModel: corr is not positive definite") from None
        object.__setattr__(self, "corr", c)

    def index(self, name: str) -> int:
        """Position of variable ``name``."""
        if name not in self.names:
            raise SpecError(f"unknown rate variable {quoted(name)}; valid: {one_of(self.names)}")
        return self.names.index(name)

    def to_frame(self) -> pd.DataFrame:
        """One row per variable: ``kappa`` [1/month], ``half_life`` [months], ``sigma``
        [pp/month], ``change_std`` [pp], ``long_run`` [%]."""
        with np.errstate(divide="ignore"):
            half = np.where(self.kappa > 0, np.log(0.5) / np.log1p(-self.kappa), np.inf)
        return pd.DataFrame(
            {
                "kappa": self.kappa,
                "half_life": half,
                "sigma": self.sigma,
                "change_std": self.change_std,
                "long_run": self.long_run,
            },
            index=pd.Index(self.names, name="variable"),
        )


def estimate_rate_model(
    history: pd.DataFrame,
    *,
    sample: tuple[MonthLike | None, MonthLike | None] = (None, None),
) -> RateModel:
    """Estimate a :class:`RateModel` from monthly levels.

    Parameters
    ----------
    history
        Monthly levels [%] indexed by ``Period[M]``, one column per variable (e.g. the
        monthly average of the weekly 30-year mortgage rate, the policy rate).
    sample
        (first, last) month; default: every month where all columns exist.

    Returns
    -------
    RateModel
        ``kappa``, ``sigma`` and ``long_run`` from the per-series OLS of the monthly
        change on the previous level; ``corr`` from the residuals (module docstring).
    """
    if not isinstance(history, pd.DataFrame) or history.shape[1] == 0:
        raise SpecError("history must be a DataFrame of monthly levels, one column per variable")
    if not isinstance(history.index, pd.PeriodIndex):
        raise SpecError("history must be indexed by Period[M] (monthly levels)")
    h = history.sort_index().astype(float)
    if sample[0] is not None:
        h = h.loc[to_month(sample[0], field="sample start") :]
    if sample[1] is not None:
        h = h.loc[: to_month(sample[1], field="sample end")]
    lev = h.dropna()
    consecutive = np.diff(pd.PeriodIndex(lev.index, freq="M").asi8) == 1
    if len(lev) < 25 or not consecutive.all():
        raise DataError(
            f"rate history needs at least 25 consecutive months where every series "
            f"({one_of(h.columns)}) exists; got {len(lev)} months"
            + ("" if consecutive.all() else " with gaps")
        )
    x = lev.to_numpy()
    prev, dx = x[:-1], np.diff(x, axis=0)
    n, k = dx.shape
    kappa, sigma, long_run, resid = np.zeros(k), np.zeros(k), np.zeros(k), np.zeros((n, k))
    for i in range(k):
        a = np.column_stack([np.ones(n), prev[:, i]])
        coef, *_ = np.linalg.lstsq(a, dx[:, i], rcond=None)
        resid[:, i] = dx[:, i] - a @ coef
        kappa[i] = min(max(-coef[1], 0.0), 1.0)
        sigma[i] = float(np.sqrt(resid[:, i] @ resid[:, i] / (n - 2)))
        long_run[i] = coef[0] / kappa[i] if kappa[i] > 0 else np.nan
    if (sigma == 0).any():
        flat = [str(c) for c, s in zip(lev.columns, sigma, strict=True) if s == 0]
        raise DataError(f"rate history: {one_of(flat)} never changes in the sample")
    corr = np.corrcoef(resid, rowvar=False).reshape(k, k)
    return RateModel(
        names=tuple(str(c) for c in lev.columns),
        kappa=kappa,
        sigma=sigma,
        corr=corr,
        long_run=long_run,
        change_std=dx.std(axis=0, ddof=1),
        sample=(lev.index[0], lev.index[-1]),
        nobs=n,
    )


#: Upper bound of the policy-rate target at or below which a month is at the zero lower
#: bound [%] (the 0-0.25% range of 2008-12..2015-11 and 2020-03..2022-02).
ZLB_UPPER: Final = 0.25
#: First month of the anchored model's sample: the FOMC announced its target from the
#: meeting of 1994-02-04 on, the regime of a stated policy rate in force since.
ANNOUNCED_TARGETS: Final = pd.Period("1994-02", freq="M")


def moving_months(
    policy: pd.Series, *, first: MonthLike = ANNOUNCED_TARGETS, zlb: float = ZLB_UPPER
) -> pd.Series:
    """Months where the policy rate moves: from ``first`` on, the upper bound of the target
    (``policy`` [%], monthly, ``Period[M]``) above ``zlb`` [%]. Boolean, on ``policy``'s
    index: the sample rule of :func:`estimate_anchored_rate_model`."""
    if not isinstance(policy.index, pd.PeriodIndex):
        raise SpecError("policy must be indexed by Period[M] (monthly levels)")
    f = to_month(first, field="first")
    return pd.Series((policy.index >= f) & (policy.to_numpy(float) > zlb), index=policy.index)


def estimate_anchored_rate_model(
    history: pd.DataFrame,
    moving: pd.Series,
    anchors: Mapping[str, float],
    *,
    last: MonthLike | None = None,
) -> RateModel:
    """A :class:`RateModel` estimated where policy rates move, its long-run levels anchored.

    Parameters
    ----------
    history
        Monthly levels [%] (``Period[M]`` index), one column per variable.
    moving
        Boolean per month (:func:`moving_months`): a monthly change ``t-1 -> t`` enters the
        estimation only if both months are ``True`` (so no change at or into the zero
        lower bound does).
    anchors
        Long-run level per variable [%] (e.g. the SEP's longer-run median of the policy
        rate); a variable without one keeps its estimated ``alpha / kappa``.
    last
        Last month of the sample (the vantage's last complete month): nothing later enters.

    Returns
    -------
    RateModel
        Per variable, the OLS of ``x_t - x_t-1`` on ``(1, x_t-1)`` over its changes in
        the sample gives the speed ``kappa = -beta`` and the shock size ``sigma``; the
        level it reverts to is the anchor. ``corr`` is the correlation of the residuals
        over the changes where every variable has one; ``sample`` and ``nobs`` describe
        those common changes.
    """
    if not isinstance(history, pd.DataFrame) or history.shape[1] == 0:
        raise SpecError("history must be a DataFrame of monthly levels, one column per variable")
    if not isinstance(history.index, pd.PeriodIndex):
        raise SpecError("history must be indexed by Period[M] (monthly levels)")
    for name in anchors:
        if name not in history.columns:
            raise SpecError(f"anchor for {quoted(name)}: not a column ({one_of(history.columns)})")
        if not np.isfinite(anchors[name]):
            raise SpecError(f"anchor for {quoted(name)} must be a finite level [%]")
    h = history.sort_index().astype(float)
    if last is not None:
        h = h.loc[: to_month(last, field="last")]
    full = pd.period_range(h.index[0], h.index[-1], freq="M")
    h = h.reindex(full)
    mv = moving.reindex(full).fillna(False).to_numpy(bool)
    ok_pair = mv[1:] & mv[:-1]
    x = h.to_numpy()
    prev, dx = x[:-1], np.diff(x, axis=0)
    k = h.shape[1]
    kappa, sigma, long_run, std = np.zeros(k), np.zeros(k), np.zeros(k), np.zeros(k)
    resid = np.full(dx.shape, np.nan)
    for i, name in enumerate(h.columns):
        use = ok_pair & np.isfinite(prev[:, i]) & np.isfinite(dx[:, i])
        n = int(use.sum())
        if n < 24:
            raise DataError(
                f"rate history: {n} monthly changes of {quoted(name)} in months where the "
                "policy rate moves (off the zero lower bound) up to the vantage; need 24"
            )
        a = np.column_stack([np.ones(n), prev[use, i]])
        coef, *_ = np.linalg.lstsq(a, dx[use, i], rcond=None)
        e = dx[use, i] - a @ coef
        resid[use, i] = e
        kappa[i] = min(max(-coef[1], 0.0), 1.0)
        sigma[i] = float(np.sqrt(e @ e / (n - 2)))
        std[i] = float(dx[use, i].std(ddof=1))
        free = coef[0] / kappa[i] if kappa[i] > 0 else np.nan
        long_run[i] = float(anchors[name]) if name in anchors else free
    if (sigma == 0).any():
        flat = [str(c) for c, v in zip(h.columns, sigma, strict=True) if v == 0]
        raise DataError(f"rate history: {one_of(flat)} never changes in the sample")
    common = np.isfinite(resid).all(axis=1)
    if common.sum() < 24:
        raise DataError(
            f"rate history: {int(common.sum())} months where every series changes in the "
            "sample; the shocks' correlation needs 24"
        )
    corr = np.corrcoef(resid[common], rowvar=False).reshape(k, k)
    months = full[1:][common]
    return RateModel(
        names=tuple(str(c) for c in h.columns),
        kappa=kappa,
        sigma=sigma,
        corr=corr,
        long_run=long_run,
        change_std=std,
        sample=(months[0], months[-1]),
        nobs=int(common.sum()),
    )


def anchored_base(
    model: RateModel, name: str, known: pd.Series, months: pd.PeriodIndex
) -> pd.Series:
    """The mean path of ``name`` on ``months`` [%]: the ``known`` monthly levels where they
    exist, then from the last of them back towards ``model.long_run`` at ``kappa`` a month,
    ``A + (x_last - A) (1 - kappa)^h`` (the path the deviations of
    :func:`simulate_rates` fan out around, so each path is the anchored AR(1))."""
    i = model.index(name)
    k = known.dropna().sort_index()
    if not isinstance(k.index, pd.PeriodIndex) or len(k) == 0:
        raise SpecError(f"known levels of {quoted(name)} must be a non-empty monthly series")
    anchor = float(model.long_run[i])
    if not np.isfinite(anchor):
        raise SpecError(f"{quoted(name)} has no long-run level to revert to (kappa = 0)")
    lastm, x0 = k.index[-1], float(k.iloc[-1])
    h = np.array([(m - lastm).n for m in months], dtype=float)
    path = anchor + (x0 - anchor) * (1.0 - float(model.kappa[i])) ** np.maximum(h, 0.0)
    out = pd.Series(path, index=months, name=name)
    before = months[h <= 0]
    out.loc[before] = k.reindex(before).ffill().fillna(float(k.iloc[0])).to_numpy()
    return out


@dataclass(frozen=True)
class RatePaths:
    """Simulated monthly levels [%], one ``(n_paths, n_months)`` array per variable.

    Attributes
    ----------
    months
        The simulated months (``Period[M]``).
    values
        Variable name -> levels [%], shape ``(n_paths, n_months)``.
    seed
        The seed the paths were drawn with (``None``: fresh entropy or a Generator).
    """

    months: pd.PeriodIndex
    values: Mapping[str, FloatArray] = field(repr=False)
    seed: int | None = None

    @property
    def n_paths(self) -> int:
        """Number of paths (leading axis)."""
        return int(next(iter(self.values.values())).shape[0])

    def __getitem__(self, name: str) -> FloatArray:
        if name not in self.values:
            raise SpecError(f"no rate variable {quoted(name)}; valid: {one_of(self.values)}")
        return self.values[name]

    def take(self, rows: Any) -> RatePaths:
        """The paths ``rows`` (a slice or index array) only."""
        return RatePaths(self.months, {k: v[rows] for k, v in self.values.items()}, self.seed)

    def frame(self, name: str) -> pd.DataFrame:
        """One variable as a frame: months x paths [%]."""
        return pd.DataFrame(self[name].T, index=self.months)


def simulate_rates(
    model: RateModel,
    base: pd.DataFrame,
    n_paths: int,
    *,
    seed: int | np.random.Generator | None = 0,
    start_deviation: Mapping[str, float] | None = None,
    first_shock: Mapping[str, MonthLike] | None = None,
    floor: Mapping[str, float] | None = None,
) -> RatePaths:
    """Draw ``n_paths`` paths of every variable of ``model`` around ``base``.

    Parameters
    ----------
    model
        The estimated deviation process.
    base
        Base path per variable [%] (columns = ``model.names``) on consecutive months
        (``Period[M]``); the simulated months.
    n_paths
        Number of paths, >= 1.
    seed
        Int seed, Generator or None (:func:`qtlab._random.rng`); the shocks are drawn
        as one ``(n_months, n_paths, k)`` block, so a given seed gives the same paths
        whatever is done with them later.
    start_deviation
        Deviation before the first month [pp] (default 0): e.g. the last in-sample
        residual of a regression, which then decays at ``kappa``.
    first_shock
        First month each variable is shocked (default the first month of ``base``);
        before it the deviation stays at its start value (a variable still observed
        in those months).
    floor
        Lower bound of the level per variable [%] (e.g. 0.25 for the upper bound of
        the federal funds target range); applied to the output, not fed back.

    Returns
    -------
    RatePaths
    """
    if isinstance(n_paths, bool) or not isinstance(n_paths, int | np.integer) or n_paths < 1:
        raise SpecError(f"n_paths={quoted(n_paths)} must be an integer >= 1")
    if not isinstance(base.index, pd.PeriodIndex) or len(base) == 0:
        raise SpecError("base must be a non-empty frame indexed by Period[M]")
    if (np.diff(base.index.asi8) != 1).any():
        raise SpecError("base must cover consecutive months")
    missing = [n for n in model.names if n not in base.columns]
    if missing:
        raise SpecError(f"base lacks column(s) {one_of(missing)}; it needs {one_of(model.names)}")
    b = base.loc[:, list(model.names)].to_numpy(np.float64)
    if not np.isfinite(b).all():
        raise SpecError("base paths must be finite [%]")
    for given in (start_deviation, first_shock, floor):
        for name in given or {}:
            model.index(name)  # unknown names raise
    months = pd.PeriodIndex(base.index, freq="M")
    M, k = len(months), len(model.names)
    d0 = np.array([float((start_deviation or {}).get(n, 0.0)) for n in model.names])
    first = np.zeros(k, dtype=int)
    for n, mo in (first_shock or {}).items():
        first[model.index(n)] = (to_month(mo, field=f"first_shock[{n}]") - months[0]).n
    g = rng(seed)
    z = g.standard_normal((M, int(n_paths), k)) @ np.linalg.cholesky(model.corr).T
    dev = np.empty((M, int(n_paths), k))
    d = np.broadcast_to(d0, (int(n_paths), k)).copy()
    keep = 1.0 - model.kappa
    for t in range(M):
        live = t >= first
        d = np.where(live, keep * d + model.sigma * z[t], d)
        dev[t] = d
    out: dict[str, FloatArray] = {}
    for i, n in enumerate(model.names):
        lev = b[:, i][None, :] + dev[:, :, i].T
        if floor and n in floor:
            lev = np.maximum(lev, float(floor[n]))
        out[n] = np.ascontiguousarray(lev)
    return RatePaths(months, out, seed if isinstance(seed, int) else None)
