"""Policy presets shipped with qtlab as YAML files in ``qtlab/policy/data/``."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Final

from qtlab.errors import DateRangeError, SpecError, one_of
from qtlab.policy._model import Policy

__all__ = ["HISTORY_PRESETS", "PRESET_NAMES", "load_preset", "preset_in_force", "presets"]

#: The preset names, in historical order.
PRESET_NAMES: Final = ("qt1-2017", "qt2-announced", "qt2-realized", "rmp-2025")
#: The presets that describe the Fed's runoff plans from their start, in historical
#: order (``rmp-2025`` holds only the regime after QT2, which ``qt2-realized`` ends with).
HISTORY_PRESETS: Final = ("qt1-2017", "qt2-announced", "qt2-realized")


def presets() -> list[str]:
    """The names of the packaged policy presets."""
    return list(PRESET_NAMES)


def load_preset(name: str, *, rmp_pace: float | None = None) -> Policy:
    """Load a packaged policy preset.

    Parameters
    ----------
    name
        One of :data:`PRESET_NAMES`.
    rmp_pace
        Monthly pace of reserve-management bill purchases [USD bn] for the
        regimes that have them (``qt2-realized``, ``rmp-2025``; default as in
        the preset file, 40).

    Raises
    ------
    SpecError
        For an unknown name (the message lists the valid ones).
    """
    if name not in PRESET_NAMES:
        raise SpecError(f"unknown policy preset {name!r}; valid presets are {one_of(PRESET_NAMES)}")
    policy = _packaged(name)
    if rmp_pace is not None:
        policy = policy.with_purchases(bills=rmp_pace)
    return policy


@cache
def _packaged(name: str) -> Policy:
    """Parse a packaged preset file once per process (a Policy is immutable, so it is shared)."""
    text = resources.files("qtlab.policy.data").joinpath(f"{name}.yaml").read_text("utf-8")
    return Policy.from_yaml_text(text, file=f"qtlab/policy/data/{name}.yaml")


def _rules(policy: Policy) -> list[dict[str, Any]]:
    """The regimes' rules, without their wording (note) and citation."""
    return [
        {k: v for k, v in r.to_dict().items() if k not in ("note", "source")}
        for r in policy.regimes
    ]


def preset_in_force(as_of: date | None) -> str:
    """The packaged preset that describes the runoff plan known on ``as_of``.

    Among :data:`HISTORY_PRESETS`, the latest with a regime announced by ``as_of``
    (its users cut it with :meth:`Policy.known_at`); where a later preset known then
    holds the same rules as an earlier one (``qt2-realized`` before 2024-05-01 is
    the plan of 2022-05-04), the earlier name is kept. ``None`` (today):
    ``qt2-realized``.

    Raises
    ------
    DateRangeError
        Before the first plan was announced (2017-06-14).
    """
    if as_of is None:
        return HISTORY_PRESETS[-1]
    best: str | None = None
    for name in HISTORY_PRESETS:
        pol = load_preset(name)
        if not pol.announced_by(as_of):
            continue
        if best is None or _rules(pol.known_at(as_of)) != _rules(load_preset(best).known_at(as_of)):
            best = name
    if best is None:
        first = load_preset(HISTORY_PRESETS[0]).regimes[0]
        raise DateRangeError(
            f"no runoff plan had been announced by {as_of.isoformat()} (the first, "
            f"{first.name!r}, on {first.announced.isoformat()}); give a policy or a later "
            "vantage date"
        )
    return best
