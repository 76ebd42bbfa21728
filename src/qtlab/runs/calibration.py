"""Calibration of F2's fans: did the realized outcomes fall inside the bands?

From each vantage of :data:`CALIBRATION_VANTAGES` the sweep is built only from the data
visible then (:func:`qtlab.runs.sweep.forward_start` on the context at that date: the
rate model, the liability model, D2, the holdings and the policy in force), run with a
small seeded number of paths, and its outputs at 12, 24 and 36 months after the start
are set against what the LATEST data show for those months. Per output and horizon:
whether the realized value lay inside the 50% band (quartiles) and the 90% band (5% and
95% quantiles) of the paths, and its probability integral transform (PIT: the share of
paths below it, ties counted half), which is uniform on [0, 1] when the bands are right.

Not scored: reserves and the SOMA total from a vantage whose data hold no SOMA Treasury
file (the sweep then holds Treasuries flat among other assets), and MBS paydowns in a
month when the SOMA's MBS holdings rose (Fed purchases hide the paydowns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from qtlab._periods import to_date, to_monthly
from qtlab.errors import SpecError
from qtlab.runs.context import RunContext
from qtlab.runs.inputs import load_inputs
from qtlab.runs.mbs import mortgage_rates, realized_paydowns
from qtlab.runs.runoff import as_policy
from qtlab.runs.sweep import default_policy, forward_start
from qtlab.scenarios import sweep

__all__ = [
    "CALIBRATION_HORIZONS",
    "CALIBRATION_OUTPUTS",
    "CALIBRATION_PATHS",
    "CALIBRATION_VANTAGES",
    "Calibration",
    "band_coverage",
    "calibrate_fans",
    "pit",
    "realized_outputs",
]

#: The vantages F2's calibration starts from.
CALIBRATION_VANTAGES: Final = ("2018-06-30", "2022-05-31", "2023-04-30", "2024-05-31")
#: Paths per vantage (seeded): enough for the 5% and 95% quantiles to within about 0.1
#: standard deviations of an output, and a calibration run of seconds per vantage.
CALIBRATION_PATHS: Final = 500
#: Horizons scored [months after the start; month 1 is the start month].
CALIBRATION_HORIZONS: Final = (12, 24, 36)
#: The outputs scored and their units.
CALIBRATION_OUTPUTS: Final = {
    "policy_rate": "%",
    "mortgage_rate": "%",
    "yield10": "%",
    "reserves": "USD bn",
    "mbs_paydowns": "USD bn per month",
    "soma_total": "USD bn",
}
#: Outputs that need the SOMA's Treasury holdings: without a Treasury CUSIP file at the
#: vantage the sweep cannot run Treasuries off, so these are not scored there.
_NEEDS_TREASURIES: Final = ("reserves", "soma_total")
_QUANTILES: Final = ("q05", "q25", "q50", "q75", "q95")


def pit(draws: npt.ArrayLike, realized: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Probability integral transform: per row of ``draws`` (``(points, paths)``), the
    share of paths below ``realized`` (``(points,)``), ties counted half."""
    d = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    r = np.asarray(realized, dtype=np.float64).reshape(-1, 1)
    if d.shape[0] != r.shape[0]:
        raise SpecError(f"draws have {d.shape[0]} rows but realized has {r.shape[0]} values")
    return np.asarray((d < r).mean(axis=1) + 0.5 * (d == r).mean(axis=1), dtype=np.float64)


def band_coverage(
    draws: npt.ArrayLike, realized: npt.ArrayLike, level: float
) -> npt.NDArray[np.bool_]:
    """Whether each ``realized`` value lies inside the central ``level`` band of its row
    of ``draws`` (quantiles ``(1 - level) / 2`` and ``(1 + level) / 2``, bounds
    included)."""
    if not 0.0 < level < 1.0:
        raise SpecError(f"level={level!r} must be in (0, 1), e.g. 0.9 for the 90% band")
    d = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    r = np.asarray(realized, dtype=np.float64)
    lo, hi = np.quantile(d, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=1)
    return np.asarray((r >= lo) & (r <= hi), dtype=bool)


