"""E2: the runoff backtest, a projection from the data of an episode's start scored
against the realized weekly SOMA holdings (:func:`backtest`, :class:`RunoffBacktest`).

The projection is :func:`qtlab.runs.runoff.run_projection` (the one engine recipe)
from the holdings visible on the eve of QT2; units USD bn and percent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
import pandas as pd

from qtlab._periods import MonthLike, to_month
from qtlab.engine import IssuanceMix
from qtlab.errors import DataError, SpecError, one_of, quoted
from qtlab.policy import load_preset
from qtlab.portfolio import TREASURY_KINDS
from qtlab.runs.context import RunContext
from qtlab.runs.runoff import _model_only, realized_holdings, run_projection
from qtlab.runs.tips import tips_check

__all__ = ["BACKTEST_CONVENTION", "QT2_VANTAGE", "RunoffBacktest", "backtest"]

#: The vantage date of the QT2 backtest: holdings visible on the eve of QT2.
QT2_VANTAGE: Final = "2022-05-31"
BACKTEST_CONVENTION: Final = (
    "month end = the last weekly SOMA observation of the month (a Wednesday); the projection "
    "is evaluated on that same day: securities maturing after it (e.g. month-end coupons) are "
    "still held, MBS principal posts on the 25th"
)


@dataclass(frozen=True)
class RunoffBacktest:
    """E2: a projection scored against realized SOMA holdings.

    Attributes
    ----------
    episode
        ``"qt2"`` (security-level projection) or ``"qt1"`` (aggregate: cap-bound path).
    convention
        How realized month ends are read and compared.
    frame
        Long table: ``month``, ``date`` (realized observation), ``series``,
        ``projected``, ``realized``, ``error`` [USD bn], ``error_pct`` [%].
    errors
        Per series: ``max_abs_pct`` [%], ``mean_abs_bn``, ``max_abs_bn`` [USD bn], ``worst_month``.
    start_check
        Holdings by kind at the runoff start, projected (carried forward) and realized.
    method
        What was projected, in a sentence.
    tips
        QT2 only: TIPS inflation compensation at each month end [USD bn]: ``realized``,
        ``projected`` (the realized accrual), ``from_vantage`` (the default
        :class:`~qtlab.engine.InflationAssumption` from 2022-05-31) and their errors
        ``error_pct``, ``from_vantage_error_pct`` [%]; ``attrs["assumption"]`` describes the
        assumption (:meth:`~qtlab.engine.AssumedTipsAccrual.describe`).
    """

    episode: str
    convention: str
    frame: pd.DataFrame
    errors: dict[str, dict[str, Any]]
    start_check: pd.DataFrame
    method: str
    tips: pd.DataFrame = field(default_factory=pd.DataFrame)


def _errors(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    out = {}
    for s, g in frame.groupby("series", sort=False):
        worst = g.iloc[int(np.argmax(g["error"].abs().to_numpy()))]
        out[str(s)] = {
            "max_abs_pct": float(g["error_pct"].abs().max()),
            "mean_abs_bn": float(g["error"].abs().mean()),
            "max_abs_bn": float(g["error"].abs().max()),
            "worst_month": str(worst["month"]),
        }
    return out


def _long(
    months: pd.PeriodIndex,
    dates: pd.DatetimeIndex,
    proj: pd.DataFrame,
    real: pd.DataFrame,
    series: tuple[str, ...],
) -> pd.DataFrame:
    rows = []
    for s in series:
        p, r = proj[s].to_numpy(float), real[s].to_numpy(float)
        rows.append(
            pd.DataFrame(
                {
                    "month": months.astype(str),
                    "date": dates,
                    "series": s,
                    "projected": p,
                    "realized": r,
                    "error": p - r,
                    "error_pct": 100 * (p - r) / r,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def backtest(
    episode: str = "qt2",
    *,
    end: MonthLike = "2025-11",
    mbs_paydowns: str = "realized",
    mortgage_rate: str = "realized",
    shock_bp: float = 0.0,
    ctx: RunContext | None = None,
    issuance_mix: IssuanceMix | None = None,
) -> RunoffBacktest:
    """E2 (see :func:`_backtest`); computed once per state of the data and returned as a copy.

    ``mbs_paydowns``: ``"realized"`` (default) or ``"model"`` (the prepayment model on the
    MBS file of 2022-05-11, driven by ``mortgage_rate``, default the realized rates of the
    latest data, shifted by ``shock_bp`` [bp] beyond them), or a CSV path (see
    :func:`paydown_source`). QT2 only: QT1 is aggregate. ``ctx``: the snapshot and store
    to read (default the default ones); its vantage date is not used, the backtest's
    are fixed. ``issuance_mix``: the mix the
    QT2 projection rolls into (default the engine's); QT2 only.
    """
    if episode not in ("qt1", "qt2"):
        raise SpecError(f"episode={quoted(episode)}; valid: {one_of(('qt1', 'qt2'))}")
    if episode == "qt1" and (mbs_paydowns != "realized" or shock_bp):
        raise SpecError(
            "episode='qt1' is an aggregate test without a paydown source; "
            "mbs_paydowns=/mortgage_rate=/shock_bp= apply to qt2"
        )
    if episode == "qt1" and issuance_mix is not None:
        raise SpecError(
            "episode='qt1' is an aggregate test that rolls nothing over; an issuance mix "
            "applies to qt2"
        )
    mr = mortgage_rate if mbs_paydowns == "model" else "flat"
    sb = float(shock_bp) if mbs_paydowns == "model" else 0.0
    if mbs_paydowns != "model" and (mortgage_rate != "realized" or shock_bp):
        raise SpecError(_model_only(mbs_paydowns, mortgage_rate, "realized", shock_bp))
    latest = (ctx or RunContext()).at(None)
    args = (episode, str(to_month(end, field="end")), str(mbs_paydowns), str(mr), sb, issuance_mix)
    b = latest.memo(("backtest", *args), lambda: _backtest(latest, *args))
    check = b.start_check.copy()
    check.attrs = dict(b.start_check.attrs)
    tips = b.tips.copy()
    tips.attrs = dict(b.tips.attrs)
    return replace(
        b,
        frame=b.frame.copy(),
        start_check=check,
        errors={k: dict(v) for k, v in b.errors.items()},
        tips=tips,
    )


def _backtest(
    latest: RunContext,
    episode: str,
    end: str,
    mbs_paydowns: str = "realized",
    mortgage_rate: str = "flat",
    shock_bp: float = 0.0,
    issuance_mix: IssuanceMix | None = None,
) -> RunoffBacktest:
    """E2: project from the data of the episode's start and compare with the weekly summary.

    ``latest``: the latest view of the data; the vantage view is taken from its folders.

    ``qt2``: Treasury holdings by CUSIP of 2022-02-16 and MBS of 2022-05-11 (what was
    visible on 2022-05-31), carried forward to 2022-06 and projected with
    ``qt2-realized``, realized MBS paydowns and realized TIPS index-ratio growth,
    compared month by month to ``end`` (default 2025-11).

    ``qt1``: no Treasury CUSIP file exists for 2017, so Treasury maturities cannot be
    projected; the aggregate test compares the realized holdings with the cap-bound path
    (start level minus the cumulative ``qt1-2017`` caps), read at the first weekly
    observation of the next month (after every redemption of the month).
    """
    if episode == "qt1":
        return _backtest_qt1(latest)
    end_m = to_month(end, field="end")
    real = realized_holdings(latest, "2022-06-01", str(end_m.end_time.date()))
    if pd.Timestamp(real.index.max()).to_period("M") < end_m:
        raise DataError(f"the weekly SOMA summary ends {real.index.max().date()}, before {end_m}")
    last = real.groupby(pd.DatetimeIndex(real.index).to_period("M")).tail(1)
    months = pd.DatetimeIndex(last.index).to_period("M")
    n = (end_m - pd.Period("2022-06", "M")).n + 1
    ctx = latest.at(QT2_VANTAGE)
    p = run_projection(
        ctx,
        "qt2-realized",
        "2022-06",
        n,
        observe=pd.DatetimeIndex(last.index),
        hindsight=True,
        mbs_paydowns=mbs_paydowns,
        mortgage_rate=mortgage_rate,
        shock_bp=shock_bp,
        issuance_mix=issuance_mix,
    )
    proj = p.observed_frame()
    vantage = run_projection(  # TIPS compensation from the vantage, the default inflation
        ctx,
        "qt2-realized",
        "2022-06",
        n,
        observe=pd.DatetimeIndex(last.index),
        kinds=TREASURY_KINDS,
        issuance_mix=issuance_mix,
    ).observed_frame()
    series = ("treasury", "bills", "coupons", "mbs")
    frame = _long(months, pd.DatetimeIndex(last.index), proj, last, series)
    first = real.iloc[0]
    sh = p.start_holdings()
    kinds = ("treasury", "bills", "notes_bonds", "tips", "frn", "mbs", "tips_inflation_comp")
    check = pd.DataFrame(
        {"projected": [float(sh[k]) for k in kinds], "realized": [float(first[k]) for k in kinds]},
        index=pd.Index(kinds, name="kind"),
    )
    check["error_pct"] = 100 * (check["projected"] / check["realized"] - 1)
    check.attrs["date"] = str(real.index[0].date())
    cf = p.carry_forward
    check.attrs["taper_purchases"] = float(cf["purchases"].sum()) if len(cf) else 0.0
    if mbs_paydowns == "model":
        pay = (
            f"MBS paydowns from the prepayment model (mortgage rates: {mortgage_rate}"
            + (f", shocked {shock_bp:+g} bp" if shock_bp else "")
            + ")"
        )
    elif mbs_paydowns == "realized":
        pay = "realized MBS paydowns"
    else:
        pay = f"MBS paydowns from {mbs_paydowns}"
    return RunoffBacktest(
        episode="qt2",
        convention=BACKTEST_CONVENTION,
        frame=frame,
        errors=_errors(frame),
        start_check=check,
        tips=tips_check(ctx, last, proj, vantage),
        method=(
            "security-level projection from the Treasury CUSIP file of 2022-02-16 (carried "
            "forward with full rollover and the realized last taper purchases to 2022-06) and "
            f"the MBS file of 2022-05-11, policy qt2-realized, {pay} and realized TIPS "
            "index-ratio growth"
        ),
    )


def _backtest_qt1(latest: RunContext) -> RunoffBacktest:
    pol = load_preset("qt1-2017")
    real = realized_holdings(latest, "2017-10-01", "2019-08-31")
    real["agency_mbs"] = real["mbs"] + real["agency"]
    start = real.iloc[0]  # 2017-10-04: before October's redemptions
    wk = pd.DatetimeIndex(real.index)
    firsts = real.groupby(wk.to_period("M")).head(1).iloc[1:]  # first obs of next month
    months = pd.DatetimeIndex(firsts.index).to_period("M") - 1
    cp = pol.cap_path(months[0], months[-1])
    proj = pd.DataFrame(index=firsts.index)
    proj["treasury"] = float(start["treasury"]) - cp["treasury_cap"].cumsum().to_numpy()
    proj["agency_mbs"] = float(start["agency_mbs"]) - cp["agency_cap"].cumsum().to_numpy()
    frame = _long(months, pd.DatetimeIndex(firsts.index), proj, firsts, ("treasury", "agency_mbs"))
    check = pd.DataFrame(
        {
            "projected": [float(start["treasury"]), float(start["agency_mbs"])],
            "realized": [float(start["treasury"]), float(start["agency_mbs"])],
        },
        index=pd.Index(["treasury", "agency_mbs"], name="kind"),
    )
    check["error_pct"] = 0.0
    check.attrs["date"] = str(real.index[0].date())
    return RunoffBacktest(
        episode="qt1",
        convention=(
            "aggregate: month m is read at the first weekly observation of month m+1 (after "
            "all of m's coupon redemptions and MBS payments); projected = the 2017-10-04 level "
            "minus the cumulative qt1-2017 caps (the most runoff the caps allowed)"
        ),
        frame=frame,
        errors=_errors(frame),
        start_check=check,
        method=(
            "no SOMA Treasury CUSIP file for 2017 is in the data, so QT1 is tested in aggregate: "
            "realized holdings against the cap-bound path; a negative error (realized above the "
            "path) measures runoff short of the caps"
        ),
    )
