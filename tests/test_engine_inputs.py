"""One recipe for "run the engine from the data": ``qtlab.runs.runoff.engine_inputs``.

The recipe adds to the holdings and the policy what the data say (realized MBS
paydowns, TIPS accrual measured in the weekly data, the last taper purchases, the Desk's
MBS settlement lag). A user who hands these inputs to the public ``qtlab.engine.project``
gets the numbers of ``qtlab project`` to the cent; the holdings and the policy alone give
other numbers (4,001.1 vs 3,985.1 bn of Treasuries at 2024-05 when this was found).
"""

from __future__ import annotations

import json

import pandas as pd

from _helpers import run_cli
from qtlab.engine import Projection, project
from qtlab.policy import load_preset
from qtlab.runs import RunContext
from qtlab.runs.runoff import EngineInputs, engine_inputs, run_projection

VANTAGE = "2022-05-31"
MONTHS = 36
_COLS = ("bills", "notes_bonds", "tips", "frn", "treasury", "tips_inflation_comp", "mbs")


def _inputs(ctx: RunContext) -> EngineInputs:
    return engine_inputs(ctx, "qt2-announced", "2022-06")


def test_the_engine_on_the_recipes_inputs_gives_the_cli_numbers_to_the_cent():
    with RunContext(VANTAGE, use_store=False) as ctx:
        inp = _inputs(ctx)
        assert inp.policy == load_preset("qt2-announced").known_at(ctx.as_of)
        mine = project(months=MONTHS, **inp.kwargs())
        same = project(
            inp.holdings,
            inp.policy,
            inp.start,
            MONTHS,
            mbs_paydowns=inp.mbs_paydowns,
            tips_accrual=inp.tips_accrual,
            purchases=inp.purchases,
            mbs_settlement=inp.mbs_settlement,
        )
        recipe = run_projection(ctx, "qt2-announced", "2022-06", MONTHS)
        bare = project(inp.holdings, inp.policy, inp.start, MONTHS, mbs_paydowns=inp.mbs_paydowns)
    assert isinstance(mine, Projection)
    pd.testing.assert_frame_equal(mine.frame, recipe.frame)
    pd.testing.assert_frame_equal(same.frame, recipe.frame)
    # what the recipe adds matters: the engine without it gives other numbers
    assert abs(bare.frame["treasury"] - mine.frame["treasury"]).max() > 1.0

    res = run_cli(
        "project",
        "--policy",
        "qt2-announced",
        "--start",
        "2022-06",
        "--months",
        str(MONTHS),
        "--as-of",
        VANTAGE,
        "--json",
    )
    assert res.exit_code == 0, res.output
    rows = {r["month"]: r for r in json.loads(res.stdout)["rows"]}
    assert len(rows) == MONTHS
    for month, row in mine.frame.iterrows():
        got = rows[str(month)]
        for c in _COLS:
            assert round(got[c], 2) == round(float(row[c]), 2), (month, c)


def test_an_issuance_mix_round_trips_through_yaml(tmp_path):
    import yaml

    from qtlab.engine import IssuanceMix, default_issuance_mix
    from qtlab.errors import SpecError

    mix = default_issuance_mix()
    f = tmp_path / "mix.yaml"
    f.write_text(yaml.safe_dump(mix.to_dict()), encoding="utf-8")
    assert IssuanceMix.from_yaml(f) == mix
    (tmp_path / "bad.yaml").write_text("- 1\n", encoding="utf-8")
    import pytest

    with pytest.raises(SpecError, match=r"bad\.yaml.*not a mapping"):
        IssuanceMix.from_yaml(tmp_path / "bad.yaml")
    with pytest.raises(SpecError, match="no such file"):
        IssuanceMix.from_yaml(tmp_path / "missing.yaml")
