"""Operations on a SOMA holdings table: maturity ladder, WAM, buckets, MBS cohorts.

Composition by kind, Treasury weighted-average maturity, maturity buckets and
the monthly maturity ladder (bills versus coupon securities); MBS cohorts live in
``qtlab.portfolio.mbs_cohorts`` (prepayment area) and the MBS payment-date rule
shared with the engine in ``qtlab.portfolio.mbs_dates``. Amounts are par
[USD bn] as the NY Fed counts it (current face value for MBS and CMBS); TIPS
inflation compensation is reported separately, never added to par.
"""

from __future__ import annotations

from qtlab.portfolio._ops import (
    COUPON_KINDS,
    DEFAULT_BUCKET_EDGES,
    TREASURY_KINDS,
    composition,
    maturity_buckets,
    maturity_ladder,
    wam_years,
)

__all__ = [
    "COUPON_KINDS",
    "DEFAULT_BUCKET_EDGES",
    "TREASURY_KINDS",
    "composition",
    "maturity_buckets",
    "maturity_ladder",
    "wam_years",
]
