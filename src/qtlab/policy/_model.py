"""``Policy`` and ``Regime``: the Fed's runoff rules as frozen, validated data.

A :class:`Policy` is an ordered tuple of :class:`Regime` objects; each regime is
in force from its ``start`` month until the next regime starts. Months before
the first regime are full reinvestment (everything rolled over and reinvested),
which is how the engine carries older holdings forward to the runoff start.

Units: caps, purchases and sales in USD billions per calendar month; ``math.inf``
means runoff is not capped, ``0`` means everything is rolled over or reinvested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab._yaml import parse_yaml, read_yaml
from qtlab.errors import DateRangeError, SpecError, one_of, quoted
from qtlab.policy._parts import MAX_AMOUNT, PhaseIn, RegimeSource, _amount, _choice

if TYPE_CHECKING:
    from qtlab.policy._endpoint import Endpoint

__all__ = [
    "CAP_PATH_COLUMNS",
    "MAX_AMOUNT",
    "MbsExcessTo",
    "MbsSales",
    "PhaseIn",
    "Policy",
    "Regime",
    "RegimeSource",
    "TreasuryRedemption",
]

TreasuryRedemption = Literal["coupons_first", "pro_rata"]
MbsExcessTo = Literal["mbs", "treasuries", "bills"]
MbsSales = Literal["none", "to_cap", "fixed"]

#: Columns of :meth:`Policy.cap_path`, in order.
CAP_PATH_COLUMNS: Final = (
    "treasury_cap",
    "agency_cap",
    "regime",
    "treasury_redemption",
    "mbs_excess_to",
    "mbs_excess_limit",
    "mbs_sales",
    "mbs_sales_amount",
    "bill_purchases",
    "coupon_purchases",
)


@dataclass(frozen=True)
class Regime:
    """One set of runoff rules, in force from ``start`` until the next regime.

    Attributes
    ----------
    name
        Short identifier (``"qt2-full-pace"``).
    start
        First month in force (``Period[M]``; YAML ``"YYYY-MM"``).
    treasury_cap
        Monthly cap on Treasury redemptions [USD bn]; ``math.inf`` uncapped,
        ``0`` all maturing Treasuries rolled over at auction.
    agency_cap
        Monthly cap on agency debt + MBS principal allowed to run off [USD bn].
    phase_in
        Optional stepped caps at the start of the regime.
    treasury_redemption
        ``"coupons_first"``: coupon securities (notes, bonds, TIPS, FRNs) are
        redeemed up to the cap and bills only for the part of the cap maturing
        coupons do not fill; ``"pro_rata"``: bills and coupons in proportion to
        the amounts maturing. Everything above the cap is rolled over at auction.
    mbs_excess_to
        Where agency principal above ``agency_cap`` goes: ``"mbs"`` (reinvested
        in agency MBS), ``"treasuries"`` (Treasury securities across maturities),
        ``"bills"`` (Treasury bills).
    mbs_excess_limit
        At most this much excess a month goes to ``mbs_excess_to``; any rest is
        reinvested in MBS (QT1's end: up to 20 into Treasuries) [USD bn/month].
    mbs_sales
        Active MBS sales: ``"none"``, ``"to_cap"`` (sell the shortfall of
        paydowns below the agency cap) or ``"fixed"`` (``mbs_sales_amount`` a month).
    mbs_sales_amount
        Monthly sales when ``mbs_sales="fixed"`` [USD bn].
    bill_purchases, coupon_purchases
        Outright purchases a month, e.g. reserve-management bill purchases [USD bn].
    source
        The statement the regime comes from; default :meth:`RegimeSource.user_scenario`
        (a hypothetical the user states, known at every vantage).
    note
        Free text (what the statement says, in a line).
    """

    name: str
    start: pd.Period
    treasury_cap: float
    agency_cap: float
    source: RegimeSource = field(default_factory=RegimeSource.user_scenario)
    phase_in: PhaseIn | None = None
    treasury_redemption: TreasuryRedemption = "coupons_first"
    mbs_excess_to: MbsExcessTo = "mbs"
    mbs_excess_limit: float = math.inf
    mbs_sales: MbsSales = "none"
    mbs_sales_amount: float = 0.0
    bill_purchases: float = 0.0
    coupon_purchases: float = 0.0
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SpecError(f"regime name={quoted(self.name)} must be a non-empty string")
        w = f"regime {quoted(self.name)}"
        object.__setattr__(self, "start", to_month(self.start, field=f"{w}: start"))
        for f in ("treasury_cap", "agency_cap", "mbs_excess_limit"):
            object.__setattr__(self, f, _amount(getattr(self, f), f, w, allow_inf=True))
        for f in ("mbs_sales_amount", "bill_purchases", "coupon_purchases"):
            object.__setattr__(self, f, _amount(getattr(self, f), f, w, allow_inf=False))
        _choice(
            self.treasury_redemption,
            get_args(TreasuryRedemption),
            "treasury_redemption",
            w,
        )
        _choice(self.mbs_excess_to, get_args(MbsExcessTo), "mbs_excess_to", w)
        _choice(self.mbs_sales, get_args(MbsSales), "mbs_sales", w)
        if self.mbs_sales != "fixed" and self.mbs_sales_amount:
            raise SpecError(
                f"{w}: mbs_sales_amount={self.mbs_sales_amount} is only used with "
                f"mbs_sales='fixed' (mbs_sales={quoted(self.mbs_sales)})"
            )
        if not isinstance(self.source, RegimeSource):
            raise SpecError(f"{w}: source must be a RegimeSource (title, date, url)")

    @property
    def announced(self) -> date:
        """The day the regime was announced: its source's date (``date.min`` for a user
        scenario, which the user states at whatever vantage they run it)."""
        if self.source.is_user:
            return date.min
        return date.fromisoformat(str(self.source.date).strip()[:10])

    def caps_at(self, month: MonthLike) -> tuple[float, float]:
        """(Treasury cap, agency cap) in ``month`` [USD bn], phase-in applied."""
        m = to_month(month)
        if self.phase_in is None:
            return self.treasury_cap, self.agency_cap
        k = (m - self.start).n
        if k < 0:
            raise SpecError(f"month {m} is before regime {quoted(self.name)} starts ({self.start})")
        p = self.phase_in
        steps = k // p.every_months
        return (
            min(p.treasury_start + p.treasury_step * steps, self.treasury_cap),
            min(p.agency_start + p.agency_step * steps, self.agency_cap),
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (the YAML form)."""
        d: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "source" and self.source.is_user:
                continue  # a user scenario cites nothing
            if isinstance(v, pd.Period):
                v = str(v)
            elif isinstance(v, RegimeSource | PhaseIn):
                v = {g.name: getattr(v, g.name) for g in fields(v)}
            elif isinstance(v, float) and math.isinf(v):
                v = "uncapped"
            d[f.name] = v
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Regime:
        """Build a regime from its YAML form; unknown keys are an error."""
        if not isinstance(data, Mapping):
            raise SpecError(f"a regime must be a mapping of fields, got {quoted(data)}")
        valid = [f.name for f in fields(cls)]
        where = f"regime {quoted(data.get('name', '?'))}"
        unknown = [k for k in data if k not in valid]
        if unknown:
            raise SpecError(
                f"{where}: unknown field {quoted(unknown[0])}; valid fields are {one_of(valid)}"
            )
        missing = [k for k in ("name", "start", "treasury_cap", "agency_cap") if k not in data]
        if missing:
            raise SpecError(f"{where}: missing field {quoted(missing[0])}")
        kw = dict(data)
        kw["start"] = str(kw["start"])
        src = kw.pop("source", None)
        if src is not None:
            if not isinstance(src, Mapping) or sorted(src) != ["date", "title", "url"]:
                raise SpecError(
                    f"{where}: source must have exactly title, date and url (or be left out "
                    f"for a user scenario); got {quoted(src)}"
                )
            kw["source"] = RegimeSource(str(src["title"]), str(src["date"]), str(src["url"]))
        if kw.get("phase_in") is not None:
            ph = kw["phase_in"]
            pvalid = [f.name for f in fields(PhaseIn)]
            if not isinstance(ph, Mapping) or sorted(ph) != sorted(pvalid):
                raise SpecError(
                    f"{where}: phase_in needs exactly {one_of(pvalid)}; got {quoted(ph)}"
                )
            kw["phase_in"] = PhaseIn(**ph)
        return cls(**kw)


