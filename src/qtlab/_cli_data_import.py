"""``qtlab data import``: ingest a user ``date,value`` CSV of a glossary series into the store.

Exit status: 0 imported, 1 bad data (the file; nothing is written), 2 bad usage (an
unknown or non-importable series id, a bad option, a missing file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qtlab.cli import DataDirOpt, _handle_errors, console, data_app
from qtlab.errors import UnknownSeriesError

__all__ = ["data_import"]


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
    from qtlab.sources.user import read_series_csv  # noqa: PLC0415
    from qtlab.store.dataset import to_date  # noqa: PLC0415
    from qtlab.store.db import Store  # noqa: PLC0415

    try:
        vint = None if vintage is None else to_date(vintage, field="--vintage")
        item = read_series_csv(file, series_id, units_scale=scale, source=source, vintage=vint)
    except UnknownSeriesError as exc:  # the id argument is wrong: bad usage
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    with Store(data_dir) as store:
        report = store.ingest([item])
        where = store.path
    first, last = item.data["date"].min().date(), item.data["date"].max().date()
    console.print(
        f"[green]ok[/] {series_id}: {report.rows:,} observations {first} to {last} "
        f"[{item.meta.units[series_id]}], vintage {item.meta.vintage}, from {item.meta.file}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"store: {where}", highlight=False, soft_wrap=True)
