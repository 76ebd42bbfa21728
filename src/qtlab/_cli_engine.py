"""CLI commands of the runoff engine: ``qtlab ladder``, ``qtlab project``, ``qtlab backtest``.

Registered from :mod:`qtlab.cli` (one import line). JSON goes to stdout with
stable keys, months as ``"YYYY-MM"`` and amounts in USD bn; an uncapped cap is
``null``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from qtlab._periods import to_month
from qtlab.cli import RuleOpt, _handle_errors, _print_json, app, out
from qtlab.errors import SpecError, quoted
from qtlab.policy import Policy, load_preset

if TYPE_CHECKING:
    from qtlab.engine import IssuanceMix, Projection

__all__ = ["backtest_cmd", "ladder_cmd", "project_cmd"]

PolicyOpt = Annotated[
    str,
    typer.Option(
        "--policy", help="Preset (qt1-2017, qt2-announced, qt2-realized, rmp-2025) or a YAML file."
    ),
]
StartOpt = Annotated[str, typer.Option("--start", help="First month, YYYY-MM.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--holdings-as-of",
        help="Use the holdings visible on this date (default: the day before --start).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
MortgageRateOpt = Annotated[
    str | None,
    typer.Option(
        "--mortgage-rate",
        help="With --mbs-paydowns model: realized (every rate in the data, flat after), flat "
        "(rates known at the holdings date, flat after) or a CSV file month,rate [%]. Default: "
        "flat for project, realized for backtest.",
    ),
]
MixOpt = Annotated[
    Path | None,
    typer.Option(
        "--issuance-mix",
        help="YAML file of the issuance mix rolled-over money and purchases go into (keys "
        "source, treasury_bill_share, bills, coupons: the form of IssuanceMix.to_dict). "
        "Default: the packaged mix, from the MSPD of 2022-01-31.",
        show_default=False,
    ),
]
#: What an issuance-mix file holds, for error messages.
_MIX_FORM = (
    "a YAML mapping with keys source, treasury_bill_share, bills [{weeks, share}] and "
    "coupons {mid, end: [{kind, months, day, share, label}]} (the form of "
    "qtlab.engine.default_issuance_mix().to_dict())"
)
ShockOpt = Annotated[
    float,
    typer.Option(
        "--shock-bp",
        help="With --mbs-paydowns model: parallel shift of the unknown mortgage rates [bp].",
    ),
]


def _policy(name: str, rmp_pace: float | None = None) -> Policy:
    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        pol = Policy.from_yaml(name)
        return pol if rmp_pace is None else pol.with_purchases(bills=rmp_pace)
    return load_preset(name, rmp_pace=rmp_pace)


def _issuance_mix(path: Path | None) -> IssuanceMix | None:
    """The mix read from ``path`` (``None``: the engine's default); a missing, unreadable
    or malformed file is a :class:`SpecError` naming the file and the expected form."""
    if path is None:
        return None
    from qtlab._yaml import read_yaml  # noqa: PLC0415
    from qtlab.engine import IssuanceMix  # noqa: PLC0415

    where = f"--issuance-mix {quoted(str(path))}"
    data = read_yaml(path, what="--issuance-mix", form=_MIX_FORM)
    if not isinstance(data, Mapping):
        raise SpecError(
            f"{where}: holds {type(data).__name__}, not a mapping; expected {_MIX_FORM}"
        )
    try:
        return IssuanceMix.from_dict(data)
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from exc


def _check_months(months: int) -> None:
    """``--months`` within the engine's horizon, checked before any data are read."""
    from qtlab.engine import MAX_MONTHS  # noqa: PLC0415

    if not 1 <= months <= MAX_MONTHS:
        raise SpecError(
            f"--months {months} is outside 1..{MAX_MONTHS}: the engine projects at most "
            f"{MAX_MONTHS} months (fifty years)"
        )


def _check_model_options(mbs_paydowns: str, mortgage_rate: str | None, shock_bp: float) -> None:
    """--mortgage-rate and --shock-bp drive the prepayment model only: refuse them (rather
    than ignore them) with any other --mbs-paydowns."""
    if mbs_paydowns == "model":
        return
    given = [f"--mortgage-rate {quoted(mortgage_rate)}"] if mortgage_rate is not None else []
    given += [f"--shock-bp {shock_bp:g}"] if shock_bp else []
    if given:
        raise SpecError(
            f"{' and '.join(given)} {'are' if len(given) > 1 else 'is'} for the prepayment "
            f"model only; runs with it need --mbs-paydowns model (got --mbs-paydowns "
            f"{quoted(mbs_paydowns)}), or leave it out"
        )


def _dataset(start: str, as_of: str | None) -> Any:
    from qtlab.store.dataset import Dataset  # noqa: PLC0415

    if as_of is not None:
        return Dataset(as_of)
    eve = to_month(start, field="--start").start_time.date() - timedelta(days=1)
    return Dataset(eve if eve <= date.today() else None)


def _num(x: float) -> float | None:
    """A JSON number [USD bn] rounded to 1e-6 bn; ``None`` for an uncapped (inf) value."""
    return None if math.isinf(x) or math.isnan(x) else round(float(x), 6)


def _month_rows(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    regime: bool = False,
    flags: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """One JSON object per month of ``frame``: ``month``, the ``keys`` as :func:`_num`
    numbers [USD bn], the ``flags`` columns as booleans and, with ``regime=True``, the
    regime in force (last)."""
    vals = frame.loc[:, list(keys)].to_numpy(float)
    rows: list[dict[str, Any]] = []
    for i, m in enumerate(frame.index):
        row: dict[str, Any] = {"month": str(m)}
        row.update((k, _num(float(v))) for k, v in zip(keys, vals[i], strict=True))
        row.update((k, bool(frame[k].iloc[i])) for k in flags)
        if regime:
            row["regime"] = str(frame["regime"].iloc[i])
        rows.append(row)
    return rows


def _table(title: str, df: pd.DataFrame) -> None:
    tb = Table(title=title)
    tb.add_column("month")
    for c in df.columns:
        tb.add_column(c, justify="right")
    for idx, row in df.iterrows():
        tb.add_row(
            str(idx),
            *(f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row.tolist()),
        )
    out.print(tb)


@app.command("ladder")
@_handle_errors
def ladder_cmd(
    policy: PolicyOpt,
    start: StartOpt,
    holdings_as_of: AsOfOpt = None,
    months: Annotated[int, typer.Option("--months", help="Months in the ladder.")] = 24,
    issuance_mix: MixOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """B1: Treasury maturities (bills, coupons) against the cap, month by month [USD bn]."""
    from qtlab.analyses._ladder import ladder  # noqa: PLC0415

    _check_months(months)
    mix = _issuance_mix(issuance_mix)
    frame, summ = ladder(
        _dataset(start, holdings_as_of), _policy(policy), start, months, issuance_mix=mix
    )
    if as_json:
        rows = _month_rows(frame, [c for c in frame.columns if c != "coupon_shortfall"])
        _print_json(
            {
                "policy": policy,
                "start": str(frame.index[0]),
                "months": rows,
                "summary": {
                    "maturing_24m": _num(summ["maturing_24m"]),
                    **{
                        k: _num(summ[k])
                        for k in (
                            "stock_maturing",
                            "stock_bills",
                            "flow_maturing",
                            "flow_bills",
                            "rolled_over",
                        )
                    },
                    "horizon_months": months,
                    "coupon_shortfall_months": summ["coupon_shortfall_months"],
                    "bill_runoff_first_12m": _num(summ["bill_runoff_first_12m"]),
                },
            }
        )
        return
    _table(f"Treasury maturities vs the cap under {policy} [USD bn]", frame)
    out.print(
        f"held at the start and maturing in {months} months: {summ['stock_maturing']:,.1f} bn; "
        "coupon shortfall months: "
        f"{', '.join(summ['coupon_shortfall_months']) or 'none'}; bill runoff over the first 12 "
        f"months of runoff: {summ['bill_runoff_first_12m']:,.1f} bn",
        highlight=False,
    )


_PROJECT_KEYS = (
    "bills",
    "coupons",
    "notes_bonds",
    "tips",
    "frn",
    "treasury",
    "tips_inflation_comp",
    "mbs",
    "agency",
    "cmbs",
    "coupon_redemptions",
    "bill_redemptions",
    "rolled_over",
    "mbs_paydowns",
    "mbs_reinvested",
    "agency_to_treasuries",
    "mbs_sales",
    "purchases",
    "total_securities",
    "treasury_cap",
    "agency_cap",
)


@app.command("project")
@_handle_errors
def project_cmd(
    policy: PolicyOpt,
    start: StartOpt,
    months: Annotated[int, typer.Option("--months", help="Months to project.")],
    holdings_as_of: AsOfOpt = None,
    mbs_paydowns: Annotated[
        str,
        typer.Option(
            "--mbs-paydowns",
            help="realized (weekly SOMA MBS balances), model (prepayment model) or a CSV "
            "file with columns month,paydowns [USD bn].",
        ),
    ] = "realized",
    mortgage_rate: MortgageRateOpt = None,
    shock_bp: ShockOpt = 0.0,
    rmp_pace: Annotated[
        float | None,
        typer.Option("--rmp-pace", help="Reserve-management bill purchases [USD bn/month]."),
    ] = None,
    rule: RuleOpt = None,
    issuance_mix: MixOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """B2/B4: the SOMA portfolio month by month under a policy [USD bn].

    With --rule (or a policy file with an endpoint) the liabilities are projected too and
    runoff stops in the month the first rule binds (C3), full reinvestment after.
    """
    from qtlab.analyses._engine_stop import project_with_endpoint  # noqa: PLC0415
    from qtlab.engine import LIABILITY_COLUMNS  # noqa: PLC0415

    _check_months(months)
    _check_model_options(mbs_paydowns, mortgage_rate, shock_bp)
    pol = _policy(policy, rmp_pace)
    mix = _issuance_mix(issuance_mix)
    mr = mortgage_rate or "flat"
    p, used = project_with_endpoint(
        _dataset(start, holdings_as_of),
        pol,
        start,
        months,
        rule or (),
        mbs_paydowns=mbs_paydowns,
        mortgage_rate=mr,
        shock_bp=shock_bp,
        issuance_mix=mix,
    )
    f = p.frame
    stop = _endpoint_summary(p, used)
    if as_json:
        keys = [*_PROJECT_KEYS, *(LIABILITY_COLUMNS if p.has_liabilities else ())]
        flags = ("endpoint",) if stop is not None else ()
        obj: dict[str, Any] = {
            "policy": pol.name,
            "start": str(f.index[0]),
            "mbs_paydowns": mbs_paydowns,
            "mortgage_rate": mr if mbs_paydowns == "model" else None,
            "shock_bp": shock_bp if mbs_paydowns == "model" else None,
        }
        if stop is not None:
            obj["endpoint"] = stop
        obj["months"] = _month_rows(f, keys, regime=True, flags=flags)
        _print_json(obj)
        return
    cols = [
        "bills",
        "coupons",
        "treasury",
        "mbs",
        "coupon_redemptions",
        "bill_redemptions",
        "rolled_over",
        "mbs_paydowns",
        "total_securities",
        "regime",
    ]
    if stop is not None:
        cols[-1:-1] = ["reserves"]
    _table(f"SOMA projection under {pol.name} [USD bn]", f[cols])
    if stop is not None:
        rules = ", ".join(stop["rules"])
        if stop["rule"] is None:
            out.print(f"no rule of {rules} binds within {months} months", highlight=False)
        else:
            out.print(
                f"{stop['rule']} binds first: runoff ends {stop['end_month']} after "
                f"{stop['months_of_runoff']} months ({stop['then']} from the month after); total "
                f"assets {stop['terminal_assets']:,.0f} bn, reserves "
                f"{stop['terminal_reserves']:,.0f} bn",
                highlight=False,
            )
        for line in stop["assumptions"]:
            out.print(f"assumption: {line}", highlight=False)


def _endpoint_summary(p: Projection, used: Sequence[str]) -> dict[str, Any] | None:
    """Where the engine stopped runoff (``qtlab endpoint --json``'s keys, plus the rules
    tested and the regime after), or ``None`` without an endpoint."""
    if p.policy.endpoint is None:
        return None
    e = p.endpoints().iloc[0]
    end = p.endpoint_month()
    return {
        "rules": [str(c) for c in p.policy.endpoint.rules],
        "rule": None if end is None else str(e["rule"]),
        "end_month": None if end is None else str(end),
        "months_of_runoff": None if end is None else int(e["months_of_runoff"]),
        "terminal_assets": None if end is None else _num(float(e["terminal_assets"])),
        "terminal_reserves": None if end is None else _num(float(e["terminal_reserves"])),
        "then": p.end_regime,
        "assumptions": list(used),
    }


@app.command("backtest")
@_handle_errors
def backtest_cmd(
    episode: Annotated[str, typer.Option("--episode", help="qt2 (security level) or qt1.")] = "qt2",
    mbs_paydowns: Annotated[
        str,
        typer.Option(
            "--mbs-paydowns",
            help="realized (weekly SOMA MBS balances), model (prepayment model on the MBS "
            "file of 2022-05-11) or a CSV file with columns month,paydowns [USD bn].",
        ),
    ] = "realized",
    mortgage_rate: MortgageRateOpt = None,
    shock_bp: ShockOpt = 0.0,
    issuance_mix: MixOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """E2: projected against realized SOMA holdings, month by month, with the errors."""
    from qtlab.analyses._runoff_data import backtest  # noqa: PLC0415

    _check_model_options(mbs_paydowns, mortgage_rate, shock_bp)
    mr = mortgage_rate or "realized"
    b = backtest(
        episode,
        mbs_paydowns=mbs_paydowns,
        mortgage_rate=mr,
        shock_bp=shock_bp,
        issuance_mix=_issuance_mix(issuance_mix),
    )
    fr = b.frame
    if as_json:
        _print_json(
            {
                "episode": b.episode,
                "mbs_paydowns": mbs_paydowns,
                "mortgage_rate": mr if mbs_paydowns == "model" else None,
                "shock_bp": shock_bp if mbs_paydowns == "model" else None,
                "convention": b.convention,
                "method": b.method,
                "months": [
                    {
                        "month": m,
                        "date": d,
                        "series": se,
                        "projected": _num(pv),
                        "realized": _num(rv),
                    }
                    for m, d, se, pv, rv in zip(
                        fr["month"].astype(str),
                        pd.DatetimeIndex(fr["date"]).strftime("%Y-%m-%d"),
                        fr["series"].astype(str),
                        fr["projected"].to_numpy(float).tolist(),
                        fr["realized"].to_numpy(float).tolist(),
                        strict=True,
                    )
                ],
                "errors": {
                    s: {k: (_num(v) if isinstance(v, float) else v) for k, v in e.items()}
                    for s, e in b.errors.items()
                },
                "start_check": {
                    str(k): {c: _num(float(v)) for c, v in row.items()}
                    for k, row in b.start_check.iterrows()
                },
            }
        )
        return
    tb = Table(title=f"Backtest {b.episode}: projected - realized")
    for c in ("series", "max |error| %", "mean |error| bn", "max |error| bn", "worst month"):
        tb.add_column(c, justify="left" if c == "series" else "right")
    for s, e in b.errors.items():
        tb.add_row(
            s,
            f"{e['max_abs_pct']:.2f}",
            f"{e['mean_abs_bn']:.1f}",
            f"{e['max_abs_bn']:.1f}",
            e["worst_month"],
        )
    out.print(tb)
    out.print(f"method: {b.method}\nconvention: {b.convention}", highlight=False)
    if b.episode == "qt2":
        e = b.errors
        targets = [
            ("treasury", e["treasury"]["max_abs_pct"] <= 0.5, "0.5%"),
            ("bills", e["bills"]["max_abs_bn"] <= 10, "10 bn"),
        ]
        if mbs_paydowns == "model":
            targets.append(("mbs", e["mbs"]["max_abs_pct"] <= 3, "3%"))
        for s, ok, target in targets:
            msg = "met" if ok else "MISSED"
            out.print(f"target {s} within {target}: {msg} (worst {e[s]['worst_month']})")
        miss = fr[(fr["series"] == "treasury") & (fr["error_pct"].abs() > 0.5)]
        for r in miss.itertuples():
            out.print(f"  treasury misses in {r.month}: {r.error:+.1f} bn ({r.error_pct:+.2f}%)")
        st = b.start_check
        by_kind = ", ".join(f"{k} {v:+.2f}%" for k, v in st["error_pct"].items())
        out.print(
            f"carried forward to {st.attrs['date']} (with {st.attrs['taper_purchases']:.1f} bn "
            f"of realized taper purchases), error by kind: {by_kind}; MBS differ by the "
            "reinvestment purchases that kept settling in June-September 2022",
            highlight=False,
        )
