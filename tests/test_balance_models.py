"""The liability model (qtlab.balance.models) against known answers, its plain-loop
references and the H.4.1 history in the embedded snapshot."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from _contexts import shared
from qtlab._periods import to_monthly
from qtlab.balance import (
    CurrencyTrend,
    Decay,
    LiabilityRules,
    LiabilityState,
    RrpSupply,
    TgaSeasonal,
    project_liabilities,
)
from qtlab.balance.models import (
    CURRENCY_SURGE,
    CurrencyRate,
    currency_growth_reference,
    currency_rate_reference,
    decay_reference,
)
from qtlab.balance.rrp_bills import (
    RrpTgaBills,
    RrpTgaFit,
    rrp_tga_path_reference,
    slopes_reference,
)
from qtlab.errors import DataError, SpecError
from qtlab.impact.paths import SEP_MIDPOINT_TO_UPPER
from qtlab.runs.inputs import (
    fit_liability_model,
    load_inputs,
    model_rules,
    on_rrp_rate,
    rrp_drivers,
    sep_path,
)
from qtlab.runs.liability_backtest import conditional_backtest


def _months(values: np.ndarray | list[float], start: str = "2015-01") -> pd.Series:
    return pd.Series(
        np.asarray(values, dtype=float),
        index=pd.period_range(start, periods=len(values), freq="M"),
    )


@pytest.fixture(scope="module")
def latest() -> pd.DataFrame:
    return load_inputs(shared(), horizon=12).h41


# --- currency ---------------------------------------------------------------------------


def test_currency_trend_recovers_a_geometric_path():
    x = _months(1000.0 * 1.05 ** (np.arange(80) / 12.0))
    fit = CurrencyTrend(5).fit(x, x.index[-1])
    assert fit.growth == pytest.approx(5.0, abs=1e-9)
    assert fit.se == pytest.approx(0.0, abs=1e-9)
    assert fit.months == 61 and fit.start == x.index[-61]
    p = fit.path(2000.0, pd.period_range("2030-01", periods=12, freq="M"))
    assert p.iloc[-1] == pytest.approx(2100.0)


def test_currency_trend_equals_the_reference_on_h41(latest):
    cur = latest["currency"].dropna()
    fit = CurrencyTrend(5).fit(cur, "2019-12")
    levels = cur.loc["2014-12":"2019-12"].tolist()
    g, se = currency_growth_reference(levels)
    assert fit.growth == pytest.approx(g, rel=1e-12)
    assert fit.se == pytest.approx(se, rel=1e-12)
    # H.4.1 currency grew about 6-7% a year in 2015-2019 (WCURCIR: 1.30 to 1.80 trillion)
    assert 5.0 < fit.growth < 8.0 and 0.0 < fit.se < 2.0


def test_currency_trend_sample_is_the_users(latest):
    cur = latest["currency"].dropna()
    # 2022-05 to 2024-06 the H.4.1 currency grew about 1.5-2.5% a year, not 5
    short = CurrencyTrend(2).fit(cur, "2024-06")
    assert 0.5 < short.growth < 3.5
    with pytest.raises(SpecError, match="years"):
        CurrencyTrend(0)


def test_currency_trend_leaves_the_surge_out_as_the_reference(latest):
    """From 2022-05 the five-year trend is 8.0% a year, carried by the 2020-21 surge (H.4.1
    currency rose about 16% in the twelve months to March 2021); without March 2020 to June
    2021 it is about 5.3%, close to 2015-2019's 6%."""
    cur = latest["currency"].dropna()
    fit = CurrencyTrend(5, CURRENCY_SURGE).fit(cur, "2022-05")
    months = pd.period_range("2017-05", "2022-05", freq="M")
    levels = cur.reindex(months).tolist()
    keep = [not (pd.Period("2020-03", "M") <= m <= pd.Period("2021-06", "M")) for m in months[1:]]
    g, se = currency_growth_reference(levels, keep)
    assert fit.growth == pytest.approx(g, rel=1e-12) and fit.se == pytest.approx(se, rel=1e-12)
    assert CurrencyTrend(5).fit(cur, "2022-05").growth > 7.5
    assert 4.5 < fit.growth < 6.0
    with pytest.raises(SpecError, match="after the last"):
        CurrencyTrend(5, (("2021-06", "2020-03"),))


