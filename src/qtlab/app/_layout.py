"""The dashboard's page and callbacks.

Every callback is a plain function of its inputs (tested without a server) wired
to the page by :func:`register_callbacks`. Words come from the strings catalogue
(``locales/<lang>/app.yaml``; the report's keys for notes, gaps and row counts).
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Final, cast

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.dash_table.DataTable import DataTable
from dash.exceptions import PreventUpdate

from qtlab.analyses.result import registry
from qtlab.app._compute import (
    EDITABLE_FIELDS,
    EXPLORER_IDS,
    PAYDOWN_SOURCES,
    ExplorerSpec,
    ResultCache,
    explorer_spec,
    preset_rows,
    results,
)
from qtlab.app._render import FONT, error_box, result_section
from qtlab.errors import QtlabError
from qtlab.i18n import LANGS, has, t, validate_lang
from qtlab.policy import PRESET_NAMES

__all__ = [
    "DEFAULT_PRESET",
    "LABELS",
    "analysis_options",
    "browser_view",
    "explorer_section",
    "explorer_state",
    "labels",
    "layout",
    "page_lang",
    "preset_table",
    "register_callbacks",
]

_log = logging.getLogger("qtlab.app")

DEFAULT_PRESET: Final = "qt2-realized"
DEFAULT_MONTHS: Final = 48
#: Static words of the page: component id -> catalogue key (``children`` of the component).
LABELS: Final = {
    "app-title": "app.title",
    "lbl-lang": "app.language",
    "lbl-vantage": "app.vantage",
    "explorer-intro": "app.explorer.intro",
    "lbl-preset": "app.explorer.preset",
    "btn-reset": "app.explorer.reset",
    "lbl-regimes": "app.explorer.regimes",
    "lbl-start": "app.explorer.start",
    "lbl-months": "app.explorer.months",
    "lbl-paydowns": "app.explorer.paydowns",
    "lbl-shock": "app.explorer.shock",
    "lbl-analysis": "app.browser.pick",
    "browser-intro": "app.browser.intro",
    "app-footer": "app.footer",
}

CSS: Final = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  Arial, sans-serif; margin: 0 auto; max-width: 1280px; padding: 0 16px; color: #222; }
.qt-head { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: end; }
.qt-field { display: flex; flex-direction: column; gap: 4px; font-size: 14px; margin: 6px 0; }
.qt-controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
  gap: 8px 24px; }
.qt-error { background: #fde8e8; border: 1px solid #c0392b; color: #7b1d12; padding: 8px 12px;
  margin: 8px 0; white-space: pre-wrap; }
.qt-section { border-top: 1px solid #ddd; margin-top: 18px; }
.qt-caption, .qt-policy, footer { color: #666; font-size: 13px; }
"""


def labels(lang: str) -> list[str]:
    """The page's static words in ``lang``, in the order of :data:`LABELS`."""
    validate_lang(lang)
    return [t(key, lang) for key in LABELS.values()]


def _title(aid: str, lang: str) -> str:
    key = f"{aid.lower()}.title"
    return t(key, lang) if has(key, lang) else aid


def analysis_options(lang: str) -> list[dict[str, str]]:
    """Every registered analysis as a dropdown option: ``ID  title`` in ``lang``."""
    return [{"label": f"{s.id}  {_title(s.id, lang)}", "value": s.id} for s in registry()]


def _columns(lang: str) -> list[dict[str, Any]]:
    return [
        {"name": t(f"app.explorer.col.{f}", lang), "id": f, "editable": f != "name"}
        for f in ("name", *EDITABLE_FIELDS)
    ]


