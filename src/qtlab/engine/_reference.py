"""The plain reference implementation: one security at a time, one month at a time.

It follows the Desk's rules literally and keeps every security (initial or
created by a rollover or a purchase) as its own record ``(kind, maturity,
issue date) -> [par, inflation compensation]``; records with the same key are
the same security reopened. It is slow and obvious on purpose: tests compare
the vectorized kernel (:mod:`qtlab.engine._core`) with it.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from qtlab.balance.step import liability_step
from qtlab.engine._core import END_COLUMNS, FLOW_COLUMNS
from qtlab.engine._setup import MBS_POST_DAY, Inputs
from qtlab.engine._steps import (
    OBS_COLUMNS,
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
from qtlab.schema import COUPON_KINDS, TREASURY_KINDS, Kind

__all__ = ["run_reference"]

_NEVER = date(1900, 1, 1)


def _d(x: np.datetime64) -> date:
    return date.fromisoformat(str(x))


def _month_end(y: int, m: int) -> date:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _bill_maturity(issue: date, weeks: int) -> date:
    mat = issue + timedelta(days=7 * weeks)
    nxt = date(issue.year + (issue.month == 12), issue.month % 12 + 1, 1)
    return max(mat, nxt)


def run_reference(inp: Inputs) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Same outputs as :func:`qtlab.engine._core.run_vectorized`, scenario by scenario."""
    S, M = inp.n_scen, len(inp.months)
    out = {c: np.zeros((S, M)) for c in FLOW_COLUMNS}
    if inp.bal is not None:
        for c in END_COLUMNS:
            out[c] = np.full((S, M), np.nan)
        out["endpoint"][:] = 0.0
        out["endpoint_rule"][:] = -1.0
    obs = np.zeros((S, len(inp.observe), len(OBS_COLUMNS)))
    obs_dates = [_d(x) for x in inp.observe]
    for s in range(S):
        _one(inp, s, out, obs, obs_dates)
    return out, obs


