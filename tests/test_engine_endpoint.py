"""The engine stops runoff at the policy's endpoint: known answers, both kernels, properties."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtlab import schema
from qtlab.balance import (
    EndpointRule,
    LiabilityRules,
    LiabilityState,
    find_endpoint,
    parse_rule,
    project_liabilities,
)
from qtlab.engine import BalanceInputs, PaydownPath, Projection, project
from qtlab.errors import SpecError
from qtlab.policy import (
    Endpoint,
    EndpointCondition,
    Policy,
    Regime,
    RegimeSource,
    default_endpoint_regime,
)
from test_engine import _assert_identities

SRC = RegimeSource("test regime", "2022-05-04", "https://www.federalreserve.gov/")
STATE = LiabilityState(pd.Period("2022-01", freq="M"), 1100.0, 500.0, 100.0, 100.0, 400.0)
FLAT = LiabilityRules(currency_growth=0.0)


def _mbs_only(par: float = 1000.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "as_of": pd.Timestamp("2022-01-10"),
            "kind": ["mbs"],
            "maturity": pd.to_datetime(["2050-01-01"]),
            "par": [par],
            "inflation_comp": [0.0],
        }
    )


def _runoff(rules: list[str] | None, **kw: object) -> Policy:
    reg = Regime("run", "2022-02", math.inf, math.inf, SRC)
    ep = None if rules is None else Endpoint(tuple(rules), **kw)  # type: ignore[arg-type]
    return Policy("p", (reg,), endpoint=ep)


def _pay(monthly: float) -> PaydownPath:
    months = pd.period_range("2022-01", "2027-12", freq="M")
    return PaydownPath(pd.Series(monthly, index=months))


def _run(policy: Policy, months: int = 60, method: str = "vectorized", **kw: object) -> Projection:
    bal = BalanceInputs(STATE, other_assets=100.0, rules=FLAT, **kw)  # type: ignore[arg-type]
    return project(
        _mbs_only(),
        policy,
        "2022-02",
        months,
        mbs_paydowns=_pay(10.0),
        balance=bal,
        method=method,  # type: ignore[arg-type]
    )


def test_every_glossary_rule_default_is_valid_in_policy_and_balance():
    # one table (qtlab.schema) names the rules for both packages; each name given alone
    # takes its usual value in a policy's endpoint and in C3's rules alike
    assert set(schema.ENDPOINT_RULE_DEFAULTS) == set(schema.ENDPOINT_RULE_NAMES)
    for name, value in schema.ENDPOINT_RULE_DEFAULTS.items():
        assert EndpointCondition.parse(name) == EndpointCondition(name, value)
        assert parse_rule(name) == EndpointRule(name, value)  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="valid rules are"):
        EndpointCondition.parse("reserves_to_gnp")


def test_reserves_peak_fraction_stops_runoff_at_the_known_month():
    # assets fall 10 a month from 1100; ON RRP (100) absorbs the first 10 months, then
    # reserves fall from 500 and reach half their peak (250) 35 months after 2022-01
    p = _run(_runoff(["reserves_peak_fraction=0.5"]))
    f = p.frame
    assert p.endpoint_month() == pd.Period("2024-12", freq="M")
    assert f["endpoint"].sum() == 1 and bool(f.loc[pd.Period("2024-12", freq="M"), "endpoint"])
    row = p.endpoints().loc[0]
    assert row["rule"] == "reserves_peak_fraction=0.5"
    assert row["months_of_runoff"] == 35
    assert row["terminal_assets"] == pytest.approx(750.0)
    assert row["terminal_reserves"] == pytest.approx(250.0)
    assert f.loc[pd.Period("2022-11", freq="M"), "on_rrp"] == pytest.approx(0.0)
    # from the month after: the endpoint regime, full reinvestment, assets flat
    after = f.loc[pd.Period("2025-01", freq="M") :]
    assert set(after["regime"]) == {"endpoint-reinvest"}
    assert set(f.loc[: pd.Period("2024-12", freq="M"), "regime"]) == {"run"}
    np.testing.assert_allclose(after["total_assets"], 750.0)
    np.testing.assert_allclose(after["reserves"], 250.0)
    np.testing.assert_allclose(after["agency_to_treasuries"], 10.0)  # QT1's end: into Treasuries
    np.testing.assert_allclose(after["treasury_cap"], 0.0)


def test_the_stop_equals_the_policy_stopped_at_the_end_month():
    pol = _runoff(["reserves_peak_fraction=0.5"])
    p = _run(pol)
    q = project(_mbs_only(), pol.stopped_at("2024-12"), "2022-02", 60, mbs_paydowns=_pay(10.0))
    for c in q.arrays:
        if c != "endpoint":  # the flag marks where the endpoint bound
            np.testing.assert_allclose(p.arrays[c], q.arrays[c], atol=1e-9, err_msg=c)
    assert list(p.frame["regime"]) == list(q.frame["regime"])


def test_gdp_rule_and_the_first_to_bind():
    gdp = pd.Series(5000.0, index=pd.period_range("2021-01", "2030-12", freq="M"))
    # assets <= 0.2 x 5000 = 1000 after 10 months of 10 a month (2022-11)
    rules = ["reserves_peak_fraction=0.5", "assets_to_gdp=0.2"]
    p = _run(_runoff(rules), gdp=gdp)
    assert p.endpoint_month() == pd.Period("2022-11", freq="M")
    assert p.endpoints().loc[0, "rule"] == "assets_to_gdp=0.2"
    assert p.endpoints().loc[0, "months_of_runoff"] == 10


def test_engine_liabilities_are_the_balance_rules_along_its_assets():
    rules = LiabilityRules(rrp_rule="fixed_share", rrp_share=0.3, currency_growth=4.0, tga=150.0)
    pol = _runoff(["reserves_peak_fraction=0.4"])
    bal = BalanceInputs(STATE, other_assets=100.0, rules=rules)
    p = project(_mbs_only(), pol, "2022-02", 60, mbs_paydowns=_pay(10.0), balance=bal)
    f = p.frame
    ref = project_liabilities(f["total_assets"], STATE, rules).iloc[1:]
    for c in ("reserves", "on_rrp", "tga", "currency_other"):
        np.testing.assert_allclose(f[c].to_numpy(), ref[c].to_numpy(), atol=1e-9, err_msg=c)
    # and the end month is find_endpoint's on the same path
    res = find_endpoint(
        f,
        ["reserves_peak_fraction=0.4"],
        reserves_history=pd.Series([500.0], index=pd.PeriodIndex(["2022-01"], freq="M")),
    )
    assert res.end_month == p.endpoint_month()


class _Rates:
    """Paydown rates per scenario, shape (S, n_months) [fraction of the balance]."""

    def __init__(self, monthly: list[float]) -> None:
        self.monthly = monthly

    def rates(self, months: pd.PeriodIndex) -> np.ndarray:
        return np.array([[a] * len(months) for a in self.monthly])


class _Scenarios:
    """Paydown amounts per scenario, shape (S, n_months) [USD bn]."""

    def __init__(self, monthly: list[float]) -> None:
        self.monthly = monthly

    def amounts(self, months: pd.PeriodIndex) -> np.ndarray:
        return np.array([[a] * len(months) for a in self.monthly])


def test_end_month_per_scenario_and_kernels_agree():
    pol = _runoff(["reserves_peak_fraction=0.5"])
    bal = BalanceInputs(STATE, other_assets=100.0, rules=FLAT)
    kw = {"mbs_paydowns": _Scenarios([10.0, 5.0, 1.0]), "balance": bal}
    v = project(_mbs_only(), pol, "2022-02", 80, **kw)  # type: ignore[arg-type]
    r = project(_mbs_only(), pol, "2022-02", 80, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], atol=1e-9, err_msg=c)
    # 10 a month: 35 months; 5 a month: 70 months (2027-11); 1 a month: not within 80
    assert [v.endpoint_month(s) for s in range(3)] == [
        pd.Period("2024-12", freq="M"),
        pd.Period("2027-11", freq="M"),
        None,
    ]
    assert list(v.end_index) == list(r.end_index)
    regs = v.frame.xs(1, level="scenario")["regime"]
    assert regs.loc[pd.Period("2027-12", freq="M")] == "endpoint-reinvest"
    assert regs.loc[pd.Period("2027-11", freq="M")] == "run"


def test_without_an_endpoint_the_balance_only_adds_liabilities():
    p = _run(_runoff(None))
    assert p.endpoint_month() is None and not p.frame["endpoint"].any()
    assert p.frame["reserves"].iloc[-1] == pytest.approx(500.0 - 10 * 50)


def test_errors_name_what_is_missing():
    with pytest.raises(SpecError, match="balance=BalanceInputs"):
        project(
            _mbs_only(), _runoff(["reserves_peak_fraction"]), "2022-02", 12, mbs_paydowns=_pay(10.0)
        )
    with pytest.raises(SpecError, match="nominal GDP"):
        _run(_runoff(["reserves_to_gdp=0.08"]))
    with pytest.raises(SpecError, match=r"H\.8"):
        _run(_runoff(["reserves_to_bank_assets=0.12"]))
    late = replace(STATE, month=pd.Period("2031-01", freq="M"))
    with pytest.raises(SpecError, match="liability state month 2031-01"):
        project(
            _mbs_only(),
            _runoff(None),
            "2022-02",
            12,
            mbs_paydowns=_pay(10.0),
            balance=BalanceInputs(late, 100.0),
        )


def test_endpoint_spec_yaml_round_trip_and_errors():
    text = """
