"""Turn holdings, a policy, a mix and a paydown source into plain arrays for the kernels.

Both kernels (the vectorized one in ``_core`` and the per-security reference in
``_reference``) read the same :class:`Inputs`, so they differ only in how they
compute, never in what they are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from qtlab.engine._balance import BalanceArrays, BalanceInputs, EndParams, layout
from qtlab.engine._steps import Excess, MonthRules, Sales, TKind
from qtlab.engine.mix import IssuanceMix
from qtlab.engine.paydowns import PaydownAmounts, PaydownSource, _as_2d
from qtlab.engine.settlement import MbsSettlement
from qtlab.errors import DataError, DateRangeError, SpecError, one_of, quoted
from qtlab.policy import Policy
from qtlab.portfolio.mbs_dates import POSTING_DAY
from qtlab.portfolio.mbs_dates import mbs_first_month as first_mbs_month
from qtlab.schema import TREASURY_KINDS, Kind

__all__ = [
    "MAX_MONTHS",
    "Inputs",
    "build_inputs",
    "coupon_date",
    "month_end",
]

#: Day of the month on which MBS principal (and reinvestment) is posted for
#: holdings observed inside a month: the shared rule of qtlab.portfolio.mbs_dates.
MBS_POST_DAY = POSTING_DAY


#: The longest projection [months]: fifty years, past the last maturity of any holding.
MAX_MONTHS: Final = 600


def month_end(p: pd.Period) -> np.datetime64:
    """Last day of month ``p`` as ``datetime64[D]``."""
    return np.datetime64((p + 1).start_time.date(), "D") - np.timedelta64(1, "D")


def coupon_date(p: pd.Period, day: str) -> np.datetime64:
    """The 15th (``day="15"``) or the last day (``"eom"``) of month ``p``."""
    if day == "15":
        return np.datetime64(p.start_time.date(), "D") + np.timedelta64(14, "D")
    return month_end(p)


@dataclass(frozen=True)
class Inputs:
    """Everything a kernel needs, as arrays [USD bn; dates as datetime64[D]]."""

    months: pd.PeriodIndex
    first_reported: int
    #: Treasury and agency caps by month [USD bn/month] (reported in the frame)
    tcap: np.ndarray
    acap: np.ndarray
    #: the rules in force in each simulated month
    rules: tuple[MonthRules, ...]
    regime: tuple[str, ...]
    t_kind: np.ndarray
    t_mat: np.ndarray
    t_par: np.ndarray
    t_ic: np.ndarray
    a_mat: np.ndarray
    a_par: np.ndarray
    mbs0: float
    mbs_first: int
    cmbs0: float
    pay_is_amount: bool
    pay: np.ndarray
    mix: IssuanceMix
    observe: np.ndarray
    n_scen: int
    tips_accrual: np.ndarray
    elapsed0: int = 0
    #: realized outright purchases added to the policy's, not prorated [USD bn/month]
    extra_bill_purchases: np.ndarray | None = None
    extra_coupon_purchases: np.ndarray | None = None
    #: the endpoint regime (in force after a scenario's endpoint) and the liabilities
    end: EndParams | None = None
    bal: BalanceArrays | None = None
    #: MBS reinvestment settles ``mbs_lag`` months after its principal month, on day
    #: ``mbs_settle_day`` (0: the same month, on the posting day); ``mbs_pending``: purchases
    #: made before the holdings' date settling in each simulated month [USD bn]
    mbs_lag: int = 0
    mbs_settle_day: int = POSTING_DAY
    mbs_pending: np.ndarray | None = None

    def pending(self, m: int) -> float:
        """Purchases made before the holdings' date that settle in simulated month ``m``."""
        return 0.0 if self.mbs_pending is None else float(self.mbs_pending[m])

    def rules_at(self, m: int, stopped: bool) -> MonthRules:
        """The rules of simulated month ``m`` for a scenario (the endpoint regime's once
        ``stopped``)."""
        if stopped and self.end is not None:
            return self.end.rules
        return self.rules[m]

    def extra(self, m: int) -> tuple[float, float]:
        """Realized (bill, coupon) purchases of simulated month ``m`` [USD bn]."""
        b = 0.0 if self.extra_bill_purchases is None else float(self.extra_bill_purchases[m])
        c = 0.0 if self.extra_coupon_purchases is None else float(self.extra_coupon_purchases[m])
        return b, c


