"""Liabilities and the balance-sheet identity (C1-C3): H.4.1 identity, ON RRP / TGA /
currency rules along an asset path, nominal GDP extension and endpoint rules.

Model code: no I/O; inputs are plain pandas Series in glossary units ([USD bn],
``Period[M]`` months).
"""

from qtlab.balance.endpoint import (
    ENDPOINT_RULES,
    EndpointResult,
    EndpointRule,
    find_endpoint,
    parse_rule,
)
from qtlab.balance.gdp import DEFAULT_GDP_GROWTH, gdp_assumption, monthly_gdp
from qtlab.balance.identity import (
    BLOCK,
    CONVENTION,
    balance_sheet,
    monthly_balance_sheet,
    on_rrp_weekly,
)
from qtlab.balance.liabilities import (
    DEFAULT_CURRENCY_GROWTH,
    RRP_RULES,
    LiabilityRules,
    LiabilityState,
    assets_from_securities,
    project_liabilities,
    split_reference,
)
from qtlab.balance.models import (
    CurrencyFit,
    CurrencyTrend,
    Decay,
    DecayFit,
    LiabilityModelFit,
    RrpFit,
    RrpSupply,
    TgaFit,
    TgaSeasonal,
)
from qtlab.balance.rmp import RESERVE_TARGETS, reserve_target

__all__ = [
    "BLOCK",
    "CONVENTION",
    "DEFAULT_CURRENCY_GROWTH",
    "DEFAULT_GDP_GROWTH",
    "ENDPOINT_RULES",
    "RESERVE_TARGETS",
    "RRP_RULES",
    "CurrencyFit",
    "CurrencyTrend",
    "Decay",
    "DecayFit",
    "EndpointResult",
    "EndpointRule",
    "LiabilityModelFit",
    "LiabilityRules",
    "LiabilityState",
    "RrpFit",
    "RrpSupply",
    "TgaFit",
    "TgaSeasonal",
    "assets_from_securities",
    "balance_sheet",
    "find_endpoint",
    "gdp_assumption",
    "monthly_balance_sheet",
    "monthly_gdp",
    "on_rrp_weekly",
    "parse_rule",
    "project_liabilities",
    "reserve_target",
    "split_reference",
]
