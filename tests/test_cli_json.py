"""The JSON every command prints (schema version 2): one envelope, validated against the
shipped JSON Schema, with a unit for every number in the rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from qtlab.cli import app

# private on purpose: the CLI's JSON envelope and its schema
from qtlab.cli._envelope import (
    COMMANDS,
    ENVELOPE_KEYS,
    GLOSSARY_UNITS,
    envelope,
    output_json_schema,
)
from qtlab.schema import USD_BN

#: every command end to end (about 30 s): run once, not again at the lowest versions
pytestmark = pytest.mark.slow

SCHEMA_FILE = Path(__file__).parents[1] / "examples" / "schemas" / "cli-output.schema.json"

#: One run of every command that prints JSON, small enough to be quick.
RUNS: dict[str, list[str]] = {
    "data status": ["data", "status", "--as-of", "2022-05-31"],
    "ladder": ["ladder", "--policy", "qt2-announced", "--start", "2022-06", "--months", "3"],
    "project": [
        *("project", "--policy", "qt2-announced", "--start", "2022-06", "--months", "3"),
        *("--rule", "reserves_peak_fraction"),
    ],
    "backtest": ["backtest"],
    "forward": ["forward", "--months", "3", "--as-of", "2024-12-31"],
    "fit-yield": ["fit-yield", "--as-of", "2022-05-31", "--months", "12"],
    "recipe": ["fit-yield", "--recipe", "industrial-bank-2022-05", "--as-of", "2022-05-31"],
    "endpoint": ["endpoint", "--months", "24", "--as-of", "2022-05-31"],
    "scorecard": ["scorecard", "--as-of", "2023-12-31"],
    "prepay": ["prepay", "--months", "6", "--as-of", "2022-05-31"],
    "sweep": ["sweep", "--paths", "20", "--months", "3", "--as-of", "2024-12-31"],
    "list": ["list"],
    "show": ["show", "A3", "--as-of", "2024-12-31"],
}


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict[str, Any]]:
    res = {}
    for name, args in RUNS.items():
        r = CliRunner().invoke(app, [*args, "--format", "json"])
        assert r.exit_code == 0, (name, r.stderr, r.exception)
        res[name] = json.loads(r.stdout)
    return res


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_schema_is_the_one_the_code_builds() -> None:
    assert json.loads(SCHEMA_FILE.read_text("utf-8")) == output_json_schema(), (
        "examples/schemas/cli-output.schema.json is stale: regenerate it from "
        "qtlab.cli._envelope.output_json_schema()"
    )


def test_every_command_that_prints_json_is_run_here() -> None:
    names = {name for name in RUNS if name != "recipe"}
    assert names == set(COMMANDS)


@pytest.mark.parametrize("name", list(RUNS))
def test_every_command_prints_the_envelope_the_schema_describes(
    outputs: dict[str, dict[str, Any]], name: str
) -> None:
    obj = outputs[name]
    _validator().validate(obj)
    assert list(obj)[: len(ENVELOPE_KEYS)] == list(ENVELOPE_KEYS)
    assert obj["command"] == ("fit-yield" if name == "recipe" else name)


@pytest.mark.parametrize("name", list(RUNS))
def test_units_cover_every_number_of_the_rows_and_months_come_first(
    outputs: dict[str, dict[str, Any]], name: str
) -> None:
    obj = outputs[name]
    for row in obj["rows"]:
        for k, v in row.items():
            if isinstance(v, int | float) and not isinstance(v, bool):
                assert obj["units"].get(k) in GLOSSARY_UNITS, (name, k)
        if "month" in row:
            assert next(iter(row)) == "month", (name, row)
    assert "months" not in obj and "months" not in obj["options"]
    assert "horizon" not in obj["options"]


def test_monthly_rows_and_the_horizon_have_one_name_across_commands(
    outputs: dict[str, dict[str, Any]],
) -> None:
    for name in ("ladder", "project", "forward", "prepay", "sweep", "fit-yield", "backtest"):
        rows = outputs[name]["rows"]
        assert rows, name
        assert all(len(r["month"]) == 7 for r in rows), name
    assert outputs["ladder"]["options"]["horizon_months"] == 3
    assert outputs["forward"]["options"]["horizon_months"] == 3
    assert outputs["prepay"]["options"]["horizon_months"] == 6
    assert outputs["endpoint"]["options"]["horizon_months"] == 24
    assert outputs["ladder"]["units"]["bills_maturing"] == "USD bn per month"
    assert outputs["project"]["units"]["treasury"] == USD_BN
    assert outputs["fit-yield"]["units"]["mean"] == "percent"
    assert outputs["sweep"]["units"]["q50"] == "units of the row"
    assert {r["unit"] for r in outputs["sweep"]["rows"]} <= set(GLOSSARY_UNITS)


def test_as_of_is_the_vantage_or_null(outputs: dict[str, dict[str, Any]]) -> None:
    assert outputs["ladder"]["as_of"] == "2022-05-31"  # the eve of --start
    assert outputs["prepay"]["as_of"] == "2022-05-31"
    assert outputs["backtest"]["as_of"] is None  # the episode fixes its files
    assert outputs["list"]["as_of"] is None


def test_json_alias_prints_the_same_object() -> None:
    args = RUNS["ladder"]
    a = CliRunner().invoke(app, [*args, "--json"]).stdout
    b = CliRunner().invoke(app, [*args, "--format", "json"]).stdout
    assert a == b


def test_a_number_without_a_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="without a unit: widgets"):
        envelope(as_of=None, options={}, rows=[{"month": "2022-06", "widgets": 1.0}])
    ok = envelope(
        as_of=None,
        options={},
        rows=[{"month": "2022-06", "widgets": 1.0}],
        units={"widgets": USD_BN},
    )
    assert ok["units"] == {"widgets": USD_BN}
    with pytest.raises(ValueError, match="extra keys: schema_version"):
        envelope(as_of=None, options={}, schema_version=1)


def test_the_schema_refuses_what_the_envelope_never_prints(
    outputs: dict[str, dict[str, Any]],
) -> None:
    v = _validator()
    good = outputs["ladder"]
    bad = [
        {**good, "schema_version": 1},
        {**good, "units": {"bills_maturing": "USD billions"}},
        {**good, "options": {**good["options"], "months": 3}},
        {**good, "as_of": "31/05/2022"},
        {k: v for k, v in good.items() if k != "assumptions"},
        {**good, "rows": [{"month": "June 2022"}]},
    ]
    for obj in bad:
        assert not v.is_valid(obj), obj
