"""Liabilities along a projected asset path (C2).

The identity, every month::

    total_assets = reserves + on_rrp + tga + currency_other

where ``currency_other`` is currency + other liabilities and capital (see
:mod:`qtlab.balance.identity`). Given a path of total assets, the TGA path and
the growth of the currency block fix ``reserves + on_rrp``; an ON RRP rule splits
that sum:

- ``"absorb_first"``: a fall in ``reserves + on_rrp`` comes out of ON RRP until
  ON RRP reaches ``rrp_floor``, then out of reserves; a rise goes to reserves;
- ``"fixed_share"``: ON RRP takes ``rrp_share`` of every change (never below
  zero; what it cannot absorb goes to reserves), reserves the rest;
- ``"path"``: ON RRP follows the user's ``rrp_path``; reserves are the residual.

Reserves are the residual of the identity in every rule, so the identity holds
exactly. They are not floored: a path that drives them negative is reported as
it is (a sign that the runoff cannot go that far).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd

from qtlab._periods import as_monthly, period_index, require_monthly, to_month
from qtlab.balance.identity import BLOCK
from qtlab.balance.step import RrpCode, compound_monthly, liability_step, rrp_step
from qtlab.errors import SpecError, one_of

__all__ = [
    "DEFAULT_CURRENCY_GROWTH",
    "RRP_RULES",
    "LiabilityRules",
    "LiabilityState",
    "RrpRule",
    "assets_from_securities",
    "project_liabilities",
    "split_reference",
]

RrpRule = Literal["absorb_first", "fixed_share", "path"]
RRP_RULES: Final[tuple[str, ...]] = get_args(RrpRule)
#: Default growth of the currency + other liabilities and capital block [% per year]:
#: close to the block's 2015-2024 average in H.4.1 (about 7% a year in 2015-2019,
#: flat to falling in 2022-2024). Set ``currency_growth`` to change it.
DEFAULT_CURRENCY_GROWTH: Final = 5.0


@dataclass(frozen=True)
class LiabilityState:
    """The liability side in the month before the projection starts [USD bn].

    Attributes
    ----------
    month
        The month of these levels (``Period[M]``).
    total_assets, reserves, on_rrp, tga, currency_other
        Levels [USD bn]; ``currency_other`` = currency + other liabilities and
        capital. The identity must hold within 1 bn.
    """

    month: pd.Period
    total_assets: float
    reserves: float
    on_rrp: float
    tga: float
    currency_other: float

    def __post_init__(self) -> None:
        if not isinstance(self.month, pd.Period) or self.month.freqstr != "M":
            raise SpecError(f"month={self.month!r} must be a pandas Period with freq 'M'")
        for name in ("total_assets", "reserves", "on_rrp", "tga", "currency_other"):
            v = getattr(self, name)
            if not np.isfinite(v):
                raise SpecError(f"{name}={v!r} must be a finite number [USD bn]")
        gap = self.total_assets - (self.reserves + self.on_rrp + self.tga + self.currency_other)
        if abs(gap) > 1.0:
            raise SpecError(
                f"the identity does not hold at {self.month}: total_assets - (reserves + on_rrp "
                f"+ tga + currency_other) = {gap:.1f} bn; the levels must add up"
            )

    @classmethod
    def from_frame(
        cls, monthly: pd.DataFrame, month: pd.Period | str | None = None
    ) -> LiabilityState:
        """The state at ``month`` (default: the last complete month) of a monthly frame.

        ``monthly`` is :func:`qtlab.balance.monthly_balance_sheet`'s output.
        Raises :class:`SpecError` if that month lacks a liability (e.g. the TGA).
        """
        need = ["total_assets", "reserves", "on_rrp", "tga", BLOCK]
        missing_cols = [c for c in need if c not in monthly.columns]
        if missing_cols:
            raise SpecError(
                f"the frame lacks column(s) {one_of(missing_cols)}; need {one_of(need)}"
            )
        complete = monthly[need].dropna()
        if month is None:
            if complete.empty:
                raise SpecError("no month has every liability; check the TGA and ON RRP inputs")
            m = complete.index[-1]
        else:
            m = to_month(month)
            if m not in complete.index:
                raise SpecError(
                    f"month {m} lacks one of {one_of(need)} (the TGA's week average, WTREGEN, "
                    "ends 2025-11 in the embedded data, its Wednesday level WDTGAL 2026-09); pick "
                    "a month with every liability or give the levels by hand"
                )
        row = complete.loc[m]
        return cls(m, *(float(row[c]) for c in need))


@dataclass(frozen=True)
class LiabilityRules:
    """How the liabilities move along an asset path.

    Attributes
    ----------
    rrp_rule
        ``"absorb_first"``, ``"fixed_share"`` or ``"path"`` (module docstring).
    rrp_floor
        ON RRP level below which it absorbs no more (``absorb_first``) [USD bn].
    rrp_share
        Share of each change taken by ON RRP (``fixed_share``), in [0, 1].
    rrp_path
        Monthly ON RRP path (``path``) [USD bn], ``Period[M]`` index.
    currency_growth
        Growth of the currency + other liabilities and capital block [% per
        year, compounded monthly]; default :data:`DEFAULT_CURRENCY_GROWTH`.
    tga
        TGA: ``None`` keeps the start level flat, a number is a constant
        level, a monthly Series a path [USD bn].
    currency_other
        A monthly path of the currency + other liabilities and capital block
        [USD bn] (e.g. :mod:`qtlab.balance.models`' currency trend plus the decay of
        other liabilities and capital); it replaces ``currency_growth`` where given.
    """

    rrp_rule: RrpRule = "absorb_first"
    rrp_floor: float = 0.0
    rrp_share: float = 0.5
    rrp_path: pd.Series | None = field(default=None, repr=False)
    currency_growth: float = DEFAULT_CURRENCY_GROWTH
    tga: pd.Series | float | None = field(default=None, repr=False)
    currency_other: pd.Series | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.rrp_rule not in RRP_RULES:
            raise SpecError(
                f"rrp_rule={self.rrp_rule!r} is unknown; valid rules are {one_of(RRP_RULES)}"
            )
        if not (np.isfinite(self.rrp_floor) and self.rrp_floor >= 0):
            raise SpecError(f"rrp_floor={self.rrp_floor!r} must be a number >= 0 [USD bn]")
        if not 0.0 <= self.rrp_share <= 1.0:
            raise SpecError(f"rrp_share={self.rrp_share!r} must be between 0 and 1")
        if self.rrp_rule == "path" and self.rrp_path is None:
            raise SpecError("rrp_rule='path' needs rrp_path, a monthly ON RRP path [USD bn]")
        if not -50.0 < self.currency_growth < 100.0:
            raise SpecError(
                f"currency_growth={self.currency_growth!r} is out of range; give percent per "
                "year between -50 and 100 (e.g. 5.0)"
            )

    def describe(self) -> str:
        """One line stating the assumptions (printed with every C2 result)."""
        rule = {
            "absorb_first": f"ON RRP absorbs the decline first, down to {self.rrp_floor:,.0f} bn",
            "fixed_share": f"ON RRP takes {self.rrp_share:.0%} of each change",
            "path": "ON RRP follows the user's path",
        }[self.rrp_rule]
        tga = (
            "TGA flat at its start level"
            if self.tga is None
            else f"TGA at {float(self.tga):,.0f} bn"
            if not isinstance(self.tga, pd.Series)
            else "TGA follows the user's path"
        )
        if self.currency_other is not None:
            return f"{rule}; {tga}; currency + other liabilities and capital follow a path"
        return (
            f"{rule}; {tga}; currency + other liabilities and capital grow "
            f"{self.currency_growth:.1f}% a year"
        )

    def block_path(self, start: float, idx: pd.PeriodIndex, months_ahead: np.ndarray) -> np.ndarray:
        """The block [USD bn] on ``idx`` (``months_ahead`` = months after the start month):
        the user's path where given, else ``start`` compounded at ``currency_growth``."""
        if self.currency_other is not None:
            return as_monthly(self.currency_other, idx, "currency_other").to_numpy(dtype=float)
        return compound_monthly(start, self.currency_growth, months_ahead)


