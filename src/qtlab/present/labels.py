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
"""

from __future__ import annotations

import re
from typing import Final

from qtlab.errors import SpecError, quoted
from qtlab.i18n import catalogue, has, t, validate_lang

__all__ = ["policy_label", "policy_label_ids"]

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
