"""Rendering shared by the report and the dashboard: the figure style, table
formatting, the CJK font of figures, the text of data gaps, the labels of policy and
regime ids, and each table and figure as a reader of its language sees it (labelled
headers; Chinese money in 亿美元).

It reads the results of :mod:`qtlab.analyses` and the strings catalogue; it reads
no data and imports neither the report nor the dashboard.
"""

from qtlab.present.figures import (
    CJK_FONT,
    PLOTLY_CONFIG,
    cjk_font,
    font_family,
    month_bar,
    month_line,
    month_x,
    styled_figure,
)
from qtlab.present.gaps import gap_text
from qtlab.present.labels import policy_label
from qtlab.present.localize import localized_figure, localized_table, localized_title
from qtlab.present.tables import (
    csv_ready,
    dated_usd_table,
    format_cell,
    formatted_table,
    headers,
    money_text,
)

__all__ = [
    "CJK_FONT",
    "PLOTLY_CONFIG",
    "cjk_font",
    "csv_ready",
    "dated_usd_table",
    "font_family",
    "format_cell",
    "formatted_table",
    "gap_text",
    "headers",
    "localized_figure",
    "localized_table",
    "localized_title",
    "money_text",
    "month_bar",
    "month_line",
    "month_x",
    "policy_label",
    "styled_figure",
]
