"""The dashboard's page and the plain functions its callbacks call.

Every callback is a plain function of its inputs (tested without a server) wired
to the page by :func:`qtlab.app._callbacks.register_callbacks`. Words come from the
strings catalogue (``locales/<lang>/app.yaml``; the report's keys for notes, gaps and row counts).
"""

from __future__ import annotations

import json
from typing import Any, Final

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from qtlab.analyses.result import registry
from qtlab.app._compute import (
    EDITABLE_FIELDS,
    EXPLORER_IDS,
    PAYDOWN_SOURCES,
    ExplorerSpec,
    ResultCache,
    baseline_lines,
    explorer_result,
    explorer_spec,
    preset_rows,
    results,
)
from qtlab.app._explore import OVERLAY_IDS, compare_months, difference_table
from qtlab.app._policy_edit import POLICY_COLUMNS, policy_rows, shown_rows
from qtlab.app._render import data_table, error_box, result_section
from qtlab.errors import QtlabError
from qtlab.i18n import LANGS, has, t, validate_lang
from qtlab.policy import PRESET_NAMES, load_preset
from qtlab.present.labels import policy_label
from qtlab.present.localize import localized_table
from qtlab.runs.baseline import BASELINE_SECTIONS
from qtlab.runs.liabilities_fitted import FITTED

__all__ = [
    "DEFAULT_PRESET",
    "LABELS",
    "analysis_options",
    "browser_view",
    "compare_view",
    "explorer_section",
    "explorer_state",
    "labels",
    "layout",
    "page_lang",
    "policy_table",
    "preset_options",
    "preset_table",
]

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
    "btn-add": "app.explorer.add",
    "lbl-policy": "app.explorer.policy_table",
    "lbl-compare": "app.explorer.compare",
    "lbl-compare-months": "app.explorer.compare_months",
    "browser-intro": "app.browser.intro",
    "app-footer": "app.footer",
}

CSS: Final = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  Arial, sans-serif; margin: 0 auto; max-width: 1600px; padding: 0 12px; color: #222; }
h1 { font-size: 20px; margin: 6px 0; }
.qt-head { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: end; }
.qt-field { display: flex; flex-direction: column; gap: 2px; font-size: 13px; margin: 4px 0; }
.qt-explorer { display: grid; grid-template-columns: minmax(300px, 400px) minmax(0, 1fr);
  gap: 16px; align-items: start; }
