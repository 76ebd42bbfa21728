"""qtlab.balance: the H.4.1 identity on real data, liabilities rules, endpoint rules, GDP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _contexts import shared
from qtlab.balance import (
    BLOCK,
    EndpointRule,
    LiabilityRules,
    LiabilityState,
    balance_sheet,
    find_endpoint,
    monthly_balance_sheet,
    monthly_gdp,
    on_rrp_weekly,
    parse_rule,
    project_liabilities,
    split_reference,
)
from qtlab.errors import DataError, SpecError


@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    ds = shared()
    return balance_sheet(
        ds.series("WALCL"), ds.series("WRESBAL"), ds.series("RRPONTSYD"), ds.series("WTREGEN")
    )


# --- the identity on H.4.1 data ----------------------------------------------------------


def test_identity_is_exact_where_every_liability_is_known(weekly):
    full = weekly.dropna()
    gap = full["total_assets"] - full[["reserves", "on_rrp", "tga", BLOCK]].sum(axis=1)
    assert np.abs(gap).max() < 1e-9
    # WTREGEN in millions (the later vintage) starts with WALCL; it ends 2025-11-19
    assert full.index[0] == pd.Timestamp("2002-12-18")
    assert full.index[-1] == pd.Timestamp("2025-11-19")


def test_identity_with_observed_currency_and_the_tga_wednesday_level():
    """With WCURCIR the block splits into currency and other liabilities and capital,
    exactly; after WTREGEN's last week (2025-11-19) the TGA is its Wednesday level WDTGAL."""
    ds = shared()
    args = [ds.series(i) for i in ("WALCL", "WRESBAL", "RRPONTSYD", "WTREGEN")]
    wed = ds.series("WDTGAL")
    df = balance_sheet(*args, currency=ds.series("WCURCIR"), tga_wednesday=wed)
    full = df.dropna()
    parts = full[["reserves", "on_rrp", "tga", "currency", "other_capital"]].sum(axis=1)
    assert (full["total_assets"] - parts).abs().max() < 1e-9
    assert ((full["currency"] + full["other_capital"]) - full[BLOCK]).abs().max() < 1e-9
    assert df.attrs["tga_wednesday_from"] == pd.Timestamp("2025-11-26")
    assert df.loc["2025-11-19", "tga"] == 941.926  # the week average (millions vintage)
    assert df.loc["2025-11-26", "tga"] == wed.loc["2025-11-26"]  # the Wednesday level
    assert full.index[-1] == pd.Timestamp("2026-08-19")  # WALCL and WRESBAL end here
    # currency in circulation is most of the block: 2013 ~1.2 tn, 2022 ~2.2 tn (H.4.1)
    assert 1100 < df.loc["2013-06":"2013-12", "currency"].mean() < 1300
    assert 2100 < df.loc["2022-01":"2022-06", "currency"].mean() < 2350


def test_named_liabilities_reproduce_reserves(weekly):
    """Assets minus ON RRP, TGA and a smooth currency + other block give reserves.

    The block is the 13-week centred median of the residual (not WCURCIR): if the
    named liabilities and the weekly convention were wrong, the residual would jump and
    reserves would not be reproduced. Tolerance: median absolute error 20 bn, 95th
    percentile 100 bn (2002-12 to 2025-11; the
    largest misses are quarter-end and tax-date weeks, where a Wednesday level and
    week averages differ).
    """
    full = weekly.dropna()
    smooth = full[BLOCK].rolling(13, center=True).median()
    implied = full["total_assets"] - full["on_rrp"] - full["tga"] - smooth
    err = (implied - full["reserves"]).dropna().abs()
    assert err.median() < 20.0
    assert err.quantile(0.95) < 100.0


def test_currency_block_is_in_a_plausible_range(weekly):
    # currency in circulation alone was about 1.2 trillion in 2013 and 2.3 trillion in
    # 2022 (Board of Governors, H.4.1); the block adds other liabilities and capital.
    block = weekly[BLOCK].dropna()
    assert 1200 < block.loc["2013-06":"2013-12"].mean() < 1600
    assert 2300 < block.loc["2022-01":"2022-06"].mean() < 3100


def test_qt1_reserve_peak_and_trough_match_the_published_record(weekly):
    """Reserves fell from a peak of about 2.8 trillion in 2014 to about 1.4 trillion in
    mid-September 2019 (Federal Reserve Bank of New York, Open Market Operations during
    2019, May 2020). Tolerance: 50 bn on each level; dates to the week of the H.4.1 data."""
    r = weekly["reserves"]
    peak = r.loc["2013":"2016"]
    trough = r.loc["2017":"2020-02"]
    assert abs(peak.max() - 2800) < 50
    assert peak.idxmax().year == 2014
    assert abs(trough.min() - 1400) < 50
    assert trough.idxmin() == pd.Timestamp("2019-09-18")
    # the QT1 fall is the 50% precedent of the default endpoint rule
    assert trough.min() / peak.max() == pytest.approx(0.5, abs=0.02)


