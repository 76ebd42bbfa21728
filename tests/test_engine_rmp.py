"""Endogenous reserve-management purchases in the engine: bills bought to hold reserves at
a target after runoff and after an endpoint stop; both kernels agree; the identity holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qtlab.balance import LiabilityRules, reserve_target
from qtlab.engine import BalanceInputs, project
from qtlab.errors import SpecError
from test_engine import _assert_identities
from test_engine_endpoint import STATE, _mbs_only, _pay, _runoff, _Scenarios

MONTHS = pd.period_range("2022-02", periods=60, freq="M")


def _bal(target: float, rules: LiabilityRules | None = None, **kw: object) -> BalanceInputs:
    return BalanceInputs(
        STATE,
        other_assets=100.0,
        rules=rules or LiabilityRules(currency_growth=6.0),
        reserve_target=pd.Series(target, index=MONTHS),
        **kw,  # type: ignore[arg-type]
    )


def test_after_a_stop_the_fed_buys_bills_to_hold_reserves_at_the_target():
    # runoff of 10 a month drains reserves (ON RRP at 100 absorbs first); QT1's rule stops
    # runoff at half the 500 peak; then currency growth would drain reserves below the
    # target, so the Fed buys bills each month to hold them at 250: not a flat balance sheet
    pol = _runoff(["reserves_peak_fraction=0.5"])
    bal = _bal(250.0, target_from=pd.Period("2040-01", freq="M"))
    p = project(_mbs_only(), pol, "2022-02", 60, mbs_paydowns=_pay(10.0), balance=bal)
    f = p.frame
    end = p.endpoint_month()
    assert end is not None
    after = f.loc[end + 1 :]
    np.testing.assert_allclose(after["reserves"], 250.0, atol=1e-9)
    assert (after["bill_purchases"] > 0).all()
    assert after["total_assets"].iloc[-1] > after["total_assets"].iloc[0] + 20.0
    before = f.loc[: end - 1]
    assert (before["bill_purchases"] == 0).all()
    _assert_identities(p)
    gap = f["total_assets"] - f["reserves"] - f["on_rrp"] - f["tga"] - f["currency_other"]
    assert (gap.abs() < 0.005).all()


def test_from_the_target_month_purchases_hold_reserves_and_kernels_agree():
    pol = _runoff(None)
    rules = LiabilityRules("fixed_share", rrp_share=0.3, currency_growth=8.0)
    bal = _bal(480.0, rules, target_from=pd.Period("2023-01", freq="M"))
    kw = {"mbs_paydowns": _Scenarios([10.0, 3.0, 0.5]), "balance": bal}
    v = project(_mbs_only(), pol, "2022-02", 60, **kw)  # type: ignore[arg-type]
    r = project(_mbs_only(), pol, "2022-02", 60, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], atol=1e-9, err_msg=c)
    for s in range(3):
        f = v.frame.xs(s, level="scenario").loc["2023-01":]
        assert (f["reserves"] >= 480.0 - 1e-9).all()
        bought = f["bill_purchases"] > 0
        np.testing.assert_allclose(f.loc[bought, "reserves"], 480.0, atol=1e-9)
    _assert_identities(v)


def test_reserve_target_kinds():
    idx = pd.period_range("2026-01", periods=3, freq="M")
    nr = pd.Series([3600.0, 3960.0, 3240.0], index=idx)
    t = reserve_target(idx, reserves0=3000.0, nonreserve=nr, nonreserve0=3600.0)
    assert t.tolist() == pytest.approx([3000.0, 3300.0, 2700.0])
    assert reserve_target(idx, "level", value=2800.0).tolist() == [2800.0] * 3
    gdp = pd.Series(30000.0, index=idx)
    assert reserve_target(idx, "gdp_share", value=0.1, gdp=gdp).tolist() == [3000.0] * 3
    with pytest.raises(SpecError, match="bank_assets"):
        reserve_target(idx, "bank_assets_share", value=0.1)
    with pytest.raises(SpecError, match="valid"):
        reserve_target(idx, "half")


def test_hold_after_stop_keeps_the_stop_months_reserves_growing_with_liabilities():
    pol = _runoff(["reserves_peak_fraction=0.5"])
    rules = LiabilityRules(currency_growth=6.0, tga=pd.Series(100.0, index=MONTHS))
    bal = BalanceInputs(STATE, other_assets=100.0, rules=rules, hold_after_stop=True)
    kw = {"mbs_paydowns": _Scenarios([10.0, 6.0]), "balance": bal}
    v = project(_mbs_only(), pol, "2022-02", 60, **kw)  # type: ignore[arg-type]
    r = project(_mbs_only(), pol, "2022-02", 60, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], atol=1e-9, err_msg=c)
    for s in range(2):
        end = v.endpoint_month(s)
        assert end is not None
        f = v.frame.xs(s, level="scenario")
        nrl = f["tga"] + f["currency_other"]
        want = f.loc[end, "reserves"] * nrl.loc[end + 1 :] / nrl.loc[end]
        np.testing.assert_allclose(f.loc[end + 1 :, "reserves"], want, rtol=1e-12)
        assert f.loc[end + 1 :, "reserves"].iloc[-1] > f.loc[end, "reserves"]
    _assert_identities(v)


def test_other_assets_decay_along_a_path_in_both_kernels():
    from qtlab.balance import Decay

    decay = Decay(half_life=12.0, level=20.0).fit(pd.Series(dtype=float), "2022-01")
    path = decay.path(100.0, MONTHS)
    bal = BalanceInputs(
        STATE,
        other_assets=100.0,
        rules=LiabilityRules(currency_growth=0.0),
        other_assets_path=path,
    )
    kw = {"mbs_paydowns": _Scenarios([10.0, 2.0]), "balance": bal}
    v = project(_mbs_only(), _runoff(None), "2022-02", 60, **kw)  # type: ignore[arg-type]
    r = project(_mbs_only(), _runoff(None), "2022-02", 60, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], atol=1e-9, err_msg=c)
    f = v.frame.xs(0, level="scenario")
    other = f["total_assets"] - f["total_securities"] - f["tips_inflation_comp"]
    np.testing.assert_allclose(other, path.to_numpy(), atol=1e-9)
    assert other.iloc[11] == pytest.approx(60.0)  # half of the 80 above the level in 12 months
