"""The assumptions a liability-side or impact result prints, one note each, and the
words of the ids the C and D notes keep (indicators, fit forms).

Computed as :class:`~qtlab.analyses.computed.Fact` s of the key ``impact.note.assumption``
whose ``text`` is an :class:`~qtlab.runs.inputs.Assumption` (a catalogue key and its
values, no language); rendered, ``text`` is the assumption's sentence in the language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qtlab.analyses.computed import Fact
from qtlab.i18n import t
from qtlab.impact import YieldFit
from qtlab.runs.inputs import Assumption

__all__ = ["assumption_facts", "assumption_text", "spec_fact", "translated"]

ASSUMPTION_KEY = "impact.note.assumption"


def assumption_facts(items: Sequence[Assumption]) -> list[Fact]:
    """One note value per assumption (key ``impact.note.assumption``), no language."""
    return [Fact(ASSUMPTION_KEY, {"text": a}) for a in items]


def assumption_text(lang: str) -> dict[str, Callable[[Any], str]]:
    """The ``notes_of`` names that write an :class:`Assumption` (fields ``text`` and
    ``assumptions``) in ``lang``."""

    def text(a: Assumption) -> str:
        return a.text(lang)

    return {"text": text, "assumptions": text}


def translated(lang: str) -> dict[str, Callable[[Any], str]]:
    """The ``notes_of`` names of the D notes in ``lang``: assumptions (``text``,
    ``policy``) as sentences, indicator ids as series names, fit forms as words."""
    words = assumption_text(lang)
    return {
        "text": words["text"],
        "policy": words["text"],
        "indicator": lambda i: t(f"d1.series.{i}", lang),
        "form": lambda f: t(f"d2.form.{f}", lang),
    }


def spec_fact(spec: str, fit: YieldFit) -> Fact:
    """The note D3 adds: the D2 specification ``spec`` its 10-year path uses (chosen by
    :func:`qtlab.runs.yield_spec.choose_default`, as D2's); render translates ``form``."""
    return Fact(
        "d2.note.default_used",
        {"spec": spec, "form": fit.form, "first": str(fit.sample[0])},
    )
