"""What the dashboard computes, without Dash: explorer specs, policies and a result cache.

The dashboard calls only the registered analysis functions (B1-B4 for the policy
explorer, any id for the analysis browser); this module turns the page's inputs into
their arguments, validates them through the library (so a bad cap or month raises the
library's own :class:`~qtlab.errors.SpecError`), and keeps the results in a cache.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from qtlab._lru import LRUCache
from qtlab._periods import to_month
from qtlab.analyses.result import AnalysisResult, get_analysis
from qtlab.engine import MAX_MONTHS as ENGINE_MAX_MONTHS
from qtlab.errors import SpecError, one_of, quoted
from qtlab.policy import PRESET_NAMES, Policy, Regime, load_preset
from qtlab.store.dataset import Dataset, to_date

__all__ = [
    "EDITABLE_FIELDS",
    "EXPLORER_IDS",
    "PAYDOWN_SOURCES",
    "ExplorerSpec",
    "ResultCache",
    "edited_policy",
    "explorer_spec",
    "preset_rows",
    "results",
]

#: The analyses of the policy explorer, in page order.
EXPLORER_IDS: Final = ("B1", "B2", "B3", "B4")
#: Regime fields the explorer lets the user edit: caps [USD bn/month], the start month,
#: and the reserve-management (bill) purchase pace [USD bn/month].
EDITABLE_FIELDS: Final = ("start", "treasury_cap", "agency_cap", "bill_purchases")
#: Where the MBS paydowns of B4 come from.
PAYDOWN_SOURCES: Final = ("realized", "model")
#: The horizon of a projection may run from one month to fifty years (the engine's limit).
MAX_MONTHS: Final = ENGINE_MAX_MONTHS


def preset_rows(preset: str) -> list[dict[str, Any]]:
    """The regimes of a packaged preset as table rows: ``name`` and :data:`EDITABLE_FIELDS`.

    Caps and purchases are numbers [USD bn/month] (``"uncapped"`` for no cap), starts
    ``YYYY-MM``. Raises :class:`SpecError` listing the presets for an unknown name.
    """
    pol = load_preset(preset)
    rows = []
    for r in pol.regimes:
        d = r.to_dict()
        rows.append({"name": r.name, **{f: d[f] for f in EDITABLE_FIELDS}})
    return rows


def _cell(value: Any) -> Any:
    """A table cell as the library wants it: numbers as numbers, other text as typed."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            return text
    return value


def edited_policy(preset: str, rows: Sequence[Mapping[str, Any]] | None) -> Policy:
    """The preset ``preset`` with its regimes' editable fields replaced by ``rows``.

    ``rows`` are the explorer's table rows (one per regime, in order, keyed by
    ``name`` and :data:`EDITABLE_FIELDS`); ``None`` or rows equal to the preset give
    the preset itself. An edited policy is named ``<preset> (edited)``. Every value
    goes through the library's validation: a negative cap or a malformed start month
    raises its :class:`SpecError` (naming the regime, the field and the value).
    """
    base = load_preset(preset)
    if not rows:
        return base
    if [r.get("name") for r in rows] != [r.name for r in base.regimes]:
        raise SpecError(
            f"the regimes table does not match preset {quoted(preset)}: expected regimes "
            f"{one_of(r.name for r in base.regimes)}, got {[r.get('name') for r in rows]}"
        )
    regimes: list[Regime] = []
    for reg, row in zip(base.regimes, rows, strict=True):
        data = reg.to_dict()
        for f in EDITABLE_FIELDS:
            if f in row:
                v = _cell(row[f])
                data[f] = "" if v is None else v
        data["start"] = str(data["start"])
        regimes.append(Regime.from_dict(data))
    if tuple(regimes) == base.regimes:
        return base
    return replace(base, name=f"{preset} (edited)", regimes=tuple(regimes))


