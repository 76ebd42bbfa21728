"""``Endpoint``: when a policy stops runoff, and what it does after (frozen, validated).

An endpoint is an ordered tuple of :class:`EndpointCondition` thresholds (the
first to bind ends runoff; ties go to the first listed) and the regime in force
from the month after it binds (by default full rollover and reinvestment, as at
the end of QT1). The rules are measured on the projected balance sheet by the
engine with :mod:`qtlab.balance` (which defines what each rule means):

- ``reserves_peak_fraction=f``: reserves <= (1 - f) x their peak;
- ``assets_to_gdp=s``: total assets <= s x nominal GDP (annual rate);
- ``reserves_to_gdp=s``: reserves <= s x nominal GDP;
- ``reserves_to_bank_assets=s``: reserves <= s x commercial-bank total assets.

YAML form (the ``endpoint`` key of a policy file)::

    endpoint:
      rules:
        - reserves_peak_fraction: 0.5
        - assets_to_gdp: 0.2
      then:                      # optional; default: full reinvestment (QT1's end)
        name: endpoint-reinvest
        treasury_cap: 0
        agency_cap: 0
        mbs_excess_to: treasuries
        mbs_excess_limit: 20
        source: {title: ..., date: ..., url: ...}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.errors import SpecError, one_of, quoted
from qtlab.policy._model import Regime, RegimeSource

# the rule names and their usual values are the glossary's, which qtlab.balance measures
from qtlab.schema import ENDPOINT_RULE_DEFAULTS, ENDPOINT_RULE_NAMES

__all__ = [
    "ENDPOINT_RULE_DEFAULTS",
    "ENDPOINT_RULE_NAMES",
    "Endpoint",
    "EndpointCondition",
    "default_endpoint_regime",
]

#: Placeholder start of the endpoint regime: it starts where the first rule binds.
_UNSET: Final = pd.Period("1900-01", freq="M")
_QT1_END_SOURCE: Final = RegimeSource(
    "FOMC statement and implementation note, July 31, 2019 (end of QT1; the January 2022 "
    "Principles for Reducing the Size of the Federal Reserve's Balance Sheet: stop the decline "
    "when reserves are somewhat above ample, https://www.federalreserve.gov/newsevents/"
    "pressreleases/monetary20220126c.htm)",
    "2019-07-31",
    "https://www.federalreserve.gov/newsevents/pressreleases/monetary20190731a.htm",
)


@dataclass(frozen=True)
class EndpointCondition:
    """One endpoint rule: a name of :data:`ENDPOINT_RULE_NAMES` and a fraction in (0, 1)."""

    name: str
    value: float

    def __post_init__(self) -> None:
        if self.name not in ENDPOINT_RULE_NAMES:
            valid = one_of(ENDPOINT_RULE_NAMES)
            raise SpecError(f"unknown endpoint rule {quoted(self.name)}; valid rules are {valid}")
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 < float(v) < 1.0:
            raise SpecError(
                f"endpoint rule {self.name}={quoted(v)} must be a fraction strictly between 0 "
                f"and 1 "
                f"(e.g. {self.name}={ENDPOINT_RULE_DEFAULTS[self.name]})"
            )
        object.__setattr__(self, "value", float(v))

    def __str__(self) -> str:
        return f"{self.name}={self.value:g}"

    @classmethod
    def parse(cls, item: object) -> EndpointCondition:
        """From ``"NAME=VALUE"``, ``"NAME"`` (its default), ``{NAME: VALUE}`` or a condition."""
        if isinstance(item, EndpointCondition):
            return item
        if isinstance(item, Mapping) and len(item) == 1:
            ((name, value),) = item.items()
            return cls(str(name), value)
        if isinstance(item, str):
            name, sep, raw = item.partition("=")
            name = name.strip()
            if not sep:
                if name not in ENDPOINT_RULE_DEFAULTS:
                    raise SpecError(
                        f"unknown endpoint rule {quoted(name)}; valid rules are "
                        f"{one_of(ENDPOINT_RULE_NAMES)}"
                    )
                return cls(name, ENDPOINT_RULE_DEFAULTS[name])
            try:
                value = float(raw)
            except ValueError as exc:
                raise SpecError(
                    f"endpoint rule {quoted(name)}: value {quoted(raw)} is not a number (e.g. "
                    f"{name}=0.5)"
                ) from exc
            return cls(name, value)
        raise SpecError(
            f"endpoint rule {quoted(item)} must be 'NAME=VALUE' or a one-key mapping NAME: VALUE; "
            f"valid names are {one_of(ENDPOINT_RULE_NAMES)}"
        )


def default_endpoint_regime() -> Regime:
    """Full rollover and reinvestment as at the end of QT1 (August 2019): Treasury caps 0,
    agency principal up to 20 bn a month into Treasury securities, any excess into MBS."""
    return Regime(
        name="endpoint-reinvest",
        start=_UNSET,
        treasury_cap=0.0,
        agency_cap=0.0,
        mbs_excess_to="treasuries",
        mbs_excess_limit=20.0,
        source=_QT1_END_SOURCE,
        note=(
            "After the endpoint: all Treasury principal rolled over at auction; agency principal "
            "up to 20 a month reinvested in Treasury securities, any excess in agency MBS (the "
            "end of QT1, 2019-08)."
        ),
    )


@dataclass(frozen=True)
class Endpoint:
    """When runoff stops and the regime in force after.

    Attributes
    ----------
    rules
        Conditions in order; the first to bind ends runoff (ties: the first listed).
    regime
        The regime in force from the month after the end month (its ``start`` is
        set then, see :meth:`regime_from`); no phase-in.
    """

    rules: tuple[EndpointCondition, ...]
    regime: Regime = field(default_factory=default_endpoint_regime)

    def __post_init__(self) -> None:
        given: object = self.rules
        if isinstance(given, str | Mapping | EndpointCondition):
            given = (given,)  # one rule given alone
        if not isinstance(given, tuple | list):
            raise SpecError(f"endpoint: rules must be a list of rules, got {quoted(given)}")
        rules = tuple(EndpointCondition.parse(r) for r in given)
        if not rules:
            raise SpecError(
                f"endpoint: give at least one rule; valid rules are {one_of(ENDPOINT_RULE_NAMES)}"
            )
        names = [r.name for r in rules]
        if len(set(names)) != len(names):
            raise SpecError(f"endpoint: rules repeat a name: {names}; give each rule once")
        object.__setattr__(self, "rules", rules)
        if not isinstance(self.regime, Regime):
            raise SpecError(f"endpoint: regime must be a Regime, got {quoted(self.regime)}")
        if self.regime.phase_in is not None:
            raise SpecError(
                f"endpoint regime {quoted(self.regime.name)}: phase_in is not allowed (the regime "
                "starts the month after the endpoint binds)"
            )

    def __repr__(self) -> str:
        rules = ", ".join(str(r) for r in self.rules)
        return f"Endpoint([{rules}] -> {self.regime.name})"

    def regime_from(self, month: MonthLike) -> Regime:
        """The endpoint regime starting in ``month``."""
        return replace(self.regime, start=to_month(month, field="month"))

    def to_dict(self) -> dict[str, Any]:
        """The YAML form."""
        then = self.regime.to_dict()
        del then["start"], then["phase_in"]
        return {"rules": [{r.name: r.value} for r in self.rules], "then": then}

    @classmethod
    def from_dict(cls, data: object, *, where: str = "policy") -> Endpoint:
        """From the YAML form (``rules``, optional ``then``); errors name the bad field."""
        w = f"{where}: endpoint"
        if not isinstance(data, Mapping):
            raise SpecError(
                f"{w} must be a mapping with 'rules' (and optional 'then'), got {quoted(data)}"
            )
        unknown = [k for k in data if k not in ("rules", "then")]
        if unknown:
            raise SpecError(
                f"{w}: unknown key {quoted(unknown[0])}; valid keys are 'rules', 'then'"
            )
        rules = data.get("rules")
        if not isinstance(rules, list) or not rules:
            raise SpecError(
                f"{w}: 'rules' must be a non-empty list such as [reserves_peak_fraction: 0.5]; "
                f"got {quoted(rules)}"
            )
        try:
            parsed = tuple(EndpointCondition.parse(r) for r in rules)
        except SpecError as exc:
            raise SpecError(f"{w}: {exc}") from exc
        then = data.get("then")
        if then is None:
            return cls(parsed)
        if not isinstance(then, Mapping):
            raise SpecError(f"{w}: 'then' must be a regime mapping, got {quoted(then)}")
        valid = [f.name for f in fields(Regime) if f.name not in ("start", "phase_in")]
        bad = [k for k in then if k not in valid]
        if bad:
            raise SpecError(
                f"{w}: 'then' has unknown field {quoted(bad[0])} (it starts the month after the "
                f"endpoint, without phase-in); valid fields are {one_of(valid)}"
            )
        kw = {"treasury_cap": 0, "agency_cap": 0, "name": "endpoint", **dict(then)}
        return cls(parsed, Regime.from_dict({**kw, "start": str(_UNSET)}))
