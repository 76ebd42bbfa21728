"""The dashboard's callbacks: each a plain function of its inputs (tested without a
server), wired to the page of :mod:`qtlab.app._layout` by :func:`register_callbacks`.

The page's state lives in its URL (:mod:`qtlab.app._url`): read once when the page
loads (:func:`restore`), written back on every change, so a link opens the same page.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Final

import dash
from dash import Dash, Input, Output, State, callback_context
from dash.exceptions import PreventUpdate

from qtlab.app._compute import EXPLORER_IDS, PAYDOWN_SOURCES, ResultCache, preset_rows
from qtlab.app._layout import (
    DEFAULT_PRESET,
    LABELS,
    _columns,
    _paydown_options,
    analysis_options,
    browser_view,
    compare_view,
    explorer_section,
    explorer_state,
    labels,
    page_lang,
    preset_options,
)
from qtlab.app._policy_edit import MAX_ADDED, added_row, shown_rows, stored_row
from qtlab.app._render import error_box
from qtlab.app._url import from_search, rows_from_edits, to_search
from qtlab.i18n import LANGS, t
from qtlab.policy import PRESET_NAMES

__all__ = ["regime_rows", "register_callbacks", "restore"]

_log = logging.getLogger("qtlab.app")
#: The longest regimes table the page may hold: a preset's regimes and those added.
MAX_ROWS: Final = 10 + MAX_ADDED


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


def regime_rows(
    trigger: Any,
    preset: Any,
    rows: Any,
    changes: Any,
    lang: Any,
) -> Any:
    """The regimes table after what the user did (``trigger``, the id of the input that
        fired): a new preset or the reset button give the preset's rows (a preset restored
        from the URL keeps the rows restored with it), ``btn-add`` adds an empty user-scenario
        row, ``regimes`` applies the grid's cell edits (``changes``: its ``cellValueChanged``, rows
    as shown in ``lang``, read back into USD bn by :func:`~qtlab.app._policy_edit.stored_row`),
        ``lang`` puts the user scenarios' source in the new language."""
    lang = page_lang(lang)
    if not isinstance(preset, str) or preset not in PRESET_NAMES:
        raise PreventUpdate  # the explorer's status names the bad preset
    ok = isinstance(rows, list) and len(rows) <= MAX_ROWS
    rows = [r for r in rows if isinstance(r, dict)] if ok and rows else []
    if trigger == "btn-add":
        if len(rows) >= MAX_ROWS:
            raise PreventUpdate
        return [*rows, added_row(preset, lang)]
    if trigger == "regimes":
        for ch in changes if isinstance(changes, list) else []:
            i = ch.get("rowIndex") if isinstance(ch, dict) else None
            if isinstance(i, int) and 0 <= i < len(rows) and isinstance(ch.get("data"), dict):
                rows[i] = stored_row(rows[i], ch["data"], lang)  # back to USD bn
        return rows
    if trigger == "lang":  # the user scenarios' source in the new language
        user = {t("app.explorer.user_scenario", x) for x in LANGS}
        mine = t("app.explorer.user_scenario", lang)
        return [{**r, "source": mine} if r.get("source") in user else r for r in rows]
    if trigger == "preset" and rows and rows[0].get("preset") == preset:
        raise PreventUpdate
    return preset_rows(preset, lang)


