"""The balance sheet inside the engine: liabilities month by month and the policy's endpoint.

The engine takes the liability side as plain inputs (:class:`BalanceInputs`, built by
the analyses from the data) and applies :mod:`qtlab.balance`'s rules along its own asset
path: total assets = other assets (held at their start level) + securities held
(H.4.1 basis: par plus TIPS inflation compensation); the TGA and the currency block
follow :class:`~qtlab.balance.LiabilityRules`; ON RRP absorbs changes in ``reserves +
on_rrp`` by its rule, reserves are the residual. Both kernels step the same
:class:`BalanceArrays`, so the month each scenario's endpoint binds is the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qtlab._periods import as_monthly, require_monthly
from qtlab.balance import ENDPOINT_RULES, LiabilityRules, LiabilityState
from qtlab.balance.step import RrpCode
from qtlab.engine._steps import MonthRules, Quantity
from qtlab.errors import SpecError, one_of
from qtlab.policy import Policy

__all__ = ["LIABILITY_COLUMNS", "BalanceArrays", "BalanceInputs", "EndParams", "layout"]

#: Liability columns added to the projection when balance inputs are given [USD bn].
LIABILITY_COLUMNS = ("total_assets", "reserves", "on_rrp", "tga", "currency_other")


@dataclass(frozen=True)
class BalanceInputs:
    """The liability side the engine projects along its asset path (plain data, no I/O).

    Attributes
    ----------
    state
        Liabilities in the month before they are projected (:class:`~qtlab.balance.
        LiabilityState`); that month + 1 must be a simulated month.
    other_assets
        Total assets minus securities held (H.4.1 basis, TIPS inflation compensation
        included) [USD bn], held at this level.
    rules
        :class:`~qtlab.balance.LiabilityRules` (ON RRP rule, TGA, currency growth).
    gdp
        Monthly nominal GDP [USD bn, annual rate] covering the checked months, for
        ``assets_to_gdp`` / ``reserves_to_gdp``.
    bank_assets
        Monthly commercial-bank total assets [USD bn], for ``reserves_to_bank_assets``.
    reserves_history
        Monthly reserves up to ``state.month`` [USD bn]; the peak of
        ``reserves_peak_fraction`` looks back over it (default: the start level).
    peak_reserves
        A fixed peak instead [USD bn].
    reserve_target
        Monthly reserves the Fed holds by reserve-management bill purchases [USD bn]
        (:func:`qtlab.balance.reserve_target`): from ``target_from`` on, and after an
        endpoint stop, each month it buys the bills that lift reserves to the target
        (none when they are above it), on top of the policy's own purchases. ``None``:
        purchases are only the policy's (an exogenous pace).
    target_from
        The first month the target binds (default: the first month after ``state``).
    other_assets_path
        Monthly other assets [USD bn] replacing the flat ``other_assets`` in the projected
        months (e.g. loans and facilities decaying: :class:`qtlab.balance.Decay`).
    hold_after_stop
        Without ``reserve_target``: after an endpoint stop, buy the bills that hold
        reserves at their level in the stop month growing with the non-reserve liabilities
        (TGA + currency + other liabilities and capital), the FOMC's December 2025 rule.
    """

    state: LiabilityState
    other_assets: float
    rules: LiabilityRules = field(default_factory=LiabilityRules)
    gdp: pd.Series | None = field(default=None, repr=False)
    bank_assets: pd.Series | None = field(default=None, repr=False)
    reserves_history: pd.Series | None = field(default=None, repr=False)
    peak_reserves: float | None = None
    reserve_target: pd.Series | None = field(default=None, repr=False)
    target_from: pd.Period | None = None
    hold_after_stop: bool = False
    other_assets_path: pd.Series | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.state, LiabilityState):
            raise SpecError(f"balance: state must be a LiabilityState, got {self.state!r}")
        if not isinstance(self.rules, LiabilityRules):
            raise SpecError(f"balance: rules must be LiabilityRules, got {self.rules!r}")
        if not np.isfinite(self.other_assets):
            raise SpecError(f"balance: other_assets={self.other_assets!r} must be finite [USD bn]")
        if self.peak_reserves is not None and not self.peak_reserves > 0:
            raise SpecError(f"balance: peak_reserves={self.peak_reserves!r} must be > 0 [USD bn]")


@dataclass(frozen=True)
class EndParams:
    """The endpoint regime: its name and the rules in force after a scenario's endpoint."""

    name: str
    rules: MonthRules


@dataclass(frozen=True)
class BalanceArrays:
    """:class:`BalanceInputs` laid out on the simulated months.

    ``live[m]``: liabilities are projected in month ``m`` (after the state month);
    ``check[m]``: the endpoint rules are tested (live, reported and from the policy's
    first regime on). ``rules``: (label, :class:`~qtlab.engine._steps.Quantity`, peak
    fraction or ``nan``, threshold path or ``None``) in the policy's order.
    """

    other_assets: np.ndarray
    tga: np.ndarray
    block: np.ndarray
    live: np.ndarray
    check: np.ndarray
    rrp_rule: RrpCode
    rrp_floor: float
    rrp_share: float
    rrp_path: np.ndarray
    rrp0: float
    liq0: float
    peak0: float
    peak_fixed: bool
    rules: tuple[tuple[str, int, float, np.ndarray | None], ...]
    target: np.ndarray | None = None
    target_on: np.ndarray | None = None
    hold_after_stop: bool = False


