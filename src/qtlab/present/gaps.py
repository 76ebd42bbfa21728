"""The text of a data gap that a section states (``meta["gaps"]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qtlab.errors import QtlabError, SpecError
from qtlab.i18n import has, t

if TYPE_CHECKING:
    from qtlab.analyses.result import AnalysisResult

__all__ = ["gap_text"]


def gap_text(gap: Any, res: AnalysisResult, lang: str) -> str:
    """A gap of ``meta["gaps"]`` as text: a catalogue key or a text (the contract).

    A key whose template needs values takes the text of the note with that key
    (the note holds the values); a key with no values is rendered directly.
    """
    if not (isinstance(gap, str) and has(gap, lang)):
        return str(gap)
    for n in res.notes:
        if n.key == gap:
            return n.text
    try:
        return t(gap, lang)
    except SpecError:
        raise QtlabError(
            f"{res.id}: meta['gaps'] names {gap!r}, whose text needs values; add a note with "
            "that key (note(key, lang, **values)) or put the rendered text in meta['gaps']"
        ) from None
