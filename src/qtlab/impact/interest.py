"""Federal interest cost (D3).

The average interest rate on marketable federal debt follows market yields with
lags set by the maturity structure of the debt:

1. Each security class (bills, notes, bonds, TIPS, FRNs) is a mix of original
   terms; the shares come from the MSPD detail (Table III: outstanding by
   CUSIP, with issue and maturity dates), :func:`term_shares`.
2. Debt of original term ``T`` months issued evenly over time carries, on
   average, the yield of the last ``T`` months at that term: a uniform
   distributed lag of length ``T`` (:func:`lag_weights`). FRNs reset with the
   13-week bill, so their lag is one month at the 3-month yield.
3. The yield at term ``T`` is read from the curve (3-month, 2-year and 10-year
   constant-maturity yields), linearly in maturity, flat beyond 10 years.
4. Net interest is the class rates times the marketable debt held by the
   public in each class (MSPD Table 1), summed by fiscal year.

Known differences from actual net interest (``FYOINT`` / CBO actuals): TIPS
inflation accruals are not modelled (TIPS carry the nominal curve), so years of
high inflation (FY2022) are understated; the government's other interest income
is not netted, so low-rate years (2012-2015) are overstated. The validation
test bounds the error by fiscal year.

Projection: the class mix is held at the last actual month; the total grows
with CBO's baseline debt held by the public (:func:`qtlab.impact.paths.debt_path`);
the curve is the policy-rate path less 12.5 bp at 3 months (the midpoint of a
25 bp range), the 10-year path, and the 2-year interpolated between them
(:func:`extend_curve`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from qtlab._periods import fiscal_year, period_index, require_monthly
from qtlab.errors import DataError, SpecError, one_of

__all__ = [
    "CLASSES",
    "CURVE_TENORS",
    "annual_averages",
    "average_rate",
    "distributed_lag",
    "distributed_lag_reference",
    "extend_curve",
    "fiscal_year_totals",
    "lag_weights",
    "net_interest",
    "previous_peak",
    "term_shares",
    "term_yield",
]

#: Security classes of marketable debt (MSPD Table 1 and Table III names).
CLASSES: Final = ("bill", "note", "bond", "tips", "frn")
#: Curve tenors [years] and the FRED series that give them historically.
CURVE_TENORS: Final[Mapping[float, str]] = {0.25: "DGS3MO", 2.0: "DGS2", 10.0: "DGS10"}
_SHORT_FROM_UPPER: Final = 0.125


def term_shares(detail: pd.DataFrame) -> dict[str, pd.Series]:
    """Share of each class's outstanding amount by original term [months].

    Parameters
    ----------
    detail
        MSPD Table III rows: ``security_class`` (bill, note, bond, tips, frn),
        ``issue_date``, ``maturity``, ``outstanding`` [USD bn].

    Returns
    -------
    dict
        Class -> Series indexed by term in whole months (>= 1), summing to 1.
        The term runs from the issue date in the table (a reopening's own
        date) to maturity.
    """
    need = ("security_class", "issue_date", "maturity", "outstanding")
    missing = [c for c in need if c not in detail.columns]
    if missing:
        raise DataError(f"MSPD detail lacks column(s) {one_of(missing)}; need {one_of(need)}")
    days = (pd.to_datetime(detail["maturity"]) - pd.to_datetime(detail["issue_date"])).dt.days
    terms = np.maximum(np.rint(days.to_numpy() / 30.4375), 1).astype(int)
    frame = pd.DataFrame(
        {
            "cls": detail["security_class"].astype(str).to_numpy(),
            "term": terms,
            "amt": detail["outstanding"].to_numpy(dtype=float),
        }
    )
    out: dict[str, pd.Series] = {}
    for cls in CLASSES:
        g = frame[frame["cls"] == cls]
        if g.empty or g["amt"].sum() <= 0:
            raise DataError(f"MSPD detail has no outstanding {cls!r} securities")
        s = g.groupby("term")["amt"].sum()
        out[cls] = s / s.sum()
    return out


def lag_weights(shares: pd.Series) -> np.ndarray:
    """Distributed-lag weights from term shares: ``w[k] = sum_T share_T 1{k < T} / T``.

    ``w[0]`` weighs the current month; the weights sum to 1.
    """
    terms = shares.index.to_numpy(dtype=int)
    if (terms < 1).any():
        raise SpecError("terms must be whole months >= 1")
    w = np.zeros(int(terms.max()))
    for term, share in zip(terms, shares.to_numpy(dtype=float), strict=True):
        w[:term] += share / term
    return np.asarray(w / w.sum(), dtype=float)


def distributed_lag(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``out[t] = sum_k w[k] x[t-k]`` over available (non-NaN) lags, renormalised.

    Vectorized (``np.convolve``); :func:`distributed_lag_reference` is the loop.
    """
    x = np.asarray(values, dtype=float)
    ok = ~np.isnan(x)
    num = np.convolve(np.where(ok, x, 0.0), weights)[: len(x)]
    den = np.convolve(ok.astype(float), weights)[: len(x)]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[den < 0.5] = np.nan  # less than half the weight observed: no value
    return out


