"""Named D2 recipes: a published specification of the yield regression reproduced on
qtlab's data, with the published numbers beside qtlab's.

``"industrial-bank-2022-05"``: the Industrial Securities (Industrial Bank, 兴业证券)
macro report of May 2022. Levels OLS of the monthly 10-year yield on reserves /
marketable debt (and, separately, on reserves / GDP) and the upper bound of the
federal funds target range, monthly, 2017-01 to 2022-04; forecast along a path on
which reserves fall 50% over 24 months (linearly, then flat) with CBO debt and GDP,
and the policy rate along the FOMC's central-tendency-high path. Published: R-squared
0.7587 (reserves / debt); peak June 2022 at 3.55% (95% upper 4.14%) on reserves /
debt and 3.9% (upper 4.77%) on reserves / GDP; annual averages 2.7 / 3.35 / 3.0%
for 2022-24.

Nothing is tuned to the published numbers: the sample, the data and the paths are
the report's as stated; where qtlab's inputs differ (the March 2022 SEP's central
tendency is not in the data, so the policy path follows its hand-entered medians),
the result says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import period_index, to_month, value_at
from qtlab.errors import SpecError, one_of
from qtlab.impact import (
    INDICATORS,
    SepStatistic,
    YieldFit,
    annual_averages,
    fit_yield,
    peak,
    scarcity_indicators,
)
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, load_inputs, sep_path

__all__ = ["RECIPES", "Published", "Recipe", "RecipeResult", "recipe_names", "run_recipe"]


@dataclass(frozen=True)
class Published:
    """Numbers a source published for a recipe [%] (None where it gave none)."""

    source: str
    r2: Mapping[str, float]
    peak: Mapping[str, tuple[str, float, float]]  # indicator -> (month, mean, upper 95%)
    annual: Mapping[int, float]  # the 10-year yield's annual averages on reserves / debt


@dataclass(frozen=True)
class Recipe:
    """A named D2 specification: sample, form, reserve path and policy path."""

    name: str
    sample: tuple[str, str | None]  # (start, end); end None = the vantage month
    reserve_fall: float  # fraction of reserves lost over ``fall_months``
    fall_months: int
    through: str  # last forecast month
    sep_statistic: SepStatistic
    residual: str  # the forecast's residual model (YieldFit.predict)
    published: Published
    form: str = "levels"
    indicators: tuple[str, ...] = field(default=tuple(INDICATORS))


RECIPES: Final[Mapping[str, Recipe]] = {
    "industrial-bank-2022-05": Recipe(
        name="industrial-bank-2022-05",
        sample=("2017-01", "2022-04"),
        reserve_fall=0.5,
        fall_months=24,
        through="2024-12",
        sep_statistic="central_tendency_high",
        # the report prints OLS fitted values and intervals: no residual persistence
        residual="iid",
        published=Published(
            source="Industrial Securities (兴业证券) macro research, May 2022",
            r2={"reserves_to_debt": 0.7587},
            peak={
                "reserves_to_debt": ("2022-06", 3.55, 4.14),
                "reserves_to_gdp": ("2022-06", 3.9, 4.77),
            },
            annual={2022: 2.7, 2023: 3.35, 2024: 3.0},
        ),
    ),
}


def recipe_names() -> list[str]:
    """The names of the D2 recipes."""
    return sorted(RECIPES)


@dataclass(frozen=True)
class RecipeResult:
    """A recipe run on the data at one vantage: fits and forecasts by indicator, the
    policy path's description, and qtlab's numbers beside the published ones."""

    recipe: Recipe
    fits: Mapping[str, YieldFit]
    forecasts: Mapping[str, pd.DataFrame]
    policy_source: Assumption
    comparison: pd.DataFrame  # quantity, indicator, published, qtlab, realized

    def to_dict(self) -> dict[str, object]:
        """The CLI's JSON shape."""
        rows = self.comparison.astype(object).where(self.comparison.notna(), None)
        return {
            "recipe": self.recipe.name,
            "source": self.recipe.published.source,
            "fits": {
                i: {
                    "sample": f"{f.sample[0]}:{f.sample[1]}",
                    "nobs": f.nobs,
                    "r2": f.rsquared,
                    "params": {k: float(v) for k, v in f.params.items()},
                    "t": {k: float(v) for k, v in f.tvalues.items()},
                    "hac_lags": f.hac_lags,
                    "resid_ar1": f.rho_raw,
                }
                for i, f in self.fits.items()
            },
            "comparison": rows.to_dict("records"),
            "policy_path": self.policy_source.text("en"),
        }


def reserve_fall_path(
    start_level: float, start: pd.Period, through: pd.Period, fall: float, months: int
) -> pd.Series:
    """Reserves [USD bn] falling linearly by ``fall`` of ``start_level`` over ``months``
    months from ``start`` (the first month after the sample), then flat."""
    idx = pd.period_range(start, through, freq="M")
    h = np.minimum(np.arange(1, len(idx) + 1), months)
    return pd.Series(start_level * (1.0 - fall * h / months), index=idx, name="reserves")


