"""C3 on the runoff engine: the policy's endpoint set to the C3 rules, the engine's stop.

The engine (:func:`qtlab.engine.project` with ``balance=``) projects the liabilities
month by month along its own assets and, where the first rule binds, switches to the
endpoint regime (full reinvestment, as at the end of QT1). This module assembles the
engine's liability inputs from the as-of data (:class:`~qtlab.analyses._impact_inputs.Inputs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from qtlab.analyses._impact_inputs import (
    Assumption,
    Inputs,
    engine_frame,
    load_inputs,
    rules_assumption,
)
from qtlab.analyses._runoff_data import run_projection
from qtlab.balance import EndpointResult, LiabilityRules, find_endpoint, parse_rule
from qtlab.engine import LIABILITY_COLUMNS, BalanceInputs, Projection
from qtlab.errors import SpecError
from qtlab.policy import Endpoint, EndpointCondition, load_preset
from qtlab.store.dataset import Dataset

__all__ = ["engine_endpoint", "engine_stop"]


def engine_stop(
    ds: Dataset,
    inp: Inputs,
    policy: str,
    rules: Sequence[str],
    *,
    horizon: int,
    liability_rules: LiabilityRules,
    bank_assets: pd.Series | None = None,
) -> Projection:
    """The runoff engine under ``policy`` with ``rules`` as its endpoint, from the month
    after the last H.4.1 month, with the liabilities of ``inp`` (the state, reserves
    history, GDP path) and ``liability_rules``. Other assets are held at their start
    level: H.4.1 total assets minus the engine's securities at the start (TIPS inflation
    compensation included), as in C2's engine path."""
    key = (ds.cache_key(), policy, tuple(rules), repr(liability_rules), inp.gdp_growth, horizon)
    # paths (bank assets, a TGA or ON RRP path) are not in the key: such runs are not cached
    cached = (
        bank_assets is None and liability_rules.tga is None and liability_rules.rrp_path is None
    )
    if cached and key in _STOP_CACHE:
        return _STOP_CACHE[key]
    start = inp.last_month + 1
    _, s0 = engine_frame(ds, policy, start, horizon)
    base = float(s0["total_securities"] + s0["tips_inflation_comp"])
    pol = replace(
        load_preset(policy), endpoint=Endpoint(tuple(EndpointCondition.parse(r) for r in rules))
    )
    bal = BalanceInputs(
        inp.state,
        inp.state.total_assets - base,
        liability_rules,
        gdp=inp.gdp,
        bank_assets=bank_assets,
        reserves_history=inp.reserves,
    )
    out = run_projection(ds, pol, start, horizon, mbs_paydowns="model", balance=bal)
    if cached:
        _STOP_CACHE[key] = out
    return out


_STOP_CACHE: dict[tuple[object, ...], Projection] = {}


def engine_endpoint(
    ds: Dataset,
    name: str,
    rules: Sequence[str],
    lrules: LiabilityRules,
    *,
    horizon: int,
    gdp_growth: float,
    bank_assets: pd.Series | None,
    inputs: Inputs | None,
) -> tuple[EndpointResult, pd.DataFrame, Inputs, tuple[Assumption, ...]]:
    """C3 on an engine policy: the engine's stop (:func:`engine_stop`) as an
    :class:`~qtlab.balance.EndpointResult` (each rule's own month and the thresholds
    measured on the engine's path), the path (state month first), the inputs and the
    assumptions."""
    if not 1 <= horizon <= 240:
        raise SpecError(f"horizon={horizon!r} months must be between 1 and 240")
    if not rules:
        raise SpecError("give at least one endpoint rule, e.g. reserves_peak_fraction=0.5")
    inp = inputs or load_inputs(ds, horizon=horizon, gdp_growth=gdp_growth)
    p = engine_stop(
        ds, inp, name, rules, horizon=horizon, liability_rules=lrules, bank_assets=bank_assets
    )
    st = inp.state
    first = pd.DataFrame(
        [[st.total_assets, st.reserves, st.on_rrp, st.tga, st.currency_other]],
        index=pd.PeriodIndex([st.month], freq="M", name="month"),
        columns=list(LIABILITY_COLUMNS),
    )
    proj = pd.concat([first, p.frame[list(LIABILITY_COLUMNS)]])
    proj.index.name = "month"
    proj.attrs["endpoint_regime"] = p.end_regime
    f0 = p.frame.iloc[0]
    other = float(f0["total_assets"] - f0["total_securities"] - f0["tips_inflation_comp"])
    desc = (
        Assumption("impact.asset_path.engine", {"policy": name, "other": other}),
        rules_assumption(lrules),
    )
    used = (inp.gdp_assumption, *inp.state_notes, *desc)
    text = tuple(a.text("en") for a in used)
    # each rule's own first month and the thresholds, on the engine's path
    runoff_start = max(p.start, p.policy.start)
    found = find_endpoint(
        proj.iloc[1:],
        rules,
        start=runoff_start,
        reserves_history=inp.reserves,
        gdp=inp.gdp,
        bank_assets=bank_assets,
        assumptions=text,
    )
    ep = p.endpoints().loc[0].to_dict()
    end = p.endpoint_month()
    if end is None:
        res = replace(
            found,
            rule=None,
            end_month=None,
            months_of_runoff=None,
            terminal_assets=None,
            terminal_reserves=None,
        )
        return res, proj, inp, used
    stop = Assumption(
        "impact.assumption.stop_engine",
        {
            "month": str(end),
            "next": str(end + 1),
            "rule": str(ep["rule"]),
            "rules": ", ".join(str(r) for r in rules),
            "regime": p.end_regime,
        },
    )
    used = (*used, stop)
    res = replace(
        found,
        rule=parse_rule(str(ep["rule"])),
        end_month=end,
        months_of_runoff=int(ep["months_of_runoff"]),
        terminal_assets=float(ep["terminal_assets"]),
        terminal_reserves=float(ep["terminal_reserves"]),
        assumptions=(*text, stop.text("en")),
    )
    return res, proj, inp, used
