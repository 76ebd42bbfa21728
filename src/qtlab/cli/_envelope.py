"""The JSON every ``qtlab`` command prints (schema version 2): one envelope.

``schema_version``, ``command``, ``as_of`` (the vantage date, ``null`` = latest data),
``options`` (the options as given, normalised; the horizon is ``horizon_months``),
``units`` (``{field: unit}`` in the glossary's unit names, for every number in the
rows), ``rows`` (the records; a monthly record starts with ``month`` ``YYYY-MM``),
``summary``, ``assumptions`` (sentences), then the command's own keys.
:func:`envelope` builds it (every command calls it); :func:`output_json_schema` is its
JSON Schema, shipped as ``examples/schemas/cli-output.schema.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from qtlab import schema as glossary
from qtlab.schema import STOCK_COLUMNS, USD_BN, USD_BN_PER_MONTH

__all__ = [
    "COMMANDS",
    "ENVELOPE_KEYS",
    "FIELD_UNITS",
    "GLOSSARY_UNITS",
    "envelope",
    "output_json_schema",
]

#: Every unit name of the glossary (:mod:`qtlab.schema`), the values ``units`` may hold.
GLOSSARY_UNITS: tuple[str, ...] = (
    glossary.USD_BN,
    glossary.USD_BN_PER_MONTH,
    glossary.EUR_BN,
    glossary.EUR_BN_PER_MONTH,
    glossary.PERCENT,
    glossary.PERCENTAGE_POINTS,
    glossary.PERCENT_OF_PEAK,
    glossary.PERCENT_OF_PEAK_PER_MONTH,
    glossary.INDEX,
    glossary.MONTHS,
    glossary.YEARS,
    glossary.PER_MONTH,
    glossary.DIMENSIONLESS,
    glossary.ROW_UNITS,
)

#: The commands that print JSON, by the name they write in ``command``.
COMMANDS: tuple[str, ...] = (
    "data status",
    "ladder",
    "project",
    "backtest",
    "forward",
    "fit-yield",
    "endpoint",
    "scorecard",
    "prepay",
    "sweep",
    "list",
    "show",
)

#: The unit of each row field the commands print, by name (glossary unit names). A
#: command whose field has another unit (a rate called ``mean``) passes it to
#: :func:`envelope`.
FIELD_UNITS: dict[str, str] = {
    **dict.fromkeys(
        (
            *STOCK_COLUMNS,
            "total_assets",
            "reserves",
            "on_rrp",
            "tga",
            "currency_other",
            "projected",
            "realized",
        ),
        USD_BN,
    ),
    **dict.fromkeys(
        (
            "bills_maturing",
            "coupons_maturing",
            "treasury_cap",
            "agency_cap",
            "mbs_cap",
            "coupon_redemptions",
            "bill_redemptions",
            "rolled_over",
            "coupon_shortfall",
            "mbs_paydowns",
            "mbs_reinvested",
            "agency_to_treasuries",
            "mbs_sales",
            "purchases",
            "bill_purchases",
            "scheduled",
            "prepaid",
            "paydowns",
            "shortfall",
        ),
        USD_BN_PER_MONTH,
    ),
}

#: The keys every command's JSON object starts with, in this order.
ENVELOPE_KEYS = (
    "schema_version",
    "command",
    "as_of",
    "options",
    "units",
    "rows",
    "summary",
    "assumptions",
)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def envelope(
    *,
    as_of: Any,
    options: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]] = (),
    units: Mapping[str, str] | None = None,
    summary: Mapping[str, Any] | None = None,
    assumptions: Iterable[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """The JSON payload of a command (schema version 2, without ``schema_version`` and
    ``command``, which :func:`emit` adds): ``as_of`` (a date, or ``None`` = latest data,
    written ``YYYY-MM-DD``), ``options`` (the options as given, normalised; the horizon
    as ``horizon_months``), ``units`` (:data:`FIELD_UNITS` of the row fields, updated by
    ``units``), ``rows``, ``summary``, ``assumptions`` and the command's ``extra`` keys.

    A number in the rows without a unit is a programming error (``ValueError``): every
    number a command prints says what it is measured in."""
    fields: dict[str, None] = {}
    for r in rows:
        fields.update((k, None) for k, v in r.items() if _is_number(v) or k in FIELD_UNITS)
    given = dict(units or {})
    unit_map = {k: given.pop(k, FIELD_UNITS.get(k)) for k in fields}
    missing = [k for k, u in unit_map.items() if u is None]
    if missing:
        raise ValueError(f"row fields without a unit: {', '.join(missing)}")
    unit_map.update(given)  # units of the summary's fields, where the command gives them
    clash = set(extra) & set(ENVELOPE_KEYS)
    if clash:
        raise ValueError(f"envelope keys given as extra keys: {', '.join(sorted(clash))}")
    day = as_of.isoformat() if hasattr(as_of, "isoformat") else as_of
    return {
        "as_of": None if day is None else str(day)[:10],
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in options.items()},
        "units": unit_map,
        "rows": [dict(r) for r in rows],
        "summary": dict(summary or {}),
        "assumptions": [str(a) for a in assumptions],
        **extra,
    }


def output_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the envelope every command prints; a command's
    own keys follow the envelope's and are not described here."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/qtlab/qtlab/schemas/cli-output.schema.json",
        "title": "qtlab command output (--format json), schema version 2",
        "description": "The object every qtlab command prints with --format json (or "
        "--json): the vantage, the options as given, the unit of every number in the rows, "
        "the rows, a summary and the assumptions; the command's own keys follow. Amounts "
        "in USD bn, rates in percent, months YYYY-MM, dates YYYY-MM-DD.",
        "type": "object",
        "required": list(ENVELOPE_KEYS),
        "properties": {
            "schema_version": {"const": 2, "description": "Raised when a key changes meaning."},
            "command": {"enum": list(COMMANDS), "description": "The command that printed it."},
            "as_of": {
                "description": "The vantage date (only data visible then); null: latest data.",
                "oneOf": [
                    {"type": "null"},
                    {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                ],
            },
            "options": {
                "type": "object",
                "description": "The options as given, normalised: snake_case names, the "
                "horizon as horizon_months, preset names as packaged.",
                "propertyNames": {
                    "pattern": "^[a-z][a-z0-9_]*$",
                    "not": {"enum": ["months", "horizon"]},
                },
            },
            "units": {
                "type": "object",
                "description": "The unit of every numeric field of the rows (and of summary "
                "fields where given), in the glossary's unit names (qtlab.schema).",
                "additionalProperties": {"enum": list(GLOSSARY_UNITS)},
            },
            "rows": {
                "type": "array",
                "description": "The records; a monthly record starts with month (YYYY-MM).",
                "items": {
                    "type": "object",
                    "properties": {"month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
                },
            },
            "summary": {
                "type": "object",
                "description": "Summaries of the rows (horizons as horizon_months).",
            },
            "assumptions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "What the result rests on, as sentences.",
            },
        },
        "additionalProperties": True,
    }