def layout(
    bal: BalanceInputs, policy: Policy, idx: pd.PeriodIndex, first_reported: int
) -> BalanceArrays:
    """Check ``bal`` against the simulated months ``idx`` and build the kernel arrays."""
    st = bal.state
    if not idx[0] - 1 <= st.month <= idx[-1] - 1:
        raise SpecError(
            f"balance: the liability state month {st.month} must lie in {idx[0] - 1}.."
            f"{idx[-1] - 1} (the month before a simulated month) so liabilities follow the "
            "projected assets without a gap"
        )
    live = np.asarray(idx > st.month)
    live_idx = idx[live]
    n = len(idx)
    r = bal.rules
    tga = np.full(n, np.nan)
    if r.tga is None:
        tga[live] = st.tga
    else:
        tga[live] = as_monthly(r.tga, live_idx, "tga").to_numpy()
    k = np.array([(m - st.month).n for m in idx], dtype=float)
    block = np.full(n, np.nan)
    block[live] = r.block_path(st.currency_other, live_idx, k[live])
    rrp_path = np.full(n, np.nan)
    if r.rrp_rule == "path":
        assert r.rrp_path is not None
        rrp_path[live] = as_monthly(r.rrp_path, live_idx, "rrp_path").to_numpy()
        if (rrp_path[live] < 0).any():
            raise SpecError("rrp_path has negative values; ON RRP take-up is >= 0 [USD bn]")
    start = max(idx[first_reported], policy.start)
    check = live & np.asarray(idx >= start)
    rules: list[tuple[str, int, float, np.ndarray | None]] = []
    if policy.endpoint is not None:
        for c in policy.endpoint.rules:
            if c.name not in ENDPOINT_RULES:
                raise SpecError(f"endpoint rule {c.name!r} unknown; valid {one_of(ENDPOINT_RULES)}")
            if c.name == "reserves_peak_fraction":
                rules.append((str(c), Quantity.RESERVES, c.value, None))
                continue
            path = bal.bank_assets if c.name == "reserves_to_bank_assets" else bal.gdp
            if path is None:
                need = (
                    "commercial-bank total assets [USD bn] (Federal Reserve H.8), which "
                    "qtlab's data do not include: pass bank_assets=<monthly Series>"
                    if c.name == "reserves_to_bank_assets"
                    else "a nominal GDP path [USD bn, annual rate]: pass gdp= (e.g. "
                    "qtlab.balance.monthly_gdp)"
                )
                raise SpecError(f"endpoint rule {c} needs {need}")
            what = "bank_assets" if c.name == "reserves_to_bank_assets" else "gdp"
            p = require_monthly(path, what)
            thr = np.full(n, np.nan)
            checked = idx[check]
            if len(checked):
                thr[check] = c.value * as_monthly(p, checked, what).to_numpy()
            q = Quantity.TOTAL_ASSETS if c.name == "assets_to_gdp" else Quantity.RESERVES
            rules.append((str(c), q, np.nan, thr))
    if bal.peak_reserves is not None:
        peak0, fixed = float(bal.peak_reserves), True
    elif bal.reserves_history is not None:
        h = require_monthly(bal.reserves_history, "reserves_history")
        before = h[h.index <= st.month]
        peak0 = max(float(before.max()), st.reserves) if len(before) else st.reserves
        fixed = False
    else:
        peak0, fixed = st.reserves, False
    oa = np.full(n, float(bal.other_assets))
    if bal.other_assets_path is not None:
        oa[live] = as_monthly(bal.other_assets_path, live_idx, "other_assets_path").to_numpy()
    target = target_on = None
    if bal.reserve_target is not None:
        target = np.full(n, np.nan)
        target[live] = as_monthly(bal.reserve_target, live_idx, "reserve_target").to_numpy()
        first = st.month + 1 if bal.target_from is None else bal.target_from
        target_on = live & np.asarray(idx >= first)
    return BalanceArrays(
        target=target,
        target_on=target_on,
        hold_after_stop=bool(bal.hold_after_stop),
        other_assets=oa,
        tga=tga,
        block=block,
        live=live,
        check=check,
        rrp_rule=RrpCode.of(r.rrp_rule),
        rrp_floor=float(r.rrp_floor),
        rrp_share=float(r.rrp_share),
        rrp_path=rrp_path,
        rrp0=st.on_rrp,
        liq0=st.reserves + st.on_rrp,
        peak0=peak0,
        peak_fixed=fixed,
        rules=tuple(rules),
    )
