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
    envelope,
    handle_errors,
    num,
    preset_name,
)
from qtlab.errors import quoted
from qtlab.schema import (
    DIMENSIONLESS,
    PER_MONTH,
    PERCENT,
    ROW_UNITS,
    USD_BN,
    USD_BN_PER_MONTH,
)

__all__ = ["sweep_cmd", "sweep_json"]

_FAN = ("mbs_paydowns", "reserves", "yield10", "mortgage_rate", "policy_rate")
_UNITS = {
    "mbs_paydowns": USD_BN_PER_MONTH,
    "reserves": USD_BN,
    "yield10": PERCENT,
    "mortgage_rate": PERCENT,
    "policy_rate": PERCENT,
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
    """The ``qtlab sweep --json`` payload (:func:`~qtlab.cli._common.envelope`): how the
    sweep ran (``options``: seed, paths, backend), the estimated rate model
    (``summary``), and the bands of every output by month (``rows``, each with its
    ``unit``)."""
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
            "month": str(m),
            "policy": str(p),
            "variable": str(v),
            "unit": _UNITS[str(v)],
            **{q: num(float(x)) for q, x in zip(qs, vals[i], strict=True)},
        }
        for i, (p, v, m) in enumerate(zip(b["policy"], b["variable"], b["month"], strict=True))
    ]
    rm = start.rate_model
    return envelope(
        as_of=ds.as_of,
        options={
            "paths": paths,
            "horizon_months": months,
            "seed": seed,
            "backend": backend,
            "scheduler": scheduler,
            "policy": list(policies or []),
            "chunk_size": chunk_size,
        },
        rows=rows,
        units={**dict.fromkeys(qs, ROW_UNITS), "kappa": PER_MONTH, "corr": DIMENSIONLESS},
        summary={
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
        },
        policies=list(res.policies),
        start=str(start.start),
        n_paths=res.n_paths,
    )


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
                for r in res["rows"]
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
                    [r["policy"], r["variable"], r["unit"], r["month"]]
                    + [r[q] for q in (*qs, "mean")]
                    for r in res["rows"]
                ],
            )
        ]
    head = (
        f"{res['n_paths']:,} paths, seed {res['options']['seed']}, "
        f"backend {res['options']['backend']}, "
        f"from {res['start']} ({', '.join(res['policies'])})"
    )
    emit("sweep", form, res, tabs, [head], out_file)


def _horizon_months(start: str, months: int) -> list[str]:
    import pandas as pd  # noqa: PLC0415

    s = pd.Period(start, freq="M")
    hs = [h for h in (12, 24, 36) if h <= months] or [months]
    return [str(s + h - 1) for h in hs]
