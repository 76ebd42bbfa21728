"""F1 on the data: the balance sheet projected forward from the latest holdings.

The latest SOMA holdings by CUSIP (Treasuries and MBS files, each the latest visible in
the :class:`~qtlab.store.Dataset`) are carried forward by the runoff engine under the
realized policy (``qt2-realized``) to the latest weekly SOMA summary, with realized MBS
paydowns where the weekly data measure them and the prepayment model after. The gap
between the carried-forward holdings and that weekly summary is measured by kind and
reported, never rescaled away. From the month after, the balance sheet is projected
under the regime in force (the last regime of ``qt2-realized`` announced by the vantage
date: today runoff over, Treasuries rolled over, MBS principal into bills,
reserve-management bill purchases at a pace the user sets) and any alternatives the
user defines, side by side, with the liabilities (reserves, ON RRP, TGA) stepped by the
engine along each asset path (:mod:`qtlab.balance` rules, as in C2/C3).

:func:`forward_projection` is the entry point; it takes plain parameters and returns a
:class:`Forward` holding one :class:`~qtlab.engine.Projection` per alternative. The
alternatives are read in :mod:`qtlab.runs.forward_policy`, the starting-point checks
made in :mod:`qtlab.runs.forward_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.balance import (
    DEFAULT_GDP_GROWTH,
    RESERVE_TARGETS,
    LiabilityRules,
    LiabilityState,
    reserve_target,
)
from qtlab.engine import (
    DESK_MBS_LAG,
    BalanceInputs,
    InflationAssumption,
    MbsSettlement,
    Projection,
    RealizedPaydowns,
    SplicedPaydowns,
)
from qtlab.errors import DataError, DateRangeError, SpecError, one_of, quoted
from qtlab.policy import Policy
from qtlab.prepay import known_param_set
from qtlab.runs.context import RunContext
from qtlab.runs.forward_checks import h41_check, start_check
from qtlab.runs.forward_policy import (
    REALIZED_POLICY,
    AlternativeSpec,
    base_name,
    check_pace,
    from_start,
    known_policy,
    pace_alternative,
    resolve_alternative,
    run_from,
)
from qtlab.runs.inputs import (
    Assumption,
    ImpactInputs,
    balance_from_h41,
    load_inputs,
    rules_assumption,
)
from qtlab.runs.mbs import model_paydowns, mortgage_rates
from qtlab.runs.options import describe_rate, mortgage_rate_option
from qtlab.runs.runoff import run_projection

__all__ = [
    "DEFAULT_MONTHS",
    "MAX_MONTHS",
    "PATH_COLUMNS",
    "REALIZED_POLICY",
    "AlternativeSpec",
    "Forward",
    "base_name",
    "forward_projection",
    "realized_paydown_rates",
    "resolve_alternative",
    "run_start",
    "start_month",
    "today_start",
]

DEFAULT_MONTHS: Final = 36
MAX_MONTHS: Final = 120
#: Columns of :meth:`Forward.path`: holdings at month end, flows over the month and the
#: liability side (monthly H.4.1 convention) [USD bn], then the regime in force.
PATH_COLUMNS: Final = (
    "bills",
    "notes_bonds",
    "tips",
    "frn",
    "treasury",
    "tips_inflation_comp",
    "agency",
    "mbs",
    "cmbs",
    "total_securities",
    "bill_purchases",
    "mbs_paydowns",
    "agency_to_treasuries",
    "treasury_redemptions",
    "total_assets",
    "reserves",
    "on_rrp",
    "tga",
    "currency_other",
    "regime",
)


@dataclass(frozen=True)
class Forward:
    """F1: the forward projection from the latest holdings, one run per alternative.

    Attributes
    ----------
    start
        First projected month: the month after the latest data, the weekly SOMA summary
        (:attr:`anchor`) or the H.4.1 (the liability :attr:`state`), whichever is later
        (as C2 and F2 start).
    months
        Number of projected months.
    anchor
        The latest weekly SOMA summary visible (a Wednesday): the carried-forward
        holdings are checked against it.
    holdings_files
        As-of date of the CUSIP files used, per family (``treasury``, ``mbs``).
    projections
        One :class:`~qtlab.engine.Projection` per alternative name, the default first
        (carry-forward months included; :attr:`~qtlab.engine.Projection.frame` starts at
        :attr:`start`).
    default
        Name of the regime in force with the user's pace.
    descriptions
        Per alternative name, what it assumes (``.text(lang)``).
    start_check
        By kind (:data:`qtlab.runs.forward_checks.CHECK_KINDS`): ``carried_forward``,
        ``weekly``, ``gap`` [USD bn] and ``gap_pct`` [%] on :attr:`anchor` (``total`` =
        Treasuries + inflation compensation + agency debt + MBS; the weekly summary has
        no CMBS; :func:`~qtlab.runs.forward_checks.start_check`).
    h41_check
        The carry-forward against the H.4.1 from the anchor month to the month before
        :attr:`start` (the months the H.4.1 covers beyond the weekly summary):
        ``securities_projected`` (the default's securities incl. TIPS inflation
        compensation, month end), ``securities_h41`` (securities held outright, monthly
        mean) and ``securities_gap`` (projected minus H.4.1) [USD bn]; empty when the
        H.4.1 ends with the weekly summary
        (:func:`~qtlab.runs.forward_checks.h41_check`).
    state
        The liability side the projection starts from (H.4.1 monthly means).
    other_assets
        Total assets minus securities at the state month, held flat [USD bn].
    paydowns
        The MBS paydown source (realized, then the prepayment model).
    assumptions
        What the projection assumes, as translatable sentences.
    history
        Realized H.4.1 monthly means to the last complete month visible: ``securities``
        (held outright), ``total_assets``, ``reserves``, ``on_rrp`` [USD bn] (NaN where a
        series ends earlier).
    """

    start: pd.Period
    months: int
    anchor: pd.Timestamp
    holdings_files: Mapping[str, str]
    projections: Mapping[str, Projection] = field(repr=False)
    default: str
    descriptions: Mapping[str, Assumption]
    start_check: pd.DataFrame = field(repr=False)
    h41_check: pd.DataFrame = field(repr=False)
    state: LiabilityState
    other_assets: float
    paydowns: SplicedPaydowns = field(repr=False)
    assumptions: tuple[Assumption, ...] = field(repr=False)
    history: pd.DataFrame = field(repr=False)

    @property
    def names(self) -> list[str]:
        """Alternative names, the default first."""
        return list(self.projections)

    def path(self, name: str | None = None) -> pd.DataFrame:
        """The monthly path of alternative ``name`` (default: :attr:`default`).

        Indexed by month (``Period[M]``) from :attr:`start`; columns :data:`PATH_COLUMNS`
        [USD bn; ``regime`` a name].
        """
        key = self.default if name is None else name
        if key not in self.projections:
            raise SpecError(f"unknown alternative {quoted(key)}; valid: {one_of(self.projections)}")
        return self.projections[key].frame.loc[:, list(PATH_COLUMNS)].copy()

    def paths(self) -> pd.DataFrame:
        """Every alternative's path stacked: index (``alternative``, ``month``)."""
        return pd.concat(
            [self.path(n) for n in self.names], keys=self.names, names=["alternative", "month"]
        )

    def summary(self, horizons: Sequence[int] = (12, 24, 36)) -> pd.DataFrame:
        """Holdings and liabilities ``h`` months after the anchor month, per alternative.

        Horizons beyond :attr:`months` are dropped. Columns ``alternative``, ``horizon``
        [months], ``month``, ``total_securities``, ``bills``, ``treasury``, ``mbs``,
        ``total_assets``, ``reserves``, ``on_rrp`` [USD bn].
        """
        rows = []
        cols = ("total_securities", "bills", "treasury", "mbs", "total_assets", "reserves")
        for n in self.names:
            p = self.path(n)
            for h in horizons:
                if 1 <= h <= self.months:
                    r = p.iloc[h - 1]
                    rows.append(
                        {
                            "alternative": n,
                            "horizon": h,
                            "month": str(p.index[h - 1]),
                            **{c: float(r[c]) for c in (*cols, "on_rrp")},
                        }
                    )
        return pd.DataFrame(rows)


