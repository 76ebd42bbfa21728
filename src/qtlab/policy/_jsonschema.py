"""The JSON Schema of the policy YAML format, built from the policy classes themselves.

Editors and CI pipelines can check a policy file against it before qtlab reads it;
because it is derived from :class:`~qtlab.policy.Regime`'s fields and the allowed
choices in the code, it cannot drift from what :meth:`Policy.from_dict` accepts.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, get_args

from qtlab.policy._endpoint import ENDPOINT_RULE_NAMES
from qtlab.policy._model import MbsExcessTo, MbsSales, Regime, TreasuryRedemption
from qtlab.policy._parts import MAX_AMOUNT, PhaseIn

__all__ = ["policy_json_schema"]

_AMOUNT: dict[str, Any] = {
    "type": "number",
    "minimum": 0,
    "maximum": MAX_AMOUNT,
    "description": "USD bn per month",
}
_CAP: dict[str, Any] = {
    "anyOf": [
        _AMOUNT,
        {"type": "string", "enum": ["uncapped", "inf", "none"]},
    ],
    "description": "USD bn per month, or 'uncapped'",
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "treasury_redemption": get_args(TreasuryRedemption),
    "mbs_excess_to": get_args(MbsExcessTo),
    "mbs_sales": get_args(MbsSales),
}
_SOURCE: dict[str, Any] = {
    "type": "object",
    "description": "the official statement the regime comes from; leave out for a user scenario",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}"},
        "url": {"type": "string", "minLength": 1},
    },
    "required": ["title", "date", "url"],
    "additionalProperties": False,
}


def _field_schema(name: str) -> dict[str, Any]:
    if name == "name":
        return {"type": "string", "minLength": 1}
    if name == "start":
        return {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "YYYY-MM"}
    if name in ("treasury_cap", "agency_cap", "mbs_excess_limit"):
        return _CAP
    if name in ("mbs_sales_amount", "bill_purchases", "coupon_purchases"):
        return _AMOUNT
    if name in _CHOICES:
        return {"type": "string", "enum": list(_CHOICES[name])}
    if name == "source":
        return _SOURCE
    if name == "phase_in":
        props: dict[str, Any] = {
            f.name: ({"type": "integer", "minimum": 1} if f.name == "every_months" else _AMOUNT)
            for f in fields(PhaseIn)
        }
        phase = {
            "type": "object",
            "properties": props,
            "required": list(props),
            "additionalProperties": False,
        }
        return {"anyOf": [phase, {"type": "null"}]}
    if name == "note":
        return {"type": "string"}
    raise AssertionError(f"Regime field {name!r} has no JSON Schema: add it to _field_schema")


def _regime(*, required: list[str], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    props = {f.name: _field_schema(f.name) for f in fields(Regime) if f.name not in skip}
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy YAML file (:meth:`Policy.from_yaml`).

    Money in USD bn per month; months as ``YYYY-MM``. A regime without ``source``
    is a user scenario. The endpoint's ``then`` regime starts the month after the
    endpoint binds, so it has no ``start`` or ``phase_in``.
    """
    required = [
        f.name for f in fields(Regime) if f.default is MISSING and f.default_factory is MISSING
    ]
    names = "|".join(ENDPOINT_RULE_NAMES)
    rule = {
        "description": "NAME: VALUE, 'NAME=VALUE' or 'NAME' (its default); VALUE in (0, 1)",
        "anyOf": [
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "propertyNames": {"enum": list(ENDPOINT_RULE_NAMES)},
                "additionalProperties": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "exclusiveMaximum": 1,
                },
            },
            {"type": "string", "pattern": rf"^\s*({names})\s*(=\s*0?\.\d+\s*)?$"},
        ],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/qtlab/qtlab/schemas/policy.schema.json",
        "title": "qtlab policy",
        "description": "Runoff regimes in force from their start month; money in USD bn/month.",
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "title": {"type": "string"},
            "regimes": {"type": "array", "minItems": 1, "items": _regime(required=required)},
            "endpoint": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "rules": {"type": "array", "minItems": 1, "items": rule},
                            "then": _regime(required=[], skip=("start", "phase_in")),
                        },
                        "required": ["rules"],
                        "additionalProperties": False,
                    },
                    {"type": "null"},
                ]
            },
        },
        "required": ["name", "regimes"],
        "additionalProperties": False,
    }
