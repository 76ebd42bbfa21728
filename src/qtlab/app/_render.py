"""An :class:`~qtlab.analyses.AnalysisResult` as Dash components, the way the report shows it.

Figures get the report's fonts and plotly config (:func:`qtlab.report.build.cjk_font`,
:data:`qtlab.report.html.PLOTLY_CONFIG`); tables the report's cell formatting
(:func:`qtlab.report.html.formatted_table`), with units in the column headers as the
analyses name them; gaps the report's rule (:func:`qtlab.report.build.gap_text`).
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.dash_table.DataTable import DataTable

from qtlab.analyses.result import AnalysisResult
from qtlab.i18n import t
from qtlab.present.figures import PLOTLY_CONFIG, cjk_font
from qtlab.present.gaps import gap_text
from qtlab.present.tables import formatted_table

__all__ = ["FONT", "data_table", "error_box", "figure_graph", "result_section"]

#: Rows per page of a table (the page has them all, paged).
PAGE_SIZE = 12
#: The page's font stack (tables otherwise fall back to a monospace face).
FONT = '"Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", Arial, sans-serif'


def figure_graph(fig: go.Figure, lang: str, graph_id: str) -> dcc.Graph:
    """One figure, sized to the page, with the report's config and Chinese-capable fonts."""
    web = cjk_font(fig, lang)
    web.update_layout(width=None, autosize=True)
    return dcc.Graph(
        id=graph_id,
        figure=web,
        config=cast(Any, dict(PLOTLY_CONFIG)),
        style={"height": "520px"},
        className="qt-graph",
    )


def data_table(frame: pd.DataFrame, table_id: str) -> DataTable:
    """A paged table of ``frame``: cells formatted as in the report, numbers right-aligned."""
    text, numeric = formatted_table(frame)
    columns = [{"name": c, "id": c} for c in text.columns]
    return DataTable(
        id=table_id,
        columns=cast(Any, columns),
        data=cast(Any, text.to_dict("records")),
        page_size=PAGE_SIZE,
        sort_action="none",
        style_table={"overflowX": "auto"},
        style_cell={"fontFamily": FONT, "fontSize": "13px", "padding": "3px 8px"},
        style_header={"fontWeight": "bold", "whiteSpace": "normal", "height": "auto"},
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "right" if numeric[c] else "left"}
            for c in text.columns
        ],
    )


def error_box(message: str, lang: str) -> html.Div:
    """The library's error message, in the page."""
    return html.Div(t("app.error", lang, message=message), className="qt-error", role="alert")


def result_section(res: AnalysisResult, prefix: str) -> html.Section:
    """One analysis: heading, figures, notes, data gaps and tables, in the report's order.

    Component ids are ``{prefix}-fig-{figure name}`` and ``{prefix}-tab-{table name}``.
    """
    lang = res.lang
    children: list[Any] = [html.H2(f"{res.id}  {res.title}")]
    children += [figure_graph(f.figure, lang, f"{prefix}-fig-{f.name}") for f in res.figures]
    if res.notes:
        children += [
            html.H3(t("report.notes", lang)),
            html.Ul([html.Li(n.text) for n in res.notes], className="qt-notes"),
        ]
    gaps = [gap_text(g, res, lang) for g in res.meta.get("gaps", ())]
    if gaps:
        children += [
            html.H3(t("report.gaps", lang)),
            html.Ul([html.Li(g) for g in gaps], className="qt-gaps"),
        ]
    for tb in res.tables:
        children += [
            html.H3(tb.title),
            data_table(tb.frame, f"{prefix}-tab-{tb.name}"),
            html.P(t("report.rows_all", lang, n=len(tb.frame)), className="qt-caption"),
        ]
    return html.Section(children, id=f"{prefix}-{res.id.lower()}", className="qt-section")
