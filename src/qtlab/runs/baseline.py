"""One baseline per vantage: the asset path, liability rules, reserve target and inflation
assumption that C2, C3, D1-D3, F1 and F2 share (issue 13, item 5).

:func:`baseline` makes it once per :class:`~qtlab.runs.RunContext` (memoized under
:class:`BaselineKey`). Once runoff has ended at the vantage (QT2 ended on 2025-12-01), the
asset path is F1's default run (:func:`~qtlab.runs.forward.forward_projection`: the regime
in force, with reserve-management bill purchases holding reserves at the target); before,
it is the runoff engine under the plan announced by the vantage
(:func:`~qtlab.runs.inputs.default_asset_path`), stopped where the C3 rules bind, as F1
carries the same plan forward. Everything in it is read from the data visible at the
vantage. The report states :attr:`Baseline.assumptions` once; the sections refer to it.
Units: USD bn, percent, calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Final

import pandas as pd

from qtlab.balance import DEFAULT_GDP_GROWTH, LiabilityRules
from qtlab.engine import AssumedTipsAccrual, InflationAssumption
from qtlab.errors import SpecError
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, default_asset_path, load_inputs, rules_assumption
from qtlab.runs.tips import tips_accrual

__all__ = [
    "BASELINE_GDP_GROWTH",
    "BASELINE_INFLATION",
    "BASELINE_MONTHS",
    "BASELINE_RULES",
    "DEFAULT_RESERVE_TARGET",
    "Baseline",
    "BaselineKey",
    "baseline",
    "liabilities_reference",
]

#: Months the baseline asset path covers after its start (F1's longest run).
BASELINE_MONTHS: Final = 120
#: The reserve target of the baseline (:func:`qtlab.balance.reserve_target`): the FOMC's
#: December 2025 statement, reserves held ample at their level when runoff ended, growing
#: with the non-reserve liabilities.
DEFAULT_RESERVE_TARGET: Final = "fomc-2025-12"
#: The baseline's liability rules: ON RRP absorbs first to zero, TGA flat, currency + other
#: liabilities and capital at the default growth (F1's default, C2's first scenario).
BASELINE_RULES: Final = LiabilityRules()
#: Nominal GDP growth past the data [% a year].
BASELINE_GDP_GROWTH: Final = DEFAULT_GDP_GROWTH
#: The TIPS inflation assumption past the data: the trailing twelve months fading
#: linearly to 2% a year over 24 months.
BASELINE_INFLATION: Final = InflationAssumption()


def liabilities_reference(rules: LiabilityRules) -> Assumption:
    """The sentence of a section's liability rules: a reference to the baseline when they
    are the baseline's (stated once, at the top), else the rules themselves."""
    if _same_rules(rules, BASELINE_RULES):
        return Assumption("baseline.ref.liabilities")
    return rules_assumption(rules)


def _same_rules(a: LiabilityRules, b: LiabilityRules) -> bool:
    """Whether two rule sets are the same (paths compared as paths, never element-wise)."""
    for f in fields(LiabilityRules):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.Series) or isinstance(y, pd.Series):
            if not (isinstance(x, pd.Series) and isinstance(y, pd.Series) and x.equals(y)):
                return False
        elif x != y:
            return False
    return True


@dataclass(frozen=True)
class BaselineKey:
    """The key of the baseline in a :class:`RunContext` (one per context)."""

    months: int = BASELINE_MONTHS


@dataclass(frozen=True)
class Baseline:
    """The one baseline of a vantage.

    Attributes
    ----------
    as_of
        The vantage date (``None``: the latest data).
    start
        First projected month (the month after the last complete H.4.1 month).
    asset_path
        Its name: ``"rmp-target"`` (F1's default run, runoff over) or the engine policy
        preset in force (runoff under way).
    total_assets
        Monthly total assets [USD bn] from :attr:`start`, or ``None`` while runoff is
        under way (the engine projects them with the C3 stop).
    rules
        The liability rules (ON RRP absorbs first to zero, TGA flat, currency + other
        liabilities and capital at the default growth), as F1 and C2's first scenario.
    reserve_target
        The reserve target of the reserve-management purchases (``None`` while runoff is
        under way: no such regime was announced then).
    gdp_growth
        Nominal GDP growth past the data [% a year].
    inflation
        The TIPS inflation assumption past the data.
    assumptions
        What it assumes, as translatable sentences (catalogue keys and values).
    """

    as_of: date | None
    start: pd.Period
    asset_path: str
    total_assets: pd.Series | None = field(repr=False)
    rules: LiabilityRules
    reserve_target: str | None
    gdp_growth: float
    inflation: InflationAssumption
    assumptions: tuple[Assumption, ...] = field(repr=False)

    @property
    def runoff_over(self) -> bool:
        """Whether runoff had ended at the vantage (the path is F1's default run)."""
        return self.total_assets is not None

    def assets(self, through: pd.Period) -> pd.Series:
        """Total assets [USD bn] from :attr:`start` through ``through``.

        Raises :class:`~qtlab.errors.SpecError` while runoff is under way (the engine's
        path) or beyond the :data:`BASELINE_MONTHS` the path covers."""
        if self.total_assets is None:
            raise SpecError(
                f"the baseline at {self.as_of} follows the engine under {self.asset_path} "
                "(runoff under way): run that policy instead"
            )
        last = self.total_assets.index[-1]
        if through > last:
            raise SpecError(
                f"the baseline asset path ends in {last} ({BASELINE_MONTHS} months); "
                f"{through} is beyond it: give a shorter horizon, or assets= / asset_path_name="
            )
        return self.total_assets.loc[:through].copy()


