"""B3 and ``qtlab prepay`` on the embedded data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qtlab.analyses import get_analysis
from qtlab.analyses.b3_mbs_paydowns import shock_column
from qtlab.cli import app
from qtlab.errors import SpecError
from qtlab.runs import RunContext
from qtlab.runs.mbs_projection import paydown_projection
from qtlab.schema import PERCENT, USD_BN_PER_MONTH
from qtlab.store import Dataset


@pytest.fixture(scope="module")
def eve_of_qt2() -> Dataset:
    return RunContext(as_of="2022-05-31")


def test_b3_as_of_the_eve_of_qt2(eve_of_qt2):
    res = get_analysis("B3").run(eve_of_qt2, lang="en", months=24)
    tb = res.table("b3_paydowns")
    assert tb["month"].iloc[0] == "2022-06" and len(tb) == 24
    assert (tb["paydowns [USD bn]"] > 0).all()
    assert (
        tb["paydowns_-100bp [USD bn]"] >= tb["paydowns [USD bn]"] - 1e-9
    ).all()  # lower rates never slow paydowns
    # paydowns never reach the 35 bn cap: the shortfall is the sale volume needed
    first = res.note_values("b3.note.first_shortfall")["month"]
    assert first == "2022-06"
    assert (tb.loc[tb["month"] >= "2022-09", "shortfall [USD bn]"] > 10).all()
    assert res.meta["as_of"] == "2022-05-31"
    assert res.figure("b3_paydowns") is not None


def test_b3_today_adds_baseline_calibration_and_backtest_in_chinese():
    res = get_analysis("B3").run(RunContext(), lang="zh", months=12)
    names = {t.name for t in res.tables}
    assert {"b3_paydowns", "b3_baseline_2022", "b3_backtest"} <= names
    assert "纽约联储" in res.notes[0].text or any("纽约联储" in n.text for n in res.notes)
    assert res.note_values("b3.note.calibration")["mae_test"] < 2.0


def test_b3_a_shock_is_a_snake_case_column_computed_once_and_rendered_as_before(eve_of_qt2):
    """The shock's paydowns are ``paydowns_plus_50bp`` [USD bn per month] in the computed
    table, ``paydowns_+50bp [USD bn]`` in the report's table, the same numbers as
    :func:`paydown_projection` gives under that shock (no rerun by render)."""
    spec = get_analysis("B3")
    c = spec.compute(eve_of_qt2, months=6, shock_bp=50.0)
    tidy = c.table("paydowns")
    assert shock_column(50.0) == "paydowns_plus_50bp" and shock_column(-100) in tidy
    assert c.units("paydowns")["paydowns_plus_50bp"] == USD_BN_PER_MONTH
    assert c.units("paydowns")["mortgage_rate"] == PERCENT
    want = paydown_projection(eve_of_qt2, months=6, shocks_bp=(0.0, 50.0))["paydowns_+50bp"]
    assert tidy["paydowns_plus_50bp"].to_numpy() == pytest.approx(want.to_numpy(), abs=1e-9)
    for lang in ("en", "zh"):
        shown = spec.render(c, lang).table("b3_paydowns")
        assert list(shown["paydowns_+50bp [USD bn]"]) == list(tidy["paydowns_plus_50bp"])
    fig = spec.render(c, "en").figure("b3_paydowns")
    assert any(tr.name and "+50" in tr.name for tr in fig.data)


def test_projection_options_and_errors(eve_of_qt2, tmp_path):
    f = tmp_path / "rates.csv"
    f.write_text("month,rate\n2022-06,4.0\n2022-07,4.0\n2022-08,4.0\n")
    low = paydown_projection(eve_of_qt2, months=12, mortgage_rate=str(f))
    flat = paydown_projection(eve_of_qt2, months=12)
    assert low["paydowns"].mean() > flat["paydowns"].mean()
    with pytest.raises(SpecError, match="months"):
        paydown_projection(eve_of_qt2, months=0)


def test_cli_prepay_json_shape():
    r = CliRunner().invoke(app, ["prepay", "--as-of", "2022-05-31", "--months", "6", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["as_of"] == "2022-05-31"
    assert [m["month"] for m in d["rows"]] == [f"2022-{i:02d}" for i in range(6, 12)]
    row = d["rows"][3]
    assert set(row) == {"month", "scheduled", "prepaid", "paydowns", "mbs_cap", "shortfall"}
    assert row["paydowns"] == pytest.approx(row["scheduled"] + row["prepaid"])
    assert row["shortfall"] == pytest.approx(max(row["mbs_cap"] - row["paydowns"], 0))
    s = d["summary"]
    assert set(s) == {"avg_paydowns", "first_shortfall_month", "avg_paydowns_minus_100bp"}
    assert s["avg_paydowns_minus_100bp"] > s["avg_paydowns"]
    shocked = json.loads(
        CliRunner()
        .invoke(
            app,
            ["prepay", "--as-of", "2022-05-31", "--months", "6", "--shock-bp", "-100", "--json"],
        )
        .stdout
    )
    assert shocked["summary"]["avg_paydowns"] == pytest.approx(s["avg_paydowns_minus_100bp"])


def test_cli_prepay_unknown_params_exit_2():
    r = CliRunner().invoke(app, ["prepay", "--params", "nope"])
    assert r.exit_code == 2


def test_model_paydowns_for_the_engine(eve_of_qt2):
    import numpy as np
    import pandas as pd

    from qtlab.runs.mbs import model_paydowns

    months = pd.period_range("2022-06", periods=36, freq="M")
    src = model_paydowns(eve_of_qt2, mortgage_rate="flat")
    r = src.rates(months)
    assert r.shape == (36,) and np.all((r > 0.003) & (r < 0.02))
    # fraction x start balance reproduces the B3 projection
    proj = paydown_projection(eve_of_qt2, months=36)
    pr = src.projection(50)
    bal = pr.balance[0][1:37]
    np.testing.assert_allclose(r * bal, proj["paydowns"].to_numpy(), rtol=1e-9)
    many = model_paydowns(eve_of_qt2, shock_bp=(0.0, -100.0, 100.0))
    rr = many.rates(months)
    assert rr.shape == (3, 36)
    assert np.all(rr[1] >= rr[0]) and np.all(rr[2] <= rr[0])


def test_model_paydowns_with_realized_rates_for_a_backtest(eve_of_qt2):
    import numpy as np
    import pandas as pd

    from qtlab.prepay import prepay_params
    from qtlab.runs.mbs import model_paydowns, realized_paydowns

    today = RunContext()
    # a hindsight backtest of today's fit: the set passed as an object (by name, qt2-fit is
    # refused at 2022-05-31, fitted on later data; the default is then qt1-fit)
    src = model_paydowns(
        eve_of_qt2, mortgage_rate="realized", latest=today, params=prepay_params("qt2-fit")
    )
    months = pd.period_range("2022-10", "2025-11", freq="M")
    real = realized_paydowns(today).reindex(months)
    model = pd.Series(src.rates(months) * real["start_balance"].to_numpy(), index=months)
    err = (model.rolling(3).mean() - real["paydowns"].rolling(3).mean()).dropna()
    assert float(np.abs(err).mean()) < 2.0  # the 2 bn target, whole QT2
    flat = model_paydowns(eve_of_qt2).rates(months)
    assert not np.allclose(flat, src.rates(months))  # realized rates differ from flat 5.2%


def test_b3_today_reads_and_builds_each_input_once(monkeypatch):
    """At today's vantage B3 runs the projection, the 2022 baseline, the calibration and
    two backtests; each mortgage-rate history, realized-paydown table and cohort table
    is built once (per Dataset, holdings file and rate history), not once per part."""
    import qtlab.runs.mbs as md

    calls: dict[str, list[object]] = {"rates": [], "realized": [], "cohorts": []}
    real_rates, real_realized, real_cohorts = (
        md.mortgage_rates,
        md.realized_paydowns,
        md.mbs_cohorts,
    )

    def rates(ds):
        calls["rates"].append(ds.as_of)
        return real_rates(ds)

    def realized(ds):
        calls["realized"].append(ds.as_of)
        return real_realized(ds)

    def cohorts(holdings, rate_history=None):
        calls["cohorts"].append((holdings["as_of"].max(), rate_history.index.max()))
        return real_cohorts(holdings, rate_history=rate_history)

    monkeypatch.setattr(md, "mortgage_rates", rates)
    monkeypatch.setattr(md, "realized_paydowns", realized)
    monkeypatch.setattr(md, "mbs_cohorts", cohorts)
    res = get_analysis("B3").run(RunContext(), lang="en", months=12)
    assert res.table("b3_backtest") is not None
    assert sorted(map(str, calls["rates"])) == ["2022-05-31", "None"]
    assert calls["realized"] == [None]
    # today's file, 2022-05-11 with the rates known then and with today's, 2017-10-04
    assert len(calls["cohorts"]) == 4 == len(set(calls["cohorts"]))


def test_mbs_data_belongs_to_its_context(eve_of_qt2):
    from qtlab.runs.mbs import MbsData

    data = MbsData(eve_of_qt2)
    assert MbsData.of(eve_of_qt2, data) is data
    with pytest.raises(SpecError, match="another context"):
        paydown_projection(RunContext(as_of="2022-05-31"), months=12, data=data)
    coh = data.held_cohorts
    coh.loc[coh.index[0], "par"] = -1.0
    assert (data.held_cohorts["par"] > 0).all()  # a changed copy changes no later answer
