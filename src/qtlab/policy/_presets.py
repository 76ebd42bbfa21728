"""Policy presets shipped with qtlab as YAML files in ``qtlab/policy/data/``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Final

from qtlab.errors import SpecError, one_of
from qtlab.policy._model import Policy

__all__ = ["PRESET_NAMES", "load_preset", "presets"]

#: The preset names, in historical order.
PRESET_NAMES: Final = ("qt1-2017", "qt2-announced", "qt2-realized", "rmp-2025")


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
