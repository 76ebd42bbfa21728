"""The auction calendar and the settlement-day rules of the issuance mix.

Which coupon securities take the Desk's rollovers in a month (new issues and
reopenings of :data:`AUCTION_CALENDAR`, the Friday rule of FRN reopenings, TIPS
settling before a weekend month end) and the validation of dated auction sizes
against those rules. Split from :mod:`qtlab.engine.mix`, which re-exports the
public names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Literal, get_args

import pandas as pd

from qtlab._periods import to_month
from qtlab.errors import SpecError, one_of, quoted

if TYPE_CHECKING:
    from qtlab.engine.mix import CouponTenor

__all__ = ["AUCTION_CALENDAR", "AuctionSizes", "SettleHalf"]

SettleHalf = Literal["mid", "end"]

#: ``{"YYYY-MM": {"mid" | "end": {tenor label: offering amount [USD bn]}}}``
AuctionSizes = Mapping[str, Mapping[str, Mapping[str, float]]]


def _active_mask(ts: tuple[CouponTenor, ...], half: str, month: pd.Period) -> list[bool]:
    """Which tenors of a settlement half take the Desk's rollovers in ``month``."""
    end = month.end_time.day_of_week
    weekend, friday = half == "end" and end >= 5, end == 4
    return [_active(t, month.month, weekend, friday) for t in ts]


def _check_sizes(
    sizes: AuctionSizes, coupons: Mapping[str, tuple[CouponTenor, ...]]
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[tuple[str, str], tuple[float, ...]]]:
    """Validate dated auction sizes; return them normalized and as weights per tenor."""
    if not isinstance(sizes, Mapping):
        raise SpecError(
            f"issuance mix: auction_sizes={quoted(sizes)} must map 'YYYY-MM' to "
            "{mid|end: {label: USD bn}}"
        )
    clean: dict[str, dict[str, dict[str, float]]] = {}
    dated: dict[tuple[str, str], tuple[float, ...]] = {}
    for key, halves in sizes.items():
        m = str(to_month(str(key), field="issuance mix: auction_sizes month"))
        if not isinstance(halves, Mapping) or not set(halves) <= set(get_args(SettleHalf)):
            got = one_of(halves) if isinstance(halves, Mapping) else repr(halves)
            raise SpecError(
                f"issuance mix: auction_sizes[{m}] has settlement halves {got}; valid: "
                f"{one_of(get_args(SettleHalf))}"
            )
        clean[m] = {}
        for h, amounts in halves.items():
            ts = coupons[h]
            labels = [t.label for t in ts]
            if not isinstance(amounts, Mapping):
                raise SpecError(
                    f"issuance mix: auction_sizes[{m}][{h}]={quoted(amounts)} must map tenor "
                    f"labels to USD bn; labels: {one_of(labels)}"
                )
            amt: dict[str, float] = {}
            for label, x in amounts.items():
                if label not in labels:
                    raise SpecError(
                        f"issuance mix: auction_sizes[{m}][{h}] names tenor {quoted(label)}; "
                        f"tenors settling {quoted(h)}: {one_of(labels)}"
                    )
                v = float(x)
                if not (math.isfinite(v) and v >= 0):
                    raise SpecError(
                        f"issuance mix: auction_sizes[{m}][{h}][{label}]={quoted(x)} must be a "
                        "finite amount >= 0 [USD bn]"
                    )
                amt[str(label)] = v
            active = _active_mask(ts, h, pd.Period(m, "M"))
            missing = [t.label for t, a in zip(ts, active, strict=True) if a and t.label not in amt]
            if missing:
                lack = ", ".join(map(repr, missing))
                raise SpecError(
                    f"issuance mix: auction_sizes[{m}][{h}] lacks {lack}, which take "
                    f"rollovers in {m}; give an amount [USD bn] for each"
                )
            w = tuple(amt.get(t.label, 0.0) for t in ts)
            if not any(x > 0 for x, a in zip(w, active, strict=True) if a):
                raise SpecError(
                    f"issuance mix: auction_sizes[{m}][{h}] gives no positive amount to a "
                    f"tenor taking rollovers in {m}"
                )
            clean[m][h] = amt
            dated[(m, h)] = w
    return clean, dated