def test_currency_rate_model_equals_the_reference_on_h41(latest):
    """Currency demand falls with its opportunity cost: on 2003-01..2022-05 (the surge left
    out) each point of 3-month bill yield takes about 0.9 pp off the log growth, from about
    6.8% at a zero yield (H.4.1 WCURCIR and DGS3MO monthly means)."""
    cur = latest["currency"].dropna()
    y3 = to_monthly(shared().series("DGS3MO"), "mean")
    fit = CurrencyRate().fit(cur, y3, "2022-05")
    months = pd.period_range("2002-12", "2022-05", freq="M")
    keep = [not (pd.Period("2020-03", "M") <= m <= pd.Period("2021-06", "M")) for m in months[1:]]
    c, b = currency_rate_reference(cur.reindex(months).tolist(), y3.reindex(months).tolist(), keep)
    assert fit.const == pytest.approx(c, rel=1e-10) and fit.slope == pytest.approx(b, rel=1e-10)
    assert fit.months == sum(keep) and fit.end == pd.Period("2022-05", "M")
    assert -1.5 < fit.slope < -0.4 and fit.se_slope < 0.4 and 5.0 < fit.const < 8.5
    idx = pd.period_range("2022-06", periods=12, freq="M")
    p = fit.along(pd.Series(2.0, index=idx)).path(1000.0, idx)
    assert p.iloc[-1] == pytest.approx(1000.0 * (1 + fit.growth(2.0) / 100.0))
    with pytest.raises(SpecError, match="rate path"):
        fit.path(1000.0, idx)


# --- TGA --------------------------------------------------------------------------------


def test_tga_factors_equal_a_plain_loop_on_h41(latest):
    fit = TgaSeasonal(5, episodes=()).fit(latest["tga"], "2019-12")
    assert len(fit.factors) == 12
    assert np.mean(fit.factors) == pytest.approx(1.0)
    ref = [0.0] * 12
    for year in range(2015, 2020):  # the 12-month blocks end in December
        block = [float(latest["tga"].loc[f"{year}-{m:02d}"]) for m in range(1, 13)]
        for m in range(12):
            ref[m] += block[m] / (sum(block) / 12) / 5
    norm = sum(ref) / 12
    assert fit.factors == pytest.approx([r / norm for r in ref], rel=1e-12)
    last = latest["tga"].loc["2019-01":"2019-12"].to_numpy()
    assert fit.level == pytest.approx(float(np.mean(last / np.array(fit.factors))))
    path = fit.path(pd.period_range("2020-01", periods=24, freq="M"))
    assert path.loc["2020-04"] == pytest.approx(fit.level * fit.factors[3])


def test_tga_leaves_the_debt_limit_episodes_out(latest):
    """From 2025-12: January-July 2025 (extraordinary measures from 2025-01-21 to the
    increase of 2025-07-04) drew the TGA down to about 300 bn; left out, the level is that
    of the months after the rebuild (about 800-900 bn), not the 12-month mean."""
    with_ep = TgaSeasonal().fit(latest["tga"], "2025-12")
    without = TgaSeasonal(episodes=()).fit(latest["tga"], "2025-12")
    after = float(latest["tga"].loc["2025-08":"2025-12"].mean())
    assert abs(with_ep.level - after) < abs(without.level - after)
    assert with_ep.level > without.level + 100.0


def test_tga_target_replaces_the_level(latest):
    fit = TgaSeasonal(target=850.0).fit(latest["tga"], "2025-12")
    assert fit.level == 850.0 and fit.source == "target"
    with pytest.raises(SpecError, match="target"):
        TgaSeasonal(target=-1.0)


def test_tga_at_the_debt_ceiling_low_is_not_frozen(latest):
    """At an April 2023 vantage the TGA was at its debt-ceiling low (about 280 bn in March
    2023); the model's level is the mean of the last 12 months, well above it."""
    ds = shared("2023-04-15")
    inp = load_inputs(ds, horizon=12)
    fit = fit_liability_model(ds, inp)
    assert inp.state.tga < 300.0
    assert fit.tga.level > inp.state.tga + 200.0


