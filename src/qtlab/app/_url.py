"""The dashboard's state in its URL, without Dash: what the page shows as a query string,
and back (a shared link opens the same page).

Keys: ``vantage``, ``preset``, ``edits`` (the regimes table when it differs from the
preset: JSON rows ``[name, start, treasury cap, agency cap, bill purchases]``), ``start``,
``months``, ``paydowns``, ``shock``, ``compare`` (months of the table of differences),
``section`` (``explorer`` or ``browser``), ``analysis`` (the browser's) and ``lang``.
Everything read back is checked again where it is used (the explorer validates its
inputs through the library); here only its shape and size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qs, urlencode

from qtlab.app._policy_edit import EDITABLE_FIELDS, MAX_ADDED, added_row, preset_rows
from qtlab.errors import QtlabError

__all__ = ["URL_KEYS", "from_search", "rows_from_edits", "to_search"]

#: The query keys, in the order they are written.
URL_KEYS: Final = (
    "section",
    "vantage",
    "preset",
    "edits",
    "start",
    "months",
    "paydowns",
    "shock",
    "compare",
    "analysis",
    "lang",
)
#: The longest query string written or read back [characters].
MAX_SEARCH: Final = 8_000
#: The longest value of one key other than ``edits`` [characters].
MAX_VALUE: Final = 100
_ROW_FIELDS: Final = ("name", *EDITABLE_FIELDS)


def _plain(v: Any) -> str:
    return "" if v is None else str(v)


def _edits(preset: str, rows: Any) -> str:
    """The regimes table as compact JSON, or ``""`` when it is the preset's."""
    if not isinstance(rows, list) or not rows:
        return ""
    table = [[r.get(f) for f in _ROW_FIELDS] for r in rows if isinstance(r, Mapping)]
    try:
        base = [[r.get(f) for f in _ROW_FIELDS] for r in preset_rows(preset)]
    except QtlabError:
        base = []
    if table == base:
        return ""
    return json.dumps(table, separators=(",", ":"))


def to_search(state: Mapping[str, Any]) -> str:
    """The query string (``?...``) of the page's ``state`` (keys of :data:`URL_KEYS`,
    ``rows`` for the regimes table); empty values are left out."""
    vals = {k: _plain(v) for k, v in state.items() if k != "rows"}
    vals = {k: v for k, v in vals.items() if len(v) <= MAX_VALUE}  # no page state is longer
    vals["edits"] = _edits(vals.get("preset", ""), state.get("rows"))
    pairs = [(k, vals[k]) for k in URL_KEYS if vals.get(k)]
    out = "?" + urlencode(pairs) if pairs else ""
    if len(out) > MAX_SEARCH:  # too many edits to share: the rest of the state still is
        return to_search({k: v for k, v in state.items() if k != "rows"})
    return out


def rows_from_edits(preset: str, edits: str, lang: str) -> list[dict[str, Any]] | None:
    """The regimes table of ``edits`` (:func:`to_search`'s JSON) on ``preset``'s rows, or
    ``None`` when it is not a list of rows (the page then shows the preset)."""
    try:
        table = json.loads(edits)
        base = preset_rows(preset, lang)
    except (ValueError, QtlabError):
        return None
    if not isinstance(table, list) or not len(base) <= len(table) <= len(base) + MAX_ADDED:
        return None
    rows = []
    for i, cells in enumerate(table):
        if not isinstance(cells, list) or len(cells) != len(_ROW_FIELDS):
            return None
        if not all(c is None or isinstance(c, str | int | float) for c in cells):
            return None
        row = dict(zip(_ROW_FIELDS, cells, strict=True))
        if i < len(base):
            rows.append({**base[i], **row})
        else:
            rows.append({**row, **added_row(preset, lang), **row})
    return rows


def from_search(search: Any) -> dict[str, str]:
    """The state in a query string: each key of :data:`URL_KEYS` given, as text (the
    first value of a repeated key); anything else, or a query longer than
    :data:`MAX_SEARCH`, is ignored."""
    if not isinstance(search, str) or len(search) > MAX_SEARCH:
        return {}
    q = parse_qs(search.lstrip("?"), keep_blank_values=False)
    return {k: q[k][0] for k in URL_KEYS if k in q}
