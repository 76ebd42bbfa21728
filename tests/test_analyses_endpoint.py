"""C3 on the runoff engine as of 2022-05-31: the engine's own stop on the real data."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.balance import LiabilityRules, find_endpoint, project_liabilities
from qtlab.engine import BalanceInputs, ConstantPaydownRate, project
from qtlab.policy import Endpoint, load_preset
from qtlab.present import policy_label
from qtlab.runs.endpoint import engine_stop
from qtlab.runs.inputs import load_inputs
from qtlab.runs.liabilities import DEFAULT_RULES, endpoint, stopped_path
from qtlab.store import Dataset

M = pd.Period


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return shared("2022-05-31")


@pytest.fixture(scope="module")
def inp(ds: Dataset):
    return load_inputs(ds, horizon=120)


def test_c3_reports_the_engines_end_month(ds, inp):
    rules = LiabilityRules(currency_growth=5.0)
    p = engine_stop(ds, inp, "qt2-announced", DEFAULT_RULES, horizon=120, liability_rules=rules)
    res, proj, _, _ = endpoint(ds, DEFAULT_RULES, inputs=inp)
    # 2025-05 with three fixes together: 2025-06 before them; qt1-fit paydowns (the
    # parameters known on 2022-05-31, not the later qt2-fit) alone gave 2025-08; TIPS
    # compensation along an inflation path (not 2022-05's 1.29% a month forever) alone gave
    # 2025-04; the MBS settlement lag (purchases settling two months after the principal)
    # keeps about 55 bn more assets in 2022 and moves it one month later
    assert res.end_month == p.endpoint_month() == M("2025-05", freq="M")
    assert str(res.rule) == "reserves_to_gdp=0.08"
    assert res.months_of_runoff == 36  # 2022-06 .. 2025-05
    assert res.terminal_reserves == pytest.approx(float(proj.loc[res.end_month, "reserves"]))
    f = p.frame
    assert f.loc[M("2025-05", freq="M"), "endpoint"] and f["endpoint"].sum() == 1
    after = f.loc[M("2025-06", freq="M") :]
    assert set(after["regime"]) == {"endpoint-reinvest"}
    assert (after["treasury_redemptions"] == 0).all() and (after["agency_runoff"] == 0).all()
    assert set(f.loc[: M("2025-05", freq="M"), "regime"]) <= {"qt2-phase-in", "qt2-full-pace"}
    # the engine's liabilities are balance's rules along the engine's own total assets
    ref = project_liabilities(f["total_assets"], inp.state, rules).iloc[1:]
    for c in ("reserves", "on_rrp", "tga", "currency_other"):
        np.testing.assert_allclose(f[c].to_numpy(), ref[c].to_numpy(), atol=1e-6, err_msg=c)
    # and the end month is the first month any rule is met along that path
    found = find_endpoint(
        f, DEFAULT_RULES, start="2022-06", reserves_history=inp.reserves, gdp=inp.gdp
    )
    assert found.end_month == res.end_month


def test_each_rule_alone_and_the_stopped_path(ds, inp):
    ends = {r: endpoint(ds, [r], inputs=inp)[0].end_month for r in DEFAULT_RULES}
    combined = endpoint(ds, DEFAULT_RULES, inputs=inp)[0].end_month
    assert combined == min(e for e in ends.values() if e is not None)
    # 2025-08 with qt1-fit paydowns, the TIPS inflation path and the MBS settlement lag
    # together (qt1-fit alone: 2025-11; the TIPS path alone: 2025-06; the lag alone: 2025-09)
    assert ends["reserves_peak_fraction=0.5"] == M("2025-08", freq="M")
    _, sp, lines = stopped_path(ds, horizon=120, inputs=inp)
    assert [a.key for a in lines].count("impact.assumption.stop_engine") == 1
    assert lines[-1].key == "impact.assumption.stop_engine"
    assert lines[-1].values["regime"] == "endpoint-reinvest"  # named by its label in words
    reinvest = policy_label("endpoint-reinvest", "en")
    assert reinvest in lines[-1].text("en") and "2025-06" in lines[-1].text("en")
    # runoff stopped: total assets no longer fall by the caps after the end month
    tail = sp.loc[M("2025-06", freq="M") :, "total_assets"].diff().dropna()
    assert tail.min() > -5.0


def test_real_portfolio_kernels_agree_with_an_endpoint(ds, inp):
    """Vectorized == reference on the real holdings, two scenarios stopping in different
    months (paydown rates 0 and 2% a month)."""
    pol = replace(load_preset("qt2-announced"), endpoint=Endpoint(("reserves_peak_fraction=0.15",)))

    class Two:
        def rates(self, months: pd.PeriodIndex) -> np.ndarray:
            return np.vstack([np.full(len(months), 0.0), np.full(len(months), 0.02)])

    h = ds.holdings()
    # other assets: H.4.1 total assets minus the engine's securities in the state month
    cf = project(h, load_preset("qt2-announced"), "2022-06", 1, mbs_paydowns=Two()).carry_forward
    last = cf.xs(0, level="scenario").iloc[-1]
    other = inp.state.total_assets - float(last["total_securities"] + last["tips_inflation_comp"])
    # reserves take every change (no ON RRP absorption) and stop 15% below their May level
    rules = LiabilityRules(rrp_rule="fixed_share", rrp_share=0.0)
    bal = BalanceInputs(inp.state, other, rules, peak_reserves=inp.state.reserves)
    kw = {"mbs_paydowns": Two(), "balance": bal}
    v = project(h, pol, "2022-06", 14, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-06", 14, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], rtol=1e-10, atol=1e-8, err_msg=c)
    e0, e1 = v.endpoint_month(0), v.endpoint_month(1)
    assert (e0, e1) == (M("2023-02", freq="M"), M("2022-11", freq="M"))
    assert [r.endpoint_month(s) for s in (0, 1)] == [e0, e1]
    # one path, the same stop through the constant-rate source
    one = project(h, pol, "2022-06", 14, mbs_paydowns=ConstantPaydownRate(0.02), balance=bal)
    assert one.endpoint_month() == e1


def test_c3_with_the_bank_assets_rule_stops_its_overlay_at_the_tables_end(ds):
    """C3's overlay follows the combined rules' endpoint of its own table: with a bank
    assets path given, the stop is not sought again without it (which raised)."""
    months = pd.period_range("2022-01", "2033-12", freq="M", name="month")
    banks = pd.Series(23000.0, index=months, name="bank_assets")
    r = get_analysis("C3").run(ds, rules=["reserves_to_bank_assets=0.12"], bank_assets=banks)
    table = r.table("c3_endpoints")
    assert list(table["rules"]) == ["reserves_to_bank_assets=0.12"] * 2
    assert table["end_month"].notna().all()