@dataclass(frozen=True)
class Policy:
    """An ordered list of runoff regimes (and an optional endpoint).

    Parameters
    ----------
    name
        Identifier (a preset name for presets).
    regimes
        Regimes with strictly increasing ``start`` months.
    title
        One-line description.
    endpoint
        Optional :class:`~qtlab.policy.Endpoint`: the rules that stop runoff
        (measured by the engine on the projected balance sheet) and the regime
        in force from the month after the first binds, replacing the regimes
        listed here from then on.
    """

    name: str
    regimes: tuple[Regime, ...]
    title: str = ""
    endpoint: Endpoint | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "regimes", tuple(self.regimes))
        if not self.regimes:
            raise SpecError(f"policy {quoted(self.name)} has no regimes; give at least one")
        for r in self.regimes:
            if not isinstance(r, Regime):
                raise SpecError(
                    f"policy {quoted(self.name)}: regimes must be Regime objects, got {quoted(r)}"
                )
        for a, b in zip(self.regimes, self.regimes[1:], strict=False):
            if b.start <= a.start:
                raise SpecError(
                    f"policy {quoted(self.name)}: regime {quoted(b.name)} starts {b.start}, not "
                    f"after "
                    f"{quoted(a.name)} ({a.start}); regimes must be in increasing start order"
                )
        names = [r.name for r in self.regimes]
        if len(set(names)) != len(names):
            raise SpecError(f"policy {quoted(self.name)}: regime names repeat: {names}")
        if self.endpoint is not None:
            from qtlab.policy._endpoint import Endpoint  # noqa: PLC0415 (import cycle)

            if isinstance(self.endpoint, Mapping):
                ep = Endpoint.from_dict(self.endpoint, where=f"policy {quoted(self.name)}")
                object.__setattr__(self, "endpoint", ep)
            elif not isinstance(self.endpoint, Endpoint):
                raise SpecError(
                    f"policy {quoted(self.name)}: endpoint must be an Endpoint, a mapping with "
                    f"'rules' or None; got {quoted(self.endpoint)}"
                )

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{r.start}:{r.name}({_fmt(r.treasury_cap)}/{_fmt(r.agency_cap)})" for r in self.regimes
        )
        ep = "" if self.endpoint is None else f", {quoted(self.endpoint)}"
        return f"Policy({quoted(self.name)}, [{parts}]{ep})"

    @property
    def start(self) -> pd.Period:
        """First month of the first regime."""
        return self.regimes[0].start

    @property
    def before(self) -> Regime:
        """The implicit regime before the first one: full reinvestment."""
        first = self.regimes[0]
        return Regime(
            name="reinvest-all",
            start=pd.Period("1900-01", freq="M"),
            treasury_cap=0.0,
            agency_cap=0.0,
            source=first.source,
            note=f"before {quoted(first.name)} ({first.start}): all principal rolled over or "
            f"reinvested",
        )

    def regime_at(self, month: MonthLike) -> Regime:
        """The regime in force in ``month`` (:attr:`before` if before the first)."""
        m = to_month(month)
        current = self.before
        for r in self.regimes:
            if r.start <= m:
                current = r
            else:
                break
        return current

    def cap_path(self, start: MonthLike, end: MonthLike) -> pd.DataFrame:
        """The rules month by month from ``start`` to ``end`` inclusive.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``Period[M]`` (name ``month``), columns
            :data:`CAP_PATH_COLUMNS`: ``treasury_cap``, ``agency_cap`` [USD bn
            per month; ``math.inf`` uncapped, 0 everything reinvested],
            ``regime`` (name), ``treasury_redemption``, ``mbs_excess_to``,
            ``mbs_excess_limit`` [USD bn], ``mbs_sales``, ``mbs_sales_amount``,
            ``bill_purchases``, ``coupon_purchases`` [USD bn per month].
        """
        s, e = to_month(start, field="start"), to_month(end, field="end")
        if e < s:
            raise SpecError(f"end={e} is before start={s}; give end >= start")
        idx = pd.period_range(s, e, freq="M", name="month")
        rows = []
        for m in idx:
            r = self.regime_at(m)
            tcap, acap = r.caps_at(m) if r.start <= m else (0.0, 0.0)
            rows.append(
                (
                    tcap,
                    acap,
                    r.name,
                    r.treasury_redemption,
                    r.mbs_excess_to,
                    r.mbs_excess_limit,
                    r.mbs_sales,
                    r.mbs_sales_amount,
                    r.bill_purchases,
                    r.coupon_purchases,
                )
            )
        return pd.DataFrame(rows, index=idx, columns=list(CAP_PATH_COLUMNS))

    def known_at(self, as_of: date | None) -> Policy:
        """The policy as it was known on ``as_of``: only the regimes announced by then.

        A regime exists from its announcement (:attr:`Regime.announced`, the date of
        the statement it cites), whatever month it starts in; a regime announced
        later was not known, so the policy known then continues the last regime
        announced by ``as_of``. ``None`` (today) and a policy all of whose regimes
        were announced return the policy itself; otherwise the copy keeps the name
        and endpoint and its title lists the regimes kept (the full title may
        describe later decisions).

        Raises
        ------
        DateRangeError
            If no regime had been announced by ``as_of`` (the message names the first
            announcement).
        """
        if as_of is None:
            return self
        kept = tuple(r for r in self.regimes if r.announced <= as_of)
        if len(kept) == len(self.regimes):
            return self
        if not kept:
            first = min(self.regimes, key=lambda r: r.announced)
            raise DateRangeError(
                f"policy {self.name!r} was not announced by {as_of.isoformat()}: its first "
                f"regime, {first.name!r}, was announced on {first.announced.isoformat()}; give a "
                "later vantage date or a policy known then"
            )
        listed = ", ".join(f"{r.name} from {r.start}" for r in kept)
        title = f"{self.name} as announced by {as_of.isoformat()}: {listed}"
        return replace(self, regimes=kept, title=title)

    def announced_by(self, as_of: date | None) -> bool:
        """Whether any regime of the policy had been announced by ``as_of`` (None: today)."""
        return as_of is None or any(r.announced <= as_of for r in self.regimes)

    def stopped_at(self, end_month: MonthLike) -> Policy:
        """The policy with runoff stopped after ``end_month``: the regimes up to it, then
        the endpoint regime from the month after (no endpoint left to test).

        Raises
        ------
        SpecError
            If the policy has no endpoint.
        """
        if self.endpoint is None:
            raise SpecError(f"policy {quoted(self.name)} has no endpoint to stop at")
        end = to_month(end_month, field="end_month")
        kept = tuple(r for r in self.regimes if r.start <= end)
        if not kept:
            raise SpecError(
                f"end_month={end} is before the policy's first regime ({self.start}); "
                "runoff cannot stop before it starts"
            )
        return replace(self, regimes=(*kept, self.endpoint.regime_from(end + 1)), endpoint=None)

    def table(self) -> pd.DataFrame:
        """One row per regime, for comparing plans (A2).

        Columns: ``regime``, ``start``, ``end`` (last month in force, ``None`` if
        open-ended), ``treasury_cap``, ``agency_cap`` [USD bn/month, ``inf`` uncapped],
        ``phase_in`` (text or ``""``), ``treasury_redemption``, ``mbs_excess_to``,
        ``mbs_excess_limit``, ``mbs_sales``, ``mbs_sales_amount``, ``bill_purchases``,
        ``coupon_purchases`` [USD bn/month], ``source_title``, ``source_date``,
        ``source_url``, ``note``.
        """
        rows = []
        for i, r in enumerate(self.regimes):
            nxt = self.regimes[i + 1].start - 1 if i + 1 < len(self.regimes) else None
            ph = r.phase_in
            rows.append(
                {
                    "regime": r.name,
                    "start": str(r.start),
                    "end": None if nxt is None else str(nxt),
                    "treasury_cap": r.treasury_cap,
                    "agency_cap": r.agency_cap,
                    "phase_in": ""
                    if ph is None
                    else (
                        f"{_fmt(ph.treasury_start)}/{_fmt(ph.agency_start)} rising by "
                        f"{_fmt(ph.treasury_step)}/{_fmt(ph.agency_step)} every "
                        f"{ph.every_months} months"
                    ),
                    "treasury_redemption": r.treasury_redemption,
                    "mbs_excess_to": r.mbs_excess_to,
                    "mbs_excess_limit": r.mbs_excess_limit,
                    "mbs_sales": r.mbs_sales,
                    "mbs_sales_amount": r.mbs_sales_amount,
                    "bill_purchases": r.bill_purchases,
                    "coupon_purchases": r.coupon_purchases,
                    "source_title": r.source.title,
                    "source_date": r.source.date,
                    "source_url": r.source.url,
                    "note": r.note,
                }
            )
        return pd.DataFrame(rows)

    def with_purchases(self, *, bills: float | None = None, coupons: float | None = None) -> Policy:
        """A copy in which every regime that purchases uses the given monthly pace [USD bn].

        A policy without any purchasing regime is a :class:`SpecError` (the pace would be
        ignored). Regimes without purchases are unchanged, so e.g.
        ``load_preset("qt2-realized").with_purchases(bills=20)`` sets the
        reserve-management pace.
        """
        if (bills is not None or coupons is not None) and not any(
            r.bill_purchases or r.coupon_purchases for r in self.regimes
        ):
            raise SpecError(
                f"policy {quoted(self.name)} has no regime that purchases, so a purchase pace "
                "(bills=, coupons=; load_preset's rmp_pace=) would change nothing; use a policy "
                "with reserve-management "
                "purchases (qt2-realized, rmp-2025) or leave the pace out"
            )
        regs = []
        for r in self.regimes:
            if r.bill_purchases or r.coupon_purchases:
                regs.append(
                    replace(
                        r,
                        bill_purchases=r.bill_purchases if bills is None else bills,
                        coupon_purchases=r.coupon_purchases if coupons is None else coupons,
                    )
                )
            else:
                regs.append(r)
        return replace(self, regimes=tuple(regs))

    def with_regime(self, regime: Regime) -> Policy:
        """A copy with ``regime`` in force from its start month until the next regime.

        A regime that starts in the same month is replaced; every other regime is kept.
        ``regime`` carries its own source (default a user scenario), so it never
        inherits the citation of the regime it replaces.
        """
        if not isinstance(regime, Regime):
            raise SpecError(f"with_regime needs a Regime, got {quoted(regime)}")
        kept = [r for r in self.regimes if r.start != regime.start]
        regs = tuple(sorted([*kept, regime], key=lambda r: r.start))
        return replace(
            self,
            regimes=regs,
            title=f"{self.title or self.name}; {regime.name} from {regime.start}",
        )

    def with_caps(
        self,
        *,
        treasury: float | None = None,
        agency: float | None = None,
        start: MonthLike | None = None,
    ) -> Policy:
        """A copy in which the regime in force at ``start`` has new caps [USD bn/month].

        ``start`` (default the policy's first month) splits that regime if it starts
        earlier: the months before keep the old caps, the new part runs with the given
        caps (``math.inf`` uncapped; a cap left ``None`` is unchanged) until the next
        regime, with no phase-in, as a user scenario whose note names the regime and
        source it was changed from (named ``<regime>@YYYY-MM`` when split, as a restart
        is). Later regimes are unchanged.
        """
        if treasury is None and agency is None:
            raise SpecError("with_caps: give treasury= or agency= [USD bn per month]")
        month = self.start if start is None else to_month(start, field="start")
        old = self.regime_at(month)
        changed = replace(
            old,
            name=old.name if old.start == month else f"{old.name}@{month}",
            start=month,
            treasury_cap=old.treasury_cap if treasury is None else treasury,
            agency_cap=old.agency_cap if agency is None else agency,
            phase_in=None,
            source=RegimeSource.user_scenario(),
            note=f"caps changed from {old.name} ({old.source.title}"
            + (f", {old.source.date})" if old.source.date else ")"),
        )
        return self.with_regime(changed)

    def to_dict(self) -> dict[str, Any]:
        """The YAML form."""
        d: dict[str, Any] = {"name": self.name, "title": self.title}
        d["regimes"] = [r.to_dict() for r in self.regimes]
        if self.endpoint is not None:
            d["endpoint"] = self.endpoint.to_dict()
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> Policy:
        """Build a policy from its YAML form (``name``, ``title``, ``regimes``, ``endpoint``)."""
        where = f"policy file {file}" if file else "policy"
        if not isinstance(data, Mapping):
            raise SpecError(
                f"{where}: expected a mapping with name and regimes, got {quoted(data)}"
            )
        valid = ("name", "title", "regimes", "endpoint")
        unknown = [k for k in data if k not in valid]
        if unknown:
            raise SpecError(
                f"{where}: unknown key {quoted(unknown[0])}; valid keys are {one_of(valid)}"
            )
        if "name" not in data or "regimes" not in data:
            raise SpecError(f"{where}: needs 'name' and 'regimes'")
        regs = data["regimes"]
        if not isinstance(regs, list):
            raise SpecError(f"{where}: 'regimes' must be a list, got {quoted(regs)}")
        return cls(
            name=str(data["name"]),
            regimes=tuple(Regime.from_dict(r) for r in regs),
            title=str(data.get("title", "")),
            endpoint=_endpoint(data.get("endpoint"), where),
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Policy:
        """Read a policy from a YAML file (same form as the packaged presets)."""
        data = read_yaml(path, what="policy file", form=_POLICY_FORM)
        return cls.from_dict(data, file=str(path))

    @classmethod
    def from_yaml_text(cls, text: str | bytes, *, file: str | None = None) -> Policy:
        """Parse a policy from YAML text."""
        where = f"policy file {quoted(file or '<text>')}"
        return cls.from_dict(parse_yaml(text, where=where, form=_POLICY_FORM), file=file)


#: What a policy file holds, for error messages.
_POLICY_FORM = (
    "a YAML mapping with keys name, title, regimes (a list of regimes: name, start YYYY-MM, "
    "treasury_cap, agency_cap, ...) and optionally endpoint (the form of the packaged presets, "
    "qtlab.policy.load_preset(...).to_dict())"
)


def _endpoint(data: object, where: str) -> Endpoint | None:
    from qtlab.policy._endpoint import Endpoint  # noqa: PLC0415 (import cycle)

    return None if data is None else Endpoint.from_dict(data, where=where)


def _fmt(v: float) -> str:
    return "inf" if math.isinf(v) else f"{v:g}"
