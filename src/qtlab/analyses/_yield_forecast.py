"""D2's forecast for one indicator: the yield regression fitted to the vantage month and
run along the projected reserve-scarcity indicator and a SEP policy-rate path.

Kept apart from :mod:`qtlab.analyses.d2_yield` (which re-exports it as a public name) so
each module stays small; D2, D3, the scorecard and the CLI's ``qtlab fit-yield`` call
:func:`yield_forecast`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from qtlab._periods import value_at
from qtlab.analyses.computed import Fact
from qtlab.balance import DEFAULT_GDP_GROWTH
from qtlab.errors import SpecError, one_of
from qtlab.impact import INDICATORS, SepStatistic, YieldFit, fit_yield, peak
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, last_sep_year, sep_path
from qtlab.runs.liabilities import DEFAULT_RULES, stopped_path
from qtlab.runs.yield_spec import indicators_along

__all__ = ["YieldForecast", "spec_fact", "yield_forecast"]

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


def spec_fact(spec: str, fit: YieldFit) -> Fact:
    """The note D3 adds: the D2 specification ``spec`` its 10-year path uses (chosen by
    :func:`qtlab.runs.yield_spec.choose_default`, as D2's); render translates ``form``."""
    return Fact(
        "d2.note.default_used",
        {"spec": spec, "form": fit.form, "first": str(fit.sample[0])},
    )