def test_on_rrp_weekly_averages_seven_calendar_days():
    days = pd.bdate_range("2022-06-02", "2022-06-08")  # Thu .. Wed (5 business days)
    daily = pd.Series([10.0, 20.0, 30.0, 40.0, 50.0], index=days)
    w = on_rrp_weekly(daily)
    # Thu 10, Fri 20 carried Sat and Sun, Mon 30, Tue 40, Wed 50 -> 190 / 7
    assert w.loc["2022-06-08"] == pytest.approx((10 + 20 * 3 + 30 + 40 + 50) / 7)


def test_on_rrp_days_far_from_an_operation_count_as_zero():
    daily = pd.Series([70.0, 70.0], index=pd.to_datetime(["2010-01-06", "2010-01-20"]))
    w = on_rrp_weekly(daily)
    # Wed 01-06 carries to Thu-Sat (three days), the other four days are zero
    assert w.loc["2010-01-13"] == pytest.approx(70.0 * 3 / 7)


def test_h41_data_must_be_dated_on_wednesdays():
    a = pd.Series([1.0], index=pd.to_datetime(["2022-06-02"]))
    with pytest.raises(DataError, match="Wednesdays"):
        balance_sheet(a, a, a, a)


def test_monthly_rules_keep_the_identity(weekly):
    for how in ("mean", "last"):
        m = monthly_balance_sheet(weekly, how).dropna()
        gap = m["total_assets"] - m[["reserves", "on_rrp", "tga", BLOCK]].sum(axis=1)
        assert np.abs(gap).max() < 1e-6
        assert how in m.attrs["monthly_rule"]
    last = monthly_balance_sheet(weekly, "last")
    assert last.loc[pd.Period("2022-05", freq="M"), "total_assets"] == pytest.approx(
        weekly.loc["2022-05-25", "total_assets"]
    )
    with pytest.raises(SpecError, match="mean"):
        monthly_balance_sheet(weekly, "median")


# --- liabilities along an asset path ------------------------------------------------------

START = LiabilityState(pd.Period("2022-05", freq="M"), 8900.0, 3300.0, 1900.0, 900.0, 2800.0)


def _assets(decline: float, n: int = 24) -> pd.Series:
    idx = pd.period_range("2022-06", periods=n, freq="M")
    return pd.Series(START.total_assets - decline * np.arange(1, n + 1), index=idx)


def test_on_rrp_absorbs_first_down_to_the_floor():
    rules = LiabilityRules(rrp_floor=500.0, currency_growth=0.0)
    p = project_liabilities(_assets(100.0), START, rules)
    # 1,400 bn of ON RRP above the floor absorb 14 months of 100 bn
    assert (p["reserves"].iloc[: 14 + 1] == START.reserves).all()
    assert p["on_rrp"].iloc[14] == pytest.approx(500.0)
    assert p["reserves"].iloc[15] == pytest.approx(START.reserves - 100.0)
    assert "500" in p.attrs["assumptions"]


def test_fixed_share_and_user_path():
    p = project_liabilities(
        _assets(100.0), START, LiabilityRules(rrp_rule="fixed_share", rrp_share=0.25)
    )
    assert p["on_rrp"].iloc[1] == pytest.approx(
        START.on_rrp - 25.0 - 0.25 * (START.currency_other * (1.05 ** (1 / 12) - 1))
    )
    path = pd.Series(1000.0, index=_assets(1.0).index)
    q = project_liabilities(_assets(100.0), START, LiabilityRules(rrp_rule="path", rrp_path=path))
    assert (q["on_rrp"].iloc[1:] == 1000.0).all()
    with pytest.raises(SpecError, match="rrp_path"):
        LiabilityRules(rrp_rule="path")
    with pytest.raises(SpecError, match="absorb_first"):
        LiabilityRules(rrp_rule="bogus")  # type: ignore[arg-type]


def test_currency_growth_and_tga_path():
    tga = pd.Series(np.linspace(800, 600, 12), index=_assets(0.0, 12).index)
    p = project_liabilities(_assets(0.0, 12), START, LiabilityRules(currency_growth=6.0, tga=tga))
    assert p[BLOCK].iloc[-1] == pytest.approx(START.currency_other * 1.06)
    assert p["tga"].iloc[-1] == pytest.approx(600.0)


