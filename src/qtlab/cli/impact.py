"""CLI commands of the impact area: ``qtlab fit-yield`` (D2) and ``qtlab scorecard`` (E1).

JSON goes to stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    OutOpt,
    Tab,
    choice,
    choose_format,
    deprecated_alias,
    emit,
    envelope,
    frame_tab,
    handle_errors,
)
from qtlab.errors import SpecError, quoted
from qtlab.schema import DIMENSIONLESS, PERCENT, PERCENTAGE_POINTS, ROW_UNITS

if TYPE_CHECKING:
    pass

__all__ = ["fit_yield_cmd", "scorecard_cmd"]


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


#: fit-yield's library parameters and their flags
FIT_YIELD_FLAGS = {
    "indicator": "--indicator",
    "spec": "--spec",
    "recipe": "--recipe",
    "sep_statistic": "--sep-statistic",
}


def _check_choices(
    indicator: str, spec: str | None, recipe: str | None, statistic: str
) -> tuple[str, str | None, str | None, str]:
    """The named choices of fit-yield as packaged (any case), checked before any data
    are read (a typo fails at once, with the closest name, instead of after the data
    load)."""
    from qtlab.impact import INDICATORS  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.impact.paths import SEP_PATH_STATISTICS  # noqa: PLC0415
    from qtlab.impact.yield_family import CANDIDATES  # noqa: PLC0415
    from qtlab.runs.yield_recipes import RECIPES  # noqa: PLC0415
    from qtlab.runs.yield_spec import AUTO  # noqa: PLC0415

    return (
        choice(indicator, tuple(INDICATORS), "indicator"),
        None if spec is None else choice(spec, (AUTO, *CANDIDATES), "spec"),
        None if recipe is None else choice(recipe, tuple(RECIPES), "recipe"),
        choice(statistic, tuple(SEP_PATH_STATISTICS), "sep_statistic"),
    )


@handle_errors(flags=FIT_YIELD_FLAGS)
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
    months: Annotated[
        int | None,
        typer.Option(
            "--months", help="Forecast months (default: to the SEP's last December).", min=1
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
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
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
    horizon: Annotated[int | None, typer.Option("--horizon", hidden=True, min=1)] = None,
) -> None:
    """D2: fit the 10-year yield on reserve scarcity and the policy rate; forecast it.

    The forecast runs along the projected indicator and the SEP path, with 95%
    prediction intervals.
    """
    form = choose_format(fmt, as_json)
    horizon = deprecated_alias(months, horizon, "--months", "--horizon")
    indicator, spec, recipe, sep_statistic = _check_choices(indicator, spec, recipe, sep_statistic)
    parsed = _sample(sample)
    if recipe is not None and parsed[0] is not None:
        raise SpecError(
            f"--sample {sample!r}: a recipe fixes its first month; give only :END "
            "(YYYY-MM or vantage) to move its sample end"
        )
    from qtlab.runs.context import RunContext  # noqa: PLC0415 (lazy: fast --help)
    from qtlab.runs.yield_forecast import chosen_forecasts  # noqa: PLC0415 (lazy: fast --help)

    ds = RunContext(as_of, data_dir=data_dir)
    if recipe is not None:
        _recipe_out(ds, recipe, parsed[1], form, out_file)
        return
    made = chosen_forecasts(
        ds,
        (indicator,),
        spec=spec,
        sample=parsed,
        sep=sep,
        horizon=horizon,
        path_months=120 if horizon is None else horizon,
        sep_statistic=sep_statistic,  # type: ignore[arg-type]  # checked by sep_path
    )
    choice, yf = made.choice, made.forecasts[indicator]
    rmse = choice.summaries[indicator]["rmse"]
    oos = {k: float(v) for k, v in rmse.items()}
    used = {
        "spec": None if choice.mode == "sample" else choice.spec.name,
        "mode": choice.mode,
        "out_of_sample_rmse": oos,
        "out_of_sample_origins": "{}:{}".format(*choice.summaries[indicator].attrs["origins"]),
    }
    d = yf.to_dict()
    payload = envelope(
        as_of=ds.as_of,
        options={
            "indicator": indicator,
            "sample": sample,
            "sep": sep,
            "sep_statistic": sep_statistic,
            "spec": spec,
            "horizon_months": horizon,
        },
        rows=d.pop("forecast"),  # type: ignore[arg-type]  # list of month rows
        units={
            "mean": PERCENT,
            "lower": PERCENT,
            "upper": PERCENT,
            "r2": DIMENSIONLESS,
            "resid_ar1": DIMENSIONLESS,
            "out_of_sample_rmse": PERCENTAGE_POINTS,
        },
        assumptions=d.pop("assumptions"),  # type: ignore[arg-type]  # sentences
        summary={**d, **used},
    )
    notes = [f"specification {used['spec']} ({choice.mode})"] if used["spec"] is not None else []
    notes.append(
        f"12-month-ahead out-of-sample RMSE (pp), origins {used['out_of_sample_origins']}: "
        + ", ".join(f"{k} {v:.2f}" for k, v in oos.items())
    )
    notes.append(yf.fit.summary())
    pk = yf.peak
    notes.append(
        f"peak {pk['month']}: {pk['mean']:.2f}% (95% interval {pk['lower']:.2f}-{pk['upper']:.2f}%)"
    )
    notes.append(f"policy path: {yf.policy_source.text()}")
    notes += [f"assumption: {a.text()}" for a in yf.assumptions]
    tab = Tab(
        f"10-year yield forecast [%] ({indicator}, 95% interval)",
        ("month", "mean", "lower", "upper"),
        [[r["month"], r["mean"], r["lower"], r["upper"]] for r in payload["rows"]],
        default_digits=2,
    )
    emit("fit-yield", form, payload, [tab], notes, out_file)


def _recipe_out(ds: object, name: str, end: str | None, form: str, out_file: Path | None) -> None:
    from qtlab.runs.yield_recipes import run_recipe  # noqa: PLC0415 (lazy: fast --help)

    rr = run_recipe(ds, name, sample_end=end)  # type: ignore[arg-type]
    notes = [f"recipe {name}: {rr.recipe.published.source}"]
    notes += [f.summary() for f in rr.fits.values()]
    notes.append(f"policy path: {rr.policy_source.text()}")
    tab = frame_tab(f"recipe {name}: published and qtlab", rr.comparison, default_digits=4)
    d = rr.to_dict()
    rows = [
        {
            **r,  # the comparison's records
            "unit": DIMENSIONLESS
            if r["quantity"] == "r2"
            else (None if "month" in str(r["quantity"]) else PERCENT),
        }
        for r in d.pop("comparison")  # type: ignore[attr-defined]
    ]
    payload = envelope(
        as_of=getattr(ds, "as_of", None),
        options={"recipe": name, "sample": None if end is None else f":{end}"},
        rows=rows,
        units=dict.fromkeys(("published", "qtlab", "realized"), ROW_UNITS),
        summary={"fits": d.pop("fits")},
        assumptions=[f"policy path: {d.pop('policy_path')}"],
        **d,
    )
    emit("fit-yield", form, payload, [tab], notes, out_file)


@handle_errors
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
        str | None,
        typer.Option(
            "--as-of", help="Score the forecasts made by this date on the data visible then."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """E1: forecasts against what the data say happened (forecast, realized, error)."""
    form = choose_format(fmt, as_json)
    from qtlab.analyses.scorecard import (  # noqa: PLC0415 (lazy)
        load_forecasts,
        made_by,
        score,
        shipped_files,
    )
    from qtlab.runs.context import RunContext  # noqa: PLC0415 (lazy: fast --help)

    ds = RunContext(as_of, data_dir=data_dir)
    table = score(made_by(load_forecasts(file), ds.as_of), ds)  # none made after --as-of
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    rows = [{str(k): v for k, v in r.items()} for r in records]
    payload = envelope(
        as_of=ds.as_of,
        options={"file": file},
        rows=rows,
        units=dict.fromkeys(("forecast", "realized", "error"), ROW_UNITS),
        files=shipped_files() if file is None else [file],
    )
    tab = frame_tab("Forecasts against what happened", table, default_digits=2)
    emit("scorecard", form, payload, [tab], [], out_file)
