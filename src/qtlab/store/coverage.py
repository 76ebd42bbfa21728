"""What every dataset of a snapshot build must cover, checked before anything is written.

The expectations are generic, so a dataset added to the builder is covered as soon
as it exists:

- **against the committed snapshot** (the manifest packaged with qtlab): a dataset
  it lists must still be built, start no later, end no earlier, have at least as
  many rows, and hold every series it held; and every reconciliation it records
  must have run again (one that cannot run is a failure, not a skip);
- **against the glossary** (:mod:`qtlab.schema`), for every series, new ones too:
  values finite and within the magnitude of their units (USD bn, percent, index),
  money and index levels not negative (except series listed in
  :data:`SIGNED_PATTERNS`), and no gap between observations longer than the
  series' frequency allows (:data:`MAX_GAP_DAYS`; known, explained gaps in
  :data:`KNOWN_GAPS`). Projections (CBO baselines, SEP) are not gap-checked: their
  dates are the years each vintage projects.

:func:`coverage_checks` returns one :class:`~qtlab.store.snapshot.Check` per
dataset; :func:`raise_on_failure` stops the build listing every failure.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from qtlab.errors import DataError, ReconciliationError, UnknownSeriesError
from qtlab.schema import INDEX, PERCENT, USD_BN, SeriesSpec, series_spec
from qtlab.sources._base import SourceData
from qtlab.store.snapshot import Check, Manifest

__all__ = [
    "KNOWN_GAPS",
    "MAGNITUDE",
    "MAX_GAP_DAYS",
    "SIGNED_PATTERNS",
    "coverage_checks",
    "missing_checks",
    "raise_on_failure",
]

#: Longest gap between two observations [days] each frequency allows (weekends and
#: holidays included; one missing period is caught from monthly frequency up).
MAX_GAP_DAYS: Final[Mapping[str, int]] = {
    "daily": 10,
    "business_daily": 10,
    "weekly_wed": 14,
    "weekly_thu": 14,
    "monthly": 45,
    "quarterly": 100,
    "fiscal_year": 400,
    "annual": 400,
}

#: Series with longer gaps in the official data (fnmatch pattern -> (days, reason)). Append.
KNOWN_GAPS: Final[Mapping[str, tuple[int, str]]] = {
    "RRPONTSYD": (1300, "no ON RRP operations were held between 2009 and September 2013"),
    "mspd.ffb.*": (600, "the MSPD reports Federal Financing Bank debt only in some months"),
    "pmms.frm30_points": (60, "Freddie Mac did not report 30-year points in some weeks"),
    "FYOINT": (460, "the fiscal year moved from July-June to October-September in 1976"),
}

#: Largest magnitude a value of these glossary units may have (|value| <=).
MAGNITUDE: Final[Mapping[str, float]] = {
    USD_BN: 2e5,  # 200 trillion (USD, EUR ...): 4x the largest projection of US debt
    PERCENT: 1e3,
    INDEX: 1e5,
}

#: Money series that may be negative (fnmatch pattern -> reason). Append.
SIGNED_PATTERNS: Final[Mapping[str, str]] = {
    "*deficit*": "a deficit is negative in surplus years",
    "*surplus*": "a surplus is negative in deficit years",
    "*net_interest*": "net interest is net of interest received",
    "cbo.*.outlay.mandatory.*": "mandatory outlays are net of offsetting receipts",
    "*other*": "an 'other' line nets items of both signs",
    "*change*": "a change can fall",
    "*net_purchases*": "net purchases are negative when redemptions exceed purchases",
    "*adjustment*": "an adjustment (amortisation, revaluation) has either sign",
    "h41.discounts*": "unamortized discounts on securities held outright are a contra-asset, "
    "negative by construction (H.4.1 Table 1)",
    "h41.board.RESH4SCF*": "H.4.1 float (Table 1, other factors supplying reserve balances) "
    "is negative when items in process of collection are smaller than deferred availability",
}


def _spec(series_id: str) -> SeriesSpec | None:
    try:
        return series_spec(series_id)
    except UnknownSeriesError:
        return None


def _unit_class(units: str) -> str | None:
    """The class of glossary units whose bounds apply: money in billions of any currency
    (``USD bn``, ``EUR bn``, ``USD bn (chained 2017)``), percent, an index; else None."""
    u = units.strip()
    if re.match(r"^[A-Z]{3} bn\b", u):
        return USD_BN
    if u == PERCENT:
        return PERCENT
    if u.startswith(INDEX):
        return INDEX
    return None


def _allowed_gap(sid: str, frequency: str) -> tuple[int, str] | None:
    for pat, (days, why) in KNOWN_GAPS.items():
        if fnmatch.fnmatchcase(sid, pat):
            return days, why
    limit = MAX_GAP_DAYS.get(frequency)
    return None if limit is None else (limit, f"{frequency} data")


def _series_problems(sid: str, g: pd.DataFrame) -> list[str]:
    problems: list[str] = []
    vals = g["value"].to_numpy(dtype=float)
    bad = ~pd.Series(vals).map(math.isfinite).to_numpy(dtype=bool)
    if bad.any():
        problems.append(f"{sid}: {int(bad.sum())} values not finite")
    spec = _spec(sid)
    if spec is None:
        return problems
    unit = _unit_class(spec.units)
    if unit is not None and not bad.all():
        ok = vals[~bad]
        limit = MAGNITUDE[unit]
        big = abs(ok) > limit
        if big.any():
            i = int(abs(ok).argmax())
            problems.append(
                f"{sid}: |value| up to {abs(ok[i]):.6g} {spec.units}, beyond the bound of "
                f"{limit:g} for a series in {spec.units} (wrong units or scale?)"
            )
        signed = any(fnmatch.fnmatchcase(sid, p) for p in SIGNED_PATTERNS)
        if unit in (USD_BN, INDEX) and not signed and (ok < 0).any():
            problems.append(
                f"{sid}: {int((ok < 0).sum())} negative values (min {ok.min():.6g} "
                f"{spec.units}); a level in {spec.units} cannot be negative"
            )
    if spec.kind == "observed":
        allowed = _allowed_gap(sid, spec.frequency)
        days = pd.to_datetime(g["date"]).drop_duplicates().sort_values().to_numpy()
        if allowed is not None and len(days) > 1:
            gaps = (days[1:] - days[:-1]).astype("timedelta64[D]").astype(int)
            i = int(gaps.argmax())
            if gaps[i] > allowed[0]:
                a, b = pd.Timestamp(days[i]).date(), pd.Timestamp(days[i + 1]).date()
                problems.append(
                    f"{sid}: no observation from {a} to {b} ({gaps[i]} days; "
                    f"{allowed[1]} allow {allowed[0]})"
                )
    return problems


def _committed_problems(rid: str, item: SourceData, manifest: Manifest) -> list[str]:
    try:
        e = manifest.entry(rid)
    except DataError:  # a dataset new to the manifest: glossary checks only
        return []
    data = item.data
    problems = []
    if len(data) < e.rows:
        problems.append(f"{len(data):,} rows, fewer than the {e.rows:,} of the committed snapshot")
    if item.kind == "series" and len(data):
        first = pd.Timestamp(data["date"].min()).date()
        last = pd.Timestamp(data["date"].max()).date()
        if e.first is not None and first > e.first:
            problems.append(f"starts {first}, after the committed snapshot's {e.first}")
        if e.last is not None and last < e.last:
            problems.append(f"ends {last}, before the committed snapshot's {e.last}")
        lost = sorted(set(e.series) - set(data["series_id"].unique()))
        if lost:
            problems.append(f"lost series {', '.join(lost[:5])}")
    return problems


def coverage_checks(items: Mapping[str, SourceData], committed: Manifest | None) -> list[Check]:
    """One check per dataset built and per dataset of ``committed`` (see the module docstring)."""
    checks = []
    for rid, item in items.items():
        problems = [] if committed is None else _committed_problems(rid, item, committed)
        if item.kind == "series":
            for sid, g in item.data.groupby("series_id", sort=True):
                problems += _series_problems(str(sid), g)
        basis = "the committed snapshot and the glossary"
        if committed is None or rid not in {e.id for e in committed.datasets}:
            basis = "the glossary (new dataset)"
        checks.append(
            Check(
                name=f"{rid}: coverage",
                passed=not problems,
                tolerance=f"dates, rows, gaps, signs and magnitudes expected from {basis}",
                max_abs_diff=None,
                compared=len(item.data),
                detail="; ".join(problems) if problems else "as expected",
            )
        )
    if committed is not None:
        for e in committed.datasets:
            if e.id not in items:
                checks.append(
                    Check(
                        name=f"{e.id}: coverage",
                        passed=False,
                        tolerance="every dataset of the committed snapshot is built again",
                        max_abs_diff=None,
                        compared=0,
                        detail=f"its raw file ({e.raw_file}) is missing from the raw-file folder",
                    )
                )
    return checks


def missing_checks(checks: Sequence[Check], committed: Manifest | None) -> list[Check]:
    """A failed check for each reconciliation of ``committed`` that did not run this time."""
    if committed is None:
        return []
    ran = {c.name for c in checks}
    return [
        Check(
            name=c.name,
            passed=False,
            tolerance=c.tolerance,
            max_abs_diff=None,
            compared=0,
            detail="this reconciliation of the committed snapshot could not run (an input is "
            "missing); a check that cannot run is a failure",
        )
        for c in committed.checks
        if c.name not in ran
    ]


def raise_on_failure(checks: Sequence[Check]) -> None:
    """Raise :class:`ReconciliationError` listing every failed coverage check."""
    failed = [c for c in checks if not c.passed]
    if failed:
        lines = "\n".join(f"- {c.name}: {c.detail}" for c in failed)
        raise ReconciliationError(
            f"{len(failed)} of {len(checks)} datasets do not cover what is expected; the "
            f"snapshot was not written:\n{lines}"
        )
