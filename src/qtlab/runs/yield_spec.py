"""The D2 specification a yield forecast uses, chosen out of sample (a run, not a
rendering: the CLI's ``fit-yield`` and the D2 analysis both call :func:`choose_default`).

The default rule: over origins 2012-01 to 2025-12 that the vantage allows (each
specification fitted only on the months before the origin; the 12-month-ahead
target month no later than the last complete month at the vantage), the
candidate of :data:`qtlab.impact.yield_family.CANDIDATES` with the lowest RMSE
summed over both indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from qtlab.errors import SpecError, one_of
from qtlab.impact import INDICATORS, scarcity_indicators
from qtlab.impact.yield_family import (
    CANDIDATES,
    Spec,
    choose_spec,
    rolling_origin,
    rolling_summary,
)
from qtlab.runs.inputs import ImpactInputs

__all__ = [
    "AUTO",
    "HORIZON",
    "ORIGINS",
    "SpecChoice",
    "choose_default",
    "default_levels_spec",
    "indicators_along",
    "spec_sample",
]

AUTO: Final = "auto"
#: Origins of the out-of-sample comparison (cut at the vantage).
ORIGINS: Final = ("2012-01", "2025-12")
HORIZON: Final = 12


@dataclass(frozen=True)
class SpecChoice:
    """The specification D2 uses, and the comparison it was chosen by (if any).

    ``mode``: ``"rule"`` (the out-of-sample rule chose ``spec``), ``"spec"`` (named by
    the user) or ``"sample"`` (the user's sample, levels; ``spec`` is then the rule's
    choice, reported but not used). ``sample`` and ``form`` are what D2 fits."""

    spec: Spec
    summaries: dict[str, pd.DataFrame]  # indicator -> rolling_summary
    mode: str
    sample: tuple[str | None, str | None]
    form: str


def spec_sample(spec: Spec, last: pd.Period) -> tuple[str, None]:
    """The estimation sample of ``spec`` fitted at a vantage whose last month is ``last``."""
    return (str(spec.first_month(last + 1)), None)


def indicators_along(inp: ImpactInputs, proj: pd.DataFrame) -> pd.DataFrame:
    """The scarcity indicators [%] of the data, then along the projected reserves of
    ``proj`` (its first month is the last month of data); ``projected`` flags the months
    after the data."""
    reserves = pd.concat([inp.reserves, proj["reserves"].iloc[1:]])
    out = scarcity_indicators(reserves, inp.debt, inp.gdp)
    out["projected"] = out.index > inp.last_month
    return out


def choose_default(
    inp: ImpactInputs,
    proj: pd.DataFrame,
    spec: str | None = None,
    sample: tuple[str | None, str | None] = (None, None),
) -> SpecChoice:
    """The D2 specification: ``spec`` by name; else the user's ``sample`` (levels) if
    given; else the out-of-sample rule's choice (``"auto"``; module docstring). The
    comparison is always computed."""
    ind = indicators_along(inp, proj.iloc[:1])
    summaries = {
        i: rolling_summary(
            rolling_origin(inp.yield10, ind[i], inp.policy, origins=ORIGINS, horizon=HORIZON)
        )
        for i in INDICATORS
    }
    if spec is not None and spec != AUTO and spec not in CANDIDATES:
        raise SpecError(f"spec={spec!r} is unknown; valid specs are {one_of([AUTO, *CANDIDATES])}")
    if spec is not None and spec != AUTO and tuple(sample) != (None, None):
        raise SpecError(f"give spec={spec!r} or sample={sample!r}, not both")
    rule = CANDIDATES[choose_spec(summaries)]
    if spec is None and tuple(sample) != (None, None):
        return SpecChoice(rule, summaries, "sample", tuple(sample), "levels")  # type: ignore[arg-type]
    chosen, mode = (rule, "rule") if spec in (None, AUTO) else (CANDIDATES[spec], "spec")
    return SpecChoice(chosen, summaries, mode, spec_sample(chosen, inp.last_month), chosen.form)


def default_levels_spec(inp: ImpactInputs) -> SpecChoice:
    """The out-of-sample rule's choice (:func:`choose_default` with neither ``spec`` nor
    ``sample``) on the data of ``inp``, restricted to the levels candidates when the rule
    picks first differences: the Monte-Carlo sweep's yield model is a levels regression.
    D3, F2 and the scorecard's own forecasts use it, as D2 does."""
    proj = inp.reserves.to_frame("reserves").iloc[-1:]
    choice = choose_default(inp, proj)
    if choice.form == "levels":
        return choice
    levels = [n for n, s in CANDIDATES.items() if s.form == "levels"]
    sub = {i: s.loc[s.index.isin(levels)] for i, s in choice.summaries.items()}
    spec = CANDIDATES[choose_spec(sub)]
    return SpecChoice(spec, choice.summaries, "rule", spec_sample(spec, inp.last_month), "levels")
