"""The assumptions a liability-side or impact result prints, one note each.

Computed as :class:`~qtlab.analyses.computed.Fact` s of the key ``impact.note.assumption``
whose ``text`` is an :class:`~qtlab.runs.inputs.Assumption` (a catalogue key and its
values, no language); rendered, ``text`` is the assumption's sentence in the language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qtlab.analyses.computed import Fact
from qtlab.analyses.result import Note, note
from qtlab.runs.inputs import Assumption

__all__ = ["assumption_facts", "assumption_notes", "assumption_text"]

ASSUMPTION_KEY = "impact.note.assumption"


def assumption_notes(items: Sequence[Assumption], lang: str) -> list[Note]:
    """One note per assumption, in ``lang`` (key ``impact.note.assumption``)."""
    return [note(ASSUMPTION_KEY, lang, text=a.text(lang)) for a in items]


def assumption_facts(items: Sequence[Assumption]) -> list[Fact]:
    """One note value per assumption (key ``impact.note.assumption``), no language."""
    return [Fact(ASSUMPTION_KEY, {"text": a}) for a in items]


def assumption_text(lang: str) -> dict[str, Callable[[Any], str]]:
    """The ``notes_of`` names that write an :class:`Assumption` (fields ``text`` and
    ``assumptions``) in ``lang``."""

    def text(a: Assumption) -> str:
        return a.text(lang)

    return {"text": text, "assumptions": text}
