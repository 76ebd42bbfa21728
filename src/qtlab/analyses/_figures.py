"""The QE/QT episodes of the figures (``analyses/episodes.yaml``) and their shading.

The house style itself lives in :mod:`qtlab.present.figures`, shared with the
dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import pandas as pd
import plotly.graph_objects as go
import yaml

from qtlab.i18n import t
from qtlab.present.figures import (
    shade_spans,
)

__all__ = ["Episode", "episodes", "shade_episodes"]


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
    x_lo = lo if start is not None else spans[0][1]
    x_hi = hi if end is not None else spans[-1][2]
    labelled = [(ep.label(lang), ep.kind, x0, x1) for ep, x0, x1 in spans]
    return shade_spans(fig, labelled, x_lo=x_lo, x_hi=x_hi)
