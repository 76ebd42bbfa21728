"""Data side of the MBS analyses: realized paydowns, rate paths, cohorts,
calibration episodes and the MBS-only backtest. Reads the Dataset; the model
itself (qtlab.prepay) never does.

Monthly rules (stated in every output that uses them):

- **Realized paydowns of month m** = SOMA MBS holdings on the first Wednesday
  of m minus those on the first Wednesday of m+1. Every principal payment of
  month m (Ginnie Mae on the 15th/20th, UMBS on the 25th) falls between the
  two dates, so the month-end lumpiness (a last Wednesday before the 25th
  misses that month's UMBS payment) disappears. In months with purchases the
  change is net of settlements.
- **Start-of-month balance** = holdings on the first Wednesday of the month.
- **Month-end holdings** = holdings on the last Wednesday of the month (the
  H.4.1 convention); the payment-aligned alternative is the first Wednesday
  of the next month.
- Errors are measured on 3-month trailing averages.

The mortgage rates, realized paydowns and cohorts one Dataset gives are read and
built once per analysis through :class:`MbsData`, which the functions here take
as ``data=``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from qtlab.errors import DataError, SpecError, one_of, quoted
from qtlab.portfolio.mbs_cohorts import mbs_cohorts
from qtlab.prepay.calibrate import CalibrationResult, Episode, calibrate, episode_errors
from qtlab.prepay.model import CohortState
from qtlab.prepay.params import (
    PrepayParams,
    check_param_set_known,
    known_param_set,
    prepay_params,
)
from qtlab.prepay.paydowns import ModelPaydowns
from qtlab.prepay.rates import monthly_average, rate_path
from qtlab.runs.context import RunContext
from qtlab.runs.options import MortgageRate

__all__ = [
    "FIT_END",
    "QT1_CAPS",
    "QT1_FIT",
    "QT2_CAPS",
    "QT2_FIT",
    "QT2_TEST",
    "MbsData",
    "RateMode",
    "backtest_mbs",
    "cohorts_at",
    "driving_path",
    "episodes",
    "fit_params",
    "mbs_cap",
    "mortgage_rates",
    "params_at",
    "realized_paydowns",
]

RateMode = Literal["realized", "flat"]

#: First month out of sample.
FIT_END = pd.Period("2024-06", freq="M")
#: Months of 3-month-average paydowns fitted in QT1 (monthly data 2018-07..2019-08:
#: the 16 and 20 bn caps were above paydowns, so holdings changes are paydowns).
QT1_FIT = pd.period_range("2018-09", "2019-08", freq="M")
#: QT2 fit months (monthly data 2022-10..2024-05; purchases ended in September 2022).
QT2_FIT = pd.period_range("2022-12", "2024-05", freq="M")
#: QT2 out-of-sample months (3-month averages).
QT2_TEST = pd.period_range("2024-06", "2025-11", freq="M")
#: QT2 MBS cap [USD bn per month]: FOMC Plans for Reducing the Size of the
#: Federal Reserve's Balance Sheet, 2022-05-04 (17.5 for June-August 2022, 35
#: from September); unchanged until runoff ended on 2025-12-01 (FOMC statement
#: of 2025-10-29), after which MBS principal is reinvested in bills.
QT2_CAPS: tuple[tuple[str, str, float], ...] = (
    ("2022-06", "2022-08", 17.5),
    ("2022-09", "2025-11", 35.0),
)
#: Months from the receipt of principal above the cap to the settlement of the
#: MBS bought with it (bought the next month, settled the month after).
REINVEST_SETTLE_LAG = 2

QT1_FILE = "2017-10-04"
QT2_FILE = "2022-05-11"


#: QT1 MBS cap [USD bn per month]: FOMC Policy Normalization Principles and
#: Plans, addendum of 2017-06-14 (4 bn rising by 4 bn each quarter to 20 bn),
#: starting October 2017 (FOMC statement 2017-09-20). From August 2019 MBS
#: principal up to 20 bn went to Treasuries and only the excess back to MBS
#: (FOMC statement 2019-07-31), the same 20 bn cap for MBS holdings.
QT1_CAPS: tuple[tuple[str, str, float], ...] = (
    ("2017-10", "2017-12", 4.0),
    ("2018-01", "2018-03", 8.0),
    ("2018-04", "2018-06", 12.0),
    ("2018-07", "2018-09", 16.0),
    ("2018-10", "2020-02", 20.0),
)


def mbs_cap(months: pd.PeriodIndex, plan: str = "qt2") -> pd.Series:
    """Monthly MBS cap [USD bn] of ``plan`` (``qt2`` or ``qt1``); 0 before runoff
    (full reinvestment), NaN after it (QT2: from December 2025 MBS principal
    goes to bills, nothing is capped)."""
    caps = {"qt2": QT2_CAPS, "qt1": QT1_CAPS}
    if plan not in caps:
        raise SpecError(f"unknown runoff plan {quoted(plan)}; valid: {one_of(caps)}")
    first = pd.Period(caps[plan][0][0], freq="M")
    out = pd.Series(np.nan, index=months, dtype="float64")
    out.loc[months < first] = 0.0
    for a, b, cap in caps[plan]:
        out.loc[(months >= pd.Period(a, freq="M")) & (months <= pd.Period(b, freq="M"))] = cap
    return out


def params_at(params: PrepayParams | str | None, as_of: date | None) -> PrepayParams:
    """The prepayment parameters to use at vantage ``as_of``.

    ``None``: the set known then (:func:`~qtlab.prepay.known_param_set`: the latest
    fitted set whose data ended by ``as_of``); a set name: that set, if its data ended by
    ``as_of`` (else :class:`~qtlab.errors.DateRangeError`); a :class:`PrepayParams`: as
    given (the caller's own numbers, e.g. today's fit run from a past file on purpose).
    """
    if isinstance(params, PrepayParams):
        return params
    name = known_param_set(as_of) if params is None else params
    check_param_set_known(name, as_of)
    return prepay_params(name)


def _weekly(ctx: RunContext) -> pd.Series:
    s = ctx.series("soma.mbs")
    if s.empty:
        raise DataError("soma.mbs has no observations in this Dataset view")
    return s


def realized_paydowns(ctx: RunContext) -> pd.DataFrame:
    """Realized monthly SOMA MBS figures [USD bn], by month (rules in the module docstring).

    Columns ``start_balance, paydowns, paydowns_3m, month_end``.
    """
    s = _weekly(ctx)
    p = pd.DatetimeIndex(s.index).to_period("M")
    first = s.groupby(p).first()
    last = s.groupby(p).last()
    first.index = pd.PeriodIndex(first.index, freq="M")
    last.index = pd.PeriodIndex(last.index, freq="M")
    nxt = first.shift(-1)
    consecutive = pd.Series(first.index, index=first.index).shift(-1) == first.index + 1
    pay = (first - nxt).where(consecutive)
    out = pd.DataFrame({"start_balance": first, "paydowns": pay, "month_end": last})
    out["paydowns_3m"] = out["paydowns"].rolling(3, min_periods=3).mean()
    return out


def mortgage_rates(ctx: RunContext) -> pd.Series:
    """Monthly average 30-year mortgage rate [%] (FRED MORTGAGE30US, else PMMS)."""
    for sid in ("MORTGAGE30US", "pmms.frm30"):
        if sid in ctx.series_ids():
            return monthly_average(ctx.series(sid))
    raise DataError("no 30-year mortgage rate (MORTGAGE30US or pmms.frm30) in the data")


def driving_path(
    history: pd.Series,
    months: pd.PeriodIndex,
    params: PrepayParams,
    *,
    mode: MortgageRate = "realized",
    as_of: pd.Period | None = None,
    shock_bp: float = 0.0,
) -> np.ndarray:
    """Driving mortgage rate for each projection month [%].

    ``realized``: the monthly history wherever it exists, flat after (shocks hit
    only months without data). ``flat``: the history up to ``as_of``, flat at its
    last value after (shocks hit months after ``as_of``). A Series is a user's path
    [%] (:func:`qtlab.runs.options.mortgage_rate_option` reads one from a file) that
    overrides the history from its first month.
    """
    lag = params.rate_lag_months
    if isinstance(mode, str) and mode == "realized":
        return rate_path(history, months, lag=lag, as_of=None, shock_bp=shock_bp)
    if isinstance(mode, str) and mode == "flat":
        return rate_path(history, months, lag=lag, as_of=as_of, shock_bp=shock_bp)
    if not isinstance(mode, pd.Series):
        raise SpecError(
            f"mortgage_rate={quoted(mode)} is not 'realized', 'flat' or a monthly rate path "
            "(parse a file with qtlab.runs.options.mortgage_rate_option)"
        )
    user = mode
    hist = history[history.index < user.index.min()]
    if as_of is not None:
        hist = hist[hist.index <= as_of]
    merged = pd.concat([hist, user])
    return rate_path(merged, months, lag=lag, as_of=None, shock_bp=shock_bp)


def cohorts_at(as_of: str, history: pd.Series, *, ctx: RunContext | None = None) -> pd.DataFrame:
    """Cohorts of the SOMA MBS file visible on ``as_of`` (burnout from ``history``).

    The file is read from ``ctx``'s snapshot and store (default: the default ones).
    """
    src = ctx.at(as_of) if ctx is not None else RunContext(as_of)
    return mbs_cohorts(src.holdings(["mbs"]), rate_history=history)


class MbsData:
    """What the MBS analyses read from one context, each built once, on first use.

    Pass one to :func:`episodes`, :func:`fit_params`, :func:`backtest_mbs` and the
    analyses of :mod:`qtlab.analyses.b3_mbs_paydowns` (``data=``) so that several of them on the
    same data read the rates and the weekly holdings and build each cohort table once.
    Each attribute returns a frame of its own (changing it changes no later answer).

    Parameters
    ----------
    ctx
        The run context every figure is read from.
    """

    def __init__(self, ctx: RunContext) -> None:
        self.ds = ctx
        self._files: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"MbsData({quoted(self.ds)})"

    @classmethod
    def of(cls, ctx: RunContext, data: MbsData | None = None) -> MbsData:
        """``data``, checked to be built from ``ctx``, or the one ``ctx`` keeps
        (:meth:`RunContext.memo`: built once per context)."""
        if data is None:
            return ctx.memo(("mbs_data", cls), lambda: cls(ctx))
        if data.ds is not ctx:
            raise SpecError(
                f"data={quoted(data)} was built from another context than ctx={quoted(ctx)}"
            )
        return data

    @cached_property
    def _rates(self) -> pd.Series:
        return mortgage_rates(self.ds)

    @cached_property
    def _realized(self) -> pd.DataFrame:
        return realized_paydowns(self.ds)

    @cached_property
    def _held(self) -> pd.DataFrame:
        return mbs_cohorts(self.ds.holdings(["mbs"]), rate_history=self._rates)

    @property
    def rates(self) -> pd.Series:
        """Monthly mortgage rate [%] (:func:`mortgage_rates`)."""
        return self._rates.copy(deep=False)

    @property
    def realized(self) -> pd.DataFrame:
        """Realized monthly SOMA MBS figures [USD bn] (:func:`realized_paydowns`)."""
        return self._realized.copy(deep=False)

    @property
    def held_cohorts(self) -> pd.DataFrame:
        """Cohorts of the MBS held as of the Dataset's vantage date, burnout from :attr:`rates`."""
        return self._held.copy(deep=False)

    def cohorts_at(self, file: str) -> pd.DataFrame:
        """Cohorts of the MBS file visible on ``file`` in the Dataset's folders
        (:func:`cohorts_at`), burnout from :attr:`rates`."""
        if file not in self._files:
            self._files[file] = cohorts_at(file, self._rates, ctx=self.ds)
        return self._files[file].copy(deep=False)


