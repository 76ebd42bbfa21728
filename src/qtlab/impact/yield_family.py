"""D2 as a family: how the yield regression depends on its sample, and which
specification forecasts best out of sample.

- :func:`sample_sensitivity`: the same regression from each start month to a
  common end, with R-squared, coefficients, HAC t-statistics and the residual
  AR(1), so that the fragility of a levels fit is visible.
- :func:`rolling_origin`: pseudo out-of-sample errors of each candidate
  specification in :data:`CANDIDATES`. At every origin ``o`` (a month) each
  specification is fitted only on months before ``o`` and forecasts the yield
  ``horizon`` months ahead (month ``o + horizon - 1``) along the indicator and
  policy rate that were realized (a conditional forecast: the same use D2 makes
  of the model, given a path). Errors are actual minus forecast [pp].
  Over a zero-lower-bound window the policy rate is constant and collinear with
  the constant; the least-squares solution is then the minimum-norm one (as
  statsmodels' pinv gives), and the forecast is unaffected as long as the rate
  stays where it was.
- :func:`choose_spec`: the rule for D2's default: the candidate with the lowest
  root-mean-square 12-month-ahead error, summed over both indicators.

Model code: no I/O; inputs are monthly ``Period[M]`` series [%].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from qtlab.errors import SpecError, one_of
from qtlab.impact.yields import FORMS, fit_yield

__all__ = [
    "CANDIDATES",
    "NO_CHANGE",
    "Spec",
    "choose_spec",
    "rolling_origin",
    "rolling_summary",
    "sample_sensitivity",
]


@dataclass(frozen=True)
class Spec:
    """One D2 specification: the regression form and how its sample starts.

    ``start``: a fixed first month (the sample grows with the origin); ``window``:
    the last ``window`` months before the origin instead (a rolling sample).
    """

    name: str
    form: str
    start: str | None = None
    window: int | None = None

    def first_month(self, origin: pd.Period) -> pd.Period:
        """First month of the estimation sample for a forecast made at ``origin``."""
        if self.window is not None:
            return origin - self.window
        return pd.Period(self.start, freq="M")


#: The candidates D2's default is chosen from (names are the CLI's ``--spec`` values).
CANDIDATES: Final[Mapping[str, Spec]] = {
    s.name: s
    for s in (
        Spec("levels-2003", "levels", start="2003-01"),
        Spec("levels-2009", "levels", start="2009-01"),
        Spec("levels-60m", "levels", window=60),
        Spec("diff-2003", "diff", start="2003-01"),
        Spec("diff-2009", "diff", start="2009-01"),
    )
}
#: The benchmark every candidate is compared with: the yield stays at its last value.
NO_CHANGE: Final = "no-change"
_MIN_MONTHS: Final = 24


def sample_sensitivity(
    yield10: pd.Series,
    indicator: pd.Series,
    policy_rate: pd.Series,
    *,
    indicator_name: str,
    starts: Iterable[pd.Period | str],
    end: pd.Period | str | None = None,
    form: str = "levels",
) -> pd.DataFrame:
    """The D2 regression from each start month to ``end`` (default: the last month
    the inputs share).

    Returns
    -------
    pandas.DataFrame
        One row per start: ``start, end, nobs, r2, coef_indicator, t_indicator,
        coef_policy, t_policy, resid_ar1, hac_lags`` (t-statistics HAC).
    """
    rows = []
    for s in starts:
        f = fit_yield(
            yield10,
            indicator,
            policy_rate,
            indicator_name=indicator_name,
            sample=(s, end),
            form=form,
        )
        t = f.tvalues
        rows.append(
            {
                "start": str(f.sample[0]),
                "end": str(f.sample[1]),
                "nobs": f.nobs,
                "r2": f.rsquared,
                "coef_indicator": float(f.params[indicator_name]),
                "t_indicator": float(t[indicator_name]),
                "coef_policy": float(f.params["policy_rate"]),
                "t_policy": float(t["policy_rate"]),
                "resid_ar1": f.rho_raw,
                "hac_lags": f.hac_lags,
            }
        )
    return pd.DataFrame(rows)


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return beta, y - x @ beta


def _forecast(
    spec: Spec, data: np.ndarray, first_month: pd.Period, origin: pd.Period, horizon: int
) -> float | None:
    """The ``horizon``-month-ahead forecast of ``spec`` made at ``origin`` (point only;
    the same arithmetic as :meth:`YieldFit.predict`), or None if the sample is short.

    ``data``: rows of consecutive months from ``first_month``, columns y, indicator,
    policy rate."""
    o = (origin - first_month).n
    lo = (spec.first_month(origin) - first_month).n
    if lo < (1 if spec.form == "diff" else 0) or o - lo < _MIN_MONTHS:
        return None
    if o + horizon > len(data):
        return None
    ahead = data[o : o + horizon, 1:]
    if spec.form == "diff":
        d = np.diff(data[lo - 1 : o], axis=0)
        beta, _ = _ols(np.column_stack([np.ones(len(d)), d[:, 1:]]), d[:, 0])
        g = np.concatenate([[horizon], ahead[-1] - data[o - 1, 1:]])
        return float(data[o - 1, 0] + g @ beta)
    hist = data[lo:o]
    beta, resid = _ols(np.column_stack([np.ones(len(hist)), hist[:, 1:]]), hist[:, 0])
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1])
    rho = min(max(rho, 0.0), 0.999)
    return float(np.concatenate([[1.0], ahead[-1]]) @ beta + rho**horizon * resid[-1])


def rolling_origin(
    yield10: pd.Series,
    indicator: pd.Series,
    policy_rate: pd.Series,
    *,
    origins: tuple[pd.Period | str, pd.Period | str],
    horizon: int = 12,
    specs: Mapping[str, Spec] = CANDIDATES,
) -> pd.DataFrame:
    """Pseudo out-of-sample ``horizon``-month-ahead errors [pp] (module docstring).

    Parameters
    ----------
    origins
        First and last origin month; origins whose target month ``o + horizon - 1``
        is past the data are dropped (so nothing after the inputs' end enters).

    Returns
    -------
    pandas.DataFrame
        Index ``origin`` (the first forecast month), column ``target`` (the month
        forecast) and one error column per spec plus ``no-change``; NaN where a
        spec's sample is too short.
    """
    if horizon < 1:
        raise SpecError(f"horizon={horizon!r} must be at least 1 month")
    bad = [k for k, s in specs.items() if s.form not in FORMS]
    if bad:
        raise SpecError(f"spec {bad[0]!r} has an unknown form; valid forms are {one_of(FORMS)}")
    frame = pd.concat({"y": yield10, "ind": indicator, "pol": policy_rate}, axis=1).dropna()
    frame = frame.sort_index()
    first = frame.index[0]
    # the months the three inputs share without a gap up to the end
    full = frame.reindex(pd.period_range(first, frame.index[-1], freq="M"))
    gaps = np.flatnonzero(full["y"].isna().to_numpy())
    if len(gaps):
        first = full.index[gaps[-1] + 1]
        frame = frame.loc[first:]
    data = frame.to_numpy(dtype=float)
    lo, hi = (pd.Period(o, freq="M") for o in origins)
    last = frame.index[-1] - horizon + 1
    months = pd.period_range(lo, min(hi, last), freq="M")
    rows = []
    for o in months:
        pos = (o - first).n
        if pos < 1:
            continue
        actual = float(data[pos + horizon - 1, 0])
        row: dict[str, object] = {"origin": o, "target": o + horizon - 1}
        for name, spec in specs.items():
            fc = _forecast(spec, data, first, o, horizon)
            row[name] = np.nan if fc is None else actual - fc
        row[NO_CHANGE] = actual - float(data[pos - 1, 0])
        rows.append(row)
    out = pd.DataFrame(rows, columns=["origin", "target", *specs, NO_CHANGE])
    return out.set_index("origin")


def rolling_summary(errors: pd.DataFrame) -> pd.DataFrame:
    """RMSE, mean absolute error, mean error (bias) and count by specification [pp],
    over the origins where every specification has a forecast (a common sample)."""
    cols = [c for c in errors.columns if c != "target"]
    common = errors[cols].dropna()
    out = pd.DataFrame(
        {
            "rmse": np.sqrt((common**2).mean()),
            "mae": common.abs().mean(),
            "bias": common.mean(),
            "n": common.count(),
        }
    )
    out.index.name = "spec"
    out.attrs["origins"] = (
        (str(common.index[0]), str(common.index[-1])) if len(common) else (None, None)
    )
    return out


def choose_spec(summaries: Mapping[str, pd.DataFrame]) -> str:
    """D2's default: the candidate (not the no-change benchmark) with the lowest RMSE
    summed over the indicators' :func:`rolling_summary` tables."""
    total = sum(s["rmse"].drop(NO_CHANGE, errors="ignore") for s in summaries.values())
    if not isinstance(total, pd.Series) or total.dropna().empty:
        raise SpecError("no specification has an out-of-sample forecast to compare")
    return str(total.dropna().idxmin())
