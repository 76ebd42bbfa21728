"""The offline, bilingual HTML report (``qtlab report``).

:func:`build_report` runs every registered analysis (or the ones asked for) on
the data as of a date and writes ``index.html`` (self-contained), every table as
CSV and every figure as PNG.
"""

from qtlab.report.build import ReportOutcome, build_report, resolve_sections
from qtlab.report.export import PngExporter, find_browser

__all__ = ["PngExporter", "ReportOutcome", "build_report", "find_browser", "resolve_sections"]