def baseline(ctx: RunContext) -> Baseline:
    """The baseline of ``ctx``'s vantage, made once per context (:meth:`RunContext.memo`)."""
    return ctx.memo(BaselineKey(), lambda: _make(ctx))


def _inflation_assumption(ctx: RunContext, inflation: InflationAssumption) -> Assumption | None:
    """The TIPS accrual past the data as a sentence, or ``None`` when the data hold no TIPS
    accrual at the vantage."""
    try:
        acc = tips_accrual(ctx, inflation)
    except Exception:
        return None
    if not isinstance(acc, AssumedTipsAccrual):
        return None
    d = acc.describe()
    if d["path"]:
        return Assumption("inflation.path", {"last": d["last"], "long_run": d["long_run"]})
    return Assumption(
        "inflation.assumption",
        {
            "last": d["last"],
            "trailing": d["trailing"],
            "long_run": d["long_run"],
            "horizon": d["horizon"],
            "fade": Assumption(f"inflation.fade.{d['fade']}"),
        },
    )


def _make(ctx: RunContext) -> Baseline:
    from qtlab.runs.forward import forward_projection  # noqa: PLC0415 (forward imports inputs)

    rules = BASELINE_RULES
    inflation = BASELINE_INFLATION
    inp = load_inputs(ctx, horizon=BASELINE_MONTHS, gdp_growth=BASELINE_GDP_GROWTH)
    start = inp.last_month + 1
    name = default_asset_path(ctx.as_of)
    total: pd.Series | None = None
    if name == "hold":  # runoff over: F1's default run is the baseline
        fw = forward_projection(
            ctx,
            months=BASELINE_MONTHS,
            liability_rules=rules,
            gdp_growth=BASELINE_GDP_GROWTH,
            target=DEFAULT_RESERVE_TARGET,
        )
        name = fw.default
        proj = fw.projections[fw.default]
        every = pd.concat([proj.carry_forward, proj.frame])
        sec = every["total_securities"] + every["tips_inflation_comp"]
        # months before F1's start (carried forward): its securities + the other assets
        gap = (sec[(sec.index >= start) & (sec.index < fw.start)] + fw.other_assets).rename(
            "total_assets"
        )
        total = pd.concat([gap, fw.path()["total_assets"].astype(float)])
        total.index = pd.PeriodIndex(total.index, freq="M", name="month")
        total = total.loc[: start + BASELINE_MONTHS - 1].rename("total_assets")
        path_text = Assumption(
            "baseline.assets_rmp",
            {
                "regime": fw.descriptions[fw.default].values.get("regime", fw.default),
                "start": str(start),
                "level": fw.state.reserves,
                "month": str(fw.state.month),
                "other": fw.other_assets,
            },
        )
    else:
        path_text = Assumption("baseline.assets_engine", {"policy": name, "start": str(start)})
    inflation_text = _inflation_assumption(ctx, inflation)
    assumptions = (
        path_text,
        Assumption("baseline.liabilities", {"rules": rules_assumption(rules)}),
        inp.gdp_assumption,
        *([Assumption("baseline.inflation", {"text": inflation_text})] if inflation_text else []),
    )
    return Baseline(
        as_of=ctx.as_of,
        start=start,
        asset_path=name,
        total_assets=total,
        rules=rules,
        reserve_target=DEFAULT_RESERVE_TARGET if total is not None else None,
        gdp_growth=BASELINE_GDP_GROWTH,
        inflation=inflation,
        assumptions=assumptions,
    )
