"""Every figure of the full English report is legible at slide width (today's vantage).

The Chinese full report (as of 2022-05-31) is checked in
``test_report.py::test_full_report_from_the_command_line``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _legibility import CHROMIUM, illegible_figures
from qtlab.report import build_report

#: the full report in Chromium: end to end (see pyproject markers)
pytestmark = pytest.mark.slow


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_every_figure_of_the_english_report_is_legible(tmp_path: Path):
    index = build_report(tmp_path / "en", lang="en", png=False).index
    html = index.read_text(encoding="utf-8")
    n_figs, illegible = illegible_figures(index)
    assert n_figs == html.count('class="chart"') >= 30
    assert illegible == [], illegible
