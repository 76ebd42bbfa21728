"""The runoff engine: security-level projection of the SOMA portfolio under a policy.

>>> from qtlab.engine import project, RealizedPaydowns        # doctest: +SKIP
>>> proj = project(holdings, load_preset("qt2-realized"), "2022-06", 42,
...                mbs_paydowns=RealizedPaydowns(ds.series("soma.mbs")))  # doctest: +SKIP
>>> proj.frame[["treasury", "bills", "mbs", "regime"]]  # doctest: +SKIP
"""

from __future__ import annotations

from qtlab.engine._balance import LIABILITY_COLUMNS, BalanceInputs
from qtlab.engine._setup import MAX_MONTHS
from qtlab.engine.inflation import AssumedTipsAccrual, InflationAssumption, RealizedTipsAccrual
from qtlab.engine.mix import (
    CouponTenor,
    IssuanceMix,
    announced_auction_sizes,
    default_issuance_mix,
    issuance_mix_from_mspd,
    mspd_issuance_mix,
)
from qtlab.engine.paydowns import (
    ConstantPaydownRate,
    PaydownAmounts,
    PaydownPath,
    PaydownSource,
    RealizedPaydowns,
    SplicedPaydowns,
    smm_from_cpr,
)
from qtlab.engine.projection import FRAME_COLUMNS, Projection, project
from qtlab.engine.settlement import DESK_MBS_LAG, DESK_SETTLEMENT_DAY, MbsSettlement

__all__ = [
    "DESK_MBS_LAG",
    "DESK_SETTLEMENT_DAY",
    "FRAME_COLUMNS",
    "LIABILITY_COLUMNS",
    "MAX_MONTHS",
    "AssumedTipsAccrual",
    "BalanceInputs",
    "ConstantPaydownRate",
    "CouponTenor",
    "InflationAssumption",
    "IssuanceMix",
    "MbsSettlement",
    "PaydownAmounts",
    "PaydownPath",
    "PaydownSource",
    "Projection",
    "RealizedPaydowns",
    "RealizedTipsAccrual",
    "SplicedPaydowns",
    "announced_auction_sizes",
    "default_issuance_mix",
    "issuance_mix_from_mspd",
    "mspd_issuance_mix",
    "project",
    "smm_from_cpr",
]