def episodes(
    ctx: RunContext, params: PrepayParams | None = None, *, data: MbsData | None = None
) -> list[Episode]:
    """The QT1 (from the 2017-10-04 file) and QT2 (from 2022-05-11) fit/test episodes.

    ``data``: :class:`MbsData` of ``ctx`` to share with other analyses (default: a new one).
    """
    p = params or PrepayParams()
    d = MbsData.of(ctx, data)
    hist = d.rates
    real = d.realized
    out = []
    for name, file, end, fit, test in (
        ("qt1", QT1_FILE, QT1_FIT[-1], QT1_FIT, pd.PeriodIndex([], freq="M")),
        ("qt2", QT2_FILE, QT2_TEST[-1], QT2_FIT, QT2_TEST),
    ):
        state = CohortState.from_frame(d.cohorts_at(file))
        months = pd.period_range(state.start, end, freq="M")
        rates = rate_path(hist, months, lag=p.rate_lag_months)
        out.append(
            Episode(
                name=name,
                state=state,
                rates=rates,
                paydowns=real["paydowns"].dropna(),
                balance=real["start_balance"],
                fit_months=fit,
                test_months=test,
            )
        )
    return out


#: How each fitted parameter set is refitted: episodes, free fields, fixed values.
FIT_SPECS: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, float]]] = {
    "qt1-fit": (("qt1",), ("turnover_cpr", "refi_mid"), {"refi_max_cpr": 50.0}),
    "qt2-fit": (
        ("qt1", "qt2"),
        ("turnover_cpr", "lockin_beta", "refi_mid"),
        {"refi_max_cpr": 50.0},
    ),
}