def run_recipe(ctx: RunContext, name: str, *, sample_end: str | None = None) -> RecipeResult:
    """Run recipe ``name`` on the data visible at ``ctx.as_of``.

    The sample ends at the recipe's end month (2022-04 for the May 2022 report), or at
    ``sample_end`` (``"vantage"``: the vantage's last complete month), never after the
    vantage's last complete month. The forecast is made as of the end of the month
    after the sample (the report's own vantage, 2022-05-31, for its sample): the SEP,
    CBO baseline and reserves are those visible then, so a later vantage reproduces
    the report rather than mixing in later projections.
    """
    if name not in RECIPES:
        raise SpecError(f"recipe={name!r} is unknown; valid recipes are {one_of(RECIPES)}")
    rec = RECIPES[name]
    seen = load_inputs(ctx, horizon=1)
    last = seen.last_month
    end = rec.sample[1] if sample_end is None else sample_end
    hi = last if end in (None, "vantage") else min(to_month(end, field="sample end"), last)
    if (hi - pd.Period(rec.sample[0], freq="M")).n < 23:
        raise SpecError(
            f"recipe {name!r} fits from {rec.sample[0]}; the data at the vantage end {hi}, "
            "fewer than 24 months later"
        )
    start = hi + 1
    through = max(pd.Period(rec.through, freq="M"), start + 23)
    fc_day = min(ctx.cutoff, start.end_time.date())
    fc_ds = ctx if fc_day == ctx.cutoff else ctx.at(fc_day)
    inp = load_inputs(fc_ds, horizon=max((through - hi).n + 1, 36))
    hist = scarcity_indicators(inp.reserves, inp.debt, inp.gdp)
    res0 = value_at(inp.reserves, hi)
    path = pd.concat(
        [
            inp.reserves.loc[:hi],
            reserve_fall_path(res0, start, through, rec.reserve_fall, rec.fall_months),
        ]
    )
    ind_path = pd.DataFrame(
        {
            "reserves_to_debt": 100.0 * path / inp.debt.reindex(path.index),
            "reserves_to_gdp": 100.0 * path / inp.gdp.reindex(path.index),
        }
    )
    pol, source = sep_path(
        fc_ds, start, through, value_at(inp.policy, hi), "latest", rec.sep_statistic
    )
    fits: dict[str, YieldFit] = {}
    fcs: dict[str, pd.DataFrame] = {}
    for i in rec.indicators:
        fit = fit_yield(
            inp.yield10,
            hist[i],
            inp.policy,
            indicator_name=i,
            sample=(rec.sample[0], hi),
            form=rec.form,
        )
        fits[i] = fit
        fcs[i] = fit.predict(ind_path[i].loc[start:through], pol, residual=rec.residual)  # type: ignore[arg-type]
    table = _compare(rec, inp, fits, fcs)
    table["realized"] = pd.Series(
        _realized(table, seen.yield10, start, through), index=table.index, dtype=object
    )
    return RecipeResult(rec, fits, fcs, source, table)


def _realized(
    table: pd.DataFrame, y10: pd.Series, start: pd.Period, through: pd.Period
) -> list[object]:
    """What the 10-year yield did (monthly means visible at the vantage) for the rows of
    the comparison: the peak month and level once the whole window is visible, annual
    averages once the whole year is; None otherwise."""
    window = y10.loc[start:through]
    whole = len(window) == (through - start).n + 1
    out: list[object] = []
    for q in table["quantity"]:
        if q in ("peak", "peak_month") and whole:
            m = window.idxmax()
            out.append(str(m) if q == "peak_month" else float(window.max()))
        elif str(q).startswith("average_"):
            year = int(str(q).removeprefix("average_"))
            months = y10[[p.year == year for p in period_index(y10)]]
            out.append(float(months.mean()) if len(months) == 12 else None)
        else:
            out.append(None)
    return out


def _compare(
    rec: Recipe,
    inp: ImpactInputs,
    fits: Mapping[str, YieldFit],
    fcs: Mapping[str, pd.DataFrame],
) -> pd.DataFrame:
    pub = rec.published
    rows: list[dict[str, object]] = []
    for i, f in fits.items():
        rows.append(
            {"quantity": "r2", "indicator": i, "published": pub.r2.get(i), "qtlab": f.rsquared}
        )
        pk = peak(fcs[i])
        month, mean, upper = pub.peak.get(i, (None, None, None))
        rows += [
            {"quantity": "peak_month", "indicator": i, "published": month,
             "qtlab": str(pk["month"])},
            {"quantity": "peak", "indicator": i, "published": mean, "qtlab": pk["mean"]},
            {"quantity": "peak_upper95", "indicator": i, "published": upper,
             "qtlab": pk["upper"]},
        ]  # fmt: skip
        ten = pd.concat([inp.yield10.loc[: f.sample[1]], fcs[i]["mean"]])
        avg = annual_averages(ten)
        for year, value in pub.annual.items():
            if i == "reserves_to_debt" and year in avg.index:
                rows.append(
                    {
                        "quantity": f"average_{year}",
                        "indicator": i,
                        "published": value,
                        "qtlab": float(avg.loc[year]),
                    }
                )
    return pd.DataFrame(rows, columns=["quantity", "indicator", "published", "qtlab"])