# --- decay ------------------------------------------------------------------------------


def test_decay_recovers_a_noise_free_ar1():
    level, hl = 300.0, 12.0
    b = 0.5 ** (1.0 / hl)
    x = [900.0]
    for _ in range(40):
        x.append(level + b * (x[-1] - level))
    fit = Decay(36).fit(_months(x), pd.Period("2018-05", "M"))
    assert fit.half_life == pytest.approx(hl, rel=1e-9)
    assert fit.level == pytest.approx(level, rel=1e-9)
    a_ref, b_ref = decay_reference(x[-36:])
    assert b_ref == pytest.approx(b, rel=1e-9)
    assert a_ref == pytest.approx(level * (1 - b), rel=1e-9)
    p = fit.path(700.0, pd.period_range("2030-01", periods=12, freq="M"))
    assert p.iloc[-1] == pytest.approx(level + 400.0 / 2.0)


def test_decay_stated_and_no_decay():
    fit = Decay(half_life=6.0, level=0.0).fit(_months([1.0] * 10), "2015-10")
    assert not fit.fitted and fit.path(100.0, pd.period_range("2016-01", periods=6, freq="M")).iloc[
        -1
    ] == pytest.approx(50.0)
    rising = Decay(12).fit(_months(np.arange(24.0) ** 2), "2016-12")
    assert math.isinf(rising.half_life)
    with pytest.raises(DataError, match="at least 3"):
        Decay(12).fit(_months([1.0, 2.0]), "2015-02")


# --- ON RRP -----------------------------------------------------------------------------


def test_on_rrp_rate_follows_the_implementation_notes():
    r = on_rrp_rate(shared())
    assert r.loc["2021-06-16"] == pytest.approx(0.0)
    assert r.loc["2021-06-17"] == pytest.approx(0.05)
    assert r.loc["2024-12-18"] == pytest.approx(4.55)
    assert r.loc["2024-12-19"] == pytest.approx(4.25)


def test_rrp_model_reproduces_2022(latest):
    """Estimated on 2021-2025, the supply-and-spread rule has ON RRP above its May 2022 level
    through the second half of 2022 while reserves fell (H.4.1: reserves about 3.3 to 3.1
    trillion, ON RRP about 1.9 to 2.2 trillion), which no rule driven by reserves' own
    drain can do."""
    ds = shared()
    net, spread = rrp_drivers(ds)
    fit = RrpSupply("2021-01").fit(latest["on_rrp"], net, spread, "2025-12")
    assert fit.bills < 0 < fit.spread and fit.r2 > 0.6
    months = pd.period_range("2022-05", "2022-12", freq="M")
    pred = fit.predict(net.reindex(months), spread.reindex(months))
    assert pred.iloc[1:].mean() > pred.iloc[0] + 300.0
    assert latest["reserves"].loc["2022-12"] < latest["reserves"].loc["2022-05"]


# --- the whole liability side -----------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2022-05-31", "2025-12-31"])
def test_fit_uses_only_data_visible_at_the_vantage(as_of):
    ds = shared(as_of)
    inp = load_inputs(ds, horizon=12)
    fit = fit_liability_model(ds, inp)
    v = pd.Period(as_of, "M")
    assert fit.currency.end <= inp.last_month <= v
    assert fit.tga.end <= inp.last_month
    assert fit.rrp is not None and fit.rrp.end <= v


def test_identity_to_the_cent_with_the_model(latest):
    ds = shared("2025-12-31")
    inp = load_inputs(ds, horizon=60)
    fit = fit_liability_model(ds, inp)
    through = inp.last_month + 60
    idx = pd.period_range(inp.last_month + 1, through, freq="M")
    assets = fit.other_assets.path(inp.state.total_assets - 6200.0, idx) + 6200.0
    for base in (LiabilityRules(), LiabilityRules("fixed_share", rrp_share=0.3)):
        p = project_liabilities(assets, inp.state, model_rules(fit, inp, through, base))
        gap = p["total_assets"] - (p["reserves"] + p["on_rrp"] + p["tga"] + p["currency_other"])
        assert (gap.abs() < 0.005).all()
        assert not p["tga"].iloc[1:].eq(inp.state.tga).all()  # not frozen at the start