def _one(
    inp: Inputs, s: int, out: dict[str, np.ndarray], obs: np.ndarray, obs_dates: list[date]
) -> None:
    mix = inp.mix
    sec: dict[tuple[str, date, date], list[float]] = {}

    def add(kind: str, mat: date, issue: date, par: float, ic: float = 0.0) -> None:
        rec = sec.setdefault((kind, mat, issue), [0.0, 0.0])
        rec[0] += par
        rec[1] += ic

    for k, mt, par, ic in zip(inp.t_kind, inp.t_mat, inp.t_par, inp.t_ic, strict=True):
        add(TKind(int(k)).kind, _d(mt), _NEVER, float(par), float(ic))
    agency = [(_d(mt), float(p)) for mt, p in zip(inp.a_mat, inp.a_par, strict=True)]
    mbs = inp.mbs0
    # MBS purchases awaiting settlement: {simulated month: amount [USD bn]}
    queue: dict[int, float] = {}
    for k in range(len(inp.months)):
        if inp.pending(k):
            queue[k] = inp.pending(k)
    bal = inp.bal
    stopped = False
    if bal is not None:
        rrp, liq_prev, peak = bal.rrp0, bal.liq0, bal.peak0
        res_stop = nrl_stop = math.nan

    def alive(on: date) -> dict[str, float]:
        tot = dict.fromkeys((*TREASURY_KINDS, "ic"), 0.0)
        for (kind, mat, issue), (par, ic) in sec.items():
            if issue <= on < mat:
                tot[kind] += par
                tot["ic"] += ic
        return tot

    for m, p in enumerate(inp.months):
        y, mo = p.year, p.month
        first, last = date(y, mo, 1), _month_end(y, mo)
        g = float(inp.tips_accrual[m])
        accrued = 0.0
        for (kind, _mat, _issue), rec in sec.items():
            if kind == Kind.TIPS and g:
                extra = g * (rec[0] + rec[1])
                rec[1] += extra
                accrued += extra
        maturing = [key for key in sec if first <= key[1] <= last]
        bill_mat = sum(sec[k][0] for k in maturing if k[0] == Kind.BILL)
        cpn_by_kind = {
            kind: sum(sec[k][0] for k in maturing if k[0] == kind) for kind in COUPON_KINDS
        }
        cpn_mat = sum(cpn_by_kind.values())
        ic_mat = sum(sec[k][1] for k in maturing if k[0] != Kind.BILL)
        cpay = cpn_mat + ic_mat
        # this scenario's rules: the endpoint regime's once its endpoint has passed
        rules = inp.rules_at(m, stopped)
        c_red, b_red = (float(x) for x in redeem(cpay, bill_mat, rules))
        fc = c_red / cpay if cpay > 0 else 0.0
        fb = b_red / bill_mat if bill_mat > 0 else 0.0
        rolled = 0.0
        by_type = {"bill": 0.0, "mid": 0.0, "end": 0.0}
        new: list[tuple[str, date, date, float]] = []
        for key in maturing:
            kind, mat, _ = key
            par, ic = sec[key]
            if kind == Kind.BILL:
                amt = par * (1 - fb)
                by_type["bill"] += amt
                for w, sh in zip(mix.bill_weeks, mix.bill_shares, strict=True):
                    new.append((Kind.BILL, _bill_maturity(mat, w), mat, sh * amt))
            else:
                amt = (par + ic) * (1 - fc)
                half = "mid" if mat.day <= 15 else "end"
                by_type[half] += amt
                for t, sh in zip(mix.coupons[half], mix.coupon_shares(half, p), strict=True):
                    yy, mm = _add_months(y, mo, t.months)
                    nm = date(yy, mm, 15) if t.day == "15" else _month_end(yy, mm)
                    new.append((t.kind, nm, mat, sh * amt))
            rolled += amt

        # agency debt and MBS
        a_mat_m = sum(pp for mt, pp in agency if first <= mt <= last)
        pay = float(mbs_paydown(float(inp.pay[s, m]), mbs, inp.pay_is_amount))
        runoff, to_t, reinv, sales = (
            float(x) for x in agency_principal(pay, a_mat_m, mbs, rules)
        )  # fmt: skip
        mbs_start = mbs
        due = queue.pop(m, 0.0)  # settles on the settlement day, before the 25th
        if inp.mbs_lag:
            queue[m + inp.mbs_lag] = queue.get(m + inp.mbs_lag, 0.0) + reinv
            settled = due
        else:
            settled = due + reinv
        mbs = mbs - pay - sales + settled

        # purchases: in the month of the holdings' as-of date, only after that date
        ndays = (last - first).days + 1
        k0 = inp.elapsed0 if m == 0 else 0
        halves_open = [h for h, d in (("mid", date(y, mo, 15)), ("end", last)) if d.day > k0]
        qb, qc = (
            float(x)
            for x in purchases(
                rules, to_t, mix.treasury_bill_share, ndays - k0, ndays, len(halves_open),
                inp.extra(m),
            )
        )  # fmt: skip
        for i in range(k0, ndays):
            day = first + timedelta(days=i)
            for w, sh in zip(mix.bill_weeks, mix.bill_shares, strict=True):
                new.append((Kind.BILL, _bill_maturity(day, w), day, sh * qb / (ndays - k0)))
        for half, day in (("mid", date(y, mo, 15)), ("end", last)):
            if half not in halves_open:
                continue
            for t, sh in zip(mix.coupons[half], mix.coupon_shares(half, p), strict=True):
                yy, mm = _add_months(y, mo, t.months)
                nm = date(yy, mm, 15) if t.day == "15" else _month_end(yy, mm)
                new.append((t.kind, nm, day, sh * qc / len(halves_open)))
        for kind, mat, issue, amt in new:
            add(kind, mat, issue, amt)

        # holdings on dates inside the month: a security counts from its issue
        # date until the day before it matures; MBS flows post on the 25th
        for i, od in enumerate(obs_dates):
            if first <= od <= last:
                a = alive(od)
                row = np.zeros(len(Obs))
                for kk in TKind:
                    row[Obs.of(kk)] = a[kk.kind]
                row[Obs.TIPS_INFLATION_COMP] = a["ic"]
                row[Obs.AGENCY] = sum(pp for mt, pp in agency if mt > od)
                row[Obs.MBS] = observed_mbs(
                    mbs_start, due, settled, pay, sales, od.day, inp.mbs_settle_day, MBS_POST_DAY
                )
                row[Obs.CMBS] = inp.cmbs0
                obs[s, i, :] = row
        for key in maturing:
            del sec[key]

        end_tot = alive(last)
        vals = {
            **{Obs.of(kk).name.lower(): end_tot[kk.kind] for kk in TKind},
            "tips_inflation_comp": end_tot["ic"],
            Kind.AGENCY.column: sum(pp for mt, pp in agency if mt > last),
            Kind.MBS.column: mbs,
            Kind.CMBS.column: inp.cmbs0,
            "bills_maturing": bill_mat,
            "coupons_maturing": cpn_mat,
            "tips_ic_maturing": ic_mat,
            "tips_ic_accrued": accrued,
            "coupon_redemptions": c_red,
            "bill_redemptions": b_red,
            "rolled_over": rolled,
            "rolled_bills": by_type["bill"],
            "rolled_coupons_mid": by_type["mid"],
            "rolled_coupons_end": by_type["end"],
            "bill_purchases": qb,
            "coupon_purchases": qc,
            "mbs_paydowns": pay,
            "agency_maturing": a_mat_m,
            "agency_runoff": runoff,
            "mbs_reinvested": reinv,
            "agency_to_treasuries": to_t,
            "mbs_sales": sales,
            "mbs_settled": settled,
        }
        for c in FLOW_COLUMNS:
            out[c][s, m] = vals[c]

        # liabilities (balance.step's one step) and the endpoint rules
        if bal is None or not bal.live[m]:
            continue
        assets = (
            float(bal.other_assets[m]) + sum(end_tot[k] for k in TREASURY_KINDS) + end_tot["ic"]
        )
        assets += vals[Kind.AGENCY.column] + mbs + inp.cmbs0
        lia = liability_step(
            assets, float(bal.tga[m]), float(bal.block[m]), liq_prev, rrp, bal.rrp_rule,
            bal.rrp_floor, bal.rrp_share, float(bal.rrp_path[m]),
        )  # fmt: skip
        liq, rrp, reserves = float(lia.liquidity), float(lia.on_rrp), float(lia.reserves)
        nrl = float(bal.tga[m]) + float(bal.block[m])
        tgt = math.nan
        if bal.target is not None and bal.target_on is not None:
            if stopped or bool(bal.target_on[m]):
                tgt = float(bal.target[m])
        elif bal.hold_after_stop and stopped:
            tgt = res_stop * nrl / nrl_stop
        extra = float(reserve_topup(tgt, reserves))
        if extra > 0.0:
            for i in range(k0, ndays):
                day = first + timedelta(days=i)
                for w, sh in zip(mix.bill_weeks, mix.bill_shares, strict=True):
                    add(Kind.BILL, _bill_maturity(day, w), day, sh * extra / (ndays - k0))
            out[Kind.BILL.column][s, m] += extra
            out["bill_purchases"][s, m] += extra
            assets, liq, reserves = assets + extra, liq + extra, reserves + extra
        liq_prev = liq
        if not bal.peak_fixed:
            peak = max(peak, reserves)
        levels = (assets, reserves, rrp, float(bal.tga[m]), float(bal.block[m]))
        for c, v in zip(END_COLUMNS[:5], levels, strict=True):
            out[c][s, m] = v
        if inp.end is None or stopped or not bal.check[m]:
            continue
        j = int(endpoint_rule(assets, reserves, peak, bal.rules, m))
        if j >= 0:
            out["endpoint"][s, m] = 1.0
            out["endpoint_rule"][s, m] = j
            stopped = True
            res_stop, nrl_stop = reserves, nrl
