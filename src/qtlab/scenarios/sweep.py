"""Monte-Carlo sweeps: rate paths -> MBS paydowns -> the runoff engine -> reserves -> D2 yield.

A :class:`SweepStart` holds everything a sweep needs as plain data (built from a
Dataset by the analyses, see :func:`qtlab.runs.sweep.forward_start`): holdings,
the first month, the MBS cohorts and prepayment parameters, the mortgage-rate
history, the liability side, the D2 yield regression and the estimated
:class:`~qtlab.scenarios.rates.RateModel` with its base paths. :func:`sweep` draws
``n_paths`` rate paths (seeded) and, for each policy and each chunk of scenarios:

1. builds each scenario's driving mortgage rate (history where known, the path after,
   ``rate_lag_months`` earlier) and runs the prepayment model over all paths at once;
2. runs the engine with one scenario per path (its vectorized scenario axis), with the
   liability rules of :mod:`qtlab.balance` along each scenario's assets;
3. computes the scarcity indicator (reserves / denominator x 100) and the D2 yield
   ``const + b * indicator + c * policy_rate + u``: each scenario draws its coefficients
   from their HAC sampling distribution and ``u`` is the simulated AR(1) residual
   (the model's residual uncertainty), so the bands carry both parts of D2's
   prediction interval.

Chunks are independent and computed by a backend (:mod:`qtlab.scenarios.backends`);
chunking is fixed by ``chunk_size``, so every backend computes the same chunks and
returns identical numbers for the same seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab._random import rng
from qtlab.engine import (
    BalanceInputs,
    MbsSettlement,
    PaydownSource,
    Projection,
    RealizedPaydowns,
    SplicedPaydowns,
    project,
)
from qtlab.errors import DataError, SpecError, one_of, quoted
from qtlab.policy import Policy
from qtlab.prepay import CohortState, PrepayParams
from qtlab.prepay.paydowns import ModelPaydowns
from qtlab.scenarios._memory import MAX_SWEEP_BYTES, check_sweep_memory, sweep_memory
from qtlab.scenarios.liability_shocks import (
    SHOCK_NAMES,
    LiabilityShocks,
    apply_liability_shocks,
    draw_liability_shocks,
)
from qtlab.scenarios.rates import RateModel, RatePaths, simulate_rates

__all__ = [
    "BAND_QUANTILES",
    "ENGINE_OUTPUTS",
    "MAX_SWEEP_BYTES",
    "MORTGAGE",
    "POLICY",
    "RESIDUAL",
    "SweepResult",
    "SweepStart",
    "YieldModel",
    "check_sweep_memory",
    "deterministic",
    "draw_paths",
    "driving_paths",
    "project_paths",
    "run_chunk",
    "sweep",
    "sweep_memory",
    "sweep_paths",
    "sweep_reference",
]

FloatArray = npt.NDArray[np.float64]

#: Rate-model variable names a sweep reads.
MORTGAGE: Final = "mortgage_rate"
POLICY: Final = "policy_rate"
RESIDUAL: Final = "yield_residual"
#: Engine columns kept per scenario [USD bn] (reported months).
ENGINE_OUTPUTS: Final = (
    "mbs",
    "mbs_paydowns",
    "mbs_reinvested",
    "mbs_sales",
    "agency_to_treasuries",
    "treasury",
    "bills",
    "bill_purchases",
    "total_securities",
    "tips_inflation_comp",
)
_LIAB: Final = ("total_assets", "reserves", "on_rrp", "tga", "currency_other")
#: Quantiles of :meth:`SweepResult.bands`: the 90% band, the 50% band and the median.
BAND_QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class YieldModel:
    """The D2 regression as plain numbers: ``y = const + b * indicator + c * policy_rate + u``.

    Attributes
    ----------
    indicator
        Indicator name (``reserves_to_debt`` or ``reserves_to_gdp``).
    params
        Coefficients ``const``, the indicator, ``policy_rate``.
    cov
        Their HAC covariance, ``(3, 3)``.
    denominator
        Monthly denominator of the indicator [USD bn] (marketable debt or GDP) covering
        the swept months.
    """

    indicator: str
    params: FloatArray
    cov: FloatArray
    denominator: pd.Series = field(repr=False)


@dataclass(frozen=True)
class SweepStart:
    """Everything a sweep needs, as plain data (no I/O).

    Attributes
    ----------
    holdings
        Holdings by CUSIP (the engine's input).
    start
        First reported month.
    months
        Number of reported months.
    cohorts
        The MBS cohorts of the holdings file (:class:`~qtlab.prepay.CohortState`).
    prepay_params
        Prepayment-model parameters.
    mortgage_history
        Monthly 30-year mortgage rate [%] known at the vantage date.
    rate_model
        The estimated deviation process (variables :data:`MORTGAGE`, :data:`POLICY`,
        :data:`RESIDUAL`).
    base
        Base path per variable [%] on the simulated months (the last month must be the
        last reported month).
    start_deviation, first_shock
        See :func:`~qtlab.scenarios.rates.simulate_rates`.
    floor
        Level floors [%] (policy rate 0.25).
    tips_accrual, purchases, balance
        The engine's inputs of the same names.
    realized_paydowns
        MBS paydown rates measured in the weekly data: used, the same in every scenario,
        for the months they cover (the carry-forward from the MBS file), the prepayment
        model after (:class:`~qtlab.engine.SplicedPaydowns`); ``None``: the model
        throughout.
    yield_model
        The D2 regression (needs ``balance`` for reserves).
    mbs_settlement
        When MBS reinvestment settles (the engine's input of that name; ``None``: in the
        month its principal is paid).
    """

    holdings: pd.DataFrame = field(repr=False)
    start: pd.Period
    months: int
    cohorts: CohortState = field(repr=False)
    prepay_params: PrepayParams = field(repr=False)
    mortgage_history: pd.Series = field(repr=False)
    rate_model: RateModel
    base: pd.DataFrame = field(repr=False)
    start_deviation: Mapping[str, float] = field(default_factory=dict)
    first_shock: Mapping[str, pd.Period] = field(default_factory=dict)
    floor: Mapping[str, float] = field(default_factory=dict)
    tips_accrual: PaydownSource | None = field(default=None, repr=False)
    purchases: pd.DataFrame | None = field(default=None, repr=False)
    balance: BalanceInputs | None = field(default=None, repr=False)
    yield_model: YieldModel | None = field(default=None, repr=False)
    realized_paydowns: RealizedPaydowns | None = field(default=None, repr=False)
    mbs_settlement: MbsSettlement | None = field(default=None, repr=False)
    #: Liability shocks drawn per scenario (reserve bands; needs ``balance``).
    liability_shocks: LiabilityShocks | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.months, bool) or not 1 <= int(self.months) <= 240:
            raise SpecError(f"months={quoted(self.months)} must be between 1 and 240")
        last = self.start + int(self.months) - 1
        bi = pd.PeriodIndex(self.base.index, freq="M")
        if len(bi) == 0 or bi[0] > self.start or bi[-1] != last:
            raise SpecError(
                f"base paths must cover {self.start}..{last} and end there; got "
                f"{bi[0] if len(bi) else 'none'}..{bi[-1] if len(bi) else 'none'}"
            )
        for n in (MORTGAGE, POLICY, RESIDUAL):
            self.rate_model.index(n)
        if self.yield_model is not None and self.balance is None:
            raise SpecError("yield_model needs balance= (the D2 indicator is built on reserves)")

    @property
    def reported(self) -> pd.PeriodIndex:
        """The reported months."""
        return pd.period_range(self.start, periods=int(self.months), freq="M")


def driving_paths(
    start: SweepStart, mortgage: FloatArray, sim_months: pd.PeriodIndex
) -> FloatArray:
    """Driving mortgage rate [%] per scenario for every month from the cohorts' start to the
    last reported month: the rate ``rate_lag_months`` earlier, from the history where it is
    known, from the simulated path ``mortgage`` (``(S, len(sim_months))``) where simulated,
    and flat at the last known rate in between. Shape ``(S, n_months)``."""
    hist = start.mortgage_history.dropna().sort_index()
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    lag = int(start.prepay_params.rate_lag_months)
    drive = pd.period_range(start.cohorts.start, start.reported[-1], freq="M")
    src = drive - lag
    if len(hist) == 0 or src.min() < hist.index.min():
        raise DataError(
            f"the driving rate needs mortgage rates from {src.min()} but the history starts "
            f"{hist.index.min() if len(hist) else 'nowhere'}"
        )
    last_known = hist.index.max()
    known = hist.reindex(src).ffill().fillna(float(hist.iloc[-1])).to_numpy(np.float64)
    pos = sim_months.get_indexer(src)
    use_sim = (src > last_known) & (pos >= 0)
    out = np.broadcast_to(known, (mortgage.shape[0], len(drive))).copy()
    out[:, use_sim] = mortgage[:, pos[use_sim]]
    return out


def project_paths(
    start: SweepStart,
    policy: Policy,
    mortgage: FloatArray,
    sim_months: pd.PeriodIndex,
    *,
    months: int | None = None,
    balance: bool = True,
) -> Projection:
    """The engine on one scenario per row of ``mortgage`` (simulated mortgage rates [%] on
    ``sim_months``), MBS paydowns from the prepayment model over all rows at once (after
    the realized ones, if the start has them)."""
    drive = driving_paths(start, mortgage, sim_months)
    model = ModelPaydowns(start.cohorts, drive, start.prepay_params)
    src = (
        model
        if start.realized_paydowns is None
        else SplicedPaydowns(start.realized_paydowns, model)
    )
    return project(
        start.holdings,
        policy,
        start.start,
        int(start.months if months is None else months),
        mbs_paydowns=src,
        tips_accrual=start.tips_accrual,
        purchases=start.purchases,
        balance=start.balance if balance else None,
        mbs_settlement=start.mbs_settlement,
    )


def deterministic(start: SweepStart, policy: Policy, *, balance: bool = True) -> Projection:
    """The engine along the base mortgage-rate path (no shock): the deterministic projection
    every sweep fans out around."""
    base = start.base[MORTGAGE].to_numpy(np.float64)[None, :]
    return project_paths(
        start, policy, base, pd.PeriodIndex(start.base.index, freq="M"), balance=balance
    )


def run_chunk(
    start: SweepStart, policy: Policy, paths: RatePaths, coefs: FloatArray
) -> dict[str, FloatArray]:
    """One chunk of scenarios: ``{output: (S_chunk, months)}`` (see :func:`sweep`)."""
    proj = project_paths(start, policy, paths[MORTGAGE], paths.months)
    fr = proj.first_reported
    cols = ENGINE_OUTPUTS + (_LIAB if proj.has_liabilities else ())
    out = {c: np.ascontiguousarray(proj.arrays[c][:, fr:]) for c in cols}
    rep = paths.months.get_indexer(start.reported)
    out[MORTGAGE] = paths[MORTGAGE][:, rep]
    out[POLICY] = paths[POLICY][:, rep]
    if "tga_shock" in paths.values and proj.has_liabilities:
        drawn = {k: paths[k][:, rep] for k in SHOCK_NAMES}
        pace = policy.cap_path(start.reported[0], start.reported[-1])["bill_purchases"]
        apply_liability_shocks(out, drawn, pace.to_numpy(np.float64))
    ym = start.yield_model
    if ym is not None:
        den = ym.denominator.reindex(start.reported).to_numpy(np.float64)
        if not np.isfinite(den).all():
            raise DataError(f"the {ym.indicator} denominator does not cover {start.reported[-1]}")
        ind = 100.0 * out["reserves"] / den[None, :]
        out["indicator"] = ind
        out["yield10"] = (
            coefs[:, 0:1] + coefs[:, 1:2] * ind + coefs[:, 2:3] * out[POLICY]
        ) + paths[RESIDUAL][:, rep]
    return out


def draw_paths(
    start: SweepStart,
    n_paths: int,
    seed: int | np.random.Generator | None = 0,
    *,
    parameter_uncertainty: bool = True,
) -> tuple[RatePaths, FloatArray]:
    """The rate paths and, per path, the D2 coefficients ``(n_paths, 3)`` (drawn from
    their HAC distribution after the paths, from the same generator; the point estimates
    with ``parameter_uncertainty=False`` or without a yield model)."""
    g = rng(seed)
    paths = simulate_rates(
        start.rate_model,
        start.base,
        n_paths,
        seed=g,
        start_deviation=start.start_deviation,
        first_shock=start.first_shock,
        floor=start.floor,
    )
    ym = start.yield_model
    if ym is None:
        coefs = np.zeros((n_paths, 3))
    elif parameter_uncertainty:
        coefs = g.multivariate_normal(ym.params, ym.cov, size=n_paths, method="cholesky")
    else:
        coefs = np.tile(ym.params, (n_paths, 1))
    values = dict(paths.values)
    if start.liability_shocks is not None and start.balance is not None:  # drawn last
        values |= draw_liability_shocks(
            start.liability_shocks, n_paths, paths.months, start.start, g
        )
    return RatePaths(paths.months, values, seed if isinstance(seed, int) else None), coefs


def _policies(policies: Policy | Sequence[Policy]) -> dict[str, Policy]:
    items = [policies] if isinstance(policies, Policy) else list(policies)
    if not items:
        raise SpecError("give at least one policy to sweep")
    out: dict[str, Policy] = {}
    for p in items:
        if not isinstance(p, Policy):
            raise SpecError(f"policies must be qtlab.policy.Policy objects, got {quoted(p)}")
        if p.name in out:
            raise SpecError(f"policy {quoted(p.name)} is given twice")
        out[p.name] = p
    return out


@dataclass(frozen=True)
class SweepResult:
    """Per-scenario outputs of a sweep and their quantile bands.

    Attributes
    ----------
    months
        The reported months.
    arrays
        Policy name -> output name -> ``(n_paths, n_months)``: engine columns
        (:data:`ENGINE_OUTPUTS`, liabilities) [USD bn], ``mortgage_rate``,
        ``policy_rate``, ``yield10`` [%], ``indicator`` [%].
    seed, n_paths, backend, chunk_size
        How the sweep was run (recorded in every output).
    """

    months: pd.PeriodIndex
    arrays: Mapping[str, Mapping[str, FloatArray]] = field(repr=False)
    seed: int | None
    n_paths: int
    backend: str
    chunk_size: int

    @property
    def policies(self) -> tuple[str, ...]:
        """Policy names swept."""
        return tuple(self.arrays)

    def get(self, variable: str, policy: str | None = None) -> FloatArray:
        """``(n_paths, n_months)`` array of ``variable`` (first policy by default)."""
        pol = self.policies[0] if policy is None else policy
        if pol not in self.arrays:
            raise SpecError(f"unknown policy {quoted(pol)}; swept: {one_of(self.arrays)}")
        if variable not in self.arrays[pol]:
            raise SpecError(f"unknown output {quoted(variable)}; valid: {one_of(self.arrays[pol])}")
        return self.arrays[pol][variable]

    def bands(
        self,
        variables: Sequence[str] | None = None,
        quantiles: Sequence[float] = BAND_QUANTILES,
    ) -> pd.DataFrame:
        """Quantiles across scenarios: one row per (policy, variable, month), columns
        ``q05``, ``q25``, ``q50``, ``q75``, ``q95`` (per ``quantiles``) and ``mean``, in the
        variable's unit. Quantiles are non-decreasing left to right."""
        qs = [float(q) for q in quantiles]
        if any(not 0 <= q <= 1 for q in qs) or qs != sorted(qs):
            raise SpecError(f"quantiles={quoted(quantiles)} must be increasing values in [0, 1]")
        rows = []
        for pol, arrs in self.arrays.items():
            for v in variables or list(arrs):
                a = self.get(v, pol)
                qv = np.quantile(a, qs, axis=0)
                df = pd.DataFrame(
                    {f"q{round(100 * q):02d}": qv[i] for i, q in enumerate(qs)},
                    index=pd.Index(self.months, name="month"),
                )
                df["mean"] = a.mean(axis=0)
                rows.append(df.assign(policy=pol, variable=v).reset_index())
        out = pd.concat(rows, ignore_index=True)
        qcols = [str(c) for c in out.columns if str(c).startswith("q")]
        return out[["policy", "variable", "month", *qcols, "mean"]]

    def tidy(self, variables: Sequence[str] | None = None) -> pd.DataFrame:
        """Long table: ``policy, scenario, month`` and one column per output."""
        parts = []
        for pol, arrs in self.arrays.items():
            names = list(variables or arrs)
            S, M = self.n_paths, len(self.months)
            df = pd.DataFrame(
                {
                    "policy": pol,
                    "scenario": np.repeat(np.arange(S), M),
                    "month": np.tile(self.months, S),
                }
            )
            for v in names:
                df[v] = self.get(v, pol).reshape(-1)
            parts.append(df)
        return pd.concat(parts, ignore_index=True)


def sweep_paths(
    start: SweepStart,
    policies: Policy | Sequence[Policy],
    paths: RatePaths,
    coefs: FloatArray | None = None,
    *,
    backend: str = "local",
    chunk_size: int = 500,
    workers: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    seed: int | None = None,
) -> SweepResult:
    """Run the sweep on given rate ``paths`` (and D2 coefficients per path, default the
    point estimates); see :func:`sweep`."""
    from qtlab.scenarios.backends import run_chunks  # noqa: PLC0415 (backends import sweep)

    pols = _policies(policies)
    n = paths.n_paths
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise SpecError(f"chunk_size={quoted(chunk_size)} must be an integer >= 1")
    need = pd.period_range(start.base.index[0], start.reported[-1], freq="M")
    if not need.isin(paths.months).all():
        raise SpecError(f"rate paths must cover {need[0]}..{need[-1]}")
    if coefs is None:
        base = np.zeros(3) if start.yield_model is None else start.yield_model.params
        coefs = np.tile(base, (n, 1))
    if coefs.shape != (n, 3):
        raise SpecError(f"coefs must have shape ({n}, 3), got {coefs.shape}")
    chunks = [slice(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)]
    tasks = [(pol, paths.take(c), coefs[c]) for pol in pols.values() for c in chunks]
    results = run_chunks(
        start, tasks, backend=backend, workers=workers, client=client, scheduler=scheduler
    )
    return SweepResult(
        start.reported, _assemble(results, list(pols), chunks, n), seed, n, backend, chunk_size
    )


def _assemble(
    results: list[dict[str, FloatArray]], names: list[str], chunks: list[slice], n: int
) -> dict[str, dict[str, FloatArray]]:
    """Policy -> output -> ``(n, months)`` from the chunks' results (in task order), one
    output at a time, each chunk's array of it dropped once copied: the peak holds the
    outputs once plus one output, not twice as concatenating everything would."""
    arrays: dict[str, dict[str, FloatArray]] = {}
    k = len(chunks)
    for j, name in enumerate(names):
        parts = results[j * k : (j + 1) * k]
        out: dict[str, FloatArray] = {}
        for v in list(parts[0]):
            first = parts[0][v]
            out[v] = np.empty((n, *first.shape[1:]), dtype=first.dtype)
            for c, part in zip(chunks, parts, strict=True):
                out[v][c] = part.pop(v)
        arrays[name] = out
    return arrays


def sweep(
    start: SweepStart,
    policies: Policy | Sequence[Policy],
    n_paths: int = 1000,
    *,
    seed: int | np.random.Generator | None = 0,
    backend: str = "local",
    chunk_size: int = 500,
    workers: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    parameter_uncertainty: bool = True,
) -> SweepResult:
    """Monte-Carlo sweep of ``n_paths`` rate paths under each of ``policies``.

    Parameters
    ----------
    start
        The plain inputs (:class:`SweepStart`).
    policies
        A policy or several (every policy sees the same paths).
    n_paths
        Number of scenarios, >= 1.
    seed
        Int seed (recorded), Generator or None.
    backend
        ``"local"`` (vectorized chunks on a thread pool) or ``"dask"`` (chunks as tasks
        on a ``dask.distributed`` cluster: ``client``, else a scheduler at ``scheduler``,
        else a local in-process cluster); same numbers either way.
    chunk_size
        Scenarios per vectorized call; bounds memory (peak about 0.1 MB per scenario
        for a 36-month sweep from the latest data, carry-forward from 2022 included,
        so 500 scenarios take about 50 MB per thread).
    workers
        Threads of the local backend (default: up to 4).
    parameter_uncertainty
        Draw the D2 coefficients per scenario (default) or use the point estimates.

    Returns
    -------
    SweepResult
    """
    if isinstance(n_paths, bool) or not isinstance(n_paths, int | np.integer) or n_paths < 1:
        raise SpecError(f"n_paths={quoted(n_paths)} must be an integer >= 1")
    pols = policies if isinstance(policies, Sequence) else [policies]
    check_sweep_memory(int(n_paths), int(start.months), len(pols), chunk_size=chunk_size)
    from qtlab.scenarios.backends import check_backend  # noqa: PLC0415

    check_backend(backend)
    paths, coefs = draw_paths(
        start, int(n_paths), seed, parameter_uncertainty=parameter_uncertainty
    )
    return sweep_paths(
        start,
        policies,
        paths,
        coefs,
        backend=backend,
        chunk_size=chunk_size,
        workers=workers,
        client=client,
        scheduler=scheduler,
        seed=seed if isinstance(seed, int) else None,
    )


def sweep_reference(
    start: SweepStart, policy: Policy, paths: RatePaths, coefs: FloatArray
) -> dict[str, FloatArray]:
    """The per-scenario loop: :func:`run_chunk` on one path at a time, stacked (what the
    vectorized sweep must equal; the benchmark's reference)."""
    parts = [
        run_chunk(start, policy, paths.take(slice(i, i + 1)), coefs[i : i + 1])
        for i in range(paths.n_paths)
    ]
    return {v: np.concatenate([p[v] for p in parts]) for v in parts[0]}