def restore(search: Any, restored: Any, lang: Any) -> list[Any]:
    """The page's inputs from its URL (:func:`~qtlab.app._url.from_search`), once, when
    the page loads; a missing key keeps the page's default. Values are checked where
    they are used (a bad one shows the library's error)."""
    if restored:
        raise PreventUpdate
    q = from_search(search)
    lang_q = page_lang(q.get("lang", lang))
    preset = q.get("preset", DEFAULT_PRESET)
    preset = preset if preset in PRESET_NAMES else DEFAULT_PRESET
    rows = rows_from_edits(preset, q["edits"], lang_q) if "edits" in q else None
    keep = dash.no_update
    return [
        preset,
        rows if rows is not None else preset_rows(preset, lang_q),
        q.get("start", keep),
        q.get("months", keep),
        q["paydowns"] if q.get("paydowns") in PAYDOWN_SOURCES else keep,
        q.get("shock", keep),
        q.get("vantage", keep),
        lang_q,
        q["section"] if q.get("section") in ("explorer", "browser") else keep,
        q.get("compare", keep),
        q.get("analysis", keep),
        True,
    ]


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
            Output("regimes", "columnDefs"),
            Output("preset", "options"),
        ],
        Input("lang", "value"),
    )(_guarded(_on_lang, no_update(len(LABELS) + 7)))
    restored = [
        Output("preset", "value"),
        Output("regime-rows", "data", allow_duplicate=True),
        Output("start", "value"),
        Output("months", "value"),
        Output("paydowns", "value"),
        Output("shock", "value"),
        Output("vantage", "value"),
        Output("lang", "value"),
        Output("tabs", "value"),
        Output("compare-months", "value"),
        Output("analysis-id", "value"),
        Output("restored", "data"),
    ]
    app.callback(
        restored,
        Input("url", "search"),
        State("restored", "data"),
        State("lang", "value"),
        prevent_initial_call="initial_duplicate",
    )(_guarded(restore, no_update(len(restored))))
    app.callback(
        Output("regime-rows", "data"),
        Input("preset", "value"),
        Input("btn-reset", "n_clicks"),
        Input("btn-add", "n_clicks"),
        Input("regimes", "cellValueChanged"),
        Input("lang", "value"),
        State("regime-rows", "data"),
        prevent_initial_call=True,
    )(
        _guarded(
            lambda preset, _r, _a, changes, lang, rows: regime_rows(
                callback_context.triggered_id, preset, rows, changes, lang
            ),
            lambda exc: dash.no_update,
        )
    )
    app.callback(  # kept in USD bn, shown in the reader's money unit (亿美元 in Chinese)
        Output("regimes", "rowData"), Input("regime-rows", "data"), Input("lang", "value")
    )(_guarded(lambda rows, lang: shown_rows(rows, page_lang(lang)), lambda exc: dash.no_update))
    app.callback(
        Output("shock", "disabled"),
        Input("paydowns", "value"),
    )(_guarded(lambda paydowns: paydowns != "model", lambda exc: True))
    app.callback(
        Output("explorer-spec", "data"),
        Output("explorer-status", "children"),
        Input("regime-rows", "data"),
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
        Output("compare-out", "children"),
        Input("explorer-spec", "data"),
        Input("compare-months", "value"),
        Input("lang", "value"),
    )(_guarded(lambda spec, m, lang: compare_view(spec, m, lang, cache), _internal_error()))
    app.callback(
        Output("browser-out", "children"),
        Input("analysis-id", "value"),
        Input("vantage", "value"),
        Input("lang", "value"),
    )(_guarded(lambda aid, as_of, lang: browser_view(aid, as_of, lang, cache), _internal_error()))
    app.callback(
        Output("url-out", "search"),
        Input("tabs", "value"),
        Input("vantage", "value"),
        Input("preset", "value"),
        Input("regime-rows", "data"),
        Input("start", "value"),
        Input("months", "value"),
        Input("paydowns", "value"),
        Input("shock", "value"),
        Input("compare-months", "value"),
        Input("analysis-id", "value"),
        Input("lang", "value"),
        State("restored", "data"),
    )(_guarded(_url_search, lambda exc: dash.no_update))


def _url_search(
    section: Any,
    vantage: Any,
    preset: Any,
    rows: Any,
    start: Any,
    months: Any,
    paydowns: Any,
    shock: Any,
    compare: Any,
    analysis: Any,
    lang: Any,
    restored: Any,
) -> str:
    """The page's state as its URL's query (:func:`~qtlab.app._url.to_search`); nothing
    is written before the URL the page was opened with has been read."""
    if not restored:
        raise PreventUpdate
    return to_search(
        {
            "section": section,
            "vantage": vantage,
            "preset": preset,
            "rows": rows,
            "start": start,
            "months": months,
            "paydowns": paydowns,
            "shock": shock if paydowns == "model" else None,
            "compare": compare,
            "analysis": analysis if section == "browser" else None,
            "lang": lang,
        }
    )


def _on_lang(lang: str) -> list[Any]:
    lang = page_lang(lang)
    return [
        *labels(lang),
        t("app.tab.explorer", lang),
        t("app.tab.browser", lang),
        t("app.vantage_placeholder", lang),
        _paydown_options(lang),
        analysis_options(lang),
        _columns(lang),
        preset_options(lang),
    ]


def _section_callback(aid: str, cache: ResultCache) -> Any:
    def cb(spec: dict[str, Any] | None, lang: str) -> Any:
        return explorer_section(aid, spec, lang, cache)

    cb.__name__ = f"explorer_{aid.lower()}"
    return cb
