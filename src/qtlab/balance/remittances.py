"""The Reserve Banks' net income and the deferred asset (issue 13, item 2).

The Federal Reserve Act has the Reserve Banks remit their earnings to the Treasury after
operating costs, dividends and surplus. While net income is negative they book a
*deferred asset* (a negative "earnings remittances due to the U.S. Treasury", inside
other liabilities and capital on the H.4.1) instead; positive net income first pays it
down, then is remitted again. A growing deferred asset lowers other liabilities and
capital, so with total assets, currency and the TGA given it raises reserves + ON RRP
(2022-09 on: the H.4.1 line fell by the deferred asset, 16.6 bn at the end of 2022,
133.0 bn at the end of 2023).

The model, monthly [USD bn a month; rates in %]:

- interest income (:func:`soma_income`): the SOMA holdings by kind along a path (the
  runoff engine's frame) at the par-weighted coupons of the CUSIP holdings visible at the
  vantage (:func:`soma_coupons`; notes and bonds, TIPS on par plus compensation, MBS,
  agency debt, CMBS), bills and floating-rate notes at the 3-month bill yield, plus the
  TIPS inflation accrual, minus the amortization of premiums (a stated monthly amount);
- interest expense: the previous month's reserves + ON RRP (their sum is known before the
  split: total assets - TGA - currency and the other block) at the ON RRP rate plus a
  stated ``reserves_share`` of the IORB-ON RRP spread, and the foreign official
  reverse-repo pool (inside the other block) at the ON RRP rate;
- operating costs, assessments and dividends net of service income: a stated amount;
- the deferred asset: ``DA[t] = max(0, DA[t-1] - NI[t])``; remittances ``max(0, NI[t] -
  DA[t-1])``.

:func:`deferred_asset_path` runs the recursion on arrays with an optional trailing
scenario axis; :func:`deferred_asset_reference` is its plain loop. Model code: no I/O;
monthly pandas Series (``Period[M]`` index) or arrays in, USD bn and percent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import require_monthly
from qtlab.errors import DataError, SpecError

__all__ = [
    "OPERATING_COSTS_2019",
    "PUBLISHED_DEFERRED_ASSET",
    "Remittances",
    "SomaCoupons",
    "deferred_asset_path",
    "deferred_asset_reference",
    "new_coupon_stock",
    "soma_coupons",
    "soma_income",
]

#: Reserve Banks' costs other than interest in 2019 [USD bn a year]: operating expenses
#: net of reimbursements 4.5, currency 0.837, Board 0.814 and CFPB 0.519 assessments,
#: statutory dividends 0.714, less income from services 0.444 (Federal Reserve Board,
#: "Reserve Bank income and expense data and transfers to the Treasury for 2019", January
#: 2020): 6.94. The last pre-pandemic year, published long before any vantage the
#: CUSIP files allow (2022 on); 2022's operating expenses with assessments were 9.2.
OPERATING_COSTS_2019: Final = 4.5 + 0.837 + 0.814 + 0.519 + 0.714 - 0.444

#: The deferred asset at year ends [USD bn] and a day by which it was published: end-2022
#: 16.6 (2022 audited combined financial statements, March 2023; the preliminary release
#: of 2023-01-13 said 18.8; dated here at the end of March to stay on the safe side),
#: end-2023 133.0 (Board press release on 2023 preliminary income and expense,
#: 2024-01-12), end-2024 about 216 (2024 audited statements, 2025-03-21, as the press
#: reported them: 133 -> 216; not checked against the Board's own page).
PUBLISHED_DEFERRED_ASSET: Final[tuple[tuple[str, str, float], ...]] = (
    ("2022-12", "2023-03-31", 16.6),
    ("2023-12", "2024-01-12", 133.0),
    ("2024-12", "2025-03-21", 216.0),
)

#: Kinds whose income is their coupon on par [%] (TIPS: on par plus compensation).
_COUPON_KINDS: Final = ("note_bond", "tips", "mbs", "agency", "cmbs")
#: Engine frame columns of coupon securities bought at auction or in the market [USD bn].
_NEW_COUPON_COLUMNS: Final = ("rolled_coupons_mid", "rolled_coupons_end", "coupon_purchases")
#: Engine frame column of each coupon kind's par [USD bn].
_FRAME_COLUMNS: Final = {
    "note_bond": "notes_bonds",
    "tips": "tips",
    "mbs": "mbs",
    "agency": "agency",
    "cmbs": "cmbs",
}


#: Kinds that mature (rather than pay down): their coupon follows the holdings left.
_MATURING_KINDS: Final = ("note_bond", "tips", "agency")


@dataclass(frozen=True, eq=False)
class SomaCoupons:
    """Par-weighted coupons [%] of the SOMA holdings by kind (``coupons``: kind -> coupon)
    and the date of the holdings files they come from. ``ladders``: for the kinds that
    mature (notes and bonds, TIPS, agency debt), par [USD bn] and par x coupon by month
    of maturity, so the coupon of the holdings left in a month can be read
    (:meth:`coupon_path`): as the low-coupon notes of 2020-21 mature, it rises."""

    coupons: dict[str, float]
    as_of: str
    ladders: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def coupon_path(self, kind: str, idx: pd.PeriodIndex) -> np.ndarray:
        """The par-weighted coupon [%] of the ``kind`` holdings still outstanding at the end
        of each month of ``idx`` (the last one's once none is left; the whole file's
        coupon for kinds without a ladder)."""
        c0 = self.coupons.get(kind, 0.0)
        lad = self.ladders.get(kind)
        if lad is None or lad.empty:
            return np.full(len(idx), c0)
        out = np.empty(len(idx))
        last = c0
        months = pd.PeriodIndex(lad.index)
        for i, m in enumerate(idx):
            left = lad[months > m]
            par = float(left["par"].sum())
            if par > 0:
                last = float(left["par_coupon"].sum()) / par
            out[i] = last
        return out

    def describe(self) -> str:
        parts = ", ".join(f"{k} {v:.2f}%" for k, v in self.coupons.items())
        return f"SOMA coupons at {self.as_of} (par-weighted): {parts}"


def soma_coupons(holdings: pd.DataFrame) -> SomaCoupons:
    """Par-weighted coupon [%] of each coupon-paying kind in a holdings table (columns
    ``kind``, ``coupon`` [%], ``par`` [USD bn], ``as_of``; ``maturity`` for the ladders),
    over the securities with a stated coupon; kinds absent pay nothing."""
    need = {"kind", "coupon", "par", "as_of"}
    if not need <= set(holdings.columns):
        raise DataError(
            f"holdings: missing column(s) {sorted(need - set(holdings.columns))}; expected "
            "the holdings table of qtlab.schema (kind, coupon [%], par [USD bn], as_of)"
        )
    out: dict[str, float] = {}
    ladders: dict[str, pd.DataFrame] = {}
    for kind in _COUPON_KINDS:
        h = holdings[(holdings["kind"] == kind) & holdings["coupon"].notna()]
        par = float(h["par"].sum())
        if par > 0:
            out[kind] = float((h["par"] * h["coupon"]).sum()) / par
            if kind in _MATURING_KINDS and "maturity" in h and h["maturity"].notna().all():
                month = pd.DatetimeIndex(h["maturity"]).to_period("M")
                lad = pd.DataFrame(
                    {"par": h["par"].to_numpy(float), "par_coupon": (h["par"] * h["coupon"])}
                ).set_index(month)
                ladders[kind] = lad.groupby(level=0).sum()
    dates = sorted({str(pd.Timestamp(d).date()) for d in holdings["as_of"].dropna()})
    return SomaCoupons(out, " and ".join(dates), ladders)


def soma_income(
    frame: pd.DataFrame,
    coupons: SomaCoupons,
    bill_rate: pd.Series,
    amortization: pd.Series | float = 0.0,
) -> pd.DataFrame:
    """SOMA interest income by month [USD bn a month] along the runoff engine's frame.

    ``frame``: monthly holdings by kind [USD bn] (columns ``bills``, ``notes_bonds``,
    ``tips``, ``tips_inflation_comp``, ``frn``, ``agency``, ``mbs``, ``cmbs``; and
    ``tips_ic_accrued``, the month's inflation accrual, and the coupons bought at auction,
    ``rolled_coupons_mid``, ``rolled_coupons_end``, ``coupon_purchases``, where the engine
    gives them: they pay the bill yield of their month, :func:`new_coupon_stock`; the rest
    of the notes and bonds, TIPS and agency debt pay the coupon of the vantage's holdings
    still outstanding that month, :meth:`SomaCoupons.coupon_path`; MBS and CMBS the
    vantage's coupon).
    ``bill_rate``: the 3-month bill yield [%] (monthly; bills and FRNs earn it; the last
    value carries on). ``amortization``: premium amortization [USD bn a month].
    Each month earns on its own holdings (month-end par of the engine's frame).
    """
    if not isinstance(frame.index, pd.PeriodIndex) or frame.index.freqstr != "M":
        raise SpecError("frame must be indexed by Period[M] (calendar months)")
    idx = pd.PeriodIndex(frame.index)
    r = _on(bill_rate, idx, "bill_rate")
    cols = {}
    coupon = np.zeros(len(idx))
    # coupons bought at auctions (rollovers above the caps, purchases) pay the coupon of
    # their month, taken as the 3-month bill yield then (see :func:`new_coupon_stock`)
    new = sum(
        (frame[c].to_numpy(float) for c in _NEW_COUPON_COLUMNS if c in frame), np.zeros(len(idx))
    )
    nb = frame["notes_bonds"].to_numpy(float) if "notes_bonds" in frame else np.zeros(len(idx))
    new_par, new_rate = new_coupon_stock(new, r, nb)
    for kind, col in _FRAME_COLUMNS.items():
        c = coupons.coupon_path(kind, idx)
        par = frame[col].to_numpy(float) if col in frame else np.zeros(len(idx))
        if kind == "tips" and "tips_inflation_comp" in frame:
            par = par + frame["tips_inflation_comp"].to_numpy(float)
        if kind == "note_bond":
            par = par - new_par
        coupon += par * c / 1200.0
    cols["coupons"] = coupon
    cols["new_coupons"] = new_par * new_rate / 1200.0
    short = sum(
        (frame[c].to_numpy(float) for c in ("bills", "frn") if c in frame), np.zeros(len(idx))
    )
    cols["bills"] = short * r / 1200.0
    accrual = (
        frame["tips_ic_accrued"].to_numpy(float) if "tips_ic_accrued" in frame else 0.0
    ) * np.ones(len(idx))
    cols["tips_accrual"] = accrual
    am = (
        _on(amortization, idx, "amortization")
        if isinstance(amortization, pd.Series)
        else np.full(len(idx), float(amortization))
    )
    cols["amortization"] = -am
    out = pd.DataFrame(cols, index=idx)
    out["income"] = out.sum(axis=1)
    return out


def new_coupon_stock(
    bought: np.ndarray, rate: np.ndarray, notes_bonds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Par [USD bn] and average coupon [%] of the notes and bonds bought after the vantage.

    Each month's ``bought`` par pays that month's ``rate``; the stock never exceeds the
    month's ``notes_bonds`` par: maturities come out of the vantage's holdings first (new
    issues are longer), and once those are gone the bought ones maturing are replaced at
    the new rate (taken out at the stock's average coupon)."""
    par = np.zeros(len(bought))
    avg = np.zeros(len(bought))
    n, c = 0.0, 0.0
    for t in range(len(bought)):
        total = n + bought[t]
        c = (n * c + bought[t] * rate[t]) / total if total > 0 else 0.0
        n = min(total, max(notes_bonds[t], 0.0))
        par[t], avg[t] = n, c
    return par, avg


def _on(s: pd.Series, idx: pd.PeriodIndex, what: str) -> np.ndarray:
    """``s`` on the months ``idx`` (carried forward past its end, back before its start)."""
    if not isinstance(s.index, pd.PeriodIndex) or s.index.freqstr != "M":
        raise SpecError(f"{what} must be a pandas Series indexed by Period[M] (calendar months)")
    x = s.dropna().astype(float)
    if x.empty:
        raise DataError(f"{what}: the path has no value")
    return x.reindex(x.index.union(idx)).ffill().bfill().reindex(idx).to_numpy(float)


@dataclass(frozen=True)
class Remittances:
    """The remittance rule's stated assumptions.

    ``costs``: operating costs, assessments and dividends net of service income [USD bn a
    year] (default :data:`OPERATING_COSTS_2019`); ``reserves_share``: the share of
    reserves + ON RRP paid IORB (the rest earns the ON RRP rate) [0..1]; ``foreign_pool``:
    the foreign official reverse-repo pool [USD bn], paid the ON RRP rate, held at its
    level; ``deferred0``: the deferred asset in the month before the path [USD bn].
    """

    costs: float = OPERATING_COSTS_2019
    reserves_share: float = 1.0
    foreign_pool: float = 0.0
    deferred0: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.reserves_share <= 1.0:
            raise SpecError(f"reserves_share={self.reserves_share!r} must be 0..1")
        for name in ("costs", "foreign_pool", "deferred0"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise SpecError(f"{name}={v!r} must be a finite amount >= 0 [USD bn]")

    def path(
        self,
        income: pd.Series,
        free: pd.Series,
        liquidity0: float,
        iorb: pd.Series,
        rrp_rate: pd.Series,
    ) -> pd.DataFrame:
        """Net income, deferred asset and remittances [USD bn] on ``income``'s months.

        ``income``: SOMA interest income [USD bn a month]; ``free``: total assets - TGA -
        currency and other liabilities and capital without the modelled deferred asset
        [USD bn] (reserves + ON RRP before it); ``liquidity0``: reserves + ON RRP in the
        month before [USD bn]; ``iorb``, ``rrp_rate``: monthly rates [%]."""
        require_monthly(income, "income")
        idx = pd.PeriodIndex(income.index)
        out = deferred_asset_path(
            income.to_numpy(float),
            _on(free, idx, "free"),
            liquidity0,
            _on(iorb, idx, "iorb"),
            _on(rrp_rate, idx, "rrp_rate"),
            costs=self.costs,
            reserves_share=self.reserves_share,
            foreign_pool=self.foreign_pool,
            deferred0=self.deferred0,
        )
        return pd.DataFrame(out, index=idx)

    def describe(self) -> str:
        return (
            f"Reserve Bank net income: costs {self.costs:.1f} bn a year, "
            f"{100 * self.reserves_share:.0f}% of reserves + ON RRP at IORB, foreign repo "
            f"pool {self.foreign_pool:,.0f} bn at the ON RRP rate; deferred asset at the "
            f"start {self.deferred0:,.1f} bn"
        )


def deferred_asset_path(
    income: np.ndarray,
    free: np.ndarray,
    liquidity0: float | np.ndarray,
    iorb: np.ndarray,
    rrp_rate: np.ndarray,
    *,
    costs: float = OPERATING_COSTS_2019,
    reserves_share: float = 1.0,
    foreign_pool: float = 0.0,
    deferred0: float | np.ndarray = 0.0,
) -> dict[str, np.ndarray]:
    """The deferred-asset recursion on arrays (months first, an optional trailing scenario
    axis) [USD bn a month; rates %]. Returns ``expense``, ``net_income``,
    ``deferred_asset``, ``remittances`` and ``liquidity`` (reserves + ON RRP with the
    deferred asset's change since the start: ``free + deferred - deferred0``)."""
    inc = np.asarray(income, dtype=float)
    shape, n = inc.shape, len(inc)
    inc2 = inc.reshape(n, -1)

    def col(x: np.ndarray | float) -> np.ndarray:
        a = np.asarray(x, dtype=float)
        return np.broadcast_to(a.reshape(n, -1) if a.ndim else a, inc2.shape)

    fr2, r_on = col(free), col(rrp_rate)
    rate = r_on + reserves_share * (col(iorb) - r_on)
    pool = foreign_pool * r_on / 1200.0
    da0 = np.broadcast_to(np.asarray(deferred0, dtype=float), inc2.shape[1:]).astype(float)
    liq = np.broadcast_to(np.asarray(liquidity0, dtype=float), inc2.shape[1:]).astype(float)
    da = da0.copy()
    keys = ("expense", "net_income", "deferred_asset", "remittances", "liquidity")
    res = {k: np.empty_like(inc2) for k in keys}
    for t in range(len(inc2)):
        expense = liq * rate[t] / 1200.0 + pool[t]
        ni = inc2[t] - expense - costs / 12.0
        res["remittances"][t] = np.maximum(ni - da, 0.0)
        da = np.maximum(da - ni, 0.0)
        liq = fr2[t] + da - da0
        res["expense"][t], res["net_income"][t] = expense, ni
        res["deferred_asset"][t], res["liquidity"][t] = da, liq
    return {k: v.reshape(shape) for k, v in res.items()}


def deferred_asset_reference(
    income: list[float],
    free: list[float],
    liquidity0: float,
    iorb: list[float],
    rrp_rate: list[float],
    costs: float,
    reserves_share: float,
    foreign_pool: float,
    deferred0: float,
) -> tuple[list[float], list[float]]:
    """Plain loop: (net income, deferred asset) [USD bn] month by month."""
    ni_out, da_out = [], []
    liq, da = liquidity0, deferred0
    for t in range(len(income)):
        rate = rrp_rate[t] + reserves_share * (iorb[t] - rrp_rate[t])
        ni = income[t] - liq * rate / 1200 - foreign_pool * rrp_rate[t] / 1200 - costs / 12
        da = da - ni if da - ni > 0 else 0.0
        liq = free[t] + da - deferred0
        ni_out.append(ni)
        da_out.append(da)
    return ni_out, da_out
