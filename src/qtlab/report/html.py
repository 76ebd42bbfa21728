"""HTML pieces of the report: tables, figure blocks and the page itself.

Everything the page needs is inside ``index.html``: the stylesheet and plotly.js
(once, inline) travel with it, so the page works from ``file://`` with no
network. Words come from the strings catalogue (``locales/<lang>/report.yaml``).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.io as pio
from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape
from plotly.offline import get_plotlyjs

from qtlab.analyses.result import Excerpt
from qtlab.i18n import t
from qtlab.present.figures import PLOTLY_CONFIG
from qtlab.present.tables import formatted_table

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from qtlab.report.summary import SummaryItem

__all__ = [
    "MAX_TABLE_ROWS",
    "FigureBlock",
    "SectionBlock",
    "TableBlock",
    "excerpt_rows",
    "figure_div",
    "render_page",
    "table_html",
]

#: Tables longer than this show their last rows on the page (the CSV has them all).
MAX_TABLE_ROWS = 24


@dataclass(frozen=True)
class FigureBlock:
    div: Markup
    png: str


@dataclass(frozen=True)
class TableBlock:
    title: str
    html: Markup
    caption: str
    csv: str


@dataclass(frozen=True)
class SectionBlock:
    id: str
    anchor: str
    title: str
    figures: Sequence[FigureBlock] = ()
    tables: Sequence[TableBlock] = ()
    notes: Sequence[str] = ()
    gaps: Sequence[str] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


def excerpt_rows(n: int, excerpt: Excerpt, max_rows: int = MAX_TABLE_ROWS) -> list[int]:
    """Positions of the rows a page shows of a table of ``n`` rows (:attr:`Table.excerpt`).

    ``"last"``/``"first"``: the last/first ``max_rows``; positions: those (at most twice
    ``max_rows``, in range, in order, each once).
    """
    if isinstance(excerpt, tuple):
        picked = sorted({i for i in excerpt if 0 <= i < n})
        return picked[: 2 * max_rows]
    if excerpt == "first":
        return list(range(min(n, max_rows)))
    return list(range(max(0, n - max_rows), n))


def table_html(
    frame: pd.DataFrame,
    *,
    max_rows: int = MAX_TABLE_ROWS,
    excerpt: Excerpt = "last",
    code: Collection[Hashable] = (),
) -> tuple[Markup, int]:
    """An escaped HTML table of ``frame`` (the rows of ``excerpt``, :func:`excerpt_rows`)
    and the number of rows shown; the cells of the columns in ``code`` are identifiers a
    reader types (the provenance's dataset and series ids), set as ``<code>``."""
    shown, numeric = formatted_table(frame, rows=excerpt_rows(len(frame), excerpt, max_rows))
    head = "".join(f"<th>{escape(c)}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False, name=None):
        cells = []
        for c, v in zip(shown.columns, rec, strict=True):
            text = escape(v)
            if c in code and text:
                text = Markup(f"<code>{text}</code>")
            cells.append(f'<td class="num">{text}</td>' if numeric[c] else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    html = (
        '<table class="data"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return Markup(html), len(shown)


def figure_div(fig: go.Figure, div_id: str) -> Markup:
    """The ``<div>`` of one figure, without plotly.js (the page loads it once)."""
    html = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config=dict(PLOTLY_CONFIG),
        default_width="100%",
        default_height="560px",
    )
    return Markup(html)


@cache
def _template_text(name: str) -> str:
    return (resources.files("qtlab.report") / "templates" / name).read_text(encoding="utf-8")


@cache
def _plotlyjs() -> str:
    return str(get_plotlyjs())


def render_page(
    *,
    lang: str,
    sections: Sequence[SectionBlock],
    provenance: Markup,
    as_of: str | None,
    generated: str,
    version: str,
    summary: Sequence[SummaryItem] = (),
    baseline: Sequence[str] = (),
) -> str:
    """The whole ``index.html`` as text; ``summary``: the first screen's tiles;
    ``baseline``: the sentences of the one baseline the sections share, stated once."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    tpl = env.from_string(_template_text("index.html.j2"))
    strings = {
        k: t(f"report.{k}", lang)
        for k in ("toc", "appendix", "appendix_intro", "gaps", "notes", "csv", "png", "back")
    }
    strings["summary_title"] = t("report.summary.title", lang)
    strings["summary_intro"] = t("report.summary.intro", lang)
    strings["baseline_title"] = t("report.baseline.title", lang)
    strings["baseline_intro"] = t("report.baseline.intro", lang)
    vantage = (
        t("report.vantage_as_of", lang, date=as_of) if as_of else t("report.vantage_latest", lang)
    )
    return tpl.render(
        html_lang="zh-CN" if lang == "zh" else "en",
        title=t("report.title", lang),
        subtitle=t("report.subtitle", lang),
        vantage=vantage,
        generated=t("report.generated", lang, when=generated, version=version),
        footer=t("report.footer", lang),
        s=strings,
        sections=sections,
        summary=summary,
        baseline=baseline,
        provenance=provenance,
        css=Markup(_template_text("report.css")),
        plotlyjs=Markup(_plotlyjs()),
        version=version,
    )
