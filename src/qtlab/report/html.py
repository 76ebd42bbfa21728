"""HTML pieces of the report: tables, figure blocks and the page itself.

Everything the page needs is inside ``index.html``: the stylesheet and plotly.js
(once, inline) travel with it, so the page works from ``file://`` with no
network. Words come from the strings catalogue (``locales/<lang>/report.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.io as pio
from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape
from plotly.offline import get_plotlyjs

from qtlab.i18n import t

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from qtlab.report.summary import SummaryItem

__all__ = [
    "MAX_TABLE_ROWS",
    "FigureBlock",
    "SectionBlock",
    "TableBlock",
    "figure_div",
    "format_cell",
    "formatted_table",
    "render_page",
    "table_html",
]

#: Tables longer than this show their last rows on the page (the CSV has them all).
MAX_TABLE_ROWS = 24

#: Plotly config of every figure on the page: no logo, no links off the page.
PLOTLY_CONFIG: Mapping[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["sendDataToCloud"],
}


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


def format_cell(value: Any, decimals: int) -> str:
    """One table cell as text: numbers with thousands separators, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        n = int(value)
        return f"{n:,}" if abs(n) >= 10_000 else str(n)  # years (2017) stay unseparated
    if isinstance(value, float | np.floating):
        if math.isnan(float(value)):
            return "–"
        return f"{float(value):,.{decimals}f}"
    if value is pd.NA or value is pd.NaT:
        return "–"
    return str(value)


def _decimals(col: pd.Series) -> int:
    vals = pd.to_numeric(col, errors="coerce").dropna().abs()
    if vals.empty:
        return 2
    return 1 if float(vals.max()) >= 100 else 2


def formatted_table(
    frame: pd.DataFrame, *, last: int | None = None
) -> tuple[pd.DataFrame, dict[str, bool]]:
    """``frame`` as text cells the way the report shows them, and which columns are numeric.

    A named index becomes the first column; numbers get thousands separators and one
    decimal (two when the column stays below 100), NaN shows as ``–``. ``last``: format
    only the last rows (decimals still follow the whole column). The dashboard's tables
    use it too.
    """
    df = frame.reset_index(drop=not _named_index(frame))
    df.columns = [str(c) for c in df.columns]
    numeric = {
        c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    }
    decimals = {c: _decimals(df[c]) for c in df.columns if numeric[c]}
    if last is not None and len(df) > last:
        df = df.iloc[-last:]
    text = pd.DataFrame(
        {c: [format_cell(v, decimals.get(c, 2)) for v in df[c].tolist()] for c in df.columns},
        index=df.index,
        columns=df.columns,
        dtype=object,
    )
    return text, numeric


def table_html(frame: pd.DataFrame, *, max_rows: int = MAX_TABLE_ROWS) -> tuple[Markup, int]:
    """An escaped HTML table of ``frame`` (its last ``max_rows`` rows) and the rows shown."""
    shown, numeric = formatted_table(frame, last=max_rows)
    head = "".join(f"<th>{escape(c)}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False, name=None):
        cells = []
        for c, v in zip(shown.columns, rec, strict=True):
            text = escape(v)
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


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


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
) -> str:
    """The whole ``index.html`` as text; ``summary``: the first screen's tiles."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    tpl = env.from_string(_template_text("index.html.j2"))
    strings = {
        k: t(f"report.{k}", lang)
        for k in ("toc", "appendix", "appendix_intro", "gaps", "notes", "csv", "png", "back")
    }
    strings["summary_title"] = t("report.summary.title", lang)
    strings["summary_intro"] = t("report.summary.intro", lang)
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
        provenance=provenance,
        css=Markup(_template_text("report.css")),
        plotlyjs=Markup(_plotlyjs()),
        version=version,
    )
