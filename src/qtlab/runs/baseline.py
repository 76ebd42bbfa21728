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

The baseline carries the liability model fitted at its vantage
(:mod:`qtlab.runs.baseline_liabilities`: currency trend, seasonal TGA, decays of other
liabilities and capital and of other assets, ON RRP on bill supply) and its path, and
states each piece's parameters. Its liability side is nonetheless the simple
:data:`BASELINE_RULES` by default (:data:`~qtlab.runs.baseline_liabilities.
BASELINE_LIABILITIES`), chosen by evidence: F1 from 2025-12-31 with the rules misses the
realized H.4.1 through 2026-08 by at most 65 bn of total assets and 111 bn of reserves
(targets 75 and 150), with the fitted model by 155 and 286 (its TGA pattern undershoots the
2026 TGA by up to 240 bn); from 2022-05-31 along the realized total assets the rules miss
reserves by at most 309 bn through 2023-12, the model by 838
(:data:`~qtlab.runs.baseline_liabilities.LIABILITY_EVIDENCE`). ``baseline(ctx,
liabilities="model")`` makes the baseline with the model instead.
Units: USD bn, percent, calendar months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Final

import pandas as pd

from qtlab.balance import DEFAULT_GDP_GROWTH, LiabilityRules
from qtlab.balance.models import LiabilityModelFit
from qtlab.engine import AssumedTipsAccrual, InflationAssumption
from qtlab.errors import SpecError
from qtlab.runs.baseline_liabilities import (
    BASELINE_LIABILITIES,
    LiabilityForm,
    check_form,
    fit_at_vantage,
    model_assumptions,
    model_path,
)
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, default_asset_path, load_inputs, rules_assumption
from qtlab.runs.tips import tips_accrual

