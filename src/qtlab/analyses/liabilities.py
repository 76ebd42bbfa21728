"""C2 reserve projection and C3 endpoint rules (ANALYSES.md, section C).

Both run on an asset path: by default the runoff engine under the announced QT2
policy before QT2 ended (total securities; other assets held at their start level),
assets held flat after. ``asset_path_name`` picks any engine policy preset or a
simple path (``caps``: the QT2 caps in full; ``hold``); ``assets=`` or
``securities=`` (monthly Series [USD bn]) give a path directly.

On an engine policy, C3 runs the engine with the rules as the policy's endpoint
(:func:`engine_stop`): the engine projects the liabilities month by month and stops
runoff where the first rule binds (the end of QT1's regime after). On the other
paths the rules are found on the given path and, for :func:`stopped_path`, total
assets are held flat after the end month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import period_index, require_monthly, value_at
from qtlab.analyses._figures import shade_episodes, styled_figure
from qtlab.analyses.result import AnalysisResult, Figure, Note, Table, analysis, note
from qtlab.balance import (
    BLOCK,
    DEFAULT_CURRENCY_GROWTH,
    DEFAULT_GDP_GROWTH,
    EndpointResult,
    LiabilityRules,
    assets_from_securities,
    find_endpoint,
    project_liabilities,
)
from qtlab.errors import SpecError, one_of
from qtlab.i18n import t
from qtlab.impact import scarcity_indicators
from qtlab.policy import PRESET_NAMES
from qtlab.runs.context import RunContext
from qtlab.runs.endpoint import engine_endpoint, engine_stop
from qtlab.runs.inputs import (
    ASSET_PATHS,
    Assumption,
    ImpactInputs,
    asset_path,
    asset_path_names,
    default_asset_path,
    engine_securities,
    load_inputs,
    meta,
    rules_assumption,
)

__all__ = [
    "DEFAULT_RULES",
    "SCENARIOS",
    "c2_reserves",
    "c3_endpoint",
    "endpoint",
    "engine_stop",
    "liability_projection",
    "stopped_path",
]

#: C2 scenarios for the ON RRP / reserves split: name -> rule options.
SCENARIOS: Final[Mapping[str, Mapping[str, Any]]] = {
    "rrp_first": {"rrp_rule": "absorb_first", "rrp_floor": 0.0},
    "rrp_floor_500": {"rrp_rule": "absorb_first", "rrp_floor": 500.0},
    "half_share": {"rrp_rule": "fixed_share", "rrp_share": 0.5},
}
DEFAULT_RULES: Final = ("reserves_peak_fraction=0.5", "assets_to_gdp=0.2", "reserves_to_gdp=0.08")
_QT_STARTS: Final = {"qt1": pd.Period("2017-10", freq="M"), "qt2": pd.Period("2022-06", freq="M")}
_USD = "[USD bn]"
LIAB_ALL: Final = ("total_assets", "reserves", "on_rrp", "tga", "currency", "other_capital", BLOCK)
_H41 = "Federal Reserve H.4.1 (FRED WALCL, WRESBAL, WTREGEN, RRPONTSYD)"


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
    are held at their start level), or the named path ``asset_path_name``.

    The projection starts the month after the last complete month of H.4.1 data.
    ``inputs`` (from an earlier call, same horizon) saves reading the data again.
    """
    if scenario not in SCENARIOS:
        raise SpecError(f"unknown scenario {scenario!r}; valid: {one_of(SCENARIOS)}")
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
    else:
        name = asset_path_name or default_asset_path(ctx.as_of)
        if name in ASSET_PATHS:
            path = asset_path(name, inp.state, through)
            desc = Assumption(f"impact.asset_path.{name}")
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
    rules = LiabilityRules(currency_growth=currency_growth, tga=tga, **SCENARIOS[scenario])
    proj = project_liabilities(path, inp.state, rules)
    return inp, proj, (desc, rules_assumption(rules))


