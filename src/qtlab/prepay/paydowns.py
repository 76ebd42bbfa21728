"""The prepayment model as a paydown source for the runoff engine.

The engine asks a paydown source for ``rates(months)``: the fraction [0..1] of
the MBS par held at the start of each month that is repaid in that month,
shape (n_months,) or (n_scenarios, n_months). :class:`ModelPaydowns` answers
from the runoff of the cohorts under the given mortgage-rate paths.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab.errors import DateRangeError, SpecError
from qtlab.prepay.model import CohortState, Projection, _as_paths, project
from qtlab.prepay.params import PrepayParams, prepay_params

__all__ = ["ModelPaydowns", "project_cohorts"]


def _state(cohorts: pd.DataFrame | CohortState) -> CohortState:
    return cohorts if isinstance(cohorts, CohortState) else CohortState.from_frame(cohorts)


def _params(params: PrepayParams | str) -> PrepayParams:
    return prepay_params(params) if isinstance(params, str) else params


def _paths(rate_paths: Any, start: pd.Period) -> tuple[npt.NDArray[np.float64], bool]:
    """(n_scenarios, n_months) array starting at ``start``, and whether one path was given."""
    if isinstance(rate_paths, pd.Series | pd.DataFrame):
        idx = pd.PeriodIndex(rate_paths.index, freq="M")
        want = pd.period_range(start, periods=len(idx), freq="M")
        if len(idx) == 0 or not (idx == want).all():
            got = f"{idx[0]}..{idx[-1]}" if len(idx) else "no months"
            raise SpecError(
                "rate paths must be indexed by consecutive months starting at the cohorts' "
                f"start month {start}; got {got}"
            )
        arr = rate_paths.to_numpy(np.float64)
        single = isinstance(rate_paths, pd.Series)
        arr = arr[None, :] if single else arr.T
    else:
        arr = np.asarray(rate_paths, dtype=np.float64)
        single = arr.ndim == 1
    if arr.size == 0:
        raise SpecError(f"rate paths hold no month; got shape {arr.shape}")
    return _as_paths(arr, None), single


def project_cohorts(
    cohorts: pd.DataFrame | CohortState,
    rate_paths: Any,
    params: PrepayParams | str = "qt2-fit",
    n_months: int | None = None,
    *,
    by_cohort: bool = False,
) -> Projection:
    """Scheduled, prepaid and total paydowns of the cohorts [USD bn], by month and scenario.

    Parameters
    ----------
    cohorts
        A cohort table (:func:`qtlab.portfolio.mbs_cohorts`) or a :class:`CohortState`.
    rate_paths
        Driving mortgage rate [%] from the cohorts' start month: a Series or
        DataFrame (columns = scenarios) indexed by month, or an array
        (n_months,) / (n_scenarios, n_months). Held flat after its last month
        when ``n_months`` asks for more.
    params
        A :class:`PrepayParams` or the name of a packaged set.
    n_months
        Months to project (default: the length of the paths).
    by_cohort
        Keep the per-cohort arrays too.
    """
    st = _state(cohorts)
    arr, _ = _paths(rate_paths, st.start)
    n = arr.shape[1] if n_months is None else int(n_months)
    if n < 1:
        raise SpecError(f"n_months={n_months!r} must be >= 1")
    if n > arr.shape[1]:
        arr = np.concatenate([arr, np.repeat(arr[:, -1:], n - arr.shape[1], axis=1)], axis=1)
    return project(st, arr, _params(params), n, by_cohort=by_cohort)


class ModelPaydowns:
    """Paydown rates from the prepayment model, for the engine.

    Parameters
    ----------
    cohorts
        The MBS cohorts (:func:`qtlab.portfolio.mbs_cohorts`) or a :class:`CohortState`.
    rate_paths
        Driving mortgage rate(s) [%] from the cohorts' start month (see
        :func:`project_cohorts`); held flat after their last month.
    params
        A :class:`PrepayParams` or a packaged set name (default ``"qt2-fit"``).

    Notes
    -----
    The rate of month ``m`` is the runoff-only cohorts' paydowns divided by
    their balance at the start of ``m``. Applied to a balance that also holds
    later purchases, it treats those like the average pool held.
    """

    def __init__(
        self,
        cohorts: pd.DataFrame | CohortState,
        rate_paths: Any,
        params: PrepayParams | str = "qt2-fit",
    ) -> None:
        self.state = _state(cohorts)
        self.params = _params(params)
        self._paths, self._single = _paths(rate_paths, self.state.start)
        self._projections: dict[int, Projection] = {}

    def __repr__(self) -> str:
        return (
            f"ModelPaydowns(start={self.state.start}, cohorts={self.state.n}, "
            f"par={self.state.par.sum():.1f} bn, scenarios={self._paths.shape[0]}, "
            f"path_months={self._paths.shape[1]}, params={self.params!r})"
        )

    @property
    def start(self) -> pd.Period:
        """The first month the model covers."""
        return self.state.start

    @property
    def n_scenarios(self) -> int:
        """Number of rate paths."""
        return int(self._paths.shape[0])

    def projection(self, n_months: int) -> Projection:
        """The cohort runoff for ``n_months`` from :attr:`start` (computed once per length)."""
        if n_months not in self._projections:
            self._projections = {
                n_months: project_cohorts(self.state, self._paths, self.params, n_months)
            }
        return self._projections[n_months]

    @cached_property
    def _default(self) -> Projection:
        return self.projection(self._paths.shape[1])

    def rates(self, months: pd.PeriodIndex) -> npt.NDArray[np.float64]:
        """Fraction [0..1] of start-of-month MBS par repaid in each of ``months``.

        Shape (n_months,) for one rate path, else (n_scenarios, n_months).

        Raises
        ------
        DateRangeError
            If a month precedes the cohorts' start month.
        """
        m = pd.PeriodIndex(months, freq="M")
        if len(m) == 0:
            shape = (0,) if self._single else (self.n_scenarios, 0)
            return np.zeros(shape)
        if m.min() < self.start:
            raise DateRangeError(
                f"paydown rates asked for {m.min()}, before the cohorts' start month "
                f"{self.start} (the holdings file they come from)"
            )
        pos = np.asarray([(p - self.start).n for p in m], dtype=np.int64)
        need = int(pos.max()) + 1
        pr = self._default if need <= self._paths.shape[1] else self.projection(need)
        out = pr.rate[:, pos]
        return out[0] if self._single else out
