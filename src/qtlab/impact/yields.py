"""Reserve scarcity and the 10-year yield (D1, D2).

D1: two scarcity indicators [%], in history and along a projection:

- ``reserves_to_debt``: reserves / marketable Treasury debt outstanding x 100;
- ``reserves_to_gdp``: reserves / nominal GDP (annual rate) x 100.

D2: a monthly OLS of the 10-year yield on one indicator and the policy rate
(upper bound of the target range)::

    DGS10_t = a + b * indicator_t + c * policy_t + u_t

fitted by statsmodels with HAC (Newey-West) standard errors, over a sample the
user chooses (default 2009-01 to the vantage month). :func:`fit_yield` returns
an immutable :class:`YieldFit`; :meth:`YieldFit.predict` forecasts along a
projected indicator and policy-rate path with 95% prediction intervals.

Prediction intervals. The residuals of a levels regression like this one are
strongly autocorrelated, so by default (``residual="ar1"``) the forecast error
is modelled as AR(1) in the residual: the mean adds ``rho**h * u_T`` (the last
in-sample residual, decaying) and the variance is ``x' V x + s2 * (1 - rho**(2h))``
with ``V`` the HAC covariance of the coefficients, ``s2`` the residual
variance and ``rho`` the residuals' first-order autocorrelation (clipped to
[0, 0.999]: a negative estimate is treated as no persistence). Intervals
therefore widen with the horizon ``h`` towards the unconditional band.
``residual="iid"`` gives the textbook static interval ``x' V x + s2`` (what
statsmodels' ``get_prediction(...).summary_frame`` reports with the same
covariance).

First differences (``form="diff"``). A levels regression of trending series can
be spurious (residual AR(1) near 1), so :func:`fit_yield` also fits the same
relation in monthly changes::

    dDGS10_t = a + b * d(indicator)_t + c * d(policy)_t + e_t

and :meth:`YieldFit.predict` cumulates the predicted changes from the last
in-sample yield: mean ``y_T + sum_{j<=h} x_j' beta``, variance
``g_h' V g_h + h * s2`` with ``g_h = sum_{j<=h} x_j`` (errors of the changes
treated as independent; their AR(1) is reported in ``rho``).

Newey-West lags. By default ``floor(4 (T/100)^(2/9))`` (Newey and West 1994's
rule of thumb for the Bartlett kernel, T = months in the sample):
:func:`newey_west_lags`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from qtlab._periods import require_monthly, to_month, value_at
from qtlab.errors import DataError, SpecError, one_of

__all__ = [
    "DEFAULT_SAMPLE_START",
    "FORMS",
    "INDICATORS",
    "Indicator",
    "YieldFit",
    "fit_yield",
    "newey_west_lags",
    "peak",
    "scarcity_indicators",
]

Indicator = Literal["reserves_to_debt", "reserves_to_gdp"]
INDICATORS: Final[tuple[str, ...]] = get_args(Indicator)
#: Default first month of the D2 sample (after the move to a target range and QE1).
DEFAULT_SAMPLE_START: Final = pd.Period("2009-01", freq="M")
ResidualModel = Literal["ar1", "iid"]
Form = Literal["levels", "diff"]
#: Regression forms: the levels of the yield, indicator and policy rate, or their monthly changes.
FORMS: Final[tuple[str, ...]] = get_args(Form)


def newey_west_lags(nobs: int) -> int:
    """Newey-West lags from the sample length: ``floor(4 (T/100)^(2/9))`` (Newey and
    West 1994; T = 64 -> 3, 161 -> 4, 233 -> 4)."""
    return int(np.floor(4 * (nobs / 100) ** (2 / 9)))


def scarcity_indicators(
    reserves: pd.Series, marketable_debt: pd.Series, gdp: pd.Series
) -> pd.DataFrame:
    """D1: reserves over marketable Treasury debt and over nominal GDP [%].

    Parameters
    ----------
    reserves
        Monthly reserves [USD bn], ``Period[M]`` (history, a projection, or both).
    marketable_debt
        Monthly marketable Treasury debt outstanding [USD bn] (MSPD, extended
        by :func:`qtlab.impact.paths.debt_path`).
    gdp
        Monthly nominal GDP [USD bn, annual rate] (e.g.
        :func:`qtlab.balance.monthly_gdp`).

    Returns
    -------
    pandas.DataFrame
        Columns ``reserves_to_debt``, ``reserves_to_gdp`` [%] on the months
        where reserves and the denominator exist.
    """
    r = require_monthly(reserves, "reserves")
    for name, s in (("marketable_debt", marketable_debt), ("gdp", gdp)):
        if not isinstance(s.index, pd.PeriodIndex):
            raise SpecError(f"{name} must be indexed by Period[M]")
    out = pd.DataFrame(
        {
            "reserves_to_debt": 100.0 * r / marketable_debt.reindex(r.index),
            "reserves_to_gdp": 100.0 * r / gdp.reindex(r.index),
        }
    )
    out.index.name = "month"
    return out.dropna(how="all")


def _check_indicator(name: str) -> str:
    if name not in INDICATORS:
        raise SpecError(f"indicator={name!r} is unknown; valid indicators are {one_of(INDICATORS)}")
    return name


@dataclass(frozen=True)
class YieldFit:
    """The fitted D2 regression (immutable).

    Attributes
    ----------
    indicator
        The scarcity indicator used (one of :data:`INDICATORS`).
    sample
        First and last month of the estimation sample.
    nobs
        Number of monthly observations.
    params, std_err
        Coefficients and HAC standard errors, index ``const``, the indicator,
        ``policy_rate`` [% per unit].
    rsquared
        R-squared.
    hac_lags
        Newey-West lags.
    resid_var
        Residual variance ``s2`` (SSR / (n - k)) [%^2].
    rho
        First-order autocorrelation of the residuals, clipped to [0, 0.999] (the
        AR(1) forecast uses it); ``rho_raw`` is the estimate unclipped.
    last_resid
        The last in-sample residual [%].
    cov
        HAC covariance of the coefficients.
    form
        ``"levels"`` or ``"diff"`` (monthly changes; module docstring).
    last_levels
        The yield, indicator and policy rate at the sample end [%] (the base of a
        ``"diff"`` forecast).
    """

    indicator: str
    sample: tuple[pd.Period, pd.Period]
    nobs: int
    params: pd.Series
    std_err: pd.Series
    rsquared: float
    hac_lags: int
    resid_var: float
    rho: float
    last_resid: float
    cov: pd.DataFrame = field(repr=False)
    fitted: pd.Series = field(repr=False)
    actual: pd.Series = field(repr=False)
    form: str = "levels"
    rho_raw: float = float("nan")
    last_levels: tuple[float, float, float] = (float("nan"), float("nan"), float("nan"))

    @property
    def tvalues(self) -> pd.Series:
        """HAC t-statistics of the coefficients."""
        return (self.params / self.std_err).rename("t")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Confidence intervals of the coefficients (normal, HAC) [columns lower, upper]."""
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame(
            {"lower": self.params - z * self.std_err, "upper": self.params + z * self.std_err}
        )

    def summary(self) -> str:
        """A plain-text table of the fit."""
        ci = self.conf_int()
        what = "monthly change in the " if self.form == "diff" else ""
        lines = [
            f"{what}10-year yield on {self.indicator} and the policy rate ({self.form}, "
            f"monthly OLS, Newey-West HAC {self.hac_lags} lags = floor(4 (T/100)^(2/9)))",
            f"sample {self.sample[0]}..{self.sample[1]}, n = {self.nobs}, "
            f"R-squared = {self.rsquared:.3f}, residual s.d. = {np.sqrt(self.resid_var):.3f} pp, "
            f"residual AR(1) = {self.rho:.2f}",
            f"{'':<20}{'coef':>9}{'HAC s.e.':>10}{'2.5%':>9}{'97.5%':>9}",
        ]
        for name in self.params.index:
            lines.append(
                f"{name:<20}{self.params[name]:>9.4f}{self.std_err[name]:>10.4f}"
                f"{ci.loc[name, 'lower']:>9.4f}{ci.loc[name, 'upper']:>9.4f}"
            )
        return "\n".join(lines)

    def predict(
        self,
        indicator: pd.Series,
        policy_rate: pd.Series,
        *,
        alpha: float = 0.05,
        residual: ResidualModel = "ar1",
    ) -> pd.DataFrame:
        """Forecast the 10-year yield along projected paths [%].

        Parameters
        ----------
        indicator
            The projected indicator [%], monthly ``Period[M]``, starting after
            the sample (horizon 1 is its first month after the sample end).
        policy_rate
            The policy-rate path (upper bound) [%] covering the same months.
        alpha
            1 - coverage of the prediction interval (0.05: 95%).
        residual
            ``"ar1"`` (default; module docstring) or ``"iid"``; a ``"diff"`` fit
            cumulates independent errors of the changes whatever this says.

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator, policy_rate, mean, se, lower, upper`` by month.
        """
        if residual not in get_args(ResidualModel):
            raise SpecError(f"residual={residual!r}; valid: {one_of(get_args(ResidualModel))}")
        if not 0 < alpha < 1:
            raise SpecError(f"alpha={alpha!r} must be between 0 and 1")
        ind = require_monthly(indicator, "indicator")
        pol = require_monthly(policy_rate, "policy_rate")
        missing = ind.index.difference(pol.index)
        if len(missing):
            raise SpecError(f"policy_rate does not cover month {missing[0]} of the indicator path")
        pol = pol.reindex(ind.index)
        if self.form == "diff":
            mean, se = self._predict_diff(ind, pol)
        else:
            mean, se = self._predict_levels(ind, pol, residual)
        z = stats.norm.ppf(1 - alpha / 2)
        out = pd.DataFrame(
            {
                "indicator": ind.to_numpy(),
                "policy_rate": pol.to_numpy(),
                "mean": mean,
                "se": se,
                "lower": mean - z * se,
                "upper": mean + z * se,
            },
            index=ind.index,
        )
        out.index.name = "month"
        return out

    def _horizons(self, months: pd.Index) -> np.ndarray:
        h = np.array([(m - self.sample[1]).n for m in months], dtype=float)
        if (h < 1).any():
            raise SpecError(
                f"the forecast path must start after the sample end {self.sample[1]}; "
                f"it starts {months[0]}"
            )
        return h

    def _predict_diff(self, ind: pd.Series, pol: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        h = self._horizons(ind.index)
        if not np.array_equal(h, np.arange(1, len(h) + 1)):
            raise SpecError(
                f"a first-difference forecast needs every month from {self.sample[1] + 1} on"
            )
        y0, i0, p0 = self.last_levels
        d_ind = np.diff(np.concatenate([[i0], ind.to_numpy()]))
        d_pol = np.diff(np.concatenate([[p0], pol.to_numpy()]))
        g = np.cumsum(np.column_stack([np.ones(len(ind)), d_ind, d_pol]), axis=0)
        mean = y0 + g @ self.params.to_numpy()
        var = np.einsum("ij,jk,ik->i", g, self.cov.to_numpy(), g) + h * self.resid_var
        return mean, np.sqrt(var)

    def _predict_levels(
        self, ind: pd.Series, pol: pd.Series, residual: str
    ) -> tuple[np.ndarray, np.ndarray]:
        x = np.column_stack([np.ones(len(ind)), ind.to_numpy(), pol.to_numpy()])
        beta = self.params.to_numpy()
        var_beta = np.einsum("ij,jk,ik->i", x, self.cov.to_numpy(), x)
        mean = x @ beta
        if residual == "ar1":
            h = self._horizons(ind.index)
            mean = mean + self.rho**h * self.last_resid
            var_err = self.resid_var * (1.0 - self.rho ** (2.0 * h))
        else:
            var_err = np.full(len(ind), self.resid_var)
        return mean, np.sqrt(var_beta + var_err)


def peak(forecast: pd.DataFrame) -> dict[str, object]:
    """Peak month and level of a :meth:`YieldFit.predict` forecast [%]."""
    if forecast.empty:
        raise SpecError("the forecast is empty")
    m = forecast["mean"].idxmax()
    return {
        "month": m,
        "mean": value_at(forecast, m, "mean"),
        "lower": value_at(forecast, m, "lower"),
        "upper": value_at(forecast, m, "upper"),
    }


def fit_yield(
    yield10: pd.Series,
    indicator: pd.Series,
    policy_rate: pd.Series,
    *,
    indicator_name: str = "reserves_to_debt",
    sample: tuple[pd.Period | str | None, pd.Period | str | None] = (None, None),
    hac_lags: int | None = None,
    form: str = "levels",
) -> YieldFit:
    """D2: fit the 10-year yield on a scarcity indicator and the policy rate.

    Parameters
    ----------
    yield10
        Monthly 10-year yield (``DGS10`` monthly mean) [%], ``Period[M]``.
    indicator
        Monthly scarcity indicator [%] (:func:`scarcity_indicators`).
    policy_rate
        Monthly policy rate, upper bound [%] (:func:`qtlab.impact.paths.policy_rate`).
    indicator_name
        One of :data:`INDICATORS` (names the coefficient).
    sample
        (first, last) month; default ``2009-01`` to the last month all three
        series share.
    hac_lags
        Newey-West lags; default :func:`newey_west_lags` of the sample length.
    form
        ``"levels"`` (default) or ``"diff"``: the same regression in monthly
        changes (the first change is the sample's first month minus the month
        before it).

    Returns
    -------
    YieldFit
    """
    name = _check_indicator(indicator_name)
    if form not in FORMS:
        raise SpecError(f"form={form!r} is unknown; valid forms are {one_of(FORMS)}")
    frame = pd.concat({"y": yield10, name: indicator, "policy_rate": policy_rate}, axis=1).dropna()
    if not isinstance(frame.index, pd.PeriodIndex):
        raise SpecError("yield10, indicator and policy_rate must be indexed by Period[M]")
    lo = DEFAULT_SAMPLE_START if sample[0] is None else to_month(sample[0], field="sample start")
    hi = frame.index[-1] if sample[1] is None else to_month(sample[1], field="sample end")
    if hi <= lo:
        raise SpecError(f"sample={lo}:{hi} is empty; the end must follow the start")
    if frame.empty or lo < frame.index[0]:
        first = frame.index[0] if not frame.empty else "none"
        raise DataError(
            f"sample start {lo} is before the first month all inputs share ({first}); the "
            "policy-rate range starts 2008-12 (give a pre-range series to policy_rate to go back)"
        )
    levels = frame.loc[lo:hi]
    if form == "diff":
        full = frame.sort_index()
        full = full.reindex(pd.period_range(full.index[0], full.index[-1], freq="M"))
        data = full.diff().loc[lo:hi].dropna()
    else:
        data = levels
    n = len(data)
    if n < 24:
        raise SpecError(f"sample={lo}:{hi} has {n} months; give at least 24")
    lags = newey_west_lags(n) if hac_lags is None else int(hac_lags)
    x = sm.add_constant(data[[name, "policy_rate"]], has_constant="add")
    res = sm.OLS(data["y"], x).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    resid = res.resid.to_numpy()
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if n > 2 else 0.0
    end = levels.iloc[-1]
    fitted = res.fittedvalues
    if form == "diff":  # in levels: last month's yield plus the fitted change
        fitted = full["y"].shift(1).reindex(data.index) + fitted
    return YieldFit(
        indicator=name,
        sample=(data.index[0], data.index[-1]),
        nobs=n,
        params=pd.Series(res.params.to_numpy(), index=x.columns, name="coef"),
        std_err=pd.Series(res.bse.to_numpy(), index=x.columns, name="std_err"),
        rsquared=float(res.rsquared),
        hac_lags=lags,
        resid_var=float(res.scale),
        rho=min(max(rho, 0.0), 0.999),
        last_resid=float(resid[-1]),
        cov=pd.DataFrame(res.cov_params().to_numpy(), index=x.columns, columns=x.columns),
        fitted=pd.Series(fitted.to_numpy(), index=data.index, name="fitted"),
        actual=levels["y"].rename("actual"),
        form=form,
        rho_raw=rho,
        last_levels=(float(end["y"]), float(end[name]), float(end["policy_rate"])),
    )