.qt-side { font-size: 13px; }
.qt-side h3 { font-size: 14px; margin: 10px 0 4px; }
.qt-controls { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 12px; }
.qt-main .qt-section:first-child { border-top: none; margin-top: 0; }
.qt-main h2 { font-size: 17px; margin: 6px 0; }
.qt-table { margin: 4px 0 12px; }
.qt-csv-row { text-align: right; }
.qt-csv { font-size: 12px; margin-bottom: 2px; border: 1px solid #999; border-radius: 3px;
  padding: 1px 6px; color: #222; text-decoration: none; display: inline-block; }
.qt-error { background: #fde8e8; border: 1px solid #c0392b; color: #7b1d12; padding: 8px 12px;
  margin: 8px 0; white-space: pre-wrap; }
.qt-section { border-top: 1px solid #ddd; margin-top: 18px; }
.qt-caption, .qt-policy, footer { color: #666; font-size: 13px; }
.qt-baseline { background: #f6f7f9; border-left: 3px solid #8a94a6; padding: 2px 12px;
  margin: 8px 0 12px; font-size: 14px; }
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


def preset_options(lang: str) -> list[dict[str, str]]:
    """The policy presets as dropdown options: the label in ``lang``, the id as the value
    (what the URL and the callbacks keep)."""
    return [{"label": policy_label(n, lang), "value": n} for n in PRESET_NAMES]


def _regime_labels(lang: str) -> str:
    """A JavaScript lookup of every preset regime's label in ``lang``, keyed by its id."""
    ids = dict.fromkeys(r.name for n in PRESET_NAMES for r in load_preset(n).regimes)
    return json.dumps({r: policy_label(r, lang) for r in ids}, ensure_ascii=False)


def _columns(lang: str) -> list[dict[str, Any]]:
    """The regimes editor's columns in ``lang``: a preset regime's name (shown as its label,
    kept as its id) and source are read-only; an added regime's name may be typed."""
    cols: list[dict[str, Any]] = [
        {
            "field": "name",
            "headerName": t("app.explorer.col.name", lang),
            "editable": {"function": "params.data.added === true"},
            "valueFormatter": {
                "function": f"({_regime_labels(lang)})[params.value] || params.value"
            },
        }
    ]
    cols += [
        {"field": f, "headerName": t(f"app.explorer.col.{f}", lang), "editable": True}
        for f in EDITABLE_FIELDS
    ]
    cols.append({"field": "source", "headerName": t("app.explorer.col.source", lang)})
    return cols


def preset_table(preset: str, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The regimes of ``preset`` as editable table rows, and the table's columns in ``lang``."""
    return preset_rows(preset, lang), _columns(lang)


def policy_table(spec: ExplorerSpec, lang: str) -> html.Div:
    """The policy projected as a table (regime, start, caps, purchases, source), never a
    repr; headers in ``lang`` with units."""
    frame = pd.DataFrame(policy_rows(spec.policy, lang), columns=list(POLICY_COLUMNS))
    # regimes by their labels (an edited one "<regime> (from <month>)", a user's as typed)
    frame["regime"] = [policy_label(r, lang, strict=False) for r in frame["regime"]]
    frame = frame.rename(columns={c: t(f"app.explorer.col.{c}", lang) for c in POLICY_COLUMNS})
    return data_table(frame, "x-policy", t("app.explorer.policy_table", lang))


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
    """Validate the explorer's inputs: (the spec as JSON, the policy as a table) or
    (None, an error)."""
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
            lang=lang,
        )
    except QtlabError as exc:
        return None, error_box(str(exc), lang)
    return spec.to_json(), policy_table(spec, lang)


def _label(spec: ExplorerSpec, lang: str) -> str:
    """The preset's label in ``lang`` (its lines and column beside the edited policy's)."""
    return policy_label(spec.preset_policy.name, lang, strict=False)


def explorer_section(aid: str, spec: dict[str, Any] | None, lang: str, cache: ResultCache) -> Any:
    """Analysis ``aid`` (one of :data:`EXPLORER_IDS`) for the explorer's spec, or its error,
    as page content; when the policy is edited, the figures of B2, B4 and C2 draw the
    preset's lines too (dashed). C2 shows the report's Baseline block under its heading
    when its fitted scenario refers to the model parameters the block states.

    ``spec`` comes back from the page, so it is validated again
    (:meth:`~qtlab.app._compute.ExplorerSpec.from_json`) before anything runs."""
    lang = page_lang(lang)
    if spec is None:
        return None
    try:
        sp = ExplorerSpec.from_json(spec)
        res = explorer_result(cache, aid, sp, lang)
        other = None
        if sp.edited and aid in OVERLAY_IDS:
            other = explorer_result(cache, aid, sp, lang, preset=True)
        # C2's fitted scenario refers to the parameters the baseline states
        fitted = aid == "C2" and (res.table("c2_projection")["scenario"] == FITTED).any()
        lines = baseline_lines(cache, sp.as_of, lang) if fitted else []
    except QtlabError as exc:
        return error_box(f"{aid}: {exc}", lang)
    return result_section(res, "x", other, _label(sp, lang), baseline=lines)


def compare_view(spec: dict[str, Any] | None, months: Any, lang: str, cache: ResultCache) -> Any:
    """The edited scenario against its preset at the chosen months after the start
    (:func:`~qtlab.app._explore.difference_table`), or a line saying the policy is the
    preset's, or the error."""
    lang = page_lang(lang)
    if spec is None:
        return None
    try:
        sp = ExplorerSpec.from_json(spec)
        if not sp.edited:
            return html.P(t("app.explorer.compare_same", lang), className="qt-caption")
        chosen = compare_months(months, sp.months)
        ids = ("B4", "C2")
        mine = {a: explorer_result(cache, a, sp, lang) for a in ids}
        base = {a: explorer_result(cache, a, sp, lang, preset=True) for a in ids}
        edited = policy_label(sp.policy.name, lang, strict=False)
        frame = difference_table(mine, base, chosen, (edited, _label(sp, lang)), lang)
    except QtlabError as exc:
        return error_box(str(exc), lang)
    # in Chinese the amounts read in 亿美元 (x10), as every other table of the page
    return data_table(localized_table(frame, lang), "x-compare", t("app.explorer.compare", lang))


def browser_view(aid: str | None, as_of: str | None, lang: str, cache: ResultCache) -> Any:
    """Analysis ``aid`` with its default options at the vantage date, or the error. A
    section that runs from the one baseline (:data:`~qtlab.runs.baseline.BASELINE_SECTIONS`)
    shows the report's Baseline block under its heading: its notes refer to it."""
    lang = page_lang(lang)
    if not aid:
        return None
    try:
        res = results(cache, aid, as_of=as_of, lang=lang)
        lines = baseline_lines(cache, as_of, lang) if res.id in BASELINE_SECTIONS else []
    except QtlabError as exc:
        return error_box(str(exc), lang)
    return result_section(res, "br", baseline=lines)


def layout(lang: str, as_of: str | None) -> html.Div:
    """The page, in ``lang``, with the vantage date ``as_of`` filled in: the explorer's
    inputs in a column at the left, its charts at the right (above the fold on a laptop)."""
    words = dict(zip(LABELS, labels(lang), strict=True))

    def w(label_id: str) -> html.Span:
        return html.Span(words[label_id], id=label_id)

    def field(label_id: str, control: Any) -> html.Label:
        return html.Label([w(label_id), control], className="qt-field")

    rows, columns = preset_table(DEFAULT_PRESET, lang)
    side = html.Div(
        [
            html.P(words["explorer-intro"], id="explorer-intro", className="qt-caption"),
            field(
                "lbl-preset",
                dcc.Dropdown(
                    id="preset",
                    options=preset_options(lang),
                    value=DEFAULT_PRESET,
                    clearable=False,
                ),
            ),
            html.Div(
                [
                    field(
                        "lbl-start",
                        dcc.Input(id="start", type="text", placeholder="YYYY-MM", debounce=True),
                    ),
                    field(
                        "lbl-months",
                        dcc.Input(id="months", type="number", value=DEFAULT_MONTHS, debounce=True),
                    ),
                    field(
                        "lbl-paydowns",
                        dcc.RadioItems(
                            id="paydowns",
                            options=_paydown_options(lang),
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
            dag.AgGrid(
                id="regimes",
                rowData=shown_rows(rows, lang),
                columnDefs=columns,
                defaultColDef={
                    "sortable": False,
                    "resizable": True,
                    "minWidth": 80,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={
                    "domLayout": "autoHeight",
                    "singleClickEdit": True,
                    "rowHeight": 30,
                    "stopEditingWhenCellsLoseFocus": True,
                },
                columnSize="autoSize",
                style={"width": "100%"},
            ),
            html.Button(words["btn-add"], id="btn-add", n_clicks=0),
            html.Button(words["btn-reset"], id="btn-reset", n_clicks=0),
            dcc.Store(id="regime-rows", data=rows),
            dcc.Store(id="explorer-spec"),
            html.H3(w("lbl-policy")),
            html.Div(id="explorer-status"),
            html.H3(w("lbl-compare")),
            field(
                "lbl-compare-months",
                dcc.Input(id="compare-months", type="text", placeholder="6, 12, 24", debounce=True),
            ),
            dcc.Loading(html.Div(id="compare-out"), type="default"),
        ],
        className="qt-side",
    )
    main = html.Div(
        [dcc.Loading(html.Div(id=f"out-{aid.lower()}"), type="default") for aid in EXPLORER_IDS],
        className="qt-main",
    )
    explorer = html.Div([side, main], className="qt-explorer")
    browser = html.Div(
        [
            html.P(words["browser-intro"], id="browser-intro"),
            field(
                "lbl-analysis",
                dcc.Dropdown(id="analysis-id", options=analysis_options(lang), value=None),
            ),
            dcc.Loading(html.Div(id="browser-out"), type="default"),
        ]
    )
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Location(id="url-out", refresh=False),
            dcc.Store(id="restored", data=False),
            html.Div(
                [
                    html.H1(words["app-title"], id="app-title"),
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


def _paydown_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"app.explorer.paydown.{s}", lang), "value": s} for s in PAYDOWN_SOURCES]


def page_lang(lang: Any) -> str:
    """The page's language: ``lang`` if qtlab speaks it, else English (the value comes
    from the page, so anything can be posted)."""
    return lang if isinstance(lang, str) and lang in LANGS else "en"
