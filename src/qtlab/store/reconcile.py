"""Reconciliations made when the snapshot is built; any failure stops the build.

Each check compares two official sources for the same quantity and returns a
:class:`~qtlab.store.snapshot.Check` stating the tolerance and the reason for
it. :func:`raise_on_failure` turns failed checks into one
:class:`~qtlab.errors.ReconciliationError` that lists them all.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pandas as pd

from qtlab.errors import ReconciliationError
from qtlab.schema import KIND_COLUMNS
from qtlab.store.snapshot import Check

__all__ = [
    "H41_KNOWN_EXCEPTIONS",
    "H41_TOLERANCE_BN",
    "H41_VS_FRED",
    "HOLDINGS_TOLERANCE_BN",
    "SUMMARY_SERIES_BY_KIND",
    "check_h41_tables",
    "check_h41_vs_summary",
    "check_holdings_vs_summary",
    "check_liability_vintages",
    "check_same_series",
    "raise_on_failure",
]

#: CUSIP files must sum to the weekly summary within 1 million dollars [USD bn].
HOLDINGS_TOLERANCE_BN = 0.001

#: H.4.1 (FRED) versus the NY Fed summary [USD bn]: 10 million dollars. H.4.1
#: lines are rounded to the million and its totals are sums of rounded lines;
#: differences of up to $9.6 mn occur (2005-11-23), so $10 mn is the tightest
#: round bound that holds for every week outside the known exceptions below.
H41_TOLERANCE_BN = 0.010

#: Weeks where H.4.1 and the NY Fed summary differ for a known, explained reason.
H41_KNOWN_EXCEPTIONS: Mapping[str, str] = {
    d: (
        "the NY Fed summary repeats a stale TIPS inflation compensation of $928.695 mn "
        "(about $1,465 mn in the neighbouring weeks), so its Treasury total is ~$0.54 bn "
        "below H.4.1's"
    )
    for d in ("2003-07-09", "2003-07-16", "2003-07-30", "2003-08-27")
}

#: Holding kind -> summary series id (par) that it must sum to.
SUMMARY_SERIES_BY_KIND: Mapping[str, str] = {k.value: f"soma.{c}" for k, c in KIND_COLUMNS.items()}


def _wide(series: pd.DataFrame) -> pd.DataFrame:
    return series.pivot_table(index="date", columns="series_id", values="value", aggfunc="last")


def check_holdings_vs_summary(
    holdings: pd.DataFrame, summary: pd.DataFrame, *, name: str
) -> list[Check]:
    """Per-kind CUSIP sums of one holdings file against the summary on the same date.

    ``holdings`` has :data:`qtlab.schema.HOLDINGS_COLUMNS`; ``summary`` is the long
    ``soma.*`` series frame. TIPS inflation compensation is checked too.
    """
    as_of = pd.Timestamp(holdings["as_of"].iloc[0])
    wide = _wide(summary)
    if as_of not in wide.index:
        return [
            Check(
                name=f"{name}: CUSIP sums vs SOMA summary",
                passed=False,
                tolerance=f"{HOLDINGS_TOLERANCE_BN} bn",
                max_abs_diff=None,
                compared=0,
                detail=f"the SOMA summary has no week dated {as_of.date()}",
            )
        ]
    week = wide.loc[[as_of]].iloc[0].dropna()
    row: dict[str, float] = {str(k): float(v) for k, v in week.items()}
    sums: dict[str, float] = {
        str(k): float(v) for k, v in holdings.groupby("kind")["par"].sum().items()
    }
    pairs: list[tuple[str, float, float]] = [
        (k, v, row.get(SUMMARY_SERIES_BY_KIND[k], float("nan"))) for k, v in sums.items()
    ]
    if "tips" in sums:
        ic = float(holdings["inflation_comp"].where(holdings["kind"] == "tips", 0.0).sum())
        pairs.append(("tips_inflation_comp", ic, row.get("soma.tips_inflation_comp", 0.0)))
    diffs = {k: abs(a - b) for k, a, b in pairs}
    worst = max(diffs.values())
    passed = bool(worst <= HOLDINGS_TOLERANCE_BN)
    detail = "; ".join(
        f"{k}: CUSIPs {a:,.6f} vs summary {b:,.6f} (diff {a - b:+,.6f})" for k, a, b in pairs
    )
    return [
        Check(
            name=f"{name}: CUSIP sums by kind vs SOMA summary {as_of.date()}",
            passed=passed,
            tolerance=f"{HOLDINGS_TOLERANCE_BN} bn ($1 mn): both are NY Fed par values in dollars",
            max_abs_diff=worst,
            compared=len(pairs),
            detail=detail,
        )
    ]


def check_h41_vs_summary(fred: Mapping[str, pd.Series], summary: pd.DataFrame) -> list[Check]:
    """H.4.1 securities lines (FRED) against the NY Fed SOMA summary on common Wednesdays.

    - TREAST = bills + notes/bonds + FRN + TIPS + TIPS inflation compensation
    - WSHOMCB = MBS + CMBS
    - WSHOSHO = summary total (which excludes inflation compensation) + inflation compensation
    """
    w = _wide(summary).fillna(0.0)
    ic = w.get("soma.tips_inflation_comp", 0.0)
    targets = {
        "TREAST": w["soma.bills"] + w["soma.notes_bonds"] + w["soma.frn"] + w["soma.tips"] + ic,
        "WSHOMCB": w["soma.mbs"] + w["soma.cmbs"],
        "WSHOSHO": w["soma.total"] + ic,
    }
    known = pd.to_datetime(list(H41_KNOWN_EXCEPTIONS))
    out = []
    for sid, target in targets.items():
        if sid not in fred:  # a check that cannot run is a failure, not a skip
            out.append(
                Check(
                    name=f"{sid} (H.4.1) vs SOMA summary",
                    passed=False,
                    tolerance=f"{H41_TOLERANCE_BN} bn ($10 mn): H.4.1 rounds each line to $1 mn",
                    max_abs_diff=None,
                    compared=0,
                    detail=f"cannot run: the H.4.1 series {sid} (fred/{sid}.csv) is missing",
                )
            )
            continue
        diff = (fred[sid] - target).dropna()
        considered = diff[~diff.index.isin(known)]
        worst = float(considered.abs().max()) if len(considered) else float("nan")
        bad = considered[considered.abs() > H41_TOLERANCE_BN]
        detail = (
            f"{len(diff)} common Wednesdays {diff.index.min().date()}..{diff.index.max().date()}; "
            f"{int(diff.index.isin(known).sum())} known exceptions excluded "
            f"({H41_KNOWN_EXCEPTIONS[next(iter(H41_KNOWN_EXCEPTIONS))]})"
        )
        if len(bad):
            detail += "; out of tolerance: " + ", ".join(
                f"{pd.Timestamp(str(d)).date()} ({v:+.4f} bn)" for d, v in bad.head(5).items()
            )
        out.append(
            Check(
                name=f"{sid} (H.4.1) vs SOMA summary",
                passed=len(bad) == 0 and len(considered) > 0,
                tolerance=f"{H41_TOLERANCE_BN} bn ($10 mn): H.4.1 rounds each line to $1 mn",
                max_abs_diff=worst,
                compared=len(considered),
                detail=detail,
            )
        )
    return out


def check_same_series(
    a: pd.Series,
    b: pd.Series,
    *,
    name: str,
    tolerance: float,
    reason: str,
    allowed_exceptions: int = 0,
    exception_tolerance: float | None = None,
) -> Check:
    """Two copies of one series agree on common dates within ``tolerance``.

    Up to ``allowed_exceptions`` dates may differ by at most ``exception_tolerance``
    (for documented rounding differences); ``reason`` explains both.
    """
    diff = (a - b).dropna()
    over = diff[diff.abs() > tolerance]
    ok = len(over) <= allowed_exceptions
    if exception_tolerance is not None and len(over):
        ok = ok and bool(over.abs().max() <= exception_tolerance)
    return Check(
        name=name,
        passed=bool(ok and len(diff) > 0),
        tolerance=f"{tolerance:g}: {reason}",
        max_abs_diff=float(diff.abs().max()) if len(diff) else None,
        compared=len(diff),
        detail=f"{len(over)} dates beyond the tolerance (allowed {allowed_exceptions})",
    )


def raise_on_failure(checks: Sequence[Check]) -> None:
    """Raise :class:`ReconciliationError` listing every failed check."""
    failed = [c for c in checks if not c.passed]
    if failed:
        lines = "\n".join(
            f"- {c.name}: max |diff| {c.max_abs_diff}, tolerance {c.tolerance}; {c.detail}"
            for c in failed
        )
        raise ReconciliationError(
            f"{len(failed)} of {len(checks)} reconciliation checks failed; the snapshot was "
            f"not written:\n{lines}"
        )


# --------------------------------------------------------------------------- liabilities
# The Board's H.4.1 downloads (data/raw/h41) against the FRED copies of the same lines, the
# two WTREGEN vintages against each other and weekly currency against monthly CURRCIR.

#: H.4.1 line (glossary id of :mod:`qtlab.sources.frb`) -> the FRED series of the same line.
H41_VS_FRED: Mapping[str, str] = {
    "h41.reserves.week_avg": "WRESBAL",
    "h41.total_assets": "WALCL",
    "h41.treasuries": "TREAST",
    "h41.mbs": "WSHOMCB",
    "h41.securities": "WSHOSHO",
    "h41.tga": "WDTGAL",
    "h41.tga.week_avg": "WTREGEN",
    "h41.currency_in_circulation.week_avg": "WCURCIR",
}
#: Both sides are the Board's figures in whole millions: equal to the last bit after the
#: division by 1,000 (1e-9 bn allows for nothing but float representation).
EXACT_BN = 1e-9
#: WCURCIR (FRED, fetched 2026) against the Board's 2023 download: equal through
#: 2022-01-05; from 2022-01-12 the FRED copy carries the Board's later revision of currency
#: in circulation, 0.007-0.67 bn a week (data/raw/SOURCES.md).
CURRENCY_REVISION_BN = 0.7
#: H.4.1 balance identities within a table: each total is the sum of lines rounded to the
#: million, so a total may differ from the sum of its parts by rounding: $1 mn seen, $3 mn
#: allowed.
IDENTITY_TOLERANCE_BN = 0.003
#: CURRCIR (a copy ending 2024-11) against the monthly means of WCURCIR (fetched 2026): equal
#: within CURRCIR's rounding through 2023-12; its 2024 months predate a revision of
#: currency in circulation, 0.10-0.53 bn lower in the later copy.
CURRCIR_REVISED_FROM = pd.Period("2024-01", freq="M")
CURRCIR_REVISION_BN = 0.6


def _line(frame: pd.DataFrame, sid: str) -> pd.Series:
    return frame.loc[frame["series_id"] == sid].set_index("date")["value"]


def check_h41_tables(
    tables: Mapping[str, pd.DataFrame], fred: Mapping[str, Sequence[tuple[str, pd.Series]]]
) -> list[Check]:
    """The Board's H.4.1 downloads against FRED, and their own identities.

    ``tables`` maps a dataset id to the long frame of :func:`qtlab.sources.frb.read_h41_csv`;
    ``fred`` maps a FRED id to ``(dataset id, series)`` for every file holding it (WTREGEN
    has two vintages). Every pair of :data:`H41_VS_FRED` present in a table is compared on
    common Wednesdays; both identities (Table 5: total assets = liabilities + capital;
    Table 1: factors supplying = factors absorbing + reserves) are checked where the lines
    exist. A pair with no common week fails (a table that matches nothing is not checked).
    """
    out: list[Check] = []
    for rid, frame in tables.items():
        held = set(frame["series_id"])
        for line, fid in H41_VS_FRED.items():
            if line not in held:
                continue
            for frid, series in fred.get(fid, ()):
                revised = fid == "WCURCIR"
                diff = (_line(frame, line) - series).dropna()
                late = int((diff.index > pd.Timestamp("2022-01-05")).sum()) if revised else 0
                out.append(
                    check_same_series(
                        _line(frame, line),
                        series,
                        name=f"{rid} {line} vs {frid} ({fid})",
                        tolerance=EXACT_BN,
                        reason="both are the Board's whole millions"
                        + (
                            f"; weeks after 2022-01-05 may differ by up to {CURRENCY_REVISION_BN}"
                            " bn, the Board's later revision of currency in circulation that "
                            "the FRED copy carries"
                            if revised
                            else ""
                        ),
                        allowed_exceptions=late,
                        exception_tolerance=CURRENCY_REVISION_BN if revised else None,
                    )
                )
        for total, parts, what in (
            ("h41.total_assets", ("h41.total_liabilities", "h41.capital"), "Table 5"),
            ("h41.factors_supplying", ("h41.factors_absorbing", "h41.reserves"), "Table 1"),
            (
                "h41.factors_supplying.week_avg",
                ("h41.factors_absorbing.week_avg", "h41.reserves.week_avg"),
                "Table 1",
            ),
        ):
            if total in held and all(p in held for p in parts):
                out.append(
                    check_same_series(
                        _line(frame, total),
                        _line(frame, parts[0]) + _line(frame, parts[1]),
                        name=f"{rid} ({what}): {total} = {' + '.join(parts)}",
                        tolerance=IDENTITY_TOLERANCE_BN,
                        reason="the H.4.1 rounds every line to $1 mn, totals included",
                    )
                )
    return out


def check_liability_vintages(fred: Mapping[str, Sequence[tuple[str, pd.Series]]]) -> list[Check]:
    """WTREGEN's vintages agree (in USD bn, once each file's units are converted), and
    weekly WCURCIR averages to monthly CURRCIR (H.6, billions to 3 decimals) in every
    complete month both cover."""
    out: list[Check] = []
    tga = list(fred.get("WTREGEN", ()))
    for (ra, a), (rb, b) in itertools.pairwise(tga):
        out.append(
            check_same_series(
                a,
                b,
                name=f"{ra} vs {rb} (WTREGEN vintages, each converted to USD bn)",
                tolerance=EXACT_BN,
                reason="the same weeks in billions to 3 decimals and in millions: equal after "
                "conversion, which proves both files' units",
            )
        )
    for rw, weekly in fred.get("WCURCIR", ()):
        for rm, monthly in fred.get("CURRCIR", ()):
            months = pd.DatetimeIndex(weekly.index).to_period("M")
            g = weekly.groupby(months)
            full = g.count() >= 4
            first = months.min()
            # the first month of the weekly file is partial (it starts mid-month)
            mean = g.mean()[full & (g.mean().index > first)]
            m = pd.Series(monthly.to_numpy(), index=pd.DatetimeIndex(monthly.index).to_period("M"))
            late = int((mean.index.intersection(m.index) >= CURRCIR_REVISED_FROM).sum())
            out.append(
                check_same_series(
                    mean,
                    m,
                    name=f"{rw} monthly mean vs {rm} (currency in circulation)",
                    tolerance=0.0005 + 1e-6,
                    reason="CURRCIR is the monthly average of daily figures, in billions to 3 "
                    "decimals: the weekly means agree within its rounding; from "
                    f"{CURRCIR_REVISED_FROM} the CURRCIR copy (ending 2024-11) predates the "
                    f"revision the 2026 WCURCIR copy carries, allowed up to {CURRCIR_REVISION_BN}"
                    " bn",
                    allowed_exceptions=late,
                    exception_tolerance=CURRCIR_REVISION_BN,
                )
            )
    return out
