"""``qtlab data import``: ingest a user ``date,value`` CSV of a glossary series into the store.

Exit status: 0 imported, 1 bad data (the file; nothing is written), 2 bad usage (an
unknown or non-importable series id, a bad option, a missing file).
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from qtlab.cli import DataDirOpt, _handle_errors, console, data_app
from qtlab.errors import StoreError, UnknownSeriesError

__all__ = ["data_import", "write_failure"]


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


@data_app.command("import")
@_handle_errors
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