def _as_of(rows: pd.DataFrame, what: str) -> pd.Timestamp | None:
    if rows.empty:
        return None
    if "as_of" not in rows.columns:
        raise DataError(f"holdings lack column 'as_of' (needed to date the {what} holdings)")
    uniq = pd.DatetimeIndex(pd.to_datetime(rows["as_of"]).unique()).normalize().unique()
    dates = sorted(d.date() for d in uniq)
    if len(dates) != 1:
        raise DataError(
            f"{what} holdings mix as-of dates {one_of(str(d) for d in dates)}; "
            "give one snapshot per group (e.g. Dataset(as_of=...).holdings())"
        )
    return pd.Timestamp(dates[0])


def build_inputs(
    holdings: pd.DataFrame,
    policy: Policy,
    start: pd.Period,
    months: int,
    mbs_paydowns: PaydownSource | PaydownAmounts | None,
    mix: IssuanceMix,
    observe: pd.DatetimeIndex | None,
    tips_accrual: PaydownSource | None = None,
    purchases: pd.DataFrame | None = None,
    balance: BalanceInputs | None = None,
    mbs_settlement: MbsSettlement | None = None,
) -> Inputs:
    """Validate the inputs and lay them out as arrays (see :class:`Inputs`)."""
    need = ("kind", "maturity", "par", "inflation_comp", "as_of")
    missing = [c for c in need if c not in holdings.columns]
    if missing:
        raise DataError(f"holdings lack column {missing[0]!r}; the engine needs {one_of(need)}")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise SpecError(f"months={quoted(months)} must be an integer from 1 to {MAX_MONTHS}")
    tsy = holdings.loc[holdings["kind"].isin(TREASURY_KINDS)]
    agy = holdings.loc[holdings["kind"] == Kind.AGENCY]
    mbs = holdings.loc[holdings["kind"] == Kind.MBS]
    cmbs = holdings.loc[holdings["kind"] == Kind.CMBS]
    t_asof = _as_of(tsy, "Treasury")
    m_asof = _as_of(mbs, "MBS")
    a_asof = _as_of(agy, "agency debt")
    if t_asof is None and m_asof is None and a_asof is None and cmbs.empty:
        raise DataError("holdings hold no Treasury, agency, MBS or CMBS rows")
    firsts = []
    if t_asof is not None:
        firsts.append(t_asof.to_period("M"))
    mbs_first_month = None
    if m_asof is not None:
        # a snapshot before the 25th has the month's MBS payment still ahead
        mbs_first_month = first_mbs_month(m_asof)
        firsts.append(mbs_first_month)
    if a_asof is not None:
        firsts.append(a_asof.to_period("M"))
    if not firsts:
        firsts.append(start)
    sim_start = min(firsts)
    for when, what in ((t_asof, "Treasury"), (m_asof, "MBS"), (a_asof, "agency debt")):
        if when is not None and when.to_period("M") > start:
            raise DateRangeError(
                f"start={start} is before the {what} holdings' as-of date {when.date()}; "
                f"give start >= {when.to_period('M')} or older holdings"
            )
    if (start - sim_start).n > MAX_MONTHS:
        raise DateRangeError(
            f"start={start} is {(start - sim_start).n} months after the holdings ({sim_start}); "
            f"the engine carries holdings forward at most {MAX_MONTHS} months before the "
            "first reported month: give a nearer start or later holdings"
        )
    idx = pd.period_range(sim_start, start + (months - 1), freq="M", name="month")
    first_reported = int((start - sim_start).n)
    cp = policy.cap_path(idx[0], idx[-1])

    # --- Treasury securities outstanding after the as-of date
    if t_asof is not None:
        tsy = tsy.loc[pd.to_datetime(tsy["maturity"]) > t_asof]
    mat = pd.to_datetime(tsy["maturity"])
    if mat.isna().any():
        raise DataError("a Treasury holding has no maturity date")
    kind = tsy["kind"].map(lambda k: int(TKind.of(k))).to_numpy(int)
    mat_d = mat.to_numpy().astype("datetime64[D]")
    per = mat.dt.to_period("M")
    coupon = kind >= TKind.NOTE_BOND
    norm = np.array(
        [coupon_date(p, "15" if d <= 15 else "eom") for p, d in zip(per, mat.dt.day, strict=True)],
        dtype="datetime64[D]",
    )
    t_mat = np.where(coupon, norm, mat_d) if len(mat_d) else mat_d
    par = tsy["par"].to_numpy(float)
    ic = tsy["inflation_comp"].fillna(0.0).to_numpy(float)
    if (par < 0).any() or (ic < 0).any():
        raise DataError("holdings: par and inflation_comp must be >= 0 [USD bn]")

    # --- agency debt, MBS, CMBS
    if a_asof is not None:
        agy = agy.loc[pd.to_datetime(agy["maturity"]) > a_asof]
    a_mat = pd.to_datetime(agy["maturity"]).to_numpy().astype("datetime64[D]")
    a_par = agy["par"].to_numpy(float)
    mbs0 = float(mbs["par"].sum())
    cmbs0 = float(cmbs["par"].sum())
    mbs_first = 0 if mbs_first_month is None else int((mbs_first_month - sim_start).n)

    # --- paydowns
    sub = idx[mbs_first:]
    if mbs0 > 0 and len(sub):
        if mbs_paydowns is None:
            raise SpecError(
                "mbs_paydowns is required when MBS are held: give a PaydownPath, "
                "ConstantPaydownRate, RealizedPaydowns or a prepayment model (any object with "
                "rates(months) or amounts(months))"
            )
        if isinstance(mbs_paydowns, PaydownAmounts):
            raw, is_amt = mbs_paydowns.amounts(sub), True
        elif isinstance(mbs_paydowns, PaydownSource):
            raw, is_amt = mbs_paydowns.rates(sub), False
        else:
            raise SpecError(
                f"mbs_paydowns={mbs_paydowns!r} has neither rates(months) nor amounts(months)"
            )
        arr = _as_2d(raw, len(sub), "mbs_paydowns")
        if not is_amt and (arr > 1).any():
            raise SpecError("mbs_paydowns: rates are fractions of the balance and must be <= 1")
        pay = np.zeros((arr.shape[0], len(idx)))
        pay[:, mbs_first:] = arr
    else:
        pay, is_amt = np.zeros((1, len(idx))), False
    n_scen = pay.shape[0]

    obs = np.array([], dtype="datetime64[D]")
    if observe is not None and len(observe):
        obs = np.sort(pd.DatetimeIndex(observe).normalize().to_numpy().astype("datetime64[D]"))
        lo = np.datetime64(idx[0].start_time.date(), "D")
        hi = month_end(idx[-1])
        if obs[0] < lo or obs[-1] > hi:
            raise DateRangeError(
                f"observe dates must lie in the simulated months {idx[0]}..{idx[-1]}; "
                f"got {obs[0]}..{obs[-1]}"
            )
    # days of the first month already in the Treasury holdings (purchases come after)
    elapsed0 = 0
    if t_asof is not None and t_asof.to_period("M") == idx[0]:
        elapsed0 = min(t_asof.day, idx[0].days_in_month - 1)
    acc = np.zeros(len(idx))
    if tips_accrual is not None:
        if not isinstance(tips_accrual, PaydownSource):
            raise SpecError(f"tips_accrual={tips_accrual!r} has no rates(months) method")
        a2 = _as_2d(tips_accrual.rates(idx), len(idx), "tips_accrual", signed=True)
        if a2.shape[0] != 1:
            raise SpecError("tips_accrual: one path (n_months,) is supported, not scenarios")
        acc = a2[0]
    xb = xc = None
    if purchases is not None:
        xb, xc = _purchases(purchases, idx)
    end = None
    if policy.endpoint is not None:
        if balance is None:
            raise SpecError(
                f"policy {policy.name!r} has an endpoint ({policy.endpoint!r}); the engine "
                "needs the liability side to test it: pass balance=BalanceInputs(...)"
            )
        r = policy.endpoint.regime
        end = EndParams(
            name=r.name,
            rules=MonthRules(
                treasury_cap=r.treasury_cap,
                agency_cap=r.agency_cap,
                pro_rata=r.treasury_redemption == "pro_rata",
                excess_to=Excess.of(r.mbs_excess_to),
                excess_limit=r.mbs_excess_limit,
                sales=Sales.of(r.mbs_sales),
                sales_amount=r.mbs_sales_amount,
                bill_purchases=r.bill_purchases,
                coupon_purchases=r.coupon_purchases,
            ),
        )
    bal = None if balance is None else layout(balance, policy, idx, first_reported)
    lag, sday, pend = 0, POSTING_DAY, None
    if mbs_settlement is not None:
        if not isinstance(mbs_settlement, MbsSettlement):
            raise SpecError(
                f"mbs_settlement={mbs_settlement!r} must be a qtlab.engine.MbsSettlement"
            )
        lag, sday = mbs_settlement.lag, mbs_settlement.day
        pend = np.array(mbs_settlement.pending_on(idx), dtype=float)
        pend[:mbs_first] = 0.0  # settled before the MBS holdings' month: already in them
    return Inputs(
        months=idx,
        first_reported=first_reported,
        tcap=cp["treasury_cap"].to_numpy(float),
        acap=cp["agency_cap"].to_numpy(float),
        rules=_month_rules(cp),
        regime=tuple(cp["regime"].astype(str)),
        t_kind=kind,
        t_mat=t_mat,
        t_par=par,
        t_ic=ic,
        a_mat=a_mat,
        a_par=a_par,
        mbs0=mbs0,
        mbs_first=mbs_first,
        cmbs0=cmbs0,
        pay_is_amount=is_amt,
        pay=pay,
        mix=mix,
        observe=obs,
        n_scen=n_scen,
        tips_accrual=acc,
        elapsed0=elapsed0,
        extra_bill_purchases=xb,
        extra_coupon_purchases=xc,
        end=end,
        bal=bal,
        mbs_lag=lag,
        mbs_settle_day=sday,
        mbs_pending=pend,
    )