def _state_at(inp: ImpactInputs, month: pd.Period) -> LiabilityState:
    """The H.4.1 monthly liability state of ``month`` (TGA as :func:`load_inputs` reads
    it when the month has none)."""
    if month >= inp.state.month:
        return inp.state
    if month not in inp.h41.index:
        raise DataError(f"the H.4.1 has no monthly balance sheet for {month}")
    row = inp.h41.loc[[month]].iloc[0]
    ta, res, rrp = float(row["total_assets"]), float(row["reserves"]), float(row["on_rrp"])
    if not all(np.isfinite([ta, res, rrp])):
        raise DataError(f"the H.4.1 lacks total assets, reserves or ON RRP in {month}")
    tga = float(row["tga"]) if np.isfinite(row["tga"]) else inp.state.tga
    return LiabilityState(month, ta, res, rrp, tga, ta - res - rrp - tga)


def _anchor(ctx: RunContext) -> pd.Timestamp:
    s = ctx.series("soma.bills")
    if s.empty:
        raise DataError("the weekly SOMA summary (soma.bills) has no observation at the vantage")
    return pd.Timestamp(s.index.max())


def start_month(ctx: RunContext, inp: ImpactInputs) -> tuple[pd.Timestamp, pd.Period]:
    """The latest weekly SOMA summary visible in ``ctx`` (the anchor the carry-forward is
    checked on) and the first projected month: the month after the latest data, the
    weekly summary or the H.4.1 of ``inp``, whichever is later (F1 and F2 start there)."""
    anchor = _anchor(ctx)
    return anchor, max(anchor.to_period("M"), inp.last_month) + 1


