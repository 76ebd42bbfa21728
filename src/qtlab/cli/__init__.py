"""The ``qtlab`` command.

Sub-commands call library functions only; anything they print is read from the
results. Errors qtlab raises on purpose print one clear message and exit with
status 1 (bad data or network) or 2 (bad usage) (:mod:`qtlab.cli._common`).

Each area's commands live in their own module and are registered here, by name:
``data`` (status, update, build-snapshot, import), ``dashboard``, ``runoff`` (ladder,
project, backtest), ``endpoint``, ``forward``, ``impact`` (fit-yield, scorecard),
``prepay``, ``report``, ``scenarios`` (sweep), ``show`` (list, show). The modules import
heavy libraries inside the commands, so ``qtlab --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from qtlab import __version__
from qtlab.cli import (
    dashboard,
    data,
    endpoint,
    forward,
    impact,
    prepay,
    report,
    runoff,
    scenarios,
    show,
)
from qtlab.cli._common import out

__all__ = ["app"]

app = typer.Typer(
    name="qtlab",
    help="Project and explain central-bank balance-sheet runoff from official data.",
    no_args_is_help=True,
    add_completion=False,
)


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


# the order of `qtlab --help`
app.add_typer(data.data_app, name="data")
app.command("dashboard")(dashboard.dashboard)
app.command("ladder")(runoff.ladder_cmd)
app.command("project")(runoff.project_cmd)
app.command("backtest")(runoff.backtest_cmd)
app.command("forward")(forward.forward)
app.command("fit-yield")(impact.fit_yield_cmd)
app.command("endpoint")(endpoint.endpoint_cmd)
app.command("scorecard")(impact.scorecard_cmd)
app.command("prepay")(prepay.prepay)
app.command("report")(report.report)
app.command("sweep")(scenarios.sweep_cmd)
app.command("list")(show.list_cmd)
app.command("show")(show.show_cmd)
