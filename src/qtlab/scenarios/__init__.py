"""Monte-Carlo scenarios: rate paths, sweeps over policies, local and Dask backends.

>>> from qtlab.runs.sweep import forward_start          # doctest: +SKIP
>>> start = forward_start(Dataset(), months=36)            # doctest: +SKIP
>>> res = sweep(start, load_preset("qt2-realized"), 1000, seed=0)  # doctest: +SKIP
>>> res.bands(["mbs_paydowns", "reserves", "yield10"])     # doctest: +SKIP
"""

from __future__ import annotations

from qtlab._random import rng  # the one seeded generator of every sweep
from qtlab.scenarios.backends import BACKENDS, check_backend, dask_client
from qtlab.scenarios.rates import RateModel, RatePaths, estimate_rate_model, simulate_rates
from qtlab.scenarios.sweep import (
    BAND_QUANTILES,
    ENGINE_OUTPUTS,
    MAX_SWEEP_BYTES,
    MORTGAGE,
    POLICY,
    RESIDUAL,
    SweepResult,
    SweepStart,
    YieldModel,
    check_sweep_memory,
    deterministic,
    draw_paths,
    driving_paths,
    project_paths,
    run_chunk,
    sweep,
    sweep_memory,
    sweep_paths,
    sweep_reference,
)

__all__ = [
    "BACKENDS",
    "BAND_QUANTILES",
    "ENGINE_OUTPUTS",
    "MAX_SWEEP_BYTES",
    "MORTGAGE",
    "POLICY",
    "RESIDUAL",
    "RateModel",
    "RatePaths",
    "SweepResult",
    "SweepStart",
    "YieldModel",
    "check_backend",
    "check_sweep_memory",
    "dask_client",
    "deterministic",
    "draw_paths",
    "driving_paths",
    "estimate_rate_model",
    "project_paths",
    "rng",
    "run_chunk",
    "simulate_rates",
    "sweep",
    "sweep_memory",
    "sweep_paths",
    "sweep_reference",
]
