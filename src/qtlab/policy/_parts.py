"""Parts of a policy regime: its cited source, its phase-in, and the checked values
(choices and amounts [USD bn per month]) every regime field goes through."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from qtlab.errors import SpecError, one_of, quoted

__all__ = ["MAX_AMOUNT", "USER_SCENARIO", "PhaseIn", "RegimeSource"]

#: The title of a regime's source when the user states the regime
#: (:meth:`RegimeSource.user_scenario`).
USER_SCENARIO: Final = "user scenario"


def _choice(value: object, valid: tuple[str, ...], fld: str, where: str) -> Any:
    if value not in valid:
        raise SpecError(f"{where}: {fld}={quoted(value)} is not valid; choose {one_of(valid)}")
    return value


def _amount(value: object, fld: str, where: str, *, allow_inf: bool) -> float:
    """A non-negative amount [USD bn/month]; ``'uncapped'``/``.inf`` allowed for caps."""
    if isinstance(value, str) and value.strip().lower() in {"uncapped", "inf", "none"}:
        value = math.inf
    if isinstance(value, bool) or not isinstance(value, int | float):
        extra = " or 'uncapped'" if allow_inf else ""
        raise SpecError(
            f"{where}: {fld}={quoted(value)} is not a number; give USD bn per month{extra}"
        )
    try:
        v = float(value)
    except OverflowError:  # an int beyond float range
        v = math.nan
    if math.isnan(v) or v < 0 or (math.isinf(v) and not allow_inf):
        extra = " ('uncapped' allowed)" if allow_inf else " (finite)"
        raise SpecError(f"{where}: {fld}={quoted(value)} must be >= 0{extra} [USD bn per month]")
    if math.isfinite(v) and v > MAX_AMOUNT:
        extra = "; write 'uncapped' for no cap" if allow_inf else ""
        raise SpecError(
            f"{where}: {fld}={quoted(value)} is more than {MAX_AMOUNT:,.0f} [USD bn per month], "
            f"over ten times the Fed's whole balance sheet each month{extra}"
        )
    return v


#: The largest finite amount a regime takes [USD bn per month]: bigger numbers are typing
#: errors, and sums of them over a projection would overflow to inf (1e308 became NaN).
MAX_AMOUNT: Final = 100_000.0


@dataclass(frozen=True)
class RegimeSource:
    """The official statement a regime comes from.

    Attributes
    ----------
    title
        Title of the FOMC statement, plan or NY Fed operating statement.
    date
        Its date (ISO ``YYYY-MM-DD``).
    url
        Where it is published.
    """

    title: str
    date: str
    url: str

    @classmethod
    def user_scenario(cls) -> RegimeSource:
        """The source of a regime the user states (no official statement): title
        ``"user scenario"``, no date, no URL. Such a regime is known at every vantage."""
        return cls(USER_SCENARIO, "", "")

    @property
    def is_user(self) -> bool:
        """Whether this is :meth:`user_scenario`, not an official statement."""
        return self.title == USER_SCENARIO and not self.date and not self.url

    def __post_init__(self) -> None:
        if self.is_user:
            return
        for f in ("title", "date", "url"):
            if not str(getattr(self, f)).strip():
                raise SpecError(
                    f"regime source: {f} is empty; an official source has a title, a date and a "
                    f"URL (leave the source out for a user scenario)"
                )
        try:
            date.fromisoformat(str(self.date).strip()[:10])
        except ValueError:
            raise SpecError(
                f"regime source: date={self.date!r} is not an ISO date (YYYY-MM-DD); a regime "
                "is known from the date of the statement it cites"
            ) from None


@dataclass(frozen=True)
class PhaseIn:
    """Caps that rise in steps from the regime start to the regime's caps.

    In month ``k`` after the start (``k = 0, 1, ...``) the cap is
    ``min(start + step * (k // every_months), cap)`` [USD bn/month].
    """

    every_months: int
    treasury_start: float
    treasury_step: float
    agency_start: float
    agency_step: float

    def __post_init__(self) -> None:
        w = "phase_in"
        if (
            isinstance(self.every_months, bool)
            or not isinstance(self.every_months, int)
            or self.every_months < 1
        ):
            raise SpecError(
                f"{w}: every_months={quoted(self.every_months)} must be an integer >= 1"
            )
        for f in ("treasury_start", "treasury_step", "agency_start", "agency_step"):
            object.__setattr__(self, f, _amount(getattr(self, f), f, w, allow_inf=False))
