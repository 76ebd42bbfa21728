"""Monte-Carlo sweeps: rate model, seeds, backends, bands, engine identities, F2, CLI."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qtlab.analyses import get_analysis
from qtlab.engine import PaydownPath, SplicedPaydowns
from qtlab.errors import SpecError
from qtlab.i18n import t
from qtlab.policy import load_preset
from qtlab.present import policy_label
from qtlab.runs import RunContext
from qtlab.runs.forward import forward_projection, realized_paydown_rates
from qtlab.runs.inputs import ImpactInputs
from qtlab.runs.mbs import mortgage_rates
from qtlab.runs.runoff import paydown_source, run_projection
from qtlab.runs.sweep import mbs_runoff_variant, sweep_start_with_inputs, yield_fit
from qtlab.scenarios import (
    MORTGAGE,
    POLICY,
    RESIDUAL,
    RateModel,
    RatePaths,
    SweepStart,
    draw_paths,
    estimate_rate_model,
    simulate_rates,
    sweep,
    sweep_paths,
    sweep_reference,
)
from qtlab.scenarios.rates import moving_months

MONTHS = 24
POL = load_preset("qt2-realized")


@pytest.fixture(scope="module")
def fwd() -> tuple[SweepStart, ImpactInputs]:
    return sweep_start_with_inputs(RunContext(), months=MONTHS, policy=POL)


@pytest.fixture(scope="module")
def start(fwd: tuple[SweepStart, ImpactInputs]) -> SweepStart:
    return fwd[0]


@pytest.fixture(scope="module")
def small(start: SweepStart):
    return sweep(start, POL, 12, seed=7, chunk_size=5)


# --- the rate model -------------------------------------------------------------------


def test_estimation_recovers_known_parameters():
    """Simulate a known 2-variable process, estimate it back."""
    true = RateModel(
        names=("a", "b"),
        kappa=np.array([0.05, 0.2]),
        sigma=np.array([0.2, 0.1]),
        corr=np.array([[1.0, 0.6], [0.6, 1.0]]),
        long_run=np.array([np.nan, np.nan]),
        change_std=np.array([np.nan, np.nan]),
    )
    months = pd.period_range("1900-01", periods=6000, freq="M")
    base = pd.DataFrame({"a": 5.0, "b": 2.0}, index=months)
    p = simulate_rates(true, base, 1, seed=11)
    hist = pd.DataFrame({"a": p["a"][0], "b": p["b"][0]}, index=months)
    est = estimate_rate_model(hist)
    np.testing.assert_allclose(est.kappa, true.kappa, atol=0.015)
    np.testing.assert_allclose(est.sigma, true.sigma, rtol=0.03)
    assert est.corr[0, 1] == pytest.approx(0.6, abs=0.03)
    np.testing.assert_allclose(est.long_run, [5.0, 2.0], atol=0.1)


def test_rate_model_reproduces_the_history_statistics(
    start: SweepStart, fwd: tuple[SweepStart, ImpactInputs]
):
    """Simulated monthly changes have the standard deviation and correlation of the
    realized monthly changes of the mortgage rate (PMMS/MORTGAGE30US monthly average)
    and the policy rate over the estimation sample: the months where the policy rate
    moves (from 1994-02, off the zero lower bound)."""
    m = start.rate_model
    inp = fwd[1]
    assert m.sample is not None and m.sample[0] >= pd.Period("1994-03", "M")
    assert m.nobs > 150
    hist = mortgage_rates(RunContext())
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    mv = moving_months(inp.policy).reindex(hist.index).fillna(False).to_numpy(bool)
    pair = mv[1:] & mv[:-1] & np.asarray(hist.index[1:] <= inp.last_month)
    realized = pd.Series(np.diff(hist.to_numpy(float))[pair])
    months = pd.period_range("2030-01", periods=60, freq="M")
    base = pd.DataFrame({n: 5.0 for n in m.names}, index=months)
    sim = simulate_rates(m, base, 2000, seed=3)
    dm = np.diff(sim[MORTGAGE], axis=1)
    dp = np.diff(sim[POLICY], axis=1)
    assert dm.std() == pytest.approx(realized.std(), rel=0.05)
    assert m.change_std[m.index(MORTGAGE)] == pytest.approx(realized.std(), rel=1e-9)
    assert dp.std() == pytest.approx(m.change_std[m.index(POLICY)], rel=0.05)
    sim_corr = np.corrcoef(dm.ravel(), dp.ravel())[0, 1]
    assert sim_corr == pytest.approx(m.corr[0, 1], abs=0.03)
    # estimates are what the data say: a slow reversion (half-life over 3 years) and
    # monthly shocks of 0.1-0.3 pp
    f = m.to_frame()
    assert f.loc[MORTGAGE, "half_life"] > 36
    assert 0.1 < f.loc[MORTGAGE, "sigma"] < 0.3


def test_rate_paths_respect_floor_first_shock_and_start_deviation():
    m = RateModel(
        names=("x", "y"),
        kappa=np.array([0.1, 0.5]),
        sigma=np.array([1.0, 0.1]),
        corr=np.eye(2),
        long_run=np.array([np.nan, np.nan]),
        change_std=np.array([np.nan, np.nan]),
    )
    months = pd.period_range("2030-01", periods=6, freq="M")
    base = pd.DataFrame({"x": 0.5, "y": 0.0}, index=months)
    p = simulate_rates(
        m, base, 50, seed=0, floor={"x": 0.25}, first_shock={"y": "2030-03"},
        start_deviation={"y": 1.0},
    )  # fmt: skip
    assert (p["x"] >= 0.25).all() and (p["x"] == 0.25).any()
    np.testing.assert_array_equal(p["y"][:, :2], 1.0)  # held until its first shock
    assert not np.allclose(p["y"][:, 2], 1.0)
    with pytest.raises(SpecError, match="unknown rate variable 'z'"):
        simulate_rates(m, base, 5, floor={"z": 0.0})
    with pytest.raises(SpecError, match="n_paths=0"):
        simulate_rates(m, base, 0)


@settings(max_examples=40, deadline=None)
@given(
    kappa=st.floats(0.0, 1.0),
    d0=st.floats(-3.0, 3.0),
    level=st.floats(-1.0, 8.0),
    n=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_without_shocks_a_deviation_decays_geometrically(kappa, d0, level, n, seed):
    """sigma = 0: every path is base + d0 (1 - kappa)^t, whatever the seed; a floor only
    ever raises a level."""
    m = RateModel(
        names=("x",),
        kappa=np.array([kappa]),
        sigma=np.array([0.0]),
        corr=np.eye(1),
        long_run=np.array([np.nan]),
        change_std=np.array([np.nan]),
    )
    months = pd.period_range("2030-01", periods=12, freq="M")
    base = pd.DataFrame({"x": level}, index=months)
    p = simulate_rates(m, base, n, seed=seed, start_deviation={"x": d0})
    want = level + d0 * (1 - kappa) ** np.arange(1, 13)
    np.testing.assert_allclose(p["x"], np.tile(want, (n, 1)), atol=1e-12)
    fl = simulate_rates(m, base, n, seed=seed, start_deviation={"x": d0}, floor={"x": 1.0})
    assert (fl["x"] >= p["x"]).all() and (fl["x"] >= 1.0).all()


# --- seeds, backends, bands -----------------------------------------------------------


def test_same_seed_same_result_different_seed_different(start: SweepStart, small):
    again = sweep(start, POL, 12, seed=7, chunk_size=5)
    other = sweep(start, POL, 12, seed=8, chunk_size=5)
    for v in ("mbs_paydowns", "reserves", "yield10", "mortgage_rate"):
        np.testing.assert_array_equal(small.get(v), again.get(v))
    for v in ("mbs_paydowns", "yield10", "mortgage_rate", "policy_rate"):
        assert not np.allclose(small.get(v), other.get(v))
    assert small.seed == 7 and small.n_paths == 12


def test_chunking_and_threads_do_not_change_the_numbers(start: SweepStart, small):
    one = sweep(start, POL, 12, seed=7, chunk_size=12, workers=1)
    for v in one.arrays[POL.name]:
        np.testing.assert_allclose(one.get(v), small.get(v), rtol=1e-12, atol=1e-9)


def test_local_equals_dask(start: SweepStart, small):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.Client(processes=False, n_workers=2, dashboard_address=None) as client:
        d = sweep(start, POL, 12, seed=7, chunk_size=5, backend="dask", client=client)
    assert d.backend == "dask"
    for v in small.arrays[POL.name]:
        np.testing.assert_array_equal(d.get(v), small.get(v))


def test_bands_are_ordered(small):
    b = small.bands()
    q = b[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-12).all()
    assert set(b["variable"]) >= {"mbs_paydowns", "reserves", "yield10"}
    assert len(b) == len(small.arrays[POL.name]) * MONTHS
    tidy = small.tidy(["reserves"])
    assert len(tidy) == 12 * MONTHS
    with pytest.raises(SpecError, match="quantiles"):
        small.bands(quantiles=(0.5, 0.1))


def test_each_scenario_keeps_the_engine_identities(small):
    a = small.arrays[POL.name]
    # MBS: holdings change = reinvested - paydowns - sales
    d_mbs = np.diff(a["mbs"], axis=1)
    flows = (a["mbs_reinvested"] - a["mbs_paydowns"] - a["mbs_sales"])[:, 1:]
    np.testing.assert_allclose(d_mbs, flows, atol=1e-9)
    # the balance-sheet identity
    liab = a["reserves"] + a["on_rrp"] + a["tga"] + a["currency_other"]
    np.testing.assert_allclose(a["total_assets"], liab, atol=1e-6)
    # under the regime in force agency principal goes to bills: assets do not depend on
    # the rate path, paydowns do; assets move only with each path's reserve-management
    # purchase pace (a liability-side shock)
    net = a["total_assets"] - np.cumsum(a["bill_purchases"] - a["agency_to_treasuries"], axis=1)
    assert np.ptp(net, axis=0).max() < 1e-6
    assert np.ptp(a["total_assets"][:, -1]) > 1.0
    assert np.ptp(a["mbs_paydowns"][:, -1]) > 0.1
    np.testing.assert_allclose(a["agency_to_treasuries"], a["mbs_paydowns"], atol=1e-9)


def test_vectorized_sweep_equals_the_per_scenario_loop(start: SweepStart):
    paths, coefs = draw_paths(start, 3, seed=5)
    vec = sweep_paths(start, POL, paths, coefs).arrays[POL.name]
    ref = sweep_reference(start, POL, paths, coefs)
    for v in vec:
        np.testing.assert_allclose(vec[v], ref[v], rtol=1e-10, atol=1e-9)


def test_flat_paths_reproduce_the_deterministic_projection(fwd: tuple[SweepStart, ImpactInputs]):
    """Every path on the base rates (no shock) gives the deterministic engine projection
    of the runoff analyses (realized paydowns where measured, then the prepayment model
    along the base mortgage rate: back to its anchor) and the D2 point forecast."""
    start, inp = fwd
    grid = start.base.index
    h = np.arange(len(grid)) - grid.get_loc(start.first_shock[RESIDUAL]) + 1
    kappa = start.rate_model.kappa[start.rate_model.index(RESIDUAL)]
    resid = start.start_deviation[RESIDUAL] * (1 - kappa) ** np.maximum(h, 0)
    vals = {
        MORTGAGE: np.tile(start.base[MORTGAGE].to_numpy(), (2, 1)),
        POLICY: np.tile(start.base[POLICY].to_numpy(), (2, 1)),
        RESIDUAL: np.tile(resid, (2, 1)),
    }
    res = sweep_paths(start, POL, RatePaths(pd.PeriodIndex(grid), vals))
    ds = RunContext()
    base_rate = start.base[MORTGAGE].loc[start.first_shock[MORTGAGE] :]
    model = paydown_source("model", ctx=ds, mortgage_rate=base_rate)
    assert not isinstance(model, PaydownPath)
    src = SplicedPaydowns(realized_paydown_rates(ds), model)
    det = run_projection(
        ds, POL, start.start, MONTHS, mbs_paydowns=src, balance=start.balance
    ).frame
    for v in ("mbs_paydowns", "mbs", "bills", "reserves", "total_assets", "on_rrp"):
        for s in range(2):
            np.testing.assert_allclose(res.get(v)[s], det[v].to_numpy(), rtol=1e-10, atol=1e-8)
    fit = yield_fit(inp, "reserves_to_debt")
    ind = 100 * det["reserves"] / inp.debt.reindex(det.index)
    fc = fit.predict(ind, start.base[POLICY].reindex(det.index))
    np.testing.assert_allclose(res.get("yield10")[0], fc["mean"].to_numpy(), atol=1e-10)


def test_carry_forward_uses_the_realized_paydowns_like_f1(fwd: tuple[SweepStart, ImpactInputs]):
    """Months the weekly data measure are realized in every scenario (2024-10..2026-02 for
    the 2024-10-02 MBS file), so the sweep starts from F1's MBS holdings."""
    start, _ = fwd
    assert start.realized_paydowns is not None
    f1 = forward_projection(RunContext(), months=12)
    assert f1.start == start.start
    base = f1.projections[f1.default].start_holdings()
    res = sweep(start, POL, 3, seed=1)
    first = res.get("mbs")[:, 0] + res.get("mbs_paydowns")[:, 0]  # start-of-month par
    np.testing.assert_allclose(first, float(base["mbs"]), rtol=1e-9)


