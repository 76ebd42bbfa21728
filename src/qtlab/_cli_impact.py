"""CLI commands of the liabilities and impact areas: ``qtlab fit-yield``, ``qtlab endpoint``.

Registered from :mod:`qtlab.cli` (one import line); JSON goes to stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from qtlab.cli import RuleOpt, _handle_errors, _print_json, app, out
from qtlab.errors import SpecError, quoted

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["endpoint_cmd", "fit_yield_cmd", "scorecard_cmd"]


def _sample(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return (None, None)
    start, sep, end = text.partition(":")
    if not sep:
        raise SpecError(
            f"--sample {quoted(text)} must be START:END in YYYY-MM (either side may be empty), "
            "e.g. 2009-01:2022-05"
        )
    return (start or None, end or None)


def _bank_path(text: str, months: pd.PeriodIndex) -> pd.Series:
    import numpy as np  # noqa: PLC0415 (lazy: fast --help)
    import pandas as pd  # noqa: PLC0415

    level, _, growth = text.partition(":")
    try:
        lv, g = float(level), float(growth or 0.0)
    except ValueError as exc:
        raise SpecError(
            f"--bank-assets {quoted(text)} must be LEVEL[:GROWTH], e.g. 23000:3 (USD bn, % a year)"
        ) from exc
    steps = np.arange(len(months)) / 12.0
    return pd.Series(lv * (1 + g / 100.0) ** steps, index=months, name="bank_assets")


@app.command("fit-yield")
@_handle_errors
def fit_yield_cmd(
    indicator: Annotated[
        str, typer.Option(help="Scarcity indicator: reserves_to_debt or reserves_to_gdp.")
    ] = "reserves_to_debt",
    sample: Annotated[
        str | None,
        typer.Option(
            help="Estimation sample START:END (YYYY-MM), levels; default: the --spec rule's "
            "sample. With --recipe, :END moves the recipe's sample end (:vantage for the "
            "vantage month)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Vantage date (default: latest data).")
    ] = None,
    sep: Annotated[
        str,
        typer.Option(help="Policy path: 'latest' SEP at the vantage date, or a preset (2022-03)."),
    ] = "latest",
    horizon: Annotated[
        int | None, typer.Option(help="Forecast months (default: to the SEP's last December).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    sep_statistic: Annotated[
        str,
        typer.Option(
            help="SEP statistic the policy path follows: median, central_tendency_high or "
            "central_tendency_low."
        ),
    ] = "median",
    spec: Annotated[
        str | None,
        typer.Option(
            help="Specification: auto (lowest 12-month-ahead out-of-sample RMSE over "
            "2012-2025 origins before the vantage), levels-2003, levels-2009, levels-60m, "
            "diff-2003 or diff-2009; default auto unless --sample is given."
        ),
    ] = None,
    recipe: Annotated[
        str | None,
        typer.Option(
            help="A named published specification, reproduced with the published numbers "
            "beside qtlab's: industrial-bank-2022-05 (Industrial Securities, May 2022)."
        ),
    ] = None,
) -> None:
    """D2: fit the 10-year yield on reserve scarcity and the policy rate; forecast it.

    The forecast runs along the projected indicator and the SEP path, with 95%
    prediction intervals.
    """
    from qtlab.analyses._d2_family import choose_default  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.analyses.impact import yield_forecast  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.analyses.liabilities import stopped_path  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.store.dataset import Dataset  # noqa: PLC0415 (lazy: fast --help)

    ds = Dataset(as_of)
    if recipe is not None:
        first, end = _sample(sample)
        if first is not None:
            raise SpecError(
                f"--sample {sample!r}: a recipe fixes its first month; give only :END "
                "(YYYY-MM or vantage) to move its sample end"
            )
        _recipe_out(ds, recipe, end, as_json)
        return
    shared = stopped_path(ds, horizon=120 if horizon is None else horizon)
    choice = choose_default(shared[0], shared[1], spec, _sample(sample))
    yf = yield_forecast(
        ds,
        indicator,
        sample=choice.sample,
        form=choice.form,
        sep=sep,
        horizon=horizon,
        inputs=shared,
        sep_statistic=sep_statistic,  # type: ignore[arg-type]  # checked by sep_path
    )
    rmse = choice.summaries[indicator]["rmse"]
    oos = {k: float(v) for k, v in rmse.items()}
    used = {
        "spec": None if choice.mode == "sample" else choice.spec.name,
        "mode": choice.mode,
        "out_of_sample_rmse": oos,
        "out_of_sample_origins": "{}:{}".format(*choice.summaries[indicator].attrs["origins"]),
    }
    if as_json:
        _print_json({**yf.to_dict(), **used})
        return
    if used["spec"] is not None:
        out.print(f"specification {used['spec']} ({choice.mode})", highlight=False)
    out.print(
        f"12-month-ahead out-of-sample RMSE (pp), origins {used['out_of_sample_origins']}: "
        + ", ".join(f"{k} {v:.2f}" for k, v in oos.items()),
        highlight=False,
    )
    out.print(yf.fit.summary(), highlight=False)
    pk = yf.peak
    out.print(
        f"peak {pk['month']}: {pk['mean']:.2f}% "
        f"(95% interval {pk['lower']:.2f}-{pk['upper']:.2f}%)",
        highlight=False,
    )
    out.print(f"policy path: {yf.policy_source.text()}", highlight=False)
    for a in yf.assumptions:
        out.print(f"assumption: {a.text()}", highlight=False)


def _recipe_out(ds: object, name: str, end: str | None, as_json: bool) -> None:
    from qtlab.analyses._yield_recipes import run_recipe  # noqa: PLC0415 (lazy: fast --help)

    rr = run_recipe(ds, name, sample_end=end)  # type: ignore[arg-type]
    if as_json:
        _print_json(rr.to_dict())
        return
    out.print(f"recipe {name}: {rr.recipe.published.source}", highlight=False)
    for f in rr.fits.values():
        out.print(f.summary(), highlight=False)
    out.print(f"policy path: {rr.policy_source.text()}", highlight=False)
    for r in rr.comparison.to_dict("records"):
        q = r["qtlab"] if isinstance(r["qtlab"], str) else f"{r['qtlab']:.4f}"
        seen = r.get("realized")
        if seen is None or isinstance(seen, str):
            done = "" if seen is None else f", realized {seen}"
        else:
            done = f", realized {seen:.4f}"
        out.print(
            f"{r['quantity']} ({r['indicator']}): published {r['published']}, qtlab {q}{done}",
            highlight=False,
        )


@app.command("endpoint")
@_handle_errors
def endpoint_cmd(
    policy: Annotated[
        str | None,
        typer.Option(
            help="Runoff policy preset for the engine (qt1-2017, qt2-announced, qt2-realized, "
            "rmp-2025), or caps (the QT2 caps in full) or hold; default: qt2-announced before "
            "QT2 ended, hold after."
        ),
    ] = None,
    rule: RuleOpt = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Vantage date (default: latest data).")
    ] = None,
    gdp_growth: Annotated[
        float, typer.Option(help="Nominal GDP growth after the last actual quarter [% a year].")
    ] = 4.0,
    horizon: Annotated[int, typer.Option(help="Months to project.")] = 120,
    bank_assets: Annotated[
        str | None,
        typer.Option(
            help="Commercial-bank total assets for reserves_to_bank_assets, LEVEL[:GROWTH]: "
            "USD bn in the first projected month, growing GROWTH% a year (default 0)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """C3: when runoff has to stop under one or more endpoint rules."""
    from qtlab.analyses.liabilities import endpoint  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.store.dataset import Dataset  # noqa: PLC0415 (lazy: fast --help)

    rules = rule or ["reserves_peak_fraction=0.5"]
    ds = Dataset(as_of)
    banks = None
    if bank_assets is not None:
        _, proj, _, _ = endpoint(
            ds, ["reserves_peak_fraction"], asset_path_name=policy, horizon=horizon
        )
        from qtlab._periods import period_index  # noqa: PLC0415 (lazy)

        banks = _bank_path(bank_assets, period_index(proj)[1:])
    res, _, _, _ = endpoint(
        ds,
        rules,
        asset_path_name=policy,
        horizon=horizon,
        gdp_growth=gdp_growth,
        bank_assets=banks,
    )
    if as_json:
        _print_json({**res.to_dict(), "assumptions": list(res.assumptions)})
        return
    if res.rule is None:
        out.print(f"no rule of {', '.join(rules)} binds within {horizon} months", highlight=False)
    else:
        out.print(
            f"{res.rule} binds first: runoff ends {res.end_month} after {res.months_of_runoff} "
            f"months; total assets {res.terminal_assets:,.0f} bn, reserves "
            f"{res.terminal_reserves:,.0f} bn",
            highlight=False,
        )
    for line in res.assumptions:
        out.print(f"assumption: {line}", highlight=False)


@app.command("scorecard")
@_handle_errors
def scorecard_cmd(
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="Forecast YAML (default: every shipped file: qtlab's own at each vantage "
            "and the published ones).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Score on the data visible at this date.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """E1: forecasts against what the data say happened (forecast, realized, error)."""
    from qtlab.analyses.scorecard import (  # noqa: PLC0415 (lazy)
        load_forecasts,
        score,
        shipped_files,
    )
    from qtlab.store.dataset import Dataset  # noqa: PLC0415 (lazy: fast --help)

    table = score(load_forecasts(file), Dataset(as_of))
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    if as_json:
        _print_json({"file": file or ", ".join(shipped_files()), "forecasts": rows})
        return
    for r in rows:
        err = "" if r["error"] is None else f"  error {r['error']:+.2f}"
        out.print(
            f"{r['quantity']} ({r['units']}): forecast {r['forecast']}, realized "
            f"{r['realized']}{err}  [{r['source']}]",
            highlight=False,
        )
