"""The kernel's named steps, the kind registry and the one liability step.

- every rule the month can carry (caps, pro rata, excess to MBS/Treasuries/bills with a
  limit, MBS sales, purchases, agency debt, an endpoint regime) gives the same numbers in
  the vectorized kernel and the per-security reference, on Hypothesis-drawn portfolios;
- the engine's columns come from :data:`qtlab.schema.KIND_COLUMNS`;
- :func:`qtlab.balance.step.liability_step` on arrays equals the step on floats, and the
  balance-sheet identity holds to the cent.
"""

from __future__ import annotations

import math
from typing import get_args

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtlab import schema
from qtlab.balance import LiabilityRules, LiabilityState
from qtlab.balance.step import Liabilities, RrpCode, liability_step, rrp_step
from qtlab.engine import FRAME_COLUMNS, BalanceInputs, ConstantPaydownRate, project

# private on purpose: the kernels' named steps and their column layout
from qtlab.engine._core import FLOW_COLUMNS
from qtlab.engine._steps import OBS_COLUMNS, Excess, MonthRules, Obs, Sales, TKind, redeem
from qtlab.policy import Endpoint, Policy, Regime, RegimeSource
from qtlab.schema import KIND_COLUMNS, Kind
from test_engine import _assert_identities, _assert_same, _holdings, portfolios

#: One US cent [USD bn]: the identity holds to it.
CENT = 1e-11
SRC = RegimeSource("test regime", "2022-05-04", "https://www.federalreserve.gov/")

# --------------------------------------------------------------------------- the registry


def test_every_holdings_kind_maps_to_one_projection_column():
    assert tuple(k.value for k in Kind) == schema.HOLDING_KINDS == get_args(schema.HoldingKind)
    assert set(KIND_COLUMNS) == set(Kind)
    assert len(set(KIND_COLUMNS.values())) == len(Kind)
    for k in Kind:
        assert k.column in FRAME_COLUMNS, k
        assert k == k.value  # stored as the plain spelling
    assert schema.TREASURY_KINDS + schema.AGENCY_KINDS == schema.HOLDING_KINDS
    assert schema.TREASURY_KINDS[1:] == schema.COUPON_KINDS
    assert {k.value: k.column for k in Kind} == schema.KIND_TOTAL_KEYS


def test_the_engine_columns_come_from_the_registry():
    treasury = tuple(Kind(k).column for k in schema.TREASURY_KINDS)
    agency = tuple(Kind(k).column for k in schema.AGENCY_KINDS)
    assert (*treasury, "tips_inflation_comp", *agency) == OBS_COLUMNS
    assert FLOW_COLUMNS[: len(OBS_COLUMNS)] == OBS_COLUMNS
    assert [o.name.lower() for o in Obs] == list(OBS_COLUMNS)
    assert tuple(t.kind for t in TKind) == schema.TREASURY_KINDS
    for t in TKind:
        assert OBS_COLUMNS[Obs.of(t)] == Kind(t.kind).column
    p = project(
        _holdings([("bill", "2022-03-03", 10.0, 0.0), ("cmbs", "2030-01-01", 2.0, 0.0)]),
        Policy("p", (Regime("x", "2022-02", 5, 0, SRC),)),
        "2022-02",
        2,
        observe=["2022-02-15"],
    )
    assert list(p.observed_frame().columns[: len(OBS_COLUMNS)]) == list(OBS_COLUMNS)
    f = p.frame
    assert (f["bills"].iloc[0], f["cmbs"].iloc[0]) == (10.0, 2.0)  # the bill matures in March
    assert f["bill_redemptions"].tolist() == [0.0, 5.0]  # then the 5 bn cap binds


def test_redeem_by_hand():
    r = MonthRules(30.0, 0.0, False, Excess.MBS, math.inf, Sales.NONE, 0.0, 0.0, 0.0)
    assert [float(x) for x in redeem(20.0, 40.0, r)] == [20.0, 10.0]  # coupons first
    assert [float(x) for x in redeem(20.0, 40.0, r._replace(pro_rata=True))] == [10.0, 20.0]
    assert [float(x) for x in redeem(0.0, 0.0, r)] == [0.0, 0.0]


# --------------------------------------------------------------------------- kernels agree


@st.composite
def with_agency(draw: st.DrawFn) -> pd.DataFrame:
    h = draw(portfolios())
    n = draw(st.integers(min_value=0, max_value=3))
    rows = [
        (
            "agency",
            str((pd.Timestamp("2022-01-10") + pd.Timedelta(days=draw(st.integers(1, 400)))).date()),
            draw(st.floats(min_value=0.0, max_value=20.0)),
            0.0,
        )
        for _ in range(n)
    ]
    return pd.concat([h, _holdings(rows)], ignore_index=True) if rows else h


