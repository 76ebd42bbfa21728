"""What the dashboard computes, without Dash: explorer specs, policies and a result cache.

The dashboard calls only the registered analysis functions (B1-B4, C2 and C3 for the
policy explorer, any id for the analysis browser); this module turns the page's inputs
into their arguments (made in the vantage's context by :mod:`qtlab.app._explore`),
validates them through the library (so a bad cap or month raises the library's own
:class:`~qtlab.errors.SpecError`), and keeps the numbers in a cache, each computed in
the one :class:`~qtlab.runs.RunContext` of its vantage and state of the data. The
numbers (:class:`~qtlab.analyses.computed.Computed`) have no language: switching the
page's language renders the same numbers again and computes nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from qtlab._lru import LRUCache
from qtlab._periods import to_month
from qtlab.analyses.computed import Computed
from qtlab.analyses.result import AnalysisResult, get_analysis
from qtlab.app._explore import analysis_kwargs
from qtlab.app._policy_edit import EDITABLE_FIELDS, edited_policy, preset_rows
from qtlab.engine import MAX_MONTHS as ENGINE_MAX_MONTHS
from qtlab.errors import SpecError, one_of, quoted
from qtlab.i18n import validate_lang
from qtlab.policy import PRESET_NAMES, Policy, load_preset
from qtlab.prepay import check_shock
from qtlab.runs.baseline import baseline
from qtlab.runs.context import RunContext
from qtlab.store.dataset import Dataset, to_date

__all__ = [
    "EDITABLE_FIELDS",
    "EXPLORER_IDS",
    "MAX_CACHE_BYTES",
    "MAX_CONTEXTS",
    "PAYDOWN_SOURCES",
    "ExplorerSpec",
    "ResultCache",
    "baseline_lines",
    "computed_bytes",
    "edited_policy",
    "explorer_result",
    "explorer_spec",
    "preset_rows",
    "result_bytes",
    "results",
]

#: The analyses of the policy explorer, in page order: the runoff (B1-B4), then reserves
#: (C2) and the endpoint of runoff (C3) under the same policy.
EXPLORER_IDS: Final = ("B1", "B2", "B3", "B4", "C2", "C3")
#: Where the MBS paydowns of B4 come from.
PAYDOWN_SOURCES: Final = ("realized", "model")
#: The horizon of a projection may run from one month to fifty years (the engine's limit).
MAX_MONTHS: Final = ENGINE_MAX_MONTHS


@dataclass(frozen=True)
class ExplorerSpec:
    """The validated inputs of the policy explorer.

    Attributes
    ----------
    preset : the preset the policy was edited from (compared with it).
    policy : the policy to project (a preset or an edited preset).
    start : first projected month (``YYYY-MM``), or ``None`` for F1's start: the month
        after the latest data (:func:`qtlab.app._explore.explorer_start`).
    months : the horizon [months].
    mbs_paydowns : ``"realized"`` or ``"model"``.
    shock_bp : mortgage-rate shock of the model [bp] (0 with realized paydowns).
    as_of : the vantage date (ISO), or ``None`` for the latest data.
    """

    preset: str
    policy: Policy
    start: str | None
    months: int
    mbs_paydowns: str
    shock_bp: float
    as_of: str | None

    @property
    def preset_policy(self) -> Policy:
        """The preset as known at the vantage (the scenario the edits are compared with)."""
        pol = load_preset(self.preset)
        return pol if self.as_of is None else pol.known_at(to_date(self.as_of))

    @property
    def edited(self) -> bool:
        """Whether the policy differs from :attr:`preset_policy`."""
        return self.policy != self.preset_policy

    def options(self, aid: str, ctx: RunContext, policy: Policy | None = None) -> dict[str, Any]:
        """Keyword arguments of analysis ``aid`` (one of :data:`EXPLORER_IDS`) in ``ctx``,
        under ``policy`` (default :attr:`policy`)
        (:func:`~qtlab.app._explore.analysis_kwargs`)."""
        return analysis_kwargs(aid, self, self.policy if policy is None else policy, ctx)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form (kept in the page between callbacks); :meth:`from_json` reads it."""
        return {
            "preset": self.preset,
            "policy": self.policy.to_dict(),
            "start": self.start,
            "months": self.months,
            "mbs_paydowns": self.mbs_paydowns,
            "shock_bp": self.shock_bp,
            "as_of": self.as_of,
        }

    @classmethod
    def from_json(cls, data: Any) -> ExplorerSpec:
        """The spec :meth:`to_json` wrote, validated again: the page sends it back, and
        anything can be posted in its place, so every field goes through the same checks
        as :func:`explorer_spec` (a paydown source is one of :data:`PAYDOWN_SOURCES`, never
        a path; the horizon 1..:data:`MAX_MONTHS`; the policy through the library)."""
        if not isinstance(data, Mapping) or sorted(data) != sorted(_SPEC_KEYS):
            raise SpecError(
                f"the explorer's state must be a mapping with keys {one_of(_SPEC_KEYS)}, "
                f"got {quoted(data)}"
            )
        size = len(json.dumps(data, default=str))
        if size > MAX_SPEC_CHARS:
            raise SpecError(
                f"the explorer's state is {size:,} characters, more than {MAX_SPEC_CHARS:,}"
            )
        preset = data["preset"]
        if not isinstance(preset, str) or preset not in PRESET_NAMES:
            raise SpecError(
                f"unknown policy preset {quoted(preset)}; valid presets are {one_of(PRESET_NAMES)}"
            )
        pol = data["policy"]
        if not isinstance(pol, Mapping) or not isinstance(pol.get("regimes"), list):
            raise SpecError(f"the explorer's policy must be a policy mapping, got {quoted(pol)}")
        if len(pol["regimes"]) > MAX_REGIMES:
            raise SpecError(f"a policy may have at most {MAX_REGIMES} regimes")
        return _checked(
            Policy.from_dict(pol),
            preset=preset,
            start=data["start"],
            months=data["months"],
            mbs_paydowns=data["mbs_paydowns"],
            shock_bp=data["shock_bp"],
            as_of=data["as_of"],
        )


