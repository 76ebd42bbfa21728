"""What the runoff analyses (B1, B2, B4) share: the start month (F1's at today's
vantage) and policy of a run, its meta, the display table of a monthly engine frame,
the series names and the cap line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from qtlab._periods import MonthLike, to_month
from qtlab.analyses.computed import tidy
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.present.figures import month_line
from qtlab.runs.context import RunContext
from qtlab.runs.forward import today_start
from qtlab.runs.forward_policy import run_from
from qtlab.schema import USD_BN, USD_BN_PER_MONTH

BN = "[USD bn]"

#: Columns of an engine frame that are stocks at the month's end [USD bn]; the others
#: (maturities, redemptions, rollovers, caps, paydowns, purchases) are monthly flows.
STOCKS = frozenset(
    {
        "bills",
        "coupons",
        "notes_bonds",
        "tips",
        "frn",
        "treasury",
        "tips_inflation_comp",
        "mbs",
        "agency",
        "cmbs",
        "total_securities",
    }
)


def start_month(ctx: RunContext, start: MonthLike | None) -> pd.Period:
    """The first projected month: ``start``; else, at a vantage date, the month after it;
    else (today's vantage) F1's start, the month after the latest data
    (:func:`qtlab.runs.forward.today_start`)."""
    if start is not None:
        return to_month(start, field="start")
    if ctx.as_of is not None:
        return pd.Period(ctx.as_of, freq="M") + 1
    return today_start(ctx)


def run_start(ctx: RunContext, pol: Policy, start: MonthLike | None) -> tuple[pd.Period, Policy]:
    """The first projected month (:func:`start_month`) and the policy to run from the
    CUSIP files: at today's vantage without ``start``, ``pol`` from F1's start with the
    realized policy before it (:func:`qtlab.runs.forward_policy.run_from`, as F1 and the
    dashboard explorer carry the holdings forward); otherwise ``pol`` as given."""
    s = start_month(ctx, start)
    if start is None and ctx.as_of is None:
        return s, run_from(pol, ctx, s)
    return s, pol


def run_meta(ctx: RunContext, pol: Policy, **opts: Any) -> dict[str, Any]:
    """The meta of a runoff analysis: vantage, options (as text), inputs, no gaps."""
    return {
        "as_of": ctx.as_of.isoformat() if ctx.as_of else None,
        "options": {"policy": pol.name, **{k: str(v) for k, v in opts.items()}},
        "inputs": [
            "holdings (SOMA by CUSIP)",
            "soma.mbs",
            "soma.tips",
            "soma.tips_inflation_comp",
            "treasury.mspd_detail.2022-01-31",
        ],
        "gaps": [],
    }


def monthly_table(frame: pd.DataFrame, cols: Iterable[str] | None = None) -> pd.DataFrame:
    """A tidy copy of the monthly engine frame ``frame`` (PeriodIndex ``month``): money
    columns in USD bn (stocks) or USD bn per month (flows); ``regime`` is an id."""
    out = frame.copy() if cols is None else frame[list(cols)].copy()
    out.attrs = {}
    out.index = pd.PeriodIndex(out.index, freq="M", name="month")
    units = {c: USD_BN if c in STOCKS else USD_BN_PER_MONTH for c in out.columns if c != "regime"}
    return tidy(out, units)


def display_monthly(frame: pd.DataFrame) -> pd.DataFrame:
    """The report's table of a tidy monthly frame: ``<column> [USD bn]`` headers, months
    as text in a ``month`` index."""
    out = frame.copy()
    out.attrs = {}
    out.columns = [c if c in ("regime",) else f"{c} {BN}" for c in out.columns]
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


def span(idx: pd.Index) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the months in ``idx`` (for shading)."""
    return pd.Period(idx[0], "M").start_time, pd.Period(idx[-1], "M").end_time.normalize()


def series_name(key: str, lang: str) -> str:
    """The display name of series ``key`` (``bills``, ``treasury_cap`` ...) in ``lang``."""
    return t(f"runoff.series.{key}", lang)


def add_cap_line(fig: go.Figure, cap: pd.Series, lang: str, width: float | None = None) -> None:
    """Draw the monthly Treasury cap [USD bn] as a black step line (steps at month starts)."""
    widths = {} if width is None else {"width": width}
    line: dict[str, Any] = {**widths, "color": "black"}
    unit = t("common.unit.usd_bn", lang)
    month_line(
        fig, cap.index, cap, name=series_name("treasury_cap", lang), unit=unit, step=True, line=line
    )
