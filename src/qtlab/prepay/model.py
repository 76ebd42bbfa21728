"""The prepayment model: CPR from turnover and refinancing, scheduled amortization,
and the monthly runoff of MBS cohorts under many mortgage-rate paths at once.

Pure functions over arrays (no I/O). :func:`project` is the vectorized kernel
over a leading scenario axis and the cohort axis; :func:`project_reference` is
the plain per-scenario, per-cohort, per-month loop that defines the same
numbers and is compared with the kernel in the tests.

Conventions: balances and flows [USD bn]; rates and coupons [%]; CPR and SMM
are fractions inside the kernel (the parameters give CPR in %). Month ``t`` of
a projection is ``state.start + t``; its flows are the principal the holder
receives in that calendar month, from the balance at its start.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab.errors import SpecError, one_of
from qtlab.prepay import _fast
from qtlab.prepay.params import PrepayParams

__all__ = [
    "COHORT_COLUMNS",
    "CohortState",
    "Projection",
    "cpr",
    "project",
    "project_reference",
    "scheduled_fraction",
    "smm_from_cpr",
]

FloatArray = npt.NDArray[np.float64]

#: Columns a cohort table must have (``qtlab.portfolio.mbs_cohorts`` makes one):
#: par [USD bn], wac [%], age [months], remaining [months], exposure
#: [pp-months of positive refinancing incentive since issue], program.
COHORT_COLUMNS = ("program", "par", "wac", "age", "remaining", "exposure")

GNMA_PROGRAMS = ("gnma", "gnma1", "gnma2")
#: Kernels of :func:`project`.
KERNELS = ("auto", "numba", "numpy")


@dataclass(frozen=True)
class CohortState:
    """Cohorts as arrays at the start of month ``start``.

    Attributes
    ----------
    start
        The first month whose principal is not yet reflected in ``par``.
    par
        Current face [USD bn], shape (n,).
    wac
        Note rate [%].
    age
        Loan age at ``start`` [months].
    remaining
        Months to maturity at ``start`` (the last payment falls in month
        ``start + remaining - 1``) [months], >= 1.
    exposure
        Cumulative positive refinancing incentive since issue [pp-months].
    gnma
        True for Ginnie Mae pools.
    """

    start: pd.Period
    par: FloatArray
    wac: FloatArray
    age: FloatArray
    remaining: FloatArray
    exposure: FloatArray
    gnma: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        n = self.par.shape
        for name in ("wac", "age", "remaining", "exposure", "gnma"):
            if getattr(self, name).shape != n:
                raise SpecError(
                    f"CohortState.{name} has shape {getattr(self, name).shape}; expected {n}"
                )
        for name in ("par", "wac", "age", "remaining", "exposure"):
            arr = getattr(self, name)
            if not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise SpecError(f"CohortState.{name} must be finite and >= 0")
        if np.any(self.remaining < 1):
            raise SpecError("CohortState.remaining must be >= 1 month for every cohort")

    @property
    def n(self) -> int:
        """Number of cohorts."""
        return int(self.par.shape[0])

    @classmethod
    def from_frame(cls, cohorts: pd.DataFrame, start: pd.Period | str | None = None) -> CohortState:
        """Arrays from a cohort table (columns :data:`COHORT_COLUMNS`).

        ``start`` defaults to ``cohorts.attrs['start']`` (set by
        :func:`qtlab.portfolio.mbs_cohorts`).
        """
        missing = [c for c in COHORT_COLUMNS if c not in cohorts.columns]
        if missing:
            raise SpecError(
                f"cohort table lacks column(s) {one_of(missing)}; it needs {one_of(COHORT_COLUMNS)}"
            )
        st = start if start is not None else cohorts.attrs.get("start")
        if st is None:
            raise SpecError(
                "cohort table has no start month: pass start= or set attrs['start'] (a month)"
            )
        return cls(
            start=pd.Period(st, freq="M"),
            par=cohorts["par"].to_numpy(np.float64),
            wac=cohorts["wac"].to_numpy(np.float64),
            age=cohorts["age"].to_numpy(np.float64),
            remaining=np.maximum(cohorts["remaining"].to_numpy(np.float64), 1.0),
            exposure=cohorts["exposure"].to_numpy(np.float64),
            gnma=cohorts["program"].astype(str).isin(GNMA_PROGRAMS).to_numpy(np.bool_),
        )


@dataclass(frozen=True)
class Projection:
    """Monthly runoff of a set of cohorts under ``n_scenarios`` rate paths [USD bn].

    ``balance``, ``scheduled``, ``prepaid`` and ``paydowns`` have shape
    (n_scenarios, n_months), summed over cohorts; ``balance`` is at the start
    of each month. ``by_cohort`` (if asked for) holds the same four arrays with
    shape (n_scenarios, n_months, n_cohorts).
    """

    months: pd.PeriodIndex
    balance: FloatArray
    scheduled: FloatArray
    prepaid: FloatArray
    by_cohort: Mapping[str, FloatArray] | None = field(default=None, repr=False)

    @property
    def paydowns(self) -> FloatArray:
        """Scheduled plus prepaid principal [USD bn]."""
        return self.scheduled + self.prepaid

    @property
    def rate(self) -> FloatArray:
        """Paydowns as a fraction of the balance at the start of the month [0..1]."""
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(self.balance > 0, self.paydowns / self.balance, 0.0)
        return np.asarray(r, dtype=np.float64)

    def frame(self, scenario: int = 0) -> pd.DataFrame:
        """One scenario as a table indexed by month [USD bn]."""
        return pd.DataFrame(
            {
                "balance": self.balance[scenario],
                "scheduled": self.scheduled[scenario],
                "prepaid": self.prepaid[scenario],
                "paydowns": self.paydowns[scenario],
            },
            index=self.months,
        )


def smm_from_cpr(cpr_frac: Any) -> Any:
    """Single monthly mortality from an annual CPR (both fractions): 1-(1-CPR)^(1/12)."""
    return 1.0 - np.power(1.0 - np.asarray(cpr_frac, dtype=np.float64), 1.0 / 12.0)


def scheduled_fraction(wac: Any, remaining: Any) -> Any:
    """Share of the balance repaid by the level payment this month [fraction].

    Level-payment mortgage with note rate ``wac`` [%] and ``remaining`` months:
    payment = B r / (1 - (1+r)^-n), interest = B r, so principal / B =
    r / ((1+r)^n - 1); 1/n when r = 0; everything when n <= 1.
    """
    r = np.asarray(wac, dtype=np.float64) / 1200.0
    n = np.asarray(remaining, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = np.expm1(n * np.log1p(r))
        frac = np.where(r > 0, r / growth, 1.0 / np.maximum(n, 1.0))
    return np.where(n <= 1.0, 1.0, np.clip(frac, 0.0, 1.0))


def cpr(
    incentive: Any,
    age: Any,
    month_of_year: Any,
    exposure: Any,
    gnma: Any,
    params: PrepayParams,
) -> Any:
    """Annual CPR [fraction] from the model of :class:`PrepayParams` (broadcasts).

    Parameters
    ----------
    incentive
        Note rate minus the mortgage rate [pp].
    age
        Loan age [months].
    month_of_year
        Calendar month of receipt, 1..12.
    exposure
        Cumulative positive incentive [pp-months] (burnout).
    gnma
        Ginnie Mae flag.
    params
        Model parameters.
    """
    inc = np.asarray(incentive, dtype=np.float64)
    season = np.asarray(params.seasonality, dtype=np.float64)[np.asarray(month_of_year) - 1]
    ramp = np.minimum(np.asarray(age, dtype=np.float64) / params.ramp_months, 1.0)
    lockin = np.where(
        inc < 0.0, np.maximum(params.lockin_floor, np.exp(params.lockin_beta * inc)), 1.0
    )
    turnover = params.turnover_cpr / 100.0 * season * ramp * lockin
    s_curve = 1.0 / (1.0 + np.exp(-(inc - params.refi_mid) / params.refi_slope))
    refi = params.refi_max_cpr / 100.0 * s_curve * np.exp(-params.burnout_rate * exposure)
    mult = np.where(np.asarray(gnma), params.gnma_mult, 1.0)
    return np.minimum((turnover + refi) * mult, params.cpr_cap / 100.0)


def _as_paths(rates: Any, n_months: int | None) -> FloatArray:
    arr = np.asarray(rates, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise SpecError(
            f"rate paths must have shape (n_months,) or (n_scenarios, n_months); got {arr.shape}"
        )
    if n_months is not None and arr.shape[1] < n_months:
        raise SpecError(f"rate paths cover {arr.shape[1]} months; {n_months} are needed")
    if not np.all(np.isfinite(arr)):
        raise SpecError("rate paths contain NaN or infinite values [%]")
    return arr


def project(
    state: CohortState,
    rates: Any,
    params: PrepayParams,
    n_months: int | None = None,
    *,
    by_cohort: bool = False,
    chunk: int = 512,
    kernel: str = "auto",
    threads: int | None = None,
) -> Projection:
    """Run the cohorts off month by month under every rate path (vectorized kernel).

    Parameters
    ----------
    state
        The cohorts at the start of ``state.start``.
    rates
        Mortgage rate driving prepayment in each month [%], already lagged
        (:func:`qtlab.prepay.rates.rate_path`): shape (n_months,) or
        (n_scenarios, n_months).
    params
        Model parameters.
    n_months
        Months to project (default: all the paths cover).
    by_cohort
        Also keep per-cohort arrays (memory n_scenarios x n_months x n_cohorts).
    chunk
        Scenarios processed at once by the numpy kernel (bounds memory).
    kernel
        ``"numba"`` (compiled loops over scenarios on ``threads`` threads, the optional
        extra ``qtlab[fast]``), ``"numpy"`` (array operations over chunks of scenarios)
        or ``"auto"`` (numba when installed). The two agree to about 1e-13 relative
        (the order of the sums over cohorts differs).
    threads
        Threads of the numba kernel (default: the CPUs this process may use); the
        numbers do not depend on it.
    """
    if kernel not in KERNELS:
        raise SpecError(f"kernel={kernel!r} is unknown; valid: {one_of(KERNELS)}")
    if kernel == "numba" and not _fast.available():
        raise SpecError(
            "kernel='numba' needs numba, an optional dependency: pip install 'qtlab[fast]'"
        )
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise SpecError(f"threads={threads!r} must be an integer >= 1")
    paths = _as_paths(rates, n_months)
    t_n = paths.shape[1] if n_months is None else n_months
    s_n = paths.shape[0]
    months = pd.period_range(state.start, periods=t_n, freq="M")
    moy = np.asarray(months.month, dtype=np.int64)
    out = {k: np.zeros((s_n, t_n)) for k in ("balance", "scheduled", "prepaid")}
    per = (
        {k: np.zeros((s_n, t_n, state.n)) for k in ("balance", "scheduled", "prepaid")}
        if by_cohort
        else None
    )
    season = np.asarray(params.seasonality, dtype=np.float64)
    mult = np.where(state.gnma, params.gnma_mult, 1.0)
    cap = params.cpr_cap / 100.0
    # Scenario-independent per-(month, cohort) factors.
    ages = state.age[None, :] + np.arange(t_n)[:, None]
    rems = state.remaining[None, :] - np.arange(t_n)[:, None]
    sched_frac = np.where(rems >= 1.0, scheduled_fraction(state.wac, np.maximum(rems, 1.0)), 1.0)
    turn = (
        params.turnover_cpr
        / 100.0
        * np.minimum(ages / params.ramp_months, 1.0)
        * season[moy - 1][:, None]
        * mult[None, :]
    )
    refi_max = params.refi_max_cpr / 100.0 * mult
    if kernel != "numpy" and _fast.available():
        r_all = np.ascontiguousarray(paths[:, :t_n])
        scal = np.array(
            [
                params.lockin_floor,
                params.lockin_beta,
                params.refi_mid,
                params.refi_slope,
                params.burnout_rate,
                cap,
            ]
        )
        _fast.run(
            r_all,
            np.ascontiguousarray(state.par, dtype=np.float64),
            np.ascontiguousarray(state.wac, dtype=np.float64),
            np.exp(-params.burnout_rate * state.exposure),
            np.ascontiguousarray(turn),
            np.ascontiguousarray(sched_frac, dtype=np.float64),
            np.ascontiguousarray(refi_max, dtype=np.float64),
            _Factors(state.wac, r_all, params),
            scal,
            out,
            per,
            _fast.default_threads() if threads is None else threads,
        )
        return Projection(
            months=months,
            balance=out["balance"],
            scheduled=out["scheduled"],
            prepaid=out["prepaid"],
            by_cohort=per,
        )
    for lo in range(0, s_n, chunk):
        hi = min(lo + chunk, s_n)
        r = paths[lo:hi, :t_n]
        f = _Factors(state.wac, r, params)
        bal = np.broadcast_to(state.par, (hi - lo, state.n)).copy()
        burn = np.exp(-params.burnout_rate * np.broadcast_to(state.exposure, bal.shape))
        for t in range(t_n):
            lock = f.lockin(t)  # turnover multiplier, (S, N)
            lock *= turn[t]
            refi = f.s_curve(t)
            refi *= burn
            refi *= refi_max
            lock += refi
            np.minimum(lock, cap, out=lock)  # lock now holds the CPR
            smm = -np.expm1(np.log1p(-lock) / 12.0)
            sched = bal * sched_frac[t]
            prep = bal - sched
            prep *= smm
            if per is not None:
                per["balance"][lo:hi, t] = bal
                per["scheduled"][lo:hi, t] = sched
                per["prepaid"][lo:hi, t] = prep
            out["balance"][lo:hi, t] = bal.sum(axis=1)
            out["scheduled"][lo:hi, t] = sched.sum(axis=1)
            out["prepaid"][lo:hi, t] = prep.sum(axis=1)
            bal -= sched
            bal -= prep
            np.maximum(bal, 0.0, out=bal)
            burn *= f.burnout_step(t)
    return Projection(
        months=months,
        balance=out["balance"],
        scheduled=out["scheduled"],
        prepaid=out["prepaid"],
        by_cohort=per,
    )


class _Factors:
    """exp() terms of the CPR split into cohort and scenario factors.

    ``exp(k (wac - r))`` = ``exp(k wac) * exp(-k r)``: one product per
    (scenario, cohort) cell instead of one exponential. Where a factor could
    overflow, the plain formula is used instead.
    """

    def __init__(self, wac: FloatArray, r: FloatArray, p: PrepayParams) -> None:
        self.wac, self.r, self.p = wac, r, p
        big = max(float(np.abs(wac).max(initial=0.0)), float(np.abs(r).max(initial=0.0)))
        big += abs(p.refi_mid)
        k = max(1.0 / p.refi_slope, p.lockin_beta, p.burnout_rate)
        self.split = k * big < 300.0
        if self.split:
            self.s_a = np.exp(-(wac - p.refi_mid) / p.refi_slope)
            self.s_b = np.exp(r / p.refi_slope)
            self.l_a = np.exp(p.lockin_beta * wac)
            self.l_b = np.exp(-p.lockin_beta * r)
            self.b_a = np.exp(-p.burnout_rate * wac)
            self.b_b = np.exp(p.burnout_rate * r)

    def _inc(self, t: int) -> FloatArray:
        return self.wac[None, :] - self.r[:, t, None]

    def lockin(self, t: int) -> FloatArray:
        """max(floor, exp(beta min(I, 0))), shape (S, N)."""
        p = self.p
        if self.split:
            x = np.multiply.outer(self.l_b[:, t], self.l_a)
            np.minimum(x, 1.0, out=x)
        else:
            x = np.exp(p.lockin_beta * np.minimum(self._inc(t), 0.0))
        np.maximum(x, p.lockin_floor, out=x)
        return x

    def s_curve(self, t: int) -> FloatArray:
        """1 / (1 + exp(-(I - mid) / slope)), shape (S, N)."""
        p = self.p
        if self.split:
            x = np.multiply.outer(self.s_b[:, t], self.s_a)
        else:
            with np.errstate(over="ignore"):
                x = np.exp(-(self._inc(t) - p.refi_mid) / p.refi_slope)
        x += 1.0
        np.reciprocal(x, out=x)
        return x

    def burnout_step(self, t: int) -> FloatArray:
        """exp(-rate max(I, 0)): this month's factor of the burnout multiplier."""
        if self.split:
            x = np.multiply.outer(self.b_b[:, t], self.b_a)
            np.minimum(x, 1.0, out=x)
            return x
        return np.asarray(np.exp(-self.p.burnout_rate * np.maximum(self._inc(t), 0.0)))


