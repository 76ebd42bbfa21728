"""The runoff engine: vectorized kernel == per-security reference, identities, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtlab.engine import (
    FRAME_COLUMNS,
    ConstantPaydownRate,
    MbsSettlement,
    PaydownPath,
    Projection,
    project,
)
from qtlab.errors import DateRangeError, SpecError
from qtlab.policy import Policy, Regime, RegimeSource, load_preset
from qtlab.runs import RunContext

SRC = RegimeSource("test regime", "2022-05-04", "https://www.federalreserve.gov/")
TOL = 1e-7  # USD bn


def _holdings(rows: list[tuple[str, str, float, float]], as_of: str = "2022-01-10") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "as_of": pd.Timestamp(as_of),
            "kind": [r[0] for r in rows],
            "maturity": pd.to_datetime([r[1] for r in rows]),
            "par": [r[2] for r in rows],
            "inflation_comp": [r[3] for r in rows],
        }
    )


TOY = _holdings(
    [
        ("bill", "2022-01-13", 20.0, 0.0),
        ("bill", "2022-02-03", 30.0, 0.0),
        ("bill", "2022-02-24", 25.0, 0.0),
        ("bill", "2022-05-05", 15.0, 0.0),
        ("note_bond", "2022-01-31", 40.0, 0.0),
        ("note_bond", "2022-02-15", 35.0, 0.0),
        ("note_bond", "2022-03-31", 80.0, 0.0),
        ("note_bond", "2030-02-15", 100.0, 0.0),
        ("tips", "2022-04-15", 12.0, 3.0),
        ("frn", "2022-04-30", 5.0, 0.0),
        ("agency", "2022-03-15", 2.0, 0.0),
        ("mbs", "2050-01-01", 500.0, 0.0),
        ("cmbs", "2030-01-01", 3.0, 0.0),
    ]
)


def _policy(**kw: object) -> Policy:
    base: dict[str, object] = {
        "name": "r1",
        "start": "2022-02",
        "treasury_cap": 30,
        "agency_cap": 5,
        "source": SRC,
    }
    base.update(kw)
    r2 = Regime(
        "r2",
        "2022-04",
        10,
        2,
        SRC,
        mbs_excess_to="treasuries",
        bill_purchases=7,
        coupon_purchases=3,
        treasury_redemption="pro_rata",
    )
    r3 = Regime(
        "r3",
        "2022-06",
        0,
        0,
        SRC,
        mbs_excess_to="bills",
        mbs_excess_limit=1.5,
        mbs_sales="fixed",
        mbs_sales_amount=4,
    )
    return Policy("toy", (Regime(**base), r2, r3))  # type: ignore[arg-type]


def _assert_same(a: Projection, b: Projection) -> None:
    for c in a.arrays:
        np.testing.assert_allclose(a.arrays[c], b.arrays[c], rtol=1e-10, atol=1e-9, err_msg=c)
    np.testing.assert_allclose(a.observed, b.observed, rtol=1e-10, atol=1e-9)


def _assert_identities(p: Projection) -> None:
    a = p.arrays
    lhs = a["bills_maturing"] + a["coupons_maturing"] + a["tips_ic_maturing"]
    rhs = a["coupon_redemptions"] + a["bill_redemptions"] + a["rolled_over"]
    np.testing.assert_allclose(lhs, rhs, atol=TOL)
    prev = np.concatenate(
        [np.full((p.n_scenarios, 1), p.initial["treasury"]), a["treasury"][:, :-1]], axis=1
    )
    np.testing.assert_allclose(
        a["treasury"] - prev, a["rolled_over"] + a["purchases"] - a["treasury_maturing"], atol=TOL
    )
    prev_i = np.concatenate(
        [
            np.full((p.n_scenarios, 1), p.initial["tips_inflation_comp"]),
            a["tips_inflation_comp"][:, :-1],
        ],
        axis=1,
    )
    np.testing.assert_allclose(
        a["tips_inflation_comp"] - prev_i, a["tips_ic_accrued"] - a["tips_ic_maturing"], atol=TOL
    )
    prev_m = np.concatenate(
        [np.full((p.n_scenarios, 1), p.initial["mbs"]), a["mbs"][:, :-1]], axis=1
    )
    np.testing.assert_allclose(
        a["mbs"] - prev_m, a["mbs_settled"] - a["mbs_paydowns"] - a["mbs_sales"], atol=TOL
    )
    np.testing.assert_allclose(
        a["agency_principal"],
        a["agency_runoff"] + a["mbs_reinvested"] + a["agency_to_treasuries"],
        atol=TOL,
    )
    np.testing.assert_allclose(
        a["rolled_over"],
        a["rolled_bills"] + a["rolled_coupons_mid"] + a["rolled_coupons_end"],
        atol=TOL,
    )
    np.testing.assert_allclose(
        a["total_securities"], a["treasury"] + a["agency"] + a["mbs"] + a["cmbs"], atol=TOL
    )
    assert (a["treasury_redemptions"] <= a["treasury_cap"] + TOL).all()
    assert (a["agency_runoff"] <= a["agency_cap"] + TOL).all()
    assert (a["bill_redemptions"] <= a["bills_maturing"] + TOL).all()
    assert (a["coupon_redemptions"] <= a["coupons_maturing"] + a["tips_ic_maturing"] + TOL).all()
    for c in ("bills", "notes_bonds", "tips", "frn", "mbs", "agency", "tips_inflation_comp"):
        assert (a[c] >= -TOL).all(), c


def test_vectorized_equals_reference_on_a_toy_portfolio_with_every_rule():
    rates = np.array([[0.01] * 8, [0.03] * 8, [0.0] * 8])  # 3 scenarios
    paths = PaydownPath(
        pd.Series(rates[1] * 500, index=pd.period_range("2022-01", periods=8, freq="M"))
    )
    obs = ["2022-02-10", "2022-02-15", "2022-03-31", "2022-04-20", "2022-04-30", "2022-06-25"]
    for src, acc in ((ConstantPaydownRate(0.02), None), (paths, ConstantPaydownRate(0.004))):
        kw = {"mbs_paydowns": src, "observe": obs, "tips_accrual": acc}
        v = project(TOY, _policy(), "2022-02", 7, **kw)  # type: ignore[arg-type]
        r = project(TOY, _policy(), "2022-02", 7, method="reference", **kw)  # type: ignore[arg-type]
        _assert_same(v, r)
        _assert_identities(v)

    class Scen:
        def rates(self, months: pd.PeriodIndex) -> np.ndarray:
            return rates[:, : len(months)]

    v = project(TOY, _policy(mbs_sales="to_cap"), "2022-02", 7, mbs_paydowns=Scen(), observe=obs)
    r = project(
        TOY,
        _policy(mbs_sales="to_cap"),
        "2022-02",
        7,
        mbs_paydowns=Scen(),
        observe=obs,
        method="reference",
    )
    assert v.n_scenarios == 3
    _assert_same(v, r)
    _assert_identities(v)
    assert list(v.frame.index.names) == ["scenario", "month"]
    assert v.scenario(2)["mbs_sales"].iloc[0] > 0  # no paydowns: sold up to the cap


def test_toy_rules_by_hand():
    p = project(TOY, _policy(), "2022-02", 5, mbs_paydowns=ConstantPaydownRate(0.02))
    f = p.frame
    # January (carry-forward, before the first regime): everything rolled over
    cf = p.carry_forward.iloc[0]
    assert cf["regime"] == "reinvest-all"
    assert cf["treasury_redemptions"] == 0
    assert cf["rolled_over"] == pytest.approx(20 + 40)
    assert cf["mbs_reinvested"] == pytest.approx(10.0)
    feb = f.loc[pd.Period("2022-02", "M")]
    # Feb: coupons maturing 35, cap 30: coupons first, no bills redeemed
    assert feb["coupons_maturing"] == pytest.approx(35)
    assert feb["coupon_redemptions"] == pytest.approx(30)
    assert feb["bill_redemptions"] == 0
    mar = f.loc[pd.Period("2022-03", "M")]
    assert mar["coupon_redemptions"] == pytest.approx(30)
    # agency: 2% of 500 plus 2 agency debt maturing; cap 5, excess to MBS
    assert mar["agency_principal"] == pytest.approx(0.02 * f["mbs"].iloc[0] + 2.0)
    assert mar["agency_runoff"] == pytest.approx(5.0)
    apr = f.loc[pd.Period("2022-04", "M")]  # pro rata, cap 10, TIPS pays par + IC
    assert apr["treasury_redemptions"] == pytest.approx(10.0)
    assert apr["tips_ic_maturing"] == pytest.approx(3.0)
    assert apr["agency_to_treasuries"] > 0
    assert apr["purchases"] == pytest.approx(10.0 + apr["agency_to_treasuries"])
    assert set(FRAME_COLUMNS) == set(f.columns)


def test_real_portfolio_vectorized_equals_reference(h2022: pd.DataFrame):
    pol = load_preset("qt2-realized")
    src = ConstantPaydownRate(0.007)
    obs = ["2022-06-29", "2022-09-28", "2022-12-28"]
    v = project(h2022, pol, "2022-06", 8, mbs_paydowns=src, observe=obs)
    r = project(h2022, pol, "2022-06", 8, mbs_paydowns=src, observe=obs, method="reference")
    _assert_same(v, r)
    _assert_identities(v)
    assert v.carry_forward.index[0] == pd.Period("2022-02", "M")
    assert (v.carry_forward["treasury_redemptions"] == 0).all()


def test_errors():
    with pytest.raises(SpecError, match="mbs_paydowns is required"):
        project(TOY, _policy(), "2022-02", 3)
    with pytest.raises(DateRangeError, match="start=2021-12 is before the Treasury"):
        project(TOY, _policy(), "2021-12", 3, mbs_paydowns=ConstantPaydownRate(0.01))
    with pytest.raises(SpecError, match="months=0"):
        project(TOY, _policy(), "2022-02", 0, mbs_paydowns=ConstantPaydownRate(0.01))
    with pytest.raises(SpecError, match="method='fast'"):
        project(TOY, _policy(), "2022-02", 2, mbs_paydowns=ConstantPaydownRate(0.01), method="fast")  # type: ignore[arg-type]
    with pytest.raises(DateRangeError, match="observe dates"):
        project(
            TOY,
            _policy(),
            "2022-02",
            2,
            mbs_paydowns=ConstantPaydownRate(0.01),
            observe=["2023-01-01"],
        )


# --------------------------------------------------------------------------- properties

_kinds = st.sampled_from(["bill", "note_bond", "tips", "frn"])
_day = st.integers(min_value=1, max_value=700)


@st.composite
def portfolios(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for _ in range(n):
        kind = draw(_kinds)
        mat = pd.Timestamp("2022-01-10") + pd.Timedelta(days=draw(_day))
        par = draw(st.floats(min_value=0.0, max_value=100.0, allow_nan=False))
        ic = draw(st.floats(min_value=0.0, max_value=10.0)) if kind == "tips" else 0.0
        rows.append((kind, str(mat.date()), par, ic))
    rows.append(("mbs", "2050-01-01", draw(st.floats(min_value=0, max_value=500)), 0.0))
    return _holdings(rows)


_cap = st.one_of(st.just(math.inf), st.floats(min_value=0, max_value=80))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    h=portfolios(),
    tcap=_cap,
    acap=_cap,
    rate=st.floats(min_value=0, max_value=0.2),
    pro=st.booleans(),
    dest=st.sampled_from(["mbs", "treasuries", "bills"]),
    sales=st.sampled_from(["none", "to_cap", "fixed"]),
    buy=st.floats(min_value=0, max_value=20),
    lag=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
)
def test_properties(
    h: pd.DataFrame,
    tcap: float,
    acap: float,
    rate: float,
    pro: bool,
    dest: str,
    sales: str,
    buy: float,
    lag: int | None,
):
    reg = Regime(
        "x",
        "2022-02",
        tcap,
        acap,
        SRC,
        treasury_redemption="pro_rata" if pro else "coupons_first",
        mbs_excess_to=dest,
        mbs_sales=sales,
        mbs_sales_amount=3.0 if sales == "fixed" else 0.0,
        bill_purchases=buy,
    )  # type: ignore[arg-type]
    pol = Policy("p", (reg,))
    settle = None if lag is None else MbsSettlement(lag, pending=pd.Series({"2022-02": 4.0}))
    v = project(
        h, pol, "2022-02", 14, mbs_paydowns=ConstantPaydownRate(rate), mbs_settlement=settle
    )
    _assert_identities(v)  # caps, no negative par, par conserved, redemptions <= maturities
    a = v.arrays
    if lag is not None:  # what is bought settles lag months later; nothing is lost
        bought = a["mbs_reinvested"][0, : a["mbs_reinvested"].shape[1] - lag].sum()
        np.testing.assert_allclose(a["mbs_settled"][0].sum(), bought + 4.0, atol=1e-7)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    h=portfolios(),
    tcap=_cap,
    rate=st.floats(min_value=0, max_value=0.2),
    lag=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    dest=st.sampled_from(["mbs", "bills"]),
)
def test_property_reference_equality(
    h: pd.DataFrame, tcap: float, rate: float, lag: int | None, dest: str
):
    pol = Policy("p", (Regime("x", "2022-03", tcap, 10, SRC, mbs_excess_to=dest),))  # type: ignore[arg-type]
    obs = ["2022-03-15", "2022-05-10", "2022-05-14", "2022-05-26", "2022-07-31"]
    settle = None if lag is None else MbsSettlement(lag, pending=pd.Series({"2022-05": 6.0}))
    kw = {"mbs_paydowns": ConstantPaydownRate(rate), "observe": obs, "mbs_settlement": settle}
    v = project(h, pol, "2022-03", 8, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-03", 8, method="reference", **kw)  # type: ignore[arg-type]
    _assert_same(v, r)


@pytest.fixture(scope="module")
def h2022() -> pd.DataFrame:
    """SOMA holdings visible on the eve of QT2 (Treasury 2022-02-16, MBS 2022-05-11)."""

    return RunContext("2022-05-31").holdings()


def test_purchases_in_the_as_of_month_come_after_the_snapshot():
    h = TOY.assign(as_of=pd.Timestamp("2022-01-20"))
    reg = Regime("buy", "2021-12", 0, 0, SRC, bill_purchases=31.0, coupon_purchases=10.0)
    pol = Policy("p", (reg,))
    obs = ["2022-01-25", "2022-01-31", "2022-02-10"]
    kw = {"mbs_paydowns": ConstantPaydownRate(0.01), "observe": obs}
    v = project(h, pol, "2022-01", 3, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-01", 3, method="reference", **kw)  # type: ignore[arg-type]
    _assert_same(v, r)
    _assert_identities(v)
    jan, feb = v.frame.iloc[0], v.frame.iloc[1]
    assert jan["bill_purchases"] == pytest.approx(31.0 * 11 / 31)  # Jan 21..31
    assert jan["coupon_purchases"] == pytest.approx(5.0)  # the month-end half only
    assert feb["bill_purchases"] == pytest.approx(31.0)
    o = v.observed_frame()
    start_bills = 20.0 + 30.0 + 25.0 + 15.0 - 20.0  # the Jan 13 bill matured before the snapshot
    assert o["bills"].iloc[0] == pytest.approx(start_bills + 31.0 * 5 / 31)  # Jan 21..25 bought


def test_realized_purchases_are_added_in_full_and_kernels_agree():
    h = TOY.assign(as_of=pd.Timestamp("2022-01-20"))
    bought = pd.DataFrame(
        {"bills": [3.0, 0.0], "coupons": [4.0, 6.0]},
        index=pd.PeriodIndex(["2022-01", "2022-02"], freq="M"),
    )
    obs = ["2022-01-25", "2022-01-31", "2022-02-15", "2022-02-28"]
    kw = {"mbs_paydowns": ConstantPaydownRate(0.01), "observe": obs, "purchases": bought}
    v = project(h, _policy(), "2022-01", 4, **kw)  # type: ignore[arg-type]
    r = project(h, _policy(), "2022-01", 4, method="reference", **kw)  # type: ignore[arg-type]
    _assert_same(v, r)
    _assert_identities(v)
    base = project(h, _policy(), "2022-01", 4, mbs_paydowns=ConstantPaydownRate(0.01))
    d = v.frame["purchases"] - base.frame["purchases"]
    # not prorated to the days after the snapshot: realized amounts are what was bought
    assert d.iloc[:2].tolist() == pytest.approx([7.0, 6.0])
    assert v.frame["treasury"].iloc[1] - base.frame["treasury"].iloc[1] == pytest.approx(13.0)
    with pytest.raises(SpecError, match="unknown column 'gold'"):
        project(
            h,
            _policy(),
            "2022-01",
            4,
            mbs_paydowns=ConstantPaydownRate(0.01),
            purchases=bought.rename(columns={"bills": "gold"}),
        )
    with pytest.raises(DateRangeError, match="2030-01"):
        project(
            h,
            _policy(),
            "2022-01",
            4,
            mbs_paydowns=ConstantPaydownRate(0.01),
            purchases=pd.DataFrame({"coupons": [1.0]}, index=pd.PeriodIndex(["2030-01"], freq="M")),
        )
    with pytest.raises(SpecError, match=">= 0"):
        project(
            h, _policy(), "2022-01", 4, mbs_paydowns=ConstantPaydownRate(0.01), purchases=-bought
        )


def test_kernels_agree_across_the_auction_calendar():
    # month ends on a Friday (2024-05-31: FRN reopening), a Sunday (2024-06-30: no TIPS)
    # and a new-FRN month (2024-07-31), everything rolled over (before the first regime)
    h = _holdings(
        [
            ("note_bond", "2024-05-31", 40.0, 0.0),
            ("note_bond", "2024-06-30", 30.0, 0.0),
            ("frn", "2024-07-31", 5.0, 0.0),
            ("tips", "2024-07-15", 10.0, 2.0),
            ("bill", "2024-06-06", 10.0, 0.0),
        ],
        as_of="2024-05-01",
    )
    pol = Policy("p", (Regime("later", "2024-09", 30, 0, SRC),))
    obs = ["2024-05-31", "2024-06-28", "2024-07-31"]
    kw = {"observe": obs, "tips_accrual": ConstantPaydownRate(0.002)}
    v = project(h, pol, "2024-05", 5, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2024-05", 5, method="reference", **kw)  # type: ignore[arg-type]
    _assert_same(v, r)
    _assert_identities(v)
    f = v.frame
    assert f.loc[pd.Period("2024-05", "M"), "frn"] > 0  # Friday: into the FRN reopening
    may, jun = f.loc[pd.Period("2024-05", "M")], f.loc[pd.Period("2024-06", "M")]
    assert may["tips"] > 10.0  # 10-year TIPS reopened at the end of May
    assert jun["rolled_coupons_end"] == pytest.approx(30.0)
    assert jun["tips"] == pytest.approx(may["tips"])  # Sunday: the 5y TIPS settled before


def test_kernels_agree_under_dated_auction_sizes():
    # 2022-04-30 maturities roll into the auctions settling 2022-05-02 in proportion to the
    # amounts Treasury offered (default mix: new FRN 24 of 181 bn); both kernels read the
    # same dated shares
    h = _holdings(
        [("note_bond", "2022-04-30", 181.0, 0.0), ("note_bond", "2022-03-15", 100.0, 0.0)],
        as_of="2022-02-16",
    )
    pol = Policy("p", (Regime("later", "2022-06", 30, 0, SRC),))
    v = project(h, pol, "2022-02", 4)
    r = project(h, pol, "2022-02", 4, method="reference")
    _assert_same(v, r)
    _assert_identities(v)
    assert v.frame.loc[pd.Period("2022-04", "M"), "frn"] == pytest.approx(24.0)
