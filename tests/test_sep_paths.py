"""D2/D3's policy-rate path from a SEP statistic (median, central-tendency high or low):
the latest SEP at the vantage date, from the dot plots (data/raw/sep) or the hand-entered
March 2022 medians, never a SEP published later or a statistic of another SEP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.analyses.d2_yield import yield_forecast
from qtlab.errors import SpecError
from qtlab.impact import SEP_PATH_STATISTICS
from qtlab.runs.inputs import sep_path

START, END = pd.Period("2022-08", freq="M"), pd.Period("2025-12", freq="M")
DEC = {y: pd.Period(f"{y}-12", freq="M") for y in (2022, 2023, 2024)}


def _path(as_of: str, statistic: str):  # type: ignore[no-untyped-def]
    return sep_path(shared(as_of), START, END, 1.0, "latest", statistic)  # type: ignore[arg-type]


def test_statistics_offered() -> None:
    assert SEP_PATH_STATISTICS == ("median", "central_tendency_high", "central_tendency_low")


def test_june_2022_sep_central_tendency_path() -> None:
    # June 15, 2022 SEP (its dot plot; Table 1: central tendency 3.1-3.6, 3.6-4.1, 2.9-3.6)
    high, src = _path("2022-07-31", "central_tendency_high")
    assert src.key == "impact.policy.sep_statistic" and src.values["date"] == "2022-06-15"
    assert [high[DEC[y]] for y in DEC] == [3.625 + 0.125, 4.125 + 0.125, 3.625 + 0.125]
    low, _ = _path("2022-07-31", "central_tendency_low")
    assert [low[DEC[y]] for y in DEC] == [3.125 + 0.125, 3.625 + 0.125, 2.875 + 0.125]
    median, msrc = _path("2022-07-31", "median")
    assert msrc.key == "impact.policy.sep"  # the median's sentence is unchanged
    assert [median[DEC[y]] for y in DEC] == [3.5, 3.875, 3.5]  # 3.375 / 3.75 / 3.375 + 0.125
    assert (low <= median).all() and (median <= high).all()
    text = src.text("en")
    assert "the high end of the central tendency of the participants'" in text
    assert "2022-06-15" in text
    assert "集中趋势上限" in src.text("zh")


def test_march_2022_has_no_central_tendency_so_its_median_is_used_and_said() -> None:
    # as of 2022-05-31 the latest SEP is March 16, 2022, of which only the medians are in
    # the data (hand-entered); the December 2021 SEP's central tendency must not be used
    high, src = _path("2022-05-31", "central_tendency_high")
    median, _ = _path("2022-05-31", "median")
    pd.testing.assert_series_equal(high, median)
    assert high[DEC[2022]] == pytest.approx(1.9 + 0.125)
    assert src.key == "impact.policy.sep_missing"
    en, zh = src.text("en"), src.text("zh")
    assert "2022-03-16" in en and "2021-12-15" not in en
    assert "only its median, so the high end of the central tendency is not available" in en
    assert "2022-03-16" in zh and "只有该期的中位数" in zh


def test_nothing_published_after_the_vantage_enters() -> None:
    # the day before the June 2022 SEP: still March 2022 (no June numbers)
    _, src = _path("2022-06-14", "central_tendency_low")
    assert src.values["date"] == "2022-03-16"
    # before March 2022: the December 2021 SEP, with its central tendency from the dots
    _, src = _path("2022-03-15", "central_tendency_low")
    assert (src.key, src.values["date"]) == ("impact.policy.sep_statistic", "2021-12-15")


def test_unknown_statistic() -> None:
    with pytest.raises(SpecError, match="central_tendency_high"):
        _path("2022-07-31", "mean")


def test_d2_d3_follow_the_statistic_and_say_so() -> None:
    ds = shared("2022-05-31")
    yf = yield_forecast(ds, "reserves_to_gdp", sep_statistic="central_tendency_high")
    base = yield_forecast(ds, "reserves_to_gdp")
    pd.testing.assert_frame_equal(yf.forecast, base.forecast)  # same numbers: the median
    assert yf.policy_source.key == "impact.policy.sep_missing"
    later = shared("2022-07-31")
    d2 = get_analysis("D2").run(later, lang="zh", sep_statistic="central_tendency_low")
    assert d2.meta["options"]["sep_statistic"] == "central_tendency_low"
    assert any("集中趋势下限" in n.text for n in d2.notes)
    assert not any(n.key == "d2.note.no_central_tendency" for n in d2.notes)
    # with the default median, D2 says when the SEP it follows has no central tendency
    for lang, words in (("en", "central tendency is not available"), ("zh", "没有集中趋势")):
        eve = get_analysis("D2").run(ds, lang=lang)
        gap = [n for n in eve.notes if n.key == "d2.note.no_central_tendency"]
        assert len(gap) == 1 and "2022-03-16" in gap[0].text and words in gap[0].text
    hi = yield_forecast(later, "reserves_to_gdp", sep_statistic="central_tendency_high")
    lo = yield_forecast(later, "reserves_to_gdp", sep_statistic="central_tendency_low")
    # the forecasts differ by the policy coefficient times the gap between the two paths
    c = float(hi.fit.params["policy_rate"])
    gap = (
        _path("2022-07-31", "central_tendency_high")[0]
        - _path("2022-07-31", "central_tendency_low")[0]
    )
    diff = (hi.forecast["mean"] - lo.forecast["mean"]).to_numpy()
    start = hi.forecast.index[0]
    want = c * gap.reindex(hi.forecast.index).to_numpy()
    assert gap[START:].max() > 0 and start <= START
    np.testing.assert_allclose(
        diff[hi.forecast.index >= START], want[hi.forecast.index >= START], atol=1e-9
    )
    d3 = get_analysis("D3").run(later, sep_statistic="central_tendency_high", horizon=24)
    assert any("high end of the central tendency" in n.text for n in d3.notes)


def test_cli_fit_yield_takes_the_statistic() -> None:
    import json

    from typer.testing import CliRunner

    from qtlab.cli import app

    args = ["fit-yield", "--as-of", "2022-07-31", "--json"]
    r = CliRunner().invoke(app, [*args, "--sep-statistic", "central_tendency_high"])
    assert r.exit_code == 0, r.output
    text = json.loads(r.output)["summary"]["policy_path"]
    assert "2022-06-15" in text and "the high end of the central tendency" in text
    bad = CliRunner().invoke(app, [*args, "--sep-statistic", "mean"])
    assert bad.exit_code != 0 and "central_tendency_low" in bad.output