def _sep_bills(through: pd.Period) -> pd.Series:
    """The 3-month bill yield [%] as the policy-rate midpoint path of the SEP visible at
    2022-05-31 (March 2022 median: 1.9% end-2022, 2.8% end-2023) from May's 1.00% top."""
    path, _ = sep_path(shared("2022-05-31"), pd.Period("2022-06", "M"), through, 1.0)
    return path - SEP_MIDPOINT_TO_UPPER


def _backtest_2022(
    latest: pd.DataFrame,
    tga_given: bool,
    base: LiabilityRules,
    **kw: Any,
) -> pd.DataFrame:
    """Reserves and block error [USD bn] from the 2022-05-31 vantage along the realized
    total assets (:func:`qtlab.runs.liability_backtest.conditional_backtest`;
    benchmarks/bench_liability_backtest.py prints every case)."""
    through = pd.Period("2023-12", "M")
    out = conditional_backtest(
        shared("2022-05-31"), latest, through, tga_given=tga_given, base=base, **kw
    )
    return pd.DataFrame({"reserves": out["error"], "block": out["block_error"]})


@pytest.mark.xfail(
    strict=True,
    reason=(
        "measured miss (benchmarks/bench_liability_backtest.py): from 2022-05-31 with the "
        "realized assets and TGA, reserves are off by up to 853 bn (2023-07; 838 with the "
        "model's own TGA) with the model as fitted today; 642 (own TGA 316; 2023-05) with ON "
        "RRP taking its fitted share of TGA changes (0.51, bills that finance the TGA), "
        "currency falling with the bill yield along the March 2022 SEP and the deferred "
        "asset along that SEP (vantage-honest: at those rates net income stays positive, "
        "no deferred asset arises, nothing changes); 658 with the deferred asset along the "
        "realized rates (conditional). Causes that remain, measured: (1) the split of the "
        "runoff: with the realized block the TGA-bills rule is still 627 off, absorb-first "
        "928: in 2022 H2 runoff drained reserves while ON RRP rose 1,897 -> 2,154 bn "
        "(May-December), whereas absorb-first takes it out of ON RRP; the share of each "
        "month's change ON RRP took in 2021-01..2022-05 was 0.40, and 'ON RRP takes every "
        "change' (reserves held at their May 2022 level) is 289 off; so the deferred asset, "
        "which lowers the block and raises reserves + ON RRP, moves reserves further up "
        "where the split already puts too much in them (642 -> 658); (2) the block, with ON "
        "RRP given: 402 bn (5-year trend), 307 along the SEP, 207 adding the deferred asset "
        "along the realized rates (the rest: currency, and the foreign repo pool and other "
        "deposits in the other block)"
    ),
)
def test_2022_backtest_reserves_within_250_with_the_tga_given(latest):
    sep = _sep_bills(pd.Period("2023-12", "M"))
    err = _backtest_2022(
        latest, True, LiabilityRules(), tga_bills=True, currency_rates=sep, deferred="sep"
    )
    assert err["reserves"].abs().max() < 250.0


def test_2022_backtest_errors_are_measured_with_given_and_model_tga(latest):
    """The benchmark the issue asks for, reported (the target is the xfail above): with the
    model's own TGA (919 bn: its recent level outside debt-limit episodes; realized 140-755
    bn through the 2023 episode, a scenario the model does not assume) the maximum error is
    838 bn against 853 with the TGA given: under absorb-first a TGA error moves ON RRP,
    not reserves, until ON RRP is exhausted."""
    given = _backtest_2022(latest, True, LiabilityRules())["reserves"]
    own = _backtest_2022(latest, False, LiabilityRules())["reserves"]
    assert len(given) == len(own) == 19
    assert given.abs().max() == pytest.approx(853.0, abs=1.0)
    assert own.abs().max() == pytest.approx(838.0, abs=1.0)
    # the miss grows with the block's error: the last months are the worst
    assert given.abs().idxmax() >= pd.Period("2023-01", "M")