# --- errors ---------------------------------------------------------------------------


def test_bad_options_are_clear_errors(start: SweepStart):
    with pytest.raises(SpecError, match="backend='spark' is unknown; valid: 'local' or 'dask'"):
        sweep(start, POL, 2, backend="spark")
    with pytest.raises(SpecError, match="n_paths=0 must be an integer >= 1"):
        sweep(start, POL, 0)
    with pytest.raises(SpecError, match="chunk_size=0"):
        sweep(start, POL, 2, chunk_size=0)
    with pytest.raises(SpecError, match="scheduler= are for backend='dask'"):
        sweep(start, POL, 2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(SpecError, match="given twice"):
        sweep(start, [POL, POL], 2)
    with pytest.raises(SpecError, match="months=0 must be between 1 and 240"):
        replace(start, months=0)
    with pytest.raises(SpecError, match="base paths must cover"):
        replace(start, months=MONTHS + 1)
    with pytest.raises(SpecError, match="yield_model needs balance="):
        replace(start, balance=None)


def test_unreachable_scheduler_is_a_clear_error(start: SweepStart):
    pytest.importorskip("dask.distributed")
    with pytest.raises(SpecError, match=r"cannot reach a Dask scheduler at scheduler='tcp://"):
        sweep(start, POL, 2, backend="dask", scheduler="tcp://127.0.0.1:9")


def test_missing_dask_names_the_extra(start: SweepStart, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(SpecError, match=r"pip install 'qtlab\[dask\]'"):
        sweep(start, POL, 2, backend="dask")


# --- F2 and the CLI -------------------------------------------------------------------


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_f2_fan_charts_on_the_latest_data():
    r = get_analysis("F2").run(RunContext(), paths=40, months=MONTHS, seed=1, calibration_paths=40)
    assert r.meta["seed"] == 1 and r.meta["n_paths"] == 40
    keys = ("policy", "variable", "unit", "horizon_months", "month", "q05", "q25", "q50")
    cols = {t(f"f2.col.{k}", "en"): k for k in (*keys, "q75", "q95", "mean")}
    bands = r.table("f2_bands").rename(columns=cols)
    names = {t(f"f2.var.{v}", "en"): v for v in ("mbs_paydowns", "reserves", "yield10")}
    bands["variable"] = bands["variable"].map(names)
    assert set(bands["unit"]) == {"USD bn per month", "USD bn", "%"}
    assert set(bands["horizon_months"]) == {12, 24}
    bands["policy"] = bands["policy"].map(
        {policy_label(p, "en"): p for p in ("qt2-realized", "qt2-realized+mbs-runoff")}
    )  # the table shows the labels
    assert set(bands["policy"]) == {"qt2-realized", "qt2-realized+mbs-runoff"}
    q = bands[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-12).all()
    in_force = bands.loc[bands["policy"] == "qt2-realized"].set_index(
        ["variable", "horizon_months"]
    )
    # paydowns of the 2024-10 MBS file with mortgage rates near 6.5%: 10-20 bn a month
    assert 10 < in_force.loc[("mbs_paydowns", 24), "q50"] < 20
    # reinvestment in bills: reserves fan out with the liability shocks alone (TGA,
    # currency, ON RRP, purchase pace); more so when agency principal runs off
    width = in_force.loc[("reserves", 24), "q95"] - in_force.loc[("reserves", 24), "q05"]
    assert width > 100.0
    alt = r.note_values("f2.note.reserves_alt")
    assert alt["q95"] - alt["q05"] > 1.0 and alt["q50"] < in_force.loc[("reserves", 24), "q50"]
    assert alt["width_in_force"] > 100.0
    # the yield band is wide (AR(1) residual, parameter draws) and contains the median
    y = in_force.loc[("yield10", 24)]
    assert 0.5 < y["q95"] - y["q05"] < 5
    assert [f.name for f in r.figures] == [
        "f2_mbs_paydowns",
        "f2_reserves",
        "f2_yield10",
        "f2_pit",
    ]
    # the calibration table: one row per output and horizon (12, 24, 36, all)
    assert r.table("f2_coverage").shape == (6 * 4, 5)
    assert r.note_values("f2.note.calibration")["paths"] == 40
    assert r.note_values("f2.note.method")["paths"] == 40


def test_runoff_variant_adds_one_regime():
    v = mbs_runoff_variant(POL, pd.Period("2026-09", "M"))
    assert len(v.regimes) == len(POL.regimes) + 1
    assert v.regimes[-1].agency_cap == np.inf and v.regimes[-1].bill_purchases == 40
    with pytest.raises(SpecError, match="after the last regime"):
        mbs_runoff_variant(POL, pd.Period("2025-01", "M"))


def test_sweep_cli_json():
    from typer.testing import CliRunner

    from qtlab.cli import app

    res = CliRunner().invoke(
        app, ["sweep", "--paths", "8", "--months", "12", "--seed", "4", "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["options"]["seed"] == 4 and d["n_paths"] == 8 and d["policies"] == ["qt2-realized"]
    assert {r["variable"] for r in d["rows"]} >= {"mbs_paydowns", "reserves", "yield10"}
    assert len(d["summary"]["rate_model"]["corr"]) == 3
    bad = CliRunner().invoke(app, ["sweep", "--backend", "spark"])
    assert bad.exit_code == 2 and "valid: 'local' or 'dask'" in bad.output
    bad = CliRunner().invoke(app, ["sweep", "--scheduler", "tcp://x:1"])
    assert bad.exit_code == 2 and "needs --backend dask" in bad.output
