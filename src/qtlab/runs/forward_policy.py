"""F1's policies: the regime in force at the forward start and the user's alternatives.

Every run keeps the realized regimes (``qt2-realized``) before the first projected month,
so all alternatives start from the same carried-forward holdings; from that month on,
the regime in force (with the user's reserve-management pace) or an alternative applies.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd

from qtlab.errors import SpecError, one_of, quoted
from qtlab.policy import PRESET_NAMES, Policy, Regime, load_preset, preset_in_force
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import Assumption

__all__ = [
    "REALIZED_POLICY",
    "AlternativeSpec",
    "base_name",
    "check_pace",
    "from_start",
    "known_policy",
    "pace_alternative",
    "resolve_alternative",
    "run_from",
]

#: The policy the holdings are carried forward under, and whose last regime announced
#: by the vantage date is "the regime in force".
REALIZED_POLICY: Final = "qt2-realized"
#: An alternative: a pace [USD bn/month], a preset name, a YAML file or a Policy.
AlternativeSpec = float | int | str | Path | Policy


def check_pace(value: object, field_name: str) -> float:
    """``value`` as a monthly pace [USD bn]; :class:`SpecError` naming ``field_name``
    unless it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(
            f"{field_name}={quoted(value)} is not a number; give USD bn per month, e.g. 40"
        )
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise SpecError(
            f"{field_name}={quoted(value)} must be a finite number >= 0 [USD bn per month]"
        )
    return v


def known_policy(as_of: date | None) -> Policy:
    """``qt2-realized`` cut to the regimes announced by ``as_of`` (:meth:`Policy.known_at`);
    before QT2 was announced, the plan in force then (:func:`~qtlab.policy.preset_in_force`)."""
    pol = load_preset(REALIZED_POLICY)
    if not pol.announced_by(as_of):
        pol = load_preset(preset_in_force(as_of))
    return pol.known_at(as_of)


def from_start(alt: Policy, realized: Policy, start: pd.Period, name: str) -> Policy:
    """``realized`` before ``start``; ``alt`` from ``start`` (its regime in force then
    restarted at ``start``; if ``alt`` starts later, the realized regime continues)."""
    kept = [r for r in realized.regimes if r.start < start]
    if alt.start <= start:
        cur = replace(alt.regime_at(start), start=start)
        later = [r for r in alt.regimes if r.start > start]
        new = [cur, *later]
    else:
        new = list(alt.regimes)
    taken = {r.name for r in kept}
    regs: list[Regime] = list(kept)
    for r in new:
        regs.append(replace(r, name=f"{r.name}@{r.start}") if r.name in taken else r)
        taken.add(regs[-1].name)
    return Policy(name=name, regimes=tuple(regs), title=alt.title, endpoint=alt.endpoint)


def run_from(policy: Policy, ctx: RunContext, start: pd.Period) -> Policy:
    """``policy`` from ``start``, the realized policy known at the vantage of ``ctx``
    before it (as F1 carries the holdings forward, :func:`known_policy`); the name stays
    ``policy``'s. A policy whose regimes up to ``start`` are the realized ones is returned
    as it is (no regime restarted)."""
    realized = known_policy(ctx.as_of)
    upto = [r for r in realized.regimes if r.start <= start]
    if upto and upto == [r for r in policy.regimes if r.start <= start]:
        return policy
    return from_start(policy, realized, start, policy.name)


def _with_pace(pol: Policy, start: pd.Period, pace: float) -> Policy:
    """Every regime from ``start`` buys ``pace`` of bills a month [USD bn]."""
    regs = tuple(replace(r, bill_purchases=pace) if r.start >= start else r for r in pol.regimes)
    return replace(pol, regimes=regs)


def resolve_alternative(
    spec: AlternativeSpec, *, realized: Policy, start: pd.Period
) -> tuple[str, Policy, Assumption]:
    """An alternative as (name, policy with the realized regimes before ``start``,
    its description).

    ``spec``: a reserve-management pace [USD bn/month] (number or numeric string: the
    regime in force with that pace), a preset name, a policy YAML file, or a
    :class:`~qtlab.policy.Policy`; each applies from ``start`` (a policy starting later
    keeps the regime in force until its first regime).
    """
    in_force = from_start(realized, realized, start, REALIZED_POLICY)
    if isinstance(spec, Policy):
        pol = from_start(spec, realized, start, spec.name)
        return spec.name, pol, _policy_text(spec.title or spec.name)
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        pace = check_pace(spec, "alternative pace")
        return pace_alternative(in_force, start, pace)
    if isinstance(spec, str | Path):
        text = str(spec).strip()
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None:
            return pace_alternative(in_force, start, check_pace(number, "alternative pace"))
        if text in PRESET_NAMES:
            pol = load_preset(text)
            return text, from_start(pol, realized, start, text), _policy_text(pol.title)
        p = Path(text)
        if p.suffix.lower() in (".yaml", ".yml") and p.is_file():
            pol = Policy.from_yaml(p)
            desc = _policy_text(pol.title or str(p))
            return pol.name, from_start(pol, realized, start, pol.name), desc
    raise SpecError(
        f"unknown alternative {quoted(spec)}; give a reserve-management bill pace [USD bn per "
        f"month] (e.g. 20), a preset ({one_of(PRESET_NAMES)}), an existing policy YAML file "
        "or a Policy"
    )


def _policy_text(title: str) -> Assumption:
    return Assumption("f1.alt.policy", {"title": title})


def base_name(regime: str) -> str:
    """A regime's name without the ``@YYYY-MM`` a restart at the forward start adds."""
    return regime.split("@", 1)[0]


def pace_alternative(
    in_force: Policy, start: pd.Period, pace: float
) -> tuple[str, Policy, Assumption]:
    """``in_force`` buying ``pace`` [USD bn/month] of bills from ``start``, named
    ``rmp-<pace>``, with its description."""
    name = f"rmp-{pace:g}"
    pol = replace(_with_pace(in_force, start, pace), name=name)
    reg = base_name(pol.regime_at(start).name)
    return name, pol, Assumption("f1.alt.pace", {"regime": reg, "pace": pace})
