"""The report's first screen: the key numbers of the sections, each linking to its section.

Read from the notes' values (``Note.values``) of the analyses the report ran, so the
summary adds no computation and no data read: every number on it is one a section
prints, in the same units (USD bn, percent, months). An item whose section was not
run (``--sections``) or whose note is absent at the vantage is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qtlab.analyses import AnalysisResult
from qtlab.i18n import t

__all__ = ["SUMMARY_ITEMS", "SummaryItem", "summary_items"]


@dataclass(frozen=True)
class SummaryItem:
    """One tile of the summary: ``label``, a headline ``value``, a ``detail`` line and the
    ``anchor`` of the section it comes from (``section`` is its analysis id)."""

    key: str
    section: str
    label: str
    value: str
    detail: str
    anchor: str


Values = Mapping[str, Any]
#: (item key, analysis id, note keys tried in order, chooser of the note among several)
_Spec = tuple[str, str, tuple[str, ...], Callable[[Sequence[Values]], Values | None]]


def _first(found: Sequence[Values]) -> Values | None:
    return found[0] if found else None


def _series(key: str) -> Callable[[Sequence[Values]], Values | None]:
    def pick(found: Sequence[Values]) -> Values | None:
        return next((v for v in found if v.get("key") == key), None)

    return pick


#: The summary's items, in order: (item, section, note keys, which note).
SUMMARY_ITEMS: tuple[_Spec, ...] = (
    ("balance_sheet", "A4", ("a4.note.latest",), _first),
    ("changes", "A4", ("a4.note.changes",), _first),
    ("reserves", "C1", ("c1.note.peak",), _series("reserves")),
    ("on_rrp", "C1", ("c1.note.peak",), _series("on_rrp")),
    ("thresholds", "D1", ("d1.note.latest",), _first),
    (
        "runoff",
        "F1",
        ("f1.note.regime_target", "f1.note.regime", "f1.note.regime_no_purchases"),
        _first,
    ),
    ("endpoint", "C3", ("c3.note.result", "c3.note.renewed", "c3.note.none"), _first),
    ("ten_year", "D2", ("d2.note.peak",), _first),
)


def summary_items(results: Sequence[AnalysisResult], lang: str) -> list[SummaryItem]:
    """The summary tiles for ``results`` in ``lang`` (texts from ``report.summary.*``)."""
    by_id = {r.id: r for r in results}
    items: list[SummaryItem] = []
    for key, section, note_keys, choose in SUMMARY_ITEMS:
        res = by_id.get(section)
        if res is None:
            continue
        for note_key in note_keys:
            values = choose([n.values for n in res.notes if n.key == note_key])
            if values is None:
                continue
            variant = note_key.rsplit(".", 1)[-1]
            base = f"report.summary.{key}"
            items.append(
                SummaryItem(
                    key=key,
                    section=section,
                    label=t(f"{base}.label", lang),
                    value=t(f"{base}.value.{variant}", lang, **values),
                    detail=t(f"{base}.detail.{variant}", lang, **values),
                    anchor=res.id.lower(),
                )
            )
            break
    return items
