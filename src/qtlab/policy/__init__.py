"""Runoff policies: ordered regimes of caps and composition rules, and presets.

>>> from qtlab.policy import load_preset
>>> p = load_preset("qt2-announced")
>>> p.cap_path("2022-06", "2022-09")["treasury_cap"].tolist()
[30.0, 30.0, 30.0, 60.0]
"""

from __future__ import annotations

from qtlab._periods import to_month
from qtlab.policy._endpoint import (
    ENDPOINT_RULE_DEFAULTS,
    ENDPOINT_RULE_NAMES,
    Endpoint,
    EndpointCondition,
    default_endpoint_regime,
)
from qtlab.policy._jsonschema import policy_json_schema
from qtlab.policy._model import (
    CAP_PATH_COLUMNS,
    MAX_AMOUNT,
    MbsExcessTo,
    MbsSales,
    PhaseIn,
    Policy,
    Regime,
    RegimeSource,
    TreasuryRedemption,
)
from qtlab.policy._presets import (
    HISTORY_PRESETS,
    PRESET_NAMES,
    load_preset,
    preset_in_force,
    presets,
)

__all__ = [
    "CAP_PATH_COLUMNS",
    "ENDPOINT_RULE_DEFAULTS",
    "ENDPOINT_RULE_NAMES",
    "HISTORY_PRESETS",
    "MAX_AMOUNT",
    "PRESET_NAMES",
    "Endpoint",
    "EndpointCondition",
    "MbsExcessTo",
    "MbsSales",
    "PhaseIn",
    "Policy",
    "Regime",
    "RegimeSource",
    "TreasuryRedemption",
    "default_endpoint_regime",
    "load_preset",
    "policy_json_schema",
    "preset_in_force",
    "presets",
    "to_month",
]
