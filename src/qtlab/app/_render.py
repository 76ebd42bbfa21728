"""An :class:`~qtlab.analyses.AnalysisResult` as Dash components, the way the report shows it.

Figures get the report's fonts and plotly config (:func:`qtlab.report.build.cjk_font`,
:data:`qtlab.report.html.PLOTLY_CONFIG`); tables are sortable ``dash-ag-grid`` grids with
the report's rounding (:func:`qtlab.report.html.formatted_table`), units in the column
headers as the analyses name them, and a button that downloads the whole table as CSV;
gaps follow the report's rule (:func:`qtlab.report.build.gap_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from urllib.parse import quote

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from qtlab.analyses.result import AnalysisResult
from qtlab.i18n import t
from qtlab.present.figures import PLOTLY_CONFIG, cjk_font, legend_right
from qtlab.present.gaps import gap_text
from qtlab.present.localize import localized_figure, localized_table, localized_title
from qtlab.present.tables import formatted_table

__all__ = [
    "FONT",
    "baseline_block",
    "data_table",
    "error_box",
    "figure_graph",
    "grid_rows",
    "overlaid",
    "result_section",
]

#: Rows per page of a table (the page has them all, paged).
PAGE_SIZE = 12
#: The page's font stack (tables otherwise fall back to a monospace face).
FONT = '"Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", Arial, sans-serif'


def figure_graph(fig: go.Figure, lang: str, graph_id: str) -> dcc.Graph:
    """One figure, sized to the page, with the report's config and Chinese-capable fonts."""
    web = localized_figure(cjk_font(fig, lang), lang)
    web.update_layout(width=None, autosize=True)
    return dcc.Graph(
        id=graph_id,
        figure=web,
        config=cast(Any, dict(PLOTLY_CONFIG)),
        style={"height": "520px"},
        className="qt-graph",
    )


def _number(text: str) -> float | None:
    """A cell as the report shows it back to a number (rounded as shown; ``None`` for –)."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def grid_rows(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``frame`` as a grid's rows and column definitions: fields ``c0, c1, ...`` (a column
    name may hold dots or brackets), the name as header; numbers rounded as the report
    shows them (no float noise in the CSV), shown with thousands separators, right-aligned.
    """
    text, numeric = formatted_table(frame)
    fields = {c: f"c{i}" for i, c in enumerate(text.columns)}
    cols: list[dict[str, Any]] = []
    for c in text.columns:
        col: dict[str, Any] = {"field": fields[c], "headerName": c}
        if numeric[c]:
            places = max((len(v.split(".")[1]) for v in text[c] if "." in v), default=0)
            col["type"] = "rightAligned"
            col["valueFormatter"] = {
                "function": f"params.value == null ? '–' : d3.format(',.{places}f')(params.value)"
            }
        cols.append(col)
    rows = [
        {fields[str(c)]: (_number(str(v)) if numeric[str(c)] else v) for c, v in rec.items()}
        for rec in text.to_dict("records")
    ]
    return rows, cols


def csv_href(frame: pd.DataFrame) -> str:
    """``frame``'s rows as the grid holds them (:func:`grid_rows`: numbers rounded as the
    report shows them), as a ``data:`` URL of a UTF-8 CSV file with its headers."""
    rows, cols = grid_rows(frame)
    table = pd.DataFrame(rows, columns=[c["field"] for c in cols])
    table.columns = [c["headerName"] for c in cols]
    return "data:text/csv;charset=utf-8," + quote(table.to_csv(index=False))


