"""F2's calibrated fans: the anchored rate model, its sample rule, the liability shocks,
the coverage computation and the report section's coverage table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qtlab.runs import RunContext
from qtlab.runs.calibration import (
    CALIBRATION_HORIZONS,
    CALIBRATION_OUTPUTS,
    band_coverage,
    calibrate_fans,
    pit,
)
from qtlab.runs.inputs import load_inputs
from qtlab.runs.mbs import mortgage_rates
from qtlab.runs.sweep import rate_anchor, rate_model, sep_longer_run, yield_fit
from qtlab.scenarios import POLICY, simulate_rates
from qtlab.scenarios.liability_shocks import LiabilityShocks, draw_liability_shocks
from qtlab.scenarios.rates import (
    ZLB_UPPER,
    anchored_base,
    estimate_anchored_rate_model,
    moving_months,
)


def _ar1(n: int, kappa: float, level: float, sigma: float, seed: int) -> np.ndarray:
    g = np.random.default_rng(seed)
    x = np.empty(n)
    x[0] = level
    for t in range(1, n):
        x[t] = x[t - 1] + kappa * (level - x[t - 1]) + sigma * g.standard_normal()
    return x


def test_anchored_model_reverts_to_the_anchor_given():
    months = pd.period_range("1994-01", periods=400, freq="M")
    hist = pd.DataFrame(
        {"p": _ar1(400, 0.05, 4.0, 0.2, 1), "m": _ar1(400, 0.03, 7.0, 0.2, 2)}, index=months
    )
    moving = pd.Series(True, index=months)
    m = estimate_anchored_rate_model(hist, moving, {"p": 2.5})
    assert m.long_run[m.index("p")] == 2.5  # the SEP longer-run median given
    # the un-anchored variable keeps its estimated long-run level (near 7)
    assert m.long_run[m.index("m")] == pytest.approx(7.0, abs=1.0)
    assert 0.0 < m.kappa[m.index("p")] < 0.15  # estimated, not given
    base = anchored_base(m, "p", hist["p"], pd.period_range(months[-1] + 1, periods=600, freq="M"))
    assert base.iloc[-1] == pytest.approx(2.5, abs=0.01)


def test_anchored_sample_excludes_zero_lower_bound_and_later_months():
    months = pd.period_range("2000-01", periods=300, freq="M")
    pol = pd.Series(
        np.r_[np.linspace(6.0, 1.0, 100), np.full(100, 0.25), np.linspace(0.5, 5, 100)],
        index=months,
    )
    mv = moving_months(pol)
    assert not mv[pol <= ZLB_UPPER].any() and mv[pol > ZLB_UPPER].all()
    assert not moving_months(pol, first="2010-01").loc[:"2009-12"].any()
    # a wild move inside the zero-lower-bound months or after `last` does not enter
    base = pd.DataFrame({"p": pol, "x": _ar1(300, 0.05, 3.0, 0.1, 3)}, index=months)
    wild = base.copy()
    wild.loc["2010-03":"2010-06", "x"] = 50.0  # ZLB months (2008-05..2016-08)
    wild.loc["2024-06":, "x"] = -40.0  # after `last`
    a = estimate_anchored_rate_model(base, mv, {}, last="2024-05")
    b = estimate_anchored_rate_model(wild, mv, {}, last="2024-05")
    np.testing.assert_allclose(a.sigma, b.sigma)
    np.testing.assert_allclose(a.kappa, b.kappa)
    assert a.sample is not None and a.sample[1] <= pd.Period("2024-05", "M")
    assert a.nobs == int((mv.to_numpy()[1:] & mv.to_numpy()[:-1])[:292].sum())


def test_coverage_of_normal_outcomes_in_normal_bands():
    g = np.random.default_rng(0)
    draws = g.standard_normal((4000, 2000))
    realized = g.standard_normal(4000)
    assert band_coverage(draws, realized, 0.9).mean() == pytest.approx(0.9, abs=0.015)
    assert band_coverage(draws, realized, 0.5).mean() == pytest.approx(0.5, abs=0.025)
    u = pit(draws, realized)
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    assert counts.min() > 330 and counts.max() < 470  # uniform: 400 per bin
    # outcomes from a wider distribution are covered less often
    assert band_coverage(draws, 3 * realized, 0.9).mean() < 0.5
    assert pit([[1.0, 2.0, 3.0, 4.0]], [2.0])[0] == pytest.approx(0.375)


def test_liability_shocks_are_stationary_and_start_at_the_start():
    sh = LiabilityShocks(
        tga_sd=100.0,
        tga_ar1=0.5,
        currency_sd=0.005,
        currency0=2000.0,
        rrp_sd=50.0,
        rrp_ar1=0.8,
        pace_cv=0.2,
    )
    months = pd.period_range("2026-01", periods=40, freq="M")
    d = draw_liability_shocks(sh, 20000, months, months[4], np.random.default_rng(1))
    assert (d["tga_shock"][:, :4] == 0).all()
    assert d["tga_shock"][:, 4:].std() == pytest.approx(100.0, rel=0.03)
    assert d["rrp_shock"][:, -1].std() == pytest.approx(50.0, rel=0.05)
    assert d["rmp_pace_factor"][:, 0].std() == pytest.approx(0.2, rel=0.05)
    assert d["currency_shock"][:, -1].std() == pytest.approx(2000 * 0.005 * 6, rel=0.05)


@pytest.mark.parametrize("as_of", ["2022-05-31", None])
def test_f2_rate_model_at_the_vantage(as_of: str | None):
    """Fitted only on data visible at the vantage; anchored at that SEP's longer run."""
    ctx = RunContext(as_of)
    inp = load_inputs(ctx, horizon=37)
    hist = mortgage_rates(ctx)
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    fit = yield_fit(inp, "reserves_to_debt")
    m, anchor = rate_model(ctx, inp, hist, fit)
    assert m.sample is not None and m.sample[1] <= inp.last_month
    lr = sep_longer_run(ctx)
    assert lr is not None and anchor.sep_median == lr[0]
    if as_of is not None:
        assert lr[1] <= pd.Timestamp(as_of).date()
    assert m.long_run[m.index(POLICY)] == pytest.approx(lr[0] + 0.125)
    assert anchor == rate_anchor(ctx, inp, hist)
    # the bands have width and are not a random walk: half-life within 1..50 years
    f = m.to_frame()
    assert 12 < f.loc[POLICY, "half_life"] < 600
    assert 0.05 < f.loc[POLICY, "sigma"] < 0.5
    sim = simulate_rates(
        m,
        pd.DataFrame(
            {n: 3.0 for n in m.names}, index=pd.period_range("2030-01", periods=36, freq="M")
        ),
        500,
        seed=0,
    )
    assert np.ptp(np.quantile(sim[POLICY][:, -1], [0.05, 0.95])) > 0.5


