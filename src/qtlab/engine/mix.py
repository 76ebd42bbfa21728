"""The issuance mix: into which new securities rolled-over money goes.

At auction the Desk adds the amount it rolls over to the securities the
Treasury issues that day, in proportion to the amounts offered. So:

- maturing **bills** roll into the bills issued that week, by tenor (4, 8, 13,
  17, 26, 52 weeks ...), in proportion to weekly bill issuance;
- maturing **coupon securities** roll into the coupon securities settling on
  their maturity date: mid-month (the 15th: 3- and 10-year notes, 30-year
  bonds) or month end (2-, 5-, 7-year notes, 20-year bonds, TIPS, FRNs), in
  proportion to the amounts issued on that settlement date.

The tenor weights of the default mix (:func:`mspd_issuance_mix`) are derived
from the Treasury's Monthly Statement of the Public Debt of 2022-01-31 (Table
III, by CUSIP) with :func:`issuance_mix_from_mspd`, and shipped as
``mix_mspd_2022-01.yaml``; a test checks that the packaged file equals a fresh
derivation from the snapshot. Treasury changes auction sizes every quarter (it
cut nominal coupons by $1-3 bn a month each from November 2021), so the default
mix (:func:`default_issuance_mix`) also carries the offering amounts announced
for February-May 2022 (``auction_sizes_2022.yaml``, each month citing its
source): in those months the Desk's rollovers follow the announced sizes, in
others the MSPD weights. Users can give any :class:`IssuanceMix`, with or
without dated sizes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, get_args

import numpy as np
import pandas as pd
import yaml

from qtlab._yaml import read_yaml
from qtlab.engine._auctions import (
    AUCTION_CALENDAR,
    AuctionSizes,
    SettleHalf,
    _active,
    _active_mask,
    _addon_months,
    _before_weekend_kinds,
    _Calendar,
    _check_sizes,
    _friday_months,
)
from qtlab.errors import DataError, SpecError, one_of, quoted

__all__ = [
    "AUCTION_CALENDAR",
    "AuctionSizes",
    "CouponTenor",
    "IssuanceMix",
    "SettleHalf",
    "announced_auction_sizes",
    "default_issuance_mix",
    "issuance_mix_from_mspd",
    "mspd_issuance_mix",
]

CouponKind = Literal["note_bond", "tips", "frn"]
MaturityDay = Literal["15", "eom"]

_MIX_FILE: Final = "mix_mspd_2022-01.yaml"
_SIZES_FILE: Final = "auction_sizes_2022.yaml"


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
    addon_months
        Calendar months (1..12) in which the Desk's rollovers go into this
        security; ``None`` (default): every month. In the other months its share
        goes to the other securities settling that day, in proportion.
    before_weekend
        The security settles on the last business day of the month, before the
        month end when that is a Saturday or Sunday (TIPS do; 2-, 5-, 7-year
        notes and FRNs are dated the month end and settle on the next business
        day). Month-end maturities are then paid on the next business day and
        cannot roll into it, so in such months its share goes to the others.
    friday_months
        Calendar months in which the security takes rollovers only when the
        month ends on a Friday (2-year FRN reopenings, which settle on the
        Friday of their auction week); ``()`` by default.
    """

    kind: CouponKind
    months: int
    day: MaturityDay
    share: float
    label: str = ""
    addon_months: tuple[int, ...] | None = None
    before_weekend: bool = False
    friday_months: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in get_args(CouponKind):
            raise SpecError(
                f"coupon tenor kind={quoted(self.kind)}; valid: {one_of(get_args(CouponKind))}"
            )
        if self.day not in get_args(MaturityDay):
            raise SpecError(
                f"coupon tenor day={quoted(self.day)}; valid: {one_of(get_args(MaturityDay))}"
            )
        if isinstance(self.months, bool) or not isinstance(self.months, int) or self.months < 1:
            raise SpecError(f"coupon tenor months={quoted(self.months)} must be an integer >= 1")
        if not (0 <= float(self.share) <= 1):
            raise SpecError(f"coupon tenor share={quoted(self.share)} must be in [0, 1]")
        if self.addon_months is not None:
            am = tuple(sorted({int(x) for x in self.addon_months}))
            if not am or am[0] < 1 or am[-1] > 12:
                raise SpecError(
                    f"coupon tenor addon_months={quoted(self.addon_months)} must be calendar "
                    f"months "
                    "1..12 (or None for every month)"
                )
            object.__setattr__(self, "addon_months", am)
        fm = tuple(sorted({int(x) for x in self.friday_months}))
        if fm and (fm[0] < 1 or fm[-1] > 12):
            raise SpecError(
                f"coupon tenor friday_months={quoted(self.friday_months)} must be calendar "
                f"months 1..12"
            )
        object.__setattr__(self, "friday_months", fm)


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
    auction_sizes
        Optional offering amounts [USD bn] of the coupon auctions settling in given
        months: ``{"YYYY-MM": {"mid" | "end": {tenor label: amount}}}``. In such a
        month and half the rollovers go to the tenors taking add-ons in proportion
        to these amounts instead of ``share``; every such tenor must then have an
        amount (tenors taking no add-ons that month may be listed or left out).
        Labels are those of ``coupons`` (``"2y nominal"``, ``"2y FRN"``,
        ``"10y TIPS"``).
    """

    bill_weeks: tuple[int, ...]
    bill_shares: tuple[float, ...]
    coupons: Mapping[str, tuple[CouponTenor, ...]]
    treasury_bill_share: float
    source: str = ""
    auction_sizes: AuctionSizes = field(default_factory=dict)
    _dated: Mapping[tuple[str, str], tuple[float, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

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
            _check_shares([t.share for t in ts], f"coupons settling {quoted(h)}")
        object.__setattr__(self, "coupons", cp)
        for h, tenors in cp.items():
            for mo in range(1, 13):
                for wk in (False, True):
                    if not any(t.share > 0 and _active(t, mo, wk and h == "end") for t in tenors):
                        raise SpecError(
                            f"issuance mix: no security settling {quoted(h)} takes rollovers in "
                            f"calendar month {mo}{' when it ends on a weekend' if wk else ''}; "
                            "widen some tenor's addon_months or before_weekend"
                        )
        if not (0 <= self.treasury_bill_share <= 1):
            raise SpecError(
                f"issuance mix: treasury_bill_share={quoted(self.treasury_bill_share)} must be "
                f"in [0, 1]"
            )
        sizes, dated = _check_sizes(self.auction_sizes, cp)
        object.__setattr__(self, "auction_sizes", sizes)
        object.__setattr__(self, "_dated", dated)

    def coupon_shares(self, half: str, month: pd.Period) -> tuple[float, ...]:
        """Shares [0..1] of the tenors of ``coupons[half]`` for rollovers in ``month``.

        Tenors that take no rollovers that month (``addon_months`` and
        ``friday_months``; at month end ``before_weekend`` when the month ends on
        a Saturday or Sunday) get 0;
        the others keep their relative weights and sum to 1.
        """
        ts = self.coupons[half]
        active = _active_mask(ts, half, month)
        weights = self._dated.get((str(month), half)) or tuple(t.share for t in ts)
        w = [x if a else 0.0 for x, a in zip(weights, active, strict=True)]
        tot = math.fsum(w)
        return tuple(x / tot for x in w)

    def with_auction_sizes(self, sizes: AuctionSizes, source: str = "") -> IssuanceMix:
        """This mix with dated offering amounts [USD bn] added (see ``auction_sizes``);
        months given here replace the same months already in the mix."""
        merged = {m: dict(v) for m, v in self.auction_sizes.items()}
        for m, v in sizes.items():
            merged[str(m)] = dict(v)
        return replace(
            self,
            auction_sizes=merged,
            source=f"{self.source}; {source}" if source else self.source,
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
                        **(
                            {"addon_months": list(t.addon_months)}
                            if t.addon_months is not None
                            else {}
                        ),
                        **({"before_weekend": True} if t.before_weekend else {}),
                        **({"friday_months": list(t.friday_months)} if t.friday_months else {}),
                    }
                    for t in ts
                ]
                for h, ts in self.coupons.items()
            },
            **(
                {
                    "auction_sizes": {
                        m: {h: dict(v) for h, v in halves.items()}
                        for m, halves in self.auction_sizes.items()
                    }
                }
                if self.auction_sizes
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IssuanceMix:
        """Build a mix from its YAML form; a key it does not know is an error naming the
        valid ones (it would otherwise be ignored silently)."""
        _known_keys(data, _MIX_KEYS, "issuance mix")
        try:
            bills = data["bills"]
            for i, b in enumerate(bills):
                _known_keys(b, ("weeks", "share"), f"issuance mix: bills[{i}]")
            _known_keys(data["coupons"], ("mid", "end"), "issuance mix: coupons")
            for h, ts in data["coupons"].items():
                for i, t in enumerate(ts):
                    _known_keys(t, _TENOR_KEYS, f"issuance mix: coupons.{h}[{i}]")
            coupons = {
                h: tuple(
                    CouponTenor(
                        kind=t["kind"],
                        months=int(t["months"]),
                        day=str(t["day"]),  # type: ignore[arg-type]
                        share=float(t["share"]),
                        label=str(t.get("label", "")),
                        addon_months=(
                            None
                            if t.get("addon_months") is None
                            else tuple(int(x) for x in t["addon_months"])
                        ),
                        before_weekend=bool(t.get("before_weekend", False)),
                        friday_months=tuple(int(x) for x in t.get("friday_months", ())),
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
                auction_sizes=data.get("auction_sizes") or {},
            )
        except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as exc:
            raise SpecError(
                f"issuance mix: malformed mapping ({quoted(exc)}); expected keys source, "
                "treasury_bill_share, bills [{weeks, share}], coupons {mid, end: [{kind, months, "
                "day, share, label}]} and optionally auction_sizes {YYYY-MM: {mid|end: "
                "{label: USD bn}}}"
            ) from exc

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> IssuanceMix:
        """A mix from a YAML file in the form of :meth:`to_dict`; a missing, unreadable or
        malformed file is a :class:`~qtlab.errors.SpecError` naming the file and the form."""
        where = f"issuance mix file {quoted(str(path))}"
        data = read_yaml(path, what="issuance mix file", form=MIX_FORM)
        if not isinstance(data, Mapping):
            raise SpecError(
                f"{where}: holds {type(data).__name__}, not a mapping; expected {MIX_FORM}"
            )
        try:
            return cls.from_dict(data)
        except SpecError as exc:
            raise SpecError(f"{where}: {exc}") from exc


#: What an issuance-mix file holds, for error messages.
MIX_FORM: Final = (
    "a YAML mapping with keys source, treasury_bill_share, bills [{weeks, share}] and "
    "coupons {mid, end: [{kind, months, day, share, label}]} (the form of "
    "qtlab.engine.default_issuance_mix().to_dict())"
)

#: The keys of an issuance-mix mapping, and of one coupon tenor in it.
_MIX_KEYS: Final = ("source", "treasury_bill_share", "bills", "coupons", "auction_sizes")
_TENOR_KEYS: Final = (
    "kind",
    "months",
    "day",
    "share",
    "label",
    "addon_months",
    "before_weekend",
    "friday_months",
)


def _known_keys(data: object, valid: tuple[str, ...], where: str) -> None:
    """Raise :class:`SpecError` for a mapping key not in ``valid`` (or a non-mapping)."""
    if not isinstance(data, Mapping):
        raise SpecError(
            f"{where}: expected a mapping with keys {one_of(valid)}, got {quoted(data)}"
        )
    unknown = [k for k in data if k not in valid]
    if unknown:
        raise SpecError(
            f"{where}: unknown key {quoted(unknown[0])}; valid keys are {one_of(valid)}"
        )


@cache
def mspd_issuance_mix() -> IssuanceMix:
    """The packaged tenor weights, derived from the MSPD of 2022-01-31 (module docstring)."""
    text = resources.files("qtlab.engine").joinpath(_MIX_FILE).read_text("utf-8")
    return IssuanceMix.from_dict(yaml.safe_load(text))


@cache
def announced_auction_sizes() -> tuple[AuctionSizes, str]:
    """Offering amounts [USD bn] of the coupon auctions of February-May 2022 and their
    source, as packaged in ``auction_sizes_2022.yaml``."""
    text = resources.files("qtlab.engine").joinpath(_SIZES_FILE).read_text("utf-8")
    data = yaml.safe_load(text)
    return {str(m): d for m, d in data["months"].items()}, str(data["source"])


@cache
def default_issuance_mix() -> IssuanceMix:
    """The default mix: :func:`mspd_issuance_mix` with the auction sizes announced for
    February-May 2022 (:func:`announced_auction_sizes`)."""
    sizes, source = announced_auction_sizes()
    return mspd_issuance_mix().with_auction_sizes(sizes, source)


def _label(kind: str, months: int) -> str:
    yrs = round(months / 12)
    return {"note_bond": f"{yrs}y nominal", "tips": f"{yrs}y TIPS", "frn": f"{yrs}y FRN"}[kind]


def issuance_mix_from_mspd(
    table: pd.DataFrame,
    *,
    window_months: int = 12,
    decimals: int = 4,
    calendar: Mapping[tuple[str, int], _Calendar] = AUCTION_CALENDAR,
) -> IssuanceMix:
    """Derive an issuance mix from an MSPD Table III frame.

    ``table`` is e.g. ``Dataset().table("treasury.mspd_detail.2022-01-31")``.

    Coupons
        The tenors first issued in the ``window_months`` before the statement
        date, each weighted by the amount issued per auction of its latest
        security (rollovers go to the auctions settling on the maturity date in
        proportion to their sizes, and sizes drift: Treasury was cutting nominal
        coupon sizes from late 2021). A tenor of ``calendar`` (default
        :data:`AUCTION_CALENDAR`) divides its latest security's amount issued by
        its auctions up to the statement date (the original issue and the
        reopenings held so far) and takes rollovers only in its auction months
        (new-issue months only where the SOMA takes no reopenings); other tenors
        issue a new security at every auction. A month's shares are these
        weights renormalized over the tenors taking rollovers that month
        (:meth:`IssuanceMix.coupon_shares`). A security
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
    Weekend month ends
        A kind whose month-end issues fall before a weekend month end in every
        case in the table (TIPS: all 11 since 2015; notes, bonds and FRNs are
        issued on the next business day) gets ``before_weekend``.
    Treasury purchases
        ``treasury_bill_share``: bills' share of marketable Treasury debt in the
        table (par outstanding).
    """
    need = ("as_of", "security_class", "issue_date", "maturity", "issued", "outstanding")
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataError(f"MSPD table lacks column {quoted(missing[0])}; it needs {one_of(need)}")
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
    early = _before_weekend_kinds(t)
    mday = np.where(c["maturity"].dt.day == 15, "15", "eom")
    as_of_m = as_of.to_period("M")
    auctions = [
        1 + sum(1 for off in calendar[(k, int(m))][1] if (sm + off) <= as_of_m)
        if (k, int(m)) in calendar
        else 0
        for k, m, sm in zip(kind, months, settle, strict=True)
    ]
    g = (
        pd.DataFrame(
            {
                "half": half,
                "kind": kind,
                "months": months,
                "day": mday,
                "issued": c["issued"].to_numpy(float) / np.maximum(auctions, 1),
                "issue_date": c["issue_date"],
            }
        )
        .sort_values("issue_date")
        .groupby(["half", "kind", "months", "day"], as_index=False)
        .last()
    )
    g["weight"] = g["issued"]
    coupons: dict[str, tuple[CouponTenor, ...]] = {}
    for h in get_args(SettleHalf):
        gh = g.loc[g["half"] == h].sort_values(["kind", "months"])
        sh = np.round(gh["weight"].to_numpy(float) / gh["weight"].sum(), decimals)
        sh[np.argmax(sh)] += 1 - sh.sum()
        coupons[h] = tuple(
            CouponTenor(
                str(k),  # type: ignore[arg-type]
                int(m),
                str(d),  # type: ignore[arg-type]
                float(round(s, decimals)),
                _label(str(k), int(m)),
                _addon_months(calendar.get((str(k), int(m)))),
                h == "end" and str(k) in early,
                _friday_months(calendar.get((str(k), int(m)))),
            )
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