def test_2022_backtest_the_split_is_the_larger_cause(latest):
    """With the realized currency + other liabilities and capital block, absorb-first is
    still about 930 bn off (the split's error alone); the naive 'ON RRP takes every change',
    i.e. reserves held at their May 2022 level, is 289 bn off whatever the block. The share
    of each month's change in reserves + ON RRP that ON RRP took in the months visible then
    (2021-01..2022-05, least squares through zero) was about 0.4, not 1."""
    split_only = _backtest_2022(latest, True, LiabilityRules(), block_given=True)
    assert split_only["reserves"].abs().max() > 900.0
    flat = _backtest_2022(latest, True, LiabilityRules("fixed_share", rrp_share=1.0))
    assert flat["reserves"].abs().max() == pytest.approx(289.0, abs=1.0)
    seen = load_inputs(shared("2022-05-31"), horizon=12).h41.loc["2021-01":"2022-05"]
    d_rrp = seen["on_rrp"].diff().dropna().to_numpy()
    d_liq = (seen["on_rrp"] + seen["reserves"]).diff().dropna().to_numpy()
    assert float(d_rrp @ d_liq / (d_liq @ d_liq)) == pytest.approx(0.4, abs=0.05)


def test_2022_backtest_currency_along_the_sep_lowers_the_block_error(latest):
    """Currency falling with the bill yield along the SEP visible in May 2022 (bill yield
    1.0 -> 2.8%) grows about 4-6% a year against the 8% trend: the block's error at
    2023-12 falls by about 100 bn (realized currency grew 1.7% a year)."""
    sep = _sep_bills(pd.Period("2023-12", "M"))
    trend = _backtest_2022(latest, True, LiabilityRules())["block"]
    rate = _backtest_2022(latest, True, LiabilityRules(), currency_rates=sep)["block"]
    assert 60.0 < trend.iloc[-1] - rate.iloc[-1] < 160.0
    assert (rate.iloc[1:] < trend.iloc[1:]).all()


# --- ON RRP moved by the bills that finance the TGA ---------------------------------------


def test_tga_bills_slopes_equal_the_reference_on_the_vantage_data():
    """At 2022-05-31: bills outside the Fed moved about 1.1 bn per bn of TGA change in
    2018-2022 (the Treasury finances its cash with bills), and ON RRP about -0.46 per bn of
    bills in 2021-2022 (money funds leave ON RRP for bills): ON RRP takes about half of a
    TGA change, opposite in sign (MSPD bills, SOMA bills, H.4.1 TGA and ON RRP)."""
    ds = shared("2022-05-31")
    inp = load_inputs(ds, horizon=12)
    h = inp.h41
    net, spread = rrp_drivers(ds)
    fit = RrpTgaBills().fit(h["on_rrp"], net, spread, h["tga"], inp.last_month)
    d = pd.concat([h["on_rrp"], net, spread, h["tga"]], axis=1).diff().loc[:"2022-05"]
    bt = d.iloc[:, [1, 3]].dropna().loc["2018-01":]
    rb = d.iloc[:, [0, 1, 2]].dropna().loc["2021-01":]
    g, b = slopes_reference(
        bt.iloc[:, 0].tolist(), bt.iloc[:, 1].tolist(), rb.iloc[:, 0].tolist(),
        rb.iloc[:, 1].tolist(), rb.iloc[:, 2].tolist(),
    )  # fmt: skip
    assert fit.bills_per_tga == pytest.approx(g, rel=1e-9)
    assert fit.rrp_per_bill == pytest.approx(b, rel=1e-9)
    assert fit.share == pytest.approx(-g * b, rel=1e-9)
    assert 0.8 < fit.bills_per_tga < 1.4 and -0.7 < fit.rrp_per_bill < -0.2
    assert fit.end == pd.Period("2022-05", "M") and 0.3 < fit.share < 0.7


