"""``qtlab endpoint`` (C3): when runoff has to stop under one or more endpoint rules.

The liabilities are projected along the baseline's asset path (or a preset, ``caps``,
``renewed`` or ``hold``) and each rule is checked month by month
(:func:`qtlab.runs.liabilities.endpoint`); amounts in USD bn.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    OutOpt,
    RuleOpt,
    Tab,
    choose_format,
    deprecated_alias,
    emit,
    envelope,
    handle_errors,
    preset_name,
)
from qtlab.errors import SpecError, quoted
from qtlab.schema import MONTHS, PERCENT, USD_BN

__all__ = ["endpoint_cmd"]


def _bank_path(text: str, months: pd.PeriodIndex) -> pd.Series:
    import numpy as np  # noqa: PLC0415 (lazy: fast --help)

    level, _, growth = text.partition(":")
    try:
        lv, g = float(level), float(growth or 0.0)
    except ValueError as exc:
        raise SpecError(
            f"--bank-assets {quoted(text)} must be LEVEL[:GROWTH], e.g. 23000:3 (USD bn, % a year)"
        ) from exc
    steps = np.arange(len(months)) / 12.0
    return pd.Series(lv * (1 + g / 100.0) ** steps, index=months, name="bank_assets")


@handle_errors
def endpoint_cmd(
    policy: Annotated[
        str | None,
        typer.Option(
            help="Runoff policy preset for the engine (qt1-2017, qt2-announced, qt2-realized, "
            "rmp-2025), or caps (the QT2 caps in full), renewed (the QT2 caps resumed from "
            "their start after the vantage) or hold; default: the baseline (the plan in force "
            "before QT2 ended, F1's default run after)."
        ),
    ] = None,
    rule: RuleOpt = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Vantage date (default: latest data).")
    ] = None,
    gdp_growth: Annotated[
        float, typer.Option(help="Nominal GDP growth after the last actual quarter [% a year].")
    ] = 4.0,
    months: Annotated[int, typer.Option("--months", help="Months to project.", min=1)] = 120,
    bank_assets: Annotated[
        str | None,
        typer.Option(
            help="Commercial-bank total assets for reserves_to_bank_assets, LEVEL[:GROWTH]: "
            "USD bn in the first projected month, growing GROWTH% a year (default 0)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
    horizon: Annotated[int | None, typer.Option("--horizon", hidden=True, min=1)] = None,
) -> None:
    """C3: when runoff has to stop under one or more endpoint rules."""
    form = choose_format(fmt, as_json)
    horizon = deprecated_alias(months, horizon, "--months", "--horizon", default=120)
    if policy is not None:
        policy = preset_name(policy, extra=("caps", "renewed", "hold"))
    from qtlab.runs.context import RunContext  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.runs.liabilities import endpoint  # noqa: PLC0415 (lazy: fast --help)

    rules = rule or ["reserves_peak_fraction=0.5"]
    ds = RunContext(as_of, data_dir=data_dir)
    banks = None
    if bank_assets is not None:
        _, proj, _, _ = endpoint(
            ds, ["reserves_peak_fraction"], asset_path_name=policy, horizon=horizon
        )
        banks = _bank_path(bank_assets, pd.PeriodIndex(proj.index)[1:])
    res, _, _, _ = endpoint(
        ds,
        rules,
        asset_path_name=policy,
        horizon=horizon,
        gdp_growth=gdp_growth,
        bank_assets=banks,
    )
    payload = envelope(
        as_of=ds.as_of,
        options={
            "policy": policy,
            "rule": rules,
            "gdp_growth": gdp_growth,
            "horizon_months": horizon,
            "bank_assets": bank_assets,
        },
        units={
            "terminal_assets": USD_BN,
            "terminal_reserves": USD_BN,
            "months_of_runoff": MONTHS,
            "gdp_growth": PERCENT,
        },
        summary={k: v for k, v in res.to_dict().items() if k != "assumptions"},
        assumptions=res.assumptions,
    )
    if res.rule is None:
        head = f"no rule of {', '.join(rules)} binds within {horizon} months"
    else:
        head = (
            f"{res.rule} binds first: runoff ends {res.end_month} after {res.months_of_runoff} "
            f"months; total assets {res.terminal_assets:,.0f} bn, reserves "
            f"{res.terminal_reserves:,.0f} bn"
        )
    cols = ("rule", "end_month", "months_of_runoff", "terminal_assets", "terminal_reserves")
    d = res.to_dict()
    tab = Tab("Endpoint [USD bn]", cols, [[d.get(c) for c in cols]], default_digits=0)
    notes = [head, *(f"assumption: {line}" for line in res.assumptions)]
    tabs = [tab] if res.rule is not None or form == "csv" else []  # no empty row on screen
    emit("endpoint", form, payload, tabs, notes, out_file)
