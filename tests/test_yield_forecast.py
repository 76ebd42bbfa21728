"""The one yield-forecast recipe (:func:`qtlab.runs.yield_forecast.chosen_forecasts`).

D2, D3, the scorecard and ``qtlab fit-yield`` each wrote out "stopped path -> chosen
specification -> forecast" until it became one helper. These tests pin that the helper
is that recipe, with each caller's arguments, and that each caller gives the helper's
forecast (as of 2022-05-31, the vantage of the golden hashes).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from _contexts import shared
from qtlab.analyses.d2_yield import compute_d2
from qtlab.analyses.d3_interest import interest_model
from qtlab.cli import app
from qtlab.impact import INDICATORS
from qtlab.runs import RunContext
from qtlab.runs.liabilities import stopped_path
from qtlab.runs.yield_forecast import (
    PATH_MONTHS,
    ChosenForecasts,
    YieldForecast,
    chosen_forecasts,
    yield_forecast,
)
from qtlab.runs.yield_spec import choose_default

VANTAGE = "2022-05-31"

#: Each caller's arguments: (indicators, spec, sample, horizon, path months).
CALLERS = {
    "d2": (tuple(INDICATORS), None, (None, None), None, PATH_MONTHS),
    "d3": (("reserves_to_debt",), None, (None, None), 60, 60),  # interest_model's default
    "fit-yield": (("reserves_to_gdp",), "levels-2009", (None, None), 12, 12),  # --months 12
    "fit-yield-sample": (("reserves_to_debt",), None, ("2009-01", None), None, PATH_MONTHS),
}


@pytest.fixture(scope="module")
def ctx() -> RunContext:
    return shared(VANTAGE)


def _same(a: YieldForecast, b: YieldForecast) -> None:
    pd.testing.assert_frame_equal(a.forecast, b.forecast)
    pd.testing.assert_series_equal(a.fit.params, b.fit.params)
    assert a.fit.sample == b.fit.sample and a.fit.form == b.fit.form
    assert a.peak == b.peak
    assert a.policy_source == b.policy_source and a.assumptions == b.assumptions


@pytest.mark.parametrize("caller", CALLERS)
def test_the_helper_is_the_recipe_written_out(ctx: RunContext, caller: str) -> None:
    indicators, spec, sample, horizon, months = CALLERS[caller]
    made = chosen_forecasts(
        ctx, indicators, spec=spec, sample=sample, horizon=horizon, path_months=months
    )
    # the recipe as the callers wrote it before the helper
    path = stopped_path(ctx, horizon=months)
    choice = choose_default(path[0], path[1], spec, sample)
    assert made.choice.spec == choice.spec and made.choice.mode == choice.mode
    assert made.choice.sample == choice.sample and made.choice.form == choice.form
    pd.testing.assert_frame_equal(made.path[1], path[1])
    assert list(made.forecasts) == list(indicators)
    for i in indicators:
        before = yield_forecast(
            ctx, i, sample=choice.sample, form=choice.form, horizon=horizon, inputs=path
        )
        _same(made.forecasts[i], before)
    if spec is None and sample == (None, None):  # the out-of-sample rule chose
        assert made.choice.mode == "rule"


@pytest.fixture(scope="module")
def d2_made(ctx: RunContext) -> ChosenForecasts:
    return chosen_forecasts(ctx)


def test_d2_forecasts_are_the_helpers(ctx: RunContext, d2_made: ChosenForecasts) -> None:
    table = compute_d2(ctx).tables["forecast"]
    for i, yf in d2_made.forecasts.items():
        mine = table[table["indicator_name"] == i]
        np.testing.assert_array_equal(mine["mean"].to_numpy(), yf.forecast["mean"].to_numpy())
        np.testing.assert_array_equal(mine["upper"].to_numpy(), yf.forecast["upper"].to_numpy())
        assert list(mine.index) == list(yf.forecast.index)


def test_d3_ten_year_is_the_helpers(ctx: RunContext) -> None:
    made = chosen_forecasts(ctx, ("reserves_to_debt",), horizon=60, path_months=60)
    m = interest_model(ctx)
    _same(m["forecast"], made.forecasts["reserves_to_debt"])
    assert m["spec"] == made.choice.spec


def test_fit_yield_prints_the_helpers_forecast(ctx: RunContext) -> None:
    made = chosen_forecasts(
        ctx, ("reserves_to_gdp",), spec="levels-2009", horizon=12, path_months=12
    )
    args = ["fit-yield", "--indicator", "reserves_to_gdp", "--as-of", VANTAGE]
    r = CliRunner().invoke(app, [*args, "--spec", "levels-2009", "--months", "12", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    fc = made.forecasts["reserves_to_gdp"].forecast
    assert [row["month"] for row in doc["rows"]] == [str(m) for m in fc.index]
    np.testing.assert_allclose([row["mean"] for row in doc["rows"]], fc["mean"], rtol=1e-12)
    assert doc["summary"]["spec"] == "levels-2009" and doc["summary"]["mode"] == "spec"
