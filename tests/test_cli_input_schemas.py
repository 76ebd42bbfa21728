"""The JSON Schemas of the input files a user writes for the CLI: the forecast file
(``qtlab scorecard --file``) and the issuance mix (``--issuance-mix``).

Both are written by hand (no pydantic model exists for either): the shipped files
validate, and hostile variants the parsers refuse are refused by the schema too. What
only the parsers check (semantic) is listed in each schema's description and tested
here as such.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from qtlab.analyses.scorecard import QUANTITIES, parse_forecasts
from qtlab.engine import IssuanceMix, default_issuance_mix
from qtlab.errors import QtlabError

EXAMPLES = Path(__file__).parents[1] / "examples"


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((EXAMPLES / "schemas" / name).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _as_json(data: Any) -> Any:
    """YAML data as an editor's JSON Schema support sees them (dates as ISO strings)."""
    return json.loads(json.dumps(data, default=str))


def _shipped_forecasts() -> list[tuple[str, Any]]:
    folder = importlib.resources.files("qtlab.analyses") / "forecasts"
    files = [(p.name, p.read_text("utf-8")) for p in folder.iterdir() if p.name.endswith(".yaml")]
    files.append(("my-forecasts.yaml", (EXAMPLES / "my-forecasts.yaml").read_text("utf-8")))
    return [(n, yaml.safe_load(t)) for n, t in sorted(files)]


# -- forecasts -----------------------------------------------------------------------------


def test_every_shipped_forecast_file_and_the_example_validate() -> None:
    v = _validator("forecast.schema.json")
    files = _shipped_forecasts()
    assert len(files) >= 2
    for name, doc in files:
        parse_forecasts(doc, file=name)  # the parser takes them too
        errors = [e.message for e in v.iter_errors(_as_json(doc))]
        assert not errors, (name, errors[:3])


def test_the_forecast_schema_names_every_quantity_in_its_kind() -> None:
    schema = json.loads((EXAMPLES / "schemas" / "forecast.schema.json").read_text("utf-8"))
    item = schema["properties"]["forecasts"]["items"]
    assert item["properties"]["quantity"]["enum"] == list(QUANTITIES)
    kinds = [c["if"]["properties"]["quantity"]["enum"] for c in item["allOf"][:3]]
    months = [k for k, q in QUANTITIES.items() if q.units == "month"]
    yesno = [k for k, q in QUANTITIES.items() if q.units == "yes/no"]
    assert kinds[0] == months and kinds[1] == yesno
    assert sorted(kinds[2]) == sorted(set(QUANTITIES) - set(months) - set(yesno))
    assert item["allOf"][3]["if"]["properties"]["quantity"]["enum"] == [
        k for k, q in QUANTITIES.items() if q.needs == "date"
    ]
    assert item["allOf"][4]["if"]["properties"]["quantity"]["enum"] == [
        k for k, q in QUANTITIES.items() if q.needs == "threshold"
    ]


_ENTRY = {
    "quantity": "ten_year_peak_level",
    "value": 3.1,
    "made": "2022-05-31",
    "horizon": "2024-12",
    "source": "a user",
}


def _doc(**change: Any) -> dict[str, Any]:
    e = {k: v for k, v in {**_ENTRY, **change}.items() if v is not None}
    return {"forecasts": [e]}


HOSTILE_FORECASTS: dict[str, Any] = {
    "not a mapping": ["x"],
    "no forecasts list": {"forecasts": {"quantity": "x"}},
    "an entry not a mapping": {"forecasts": ["x"]},
    "unknown quantity": _doc(quantity="ten_year_peak"),
    "made not a date": _doc(made="31/05/2022"),
    "made not in the calendar": _doc(made="2022-02-30"),
    "no made": {"forecasts": [{k: v for k, v in _ENTRY.items() if k != "made"}]},
    "text for a number": _doc(value="high"),
    "month value not a month": _doc(quantity="runoff_end_month", value="soon"),
    "yes/no value not yes or no": _doc(quantity="coupons_short_of_cap", value="maybe"),
    "dated quantity without a date": _doc(quantity="dollar_index_at", value=105.0),
    "threshold quantity without one": _doc(quantity="ten_year_first_above", value="2023-06"),
    "threshold not a number": _doc(
        quantity="ten_year_first_above", value="2023-06", threshold="high"
    ),
    "horizon not a month": _doc(horizon="late 2024"),
    "no source anywhere": _doc(source=None),
}

