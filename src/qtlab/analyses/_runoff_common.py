"""What the runoff analyses (B1, B2, B4) share: the meta of a run, the display table of
a monthly engine frame, the series names and the cap line. (Their start month and
policy: :func:`qtlab.runs.forward.run_start`, F1's start at today's vantage.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from qtlab.analyses.computed import tidy
from qtlab.i18n import t
from qtlab.policy import Policy
from qtlab.present.figures import month_line
from qtlab.runs.context import RunContext
from qtlab.schema import STOCK_COLUMNS, USD_BN, USD_BN_PER_MONTH

BN = "[USD bn]"

#: Columns of an engine frame that are stocks at the month's end [USD bn]; the others
#: (maturities, redemptions, rollovers, caps, paydowns, purchases) are monthly flows.
STOCKS = frozenset(STOCK_COLUMNS)


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
