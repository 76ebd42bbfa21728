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

from qtlab.engine._balance import LIABILITY_COLUMNS
from qtlab.engine._fast import accrue_tips
from qtlab.engine._setup import MBS_POST_DAY, Inputs, coupon_date

__all__ = ["END_COLUMNS", "FLOW_COLUMNS", "OBS_COLUMNS", "run_vectorized"]

#: Holdings observed on given dates inside a month [USD bn]; also the first
#: per-month outputs (holdings at the month end).
OBS_COLUMNS: Final = (
    "bills",
    "notes_bonds",
    "tips",
    "frn",
    "tips_inflation_comp",
    "agency",
    "mbs",
    "cmbs",
)
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
                np.array([("note_bond", "tips", "frn").index(t.kind) for t in ts]),
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
    t_bill = inp.t_kind == 0
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
    _scatter_add(gc, (slice(None), inp.t_kind[cpn] - 1, cs), inp.t_par[cpn])
    _scatter_add(ic, (slice(None), cs), inp.t_ic[cpn])

    # --- running totals
    tot = np.zeros((S, 4))
    for kk in range(4):
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
    stopped = np.zeros(S, dtype=bool)
    obs = np.zeros((S, len(inp.observe), 8))
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
        (cap, acap, pro_rata, excess_to, excess_limit, sales_mode, sales_amount, bp, cp) = _rules(
            inp, m, stopped
        )
        tot_m = cpay + bill_mat
        fr = np.divide(np.minimum(tot_m, cap), tot_m, out=np.zeros(S), where=tot_m > 0)
        c_first = np.minimum(cpay, cap)
        c_red = np.where(pro_rata, fr * cpay, c_first)
        b_red = np.where(
            pro_rata, fr * bill_mat, np.minimum(bill_mat, np.maximum(cap - c_first, 0.0))
        )
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
        pay = np.minimum(inp.pay[:, m], mbs) if inp.pay_is_amount else inp.pay[:, m] * mbs
        principal = pay + a_mat_m
        runoff = np.minimum(principal, acap)
        excess = principal - runoff
        to_t = np.where(excess_to == 0, 0.0, np.minimum(excess, excess_limit))
        reinv = excess - to_t
        with np.errstate(invalid="ignore"):
            to_cap = np.minimum(np.maximum(acap - principal, 0.0), mbs - pay)
        sales = np.where(
            (sales_mode == 1) & np.isfinite(acap),
            to_cap,
            np.where(sales_mode == 2, np.minimum(sales_amount, mbs - pay), 0.0),
        )
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
        xb, xc = inp.extra(m)
        b_out = bp * (nd - k0) / nd + xb
        c_out = cp * (half_w > 0).sum() / 2 + xc
        share = mix.treasury_bill_share
        qb = b_out + np.where(excess_to == 1, to_t * share, np.where(excess_to == 2, to_t, 0.0))
        qc = c_out + np.where(excess_to == 1, to_t * (1 - share), 0.0)
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
            o = np.zeros((S, 8))
            o[:, 0] = tot[:, 0] - mb * fb + qb * frac
            for kk in range(3):
                matured = gc_m[:, kk, hs].sum(axis=1)
                rolled = sum((rc[:, h] * kind_share[h, kk] for h in hs), np.zeros(S))
                bought = sum((qc * half_w[h] * kind_share[h, kk] for h in hs), np.zeros(S))
                o[:, 1 + kk] = tot[:, 1 + kk] - matured + rolled + bought
            o[:, 4] = ic_tot - ic_m[:, hs].sum(axis=1)
            a_by = inp.a_par[(a_month == m) & (inp.a_mat <= inp.observe[i])].sum()
            o[:, 5] = agency_start - a_by
            day = di - f + 1
            o[:, 6] = mbs_start + (due if day >= inp.mbs_settle_day else 0.0)
            if day >= MBS_POST_DAY:
                o[:, 6] += settled - due - pay - sales
            o[:, 7] = inp.cmbs0
            obs[:, i, :] = o

        # --- month-end totals
        tot[:, 0] += -bill_mat + rb.sum(axis=1) + qb
        for kk in range(3):
            tot[:, 1 + kk] += (
                -cpn_par[:, kk]
                + (rc * kind_share[:, kk]).sum(axis=1)
                + qc * (half_w * kind_share[:, kk]).sum()
            )
        ic_tot = ic_tot - ic_mat
        vals = {
            "bills": tot[:, 0],
            "notes_bonds": tot[:, 1],
            "tips": tot[:, 2],
            "frn": tot[:, 3],
            "tips_inflation_comp": ic_tot,
            "agency": agency,
            "mbs": mbs,
            "cmbs": np.full(S, inp.cmbs0),
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
            assets = bal.other_assets + tot.sum(axis=1) + ic_tot + agency + mbs + inp.cmbs0
            liq = assets - bal.tga[m] - bal.block[m]  # reserves + ON RRP
            d = liq - liq_prev
            if bal.rrp_rule == 0:
                rrp = np.where(d < 0, np.maximum(rrp + d, np.minimum(rrp, bal.rrp_floor)), rrp)
            elif bal.rrp_rule == 1:
                rrp = np.maximum(rrp + bal.rrp_share * d, 0.0)
            else:
                rrp = np.full(S, bal.rrp_path[m])
            liq_prev = liq
            res = liq - rrp
            if not bal.peak_fixed:
                peak = np.maximum(peak, res)
            for c, v in zip(
                END_COLUMNS[:5], (assets, res, rrp, bal.tga[m], bal.block[m]), strict=True
            ):
                out[c][:, m] = v
            if end is not None and bal.check[m]:
                rule = np.full(S, -1)
                for j, (_, q, frac, thr) in enumerate(bal.rules):
                    level = assets if q == 1 else res
                    t = (1.0 - frac) * peak if thr is None else thr[m]
                    rule = np.where((rule < 0) & (level <= t), j, rule)
                new = (rule >= 0) & ~stopped
                out["endpoint"][new, m] = 1.0
                out["endpoint_rule"][new, m] = rule[new]
                stopped = stopped | new
    return out, obs


def _rules(inp: Inputs, m: int, stopped: np.ndarray) -> tuple[np.ndarray, ...]:
    """Month ``m``'s rules per scenario, shape ``(S,)`` each (order of ``Inputs.rules_at``)."""
    e = inp.end
    base = inp.rules_at(m, False)
    if e is None or not stopped.any():
        return tuple(np.full(len(stopped), v) for v in base)
    after = inp.rules_at(m, True)
    return tuple(np.where(stopped, a, b) for a, b in zip(after, base, strict=True))


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
