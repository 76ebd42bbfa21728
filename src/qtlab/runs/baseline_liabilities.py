"""The liability model the baseline carries (issue 13, items 2 and 5): fitted at the
vantage, its path, the evidence that picks the baseline's liability form, and the
sentences that state it once in the report's Baseline block.

:func:`fit_at_vantage` fits :mod:`qtlab.balance.models` on the H.4.1 visible at the
vantage (:func:`~qtlab.runs.inputs.fit_liability_model`: nothing published later);
:func:`model_path` is its TGA and currency + other liabilities and capital [USD bn] month by
month; :func:`model_assumptions` states each piece's fitted parameters with units as
translatable sentences. :data:`LIABILITY_EVIDENCE` holds the backtests that chose the
simple rules over the model as the baseline's default (tests/test_baseline_model.py
recomputes them). Units: USD bn, percent, calendar months.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd

from qtlab.balance import LiabilityRules
from qtlab.balance.models import CurrencyFit, DecayFit, LiabilityModelFit
from qtlab.errors import DataError, SpecError, UnknownSeriesError, one_of
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, fit_liability_model, model_rules

__all__ = [
    "BASELINE_LIABILITIES",
    "EVIDENCE_MONTH",
    "LIABILITY_EVIDENCE",
    "LIABILITY_FORMS",
    "LiabilityForm",
    "fit_at_vantage",
    "model_assumptions",
    "model_path",
]

LiabilityForm = Literal["rules", "model"]
LIABILITY_FORMS: Final[tuple[str, ...]] = get_args(LiabilityForm)

#: The liability side of the baseline: ``"rules"`` (ON RRP absorbs first, TGA flat,
#: currency + other liabilities and capital at the default growth) rather than the model
#: fitted at the vantage, because the rules track the realized H.4.1 better in both
#: backtests of :data:`LIABILITY_EVIDENCE`. The model is carried and stated all the same.
BASELINE_LIABILITIES: Final[LiabilityForm] = "rules"

#: The backtests that pick :data:`BASELINE_LIABILITIES`: maximum |error| [USD bn] against
#: the realized H.4.1 (monthly means) of each form. ``f1_assets``, ``f1_reserves``: F1's
#: default run from the 2025-12-31 vantage, every month-end 2026-01..2026-08 (targets 75
#: and 150); ``bt_reserves``: reserves from the 2022-05-31 vantage along the realized total
#: assets, with each form's own TGA, 2022-06..2023-12 (target 250 with the TGA given).
#: Measured on the embedded data; tests/test_baseline_model.py recomputes them (1 bn).
#: They rest on the H.4.1 through :data:`EVIDENCE_MONTH`, so a vantage states them only
#: once that month is complete in its data (the vantage rule); before, the Baseline block
#: says the model is stated but not used, without them.
LIABILITY_EVIDENCE: Final[Mapping[str, Mapping[str, float]]] = {
    "rules": {"f1_assets": 65.0, "f1_reserves": 111.0, "bt_reserves": 309.0},
    "model": {"f1_assets": 155.0, "f1_reserves": 286.0, "bt_reserves": 838.0},
}


#: The last month of realized H.4.1 data :data:`LIABILITY_EVIDENCE` uses.
EVIDENCE_MONTH: Final = pd.Period("2026-08", freq="M")


def check_form(form: str) -> LiabilityForm:
    """``form`` if it is one of :data:`LIABILITY_FORMS`, else a :class:`SpecError`."""
    if form == "rules":
        return "rules"
    if form == "model":
        return "model"
    raise SpecError(f"liabilities={form!r} is unknown; valid: {one_of(LIABILITY_FORMS)}")


def fit_at_vantage(ctx: RunContext, inp: ImpactInputs) -> LiabilityModelFit | None:
    """The liability model fitted on the H.4.1 of ``inp`` (cut at ``ctx.as_of``), or
    ``None`` where the data visible at the vantage are too short for it (e.g. no weekly
    currency yet)."""
    try:
        return fit_liability_model(ctx, inp)
    except (DataError, UnknownSeriesError):
        return None


def model_path(
    fit: LiabilityModelFit, inp: ImpactInputs, through: pd.Period
) -> tuple[LiabilityRules, pd.DataFrame]:
    """The rules of the fitted model (ON RRP absorbs first, the model's TGA and currency +
    other liabilities and capital) and those two paths [USD bn] from the month after the
    last complete H.4.1 month through ``through``."""
    rules = model_rules(fit, inp, through)
    assert isinstance(rules.tga, pd.Series) and rules.currency_other is not None
    path = pd.DataFrame({"tga": rules.tga, "currency_other": rules.currency_other})
    path.index.name = "month"
    return rules, path


def _decay(fit: DecayFit, key: str) -> Assumption:
    if not np.isfinite(fit.half_life):
        return Assumption(f"baseline.model.{key}_flat")
    return Assumption(f"baseline.model.{key}", {"level": fit.level, "half_life": fit.half_life})


def model_assumptions(
    fit: LiabilityModelFit | None, form: LiabilityForm, last_month: pd.Period
) -> tuple[Assumption, ...]:
    """The fitted model as sentences: what it is and whether the baseline uses it (with
    :data:`LIABILITY_EVIDENCE` where ``last_month``, the vantage's last complete H.4.1
    month, reaches :data:`EVIDENCE_MONTH`), then each piece's parameters with units
    (currency [% a year, pp], TGA [USD bn, factors], decays [USD bn, months], ON RRP
    [USD bn per USD bn, USD bn per pp])."""
    if fit is None:
        return (Assumption("baseline.model.none"),)
    ev = LIABILITY_EVIDENCE
    early = "" if last_month >= EVIDENCE_MONTH else "_early"
    head = Assumption(
        f"baseline.model.{'used' if form == 'model' else 'not_used'}{early}",
        {
            "rules_assets": ev["rules"]["f1_assets"],
            "rules_reserves": ev["rules"]["f1_reserves"],
            "rules_bt": ev["rules"]["bt_reserves"],
            "model_assets": ev["model"]["f1_assets"],
            "model_reserves": ev["model"]["f1_reserves"],
            "model_bt": ev["model"]["bt_reserves"],
        },
    )
    cur = fit.currency
    if isinstance(cur, CurrencyFit):
        currency = Assumption(
            "baseline.model.currency",
            {"growth": cur.growth, "se": cur.se, "start": str(cur.start), "end": str(cur.end)},
        )
    else:  # along a rate path (not the baseline's, which fits the trend)
        currency = Assumption(
            "baseline.model.currency_rate",
            {
                "const": cur.const,
                "slope": cur.slope,
                "start": str(cur.start),
                "end": str(cur.end),
            },
        )
    t = fit.tga
    tga = Assumption(
        "baseline.model.tga_target" if t.source == "target" else "baseline.model.tga",
        {"level": t.level, "low": min(t.factors), "high": max(t.factors), "end": str(t.end)},
    )
    pieces = [
        currency,
        tga,
        _decay(fit.other, "other"),
        _decay(fit.other_assets, "other_assets"),
    ]
    r = fit.rrp
    if r is None:
        pieces.append(Assumption("baseline.model.rrp_none"))
    else:
        pieces.append(
            Assumption(
                "baseline.model.rrp",
                {
                    "const": r.const,
                    "bills": r.bills,
                    "spread": r.spread,
                    "r2": r.r2,
                    "start": str(r.start),
                    "end": str(r.end),
                },
            )
        )
    return (head, *pieces)
