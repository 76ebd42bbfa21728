"""Calibration on the Fed's realized MBS paydowns, the issue's targets, and the
2022 baseline comparison (embedded data)."""

from __future__ import annotations

import pandas as pd
import pytest

from qtlab.prepay import prepay_params
from qtlab.runs import RunContext
from qtlab.runs.mbs import (
    backtest_mbs,
    fit_params,
    mbs_cap,
    realized_paydowns,
)
from qtlab.runs.mbs_projection import NYFED_2022_BASE, baseline_2022
from qtlab.store import Dataset


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return RunContext()


@pytest.fixture(scope="module")
def fit(ds):
    return fit_params(ds, "qt2-fit")


def test_realized_paydowns_are_payment_aligned(ds):
    r = realized_paydowns(ds)
    # NY Fed weekly SOMA MBS: 2,632.908242 on 2023-01-04 and 2,616.273473 on 2023-02-01
    assert r.loc[pd.Period("2023-01", freq="M"), "paydowns"] == pytest.approx(16.635, abs=1e-3)
    # the first-Wednesday rule removes the month-end lump of early 2023 (Feb 4.5 / Mar 25.7)
    feb, mar = r.loc["2023-02":"2023-03", "paydowns"]
    assert 13 < feb < 17 and 13 < mar < 17


@pytest.mark.parametrize("name", ["qt1-fit", "qt2-fit"])
def test_packaged_parameter_sets_are_reproduced_by_the_fit(ds, name):
    refit = fit_params(ds, name).params
    packaged = prepay_params(name)
    for f in ("turnover_cpr", "lockin_beta", "lockin_floor", "refi_max_cpr", "refi_mid"):
        assert getattr(refit, f) == pytest.approx(getattr(packaged, f), rel=2e-3), f


def test_paydown_error_target_in_and_out_of_sample(fit):
    # Target (issue): MAE of 3-month-average monthly paydowns < 2 bn, in and out of
    # sample. Measured at commit time: QT2 fit 1.17, QT2 out of sample 0.76, QT1 1.57.
    assert fit.mae("fit", "qt2") < 2.0
    assert fit.mae("test", "qt2") < 2.0
    assert fit.mae("fit", "qt1") < 2.0
    assert len(fit.errors.query("episode == 'qt2' and sample == 'test'")) == 18


def test_holdings_target_every_month_end(ds, fit):
    # Target (issue): model MBS holdings within 3% of realized at every month-end
    # 2022-06..2025-11. Measured: 1.63% (last Wednesday), 1.05% (payment-aligned).
    bt = backtest_mbs(ds, fit.params)
    assert bt.max_abs_pct_error() < 3.0
    assert bt.max_abs_pct_error("aligned") < 3.0
    f = bt.frame.loc[pd.Period("2022-06", freq="M") :]
    assert f["realized_month_end"].notna().all() and len(f) == 42


def test_baseline_2022_against_the_nyfed_outlook_and_the_outcome(ds):
    b = baseline_2022(ds)
    avg = b["avg_paydowns"].to_dict()
    extra = b["extra_at_minus_100bp"].to_dict()
    # Source: Federal Reserve Bank of New York, Open Market Operations during 2021
    # (May 2022): about 25 bn a month, about 16.8 bn more at 1 pp lower rates.
    assert avg["nyfed_2022"] == NYFED_2022_BASE
    # Realized 2022-10..2023-12 from the NY Fed weekly holdings: 17.7 bn a month.
    assert avg["realized"] == pytest.approx(17.73, abs=0.05)
    # The model with the rate known in May 2022 lands near the outcome, well below
    # the 25 bn of the 2022 outlook (tolerance: the 2 bn error target).
    assert abs(avg["model_2022_qt2-fit"] - avg["realized"]) < 2.0
    assert avg["model_2022_qt2-fit"] < NYFED_2022_BASE - 5
    assert abs(avg["model_realized_rates"] - avg["realized"]) < 2.0
    # Not reproduced: the 2022 outlook's +16.8 bn at 1 pp lower rates. With the
    # Fed's pools (2-2.5% coupons, note rates ~3%) 1 pp lower still leaves most
    # loans out of the money; the model gives a few bn (measured 1.7 with the
    # QT2 fit, 3.3 with the QT1 fit). Pinned so a change is noticed.
    assert 0.5 < extra["model_2022_qt2-fit"] < 5.0
    assert 0.5 < extra["model_2022_qt1-fit"] < 6.0


def test_mbs_cap_follows_the_qt2_plan():
    m = pd.period_range("2022-05", "2025-12", freq="M")
    cap = mbs_cap(m)
    assert cap[pd.Period("2022-05", freq="M")] == 0.0
    assert cap[pd.Period("2022-07", freq="M")] == 17.5
    assert cap[pd.Period("2025-11", freq="M")] == 35.0
    assert pd.isna(cap[pd.Period("2025-12", freq="M")])


def test_what_the_2022_outlook_sensitivity_would_take():
    # Evidence for the miss above: the +16.8 bn at 1 pp lower rates (NY Fed, Open
    # Market Operations during 2021) needs a refinancing S-curve centred at zero
    # incentive rising to 80% CPR without burnout, i.e. the ~520 bn of pools with
    # note rates of 3.5-4.25% refinancing hard at a 4.2% mortgage rate. Paydowns
    # in 2022-25 never tested positive incentives, so the fit cannot confirm it.
    from qtlab.runs.mbs_projection import NYFED_2022_MINUS_100BP_EXTRA, paydown_projection

    then = RunContext(as_of="2022-05-31")
    p = prepay_params("outlook-2022-implied")
    fit = prepay_params("qt2-fit")
    assert (p.turnover_cpr, p.lockin_beta) == (fit.turnover_cpr, fit.lockin_beta)
    w = paydown_projection(then, months=19, params=p).loc["2022-07":"2023-12"]
    extra = float((w["paydowns_-100bp"] - w["paydowns"]).mean())
    assert extra == pytest.approx(NYFED_2022_MINUS_100BP_EXTRA, abs=2.0)


def test_qt1_holdings_backtest_from_the_2017_file(ds, fit):
    # Beyond the QT2 target: from the 2017-10-04 file under the QT1 caps
    # (FOMC addendum of 2017-06-14), model MBS holdings stay within 3% of realized
    # at every month-end 2017-10..2019-08. Measured: 1.54% (qt2-fit), 1.93% (qt1-fit).
    assert backtest_mbs(ds, fit.params, "qt1").max_abs_pct_error() < 3.0
    assert backtest_mbs(ds, "qt1-fit", "qt1").max_abs_pct_error() < 3.0
    cap = mbs_cap(pd.period_range("2017-09", "2018-10", freq="M"), "qt1")
    assert list(cap.iloc[[0, 1, 4, 7, 10, 13]]) == [0.0, 4.0, 8.0, 12.0, 16.0, 20.0]