def _month_rules(cp: pd.DataFrame) -> tuple[MonthRules, ...]:
    """The rules of each month of a policy's cap path (:meth:`Policy.cap_path`), once."""
    cols = zip(
        cp["treasury_cap"].to_numpy(float),
        cp["agency_cap"].to_numpy(float),
        cp["treasury_redemption"].eq("pro_rata").to_numpy(),
        cp["mbs_excess_to"].map(Excess.of),
        cp["mbs_excess_limit"].to_numpy(float),
        cp["mbs_sales"].map(Sales.of),
        cp["mbs_sales_amount"].to_numpy(float),
        cp["bill_purchases"].to_numpy(float),
        cp["coupon_purchases"].to_numpy(float),
        strict=True,
    )
    return tuple(
        MonthRules(float(tc), float(ac), bool(pr), Excess(ex), float(lim), Sales(sa),
                   float(amt), float(bp), float(cpp))
        for tc, ac, pr, ex, lim, sa, amt, bp, cpp in cols
    )  # fmt: skip


def _purchases(df: pd.DataFrame, idx: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """Lay out realized purchases (index month, columns bills, coupons [USD bn]) on ``idx``."""
    cols = ("bills", "coupons")
    bad = [c for c in df.columns if c not in cols]
    if bad:
        raise SpecError(f"purchases: unknown column {bad[0]!r}; valid: {one_of(cols)}")
    try:
        months = pd.PeriodIndex(df.index, freq="M")
    except (TypeError, ValueError) as exc:
        raise SpecError(f"purchases: index must be months (YYYY-MM); got {df.index!r}") from exc
    outside = [str(m) for m in months if m not in idx]
    if outside:
        raise DateRangeError(
            f"purchases: month {outside[0]} lies outside the simulated months {idx[0]}..{idx[-1]}"
        )
    out = []
    for c in cols:
        v = df[c].to_numpy(float) if c in df.columns else np.zeros(len(df))
        if (v < 0).any() or not np.isfinite(v).all():
            raise SpecError(f"purchases: {c} must be finite and >= 0 [USD bn]")
        a = np.zeros(len(idx))
        np.add.at(a, idx.get_indexer(months), v)
        out.append(a)
    return out[0], out[1]