def test_bad_start_state_and_path_are_rejected():
    with pytest.raises(SpecError, match="identity"):
        LiabilityState(pd.Period("2022-05", freq="M"), 1.0, 2.0, 3.0, 4.0, 5.0)
    with pytest.raises(SpecError, match="month after"):
        project_liabilities(_assets(1.0).iloc[1:], START)
    with pytest.raises(SpecError, match="Period"):
        project_liabilities(pd.Series([1.0, 2.0]), START)


@settings(max_examples=60, deadline=None)
@given(
    drains=st.lists(st.floats(-300, 300, allow_nan=False), min_size=1, max_size=40),
    rrp0=st.floats(0, 2500),
    floor=st.floats(0, 1000),
    share=st.floats(0, 1),
    rule=st.sampled_from(["absorb_first", "fixed_share"]),
)
def test_the_one_rrp_step_equals_its_closed_form(drains, rrp0, floor, share, rule):
    d = np.array(drains)
    np.testing.assert_allclose(
        _closed_form(d, rrp0, rule, floor, share),
        split_reference(d, rrp0, rule, floor, share),
        atol=1e-7,
    )


def _closed_form(drain: np.ndarray, rrp0: float, rule: str, floor: float, share: float):
    """ON RRP path without a loop: an independent oracle for the step."""
    if rule == "fixed_share":
        # share * change, never below zero: a running floor at zero of a cumulative sum
        # (Skorokhod reflection at 0)
        x = rrp0 + np.cumsum(share * drain)
        return x - np.minimum(0.0, np.minimum.accumulate(np.minimum(x, 0.0)))
    # absorb_first: only falls matter; ON RRP = max(start - cumulative falls, min(start, floor))
    return np.maximum(rrp0 + np.cumsum(np.minimum(drain, 0.0)), min(rrp0, floor))


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(st.floats(-200, 150, allow_nan=False), min_size=1, max_size=36),
    floor=st.floats(0, 2000),
    growth=st.floats(-5, 15),
    rule=st.sampled_from(["absorb_first", "fixed_share"]),
)
def test_identity_holds_along_any_asset_path(steps, floor, growth, rule):
    idx = pd.period_range("2022-06", periods=len(steps), freq="M")
    assets = pd.Series(START.total_assets + np.cumsum(steps), index=idx)
    rules = LiabilityRules(rrp_rule=rule, rrp_floor=floor, currency_growth=growth)
    p = project_liabilities(assets, START, rules)
    gap = p["total_assets"] - p[["reserves", "on_rrp", "tga", BLOCK]].sum(axis=1)
    assert np.abs(gap).max() < 1e-6
    assert (p["on_rrp"] >= -1e-9).all()
    if rule == "absorb_first":
        assert (p["on_rrp"] >= min(START.on_rrp, floor) - 1e-9).all()
        assert (np.diff(p["on_rrp"].to_numpy()) <= 1e-9).all()


# --- endpoint rules -----------------------------------------------------------------------


def _path(n: int = 60) -> pd.DataFrame:
    idx = pd.period_range("2022-06", periods=n, freq="M")
    k = np.arange(n)
    return pd.DataFrame(
        {"total_assets": 9000.0 - 100.0 * k, "reserves": 4000.0 - 100.0 * k}, index=idx
    )


def test_reserves_peak_fraction_has_the_known_answer():
    res = find_endpoint(_path(), ["reserves_peak_fraction=0.5"])
    # reserves 4,000 -> 2,000 after 20 months of 100 bn: month index 20 = 2024-02
    assert res.end_month == pd.Period("2024-02", freq="M")
    assert res.months_of_runoff == 21
    assert res.terminal_reserves == pytest.approx(2000.0)
    assert res.terminal_assets == pytest.approx(7000.0)
    hist = pd.Series(5000.0, index=pd.period_range("2021-01", "2022-05", freq="M"))
    res2 = find_endpoint(_path(), ["reserves_peak_fraction=0.5"], reserves_history=hist)
    assert res2.terminal_reserves == pytest.approx(2500.0)  # peak 5,000 in the history
    res3 = find_endpoint(_path(), ["reserves_peak_fraction=0.5"], peak_reserves=3000.0)
    assert res3.terminal_reserves == pytest.approx(1500.0)


def test_gdp_rules_and_the_first_to_bind():
    gdp = pd.Series(30000.0, index=_path().index)
    res = find_endpoint(_path(), ["assets_to_gdp=0.2", "reserves_to_gdp=0.08"], gdp=gdp)
    # assets <= 6,000 at k = 30; reserves <= 2,400 at k = 16: the reserves rule binds first
    assert res.by_rule == {
        "assets_to_gdp=0.2": pd.Period("2024-12", freq="M"),
        "reserves_to_gdp=0.08": pd.Period("2023-10", freq="M"),
    }
    assert str(res.rule) == "reserves_to_gdp=0.08"
    assert res.to_dict()["end_month"] == "2023-10"
    assert res.to_dict()["months_of_runoff"] == 17
    short = gdp.iloc[:-1]
    with pytest.raises(SpecError, match=r"gdp does not cover month \d{4}-\d{2}; it runs"):
        find_endpoint(_path(), ["assets_to_gdp=0.2"], gdp=short)