def test_no_sep_longer_run_before_the_dot_plots():
    assert sep_longer_run(RunContext("2018-06-30")) is None


@pytest.fixture(scope="module")
def calibration():
    return calibrate_fans(RunContext(), paths=60, seed=1)


def test_calibration_points_and_coverage_table_shape(calibration):
    cov = calibration.coverage()
    assert list(cov.columns) == ["output", "horizon_months", "n", "inside_50", "inside_90"]
    assert len(cov) == len(CALIBRATION_OUTPUTS) * (len(CALIBRATION_HORIZONS) + 1)
    p = calibration.points
    # 2024-05-31 + 36 months is not in the data yet; the rest is scored or flagged
    assert set(p["vantage"]) == {"2018-06-30", "2022-05-31", "2023-04-30", "2024-05-31"}
    assert (p["q05"] <= p["q25"]).all() and (p["q75"] <= p["q95"]).all()
    assert ((p["pit"] >= 0) & (p["pit"] <= 1)).all()
    assert (p.loc[p["inside_50"], "inside_90"]).all()
    # no SOMA Treasury file at 2018-06-30: reserves and SOMA total not scored there
    flagged = p[(p["vantage"] == "2018-06-30") & p["output"].isin(["reserves", "soma_total"])]
    assert len(flagged) and not flagged["scored"].any()
    allh = cov[cov["horizon_months"] == "all"].set_index("output")
    sub = cov[cov["horizon_months"] != "all"].groupby("output")["n"].sum()
    assert (allh["n"] == sub.reindex(allh.index)).all()


def test_calibration_at_a_past_vantage_uses_only_data_visible_then():
    """At a past vantage the realized values are the data visible then, and only earlier
    calibration vantages run: nothing after the vantage enters."""
    cal = calibrate_fans(RunContext("2023-04-30"), paths=30, seed=2)
    assert cal.vantages == ("2018-06-30", "2022-05-31")
    assert set(cal.points["vantage"]) <= set(cal.vantages)
    assert (pd.PeriodIndex(cal.points["month"], freq="M") <= pd.Period("2023-04", "M")).all()
    none = calibrate_fans(RunContext("2018-06-30"), paths=10)
    assert none.vantages == () and none.points.empty
    assert (none.coverage()["n"] == 0).all()
