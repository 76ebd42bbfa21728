"""CLI commands of the runoff engine: ``qtlab ladder``, ``qtlab project``, ``qtlab backtest``
and ``qtlab endpoint`` (when runoff has to stop).

JSON goes to stdout with stable keys, months as ``"YYYY-MM"`` and amounts in USD bn; an
uncapped cap is ``null``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    JsonOpt,
    OutOpt,
    RuleOpt,
    Tab,
    choice,
    choose_format,
    deprecated_alias,
    emit,
    envelope,
    frame_tab,
    handle_errors,
    is_policy_file,
    month_rows,
    num,
    preset_name,
)
from qtlab.cli.forward import INFLATION_HELP, SETTLEMENT_HELP
from qtlab.errors import SpecError, quoted
from qtlab.policy import Policy, load_preset, to_month
from qtlab.schema import PERCENT, USD_BN

if TYPE_CHECKING:
    from qtlab.engine import IssuanceMix, Projection

__all__ = ["backtest_cmd", "ladder_cmd", "project_cmd"]

PolicyOpt = Annotated[
    str,
    typer.Option(
        "--policy", help="Preset (qt1-2017, qt2-announced, qt2-realized, rmp-2025) or a YAML file."
    ),
]
StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start",
        help="First month, YYYY-MM. Default: with --as-of the month after it; else where F1 "
        "starts, the month after the latest data, the holdings carried forward to it under "
        "qt2-realized.",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Vantage date (YYYY-MM-DD): the holdings visible then (default: the day before "
        "--start).",
        show_default=False,
    ),
]
#: The old name of ``--as-of`` here, still accepted (hidden, deprecated).
OldAsOfOpt = Annotated[str | None, typer.Option("--holdings-as-of", hidden=True)]
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
        help="With --mbs-paydowns model: parallel shift of the unknown mortgage rates \\[bp].",
    ),
]


#: The library's names of the paydown options, as ``project`` and ``backtest`` spell them.
MODEL_FLAGS = {
    "mbs_paydowns='model'": "--mbs-paydowns model",
    "mbs_paydowns": "--mbs-paydowns",
    "mortgage_rate": "--mortgage-rate",
    "shock_bp": "--shock-bp",
}
#: ... and the other library names a ``project`` error can hold.
PROJECT_FLAGS = {
    **MODEL_FLAGS,
    "the Dataset's as_of= or start=": "--as-of (or --start)",
    "qtlab.runs.liabilities.endpoint(bank_assets=)": (
        "`qtlab endpoint --bank-assets LEVEL[:GROWTH]`"
    ),
    "(bills=, coupons=; load_preset's rmp_pace=)": "(--rmp-pace)",
    "inflation": "--inflation",
    "settlement_lag": "--settlement-lag",
}


def _policy(name: str, rmp_pace: float | None = None) -> Policy:
    if is_policy_file(name):
        pol = Policy.from_yaml(name)
        return pol if rmp_pace is None else pol.with_purchases(bills=rmp_pace)
    return load_preset(preset_name(name), rmp_pace=rmp_pace)


def _issuance_mix(path: Path | None) -> IssuanceMix | None:
    """The mix read from ``path`` (``None``: the engine's default); a missing, unreadable
    or malformed file is a :class:`SpecError` naming the file and the expected form."""
    if path is None:
        return None
    from qtlab.engine import IssuanceMix  # noqa: PLC0415
    from qtlab.sources.user import read_yaml  # noqa: PLC0415

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


def _dataset(start: str | None, as_of: str | None, data_dir: Path | None = None) -> Any:
    from qtlab.runs.context import RunContext  # noqa: PLC0415

    if as_of is not None or start is None:
        return RunContext(as_of, data_dir=data_dir)
    eve = to_month(start, field="--start").start_time.date() - timedelta(days=1)
    return RunContext(eve if eve <= date.today() else None, data_dir=data_dir)


def _vantage(ds: Any) -> str | None:
    return ds.as_of.isoformat() if getattr(ds, "as_of", None) else None


def _table(title: str, df: pd.DataFrame) -> Tab:
    return frame_tab(title, df, index="month")


@handle_errors
def ladder_cmd(
    policy: PolicyOpt,
    start: StartOpt = None,
    as_of: AsOfOpt = None,
    months: Annotated[int, typer.Option("--months", help="Months in the ladder.")] = 24,
    issuance_mix: MixOpt = None,
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
    holdings_as_of: OldAsOfOpt = None,
) -> None:
    """B1: Treasury maturities (bills, coupons) against the cap, month by month [USD bn]."""
    form = choose_format(fmt, as_json)
    as_of = deprecated_alias(as_of, holdings_as_of, "--as-of", "--holdings-as-of")
    _check_months(months)
    name = preset_name(policy)
    if start is not None:
        to_month(start, field="--start")
    mix = _issuance_mix(issuance_mix)
    from qtlab.runs.forward import run_start  # noqa: PLC0415
    from qtlab.runs.ladder import ladder  # noqa: PLC0415

    ds = _dataset(start, as_of, data_dir)
    first, pol = run_start(ds, _policy(name), start)
    frame, summ = ladder(ds, pol, first, months, issuance_mix=mix)
    payload = envelope(
        as_of=_vantage(ds),
        options={
            "policy": name,
            "start": str(frame.index[0]),
            "horizon_months": months,
            "issuance_mix": issuance_mix,
        },
        rows=month_rows(frame, list(frame.columns)),
        summary={
            "maturing_24m": num(summ["maturing_24m"]),
            **{
                k: num(summ[k])
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
            "bill_runoff_first_12m": num(summ["bill_runoff_first_12m"]),
        },
    )
    note = f"held at the start and maturing in {months} months: {summ['stock_maturing']:,.1f} bn; "
    if summ["runoff_months"]:
        note += (
            "coupon shortfall months: "
            f"{', '.join(summ['coupon_shortfall_months']) or 'none'}; bill runoff over the "
            f"first 12 months of runoff: {summ['bill_runoff_first_12m']:,.1f} bn"
        )
    else:
        note += "no runoff cap in the window: every maturing security is rolled over"
    tab = _table(f"Treasury maturities vs the cap under {name} [USD bn]", frame)
    emit("ladder", form, payload, [tab], [note], out_file)


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


@handle_errors(flags=PROJECT_FLAGS)
def project_cmd(
    policy: PolicyOpt,
    months: Annotated[int, typer.Option("--months", help="Months to project.")],
    start: StartOpt = None,
    as_of: AsOfOpt = None,
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
    inflation: Annotated[str, typer.Option("--inflation", help=INFLATION_HELP)] = "trailing",
    settlement_lag: Annotated[str, typer.Option("--settlement-lag", help=SETTLEMENT_HELP)] = "2",
    as_json: JsonOpt = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
    holdings_as_of: OldAsOfOpt = None,
) -> None:
    """B2/B4: the SOMA portfolio month by month under a policy [USD bn].

    With --rule (or a policy file with an endpoint) the liabilities are projected too and
    runoff stops in the month the first rule binds (C3), full reinvestment after.
    """
    form = choose_format(fmt, as_json)
    as_of = deprecated_alias(as_of, holdings_as_of, "--as-of", "--holdings-as-of")
    _check_months(months)
    _check_model_options(mbs_paydowns, mortgage_rate, shock_bp)
    if start is not None:
        to_month(start, field="--start")
    name = preset_name(policy)
    mix = _issuance_mix(issuance_mix)
    from qtlab.engine import LIABILITY_COLUMNS  # noqa: PLC0415
    from qtlab.runs.endpoint import project_with_endpoint  # noqa: PLC0415
    from qtlab.runs.forward import run_start  # noqa: PLC0415
    from qtlab.runs.options import inflation_option, settlement_option  # noqa: PLC0415

    infl = inflation_option(inflation)  # the edge: text to typed options, a file read once
    settle = settlement_option(settlement_lag)
    mr = mortgage_rate or "flat"
    ds = _dataset(start, as_of, data_dir)
    first, pol = run_start(ds, _policy(name, rmp_pace), start)
    p, used = project_with_endpoint(
        ds,
        pol,
        first,
        months,
        rule or (),
        mbs_paydowns=mbs_paydowns,
        mortgage_rate=mr,
        shock_bp=shock_bp,
        issuance_mix=mix,
        inflation=infl,
        settlement=settle,
    )
    f = p.frame
    stop = _endpoint_summary(p, used)
    keys = [*_PROJECT_KEYS, *(LIABILITY_COLUMNS if p.has_liabilities else ())]
    flags = ("endpoint",) if stop is not None else ()
    summary = (
        {} if stop is None else {"endpoint": {k: v for k, v in stop.items() if k != "assumptions"}}
    )
    obj = envelope(
        as_of=_vantage(ds),
        options={
            "policy": pol.name,
            "start": str(f.index[0]),
            "horizon_months": months,
            "mbs_paydowns": mbs_paydowns,
            "mortgage_rate": mr if mbs_paydowns == "model" else None,
            "shock_bp": shock_bp if mbs_paydowns == "model" else None,
            "rmp_pace": rmp_pace,
            "rule": list(rule or []),
            "issuance_mix": issuance_mix,
        },
        rows=month_rows(f, keys, regime=True, flags=flags),
        summary=summary,
        assumptions=[] if stop is None else stop["assumptions"],
    )
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
    notes: list[str] = []
    if stop is not None:
        rules = ", ".join(stop["rules"])
        if stop["rule"] is None:
            notes.append(f"no rule of {rules} binds within {months} months")
        else:
            notes.append(
                f"{stop['rule']} binds first: runoff ends {stop['end_month']} after "
                f"{stop['months_of_runoff']} months ({stop['then']} from the month after); total "
                f"assets {stop['terminal_assets']:,.0f} bn, reserves "
                f"{stop['terminal_reserves']:,.0f} bn"
            )
        notes += [f"assumption: {line}" for line in stop["assumptions"]]
    tab = _table(f"SOMA projection under {pol.name} [USD bn]", f[cols])
    emit("project", form, obj, [tab], notes, out_file)


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
        "terminal_assets": None if end is None else num(float(e["terminal_assets"])),
        "terminal_reserves": None if end is None else num(float(e["terminal_reserves"])),
        "then": p.end_regime,
        "assumptions": list(used),
    }


@handle_errors(flags=MODEL_FLAGS)
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
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """E2: projected against realized SOMA holdings, month by month, with the errors."""
    form = choose_format(fmt, as_json)
    episode = choice(episode, ("qt2", "qt1"), "--episode")
    _check_model_options(mbs_paydowns, mortgage_rate, shock_bp)
    mix = _issuance_mix(issuance_mix)
    from qtlab.runs.backtest import backtest  # noqa: PLC0415
    from qtlab.runs.context import RunContext  # noqa: PLC0415

    mr = mortgage_rate or "realized"
    b = backtest(
        episode,
        mbs_paydowns=mbs_paydowns,
        mortgage_rate=mr,
        shock_bp=shock_bp,
        ctx=None if data_dir is None else RunContext(None, data_dir=data_dir),
        issuance_mix=mix,
    )
    fr = b.frame
    payload = envelope(
        as_of=None,
        options={
            "episode": b.episode,
            "mbs_paydowns": mbs_paydowns,
            "mortgage_rate": mr if mbs_paydowns == "model" else None,
            "shock_bp": shock_bp if mbs_paydowns == "model" else None,
            "issuance_mix": issuance_mix,
        },
        rows=[
            {"month": m, "date": d, "series": se, "projected": num(pv), "realized": num(rv)}
            for m, d, se, pv, rv in zip(
                fr["month"].astype(str),
                pd.DatetimeIndex(fr["date"]).strftime("%Y-%m-%d"),
                fr["series"].astype(str),
                fr["projected"].to_numpy(float).tolist(),
                fr["realized"].to_numpy(float).tolist(),
                strict=True,
            )
        ],
        units={
            "max_abs_pct": PERCENT,
            "mean_abs_bn": USD_BN,
            "max_abs_bn": USD_BN,
            "error_pct": PERCENT,
        },
        summary={
            "errors": {
                s: {k: (num(v) if isinstance(v, float) else v) for k, v in e.items()}
                for s, e in b.errors.items()
            },
            "start_check": {
                str(k): {c: num(float(v)) for c, v in row.items()}
                for k, row in b.start_check.iterrows()
            },
        },
        assumptions=[b.method, b.convention],
    )
    tab = Tab(
        f"Backtest {b.episode}: projected - realized",
        ("series", "max |error| %", "mean |error| bn", "max |error| bn", "worst month"),
        [
            [s, e["max_abs_pct"], e["mean_abs_bn"], e["max_abs_bn"], e["worst_month"]]
            for s, e in b.errors.items()
        ],
        digits={"max |error| %": 2},
    )
    notes = [f"method: {b.method}", f"convention: {b.convention}"]
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
            notes.append(f"target {s} within {target}: {msg} (worst {e[s]['worst_month']})")
        miss = fr[(fr["series"] == "treasury") & (fr["error_pct"].abs() > 0.5)]
        for r in miss.itertuples():
            notes.append(f"  treasury misses in {r.month}: {r.error:+.1f} bn ({r.error_pct:+.2f}%)")
        st = b.start_check
        by_kind = ", ".join(f"{k} {v:+.2f}%" for k, v in st["error_pct"].items())
        notes.append(
            f"carried forward to {st.attrs['date']} (with {st.attrs['taper_purchases']:.1f} bn "
            f"of realized taper purchases), error by kind: {by_kind}; MBS differ by the "
            "reinvestment purchases that kept settling in June-September 2022"
        )
    emit("backtest", form, payload, [tab], notes, out_file)
