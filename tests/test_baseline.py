"""One baseline for C2, C3, D1-D3, F1 and F2 (issue 13, item 5), and C3 at a vantage without
runoff (today's distance to each rule, renewed runoff)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.errors import SpecError
from qtlab.runs.baseline import BASELINE_MONTHS, BASELINE_RULES, baseline, liabilities_reference
from qtlab.runs.inputs import asset_path, load_inputs
from qtlab.runs.liabilities import DEFAULT_RULES, liability_projection
from qtlab.schema import PERCENT

M = pd.Period


@pytest.fixture(scope="module")
def today():
    return shared(None)


@pytest.fixture(scope="module")
def c2(today):
    return get_analysis("C2").compute(today)


@pytest.fixture(scope="module")
def c3(today):
    return get_analysis("C3").compute(today)


def test_the_baseline_is_made_once_per_context(today):
    assert baseline(today) is baseline(today)


def test_today_the_baseline_is_f1s_default_run(today):
    b = baseline(today)
    assert b.runoff_over and b.asset_path == "rmp-target"
    assert b.reserve_target == "fomc-2025-12"
    assert b.start == load_inputs(today, horizon=12).last_month + 1
    assert len(b.total_assets) == BASELINE_MONTHS
    assert b.total_assets.index[0] == b.start
    # reserve-management purchases: total assets grow, they do not stay flat
    assert b.total_assets.iloc[-1] > b.total_assets.iloc[0] + 100
    keys = [a.key for a in b.assumptions]
    assert keys[:2] == ["baseline.assets_rmp", "baseline.liabilities"]


def test_c2_and_f1_total_assets_are_one_path_today(today, c2):
    f1 = get_analysis("F1").compute(today)
    paths = f1.table("paths")
    default = f1.meta["default"]
    f1_assets = paths.xs(default, level="alternative")["total_assets"]
    proj = c2.table("projection")
    c2_assets = proj[proj["scenario"] == "rrp_first"]["total_assets"]
    both = c2_assets.index.intersection(f1_assets.index)
    assert len(both) >= 30
    np.testing.assert_allclose(
        c2_assets.loc[both].to_numpy(), f1_assets.loc[both].to_numpy(), atol=1e-6
    )
    # and the flat path of before is gone: total assets move month to month
    assert c2_assets.diff().abs().iloc[1:].min() > 1.0


def test_sections_refer_to_the_baseline_instead_of_repeating_it(today, c2):
    keys = [n.values["text"].key for n in c2.notes if n.key == "impact.note.assumption"]
    assert "impact.asset_path.baseline" in keys
    assert "impact.asset_path.hold" not in keys
    first = next(n for n in c2.notes if n.key == "c2.note.scenario")
    assert first.values["assumptions"].key == "baseline.ref.liabilities"
    varied = [n for n in c2.notes if n.key == "c2.note.scenario"][1]
    assert varied.values["assumptions"].key == "impact.assumption.liabilities"  # says how
    assert liabilities_reference(BASELINE_RULES).text("en") == (
        "liabilities as in the baseline (see top)."
    )


def test_c3_today_says_how_far_each_threshold_is(today, c3):
    dist = c3.table("distances")
    assert list(dist["rule"]) == list(DEFAULT_RULES)
    inp = load_inputs(today, horizon=120)
    st = inp.state
    gdp = float(inp.gdp.loc[st.month])
    row = dist.set_index("rule").loc["reserves_to_gdp=0.08"]
    assert row["level"] == pytest.approx(st.reserves)
    assert row["threshold"] == pytest.approx(0.08 * gdp)
    assert row["distance"] == pytest.approx(st.reserves - 0.08 * gdp)
    assert row["distance_gdp"] == pytest.approx(100 * (st.reserves / gdp - 0.08))
    row = dist.set_index("rule").loc["assets_to_gdp=0.2"]
    assert row["quantity"] == "total_assets" and row["level"] == pytest.approx(st.total_assets)
    peak = float(inp.reserves.max())
    row = dist.set_index("rule").loc["reserves_peak_fraction=0.5"]
    assert row["threshold"] == pytest.approx(0.5 * peak)
    assert dist.attrs["units"]["distance_gdp"] == PERCENT


def test_c3_today_says_when_each_rule_binds_under_renewed_runoff(today, c3):
    renewed = c3.table("renewed")
    assert len(renewed) == len(DEFAULT_RULES) + 1
    assert renewed["end_month"].notna().all()  # at 95 bn a month every rule binds
    combined = renewed.iloc[-1]
    ends = [M(m, freq="M") for m in renewed["end_month"].iloc[:-1]]
    assert M(combined["end_month"], freq="M") == min(ends)
    # the endpoint under renewed runoff against the path: the caps from the start
    inp = load_inputs(today, horizon=120)
    path = asset_path("renewed", inp.state, inp.last_month + 12)
    drop = inp.state.total_assets - path
    np.testing.assert_allclose(drop.iloc[:4].to_numpy(), [47.5, 95.0, 142.5, 237.5])
    assert combined["terminal_assets"] == pytest.approx(
        float(path.loc[M(combined["end_month"], freq="M")])
    )
    keys = [n.key for n in c3.notes]
    assert "c3.note.baseline_no_runoff" in keys and "c3.note.renewed" in keys
    assert keys.count("c3.note.distance") == len(DEFAULT_RULES)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_c3_today_renders_its_answer_in_both_languages(c3, lang):
    res = get_analysis("C3").render_fn(c3, lang)
    names = [tb.name for tb in res.tables]
    assert names == ["c3_endpoints", "c3_distances", "c3_renewed", "c3_overlay"]
    text = " ".join(n.text for n in res.notes)
    # the rule read as its condition, never as its id (issue 16)
    from qtlab.present.labels import rule_label

    assert rule_label("reserves_to_gdp=0.08", lang) in text and "reserves_to_gdp" not in text
    assert ("GDP" in text) and (("renewed" in text) if lang == "en" else ("重启缩表" in text))
    dist = next(tb for tb in res.tables if tb.name == "c3_distances").frame
    assert "distance [USD bn]" in dist.columns


def test_the_report_states_the_baseline_once(today, tmp_path):
    from qtlab.report import build_report

    out = build_report(tmp_path / "r", sections=["C2", "C3", "F1"], png=False)
    html = out.index.read_text(encoding="utf-8")
    assert 'id="baseline"' in html
    assert html.index('id="baseline"') < html.index('id="c2"')
    for a in baseline(today).assumptions:
        assert html.count(str(escape(a.text("en")))) == 1, a.key
    assert "see top" in html


def test_the_baseline_is_honest_at_a_past_vantage():
    ctx = shared("2022-05-31")
    b = baseline(ctx)
    # runoff under way: the engine under the plan announced by then, nothing later
    assert not b.runoff_over and b.asset_path == "qt2-announced"
    assert b.start == M("2022-06", freq="M")  # May 2022 complete by the 31st
    assert b.reserve_target is None  # no reserve-management regime was known then
    assert b.assumptions[0].key == "baseline.assets_engine"
    with pytest.raises(SpecError, match="runoff under way"):
        b.assets(b.start + 12)
    ctx = shared(date(2026, 1, 15))
    b = baseline(ctx)
    assert b.runoff_over
    # the path starts after the last complete H.4.1 month visible then
    assert b.start <= M("2026-01", freq="M")


def test_the_baseline_path_ends_where_it_says(today):
    b = baseline(today)
    with pytest.raises(SpecError, match="ends in"):
        b.assets(b.start + BASELINE_MONTHS)
    with pytest.raises(SpecError, match="ends in"):
        liability_projection(today, horizon=200)
