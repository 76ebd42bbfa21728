"""E1's table in the reader's words: quantity labels, units as words, source names and
the notes of qtlab's own forecasts, all from the catalogue (``e1.quantity.*``,
``e1.unit.*``, ``e1.source.*``, ``e1.qtlab.*``).

qtlab's own forecasts name the model and its settings in their ``source`` (written by
:func:`qtlab.analyses._scorecard_make.make_forecasts`, e.g. ``qtlab D2 (reserves_to_debt;
default specification levels-2003) as of 2022-05-31``): the table shows the model as the
source and its settings as the note, both from catalogue keys. Third parties' notes and
citations are quoted from their publications as published (the table says so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from qtlab.errors import SpecError
from qtlab.i18n import has, money, t
from qtlab.present.labels import rule_label

__all__ = [
    "hover_value",
    "paths_shown",
    "quantity_label",
    "scorecard_shown",
    "source_text",
    "unit_cell",
    "unit_text",
]

#: Units of E1's quantities -> the catalogue key of their word (``e1.unit.<key>``); USD bn
#: rows keep ``USD bn`` in the table (shown in 亿美元, x10, in Chinese by localized_table).
_UNIT_KEYS: Final = {
    "month": "month",
    "months": "months",
    "%": "percent",
    "% of GDP": "percent_of_gdp",
    "yes/no": "yes_no",
    "index": "index",
    "R-squared": "r_squared",
    "USD bn": "usd_bn",
}
#: Cell values that are words, not numbers -> catalogue key (``e1.value.<key>``).
_VALUE_KEYS: Final = {"pending": "pending", "n/a": "n_a", "none": "none"}

#: qtlab's own sources as make_forecasts writes them -> (model key, note key).
_QTLAB: Final = (
    (
        re.compile(r"^qtlab D2 \((?P<ind>\w+); default specification (?P<spec>[\w.-]+)\)"),
        "d2",
    ),
    (re.compile(r"^qtlab C3 \((?P<rules>[^;]*); first to bind\)"), "c3"),
    (re.compile(r"^qtlab engine \((?P<policy>[\w.-]+), prepayment-model paydowns\)"), "engine"),
    (
        re.compile(r"^qtlab engine \((?P<policy>[\w.-]+)\) stopped by C3 \((?P<rules>[^)]*)\)"),
        "engine_c3",
    ),
    (re.compile(r"^qtlab C2 \(ON RRP absorbs first\)"), "c2"),
)
_MODEL: Final = {"d2": "d2", "c3": "c3", "engine": "engine", "engine_c3": "engine", "c2": "c2"}


def quantity_label(quantity: str, lang: str) -> str:
    """The catalogue label of an E1 quantity id (``e1.quantity.<id>``); a quantity of a
    user's file that the catalogue does not know keeps its id."""
    key = f"e1.quantity.{quantity}"
    return t(key, lang) if has(key, lang) else quantity


def unit_cell(units: str, lang: str) -> str:
    """The units of a scorecard row as a word in ``lang`` (``月``); ``USD bn`` stays as
    written so that :func:`~qtlab.present.localize.localized_table` scales the row."""
    if units == "USD bn" or units not in _UNIT_KEYS:
        return units
    return t(f"e1.unit.{_UNIT_KEYS[units]}", lang)


def unit_text(units: str, lang: str) -> str:
    """The units as a word in prose (USD bn included: 亿美元 in Chinese, as the table)."""
    return t(f"e1.unit.{_UNIT_KEYS[units]}", lang) if units in _UNIT_KEYS else units


