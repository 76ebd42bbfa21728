"""Prepayment-model parameters and the named, packaged parameter sets.

A :class:`PrepayParams` is a frozen, validated set of numbers; named sets live in
``qtlab/prepay/data/params.yaml`` with their source and fit window, and
:func:`prepay_params` looks them up (an unknown name raises
:class:`~qtlab.errors.SpecError` listing the valid names).
"""

from __future__ import annotations

import importlib.resources
import math
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from functools import cache
from typing import Any

import yaml

from qtlab.errors import DateRangeError, SpecError, one_of, quoted

__all__ = [
    "DEFAULT_SEASONALITY",
    "PrepayParams",
    "check_param_set_known",
    "known_param_set",
    "param_set_data_end",
    "param_set_info",
    "param_set_names",
    "prepay_params",
]

#: Housing-turnover seasonality by calendar month in which the holder *receives*
#: the principal (January first), mean 1. Home sales close most in late spring
#: and summer and principal reaches the holder about one month after the loan
#: is paid off, so receipts peak June-August. Rounded assumption in the shape of
#: not-seasonally-adjusted existing-home sales (NAR), shifted one month.
DEFAULT_SEASONALITY: tuple[float, ...] = (
    0.88, 0.80, 0.85, 0.95, 1.02, 1.12, 1.15, 1.15, 1.08, 1.02, 1.00, 0.98,
)  # fmt: skip


