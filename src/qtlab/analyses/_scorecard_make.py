"""qtlab's own E1 forecasts: its models run at a vantage date (nothing typed in).

:func:`make_forecasts` writes what scripts/make_forecasts.py saves as
``analyses/forecasts/qtlab_<date>.yaml`` for each vantage (2022-05-31, the May 2022
reports; 2023-04-30, the New York Fed's April 2023 report; 2023-09-30, the September
2023 Survey of Primary Dealers), so each published projection has qtlab's beside it.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from qtlab._periods import value_at
from qtlab.errors import SpecError
from qtlab.runs.context import RunContext

__all__ = ["PATH_POINTS", "VANTAGES", "make_forecasts"]

#: The vantages qtlab's shipped forecasts are made at (the publications' dates).
VANTAGES: Final = ("2022-05-31", "2023-04-30", "2023-09-30")

#: Balance-sheet points projected at every vantage: quantity -> months (the points the
#: New York Fed's reports and the dealer survey give).
PATH_POINTS: Final = {
    "soma_total_at": ("2025-06", "2030-12"),
    "reserves_at": ("2025-06", "2026-12", "2030-12"),
    "mbs_at": ("2025-06", "2030-12"),
    "treasuries_at": ("2025-12",),
}
#: The engine frame's column for each path quantity [USD bn par; reserves from C2].
_ENGINE_COLUMN: Final = {"soma_total_at": "total_securities", "mbs_at": "mbs"}


def make_forecasts(ctx: RunContext) -> dict[str, Any]:
    """qtlab's own forecasts, computed by its models at ``ctx.as_of``.

    10-year peak level and month and annual averages: D2 for each indicator along the
    SEP path; end of runoff, months of runoff and the reserve decline: C3 with its
    default rules; first MBS sale: the runoff engine under the default policy; ON RRP
    peak: C2's default scenario; SOMA, Treasury and MBS holdings and reserves at the
    dates of :data:`PATH_POINTS`: the runoff engine with C3's default stop and the baseline's
    liabilities (the path D2 and C3 share).
    """
    from qtlab.impact.interest import annual_averages  # noqa: PLC0415
    from qtlab.policy import PRESET_NAMES  # noqa: PLC0415
    from qtlab.runs.baseline import baseline_liabilities  # noqa: PLC0415
    from qtlab.runs.endpoint import engine_stop  # noqa: PLC0415 (avoids a cycle)
    from qtlab.runs.inputs import default_asset_path, engine_frame  # noqa: PLC0415
    from qtlab.runs.liabilities import (  # noqa: PLC0415
        DEFAULT_RULES,
        endpoint,
        liability_projection,
    )
    from qtlab.runs.yield_forecast import chosen_forecasts  # noqa: PLC0415

    if ctx.as_of is None:
        raise SpecError("make_forecasts needs a past vantage date (Dataset(as_of=...))")
    made = ctx.as_of.isoformat()
    out: list[dict[str, Any]] = []

    def add(quantity: str, value: Any, horizon: str, source: str) -> None:
        out.append(
            {
                "quantity": quantity,
                "value": value,
                "made": made,
                "horizon": horizon,
                "source": source,
            }
        )

    # D2's default path (120 months, C3's default rules), read and stopped once for both
    # indicators and for C3 below, and D2's default specification, chosen by out-of-sample
    # error as D2 chooses it
    d2 = chosen_forecasts(ctx, ("reserves_to_debt", "reserves_to_gdp"))
    shared, choice = d2.path, d2.choice
    for ind, yf in d2.forecasts.items():
        src = f"qtlab D2 ({ind}; default specification {choice.spec.name}) as of {made}"
        hz = str(yf.forecast.index[-1])
        add("ten_year_peak_level", round(float(str(yf.peak["mean"])), 3), hz, src)
        add("ten_year_peak_month", str(yf.peak["month"]), hz, src)
        first = yf.forecast.index[0]
        years = annual_averages(yf.forecast["mean"])
        for year, avg in years.items():
            full = first <= pd.Period(f"{year}-01", freq="M") and (
                pd.Period(f"{year}-12", freq="M") <= yf.forecast.index[-1]
            )
            if full and int(str(year)) <= ctx.as_of.year + 2:
                add("ten_year_annual_average", round(float(avg), 3), f"{year}-12", src)
    res, proj, inp, _ = endpoint(ctx, DEFAULT_RULES, inputs=shared[0])
    src = f"qtlab C3 ({', '.join(DEFAULT_RULES)}; first to bind) as of {made}"
    hz = str(proj.index[-1])
    if res.end_month is not None and res.terminal_reserves is not None:
        decline = 100.0 * (1.0 - res.terminal_reserves / float(inp.reserves.max()))
        add("runoff_end_month", str(res.end_month), hz, src)
        add("months_of_runoff", res.months_of_runoff, hz, src)
        add("reserve_decline_at_endpoint", round(decline, 2), hz, src)
    policy = default_asset_path(ctx.as_of)
    if policy in PRESET_NAMES:
        frame, _ = engine_frame(ctx, policy, inp.last_month + 1, 120)
        sold = frame.index[frame["mbs_sales"] > 0]
        add(
            "first_mbs_sale_month",
            str(sold[0]) if len(sold) else "none",
            str(res.end_month or frame.index[-1]),  # over the runoff it foresees
            f"qtlab engine ({policy}, prepayment-model paydowns) as of {made}",
        )
        # the baseline's liability side, as C3 and D2 project with (one baseline, issue 13)
        lrules = baseline_liabilities(ctx).rules
        stop = engine_stop(
            ctx, shared[0], policy, DEFAULT_RULES, horizon=120, liability_rules=lrules
        ).frame
        src = f"qtlab engine ({policy}) stopped by C3 ({', '.join(DEFAULT_RULES)}) as of {made}"
        for q, months in PATH_POINTS.items():
            for m in months:
                if q == "treasuries_at":
                    v = value_at(stop, pd.Period(m, freq="M"), "treasury")
                elif q == "reserves_at":
                    v = value_at(shared[1], pd.Period(m, freq="M"), "reserves")
                else:
                    v = value_at(stop, pd.Period(m, freq="M"), _ENGINE_COLUMN[q])
                add(q, round(v, 1), m, src)
    _, c2, _ = liability_projection(ctx, horizon=24)
    rrp = c2["on_rrp"].iloc[1:]
    src = f"qtlab C2 (ON RRP absorbs first) as of {made}"
    hz = str(rrp.index[-1])
    add("on_rrp_peak", round(float(rrp.max()), 1), hz, src)
    add("on_rrp_peak_month", str(rrp.idxmax()), hz, src)
    return {"source": f"qtlab's own models as of {made}", "forecasts": out}
