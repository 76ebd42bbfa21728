"""When SOMA agency MBS principal is paid, and which month a holdings file starts.

One rule, used by the MBS cohorts (:func:`qtlab.portfolio.mbs_cohorts.cohort_start`)
and by the runoff engine (first MBS month of a projection, and the day MBS principal,
reinvestment and sales post for holdings observed inside a month):

- Pools pay principal on a fixed day of the month (:data:`PAYMENT_DAYS`): UMBS (Fannie
  Mae and Freddie Mac 55-day) on the 25th, Ginnie Mae II on the 20th, Ginnie Mae I and
  legacy Freddie Mac Gold PCs (45-day) on the 15th.
- The SOMA portfolio is tracked as one MBS balance, posted on :data:`POSTING_DAY`, the
  25th: the UMBS payment date, where most of the par pays (1,980 of 2,706 bn in the
  file of 2022-05-11; Ginnie Mae II 563 bn, Freddie Mac 153 bn, Ginnie Mae I 9 bn).
- A holdings file dated before the 25th holds the balance before that month's UMBS
  payment, so its first projected month is its own month; a file dated on or after the
  25th starts the next month (:func:`mbs_first_month`). For a file dated from the 15th
  to the 24th the Ginnie Mae (and Gold PC) payments of its month are already out of it;
  the rule then counts that month's Ginnie principal once more (about 0.2% of the
  balance), a smaller error than the alternative of skipping the month's UMBS payment.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import pandas as pd

__all__ = ["PAYMENT_DAYS", "POSTING_DAY", "mbs_first_month"]

#: Principal payment day of the month by program (``umbs``, ``fnma``, ``fhlmc``, ``gnma1``,
#: ``gnma2``).
PAYMENT_DAYS: Final = MappingProxyType(
    {"umbs": 25, "fnma": 25, "fhlmc": 15, "gnma1": 15, "gnma2": 20}
)
#: The day the aggregate SOMA MBS principal posts (the UMBS payment date).
POSTING_DAY: Final = 25


def mbs_first_month(as_of: pd.Timestamp | str) -> pd.Period:
    """First month whose MBS principal is not yet out of a holdings file dated ``as_of``.

    The file's own month when it is dated before :data:`POSTING_DAY` (the 25th),
    else the next month.
    """
    ts = pd.Timestamp(as_of)
    p = pd.Period(ts, freq="M")
    return p if ts.day < POSTING_DAY else p + 1
