"""``qtlab prepay``: projected SOMA MBS paydowns against the cap ."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    OutOpt,
    choose_format,
    closest,
    emit,
    envelope,
    frame_tab,
    handle_errors,
    month_rows,
    num,
)
from qtlab.schema import USD_BN_PER_MONTH

__all__ = ["prepay", "prepay_json"]


def prepay_json(
    as_of: str | None,
    months: int = 24,
    shock_bp: float = 0.0,
    params: str | None = None,
    mortgage_rate: str = "flat",
    data_dir: Any = None,
) -> dict[str, Any]:
    """The ``qtlab prepay --json`` payload (:func:`~qtlab.cli._common.envelope`)
    [USD bn per month].

    ``rows`` use the mortgage-rate path shifted by ``shock_bp``;
    ``avg_paydowns_minus_100bp`` is the average with that path 100 bp lower. ``params``:
    default the set known at the vantage (the latest fitted on data published by then).
    """
    # lazy imports keep `qtlab --help` fast
    from qtlab.prepay import known_param_set  # noqa: PLC0415
    from qtlab.runs.context import RunContext  # noqa: PLC0415
    from qtlab.runs.mbs_projection import paydown_projection  # noqa: PLC0415

    ds = RunContext(as_of, data_dir=data_dir)
    params = params or known_param_set(ds.as_of)
    proj = paydown_projection(
        ds,
        months=months,
        shocks_bp=(float(shock_bp), float(shock_bp) - 100.0),
        params=params,
        mortgage_rate=mortgage_rate,
    )
    lower = proj.filter(like="paydowns_").iloc[:, 0]
    short = proj.loc[proj["mbs_cap"].notna() & (proj["paydowns"] < proj["mbs_cap"])]
    return envelope(
        as_of=ds.as_of,
        options={
            "horizon_months": months,
            "shock_bp": shock_bp,
            "params": params,
            "mortgage_rate": mortgage_rate,
        },
        rows=month_rows(proj, ("scheduled", "prepaid", "paydowns", "mbs_cap", "shortfall")),
        units={"avg_paydowns": USD_BN_PER_MONTH, "avg_paydowns_minus_100bp": USD_BN_PER_MONTH},
        summary={
            "avg_paydowns": num(float(proj["paydowns"].mean())),
            "first_shortfall_month": str(short.index[0]) if len(short) else None,
            "avg_paydowns_minus_100bp": num(float(lower.mean())),
        },
        holdings_file=proj.attrs["holdings_file"],
    )


def _param_set(name: str) -> str:
    """The packaged parameter set ``name`` stands for (any case), checked before any data
    are read; a :class:`SpecError` with the closest valid name otherwise."""
    from qtlab.errors import SpecError, one_of, quoted  # noqa: PLC0415
    from qtlab.prepay.params import param_set_names  # noqa: PLC0415

    valid = param_set_names()
    for v in valid:
        if v.lower() == name.strip().lower():
            return v
    hint = closest(name, valid)
    raise SpecError(
        f"--params {quoted(name)} is not a parameter set; valid: {one_of(valid)}"
        + (f" (did you mean {quoted(hint)}?)" if hint else "")
    )


@handle_errors
def prepay(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Vantage date (YYYY-MM-DD): holdings and rates known then."),
    ] = None,
    months: Annotated[int, typer.Option("--months", help="Months to project.")] = 24,
    shock_bp: Annotated[
        float,
        typer.Option("--shock-bp", help="Parallel mortgage-rate shock after the vantage \\[bp]."),
    ] = 0.0,
    params: Annotated[
        str | None,
        typer.Option(
            "--params",
            help="Prepayment parameter set: prior, qt1-fit, qt2-fit, outlook-2022-implied "
            "(default: the latest fitted on data published by the vantage date).",
        ),
    ] = None,
    mortgage_rate: Annotated[
        str,
        typer.Option(
            "--mortgage-rate", help="Rate path: flat, realized, or a CSV file (month,rate [%])."
        ),
    ] = "flat",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """Project SOMA MBS paydowns (scheduled + prepaid) against the monthly cap [USD bn]."""
    form = choose_format(fmt, as_json)
    if params is not None:
        params = _param_set(params)
    res = prepay_json(as_of, months, shock_bp, params, mortgage_rate, data_dir)
    import pandas as pd  # noqa: PLC0415

    tab = frame_tab(
        f"SOMA MBS paydowns [USD bn] (holdings {res['holdings_file']})",
        pd.DataFrame(res["rows"]),
        default_digits=2,
    )
    s = res["summary"]
    note = (
        f"average paydowns {s['avg_paydowns']:.2f} bn/month; 100 bp lower rates: "
        f"{s['avg_paydowns_minus_100bp']:.2f}; first month short of the cap: "
        f"{s['first_shortfall_month'] or 'none'}"
    )
    emit("prepay", form, res, [tab], [note], out_file)
