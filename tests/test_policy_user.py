"""User scenarios: regimes without an official source, ``Policy.with_caps`` /
``with_regime``, the policy JSON Schema and the example input files."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from qtlab.cli import app
from qtlab.errors import SpecError
from qtlab.policy import (
    Policy,
    Regime,
    RegimeSource,
    load_preset,
    policy_json_schema,
    presets,
)
from qtlab.runs.options import read_rate_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_a_regime_without_source_is_a_user_scenario_known_at_every_vantage():
    r = Regime(name="my-plan", start="2026-01", treasury_cap=10, agency_cap=35)
    assert r.source == RegimeSource.user_scenario()
    assert r.source.is_user and r.source.title == "user scenario"
    assert r.announced == date.min
    assert "source" not in r.to_dict()
    pol = Policy.from_dict({"name": "mine", "regimes": [r.to_dict()]})
    assert pol.regimes[0] == r
    assert pol.known_at(date(2017, 1, 1)) is pol  # stated by the user, at any vantage


def test_an_official_source_must_be_whole():
    with pytest.raises(SpecError, match=r"url is empty.*leave the source out"):
        RegimeSource("Statement", "2022-05-04", "")
    bad = {
        "name": "x",
        "start": "2026-01",
        "treasury_cap": 1,
        "agency_cap": 1,
        "source": {"title": "Statement", "date": "2022-05-04"},
    }
    with pytest.raises(SpecError, match="or be left out"):
        Regime.from_dict(bad)


def test_with_caps_splits_the_regime_and_does_not_inherit_its_citation():
    p = load_preset("qt2-announced")
    q = p.with_caps(treasury=30, start="2023-01")
    assert [r.name for r in q.regimes] == ["qt2-phase-in", "qt2-full-pace", "qt2-full-pace@2023-01"]
    new = q.regimes[-1]
    assert new.source.is_user
    assert "qt2-full-pace" in new.note and p.regimes[-1].source.title in new.note
    caps = q.cap_path("2022-12", "2023-02")
    assert caps["treasury_cap"].tolist() == [60.0, 30.0, 30.0]
    assert caps["agency_cap"].tolist() == [35.0, 35.0, 35.0]  # left as it was
    # months before the change keep the official regimes, citations and all
    assert q.regimes[:2] == p.regimes


def test_with_caps_on_a_whole_regime_keeps_its_name_and_drops_the_phase_in():
    p = load_preset("qt2-announced")
    q = p.with_caps(agency=math.inf)
    first = q.regimes[0]
    assert first.name == "qt2-phase-in" and first.phase_in is None and first.source.is_user
    assert first.agency_cap == math.inf and first.treasury_cap == p.regimes[0].treasury_cap
    with pytest.raises(SpecError, match="give treasury= or agency="):
        p.with_caps(start="2023-01")


def test_with_regime_replaces_the_regime_of_its_month_and_keeps_the_rest():
    p = load_preset("qt2-announced")
    r = Regime(name="pause", start="2022-09", treasury_cap=0, agency_cap=0)
    q = p.with_regime(r)
    assert [x.name for x in q.regimes] == ["qt2-phase-in", "pause"]
    later = Regime(name="restart", start="2024-01", treasury_cap=15, agency_cap=10)
    assert [x.name for x in q.with_regime(later).regimes] == ["qt2-phase-in", "pause", "restart"]
    with pytest.raises(SpecError, match="needs a Regime"):
        p.with_regime("pause")  # type: ignore[arg-type]


def _validator() -> jsonschema.Draft202012Validator:
    schema = policy_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_schema_is_the_one_the_code_builds():
    committed = json.loads((EXAMPLES / "schemas" / "policy.schema.json").read_text("utf-8"))
    assert committed == policy_json_schema(), (
        "examples/schemas/policy.schema.json is stale: regenerate it from "
        "qtlab.policy.policy_json_schema()"
    )


@pytest.mark.parametrize("name", presets())
def test_every_preset_file_satisfies_the_schema(name):
    v = _validator()
    v.validate(load_preset(name).to_dict())


def test_the_example_policy_satisfies_the_schema_and_loads():
    doc = yaml.safe_load((EXAMPLES / "policy-user.yaml").read_text("utf-8"))
    _validator().validate(doc)
    pol = Policy.from_yaml(EXAMPLES / "policy-user.yaml")
    assert all(r.source.is_user for r in pol.regimes) and pol.endpoint is not None


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"treasury_redemption": "largest_first"}, "treasury_redemption"),
        ({"treasury_cap": -5}, "treasury_cap"),
        ({"colour": "red"}, "colour"),
        ({"start": "June 2024"}, "start"),
    ],
)
def test_the_schema_and_the_reader_reject_the_same_mistakes(change, match):
    doc = yaml.safe_load((EXAMPLES / "policy-user.yaml").read_text("utf-8"))
    doc["regimes"][0].update(change)
    assert list(_validator().iter_errors(doc)), f"the schema accepted {change}"
    with pytest.raises(SpecError, match=match):
        Policy.from_dict(doc)


def test_the_example_policy_projects_from_the_cli():
    res = CliRunner().invoke(
        app,
        [
            "project",
            "--policy",
            str(EXAMPLES / "policy-user.yaml"),
            "--start",
            "2024-06",
            "--months",
            "12",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["schema_version"] >= 2


def test_the_example_mortgage_rate_path_reads():
    s = read_rate_file(EXAMPLES / "mortgage-rate.csv")
    assert str(s.index[0]) == "2025-01" and s.between(0, 100).all()


def test_the_example_forecast_file_reads():
    from qtlab.analyses.scorecard import load_forecasts  # the forecast file format lives in E1

    fc = load_forecasts(EXAMPLES / "my-forecasts.yaml")
    assert len(fc) == 2
