"""``qtlab sweep``: Monte-Carlo bands of MBS paydowns, reserves and the 10-year yield
."""

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
    handle_errors,
    num,
    preset_name,
)
from qtlab.errors import quoted

__all__ = ["sweep_cmd", "sweep_json"]

_FAN = ("mbs_paydowns", "reserves", "yield10", "mortgage_rate", "policy_rate")
_UNITS = {
    "mbs_paydowns": "USD bn per month",
    "reserves": "USD bn",
    "yield10": "%",
    "mortgage_rate": "%",
    "policy_rate": "%",
}


def sweep_json(
    *,
    paths: int = 1000,
    months: int = 36,
    seed: int = 0,
    backend: str = "local",
    scheduler: str | None = None,
    policies: list[str] | None = None,
    as_of: str | None = None,
    chunk_size: int = 500,
    data_dir: Any = None,
) -> dict[str, Any]:
    """The ``qtlab sweep --json`` object: how the sweep ran (seed, paths, backend), the
    estimated rate model, and the bands of every output by month [units per variable]."""
    # lazy imports keep `qtlab --help` fast
    from qtlab.errors import SpecError  # noqa: PLC0415
    from qtlab.runs.context import RunContext  # noqa: PLC0415
    from qtlab.runs.forward import MAX_MONTHS  # noqa: PLC0415
    from qtlab.runs.runoff import as_policy  # noqa: PLC0415
    from qtlab.runs.sweep import default_policy, forward_start  # noqa: PLC0415
    from qtlab.scenarios import (  # noqa: PLC0415
        check_backend,
        check_sweep_memory,
        rng,
        sweep,
    )

    # every option is checked before any data are read
    check_backend(backend)
    rng(seed)
    if not 1 <= months <= MAX_MONTHS:
        raise SpecError(f"--months {months} is outside 1..{MAX_MONTHS}")
    if paths < 1:
        raise SpecError(f"--paths {paths} must be >= 1")
    check_sweep_memory(paths, months, len(policies or [None]), chunk_size=chunk_size)
    if scheduler is not None and backend != "dask":
        raise SpecError(
            f"--scheduler {quoted(scheduler)} needs --backend dask (got {quoted(backend)})"
        )
    ds = RunContext(as_of, data_dir=data_dir)
    names = policies or [default_policy(ds)]
    pols = [as_policy(p, ds.as_of) for p in names]
    start = forward_start(ds, months=months, policy=pols[0])
    res = sweep(
        start, pols, paths, seed=seed, backend=backend, scheduler=scheduler, chunk_size=chunk_size
    )
    b = res.bands(list(_FAN))
    qs = ("q05", "q25", "q50", "q75", "q95", "mean")
    vals = b.loc[:, list(qs)].to_numpy(float)
    rows = [
        {
            "policy": str(p),
            "variable": str(v),
            "month": str(m),
            **{q: num(float(x)) for q, x in zip(qs, vals[i], strict=True)},
        }
        for i, (p, v, m) in enumerate(zip(b["policy"], b["variable"], b["month"], strict=True))
    ]
    rm = start.rate_model
    return {
        "as_of": ds.as_of.isoformat() if ds.as_of else None,
        "policies": list(res.policies),
        "start": str(start.start),
        "months": months,
        "n_paths": res.n_paths,
        "seed": res.seed,
        "backend": backend,
        "chunk_size": chunk_size,
        "units": _UNITS,
        "rate_model": {
            "sample": [str(x) for x in rm.sample] if rm.sample else None,
            "variables": {
                n: {
                    "kappa": float(rm.kappa[i]),
                    "sigma": float(rm.sigma[i]),
                    "change_std": float(rm.change_std[i]),
                }
                for i, n in enumerate(rm.names)
            },
            "corr": rm.corr.round(6).tolist(),
        },
        "bands": rows,
    }


@handle_errors(flags={"(n_paths=)": "(--paths)", "a smaller chunk_size=": "a smaller --chunk-size"})
def sweep_cmd(
    paths: Annotated[int, typer.Option("--paths", help="Monte-Carlo paths (scenarios).")] = 1000,
    months: Annotated[int, typer.Option("--months", help="Months to project.")] = 36,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (recorded).")] = 0,
    backend: Annotated[
        str, typer.Option("--backend", help="local (threads) or dask (dask.distributed).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://host:8786); default: a local in-process cluster.",
        ),
    ] = None,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy", help="Policy preset (repeat to sweep several); default: the one in force."
        ),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Vantage date (YYYY-MM-DD).")] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Scenarios per vectorized call (memory).")
    ] = 500,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """Monte-Carlo sweep: bands of MBS paydowns, reserves and the D2 10-year yield."""
    form = choose_format(fmt, as_json)

    policy = [preset_name(p) for p in policy] if policy else policy
    res = sweep_json(
        paths=paths,
        months=months,
        seed=seed,
        backend=backend,
        scheduler=scheduler,
        policies=policy,
        as_of=as_of,
        chunk_size=chunk_size,
        data_dir=data_dir,
    )
    horizons = {str(m) for m in _horizon_months(res["start"], months)}
    qs = ("q05", "q25", "q50", "q75", "q95")
    tabs = [
        Tab(
            f"{pol}: 5% / 25% / median / 75% / 95%",
            ("variable", "month", *qs),
            [
                [f"{r['variable']} [{_UNITS[r['variable']]}]", r["month"], *(r[q] for q in qs)]
                for r in res["bands"]
                if r["policy"] == pol and r["month"] in horizons
            ],
            default_digits=2,
            keys=2,
        )
        for pol in res["policies"]
    ]
    if form == "csv":  # every month, not only the horizons of the table
        tabs = [
            Tab(
                "bands",
                ("policy", "variable", "units", "month", *qs, "mean"),
                [
                    [r["policy"], r["variable"], _UNITS[r["variable"]], r["month"]]
                    + [r[q] for q in (*qs, "mean")]
                    for r in res["bands"]
                ],
            )
        ]
    head = (
        f"{res['n_paths']:,} paths, seed {res['seed']}, backend {res['backend']}, "
        f"from {res['start']} ({', '.join(res['policies'])})"
    )
    emit("sweep", form, res, tabs, [head], out_file)


def _horizon_months(start: str, months: int) -> list[str]:
    import pandas as pd  # noqa: PLC0415

    s = pd.Period(start, freq="M")
    hs = [h for h in (12, 24, 36) if h <= months] or [months]
    return [str(s + h - 1) for h in hs]
