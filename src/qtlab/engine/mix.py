"""The issuance mix: into which new securities rolled-over money goes.

At auction the Desk adds the amount it rolls over to the securities the
Treasury issues that day, in proportion to the amounts offered. So:

- maturing **bills** roll into the bills issued that week, by tenor (4, 8, 13,
  17, 26, 52 weeks ...), in proportion to weekly bill issuance;
- maturing **coupon securities** roll into the coupon securities settling on
  their maturity date: mid-month (the 15th: 3- and 10-year notes, 30-year
  bonds) or month end (2-, 5-, 7-year notes, 20-year bonds, TIPS, FRNs), in
  proportion to the amounts issued on that settlement date.

The default mix (:func:`default_issuance_mix`) is derived from the Treasury's
Monthly Statement of the Public Debt of 2022-01-31 (Table III, by CUSIP) with
:func:`issuance_mix_from_mspd`, and shipped as ``mix_mspd_2022-01.yaml``; a
test checks that the packaged file equals a fresh derivation from the snapshot.
Users can give any :class:`IssuanceMix`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, get_args

import numpy as np
import pandas as pd
import yaml

from qtlab.errors import DataError, SpecError, one_of

__all__ = [
    "CouponTenor",
    "IssuanceMix",
    "SettleHalf",
    "default_issuance_mix",
    "issuance_mix_from_mspd",
]

SettleHalf = Literal["mid", "end"]
CouponKind = Literal["note_bond", "tips", "frn"]
MaturityDay = Literal["15", "eom"]

_MIX_FILE: Final = "mix_mspd_2022-01.yaml"


@dataclass(frozen=True)
class CouponTenor:
    """One coupon security issued on a settlement date.

    Attributes
    ----------
    kind
        ``note_bond``, ``tips`` or ``frn``.
    months
        Months from the settlement month to the maturity month (a 10-year
        TIPS settled at the end of January matures on January 15 ten years
        later: 120).
    day
        Maturity day: ``"15"`` or ``"eom"`` (last day of the month).
    share
        Share of the rollover on this settlement date [0..1].
    label
        Readable name (``"10y note"``).
    """

    kind: CouponKind
    months: int
    day: MaturityDay
    share: float
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in get_args(CouponKind):
            raise SpecError(
                f"coupon tenor kind={self.kind!r}; valid: {one_of(get_args(CouponKind))}"
            )
        if self.day not in get_args(MaturityDay):
            raise SpecError(
                f"coupon tenor day={self.day!r}; valid: {one_of(get_args(MaturityDay))}"
            )
        if isinstance(self.months, bool) or not isinstance(self.months, int) or self.months < 1:
            raise SpecError(f"coupon tenor months={self.months!r} must be an integer >= 1")
        if not (0 <= float(self.share) <= 1):
            raise SpecError(f"coupon tenor share={self.share!r} must be in [0, 1]")


def _check_shares(shares: list[float], what: str) -> None:
    if not shares:
        raise SpecError(f"issuance mix: {what} has no tenors")
    total = math.fsum(shares)
    if abs(total - 1) > 1e-9:
        raise SpecError(f"issuance mix: {what} shares sum to {total:.6f}; they must sum to 1")


@dataclass(frozen=True)
class IssuanceMix:
    """Tenor shares for rollovers and purchases of new Treasury securities.

    Parameters
    ----------
    bill_weeks
        Bill tenors [weeks].
    bill_shares
        Share of weekly bill issuance per tenor [0..1], summing to 1.
    coupons
        ``{"mid": (...), "end": (...)}``: the :class:`CouponTenor` settling mid-month
        and at month end; shares sum to 1 within each.
    treasury_bill_share
        Share of bills [0..1] when money is reinvested "in Treasury securities"
        across maturities (agency principal above the cap from 2024-06, QT1's
        end); the rest buys coupons (half each settlement date).
    source
        Where the numbers come from.
    """

    bill_weeks: tuple[int, ...]
    bill_shares: tuple[float, ...]
    coupons: Mapping[str, tuple[CouponTenor, ...]]
    treasury_bill_share: float
    source: str = ""
    _hash: int = field(default=0, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bill_weeks", tuple(int(w) for w in self.bill_weeks))
        object.__setattr__(self, "bill_shares", tuple(float(s) for s in self.bill_shares))
        if len(self.bill_weeks) != len(self.bill_shares):
            raise SpecError("issuance mix: bill_weeks and bill_shares differ in length")
        if any(w < 1 or w > 60 for w in self.bill_weeks):
            raise SpecError(f"issuance mix: bill_weeks={self.bill_weeks} must be 1..60 weeks")
        if any(s < 0 for s in self.bill_shares):
            raise SpecError(f"issuance mix: bill_shares={self.bill_shares} must be >= 0")
        _check_shares(list(self.bill_shares), "bills")
        if sorted(self.coupons) != ["end", "mid"]:
            raise SpecError(
                f"issuance mix: coupons needs exactly the settlement halves 'mid' and 'end'; "
                f"got {one_of(self.coupons)}"
            )
        cp = {h: tuple(self.coupons[h]) for h in get_args(SettleHalf)}
        for h, ts in cp.items():
            _check_shares([t.share for t in ts], f"coupons settling {h!r}")
        object.__setattr__(self, "coupons", cp)
        if not (0 <= self.treasury_bill_share <= 1):
            raise SpecError(
                f"issuance mix: treasury_bill_share={self.treasury_bill_share!r} must be in [0, 1]"
            )

    def __hash__(self) -> int:
        return hash((self.bill_weeks, self.bill_shares, self.treasury_bill_share))

    def to_dict(self) -> dict[str, Any]:
        """The YAML form."""
        return {
            "source": self.source,
            "treasury_bill_share": self.treasury_bill_share,
            "bills": [
                {"weeks": w, "share": s}
                for w, s in zip(self.bill_weeks, self.bill_shares, strict=True)
            ],
            "coupons": {
                h: [
                    {
                        "kind": t.kind,
                        "months": t.months,
                        "day": t.day,
                        "share": t.share,
                        "label": t.label,
                    }
                    for t in ts
                ]
                for h, ts in self.coupons.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IssuanceMix:
        """Build a mix from its YAML form."""
        try:
            bills = data["bills"]
            coupons = {
                h: tuple(
                    CouponTenor(
                        kind=t["kind"],
                        months=int(t["months"]),
                        day=str(t["day"]),  # type: ignore[arg-type]
                        share=float(t["share"]),
                        label=str(t.get("label", "")),
                    )
                    for t in ts
                )
                for h, ts in data["coupons"].items()
            }
            return cls(
                bill_weeks=tuple(int(b["weeks"]) for b in bills),
                bill_shares=tuple(float(b["share"]) for b in bills),
                coupons=coupons,
                treasury_bill_share=float(data["treasury_bill_share"]),
                source=str(data.get("source", "")),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise SpecError(
                f"issuance mix: malformed mapping ({exc!r}); expected keys source, "
                "treasury_bill_share, bills [{weeks, share}], coupons {mid, end: [{kind, months, "
                "day, share, label}]}"
            ) from exc


@cache
def default_issuance_mix() -> IssuanceMix:
    """The packaged default mix, derived from the MSPD of 2022-01-31 (see module docstring)."""
    text = resources.files("qtlab.engine").joinpath(_MIX_FILE).read_text("utf-8")
    return IssuanceMix.from_dict(yaml.safe_load(text))


def _label(kind: str, months: int) -> str:
    yrs = round(months / 12)
    return {"note_bond": f"{yrs}y nominal", "tips": f"{yrs}y TIPS", "frn": f"{yrs}y FRN"}[kind]


def issuance_mix_from_mspd(
    table: pd.DataFrame, *, window_months: int = 12, decimals: int = 4
) -> IssuanceMix:
    """Derive an issuance mix from an MSPD Table III frame.

    ``table`` is e.g. ``Dataset().table("treasury.mspd_detail.2022-01-31")``.

    Coupons
        Securities first issued in the ``window_months`` before the statement
        date, weighted by amount issued (including reopenings). A security
        settles "mid" month if its issue date is the 8th..22nd, otherwise at the
        month end (an issue date on the 1st..7th is the previous month's end,
        moved by a weekend). Its tenor is the months from that settlement month
        to the maturity month, and its maturity day 15 or end of month.
    Bills
        Weekly issuance by tenor backed out of the stock of bills outstanding
        by remaining maturity: with weekly issuance ``x_k`` of a ``k``-week bill,
        the amount outstanding maturing in week ``j`` is ``sum(x_k for k >= j)``,
        so ``x_k`` is the drop in the average weekly stock between consecutive
        tenor bands (4, 8, 13, 26, 52 weeks; cash-management bills fall in the
        band of their remaining maturity).
    Treasury purchases
        ``treasury_bill_share``: bills' share of marketable Treasury debt in the
        table (par outstanding).
    """
    need = ("as_of", "security_class", "issue_date", "maturity", "issued", "outstanding")
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataError(f"MSPD table lacks column {missing[0]!r}; it needs {one_of(need)}")
    t = table.copy()
    for c in ("as_of", "issue_date", "maturity"):
        t[c] = pd.to_datetime(t[c])
    as_of = t["as_of"].max()
    t = t.loc[t["maturity"] > as_of]
    # --- coupons
    c = t.loc[
        (t["security_class"] != "bill")
        & (t["issue_date"] > as_of - pd.DateOffset(months=window_months))
    ]
    day = c["issue_date"].dt.day
    settle = c["issue_date"].dt.to_period("M") - (day <= 7).astype(int)
    half = np.where((day >= 8) & (day <= 22), "mid", "end")
    kind = c["security_class"].map(
        {"note": "note_bond", "bond": "note_bond", "tips": "tips", "frn": "frn"}
    )
    months = (c["maturity"].dt.to_period("M") - settle).map(lambda d: d.n).astype(int)
    mday = np.where(c["maturity"].dt.day == 15, "15", "eom")
    g = (
        pd.DataFrame(
            {"half": half, "kind": kind, "months": months, "day": mday, "issued": c["issued"]}
        )
        .groupby(["half", "kind", "months", "day"], as_index=False)["issued"]
        .sum()
    )
    coupons: dict[str, tuple[CouponTenor, ...]] = {}
    for h in get_args(SettleHalf):
        gh = g.loc[g["half"] == h].sort_values(["kind", "months"])
        sh = np.round(gh["issued"].to_numpy(float) / gh["issued"].sum(), decimals)
        sh[np.argmax(sh)] += 1 - sh.sum()
        coupons[h] = tuple(
            CouponTenor(str(k), int(m), str(d), float(round(s, decimals)), _label(str(k), int(m)))  # type: ignore[arg-type]
            for k, m, d, s in zip(gh["kind"], gh["months"], gh["day"], sh, strict=True)
        )
    # --- bills
    b = t.loc[t["security_class"] == "bill"]
    weeks = np.ceil((b["maturity"] - as_of).dt.days / 7).astype(int)
    stock = b.groupby(weeks)["outstanding"].sum().reindex(range(1, 53), fill_value=0.0)
    bands = (4, 8, 13, 26, 52)
    avg, lo = [], 1
    for hi in bands:
        avg.append(float(stock.loc[lo:hi].mean()))
        lo = hi + 1
    flows = [avg[i] - (avg[i + 1] if i + 1 < len(avg) else 0.0) for i in range(len(bands))]
    if any(f <= 0 for f in flows):
        raise DataError(
            f"MSPD {as_of.date()}: bill stock by remaining maturity does not fall with tenor "
            f"(weekly flows {np.round(flows, 1).tolist()}); give a mix explicitly"
        )
    bs = np.round(np.array(flows) / sum(flows), decimals)
    bs[np.argmax(bs)] += 1 - bs.sum()
    bill_share = float(
        t.loc[t["security_class"] == "bill", "outstanding"].sum() / t["outstanding"].sum()
    )
    return IssuanceMix(
        bill_weeks=bands,
        bill_shares=tuple(float(round(x, decimals)) for x in bs),
        coupons=coupons,
        treasury_bill_share=round(bill_share, decimals),
        source=(
            f"derived with qtlab.engine.mix.issuance_mix_from_mspd from the Monthly Statement of "
            f"the Public Debt of {as_of.date()} (Table III, marketable securities by CUSIP; "
            f"coupons first issued in the previous {window_months} months weighted by amount "
            "issued; bills from the stock by remaining maturity)"
        ),
    )
