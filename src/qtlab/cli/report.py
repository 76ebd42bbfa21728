"""``qtlab report``: the offline, bilingual HTML report ."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qtlab.cli._common import DataDirOpt, console, handle_errors

__all__ = ["report"]


@handle_errors(flags={"sections: unknown analysis": "--sections: unknown analysis", "out": "--out"})
def report(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory to write the report to (index.html, CSV, PNG).")
    ],
    lang: Annotated[str, typer.Option("--lang", help="Language: en or zh.")] = "en",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Vantage date (YYYY-MM-DD): use only data visible then."),
    ] = None,
    sections: Annotated[
        str | None,
        typer.Option("--sections", help="Comma-separated analysis ids (e.g. A1,A3); default all."),
    ] = None,
    png: Annotated[
        bool, typer.Option("--png/--no-png", help="Also export every figure as PNG.")
    ] = True,
    data_dir: DataDirOpt = None,
) -> None:
    """Write the report: every analysis with its figures, tables and notes, offline."""
    # lazy imports keep `qtlab --help` fast
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from qtlab.report import build_report  # noqa: PLC0415

    wanted = [s for s in (sections or "").split(",") if s.strip()] or None
    with Progress(
        TextColumn("[bold]report[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("starting ...", total=None)

        def progress(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        result = build_report(
            out_dir,
            lang=lang,
            as_of=as_of,
            sections=wanted,
            data_dir=data_dir,
            png=png,
            progress=progress,
        )
    console.print(
        f"[green]report written[/] to {result.index} ({len(result.sections)} sections: "
        f"{', '.join(result.sections)}; {len(result.tables)} CSV, {len(result.figures)} PNG; "
        f"{result.seconds:.1f} s)",
        highlight=False,
    )
