"""One pure function per analysis of ANALYSES.md, each returning an AnalysisResult.

Area modules (``history``, ``runoff``, ``mbs``, ``liabilities``, ``impact`` ...)
register their functions with :func:`~qtlab.analyses.result.analysis`;
:func:`registry` finds them all.
"""

from qtlab.analyses.result import (
    AnalysisResult,
    AnalysisSpec,
    Figure,
    Note,
    Table,
    analysis,
    get_analysis,
    note,
    registry,
)

__all__ = [
    "AnalysisResult",
    "AnalysisSpec",
    "Figure",
    "Note",
    "Table",
    "analysis",
    "get_analysis",
    "note",
    "registry",
]
