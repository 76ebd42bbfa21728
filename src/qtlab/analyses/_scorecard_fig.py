"""E1's figure (one panel per kind of quantity, each in its own units) and its table of
projected balance-sheet points by source beside the realized path."""

from __future__ import annotations

from typing import Final

import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses._scorecard_quantities import PANELS, QUANTITIES
from qtlab.analyses._scorecard_words import hover_value
from qtlab.i18n import has, t
from qtlab.present.figures import legend_right, styled_figure

__all__ = ["comparison_table", "scorecard_figure", "source_label"]

#: The balance-sheet points compared across sources (quantity order of the table).
_PATH_QUANTITIES: Final = ("soma_total_at", "treasuries_at", "mbs_at", "reserves_at")
_COLORS: Final = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#e377c2",
)


def source_label(source: str, made: str, lang: str = "en") -> str:
    """A short name for a forecast's source and the month it was made: "qtlab
    <YYYY-MM>" for qtlab's own, else the name before any parenthesis or comma, in
    ``lang`` where the catalogue names the source (``e1.source_name.<name>``; a user's
    own file keeps the name it gives)."""
    if source.startswith("qtlab"):
        return f"qtlab {made[:7]}"
    name = source.split(" (", maxsplit=1)[0].split(",", maxsplit=1)[0].strip()
    name = name.replace("Federal Reserve Bank of New York", "NY Fed")
    key = "e1.source_name." + "_".join(name.lower().split())
    if has(key, lang):
        name = t(key, lang)
    return f"{name} {made[:7]}"


def comparison_table(table: pd.DataFrame, data_realized: object = None) -> pd.DataFrame:
    """SOMA total, Treasuries, MBS and reserves at the months any source projected
    [USD bn]: one row per source (and date made), then the realized row ("pending"
    where the data do not reach the month yet)."""
    del data_realized  # the realized values are in ``table`` already
    rows = table[table["quantity"].isin(_PATH_QUANTITIES)]
    if rows.empty:
        return pd.DataFrame()
    order = {q: i for i, q in enumerate(_PATH_QUANTITIES)}
    keys = sorted(
        {(q, h) for q, h in zip(rows["quantity"], rows["horizon"], strict=True)},
        key=lambda k: (order[k[0]], k[1]),
    )
    cols = [f"{q} {h}" for q, h in keys]
    out: dict[str, dict[str, object]] = {}
    realized: dict[str, object] = {}
    for r in rows.itertuples(index=False):
        c = f"{r.quantity} {r.horizon}"
        name = f"{source_label(str(r.source), str(r.made))} ({r.made})"
        out.setdefault(name, {"source": str(r.source), "made": str(r.made)})[c] = r.forecast
        realized.setdefault(c, r.realized)
    frame = pd.DataFrame(
        [
            {"source": v["source"], "made": v["made"], **{c: v.get(c) for c in cols}}
            for v in out.values()
        ]
    )
    frame = frame.sort_values(["made", "source"], kind="stable")
    real = {"source": "realized (data)", "made": "", **{c: realized.get(c) for c in cols}}
    return pd.concat([frame, pd.DataFrame([real])], ignore_index=True)


def scorecard_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Errors (realized - forecast) of the scored forecasts: one panel per kind of
    quantity (percent, months, USD bn, index), a row per quantity, a colour per source."""
    done = table.dropna(subset=["error"]).copy()
    done["panel"] = [QUANTITIES[q].panel for q in done["quantity"]]
    done = done[done["panel"].isin(PANELS)]
    fig = styled_figure(
        title=t("e1.figure.title", lang),
        y_title="",
        source="FRED DGS10, RRPONTSYD, DXY, WALCL, WRESBAL, GDP; NY Fed SOMA; FOMC",
        lang=lang,
    )
    fig.set_subplots(rows=3, cols=2, horizontal_spacing=0.28, vertical_spacing=0.13)
    labels = [
        source_label(str(s), str(m), lang)
        for s, m in zip(done["source"], done["made"], strict=True)
    ]
    done["label"] = labels
    names = list(dict.fromkeys(labels))
    shown: set[str] = set()
    for i, panel in enumerate(PANELS):
        row, col = divmod(i, 2)
        part = done[done["panel"] == panel]
        for j, name in enumerate(names):
            pts = part[part["label"] == name]
            if pts.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=pts["error"],
                    y=[t(f"e1.short.{q}", lang) for q in pts["quantity"]],
                    mode="markers",
                    marker={"size": 11, "color": _COLORS[j % len(_COLORS)], "opacity": 0.85},
                    name=name,
                    legendgroup=name,
                    showlegend=name not in shown,
                    customdata=[
                        [hover_value(f, u, lang), hover_value(r, u, lang), str(h)]
                        for f, r, h, u in zip(
                            pts["forecast"],
                            pts["realized"],
                            pts["horizon"],
                            pts["units"],
                            strict=True,
                        )
                    ],
                    hovertemplate=(
                        "%{y}: %{customdata[0]} → %{customdata[1]} (%{customdata[2]})"
                        "<extra>" + name + "</extra>"
                    ),
                ),
                row=row + 1,
                col=col + 1,
            )
            shown.add(name)
        fig.add_vline(x=0, line={"color": "#999", "width": 1}, row=row + 1, col=col + 1)
        fig.update_xaxes(
            title_text=f"<b>{t(f'e1.figure.panel.{panel}', lang)}</b>: "
            + t(f"e1.figure.axis.{panel}", lang),
            title_font={"size": 12},
            zeroline=False,
            row=row + 1,
            col=col + 1,
        )
        fig.update_yaxes(title_text="", automargin=True, row=row + 1, col=col + 1)
    fig.update_layout(
        height=900,
        hovermode="closest",
        # one entry per source and vantage (a dozen or more): a column on the right, so
        # that the list never wraps up into the title however many sources are scored
        legend=legend_right(stacked=False, font_size=11),
        margin={"l": 40, "r": 250, "t": 110, "b": 110},
    )
    for a in fig.layout.annotations:  # the source line, below the last row of panels
        if a.yref == "paper" and a.y is not None and a.y < 0:
            a.y = -0.1
    return fig