#: The keys of the explorer's state (:meth:`ExplorerSpec.to_json`).
_SPEC_KEYS: Final = ("preset", "policy", "start", "months", "mbs_paydowns", "shock_bp", "as_of")
#: Bounds on what the page may send back: the state's JSON size and a policy's regimes.
MAX_SPEC_CHARS: Final = 100_000
MAX_REGIMES: Final = 50
#: The longest text field the explorer reads (a month, a date, a number).
_MAX_FIELD: Final = 100


def _vantage(as_of: str | None) -> str | None:
    """The vantage date as ISO text (``None``: the latest data), checked by the library."""
    if as_of is not None and not isinstance(as_of, str):
        raise SpecError(f"vantage date {quoted(as_of)} must be text, YYYY-MM-DD")
    text = (as_of or "").strip()
    if not text:
        return None
    if len(text) > _MAX_FIELD:
        raise SpecError(f"vantage date {quoted(text)} is not a date (YYYY-MM-DD)")
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
    lang: str = "en",
) -> ExplorerSpec:
    """Validate the explorer's inputs into an :class:`ExplorerSpec` (``lang``: the language
    of the regimes editor, whose amounts a bad-amount error quotes in its unit).

    Raises the library's errors for bad input: :class:`SpecError` for an unknown
    preset, a bad regime value, a malformed start month, a horizon outside
    1..600 months, an unknown paydown source or a non-finite shock;
    :class:`~qtlab.errors.DateRangeError` for a malformed vantage date or a preset
    none of whose regimes was announced by it. The policy is cut to the regimes announced
    by the vantage (:meth:`~qtlab.policy.Policy.known_at`): the regimes the user edited
    or added are user scenarios, known at every vantage.
    """
    if not isinstance(preset, str) or preset not in PRESET_NAMES:
        raise SpecError(
            f"unknown policy preset {quoted(preset)}; valid presets are {one_of(PRESET_NAMES)}"
        )
    policy = edited_policy(preset, rows, lang)
    vantage = _vantage(as_of)
    if vantage is not None:
        # the policy as known at the vantage: an official regime announced later never
        # enters; the regimes the user edited or added are user scenarios, known at any
        policy = policy.known_at(to_date(vantage))
    return _checked(
        policy,
        preset=preset,
        start=start,
        months=months,
        mbs_paydowns=mbs_paydowns,
        shock_bp=shock_bp,
        as_of=as_of,
    )


