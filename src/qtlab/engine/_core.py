"""The vectorized runoff kernel: numpy over (scenario, security) arrays.

Securities are pooled by kind and maturity date (two securities of one kind
maturing on the same day run off identically under the Desk's pro-rata rules):

- bills on a daily grid of maturity dates, shape ``(n_scenarios, n_days)``;
- coupon securities (notes/bonds, TIPS, FRNs) on a semi-monthly grid (the 15th
  and the month end, the only days Treasury coupons mature), shape
  ``(n_scenarios, 3, n_half_months)``, with TIPS inflation compensation beside it.

Each month: the Treasury cap is applied coupons first (or pro rata), each
maturing pool is redeemed in the same proportion as its class, and the rest is
rolled over into new pools along the issuance mix; agency principal is split
into runoff (up to the agency cap), reinvestment and Treasury purchases.
:mod:`qtlab.engine._reference` computes the same thing security by security.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from qtlab.balance.step import liability_step
from qtlab.engine._balance import LIABILITY_COLUMNS
from qtlab.engine._fast import accrue_tips
from qtlab.engine._setup import MBS_POST_DAY, Inputs, coupon_date
from qtlab.engine._steps import (
    OBS_COLUMNS,
    MonthRules,
    Obs,
    TKind,
    agency_principal,
    endpoint_rule,
    mbs_paydown,
    observed_mbs,
    purchases,
    redeem,
    reserve_topup,
)
from qtlab.schema import Kind

__all__ = ["END_COLUMNS", "FLOW_COLUMNS", "OBS_COLUMNS", "run_vectorized"]

#: Per-month outputs of both kernels [USD bn], in order: holdings, then flows.
FLOW_COLUMNS: Final = (
    *OBS_COLUMNS,
    "bills_maturing",
    "coupons_maturing",
    "tips_ic_maturing",
    "tips_ic_accrued",
    "coupon_redemptions",
    "bill_redemptions",
    "rolled_over",
    "rolled_bills",
    "rolled_coupons_mid",
    "rolled_coupons_end",
    "bill_purchases",
    "coupon_purchases",
    "mbs_paydowns",
    "agency_maturing",
    "agency_runoff",
    "mbs_reinvested",
    "agency_to_treasuries",
    "mbs_sales",
    "mbs_settled",
)
#: With balance inputs: the liabilities [USD bn], ``endpoint`` (1 in the month the first
#: rule binds, else 0) and ``endpoint_rule`` (index of that rule in the month, else -1).
END_COLUMNS: Final = (*LIABILITY_COLUMNS, "endpoint", "endpoint_rule")


def _half_tables(inp: Inputs) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per settlement half: (kind index 0..2, months, day is eom, shares by simulated month
    ``(n_months, n_tenors)``) arrays of the mix."""
    out = []
    for h in ("mid", "end"):
        ts = inp.mix.coupons[h]
        out.append(
            (
                np.array([TKind.of(t.kind) - TKind.NOTE_BOND for t in ts]),
                np.array([t.months for t in ts]),
                np.array([t.day == "eom" for t in ts]),
                np.array([inp.mix.coupon_shares(h, p) for p in inp.months]),
            )
        )
    return out


