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
    "INDICATORS",
    "Indicator",
    "YieldFit",
    "fit_yield",
    "peak",
    "scarcity_indicators",
]

Indicator = Literal["reserves_to_debt", "reserves_to_gdp"]
INDICATORS: Final[tuple[str, ...]] = get_args(Indicator)
#: Default first month of the D2 sample (after the move to a target range and QE1).
DEFAULT_SAMPLE_START: Final = pd.Period("2009-01", freq="M")
ResidualModel = Literal["ar1", "iid"]


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
        First-order autocorrelation of the residuals.
    last_resid
        The last in-sample residual [%].
    cov
        HAC covariance of the coefficients.
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

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Confidence intervals of the coefficients (normal, HAC) [columns lower, upper]."""
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame(
            {"lower": self.params - z * self.std_err, "upper": self.params + z * self.std_err}
        )

    def summary(self) -> str:
        """A plain-text table of the fit."""
        ci = self.conf_int()
        lines = [
            f"10-year yield on {self.indicator} and the policy rate (monthly OLS, HAC "
            f"{self.hac_lags} lags)",
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
            ``"ar1"`` (default; module docstring) or ``"iid"``.

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
        x = np.column_stack([np.ones(len(ind)), ind.to_numpy(), pol.to_numpy()])
        beta = self.params.to_numpy()
        var_beta = np.einsum("ij,jk,ik->i", x, self.cov.to_numpy(), x)
        mean = x @ beta
        if residual == "ar1":
            h = np.array([(m - self.sample[1]).n for m in ind.index], dtype=float)
            if (h < 1).any():
                raise SpecError(
                    f"the forecast path must start after the sample end {self.sample[1]}; "
                    f"it starts {ind.index[0]}"
                )
            mean = mean + self.rho**h * self.last_resid
            var_err = self.resid_var * (1.0 - self.rho ** (2.0 * h))
        else:
            var_err = np.full(len(ind), self.resid_var)
        se = np.sqrt(var_beta + var_err)
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
        Newey-West lags; default ``floor(4 (n/100)^(2/9))``.

    Returns
    -------
    YieldFit
    """
    name = _check_indicator(indicator_name)
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
    data = frame.loc[lo:hi]
    n = len(data)
    if n < 24:
        raise SpecError(f"sample={lo}:{hi} has {n} months; give at least 24")
    lags = int(np.floor(4 * (n / 100) ** (2 / 9))) if hac_lags is None else int(hac_lags)
    x = sm.add_constant(data[[name, "policy_rate"]], has_constant="add")
    res = sm.OLS(data["y"], x).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    resid = res.resid.to_numpy()
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if n > 2 else 0.0
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
        fitted=pd.Series(res.fittedvalues.to_numpy(), index=data.index, name="fitted"),
        actual=data["y"].rename("actual"),
    )
