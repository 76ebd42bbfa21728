"""The notes D1-D3 share: their assumptions as facts, and the ids render translates.

A note's values are computed without language (:class:`~qtlab.analyses.computed.Fact`):
an assumption stays an :class:`~qtlab.runs.inputs.Assumption` (a catalogue key and its
values), an indicator or a fit form stays its id; :func:`translated` gives
:func:`~qtlab.analyses.result.notes_of` the words for them in one language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qtlab.analyses.computed import Fact
from qtlab.i18n import t
from qtlab.runs.inputs import Assumption

__all__ = ["assumption_facts", "translated"]


def assumption_facts(items: Sequence[Assumption]) -> list[Fact]:
    """One note per assumption (key ``impact.note.assumption``, value ``text``)."""
    return [Fact("impact.note.assumption", {"text": a}) for a in items]


def translated(lang: str) -> dict[str, Callable[[Any], str]]:
    """The ``notes_of`` names of the D notes in ``lang``: assumptions (``text``,
    ``policy``) as sentences, indicator ids as series names, fit forms as words."""
    return {
        "text": lambda a: a.text(lang),
        "policy": lambda a: a.text(lang),
        "indicator": lambda i: t(f"d1.series.{i}", lang),
        "form": lambda f: t(f"d2.form.{f}", lang),
    }
