"""MBS cohorts from the NY Fed's SOMA MBS CUSIP files (the embedded snapshot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qtlab.errors import DataError, SpecError
from qtlab.portfolio.mbs_cohorts import CohortAssumptions, cohort_start, mbs_cohorts
from qtlab.prepay import CohortState
from qtlab.runs import RunContext

# Vantage dates that pick each MBS file; the file totals are those the NY Fed's
# weekly summary gives for the same Wednesday (data/raw/SOURCES.md) [USD bn].
FILES = {
    "2017-10-10": ("2017-10-04", "2017-10", 1768.160),
    # dated before the 25th: April's UMBS payment is still ahead (weekly summary: MBS
    # 2721.694 on 2022-04-20, 2706.069 on 2022-04-27), so the cohorts start in April
    "2022-04-25": ("2022-04-20", "2022-04", 2721.694),
    "2022-05-20": ("2022-05-11", "2022-05", 2706.078),
    "2024-10-10": ("2024-10-02", "2024-10", 2273.971),
}


@pytest.fixture(scope="module")
def holdings() -> dict[str, pd.DataFrame]:
    return {d: RunContext(as_of=d).holdings(["mbs"]) for d in FILES}


@pytest.mark.parametrize("vantage", list(FILES))
def test_cohorts_keep_every_dollar_of_each_file(holdings, vantage):
    file, start, total = FILES[vantage]
    c = mbs_cohorts(holdings[vantage])
    assert str(c.attrs["as_of"].date()) == file
    assert str(c.attrs["start"]) == start
    assert c["par"].sum() == pytest.approx(total, abs=0.001)
    assert c["n_pools"].sum() == len(holdings[vantage])
    assert (c["remaining"] >= 1).all() and (c["age"] >= 0).all()
    assert (c["remaining"] + c["age"] <= c["term_months"] + 1e-9).all()
    assert set(c["program"]) <= {"umbs", "fnma", "fhlmc", "gnma1", "gnma2", "other"}
    CohortState.from_frame(c)  # a valid model input


def test_aggregated_rows_are_handled_explicitly(holdings):
    c = mbs_cohorts(holdings["2024-10-10"])
    share = c["aggregated_par"].sum() / c["par"].sum()
    assert share > 0.5  # most of the 2024-10-02 par sits in aggregated rows
    # The extra age given to aggregated rows makes the 2024 file's loans as old as
    # the 2022-05 file's aged 29 months (no MBS was bought after 2022-09).
    old = mbs_cohorts(holdings["2022-05-20"])
    age_22 = np.average(old["age"], weights=old["par"])
    age_24 = np.average(c["age"], weights=c["par"])
    assert age_24 == pytest.approx(age_22 + 29, abs=3)
    bare = mbs_cohorts(holdings["2024-10-10"], CohortAssumptions(aggregated_extra_age_months=0))
    assert np.average(bare["age"], weights=bare["par"]) < age_22 + 29 - 5


def test_note_rate_is_coupon_plus_program_spread(holdings):
    c = mbs_cohorts(holdings["2022-05-20"])
    spread = (c["wac"] - c["coupon"]).round(6)
    assert set(spread[c["program"] == "gnma1"]) == {0.5}
    assert set(spread[c["program"] == "umbs"]) == {0.65}
    flat = dict.fromkeys(("umbs", "fhlmc", "fnma", "gnma1", "gnma2", "other"), 0.5)
    c2 = mbs_cohorts(holdings["2022-05-20"], CohortAssumptions(wac_spread=flat))
    assert (c2["wac"] - c2["coupon"]).round(6).eq(0.5).all()


def test_burnout_exposure_uses_the_rate_history(holdings):
    hist = pd.Series(3.0, index=pd.period_range("2000-01", "2022-04", freq="M"))
    c = mbs_cohorts(holdings["2022-05-20"], rate_history=hist)
    # a cohort with WAC w and age a has seen min(a, months) months of w - 3 > 0
    row = c.loc[c["wac"] > 3.0].iloc[0]
    assert row["exposure"] == pytest.approx((row["wac"] - 3.0) * np.floor(row["age"]), rel=0.05)
    assert (mbs_cohorts(holdings["2022-05-20"])["exposure"] == 0).all()


def test_bad_inputs_raise_clear_errors(holdings):
    h = holdings["2022-05-20"]
    with pytest.raises(DataError, match="kind == 'mbs'"):
        mbs_cohorts(h.assign(kind="bill"))
    with pytest.raises(SpecError, match="other_term_months"):
        CohortAssumptions(other_term_months=100)
    with pytest.raises(DataError, match="WAC spread"):
        mbs_cohorts(h, CohortAssumptions(wac_spread={"umbs": 0.6}))
    assert cohort_start(pd.Timestamp("2022-05-11")) == pd.Period("2022-05", freq="M")
    assert cohort_start(pd.Timestamp("2022-05-25")) == pd.Period("2022-06", freq="M")


@pytest.mark.parametrize(
    ("as_of", "first"),
    [
        ("2017-10-04", "2017-10"),
        ("2022-04-20", "2022-04"),  # after the Ginnie dates, before the UMBS 25th
        ("2022-05-11", "2022-05"),
        ("2022-05-24", "2022-05"),
        ("2022-05-25", "2022-06"),
        ("2024-10-02", "2024-10"),
    ],
)
def test_one_payment_date_rule_for_cohorts_and_engine(as_of: str, first: str):
    from qtlab.engine import ConstantPaydownRate, project
    from qtlab.policy import load_preset
    from qtlab.portfolio.mbs_dates import PAYMENT_DAYS, POSTING_DAY, mbs_first_month

    assert POSTING_DAY == PAYMENT_DAYS["umbs"] == 25
    assert (PAYMENT_DAYS["gnma2"], PAYMENT_DAYS["gnma1"]) == (20, 15)
    ts = pd.Timestamp(as_of)
    assert mbs_first_month(ts) == cohort_start(ts) == pd.Period(first, freq="M")
    h = pd.DataFrame(
        {
            "kind": ["mbs"],
            "maturity": [pd.Timestamp("2050-01-01")],
            "par": [100.0],
            "inflation_comp": [0.0],
            "as_of": [ts],
        }
    )
    p = project(
        h, load_preset("qt2-realized"), "2024-11", 1, mbs_paydowns=ConstantPaydownRate(0.01)
    )
    assert p.months[0] == pd.Period(first, freq="M")  # the engine's first MBS month
