"""The analyses of ANALYSES.md: numbers computed once, rendered in each language.

Area modules (``history``, ``runoff``, ``mbs``, ``liabilities``, ``impact`` ...)
register their compute functions with :func:`~qtlab.analyses.result.analysis` and their
render functions with :func:`~qtlab.analyses.result.renders`; :func:`registry` finds
them all.
"""

from qtlab.analyses.computed import Computed, Fact, tidy
from qtlab.analyses.result import (
    AnalysisResult,
    AnalysisSpec,
    Figure,
    Note,
    Table,
    analysis,
    get_analysis,
    note,
    notes_of,
    registry,
    renders,
)

__all__ = [
    "AnalysisResult",
    "AnalysisSpec",
    "Computed",
    "Fact",
    "Figure",
    "Note",
    "Table",
    "analysis",
    "get_analysis",
    "note",
    "notes_of",
    "registry",
    "renders",
    "tidy",
]
