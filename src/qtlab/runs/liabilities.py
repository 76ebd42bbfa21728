"""The liability side projected along an asset path, and where runoff has to stop (C2, C3).

Recipes over a :class:`~qtlab.runs.RunContext` that the analyses C2, C3 and D1-D3, the
CLI (``qtlab endpoint``, ``qtlab fit-yield``) and the forecasts of E1 share:

- :func:`liability_projection`: reserves, ON RRP, TGA and currency [USD bn] month by month
  along an asset path under one ON RRP scenario of :data:`SCENARIOS`;
- :func:`endpoint`: the month the first of a set of C3 rules binds;
- :func:`stopped_path`: the projection with runoff stopped there.

The asset path is by default the baseline's (:func:`~qtlab.runs.baseline.baseline`): the
runoff engine under the plan in force before QT2 ended (total securities; other assets
held at their start level), F1's default run after (the regime in force with
reserve-management purchases holding reserves at their target).
``asset_path_name`` picks any engine policy preset or a simple path (``caps``: the QT2
caps in full; ``renewed``: the same caps resumed from their start after the vantage;
``hold``); ``assets=`` or ``securities=`` (monthly Series [USD bn]) give a
path directly. On an engine policy the rules are the policy's endpoint
(:func:`~qtlab.runs.endpoint.engine_stop`): the engine projects the liabilities month by
month and stops runoff where the first rule binds (the end of QT1's regime after). On the
other paths the rules are found on the given path and, for :func:`stopped_path`, total
assets are held flat after the end month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from qtlab._periods import period_index, require_monthly, value_at
from qtlab.balance import (
    DEFAULT_CURRENCY_GROWTH,
    DEFAULT_GDP_GROWTH,
    EndpointResult,
    LiabilityRules,
    assets_from_securities,
    find_endpoint,
    project_liabilities,
)
from qtlab.errors import SpecError, one_of
from qtlab.policy import PRESET_NAMES
from qtlab.runs.baseline import (
    BASELINE_GDP_GROWTH,
    baseline,
    baseline_liabilities,
    liabilities_reference,
)
from qtlab.runs.context import RunContext
from qtlab.runs.endpoint import engine_endpoint
from qtlab.runs.inputs import (
    ASSET_PATHS,
    Assumption,
    ImpactInputs,
    asset_path,
    asset_path_names,
    default_asset_path,
    engine_securities,
    load_inputs,
    rules_assumption,
)
from qtlab.runs.liabilities_fitted import FITTED, fitted_rules

__all__ = [
    "DEFAULT_RULES",
    "SCENARIOS",
    "endpoint",
    "liability_projection",
    "scenario_rules",
    "stop_at",
    "stopped_path",
]

#: C2 scenarios for the ON RRP / reserves split: name -> rule options.
SCENARIOS: Final[Mapping[str, Mapping[str, Any]]] = {
    "rrp_first": {"rrp_rule": "absorb_first", "rrp_floor": 0.0},
    "rrp_floor_500": {"rrp_rule": "absorb_first", "rrp_floor": 500.0},
    "half_share": {"rrp_rule": "fixed_share", "rrp_share": 0.5},
}
#: The catalogue key of the baseline asset path (a reference to the report's top).
_BASELINE_PATH: Final = "impact.asset_path.baseline"
#: C3's default rules: the first to bind ends runoff.
DEFAULT_RULES: Final = ("reserves_peak_fraction=0.5", "assets_to_gdp=0.2", "reserves_to_gdp=0.08")


def scenario_rules(
    ctx: RunContext,
    scenario: str,
    *,
    currency_growth: float = DEFAULT_CURRENCY_GROWTH,
    tga: float | None = None,
) -> LiabilityRules:
    """The liability rules of a C2 scenario: the baseline's
    (:func:`~qtlab.runs.baseline.baseline_liabilities`) for ``"rrp_first"`` with the default
    currency growth and TGA, else the simple rules the scenario names (ON RRP rule and
    floor or share; ``currency_growth`` [% a year]; ``tga`` [USD bn], ``None``: flat)."""
    if scenario not in SCENARIOS:
        raise SpecError(f"unknown scenario {scenario!r}; valid: {one_of(SCENARIOS)}")
    if scenario == "rrp_first" and currency_growth == DEFAULT_CURRENCY_GROWTH and tga is None:
        return baseline_liabilities(ctx).rules
    return LiabilityRules(currency_growth=currency_growth, tga=tga, **SCENARIOS[scenario])


def liability_projection(
    ctx: RunContext,
    *,
    horizon: int = 60,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    scenario: str = "rrp_first",
    currency_growth: float = DEFAULT_CURRENCY_GROWTH,
    tga: float | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    inputs: ImpactInputs | None = None,
    securities: pd.Series | None = None,
) -> tuple[ImpactInputs, pd.DataFrame, tuple[Assumption, Assumption]]:
    """The inputs, the projected balance sheet and its assumptions (asset path, liabilities).

    The asset path is, in order of precedence: ``assets`` (total assets [USD bn]),
    ``securities`` (total securities held [USD bn], e.g. a runoff projection's
    ``total_securities``, starting at or after the last H.4.1 month; other assets
    are held at their start level), the named path ``asset_path_name``, or the
    baseline's (:func:`~qtlab.runs.baseline.baseline`).

    ``scenario``: one of :data:`SCENARIOS` (simple rules) or ``"fitted"``
    (:mod:`qtlab.runs.liabilities_fitted`: the liability model the baseline carries, ON
    RRP by the TGA-bills rule; ``currency_growth`` does not apply to it, ``tga`` holds its
    TGA flat at that level).

    The projection starts the month after the last complete month of H.4.1 data.
    ``inputs`` (from an earlier call, same horizon) saves reading the data again.
    """
    if scenario not in SCENARIOS and scenario != FITTED:
        raise SpecError(f"unknown scenario {scenario!r}; valid: {one_of([*SCENARIOS, FITTED])}")
    if not 1 <= horizon <= 240:
        raise SpecError(f"horizon={horizon!r} months must be between 1 and 240")
    inp = inputs or load_inputs(ctx, horizon=horizon, gdp_growth=gdp_growth)
    through = inp.last_month + horizon
    if assets is not None:
        path = require_monthly(assets, "assets")
        path = path[path.index > inp.last_month].loc[:through]
        desc = Assumption("impact.asset_path.given")
    elif securities is not None:
        sec = require_monthly(securities, "securities")
        base = value_at(inp.securities, inp.last_month)
        path = assets_from_securities(sec, inp.state.total_assets, base)
        path = path[path.index > inp.last_month].loc[:through]
        desc = Assumption("impact.asset_path.securities", {"other": inp.state.total_assets - base})
    elif (
        asset_path_name is None
        and default_asset_path(ctx.as_of) == "hold"
        and baseline(ctx).runoff_over
    ):
        path = baseline(ctx).assets(through)
        path = path[path.index > inp.last_month]
        desc = Assumption(_BASELINE_PATH)
    else:
        name = asset_path_name or default_asset_path(ctx.as_of)
        if name in ASSET_PATHS:
            path = asset_path(name, inp.state, through)
            values = {"start": str(inp.last_month + 1)} if name == "renewed" else {}
            desc = Assumption(f"impact.asset_path.{name}", values)
        elif name in asset_path_names():
            sec, base = engine_securities(ctx, name, inp.last_month + 1, horizon)
            path = assets_from_securities(sec, inp.state.total_assets, base)
            desc = Assumption(
                "impact.asset_path.engine",
                {"policy": name, "other": inp.state.total_assets - base},
            )
        else:
            raise SpecError(
                f"unknown asset path or policy {name!r}; valid: {one_of(asset_path_names())}"
            )
    if scenario == FITTED:  # the liability model the baseline carries, stated at the top
        rules, said = fitted_rules(ctx, inp, path, tga=tga)
        return inp, project_liabilities(path, inp.state, rules), (desc, said)
    rules = scenario_rules(ctx, scenario, currency_growth=currency_growth, tga=tga)
    proj = project_liabilities(path, inp.state, rules)
    if desc.key == _BASELINE_PATH or (
        assets is None and securities is None and asset_path_name is None
    ):
        # the baseline's asset path (F1's run, or the engine under the plan in force before
        # runoff ended): its rules are stated once at the top; refer to them unless varied
        return inp, proj, (desc, liabilities_reference(rules, ctx))
    return inp, proj, (desc, rules_assumption(rules))


def endpoint(
    ctx: RunContext,
    rules: Sequence[str] = DEFAULT_RULES,
    *,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    scenario: str = "rrp_first",
    horizon: int = 120,
    currency_growth: float = DEFAULT_CURRENCY_GROWTH,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    bank_assets: pd.Series | None = None,
    inputs: ImpactInputs | None = None,
) -> tuple[EndpointResult, pd.DataFrame, ImpactInputs, tuple[Assumption, ...]]:
    """C3 for one set of rules (the first to bind ends runoff): the result, the
    projected path, the inputs and the assumptions (``result.assumptions`` has them
    in English, the GDP growth assumption first).

    On an engine policy (the default before QT2 ended) the end month is the engine's
    (:func:`~qtlab.runs.endpoint.engine_stop`) and the path returned is the engine's,
    runoff stopped there; ``proj.attrs["endpoint_regime"]`` names the regime in force after it.
    """
    name = asset_path_name or default_asset_path(ctx.as_of)
    if assets is None and name in PRESET_NAMES:
        if scenario not in SCENARIOS:
            raise SpecError(f"unknown scenario {scenario!r}; valid: {one_of(SCENARIOS)}")
        return engine_endpoint(
            ctx,
            name,
            rules,
            scenario_rules(ctx, scenario, currency_growth=currency_growth),
            horizon=horizon,
            gdp_growth=gdp_growth,
            bank_assets=bank_assets,
            inputs=inputs,
        )
    inp, proj, desc = liability_projection(
        ctx,
        horizon=horizon,
        assets=assets,
        asset_path_name=asset_path_name,
        scenario=scenario,
        currency_growth=currency_growth,
        gdp_growth=gdp_growth,
        inputs=inputs,
    )
    body = proj.iloc[1:]
    falling = body.index[
        body["total_assets"].diff().fillna(body["total_assets"].iloc[0] - inp.state.total_assets)
        < 0
    ]
    used: tuple[Assumption, ...] = (inp.gdp_assumption, *inp.state_notes, *desc)
    full = used  # the result's English lines: every assumption in full
    if desc[0].key == _BASELINE_PATH:
        full = (*baseline(ctx).assumptions, *inp.state_notes)
        if gdp_growth == BASELINE_GDP_GROWTH:  # the baseline's, stated at the top
            used = (*inp.state_notes, *desc)
        if desc[1].key != "baseline.ref.liabilities":
            full = (*full, desc[1])
    if len(falling) == 0:
        # no runoff to end; still check the rules and their inputs
        find_endpoint(
            body, rules, reserves_history=inp.reserves, gdp=inp.gdp, bank_assets=bank_assets
        )
        used = (*used, Assumption("impact.assumption.no_runoff"))
        full = (*full, Assumption("impact.assumption.no_runoff"))
        res = EndpointResult(
            None,
            None,
            None,
            None,
            None,
            {str(r): None for r in rules},
            pd.DataFrame(),
            tuple(a.text("en") for a in full),
        )
        return res, proj, inp, used
    res = find_endpoint(
        body,
        rules,
        start=falling[0],
        reserves_history=inp.reserves,
        gdp=inp.gdp,
        bank_assets=bank_assets,
        assumptions=tuple(a.text("en") for a in full),
    )
    return res, proj, inp, used


def stopped_path(
    ctx: RunContext,
    *,
    horizon: int,
    stop_rules: Sequence[str] = DEFAULT_RULES,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    inputs: ImpactInputs | None = None,
) -> tuple[ImpactInputs, pd.DataFrame, list[Assumption]]:
    """The C2 projection (default scenario) with runoff stopped where the first of
    ``stop_rules`` binds: on an engine policy the engine's own stop (its endpoint
    regime after, :func:`~qtlab.runs.endpoint.engine_stop`); on other paths total assets
    are held flat from the month after the end.

    Returns the inputs, the projected balance sheet, and lines describing the
    assumptions (asset path, liabilities, GDP growth, where runoff stopped).
    """
    found = endpoint(
        ctx,
        stop_rules,
        assets=assets,
        asset_path_name=asset_path_name,
        horizon=horizon,
        gdp_growth=gdp_growth,
        inputs=inputs,
    )
    return stop_at(ctx, found, stop_rules, horizon=horizon, gdp_growth=gdp_growth)


def stop_at(
    ctx: RunContext,
    found: tuple[EndpointResult, pd.DataFrame, ImpactInputs, tuple[Assumption, ...]],
    stop_rules: Sequence[str],
    *,
    horizon: int,
    gdp_growth: float,
) -> tuple[ImpactInputs, pd.DataFrame, list[Assumption]]:
    """:func:`stopped_path` from an :func:`endpoint` already found for ``stop_rules``
    (``found``: its result, path, inputs and assumptions), without finding it again."""
    res, proj, inp, used = found
    lines = list(used)
    if proj.attrs.get("endpoint_regime") is not None and res.end_month is not None:
        pass  # the engine stopped runoff itself; its stop is among the assumptions already
    elif res.end_month is not None and res.end_month < proj.index[-1]:
        a = proj["total_assets"].iloc[1:].copy()
        a.loc[period_index(a) > res.end_month] = value_at(a, res.end_month)
        inp, proj, _ = liability_projection(
            ctx, horizon=horizon, assets=a, gdp_growth=gdp_growth, inputs=inp
        )
        lines.append(
            Assumption(
                "impact.assumption.stop",
                {
                    "month": str(res.end_month),
                    "rule": str(res.rule),
                    "rules": ", ".join(stop_rules),
                },
            )
        )
    else:
        lines.append(Assumption("impact.assumption.no_stop", {"rules": ", ".join(stop_rules)}))
    return inp, proj, lines
