"""One month of the liability side: the step every projection of the liabilities takes.

Given total assets, the TGA and the currency + other liabilities and capital block
in a month, the identity fixes ``reserves + on_rrp``; the ON RRP rule splits the
month's change in that sum (:mod:`qtlab.balance.liabilities` states the rules) and
reserves are the residual, so the identity holds exactly::

    total_assets = reserves + on_rrp + tga + currency_other

:func:`liability_step` is written once and used by :func:`qtlab.balance.project_liabilities`
(one path), the engine's vectorized kernel (arrays over scenarios) and its plain
per-scenario reference (floats): numpy operations on either.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["Liabilities", "RrpCode", "compound_monthly", "liability_step", "rrp_step"]

FloatLike = float | npt.NDArray[np.float64]


class RrpCode(enum.IntEnum):
    """The ON RRP rules (:data:`qtlab.balance.RRP_RULES`) as integer codes."""

    ABSORB_FIRST = 0
    FIXED_SHARE = 1
    PATH = 2

    @classmethod
    def of(cls, rule: str) -> RrpCode:
        """The code of a rule's name (``"absorb_first"`` -> ``ABSORB_FIRST``)."""
        return cls[rule.upper()]


class Liabilities(NamedTuple):
    """The liability side in one month [USD bn] (floats, or arrays over scenarios)."""

    total_assets: FloatLike
    reserves: FloatLike
    on_rrp: FloatLike
    tga: FloatLike
    currency_other: FloatLike
    #: ``total_assets - tga - currency_other`` = ``reserves + on_rrp`` [USD bn], the sum the
    #: ON RRP rule splits (carried to the next month as ``liquidity_before``)
    liquidity: FloatLike


def compound_monthly(level0: float, growth: float, months_ahead: npt.ArrayLike) -> np.ndarray:
    """``level0`` [USD bn] grown ``growth`` [% per year, compounded monthly] for
    ``months_ahead`` months (the currency block's and the currency trend's path)."""
    g = (1.0 + growth / 100.0) ** (1.0 / 12.0)
    return np.asarray(level0 * g ** np.asarray(months_ahead, dtype=float), dtype=float)


def rrp_step(
    rrp: FloatLike,
    change: FloatLike,
    rule: RrpCode,
    floor: float,
    share: float,
    path_value: float = float("nan"),
) -> FloatLike:
    """ON RRP [USD bn] after a month in which ``reserves + on_rrp`` changed by ``change``
    [USD bn] (negative: a drain), from ``rrp`` [USD bn] the month before.

    ``ABSORB_FIRST``: a fall comes out of ON RRP down to ``floor`` [USD bn] (never below
    where it already is), a rise goes to reserves; ``FIXED_SHARE``: ON RRP takes ``share``
    [fraction] of the change, never going below zero; ``PATH``: ``path_value`` [USD bn].
    """
    if rule == RrpCode.ABSORB_FIRST:
        out = np.where(change < 0, np.maximum(rrp + change, np.minimum(rrp, floor)), rrp)
    elif rule == RrpCode.FIXED_SHARE:
        out = np.maximum(rrp + share * change, 0.0)
    else:
        out = np.full(np.shape(rrp), path_value)
    return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=np.float64)


def liability_step(
    total_assets: FloatLike,
    tga: FloatLike,
    currency_other: FloatLike,
    liquidity_before: FloatLike,
    rrp_before: FloatLike,
    rule: RrpCode,
    floor: float,
    share: float,
    rrp_path_value: float = float("nan"),
) -> Liabilities:
    """One month of the liabilities [USD bn] along the assets.

    ``total_assets``, ``tga`` and ``currency_other`` are the month's levels;
    ``liquidity_before`` and ``rrp_before`` the previous month's ``reserves + on_rrp`` and
    ON RRP. ON RRP moves by :func:`rrp_step`; reserves are the residual of the identity.
    """
    liquidity = total_assets - tga - currency_other
    rrp = rrp_step(rrp_before, liquidity - liquidity_before, rule, floor, share, rrp_path_value)
    return Liabilities(total_assets, liquidity - rrp, rrp, tga, currency_other, liquidity)
