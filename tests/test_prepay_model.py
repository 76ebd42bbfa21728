"""The prepayment kernel: equality with the reference loop, published formulas,
and accounting properties (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qtlab.errors import DateRangeError, SpecError
from qtlab.prepay import (
    CohortState,
    ModelPaydowns,
    PrepayParams,
    cpr,
    param_set_names,
    prepay_params,
    project,
    project_cohorts,
    project_reference,
    rate_path,
    scheduled_fraction,
    shocked_paths,
    smm_from_cpr,
)


def _state(n: int = 7, seed: int = 1, start: str = "2022-05") -> CohortState:
    g = np.random.default_rng(seed)
    term = g.choice([180.0, 360.0], n)
    rem = np.maximum(1.0, np.floor(g.uniform(0.05, 1.0, n) * term))
    return CohortState(
        start=pd.Period(start, freq="M"),
        par=g.uniform(0.1, 300.0, n),
        wac=g.uniform(2.0, 7.5, n),
        age=term - rem,
        remaining=rem,
        exposure=g.uniform(0.0, 60.0, n),
        gnma=g.random(n) < 0.3,
    )


def test_kernel_equals_reference_implementation():
    state = _state(9)
    g = np.random.default_rng(3)
    paths = 5.0 + np.cumsum(g.normal(0, 0.2, (4, 30)), axis=1)
    p = prepay_params("qt2-fit")
    fast = project(state, paths, p, chunk=3)  # chunks must not change the answer
    ref = project_reference(state, paths, p)
    for k in ("balance", "scheduled", "prepaid"):
        np.testing.assert_allclose(getattr(fast, k), getattr(ref, k), rtol=1e-12, atol=1e-12)


def test_kernel_equals_reference_through_maturity():
    state = _state(5, seed=4)
    state = CohortState(
        state.start, state.par, state.wac, state.age, np.array([1.0, 2.0, 5.0, 12.0, 40.0]),
        state.exposure, state.gnma,
    )  # fmt: skip
    paths = np.full((2, 48), 4.0)
    fast, ref = (
        project(state, paths, PrepayParams()),
        project_reference(state, paths, PrepayParams()),
    )
    np.testing.assert_allclose(fast.paydowns, ref.paydowns, rtol=1e-12, atol=1e-12)
    assert fast.balance[:, 41:].max() == 0.0  # all paid off after the last maturity
    np.testing.assert_allclose(fast.paydowns.sum(axis=1), state.par.sum(), rtol=1e-12)


def test_level_payment_principal_matches_the_textbook_case():
    # 100,000 at 6% over 360 months: payment 599.55, first-month interest 500.00,
    # so scheduled principal is 99.55 (any amortization table).
    frac = float(scheduled_fraction(6.0, 360))
    assert frac * 100_000 == pytest.approx(99.55, abs=0.01)
    assert float(scheduled_fraction(0.0, 120)) == pytest.approx(1 / 120)
    assert float(scheduled_fraction(5.0, 1)) == 1.0


def test_smm_from_cpr_matches_the_psa_convention():
    # PSA standard: 6% CPR is 0.5143% SMM.
    assert float(smm_from_cpr(0.06)) == pytest.approx(0.005143, abs=5e-7)
    assert float(smm_from_cpr(0.0)) == 0.0


def test_cpr_shape_refi_lockin_seasoning_and_burnout():
    p = PrepayParams()
    inc = np.array([-3.0, -1.0, 0.0, 1.0, 2.0])
    c = cpr(inc, 60, 6, 0.0, False, p)
    assert np.all(np.diff(c) > 0)  # more incentive, more prepayment
    assert cpr(-1.0, 60, 6, 0, False, p) < cpr(0.0, 60, 6, 0, False, p)  # lock-in
    assert cpr(0.0, 6, 6, 0, False, p) < cpr(0.0, 60, 6, 0, False, p)  # seasoning ramp
    assert cpr(2.0, 60, 6, 50.0, False, p) < cpr(2.0, 60, 6, 0.0, False, p)  # burnout
    assert cpr(0.0, 60, 2, 0, False, p) < cpr(0.0, 60, 7, 0, False, p)  # seasonality
    assert cpr(1.0, 60, 6, 0, True, p) > cpr(1.0, 60, 6, 0, False, p)  # Ginnie faster
    assert float(cpr(20.0, 60, 6, 0, True, p)) <= p.cpr_cap / 100


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 6),
    seed=st.integers(0, 10_000),
    level=st.floats(0.0, 15.0),
    vol=st.floats(0.0, 1.0),
    turnover=st.floats(0.0, 20.0),
    refi=st.floats(0.0, 79.0),
)
def test_runoff_accounting_properties(n, seed, level, vol, turnover, refi):
    state = _state(n, seed)
    g = np.random.default_rng(seed)
    paths = np.clip(level + np.cumsum(g.normal(0, vol, (3, 40)), axis=1), 0.0, 25.0)
    p = PrepayParams(turnover_cpr=turnover, refi_max_cpr=refi)
    pr = project(state, paths, p, by_cohort=True)
    per = pr.by_cohort
    assert per is not None
    assert np.all(per["balance"] >= 0)
    assert np.all(per["scheduled"] >= 0) and np.all(per["prepaid"] >= 0)
    assert np.all(per["scheduled"] <= per["balance"] + 1e-12)
    assert np.all(per["scheduled"] + per["prepaid"] <= per["balance"] + 1e-12)
    # balance identity: next start = start - paydowns
    np.testing.assert_allclose(pr.balance[:, 1:], (pr.balance - pr.paydowns)[:, :-1], atol=1e-9)
    assert np.all((pr.rate >= 0) & (pr.rate <= 1))


def test_lower_rates_never_slow_paydowns():
    state = _state(8, seed=5)
    base = np.full(24, 6.0)
    pr = project(state, shocked_paths(base, [100, 0, -100, -200]), prepay_params("qt2-fit"))
    total = pr.paydowns.sum(axis=1)
    assert np.all(np.diff(total) > 0)


def test_model_paydowns_plug_shape_and_errors():
    state = _state(6)
    months = pd.period_range(state.start, periods=12, freq="M")
    one = ModelPaydowns(state, pd.Series(np.full(12, 5.0), index=months), "qt2-fit")
    r = one.rates(pd.period_range("2022-07", periods=20, freq="M"))  # beyond the path: flat
    assert r.shape == (20,) and np.all((r > 0) & (r < 1))
    pr = project(state, np.full(12, 5.0), prepay_params("qt2-fit"))
    np.testing.assert_allclose(one.rates(months), pr.rate[0], rtol=1e-12)
    many = ModelPaydowns(state, np.full((3, 12), 5.0) + np.arange(3)[:, None], "qt2-fit")
    assert many.rates(months).shape == (3, 12)
    with pytest.raises(DateRangeError, match="2022-05"):
        one.rates(pd.period_range("2022-04", periods=3, freq="M"))
    with pytest.raises(SpecError, match="consecutive months"):
        ModelPaydowns(state, pd.Series([5.0], index=pd.PeriodIndex(["2023-01"], freq="M")))
    assert "ModelPaydowns(start=2022-05" in repr(one)


def test_project_cohorts_extends_the_path_flat():
    state = _state(4)
    short = project_cohorts(state, np.array([5.0, 5.5]), "prior", 6)
    full = project_cohorts(state, np.array([5.0, 5.5, 5.5, 5.5, 5.5, 5.5]), "prior")
    np.testing.assert_allclose(short.paydowns, full.paydowns)


def test_named_parameter_sets_and_validation():
    assert {"prior", "qt1-fit", "qt2-fit", "outlook-2022-implied"} <= set(param_set_names())
    with pytest.raises(SpecError, match="'prior'"):
        prepay_params("no-such-set")
    with pytest.raises(SpecError, match="lockin_floor"):
        PrepayParams(lockin_floor=1.5)
    with pytest.raises(SpecError, match="seasonality"):
        PrepayParams(seasonality=(1.0,) * 11)
    with pytest.raises(SpecError, match="valid are"):
        PrepayParams().with_(nope=1)
    assert prepay_params("qt2-fit", turnover_cpr=5.0).turnover_cpr == 5.0


def test_rate_path_lag_flat_and_shock_on_the_future_only():
    hist = pd.Series([3.0, 4.0, 5.0, 6.0], index=pd.period_range("2022-01", periods=4, freq="M"))
    months = pd.period_range("2022-03", periods=5, freq="M")
    np.testing.assert_allclose(rate_path(hist, months, lag=2), [3.0, 4.0, 5.0, 6.0, 6.0])
    np.testing.assert_allclose(
        rate_path(hist, months, lag=2, as_of="2022-02", shock_bp=-100), [3.0, 4.0, 3.0, 3.0, 3.0]
    )
    with pytest.raises(Exception, match="starts in 2022-01"):
        rate_path(hist, pd.period_range("2022-01", periods=2, freq="M"), lag=2)


def test_calibration_recovers_known_parameters_from_synthetic_paydowns():
    from qtlab.prepay import Episode, calibrate

    state = _state(12, seed=7)
    months = pd.period_range(state.start, periods=36, freq="M")
    rates = 4.0 + 2.5 * np.sin(np.arange(36) / 6.0)  # in and out of the money
    truth = PrepayParams(turnover_cpr=5.0, lockin_beta=0.5, refi_mid=1.0)
    pr = project(state, rates, truth)
    ep = Episode(
        name="synthetic",
        state=state,
        rates=rates,
        paydowns=pd.Series(pr.paydowns[0], index=months),
        balance=pd.Series(pr.balance[0], index=months),
        fit_months=months[2:30],
        test_months=months[30:],
    )
    res = calibrate([ep], free=("turnover_cpr", "lockin_beta", "refi_mid"))
    assert res.params.turnover_cpr == pytest.approx(5.0, rel=1e-3)
    assert res.params.lockin_beta == pytest.approx(0.5, rel=1e-3)
    assert res.params.refi_mid == pytest.approx(1.0, rel=1e-3)
    assert res.mae("fit") < 1e-6 and res.mae("test") < 1e-6
    with pytest.raises(SpecError, match="fittable"):
        calibrate([ep], free=("seasonality",))
    with pytest.raises(SpecError, match="at least one"):
        calibrate([])
    with pytest.raises(Exception, match="outside the months"):
        Episode("x", state, rates, ep.paydowns, ep.balance, fit_months=months[:5])