def _whole(value: Any) -> int | None:
    """A whole number from the page (an int, an integral float or its text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and len(value) <= _MAX_FIELD:
        try:
            return _whole(float(value.strip())) if "." in value else int(value.strip())
        except ValueError:
            return None
    return None


def _checked(
    policy: Policy,
    *,
    preset: str,
    start: Any,
    months: Any,
    mbs_paydowns: Any,
    shock_bp: Any,
    as_of: Any,
) -> ExplorerSpec:
    """The spec of ``policy`` and the other inputs, each checked by the library."""
    if start is not None and not isinstance(start, str):
        raise SpecError(f"projection start {quoted(start)} must be text, YYYY-MM")
    first = (start or "").strip()
    if len(first) > _MAX_FIELD:
        raise SpecError(f"projection start {quoted(first)} is not a month (YYYY-MM)")
    first_month = str(to_month(first, field="projection start")) if first else None
    n = _whole(months)
    if n is None or not 1 <= n <= MAX_MONTHS:
        raise SpecError(
            f"horizon months={quoted(months)} must be a whole number from 1 to {MAX_MONTHS}"
        )
    if not isinstance(mbs_paydowns, str) or mbs_paydowns not in PAYDOWN_SOURCES:
        raise SpecError(
            f"MBS paydowns {quoted(mbs_paydowns)} is not valid; choose {one_of(PAYDOWN_SOURCES)}"
        )
    if shock_bp in (None, ""):
        shock = 0.0
    elif isinstance(shock_bp, str) and len(shock_bp) > _MAX_FIELD:
        raise SpecError(f"mortgage-rate shock {quoted(shock_bp)} is not a number")
    else:
        shock = check_shock(
            shock_bp.strip() if isinstance(shock_bp, str) else shock_bp, "mortgage-rate shock"
        )
    vantage = _vantage(as_of)
    return ExplorerSpec(
        preset=preset,
        policy=policy,
        start=first_month,
        months=n,
        mbs_paydowns=mbs_paydowns,
        shock_bp=shock if mbs_paydowns == "model" else 0.0,
        as_of=vantage,
    )


#: The run contexts the dashboard keeps open (one per vantage and state of the data).
MAX_CONTEXTS: Final = 8

#: The results the dashboard keeps in memory [bytes, estimated by :func:`result_bytes`].
MAX_CACHE_BYTES: Final = 256 * 2**20


def _close_context(ctx: object) -> None:
    if isinstance(ctx, RunContext):
        ctx.close()


def _frame_bytes(value: object) -> int:
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(np.sum(value.memory_usage(index=True, deep=True)))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, Mapping):
        return sum(_frame_bytes(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(_frame_bytes(v) for v in value)
    return 0


def result_bytes(res: AnalysisResult) -> int:
    """An estimate of the memory ``res`` holds [bytes]: its tables and figure data."""
    total = sum(int(tb.frame.memory_usage(index=True, deep=True).sum()) for tb in res.tables)
    for f in res.figures:
        for trace in f.figure.data:
            for attr in ("x", "y", "z", "text", "customdata"):
                v = getattr(trace, attr, None)
                if v is not None and not isinstance(v, str):
                    total += 8 * int(np.size(v))
    return total + 10_000


def computed_bytes(c: Computed) -> int:
    """An estimate of the memory the numbers ``c`` hold [bytes]: tables and series."""
    return _frame_bytes(c.tables) + _frame_bytes(c.series) + 10_000


#: The numbers (language-free) and what is shown of them (per language) share the cache's
#: byte budget half and half.
_COMPUTED_SHARE: Final = 0.5


class ResultCache:
    """The numbers of analyses kept in-process per (analysis, parameters, vantage, state
    of the data), their renderings per language, and one :class:`~qtlab.runs.RunContext`
    per vantage and state of the data (:meth:`context`) in which they are computed.

    The numbers (:class:`~qtlab.analyses.computed.Computed`) have no language: a
    rendering in another language renders the kept numbers again and computes nothing
    (:attr:`computed` counts computations, :attr:`rendered` renderings).

    Thread-safe: the dashboard's server answers callbacks on several threads, and two
    requests for the same key compute it once (the second waits for the first). The
    least recently used entries are dropped beyond ``size`` entries or ``max_bytes``
    (half for the numbers, :func:`computed_bytes`; half for the renderings,
    :func:`result_bytes`; :class:`qtlab._lru.LRUCache`).
    """

    def __init__(self, size: int = 256, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        numbers = int(max_bytes * _COMPUTED_SHARE)
        self._numbers = LRUCache(size, max_weight=numbers, weigh=computed_bytes)
        self._cache = LRUCache(size, max_weight=max_bytes - numbers, weigh=result_bytes)
        self._contexts = LRUCache(MAX_CONTEXTS, on_drop=_close_context)

    def context(self, as_of: str | None) -> RunContext:
        """The :class:`~qtlab.runs.RunContext` of the data as of ``as_of`` in their current
        state: one per vantage and state of the snapshot and store
        (:meth:`~qtlab.store.Dataset.cache_key`), so what one request read or ran serves
        the next, and a store update starts a new context; the least recently used of
        :data:`MAX_CONTEXTS` is closed."""
        state = Dataset(as_of).cache_key()
        return self._contexts.get(state, lambda: RunContext(as_of))

    @property
    def bytes(self) -> int:
        """The estimated size of the numbers and renderings kept [bytes]."""
        return int(self._numbers.weight + self._cache.weight)

    def __len__(self) -> int:
        """The renderings kept (one per analysis, parameters, vantage and language)."""
        return len(self._cache)

    @property
    def computed(self) -> int:
        """Numbers computed (not served from the cache): none for a language switch."""
        return self._numbers.misses

    @property
    def rendered(self) -> int:
        """Results rendered (not served from the cache)."""
        return self._cache.misses

    @staticmethod
    def key(aid: str, options: Mapping[str, Any], as_of: str | None) -> tuple[str, str, str | None]:
        """The cache key of the numbers (no language); a policy counts by its full
        content, not its name."""
        opts = {k: v.to_dict() if isinstance(v, Policy) else v for k, v in options.items()}
        return (aid.upper(), json.dumps(opts, sort_keys=True, default=str), as_of)

    def get(
        self,
        aid: str,
        options: Mapping[str, Any],
        as_of: str | None,
        lang: str,
        compute: Callable[[RunContext], Computed],
    ) -> AnalysisResult:
        """The result in ``lang`` kept for the key and the data's current state, or the
        kept numbers rendered in ``lang`` (:meth:`~qtlab.analyses.AnalysisSpec.render`),
        or ``compute(ctx)``'s numbers in the context of :meth:`context` rendered; kept."""
        lang = validate_lang(lang)  # a bad language is refused before anything runs
        spec = get_analysis(aid)
        ctx = self.context(as_of)
        key = (*self.key(aid, options, as_of), ctx.dataset.cache_key())

        def render() -> AnalysisResult:
            return spec.render(self._numbers.get(key, lambda: compute(ctx)), lang)

        return self._cache.get((*key, lang), render)

    def clear(self) -> None:
        """Forget every result and close every context."""
        self._numbers.clear()
        self._cache.clear()
        self._contexts.clear()


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
    if not isinstance(aid, str) or len(aid) > _MAX_FIELD:
        raise SpecError(f"analysis id {quoted(aid)} is not an analysis id (e.g. A1)")
    spec = get_analysis(aid)
    vantage = _vantage(as_of)
    opts = dict(options or {})

    def compute(ctx: RunContext) -> Computed:
        return spec.compute(ctx, **opts)

    return cache.get(spec.id, opts, vantage, lang, compute)


