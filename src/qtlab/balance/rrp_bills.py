"""ON RRP moved by the bills that finance the TGA (money-fund bill-supply mechanics).

When the Treasury rebuilds its cash (the TGA rises) it issues bills; money funds buy
them with cash they held at the ON RRP, so ON RRP falls. When it runs its cash down (a
debt-limit episode) it pays bills down and the cash goes back to the ON RRP. Two slopes
estimated on monthly changes over the months visible at the fit's end:

- ``bills_per_tga``: bills held outside the Fed per bn of TGA change (least squares of
  the change in bills on a constant and the change in the TGA, from ``bills_start``);
- ``rrp_per_bill``: ON RRP per bn of bills outside the Fed (least squares of the change
  in ON RRP on the changes in bills and in the bill-ON RRP spread, through zero, from
  ``rrp_start``);

so a TGA change of ``x`` moves ON RRP by ``share * -x`` with ``share = -rrp_per_bill *
bills_per_tga`` (clipped to [0, 1]) and reserves by the rest. The change in ``reserves +
on_rrp`` that comes from the assets and the currency block is split by a base rule
(:func:`qtlab.balance.step.rrp_step`, e.g. absorb-first). The result is an ON RRP path
for :func:`qtlab.balance.project_liabilities`' ``"path"`` rule, so reserves stay the
identity's residual and it holds to the cent.

Model code: no I/O; monthly pandas Series (``Period[M]`` index) in, USD bn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from qtlab._periods import as_monthly, require_monthly, to_month
from qtlab.balance.liabilities import LiabilityRules, LiabilityState
from qtlab.balance.step import RrpCode, rrp_step
from qtlab.errors import DataError, SpecError

__all__ = ["RrpTgaBills", "RrpTgaFit", "rrp_tga_path_reference", "slopes_reference"]


@dataclass(frozen=True)
class RrpTgaFit:
    """The share of a TGA change ON RRP takes (opposite sign) and the slopes it comes from
    [bn per bn], with their standard errors."""

    share: float
    bills_per_tga: float
    se_bills_per_tga: float
    rrp_per_bill: float
    se_rrp_per_bill: float
    end: pd.Period

    def path(
        self,
        start: LiabilityState,
        assets: pd.Series,
        tga: pd.Series,
        block: pd.Series,
        base: LiabilityRules | None = None,
    ) -> pd.Series:
        """ON RRP [USD bn] along monthly total assets, TGA and currency block [USD bn] from
        ``start``; the assets' and block's part of each change split by ``base``'s rule
        (absorb-first by default; ``"path"`` is not a base rule)."""
        base = base or LiabilityRules()
        if base.rrp_rule == "path":
            raise SpecError("the TGA-bills ON RRP rule needs a base rule other than 'path'")
        a = require_monthly(assets, "assets")
        idx = pd.PeriodIndex(a.index)
        if idx[0] != start.month + 1:
            raise SpecError(f"assets must start {start.month + 1}; they start {idx[0]}")
        av = a.to_numpy(dtype=float)
        tv = as_monthly(tga, idx, "tga").to_numpy(dtype=float)
        bv = as_monthly(block, idx, "currency_other").to_numpy(dtype=float)
        code = RrpCode.of(base.rrp_rule)
        rrp, t0 = start.on_rrp, start.tga
        other0 = start.total_assets - start.currency_other
        out = np.empty(len(idx))
        for i in range(len(idx)):
            rrp = max(rrp - self.share * (tv[i] - t0), 0.0)
            rest = (av[i] - bv[i]) - other0
            rrp = float(rrp_step(rrp, rest, code, base.rrp_floor, base.rrp_share))
            t0, other0 = tv[i], av[i] - bv[i]
            out[i] = rrp
        return pd.Series(out, index=idx, name="on_rrp")

    def rules(
        self, start: LiabilityState, assets: pd.Series, rules: LiabilityRules
    ) -> LiabilityRules:
        """``rules`` (a TGA path and a block path) with ON RRP on this model's path."""
        if not isinstance(rules.tga, pd.Series) or rules.currency_other is None:
            raise SpecError("the TGA-bills ON RRP rule needs a TGA path and a block path")
        p = self.path(start, assets, rules.tga, rules.currency_other, rules)
        return replace(rules, rrp_rule="path", rrp_path=p)

    def describe(self) -> str:
        return (
            f"ON RRP takes {self.share:.0%} of each TGA change, opposite in sign (bills "
            f"{self.bills_per_tga:.2f} per bn of TGA x ON RRP {self.rrp_per_bill:+.2f} per bn "
            f"of bills, to {self.end}); the rest of each change as the base rule"
        )


