"""``qtlab forward``: F1, the balance sheet projected from the latest holdings."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    OutOpt,
    Tab,
    choose_format,
    emit,
    envelope,
    handle_errors,
    month_rows,
    num,
    preset_name,
)
from qtlab.errors import SpecError, quoted
from qtlab.schema import PERCENT, USD_BN

__all__ = ["forward", "forward_json"]

#: Columns of F1's paths left out of the JSON ``paths`` rows: no redemptions under the
#: regime in force, the currency block, and the regime (its own key).
_NOT_IN_JSON = ("treasury_redemptions", "currency_other", "regime")


def forward_json(
    as_of: str | None = None,
    months: int = 36,
    bill_purchases: float | None = None,
    alternatives: list[str] | None = None,
    mortgage_rate: str = "flat",
    shock_bp: float = 0.0,
    data_dir: Any = None,
    *,
    inflation: Any = "trailing",
    settlement_lag: Any = 2,
    reserve_target: str = "fomc-2025-12",
) -> dict[str, Any]:
    """The ``qtlab forward --json`` payload (:func:`~qtlab.cli._common.envelope`):
    amounts [USD bn], months ``YYYY-MM``.

    ``rows``: one per alternative and month (``month``, ``alternative``, the path's
    columns, the regime); ``summary``: per alternative, the rows 12/24/36 months ahead;
    then ``start``, ``anchor`` (the weekly SOMA summary checked against),
    ``holdings_files``, ``default``, ``start_check`` (per kind: carried_forward, weekly,
    gap [USD bn], gap_pct [%]) and ``alternatives`` (per name: its description).
    """
    # lazy imports keep `qtlab --help` fast
    from qtlab.runs.forward import (  # noqa: PLC0415
        PATH_COLUMNS,
        forward_projection,
    )

    cols = tuple(c for c in PATH_COLUMNS if c not in _NOT_IN_JSON)  # [USD bn]
    from qtlab.runs.context import RunContext  # noqa: PLC0415
    from qtlab.runs.options import (  # noqa: PLC0415
        inflation_option,
        reserve_target_option,
        settlement_option,
    )

    infl = inflation_option(inflation)  # the edge: text to typed options, files read once
    settle = settlement_option(settlement_lag)
    target = reserve_target_option(reserve_target)
    ds = RunContext(as_of, data_dir=data_dir)
    fw = forward_projection(
        ds,
        months=months,
        bill_purchases=bill_purchases,
        alternatives=list(alternatives or []),
        mortgage_rate=mortgage_rate,
        shock_bp=shock_bp,
        target=target,
        inflation=infl,
        settlement=settle,
    )
    summary = fw.summary()
    chk = fw.start_check
    alts: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    summ: dict[str, Any] = {}
    for n in fw.names:
        # no summary row under 12 months: the frame is empty, without columns
        s = summary.loc[summary["alternative"] == n] if len(summary) else summary
        rows += [
            {"month": r.pop("month"), "alternative": n, **r}
            for r in month_rows(fw.path(n), cols, regime=True)
        ]
        alts[n] = {"description": fw.descriptions[n].text("en")}
        summ[n] = [
            {
                "horizon_months": int(r["horizon"]),
                "month": str(r["month"]),
                **{
                    k: num(float(r[k]))
                    for k in ("total_securities", "bills", "mbs", "total_assets", "reserves")
                },
            }
            for _, r in s.iterrows()
        ]
    return envelope(
        as_of=ds.as_of,
        options={
            "horizon_months": months,
            "bill_purchases": bill_purchases,
            "alt": list(alternatives or []),
            "mortgage_rate": mortgage_rate,
            "shock_bp": shock_bp,
        },
        rows=rows,
        units={"carried_forward": USD_BN, "weekly": USD_BN, "gap": USD_BN, "gap_pct": PERCENT},
        summary=summ,
        assumptions=[a.text("en") for a in fw.assumptions],
        start=str(fw.start),
        anchor=str(fw.anchor.date()),
        holdings_files=dict(fw.holdings_files),
        default=fw.default,
        start_check={
            str(k): {
                "carried_forward": num(float(r["carried_forward"])),
                "weekly": num(float(r["weekly"])),
                "gap": num(float(r["gap"])),
                "gap_pct": num(float(r["gap_pct"])),
            }
            for k, r in chk.iterrows()
        },
        alternatives=alts,
    )


def _alternative(text: str) -> str:
    """An ``--alt`` as given if a pace [USD bn/month] or a file, else the preset it names
    (any case; a typo gets the closest name before any data are read)."""

    try:
        float(text)
    except ValueError:
        try:
            return preset_name(text, flag="--alt")
        except SpecError as exc:
            raise SpecError(
                f"unknown alternative {quoted(text)} (a pace [USD bn/month], a preset or a "
                f"policy YAML file): {exc}"
            ) from exc
    return text


#: The library's parameter names in ``forward`` errors, as the flags the user typed.
FORWARD_FLAGS = {
    "inflation": "--inflation",
    "settlement_lag": "--settlement-lag",
    "reserve_target": "--reserve-target",
}
#: Help of the flags ``project`` shares.
INFLATION_HELP = (
    "TIPS inflation past the data: trailing (its trailing 12 months fading to 2% a year "
    "over 24 months), a flat annual rate such as 2.5 [% a year], or a CSV (month,inflation)."
)
SETTLEMENT_HELP = "Months from MBS principal to the settlement of its reinvestment (0..6)."


@handle_errors(flags=FORWARD_FLAGS)
def forward(
    months: Annotated[
        int,
        typer.Option(
            "--months",
            help="Months projected after the latest data (weekly SOMA summary or H.4.1).",
        ),
    ] = 36,
    bill_purchases: Annotated[
        float | None,
        typer.Option(
            "--bill-purchases",
            help="Reserve-management bill purchases [USD bn/month] (default: the preset's, 40).",
            show_default=False,
        ),
    ] = None,
    alt: Annotated[
        list[str] | None,
        typer.Option(
            "--alt",
            help="An alternative: a pace [USD bn/month], a preset name or a policy YAML file "
            "(repeat for several).",
            show_default=False,
        ),
    ] = None,
    mortgage_rate: Annotated[
        str,
        typer.Option(
            "--mortgage-rate",
            help="After the realized paydowns: flat (last rate held) or a CSV (month,rate [%]).",
        ),
    ] = "flat",
    shock_bp: Annotated[
        float, typer.Option("--shock-bp", help="Mortgage-rate shift where not data \\[bp].")
    ] = 0.0,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Vantage date (YYYY-MM-DD): run from the data known then."),
    ] = None,
    inflation: Annotated[str, typer.Option("--inflation", help=INFLATION_HELP)] = "trailing",
    settlement_lag: Annotated[str, typer.Option("--settlement-lag", help=SETTLEMENT_HELP)] = "2",
    reserve_target: Annotated[
        str,
        typer.Option(
            "--reserve-target",
            help="Reserves the purchases hold: fomc-2025-12 (their level when runoff ended, "
            "growing with the non-reserve liabilities), a level [USD bn] or a GDP share (8%gdp).",
        ),
    ] = "fomc-2025-12",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """F1: the balance sheet from the latest holdings under the regime in force and
    alternatives [USD bn]."""
    from qtlab.runs.options import (  # noqa: PLC0415 (lazy: fast --help)
        inflation_option,
        reserve_target_option,
        settlement_option,
    )

    form = choose_format(fmt, as_json)
    alt = [_alternative(a) for a in alt] if alt else alt
    # parsed before any data are read: a bad value fails at once, naming its flag
    res = forward_json(
        as_of,
        months,
        bill_purchases,
        alt,
        mortgage_rate,
        shock_bp,
        data_dir,
        inflation=inflation_option(inflation),
        settlement_lag=settlement_option(settlement_lag),
        reserve_target=reserve_target_option(reserve_target),
    )
    check = Tab(
        f"Starting point: carried forward vs the weekly SOMA summary of {res['anchor']}",
        ("kind", "carried forward", "weekly", "gap", "gap [%]"),
        [
            [k, *(r[c] for c in ("carried_forward", "weekly", "gap", "gap_pct"))]
            for k, r in res["start_check"].items()
        ],
        default_digits=2,
    )
    cols = ("total_securities", "bills", "mbs", "total_assets", "reserves")
    proj = Tab(
        f"Projection from {res['start']} [USD bn]",
        ("alternative", "month", "securities", "bills", "MBS", "total assets", "reserves"),
        [
            [n, r["month"], *(r[k] for k in cols)]
            for n, summ in res["summary"].items()
            for r in summ
        ],
        default_digits=0,
        keys=2,
    )
    notes = [f"{n}: {a['description']}" for n, a in res["alternatives"].items()]
    notes += [f"- {line}" for line in res["assumptions"]]
    emit("forward", form, res, [check, proj], notes, out_file)