def fit_params(
    ctx: RunContext, name: str = "qt2-fit", *, data: MbsData | None = None
) -> CalibrationResult:
    """Refit the packaged set ``name`` on the data (the packaged numbers come from this).

    The errors are reported for every episode (QT2 out of sample from 2024-06).
    ``data``: :class:`MbsData` of ``ctx`` to share with other analyses.
    """
    if name not in FIT_SPECS:
        raise SpecError(f"no fit recipe for {quoted(name)}; valid: {one_of(FIT_SPECS)}")
    eps_names, free, fixed = FIT_SPECS[name]
    start = PrepayParams().with_(**fixed)
    eps = episodes(ctx, start, data=data)
    fitted = calibrate([e for e in eps if e.name in eps_names], start=start, free=free)
    # errors on every episode, including those not fitted
    errs = []
    for e in eps:
        frame = episode_errors(e, fitted.params)
        if e.name not in eps_names:
            frame["sample"] = frame["sample"].replace("fit", "test")
        frame.insert(0, "episode", e.name)
        errs.append(frame)
    return CalibrationResult(fitted.params, fitted.free, pd.concat(errs))


@dataclass(frozen=True)
class MbsBacktest:
    """MBS-only backtest from a CUSIP file [USD bn]; ``window`` = months scored."""

    frame: pd.DataFrame
    params: PrepayParams
    window: tuple[str, str] = ("2022-06", "2025-11")

    def max_abs_pct_error(self, basis: str = "month_end") -> float:
        """Largest |model / realized - 1| at the month-ends of ``window`` [%]."""
        col = "pct_error" if basis == "month_end" else "pct_error_aligned"
        a, b = (pd.Period(x, freq="M") for x in self.window)
        return float(self.frame.loc[a:b, col].abs().max())