def _active(t: CouponTenor, month: int, weekend: bool = False, friday: bool = False) -> bool:
    if weekend and t.before_weekend:
        return False
    if t.addon_months is None or month in t.addon_months:
        return True
    return friday and month in t.friday_months


#: One tenor's auction pattern: (new-issue months, reopening offsets [months], whether the
#: SOMA takes the reopenings: True, False or "friday" = only when the month ends on a Friday).
_Calendar = tuple[tuple[int, ...], tuple[int, ...], bool | Literal["friday"]]

#: Treasury's auction pattern (2021-2022) for the coupon securities not auctioned every
#: month: ``(kind, tenor months) -> _Calendar``. TIPS: 5-year new in April and October,
#: reopened two months later; 10-year new in January and July, reopened two and four
#: months later; 30-year new in February, reopened in August. 10-, 20- and 30-year nominal
#: securities: new in February, May, August and November, reopened in the next two months;
#: other coupon tenors (2, 3, 5, 7 years) are new every month.
#: 2-year FRNs: new at the end of January, April, July and October (dated the month end,
#: like the 2-, 5- and 7-year notes), reopened in the next two months. The weekly SOMA FRN
#: holdings rose after every new-issue month-end with rollovers (e.g. 2021-02-03,
#: 2021-05-05, 2022-02-02, 2022-05-04, 2025-02-05) but after a reopening only when the
#: month ended on a Friday: December 2021, May 2024 and February 2025 (+3.26, +1.66 and
#: +2.82 bn the next week), against none in the 2022-2025 reopening months with month-end
#: rollovers ending on other days (February, March, May 2022: 31.4, 33.1, 25.3 bn rolled).
#: This fits reopenings settling on the Friday of the auction week, before the maturity
#: date unless the month ends that Friday; Treasury's results of the May 2017 FRN reopening
#: (month end a Wednesday) report no Federal Reserve add-ons.
AUCTION_CALENDAR: Final[Mapping[tuple[str, int], _Calendar]] = {
    ("note_bond", 120): ((2, 5, 8, 11), (1, 2), True),
    ("note_bond", 240): ((2, 5, 8, 11), (1, 2), True),
    ("note_bond", 360): ((2, 5, 8, 11), (1, 2), True),
    ("tips", 60): ((4, 10), (2,), True),
    ("tips", 120): ((1, 7), (2, 4), True),
    ("tips", 360): ((2,), (6,), True),
    ("frn", 24): ((1, 4, 7, 10), (1, 2), "friday"),
}


def _addon_months(cal: _Calendar | None) -> tuple[int, ...] | None:
    if cal is None:
        return None
    new, offsets, reopen = cal
    months = set(new)
    if reopen is True:
        months |= {(m - 1 + off) % 12 + 1 for m in new for off in offsets}
    return None if len(months) == 12 else tuple(sorted(months))


def _friday_months(cal: _Calendar | None) -> tuple[int, ...]:
    if cal is None or cal[2] != "friday":
        return ()
    new, offsets, _ = cal
    return tuple(sorted({(m - 1 + off) % 12 + 1 for m in new for off in offsets}))


def _before_weekend_kinds(t: pd.DataFrame) -> set[str]:
    """Coupon kinds whose month-end issues always precede a weekend month end."""
    d = t["issue_date"]
    kind = t["security_class"].map(
        {"note": "note_bond", "bond": "note_bond", "tips": "tips", "frn": "frn"}
    )
    at_end = (d.dt.day >= 23) | (d.dt.day <= 7)
    m_end = (d.dt.to_period("M") - (d.dt.day <= 7).astype(int)).dt.end_time.dt.normalize()
    wk = at_end & kind.notna() & (m_end.dt.day_of_week >= 5)
    before = (d < m_end)[wk].groupby(kind[wk]).agg(["all", "size"])
    return {str(k) for k, r in before.iterrows() if bool(r["all"]) and int(r["size"]) > 0}