def run_vectorized(inp: Inputs) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Run the projection.

    Returns ``({column: (S, M) array}, observed (S, n_obs, len(OBS_COLUMNS)))``.
    """
    S, M = inp.n_scen, len(inp.months)
    months = inp.months
    base = months[0].ordinal
    g0 = np.datetime64(months[0].start_time.date(), "D")
    mix = inp.mix
    bw = np.array(mix.bill_weeks)
    bs = np.array(mix.bill_shares)
    halves = _half_tables(inp)
    kind_share_m = np.zeros((M, 2, 3))  # month, half, kind
    for h, (k, _, _, shm) in enumerate(halves):
        for mi in range(M):
            _scatter_add(kind_share_m[mi, h], (k,), shm[mi])

    # --- grids
    last_day = coupon_date(months[-1], "eom")
    t_bill = inp.t_kind == TKind.BILL
    nb_end = max(
        last_day + np.timedelta64(7 * int(bw.max()) + 31, "D"),
        inp.t_mat[t_bill].max() if t_bill.any() else last_day,
    )
    nb = int((nb_end - g0).astype(int)) + 1
    gb = np.zeros((S, nb))
    bidx = (inp.t_mat[t_bill] - g0).astype(int)
    _scatter_add(gb, (slice(None), bidx), inp.t_par[t_bill])

    cpn = ~t_bill
    max_mat_month = (
        int(np.max(inp.t_mat[cpn].astype("datetime64[M]").astype(int))) if cpn.any() else 0
    )
    max_tenor = max(int(t[1].max()) for t in halves)
    nh = 2 * (max(M + max_tenor, max_mat_month - base + 1) + 1)
    gc = np.zeros((S, 3, nh))
    ic = np.zeros((S, nh))
    cs = half_slot(inp.t_mat[cpn], base)
    _scatter_add(gc, (slice(None), inp.t_kind[cpn] - TKind.NOTE_BOND, cs), inp.t_par[cpn])
    _scatter_add(ic, (slice(None), cs), inp.t_ic[cpn])

    # --- running totals
    tot = np.zeros((S, len(TKind)))  # Treasury par by kind code
    for kk in TKind:
        tot[:, kk] = inp.t_par[inp.t_kind == kk].sum()
    ic_tot = np.full(S, inp.t_ic.sum())
    mbs = np.full(S, inp.mbs0)
    agency = np.full(S, inp.a_par.sum())
    a_month = inp.a_mat.astype("datetime64[M]").astype(int) - base
    # MBS purchases awaiting settlement, by simulated month (reinvestment queued ``lag``
    # months after its principal month; purchases made before the holdings)
    lag = inp.mbs_lag
    queue = np.zeros((S, M + lag + 1))
    if inp.mbs_pending is not None:
        queue[:, :M] += inp.mbs_pending

    out = {c: np.zeros((S, M)) for c in FLOW_COLUMNS}
    bal, end = inp.bal, inp.end
    if bal is not None:
        for c in END_COLUMNS:
            out[c] = np.full((S, M), np.nan)
        out["endpoint"][:] = 0.0
        out["endpoint_rule"][:] = -1.0
        rrp = np.full(S, bal.rrp0)
        liq_prev = np.full(S, bal.liq0)
        peak = np.full(S, bal.peak0)
        res_stop = np.full(S, np.nan)  # reserves and non-reserve liabilities at the stop
        nrl_stop = np.full(S, np.nan)
    stopped = np.zeros(S, dtype=bool)
    obs = np.zeros((S, len(inp.observe), len(Obs)))
    obs_month = inp.observe.astype("datetime64[M]").astype(int) - base

    for m in range(M):
        p = months[m]
        kind_share = kind_share_m[m]
        g = inp.tips_accrual[m]
        if g:
            accrued = accrue_tips(gc, ic, g, 2 * m)
            ic_tot = ic_tot + accrued
        else:
            accrued = np.zeros(S)
        f = int((np.datetime64(p.start_time.date(), "D") - g0).astype(int))
        n = int((np.datetime64((p + 1).start_time.date(), "D") - g0).astype(int))
        nd = n - f
        gb_m = gb[:, f:n].copy()
        gc_m = gc[:, :, 2 * m : 2 * m + 2].copy()
        ic_m = ic[:, 2 * m : 2 * m + 2].copy()
        bill_mat = gb_m.sum(axis=1)
        cpn_par = gc_m.sum(axis=2)  # (S, 3)
        cpn_mat = cpn_par.sum(axis=1)
        ic_mat = ic_m.sum(axis=1)
        cpay = cpn_mat + ic_mat
        # the month's rules per scenario: the endpoint regime's where runoff has stopped
        rules = _rules(inp, m, stopped)
        c_red, b_red = redeem(cpay, bill_mat, rules)
        fc = np.divide(c_red, cpay, out=np.zeros(S), where=cpay > 0)
        fb = np.divide(b_red, bill_mat, out=np.zeros(S), where=bill_mat > 0)
        rb = gb_m * (1 - fb)[:, None]
        rc = (gc_m.sum(axis=1) + ic_m) * (1 - fc)[:, None]  # (S, 2) by half
        gb[:, f:n] = 0.0
        gc[:, :, 2 * m : 2 * m + 2] = 0.0
        ic[:, 2 * m : 2 * m + 2] = 0.0
        for w, sh in zip(bw, bs, strict=True):
            _issue_bills(gb, sh * rb, f, n, int(w))
        for h, (k, mo, eom, shm) in enumerate(halves):
            slots = 2 * (m + mo) + eom.astype(int)
            for j in range(len(k)):
                gc[:, k[j], slots[j]] += shm[m, j] * rc[:, h]

        # --- agency debt and MBS
        a_mat_m = inp.a_par[a_month == m].sum()
        pay = mbs_paydown(inp.pay[:, m], mbs, inp.pay_is_amount)
        runoff, to_t, reinv, sales = agency_principal(pay, a_mat_m, mbs, rules)
        mbs_start = mbs.copy()
        due = queue[:, m].copy()  # settles on the settlement day, before the 25th
        if lag:
            queue[:, m + lag] += reinv
            settled = due
        else:
            settled = due + reinv
        mbs = mbs - pay - sales + settled
        agency_start = agency.copy()
        agency = agency - a_mat_m

        # --- Treasury purchases (outright and agency principal reinvested in Treasuries);
        # in the month of the holdings' as-of date only the days after it
        k0 = inp.elapsed0 if m == 0 else 0
        day_w = np.zeros(nd)
        day_w[k0:] = 1.0 / (nd - k0)
        half_w = np.array([0.0 if k0 >= 15 else 1.0, 1.0])
        half_w /= half_w.sum()
        qb, qc = purchases(
            rules, to_t, mix.treasury_bill_share, nd - k0, nd, int((half_w > 0).sum()), inp.extra(m)
        )
        for w, sh in zip(bw, bs, strict=True):
            _issue_bills(gb, (sh * qb)[:, None] * day_w, f, n, int(w))
        for h, (k, mo, eom, shm) in enumerate(halves):
            slots = 2 * (m + mo) + eom.astype(int)
            for j in range(len(k)):
                gc[:, k[j], slots[j]] += shm[m, j] * qc * half_w[h]

        # --- observations inside the month (before updating the totals)
        for i in np.flatnonzero(obs_month == m):
            di = int((inp.observe[i] - g0).astype(int))
            mb = gb_m[:, : di - f + 1].sum(axis=1)
            frac = day_w[: di - f + 1].sum()
            hs = [h for h, d in enumerate((f + 14, n - 1)) if d <= di]
            o = np.zeros((S, len(Obs)))
            o[:, Obs.BILLS] = tot[:, TKind.BILL] - mb * fb + qb * frac
            for kk in (TKind.NOTE_BOND, TKind.TIPS, TKind.FRN):
                r = kk - TKind.NOTE_BOND  # row of the coupon grid
                matured = gc_m[:, r, hs].sum(axis=1)
                rolled = sum((rc[:, h] * kind_share[h, r] for h in hs), np.zeros(S))
                bought = sum((qc * half_w[h] * kind_share[h, r] for h in hs), np.zeros(S))
                o[:, Obs.of(kk)] = tot[:, kk] - matured + rolled + bought
            o[:, Obs.TIPS_INFLATION_COMP] = ic_tot - ic_m[:, hs].sum(axis=1)
            a_by = inp.a_par[(a_month == m) & (inp.a_mat <= inp.observe[i])].sum()
            o[:, Obs.AGENCY] = agency_start - a_by
            o[:, Obs.MBS] = observed_mbs(
                mbs_start, due, settled, pay, sales, di - f + 1, inp.mbs_settle_day, MBS_POST_DAY
            )
            o[:, Obs.CMBS] = inp.cmbs0
            obs[:, i, :] = o

        # --- month-end totals
        tot[:, TKind.BILL] += -bill_mat + rb.sum(axis=1) + qb
        for kk in (TKind.NOTE_BOND, TKind.TIPS, TKind.FRN):
            r = kk - TKind.NOTE_BOND
            tot[:, kk] += (
                -cpn_par[:, r]
                + (rc * kind_share[:, r]).sum(axis=1)
                + qc * (half_w * kind_share[:, r]).sum()
            )
        ic_tot = ic_tot - ic_mat
        vals = {
            **{Obs.of(kk).name.lower(): tot[:, kk] for kk in TKind},
            "tips_inflation_comp": ic_tot,
            Kind.AGENCY.column: agency,
            Kind.MBS.column: mbs,
            Kind.CMBS.column: np.full(S, inp.cmbs0),
            "bills_maturing": bill_mat,
            "coupons_maturing": cpn_mat,
            "tips_ic_maturing": ic_mat,
            "tips_ic_accrued": accrued,
            "coupon_redemptions": c_red,
            "bill_redemptions": b_red,
            "rolled_over": rb.sum(axis=1) + rc.sum(axis=1),
            "rolled_bills": rb.sum(axis=1),
            "rolled_coupons_mid": rc[:, 0],
            "rolled_coupons_end": rc[:, 1],
            "bill_purchases": qb,
            "coupon_purchases": qc,
            "mbs_paydowns": pay,
            "agency_maturing": np.full(S, a_mat_m),
            "agency_runoff": runoff,
            "mbs_reinvested": reinv,
            "agency_to_treasuries": to_t,
            "mbs_sales": sales,
            "mbs_settled": settled,
        }
        for c in FLOW_COLUMNS:
            out[c][:, m] = vals[c]

        # --- liabilities along the assets, and the endpoint rules
        if bal is not None and bal.live[m]:
            assets = bal.other_assets[m] + tot.sum(axis=1) + ic_tot + agency + mbs + inp.cmbs0
            lia = liability_step(
                assets, bal.tga[m], bal.block[m], liq_prev, rrp, bal.rrp_rule,
                bal.rrp_floor, bal.rrp_share, bal.rrp_path[m],
            )  # fmt: skip
            liq, rrp, res = (np.asarray(x) for x in (lia.liquidity, lia.on_rrp, lia.reserves))
            nrl = bal.tga[m] + bal.block[m]  # non-reserve liabilities besides ON RRP
            tgt = None
            if bal.target is not None and bal.target_on is not None:
                # reserve-management purchases: bills bought to lift reserves to the target
                tgt = np.where(stopped | bool(bal.target_on[m]), bal.target[m], np.nan)
            elif bal.hold_after_stop:  # the stop month's reserves, growing with nrl
                tgt = np.where(stopped, res_stop * nrl / nrl_stop, np.nan)
            if tgt is not None:
                extra = reserve_topup(tgt, res)
                if extra.any():
                    for w, sh in zip(bw, bs, strict=True):
                        _issue_bills(gb, (sh * extra)[:, None] * day_w, f, n, int(w))
                    tot[:, TKind.BILL] += extra
                    out[Kind.BILL.column][:, m] += extra
                    out["bill_purchases"][:, m] += extra
                    assets, liq, res = assets + extra, liq + extra, res + extra
            liq_prev = liq
            if not bal.peak_fixed:
                peak = np.maximum(peak, res)
            for c, v in zip(
                END_COLUMNS[:5], (assets, res, rrp, bal.tga[m], bal.block[m]), strict=True
            ):
                out[c][:, m] = v
            if end is not None and bal.check[m]:
                rule = endpoint_rule(assets, res, peak, bal.rules, m)
                new = (rule >= 0) & ~stopped
                out["endpoint"][new, m] = 1.0
                out["endpoint_rule"][new, m] = rule[new]
                stopped = stopped | new
                res_stop = np.where(new, res, res_stop)
                nrl_stop = np.where(new, nrl, nrl_stop)
    return out, obs


def _rules(inp: Inputs, m: int, stopped: np.ndarray) -> MonthRules:
    """Month ``m``'s rules: scalars while no scenario has stopped, else arrays ``(S,)`` with
    the endpoint regime's rules where a scenario's runoff has stopped."""
    base = inp.rules_at(m, False)
    if inp.end is None or not stopped.any():
        return base
    after = inp.rules_at(m, True)
    return MonthRules(*(np.where(stopped, a, b) for a, b in zip(after, base, strict=True)))


def _issue_bills(gb: np.ndarray, amounts: np.ndarray, f: int, n: int, weeks: int) -> None:
    """Add bills issued on grid days ``f .. n-1`` (``amounts``, shape ``(S, n - f)``) to the
    daily grid at their maturity, ``day + 7 * weeks``, moved to day ``n`` (the 1st of the
    next month) when that falls inside the issue month: money rolled or invested in a month
    matures in a later month, so a month's maturities are known when it starts."""
    nd = n - f
    off = 7 * weeks
    k = min(max(0, n - (f + off)), nd)  # issue days whose maturity would stay in the month
    if k:
        gb[:, n] += amounts[:, :k].sum(axis=1)
    gb[:, f + off + k : f + off + nd] += amounts[:, k:]


def _scatter_add(a: np.ndarray, index: tuple[object, ...], values: object) -> None:
    """``a[index] += values`` with repeated indices accumulated (``numpy.add.at``)."""
    np.add.at(a, index, values)  # type: ignore[arg-type]


def half_slot(dates: np.ndarray, base: int) -> np.ndarray:
    """Semi-monthly slot of ``dates``: ``2 * (month - base) + (day > 15)``.

    ``base`` is the ``Period[M]`` ordinal of the first month (pandas month
    ordinals and numpy ``datetime64[M]`` both count months from 1970-01).
    """
    m = dates.astype("datetime64[M]").astype(int) - base
    day = (dates - dates.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    return np.asarray(2 * m + (day > 15), dtype=int)
