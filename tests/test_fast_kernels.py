"""The compiled kernels (numba) against the numpy kernels and the reference loop; the
sweep with them against the sweep without; sweeps in a row on one Dask client.

The numba kernel computes the SMM by Newton's method on 1 - (1 - z)^12 = CPR instead of
log1p/expm1 and sums cohorts in another order, so it is compared within a tolerance:
rtol 1e-13 against the numpy kernel (observed about 1e-15), 1e-12 against the reference
loop (the tolerance the numpy kernel is held to).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from qtlab.errors import SpecError
from qtlab.prepay import CohortState, PrepayParams, _fast, prepay_params, project, project_reference
from qtlab.runs import RunContext

numba_only = pytest.mark.skipif(not _fast.available(), reason="numba (qtlab[fast]) not installed")

RTOL_NUMPY = 1e-13
RTOL_REFERENCE = 1e-12
OUTS = ("balance", "scheduled", "prepaid")


def _state(n: int, seed: int) -> CohortState:
    g = np.random.default_rng(seed)
    term = g.choice([180.0, 360.0], n)
    rem = np.maximum(1.0, np.floor(g.uniform(0.0, 1.0, n) * term))
    return CohortState(
        start=pd.Period("2021-11", freq="M"),
        par=g.uniform(0.0, 300.0, n),
        wac=g.uniform(0.0, 8.0, n),
        age=term - rem,
        remaining=rem,
        exposure=g.uniform(0.0, 80.0, n),
        gnma=g.random(n) < 0.3,
    )


def _paths(s: int, t: int, seed: int, level: float = 5.0, vol: float = 0.3) -> np.ndarray:
    g = np.random.default_rng(seed)
    return np.clip(level + np.cumsum(g.normal(0.0, vol, (s, t)), axis=1), 0.0, 20.0)


def _close(a: object, b: object, rtol: float, by_cohort: bool = False) -> None:
    for k in OUTS:
        np.testing.assert_allclose(getattr(a, k), getattr(b, k), rtol=rtol, atol=rtol)
        if by_cohort:
            ca, cb = a.by_cohort, b.by_cohort  # type: ignore[attr-defined]
            np.testing.assert_allclose(ca[k], cb[k], rtol=rtol, atol=rtol)


@numba_only
@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("qt2-fit", {}),
        ("qt2-fit", {"cpr_cap": 99.0}),  # SMM near the cap: most Newton steps
        ("qt2-fit", {"cpr_cap": 99.9999}),  # too close to 100%: the log1p/expm1 branch
        ("qt2-fit", {"refi_slope": 0.01}),  # exp(k * rate) would overflow: no factor split
        ("qt2-fit", {"refi_max_cpr": 90.0, "burnout_rate": 0.0, "lockin_floor": 1.0}),
    ],
)
def test_numba_kernel_equals_the_numpy_kernel(name: str, changes: dict[str, float]):
    p = dataclasses.replace(prepay_params(name), **changes)
    state = _state(23, seed=5)
    paths = _paths(17, 40, seed=6, level=3.0, vol=0.6)  # rates fall far below the WACs
    fast = project(state, paths, p, kernel="numba", by_cohort=True, threads=3)
    base = project(state, paths, p, kernel="numpy", by_cohort=True, chunk=5)
    _close(fast, base, RTOL_NUMPY, by_cohort=True)
    assert np.all(fast.balance[:, 1:] <= fast.balance[:, :-1] + 1e-12)


@numba_only
def test_numba_kernel_equals_the_reference_loop_through_maturity():
    state = _state(11, seed=8)
    state = dataclasses.replace(state, remaining=np.minimum(state.remaining, 30.0))
    paths = _paths(3, 36, seed=9)
    fast = project(state, paths, PrepayParams(), kernel="numba")
    _close(fast, project_reference(state, paths, PrepayParams()), RTOL_REFERENCE)
    assert fast.balance[:, 31:].max() == 0.0
    np.testing.assert_allclose(fast.paydowns.sum(axis=1), state.par.sum(), rtol=1e-12)


@numba_only
def test_threads_do_not_change_a_single_bit():
    state, paths, p = _state(40, seed=2), _paths(25, 24, seed=3), prepay_params("qt2-fit")
    one = project(state, paths, p, kernel="numba", threads=1)
    for n in (2, 7, 25, 64):
        other = project(state, paths, p, kernel="numba", threads=n)
        for k in OUTS:
            assert np.array_equal(getattr(one, k), getattr(other, k)), (n, k)
    # a scenario's numbers do not depend on the other scenarios run with it
    alone = project(state, paths[4:5], p, kernel="numba")
    assert np.array_equal(alone.prepaid[0], one.prepaid[4])


def test_newton_steps_reach_the_smm_of_every_cpr_up_to_the_cap():
    for cap in (0.05, 0.5, 0.8, 0.95, 0.99):
        n = _fast.newton_steps(cap)
        assert 1 <= n <= 20
        for c in np.linspace(0.0, cap, 57):
            z = c * (1.0 / 12.0 + c * (11.0 / 288.0))
            for _ in range(n):
                z += (c + np.expm1(12.0 * np.log1p(-z))) / (12.0 * (1.0 - z) ** 11)
            exact = -np.expm1(np.log1p(-c) / 12.0)
            assert abs(z - exact) <= 2e-15 * exact, (cap, c)
    assert _fast.newton_steps(0.9999999) == 0  # the kernel then uses log1p/expm1


def test_threads_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QTLAB_THREADS", "3")
    assert _fast.default_threads() == 3
    monkeypatch.setenv("QTLAB_THREADS", "two")
    with pytest.raises(SpecError, match="QTLAB_THREADS='two' must be an integer >= 1"):
        _fast.default_threads()
    monkeypatch.delenv("QTLAB_THREADS")
    assert _fast.default_threads() >= 1


def test_kernel_choice_is_checked(monkeypatch: pytest.MonkeyPatch):
    state, paths, p = _state(3, seed=1), _paths(2, 6, seed=1), PrepayParams()
    with pytest.raises(SpecError, match=r"kernel='gpu' is unknown; valid: 'auto', 'numba' or"):
        project(state, paths, p, kernel="gpu")
    with pytest.raises(SpecError, match="threads=0 must be an integer >= 1"):
        project(state, paths, p, threads=0)
    monkeypatch.setattr(_fast, "available", lambda: False)
    with pytest.raises(SpecError, match=r"pip install 'qtlab\[fast\]'"):
        project(state, paths, p, kernel="numba")
    # without numba, "auto" is the numpy kernel
    auto = project(state, paths, p)
    _close(auto, project(state, paths, p, kernel="numpy"), 0.0)


# --- the engine's compiled step and the whole sweep -------------------------------------


def test_engine_tips_accrual_compiled_equals_numpy(monkeypatch: pytest.MonkeyPatch):
    from qtlab.engine import _fast as engine_fast

    g = np.random.default_rng(11)
    gc = np.where(g.random((6, 3, 50)) < 0.4, g.uniform(0.0, 30.0, (6, 3, 50)), 0.0)
    ic = np.where(gc[:, 1] > 0, g.uniform(0.0, 5.0, (6, 50)), 0.0)
    ic_fast, ic_base = ic.copy(), ic.copy()
    tot_fast = engine_fast.accrue_tips(gc, ic_fast, 0.0031, 7)
    monkeypatch.setattr(engine_fast, "_compiled", lambda: None)
    tot_base = engine_fast.accrue_tips(gc, ic_base, 0.0031, 7)
    np.testing.assert_array_equal(ic_fast, ic_base)  # the same product per slot
    np.testing.assert_allclose(tot_fast, tot_base, rtol=1e-13)
    np.testing.assert_array_equal(ic_fast[:, :7], ic[:, :7])  # slots before lo untouched
    assert np.all(tot_fast > 0)


def test_sweep_with_compiled_kernels_equals_the_numpy_sweep(monkeypatch: pytest.MonkeyPatch):
    """The sweep of F2 (prepayment, engine with TIPS accrual and liabilities, D2) with the
    compiled kernels against the numpy kernels of before, within 1e-12 relative."""
    from qtlab.engine import _fast as engine_fast
    from qtlab.policy import load_preset
    from qtlab.runs.sweep import sweep_start_with_inputs
    from qtlab.scenarios import sweep

    pol = load_preset("qt2-realized")
    start = sweep_start_with_inputs(RunContext(), months=18, policy=pol)[0]
    fast = sweep(start, pol, 9, seed=3, chunk_size=4)
    monkeypatch.setattr(_fast, "available", lambda: False)
    monkeypatch.setattr(engine_fast, "_compiled", lambda: None)
    base = sweep(start, pol, 9, seed=3, chunk_size=4)
    for v, a in base.arrays[pol.name].items():
        np.testing.assert_allclose(fast.get(v), a, rtol=1e-12, atol=1e-9, err_msg=v)
    assert np.ptp(fast.get("mbs_paydowns")[:, -1]) > 0.1  # the paths do differ


def test_two_sweeps_on_one_dask_client_in_a_row():
    """The start is scattered under a fresh key per sweep: with a key hashed from the
    start, the second sweep asked for the first one's copy while it was being released
    and failed with 'lost dependencies' (seen with a real scheduler in
    benchmarks/bench_dask_scaling.py)."""
    distributed = pytest.importorskip("dask.distributed")
    from qtlab.policy import load_preset
    from qtlab.runs.sweep import sweep_start_with_inputs
    from qtlab.scenarios import sweep

    pol = load_preset("qt2-realized")
    start = sweep_start_with_inputs(RunContext(), months=6, policy=pol)[0]
    local = sweep(start, pol, 4, seed=1, chunk_size=2)
    with distributed.Client(processes=False, n_workers=1, dashboard_address=None) as client:
        for _ in range(3):
            d = sweep(start, pol, 4, seed=1, chunk_size=2, backend="dask", client=client)
            for v in local.arrays[pol.name]:
                np.testing.assert_array_equal(d.get(v), local.get(v))