def data_table(frame: pd.DataFrame, table_id: str, title: str = "") -> html.Div:
    """A sortable grid of ``frame`` (:func:`grid_rows`, id ``table_id``) and a link that
    downloads all its rows as CSV (:func:`csv_href`, file ``<table_id>.csv``, id
    ``<table_id>-csv``). The file is in the page: no callback, nothing to post."""
    rows, cols = grid_rows(frame)
    grid = dag.AgGrid(
        id=table_id,
        rowData=rows,
        columnDefs=cols,
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
            "minWidth": 90,
        },
        columnSize="autoSize",
        dashGridOptions={
            "pagination": len(rows) > PAGE_SIZE,
            "paginationPageSize": PAGE_SIZE,
            "paginationPageSizeSelector": False,
            "domLayout": "autoHeight",
        },
        style={"width": "100%"},
        className="qt-grid",
    )
    link = html.A(
        "CSV",
        id=f"{table_id}-csv",
        href=csv_href(frame),
        download=f"{table_id}.csv",
        className="qt-csv",
        title=title or table_id,
    )
    return html.Div([html.Div(link, className="qt-csv-row"), grid], className="qt-table")


def error_box(message: str, lang: str) -> html.Div:
    """The library's error message, in the page."""
    return html.Div(t("app.error", lang, message=message), className="qt-error", role="alert")


def overlaid(fig: go.Figure, other: go.Figure, label: str) -> go.Figure:
    """``fig`` with the traces of ``other`` added, dashed, named ``<name> (label)``.

    The legend, twice as long with names twice as wide, goes on the right (plotly widens
    the margin to hold it): above the plot its rows ran into the title (in Chinese, B4's
    and C2's with an edited policy).
    """
    out = go.Figure(fig)
    stacked = fig.layout.legend.traceorder == "reversed"
    # the room above the plot was for the legend's rows: the title needs less
    out.update_layout(legend=legend_right(stacked=stacked, font_size=11), margin_t=80)
    for tr in other.data:
        extra = go.Figure(tr).data[0]
        extra.name = f"{tr.name} ({label})"
        if hasattr(extra, "line"):
            extra.line.dash = "dash"
        if hasattr(extra, "opacity"):
            extra.opacity = 0.7
        out.add_trace(extra)
    return out


def baseline_block(lines: Sequence[str], lang: str, block_id: str) -> html.Aside:
    """The report's Baseline block (its title, intro and the baseline's sentences, id
    ``block_id``): the sections that run from the one baseline refer to it ("see top")."""
    return html.Aside(
        [
            html.H3(t("report.baseline.title", lang)),
            html.P(t("report.baseline.intro", lang), className="qt-caption"),
            html.Ul([html.Li(line) for line in lines]),
        ],
        id=block_id,
        className="qt-baseline",
    )


def result_section(
    res: AnalysisResult,
    prefix: str,
    compare: AnalysisResult | None = None,
    label: str = "",
    baseline: Sequence[str] = (),
) -> html.Section:
    """One analysis: heading, figures, notes, data gaps and tables, in the report's order.

    ``compare``: the same analysis of another scenario whose lines are drawn dashed in
    each figure, named with ``label``. ``baseline``: the sentences of the one baseline the
    analysis runs from, shown under the heading as the report's Baseline block
    (:func:`baseline_block`, id ``{prefix}-baseline``), which its notes refer to. Component
    ids are ``{prefix}-fig-{figure name}`` and the tables' ``{prefix}-tab-{table name}``
    (:func:`data_table`).
    """
    lang = res.lang
    children: list[Any] = [html.H2(f"{res.id}  {res.title}")]
    if baseline:
        children.append(baseline_block(baseline, lang, f"{prefix}-baseline"))
    for f in res.figures:
        fig = f.figure
        if compare is not None:
            fig = overlaid(fig, compare.figure(f.name), label)
        children.append(figure_graph(fig, lang, f"{prefix}-fig-{f.name}"))
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
            html.H3(localized_title(tb.title, lang, tb.frame)),
            data_table(
                localized_table(tb.frame, lang),
                f"{prefix}-tab-{tb.name}",
                localized_title(tb.title, lang, tb.frame),
            ),
            html.P(t("report.rows_all", lang, n=len(tb.frame)), className="qt-caption"),
        ]
    return html.Section(children, id=f"{prefix}-{res.id.lower()}", className="qt-section")
