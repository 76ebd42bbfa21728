"""C2, C3, D1-D4 as analyses: they run offline as of 2022-05-31 and today, in both languages."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from _contexts import shared
from qtlab.analyses import AnalysisResult, get_analysis
from qtlab.analyses.d2_yield import yield_forecast
from qtlab.cli import app
from qtlab.errors import SpecError
from qtlab.i18n import check_catalogue
from qtlab.runs.liabilities import endpoint
from qtlab.store import Dataset

IDS = ("C2", "C3", "D1", "D2", "D3", "D4")


@pytest.fixture(scope="module")
def vantages() -> dict[str, Dataset]:
    return {"2022": shared("2022-05-31"), "today": shared()}


@pytest.mark.parametrize("aid", IDS)
@pytest.mark.parametrize("when", ["2022", "today"])
def test_analysis_runs(aid, when, vantages):
    lang = "zh" if when == "today" else "en"
    res = get_analysis(aid).run(vantages[when], lang=lang)
    assert isinstance(res, AnalysisResult) and res.id == aid and res.lang == lang
    assert res.tables and res.figures and res.notes
    for tb in res.tables:
        assert not tb.frame.empty or tb.name == "d4_episodes"
    if aid in ("C3", "D1", "D2", "D3"):  # GDP extended: the assumption is printed
        growth = "grows 4.0% a year" if lang == "en" else "每年增长 4.0%"
        said = [n.text for n in res.notes if n.key == "impact.note.assumption"]
        # stated once, in the baseline at the top, at every vantage: referred to
        assert not any(growth in x for x in said)
        assert any(("见页首" if lang == "zh" else "(see top)") in x for x in said)


def test_catalogue_has_the_same_keys_in_both_languages():
    assert check_catalogue() == {"en": [], "zh": []}


def test_c2_projection_keeps_the_identity(vantages):
    res = get_analysis("C2").run(vantages["2022"])
    p = res.table("c2_projection")
    parts = ["reserves", "on_rrp", "tga", "currency_other"]
    gap = p["total_assets [USD bn]"] - p[[f"{c} [USD bn]" for c in parts]].sum(axis=1)
    assert gap.abs().max() < 1e-6
    assert set(p["scenario"]) == {"rrp_first", "rrp_floor_500", "half_share", "fitted"}
    # the start month is the last complete month before the vantage date
    assert p["month"].iloc[0] == "2022-05"


def test_c3_as_of_2022_ends_runoff_within_the_decade(vantages):
    res, _, inp, _ = endpoint(vantages["2022"], ["reserves_peak_fraction=0.5"])
    assert inp.last_month == pd.Period("2022-05", freq="M")
    assert res.end_month is not None and res.months_of_runoff is not None
    # peak reserves (Dec 2021, about 4.2 trillion monthly) halve to about 2.1 trillion
    assert res.terminal_reserves == pytest.approx(2100, abs=120)
    assert res.to_dict()["end_month"] == str(res.end_month)
    with pytest.raises(SpecError, match="bank_assets"):
        endpoint(vantages["2022"], ["reserves_to_bank_assets=0.12"])


def test_today_the_baseline_has_no_runoff_and_the_tga_assumption_is_stated(vantages):
    # today the baseline (F1's default run: purchases hold reserves at their target) has
    # no runoff; the result's lines state the baseline in full, the notes refer to it
    res, _, inp, used = endpoint(vantages["today"], ["reserves_peak_fraction=0.5"])
    assert res.rule is None and "the asset path has no runoff." in res.assumptions
    assert any("grows 4.0% a year" in line for line in res.assumptions)
    # the TGA's week average (WTREGEN) ends 2025-11-19; its Wednesday level runs on
    assert [a.key for a in inp.state_notes] == ["impact.assumption.tga_wednesday"]
    assert "TGA from 2025-11-26 on: its Wednesday level (WDTGAL)" in inp.state_notes[0].text("en")
    assert "2025-11-19" in inp.state_notes[0].text("zh")
    assert [a.key for a in used] == [
        "impact.assumption.tga_wednesday",
        "impact.asset_path.baseline",
        "baseline.ref.liabilities",
        "impact.assumption.no_runoff",
    ]


def test_d2_default_policy_path_is_the_march_2022_sep(vantages):
    yf = yield_forecast(vantages["2022"], "reserves_to_gdp")
    assert "2022-03-16" in yf.policy_source.text("zh")
    assert yf.forecast.index[0] == pd.Period("2022-06", freq="M")
    assert yf.forecast.index[-1] == pd.Period("2024-12", freq="M")
    preset = yield_forecast(vantages["2022"], "reserves_to_gdp", sep="2022-03")
    pd.testing.assert_frame_equal(preset.forecast, yf.forecast)
    d = yf.to_dict()
    assert set(d) >= {"indicator", "sample", "nobs", "r2", "params", "std_err", "forecast", "peak"}
    assert d["sample"] == "2009-01:2022-05"


def test_cli_fit_yield_and_endpoint_json():
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "fit-yield",
            "--indicator",
            "reserves_to_gdp",
            "--as-of",
            "2022-05-31",
            "--spec",
            "levels-2009",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    s = doc["summary"]
    assert s["indicator"] == "reserves_to_gdp" and s["nobs"] == 161
    assert {"month", "mean", "lower", "upper"} <= set(doc["rows"][0])
    assert set(s["peak"]) == {"month", "mean", "upper"}
    r = runner.invoke(
        app,
        [
            "endpoint",
            "--as-of",
            "2022-05-31",
            "--policy",
            "qt2-announced",
            "--rule",
            "reserves_peak_fraction=0.5",
            "--rule",
            "assets_to_gdp=0.2",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["summary"]
    assert set(doc) >= {
        "rule",
        "end_month",
        "months_of_runoff",
        "terminal_assets",
        "terminal_reserves",
    }
    r = runner.invoke(app, ["endpoint", "--rule", "reserves_to_bank_assets=0.12"])
    assert r.exit_code == 2 and "bank" in r.output
    r = runner.invoke(app, ["fit-yield", "--sample", "2009-01"])
    assert r.exit_code == 2 and "START:END" in r.output


def test_d2_takes_a_user_policy_path_and_states_the_pre_range_proxy(vantages):
    months = pd.period_range("2022-06", "2024-12", freq="M")
    high = pd.Series(4.0, index=months)  # e.g. a central-tendency upper bound
    base = yield_forecast(vantages["2022"], "reserves_to_gdp", sample=("2005-01", None))
    user = yield_forecast(
        vantages["2022"], "reserves_to_gdp", sample=("2005-01", None), policy_path=high
    )
    assert user.policy_source.key == "impact.policy.user"
    assert user.fit.params["policy_rate"] > 0
    assert (user.forecast["policy_rate"] == 4.0).all()
    assert user.forecast["mean"].iloc[-1] > base.forecast["mean"].iloc[-1]
    assert any(a.key == "impact.assumption.pre_range" for a in base.assumptions)


def test_c2_runs_on_a_securities_path(vantages):
    from qtlab.runs.liabilities import liability_projection

    months = pd.period_range("2022-06", periods=12, freq="M")
    sec = pd.Series(8400.0 - 50.0 * np.arange(1, 13), index=months)
    inp, proj, (desc, _) = liability_projection(vantages["2022"], horizon=12, securities=sec)
    other = inp.state.total_assets - float(inp.securities.loc[pd.Period("2022-05", freq="M")])
    assert desc.key == "impact.asset_path.securities"
    np.testing.assert_allclose(proj["total_assets"].iloc[1:], sec + other)


def test_d3_sets_the_model_beside_cbo_may_2022(vantages, raw_data):
    raw = pd.read_csv(raw_data / "cbo" / "cbo_baseline_2022-05_debt_deficit_netinterest.csv")
    ni = raw[raw["category"] == "Net Interest"].set_index("projected_fiscal_year")["value"]
    res = get_analysis("D3").run(vantages["2022"])
    tb = res.table("d3_net_interest").set_index("fiscal_year")
    col = tb["net_interest_cbo_baseline [USD bn]"].dropna()
    assert list(col.index) == list(range(2022, 2022 + len(col)))
    for fy, v in col.items():
        assert v == pytest.approx(ni.loc[fy])  # 399.035 bn for FY2022 (CBO, May 2022)
    assert bool(tb.loc[2022, "projected"]) and not bool(tb.loc[2021, "projected"])
    assert res.note_values("d3.note.previous_peak")["share_fy"] == 1991


def test_asset_paths_by_name(vantages):
    from qtlab.runs.liabilities import liability_projection

    _, caps, (desc, _) = liability_projection(vantages["2022"], horizon=6, asset_path_name="caps")
    assert desc.key == "impact.asset_path.caps"
    # 47.5 bn a month in June-August 2022, then 95 bn
    np.testing.assert_allclose(-caps["total_assets"].diff().iloc[1:], [47.5] * 3 + [95.0] * 3)
    _, eng, (desc, _) = liability_projection(
        vantages["2022"], horizon=6, asset_path_name="qt2-realized"
    )
    assert desc.key == "impact.asset_path.engine" and desc.values["policy"] == "qt2-realized"
    assert (eng["total_assets"].diff().iloc[1:] < 0).all()
    with pytest.raises(SpecError, match="qt2-announced"):
        liability_projection(vantages["2022"], horizon=6, asset_path_name="qt3")
