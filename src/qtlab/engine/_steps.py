"""The named steps of a simulated month, shared by both kernels.

Each month both kernels (the vectorized :mod:`qtlab.engine._core` and the per-security
:mod:`qtlab.engine._reference`) take the same steps in the same order:

1. :func:`redeem`: the Treasury cap split between maturing coupons and bills;
2. :func:`mbs_paydown` and :func:`agency_principal`: agency principal split into runoff
   (up to the agency cap), Treasury purchases, MBS reinvestment and MBS sales;
3. :func:`purchases`: outright purchases plus agency principal sent to Treasuries;
4. :func:`observed_mbs`: MBS held on a day inside the month;
5. the liabilities (:func:`qtlab.balance.step.liability_step`), the reserve-management
   top-up (:func:`reserve_topup`) and the endpoint rules (:func:`endpoint_rule`).

The steps are numpy expressions, so the vectorized kernel passes arrays over scenarios
``(S,)`` and the reference floats; they compute the same numbers either way. The rules in
force are a :class:`MonthRules`, codes are :class:`enum.IntEnum` members.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from qtlab.schema import AGENCY_KINDS, KIND_COLUMNS, TREASURY_KINDS, Kind

__all__ = [
    "OBS_COLUMNS",
    "AgencyFlows",
    "Excess",
    "MonthRules",
    "Obs",
    "Quantity",
    "Sales",
    "TKind",
    "agency_principal",
    "endpoint_rule",
    "mbs_paydown",
    "observed_mbs",
    "purchases",
    "redeem",
    "reserve_topup",
]

#: A float or an array over scenarios ``(S,)`` (numpy expressions accept both).
Num = Any


class TKind(enum.IntEnum):
    """Kernel code of a Treasury kind (:data:`qtlab.schema.TREASURY_KINDS` order); coupon
    kinds are ``>= NOTE_BOND`` and sit in row ``code - 1`` of the coupon grid."""

    BILL = 0
    NOTE_BOND = 1
    TIPS = 2
    FRN = 3

    @property
    def kind(self) -> str:
        """The holdings spelling (``"note_bond"``)."""
        return Kind[self.name].value

    @classmethod
    def of(cls, kind: str) -> TKind:
        """The code of a holdings kind (``"tips"`` -> ``TIPS``)."""
        return cls[Kind(kind).name]


assert tuple(t.kind for t in TKind) == TREASURY_KINDS


class Excess(enum.IntEnum):
    """Where agency principal above the agency cap goes (``Regime.mbs_excess_to``)."""

    MBS = 0
    TREASURIES = 1
    BILLS = 2

    @classmethod
    def of(cls, name: str) -> Excess:
        return cls[name.upper()]


class Sales(enum.IntEnum):
    """MBS sales (``Regime.mbs_sales``): none, up to the cap, or a fixed amount a month."""

    NONE = 0
    TO_CAP = 1
    FIXED = 2

    @classmethod
    def of(cls, name: str) -> Sales:
        return cls[name.upper()]


class Quantity(enum.IntEnum):
    """What an endpoint rule measures: reserves or total assets."""

    RESERVES = 0
    TOTAL_ASSETS = 1


class Obs(enum.IntEnum):
    """Positions of the observed holdings (:data:`OBS_COLUMNS`) in the kernels' output."""

    BILLS = 0
    NOTES_BONDS = 1
    TIPS = 2
    FRN = 3
    TIPS_INFLATION_COMP = 4
    AGENCY = 5
    MBS = 6
    CMBS = 7

    @classmethod
    def of(cls, code: TKind) -> Obs:
        """The column of a Treasury kind."""
        return cls[KIND_COLUMNS[Kind(code.kind)].upper()]


#: Holdings observed on given dates inside a month [USD bn]; also the first per-month
#: outputs (holdings at the month end): the registry's columns of the Treasury kinds,
#: TIPS inflation compensation, then the agency kinds'.
OBS_COLUMNS: tuple[str, ...] = (
    *(KIND_COLUMNS[Kind(k)] for k in TREASURY_KINDS),
    "tips_inflation_comp",
    *(KIND_COLUMNS[Kind(k)] for k in AGENCY_KINDS),
)
assert tuple(o.name.lower() for o in Obs) == OBS_COLUMNS


class MonthRules(NamedTuple):
    """The rules in force in a month (floats; arrays over scenarios in the vectorized
    kernel, where a scenario past its endpoint follows the endpoint regime)."""

    #: Treasury redemptions at most [USD bn/month] (``inf``: no cap)
    treasury_cap: Num
    #: agency principal let run off at most [USD bn/month]
    agency_cap: Num
    #: True: bills and coupons redeemed pro rata; False: coupons first
    pro_rata: Num
    #: :class:`Excess` code
    excess_to: Num
    #: principal above the cap sent to Treasuries at most [USD bn/month]
    excess_limit: Num
    #: :class:`Sales` code
    sales: Num
    #: MBS sold under ``Sales.FIXED`` [USD bn/month]
    sales_amount: Num
    #: outright bill and coupon purchases [USD bn/month]
    bill_purchases: Num
    coupon_purchases: Num


