"""``project``: the runoff projection, and its result ``Projection``."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.engine._balance import LIABILITY_COLUMNS, BalanceInputs
from qtlab.engine._core import OBS_COLUMNS, run_vectorized
from qtlab.engine._reference import run_reference
from qtlab.engine._setup import Inputs, build_inputs
from qtlab.engine._steps import Obs, TKind
from qtlab.engine.mix import IssuanceMix, default_issuance_mix
from qtlab.engine.paydowns import PaydownAmounts, PaydownSource
from qtlab.engine.settlement import MbsSettlement
from qtlab.errors import SpecError
from qtlab.policy import Policy
from qtlab.schema import AGENCY_KINDS, STOCK_COLUMNS, TREASURY_KINDS, Kind

__all__ = ["FRAME_COLUMNS", "LIABILITY_COLUMNS", "Projection", "project"]

#: The holdings columns of :attr:`Projection.frame` [USD bn] (par; TIPS inflation
#: compensation apart), shared by :meth:`Projection.start_holdings`.
_TREASURY_COLUMNS: Final = tuple(Kind(k).column for k in TREASURY_KINDS)
_AGENCY_COLUMNS: Final = tuple(Kind(k).column for k in AGENCY_KINDS)
_HOLDING_COLUMNS: Final = STOCK_COLUMNS


def _add_totals(d: Any, securities: bool = True) -> None:
    """Add ``coupons``, ``treasury`` and (``securities``) ``total_securities`` [USD bn] to
    ``d`` (a dict of arrays or floats, or a frame): sums over the registry's kinds, in
    its order."""
    d["coupons"] = functools.reduce(operator.add, (d[c] for c in _TREASURY_COLUMNS[1:]))
    d["treasury"] = d[_TREASURY_COLUMNS[0]] + d["coupons"]
    if securities:
        d["total_securities"] = functools.reduce(
            operator.add, (d[c] for c in ("treasury", *_AGENCY_COLUMNS))
        )


#: Columns of :attr:`Projection.frame`, all [USD bn] except ``regime`` (the name of the
#: regime in force) and ``endpoint`` (True in the month the policy's endpoint binds;
#: the endpoint regime is in force from the month after). Holdings are at the end of
#: the month; flows are over the month. With ``balance=`` the frame also has
#: :data:`LIABILITY_COLUMNS` (NaN before the liability state's month).
FRAME_COLUMNS: Final = (
    *_HOLDING_COLUMNS,
    # Treasury flows
    "bills_maturing",
    "coupons_maturing",
    "tips_ic_maturing",
    "tips_ic_accrued",
    "treasury_maturing",
    "coupon_redemptions",
    "bill_redemptions",
    "treasury_redemptions",
    "rolled_over",
    "rolled_bills",
    "rolled_coupons_mid",
    "rolled_coupons_end",
    "bill_purchases",
    "coupon_purchases",
    "purchases",
    # agency flows
    "mbs_paydowns",
    "agency_maturing",
    "agency_principal",
    "agency_runoff",
    "mbs_reinvested",
    "agency_to_treasuries",
    "mbs_sales",
    "mbs_settled",
    # rules
    "treasury_cap",
    "agency_cap",
    "regime",
    "endpoint",
)


def _derive(raw: dict[str, np.ndarray], inp: Inputs) -> dict[str, np.ndarray]:
    d = dict(raw)
    _add_totals(d)
    d["treasury_maturing"] = d["bills_maturing"] + d["coupons_maturing"]
    d["treasury_redemptions"] = d["coupon_redemptions"] + d["bill_redemptions"]
    d["purchases"] = d["bill_purchases"] + d["coupon_purchases"]
    d["agency_principal"] = d["mbs_paydowns"] + d["agency_maturing"]
    shape = d["bills"].shape
    d.pop("endpoint_rule", None)
    if "endpoint" not in d:
        d["endpoint"] = np.zeros(shape)
    d["treasury_cap"] = np.broadcast_to(inp.tcap, shape).copy()
    d["agency_cap"] = np.broadcast_to(inp.acap, shape).copy()
    return d


@dataclass(frozen=True)
class Projection:
    """The result of :func:`project`: the portfolio month by month under a policy.

    Attributes
    ----------
    policy
        The policy projected.
    start
        First reported month.
    arrays
        Every numeric column of :data:`FRAME_COLUMNS` as an ``(n_scenarios,
        n_months)`` array over all simulated months (carry-forward included).
    months
        All simulated months (carry-forward months, then the reported ones).
    first_reported
        Index of ``start`` in ``months``.
    regimes
        Regime name per simulated month.
    observed
        Holdings on the ``observe`` dates, ``(n_scenarios, n_dates, 8)`` in
        the order of ``qtlab.engine._core.OBS_COLUMNS``.
    observe
        The observation dates.
    mix
        The issuance mix used.
    method
        ``"vectorized"`` or ``"reference"``.
    end_index
        Per scenario, the index in ``months`` of the month the policy's endpoint
        binds (``-1`` where it never does, or without an endpoint).
    end_rule
        Per scenario, the rule that bound first (``"NAME=VALUE"``) or ``None``.
    end_regime
        Name of the endpoint regime (in force after each scenario's end month).

    Notes
    -----
    Identities that hold in every month and scenario (to rounding):

    - ``bills_maturing + coupons_maturing + tips_ic_maturing ==
      coupon_redemptions + bill_redemptions + rolled_over``
    - ``treasury - treasury(previous month) == rolled_over + purchases -
      treasury_maturing`` (par; rolled TIPS inflation compensation becomes par)
    - ``tips_inflation_comp - tips_inflation_comp(previous) == tips_ic_accrued -
      tips_ic_maturing``
    - ``mbs - mbs(previous) == mbs_settled - mbs_paydowns - mbs_sales`` (reinvestment
      settles ``mbs_settlement.lag`` months after it is bought; ``mbs_settled ==
      mbs_reinvested`` without ``mbs_settlement`` and without pending purchases)
    - ``agency_principal == agency_runoff + mbs_reinvested + agency_to_treasuries``
    - ``total_securities == treasury + agency + mbs + cmbs``
    - ``rolled_over == rolled_bills + rolled_coupons_mid + rolled_coupons_end``
      (coupons rolled into the securities settling mid-month or at month end)
    - with liabilities: ``total_assets == reserves + on_rrp + tga + currency_other``
    """

    policy: Policy
    start: pd.Period
    arrays: dict[str, np.ndarray] = field(repr=False)
    months: pd.PeriodIndex = field(repr=False)
    first_reported: int
    regimes: tuple[str, ...] = field(repr=False)
    observed: np.ndarray = field(repr=False)
    observe: pd.DatetimeIndex = field(repr=False)
    mix: IssuanceMix = field(repr=False)
    method: str = "vectorized"
    initial: dict[str, float] = field(default_factory=dict, repr=False)
    end_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int), repr=False)
    end_rule: tuple[str | None, ...] = ()
    end_regime: str | None = None

    @property
    def has_liabilities(self) -> bool:
        """Whether the projection carries the liability side (``balance=`` given)."""
        return "reserves" in self.arrays

    def regimes_of(self, scenario: int) -> tuple[str, ...]:
        """Regime name per simulated month for one scenario (the endpoint regime after
        its endpoint)."""
        k = int(self.end_index[scenario]) if len(self.end_index) else -1
        if k < 0 or self.end_regime is None:
            return self.regimes
        return (*self.regimes[: k + 1], *[self.end_regime] * (len(self.regimes) - k - 1))

    def endpoint_month(self, scenario: int = 0) -> pd.Period | None:
        """The month the policy's endpoint binds in ``scenario`` (``None`` if it never does)."""
        k = int(self.end_index[scenario]) if len(self.end_index) else -1
        return None if k < 0 else self.months[k]

    def endpoints(self) -> pd.DataFrame:
        """One row per scenario: ``end_month``, ``rule``, ``months_of_runoff`` (the runoff
        start, the policy's first regime or ``start`` if later, through the end month),
        ``terminal_assets``, ``terminal_reserves`` [USD bn] (``None`` where none binds)."""
        first = max(self.start, self.policy.start)
        rows: list[tuple[object, ...]] = []
        for s in range(self.n_scenarios):
            k = int(self.end_index[s]) if len(self.end_index) else -1
            if k < 0:
                rows.append((s, None, None, None, None, None))
                continue
            m = self.months[k]
            rows.append(
                (
                    s,
                    m,
                    self.end_rule[s],
                    (m - first).n + 1,
                    float(self.arrays["total_assets"][s, k]),
                    float(self.arrays["reserves"][s, k]),
                )
            )
        cols = ["scenario", "end_month", "rule", "months_of_runoff"]
        out = pd.DataFrame(rows, columns=[*cols, "terminal_assets", "terminal_reserves"])
        return out.set_index("scenario")

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios (leading axis of :attr:`arrays`)."""
        return int(self.arrays["bills"].shape[0])

    def _frame(self, sl: slice, scenario: int | None) -> pd.DataFrame:
        idx = self.months[sl]
        scen = range(self.n_scenarios) if scenario is None else [scenario]
        parts = []
        for s in scen:
            cols = [c for c in FRAME_COLUMNS if c not in ("regime", "endpoint")]
            if self.has_liabilities:
                cols += list(LIABILITY_COLUMNS)
            df = pd.DataFrame({c: self.arrays[c][s, sl] for c in cols}, index=idx)
            df["regime"] = list(self.regimes_of(s)[sl])
            df["endpoint"] = self.arrays["endpoint"][s, sl] > 0
            order = list(FRAME_COLUMNS) + (list(LIABILITY_COLUMNS) if self.has_liabilities else [])
            df = df.loc[:, order]
            df.index.name = "month"
            parts.append(df)
        if len(parts) == 1:
            return parts[0]
        return pd.concat(parts, keys=list(scen), names=["scenario", "month"])

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Monthly frame from ``start`` [USD bn]: :data:`FRAME_COLUMNS`.

        Indexed by ``Period[M]`` for one scenario, by ``(scenario, month)`` for several.
        """
        return self._frame(slice(self.first_reported, None), None)

    @cached_property
    def carry_forward(self) -> pd.DataFrame:
        """The months simulated before ``start`` (holdings rolled forward), same columns."""
        return self._frame(slice(0, self.first_reported), None)

    def scenario(self, i: int) -> pd.DataFrame:
        """The monthly frame of scenario ``i`` (from ``start``)."""
        if not 0 <= i < self.n_scenarios:
            raise SpecError(f"scenario={i} out of range; there are {self.n_scenarios}")
        return self._frame(slice(self.first_reported, None), i)

    def observed_frame(self, scenario: int = 0) -> pd.DataFrame:
        """Holdings on the ``observe`` dates [USD bn]: bills, notes_bonds, tips, frn,
        tips_inflation_comp, agency, mbs, cmbs, and coupons, treasury."""
        df = pd.DataFrame(self.observed[scenario], index=self.observe, columns=list(OBS_COLUMNS))
        _add_totals(df, securities=False)
        df.index.name = "date"
        return df

    def start_holdings(self) -> pd.Series:
        """Holdings by kind at the start of ``start`` (after any carry-forward) [USD bn]."""
        i = self.first_reported - 1
        if i < 0:
            return pd.Series(self.initial, name="holdings")
        return pd.Series(
            {c: float(self.arrays[c][0, i]) for c in _HOLDING_COLUMNS},
            name="holdings",
        )


def project(
    holdings: pd.DataFrame,
    policy: Policy,
    start: MonthLike,
    months: int,
    *,
    mbs_paydowns: PaydownSource | PaydownAmounts | None = None,
    issuance_mix: IssuanceMix | None = None,
    observe: pd.DatetimeIndex | list[str] | None = None,
    tips_accrual: PaydownSource | None = None,
    purchases: pd.DataFrame | None = None,
    balance: BalanceInputs | None = None,
    method: Literal["vectorized", "reference"] = "vectorized",
    mbs_settlement: MbsSettlement | None = None,
) -> Projection:
    """Project the SOMA portfolio month by month under ``policy``.

    Parameters
    ----------
    holdings
        Holdings by CUSIP (``Dataset(as_of=...).holdings()``); Treasury rows
        share one as-of date, agency/MBS/CMBS rows another (or the same).
    policy
        The runoff policy; months before its first regime are full reinvestment.
    start
        First month reported. Holdings older than ``start`` are carried forward
        month by month under the policy (before its first regime: everything
        rolled over at auction, all agency principal reinvested in MBS).
    months
        Number of months reported from ``start``.
    mbs_paydowns
        Where MBS principal comes from: a rate source (``rates(months)``, e.g.
        :class:`~qtlab.engine.paydowns.RealizedPaydowns`, a prepayment model)
        or an amount path (``amounts(months)``,
        :class:`~qtlab.engine.paydowns.PaydownPath`). Required when MBS are held.
        A 2-D source gives one scenario per row.
    issuance_mix
        How rolled-over money and purchases are split across new securities
        (default :func:`~qtlab.engine.mix.default_issuance_mix`).
    observe
        Dates on which to also record holdings inside a month (e.g. the
        Wednesdays of the weekly SOMA release), see :meth:`Projection.observed_frame`.
    tips_accrual
        Monthly growth of TIPS index ratios [fraction], an object with
        ``rates(months)`` (e.g. :class:`~qtlab.engine.inflation.RealizedTipsAccrual`
        or :class:`~qtlab.engine.paydowns.ConstantPaydownRate`); default none:
        inflation compensation stays at its snapshot value.
    purchases
        Realized outright purchases added to the policy's (e.g. the last taper
        purchases after an old holdings file): a frame indexed by month with
        columns ``bills`` and/or ``coupons`` [USD bn per month], bought over the
        rest of the month (not prorated) along the issuance mix; counted in
        ``bill_purchases`` / ``coupon_purchases``.
    balance
        The liability side (:class:`~qtlab.engine.BalanceInputs`): with it the frame
        carries total assets, reserves, ON RRP, TGA and the currency block along the
        projected assets (:mod:`qtlab.balance`'s rules, month by month). Required when
        ``policy.endpoint`` is set: each scenario's runoff stops where the first endpoint
        rule binds (tested from the runoff start: ``start`` or the policy's first regime,
        whichever is later) and the endpoint regime is in force from the month after.
    method
        ``"vectorized"`` (default) or ``"reference"`` (the per-security
        implementation; same results, much slower).
    mbs_settlement
        When MBS reinvestment purchases enter the holdings
        (:class:`~qtlab.engine.MbsSettlement`: the Desk buys principal of month ``m`` TBA
        and the purchases settle ``lag`` months later, in the middle of the month; its
        ``pending`` are purchases made before the holdings' date). Default ``None``: the
        reinvestment is booked in the month its principal is paid, on the 25th.

    Returns
    -------
    Projection

    Notes
    -----
    Model assumptions (stated in every output that uses them):

    - Treasury caps apply to principal paid at maturity; TIPS principal paid is
      par plus inflation compensation, which counts against the cap and, when
      rolled over, becomes par of the new securities. Inflation compensation
      accretes at ``tips_accrual`` (at the start of each month), else stays at
      its snapshot value.
    - Redemptions are pro rata across the securities of a class maturing in the
      month; rollovers go to the securities settling on the maturity date in
      proportion to the issuance mix. Money rolled or invested in a month
      matures in a later month. Coupon maturities fall on the 15th or the month end.
    - Purchases of bills are spread evenly over the days of the month; of
      coupons half on the 15th, half at the month end.
    - MBS principal and sales post on the 25th (for holdings observed inside a month);
      reinvestment posts with them, or with ``mbs_settlement`` on its settlement day
      ``lag`` months later. CMBS are held constant (their paydowns, about
      0.03 bn a month, are not modelled).
    """
    s = to_month(start, field="start")
    mix = issuance_mix if issuance_mix is not None else default_issuance_mix()
    if not isinstance(policy, Policy):
        raise SpecError(
            f"policy must be a qtlab.policy.Policy (e.g. load_preset(...)), got {policy!r}"
        )
    obs = None if observe is None else pd.DatetimeIndex(pd.to_datetime(pd.Index(observe)))
    inp = build_inputs(
        holdings,
        policy,
        s,
        months,
        mbs_paydowns,
        mix,
        obs,
        tips_accrual,
        purchases,
        balance,
        mbs_settlement,
    )
    if method == "vectorized":
        raw, observed = run_vectorized(inp)
    elif method == "reference":
        raw, observed = run_reference(inp)
    else:
        raise SpecError(f"method={method!r}; valid: 'vectorized' or 'reference'")
    end_index = np.full(inp.n_scen, -1)
    end_rule: list[str | None] = [None] * inp.n_scen
    if inp.bal is not None and inp.end is not None:
        for sc in range(inp.n_scen):
            hit = np.flatnonzero(raw["endpoint"][sc] > 0)
            if len(hit):
                end_index[sc] = int(hit[0])
                end_rule[sc] = inp.bal.rules[int(raw["endpoint_rule"][sc, hit[0]])][0]
    arrays = _derive(raw, inp)
    if inp.end is not None:
        for sc, k in enumerate(end_index):
            if k >= 0:  # the endpoint regime's caps from the month after
                arrays["treasury_cap"][sc, k + 1 :] = inp.end.rules.treasury_cap
                arrays["agency_cap"][sc, k + 1 :] = inp.end.rules.agency_cap
    t = inp.t_par
    initial = {Obs.of(c).name.lower(): float(t[inp.t_kind == c].sum()) for c in TKind}
    initial["tips_inflation_comp"] = float(inp.t_ic.sum())
    initial[Kind.AGENCY.column] = float(inp.a_par.sum())
    initial[Kind.MBS.column] = inp.mbs0
    initial[Kind.CMBS.column] = inp.cmbs0
    _add_totals(initial)
    return Projection(
        policy=policy,
        start=s,
        arrays=arrays,
        months=inp.months,
        first_reported=inp.first_reported,
        regimes=inp.regime,
        observed=observed,
        observe=pd.DatetimeIndex(inp.observe.astype("datetime64[ns]")),
        mix=mix,
        method=method,
        initial=initial,
        end_index=end_index,
        end_rule=tuple(end_rule),
        end_regime=None if inp.end is None else inp.end.name,
    )