def today_start(ctx: RunContext) -> pd.Period:
    """F1's first projected month at the vantage of ``ctx`` (:func:`start_month`: the
    month after the latest weekly SOMA summary or H.4.1 visible), once per context.

    Where "from today" starts for every run that projects from the latest data (B1, B2,
    B4, the dashboard explorer, ``qtlab ladder`` / ``qtlab project`` without ``--start``):
    the holdings by CUSIP are carried forward to it under the realized policy
    (:func:`qtlab.runs.forward_policy.run_from`).
    """

    def compute() -> pd.Period:
        return start_month(ctx, load_inputs(ctx, horizon=12))[1]

    out: pd.Period = ctx.memo(("forward.today_start",), compute)
    return out


def run_start(ctx: RunContext, policy: Policy, start: MonthLike | None) -> tuple[pd.Period, Policy]:
    """The first month and the policy of a run from the CUSIP files (B1, B2, B4,
    ``qtlab ladder``/``project``): ``start`` and ``policy`` as given; without ``start``,
    at a vantage date the month after it, at today's vantage :func:`today_start` with
    ``policy`` from then and the realized policy before (:func:`run_from`)."""
    if start is not None:
        return to_month(start, field="start"), policy
    if ctx.as_of is not None:
        return pd.Period(ctx.as_of, freq="M") + 1, policy
    first = today_start(ctx)
    return first, run_from(policy, ctx, first)


def _files(ctx: RunContext) -> dict[str, str]:
    h = ctx.holdings()
    if h.empty:
        raise DataError("no SOMA holdings by CUSIP are visible at the vantage date")
    d = pd.to_datetime(h["as_of"])
    tsy = d[h["kind"].isin(("bill", "note_bond", "tips", "frn"))]
    mbs = d[h["kind"] == "mbs"]
    if tsy.empty or mbs.empty:
        raise DataError("F1 needs both a Treasury and an MBS holdings file visible at the vantage")
    return {"treasury": str(tsy.max().date()), "mbs": str(mbs.max().date())}


def realized_paydown_rates(ctx: RunContext) -> RealizedPaydowns | None:
    """MBS paydown rates measured in the weekly SOMA data visible in ``ctx``, or ``None``
    when no month without purchases is visible yet (before 2022-11)."""
    try:
        return RealizedPaydowns(ctx.series("soma.mbs"))
    except (DataError, DateRangeError):
        return None


def _paydowns(
    ctx: RunContext, mortgage_rate: str | Path, shock_bp: float
) -> tuple[SplicedPaydowns, Assumption]:
    rate = mortgage_rate_option(mortgage_rate)  # the edge: a word or a file, read once
    model = model_paydowns(ctx, mortgage_rate=rate, shock_bp=float(shock_bp))
    src = SplicedPaydowns(realized_paydown_rates(ctx), model)
    rates = mortgage_rates(ctx)
    if describe_rate(rate) == "flat" and not isinstance(rate, pd.Series):
        how = Assumption(
            "f1.assumption.rate_flat",
            {"month": str(rates.index[-1]), "rate": float(rates.iloc[-1]), "shock": shock_bp},
        )
    else:
        how = Assumption(
            "f1.assumption.rate_file", {"file": describe_rate(rate), "shock": shock_bp}
        )
    last = src.last_realized
    params = known_param_set(ctx.as_of)
    if last is None:  # no month without purchases visible yet: all from the model
        return src, Assumption("f1.assumption.paydowns_model", {"rates": how, "params": params})
    return src, Assumption(
        "f1.assumption.paydowns", {"last": str(last), "rates": how, "params": params}
    )