def _rules(text: str, lang: str) -> str:
    """C3's stopping rules (``name=value, ...``) in words (:func:`rule_label`); a part
    that is no endpoint rule stays as the forecast file writes it."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        try:
            out.append(rule_label(part, lang))
        except SpecError:
            out.append(part)
    return t("e1.qtlab.rule_sep", lang).join(out)


def _qtlab(source: str, lang: str) -> tuple[str, str] | None:
    """(source, note) of one of qtlab's own forecasts in ``lang``, or None if ``source``
    is not written by make_forecasts."""
    for pattern, kind in _QTLAB:
        m = pattern.match(source)
        if m is None:
            continue
        values: dict[str, Any] = dict(m.groupdict())
        if "ind" in values:
            ind = values["ind"]
            values["ind"] = t(f"columns.{ind}", lang) if has(f"columns.{ind}", lang) else ind
        if "rules" in values:
            values["rules"] = _rules(values["rules"], lang)
        return t(f"e1.qtlab.model.{_MODEL[kind]}", lang), t(f"e1.qtlab.note.{kind}", lang, **values)
    return None


def source_text(source: str, made: str, lang: str) -> str:
    """The source of a forecast as the table shows it in ``lang``: qtlab's model, a
    shipped publisher's name in ``lang`` with the month it published
    (``e1.source_name.*``), or, in English and for a user's own file, as written."""
    own = _qtlab(source, lang)
    if own is not None:
        return own[0]
    if lang == "en":
        return source
    name = source.split(" (", maxsplit=1)[0].split(",", maxsplit=1)[0].strip()
    name = name.replace("Federal Reserve Bank of New York", "NY Fed")
    key = "e1.source_name." + "_".join(name.lower().split())
    if not has(key, lang):
        return source
    return t("e1.source.published", lang, name=t(key, lang), month=made[:7])


def hover_value(v: Any, units: str, lang: str) -> str:
    """A forecast or realized value with its unit, as the figure's hover writes it:
    money as ``lang`` writes it (``5,900.0 bn``, ``5.90 万亿美元``), other numbers with
    their unit's word, months and words as they are."""
    if units == "USD bn" and isinstance(v, int | float) and not isinstance(v, bool):
        return money(v, lang)
    word = _value(v, lang)
    if isinstance(word, float):
        word = f"{word:,.2f}"
        if units in ("%", "% of GDP"):
            return t(f"e1.hover.{_UNIT_KEYS[units]}", lang, v=word)
    unit = unit_text(units, lang)
    return f"{word} {unit}" if unit and units not in ("month", "yes/no", "R-squared") else str(word)


def _value(v: Any, lang: str) -> Any:
    if isinstance(v, str) and v in _VALUE_KEYS:
        return t(f"e1.value.{_VALUE_KEYS[v]}", lang)
    return v


def scorecard_shown(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """E1's scored table (:func:`~qtlab.analyses.scorecard.score`) as a reader of
    ``lang`` sees it: the quantity as its label, units as words, sources named in
    ``lang``, qtlab's own notes from the catalogue, ``pending``/``n/a``/``none`` as
    words; third parties' notes and citations as published, and a column ``note_by``
    saying which notes are quoted."""
    out = table.copy()
    own = [_qtlab(str(s), lang) for s in table["source"]]
    out["source"] = [
        source_text(str(s), str(m), lang)
        for s, m in zip(table["source"], table["made"], strict=True)
    ]
    out["quantity"] = [quantity_label(str(q), lang) for q in table["quantity"]]
    out["units"] = [unit_cell(str(u), lang) for u in table["units"]]
    for col in ("forecast", "realized"):
        out[col] = [_value(v, lang) for v in table[col]]
    quoted = t("e1.note_by.quoted", lang)
    out["note"] = [o[1] if o is not None else n for o, n in zip(own, table["note"], strict=True)]
    note_by = [
        t("e1.note_by.qtlab", lang) if o is not None else (quoted if str(n).strip() else "")
        for o, n in zip(own, table["note"], strict=True)
    ]
    at = list(out.columns).index("note") + 1
    out.insert(at, "note_by", note_by)
    return out


def paths_shown(paths: pd.DataFrame, lang: str) -> pd.DataFrame:
    """E1's table of projected balance-sheet points (:func:`~qtlab.analyses._scorecard_fig.
    comparison_table`) with each point's unit in its header (``soma_total_at 2025-06
    [USD bn]``, shown in 亿美元 in Chinese) and the sources named in ``lang``."""
    out = paths.copy()
    realized = t("e1.realized_row", lang)
    out["source"] = [
        realized if m == "" else source_text(str(s), str(m), lang)
        for s, m in zip(paths["source"], paths["made"], strict=True)
    ]
    for col in out.columns:
        if col not in ("source", "made"):
            out[col] = [_value(v, lang) for v in out[col]]
    names: Mapping[str, str] = {
        c: f"{c} [USD bn]" for c in paths.columns if c not in ("source", "made")
    }
    return out.rename(columns=names)
