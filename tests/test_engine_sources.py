"""Engine inputs built from data: issuance mix (MSPD), realized paydowns and TIPS accrual (SOMA)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qtlab.engine import (
    ConstantPaydownRate,
    CouponTenor,
    IssuanceMix,
    PaydownPath,
    RealizedPaydowns,
    RealizedTipsAccrual,
    announced_auction_sizes,
    default_issuance_mix,
    issuance_mix_from_mspd,
    mspd_issuance_mix,
    smm_from_cpr,
)
from qtlab.errors import DataError, DateRangeError, SpecError
from qtlab.runs import RunContext
from qtlab.store.dataset import Dataset


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return RunContext()


def test_packaged_mix_equals_a_fresh_derivation(ds: Dataset):
    fresh = issuance_mix_from_mspd(ds.table("treasury.mspd_detail.2022-01-31"))
    assert mspd_issuance_mix() == fresh
    sizes, source = announced_auction_sizes()
    assert default_issuance_mix() == fresh.with_auction_sizes(sizes, source)
    assert sorted(sizes) == ["2022-02", "2022-03", "2022-04", "2022-05"]


def test_default_mix_is_the_treasury_auction_calendar():
    m = default_issuance_mix()
    mid = {(t.kind, t.months) for t in m.coupons["mid"]}
    end = {(t.kind, t.months) for t in m.coupons["end"]}
    # 3y, 10y notes and 30y bonds settle mid-month; 2y, 5y, 7y, 20y, TIPS and FRNs at month end
    assert mid == {("note_bond", 36), ("note_bond", 120), ("note_bond", 360)}
    assert {("note_bond", 24), ("note_bond", 60), ("note_bond", 84), ("frn", 24)} <= end
    assert {k for k, _ in end} == {"note_bond", "tips", "frn"}
    assert m.bill_weeks == (4, 8, 13, 26, 52)
    assert sum(m.bill_shares) == pytest.approx(1)
    # bills were 17% of marketable debt at 2022-01-31 (MSPD Table III: 3.9 of 22.6 trillion)
    assert m.treasury_bill_share == pytest.approx(0.17, abs=0.01)


def test_mix_follows_the_auction_calendar():
    m = mspd_issuance_mix()
    end = {t.label: t for t in m.coupons["end"]}
    # FRNs take rollovers only at their new issues (Jan/Apr/Jul/Oct); TIPS at their auctions
    assert end["2y FRN"].addon_months == (1, 4, 7, 10)
    # FRN reopenings only when the month ends on a Friday (weekly SOMA FRN holdings:
    # +3.26 bn after 2021-12-31, +1.66 after 2024-05-31, +2.82 after 2025-02-28)
    assert end["2y FRN"].friday_months == (2, 3, 5, 6, 8, 9, 11, 12)
    assert end["10y TIPS"].addon_months == (1, 3, 5, 7, 9, 11)
    assert end["5y TIPS"].addon_months == (4, 6, 10, 12)
    assert end["30y TIPS"].addon_months == (2, 8)
    assert end["2y nominal"].addon_months is None
    # MSPD: every TIPS issued at a weekend month end settled before it; notes and FRNs after
    assert all(t.before_weekend for t in end.values() if t.kind == "tips")
    assert not any(t.before_weekend for t in end.values() if t.kind != "tips")

    def by_label(month: str) -> dict[str, float]:
        sh = m.coupon_shares("end", pd.Period(month, "M"))
        return {t.label: x for t, x in zip(m.coupons["end"], sh, strict=True)}

    feb, mar, apr = by_label("2022-02"), by_label("2022-03"), by_label("2022-04")
    for month in (feb, mar, apr):
        assert sum(month.values()) == pytest.approx(1)
    assert feb["2y FRN"] == 0 and feb["30y TIPS"] > 0 and feb["10y TIPS"] == 0
    assert mar["10y TIPS"] > 0 and mar["2y FRN"] == 0
    # 2022-04-30 was a Saturday: the 5y TIPS settled on the 29th, before the maturities
    assert apr["5y TIPS"] == 0 and apr["2y FRN"] > 0.1
    assert by_label("2022-05")["2y FRN"] == 0  # a Tuesday
    assert by_label("2024-05")["2y FRN"] > 0.1  # a Friday
    # the weights relative to each other are kept
    assert apr["2y FRN"] / apr["2y nominal"] == pytest.approx(
        end["2y FRN"].share / end["2y nominal"].share
    )
    with pytest.raises(SpecError, match="addon_months"):
        CouponTenor("frn", 24, "eom", 1.0, addon_months=(0, 13))
    only_frn = CouponTenor("frn", 24, "eom", 1.0, addon_months=(1,))
    with pytest.raises(SpecError, match="calendar month 2"):
        IssuanceMix((4,), (1.0,), {"mid": (only_frn,), "end": (only_frn,)}, 0.2)


def test_mix_validation():
    t = CouponTenor("note_bond", 24, "eom", 1.0)
    with pytest.raises(SpecError, match=r"sum to 0\.900000"):
        IssuanceMix((4,), (0.9,), {"mid": (t,), "end": (t,)}, 0.2)
    with pytest.raises(SpecError, match="'mid' and 'end'"):
        IssuanceMix((4,), (1.0,), {"mid": (t,)}, 0.2)
    with pytest.raises(SpecError, match="kind='gold'"):
        CouponTenor("gold", 24, "eom", 1.0)  # type: ignore[arg-type]
    m = default_issuance_mix()
    assert IssuanceMix.from_dict(m.to_dict()) == m
    assert m.to_dict()["auction_sizes"]["2022-04"]["end"]["2y FRN"] == 24


def test_announced_sizes_set_the_april_2022_frn_take():
    # Quarterly Refunding Statement of 2022-02-02: the April 2022 new 2-year FRN offered
    # $24 bn; the 2-, 5-, 7-year notes and the 20-year bond settling with it at the
    # (Saturday) month end offered 48, 49, 44 and 16 bn (the 5-year TIPS settled on the
    # 29th, before the maturities). Add-ons are allotted in proportion: 24/181 = 13.26%.
    # The NY Fed weekly summary shows the Desk's April take at 13.3% (+1.417 bn net of the
    # 1.911 bn FRN maturing 2022-04-30, out of 25.1 bn rolled); the January 2022 MSPD sizes
    # alone give 12.4%.
    apr = pd.Period("2022-04", "M")
    d = dict(
        zip(
            (t.label for t in default_issuance_mix().coupons["end"]),
            default_issuance_mix().coupon_shares("end", apr),
            strict=True,
        )
    )
    assert d["2y FRN"] == pytest.approx(24 / 181, abs=1e-12)
    assert d["5y TIPS"] == 0
    assert d["2y FRN"] == pytest.approx(1.417 / 25.1 + 1.911 / 25.1, abs=0.002)
    m = dict(
        zip(
            (t.label for t in mspd_issuance_mix().coupons["end"]),
            mspd_issuance_mix().coupon_shares("end", apr),
            strict=True,
        )
    )
    assert m["2y FRN"] == pytest.approx(0.124, abs=0.001)
    # outside the dated months the MSPD weights hold
    jun = pd.Period("2022-06", "M")
    assert default_issuance_mix().coupon_shares("end", jun) == mspd_issuance_mix().coupon_shares(
        "end", jun
    )
    # the mid-month auctions too: 2022-05-16 settled the 3y (45), 10y (36) and 30y (22)
    may = default_issuance_mix().coupon_shares("mid", pd.Period("2022-05", "M"))
    assert may == pytest.approx((45 / 103, 36 / 103, 22 / 103))


def test_auction_sizes_validation():
    base = mspd_issuance_mix()
    good = {"2022-04": {"mid": {"3y nominal": 46, "10y nominal": 34, "30y nominal": 20}}}
    assert base.with_auction_sizes(good).coupon_shares("mid", pd.Period("2022-04", "M")) == (
        pytest.approx((46 / 100, 34 / 100, 20 / 100))
    )
    with pytest.raises(SpecError, match=r"names tenor '4y nominal'.*'3y nominal'"):
        base.with_auction_sizes({"2022-04": {"mid": {"4y nominal": 1}}})
    # the FRN takes add-ons in April: it must have an amount; the 5y TIPS (settled before
    # the weekend month end) need not
    with pytest.raises(SpecError, match=r"lacks '2y FRN'.*2022-04"):
        base.with_auction_sizes(
            {
                "2022-04": {
                    "end": {"2y nominal": 48, "5y nominal": 49, "7y nominal": 44, "20y nominal": 16}
                }
            }
        )
    with pytest.raises(SpecError, match="auction_sizes month='April' is not a month"):
        base.with_auction_sizes({"April": {"mid": {"3y nominal": 1}}})
    with pytest.raises(SpecError, match="settlement halves 'early'"):
        base.with_auction_sizes({"2022-04": {"early": {}}})
    with pytest.raises(SpecError, match=r"\[10y nominal\]=-3 must be a finite amount >= 0"):
        base.with_auction_sizes(
            {"2022-04": {"mid": {"3y nominal": 1, "10y nominal": -3, "30y nominal": 1}}}
        )
    with pytest.raises(SpecError, match="no positive amount"):
        base.with_auction_sizes(
            {"2022-04": {"mid": {"3y nominal": 0, "10y nominal": 0, "30y nominal": 0}}}
        )
    with pytest.raises(SpecError, match="auction_sizes"):
        IssuanceMix.from_dict({**base.to_dict(), "auction_sizes": {"2022-04": {"mid": 5}}})


def test_realized_paydowns_from_the_weekly_summary(ds: Dataset):
    rp = RealizedPaydowns(ds.series("soma.mbs"))
    obs = rp.observed
    assert obs.index[0] == pd.Period("2022-10", "M")
    # First Wednesdays: 2022-10-05 2689.560, 2022-11-02 2669.971 (NY Fed SOMA summary)
    assert obs.iloc[0] == pytest.approx((2689.560 - 2669.971) / 2689.560, abs=2e-6)
    assert ((obs > 0.003) & (obs < 0.012)).all()  # 0.3%-1.2% a month (CPR about 4%-13%)
    months = pd.period_range("2022-06", "2022-11", freq="M")
    r = rp.rates(months)
    assert r[0] == obs.iloc[0]  # before the window: nearest observed month
    assert r[-1] == obs.loc[pd.Period("2022-11", "M")]
    with pytest.raises(DateRangeError, match="no realized rate for 2022-06"):
        RealizedPaydowns(ds.series("soma.mbs"), fill="error").rates(months)
    with pytest.raises(DataError, match="rises on 2022-09-14"):
        RealizedPaydowns(ds.series("soma.mbs"), first="2022-09")


def test_tips_accrual_from_the_weekly_summary(ds: Dataset):
    ta = RealizedTipsAccrual(ds.series("soma.tips"), ds.series("soma.tips_inflation_comp"))
    # TIPS index ratios follow CPI-U (NSA) with a three-month lag, so growth from
    # February 2022 to February 2023 is CPI-U from November 2021 (277.948) to
    # November 2022 (297.711): 7.11% (BLS); the next year 297.711 -> 307.051: 3.14%.
    g = 1 + ta.observed
    assert np.prod(g.loc["2022-02":"2023-01"]) - 1 == pytest.approx(0.0711, abs=0.005)
    assert np.prod(g.loc["2023-02":"2024-01"]) - 1 == pytest.approx(0.0314, abs=0.005)
    assert np.isfinite(ta.rates(pd.period_range("2030-01", periods=3, freq="M"))).all()


def test_paydown_path_and_constant_rate():
    p = PaydownPath(pd.Series([10.0, 20.0], index=["2022-06", "2022-07"]))
    assert p.amounts(pd.period_range("2022-06", "2022-07", freq="M")).tolist() == [10, 20]
    with pytest.raises(DateRangeError, match="no amount for 2022-08"):
        p.amounts(pd.period_range("2022-06", "2022-08", freq="M"))
    assert PaydownPath(p.amounts_bn, fill=5.0).amounts(
        pd.period_range("2022-08", "2022-08", freq="M")
    ).tolist() == [5.0]
    with pytest.raises(SpecError, match="amounts must be >= 0"):
        PaydownPath(pd.Series([-1.0], index=["2022-06"]))
    with pytest.raises(SpecError, match="lacks column 'paydowns'"):
        PaydownPath.from_csv_frame(pd.DataFrame({"month": ["2022-06"], "x": [1.0]}))
    assert smm_from_cpr(0.12) == pytest.approx(1 - 0.88 ** (1 / 12))
    with pytest.raises(SpecError, match=r"monthly=1\.5"):
        ConstantPaydownRate(1.5)