def _carry(
    files: dict[str, str], anchor: pd.Timestamp, realized: Policy, as_of: date | None
) -> Assumption:
    """How the holdings are carried forward; at a past vantage only the regimes announced
    by then are named (the full text describes QT2 to its end)."""
    where = {"treasury": files["treasury"], "mbs": files["mbs"], "anchor": str(anchor.date())}
    if as_of is None:
        return Assumption("f1.assumption.carry", where)
    regimes = tuple(f"{r.name}@{r.start}" for r in realized.regimes)  # "<regime> (from ...)"
    return Assumption(
        "f1.assumption.carry_asof",
        {**where, "policy": realized.name, "date": as_of.isoformat(), "regimes": regimes},
    )


def forward_projection(
    ctx: RunContext | None = None,
    *,
    months: int = DEFAULT_MONTHS,
    bill_purchases: float | None = None,
    alternatives: Sequence[AlternativeSpec] = (),
    mortgage_rate: str | Path = "flat",
    shock_bp: float = 0.0,
    liability_rules: LiabilityRules | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    target: str | None = "fomc-2025-12",
    inflation: InflationAssumption | None = None,
    settlement: MbsSettlement | None = None,
) -> Forward:
    """F1: project the balance sheet from the latest holdings, side by side per alternative.

    Parameters
    ----------
    ctx
        The as-of view (default: the latest data). At a past vantage everything comes
        from what was visible then: the holdings files, the weekly summary, the H.4.1,
        mortgage rates, and the regimes of ``qt2-realized`` announced by then.
    months
        Months projected after the anchor month (1..:data:`MAX_MONTHS`, default 36).
    bill_purchases
        Reserve-management bill purchases of the regime in force [USD bn per month],
        from the first projected month; default as the preset (40 today; 0 at a vantage
        whose regime in force buys nothing).
    alternatives
        Further runs: a pace [USD bn/month] (the regime in force with that pace), a
        preset name, a policy YAML file or a :class:`~qtlab.policy.Policy`; each applies
        from the first projected month (holdings carried forward alike).
    mortgage_rate
        Driving rate of the prepayment model after the realized paydowns: ``"flat"``
        (every 30-year rate visible, flat at the last) or a CSV file (month, rate [%]).
    shock_bp
        Shift of the mortgage rate where it is not data [bp].
    liability_rules
        ON RRP / TGA / currency rules (default :class:`~qtlab.balance.LiabilityRules`:
        ON RRP absorbs first to zero, TGA flat, currency at its default growth).
    gdp_growth
        Nominal GDP growth past the data [% a year] (for endpoint rules of alternatives).
    target
        Where the regime in force buys bills for reserve management and no
        ``bill_purchases`` pace is given, the default run buys what holds reserves at
        this target (:func:`qtlab.balance.reserve_target`): ``"fomc-2025-12"`` (their
        level in the state month, growing with the non-reserve liabilities),
        ``"level=<USD bn>"`` or ``"gdp_share=<share>"``; ``None``: the preset's pace.
    inflation
        The TIPS inflation assumption past the data (default
        :class:`~qtlab.engine.InflationAssumption`: the trailing twelve months fading to 2%).
    settlement
        When MBS reinvestment settles (default :class:`~qtlab.engine.MbsSettlement`: the
        Desk's lag); only its ``lag`` [months] is used.

    Returns
    -------
    Forward

    Raises
    ------
    SpecError
        Bad months, pace or alternative (the message lists what is valid).
    DataError
        The vantage lacks holdings files, the weekly summary or the H.4.1.
    """
    if isinstance(months, bool) or not isinstance(months, int | np.integer):
        raise SpecError(f"months={quoted(months)} must be an integer between 1 and {MAX_MONTHS}")
    if not 1 <= int(months) <= MAX_MONTHS:
        raise SpecError(f"months={quoted(months)} must be between 1 and {MAX_MONTHS}")
    months = int(months)
    pace = None if bill_purchases is None else check_pace(bill_purchases, "bill_purchases")
    if isinstance(shock_bp, bool) or not np.isfinite(float(shock_bp)):
        raise SpecError(f"shock_bp={quoted(shock_bp)} must be a finite number of basis points")
    ctx = ctx if ctx is not None else RunContext()
    files = _files(ctx)
    inp = load_inputs(ctx, horizon=months + 12, gdp_growth=gdp_growth)
    anchor, start = start_month(ctx, inp)
    realized = known_policy(ctx.as_of)
    in_force = from_start(realized, realized, start, REALIZED_POLICY)
    reg = in_force.regime_at(start)
    dpace = reg.bill_purchases if pace is None else pace
    use_target = target is not None and pace is None and reg.bill_purchases > 0
    default, dpol, ddesc = pace_alternative(in_force, start, 0.0 if use_target else dpace)
    alts: dict[str, tuple[Policy, Assumption]] = {default: (dpol, ddesc)}
    for spec in alternatives:
        name, pol, desc = resolve_alternative(spec, realized=realized, start=start)
        if name in alts:
            if alts[name][0] != pol:
                raise SpecError(
                    f"two alternatives are named {quoted(name)}; rename one (policy name)"
                )
            continue
        alts[name] = (pol, desc)
    src, pay = _paydowns(ctx, mortgage_rate, shock_bp)
    # The carry-forward (realized policy) is the same in every run: measure the engine's
    # securities at the liability state month once, without the liability side.
    observe = pd.DatetimeIndex([anchor])

    def run(policy: Policy, balance: BalanceInputs | None = None) -> Projection:
        return run_projection(
            ctx,
            policy,
            start,
            months,
            mbs_paydowns=src,
            observe=observe,
            balance=balance,
            inflation=inflation,
            mbs_lag=DESK_MBS_LAG if settlement is None else settlement.lag,
        )

    base_run = run(dpol)
    state = _state_at(inp, start - 1)
    every = pd.concat([base_run.carry_forward, base_run.frame])
    if state.month not in every.index:
        raise DataError(
            f"the H.4.1 liability state ({state.month}) falls before the holdings files "
            f"({files}); no engine month to tie it to"
        )
    sec0 = every["total_securities"] + every["tips_inflation_comp"]
    rules = liability_rules or LiabilityRules()
    held = float(sec0.to_numpy()[every.index.get_loc(state.month)])
    bal = balance_from_h41(inp, held, rules, state=state)
    other = bal.other_assets
    bal_default = bal
    if use_target:
        assert target is not None
        bal_default, ddesc = _targeted(bal, target, inp, start + months - 1)
        ddesc = Assumption(ddesc.key, {**ddesc.values, "regime": base_name(reg.name)})
        old_name, default = default, "rmp-target"
        alts = {
            (default if n == old_name else n): (p, ddesc if n == old_name else d)
            for n, (p, d) in alts.items()
        }
    projections = {
        n: run(pol, bal_default if n == default else bal) for n, (pol, _) in alts.items()
    }
    assumptions = (
        _carry(files, anchor, realized, ctx.as_of),
        pay,
        Assumption("f1.assumption.other", {"month": str(state.month), "other": other}),
        *inp.state_notes,
        rules_assumption(rules),
    )
    return Forward(
        start=start,
        months=months,
        anchor=anchor,
        holdings_files=files,
        projections=projections,
        default=default,
        descriptions={n: d for n, (_, d) in alts.items()},
        start_check=start_check(projections[default], ctx, anchor),
        h41_check=h41_check(inp, every, anchor.to_period("M")),
        state=state,
        other_assets=other,
        paydowns=src,
        assumptions=assumptions,
        history=pd.DataFrame(
            {
                "securities": inp.securities[inp.securities.index <= inp.last_month],
                "total_assets": inp.h41["total_assets"],
                "reserves": inp.h41["reserves"],
                "on_rrp": inp.h41["on_rrp"],
            }
        ),
    )


