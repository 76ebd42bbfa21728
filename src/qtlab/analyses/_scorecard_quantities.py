"""E1's quantities: their units, the panel of the figure they go to, and how each
realized value is computed from the data (:func:`realized`).

Every realized value is read from the data of the :class:`Dataset` given; E1 passes
the latest data (scoring needs the outcomes, which come after a forecast was made).
Frequencies: the 10-year yield, ON RRP and reserves are monthly averages of daily or
weekly observations; SOMA holdings (NY Fed weekly summary, Wednesday par) are the last
weekly observation of the month; H.4.1 total assets are a monthly average of
Wednesday levels; GDP is the quarter's SAAR level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from qtlab._periods import period_index, to_monthly, value_at
from qtlab.analyses._figures import episodes
from qtlab.runs.context import RunContext

if TYPE_CHECKING:
    from qtlab.analyses.scorecard import Forecast

__all__ = ["NOT_COMPUTABLE", "PANELS", "QUANTITIES", "Quantity", "realized"]


@dataclass(frozen=True)
class Quantity:
    """A kind of forecast: its units (``"month"`` for a month value, ``"yes/no"`` for a
    yes-or-no outcome) and the figure panel it is drawn in."""

    units: str
    panel: str
    needs: str | None = None  # an extra field the forecast must give ("date", "threshold")


#: The figure's panels, in order: each quantity's errors are drawn in its own units.
PANELS: Final = ("yield", "percent", "months", "usd_bn", "index")

QUANTITIES: Final[Mapping[str, Quantity]] = {
    "ten_year_peak_level": Quantity("%", "yield"),
    "ten_year_peak_month": Quantity("month", "months"),
    "dollar_index_at": Quantity("index", "index", needs="date"),
    "first_mbs_sale_month": Quantity("month", "months"),
    "runoff_end_month": Quantity("month", "months"),
    "months_of_runoff": Quantity("months", "months"),
    "reserve_decline_at_endpoint": Quantity("%", "percent"),
    "on_rrp_peak": Quantity("USD bn", "usd_bn"),
    "on_rrp_peak_month": Quantity("month", "months"),
    # added for the published forecasts (Soochow, Industrial Securities, NY Fed, dealers)
    "ten_year_first_above": Quantity("month", "months", needs="threshold"),
    "ten_year_annual_average": Quantity("%", "yield"),
    "dollar_index_peak": Quantity("index", "index"),
    "coupons_short_of_cap": Quantity("yes/no", "none"),
    "bill_runoff": Quantity("USD bn", "usd_bn"),
    "reserve_change": Quantity("%", "percent"),
    "assets_to_gdp_at": Quantity("% of GDP", "percent"),
    "soma_total_at": Quantity("USD bn", "usd_bn"),
    "soma_change": Quantity("USD bn", "usd_bn"),
    "treasuries_at": Quantity("USD bn", "usd_bn"),
    "mbs_at": Quantity("USD bn", "usd_bn"),
    "reserves_at": Quantity("USD bn", "usd_bn"),
    "soma_at_runoff_end": Quantity("USD bn", "usd_bn"),
    "reserves_to_gdp_at_runoff_end": Quantity("% of GDP", "percent"),
    "soma_to_gdp_at_runoff_end": Quantity("% of GDP", "percent"),
    "interest_above_gfc_peak": Quantity("yes/no", "none"),
    "fit_r_squared": Quantity("R-squared", "none"),
}

#: Quantities no data can score, and why (the reason's locale key is e1.how.<quantity>).
NOT_COMPUTABLE: Final = frozenset({"fit_r_squared"})

_MBS_CAP: Final = 35.0
_SOMA_TREASURY: Final = ("soma.bills", "soma.notes_bonds", "soma.tips", "soma.frn")
_COUPON_KINDS: Final = ("note_bond", "tips", "frn")
_GFC: Final = ("2007-01-01", "2009-12-31")


def _qt2() -> tuple[pd.Period, pd.Period]:
    ep = {e.id: e for e in episodes()}["qt2"]
    return ep.start, ep.end


def _window(s: pd.Series, start: pd.Period, end: pd.Period) -> pd.Series | None:
    """``s`` from ``start`` to ``end``, or None when the data stop before ``end``."""
    w = s.loc[start:end]
    return None if w.empty or w.index[-1] < end else w


def _at(s: pd.Series, month: pd.Period) -> float | None:
    return value_at(s, month) if month in s.index else None


def _gdp_month(ctx: RunContext, month: pd.Period) -> float | None:
    """Nominal GDP [USD bn, SAAR] of the quarter holding ``month``."""
    g = ctx.series("GDP")
    q = g[pd.DatetimeIndex(g.index).to_period("Q") == month.asfreq("Q")]
    return None if q.empty else float(q.iloc[-1])


def _soma_month_end(ctx: RunContext, ids: tuple[str, ...]) -> pd.Series:
    """Sum of SOMA series [USD bn par]: the last weekly observation of each month."""
    parts = [to_monthly(ctx.series(i), "last") for i in ids]
    return pd.concat(parts, axis=1).dropna().sum(axis=1)


def _coupons_maturing(ctx: RunContext, month: pd.Period) -> float | None:
    """SOMA coupon par (notes and bonds, TIPS, FRNs) [USD bn] maturing in ``month``, in
    the latest CUSIP snapshot before it (None if that snapshot is not before it)."""
    h = ctx.holdings(_COUPON_KINDS)
    if h.empty or pd.Period(h["as_of"].max(), freq="M") >= month:
        return None
    due = h[h["maturity"].dt.to_period("M") == month]
    return float(due["par"].sum())


def realized(f: Forecast, ctx: RunContext) -> float | pd.Period | bool | str | None:
    """The realized value of ``f`` from the data in ``ctx``: a number, a month, a
    yes/no, ``None`` (for first_mbs_sale_month: no sale), ``"pending"`` (the data do not
    cover the horizon yet) or ``"n/a"`` (no data can score it, :data:`NOT_COMPUTABLE`)."""
    q = f.quantity
    made = pd.Period(f.made, freq="M")
    start = made + 1
    if q in NOT_COMPUTABLE:
        return "n/a"
    if q.startswith("ten_year_"):
        y = to_monthly(ctx.series("DGS10"))
        if q == "ten_year_annual_average":
            d = ctx.series("DGS10")
            if _window(y, f.horizon, f.horizon) is None:
                return "pending"
            year = d[pd.DatetimeIndex(d.index).year == f.horizon.year]
            return float(year.mean())  # mean of the year's daily closes
        w = _window(y, start, f.horizon)
        if w is None:
            return "pending"
        if q == "ten_year_first_above":
            assert f.threshold is not None
            above = w[w > f.threshold]
            return None if above.empty else period_index(above)[0]
        return float(w.max()) if q.endswith("level") else _argmax_month(w)
    if q.startswith("on_rrp_peak"):
        w = _window(to_monthly(ctx.series("RRPONTSYD")), start, f.horizon)
        if w is None:
            return "pending"
        return float(w.max()) if q.endswith("peak") else _argmax_month(w)
    if q == "dollar_index_at":
        assert f.date is not None
        d = ctx.series("DTWEXBGS")
        d = d[d.index <= pd.Timestamp(f.date)]
        if d.empty or d.index[-1] < pd.Timestamp(f.date) - pd.Timedelta(days=5):
            return "pending"
        return float(d.iloc[-1])
    if q == "dollar_index_peak":
        d = ctx.series("DXY")  # daily closes
        stop = (f.horizon + 1).to_timestamp()
        if d.empty or d.index[-1] < stop - pd.Timedelta(days=5):
            return "pending"
        return float(d[(d.index >= start.to_timestamp()) & (d.index < stop)].max())
    if q == "first_mbs_sale_month":
        w = _window(to_monthly(ctx.series("soma.mbs"), "last").diff(), start, f.horizon)
        if w is None:
            return "pending"
        sold = w[w < -_MBS_CAP]
        return None if sold.empty else period_index(sold)[0]
    if q == "coupons_short_of_cap":
        from qtlab.policy import load_preset  # noqa: PLC0415

        due = _coupons_maturing(ctx, f.horizon)
        if due is None:
            return "pending"
        cap = load_preset("qt2-realized").cap_path(f.horizon, f.horizon)["treasury_cap"]
        return bool(due < float(cap.iloc[0]))
    if q in ("bill_runoff", "soma_change", "soma_total_at", "treasuries_at", "mbs_at"):
        ids = {
            "bill_runoff": ("soma.bills",),
            "mbs_at": ("soma.mbs",),
            "treasuries_at": _SOMA_TREASURY,
        }.get(q, ("soma.total",))
        s = _soma_month_end(ctx, ids)
        end = _at(s, f.horizon)
        if end is None:
            return "pending"
        if q == "bill_runoff":
            return value_at(s, made) - end  # a fall is positive
        return end - value_at(s, made) if q == "soma_change" else end
    if q in ("reserves_at", "reserve_change"):
        r = to_monthly(ctx.series("WRESBAL"))
        end = _at(r, f.horizon)
        if end is None:
            return "pending"
        return end if q == "reserves_at" else 100.0 * (end / value_at(r, made) - 1.0)
    if q == "assets_to_gdp_at":
        a = _at(to_monthly(ctx.series("WALCL")), f.horizon)
        g = _gdp_month(ctx, f.horizon)
        return "pending" if a is None or g is None else 100.0 * a / g
    if q == "interest_above_gfc_peak":
        ratio = _interest_to_gdp(ctx)
        year = ratio[pd.DatetimeIndex(ratio.index).year == f.horizon.year]
        if len(year) < 4:
            return "pending"
        gfc = ratio.loc[_GFC[0] : _GFC[1]]
        return bool(year.mean() > gfc.max())
    return _qt2_quantity(q, ctx)


def _interest_to_gdp(ctx: RunContext) -> pd.Series:
    """Federal interest payments (NIPA, SAAR) over nominal GDP [%], quarterly."""
    i = ctx.series("A091RC1Q027SBEA")
    g = ctx.series("GDP")
    return (100.0 * i / g).dropna()


def _qt2_quantity(q: str, ctx: RunContext) -> float | pd.Period | str:
    """Quantities measured at the end of QT2 runoff (episodes.yaml, FOMC statements)."""
    qt_start, qt_end = _qt2()
    reserves = to_monthly(ctx.series("WRESBAL"))
    if reserves.empty or reserves.index[-1] < qt_end:
        return "pending"
    if q == "runoff_end_month":
        return qt_end
    if q == "months_of_runoff":
        return float((qt_end - qt_start).n + 1)
    if q == "reserve_decline_at_endpoint":
        peak = float(reserves.loc[: qt_start - 1].max())
        return 100.0 * (1.0 - value_at(reserves, qt_end) / peak)
    soma = _at(_soma_month_end(ctx, ("soma.total",)), qt_end)
    gdp = _gdp_month(ctx, qt_end)
    if soma is None or gdp is None:
        return "pending"
    if q == "soma_at_runoff_end":
        return soma
    if q == "soma_to_gdp_at_runoff_end":
        return 100.0 * soma / gdp
    return 100.0 * value_at(reserves, qt_end) / gdp  # reserves_to_gdp_at_runoff_end


def _argmax_month(s: pd.Series) -> pd.Period:
    return period_index(s)[int(np.argmax(s.to_numpy()))]
