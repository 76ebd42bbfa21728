"""The ``qtlab`` command.

Sub-commands call library functions only; anything they print is read from the
results. Errors qtlab raises on purpose print one clear message and exit with
status 1 (bad data or network) or 2 (bad usage).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from qtlab import __version__
from qtlab._cliout import FormatOpt, OutOpt, Tab, choose_format, emit
from qtlab.errors import DateRangeError, QtlabError, SpecError
from qtlab.schema import ENDPOINT_RULE_NAMES

__all__ = ["app"]

app = typer.Typer(
    name="qtlab",
    help="Project and explain central-bank balance-sheet runoff from official data.",
    no_args_is_help=True,
    add_completion=False,
)
data_app = typer.Typer(
    help="The data layer: status, live update, snapshot build.", no_args_is_help=True
)
app.add_typer(data_app, name="data")

console = Console(stderr=True)
out = Console()

F = TypeVar("F", bound=Callable[..., Any])

DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Store directory (default: $QTLAB_DATA_DIR or the user cache directory).",
        show_default=False,
    ),
]

#: ``--rule NAME=VALUE``, repeatable: endpoint rules (C3), the first to bind ends runoff.
RuleOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rule",
        help="NAME=VALUE, repeatable (first to bind ends runoff): "
        + ", ".join(ENDPOINT_RULE_NAMES)
        + ".",
        show_default=False,
    ),
]


def _handle_errors(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (SpecError, DateRangeError) as exc:
            console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(2) from exc
        except QtlabError as exc:
            console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def _print_json(obj: Any) -> None:
    """Write ``obj`` to stdout as the commands' JSON: indent 1, keys in insertion order,
    one trailing newline. Values JSON has no type for (dates, periods) are written as
    their ``str()``."""
    sys.stdout.write(json.dumps(obj, indent=1, default=str) + "\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"qtlab {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """qtlab: Fed balance-sheet runoff, reproducible from official data."""


@data_app.command("status")
@_handle_errors
def data_status(
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Show only what was visible on this date.")
    ] = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = None,
    out_file: OutOpt = None,
) -> None:
    """List every dataset qtlab holds (snapshot and store): dates, rows, vintages, totals."""
    from qtlab.store.dataset import Dataset
    from qtlab.store.status import status_report

    form = choose_format(fmt, as_json)
    report = status_report(Dataset(as_of, data_dir=data_dir))
    cols = ("id", "source", "units", "first", "last", "rows", "vintage")
    series = Tab(
        f"Series (as of {report['as_of'] or 'latest'})",
        cols,
        [[s[c] for c in cols] for s in report["series"]],
    )
    keys = ["bills", "notes_bonds", "tips", "frn", "mbs", "cmbs", "agency"]
    holdings = Tab(
        "SOMA holdings by CUSIP [USD bn]",
        ["as_of", "rows", *keys],
        [
            [r["as_of"], r["rows"], *(r["totals_bn"].get(k) for k in keys)]
            for r in report["holdings"]
        ],
    )
    tcols = ("dataset", "as_of", "rows", "vintage", "layer")
    tables = Tab("Tables", tcols, [[r[c] for c in tcols] for r in report["tables"]])
    emit("data status", form, {**report}, [series, holdings, tables], out=out_file)


@data_app.command("update")
@_handle_errors
def data_update(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="Source to refresh (repeatable): fred, nyfed, treasury, cbo, freddie, fomc, "
            "philly. Default: all.",
        ),
    ] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Fetch the latest data from the official endpoints into the local store.

    Each source is written in one transaction: a failure leaves it as it was.
    """
    from qtlab.store.db import Store
    from qtlab.store.update import UpdateOutcome, fetch_all, write_fetched

    # fetch with the store closed: other qtlab processes keep reading it meanwhile
    with console.status("fetching ...") as st:
        fetched = fetch_all(source, on_source=lambda n: st.update(f"fetching {n} ..."))
    if any(f.error is None for f in fetched):
        with Store(data_dir) as store:
            outcomes = write_fetched(store, fetched)
            where = f"store: {store.path}"
    else:  # nothing fetched: create no store
        outcomes = [UpdateOutcome(f.source, False, error=f.error) for f in fetched]
        where = "nothing was fetched; no store was created or changed"
    failed = 0
    for o in outcomes:
        if o.ok:
            console.print(
                f"[green]ok[/] {o.source}: {len(o.datasets)} "
                f"dataset{'' if len(o.datasets) == 1 else 's'}, {o.rows:,} rows"
            )
        else:
            failed += 1
            console.print(
                f"[red]failed[/] {o.source}: {o.error}\n  nothing was changed for {o.source}; "
                "the embedded snapshot and earlier vintages are intact.",
                highlight=False,
                soft_wrap=True,  # never break a URL
            )
    console.print(where, highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@data_app.command("build-snapshot")
@_handle_errors
def data_build_snapshot(
    src: Annotated[
        Path,
        typer.Option("--from", help="Directory of raw official files (e.g. data/raw)."),
    ],
    dest: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the snapshot (default: inside the package)."),
    ] = None,
    expect_committed: Annotated[
        bool,
        typer.Option(
            "--expect-committed/--no-expect-committed",
            help="Require every dataset to cover at least what the committed snapshot holds "
            "(turn off only when raw files were removed or renamed on purpose).",
        ),
    ] = True,
) -> None:
    """Build the embedded snapshot (Parquet + manifest.json) from raw official files."""
    from qtlab.store.build import build_snapshot
    from qtlab.store.paths import packaged_snapshot_dir

    target = dest or packaged_snapshot_dir()
    with console.status("reading raw files ...") as st:
        result = build_snapshot(
            src,
            target,
            progress=lambda d: st.update(f"reading {d}"),
            expect_committed=expect_committed,
        )
    m = result.manifest
    total = sum(e.rows for e in m.datasets)
    console.print(
        f"[green]snapshot written[/] to {result.out_dir}: {len(m.datasets)} datasets, "
        f"{total:,} rows; {sum(c.passed for c in m.checks)}/{len(m.checks)} reconciliations passed"
        f"; {sum(c.passed for c in result.coverage)}/{len(result.coverage)} datasets cover what "
        "is expected"
    )
    for c in m.checks:
        console.print(
            f"  [green]pass[/] {c.name} (max |diff| {c.max_abs_diff:.6g}; tol {c.tolerance})"
            if c.max_abs_diff is not None
            else f"  [green]pass[/] {c.name}",
            highlight=False,
        )
    if result.skipped:
        console.print("files not used: " + ", ".join(result.skipped), highlight=False)


# Commands of the analysis areas live in their own modules (``qtlab._cli_<area>``),
# which register themselves on ``app`` when imported.
def _register_area_commands() -> None:
    import importlib
    import pkgutil

    import qtlab

    for mod in pkgutil.iter_modules(qtlab.__path__):
        if mod.name.startswith("_cli_"):
            importlib.import_module(f"qtlab.{mod.name}")


_register_area_commands()
