"""D2's yield forecast: the regression fitted to the vantage month and run along the
projected reserve-scarcity indicator and a SEP policy-rate path, one indicator at a time
(:func:`yield_forecast`), and the one recipe D2, D3, the scorecard and ``qtlab
fit-yield`` share (:func:`chosen_forecasts`: the stopped C2 path, the specification
chosen on it, the forecasts under that specification).

A run, not a rendering: the results hold numbers and assumptions
(:class:`~qtlab.runs.inputs.Assumption`), no language. Units: yields, indicators and
policy rates [%], reserves [USD bn], months as ``Period[M]``.

Vantage rule: everything comes from what ``ctx`` shows at its vantage: the fit ends at
the vantage's last complete month, the specification is chosen on origins whose targets
the vantage has seen (:func:`qtlab.runs.yield_spec.choose_default`), and the SEP, CBO
baseline and balance sheet the paths follow are the latest visible then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from qtlab._periods import value_at
from qtlab.balance import DEFAULT_GDP_GROWTH
from qtlab.errors import SpecError, one_of
from qtlab.impact import INDICATORS, SepStatistic, YieldFit, fit_yield, peak
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, last_sep_year, sep_path
from qtlab.runs.liabilities import DEFAULT_RULES, stopped_path
from qtlab.runs.yield_spec import SpecChoice, choose_default, indicators_along

__all__ = [
    "PATH_MONTHS",
    "ChosenForecasts",
    "YieldForecast",
    "chosen_forecasts",
    "yield_forecast",
]

#: Months of the stopped C2 path a forecast runs along unless the caller gives others.
PATH_MONTHS: Final = 120
#: The first month of the federal funds target range (DFEDTARU starts 2008-12-16).
_RANGE_START: Final = pd.Period("2008-12", freq="M")


@dataclass(frozen=True)
class YieldForecast:
    """D2 for one indicator: the fit, the forecast [%], its peak, and the assumptions."""

    fit: YieldFit
    forecast: pd.DataFrame
    peak: dict[str, object]
    policy_source: Assumption
    assumptions: tuple[Assumption, ...]

    def to_dict(self) -> dict[str, object]:
        """The CLI's JSON shape (months as ``YYYY-MM``)."""
        f = self.fit
        return {
            "indicator": f.indicator,
            "sample": f"{f.sample[0]}:{f.sample[1]}",
            "nobs": f.nobs,
            "r2": f.rsquared,
            "form": f.form,
            "hac_lags": f.hac_lags,
            "resid_ar1": f.rho_raw,
            "params": {k: float(v) for k, v in f.params.items()},
            "std_err": {k: float(v) for k, v in f.std_err.items()},
            "forecast": [
                {"month": str(m), "mean": r["mean"], "lower": r["lower"], "upper": r["upper"]}
                for m, r in self.forecast.iterrows()
            ],
            "peak": {
                "month": str(self.peak["month"]),
                "mean": self.peak["mean"],
                "upper": self.peak["upper"],
            },
            "policy_path": self.policy_source.text("en"),
            "assumptions": [a.text("en") for a in self.assumptions],
        }


def yield_forecast(
    ctx: RunContext,
    indicator: str = "reserves_to_debt",
    *,
    sample: tuple[str | None, str | None] = (None, None),
    sep: str = "latest",
    horizon: int | None = None,
    policy_path: pd.Series | None = None,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    stop_rules: tuple[str, ...] = DEFAULT_RULES,
    inputs: tuple[ImpactInputs, pd.DataFrame, list[Assumption]] | None = None,
    sep_statistic: SepStatistic = "median",
    form: str = "levels",
) -> YieldForecast:
    """D2 for one indicator, fitted to the vantage month and forecast along the C2 path.

    ``horizon`` defaults to December of the SEP's last year (at least 24 months).
    ``policy_path`` (upper bound [%], monthly) replaces the SEP path if given; else the
    path follows ``sep_statistic`` of the SEP (median, central-tendency high or low).
    ``form``: ``"levels"`` or ``"diff"`` (monthly changes; :func:`qtlab.impact.fit_yield`).
    """
    if indicator not in INDICATORS:
        raise SpecError(f"indicator={indicator!r} is unknown; valid: {one_of(INDICATORS)}")
    if inputs is None:
        h = 120 if horizon is None else horizon
        inputs = stopped_path(ctx, horizon=h, stop_rules=stop_rules, gdp_growth=gdp_growth)
    inp, proj, lines = inputs
    ind = indicators_along(inp, proj)
    fit = fit_yield(
        inp.yield10,
        ind[indicator],
        inp.policy,
        indicator_name=indicator,
        sample=sample,
        form=form,
    )
    start = fit.sample[1] + 1
    start_level = value_at(inp.policy, fit.sample[1])
    if policy_path is not None:
        pol, source = policy_path, Assumption("impact.policy.user")
        end = pol.index[-1] if horizon is None else start + horizon - 1
    else:
        far = proj.index[-1]
        pol, source = sep_path(ctx, start, far, start_level, sep, sep_statistic)
        if horizon is None:
            sep_end = pd.Period(f"{last_sep_year(ctx, sep)}-12", freq="M")
            end = max(sep_end, start + 23)
        else:
            end = start + horizon - 1
    path = ind[indicator].loc[start:end]
    if path.index[-1] < end:
        raise SpecError(f"the projected indicator ends {path.index[-1]}, before {end}")
    fc = fit.predict(path, pol)
    if fit.sample[0] < _RANGE_START:
        lines = [*lines, Assumption("impact.assumption.pre_range", {"series": _pre_name(inp)})]
    return YieldForecast(fit, fc, peak(fc), source, tuple(lines))