def _targeted(
    bal: BalanceInputs, target: str, inp: ImpactInputs, through: pd.Period
) -> tuple[BalanceInputs, Assumption]:
    """``bal`` with reserve-management purchases that hold reserves at ``target``."""
    kind, _, raw = str(target).partition("=")
    if kind not in RESERVE_TARGETS:
        raise SpecError(f"target={quoted(target)} is unknown; valid: {one_of(RESERVE_TARGETS)}")
    st = bal.state
    idx = pd.period_range(st.month + 1, through, freq="M")
    rules = bal.rules
    tga = (
        pd.Series(st.tga, index=idx)
        if rules.tga is None
        else pd.Series(float(rules.tga), index=idx)
        if not isinstance(rules.tga, pd.Series)
        else rules.tga.reindex(idx)
    )
    k = np.arange(1, len(idx) + 1, dtype=float)
    block = pd.Series(rules.block_path(st.currency_other, idx, k), index=idx)
    try:
        value = float(raw) if raw else None
    except ValueError as exc:
        raise SpecError(f"target={quoted(target)}: {raw!r} is not a number") from exc
    path = reserve_target(
        idx,
        kind,
        reserves0=st.reserves,
        nonreserve=tga + block,
        nonreserve0=st.tga + st.currency_other,
        value=value,
        gdp=inp.gdp,
    )
    if kind == "fomc-2025-12":
        desc = Assumption(
            "f1.alt.target",
            {"level": st.reserves, "month": str(st.month)},
        )
    else:
        desc = Assumption("f1.alt.target_other", {"target": str(target)})
    return replace(bal, reserve_target=path), desc