@dataclass(frozen=True)
class RrpTgaBills:
    """Fits :class:`RrpTgaFit` on monthly changes (samples from ``bills_start`` and
    ``rrp_start`` to the fit's end month)."""

    bills_start: str = "2018-01"
    rrp_start: str = "2021-01"

    def fit(
        self,
        rrp: pd.Series,
        net_bills: pd.Series,
        spread: pd.Series,
        tga: pd.Series,
        end: pd.Period | str,
    ) -> RrpTgaFit:
        """Fit on ON RRP, bills outside the Fed, TGA [USD bn] and the spread [pp]."""
        e = to_month(end, field="end")
        d = pd.concat(
            [rrp.rename("r"), net_bills.rename("b"), spread.rename("s"), tga.rename("t")], axis=1
        ).diff()
        d = d[d.index <= e]
        bt = d[["b", "t"]].dropna()
        bt = bt[bt.index >= to_month(self.bills_start, field="bills_start")]
        rb = d[["r", "b", "s"]].dropna()
        rb = rb[rb.index >= to_month(self.rrp_start, field="rrp_start")]
        if len(bt) < 12 or len(rb) < 6:
            raise DataError(
                f"ON RRP (TGA-bills): {len(bt)} month(s) of bill and TGA changes (need 12) "
                f"and {len(rb)} of ON RRP changes (need 6) to {e}"
            )
        g, sg = _ols(bt["b"].to_numpy(float), np.column_stack([np.ones(len(bt)), bt["t"]]))
        b, sb = _ols(rb["r"].to_numpy(float), rb[["b", "s"]].to_numpy(float))
        share = float(np.clip(-b[0] * g[1], 0.0, 1.0))
        return RrpTgaFit(share, float(g[1]), float(sg[1]), float(b[0]), float(sb[0]), e)


def _ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and their standard errors."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    s2 = float(resid @ resid) / max(len(y) - x.shape[1], 1)
    return beta, np.sqrt(np.maximum(np.diag(s2 * np.linalg.pinv(x.T @ x)), 0.0))


def slopes_reference(
    d_bills_t: list[float],
    d_tga: list[float],
    d_rrp: list[float],
    d_bills_r: list[float],
    d_spread: list[float],
) -> tuple[float, float]:
    """Plain loops: (bills per bn of TGA: slope of ``d_bills_t`` on ``d_tga`` with a
    constant; ON RRP per bn of bills: coefficient of ``d_bills_r`` in ``d_rrp`` on
    (``d_bills_r``, ``d_spread``) through zero) from monthly changes."""
    n = len(d_tga)
    mt, mb = sum(d_tga) / n, sum(d_bills_t) / n
    sxy = sum((d_tga[i] - mt) * (d_bills_t[i] - mb) for i in range(n))
    g = sxy / sum((v - mt) ** 2 for v in d_tga)
    sbb = sbs = sss = sby = ssy = 0.0
    for b, s, y in zip(d_bills_r, d_spread, d_rrp, strict=True):
        sbb += b * b
        sbs += b * s
        sss += s * s
        sby += b * y
        ssy += s * y
    return g, (sby * sss - ssy * sbs) / (sbb * sss - sbs * sbs)


def rrp_tga_path_reference(
    share: float, rrp0: float, d_tga: list[float], d_rest: list[float], floor: float = 0.0
) -> list[float]:
    """Plain loop: ON RRP under the TGA share and absorb-first for the rest of each change."""
    out, rrp = [], rrp0
    for dt, dr in zip(d_tga, d_rest, strict=True):
        rrp = max(rrp - share * dt, 0.0)
        if dr < 0:
            rrp = max(rrp + dr, min(rrp, floor))
        out.append(rrp)
    return out
