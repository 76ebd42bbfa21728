"""A long table shows the rows that matter on the page; its CSV keeps them all."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from qtlab.report import build_report
from qtlab.report.html import MAX_TABLE_ROWS, excerpt_rows


def test_excerpt_rows_by_kind():
    assert excerpt_rows(100, "last") == list(range(100 - MAX_TABLE_ROWS, 100))
    assert excerpt_rows(100, "first") == list(range(MAX_TABLE_ROWS))
    assert excerpt_rows(10, "first") == list(range(10))
    # positions: in range, each once, in order, at most twice the page's rows
    assert excerpt_rows(10, (7, 3, 3, 42, -1)) == [3, 7]
    assert len(excerpt_rows(500, tuple(range(200)))) == 2 * MAX_TABLE_ROWS


def test_the_taper_section_shows_the_taper_months(tmp_path: Path):
    """A1's monthly net purchases run 2003 to the vantage; the page shows the months
    around each taper (not the last 24, which would be 2024-26), and says so."""
    index = build_report(
        tmp_path / "r", sections=["A1"], lang="en", png=False, as_of="2024-05-31"
    ).index
    html = index.read_text(encoding="utf-8")
    months = re.findall(r"<td>(\d{4}-\d{2})</td>", html)
    assert "2014-01" in months and "2022-03" in months and "2024-05" not in months
    assert "those the notes discuss" in html
    csv = pd.read_csv(tmp_path / "r" / "tables" / "a1_net_purchases.csv", encoding="utf-8-sig")
    assert csv.iloc[-1, 0] == "2024-05" and len(csv) > 200
