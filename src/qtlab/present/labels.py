"""What a reader sees for a policy preset, a regime or a variant that qtlab names by id.

Ids such as ``qt2-realized`` or ``qt2-end-rmp`` are what a user types (CLI options, the
dashboard's URL, JSON output, policy YAML files) and what results keep
(``Note.values``, tidy tables). Prose, table cells and legends show their catalogue
label instead (``policy.name.<id>`` in ``locales/<lang>/policy.yaml``): "QT2 as
realized", "第二轮缩表（实际执行）". Forms built from an id read as its label:

- ``<id>@YYYY-MM``: the regime restarted (or split) from a month, "QT2 phase-in (from
  2022-06)" (:func:`qtlab.runs.forward_policy.from_start`, :meth:`Policy.with_caps`);
- ``<policy>+mbs-runoff``: F2's variant with agency principal running off;
- ``rmp-<pace>``: F1's alternative buying ``pace`` [USD bn/month] of bills;
- ``<preset> (edited)``: the dashboard's edited policy.

A template writes such a field as ``{regime:policy}`` (:func:`qtlab.i18n.t`): a name or a
sequence of names, labelled in the template's language.

Other ids read likewise (catalogue in ``locales/<lang>/labels.yaml``):

- C3's endpoint rules ``NAME=VALUE`` (:data:`qtlab.schema.ENDPOINT_RULE_NAMES`) read as
  their condition, ``reserves_to_gdp=0.08`` -> "reserves at 8% of GDP", "准备金降至 GDP 的
  8%" (:func:`rule_label`); a set of them (``a | b``, ``a, b`` or a sequence) as a list
  (:func:`rules_label`); templates write ``{rule:rule}`` and ``{rules:rules}``;
- C2's ON RRP scenarios (``rrp_first`` ... ``fitted``, ``c2.scenario.<id>``;
  :func:`scenario_label`) and B3's views of the 2022 baseline (``nyfed_2022`` ...,
  ``b3.view.<id>``; :func:`view_label`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from qtlab.errors import SpecError, quoted
from qtlab.i18n import catalogue, has, t, validate_lang
from qtlab.schema import ENDPOINT_RULE_DEFAULTS, ENDPOINT_RULE_NAMES

__all__ = [
    "policy_label",
    "policy_label_ids",
    "rule_label",
    "rules_label",
    "scenario_label",
    "view_label",
]

_MONTH: Final = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_PACE: Final = re.compile(r"^rmp-(\d+(?:\.\d+)?)$")
_EDITED: Final = " (edited)"
_NAME: Final = "policy.name."


def policy_label_ids() -> tuple[str, ...]:
    """The ids with a label of their own (``policy.name.<id>``), in catalogue order."""
    return tuple(k[len(_NAME) :] for k in catalogue("en") if k.startswith(_NAME))


def policy_label(name: str, lang: str, /, *, strict: bool = True) -> str:
    """The label of preset, regime or variant ``name`` in ``lang``.

    ``qt2-realized`` -> "QT2 as realized" / "第二轮缩表（实际执行）";
    ``qt2-end-rmp@2026-09`` -> "Post-QT2 reserve-management purchases (from 2026-09)";
    ``qt2-realized+mbs-runoff``, ``rmp-20``, ``rmp-0`` and ``<preset> (edited)`` read
    likewise (see the module's docstring).

    ``strict=False`` shows a name qtlab does not ship as it is written: a user's own
    policy or regime (a YAML file's ``name``, a regime added in the dashboard) has no
    catalogue label, and its author recognizes the name they gave. Every packaged preset
    and regime has a label in every language (tested).

    Raises
    ------
    SpecError
        For a name without a label when ``strict`` (the default), naming the forms
        understood; for an unknown language.
    """
    lang = validate_lang(lang)
    if not isinstance(name, str):
        raise SpecError(f"a policy or regime id is text, got {type(name).__name__} {quoted(name)}")
    key = _NAME + name
    if has(key, lang):
        return t(key, lang)
    if name.endswith(_EDITED):
        base = policy_label(name[: -len(_EDITED)], lang, strict=strict)
        return t("policy.form.edited", lang, label=base)
    base, plus, variant = name.rpartition("+")
    if plus and base and has(f"policy.variant.{variant}", lang):
        return t(f"policy.variant.{variant}", lang, label=policy_label(base, lang, strict=strict))
    base, at, month = name.rpartition("@")
    if at and base and _MONTH.match(month):
        label = policy_label(base, lang, strict=strict)
        return t("policy.form.from", lang, label=label, month=month)
    pace = _PACE.match(name)
    if pace:
        value = float(pace.group(1))
        if value == 0.0:
            return t("policy.form.pace_none", lang)
        return t("policy.form.pace", lang, pace=value)
    if not strict:
        return name
    raise SpecError(
        f"no label for the policy or regime id {quoted(name)}; labelled ids: "
        f"{', '.join(policy_label_ids())}, their dated forms <id>@YYYY-MM, <policy>+mbs-runoff, "
        "rmp-<pace> and '<preset> (edited)'; add a label as policy.name.<id> to "
        "locales/*/policy.yaml"
    )


# --- C3's endpoint rules, C2's scenarios, B3's views ----------------------------------

_RULE: Final = "rule.name."
#: What separates the rules of a set in C3's tables and in the notes' values.
_RULE_SEPS: Final = re.compile(r"\s*[|,]\s*")


def rule_label(rule: str, lang: str, /) -> str:
    """The condition endpoint rule ``rule`` (``NAME=VALUE`` or ``NAME`` for its default
    value, a fraction) states, in ``lang``: ``reserves_to_gdp=0.08`` -> "reserves at 8%
    of GDP" / "准备金降至 GDP 的 8%".

    Raises
    ------
    SpecError
        For a name that is not an endpoint rule or a value that is not a number, naming
        the valid rules; for an unknown language.
    """
    lang = validate_lang(lang)
    if not isinstance(rule, str):
        raise SpecError(
            f"an endpoint rule is text NAME=VALUE, got {type(rule).__name__} {quoted(rule)}"
        )
    name, sep, raw = rule.partition("=")
    name = name.strip()
    if name not in ENDPOINT_RULE_NAMES:
        raise SpecError(
            f"no label for the endpoint rule {quoted(rule)}; endpoint rules are NAME=VALUE "
            f"with NAME one of {', '.join(ENDPOINT_RULE_NAMES)} (e.g. reserves_to_gdp=0.08)"
        )
    try:
        value = float(raw) if sep else ENDPOINT_RULE_DEFAULTS[name]
    except ValueError:
        raise SpecError(
            f"endpoint rule {quoted(rule)}: value {quoted(raw)} is not a number (e.g. {name}=0.5)"
        ) from None
    return t(_RULE + name, lang, pct=round(100.0 * value, 6))


def rules_label(rules: str | Sequence[str], lang: str, /, *, strict: bool = True) -> str:
    """A set of endpoint rules (``a | b | c`` as C3's tables write it, ``a, b`` as the
    notes' values do, or a sequence) as a list of conditions in ``lang``.

    ``strict=False`` returns ``rules`` as it is written when a part is not an endpoint
    rule (a table column named ``rules`` that holds other text, A2's regime rules).

    Raises
    ------
    SpecError
        When ``strict``, for a part that is not an endpoint rule (:func:`rule_label`).
    """
    lang = validate_lang(lang)
    parts = _RULE_SEPS.split(rules.strip()) if isinstance(rules, str) else [str(r) for r in rules]
    try:
        labels = [rule_label(p, lang) for p in parts]
    except SpecError:
        if strict:
            raise
        return rules if isinstance(rules, str) else ", ".join(parts)
    return t("rule.list_sep", lang).join(labels)


def _labelled(kind: str, prefix: str, name: object, lang: str, strict: bool) -> str:
    lang = validate_lang(lang)
    if isinstance(name, str) and has(prefix + name, lang):
        return t(prefix + name, lang)
    if not strict and isinstance(name, str):
        return name
    known = [k[len(prefix) :] for k in catalogue("en") if k.startswith(prefix)]
    raise SpecError(
        f"no label for the {kind} {quoted(name)}; labelled: {', '.join(known)}; add one as "
        f"{prefix}<id> to locales/*/*.yaml in every language"
    )


def scenario_label(name: str, lang: str, /, *, strict: bool = True) -> str:
    """The label of C2's ON RRP scenario ``name`` (``rrp_first``, ``rrp_floor_500``,
    ``half_share``, ``fitted``) in ``lang``: "RRP first" / "先由逆回购吸收".

    ``strict=False`` returns a name without a label as it is written (a ``scenario``
    column of another table). Raises :class:`SpecError` otherwise, listing the labelled.
    """
    return _labelled("C2 scenario", "c2.scenario.", name, lang, strict)


def view_label(name: str, lang: str, /, *, strict: bool = True) -> str:
    """The label of a row (``view``) of B3's 2022 baseline (``nyfed_2022``,
    ``model_2022_qt1-fit``, ``model_2022_qt2-fit``, ``model_realized_rates``,
    ``realized``) in ``lang``. ``strict=False`` returns another name as it is written;
    raises :class:`SpecError` for it otherwise, listing the labelled."""
    return _labelled("B3 view", "b3.view.", name, lang, strict)