_cap = st.one_of(st.just(math.inf), st.floats(min_value=0, max_value=80))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    h=with_agency(),
    tcap=_cap,
    acap=_cap,
    rate=st.floats(min_value=0, max_value=0.2),
    pro=st.booleans(),
    dest=st.sampled_from(["mbs", "treasuries", "bills"]),
    limit=st.one_of(st.just(math.inf), st.floats(min_value=0, max_value=10)),
    sales=st.sampled_from(["none", "to_cap", "fixed"]),
    buy=st.floats(min_value=0, max_value=20),
    cbuy=st.floats(min_value=0, max_value=10),
)
def test_property_kernels_agree_under_every_rule(
    h: pd.DataFrame,
    tcap: float,
    acap: float,
    rate: float,
    pro: bool,
    dest: str,
    limit: float,
    sales: str,
    buy: float,
    cbuy: float,
):
    r1 = Regime(
        "a",
        "2022-02",
        tcap,
        acap,
        SRC,
        treasury_redemption="pro_rata" if pro else "coupons_first",
        mbs_excess_to=dest,
        mbs_excess_limit=limit if dest != "mbs" else math.inf,
        mbs_sales=sales,
        mbs_sales_amount=3.0 if sales == "fixed" else 0.0,
    )  # type: ignore[arg-type]
    r2 = Regime("b", "2022-06", 0, 0, SRC, bill_purchases=buy, coupon_purchases=cbuy)
    pol = Policy("p", (r1, r2))
    obs = ["2022-02-15", "2022-04-10", "2022-04-25", "2022-06-30", "2022-08-16"]
    kw = {"mbs_paydowns": ConstantPaydownRate(rate), "observe": obs}
    v = project(h, pol, "2022-02", 9, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-02", 9, method="reference", **kw)  # type: ignore[arg-type]
    _assert_same(v, r)
    _assert_identities(v)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    h=with_agency(),
    rate=st.floats(min_value=0.005, max_value=0.1),
    frac=st.floats(min_value=0.02, max_value=0.3),
    rule=st.sampled_from(["absorb_first", "fixed_share"]),
    floor=st.floats(min_value=0, max_value=80),
)
def test_property_kernels_agree_with_liabilities_and_an_endpoint(
    h: pd.DataFrame, rate: float, frac: float, rule: str, floor: float
):
    sec = float(h["par"].sum() + h["inflation_comp"].sum())
    state = LiabilityState(pd.Period("2022-01", freq="M"), sec + 300, sec + 150, 80.0, 40.0, 30.0)
    bal = BalanceInputs(state, 300.0, LiabilityRules(rule, rrp_floor=floor, currency_growth=3.0))
    reg = Regime("run", "2022-02", math.inf, math.inf, SRC)
    pol = Policy("p", (reg,), endpoint=Endpoint((f"reserves_peak_fraction={frac}",)))
    kw = {"mbs_paydowns": ConstantPaydownRate(rate), "balance": bal}
    v = project(h, pol, "2022-02", 12, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-02", 12, method="reference", **kw)  # type: ignore[arg-type]
    _assert_same(v, r)
    assert v.end_index.tolist() == r.end_index.tolist()
    a = v.arrays
    other = a["on_rrp"] + a["tga"] + a["currency_other"]
    np.testing.assert_allclose(a["total_assets"], a["reserves"] + other, rtol=0, atol=CENT)


# --------------------------------------------------------------------------- liability step

_money = st.floats(min_value=-5000.0, max_value=9000.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(_money, _money, _money, _money, _money), min_size=1, max_size=20),
    rule=st.sampled_from(list(RrpCode)),
    floor=st.floats(min_value=0, max_value=1000),
    share=st.floats(min_value=0, max_value=1),
    path=st.floats(min_value=0, max_value=2500),
)
def test_the_liability_step_on_arrays_equals_the_step_on_floats(
    rows: list[tuple[float, float, float, float, float]],
    rule: RrpCode,
    floor: float,
    share: float,
    path: float,
):
    assets, tga, block, liq0, rrp0 = (np.array(c) for c in zip(*rows, strict=True))
    rrp0 = np.abs(rrp0)
    vec = liability_step(assets, tga, block, liq0, rrp0, rule, floor, share, path)
    for i in range(len(rows)):
        one = liability_step(
            float(assets[i]), float(tga[i]), float(block[i]), float(liq0[i]), float(rrp0[i]),
            rule, floor, share, path,
        )  # fmt: skip
        assert all(isinstance(x, float) for x in one)
        for field in Liabilities._fields:
            assert getattr(one, field) == getattr(vec, field)[i], field  # bit for bit
        # total assets = reserves + ON RRP + TGA + currency and other liabilities and capital
        gap = one.total_assets - (one.reserves + one.on_rrp + one.tga + one.currency_other)
        assert abs(gap) <= CENT
        assert one.on_rrp >= 0.0 or rule == RrpCode.ABSORB_FIRST


def test_the_rrp_rules_by_hand():
    # a drain of 30 comes out of ON RRP down to the floor of 20, then out of reserves
    assert rrp_step(40.0, -30.0, RrpCode.ABSORB_FIRST, 20.0, 0.5) == 20.0
    assert rrp_step(40.0, 30.0, RrpCode.ABSORB_FIRST, 20.0, 0.5) == 40.0  # rise: reserves
    assert rrp_step(10.0, -30.0, RrpCode.FIXED_SHARE, 0.0, 0.5) == 0.0  # never below zero
    assert rrp_step(10.0, 30.0, RrpCode.FIXED_SHARE, 0.0, 0.5) == 25.0
    assert rrp_step(10.0, 30.0, RrpCode.PATH, 0.0, 0.5, 7.0) == 7.0
    assert RrpCode.of("fixed_share") is RrpCode.FIXED_SHARE
    lia = liability_step(1000.0, 100.0, 300.0, 650.0, 50.0, RrpCode.ABSORB_FIRST, 0.0, 0.5)
    assert lia == Liabilities(1000.0, 600.0, 0.0, 100.0, 300.0, 600.0)  # a 50 drain: RRP 0