#: Backtest set-ups: CUSIP file, last month, scored window.
BACKTESTS = {
    "qt2": (QT2_FILE, "2025-11", ("2022-06", "2025-11")),
    "qt1": (QT1_FILE, "2019-08", ("2017-10", "2019-08")),
}


def backtest_mbs(
    ctx: RunContext,
    params: PrepayParams | str = "qt2-fit",
    plan: str = "qt2",
    *,
    data: MbsData | None = None,
) -> MbsBacktest:
    """Project SOMA MBS from the 2022-05-11 file (``plan="qt1"``: 2017-10-04) with
    realized mortgage rates under the plan's caps, and compare with realized
    holdings month by month [USD bn].

    Paydowns = model paydown rate x model holdings at the start of the month;
    principal above the cap (everything before June 2022) is reinvested in MBS
    settling ``REINVEST_SETTLE_LAG`` months later; reinvestments decided before
    the file date settle as realized (the holdings change of May 2022 is taken
    as realized). Columns: ``start_balance`` (model), ``paydowns``,
    ``reinvested``, ``end_balance`` (model), ``realized_month_end`` (last
    Wednesday), ``realized_aligned`` (first Wednesday of the next month),
    ``pct_error``, ``pct_error_aligned`` [%]. ``data``: :class:`MbsData` of ``ctx`` to
    share with other analyses.
    """
    if plan not in BACKTESTS:
        raise SpecError(f"unknown runoff plan {quoted(plan)}; valid: {one_of(BACKTESTS)}")
    file, end, window = BACKTESTS[plan]
    p = prepay_params(params) if isinstance(params, str) else params
    d = MbsData.of(ctx, data)
    hist = d.rates
    real = d.realized
    coh = d.cohorts_at(file)
    start = coh.attrs["start"]
    months = pd.period_range(start, end, freq="M")
    src = ModelPaydowns(coh, pd.Series(driving_path(hist, months, p), index=months), p)
    rate = src.rates(months)
    cap = mbs_cap(months, plan).fillna(np.inf).to_numpy()
    bal = float(coh["par"].sum())
    reinv_due = np.zeros(len(months) + REINVEST_SETTLE_LAG)
    rows = []
    for i, m in enumerate(months):
        b0 = bal
        pay = rate[i] * b0
        excess = max(pay - cap[i], 0.0)
        reinv_due[i + REINVEST_SETTLE_LAG] += excess
        # purchases settling now: from earlier excess; those decided before the
        # file (March-April 2022 principal) settle in May-June as realized
        settle = reinv_due[i] if i >= REINVEST_SETTLE_LAG else pay
        bal = b0 - pay + settle
        rows.append((m, b0, pay, settle, bal))
    f = pd.DataFrame(
        rows, columns=["month", "start_balance", "paydowns", "reinvested", "end_balance"]
    ).set_index("month")
    f.index = pd.PeriodIndex(f.index, freq="M")
    f["realized_month_end"] = real["month_end"].reindex(f.index)
    f["realized_aligned"] = real["start_balance"].shift(-1).reindex(f.index)
    f["pct_error"] = 100 * (f["end_balance"] / f["realized_month_end"] - 1)
    f["pct_error_aligned"] = 100 * (f["end_balance"] / f["realized_aligned"] - 1)
    return MbsBacktest(frame=f, params=p, window=window)


