"""The house style of qtlab figures, shared by the report and the dashboard.

Every figure has a title, units on its axes, a source line, readable fonts at
slide size, and (where relevant) shaded spans such as the QE/QT episodes. Text
comes from the strings catalogue, so a figure built with ``lang="zh"`` is entirely
Chinese and uses a CJK font (Noto Sans CJK SC, from Debian's ``fonts-noto-cjk``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qtlab.i18n import t, validate_lang

__all__ = [
    "CJK_FONT",
    "EPISODE_COLORS",
    "HEIGHT",
    "PLOTLY_CONFIG",
    "WIDTH",
    "Span",
    "cjk_font",
    "font_family",
    "legend_right",
    "mark_gap",
    "month_bar",
    "month_line",
    "month_x",
    "note_missing",
    "shade_spans",
    "styled_figure",
]

WIDTH, HEIGHT = 1000, 560
EPISODE_COLORS = {"qe": "rgba(46, 125, 50, 0.10)", "qt": "rgba(198, 40, 40, 0.10)"}
_FONTS = {
    "en": "Arial, Helvetica, 'Noto Sans', sans-serif",
    "zh": "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif",
}


#: Font stack of figures in Chinese: a CJK face first so PNGs show real glyphs.
CJK_FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"

#: Plotly config of every figure on a page: no logo, no links off the page.
PLOTLY_CONFIG: Mapping[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["sendDataToCloud"],
}


def font_family(lang: str) -> str:
    """A font stack that renders ``lang`` (CJK glyphs for ``zh``)."""
    return _FONTS[validate_lang(lang)]


def styled_figure(
    *,
    title: str,
    y_title: str,
    source: str,
    lang: str,
    x_title: str | None = None,
) -> go.Figure:
    """An empty figure in the house style.

    Parameters
    ----------
    title, y_title, x_title : already-translated text (from :func:`qtlab.i18n.t`);
        ``y_title`` must state the unit, e.g. "USD bn" / "十亿美元".
    source : the data sources, e.g. "Federal Reserve H.4.1 (FRED WALCL)"; printed
        as the figure's source line in ``lang``.
    """
    fig = go.Figure()
    fig.update_layout(
        template="plotly_white",
        width=WIDTH,
        height=HEIGHT,
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 0.98,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 20},
        },
        font={"family": font_family(lang), "size": 14},
        # room above the plot for a title and up to two rows of legend
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0.0},
        margin={"l": 70, "r": 30, "t": 120, "b": 90},
        hovermode="x unified",
    )
    fig.update_yaxes(title_text=y_title, tickformat=",")
    if x_title:
        fig.update_xaxes(title_text=x_title)
    fig.add_annotation(
        text=t("common.source_line", lang, sources=source),
        xref="paper",
        yref="paper",
        x=0.0,
        y=-0.17,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#555"},
    )
    return fig


#: A shaded span: its label (translated), kind (``"qe"`` or ``"qt"``: the colour), start, end.
Span = tuple[str, str, pd.Timestamp, pd.Timestamp]


def shade_spans(
    fig: go.Figure,
    spans: Sequence[Span],
    *,
    x_lo: pd.Timestamp,
    x_hi: pd.Timestamp,
) -> go.Figure:
    """Shade ``spans`` (QE green, QT red), labelled, on an x axis from ``x_lo`` to ``x_hi``.

    Labels of consecutive spans are staggered vertically so that long (Chinese)
    names of spans close in time do not overlap.
    """
    # Stagger labels: each goes on the first row where it does not run into the
    # previous label (widths estimated from the characters and the plot width).
    margin = fig.layout.margin
    plot_px = float(fig.layout.width or WIDTH) - float(margin.l or 80) - float(margin.r or 80)
    days_per_px = max((x_hi - x_lo).days, 1) / plot_px
    row_ends: list[pd.Timestamp] = []
    for text, kind, x0, x1 in spans:
        px = sum(11.0 if ord(ch) > 0x2E80 else 6.5 for ch in text) + 8.0
        label_end = x0 + pd.Timedelta(days=px * days_per_px)
        row = next((i for i, e in enumerate(row_ends) if e < x0), len(row_ends))
        if row == len(row_ends):
            row_ends.append(label_end)
        else:
            row_ends[row] = label_end
        fig.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor=EPISODE_COLORS[kind],
            line_width=0,
            layer="below",
            annotation_text=text,
            annotation_position="top left",
            annotation_font_size=11,
            annotation_yshift=-18 * row,
        )
    return fig


def mark_gap(
    fig: go.Figure,
    start: pd.Timestamp | str,
    end: pd.Timestamp | str,
    label: str,
    *,
    position: str = "top right",
) -> go.Figure:
    """Hatch a span where a series has no data, with ``label`` (translated) saying so.

    ``position`` places the label in the span (plotly's annotation positions,
    e.g. ``"bottom left"``), to keep it clear of the episode labels at the top.
    """
    fig.add_vrect(
        x0=pd.Timestamp(start),
        x1=pd.Timestamp(end),
        fillcolor="rgba(120, 120, 120, 0.12)",
        line={"color": "rgba(120,120,120,0.6)", "dash": "dot", "width": 1},
        layer="below",
        annotation_text=label,
        annotation_position=position,
        annotation_font_size=11,
    )
    return fig


def note_missing(fig: go.Figure, labels: Iterable[str]) -> go.Figure:
    """State inside the plot area that whole series are missing (``labels``, translated).

    For a series with no data at all in the figure's window, hatching the whole
    window would hide the other lines; this writes one line per missing series
    in the lower left corner instead.
    """
    for i, label in enumerate(labels):
        fig.add_annotation(
            text=label,
            xref="paper",
            yref="paper",
            x=0.01,
            y=0.02 + 0.06 * i,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            bgcolor="rgba(255,255,255,0.85)",
            bordercolor="rgba(120,120,120,0.6)",
            borderwidth=1,
            font={"size": 12, "color": "#8a4b08"},
        )
    return fig


#: Day of the month at which a monthly value is drawn: the middle of its month, so
#: that June's bar sits over "Jun" and a cap that rises in September steps up there.
MID_MONTH_DAY = 15


def month_x(idx: Iterable[Any]) -> list[pd.Timestamp]:
    """The x of monthly values (months as ``Period[M]``, ``"YYYY-MM"`` or timestamps):
    the 15th of each month."""
    return [
        pd.Period(p, freq="M").to_timestamp() + pd.Timedelta(days=MID_MONTH_DAY - 1) for p in idx
    ]


def _month_hover(fig: go.Figure, name: str, unit: str) -> dict[str, Any]:
    # the unified hover's header names the month ("Jun 2022"); each line one decimal + unit
    fig.update_xaxes(hoverformat="%b %Y")
    return {"hovertemplate": f"{name}: %{{y:,.1f}} {unit}<extra></extra>"}


def month_bar(
    fig: go.Figure,
    idx: Iterable[Any],
    y: Sequence[float] | pd.Series | np.ndarray,
    *,
    name: str,
    unit: str,
    **kw: Any,
) -> go.Figure:
    """A bar per month, centred on its month, hover "Jun 2022 / name: 1,234.5 unit".

    The one way monthly bars are drawn in qtlab figures (B1, B2, B3, ...): bars at
    month-end timestamps read a month late (June's bar drawn under "Jul").
    """
    fig.add_bar(x=month_x(idx), y=y, name=name, **_month_hover(fig, name, unit), **kw)
    return fig


def month_line(
    fig: go.Figure,
    idx: Iterable[Any],
    y: Sequence[float] | pd.Series | np.ndarray,
    *,
    name: str,
    unit: str,
    step: bool = False,
    **kw: Any,
) -> go.Figure:
    """A monthly series as a line (or ``stackgroup`` area) with points mid-month.

    ``step=True`` draws a value that holds for its whole month (a cap): the steps fall
    on the month boundaries, so a cap raised in September steps up at September's start.
    """
    line = dict(kw.pop("line", None) or {})
    if step:
        line["shape"] = "hvh"
    kw.setdefault("mode", "lines")
    fig.add_scatter(
        x=month_x(idx), y=y, name=name, line=line, **_month_hover(fig, name, unit), **kw
    )
    return fig


def cjk_font(fig: go.Figure, lang: str) -> go.Figure:
    """A copy of ``fig`` whose fonts can draw Chinese when ``lang`` is ``zh``."""
    out = go.Figure(fig)
    if lang == "zh":
        out.update_layout(font_family=CJK_FONT)
        if out.layout.title is not None and out.layout.title.font is not None:
            out.update_layout(title_font_family=CJK_FONT)
    return out


def legend_right(*, stacked: bool = True, font_size: int = 12) -> dict[str, Any]:
    """The layout of a vertical legend outside the plot, on the right, from the top
    (``stacked``: listed top line first, as the lines of a stack are drawn), for figures
    with many series; pass it to ``fig.update_layout(legend=...)`` with a right margin
    wide enough for the longest name."""
    legend: dict[str, Any] = {
        "orientation": "v",
        "x": 1.01,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "top",
        "font": {"size": font_size},
    }
    if stacked:
        legend["traceorder"] = "reversed"
    return legend