def redeem(coupons_due: Num, bills_due: Num, rules: MonthRules) -> tuple[Num, Num]:
    """Split the Treasury cap: (coupon, bill) redemptions [USD bn] out of the month's
    maturing coupons (par + TIPS inflation compensation) and bills [USD bn].

    Pro rata: both in proportion to what matures; else coupons first, bills with the rest.
    """
    cap = rules.treasury_cap
    total = coupons_due + bills_due
    with np.errstate(invalid="ignore", divide="ignore"):
        fr = np.where(total > 0, np.minimum(total, cap) / total, 0.0)
    c_first = np.minimum(coupons_due, cap)
    pro = rules.pro_rata
    c_red = np.where(pro, fr * coupons_due, c_first)
    b_red = np.where(pro, fr * bills_due, np.minimum(bills_due, np.maximum(cap - c_first, 0.0)))
    return c_red, b_red


def mbs_paydown(rate_or_amount: Num, mbs: Num, is_amount: bool) -> Num:
    """MBS principal paid down in the month [USD bn]: an amount (at most the balance) or a
    rate [fraction of the balance] times the balance ``mbs`` [USD bn]."""
    return np.minimum(rate_or_amount, mbs) if is_amount else rate_or_amount * mbs


class AgencyFlows(NamedTuple):
    """Agency principal of a month split by the rules [USD bn]."""

    runoff: Num
    to_treasuries: Num
    reinvested: Num
    sales: Num


def agency_principal(pay: Num, maturing: Num, mbs: Num, rules: MonthRules) -> AgencyFlows:
    """Split MBS paydowns ``pay`` plus maturing agency debt ``maturing`` [USD bn]: runoff up
    to the agency cap, the excess to Treasuries (up to the limit) or reinvested in MBS; MBS
    sales out of the balance ``mbs`` [USD bn] net of ``pay``."""
    acap = rules.agency_cap
    principal = pay + maturing
    runoff = np.minimum(principal, acap)
    excess = principal - runoff
    to_t = np.where(rules.excess_to == Excess.MBS, 0.0, np.minimum(excess, rules.excess_limit))
    with np.errstate(invalid="ignore"):
        to_cap = np.minimum(np.maximum(acap - principal, 0.0), mbs - pay)
    sales = np.where(
        (rules.sales == Sales.TO_CAP) & np.isfinite(acap),
        to_cap,
        np.where(rules.sales == Sales.FIXED, np.minimum(rules.sales_amount, mbs - pay), 0.0),
    )
    return AgencyFlows(runoff, to_t, excess - to_t, sales)


def purchases(
    rules: MonthRules,
    to_treasuries: Num,
    bill_share: float,
    days_open: int,
    days: int,
    halves_open: int,
    extra: tuple[float, float],
) -> tuple[Num, Num]:
    """The month's (bill, coupon) purchases [USD bn]: the rules' outright purchases over the
    ``days_open`` of ``days`` days and ``halves_open`` of the 2 coupon settlement halves
    the Fed holds the month, realized purchases ``extra`` (in full), and agency principal
    sent to Treasuries (``bill_share`` [fraction] of it in bills, or all in bills)."""
    xb, xc = extra
    qb = rules.bill_purchases * days_open / days + xb
    qc = rules.coupon_purchases * halves_open / 2 + xc
    to_t, ex = to_treasuries, rules.excess_to
    qb = qb + np.where(
        ex == Excess.TREASURIES, to_t * bill_share, np.where(ex == Excess.BILLS, to_t, 0.0)
    )
    qc = qc + np.where(ex == Excess.TREASURIES, to_t * (1 - bill_share), 0.0)
    return qb, qc


def observed_mbs(
    start: Num, due: Num, settled: Num, pay: Num, sales: Num, day: int, settle: int, post: int
) -> Num:
    """MBS held on day ``day`` of the month [USD bn]: the start balance, plus the queued
    purchases ``due`` from the settlement day ``settle``, plus the month's other flows
    (reinvestment settled, paydowns and sales out) from the posting day ``post``."""
    held = start + (due if day >= settle else 0.0)
    if day >= post:
        held = held + (settled - due - pay - sales)
    return held


def reserve_topup(target: Num, reserves: Num) -> Num:
    """Bills bought to lift ``reserves`` to ``target`` [USD bn] (none where the target is
    NaN, i.e. not in force, or reserves are above it)."""
    return np.where(np.isnan(target), 0.0, np.maximum(target - reserves, 0.0))


def endpoint_rule(
    assets: Num,
    reserves: Num,
    peak: Num,
    rules: Sequence[tuple[str, int, float, np.ndarray | None]],
    m: int,
) -> Num:
    """Index of the first endpoint rule binding in month ``m`` (``-1``: none): the level it
    measures (:class:`Quantity`) [USD bn] at or below its threshold, a fraction of the
    reserves ``peak`` or the rule's threshold path [USD bn]."""
    hit = np.full(np.shape(reserves), -1)
    for j, (_, q, frac, thr) in enumerate(rules):
        level = assets if q == Quantity.TOTAL_ASSETS else reserves
        t = (1.0 - frac) * peak if thr is None else thr[m]
        hit = np.where((hit < 0) & (level <= t), j, hit)
    return hit