def baseline_lines(cache: ResultCache, as_of: str | None, lang: str) -> list[str]:
    """The sentences of the one baseline at the vantage ``as_of`` in ``lang``, as the
    report's Baseline block states them (:attr:`qtlab.runs.baseline.Baseline.assumptions`),
    made in the vantage's context of ``cache`` (memoized there beside the analyses that
    ran from it: nothing is computed twice)."""
    lang = validate_lang(lang)
    return [a.text(lang) for a in baseline(cache.context(_vantage(as_of))).assumptions]


def explorer_result(
    cache: ResultCache, aid: str, spec: ExplorerSpec, lang: str, *, preset: bool = False
) -> AnalysisResult:
    """Explorer analysis ``aid`` for ``spec`` in ``lang``, cached: under the edited policy,
    or with ``preset`` under the preset it was edited from (:attr:`ExplorerSpec.preset_policy`).

    The key is the spec's content (the policy by its content) with the analysis; the
    arguments are made in the vantage's context (:meth:`ExplorerSpec.options`).
    """
    if aid not in EXPLORER_IDS:
        raise SpecError(f"{quoted(aid)} is not an explorer analysis; valid: {one_of(EXPLORER_IDS)}")
    pol = spec.preset_policy if preset else spec.policy
    key = {**spec.to_json(), "policy": pol.to_dict(), "as_of": None}
    if aid == "B3":  # B3 does not depend on the policy
        key["policy"] = key["preset"] = None
    get = get_analysis(aid)

    def compute(ctx: RunContext) -> Computed:
        return get.compute(ctx, **spec.options(aid, ctx, pol))

    return cache.get(aid, key, spec.as_of, lang, compute)