def distributed_lag_reference(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Plain loop version of :func:`distributed_lag`."""
    x = [float(v) for v in values]
    out = []
    for t in range(len(x)):
        num = den = 0.0
        for k, w in enumerate(weights):
            if t - k >= 0 and not np.isnan(x[t - k]):
                num += w * x[t - k]
                den += w
        out.append(num / den if den >= 0.5 else np.nan)
    return np.array(out)


def term_yield(curve: pd.DataFrame, term_years: float) -> pd.Series:
    """The yield at ``term_years`` [%] from a curve whose columns are tenors in years (values [%]).

    Linear in maturity between tenors; flat beyond the shortest and longest.
    """
    tenors = sorted(float(c) for c in curve.columns)
    if term_years <= tenors[0]:
        return curve[tenors[0]]
    if term_years >= tenors[-1]:
        return curve[tenors[-1]]
    hi = next(t for t in tenors if t >= term_years)
    lo = max(t for t in tenors if t < hi)
    f = (term_years - lo) / (hi - lo)
    return (1 - f) * curve[lo] + f * curve[hi]


def extend_curve(curve: pd.DataFrame, policy_rate: pd.Series, ten_year: pd.Series) -> pd.DataFrame:
    """The curve extended along a policy-rate path and a 10-year path [%].

    3-month = policy rate (upper bound) - 0.125; 10-year = ``ten_year``; 2-year
    interpolated linearly in maturity between them. History is kept as is.
    """
    pol = require_monthly(policy_rate, "policy_rate")
    ten = require_monthly(ten_year, "ten_year")
    months = ten.index[ten.index > curve.index[-1]]
    if len(months) == 0:
        return curve
    missing = months.difference(pol.index)
    if len(missing):
        raise SpecError(f"policy_rate does not cover month {missing[0]} of the 10-year path")
    short = pol.reindex(months) - _SHORT_FROM_UPPER
    long = ten.reindex(months)
    f = (2.0 - 0.25) / (10.0 - 0.25)
    ext = pd.DataFrame({0.25: short, 2.0: (1 - f) * short + f * long, 10.0: long}, index=months)
    return pd.concat([curve, ext])


def average_rate(
    curve: pd.DataFrame, class_debt: pd.DataFrame, shares: Mapping[str, pd.Series]
) -> pd.DataFrame:
    """Average interest rate by class and overall [%], by month.

    Parameters
    ----------
    curve
        Monthly curve, ``Period[M]`` index, columns tenors [years] (e.g. 0.25, 2, 10)
        [%]; it must start long enough before ``class_debt`` to fill the lags.
    class_debt
        Monthly marketable debt held by the public by class (columns of
        :data:`CLASSES`; a missing class counts as zero) [USD bn].
    shares
        :func:`term_shares`.

    Returns
    -------
    pandas.DataFrame
        Columns: one rate per class and ``average`` (debt-weighted) [%], on
        ``class_debt``'s months.
    """
    rates = {}
    for cls in CLASSES:
        if cls == "frn":
            rates[cls] = term_yield(curve, 0.25)
            continue
        total = pd.Series(0.0, index=curve.index)
        s = shares[cls]
        for term, share in zip(s.index.to_numpy(dtype=int), s.to_numpy(dtype=float), strict=True):
            y = term_yield(curve, term / 12.0).to_numpy()
            w = np.ones(term) / term
            total = total + share * distributed_lag(y, w)
        rates[cls] = total
    frame = pd.DataFrame(rates, index=curve.index).reindex(class_debt.index)
    debt = class_debt.reindex(columns=list(CLASSES)).fillna(0.0)
    if frame.isna().any().any():
        bad = frame.index[frame.isna().any(axis=1)][0]
        raise DataError(
            f"the curve does not cover month {bad} (or its lags); extend the curve or the path"
        )
    frame["average"] = (frame[list(CLASSES)] * debt).sum(axis=1) / debt.sum(axis=1)
    return frame


def net_interest(rates: pd.DataFrame, class_debt: pd.DataFrame) -> pd.DataFrame:
    """Net interest [USD bn] by month and by fiscal year.

    Returns a frame with a monthly column ``interest`` [USD bn per month];
    :func:`fiscal_year_interest` sums it.
    """
    debt = class_debt.reindex(columns=list(CLASSES)).fillna(0.0)
    monthly = (rates[list(CLASSES)] * debt).sum(axis=1) / 100.0 / 12.0
    return pd.DataFrame({"interest": monthly, "debt": debt.sum(axis=1)})


def fiscal_year_totals(monthly: pd.Series) -> pd.Series:
    """Sum a monthly series by federal fiscal year (complete years only)."""
    m = require_monthly(monthly, "monthly")
    fy = fiscal_year(period_index(m))
    g = m.groupby(fy)
    out = g.sum()[g.size() == 12]
    out.index.name = "fiscal_year"
    return out


def previous_peak(fy_values: pd.Series, fy_gdp: pd.Series, before: int) -> dict[str, float | int]:
    """The highest fiscal-year level and share of GDP before fiscal year ``before``.

    Parameters
    ----------
    fy_values
        Net interest by fiscal year (int index) [USD bn].
    fy_gdp
        Nominal GDP by fiscal year [USD bn].
    before
        Only years < ``before`` count.

    Returns
    -------
    dict
        ``level``, ``level_fy``, ``share`` [% of GDP], ``share_fy``.
    """
    v = fy_values[fy_values.index < before].dropna()
    share = (100.0 * v / fy_gdp.reindex(v.index)).dropna()
    if v.empty or share.empty:
        raise DataError(f"no fiscal year before {before} to compare with")
    return {
        "level": float(v.max()),
        "level_fy": int(v.index.to_numpy()[int(np.argmax(v.to_numpy()))]),
        "share": float(share.max()),
        "share_fy": int(share.index.to_numpy()[int(np.argmax(share.to_numpy()))]),
    }


def annual_averages(path: pd.Series) -> pd.Series:
    """Calendar-year averages of a monthly path (e.g. the 10-year yield) [same units]."""
    m = require_monthly(path, "path")
    out = m.groupby(period_index(m).year).mean()
    out.index.name = "year"
    return out