@dataclass(frozen=True)
class ExplorerSpec:
    """The validated inputs of the policy explorer.

    Attributes
    ----------
    policy : the policy to project (a preset or an edited preset).
    start : first projected month (``YYYY-MM``), or ``None`` for the month after the
        holdings visible at the vantage date.
    months : the horizon [months].
    mbs_paydowns : ``"realized"`` or ``"model"``.
    shock_bp : mortgage-rate shock of the model [bp] (0 with realized paydowns).
    as_of : the vantage date (ISO), or ``None`` for the latest data.
    """

    policy: Policy
    start: str | None
    months: int
    mbs_paydowns: str
    shock_bp: float
    as_of: str | None

    def options(self, aid: str) -> dict[str, Any]:
        """Keyword arguments of analysis ``aid`` (one of :data:`EXPLORER_IDS`)."""
        if aid == "B3":
            shock = self.shock_bp if self.mbs_paydowns == "model" and self.shock_bp else None
            return {"months": self.months, "shock_bp": shock}
        opts: dict[str, Any] = {"policy": self.policy, "start": self.start, "months": self.months}
        if aid == "B4":
            opts["mbs_paydowns"] = self.mbs_paydowns
            if self.mbs_paydowns == "model":
                opts["shock_bp"] = self.shock_bp
        return opts

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form (kept in the page between callbacks); :meth:`from_json` reads it."""
        return {
            "policy": self.policy.to_dict(),
            "start": self.start,
            "months": self.months,
            "mbs_paydowns": self.mbs_paydowns,
            "shock_bp": self.shock_bp,
            "as_of": self.as_of,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExplorerSpec:
        """The spec :meth:`to_json` wrote."""
        return cls(
            policy=Policy.from_dict(data["policy"]),
            start=data["start"],
            months=int(data["months"]),
            mbs_paydowns=str(data["mbs_paydowns"]),
            shock_bp=float(data["shock_bp"]),
            as_of=data["as_of"],
        )


def _vantage(as_of: str | None) -> str | None:
    """The vantage date as ISO text (``None``: the latest data), checked by the library."""
    text = (as_of or "").strip()
    if not text:
        return None
    day = to_date(text, field="vantage date").isoformat()
    Dataset(day)  # a date in the future is the Dataset's error, stated once
    return day


def explorer_spec(
    *,
    preset: str,
    rows: Sequence[Mapping[str, Any]] | None,
    start: str | None,
    months: Any,
    mbs_paydowns: str,
    shock_bp: Any,
    as_of: str | None,
) -> ExplorerSpec:
    """Validate the explorer's inputs into an :class:`ExplorerSpec`.

    Raises the library's errors for bad input: :class:`SpecError` for an unknown
    preset, a bad regime value, a malformed start month, a horizon outside
    1..600 months, an unknown paydown source or a non-finite shock;
    :class:`~qtlab.errors.DateRangeError` for a malformed vantage date.
    """
    if preset not in PRESET_NAMES:
        raise SpecError(
            f"unknown policy preset {quoted(preset)}; valid presets are {one_of(PRESET_NAMES)}"
        )
    policy = edited_policy(preset, rows)
    first = (start or "").strip()
    first_month = str(to_month(first, field="projection start")) if first else None
    try:
        n = int(str(months).strip()) if months is not None else -1
    except ValueError:
        n = -1
    if not 1 <= n <= MAX_MONTHS:
        raise SpecError(
            f"horizon months={quoted(months)} must be a whole number from 1 to {MAX_MONTHS}"
        )
    if mbs_paydowns not in PAYDOWN_SOURCES:
        raise SpecError(
            f"MBS paydowns {quoted(mbs_paydowns)} is not valid; choose {one_of(PAYDOWN_SOURCES)}"
        )
    try:
        shock = float(str(shock_bp).strip()) if shock_bp not in (None, "") else 0.0
    except ValueError:
        shock = math.nan
    if not math.isfinite(shock):
        raise SpecError(
            f"mortgage-rate shock {quoted(shock_bp)} must be a finite number of basis points"
        )
    return ExplorerSpec(
        policy=policy,
        start=first_month,
        months=n,
        mbs_paydowns=mbs_paydowns,
        shock_bp=shock if mbs_paydowns == "model" else 0.0,
        as_of=_vantage(as_of),
    )


class ResultCache:
    """Analysis results kept in-process per (analysis, parameters, vantage, language).

    Thread-safe: the dashboard's server answers callbacks on several threads, and two
    requests for the same key compute it once (the second waits for the first). The
    least recently used entries are dropped beyond ``size`` (:class:`qtlab._lru.LRUCache`).
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._cache = LRUCache(size)

    def __len__(self) -> int:
        return len(self._cache)

    @property
    def computed(self) -> int:
        """Results computed (not served from the cache)."""
        return self._cache.misses

    @staticmethod
    def key(
        aid: str, options: Mapping[str, Any], as_of: str | None, lang: str
    ) -> tuple[str, str, str | None, str]:
        """The cache key; a policy counts by its full content, not its name."""
        opts = {k: v.to_dict() if isinstance(v, Policy) else v for k, v in options.items()}
        return (aid.upper(), json.dumps(opts, sort_keys=True, default=str), as_of, lang)

    def get(
        self,
        aid: str,
        options: Mapping[str, Any],
        as_of: str | None,
        lang: str,
        compute: Callable[[], AnalysisResult],
    ) -> AnalysisResult:
        """The cached result for the key, or ``compute()``'s, stored."""
        return self._cache.get(self.key(aid, options, as_of, lang), compute)

    def clear(self) -> None:
        """Forget every result."""
        self._cache.clear()


def results(
    cache: ResultCache,
    aid: str,
    *,
    as_of: str | None,
    lang: str,
    options: Mapping[str, Any] | None = None,
) -> AnalysisResult:
    """Analysis ``aid`` (any registered id) on the data as of ``as_of`` in ``lang``, cached.

    Raises :class:`SpecError` for an unknown id (listing the valid ones) and the
    analysis's own errors for bad options.
    """
    spec = get_analysis(aid)
    vantage = _vantage(as_of)
    opts = dict(options or {})

    def compute() -> AnalysisResult:
        return spec.run(Dataset(vantage), lang=lang, **opts)

    return cache.get(spec.id, opts, vantage, lang, compute)