def split_reference(
    drain: np.ndarray, rrp0: float, rule: str, floor: float, share: float
) -> np.ndarray:
    """Plain loop: ON RRP path from the monthly changes in ``reserves + on_rrp``.

    Parameters
    ----------
    drain
        Month-by-month change in ``reserves + on_rrp`` [USD bn] (negative: a drain).
    rrp0
        ON RRP at the start [USD bn].
    rule
        ``"absorb_first"`` or ``"fixed_share"``.
    floor, share
        As in :class:`LiabilityRules`.
    """
    out = np.empty(len(drain))
    rrp = rrp0
    code = RrpCode.of(rule)
    for i, d in enumerate(drain):
        rrp = float(rrp_step(rrp, float(d), code, floor, share))
        out[i] = rrp
    return out


def project_liabilities(
    assets: pd.Series, start: LiabilityState, rules: LiabilityRules | None = None
) -> pd.DataFrame:
    """Project reserves, ON RRP, TGA and the currency block along an asset path.

    Parameters
    ----------
    assets
        Total assets [USD bn], monthly, ``Period[M]`` index, starting the month
        after ``start.month`` (e.g. a runoff projection's total assets).
    start
        The liability levels in the month before (:class:`LiabilityState`).
    rules
        :class:`LiabilityRules`; default: ON RRP absorbs first down to zero,
        TGA flat, the block growing at :data:`DEFAULT_CURRENCY_GROWTH`.

    Returns
    -------
    pandas.DataFrame
        Indexed by month (the start month first, then ``assets``' months),
        columns ``total_assets, reserves, on_rrp, tga, currency_other`` [USD bn];
        the identity holds exactly. ``attrs['assumptions']`` is
        :meth:`LiabilityRules.describe`.
    """
    rules = rules or LiabilityRules()
    a = require_monthly(assets, "assets")
    if a.index[0] != start.month + 1:
        raise SpecError(
            f"assets must start the month after the start state ({start.month + 1}); "
            f"it starts {a.index[0]}"
        )
    idx = period_index(a)
    n = len(idx)
    tga = (
        pd.Series(start.tga, index=idx) if rules.tga is None else as_monthly(rules.tga, idx, "tga")
    )
    block = rules.block_path(start.currency_other, idx, np.arange(1, n + 1))
    path = np.full(n, np.nan)
    if rules.rrp_rule == "path":
        assert rules.rrp_path is not None
        path = as_monthly(rules.rrp_path, idx, "rrp_path").to_numpy(dtype=float)
        if (path < 0).any():
            raise SpecError("rrp_path has negative values; ON RRP take-up is >= 0 [USD bn]")
    code = RrpCode.of(rules.rrp_rule)
    av, tv = a.to_numpy(dtype=float), tga.to_numpy(dtype=float)
    reserves, rrp = np.empty(n), np.empty(n)
    liq, on_rrp = start.reserves + start.on_rrp, start.on_rrp
    for i in range(n):
        step = liability_step(
            float(av[i]), float(tv[i]), float(block[i]), liq, on_rrp, code,
            rules.rrp_floor, rules.rrp_share, float(path[i]),
        )  # fmt: skip
        liq, on_rrp = float(step.liquidity), float(step.on_rrp)
        reserves[i], rrp[i] = float(step.reserves), on_rrp
    body = pd.DataFrame(
        {
            "total_assets": a.to_numpy(),
            "reserves": reserves,
            "on_rrp": rrp,
            "tga": tga.to_numpy(),
            BLOCK: block,
        },
        index=idx,
    )
    first = pd.DataFrame(
        [[start.total_assets, start.reserves, start.on_rrp, start.tga, start.currency_other]],
        index=pd.PeriodIndex([start.month], freq="M"),
        columns=body.columns,
    )
    out = pd.concat([first, body])
    out.index.name = "month"
    out.attrs["assumptions"] = rules.describe()
    return out


def assets_from_securities(
    securities: pd.Series, start_assets: float, start_securities: float
) -> pd.Series:
    """Total assets along a path of total securities held [USD bn].

    Assets other than securities held outright (unamortized premiums, repo, loans,
    other) are held at their start level: ``assets = start_assets + (securities -
    start_securities)``. Use it to run the liabilities on a runoff projection's
    ``total_securities``.
    """
    s = require_monthly(securities, "securities")
    for name, v in (("start_assets", start_assets), ("start_securities", start_securities)):
        if not np.isfinite(v) or v <= 0:
            raise SpecError(f"{name}={v!r} must be a positive number [USD bn]")
    out = float(start_assets) + (s - float(start_securities))
    out.name = "total_assets"
    return out
