"""Endpoint rules (C3): when does runoff have to stop?

A rule is a threshold on a projected monthly path. Rules compose: given several,
the first to bind ends the runoff (ties go to the first listed). Each rule
binds in the first month, from the runoff start on, where

- ``reserves_peak_fraction=f``: reserves <= (1 - f) x their peak (the highest
  monthly reserves up to that month, history included unless a peak is given;
  f = 0.5 is the QT1 precedent: reserves fell from about 2.8 to 1.4 trillion);
- ``assets_to_gdp=s``: total assets <= s x nominal GDP (annual rate);
- ``reserves_to_gdp=s``: reserves <= s x nominal GDP;
- ``reserves_to_bank_assets=s``: reserves <= s x commercial-bank total assets.
  qtlab has no bank-assets data (H.8): pass a path, or the rule fails clearly.

Nominal GDP beyond the last actual quarter comes from
:func:`qtlab.balance.gdp.monthly_gdp`, whose growth assumption is printed with
every result that uses it.

The end month is the first month in which the rule is met (measured on that
month's level); months of runoff count the start month through the end month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from qtlab._periods import as_monthly, period_index, require_monthly, to_month, value_at
from qtlab.errors import SpecError, one_of

# the rule names and their usual values are the glossary's, shared with qtlab.policy
from qtlab.schema import ENDPOINT_RULE_DEFAULTS as _DEFAULTS
from qtlab.schema import ENDPOINT_RULE_NAMES as ENDPOINT_RULES
from qtlab.schema import EndpointRuleName as RuleName

__all__ = [
    "ENDPOINT_RULES",
    "EndpointResult",
    "EndpointRule",
    "RuleName",
    "find_endpoint",
    "parse_rule",
]


@dataclass(frozen=True)
class EndpointRule:
    """One endpoint rule: a name of :data:`ENDPOINT_RULES` and its value (a fraction in (0, 1))."""

    name: RuleName
    value: float

    def __post_init__(self) -> None:
        if self.name not in ENDPOINT_RULES:
            raise SpecError(
                f"unknown endpoint rule {self.name!r}; valid rules are {one_of(ENDPOINT_RULES)}"
            )
        if not 0.0 < self.value < 1.0:
            raise SpecError(
                f"{self.name}={self.value!r} must be a fraction strictly between 0 and 1 "
                f"(e.g. {self.name}={_DEFAULTS[self.name]})"
            )

    def __str__(self) -> str:
        return f"{self.name}={self.value:g}"


def parse_rule(text: str) -> EndpointRule:
    """Parse ``NAME=VALUE`` (or ``NAME`` alone, for its default) into an :class:`EndpointRule`."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if name not in ENDPOINT_RULES:
        raise SpecError(f"unknown endpoint rule {name!r}; valid rules are {one_of(ENDPOINT_RULES)}")
    if not sep:
        return EndpointRule(name, _DEFAULTS[name])  # type: ignore[arg-type]
    try:
        value = float(raw)
    except ValueError as exc:
        raise SpecError(f"rule {name!r}: value {raw!r} is not a number (e.g. {name}=0.5)") from exc
    return EndpointRule(name, value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class EndpointResult:
    """Where runoff ends under a set of rules.

    Attributes
    ----------
    rule
        The rule that binds first (``None`` if none binds within the path).
    end_month
        The first month the rule is met, or ``None``.
    months_of_runoff
        Start month through end month inclusive, or ``None``.
    terminal_assets, terminal_reserves
        Levels in the end month [USD bn], or ``None``.
    by_rule
        Each rule's own first binding month (``None`` where it never binds).
    thresholds
        Each rule's threshold path [USD bn], by rule text, aligned on the path.
    assumptions
        Lines to print with the result (GDP growth, bank assets ...).
    """

    rule: EndpointRule | None
    end_month: pd.Period | None
    months_of_runoff: int | None
    terminal_assets: float | None
    terminal_reserves: float | None
    by_rule: Mapping[str, pd.Period | None]
    thresholds: pd.DataFrame = field(repr=False)
    assumptions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (months as ``YYYY-MM``)."""
        return {
            "rule": None if self.rule is None else str(self.rule),
            "end_month": None if self.end_month is None else str(self.end_month),
            "months_of_runoff": self.months_of_runoff,
            "terminal_assets": self.terminal_assets,
            "terminal_reserves": self.terminal_reserves,
        }


def _threshold(
    rule: EndpointRule,
    idx: pd.PeriodIndex,
    reserves_all: pd.Series,
    gdp: pd.Series | None,
    bank_assets: pd.Series | None,
    peak: float | None,
) -> tuple[str, pd.Series, pd.Series]:
    """(which quantity, threshold path) for one rule over ``idx``."""
    if rule.name == "reserves_peak_fraction":
        if peak is not None:
            pk = pd.Series(float(peak), index=idx)
        else:
            pk = reserves_all.cummax().reindex(idx)
        return "reserves", (1.0 - rule.value) * pk, pk
    if rule.name in ("assets_to_gdp", "reserves_to_gdp"):
        if gdp is None:
            raise SpecError(
                f"rule {rule} needs a nominal GDP path [USD bn, annual rate]; build one with "
                "qtlab.balance.monthly_gdp"
            )
        g = as_monthly(gdp, idx, "gdp")
        return ("total_assets" if rule.name == "assets_to_gdp" else "reserves"), rule.value * g, g
    if bank_assets is None:
        raise SpecError(
            f"rule {rule} needs a path of commercial-bank total assets [USD bn] (Federal Reserve "
            "H.8), which qtlab's data do not include: pass bank_assets=<monthly Series>, or use "
            "reserves_to_gdp or reserves_peak_fraction instead"
        )
    b = as_monthly(bank_assets, idx, "bank_assets")
    return "reserves", rule.value * b, b


def find_endpoint(
    path: pd.DataFrame,
    rules: Sequence[EndpointRule | str],
    *,
    start: pd.Period | str | None = None,
    reserves_history: pd.Series | None = None,
    peak_reserves: float | None = None,
    gdp: pd.Series | None = None,
    bank_assets: pd.Series | None = None,
    assumptions: Sequence[str] = (),
) -> EndpointResult:
    """The first month any rule binds along a projected path.

    Parameters
    ----------
    path
        Monthly frame (``Period[M]`` index) with ``total_assets`` and
        ``reserves`` [USD bn], e.g. :func:`qtlab.balance.project_liabilities`.
    rules
        :class:`EndpointRule` objects or ``"NAME=VALUE"`` strings; the first
        to bind ends runoff.
    start
        The first month of runoff (default: the path's first month).
    reserves_history
        Monthly reserves before the path [USD bn]; the peak looks back over it.
    peak_reserves
        Use this peak instead [USD bn].
    gdp, bank_assets
        Monthly nominal GDP [USD bn, annual rate] and commercial-bank assets
        [USD bn] covering the path, for the rules that need them.
    assumptions
        Lines carried into the result (e.g. the GDP growth assumption).
    """
    if not rules:
        raise SpecError(
            f"give at least one endpoint rule; valid rules are {one_of(ENDPOINT_RULES)}"
        )
    parsed = [r if isinstance(r, EndpointRule) else parse_rule(r) for r in rules]
    for col in ("total_assets", "reserves"):
        if col not in path.columns:
            raise SpecError(f"path lacks column {col!r}; it has {one_of(path.columns)}")
        require_monthly(path[col], f"path[{col!r}]")
    first = path.index[0] if start is None else to_month(start, field="start")
    if first not in path.index:
        raise SpecError(f"start={first} is outside the path {path.index[0]}..{path.index[-1]}")
    reserves_all = path["reserves"]
    if reserves_history is not None:
        hist = require_monthly(reserves_history, "reserves_history")
        reserves_all = pd.concat([hist[hist.index < path.index[0]], reserves_all])
    months = period_index(path)
    idx = months[months >= first]
    by_rule: dict[str, pd.Period | None] = {}
    thresholds = {}
    best: tuple[int, EndpointRule] | None = None
    for rule in parsed:
        quantity, thr, _ = _threshold(rule, idx, reserves_all, gdp, bank_assets, peak_reserves)
        thresholds[str(rule)] = thr
        hit = path.loc[idx, quantity] <= thr
        pos = int(hit.to_numpy().argmax()) if hit.any() else None
        by_rule[str(rule)] = None if pos is None else idx[pos]
        if pos is not None and (best is None or pos < best[0]):
            best = (pos, rule)
    thr_frame = pd.DataFrame(thresholds, index=idx)
    if best is None:
        return EndpointResult(None, None, None, None, None, by_rule, thr_frame, tuple(assumptions))
    pos, rule = best
    end = idx[pos]
    return EndpointResult(
        rule=rule,
        end_month=end,
        months_of_runoff=pos + 1,
        terminal_assets=value_at(path, end, "total_assets"),
        terminal_reserves=value_at(path, end, "reserves"),
        by_rule=by_rule,
        thresholds=thr_frame,
        assumptions=tuple(assumptions),
    )
