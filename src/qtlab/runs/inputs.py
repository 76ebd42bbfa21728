"""Data plumbing shared by the liabilities (C2, C3) and impact (D1-D4) analyses.

Reads the as-of :class:`~qtlab.store.Dataset` and turns it into the plain
monthly inputs the model packages take. Until the runoff engine is wired in,
the asset path comes from :func:`asset_path`: the runoff caps applied in full
(an upper bound on runoff) or assets held flat.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd

from qtlab._periods import to_monthly, value_at
from qtlab.balance import (
    DEFAULT_GDP_GROWTH,
    CurrencyTrend,
    Decay,
    LiabilityModelFit,
    LiabilityRules,
    LiabilityState,
    RrpSupply,
    TgaSeasonal,
    balance_sheet,
    monthly_balance_sheet,
    monthly_gdp,
)
from qtlab.balance.models import CurrencyFit, CurrencyRate, CurrencyRateFit
from qtlab.engine import BalanceInputs
from qtlab.errors import DataError, SpecError, UnknownSeriesError, one_of
from qtlab.i18n import t
from qtlab.impact import (
    SEP_PATH_STATISTICS,
    SepStatistic,
    debt_path,
    policy_rate,
    sep_policy_path,
)
from qtlab.policy import PRESET_NAMES, preset_in_force
from qtlab.runs.context import RunContext
from qtlab.runs.runoff import run_projection
from qtlab.sources.fomc import load_sep_preset, sep_series_id

__all__ = [
    "ASSET_PATHS",
    "Assumption",
    "ImpactInputs",
    "asset_path",
    "asset_path_names",
    "balance_from_h41",
    "default_asset_path",
    "engine_frame",
    "engine_securities",
    "fit_liability_model",
    "last_sep_year",
    "load_inputs",
    "meta",
    "model_rules",
    "on_rrp_rate",
    "quarterly_visible",
    "rrp_drivers",
    "rules_assumption",
    "sep_path",
    "sep_without_central_tendency",
]

#: Simple asset paths besides the engine's policies: name -> what it assumes (cited).
ASSET_PATHS: Final[Mapping[str, str]] = {
    "caps": (
        "total assets fall by the full QT2 caps: 47.5 bn a month (Treasuries 30 + MBS 17.5) in "
        "June-August 2022, 95 bn (60 + 35) from September 2022 (FOMC, Plans for Reducing the "
        "Size of the Federal Reserve's Balance Sheet, 2022-05-04); an upper bound on runoff, "
        "as MBS paydowns fell short of their cap"
    ),
    "hold": "total assets held flat at their last level (no runoff)",
    "renewed": (
        "renewed runoff: the QT2 caps resumed from their start the month after the vantage, "
        "47.5 bn a month for three months, then 95 bn (FOMC, 2022-05-04); an upper bound"
    ),
}
_QT2_PHASE = (pd.Period("2022-06", freq="M"), pd.Period("2022-09", freq="M"), 47.5, 95.0)
_GDP_PUBLICATION_LAG_DAYS: Final = 30
#: QT2 ended on 2025-12-01 (FOMC statement, 2025-10-29).
_QT2_END: Final = date(2025, 12, 1)


@dataclass(frozen=True)
class Assumption:
    """An assumption a result must print: a strings-catalogue key and its values.

    Values that are themselves :class:`Assumption` objects are rendered in the same
    language, so one sentence can be composed of parts.
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang``."""
        vals = {k: v.text(lang) if isinstance(v, Assumption) else v for k, v in self.values.items()}
        return t(self.key, lang, **vals)


def rules_assumption(rules: LiabilityRules) -> Assumption:
    """The liabilities rules of C2 as one translatable sentence."""
    rrp = {
        "absorb_first": Assumption(
            "impact.assumption.rrp.absorb_first", {"floor": rules.rrp_floor}
        ),
        "fixed_share": Assumption(
            "impact.assumption.rrp.fixed_share", {"share": 100.0 * rules.rrp_share}
        ),
        "path": Assumption("impact.assumption.rrp.path"),
    }[rules.rrp_rule]
    if rules.tga is None:
        tga = Assumption("impact.assumption.tga_flat")
    elif isinstance(rules.tga, pd.Series):
        tga = Assumption("impact.assumption.tga_path")
    else:
        tga = Assumption("impact.assumption.tga_level", {"level": float(rules.tga)})
    return Assumption(
        "impact.assumption.liabilities",
        {"rrp": rrp, "tga": tga, "growth": rules.currency_growth},
    )


@dataclass(frozen=True)
class ImpactInputs:
    """Monthly inputs cut at the vantage date [USD bn, %]."""

    as_of: date | None
    h41: pd.DataFrame
    state: LiabilityState
    state_notes: tuple[Assumption, ...]
    gdp: pd.Series
    gdp_growth: float
    debt: pd.Series
    debt_source: str
    reserves: pd.Series
    securities: pd.Series
    yield10: pd.Series
    policy: pd.Series

    @property
    def last_month(self) -> pd.Period:
        return self.state.month

    @property
    def gdp_assumption(self) -> Assumption:
        """The GDP growth assumption, printed with every result that uses GDP."""
        return Assumption(
            "impact.assumption.gdp",
            {"quarter": str(self.gdp.attrs["last_actual"]), "growth": self.gdp_growth},
        )

    @property
    def debt_assumption(self) -> Assumption:
        """Where the future marketable debt comes from."""
        return Assumption(
            "impact.assumption.debt",
            {"month": str(self.debt.attrs.get("extended_from", "")), "baseline": self.debt_source},
        )


def quarterly_visible(ctx: RunContext, series_id: str = "GDP") -> pd.Series:
    """A quarterly NIPA series (GDP, interest payments) cut to the quarters whose first
    estimate was out by the vantage date (about 30 days after the quarter ends), so an
    as-of view does not see a quarter before it was published."""
    g = ctx.series(series_id)
    if ctx.as_of is None:
        return g
    ends = pd.DatetimeIndex(g.index).to_period("Q").end_time.normalize()
    published = ends + pd.Timedelta(days=_GDP_PUBLICATION_LAG_DAYS)
    return g[published <= pd.Timestamp(ctx.as_of)]


def _pre_range(ctx: RunContext) -> pd.Series:
    """The policy rate before the target range (2008-12-16): the single target DFEDTAR
    when it has been fetched, else the effective federal funds rate DFF as a proxy."""
    try:
        return ctx.series("DFEDTAR")
    except UnknownSeriesError:
        return ctx.series("DFF")


def _optional(ctx: RunContext, series_id: str) -> pd.Series | None:
    """A series the data may not hold (currency WCURCIR, the TGA's Wednesday level WDTGAL)."""
    try:
        s = ctx.series(series_id)
    except UnknownSeriesError:
        return None
    return s if not s.empty else None


def balance_from_h41(
    inp: ImpactInputs,
    securities: float,
    rules: LiabilityRules,
    *,
    state: LiabilityState | None = None,
    bank_assets: pd.Series | None = None,
) -> BalanceInputs:
    """The engine's liability side from the H.4.1 balance sheet of ``state`` (default
    ``inp.state``): other assets = total assets minus ``securities`` (the engine's
    securities at par plus TIPS inflation compensation in the state month) [USD bn],
    held at that level; reserves history to the state month, GDP path of ``inp``."""
    st = inp.state if state is None else state
    return BalanceInputs(
        st,
        st.total_assets - float(securities),
        rules,
        gdp=inp.gdp,
        bank_assets=bank_assets,
        reserves_history=inp.reserves.loc[: st.month],
    )


def load_inputs(
    ctx: RunContext, *, horizon: int, gdp_growth: float = DEFAULT_GDP_GROWTH
) -> ImpactInputs:
    """Everything C2-D3 read, monthly, as of ``ctx.as_of``; GDP and debt paths extended
    ``horizon`` months past the last complete month of H.4.1 data.

    Built once per context, horizon and growth (:meth:`RunContext.memo`); each call
    gets its own frames."""
    inp = ctx.memo(
        ("impact_inputs", int(horizon), float(gdp_growth)),
        lambda: _load_inputs(ctx, horizon=horizon, gdp_growth=gdp_growth),
    )
    return replace(
        inp,
        h41=inp.h41.copy(),
        gdp=inp.gdp.copy(),
        debt=inp.debt.copy(),
        reserves=inp.reserves.copy(),
        securities=inp.securities.copy(),
        yield10=inp.yield10.copy(),
        policy=inp.policy.copy(),
    )


def _load_inputs(ctx: RunContext, *, horizon: int, gdp_growth: float) -> ImpactInputs:
    weekly = balance_sheet(
        ctx.series("WALCL"),
        ctx.series("WRESBAL"),
        ctx.series("RRPONTSYD"),
        ctx.series("WTREGEN"),
        currency=_optional(ctx, "WCURCIR"),
        tga_wednesday=_optional(ctx, "WDTGAL"),
    )
    h41 = monthly_balance_sheet(weekly, "mean")
    core = h41[["total_assets", "reserves", "on_rrp"]].dropna()
    # keep only complete months of weekly data (the vantage month may be partial)
    last = core.index[-1]
    if (
        ctx.as_of is not None
        and pd.Period(ctx.as_of, freq="M") == last
        and pd.Timestamp(ctx.as_of) < last.end_time.normalize() - pd.Timedelta(days=6)
    ):
        last = last - 1
    notes: list[Assumption] = []
    tga_wed_from = weekly.attrs.get("tga_wednesday_from")
    if tga_wed_from is not None and pd.Timestamp(tga_wed_from).to_period("M") <= last:
        ends = weekly.loc[weekly.index < tga_wed_from, "tga"].dropna().index.max()
        notes.append(
            Assumption(
                "impact.assumption.tga_wednesday",
                {
                    "date": str(pd.Timestamp(ends).date()),
                    "from": str(pd.Timestamp(tga_wed_from).date()),
                },
            )
        )
    row = h41.loc[last]
    if np.isnan(row["tga"]):
        tga_obs = weekly["tga"].dropna()
        tga = float(tga_obs.iloc[-1])
        notes.append(
            Assumption(
                "impact.assumption.tga_assumed",
                {"level": tga, "date": str(tga_obs.index[-1].date())},
            )
        )
        block = float(row["total_assets"] - row["reserves"] - row["on_rrp"] - tga)
    else:
        tga, block = float(row["tga"]), float(row["currency_other"])
    state = LiabilityState(
        last, float(row["total_assets"]), float(row["reserves"]), float(row["on_rrp"]), tga, block
    )
    through = last + horizon
    gdp = monthly_gdp(quarterly_visible(ctx), through, gdp_growth)
    marketable = to_monthly(ctx.series("mspd.marketable.total"), "last")
    cbo = _cbo_debt(ctx)
    debt = debt_path(marketable, cbo, through)
    y10 = to_monthly(ctx.series("DGS10"), "mean")
    pol = policy_rate(ctx.series("DFEDTARU"), _pre_range(ctx))
    return ImpactInputs(
        as_of=ctx.as_of,
        h41=h41.loc[:last],
        state=state,
        state_notes=tuple(notes),
        gdp=gdp,
        gdp_growth=gdp_growth,
        debt=debt,
        debt_source=f"{cbo.attrs['vintage']:%Y-%m}",
        reserves=h41["reserves"].loc[:last].dropna(),
        securities=to_monthly(ctx.series("WSHOSHO"), "mean"),
        yield10=y10[y10.index <= last],
        policy=pol[pol.index <= last],
    )


def _cbo_debt(ctx: RunContext) -> pd.Series:
    """CBO debt held by the public at fiscal-year ends: the last actual before the
    baseline, then the baseline visible at the vantage date [USD bn]."""
    base = ctx.series("cbo.baseline.debt")
    act = ctx.series("cbo.actual.debt")
    act = act[act.index < base.index[0]]
    out: pd.Series = pd.concat([act.iloc[-1:], base])
    out.index = pd.DatetimeIndex(out.index).to_period("M")
    out.attrs["vintage"] = pd.Timestamp(base.attrs["vintage"])
    return out


def default_asset_path(as_of: date | None) -> str:
    """The runoff engine under the plan announced by ``as_of`` before QT2 ended
    (December 2025; :func:`~qtlab.policy.preset_in_force`: ``qt2-announced`` from
    2022-05-04, ``qt2-realized`` as known from 2024-05-01, ``qt1-2017`` as known before
    2022), else ``"hold"`` (runoff over: assets flat)."""
    return preset_in_force(as_of) if as_of is not None and as_of < _QT2_END else "hold"


def asset_path_names() -> list[str]:
    """Every valid asset-path name: the engine's policy presets, then :data:`ASSET_PATHS`."""
    return [*PRESET_NAMES, *ASSET_PATHS]


def engine_frame(
    ctx: RunContext, policy: str, start: pd.Period, months: int, mbs_paydowns: str = "model"
) -> tuple[pd.DataFrame, pd.Series]:
    """The runoff engine's monthly frame under ``policy`` from ``start`` [USD bn], and its
    start holdings. MBS paydowns come from the prepayment model on the MBS holdings
    visible at the vantage date, with mortgage rates flat after it (``"model"``), so an
    as-of run uses nothing published later. One run of at least 120 months is kept per
    context, policy, start and paydown source (:meth:`RunContext.memo`), run again
    when a longer horizon is asked for, and sliced."""
    kept = ctx.memo(_EngineRunKey(policy, str(start), mbs_paydowns), _EngineRun)
    with kept.lock:
        if kept.run is None or len(kept.run[0]) < months:
            run = max(int(months), 120)
            proj = run_projection(ctx, policy, start, run, mbs_paydowns=mbs_paydowns)
            kept.run = (proj.frame, proj.start_holdings())
        frame, s0 = kept.run
    return frame.iloc[:months].copy(), s0.copy()


@dataclass(frozen=True)
class _EngineRunKey:
    """The key of :func:`engine_frame`'s run in a :class:`RunContext`."""

    policy: str
    start: str
    mbs_paydowns: str


class _EngineRun:
    """The longest engine run made so far for one :class:`_EngineRunKey` (frame, start)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.run: tuple[pd.DataFrame, pd.Series] | None = None


def engine_securities(
    ctx: RunContext, policy: str, start: pd.Period, months: int, mbs_paydowns: str = "model"
) -> tuple[pd.Series, float]:
    """Total securities [USD bn] projected by the runoff engine under ``policy``, on the
    H.4.1 basis (TIPS inflation compensation included), and their level at the start
    (see :func:`engine_frame`)."""
    f, s0 = engine_frame(ctx, policy, start, months, mbs_paydowns)
    sec = (f["total_securities"] + f["tips_inflation_comp"]).rename("securities")
    return sec, float(s0["total_securities"] + s0["tips_inflation_comp"])


def asset_path(name: str, state: LiabilityState, through: pd.Period) -> pd.Series:
    """Total assets [USD bn] from the month after ``state.month`` to ``through``.

    ``name`` is one of :data:`ASSET_PATHS`.
    """
    if name not in ASSET_PATHS:
        raise SpecError(f"unknown asset path {name!r}; valid: {one_of(ASSET_PATHS)}")
    idx = pd.period_range(state.month + 1, through, freq="M")
    if len(idx) == 0:
        raise SpecError(f"through={through} must come after the start month {state.month}")
    if name == "hold":
        return pd.Series(state.total_assets, index=idx, name="total_assets")
    start, step_up, low, high = _QT2_PHASE
    if name == "renewed":  # the same caps, from their start the month after the state
        start, step_up = state.month + 1, state.month + 1 + (step_up - start).n
    decline = np.where(idx < start, 0.0, np.where(idx < step_up, low, high))
    return pd.Series(state.total_assets - np.cumsum(decline), index=idx, name="total_assets")


def last_sep_year(ctx: RunContext, sep: str = "latest") -> int:
    """The last year of the SEP path (``"latest"`` visible, or a preset name)."""
    if sep == "latest":
        return int(pd.Timestamp(ctx.series("FEDTARMD").index.max()).year)
    d = load_sep_preset(sep).data
    return int(pd.Timestamp(d.loc[d["series_id"] == "FEDTARMD", "date"].max()).year)


def _sep_values(
    ctx: RunContext, sep: str, statistic: SepStatistic
) -> tuple[pd.Series, date, SepStatistic]:
    """Year-end values [%] of ``statistic`` in one SEP, its date, and the statistic used.

    The SEP is the latest visible at the vantage date (``"latest"``: the vintage of its
    medians, which every SEP has) or a packaged preset. If that SEP lacks ``statistic``
    (the March 2022 SEP: only its medians were entered by hand), its median is used and
    the caller says so: never the statistic of another SEP.
    """
    if statistic not in SEP_PATH_STATISTICS:
        raise SpecError(
            f"sep_statistic={statistic!r} is unknown; valid: {one_of(SEP_PATH_STATISTICS)}"
        )
    if sep == "latest":
        medians = ctx.series("FEDTARMD")
        when = pd.Timestamp(medians.attrs["vintage"])
        frame = None
        if statistic != "median":
            try:
                frame = ctx.observations(sep_series_id(statistic))
            except UnknownSeriesError:  # a snapshot without the dot plots
                frame = pd.DataFrame({"date": [], "value": [], "vintage": []})
    else:
        data = load_sep_preset(sep)
        obs = data.data.assign(vintage=pd.Timestamp(data.meta.vintage or sep + "-01"))
        medians = obs[obs["series_id"] == "FEDTARMD"].set_index("date")["value"]
        when = pd.Timestamp(obs["vintage"].iloc[0])
        frame = obs[obs["series_id"] == sep_series_id(statistic)]
    if frame is not None:
        same = frame[frame["vintage"] == when]
        if not same.empty:
            return same.set_index("date")["value"], when.date(), statistic
        return medians, when.date(), "median"
    return medians, when.date(), statistic


def sep_without_central_tendency(ctx: RunContext, sep: str = "latest") -> date | None:
    """The date of the SEP a path would follow (latest at the vantage date, or preset
    ``sep``) if the data hold only its median (no central tendency), else None."""
    _, when, used = _sep_values(ctx, sep, "central_tendency_high")
    return when if used == "median" else None


def sep_path(
    ctx: RunContext,
    start: pd.Period,
    through: pd.Period,
    start_level: float,
    sep: str = "latest",
    statistic: SepStatistic = "median",
) -> tuple[pd.Series, Assumption]:
    """The policy-rate path from a SEP: ``"latest"`` visible at the vantage date, or a
    packaged preset name (e.g. ``"2022-03"``), following ``statistic`` (the median, or
    the high or low end of the central tendency). Returns (path [%], its description).

    Nothing published after the vantage date enters: the SEP is the latest whose meeting
    date is on or before it. If that SEP's ``statistic`` is not in the data, the path
    follows its median and the description says so.
    """
    values, when, used = _sep_values(ctx, sep, statistic)
    if values.empty:
        raise DataError("no SEP median is visible at the vantage date")
    path = sep_policy_path(values, start_level, start, through)
    text = ", ".join(f"{pd.Timestamp(str(i)).year}: {v:g}%" for i, v in values.items())
    if statistic == "median":
        return path, Assumption("impact.policy.sep", {"date": str(when), "values": text})
    stat = {"asked": Assumption(f"impact.sep_statistic.{statistic}")}
    if used != statistic:
        return path, Assumption(
            "impact.policy.sep_missing", {"date": str(when), "values": text, **stat}
        )
    return path, Assumption(
        "impact.policy.sep_statistic", {"date": str(when), "values": text, **stat}
    )


def meta(ctx: RunContext, options: Mapping[str, Any], inputs: list[str]) -> dict[str, Any]:
    """The ``meta`` of an analysis result."""
    return {"as_of": ctx.as_of, "options": dict(options), "inputs": inputs}


# --- the liability model fitted on the data visible at the vantage ---------------------

#: The ON RRP rate was set 5 bp above the bottom of the target range from 2021-06-17
#: (FOMC implementation note, 2021-06-16) and at the bottom from 2024-12-19 (implementation
#: note, 2024-12-18); before June 2021 it was at the bottom (zero).
_RRP_ADD_ON: Final = (date(2021, 6, 17), date(2024, 12, 19), 0.05)


def on_rrp_rate(ctx: RunContext) -> pd.Series:
    """The ON RRP offering rate [%], daily, from the bottom of the target range (DFEDTARL)."""
    low = ctx.series("DFEDTARL")
    d = pd.DatetimeIndex(low.index)
    a, b, add = _RRP_ADD_ON
    on = (d >= pd.Timestamp(a)) & (d < pd.Timestamp(b))
    return (low + np.where(on, add, 0.0)).rename("on_rrp_rate")


def rrp_drivers(ctx: RunContext) -> tuple[pd.Series, pd.Series]:
    """Monthly drivers of ON RRP: marketable bills held outside the Fed (MSPD bills held by
    the public at month end minus the Fed's bills, SOMA, last of the month) [USD bn], and
    the spread of the 3-month bill yield (DGS3MO) to the ON RRP rate, monthly means [pp]."""
    bills = to_monthly(ctx.series("mspd.bills.public"), "last")
    fed = to_monthly(ctx.series("soma.bills"), "last")
    net = (bills - fed.reindex(bills.index)).dropna().rename("net_bills")
    y3 = to_monthly(ctx.series("DGS3MO"), "mean")
    rate = to_monthly(on_rrp_rate(ctx), "mean")
    spread = (y3 - rate.reindex(y3.index)).dropna().rename("spread")
    return net, spread


def fit_liability_model(
    ctx: RunContext,
    inp: ImpactInputs,
    *,
    currency_years: int = 5,
    currency_exclude: tuple[tuple[str, str], ...] = (),
    currency_rates: pd.Series | None = None,
    tga_target: float | None = None,
    tga_years: int = 5,
    decay_window: int = 36,
    rrp_start: str = "2021-01",
) -> LiabilityModelFit:
    """Fit :mod:`qtlab.balance.models` on the monthly H.4.1 of ``inp`` through its last
    complete month (nothing later: ``inp`` is cut at ``ctx.as_of``). ``currency_exclude``:
    months left out of the currency trend (e.g. ``qtlab.balance.models.CURRENCY_SURGE``).
    ``currency_rates``: a monthly 3-month bill yield path [%]; given, currency follows
    :class:`~qtlab.balance.models.CurrencyRate` (growth falling with the bill yield, fitted
    on 2003 to the vantage without the 2020-21 surge) along it instead of the trend."""
    end = inp.last_month
    h = inp.h41
    if "currency" not in h.columns:
        raise DataError("the liability model needs currency in circulation (WCURCIR)")
    currency: CurrencyFit | CurrencyRateFit
    if currency_rates is None:
        currency = CurrencyTrend(currency_years, currency_exclude).fit(h["currency"], end)
    else:
        y3 = to_monthly(ctx.series("DGS3MO"), "mean")
        currency = CurrencyRate().fit(h["currency"], y3, end).along(currency_rates)
    tga = TgaSeasonal(tga_years, target=tga_target).fit(h["tga"], end)
    other = Decay(decay_window, name="other liabilities and capital").fit(h["other_capital"], end)
    sec = inp.securities.reindex(h.index)
    oa = Decay(decay_window, name="other assets").fit(h["total_assets"] - sec, end)
    try:
        net, spread = rrp_drivers(ctx)
        rrp = RrpSupply(rrp_start).fit(h["on_rrp"], net, spread, end)
    except (DataError, UnknownSeriesError):
        rrp = None  # too little history at this vantage (before 2021): the rule stays simple
    return LiabilityModelFit(currency, tga, other, oa, rrp)


def model_rules(
    fit: LiabilityModelFit,
    inp: ImpactInputs,
    through: pd.Period,
    base: LiabilityRules | None = None,
    *,
    state: LiabilityState | None = None,
    tga: pd.Series | None = None,
) -> LiabilityRules:
    """``base`` (ON RRP rule) with the model's TGA (or the given ``tga`` path, e.g. a
    debt-ceiling scenario) and the model's currency + other liabilities and capital."""
    st = inp.state if state is None else state
    idx = pd.period_range(st.month + 1, through, freq="M")
    cur0 = value_at(inp.h41, st.month, "currency")
    block = fit.block(cur0, st.currency_other - cur0, idx)
    return replace(
        base or LiabilityRules(),
        tga=fit.tga.path(idx) if tga is None else tga,
        currency_other=block,
    )