def test_tga_bills_path_equals_the_reference_and_keeps_the_identity():
    idx = pd.period_range("2030-01", periods=6, freq="M")
    start = LiabilityState(pd.Period("2029-12", "M"), 8000.0, 3000.0, 800.0, 700.0, 3500.0)
    assets = pd.Series([7950.0, 7900.0, 7950.0, 7800.0, 7700.0, 7700.0], index=idx)
    tga = pd.Series([750.0, 500.0, 300.0, 400.0, 800.0, 900.0], index=idx)
    block = pd.Series(3500.0 + 5.0 * np.arange(1, 7), index=idx)
    fit = RrpTgaFit(0.5, 1.1, 0.1, -0.45, 0.1, pd.Period("2029-12", "M"))
    p = fit.path(start, assets, tga, block)
    d_tga = np.diff(np.r_[start.tga, tga.to_numpy()]).tolist()
    other = np.r_[start.total_assets - start.currency_other, (assets - block).to_numpy()]
    ref = rrp_tga_path_reference(0.5, start.on_rrp, d_tga, np.diff(other).tolist())
    assert p.tolist() == pytest.approx(ref, abs=1e-9)
    rules = fit.rules(start, assets, LiabilityRules(tga=tga, currency_other=block))
    out = project_liabilities(assets, start, rules)
    gap = out["total_assets"] - (
        out["reserves"] + out["on_rrp"] + out["tga"] + out["currency_other"]
    )
    assert (gap.abs() < 0.005).all() and out["on_rrp"].iloc[1:].tolist() == pytest.approx(ref)
    with pytest.raises(SpecError, match="TGA path"):
        fit.rules(start, assets, LiabilityRules())


def test_2022_backtest_with_the_tga_bills_rule(latest):
    """ON RRP taking its fitted share of TGA changes: 629 bn off with the TGA given (853
    before) and 316 with the model's own TGA (838): under absorb-first the runoff still
    comes out of ON RRP first, whereas in 2022 H2 it drained reserves."""
    given = _backtest_2022(latest, True, LiabilityRules(), tga_bills=True)["reserves"]
    own = _backtest_2022(latest, False, LiabilityRules(), tga_bills=True)["reserves"]
    assert given.abs().max() == pytest.approx(629.0, abs=2.0)
    assert own.abs().max() == pytest.approx(316.0, abs=2.0)


# --- the deferred asset (qtlab.runs.remittances) ----------------------------------------


def test_2022_backtest_the_deferred_asset_lowers_the_block_error(latest):
    """Other liabilities and capital fell about 190 bn from May 2022 to October 2023 while
    the model's decay held them near 555; the deferred asset (Reserve Bank losses booked
    in them) is most of that fall. With ON RRP given and currency along the March 2022 SEP,
    the block's error, and so reserves', falls from 307 to 207 bn with the deferred asset
    along the realized rates (a conditional variant: those rates were not visible in May
    2022); along the SEP visible then the model books no deferred asset and nothing
    changes. With the TGA-bills split the maximum error goes 642 -> 658: the split already
    puts too much in reserves, and the deferred asset raises reserves + ON RRP."""
    sep = _sep_bills(pd.Period("2023-12", "M"))
    kw: dict[str, object] = {"rrp_given": True, "currency_rates": sep}
    before = _backtest_2022(latest, True, LiabilityRules(), **kw)
    real = _backtest_2022(latest, True, LiabilityRules(), deferred="realized", **kw)
    honest = _backtest_2022(latest, True, LiabilityRules(), deferred="sep", **kw)
    assert before["reserves"].abs().max() == pytest.approx(307.0, abs=2.0)
    assert real["reserves"].abs().max() == pytest.approx(207.0, abs=2.0)
    assert honest["reserves"].tolist() == pytest.approx(before["reserves"].tolist())
    assert (real["block"].loc["2022-10":] < before["block"].loc["2022-10":]).all()
    split = _backtest_2022(
        latest, True, LiabilityRules(), tga_bills=True, currency_rates=sep, deferred="realized"
    )
    assert split["reserves"].abs().max() == pytest.approx(658.0, abs=2.0)
