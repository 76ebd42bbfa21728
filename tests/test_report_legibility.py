"""The full English report (today's vantage) in Chromium: every figure legible at slide
width, and issue 16's done-when checks.

The Chinese full report (as of 2022-05-31) is checked in ``test_report.py``
(``test_full_report_from_the_command_line``,
``test_the_chinese_report_passes_issue_16s_browser_checks``).
"""

from __future__ import annotations

import pytest

from _legibility import CHROMIUM, ReportPage, check_done_when, read_report_page
from qtlab.report import build_report

#: the full report in Chromium: end to end (see pyproject markers)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def en_full(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ReportPage]:
    """Every section in English at today's vantage: the page's HTML and Chromium's view."""
    index = build_report(tmp_path_factory.mktemp("en") / "en", lang="en", png=False).index
    return index.read_text(encoding="utf-8"), read_report_page(index)


def test_every_figure_of_the_english_report_is_legible(en_full: tuple[str, ReportPage]):
    html, page = en_full
    assert page.figures == html.count('class="chart"') >= 30
    assert page.illegible == [], page.illegible


def test_the_english_report_passes_issue_16s_browser_checks(en_full: tuple[str, ReportPage]):
    """Issue 16's "done when" on the English page at today's vantage: the summary screen
    first, monthly bars centred on their month, figures' text inside their canvas, no
    column key as a header, B1's headline the stock maturing within 24 months of F1's
    start (recomputed with the runs API) and the flow a separate note."""
    check_done_when(en_full[1], "en", None)
