"""Reserve-management purchases (C3, F1): the reserves the Fed holds after runoff.

After runoff ends the Fed buys bills so that reserves stay ample. :func:`reserve_target`
states the level it holds, month by month [USD bn]; the engine buys, each month, the bills
that lift reserves to it (none when reserves are above it):

- ``"fomc-2025-12"`` (default): reserves at their level when runoff ended, growing with
  the non-reserve liabilities (TGA + currency + other liabilities and capital), as the
  FOMC's December 2025 statement and implementation note describe (reserve-management
  purchases of bills to keep reserves ample, offsetting growth of non-reserve liabilities);
- ``"level"``: a constant level [USD bn];
- ``"gdp_share"``: a share of nominal GDP;
- ``"bank_assets_share"``: a share of commercial-bank total assets (H.8, a user path).

Model code: no I/O.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import as_monthly
from qtlab.errors import SpecError, one_of

__all__ = ["RESERVE_TARGETS", "reserve_target"]

RESERVE_TARGETS: Final = ("fomc-2025-12", "level", "gdp_share", "bank_assets_share")


def reserve_target(
    idx: pd.PeriodIndex,
    kind: str = "fomc-2025-12",
    *,
    reserves0: float | None = None,
    nonreserve: pd.Series | None = None,
    nonreserve0: float | None = None,
    value: float | None = None,
    gdp: pd.Series | None = None,
    bank_assets: pd.Series | None = None,
) -> pd.Series:
    """The reserves target on ``idx`` [USD bn].

    Parameters
    ----------
    kind
        One of :data:`RESERVE_TARGETS`.
    reserves0, nonreserve0
        Reserves and non-reserve liabilities (TGA + currency + other liabilities and
        capital) when runoff ended [USD bn] (``"fomc-2025-12"``).
    nonreserve
        Their monthly path on ``idx`` [USD bn] (``"fomc-2025-12"``).
    value
        The level [USD bn] (``"level"``) or the share in (0, 1) (the shares).
    gdp, bank_assets
        Monthly nominal GDP [USD bn, annual rate] / bank assets [USD bn] covering ``idx``.
    """
    if kind not in RESERVE_TARGETS:
        raise SpecError(f"reserve target {kind!r} is unknown; valid: {one_of(RESERVE_TARGETS)}")
    if kind == "fomc-2025-12":
        if reserves0 is None or nonreserve is None or nonreserve0 is None:
            raise SpecError("the fomc-2025-12 target needs reserves0, nonreserve and nonreserve0")
        if not (np.isfinite(nonreserve0) and nonreserve0 > 0 and reserves0 > 0):
            raise SpecError(
                f"reserves0={reserves0!r} and nonreserve0={nonreserve0!r} must be > 0 [USD bn]"
            )
        nr = as_monthly(nonreserve, idx, "nonreserve")
        return (reserves0 * nr / nonreserve0).rename("reserve_target")
    if value is None or not np.isfinite(value) or value <= 0:
        raise SpecError(f"reserve target {kind}: value={value!r} must be a positive number")
    if kind == "level":
        return pd.Series(float(value), index=idx, name="reserve_target")
    if value >= 1:
        raise SpecError(f"reserve target {kind}: value={value!r} must be a share in (0, 1)")
    base = gdp if kind == "gdp_share" else bank_assets
    if base is None:
        need = "gdp (nominal GDP path)" if kind == "gdp_share" else "bank_assets (H.8 path)"
        raise SpecError(f"reserve target {kind} needs {need}")
    return (value * as_monthly(base, idx, kind)).rename("reserve_target")