def test_bank_assets_rule_needs_a_path():
    with pytest.raises(SpecError, match=r"bank_assets=.*H\.8"):
        find_endpoint(_path(), ["reserves_to_bank_assets=0.12"])
    banks = pd.Series(20000.0, index=_path().index)
    res = find_endpoint(_path(), ["reserves_to_bank_assets=0.12"], bank_assets=banks)
    assert res.terminal_reserves == pytest.approx(2400.0)


def test_rule_parsing_and_no_binding():
    assert parse_rule("reserves_peak_fraction") == EndpointRule("reserves_peak_fraction", 0.5)
    with pytest.raises(SpecError, match="assets_to_gdp"):
        parse_rule("assets_to_gnp=0.2")
    with pytest.raises(SpecError, match="between 0 and 1"):
        parse_rule("assets_to_gdp=20")
    with pytest.raises(SpecError, match="not a number"):
        parse_rule("assets_to_gdp=x")
    res = find_endpoint(_path(5), ["reserves_peak_fraction=0.5"])
    assert res.end_month is None and res.to_dict()["rule"] is None


# --- nominal GDP --------------------------------------------------------------------------


def test_monthly_gdp_hits_the_quarters_and_extends_at_the_stated_rate():
    ds = shared("2022-05-31")
    q = ds.series("GDP")
    g = monthly_gdp(q, "2025-12", growth=4.0)
    last_q = pd.DatetimeIndex(q.index).to_period("Q")[-1]
    mid = last_q.asfreq("M", "start") + 1
    assert g.loc[mid] == pytest.approx(q.iloc[-1])
    assert g.loc[mid + 12] / g.loc[mid] == pytest.approx(1.04)
    assert "4.0% a year" in g.attrs["assumption"]
    assert str(last_q) in g.attrs["assumption"]
    with pytest.raises(SpecError, match="gdp_growth"):
        monthly_gdp(q, "2025-12", growth=80.0)


def test_currency_splits_the_block_when_available(weekly):
    full = weekly.dropna().iloc[:10]
    currency = full[BLOCK] * 0.8  # a stand-in series for WCURCIR, on the same Wednesdays
    ds = shared()
    with_cur = balance_sheet(
        ds.series("WALCL"),
        ds.series("WRESBAL"),
        ds.series("RRPONTSYD"),
        ds.series("WTREGEN"),
        currency=currency,
    ).loc[full.index]
    pd.testing.assert_series_equal(with_cur["currency"], currency, check_names=False)
    np.testing.assert_allclose(with_cur["other_capital"], 0.2 * full[BLOCK])
    np.testing.assert_allclose(with_cur["currency"] + with_cur["other_capital"], full[BLOCK])


@settings(max_examples=50, deadline=None)
@given(
    falls=st.lists(st.floats(0, 200, allow_nan=False), min_size=2, max_size=60),
    fraction=st.floats(0.05, 0.95),
    share=st.floats(0.05, 0.5),
)
def test_the_end_month_is_the_first_month_any_rule_is_met(falls, fraction, share):
    idx = pd.period_range("2022-06", periods=len(falls), freq="M")
    reserves = pd.Series(4000.0 - np.cumsum(falls), index=idx)
    path = pd.DataFrame({"total_assets": reserves + 5000.0, "reserves": reserves})
    gdp = pd.Series(np.linspace(25000.0, 27000.0, len(idx)), index=idx)
    rules = [f"reserves_peak_fraction={fraction}", f"reserves_to_gdp={share}"]
    res = find_endpoint(path, rules, gdp=gdp)
    met = (reserves <= (1 - fraction) * reserves.cummax()) | (reserves <= share * gdp)
    if not met.any():
        assert res.end_month is None
    else:
        first = met.idxmax()
        assert res.end_month == first
        assert res.months_of_runoff == (first - idx[0]).n + 1
        assert res.terminal_reserves == pytest.approx(reserves[first])


def test_state_from_the_monthly_frame(weekly):
    m = monthly_balance_sheet(weekly)
    st_may = LiabilityState.from_frame(m, "2022-05")
    assert st_may.month == pd.Period("2022-05", freq="M")
    assert st_may.total_assets == pytest.approx(m.loc[st_may.month, "total_assets"])
    # the TGA's week average ends 2025-11-19: the last complete month is 2025-10
    assert LiabilityState.from_frame(m).month == pd.Period("2025-10", freq="M")
    with pytest.raises(SpecError, match="TGA"):
        LiabilityState.from_frame(m, "2025-12")
