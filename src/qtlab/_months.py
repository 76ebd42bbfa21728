"""Month parsing shared by the model packages (policy, portfolio, engine)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from qtlab.errors import SpecError

__all__ = ["MonthLike", "to_month"]

_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")

MonthLike = str | date | datetime | pd.Period | pd.Timestamp


def to_month(value: MonthLike, *, field: str = "month") -> pd.Period:
    """Parse ``value`` (``"YYYY-MM"``, a date or a Period) into a ``Period[M]``.

    Raises
    ------
    SpecError
        Naming ``field`` and the bad value when it is not a month.
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M") if value.freqstr != "M" else value
    if isinstance(value, str) and not _ISO.match(value.strip()):
        raise SpecError(f"{field}={value!r} is not a month; give 'YYYY-MM' (e.g. '2022-06')")
    try:
        p: object = pd.Period(value, freq="M")
    except (ValueError, TypeError) as exc:
        raise SpecError(
            f"{field}={value!r} is not a month; give 'YYYY-MM' (e.g. '2022-06') or a date"
        ) from exc
    if not isinstance(p, pd.Period):  # NaT
        raise SpecError(f"{field}={value!r} is not a month; give 'YYYY-MM' (e.g. '2022-06')")
    return p