def preset_table(preset: str, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The regimes of ``preset`` as editable table rows, and the table's columns in ``lang``."""
    return preset_rows(preset), _columns(lang)


def explorer_state(
    preset: str,
    rows: list[dict[str, Any]] | None,
    start: str | None,
    months: Any,
    paydowns: str,
    shock: Any,
    as_of: str | None,
    lang: str,
) -> tuple[dict[str, Any] | None, Any]:
    """Validate the explorer's inputs: (the spec as JSON, the policy line) or (None, an error)."""
    lang = page_lang(lang)
    try:
        spec = explorer_spec(
            preset=preset,
            rows=rows,
            start=start,
            months=months,
            mbs_paydowns=paydowns,
            shock_bp=shock,
            as_of=as_of,
        )
    except QtlabError as exc:
        return None, error_box(str(exc), lang)
    line = html.P(t("app.explorer.policy", lang, policy=repr(spec.policy)), className="qt-policy")
    return spec.to_json(), line


def explorer_section(aid: str, spec: dict[str, Any] | None, lang: str, cache: ResultCache) -> Any:
    """Analysis ``aid`` (B1..B4) for the explorer's spec, or its error, as page content.

    ``spec`` comes back from the page, so it is validated again
    (:meth:`~qtlab.app._compute.ExplorerSpec.from_json`) before anything runs."""
    lang = page_lang(lang)
    if spec is None:
        return None
    try:
        sp = ExplorerSpec.from_json(spec)
        res = results(cache, aid, as_of=sp.as_of, lang=lang, options=sp.options(aid))
    except QtlabError as exc:
        return error_box(f"{aid}: {exc}", lang)
    return result_section(res, "x")


def browser_view(aid: str | None, as_of: str | None, lang: str, cache: ResultCache) -> Any:
    """Analysis ``aid`` with its default options at the vantage date, or the error."""
    lang = page_lang(lang)
    if not aid:
        return None
    try:
        res = results(cache, aid, as_of=as_of, lang=lang)
    except QtlabError as exc:
        return error_box(str(exc), lang)
    return result_section(res, "br")


def layout(lang: str, as_of: str | None) -> html.Div:
    """The page, in ``lang``, with the vantage date ``as_of`` filled in."""
    words = dict(zip(LABELS, labels(lang), strict=True))

    def w(label_id: str) -> html.Span:
        return html.Span(words[label_id], id=label_id)

    def field(label_id: str, control: Any) -> html.Label:
        return html.Label([w(label_id), control], className="qt-field")

    rows, columns = preset_table(DEFAULT_PRESET, lang)
    explorer = html.Div(
        [
            html.P(words["explorer-intro"], id="explorer-intro"),
            html.Div(
                [
                    field(
                        "lbl-preset",
                        dcc.Dropdown(
                            id="preset",
                            options=list(PRESET_NAMES),
                            value=DEFAULT_PRESET,
                            clearable=False,
                        ),
                    ),
                    field("lbl-start", dcc.Input(id="start", type="text", placeholder="YYYY-MM")),
                    field(
                        "lbl-months",
                        dcc.Input(id="months", type="number", value=DEFAULT_MONTHS, debounce=True),
                    ),
                    field(
                        "lbl-paydowns",
                        dcc.RadioItems(
                            id="paydowns",
                            options=[
                                {"label": t(f"app.explorer.paydown.{s}", lang), "value": s}
                                for s in PAYDOWN_SOURCES
                            ],
                            value="realized",
                            inline=True,
                        ),
                    ),
                    field(
                        "lbl-shock",
                        dcc.Input(id="shock", type="number", value=0, debounce=True, disabled=True),
                    ),
                ],
                className="qt-controls",
            ),
            html.H3(w("lbl-regimes")),
            DataTable(
                id="regimes",
                columns=cast(Any, columns),
                data=cast(Any, rows),
                editable=True,
                style_cell={"fontFamily": FONT, "fontSize": "13px", "textAlign": "left"},
                style_header={"fontWeight": "bold"},
            ),
            html.Button(words["btn-reset"], id="btn-reset", n_clicks=0),
            dcc.Store(id="explorer-spec"),
            html.Div(id="explorer-status"),
            *(
                dcc.Loading(html.Div(id=f"out-{aid.lower()}"), type="default")
                for aid in EXPLORER_IDS
            ),
        ]
    )
    browser = html.Div(
        [
            html.P(words["browser-intro"], id="browser-intro"),
            field(
                "lbl-analysis",
                dcc.Dropdown(
                    id="analysis-id",
                    options=analysis_options(lang),
                    value=None,
                ),
            ),
            dcc.Loading(html.Div(id="browser-out"), type="default"),
        ]
    )
    return html.Div(
        [
            html.H1(words["app-title"], id="app-title"),
            html.Div(
                [
                    field(
                        "lbl-lang",
                        dcc.RadioItems(
                            id="lang",
                            options=[{"label": x, "value": x} for x in LANGS],
                            value=lang,
                            inline=True,
                        ),
                    ),
                    field(
                        "lbl-vantage",
                        dcc.Input(
                            id="vantage",
                            type="text",
                            value=as_of or "",
                            placeholder=t("app.vantage_placeholder", lang),
                            debounce=True,
                        ),
                    ),
                ],
                className="qt-head",
            ),
            dcc.Tabs(
                id="tabs",
                value="explorer",
                children=[
                    dcc.Tab(
                        label=t("app.tab.explorer", lang),
                        value="explorer",
                        id="tab-explorer",
                        children=explorer,
                    ),
                    dcc.Tab(
                        label=t("app.tab.browser", lang),
                        value="browser",
                        id="tab-browser",
                        children=browser,
                    ),
                ],
            ),
            html.Footer(words["app-footer"], id="app-footer"),
        ]
    )


def page_lang(lang: Any) -> str:
    """The page's language: ``lang`` if qtlab speaks it, else English (the value comes
    from the page, so anything can be posted)."""
    return lang if isinstance(lang, str) and lang in LANGS else "en"


def _guarded(fn: Any, fallback: Any) -> Any:
    """``fn`` wired to the page: the library's errors are shown by ``fn`` itself; any other
    exception is logged with its traceback on the server and answered with ``fallback(exc)``
    (an error in the page, or no update), never an HTTP 500."""

    @functools.wraps(fn)
    def cb(*args: Any) -> Any:
        try:
            return fn(*args)
        except PreventUpdate:
            raise
        except Exception as exc:
            _log.exception("dashboard callback %s failed", getattr(fn, "__name__", fn))
            return fallback(exc)

    return cb


def _internal_error() -> Any:
    def box(exc: BaseException) -> Any:
        return error_box(t("app.internal_error", "en", kind=type(exc).__name__), "en")

    return box


def register_callbacks(app: Dash, cache: ResultCache) -> None:
    """Wire the page's callbacks to the plain functions above (each guarded:
    :func:`_guarded`)."""

    def no_update(n: int) -> Any:
        return lambda exc: [dash.no_update] * n

    app.callback(
        [Output(k, "children") for k in LABELS]
        + [
            Output("tab-explorer", "label"),
            Output("tab-browser", "label"),
            Output("vantage", "placeholder"),
            Output("paydowns", "options"),
            Output("analysis-id", "options"),
        ],
        Input("lang", "value"),
    )(_guarded(_on_lang, no_update(len(LABELS) + 5)))
    app.callback(
        Output("regimes", "data"),
        Output("regimes", "columns"),
        Input("preset", "value"),
        Input("btn-reset", "n_clicks"),
        State("lang", "value"),
    )(_guarded(_preset_table, no_update(2)))
    app.callback(
        Output("regimes", "columns", allow_duplicate=True),
        Input("lang", "value"),
        prevent_initial_call=True,
    )(_guarded(lambda lang: _columns(page_lang(lang)), lambda exc: dash.no_update))
    app.callback(
        Output("shock", "disabled"),
        Input("paydowns", "value"),
    )(_guarded(lambda paydowns: paydowns != "model", lambda exc: True))
    app.callback(
        Output("explorer-spec", "data"),
        Output("explorer-status", "children"),
        Input("regimes", "data"),
        Input("start", "value"),
        Input("months", "value"),
        Input("paydowns", "value"),
        Input("shock", "value"),
        Input("vantage", "value"),
        Input("lang", "value"),
        State("preset", "value"),
    )(
        _guarded(
            lambda rows, start, months, paydowns, shock, as_of, lang, preset: explorer_state(
                preset, rows, start, months, paydowns, shock, as_of, lang
            ),
            lambda exc: (None, _internal_error()(exc)),
        )
    )
    for aid in EXPLORER_IDS:
        app.callback(
            Output(f"out-{aid.lower()}", "children"),
            Input("explorer-spec", "data"),
            Input("lang", "value"),
        )(_guarded(_section_callback(aid, cache), _internal_error()))
    app.callback(
        Output("browser-out", "children"),
        Input("analysis-id", "value"),
        Input("vantage", "value"),
        Input("lang", "value"),
    )(_guarded(lambda aid, as_of, lang: browser_view(aid, as_of, lang, cache), _internal_error()))


def _preset_table(preset: Any, _n: Any, lang: Any) -> Any:
    """The regimes table of ``preset``; an unknown preset leaves the table as it is (the
    explorer's status shows the error)."""
    try:
        return preset_table(preset, page_lang(lang))
    except QtlabError:
        return dash.no_update, dash.no_update


def _on_lang(lang: str) -> list[Any]:
    lang = page_lang(lang)
    return [
        *labels(lang),
        t("app.tab.explorer", lang),
        t("app.tab.browser", lang),
        t("app.vantage_placeholder", lang),
        [{"label": t(f"app.explorer.paydown.{s}", lang), "value": s} for s in PAYDOWN_SOURCES],
        analysis_options(lang),
    ]


def _section_callback(aid: str, cache: ResultCache) -> Any:
    def cb(spec: dict[str, Any] | None, lang: str) -> Any:
        return explorer_section(aid, spec, lang, cache)

    cb.__name__ = f"explorer_{aid.lower()}"
    return cb
