"""C3 on the runoff engine: the policy's endpoint set to the C3 rules, the engine's stop.

The engine (:func:`qtlab.engine.project` with ``balance=``) projects the liabilities
month by month along its own assets and, where the first rule binds, switches to the
endpoint regime (full reinvestment, as at the end of QT1). This module assembles the
engine's liability inputs from the as-of data (:class:`~qtlab.runs.inputs.ImpactInputs`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.balance import (
    DEFAULT_GDP_GROWTH,
    EndpointResult,
    LiabilityRules,
    find_endpoint,
    parse_rule,
)
from qtlab.engine import (
    DESK_MBS_LAG,
    LIABILITY_COLUMNS,
    BalanceInputs,
    InflationAssumption,
    IssuanceMix,
    MbsSettlement,
    Projection,
)
from qtlab.errors import SpecError
from qtlab.policy import Endpoint, EndpointCondition, Policy, load_preset
from qtlab.runs.baseline import BASELINE_GDP_GROWTH, liabilities_reference
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import (
    Assumption,
    ImpactInputs,
    balance_from_h41,
    default_asset_path,
    engine_frame,
    load_inputs,
    rules_assumption,
)
from qtlab.runs.runoff import run_projection

__all__ = ["engine_endpoint", "engine_stop", "project_with_endpoint"]


def engine_stop(
    ctx: RunContext,
    inp: ImpactInputs,
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
    # paths (bank assets, a TGA or ON RRP path) are not hashable: such runs are not kept
    kept = bank_assets is None and liability_rules.tga is None and liability_rules.rrp_path is None

    def compute() -> Projection:
        start = inp.last_month + 1
        _, s0 = engine_frame(ctx, policy, start, horizon)
        base = float(s0["total_securities"] + s0["tips_inflation_comp"])
        conds = tuple(EndpointCondition.parse(r) for r in rules)
        pol = replace(load_preset(policy).known_at(ctx.as_of), endpoint=Endpoint(conds))
        bal = balance_from_h41(inp, base, liability_rules, bank_assets=bank_assets)
        # after the stop the Fed holds reserves as in December 2025, not a flat balance sheet
        bal = replace(bal, hold_after_stop=True)
        return run_projection(ctx, pol, start, horizon, mbs_paydowns="model", balance=bal)

    if not kept:
        return compute()
    key = _StopKey(
        policy, tuple(rules), _rules_key(liability_rules), inp.as_of, inp.gdp_growth, horizon
    )
    return ctx.memo(key, compute)


def _rules_key(r: LiabilityRules) -> Hashable:
    """Liability rules without a TGA or ON RRP path as a hashable value, by content (the
    currency + other block's path, where given, month by month)."""
    other = r.currency_other
    path = None if other is None else tuple(zip(map(str, other.index), other.tolist(), strict=True))
    tga = r.tga if not isinstance(r.tga, pd.Series) else None  # a path is never kept
    return (r.rrp_rule, r.rrp_floor, r.rrp_share, r.currency_growth, tga, path)


@dataclass(frozen=True)
class _StopKey:
    """The key of :func:`engine_stop`'s run in a :class:`RunContext`."""

    policy: str
    rules: tuple[str, ...]
    liability_rules: Hashable
    as_of: date | None
    gdp_growth: float
    horizon: int


def engine_endpoint(
    ctx: RunContext,
    name: str,
    rules: Sequence[str],
    lrules: LiabilityRules,
    *,
    horizon: int,
    gdp_growth: float,
    bank_assets: pd.Series | None,
    inputs: ImpactInputs | None,
) -> tuple[EndpointResult, pd.DataFrame, ImpactInputs, tuple[Assumption, ...]]:
    """C3 on an engine policy: the engine's stop (:func:`engine_stop`) as an
    :class:`~qtlab.balance.EndpointResult` (each rule's own month and the thresholds
    measured on the engine's path), the path (state month first), the inputs and the
    assumptions."""
    if not 1 <= horizon <= 240:
        raise SpecError(f"horizon={horizon!r} months must be between 1 and 240")
    if not rules:
        raise SpecError("give at least one endpoint rule, e.g. reserves_peak_fraction=0.5")
    inp = inputs or load_inputs(ctx, horizon=horizon, gdp_growth=gdp_growth)
    p = engine_stop(
        ctx, inp, name, rules, horizon=horizon, liability_rules=lrules, bank_assets=bank_assets
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
    text = tuple(a.text("en") for a in used)  # the result's English lines: in full
    if name == default_asset_path(ctx.as_of):
        # the baseline's plan (runoff under way at the vantage): its asset path, liabilities
        # and GDP growth are stated once at the top; refer to them unless varied
        gdp = () if gdp_growth == BASELINE_GDP_GROWTH else (inp.gdp_assumption,)
        used = (
            *gdp,
            *inp.state_notes,
            Assumption("impact.asset_path.baseline"),
            liabilities_reference(lrules, ctx),
        )
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


def project_with_endpoint(
    ctx: RunContext,
    policy: Policy,
    start: MonthLike,
    months: int,
    rules: Sequence[str] = (),
    *,
    mbs_paydowns: str = "realized",
    mortgage_rate: str = "flat",
    shock_bp: float = 0.0,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    liability_rules: LiabilityRules | None = None,
    issuance_mix: IssuanceMix | None = None,
    inflation: InflationAssumption | None = None,
    settlement: MbsSettlement | None = None,
) -> tuple[Projection, tuple[str, ...]]:
    """:func:`~qtlab.runs.runoff.run_projection` (``qtlab project``) with the
    endpoint tested by the engine: runoff stops in the month the first rule binds and the
    endpoint regime (the policy's, default full reinvestment) is in force after it.

    ``rules`` (``"NAME=VALUE"`` or ``"NAME"``, C3's) replace the policy's endpoint rules;
    without them the policy's own endpoint is used, and a policy without one is projected
    as is (no liabilities, no assumptions). The liabilities start from the last complete
    month of H.4.1 data visible in ``ctx`` and follow ``liability_rules`` (default C2's
    ``rrp_first``: ON RRP absorbs the decline first, TGA flat, currency growing);
    other assets are held at that month's total assets minus the securities projected
    for it [USD bn]. ``issuance_mix``: the engine's (default its packaged mix);
    ``inflation``: the TIPS inflation assumption (default the trailing twelve months fading
    to 2%); ``settlement``: when MBS reinvestment settles (default the Desk's lag). Returns
    the projection and the assumptions used (in English).
    """
    if rules:
        conds = tuple(EndpointCondition.parse(r) for r in rules)
        regime = policy.endpoint.regime if policy.endpoint is not None else None
        ep = Endpoint(conds) if regime is None else Endpoint(conds, regime)
        policy = replace(policy, endpoint=ep)

    def run(pol: Policy, n: int, balance: BalanceInputs | None = None) -> Projection:
        return run_projection(
            ctx,
            pol,
            start,
            n,
            mbs_paydowns=mbs_paydowns,
            mortgage_rate=mortgage_rate,
            shock_bp=shock_bp,
            balance=balance,
            issuance_mix=issuance_mix,
            inflation=inflation,
            mbs_lag=DESK_MBS_LAG if settlement is None else settlement.lag,
        )

    if policy.endpoint is None:
        return run(policy, months), ()
    if any(c.name == "reserves_to_bank_assets" for c in policy.endpoint.rules):
        raise SpecError(
            "endpoint rule reserves_to_bank_assets needs commercial-bank total assets "
            "(Federal Reserve H.8), which qtlab's data do not include; "
            "qtlab.runs.liabilities.endpoint(bank_assets=) takes them as a path"
        )
    s = to_month(start, field="start")
    lrules = liability_rules or LiabilityRules()
    seen = pd.Period(ctx.as_of or pd.Timestamp.today(), freq="M")
    inp = load_inputs(ctx, horizon=months + max(0, (s - seen).n) + 2, gdp_growth=gdp_growth)
    st = inp.state
    # the securities projected for the state month, on the H.4.1 basis
    bare = run(replace(policy, endpoint=None), 1)
    if st.month in bare.months:
        k = bare.months.get_loc(st.month)
        held = {c: float(bare.arrays[c][0, k]) for c in ("total_securities", "tips_inflation_comp")}
    elif st.month == bare.months[0] - 1:
        held = bare.initial
    else:
        raise SpecError(
            f"the liabilities start from {st.month}, the last complete month of H.4.1 data "
            f"visible on {ctx.as_of or 'the latest date'}, but the holdings are projected from "
            f"{bare.months[0]}: pick the Dataset's as_of= or start= so they meet"
        )
    bal = balance_from_h41(inp, held["total_securities"] + held["tips_inflation_comp"], lrules)
    bal = replace(bal, hold_after_stop=True)  # reserve management after the stop
    other = bal.other_assets
    p = run(policy, months, bal)
    used = (
        *(a.text("en") for a in (inp.gdp_assumption, *inp.state_notes)),
        f"liabilities projected from {st.month} (the last complete month of H.4.1 data) "
        f"along the engine's total assets; other assets (total assets minus securities) "
        f"held at their {st.month} level ({other:,.0f} bn).",
        rules_assumption(lrules).text("en"),
    )
    return p, used