def _pre_name(inp: ImpactInputs) -> str:
    text = str(inp.policy.attrs.get("pre_range", ""))
    return "DFEDTAR" if "DFEDTAR" in text else "DFF"


@dataclass(frozen=True)
class ChosenForecasts:
    """Yield forecasts under one D2 specification, with what they were made from.

    Attributes
    ----------
    path
        :func:`~qtlab.runs.liabilities.stopped_path`'s inputs, projected balance sheet
        [USD bn] and assumption lines: the path the indicators are projected along.
    choice
        The specification fitted (:func:`~qtlab.runs.yield_spec.choose_default`) and the
        out-of-sample comparison it was chosen by.
    forecasts
        One :class:`YieldForecast` per indicator asked for, in that order [%].
    """

    path: tuple[ImpactInputs, pd.DataFrame, list[Assumption]]
    choice: SpecChoice
    forecasts: Mapping[str, YieldForecast]


def chosen_forecasts(
    ctx: RunContext,
    indicators: Sequence[str] = tuple(INDICATORS),
    *,
    spec: str | None = None,
    sample: tuple[str | None, str | None] = (None, None),
    sep: str = "latest",
    horizon: int | None = None,
    path_months: int = PATH_MONTHS,
    gdp_growth: float = DEFAULT_GDP_GROWTH,
    sep_statistic: SepStatistic = "median",
) -> ChosenForecasts:
    """The 10-year yield forecast of each of ``indicators`` under the chosen specification.

    The one recipe of D2, D3, the scorecard and ``qtlab fit-yield``: the C2 projection
    with runoff stopped where C3's default rules first bind, ``path_months`` months long
    (:func:`~qtlab.runs.liabilities.stopped_path`, read once for every indicator); the
    specification chosen on it (:func:`~qtlab.runs.yield_spec.choose_default`: ``spec``
    by name, else a levels fit over ``sample``, else the lowest out-of-sample error);
    then :func:`yield_forecast` for each indicator with that specification's sample and
    form, along the stopped path.

    Parameters
    ----------
    ctx
        The as-of view; nothing published after its vantage enters the path, the choice,
        the fit or the SEP policy path (module docstring).
    indicators
        Scarcity indicators to forecast (:data:`qtlab.impact.INDICATORS` names).
    spec, sample
        The specification (``"auto"`` or a ``qtlab.impact.yield_family.CANDIDATES``
        name) or a levels sample (``(start, end)`` months, ``None`` open); not both.
    sep, sep_statistic, horizon
        The policy-rate path and the forecast's length (:func:`yield_forecast`;
        ``horizon`` [months], default December of the SEP's last year).
    path_months
        Months of the stopped path [months] (default :data:`PATH_MONTHS`); the forecast
        must end within it.
    gdp_growth
        Nominal GDP growth past CBO's baseline [% a year] (the reserves / GDP indicator).

    Returns
    -------
    ChosenForecasts
        Yields [%]; the path in USD bn.
    """
    path = stopped_path(ctx, horizon=path_months, gdp_growth=gdp_growth)
    choice = choose_default(path[0], path[1], spec, sample)
    forecasts = {
        i: yield_forecast(
            ctx,
            i,
            sample=choice.sample,
            form=choice.form,
            sep=sep,
            horizon=horizon,
            inputs=path,
            sep_statistic=sep_statistic,
        )
        for i in indicators
    }
    return ChosenForecasts(path, choice, forecasts)