def realized_outputs(ctx: RunContext) -> pd.DataFrame:
    """The outputs of :data:`CALIBRATION_OUTPUTS` as the data of ``ctx`` show them, by
    month: policy rate (upper bound), 10-year yield and reserves as D2 reads them
    (:func:`~qtlab.runs.inputs.load_inputs`, monthly means), the 30-year mortgage rate
    (monthly mean), realized MBS paydowns (:func:`~qtlab.runs.mbs.realized_paydowns`)
    and the SOMA's securities held outright at the last Wednesday of the month (WSHOSHO,
    TIPS inflation compensation included, as the engine's total plus its accrual)."""
    inp = load_inputs(ctx, horizon=1)
    out = pd.DataFrame(
        {
            "policy_rate": inp.policy,
            "mortgage_rate": mortgage_rates(ctx).set_axis(
                pd.PeriodIndex(mortgage_rates(ctx).index, freq="M")
            ),
            "yield10": inp.yield10,
            "reserves": inp.reserves,
            "mbs_paydowns": realized_paydowns(ctx)["paydowns"],
            "soma_total": to_monthly(ctx.series("WSHOSHO"), "last"),
        }
    )
    return out.loc[: inp.last_month]


@dataclass(frozen=True)
class Calibration:
    """Per (vantage, output, horizon): the bands, the realized value, its PIT and whether
    it fell inside the 50% and 90% bands (``points``); ``paths``, ``seed`` and the
    ``vantages`` run."""

    points: pd.DataFrame
    paths: int
    seed: int
    vantages: tuple[str, ...] = CALIBRATION_VANTAGES

    def coverage(self) -> pd.DataFrame:
        """Per output and horizon (and ``all`` horizons): the number of realized outcomes
        scored and the share [%] inside the 50% and 90% bands."""
        p = self.points[self.points["scored"].astype(bool)]
        rows = []
        for out in CALIBRATION_OUTPUTS:
            po = p[p["output"] == out]
            for h in (*CALIBRATION_HORIZONS, "all"):
                ph = po if h == "all" else po[po["horizon_months"] == h]
                n = len(ph)
                rows.append(
                    {
                        "output": out,
                        "horizon_months": str(h),
                        "n": n,
                        "inside_50": 100.0 * ph["inside_50"].mean() if n else np.nan,
                        "inside_90": 100.0 * ph["inside_90"].mean() if n else np.nan,
                    }
                )
        return pd.DataFrame(rows)


def calibrate_fans(
    ctx: RunContext,
    *,
    vantages: Sequence[str] = CALIBRATION_VANTAGES,
    paths: int = CALIBRATION_PATHS,
    seed: int = 0,
) -> Calibration:
    """Run F2's sweep from each of ``vantages`` (only the data visible then) and score
    it against the data of ``ctx`` (the latest, or what is visible at ``ctx``'s vantage:
    then only the vantages before it are run, so nothing after it enters). Horizons whose
    month the data do not reach are left out; see the module docstring."""
    realized = realized_outputs(ctx)
    months = max(CALIBRATION_HORIZONS)
    rows = []
    used = [v for v in vantages if ctx.as_of is None or to_date(v) < ctx.as_of]
    for v in used:
        cv = ctx.at(v)
        st = forward_start(cv, months=months)
        pol = as_policy(default_policy(cv), cv.as_of)
        res = sweep(st, pol, int(paths), seed=seed)
        has_treasuries = bool(st.holdings["kind"].ne("mbs").any())
        arrays = {
            "policy_rate": res.get("policy_rate"),
            "mortgage_rate": res.get("mortgage_rate"),
            "yield10": res.get("yield10"),
            "reserves": res.get("reserves"),
            "mbs_paydowns": res.get("mbs_paydowns"),
            "soma_total": res.get("total_securities") + res.get("tips_inflation_comp"),
        }
        for h in CALIBRATION_HORIZONS:
            m = res.months[h - 1]
            for out, a in arrays.items():
                r = realized[out].get(m, np.nan)
                if not np.isfinite(r):
                    continue
                d = a[:, h - 1]
                q = np.quantile(d, [0.05, 0.25, 0.5, 0.75, 0.95])
                rows.append(
                    {
                        "vantage": v,
                        "output": out,
                        "unit": CALIBRATION_OUTPUTS[out],
                        "horizon_months": h,
                        "month": str(m),
                        "realized": float(r),
                        **{
                            k: float(x)
                            for k, x in zip(("q05", "q25", "q50", "q75", "q95"), q, strict=True)
                        },
                        "pit": float(pit(d[None, :], [r])[0]),
                        "inside_50": bool(band_coverage(d[None, :], [r], 0.5)[0]),
                        "inside_90": bool(band_coverage(d[None, :], [r], 0.9)[0]),
                        "scored": (has_treasuries or out not in _NEEDS_TREASURIES)
                        and not (out == "mbs_paydowns" and r < 0),
                    }
                )
    cols = [
        "vantage", "output", "unit", "horizon_months", "month", "realized", *_QUANTILES,
        "pit", "inside_50", "inside_90", "scored",
    ]  # fmt: skip
    return Calibration(pd.DataFrame(rows, columns=cols), int(paths), int(seed), tuple(used))
