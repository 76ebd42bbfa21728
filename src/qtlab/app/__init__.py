"""The dashboard: explore runoff policies and browse every analysis in a browser.

``qtlab dashboard`` serves it (offline: Dash serves its own scripts, plotly.js
included). It needs the optional ``app`` extra (``pip install "qtlab[app]"``, which
installs Dash); nothing else in qtlab imports Dash.

- **Policy explorer**: a preset (qt1-2017, qt2-announced, qt2-realized, rmp-2025)
  whose regimes' caps, start months and bill-purchase pace can be edited and to which
  regimes can be added (user scenarios that cite no statement), the projection start
  (default F1's: the month after the latest data, the holdings carried forward under
  the realized policy), the horizon, and the MBS paydown source (realized, or the
  prepayment model with a mortgage-rate shock [bp]) run B1-B4, C2 and C3, the report's
  own analysis functions; an edited policy is drawn and tabled beside its preset. Bad
  input shows the library's error message in the page.
- **Analysis browser**: any registered analysis at a vantage date, rendered as in
  the report (figures, notes, data gaps, tables with units in their headers).

Every table is a sortable grid with a CSV download; the page's state is in its URL.
Results are cached in-process per (analysis, parameters, vantage date, language)
(:class:`~qtlab.app._compute.ResultCache`). The server answers each request on its
own thread, so a long computation (B3's calibration at the latest vantage takes a
few seconds) does not block the page's other callbacks; two requests for the same
result compute it once. This needs no extra services (Dash's background callbacks
would need a task queue); the cost is that a computation runs to its end even if
the page moves on.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from qtlab.errors import QtlabError
from qtlab.i18n import validate_lang

if TYPE_CHECKING:
    from dash import Dash

    from qtlab.app._compute import ResultCache

__all__ = ["MissingExtraError", "create_app", "require_dash", "serve"]

INSTALL_HINT = 'pip install "qtlab[app]"'


class MissingExtraError(QtlabError, ImportError):
    """An optional dependency of qtlab is not installed; the message names the extra."""


def require_dash() -> Any:
    """The ``dash`` module, or :class:`MissingExtraError` naming the ``app`` extra."""
    try:
        return importlib.import_module("dash")
    except ImportError as exc:
        raise MissingExtraError(
            f"the dashboard needs Dash, which is not installed ({exc}); install qtlab's "
            f"'app' extra: {INSTALL_HINT}"
        ) from exc


def create_app(
    lang: str = "en", as_of: str | None = None, *, cache: ResultCache | None = None
) -> Dash:
    """The Dash application: the page in ``lang`` with the vantage date ``as_of`` filled in.

    ``cache``: where results are kept (a new :class:`~qtlab.app._compute.ResultCache`
    by default). Raises :class:`MissingExtraError` without Dash, :class:`SpecError`
    for an unknown language and :class:`~qtlab.errors.DateRangeError` for a bad date.
    """
    dash = require_dash()
    from qtlab.app._callbacks import register_callbacks  # noqa: PLC0415
    from qtlab.app._compute import ResultCache, _vantage  # noqa: PLC0415 (needs Dash)
    from qtlab.app._layout import CSS, layout  # noqa: PLC0415

    lang = validate_lang(lang)
    vantage = _vantage(as_of)
    app: Dash = dash.Dash(
        "qtlab.app",
        title="qtlab",
        update_title=None,
        serve_locally=True,  # every script from this server: works offline
        external_scripts=[],
        external_stylesheets=[],
        include_assets_files=False,
        suppress_callback_exceptions=False,
    )
    app.index_string = app.index_string.replace("{%css%}", "{%css%}<style>" + CSS + "</style>")
    app.layout = layout(lang, vantage)
    register_callbacks(app, cache or ResultCache())
    return app


def serve(app: Dash, host: str = "127.0.0.1", port: int = 8050) -> Any:
    """A threaded WSGI server for ``app`` on ``host:port`` (call ``serve_forever()``).

    One thread per request, so a slow callback never holds up the others;
    ``shutdown()`` stops it.
    """
    from werkzeug.serving import make_server  # noqa: PLC0415 (installed with Dash)

    return make_server(host, port, app.server, threaded=True)