def model_paydowns(
    ctx: RunContext,
    *,
    mortgage_rate: MortgageRate = "flat",
    shock_bp: float | tuple[float, ...] = 0.0,
    params: PrepayParams | str | None = None,
    months: int = 360,
    latest: RunContext | None = None,
) -> ModelPaydowns:
    """The engine's paydown source for ``--mbs-paydowns model`` [fraction of par per month].

    Cohorts of the SOMA MBS file visible in ``ctx``; driving rates from
    ``mortgage_rate`` (``flat``: known rates to the vantage month, flat after;
    ``realized``: every rate in the data, flat after; or a user's monthly path [%],
    :data:`~qtlab.runs.options.MortgageRate`); ``shock_bp`` [bp] shifts the unknown
    future (a tuple gives one scenario per shock). Covers ``months`` months from the
    file's start month and is held flat after. ``latest``: the context to read mortgage
    rates from (a backtest passes today's with ``mortgage_rate="realized"``);
    default ``ctx``. The cohorts' burnout history is read from the same place,
    cut at the holdings file. ``params``: default the set known at ``ctx``'s vantage
    (:func:`~qtlab.runs.mbs.params_at`).
    """
    p = params_at(params, ctx.as_of)
    hist = mortgage_rates(latest or ctx)
    coh = mbs_cohorts(ctx.holdings(["mbs"]), rate_history=hist)
    idx = pd.period_range(coh.attrs["start"], periods=months, freq="M")
    known = pd.Period(ctx.as_of, freq="M") if ctx.as_of is not None else None
    if isinstance(mortgage_rate, str) and mortgage_rate == "realized":
        known = None  # every rate in the data is used; shocks hit months after it
    shocks = shock_bp if isinstance(shock_bp, tuple) else (float(shock_bp),)
    paths = np.stack(
        [driving_path(hist, idx, p, mode=mortgage_rate, as_of=known, shock_bp=s) for s in shocks]
    )
    if not isinstance(shock_bp, tuple):
        return ModelPaydowns(coh, pd.Series(paths[0], index=idx), p)
    return ModelPaydowns(coh, paths, p)