@dataclass(frozen=True)
class PrepayParams:
    """Parameters of the turnover + refinancing prepayment model.

    CPR of a cohort in month ``t`` [fraction per year]::

        turnover = turnover_cpr * season[month] * min(age / ramp_months, 1)
                   * lockin(I) * program_mult
        lockin(I) = max(lockin_floor, exp(lockin_beta * I))  if I < 0 else 1
        refi     = refi_max_cpr / (1 + exp(-(I - refi_mid) / refi_slope))
                   * exp(-burnout_rate * exposure) * program_mult
        CPR      = min(turnover + refi, cpr_cap)

    with ``I`` the incentive [pp] = note rate (WAC) - mortgage rate and
    ``exposure`` [pp-months] the cumulative positive incentive since issue.

    Attributes
    ----------
    turnover_cpr
        Housing turnover of a seasoned pool at zero incentive [% CPR].
    ramp_months
        Months of linear seasoning ramp of turnover (PSA-style) [months].
    lockin_beta
        Lock-in decay of turnover per pp of negative incentive [1/pp].
    lockin_floor
        Lowest lock-in multiplier [fraction].
    refi_max_cpr
        Upper asymptote of the refinancing S-curve [% CPR].
    refi_mid
        Incentive at the S-curve's midpoint [pp].
    refi_slope
        S-curve width [pp].
    burnout_rate
        Burnout decay per pp-month of cumulative positive incentive [1/(pp month)].
    gnma_mult
        Multiplier of both turnover and refinancing for Ginnie Mae pools
        (FHA/VA borrowers: streamline refinancing, buyouts of delinquent loans).
    cpr_cap
        Largest CPR the model gives [% CPR].
    rate_lag_months
        Months between the mortgage rate and the principal it drives reaching
        the holder (rate lock and closing, then the factor month and the
        payment delay) [months]. Applied by whoever builds the rate path
        (:func:`qtlab.prepay.rates.rate_path`); the kernel takes the path as given.
    seasonality
        12 turnover multipliers by calendar month of receipt (January first).
    """

    turnover_cpr: float = 6.0
    ramp_months: float = 30.0
    lockin_beta: float = 0.30
    lockin_floor: float = 0.30
    refi_max_cpr: float = 40.0
    refi_mid: float = 1.25
    refi_slope: float = 0.35
    burnout_rate: float = 0.02
    gnma_mult: float = 1.2
    cpr_cap: float = 80.0
    rate_lag_months: int = 2
    seasonality: tuple[float, ...] = DEFAULT_SEASONALITY

    def __post_init__(self) -> None:
        positive = ("ramp_months", "refi_slope", "gnma_mult", "cpr_cap")
        nonneg = ("turnover_cpr", "lockin_beta", "refi_max_cpr", "burnout_rate")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "seasonality":
                continue
            if not isinstance(v, int | float) or not math.isfinite(v):
                raise SpecError(f"PrepayParams.{f.name}={quoted(v)} is not a finite number")
        for name in positive:
            if getattr(self, name) <= 0:
                raise SpecError(f"PrepayParams.{name}={quoted(getattr(self, name))} must be > 0")
        for name in nonneg:
            if getattr(self, name) < 0:
                raise SpecError(f"PrepayParams.{name}={quoted(getattr(self, name))} must be >= 0")
        if not 0 <= self.lockin_floor <= 1:
            raise SpecError(
                f"PrepayParams.lockin_floor={quoted(self.lockin_floor)} must be in [0, 1]"
            )
        if self.cpr_cap >= 100:
            raise SpecError(
                f"PrepayParams.cpr_cap={quoted(self.cpr_cap)} must be below 100 [% CPR]"
            )
        if self.rate_lag_months < 0 or int(self.rate_lag_months) != self.rate_lag_months:
            raise SpecError(
                f"PrepayParams.rate_lag_months={quoted(self.rate_lag_months)} must be an "
                f"integer >= 0"
            )
        season = tuple(float(x) for x in self.seasonality)
        if len(season) != 12 or any(not math.isfinite(x) or x < 0 for x in season):
            raise SpecError(
                f"PrepayParams.seasonality={quoted(self.seasonality)} must be 12 numbers >= 0 "
                "(January to December)"
            )
        object.__setattr__(self, "seasonality", season)
        object.__setattr__(self, "rate_lag_months", int(self.rate_lag_months))

    def with_(self, **changes: Any) -> PrepayParams:
        """A copy with some fields changed (validated like the original)."""
        valid = [f.name for f in fields(self)]
        bad = [k for k in changes if k not in valid]
        if bad:
            raise SpecError(
                f"unknown PrepayParams field {quoted(bad[0])}; valid are {one_of(valid)}"
            )
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (seasonality as a list), e.g. for JSON or YAML."""
        d = asdict(self)
        d["seasonality"] = list(self.seasonality)
        return d


@cache
def _registry() -> dict[str, dict[str, Any]]:
    text = importlib.resources.files("qtlab.prepay.data").joinpath("params.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    sets = raw.get("sets") if isinstance(raw, dict) else None
    if not isinstance(sets, dict):
        raise SpecError("qtlab/prepay/data/params.yaml has no 'sets' mapping")
    return {str(k): dict(v) for k, v in sets.items()}


def param_set_names() -> list[str]:
    """Names of the packaged parameter sets."""
    return sorted(_registry())


def param_set_info(name: str) -> dict[str, Any]:
    """Source, fit window and description of a packaged set (without the numbers)."""
    entry = _lookup(name)
    return {k: v for k, v in entry.items() if k != "params"}


def _lookup(name: str) -> dict[str, Any]:
    reg = _registry()
    if name not in reg:
        raise SpecError(
            f"unknown prepayment parameter set {quoted(name)}; valid names are "
            f"{one_of(sorted(reg))}"
        )
    return reg[name]


def prepay_params(name: str = "qt2-fit", **overrides: Any) -> PrepayParams:
    """The packaged parameter set ``name``, optionally with fields overridden.

    Raises
    ------
    SpecError
        If ``name`` is unknown (the message lists the valid names) or a value is invalid.
    """
    entry = _lookup(name)
    values = dict(entry.get("params") or {})
    values.update(overrides)
    valid = [f.name for f in fields(PrepayParams)]
    bad = [k for k in values if k not in valid]
    if bad:
        raise SpecError(
            f"parameter set {quoted(name)}: unknown field {quoted(bad[0])}; valid fields are "
            f"{one_of(valid)}"
        )
    if "seasonality" in values:
        values["seasonality"] = tuple(values["seasonality"])
    return PrepayParams(**values)


def param_set_data_end(name: str) -> date | None:
    """The date of the last data a packaged set was fitted on or derived from (its
    ``data_end``), or ``None`` for a set that uses no data (``prior``)."""
    raw = _lookup(name).get("data_end")
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise SpecError(
            f"qtlab/prepay/data/params.yaml: set {name!r} has data_end={raw!r}; give an ISO "
            "date (YYYY-MM-DD), the last observation the fit used"
        ) from None


def known_param_set(as_of: date | None) -> str:
    """The default parameter set at vantage ``as_of``: the fitted set (one with a
    ``fit_window``) whose data ended latest on or before ``as_of``; ``prior`` if none
    had; ``None`` (today) the latest fitted set."""
    fitted = [
        (end, n)
        for n in param_set_names()
        if "fit_window" in _lookup(n) and (end := param_set_data_end(n)) is not None
    ]
    usable = [(end, n) for end, n in fitted if as_of is None or end <= as_of]
    return max(usable)[1] if usable else "prior"


def check_param_set_known(name: str, as_of: date | None) -> None:
    """Raise :class:`DateRangeError` if set ``name`` uses data published after ``as_of``
    (a parameter set fitted later was not known at that vantage)."""
    end = param_set_data_end(name)
    if as_of is not None and end is not None and end > as_of:
        raise DateRangeError(
            f"prepayment parameter set {name!r} uses data to {end.isoformat()}, after the "
            f"vantage date {as_of.isoformat()}; the set known then is "
            f"{known_param_set(as_of)!r} (leave params unset to use it)"
        )
