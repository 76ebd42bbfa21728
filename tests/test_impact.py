"""qtlab.impact: scarcity indicators, the 10-year yield OLS, interest cost and the dollar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from _contexts import shared
from qtlab._periods import to_monthly
from qtlab.balance import monthly_gdp
from qtlab.errors import DataError, SpecError
from qtlab.impact import (
    CLASSES,
    CURVE_TENORS,
    average_rate,
    broken_episodes,
    correlations,
    debt_path,
    distributed_lag,
    distributed_lag_reference,
    extend_curve,
    fiscal_year_totals,
    fit_yield,
    interest_dollar_frame,
    lag_weights,
    net_interest,
    peak,
    policy_rate,
    previous_peak,
    scarcity_indicators,
    sep_policy_path,
    term_shares,
)
from qtlab.store import Dataset

VANTAGE = "2022-05-31"


@pytest.fixture(scope="module")
def ds22() -> Dataset:
    return shared(VANTAGE)


@pytest.fixture(scope="module")
def monthly(ds22):
    reserves = to_monthly(ds22.series("WRESBAL"))
    debt = to_monthly(ds22.series("mspd.marketable.total"), "last")
    gdp = monthly_gdp(ds22.series("GDP"), "2026-12")
    ind = scarcity_indicators(reserves, debt, gdp)
    y10 = to_monthly(ds22.series("DGS10"))
    pol = policy_rate(ds22.series("DFEDTARU"))
    return ind, y10, pol


# --- D1 -----------------------------------------------------------------------------------


def test_indicators_are_reserves_over_the_denominators(ds22, monthly):
    ind, _, _ = monthly
    m = pd.Period("2022-03", freq="M")
    reserves = to_monthly(ds22.series("WRESBAL")).loc[m]
    debt = ds22.series("mspd.marketable.total").loc["2022-03-31"]
    assert ind.loc[m, "reserves_to_debt"] == pytest.approx(100 * reserves / debt)
    # QT1 trough: reserves near 7% of marketable debt in September 2019
    assert 6.0 < ind.loc[pd.Period("2019-09", freq="M"), "reserves_to_debt"] < 9.0


def test_debt_path_grows_with_the_cbo_baseline(ds22):
    marketable = to_monthly(ds22.series("mspd.marketable.total"), "last")
    base = ds22.series("cbo.baseline.debt")
    act = ds22.series("cbo.actual.debt")
    cbo = pd.concat([act[act.index < base.index[0]].iloc[-1:], base])
    cbo.index = pd.DatetimeIndex(cbo.index).to_period("M")
    path = debt_path(marketable, cbo, "2032-09")
    # the MSPD of 2022-05-31 is published in June (fourth business day): on 2022-05-31 the
    # last month known is April (2022-05 before the publication-lag rule)
    assert path.attrs["extended_from"] == pd.Period("2022-04", freq="M")
    # between two fiscal-year ends the path grows exactly like CBO's debt
    ratio = path.loc[pd.Period("2032-09", freq="M")] / path.loc[pd.Period("2031-09", freq="M")]
    assert ratio == pytest.approx(base.iloc[-1] / base.iloc[-2])
    with pytest.raises(DataError, match="two fiscal years"):
        debt_path(marketable, cbo.iloc[:1], "2030-01")


# --- D2 -----------------------------------------------------------------------------------


def test_fit_matches_statsmodels_on_the_same_data(monthly):
    ind, y10, pol = monthly
    fit = fit_yield(y10, ind["reserves_to_gdp"], pol, indicator_name="reserves_to_gdp")
    frame = pd.concat({"y": y10, "x": ind["reserves_to_gdp"], "p": pol}, axis=1).dropna()
    frame = frame.loc["2009-01":"2022-05"]
    ref = sm.OLS(frame["y"], sm.add_constant(frame[["x", "p"]])).fit(
        cov_type="HAC", cov_kwds={"maxlags": fit.hac_lags}
    )
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(fit.std_err.to_numpy(), ref.bse.to_numpy(), rtol=1e-10)
    assert fit.rsquared == pytest.approx(ref.rsquared, rel=1e-12)
    assert fit.nobs == len(frame) == 161
    assert fit.sample == (pd.Period("2009-01", freq="M"), pd.Period("2022-05", freq="M"))
    ci = fit.conf_int()
    np.testing.assert_allclose(ci.to_numpy(), ref.conf_int().to_numpy(), rtol=1e-10)
    assert "R-squared" in fit.summary() and "reserves_to_gdp" in fit.summary()
    with pytest.raises(AttributeError):
        fit.nobs = 3  # type: ignore[misc]


def test_iid_prediction_intervals_match_statsmodels(monthly):
    ind, y10, pol = monthly
    fit = fit_yield(y10, ind["reserves_to_debt"], pol, sample=("2010-01", "2021-12"))
    idx = pd.period_range("2022-01", periods=6, freq="M")
    x = pd.Series(np.linspace(14, 12, 6), index=idx)
    p = pd.Series(np.linspace(0.25, 1.5, 6), index=idx)
    got = fit.predict(x, p, residual="iid")
    frame = pd.concat({"y": y10, "x": ind["reserves_to_debt"], "p": pol}, axis=1).dropna()
    frame = frame.loc["2010-01":"2021-12"]
    ref = sm.OLS(frame["y"], sm.add_constant(frame[["x", "p"]])).fit(
        cov_type="HAC", cov_kwds={"maxlags": fit.hac_lags}
    )
    sf = ref.get_prediction(np.column_stack([np.ones(6), x, p])).summary_frame(alpha=0.05)
    np.testing.assert_allclose(got["mean"], sf["mean"], rtol=1e-10)
    np.testing.assert_allclose(got["lower"], sf["obs_ci_lower"], rtol=1e-8)
    np.testing.assert_allclose(got["upper"], sf["obs_ci_upper"], rtol=1e-8)


def test_prediction_intervals_widen_with_the_horizon(monthly):
    ind, y10, pol = monthly
    fit = fit_yield(y10, ind["reserves_to_debt"], pol)
    idx = pd.period_range("2022-06", periods=36, freq="M")
    x = pd.Series(14.0, index=idx)  # hold the inputs: only the horizon changes
    p = pd.Series(1.0, index=idx)
    fc = fit.predict(x, p)
    width = (fc["upper"] - fc["lower"]).to_numpy()
    assert (np.diff(width) > 0).all()
    assert fit.rho > 0.8  # persistent residuals, hence the AR(1) error model
    # the mean starts near the last observed yield and decays to the fitted value
    assert abs(fc["mean"].iloc[0] - (fit.fitted.iloc[-1] + fit.rho * fit.last_resid)) < 0.2
    pk = peak(fc)
    assert pk["month"] in fc.index and pk["upper"] > pk["mean"]
    with pytest.raises(SpecError, match="after the sample end"):
        fit.predict(x.rename(index=lambda m: m - 12), p.rename(index=lambda m: m - 12))


def test_sample_before_the_target_range_needs_a_pre_range_series(ds22, monthly):
    ind, y10, pol = monthly
    with pytest.raises(DataError, match="2008-12"):
        fit_yield(y10, ind["reserves_to_debt"], pol, sample=("2005-01", None))
    spliced = policy_rate(ds22.series("DFEDTARU"), ds22.series("DFF"))
    assert "DFF" in spliced.attrs["pre_range"]
    fit = fit_yield(y10, ind["reserves_to_debt"], spliced, sample=("2005-01", None))
    assert fit.sample[0] == pd.Period("2005-01", freq="M")
    with pytest.raises(SpecError, match="reserves_to_gdp"):
        fit_yield(y10, ind["reserves_to_debt"], pol, indicator_name="reserves")


def test_sep_path_interpolates_to_the_year_end_upper_bounds(ds22):
    sep = ds22.series("FEDTARMD")  # March 2022 SEP: 1.9, 2.8, 2.8
    path = sep_policy_path(sep, 1.0, "2022-06", "2025-06")
    assert path.loc[pd.Period("2022-12", freq="M")] == pytest.approx(1.9 + 0.125)
    assert path.loc[pd.Period("2023-12", freq="M")] == pytest.approx(2.8 + 0.125)
    assert path.loc[pd.Period("2025-06", freq="M")] == pytest.approx(2.925)  # flat after
    # June 2022: one seventh of the way from 1.0 (May) to 2.025 (December)
    assert path.iloc[0] == pytest.approx(1.0 + (2.025 - 1.0) / 7)
    assert path.is_monotonic_increasing


# --- D3 -----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.floats(-5, 20, allow_nan=False), st.just(float("nan"))),
        min_size=1,
        max_size=60,
    ),
    weights=st.lists(st.floats(0.01, 1), min_size=1, max_size=24),
)
def test_distributed_lag_equals_the_reference(values, weights):
    w = np.array(weights) / np.sum(weights)
    np.testing.assert_allclose(
        distributed_lag(np.array(values), w),
        distributed_lag_reference(np.array(values), w),
        rtol=1e-9,
        atol=1e-9,
        equal_nan=True,
    )


def test_lag_weights_from_term_shares():
    w = lag_weights(pd.Series([0.5, 0.5], index=[2, 4]))
    np.testing.assert_allclose(w, [0.25 + 0.125, 0.25 + 0.125, 0.125, 0.125])
    assert w.sum() == pytest.approx(1.0)


@pytest.fixture(scope="module")
def interest_history():
    ds = shared()
    curve = pd.concat(
        {k: to_monthly(ds.series(v)) for k, v in CURVE_TENORS.items()}, axis=1
    ).dropna()
    ids = {"bill": "bills", "note": "notes", "bond": "bonds", "tips": "tips", "frn": "frn"}
    debt = pd.DataFrame(
        {c: to_monthly(ds.series(f"mspd.{i}.public"), "last") for c, i in ids.items()}
    ).fillna(0.0)
    shares = term_shares(ds.table("treasury.mspd_detail.2022-01-31"))
    rates = average_rate(curve, debt.loc["2001-01":], shares)
    model = fiscal_year_totals(net_interest(rates, debt.loc["2001-01":])["interest"])
    actual = ds.series("FYOINT")
    actual.index = pd.DatetimeIndex(actual.index).year
    return ds, rates, model, actual, shares


def test_term_shares_reflect_the_maturity_structure(interest_history):
    *_, shares = interest_history
    assert set(shares) == set(CLASSES)
    for s in shares.values():
        assert s.sum() == pytest.approx(1.0)
    mean_term = {c: float((s.index * s).sum()) for c, s in shares.items()}
    assert mean_term["bill"] < 12 < mean_term["note"] < 120 < mean_term["bond"]


def test_net_interest_model_tracks_actual_outlays(interest_history):
    """Model net interest on actual yields and MSPD debt against FRED FYOINT (Treasury
    Monthly Treasury Statement, net interest outlays). Tolerance: every fiscal year
    2017-2025 within 15%, mean absolute error under 8%. FY2022 is the largest miss
    (TIPS inflation accruals are not modelled, and inflation was high)."""
    _, _, model, actual, _ = interest_history
    years = range(2017, 2026)
    err = (model.loc[list(years)] / actual.loc[list(years)] - 1).abs()
    assert (err < 0.15).all(), err.to_dict()
    assert err.mean() < 0.08


def test_fyoint_equals_cbo_actual_net_interest():
    """FRED FYOINT and CBO's actual net interest (US-CBO/eval-projections actuals) agree:
    exactly for FY2020-2024, within 0.2 bn for FY2025 (970.065 vs 969.938, MANIFEST)."""
    ds = shared()
    fy = ds.series("FYOINT")
    cbo = ds.series("cbo.actual.outlay.net_interest")
    both = pd.concat({"fred": fy, "cbo": cbo}, axis=1).dropna().loc["2019-10":]
    assert list(both.index.year) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert (both["fred"] - both["cbo"]).abs().max() < 0.2


def test_previous_peak_share_of_gdp_is_1991():
    """Net interest peaked at 3.2% of GDP in 1991 before the 2020s (CBO, The Budget and
    Economic Outlook, historical budget data). Tolerance 0.05 pp."""
    ds = shared(VANTAGE)
    actual = ds.series("FYOINT")
    actual.index = pd.DatetimeIndex(actual.index).year
    gdp = ds.series("cbo.actual.gdp")
    gdp.index = pd.DatetimeIndex(gdp.index).year
    prev = previous_peak(actual, gdp, 2022)
    assert prev["share_fy"] == 1991
    assert prev["share"] == pytest.approx(3.2, abs=0.05)
    assert prev["level_fy"] == 2019


def test_extend_curve_sets_the_short_end_from_the_policy_path(interest_history):
    _, rates, *_ = interest_history
    idx = pd.period_range("2026-09", periods=3, freq="M")
    curve = pd.DataFrame({0.25: [4.0], 2.0: [4.0], 10.0: [4.0]}, index=[idx[0] - 1])
    ext = extend_curve(curve, pd.Series(3.0, index=idx), pd.Series(5.0, index=idx))
    assert ext.loc[idx[0], 0.25] == pytest.approx(2.875)
    assert ext.loc[idx[0], 10.0] == pytest.approx(5.0)
    assert 2.875 < ext.loc[idx[0], 2.0] < 5.0
    assert (rates["average"].dropna() > 0).all()


# --- D4 -----------------------------------------------------------------------------------


def test_interest_dollar_correlations():
    ds = shared()
    frame = interest_dollar_frame(
        ds.series("A091RC1Q027SBEA"), ds.series("GDP"), ds.series("DTWEXBGS"), ds.series("DFF")
    )
    assert frame.index[0] == pd.Period("2006Q1", freq="Q")  # the broad index starts 2006
    full, rolling = correlations(frame, 12)
    assert full == pytest.approx(
        np.corrcoef(frame["interest_to_gdp"], frame["dollar"])[0, 1], rel=1e-12
    )
    last = frame.iloc[-12:]
    assert rolling.iloc[-1] == pytest.approx(
        np.corrcoef(last["interest_to_gdp"], last["dollar"])[0, 1], rel=1e-9
    )
    eps = broken_episodes(frame, rolling, full)
    assert list(eps.columns)[:3] == ["start", "end", "quarters"]
    assert (eps["quarters"] >= 4).all()
    assert (np.sign(eps["mean_corr"]) == -np.sign(full)).all()
    with pytest.raises(SpecError, match="window"):
        correlations(frame, 2)
