"""C3: when runoff has to stop, under each rule alone and all combined.

Each set of rules is found by :func:`qtlab.runs.liabilities.endpoint` (on an engine policy,
the default before QT2 ended, the engine's own stop); the QT1-versus-QT2 overlay of
reserves over marketable debt follows the path with runoff stopped where the combined
rules bind. Computed once (:func:`compute_c3` over a :class:`~qtlab.runs.RunContext`),
rendered in each language (:func:`render_c3`). Units: USD bn, percent, calendar months.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, TypeAlias

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import value_at
from qtlab.analyses._assumptions import assumption_facts, assumption_text
from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, notes_of, renders
from qtlab.balance import DEFAULT_GDP_GROWTH, EndpointResult, find_endpoint, parse_rule
from qtlab.i18n import t
from qtlab.impact import scarcity_indicators
from qtlab.present.figures import styled_figure
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, meta
from qtlab.runs.liabilities import DEFAULT_RULES, endpoint, stop_at
from qtlab.schema import MONTHS, PERCENT, USD_BN

#: What :func:`~qtlab.runs.liabilities.endpoint` returns: the result, the projection, the
#: inputs it read and the assumptions it used.
EndpointRun: TypeAlias = tuple[EndpointResult, pd.DataFrame, ImpactInputs, tuple[Assumption, ...]]

__all__ = ["compute_c3", "render_c3"]

_QT_STARTS: Final = {"qt1": pd.Period("2017-10", freq="M"), "qt2": pd.Period("2022-06", freq="M")}
_USD = "[USD bn]"
_H41 = "Federal Reserve H.4.1 (FRED WALCL, WRESBAL, WTREGEN, RRPONTSYD)"


def _overlay(inp: ImpactInputs, proj: pd.DataFrame) -> pd.DataFrame:
    """Reserves over marketable debt [%] by months since each runoff start, and whether
    each month is projected (after the last H.4.1 month)."""
    reserves = pd.concat([inp.reserves, proj["reserves"].iloc[1:]])
    ratio = scarcity_indicators(reserves, inp.debt, inp.gdp)["reserves_to_debt"].dropna()
    cols = {}
    for ep, start in _QT_STARTS.items():
        seg = ratio[ratio.index >= start]
        if ep == "qt1":
            seg = seg[seg.index <= pd.Period("2019-07", freq="M")]
        cols[f"{ep}_reserves_to_debt"] = pd.Series(
            seg.to_numpy(), index=[(m - start).n for m in seg.index]
        )
        cols[f"{ep}_projected"] = pd.Series(
            [m > inp.last_month for m in seg.index], index=[(m - start).n for m in seg.index]
        )
    out = pd.DataFrame(cols)
    out.index.name = "months_since_start"
    return out.reset_index()


def _distances(
    rules: Sequence[str], inp: ImpactInputs, bank_assets: pd.Series | None
) -> pd.DataFrame:
    """Each rule's threshold in the last H.4.1 month and today's distance to it [USD bn,
    % of GDP] (positive: above the threshold, the rule not binding)."""
    st = inp.state
    today = pd.DataFrame(
        {"total_assets": [st.total_assets], "reserves": [st.reserves]},
        index=pd.PeriodIndex([st.month], freq="M"),
    )
    found = find_endpoint(
        today, rules, reserves_history=inp.reserves, gdp=inp.gdp, bank_assets=bank_assets
    )
    gdp = value_at(inp.gdp, st.month)
    rows = []
    for r in rules:
        rule = parse_rule(r)
        quantity = "total_assets" if rule.name == "assets_to_gdp" else "reserves"
        level = float(today[quantity].iloc[0])
        threshold = float(found.thresholds[str(rule)].iloc[0])
        rows.append(
            {
                "rule": str(rule),
                "month": str(st.month),
                "quantity": quantity,
                "level": level,
                "threshold": threshold,
                "distance": level - threshold,
                "distance_gdp": 100.0 * (level - threshold) / gdp,
            }
        )
    return pd.DataFrame(rows)


def _each_rule(
    ctx: RunContext, rules: Sequence[str], **kw: Any
) -> tuple[list[dict[str, Any]], EndpointRun]:
    """:func:`~qtlab.runs.liabilities.endpoint` under each rule alone, then all combined
    (``kw``: its options; the inputs read once): a row per set of rules, and the last
    run (all rules combined)."""
    rows: list[dict[str, Any]] = []
    last: EndpointRun | None = None
    inp = kw.pop("inputs", None)
    for rs in [*([r] for r in rules), list(rules)]:
        last = endpoint(ctx, rs, inputs=inp, **kw)
        inp = last[2]
        rows.append({"rules": " | ".join(rs), **last[0].to_dict()})
    assert last is not None
    return rows, last


def _result_fact(key: str, res: EndpointResult) -> Fact:
    """The sentence ``key`` of the first rule to bind: the rule, when runoff ends, how long
    it ran [months], total assets and reserves then [USD bn]."""
    return Fact(
        key,
        {
            "rule": str(res.rule),
            "end_month": str(res.end_month),
            "months": res.months_of_runoff,
            "assets": res.terminal_assets,
            "reserves": res.terminal_reserves,
        },
    )


def _without_runoff(
    ctx: RunContext,
    rules: Sequence[str],
    inp: ImpactInputs,
    horizon: int,
    gdp_growth: float,
    bank_assets: pd.Series | None,
) -> tuple[dict[str, pd.DataFrame], list[Fact]]:
    """C3 where the baseline has no runoff: today's distance to each threshold and the
    end of runoff under renewed runoff (the QT2 caps resumed from their start), per rule
    alone and all combined."""
    dist = _distances(rules, inp, bank_assets)
    facts = [
        Fact("c3.note.distance", {str(k): v for k, v in row.items()})
        for row in dist.to_dict("records")
    ]
    rows, (res, _, _, used) = _each_rule(
        ctx,
        rules,
        asset_path_name="renewed",
        horizon=horizon,
        gdp_growth=gdp_growth,
        bank_assets=bank_assets,
        inputs=inp,
    )
    facts += assumption_facts([a for a in used if a.key == "impact.asset_path.renewed"])
    if res.rule is None:
        facts.append(Fact("c3.note.renewed_none", {"horizon": horizon}))
    else:
        facts.append(_result_fact("c3.note.renewed", res))
    tables = {
        "distances": tidy(
            dist,
            {"level": USD_BN, "threshold": USD_BN, "distance": USD_BN, "distance_gdp": PERCENT},
        ),
        "renewed": tidy(
            pd.DataFrame(rows),
            {"months_of_runoff": MONTHS, "terminal_assets": USD_BN, "terminal_reserves": USD_BN},
        ),
    }
    return tables, facts


@analysis("C3", area="liabilities", order=330)
def compute_c3(
    ctx: RunContext,
    *,
    rules: Sequence[str] = DEFAULT_RULES,
    assets: pd.Series | None = None,
    asset_path_name: str | None = None,
    horizon: int = 120,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    bank_assets: pd.Series | None = None,
) -> Computed:
    """C3: the end month of runoff under each rule alone and all combined, and the
    QT1-versus-QT2 overlay of reserves over marketable debt by months since start.

    Tables: ``endpoints`` (one row per set of ``rules``: the ``rule`` that binds first,
    ``end_month``, ``months_of_runoff``, ``terminal_assets`` and ``terminal_reserves``
    [USD bn]; no rule binding within ``horizon`` months: empty) and ``overlay``
    (``months_since_start``; per episode ``<ep>_reserves_to_debt`` [%] and
    ``<ep>_projected``). Where the baseline has no runoff (today, assets and path not
    given) also ``distances`` (per rule: the ``quantity`` it reads, its ``level``, the
    ``threshold`` and the ``distance`` to it in the last H.4.1 ``month`` [USD bn], and
    ``distance_gdp`` [% of GDP]) and ``renewed`` (as ``endpoints``, under the QT2 caps
    resumed from their start the month after the vantage: ``asset_path_name="renewed"``).
    """
    rows, (res, proj, inp, used) = _each_rule(
        ctx,
        rules,
        assets=assets,
        asset_path_name=asset_path_name,
        horizon=horizon,
        gdp_growth=gdp_growth,
        bank_assets=bank_assets,
    )
    extra: dict[str, pd.DataFrame] = {}
    no_runoff = any(a.key == "impact.assumption.no_runoff" for a in used)
    baseline_still = no_runoff and assets is None and asset_path_name is None
    facts = assumption_facts(
        [a for a in used if not (baseline_still and a.key == "impact.assumption.no_runoff")]
    )
    if baseline_still:
        # the baseline has no runoff (today): how far each threshold is, and when each
        # rule would bind under renewed runoff
        facts.append(Fact("c3.note.baseline_no_runoff", {}))
        extra, more = _without_runoff(ctx, rules, inp, horizon, gdp_growth, bank_assets)
        facts.extend(more)
    elif res.rule is None:
        facts.append(Fact("c3.note.none", {"horizon": horizon}))
    else:
        facts.append(_result_fact("c3.note.result", res))
    # the overlay follows the path with runoff stopped where the first rule binds: the
    # last row's endpoint (all rules combined), not found a second time
    _, stopped, _ = stop_at(
        ctx, (res, proj, inp, used), rules, horizon=horizon, gdp_growth=gdp_growth
    )
    overlay = _overlay(inp, stopped)
    facts.append(Fact("c3.note.overlay", {"baseline": inp.debt_source}))
    return Computed(
        id="C3",
        tables={
            "endpoints": tidy(
                pd.DataFrame(rows),
                {
                    "months_of_runoff": MONTHS,
                    "terminal_assets": USD_BN,
                    "terminal_reserves": USD_BN,
                },
            ),
            "overlay": tidy(
                overlay,
                {
                    "months_since_start": MONTHS,
                    **{f"{ep}_reserves_to_debt": PERCENT for ep in _QT_STARTS},
                },
            ),
            **extra,
        },
        notes=tuple(facts),
        meta={
            **meta(
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
            "debt_source": inp.debt_source,
        },
    )


@renders("C3")
def render_c3(c: Computed, lang: str) -> AnalysisResult:
    """C3 in ``lang``: the endpoints and overlay tables, the overlay chart."""
    table = c.table("endpoints").rename(
        columns={
            "terminal_assets": f"terminal_assets {_USD}",
            "terminal_reserves": f"terminal_reserves {_USD}",
        }
    )
    table.attrs = {}
    overlay = c.table("overlay").rename(
        columns={f"{ep}_reserves_to_debt": f"{ep}_reserves_to_debt [%]" for ep in _QT_STARTS}
    )
    overlay.attrs = {}
    fig = styled_figure(
        title=t("c3.figure.title", lang),
        y_title=t("c3.figure.y", lang),
        x_title=t("c3.figure.x", lang),
        source=f"{_H41}; Treasury MSPD; CBO {c.meta['debt_source']}",
        lang=lang,
    )
    for ep in _QT_STARTS:
        col = f"{ep}_reserves_to_debt [%]"
        sub = overlay.dropna(subset=[col])
        fig.add_trace(go.Scatter(x=sub["months_since_start"], y=sub[col], name=ep.upper()))
    extra = []
    if "distances" in c.tables:
        dist = c.table("distances").rename(
            columns={
                **{k: f"{k} {_USD}" for k in ("level", "threshold", "distance")},
                "distance_gdp": "distance_gdp [%]",
            }
        )
        dist.attrs = {}
        dist["quantity"] = [t(f"c3.quantity.{q}", lang) for q in dist["quantity"]]
        renewed = c.table("renewed").rename(
            columns={
                "terminal_assets": f"terminal_assets {_USD}",
                "terminal_reserves": f"terminal_reserves {_USD}",
            }
        )
        renewed.attrs = {}
        extra = [
            Table("c3_distances", t("c3.table.distances", lang), dist),
            Table("c3_renewed", t("c3.table.renewed", lang), renewed),
        ]
    return AnalysisResult(
        id="C3",
        title=t("c3.title", lang),
        lang=lang,
        tables=(
            Table("c3_endpoints", t("c3.table.endpoints", lang), table),
            *extra,
            Table(  # the first four years: QT1's runoff and QT2's to where the rules stop it
                "c3_overlay",
                t("c3.table.overlay", lang),
                overlay,
                excerpt=tuple(range(48)),
            ),
        ),
        figures=(Figure("c3_overlay", fig),),
        notes=notes_of(
            c,
            lang,
            quantity=lambda q: t(f"c3.quantity.{q}", lang),
            **assumption_text(lang),
        ),
        meta={k: v for k, v in c.meta.items() if k != "debt_source"},
    )