name: p
regimes:
  - {name: run, start: "2022-02", treasury_cap: 60, agency_cap: 35,
     source: {title: t, date: "2022-05-04", url: "https://www.federalreserve.gov/"}}
endpoint:
  rules:
    - reserves_peak_fraction: 0.5
    - assets_to_gdp=0.2
  then:
    name: reinvest-bills
    mbs_excess_to: bills
    source: {title: t, date: "2025-10-29", url: "https://www.federalreserve.gov/"}
"""
    p = Policy.from_yaml_text(text)
    assert p.endpoint is not None
    assert [str(r) for r in p.endpoint.rules] == ["reserves_peak_fraction=0.5", "assets_to_gdp=0.2"]
    assert p.endpoint.regime.mbs_excess_to == "bills" and p.endpoint.regime.treasury_cap == 0
    assert Policy.from_dict(p.to_dict()) == p
    assert "Endpoint([reserves_peak_fraction=0.5" in repr(p)
    bad = [
        (text.replace("reserves_peak_fraction: 0.5", "reserves_peak: 0.5"), "reserves_peak"),
        (text.replace("reserves_peak_fraction: 0.5", "reserves_peak_fraction: 1.5"), "1.5"),
        (text.replace("    name: reinvest-bills", "    start: '2025-01'"), "'start'"),
        (text.replace("  rules:\n", "  rule:\n"), "'rule'"),
    ]
    for t, match in bad:
        with pytest.raises(SpecError, match=match):
            Policy.from_yaml_text(t)
    one = Endpoint("reserves_peak_fraction=0.5")  # type: ignore[arg-type]
    assert [str(r) for r in one.rules] == ["reserves_peak_fraction=0.5"]
    with pytest.raises(SpecError, match=r"valid rules are .*reserves_peak_fraction"):
        Policy.from_yaml_text(text.replace("assets_to_gdp=0.2", "assets_gdp=0.2"), file="x.yaml")
    with pytest.raises(SpecError, match="repeat"):
        Endpoint(("reserves_peak_fraction=0.5", "reserves_peak_fraction=0.4"))
    with pytest.raises(SpecError, match="phase_in"):
        ph = {
            "every_months": 3,
            "treasury_start": 0,
            "treasury_step": 0,
            "agency_start": 0,
            "agency_step": 0,
        }
        Endpoint(
            ("assets_to_gdp",),
            Regime.from_dict({**default_endpoint_regime().to_dict(), "phase_in": ph}),
        )
    with pytest.raises(AttributeError):
        p.endpoint.rules = ()  # type: ignore[misc]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rates=st.lists(st.floats(min_value=0.0, max_value=0.08), min_size=1, max_size=3),
    fraction=st.floats(min_value=0.05, max_value=0.6),
    share=st.floats(min_value=0.05, max_value=0.3),
    rrp_rule=st.sampled_from(["absorb_first", "fixed_share"]),
    tcap=st.sampled_from([math.inf, 20.0, 0.0]),
)
def test_property_kernels_agree_and_the_stop_is_the_first_binding_month(
    rates: list[float], fraction: float, share: float, rrp_rule: str, tcap: float
):
    h = pd.concat(
        [
            _mbs_only(600.0),
            pd.DataFrame(
                {
                    "as_of": pd.Timestamp("2022-01-10"),
                    "kind": ["note_bond", "note_bond", "bill"],
                    "maturity": pd.to_datetime(["2022-06-30", "2023-03-15", "2022-04-07"]),
                    "par": [200.0, 150.0, 150.0],
                    "inflation_comp": [0.0, 0.0, 0.0],
                }
            ),
        ],
        ignore_index=True,
    )
    gdp = pd.Series(6000.0, index=pd.period_range("2021-01", "2026-12", freq="M"))
    pol = Policy(
        "p",
        (Regime("run", "2022-02", tcap, math.inf, SRC),),
        endpoint=Endpoint((f"reserves_peak_fraction={fraction}", f"assets_to_gdp={share}")),
    )
    rules = LiabilityRules(rrp_rule=rrp_rule, rrp_share=0.5)  # type: ignore[arg-type]
    bal = BalanceInputs(STATE, other_assets=100.0, rules=rules, gdp=gdp)
    kw = {"mbs_paydowns": _Rates(rates), "balance": bal}
    v = project(h, pol, "2022-02", 47, **kw)  # type: ignore[arg-type]
    r = project(h, pol, "2022-02", 47, method="reference", **kw)  # type: ignore[arg-type]
    for c in v.arrays:
        np.testing.assert_allclose(v.arrays[c], r.arrays[c], atol=1e-8, err_msg=c)
    assert list(v.end_index) == list(r.end_index)
    _assert_identities(v)  # par conserved, and the endpoint regime's caps (0) are kept
    for s in range(v.n_scenarios):
        f = v.scenario(s)
        # the identity holds every month
        np.testing.assert_allclose(
            f["total_assets"], f["reserves"] + f["on_rrp"] + f["tga"] + f["currency_other"]
        )
        # the stop is find_endpoint's first binding month on the path up to it
        res = find_endpoint(
            f,
            list(str(c) for c in pol.endpoint.rules),
            gdp=gdp,  # type: ignore[union-attr]
            peak_reserves=None,
            reserves_history=pd.Series(
                [STATE.reserves], index=pd.PeriodIndex(["2022-01"], freq="M")
            ),
        )
        assert res.end_month == v.endpoint_month(s)
        if res.end_month is not None:
            assert str(res.rule) == v.endpoints().loc[s, "rule"]