#: What only the parser refuses (the schema cannot say it).
SEMANTIC_FORECASTS: dict[str, Any] = {
    "horizon not after made": _doc(horizon="2022-05"),
    "a non-finite number": _doc(value=float("inf")),
}


@pytest.mark.parametrize("case", list(HOSTILE_FORECASTS))
def test_a_forecast_file_the_parser_refuses_the_schema_refuses(case: str) -> None:
    doc = HOSTILE_FORECASTS[case]
    with pytest.raises(QtlabError):
        parse_forecasts(doc, file="hostile.yaml")
    assert not _validator("forecast.schema.json").is_valid(_as_json(doc)), case


@pytest.mark.parametrize("case", list(SEMANTIC_FORECASTS))
def test_semantic_forecast_checks_are_the_parsers_only(case: str) -> None:
    doc = SEMANTIC_FORECASTS[case]
    with pytest.raises(QtlabError):
        parse_forecasts(doc, file="hostile.yaml")
    if case != "a non-finite number":  # JSON has no infinity; YAML's .inf is a float
        assert _validator("forecast.schema.json").is_valid(_as_json(doc)), case


# -- issuance mix --------------------------------------------------------------------------


def test_the_example_and_the_packaged_mixes_validate() -> None:
    v = _validator("issuance-mix.schema.json")
    example = yaml.safe_load((EXAMPLES / "issuance-mix-user.yaml").read_text("utf-8"))
    IssuanceMix.from_yaml(EXAMPLES / "issuance-mix-user.yaml")  # the parser takes it
    for name, data in (("example", example), ("default", default_issuance_mix().to_dict())):
        errors = [e.message for e in v.iter_errors(_as_json(data))]
        assert not errors, (name, errors[:3])


def _mix(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    d = copy.deepcopy(default_issuance_mix().to_dict())
    change(d)
    return d


def _first_tenor(d: dict[str, Any]) -> dict[str, Any]:
    t: dict[str, Any] = d["coupons"]["mid"][0]
    return t


HOSTILE_MIXES: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown key": lambda d: d.update(bill_share=0.2),
    "unknown bill key": lambda d: d["bills"][0].update(tenor=4),
    "unknown tenor key": lambda d: _first_tenor(d).update(coupon=2.0),
    "no bills": lambda d: d.pop("bills"),
    "no coupons at month end": lambda d: d["coupons"].pop("end"),
    "a third settlement half": lambda d: d["coupons"].update(start=d["coupons"]["mid"]),
    "bill share above 1": lambda d: d.update(treasury_bill_share=1.5),
    "bill tenor of 0 weeks": lambda d: d["bills"][0].update(weeks=0),
    "bill tenor of 61 weeks": lambda d: d["bills"][0].update(weeks=61),
    "tenor kind unknown": lambda d: _first_tenor(d).update(kind="bond"),
    "tenor day unknown": lambda d: _first_tenor(d).update(day="1"),
    "tenor months 0": lambda d: _first_tenor(d).update(months=0),
    "tenor share negative": lambda d: _first_tenor(d).update(share=-0.1),
    "addon month 13": lambda d: _first_tenor(d).update(addon_months=[13]),
    "auction month not a month": lambda d: d.update(auction_sizes={"2022-13": {}}),
    "auction half unknown": lambda d: d.update(auction_sizes={"2022-03": {"start": {}}}),
    "auction amount text": lambda d: d.update(
        auction_sizes={"2022-03": {"mid": {"3y nominal": "big"}}}
    ),
}

#: What only the parser refuses (sums, and the calendar of every month).
SEMANTIC_MIXES: dict[str, Callable[[dict[str, Any]], None]] = {
    "bill shares do not sum to 1": lambda d: d["bills"][0].update(share=0.5),
    "a month no tenor takes": lambda d: [t.update(addon_months=[1]) for t in d["coupons"]["mid"]],
}


@pytest.mark.parametrize("case", list(HOSTILE_MIXES))
def test_a_mix_the_parser_refuses_the_schema_refuses(case: str) -> None:
    d = _mix(HOSTILE_MIXES[case])
    with pytest.raises(QtlabError):
        IssuanceMix.from_dict(d)
    assert not _validator("issuance-mix.schema.json").is_valid(_as_json(d)), case


@pytest.mark.parametrize("case", list(SEMANTIC_MIXES))
def test_semantic_mix_checks_are_the_parsers_only(case: str) -> None:
    d = _mix(SEMANTIC_MIXES[case])
    with pytest.raises(QtlabError):
        IssuanceMix.from_dict(d)
    assert _validator("issuance-mix.schema.json").is_valid(_as_json(d)), case
