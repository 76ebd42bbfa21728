"""The liability model's conditional backtest (issue 13, item 2): reserves projected from a
vantage along the realized total assets, against the H.4.1.

Everything is fitted on the data visible at the vantage of ``ctx``
(:func:`~qtlab.runs.inputs.fit_liability_model`); only the asset path and, where the caller
says so, the TGA, the currency + other liabilities and capital block or ON RRP are the
realized ones (a conditional backtest: each given input is stated by its flag). The
benchmark (benchmarks/bench_liability_backtest.py) prints every case; the tests pin the
measured numbers. Units: USD bn, calendar months.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from qtlab.balance import LiabilityRules, project_liabilities
from qtlab.balance.rrp_bills import RrpTgaBills
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import fit_liability_model, load_inputs, model_rules, rrp_drivers
from qtlab.runs.remittances import fit_remittances, with_deferred_asset

__all__ = ["conditional_backtest"]


def conditional_backtest(
    ctx: RunContext,
    realized: pd.DataFrame,
    through: pd.Period,
    *,
    tga_given: bool,
    base: LiabilityRules | None = None,
    block_given: bool = False,
    rrp_given: bool = False,
    tga_bills: bool = False,
    deferred: Literal["sep", "realized"] | None = None,
    **fit_kwargs: Any,
) -> pd.DataFrame:
    """Monthly reserves of the liability model fitted at ``ctx``'s vantage along the realized
    total assets, from the month after the last H.4.1 month to ``through`` [USD bn].

    ``realized``: the monthly H.4.1 balance sheet of the latest data (``total_assets``,
    ``reserves``, ``on_rrp``, ``tga``, ``currency_other``). ``tga_given``,
    ``block_given``, ``rrp_given``: the realized TGA, currency + other block or ON RRP
    replace the model's; ``tga_bills``: ON RRP takes its fitted share of TGA changes
    (:class:`~qtlab.balance.rrp_bills.RrpTgaBills`); ``deferred``: the deferred asset
    along the SEP visible then (``"sep"``) or the realized rates (``"realized"``, a
    conditional variant), :mod:`qtlab.runs.remittances`; ``base``: the ON RRP rule of the
    rest (absorb-first by default); ``fit_kwargs`` go to the fit.

    Returns the model's ``reserves``, the ``realized`` reserves, and the ``error``,
    ``block_error`` and ``rrp_error`` (model minus realized) per month. Raises
    ``AssertionError`` if the identity does not hold to the cent in some month.
    """
    inp = load_inputs(ctx, horizon=24)
    fit = fit_liability_model(ctx, inp, **fit_kwargs)
    idx = pd.period_range(inp.last_month + 1, through, freq="M")
    tga = realized["tga"].reindex(idx) if tga_given else None
    rules = model_rules(fit, inp, through, base, tga=tga)
    if block_given:
        rules = LiabilityRules(
            rules.rrp_rule, rules.rrp_floor, rules.rrp_share, rules.rrp_path,
            tga=rules.tga, currency_other=realized["currency_other"].reindex(idx),
        )  # fmt: skip
    assets = realized["total_assets"].reindex(idx)
    if deferred is not None:
        remit = fit_remittances(ctx, inp, through, rates=deferred)
        rules, _ = with_deferred_asset(remit, rules, assets, inp.state)
    if tga_bills:
        net, spread = rrp_drivers(ctx)
        h = inp.h41
        split = RrpTgaBills().fit(h["on_rrp"], net, spread, h["tga"], inp.last_month)
        rules = split.rules(inp.state, assets, rules)
    if rrp_given:
        rules = LiabilityRules(
            "path", rrp_path=realized["on_rrp"].reindex(idx), tga=rules.tga,
            currency_other=rules.currency_other,
        )  # fmt: skip
    p = project_liabilities(assets, inp.state, rules).loc[idx]
    gap = p["total_assets"] - (p["reserves"] + p["on_rrp"] + p["tga"] + p["currency_other"])
    if not (gap.abs() < 0.005).all():
        raise AssertionError("the identity does not hold to the cent")
    real = realized.loc[idx]
    return pd.DataFrame(
        {
            "reserves": p["reserves"],
            "realized": real["reserves"],
            "error": p["reserves"] - real["reserves"],
            "block_error": p["currency_other"] - real["currency_other"],
            "rrp_error": p["on_rrp"] - real["on_rrp"],
        }
    )