def assumption_notes(items: Sequence[Assumption], lang: str) -> list[Note]:
    """One note per assumption, in ``lang`` (key ``impact.note.assumption``)."""
    return [note("impact.note.assumption", lang, text=a.text(lang)) for a in items]


#: Reserves paths closer than this in every month are said to coincide [USD bn]: a few
#: bn is under a line's width on a chart of thousands.
COINCIDE_BN: Final = 5.0


def _quoted_names(names: Sequence[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(f"“{n}”" for n in names)
    return ", ".join(f"'{n}'" for n in names)


def _coinciding(frames: Sequence[pd.DataFrame]) -> list[str]:
    """The scenarios whose reserves paths all lie within :data:`COINCIDE_BN` of the
    first one's (its name first); one name when none coincides with it."""
    ref = frames[0]["reserves"].to_numpy()
    out = []
    for f in frames:
        r = f["reserves"].to_numpy()
        if len(r) == len(ref) and float(abs(r - ref).max()) < COINCIDE_BN:
            out.append(str(f["scenario"].iloc[0]))
    return out


@analysis("C2", area="liabilities", order=320)
def c2_reserves(
    ctx: RunContext,
    *,
    lang: str = "en",
    horizon: int = 48,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    currency_growth: float = DEFAULT_CURRENCY_GROWTH,
    tga: float | None = None,
) -> AnalysisResult:
    """C2: reserves projected under ON RRP scenarios, currency growth and a TGA path.

    Tables: ``c2_history`` (monthly H.4.1 balance sheet, the last 5 years) and
    ``c2_projection`` (one row per month and scenario) [USD bn].
    """
    frames = []
    notes: list[Note] = []
    inp: ImpactInputs | None = None
    desc: tuple[Assumption, ...] = ()
    for name in SCENARIOS:
        inp, proj, desc = liability_projection(
            ctx,
            horizon=horizon,
            assets=assets,
            asset_path_name=asset_path_name,
            scenario=name,
            currency_growth=currency_growth,
            tga=tga,
            inputs=inp,
        )
        frames.append(proj.assign(scenario=name))
        end = proj.index[-1]
        notes.append(
            note(
                "c2.note.scenario",
                lang,
                scenario=t(f"c2.scenario.{name}", lang),
                assumptions=desc[1].text(lang),
                month=str(end),
                reserves=float(proj.loc[end, "reserves"]),
                on_rrp=float(proj.loc[end, "on_rrp"]),
                low=float(proj["reserves"].min()),
                low_month=str(proj["reserves"].idxmin()),
            )
        )
    assert inp is not None
    same = _coinciding(frames)
    if len(same) > 1:
        notes.append(
            note(
                "c2.note.coincide",
                lang,
                names=_quoted_names([t(f"c2.scenario.{n}", lang) for n in same], lang),
                tol=COINCIDE_BN,
                on_rrp=float(frames[0]["on_rrp"].iloc[0]),
            )
        )
    notes = [
        note("c2.note.convention", lang),
        *assumption_notes([*inp.state_notes, desc[0]], lang),
        *notes,
    ]
    cols = ["total_assets", "reserves", "on_rrp", "tga", BLOCK]
    hist = inp.h41.loc[inp.last_month - 59 :, [c for c in inp.h41.columns if c in LIAB_ALL]]
    hist_t = hist.rename(columns=lambda c: f"{c} {_USD}").reset_index()
    hist_t["month"] = hist_t["month"].astype(str)
    long = pd.concat(frames).reset_index()
    long["month"] = long["month"].astype(str)
    long = long[["month", "scenario", *cols]].rename(columns={c: f"{c} {_USD}" for c in cols})
    fig = styled_figure(
        title=t("c2.figure.title", lang),
        y_title=t("common.unit.usd_bn", lang),
        source=_H41,
        lang=lang,
    )
    shown = inp.h41.loc[pd.Period("2013-01", freq="M") :]
    x_hist = period_index(shown).to_timestamp()
    fig.add_trace(go.Scatter(x=x_hist, y=shown["reserves"], name=t("c2.series.reserves", lang)))
    fig.add_trace(go.Scatter(x=x_hist, y=shown["on_rrp"], name=t("c2.series.on_rrp", lang)))
    # distinct dashes and widths, widest first: lines that coincide stay visible
    styles = (
        {"dash": "dash", "width": 6},
        {"dash": "dot", "width": 4},
        {"dash": "solid", "width": 2},
    )
    for f, style in zip(frames, styles, strict=False):
        name = str(f["scenario"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=period_index(f).to_timestamp(),
                y=f["reserves"],
                name=t(f"c2.legend.{name}", lang),
                line=style,
            )
        )
    # episodes only up to the vantage point: later ones were not known then
    shade_episodes(fig, lang, start=x_hist[0], end=x_hist[-1], as_of=ctx.as_of)
    return AnalysisResult(
        id="C2",
        title=t("c2.title", lang),
        lang=lang,
        tables=(
            Table("c2_history", t("c2.table.history", lang), hist_t),
            Table("c2_projection", t("c2.table.projection", lang), long),
        ),
        figures=(Figure("c2_reserves", fig),),
        notes=tuple(notes),
        meta=meta(
            ctx,
            {"horizon": horizon, "currency_growth": currency_growth, "tga": tga},
            ["WALCL", "WRESBAL", "RRPONTSYD", "WTREGEN"],
        ),
    )


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
    (:func:`engine_stop`) and the path returned is the engine's, runoff stopped there;
    ``proj.attrs["endpoint_regime"]`` names the regime in force after it.
    """
    name = asset_path_name or default_asset_path(ctx.as_of)
    if assets is None and name in PRESET_NAMES:
        if scenario not in SCENARIOS:
            raise SpecError(f"unknown scenario {scenario!r}; valid: {one_of(SCENARIOS)}")
        return engine_endpoint(
            ctx,
            name,
            rules,
            LiabilityRules(currency_growth=currency_growth, **SCENARIOS[scenario]),
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
    used = (inp.gdp_assumption, *inp.state_notes, *desc)
    if len(falling) == 0:
        # no runoff to end; still check the rules and their inputs
        find_endpoint(
            body, rules, reserves_history=inp.reserves, gdp=inp.gdp, bank_assets=bank_assets
        )
        used = (*used, Assumption("impact.assumption.no_runoff"))
        res = EndpointResult(
            None,
            None,
            None,
            None,
            None,
            {str(r): None for r in rules},
            pd.DataFrame(),
            tuple(a.text("en") for a in used),
        )
        return res, proj, inp, used
    res = find_endpoint(
        body,
        rules,
        start=falling[0],
        reserves_history=inp.reserves,
        gdp=inp.gdp,
        bank_assets=bank_assets,
        assumptions=tuple(a.text("en") for a in used),
    )
    return res, proj, inp, used


def _overlay(inp: ImpactInputs, proj: pd.DataFrame) -> pd.DataFrame:
    reserves = pd.concat([inp.reserves, proj["reserves"].iloc[1:]])
    ratio = scarcity_indicators(reserves, inp.debt, inp.gdp)["reserves_to_debt"].dropna()
    cols = {}
    for ep, start in _QT_STARTS.items():
        seg = ratio[ratio.index >= start]
        if ep == "qt1":
            seg = seg[seg.index <= pd.Period("2019-07", freq="M")]
        cols[f"{ep}_reserves_to_debt [%]"] = pd.Series(
            seg.to_numpy(), index=[(m - start).n for m in seg.index]
        )
        cols[f"{ep}_projected"] = pd.Series(
            [m > inp.last_month for m in seg.index], index=[(m - start).n for m in seg.index]
        )
    out = pd.DataFrame(cols)
    out.index.name = "months_since_start"
    return out.reset_index()


@analysis("C3", area="liabilities", order=330)
def c3_endpoint(
    ctx: RunContext,
    *,
    lang: str = "en",
    rules: Sequence[str] = DEFAULT_RULES,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    horizon: int = 120,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    bank_assets: pd.Series | None = None,
) -> AnalysisResult:
    """C3: the end month of runoff under each rule alone and all combined, and the
    QT1-versus-QT2 overlay of reserves over marketable debt by months since start."""
    rows = []
    res = proj = inp = None
    used: tuple[Assumption, ...] = ()
    for rs in [*([r] for r in rules), list(rules)]:
        res, proj, inp, used = endpoint(
            ctx,
            rs,
            assets=assets,
            asset_path_name=asset_path_name,
            horizon=horizon,
            gdp_growth=gdp_growth,
            bank_assets=bank_assets,
            inputs=inp,
        )
        d = res.to_dict()
        rows.append({"rules": " | ".join(rs), **d})
    assert res is not None and proj is not None and inp is not None
    table = pd.DataFrame(rows).rename(
        columns={
            "terminal_assets": f"terminal_assets {_USD}",
            "terminal_reserves": f"terminal_reserves {_USD}",
        }
    )
    notes = assumption_notes(used, lang)
    if res.rule is None:
        notes.append(note("c3.note.none", lang, horizon=horizon))
    else:
        notes.append(
            note(
                "c3.note.result",
                lang,
                rule=str(res.rule),
                end_month=str(res.end_month),
                months=res.months_of_runoff,
                assets=res.terminal_assets,
                reserves=res.terminal_reserves,
            )
        )
    # the overlay follows the path with runoff stopped where the first rule binds: the
    # last row's endpoint (all rules combined), not found a second time
    _, stopped, _ = _stop_at(
        ctx, (res, proj, inp, used), rules, horizon=horizon, gdp_growth=gdp_growth
    )
    overlay = _overlay(inp, stopped)
    notes.append(note("c3.note.overlay", lang, baseline=inp.debt_source))
    fig = styled_figure(
        title=t("c3.figure.title", lang),
        y_title=t("c3.figure.y", lang),
        x_title=t("c3.figure.x", lang),
        source=f"{_H41}; Treasury MSPD; CBO {inp.debt_source}",
        lang=lang,
    )
    for ep in _QT_STARTS:
        col = f"{ep}_reserves_to_debt [%]"
        sub = overlay.dropna(subset=[col])
        fig.add_trace(go.Scatter(x=sub["months_since_start"], y=sub[col], name=ep.upper()))
    return AnalysisResult(
        id="C3",
        title=t("c3.title", lang),
        lang=lang,
        tables=(
            Table("c3_endpoints", t("c3.table.endpoints", lang), table),
            Table("c3_overlay", t("c3.table.overlay", lang), overlay),
        ),
        figures=(Figure("c3_overlay", fig),),
        notes=tuple(notes),
        meta=meta(
            ctx,
            {"rules": list(rules), "horizon": horizon, "gdp_growth": gdp_growth},
            [
                "WALCL",
                "WRESBAL",
                "RRPONTSYD",
                "WTREGEN",
                "GDP",
                "mspd.marketable.total",
                "cbo.baseline.debt",
            ],
        ),
    )


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
    regime after, :func:`engine_stop`); on other paths total assets are held flat from
    the month after the end.

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
    return _stop_at(ctx, found, stop_rules, horizon=horizon, gdp_growth=gdp_growth)


def _stop_at(
    ctx: RunContext,
    found: tuple[EndpointResult, pd.DataFrame, ImpactInputs, tuple[Assumption, ...]],
    stop_rules: Sequence[str],
    *,
    horizon: int,
    gdp_growth: float,
) -> tuple[ImpactInputs, pd.DataFrame, list[Assumption]]:
    """:func:`stopped_path` from the :func:`endpoint` of ``stop_rules`` (``found``)."""
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
