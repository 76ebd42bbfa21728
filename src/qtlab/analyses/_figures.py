"""The house style of qtlab figures: what a strategist can paste into a note.

Every figure has a title, units on its axes, a source line, readable fonts at
slide size, and (where relevant) the QE/QT episodes shaded. Text comes from the
strings catalogue, so a figure built with ``lang="zh"`` is entirely Chinese and
uses a CJK font (Noto Sans CJK SC, from Debian's ``fonts-noto-cjk``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml

from qtlab.i18n import t, validate_lang

__all__ = [
    "EPISODE_COLORS",
    "Episode",
    "episodes",
    "font_family",
    "mark_gap",
    "month_bar",
    "month_line",
    "month_x",
    "note_missing",
    "shade_episodes",
    "styled_figure",
]

WIDTH, HEIGHT = 1000, 560
EPISODE_COLORS = {"qe": "rgba(46, 125, 50, 0.10)", "qt": "rgba(198, 40, 40, 0.10)"}
_FONTS = {
    "en": "Arial, Helvetica, 'Noto Sans', sans-serif",
    "zh": "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif",
}


@dataclass(frozen=True)
class Episode:
    """A QE or QT episode: first and last calendar month, the days the episode and its
    end were announced, source."""

    id: str
    kind: str
    start: pd.Period
    end: pd.Period
    announced: pd.Timestamp
    source: str
    end_announced: pd.Timestamp

    def known_at(self, as_of: date | None) -> bool:
        """Whether the episode had been announced by ``as_of`` (None: today)."""
        return as_of is None or self.announced.date() <= as_of

    def end_known_at(self, as_of: date | None) -> bool:
        """Whether its last month had been announced by ``as_of`` (None: today)."""
        return as_of is None or self.end_announced.date() <= as_of

    def label(self, lang: str) -> str:
        """The episode's name in ``lang`` (e.g. ``"QT2"`` / ``"第二轮缩表 (QT2)"``)."""
        return t(f"common.episode.{self.id}", lang)


@cache
def episodes() -> tuple[Episode, ...]:
    """The packaged QE/QT episodes (``analyses/episodes.yaml``), in time order."""
    doc = yaml.safe_load(
        (resources.files("qtlab.analyses") / "episodes.yaml").read_text(encoding="utf-8")
    )
    return tuple(
        Episode(
            id=e["id"],
            kind=e["kind"],
            start=pd.Period(e["start"], freq="M"),
            end=pd.Period(e["end"], freq="M"),
            announced=pd.Timestamp(e["announced"]),
            source=e["source"],
            end_announced=pd.Timestamp(e["end_announced"]),
        )
        for e in doc["episodes"]
    )


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


def shade_episodes(
    fig: go.Figure,
    lang: str,
    *,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
    kinds: Iterable[str] = ("qe", "qt"),
    as_of: date | None = None,
) -> go.Figure:
    """Shade the QE (green) and QT (red) episodes overlapping ``[start, end]``, labelled.

    Labels of consecutive episodes are staggered vertically so that long
    (Chinese) names of episodes close in time do not overlap. At a vantage ``as_of``
    only the episodes announced by then are shaded, and one whose end was not yet
    announced runs to ``end`` (the figure's end: open-ended as known then).
    """
    lo = pd.Timestamp(start) if start is not None else pd.Timestamp.min
    hi = pd.Timestamp(end) if end is not None else pd.Timestamp.max
    if end is None and as_of is not None:
        hi = pd.Timestamp(as_of)
    wanted = set(kinds)
    spans = []
    for ep in episodes():
        if ep.kind not in wanted or not ep.known_at(as_of):
            continue
        last = ep.end.end_time.normalize() if ep.end_known_at(as_of) else hi
        if last >= lo and ep.start.start_time <= hi:
            spans.append((ep, max(ep.start.start_time, lo), min(last, hi)))
    if not spans:
        return fig
    # Stagger labels: each goes on the first row where it does not run into the
    # previous label (widths estimated from the characters and the plot width).
    x_lo = lo if start is not None else spans[0][1]
    x_hi = hi if end is not None else spans[-1][2]
    margin = fig.layout.margin
    plot_px = float(fig.layout.width or WIDTH) - float(margin.l or 80) - float(margin.r or 80)
    days_per_px = max((x_hi - x_lo).days, 1) / plot_px
    row_ends: list[pd.Timestamp] = []
    for ep, x0, x1 in spans:
        text = ep.label(lang)
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
            fillcolor=EPISODE_COLORS[ep.kind],
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
