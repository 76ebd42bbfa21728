"""When reinvested MBS principal enters the SOMA holdings: the Desk's settlement lag.

The SOMA holds agency MBS at settled face value. Principal paid in month ``m`` leaves the
holdings on the payment day (the 25th for UMBS, :mod:`qtlab.portfolio.mbs_dates`); the part
the FOMC has the Desk reinvest comes back only when the purchases settle. The Desk's
practice (New York Fed, "FAQs: Agency MBS Reinvestment Purchases", 2017-09-20, 2019-03-20
and 2022-10-14): the reinvestment amount for a calendar month is the expected principal of
that month less the cap; around the ninth business day the Desk publishes the purchases it
will make from the middle of the month to the middle of the next; the purchases are
to-be-announced (TBA) trades that settle on SIFMA's monthly class settlement dates (30-year
UMBS, "Class A", around the 12th-14th; Ginnie Mae, "Class C", around the 20th), typically
the month after the trade. So principal of month ``m`` settles as new holdings about two
months later, in month ``m + lag``, in the middle of the month.

The lag is measured on the weekly SOMA summary around the QT2 start
(:func:`qtlab.runs.mbs_settlement.measure_settlement_lag`): it is 2 months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from qtlab.errors import SpecError

__all__ = ["DESK_MBS_LAG", "DESK_SETTLEMENT_DAY", "MbsSettlement"]

#: Months from the month principal is paid to the month its reinvestment settles, measured
#: on the weekly SOMA summary of 2022 (see the module docstring).
DESK_MBS_LAG: Final = 2
#: Day of the month on which reinvestment purchases settle in the engine (SIFMA's Class A
#: date for 30-year UMBS falls around the 12th-14th; the weekly summary's rises in 2022
#: show in the weeks ending 06-15, 07-20, 08-17 and 09-14).
DESK_SETTLEMENT_DAY: Final = 14


@dataclass(frozen=True)
class MbsSettlement:
    """When MBS reinvestment purchases settle (enter the holdings).

    Parameters
    ----------
    lag
        Months from the principal month to the settlement month (``0``: the same month,
        posted with the principal on the 25th; the Desk's practice is
        :data:`DESK_MBS_LAG`).
    day
        Day of the month on which purchases settle (for holdings observed inside a month),
        1..28.
    pending
        Purchases made before the holdings' date that settle after it [USD bn], indexed by
        settlement month (``Period[M]`` or ``YYYY-MM``); settled on ``day`` of their month.
    """

    lag: int = DESK_MBS_LAG
    day: int = DESK_SETTLEMENT_DAY
    pending: pd.Series | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.lag, bool) or not isinstance(self.lag, int) or not 0 <= self.lag <= 6:
            raise SpecError(f"MbsSettlement: lag={self.lag!r} must be an integer 0..6 [months]")
        if isinstance(self.day, bool) or not isinstance(self.day, int) or not 1 <= self.day <= 28:
            raise SpecError(f"MbsSettlement: day={self.day!r} must be an integer 1..28")
        if self.pending is not None:
            s = pd.Series(self.pending, dtype=float)
            try:
                s.index = pd.PeriodIndex(s.index, freq="M")
            except (TypeError, ValueError) as exc:
                raise SpecError(
                    f"MbsSettlement: pending must be indexed by month (YYYY-MM); got {s.index!r}"
                ) from exc
            if not np.isfinite(s.to_numpy()).all() or (s < 0).any():
                raise SpecError("MbsSettlement: pending amounts must be finite and >= 0 [USD bn]")
            object.__setattr__(self, "pending", s.groupby(level=0).sum().sort_index())

    def __repr__(self) -> str:
        tot = 0.0 if self.pending is None else float(self.pending.sum())
        return f"MbsSettlement(lag={self.lag}, day={self.day}, pending={tot:.1f} bn)"

    def pending_on(self, months: pd.PeriodIndex) -> np.ndarray:
        """Pending settlements in each of ``months`` [USD bn]; those before ``months[0]``
        are taken as already in the holdings."""
        if self.pending is None:
            return np.zeros(len(months))
        return self.pending.reindex(months, fill_value=0.0).to_numpy(float)