def project_reference(
    state: CohortState, rates: Any, params: PrepayParams, n_months: int | None = None
) -> Projection:
    """The same projection as :func:`project`, one scenario, cohort and month at a time.

    Written for clarity with the ``math`` module only; the tests require the
    kernel to agree with it.
    """
    paths = _as_paths(rates, n_months)
    t_n = paths.shape[1] if n_months is None else n_months
    months = pd.period_range(state.start, periods=t_n, freq="M")
    s_n = paths.shape[0]
    bal_out = np.zeros((s_n, t_n))
    sch_out = np.zeros((s_n, t_n))
    pre_out = np.zeros((s_n, t_n))
    for s in range(s_n):
        for i in range(state.n):
            bal = float(state.par[i])
            wac = float(state.wac[i])
            expo = float(state.exposure[i])
            mult = params.gnma_mult if bool(state.gnma[i]) else 1.0
            for t in range(t_n):
                age = float(state.age[i]) + t
                rem = float(state.remaining[i]) - t
                r = wac / 1200.0
                if rem <= 1.0:
                    sched_frac = 1.0
                elif r > 0:
                    sched_frac = min(r / ((1.0 + r) ** rem - 1.0), 1.0)
                else:
                    sched_frac = 1.0 / rem
                inc = wac - float(paths[s, t])
                turnover = (
                    params.turnover_cpr
                    / 100.0
                    * params.seasonality[months[t].month - 1]
                    * min(age / params.ramp_months, 1.0)
                    * (
                        max(params.lockin_floor, math.exp(params.lockin_beta * inc))
                        if inc < 0
                        else 1
                    )
                )
                refi = (
                    params.refi_max_cpr
                    / 100.0
                    / (1.0 + math.exp(-(inc - params.refi_mid) / params.refi_slope))
                    * math.exp(-params.burnout_rate * expo)
                )
                c = min((turnover + refi) * mult, params.cpr_cap / 100.0)
                smm = 1.0 - (1.0 - c) ** (1.0 / 12.0)
                sched = bal * sched_frac
                prep = (bal - sched) * smm
                bal_out[s, t] += bal
                sch_out[s, t] += sched
                pre_out[s, t] += prep
                bal = max(bal - sched - prep, 0.0)
                expo += max(inc, 0.0)
    return Projection(months=months, balance=bal_out, scheduled=sch_out, prepaid=pre_out)
