"""C2's ``"fitted"`` scenario: the liability model the baseline carries, ON RRP moved by the
bills that finance the TGA (issue 13, item 2: the model is built and shown; the simple
rules of :data:`~qtlab.runs.liabilities.SCENARIOS` stay as scenarios).

- TGA and currency + other liabilities and capital: the model fitted at the vantage that
  the baseline carries (:func:`~qtlab.runs.baseline.baseline_liabilities`' ``fit``, whose
  parameters the report's Baseline block states), projected by
  :func:`~qtlab.runs.inputs.model_rules` from the last complete H.4.1 month: the
  baseline's ``model_path`` month for month where both run;
- ON RRP: :class:`~qtlab.balance.rrp_bills.RrpTgaBills` fitted on the data visible at the
  vantage (MSPD bills held outside the Fed, the H.4.1 TGA and ON RRP, the bill-ON RRP
  spread): it takes a fitted share of each TGA change, opposite in sign, and absorbs the
  rest of each change first, down to zero; where those data are too short at the vantage,
  ON RRP absorbs every change first (said so).

Reserves are the identity's residual, so total assets = reserves + ON RRP + TGA + currency
and other liabilities and capital to the cent in every month. Units: USD bn, calendar
months.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from qtlab.balance import LiabilityRules
from qtlab.balance.rrp_bills import RrpTgaBills, RrpTgaFit
from qtlab.errors import DataError, SpecError, UnknownSeriesError
from qtlab.runs.baseline import baseline_liabilities
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption, ImpactInputs, model_rules, rrp_drivers

__all__ = ["FITTED", "fitted_available", "fitted_rules", "tga_bills_fit"]

#: The name of C2's scenario of the fitted liability model.
FITTED: Final = "fitted"


@dataclass(frozen=True)
class _TgaBillsKey:
    """The memo key of a context's TGA-bills fit (one per vantage)."""


def tga_bills_fit(ctx: RunContext, inp: ImpactInputs) -> RrpTgaFit | None:
    """The TGA-bills ON RRP rule fitted on the monthly changes visible at ``ctx``'s vantage
    through ``inp``'s last complete H.4.1 month, made once per context; ``None`` where the
    data are too short (fewer than 12 months of bill and TGA changes from 2018 or 6 of ON
    RRP changes from 2021)."""

    def make() -> RrpTgaFit | None:
        try:
            net, spread = rrp_drivers(ctx)
            h = inp.h41
            return RrpTgaBills().fit(h["on_rrp"], net, spread, h["tga"], inp.last_month)
        except (DataError, UnknownSeriesError):
            return None

    return ctx.memo(_TgaBillsKey(), make)


def fitted_available(ctx: RunContext) -> bool:
    """Whether the liability model can be fitted on the data visible at ``ctx``'s vantage
    (the baseline carries it): C2 shows the ``"fitted"`` scenario only then."""
    return baseline_liabilities(ctx).fit is not None


def fitted_rules(
    ctx: RunContext, inp: ImpactInputs, assets: pd.Series, *, tga: float | None = None
) -> tuple[LiabilityRules, Assumption]:
    """The rules of the ``"fitted"`` scenario along monthly total assets ``assets`` [USD bn]
    (from the month after ``inp``'s last complete H.4.1 month) and their sentence.

    ``tga`` [USD bn]: a TGA level held flat in place of the model's seasonal path (C2's
    ``tga`` option; ``None``: the model's). Raises :class:`SpecError` where the model
    cannot be fitted at the vantage (:func:`fitted_available`)."""
    fit = baseline_liabilities(ctx).fit
    if fit is None:
        raise SpecError(
            f"the liability model cannot be fitted on the data visible at {ctx.as_of}, so "
            f"C2's {FITTED!r} scenario is not available there; use the simple rules"
        )
    through = pd.PeriodIndex(assets.index)[-1]
    idx = pd.period_range(inp.last_month + 1, through, freq="M")
    path = None if tga is None else pd.Series(float(tga), index=idx, name="tga")
    rules = model_rules(fit, inp, through, tga=path)
    tga_text = (
        Assumption("c2.fitted.tga_model")
        if tga is None
        else Assumption("c2.fitted.tga_level", {"level": float(tga)})
    )
    split = tga_bills_fit(ctx, inp)
    if split is None:
        return rules, Assumption("c2.fitted.absorb", {"tga": tga_text})
    said = Assumption(
        "c2.fitted.tga_bills",
        {
            "tga": tga_text,
            "share": 100.0 * split.share,
            "bills": split.bills_per_tga,
            "rrp": split.rrp_per_bill,
            "end": str(split.end),
        },
    )
    return split.rules(inp.state, assets, rules), said