__all__ = [
    "BASELINE_GDP_GROWTH",
    "BASELINE_INFLATION",
    "BASELINE_MONTHS",
    "BASELINE_RULES",
    "BASELINE_SECTIONS",
    "DEFAULT_RESERVE_TARGET",
    "Baseline",
    "BaselineKey",
    "BaselineLiabilities",
    "baseline",
    "baseline_liabilities",
    "liabilities_reference",
    "stated_in_full",
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


def liabilities_reference(
    rules: LiabilityRules,
    ctx: RunContext | None = None,
    *,
    liabilities: str = BASELINE_LIABILITIES,
) -> Assumption:
    """The sentence of a section's liability rules: a reference to the baseline when they
    are the baseline's (:func:`baseline_liabilities` of ``ctx`` in the form
    ``liabilities``; without ``ctx`` :data:`BASELINE_RULES`), stated once at the top, else
    the rules themselves. Works at every vantage and for the fitted model's rules (paths
    compared as paths)."""
    base = (
        BASELINE_RULES if ctx is None else baseline_liabilities(ctx, liabilities=liabilities).rules
    )
    if _same_rules(rules, base):
        return Assumption("baseline.ref.liabilities")
    return rules_assumption(rules)


#: The analyses that run from the one baseline: the report states it once above them, the
#: dashboard and ``qtlab show`` beside them.
BASELINE_SECTIONS: Final = frozenset({"C2", "C3", "D1", "D2", "D3", "F1", "F2"})
#: The catalogue keys of the sentences that refer to the baseline instead of stating it.
REFERENCE_KEYS: Final = frozenset({"baseline.ref.liabilities", "impact.asset_path.baseline"})


def stated_in_full(
    ctx: RunContext, assumptions: Sequence[Assumption], lang: str = "en"
) -> list[str]:
    """The sentences of ``assumptions`` for a reader with no Baseline block above them (the
    command line): the references to the baseline give way, once, to the baseline's own
    sentences (:attr:`Baseline.assumptions`), placed first."""
    rest = [a.text(lang) for a in assumptions if a.key not in REFERENCE_KEYS]
    if len(rest) == len(assumptions):
        return rest
    return [*(a.text(lang) for a in baseline(ctx).assumptions), *rest]


#: Months past the last H.4.1 month the model form's paths cover (C2's longest horizon,
#: 240 months, plus F1's start after the data).
_MODEL_MONTHS: Final = 252


@dataclass(frozen=True)
class BaselineLiabilities:
    """The liability side of the baseline, which C2's first scenario, C3, D1-D3, F1 and F2
    project with (:func:`baseline_liabilities`, one per context and form).

    Attributes
    ----------
    form
        ``"rules"`` or ``"model"`` (module docstring: why the rules by default).
    rules
        The rules the sections project with: :data:`BASELINE_RULES`, or the fitted model's
        (its TGA and currency + other liabilities and capital paths, ON RRP absorbing first).
    fit
        The liability model fitted on the data visible at the vantage
        (:func:`~qtlab.runs.inputs.fit_liability_model`), ``None`` where they are too short.
    path
        The fitted model's TGA and currency + other liabilities and capital [USD bn] from the
        month after the last complete H.4.1 month over :data:`BASELINE_MONTHS` months
        (``None`` without a model).
    """

    form: LiabilityForm
    rules: LiabilityRules = field(repr=False)
    fit: LiabilityModelFit | None = field(repr=False)
    path: pd.DataFrame | None = field(repr=False)


@dataclass(frozen=True)
class _LiabilitiesKey:
    form: str


def baseline_liabilities(
    ctx: RunContext, *, liabilities: str = BASELINE_LIABILITIES
) -> BaselineLiabilities:
    """The baseline's liability side at ``ctx``'s vantage (cheap: no asset path), made once
    per context and form; :attr:`Baseline.rules` is its ``rules``."""
    form = check_form(liabilities)
    return ctx.memo(_LiabilitiesKey(form), lambda: _make_liabilities(ctx, form))


def _make_liabilities(ctx: RunContext, form: LiabilityForm) -> BaselineLiabilities:
    inp = load_inputs(ctx, horizon=BASELINE_MONTHS, gdp_growth=BASELINE_GDP_GROWTH)
    fit = fit_at_vantage(ctx, inp)
    if fit is None:
        if form == "model":
            raise SpecError(
                f"the liability model cannot be fitted on the data visible at {ctx.as_of}; "
                "use liabilities='rules'"
            )
        return BaselineLiabilities(form, BASELINE_RULES, None, None)
    mrules, mpath = model_path(fit, inp, inp.last_month + _MODEL_MONTHS)
    mpath = mpath.iloc[:BASELINE_MONTHS]
    return BaselineLiabilities(form, mrules if form == "model" else BASELINE_RULES, fit, mpath)


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
    """The key of the baseline in a :class:`RunContext` (one per context and form)."""

    months: int = BASELINE_MONTHS
    liabilities: str = BASELINE_LIABILITIES


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
        The liability rules the baseline projects with: by default :data:`BASELINE_RULES`
        (ON RRP absorbs first to zero, TGA flat, currency + other liabilities and capital at
        the default growth), as F1 and C2's first scenario; with ``liabilities="model"`` the
        fitted model's (its TGA and block paths, ON RRP absorbing first).
    liabilities
        Which: ``"rules"`` or ``"model"`` (module docstring: why the rules by default).
    liability_model
        The liability model fitted on the data visible at the vantage
        (:func:`~qtlab.runs.inputs.fit_liability_model`), ``None`` where they are too short.
    model_path
        The fitted model's TGA and currency + other liabilities and capital [USD bn] from
        :attr:`start` over :data:`BASELINE_MONTHS` months (``None`` without a model).
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
    rules: LiabilityRules = field(repr=False)
    liabilities: LiabilityForm
    liability_model: LiabilityModelFit | None = field(repr=False)
    model_path: pd.DataFrame | None = field(repr=False)
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


def baseline(ctx: RunContext, *, liabilities: str = BASELINE_LIABILITIES) -> Baseline:
    """The baseline of ``ctx``'s vantage, made once per context (:meth:`RunContext.memo`).
    ``liabilities``: ``"rules"`` (the default, :data:`BASELINE_RULES`) or ``"model"`` (the
    liability model fitted at the vantage)."""
    form = check_form(liabilities)
    return ctx.memo(BaselineKey(liabilities=form), lambda: _make(ctx, form))


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


def _make(ctx: RunContext, form: LiabilityForm) -> Baseline:
    from qtlab.runs.forward import forward_projection  # noqa: PLC0415 (forward imports inputs)

    inflation = BASELINE_INFLATION
    inp = load_inputs(ctx, horizon=BASELINE_MONTHS, gdp_growth=BASELINE_GDP_GROWTH)
    start = inp.last_month + 1
    side = baseline_liabilities(ctx, liabilities=form)
    rules, fit, mpath = side.rules, side.fit, side.path
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
        Assumption("baseline.liabilities", {"rules": rules_assumption(rules)})
        if form == "rules"
        else Assumption("baseline.liabilities_model"),
        *model_assumptions(fit, form, inp.last_month),
        inp.gdp_assumption,
        *([Assumption("baseline.inflation", {"text": inflation_text})] if inflation_text else []),
    )
    return Baseline(
        as_of=ctx.as_of,
        start=start,
        asset_path=name,
        total_assets=total,
        rules=rules,
        liabilities=form,
        liability_model=fit,
        model_path=mpath,
        reserve_target=DEFAULT_RESERVE_TARGET if total is not None else None,
        gdp_growth=BASELINE_GDP_GROWTH,
        inflation=inflation,
        assumptions=assumptions,
    )
