"""MBS cohorts from the NY Fed's SOMA agency MBS holdings by CUSIP.

Pools are grouped by program (``umbs``, ``fnma``, ``fhlmc``, ``gnma1``,
``gnma2``), pass-through coupon, original term and vintage (issue year). What
the CUSIP files do not say is estimated, with every assumption in
:class:`CohortAssumptions` (change it to change the answer):

- **Original term** from the file's ``term`` (``30yr`` -> 360 months, ``15yr``
  -> 180); ``Other`` (10- and 20-year, a few bn) -> ``other_term_months``.
- **Loan age and remaining term** from the pool's stated maturity, the month of
  its last scheduled payment: ``remaining`` = months from the start month to
  maturity inclusive, ``age`` = original term - remaining.
- **Note rate (WAC)** = coupon + servicing and guarantee fee by program
  (``wac_spread``; Ginnie I pools carry exactly 50 bp; conventional and Ginnie II
  pools about 50-75 bp).
- **Aggregated rows** (``is_aggregated``: UMBS Supers / Ginnie Platinum pools
  that re-pool many original pools; most of the par in the 2024-10-02 file).
  Their stated maturity is that of the *latest* underlying pool, so the loans
  are older than it implies: they get ``aggregated_extra_age_months`` more age
  and as many fewer remaining months. Their par is reported per cohort
  (``aggregated_par``).
- **Rows without a coupon** (one 0.5 mn row in 2022-05-11) take the
  portfolio's par-weighted coupon rounded to 0.5, so par totals stay exact.
- **Rows without a maturity** (a few "UMBS 3.0%"-style rows) take the
  par-weighted remaining term of their program, coupon and term.
- **Start month**: the rule of :mod:`qtlab.portfolio.mbs_dates`, shared with the
  runoff engine: a file dated before the 25th (the UMBS payment date) holds the
  balance before that month's UMBS payment, so the cohorts start in its month; a
  file dated on or after the 25th starts the next month.
- **Burnout exposure** [pp-months]: with a monthly mortgage-rate history, the
  sum since issue of max(WAC - rate, 0); zero without one.

No I/O: the caller passes the holdings table (``Dataset.holdings(["mbs"])``)
and, optionally, the rate history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from qtlab.errors import DataError, SpecError, one_of
from qtlab.portfolio.mbs_dates import mbs_first_month

__all__ = ["COHORT_KEYS", "CohortAssumptions", "cohort_start", "mbs_cohorts"]

#: The cohort key columns.
COHORT_KEYS = ("program", "coupon", "term_months", "vintage")

_TERMS = {"30yr": 360, "20yr": 240, "15yr": 180, "10yr": 120}


def _default_spreads() -> Mapping[str, float]:
    return MappingProxyType(
        {"umbs": 0.65, "fnma": 0.65, "fhlmc": 0.65, "gnma1": 0.50, "gnma2": 0.65, "other": 0.65}
    )


@dataclass(frozen=True)
class CohortAssumptions:
    """What :func:`mbs_cohorts` assumes where the CUSIP files are silent.

    Attributes
    ----------
    wac_spread
        Note rate minus pass-through coupon by program [pp].
    other_term_months
        Original term of pools the file labels ``Other`` [months].
    aggregated_extra_age_months
        Extra loan age (and fewer remaining months) of aggregated rows [months].
    """

    wac_spread: Mapping[str, float] = field(default_factory=_default_spreads)
    other_term_months: int = 240
    aggregated_extra_age_months: int = 12

    def __post_init__(self) -> None:
        for k, v in self.wac_spread.items():
            if not 0 <= v <= 3:
                raise SpecError(f"CohortAssumptions.wac_spread[{k!r}]={v!r} must be in [0, 3] pp")
        object.__setattr__(self, "wac_spread", MappingProxyType(dict(self.wac_spread)))
        if self.other_term_months not in (120, 180, 240, 360):
            raise SpecError(
                f"CohortAssumptions.other_term_months={self.other_term_months!r}; "
                f"valid are {one_of((120, 180, 240, 360))}"
            )
        if not 0 <= self.aggregated_extra_age_months <= 120:
            raise SpecError(
                "CohortAssumptions.aggregated_extra_age_months="
                f"{self.aggregated_extra_age_months!r} must be in [0, 120]"
            )

    def __repr__(self) -> str:
        return (
            f"CohortAssumptions(wac_spread={dict(self.wac_spread)}, "
            f"other_term_months={self.other_term_months}, "
            f"aggregated_extra_age_months={self.aggregated_extra_age_months})"
        )


def cohort_start(as_of: pd.Timestamp) -> pd.Period:
    """First month whose principal is not yet out of a holdings file dated ``as_of``
    (:func:`qtlab.portfolio.mbs_dates.mbs_first_month`)."""
    return mbs_first_month(as_of)


def mbs_cohorts(
    holdings: pd.DataFrame,
    assumptions: CohortAssumptions | None = None,
    rate_history: pd.Series | None = None,
) -> pd.DataFrame:
    """Group SOMA MBS pools into cohorts [USD bn, %, months].

    Parameters
    ----------
    holdings
        Holdings by CUSIP (columns of :data:`qtlab.schema.HOLDINGS_COLUMNS`);
        rows of other kinds are ignored. One as-of date.
    assumptions
        See :class:`CohortAssumptions`.
    rate_history
        Monthly 30-year mortgage rate [%] indexed by ``Period[M]``, for the
        burnout exposure (optional).

    Returns
    -------
    pandas.DataFrame
        One row per cohort: ``program, coupon [%], term_months, vintage (year),
        par [USD bn], wac [%], age [months], remaining [months], exposure
        [pp-months], n_pools, aggregated_par [USD bn]`` (par-weighted means),
        largest first; ``attrs['start']`` is the start month, ``attrs['as_of']``
        the file date.
    """
    a = assumptions or CohortAssumptions()
    if "kind" not in holdings.columns:
        raise DataError("holdings table lacks the 'kind' column (see qtlab.schema)")
    h = holdings.loc[holdings["kind"] == "mbs"].copy()
    h = h.loc[h["par"] > 0]
    if h.empty:
        raise DataError("no agency MBS rows (kind == 'mbs') with positive par in the holdings")
    dates = pd.to_datetime(h["as_of"]).unique()
    if len(dates) != 1:
        raise DataError(
            f"holdings mix {len(dates)} as-of dates; pass one file's rows (found "
            f"{one_of(str(pd.Timestamp(d).date()) for d in dates)})"
        )
    as_of = pd.Timestamp(str(dates[0]))
    start = cohort_start(as_of)
    program = h["program"].astype("string").fillna("other").str.lower()
    unknown = sorted(set(program) - set(a.wac_spread))
    if unknown:
        raise DataError(
            f"MBS program {unknown[0]!r} has no WAC spread; known programs are "
            f"{one_of(sorted(a.wac_spread))} (set CohortAssumptions.wac_spread)"
        )
    term = h["term"].astype("string").map(_TERMS).astype("float64")
    term = term.fillna(float(a.other_term_months))
    mat = pd.to_datetime(h["maturity"])
    mat_p = mat.dt.to_period("M")
    remaining = pd.Series(np.nan, index=h.index)
    ok = mat_p.notna()
    remaining.loc[ok] = np.array([float((m - start).n + 1) for m in mat_p.loc[ok]])
    agg = h["is_aggregated"].astype(bool)
    remaining = remaining - np.where(agg, a.aggregated_extra_age_months, 0)
    frame = pd.DataFrame(
        {
            "program": program.astype(str),
            "coupon": h["coupon"].astype("float64"),
            "term_months": term,
            "par": h["par"].astype("float64"),
            "remaining": remaining,
            "aggregated": agg,
        }
    )
    nocpn = frame["coupon"].isna()
    if nocpn.any():  # e.g. one 0.5 mn "FANNIE" row in 2022-05-11: keep its par
        known = frame.loc[~nocpn]
        wc = (known["coupon"] * known["par"]).sum() / known["par"].sum()
        frame.loc[nocpn, "coupon"] = round(wc * 2) / 2
    # rows without a maturity: par-weighted remaining of their program/coupon/term
    miss = frame["remaining"].isna()
    if miss.any():
        known = frame.loc[~miss]
        w = (known["remaining"] * known["par"]).groupby(
            [known["program"], known["coupon"], known["term_months"]]
        ).sum() / known.groupby(["program", "coupon", "term_months"])["par"].sum()
        keys = pd.MultiIndex.from_frame(frame.loc[miss, ["program", "coupon", "term_months"]])
        fill = w.reindex(keys).to_numpy()
        fill = np.where(np.isnan(fill), frame.loc[miss, "term_months"].to_numpy(), fill)
        frame.loc[miss, "remaining"] = fill
    frame["remaining"] = frame["remaining"].clip(lower=1.0, upper=frame["term_months"])
    frame["age"] = frame["term_months"] - frame["remaining"]
    frame["wac"] = frame["coupon"] + frame["program"].map(dict(a.wac_spread)).astype("float64")
    issue = [start - round(float(x)) for x in frame["age"]]
    frame["vintage"] = [p.year for p in issue]
    frame["aggregated_par"] = np.where(frame["aggregated"], frame["par"], 0.0)
    frame["w_wac"] = frame["wac"] * frame["par"]
    frame["w_age"] = frame["age"] * frame["par"]
    frame["w_rem"] = frame["remaining"] * frame["par"]
    g = frame.groupby(list(COHORT_KEYS), sort=True)
    out = g.agg(
        par=("par", "sum"),
        w_wac=("w_wac", "sum"),
        w_age=("w_age", "sum"),
        w_rem=("w_rem", "sum"),
        n_pools=("par", "size"),
        aggregated_par=("aggregated_par", "sum"),
    ).reset_index()
    out["wac"] = out["w_wac"] / out["par"]
    out["age"] = out["w_age"] / out["par"]
    out["remaining"] = out["w_rem"] / out["par"]
    out["exposure"] = _exposure(out, start, rate_history)
    out["term_months"] = out["term_months"].astype("int64")
    out["vintage"] = out["vintage"].astype("int64")
    cols = [
        "program", "coupon", "term_months", "vintage", "par", "wac", "age", "remaining",
        "exposure", "n_pools", "aggregated_par",
    ]  # fmt: skip
    out = out.loc[:, cols].sort_values("par", ascending=False, ignore_index=True)
    out.attrs.update({"start": start, "as_of": as_of, "assumptions": repr(a)})
    return out


def _exposure(out: pd.DataFrame, start: pd.Period, rate_history: pd.Series | None) -> np.ndarray:
    """Cumulative positive incentive since issue [pp-months], per cohort."""
    if rate_history is None:
        return np.zeros(len(out))
    hist = rate_history.dropna()
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    hist = hist[hist.index < start].sort_index()
    if hist.empty:
        return np.zeros(len(out))
    rates = hist.to_numpy(np.float64)
    months_before_start = np.array([(start - p).n for p in hist.index])  # 1 = last month
    res = np.zeros(len(out))
    for i, (wac, age) in enumerate(zip(out["wac"], out["age"], strict=True)):
        seen = months_before_start <= age
        res[i] = float(np.maximum(wac - rates[seen], 0.0).sum())
    return res
