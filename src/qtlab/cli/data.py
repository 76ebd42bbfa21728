"""``qtlab data``: the data layer: ``status``, ``update`` (live fetch), ``build-snapshot``
and ``import`` (a user ``date,value`` CSV of a glossary series into the store).

Exit status of ``import``: 0 imported, 1 bad data (the file; nothing is written), 2 bad
usage (an unknown or non-importable series id, a bad option, a missing file).
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from qtlab.cli._common import (
    DataDirOpt,
    FormatOpt,
    OutOpt,
    Tab,
    choose_format,
    console,
    emit,
    envelope,
    handle_errors,
)
from qtlab.errors import StoreError, UnknownSeriesError
from qtlab.schema import DIMENSIONLESS, USD_BN

__all__ = [
    "data_app",
    "data_build_snapshot",
    "data_import",
    "data_status",
    "data_update",
    "write_failure",
]


data_app = typer.Typer(
    help="The data layer: status, live update, snapshot build.", no_args_is_help=True
)


def write_failure(exc: BaseException, directory: Path) -> str:
    """The message for a store write that failed for a reason outside qtlab (a full
    disk, no permission): what happened, that nothing was imported, and what to do."""
    text = " ".join(str(exc).split())[:300]
    full = getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in text.lower()
    what = "the disk is full (no space left on device)" if full else f"the write failed ({text})"
    return (
        f"cannot write the store in {directory}: {what}. Nothing was imported (the import is "
        "one transaction); free some space or pass --data-dir to use another directory"
    )


@handle_errors
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
    from qtlab.store.dataset import Dataset  # noqa: PLC0415
    from qtlab.store.status import status_report  # noqa: PLC0415

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
    payload = envelope(
        as_of=report["as_of"],
        options={},
        rows=report["series"],
        units={"rows": DIMENSIONLESS, "vintages": DIMENSIONLESS, "totals_bn": USD_BN},
        snapshot=report["snapshot"],
        holdings=report["holdings"],
        tables=report["tables"],
    )
    emit("data status", form, payload, [series, holdings, tables], out=out_file)


@handle_errors
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
    from qtlab.store.db import Store  # noqa: PLC0415
    from qtlab.store.update import UpdateOutcome, fetch_all, write_fetched  # noqa: PLC0415

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


@handle_errors(flags={"out": "--out", "src": "--from"})
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
    from qtlab.store.build import build_snapshot  # noqa: PLC0415
    from qtlab.store.paths import packaged_snapshot_dir  # noqa: PLC0415

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


@handle_errors(flags={"units_scale": "--scale"})
def data_import(
    series_id: Annotated[
        str, typer.Argument(help="Glossary series id to import, e.g. agency_mbs.outstanding.")
    ],
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with the header 'date,value' (ISO dates).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option("--source", help="What the data are, e.g. 'SIFMA US Agency MBS outstanding'."),
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option("--vintage", help="Publication date of the data (default: today)."),
    ] = None,
    scale: Annotated[
        float,
        typer.Option(
            "--scale", help="Factor to glossary units, e.g. 0.001 for USD millions to USD bn."
        ),
    ] = 1.0,
    data_dir: DataDirOpt = None,
) -> None:
    """Import a user CSV of a series no official loader fetches (one transaction).

    The file is checked line by line first; a bad file changes nothing.
    """
    import duckdb  # noqa: PLC0415

    from qtlab.sources.user import read_series_csv  # noqa: PLC0415
    from qtlab.store.dataset import to_date  # noqa: PLC0415
    from qtlab.store.db import Store  # noqa: PLC0415
    from qtlab.store.paths import data_dir as store_dir  # noqa: PLC0415

    try:
        vint = None if vintage is None else to_date(vintage, field="--vintage")
        item = read_series_csv(file, series_id, units_scale=scale, source=source, vintage=vint)
    except UnknownSeriesError as exc:  # the id argument is wrong: bad usage
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    try:
        with Store(data_dir) as store:
            report = store.ingest([item])
            where = store.path
    except StoreError:
        raise
    except (OSError, duckdb.Error) as exc:  # disk full, no permission: one clear message
        raise StoreError(write_failure(exc, store_dir(data_dir))) from exc
    first, last = item.data["date"].min().date(), item.data["date"].max().date()
    console.print(
        f"[green]ok[/] {series_id}: {report.rows:,} observations {first} to {last} "
        f"[{item.meta.units[series_id]}], vintage {item.meta.vintage}, from {item.meta.file}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"store: {where}", highlight=False, soft_wrap=True)


data_app.command("status")(data_status)
data_app.command("update")(data_update)
data_app.command("build-snapshot")(data_build_snapshot)
data_app.command("import")(data_import)
