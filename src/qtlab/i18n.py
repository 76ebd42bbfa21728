"""One strings catalogue for every user-facing word, in English and Chinese.

Every title, axis label, heading and note comes from YAML files in the package,
``qtlab/locales/<lang>/<area>.yaml``, one file per area (``common``, ``history``,
``runoff`` ...). Keys are namespaced by analysis id or area, e.g. ``a1.title`` or
``common.unit.usd_bn``. A value is a :meth:`str.format` template filled with
numbers computed from the data, never typed in::

    t("a3.note.peak", "zh", date=pd.Timestamp("2022-04-13"), level=8965.5)

Both languages must define the same keys; :func:`check_catalogue` says which are
missing, and a test runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

import yaml

from qtlab.errors import SpecError, one_of, quoted

__all__ = [
    "LANGS",
    "Lang",
    "catalogue",
    "check_catalogue",
    "direction",
    "has",
    "t",
    "validate_lang",
]

Lang = Literal["en", "zh"]
LANGS: tuple[str, ...] = get_args(Lang)


def validate_lang(lang: str) -> Lang:
    """Return ``lang`` if qtlab speaks it, else raise :class:`SpecError` listing the valid ones."""
    if lang not in LANGS:
        raise SpecError(f"unknown language lang={quoted(lang)}; valid: {one_of(LANGS)}")
    return lang  # type: ignore[return-value]


def _flatten(prefix: str, node: Any, out: dict[str, str], origin: str) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out, origin)
        return
    if not isinstance(node, str):
        raise SpecError(
            f"strings file {origin}: key {quoted(prefix)} must map to text, got "
            f"{type(node).__name__} "
            f"{quoted(node)}; quote numbers and dates in the YAML"
        )
    out[prefix] = node


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """All strings of one language, flattened to dotted keys.

    Raises :class:`SpecError` if two files define the same key.
    """
    lang = validate_lang(lang)
    merged: dict[str, str] = {}
    owner: dict[str, str] = {}
    root = resources.files("qtlab") / "locales" / lang
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        origin = f"locales/{lang}/{entry.name}"
        doc = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        flat: dict[str, str] = {}
        _flatten("", doc, flat, origin)
        for key, text in flat.items():
            if key in merged:
                raise SpecError(
                    f"strings key {quoted(key)} is defined twice: in {owner[key]} and {origin}; "
                    "keep each key in one area file"
                )
            merged[key] = text
            owner[key] = origin
    return merged


def has(key: str, lang: str = "en") -> bool:
    """Whether the catalogue of ``lang`` defines ``key``."""
    return key in catalogue(lang)


def t(key: str, lang: str = "en", /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, formatted with ``values``.

    Raises :class:`SpecError` naming the key (and close matches) when it is missing,
    and naming the template field that has no value.
    """
    cat = catalogue(lang)
    try:
        template = cat[key]
    except KeyError:
        prefix = key.rsplit(".", 1)[0]
        near = sorted(k for k in cat if k.startswith(prefix))[:8]
        hint = f"; keys under {quoted(prefix)}: {', '.join(near)}" if near else ""
        raise SpecError(
            f"no text for key {quoted(key)} in locales/{lang}/*.yaml{hint}; add it to the "
            "area's strings file in every language"
        ) from None
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise SpecError(
            f"text {quoted(key)} ({lang}) needs the value {quoted(exc.args[0])}; given: "
            f"{sorted(values)}"
        ) from None


def direction(
    before: float, after: float, lang: str = "en", /, *, tol: float = 0.0, singular: bool = False
) -> str:
    """The verb for a change from ``before`` to ``after`` in ``lang``, by its sign:
    ``rise``/``fall``/``stay`` (``singular``: ``rises``/...; zh 升至/降至/保持为).

    ``tol``: changes no larger than this (e.g. half the last digit shown) read as no
    change, so that the words agree with the rounded numbers printed beside them.
    """
    d = float(after) - float(before)
    way = "flat" if abs(d) <= tol else "rise" if d > 0 else "fall"
    return t(f"common.{'moves' if singular else 'move'}.{way}", lang)


def check_catalogue() -> dict[str, list[str]]:
    """Keys missing per language (empty lists when every language has every key)."""
    keys = {lang: set(catalogue(lang)) for lang in LANGS}
    every = set().union(*keys.values())
    return {lang: sorted(every - have) for lang, have in keys.items()}
