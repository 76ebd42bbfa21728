"""TIPS inflation compensation accrues along a stated inflation path after the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qtlab.analyses.e2_backtest import describe_inflation
from qtlab.engine import InflationAssumption, RealizedTipsAccrual, project
from qtlab.errors import SpecError
from qtlab.policy import Policy, Regime, RegimeSource
from qtlab.runs import RunContext
from qtlab.runs.backtest import backtest
from qtlab.runs.tips import tips_accrual
from qtlab.store.dataset import Dataset


@pytest.fixture(scope="module")
def vantage() -> Dataset:
    return RunContext("2022-05-31")


@pytest.fixture(scope="module")
def measured(vantage: Dataset) -> RealizedTipsAccrual:
    return RealizedTipsAccrual(
        vantage.series("soma.tips"), vantage.series("soma.tips_inflation_comp")
    )


def test_backtest_compensation_with_the_realized_accrual_and_from_the_vantage():
    # NY Fed SOMA weekly summary, tipsInflationCompensation, last Wednesday of each month
    tips = backtest().tips
    assert list(tips["month"]) == [str(m) for m in pd.period_range("2022-06", "2025-11", freq="M")]
    assert (tips["error_pct"].abs() < 10).all()  # realized accrual: target 10%
    assert tips["error_pct"].abs().max() < 1.0  # it is 0.80% (2022-07)
    # from 2022-05-31 with the default assumption: 12.5% at worst (2024-02); holding
    # the last measured month's rate (1.29% a month) gave 292 bn by 2025-06, 162% over
    worst = tips["from_vantage_error_pct"].abs().max()
    assert 5 < worst < 15
    jun25 = tips.set_index("month").loc["2025-06"]
    assert jun25["realized"] == pytest.approx(111.3, abs=0.1)
    assert jun25["from_vantage"] == pytest.approx(116.0, abs=1.0)
    assert tips.attrs["assumption"]["trailing"] == pytest.approx(8.6, abs=0.05)


def test_the_default_fades_the_trailing_rate_to_two_percent(measured: RealizedTipsAccrual):
    assert measured.observed.iloc[-1] == pytest.approx(0.0129, abs=0.0001)  # 2022-05
    acc = InflationAssumption().on(measured)
    assert acc.last_measured == pd.Period("2022-05", "M")
    idx = pd.period_range("2022-06", "2025-12", freq="M")
    a = acc.annual(idx)
    assert a[0] == pytest.approx(acc.trailing + (2.0 - acc.trailing) / 24)
    assert (np.diff(a) <= 1e-12).all()  # falls month by month to the long-run rate
    np.testing.assert_allclose(a[23:], 2.0)  # from 2024-05 on
    g = acc.rates(idx)
    np.testing.assert_allclose((1 + g[30]) ** 12 - 1, 0.02, rtol=1e-12)
    # months in the data keep the measured accrual
    old = pd.period_range("2021-06", "2022-05", freq="M")
    np.testing.assert_allclose(acc.rates(old), measured.rates(old))
    geo = InflationAssumption(fade="geometric").on(measured).annual(idx)
    gap = acc.trailing - 2.0
    assert geo[0] == pytest.approx(2.0 + gap * 0.01 ** (1 / 24)) and geo[0] < a[0]
    assert geo[22] == pytest.approx(2.0 + gap * 0.01 ** (23 / 24)) and geo[23] == 2.0
    assert "fading linearly to 2% a year over 24 months" in repr(acc)
    assert "8.6% a year" in describe_inflation(acc.describe(), "en")
    assert "线性" in describe_inflation(acc.describe(), "zh")


def test_a_user_path_and_validation(measured: RealizedTipsAccrual):
    path = pd.Series({"2022-06": 9.0, "2022-07": 6.0})
    acc = InflationAssumption(long_run=2.5, path=path).on(measured)
    a = acc.annual(pd.period_range("2022-05", "2022-08", freq="M"))
    assert np.isnan(a[0]) and list(a[1:]) == [9.0, 6.0, 2.5]
    assert "user path of 2 months" in repr(acc)
    with pytest.raises(SpecError, match="long_run"):
        InflationAssumption(long_run=float("nan"))
    with pytest.raises(SpecError, match="horizon"):
        InflationAssumption(horizon=0)
    with pytest.raises(SpecError, match="fade"):
        InflationAssumption(fade="cubic")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="month"):
        InflationAssumption(path=pd.Series({"June": 3.0}))
    with pytest.raises(SpecError, match="50"):
        InflationAssumption(path=pd.Series({"2022-06": 80.0}))


def test_kernels_agree_on_an_assumed_path(vantage: Dataset):
    h = vantage.holdings(["tips"]).head(40)
    src = RegimeSource("test", "2022-05-04", "https://www.federalreserve.gov/")
    pol = Policy("p", (Regime("x", "2022-06", 5, 0, src),))
    acc = tips_accrual(vantage, InflationAssumption(horizon=6, fade="geometric"))
    kw = {"tips_accrual": acc, "observe": ["2022-07-13", "2023-01-31"]}
    v = project(h, pol, "2022-06", 14, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-06", 14, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], rtol=1e-10, atol=1e-9, err_msg=c)
    np.testing.assert_allclose(v.observed, r.observed, rtol=1e-10, atol=1e-9)
    assert v.frame["tips_ic_accrued"].sum() > 0
