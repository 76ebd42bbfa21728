"""One strings catalogue for every user-facing word, in English and Chinese.

Every title, axis label, heading and note comes from YAML files in the package,
``qtlab/locales/<lang>/<area>.yaml``, one file per area (``common``, ``history``,
``runoff`` ...). Keys are namespaced by analysis id or area, e.g. ``a1.title`` or
``common.unit.usd_bn``. A value is a :meth:`str.format` template filled with
numbers computed from the data, never typed in::

    t("a3.note.peak", "zh", date=pd.Timestamp("2022-04-13"), level=8965.5)

Both languages must define the same keys; :func:`check_catalogue` says which are
missing, and a test runs it.

Money reaches every template in USD bn, and a field written ``{total:money}`` (or
``{d:+money}`` with a sign) writes it the way the language writes money: English
``8,965.5 bn``; Chinese ``8.97 万亿美元`` from 1,000 bn up and ``140 亿美元`` below
(see :func:`money`). Only the text changes: the numbers kept beside it stay in USD bn.

A field written ``{regime:policy}`` takes a policy preset, regime or variant id (or a
sequence of them) and writes its label in the language
(:func:`qtlab.present.labels.policy_label`): ``qt2-realized`` reads "QT2 as realized",
"第二轮缩表（实际执行）"; the values kept beside the text stay ids. Likewise ``{rule:rule}``
takes one of C3's endpoint rules (``reserves_to_gdp=0.08`` reads "reserves at 8% of GDP")
and ``{rules:rules}`` a set of them (:func:`qtlab.present.labels.rules_label`).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    "money",
    "t",
    "validate_lang",
    "way",
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

    A field written ``{x:money}`` or ``{x:+money}`` takes an amount [USD bn] and writes
    it as the language writes money (:func:`money`); ``{x:policy}`` takes a policy or
    regime id (or a sequence of ids) and writes its label (:func:`_policy_text`);
    ``{x:rule}`` and ``{x:rules}`` one endpoint rule or a set of them (:func:`_rule_text`).

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
        if _MONEY not in template and not any(f in template for f in _LABEL_FIELDS):
            return template.format(**values)
        return _MoneyFormatter(lang, key).vformat(template, (), values)
    except (KeyError, IndexError) as exc:
        raise SpecError(
            f"text {quoted(key)} ({lang}) needs the value {quoted(exc.args[0])}; given: "
            f"{sorted(values)}"
        ) from None


# --- money in prose -------------------------------------------------------------------

_MONEY = "money"
_MONEY_SPECS = (_MONEY, "+" + _MONEY)
_POLICY = "policy"
_RULE = "rule"
_RULES = "rules"
_LABEL_FIELDS = tuple(f":{spec}}}" for spec in (_POLICY, _RULE, _RULES))


def _rule_text(value: Any, lang: str, *, many: bool) -> str:
    """One endpoint rule (``many=False``) or a set of them as ``lang`` states them."""
    from qtlab.present.labels import rule_label, rules_label  # noqa: PLC0415

    if many:
        return rules_label(value, lang)
    return rule_label(value, lang)


def _policy_text(value: Any, lang: str) -> str:
    """A policy or regime id, or a sequence of them, as ``lang`` labels them (names qtlab
    does not ship, a user's own, are written as they are)."""
    # present sits above the catalogue (it formats with t()); imported on first use
    from qtlab.present.labels import policy_label  # noqa: PLC0415

    if isinstance(value, str):
        return policy_label(value, lang, strict=False)
    if isinstance(value, Sequence):
        sep = t("policy.list_sep", lang)
        return sep.join(policy_label(str(v), lang, strict=False) for v in value)
    raise SpecError(
        f"a policy field takes an id or a sequence of ids, got {type(value).__name__} "
        f"{quoted(value)}"
    )


@dataclass(frozen=True)
class _MoneyStyle:
    """How a language writes an amount given in USD bn.

    ``small``: below ``large_from`` (after rounding), the amount x ``small_scale`` with
    ``small_decimals`` decimals, or ``round_decimals`` from ``round_from`` up (``inf``:
    never); ``large``: from ``large_from`` up (``inf``: never), x ``large_scale`` with
    ``large_decimals`` (a sentence may ask for more, see :func:`_large_decimals`).
    ``thousands``: the grouping character of :func:`format` ("," or ""); ``trim``: drop
    a zero last decimal in the small unit ("25 亿美元", not "25.0 亿美元").
    """

    small: str
    small_scale: float
    small_decimals: int
    round_from: float
    round_decimals: int
    large: str
    large_from: float
    large_scale: float
    large_decimals: int
    thousands: str
    trim: bool


_STYLES: Mapping[str, _MoneyStyle] = {
    # The English templates write "{x:,.1f} bn".
    "en": _MoneyStyle("{} bn", 1.0, 1, math.inf, 1, "{} bn", math.inf, 1.0, 1, ",", False),
    # A Chinese research note writes 亿美元 (1 亿 = 0.1 bn) and 万亿美元 (= 1,000 bn),
    # number and unit separated by a space as elsewhere in the zh texts ("1810 亿美元").
    "zh": _MoneyStyle("{} 亿美元", 10.0, 1, 100.0, 0, "{} 万亿美元", 10_000.0, 1e-3, 2, "", True),
}

#: At most this many decimals for the large unit (zh: 0.0001 万亿 = 1 亿).
_MAX_LARGE_DECIMALS = 4


def _number(value: Any) -> float | None:
    """``value`` as a float, ``None`` for a missing one (None, NaN, pandas NA)."""
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        if str(value) in ("<NA>", "NaT"):
            return None
        raise SpecError(
            f"a money field takes an amount [USD bn], got {type(value).__name__} {quoted(value)}"
        ) from None
    return None if math.isnan(x) else x


def _small_or_large(x: float, style: _MoneyStyle) -> tuple[str, bool]:
    """The digits of ``|x|`` [USD bn] in the small unit, and whether the large one applies.

    Each threshold is judged on the rounded number, so 99.96 亿 prints as "100" and
    9,999.6 亿 as 1.00 万亿: the unit and decimals never contradict the digits shown.
    """
    small = abs(x) * style.small_scale
    digits = format(small, f"{style.thousands}.{style.small_decimals}f")
    if float(digits.replace(",", "")) >= style.round_from:
        digits = format(small, f"{style.thousands}.{style.round_decimals}f")
    if style.trim and "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits, float(digits.replace(",", "")) >= style.large_from


def money(value: Any, lang: str = "en", /, *, sign: bool = False, large_decimals: int = 0) -> str:
    """An amount [USD bn] as ``lang`` writes money in prose.

    en: ``8,965.5 bn``; zh: from 1,000 bn up in 万亿美元 with two decimals
    (``8.97 万亿美元``), below in 亿美元 (x 10): no decimals from 100 亿 up
    (``140 亿美元``), one below (``3.5 亿美元``; ``25 亿美元``: a zero decimal is
    dropped). ``sign``: always write the sign (``+140 亿美元``, ``-1.20 万亿美元``).
    ``large_decimals``: decimals in the large unit when more than the language's
    default (0: the default). A missing amount (None, NaN, pandas NA) is written as the
    catalogue's word for no data (``common.gap.no_data``).
    """
    style = _STYLES[validate_lang(lang)]
    x = _number(value)
    if x is None:
        return t("common.gap.no_data", lang)
    digits, large = _small_or_large(x, style)
    unit = style.small
    if large:
        decimals = max(style.large_decimals, large_decimals)
        digits = format(abs(x) * style.large_scale, f"{style.thousands}.{decimals}f")
        unit = style.large
    zero = float(digits.replace(",", "")) == 0.0
    lead = "-" if x < 0 and not zero else "+" if sign else ""
    return unit.format(lead + digits)


def _large_decimals(amounts: Sequence[float], changes: Sequence[float], style: _MoneyStyle) -> int:
    """Decimals for the large unit in one sentence, so that it never contradicts itself.

    From the language's default, the fewest at which (1) amounts that differ in the
    small unit also print differently (no "从 1.50 万亿美元 降至 1.50 万亿美元"), and
    (2) the last decimal is at most a tenth of the smallest signed amount (a change,
    written ``+money``), so "从 1.501 万亿美元 增至 1.505 万亿美元（+40 亿美元）" and not
    "从 1.50 万亿美元 增至 1.51 万亿美元（+40 亿美元）". At most 4 (zh: 1 亿).
    """
    large: dict[float, float] = {}
    for x in amounts:
        digits, is_large = _small_or_large(x, style)
        if is_large:
            large[math.copysign(float(digits.replace(",", "")), x)] = x
    decimals = style.large_decimals
    if not large:
        return decimals
    for change in changes:
        if change != 0.0:
            # the last decimal, 10**-d large units, at most |change| / 10 [USD bn]
            need = math.ceil(-math.log10(abs(change) * style.large_scale / 10.0) - 1e-9)
            decimals = max(decimals, min(need, _MAX_LARGE_DECIMALS))
    while decimals < _MAX_LARGE_DECIMALS:
        shown = {format(x * style.large_scale, f".{decimals}f") for x in large.values()}
        if len(shown) == len(large):
            break
        decimals += 1
    return decimals


class _MoneyFormatter(string.Formatter):
    """:meth:`str.format` plus the field specs ``money`` and ``+money`` (:func:`money`)
    and ``policy`` (:func:`_policy_text`), ``rule`` and ``rules`` (:func:`_rule_text`)."""

    def __init__(self, lang: str, key: str) -> None:
        self.lang = lang
        self.key = key
        self.large_decimals = 0

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        amounts: list[float] = []
        changes: list[float] = []
        for _text, field, spec, _conversion in self.parse(format_string):
            if field and spec in _MONEY_SPECS:
                try:
                    value, _ = self.get_field(field, args, kwargs)
                except (KeyError, IndexError, AttributeError):
                    continue  # str.format's own error follows, naming the field
                x = self._number(value)
                if x is not None:
                    (changes if spec.startswith("+") else amounts).append(x)
        self.large_decimals = _large_decimals(amounts, changes, _STYLES[self.lang])
        return super().vformat(format_string, args, kwargs)

    def _number(self, value: Any) -> float | None:
        try:
            return _number(value)
        except SpecError as exc:
            raise SpecError(f"text {quoted(self.key)} ({self.lang}): {exc}") from None

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in _MONEY_SPECS:
            self._number(value)
            return money(
                value,
                self.lang,
                sign=format_spec.startswith("+"),
                large_decimals=self.large_decimals,
            )
        if format_spec == _POLICY:
            return _policy_text(value, self.lang)
        if format_spec in (_RULE, _RULES):
            try:
                return _rule_text(value, self.lang, many=format_spec == _RULES)
            except SpecError as exc:
                raise SpecError(f"text {quoted(self.key)} ({self.lang}): {exc}") from None
        return format(value, format_spec)


def direction(
    before: float, after: float, lang: str = "en", /, *, tol: float = 0.0, singular: bool = False
) -> str:
    """The verb for a change from ``before`` to ``after`` in ``lang``, by its sign:
    ``rise``/``fall``/``stay`` (``singular``: ``rises``/...; zh 升至/降至/保持为).

    ``tol``: changes no larger than this (e.g. half the last digit shown) read as no
    change, so that the words agree with the rounded numbers printed beside them.
    """
    return t(f"common.{'moves' if singular else 'move'}.{way(before, after, tol=tol)}", lang)


def way(before: float, after: float, /, *, tol: float = 0.0) -> str:
    """The sign of a change from ``before`` to ``after`` as an id, ``rise``, ``fall`` or
    ``flat`` (no larger than ``tol``): what :func:`direction` words, kept by a computation
    that has no language (``common.move.<way>`` in the catalogue)."""
    d = float(after) - float(before)
    return "flat" if abs(d) <= tol else "rise" if d > 0 else "fall"


def check_catalogue() -> dict[str, list[str]]:
    """Keys missing per language (empty lists when every language has every key)."""
    keys = {lang: set(catalogue(lang)) for lang in LANGS}
    every = set().union(*keys.values())
    return {lang: sorted(every - have) for lang, have in keys.items()}
