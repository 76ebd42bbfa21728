"""Holdings operations on the real SOMA CUSIP files and on small worked examples."""

from __future__ import annotations

import pandas as pd
import pytest

from qtlab.errors import DataError, SpecError
from qtlab.portfolio import composition, maturity_buckets, maturity_ladder, wam_years
from qtlab.runs import RunContext


@pytest.fixture(scope="module")
def h2022() -> pd.DataFrame:
    return RunContext("2022-05-31").holdings()


def _toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["bill", "note_bond", "tips", "mbs"],
            "par": [10.0, 30.0, 20.0, 40.0],
            "inflation_comp": [0.0, 0.0, 2.0, 0.0],
            "maturity": pd.to_datetime(["2022-03-01", "2024-01-15", "2032-01-15", "2052-01-01"]),
        }
    )


def test_composition_matches_the_weekly_summary(h2022: pd.DataFrame):
    # SOURCES.md check: CUSIP sums equal the NY Fed summary for 2022-02-16 (Treasury)
    # and 2022-05-11 (MBS), USD bn.
    c = composition(h2022)
    assert c.loc["bill", "par"] == pytest.approx(326.044, abs=1e-6)
    assert c.loc["note_bond", "par"] == pytest.approx(4923.673452, abs=1e-6)
    assert c.loc["tips", "par"] == pytest.approx(385.089412, abs=1e-6)
    assert c.loc["tips", "inflation_comp"] == pytest.approx(74.659, abs=1e-3)
    assert c.loc["frn", "par"] == pytest.approx(29.152661, abs=1e-6)
    assert c.loc["mbs", "par"] == pytest.approx(2706.078, abs=1e-3)
    assert c["share"].sum() == pytest.approx(100.0)


def test_wam_worked_example():
    # days to maturity from 2022-02-15: bill 14, note 699, tips 3621
    wam = wam_years(_toy(), "2022-02-15")
    expected = (10 * 14 / 365.25 + 30 * 699 / 365.25 + 20 * 3621 / 365.25) / 60
    assert wam == pytest.approx(expected)
    assert wam_years(_toy(), "2022-03-02") == pytest.approx(
        (30 * 684 / 365.25 + 20 * 3606 / 365.25) / 50
    )
    with pytest.raises(DataError, match="no 'bill'"):
        wam_years(_toy(), "2030-01-01", kinds=("bill",))


def test_wam_real_portfolio_between_bills_and_bonds(h2022: pd.DataFrame):
    w = wam_years(h2022, "2022-02-16")
    t = h2022[h2022["kind"].isin(["bill", "note_bond", "tips", "frn"])]
    yrs = (t["maturity"] - pd.Timestamp("2022-02-16")).dt.days / 365.25
    assert w == pytest.approx(float((yrs * t["par"]).sum() / t["par"].sum()))
    assert 5 < w < 10


def test_buckets_partition_the_par(h2022: pd.DataFrame):
    b = maturity_buckets(h2022, "2022-02-16")
    treasury = h2022.loc[h2022["kind"].isin(["bill", "note_bond", "tips", "frn"]), "par"].sum()
    assert b["total"].sum() == pytest.approx(treasury)
    assert b.loc["0-1y", "bill"] == pytest.approx(326.044)
    assert b["share"].sum() == pytest.approx(100)
    with pytest.raises(SpecError, match="increasing"):
        maturity_buckets(h2022, "2022-02-16", edges=(0, 5, 2))


def test_ladder(h2022: pd.DataFrame):
    lad = maturity_ladder(h2022, "2022-02", 400)
    treasury = h2022.loc[h2022["kind"].isin(["bill", "note_bond", "tips", "frn"]), "par"].sum()
    assert lad["total"].sum() == pytest.approx(treasury)  # everything matures by 2055
    assert lad["bills"].sum() == pytest.approx(326.044)
    assert (lad["coupons"] == lad[["note_bond", "tips", "frn"]].sum(axis=1)).all()
    assert isinstance(lad.index, pd.PeriodIndex)
    toy = maturity_ladder(_toy(), "2022-03", 3)
    assert toy["bills"].tolist() == [10.0, 0.0, 0.0]
    with pytest.raises(SpecError, match="months=0"):
        maturity_ladder(_toy(), "2022-03", 0)
    with pytest.raises(DataError, match="lacks column 'maturity'"):
        maturity_ladder(_toy().drop(columns="maturity"), "2022-03", 3)
