"""``qtlab dashboard``: serve the dashboard in a browser .

Dash is imported only when the command runs, so the rest of ``qtlab`` works without
the optional ``app`` extra.
"""

from __future__ import annotations

from typing import Annotated

import typer

from qtlab.cli._common import DataDirOpt, console, handle_errors

__all__ = ["dashboard"]


@handle_errors
def dashboard(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port)."),
    ] = 8050,
    lang: Annotated[str, typer.Option("--lang", help="Language of the page: en or zh.")] = "en",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Vantage date (YYYY-MM-DD) the page starts with."),
    ] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve the dashboard (policy explorer, analysis browser) until Ctrl-C; fully offline."""
    import logging  # noqa: PLC0415
    import os  # noqa: PLC0415

    from qtlab.store.paths import DATA_DIR_ENV  # noqa: PLC0415

    if data_dir is not None:  # the page's every Dataset reads the store from here
        os.environ[DATA_DIR_ENV] = str(data_dir)

    from qtlab.app import create_app, serve  # noqa: PLC0415 (Dash only when asked for)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = serve(create_app(lang, as_of), host, port)
    console.print(
        f"[green]qtlab dashboard[/] on http://{host}:{server.server_port}/ (Ctrl-C to stop)",
        highlight=False,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        server.server_close()
