"""E1 forecast scorecard: dated forecasts against what the data say happened.

A forecast file (YAML) lists dated forecasts::

    source: "who made them (default for every entry)"
    forecasts:
      - quantity: ten_year_peak_level      # one of QUANTITIES
        value: 3.1                         # number, YYYY-MM for months, or "none"
        made: 2022-05-31                   # the day the forecast was made
        horizon: 2024-12                   # last month the quantity is measured over
        date: 2023-06-30                   # only for dollar_index_at: the date
        source: "..."                      # optional, overrides the file's

Each quantity's realized value is computed from the data (:data:`QUANTITIES`
says how); the scorecard shows forecast, realized and error (realized minus
forecast; for months, in months). A quantity measured over a window the data
do not yet cover is reported as pending.
"""

from __future__ import annotations

import importlib.resources
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml

from qtlab._periods import period_index, to_monthly, value_at
from qtlab._yaml import read_yaml
from qtlab.analyses._figures import episodes, styled_figure
from qtlab.analyses.result import AnalysisResult, Figure, Table, analysis, note
from qtlab.errors import ParseError, SpecError, one_of
from qtlab.i18n import t
from qtlab.store.dataset import Dataset

__all__ = [
    "DEFAULT_FORECASTS",
    "QUANTITIES",
    "Forecast",
    "e1_scorecard",
    "load_forecasts",
    "make_forecasts",
    "parse_forecasts",
    "realized",
    "score",
]

#: quantity -> (units, how the realized value is computed).
QUANTITIES: Final[Mapping[str, tuple[str, str]]] = {
    "ten_year_peak_level": (
        "%",
        "highest monthly average of DGS10 after the month made, to the horizon",
    ),
    "ten_year_peak_month": ("month", "month of that highest monthly average"),
    "dollar_index_at": ("index", "DTWEXBGS on the last business day on or before `date`"),
    "first_mbs_sale_month": (
        "month",
        "first month after the month made in which SOMA MBS fell by more than the 35 bn "
        "monthly cap (runoff beyond the cap needs sales), or none",
    ),
    "runoff_end_month": ("month", "last month of QT2 runoff (episodes.yaml, FOMC statements)"),
    "months_of_runoff": ("months", "QT2 runoff months, first through last (episodes.yaml)"),
    "reserve_decline_at_endpoint": (
        "%",
        "fall of monthly reserves (WRESBAL) from their peak before QT2 to the last runoff month",
    ),
    "on_rrp_peak": ("USD bn", "highest monthly average ON RRP (RRPONTSYD) after the month made"),
    "on_rrp_peak_month": ("month", "month of that highest monthly average"),
}
#: The forecasts qtlab ships: its own, made as of 2022-05-31 by scripts/make_forecasts.py.
DEFAULT_FORECASTS: Final = "qtlab_2022-05-31.yaml"
_MBS_CAP: Final = 35.0
_MONTHS = {k for k, (u, _) in QUANTITIES.items() if u == "month"}


@dataclass(frozen=True)
class Forecast:
    """One dated forecast. ``value`` is a float, a ``Period[M]`` or ``None`` ("none")."""

    quantity: str
    value: float | pd.Period | None
    made: date
    horizon: pd.Period
    source: str
    date: date | None = None


def _month(v: Any, field: str, file: str) -> pd.Period:
    try:
        return pd.Period(str(v), freq="M")
    except (ValueError, TypeError) as exc:
        raise ParseError("expected a month YYYY-MM", file=file, field=field, value=v) from exc


def parse_forecasts(doc: Mapping[str, Any], *, file: str = "<forecasts>") -> tuple[Forecast, ...]:
    """Validate a loaded forecast file (see the module docstring)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("forecasts"), list):
        raise ParseError("expected a mapping with a 'forecasts' list", file=file, field="forecasts")
    default_source = str(doc.get("source", ""))
    out = []
    for i, e in enumerate(doc["forecasts"]):
        where = f"forecasts[{i}]"
        if not isinstance(e, Mapping):
            raise ParseError("each forecast must be a mapping", file=file, field=where)
        q = e.get("quantity")
        if q not in QUANTITIES:
            raise ParseError(
                f"unknown quantity; valid: {one_of(QUANTITIES)}",
                file=file,
                field=f"{where}.quantity",
                value=q,
            )
        raw = e.get("value")
        value: float | pd.Period | None
        if q in _MONTHS:
            value = None if str(raw).lower() == "none" else _month(raw, f"{where}.value", file)
        else:
            try:
                value = float(str(raw))
            except (TypeError, ValueError) as exc:
                raise ParseError(
                    "expected a number", file=file, field=f"{where}.value", value=raw
                ) from exc
            if not math.isfinite(value):
                raise ParseError(
                    "expected a finite number (.nan and .inf are not forecasts)",
                    file=file,
                    field=f"{where}.value",
                    value=raw,
                )
        try:
            made = date.fromisoformat(str(e.get("made")))
        except ValueError as exc:
            raise ParseError(
                "expected an ISO date", file=file, field=f"{where}.made", value=e.get("made")
            ) from exc
        when = None
        if q == "dollar_index_at":
            try:
                when = date.fromisoformat(str(e.get("date")))
            except ValueError as exc:
                raise ParseError(
                    "dollar_index_at needs `date` (ISO)",
                    file=file,
                    field=f"{where}.date",
                    value=e.get("date"),
                ) from exc
        horizon = _month(
            e.get("horizon", when.isoformat()[:7] if when else None), f"{where}.horizon", file
        )
        if (when is not None and when <= made) or (
            when is None and horizon <= pd.Period(made, freq="M")
        ):
            target = f"the date {when}" if when is not None else f"the horizon {horizon}"
            raise ParseError(
                f"{target} is not after the forecast was made ({made}); a forecast is scored "
                "on the months after it was made, so it would stay pending forever",
                file=file,
                field=f"{where}.{'date' if when is not None else 'horizon'}",
                value=str(e.get("date" if when is not None else "horizon", horizon)),
            )
        source = str(e.get("source", default_source))
        if not source:
            raise ParseError(
                "give a source (per forecast or for the file)", file=file, field=f"{where}.source"
            )
        out.append(Forecast(str(q), value, made, horizon, source, when))
    return tuple(out)


#: What a forecast file holds, for error messages.
_FORM = (
    "a YAML mapping with a 'forecasts' list of {quantity, value, made (ISO date), horizon "
    "(YYYY-MM), source} (the format of qtlab.analyses.scorecard)"
)


def load_forecasts(path: str | Path | None = None) -> tuple[Forecast, ...]:
    """Read a forecast file; ``None`` reads qtlab's own (:data:`DEFAULT_FORECASTS`)."""
    if path is None:
        res = importlib.resources.files("qtlab.analyses") / "forecasts" / DEFAULT_FORECASTS
        return parse_forecasts(
            yaml.safe_load(res.read_text(encoding="utf-8")), file=DEFAULT_FORECASTS
        )
    doc = read_yaml(path, what="forecast file", form=_FORM)
    return parse_forecasts(doc, file=str(path))


def _qt2() -> tuple[pd.Period, pd.Period]:
    ep = {e.id: e for e in episodes()}["qt2"]
    return ep.start, ep.end


def realized(f: Forecast, ds: Dataset) -> float | pd.Period | str | None:
    """The realized value of ``f`` from the data in ``ds`` (``"pending"`` if the data
    do not cover the horizon yet)."""
    start = pd.Period(f.made, freq="M") + 1
    q = f.quantity
    if q.startswith("ten_year_peak"):
        y = to_monthly(ds.series("DGS10")).loc[start : f.horizon]
        if y.empty or y.index[-1] < f.horizon:
            return "pending"
        return float(y.max()) if q.endswith("level") else _argmax_month(y)
    if q.startswith("on_rrp_peak"):
        r = to_monthly(ds.series("RRPONTSYD")).loc[start : f.horizon]
        if r.empty or r.index[-1] < f.horizon:
            return "pending"
        return float(r.max()) if q.endswith("peak") else _argmax_month(r)
    if q == "dollar_index_at":
        assert f.date is not None
        d = ds.series("DTWEXBGS")
        d = d[d.index <= pd.Timestamp(f.date)]
        if d.empty or d.index[-1] < pd.Timestamp(f.date) - pd.Timedelta(days=5):
            return "pending"
        return float(d.iloc[-1])
    if q == "first_mbs_sale_month":
        m = ds.series("soma.mbs")
        monthly = to_monthly(m, "last").diff().loc[start : f.horizon]
        if monthly.empty or monthly.index[-1] < f.horizon:
            return "pending"
        sold = monthly[monthly < -_MBS_CAP]
        return None if sold.empty else sold.index[0]
    qt_start, qt_end = _qt2()
    reserves = to_monthly(ds.series("WRESBAL"))
    if reserves.empty or reserves.index[-1] < qt_end:
        return "pending"
    if q == "runoff_end_month":
        return qt_end
    if q == "months_of_runoff":
        return float((qt_end - qt_start).n + 1)
    peak = float(reserves.loc[: qt_start - 1].max())
    return 100.0 * (1.0 - value_at(reserves, qt_end) / peak)


def _argmax_month(s: pd.Series) -> pd.Period:
    return period_index(s)[int(np.argmax(s.to_numpy()))]


def _error(fc: Any, real: Any) -> float | None:
    if isinstance(real, str) or fc is None or real is None:
        return None
    if isinstance(fc, pd.Period) and isinstance(real, pd.Period):
        return float((real - fc).n)
    return float(real) - float(fc)


def _fmt(v: Any) -> Any:
    return "none" if v is None else str(v) if isinstance(v, pd.Period) else v


def score(forecasts: tuple[Forecast, ...], ds: Dataset) -> pd.DataFrame:
    """Forecast, realized and error for each forecast (error: realized - forecast)."""
    rows = []
    for f in forecasts:
        real = realized(f, ds)
        rows.append(
            {
                "quantity": f.quantity,
                "units": QUANTITIES[f.quantity][0],
                "made": f.made.isoformat(),
                "horizon": str(f.horizon),
                "forecast": _fmt(f.value),
                "realized": _fmt(real),
                "error": _error(f.value, real),
                "hit": (f.value is None and real is None)
                if f.quantity == "first_mbs_sale_month"
                else None,
                "source": f.source,
            }
        )
    return pd.DataFrame(rows, columns=list(_SCORE_COLUMNS))


_SCORE_COLUMNS: Final = (
    "quantity",
    "units",
    "made",
    "horizon",
    "forecast",
    "realized",
    "error",
    "hit",
    "source",
)


@analysis("E1", area="scorecard", order=510)
def e1_scorecard(ds: Dataset, *, lang: str = "en", file: str | None = None) -> AnalysisResult:
    """E1: the forecasts of a file (default: qtlab's own as of 2022-05-31) scored on ``ds``.

    At a past vantage the section shows the forecasts made by then and scores them on
    the latest data of ``ds``'s folders (:meth:`Dataset.at`): scoring needs the outcomes,
    which come after the vantage; its note says so.
    """
    forecasts = load_forecasts(file)
    data = ds
    notes = [note("e1.note.method", lang, file=file or DEFAULT_FORECASTS)]
    if ds.as_of is not None:
        forecasts = tuple(f for f in forecasts if f.made <= ds.as_of)
        data = ds.at(None)
        latest = to_monthly(data.series("WRESBAL")).index[-1]
        notes.append(
            note(
                "e1.note.scored_today",
                lang,
                asof=ds.as_of.isoformat(),
                n=len(forecasts),
                latest=str(latest),
            )
        )
    table = score(forecasts, data)
    for q, (units, _) in QUANTITIES.items():
        if q in set(table["quantity"]):
            how_text = t(f"e1.how.{q}", lang)
            notes.append(note("e1.note.quantity", lang, quantity=q, units=units, how=how_text))
    return AnalysisResult(
        id="E1",
        title=t("e1.title", lang),
        lang=lang,
        tables=(Table("e1_scorecard", t("e1.table.scorecard", lang), table),),
        figures=(Figure("e1_errors", _figure(table, lang)),),
        notes=tuple(notes),
        meta={
            "as_of": ds.as_of,
            "options": {"file": file},
            "inputs": ["DGS10", "RRPONTSYD", "DTWEXBGS", "soma.mbs", "WRESBAL"],
        },
    )


def _figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Errors (realized - forecast) of the scored forecasts, in each quantity's units."""
    done = table.dropna(subset=["error"])
    fig = styled_figure(
        title=t("e1.figure.title", lang),
        y_title=t("e1.figure.y", lang),
        source="FRED DGS10, RRPONTSYD, DTWEXBGS, WRESBAL; NY Fed SOMA; FOMC",
        lang=lang,
    )
    labels = [
        f"{q} [{u}]<br>{src}"
        for q, u, src in zip(done["quantity"], done["units"], done["source"], strict=True)
    ]
    fig.add_trace(go.Bar(x=labels, y=done["error"], name=t("e1.figure.y", lang)))
    return fig


def make_forecasts(ds: Dataset) -> dict[str, Any]:
    """qtlab's own forecasts, computed by its models at ``ds.as_of`` (the shipped file
    is this for 2022-05-31, written by ``scripts/make_forecasts.py``).

    10-year peak level and month: D2 for each indicator along the SEP path; end of
    runoff, months of runoff and the reserve decline: C3 with its default rules; first
    MBS sale: the runoff engine under the default policy; ON RRP peak: C2's default
    scenario.
    """
    from qtlab.analyses._impact_inputs import default_asset_path, engine_frame  # noqa: PLC0415
    from qtlab.analyses.impact import yield_forecast  # noqa: PLC0415 (avoids a cycle)
    from qtlab.analyses.liabilities import (  # noqa: PLC0415
        DEFAULT_RULES,
        endpoint,
        project,
        stopped_path,
    )
    from qtlab.policy import PRESET_NAMES  # noqa: PLC0415

    if ds.as_of is None:
        raise SpecError("make_forecasts needs a past vantage date (Dataset(as_of=...))")
    made = ds.as_of.isoformat()
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
    # indicators and for C3 below
    shared = stopped_path(ds, horizon=120)
    for ind in ("reserves_to_debt", "reserves_to_gdp"):
        yf = yield_forecast(ds, ind, inputs=shared)
        src = f"qtlab D2 ({ind}) as of {made}"
        hz = str(yf.forecast.index[-1])
        add("ten_year_peak_level", round(float(str(yf.peak["mean"])), 3), hz, src)
        add("ten_year_peak_month", str(yf.peak["month"]), hz, src)
    res, proj, inp, _ = endpoint(ds, DEFAULT_RULES, inputs=shared[0])
    src = f"qtlab C3 ({', '.join(DEFAULT_RULES)}; first to bind) as of {made}"
    hz = str(proj.index[-1])
    if res.end_month is not None and res.terminal_reserves is not None:
        decline = 100.0 * (1.0 - res.terminal_reserves / float(inp.reserves.max()))
        add("runoff_end_month", str(res.end_month), hz, src)
        add("months_of_runoff", res.months_of_runoff, hz, src)
        add("reserve_decline_at_endpoint", round(decline, 2), hz, src)
    policy = default_asset_path(ds.as_of)
    if policy in PRESET_NAMES:
        frame, _ = engine_frame(ds, policy, inp.last_month + 1, 120)
        sold = frame.index[frame["mbs_sales"] > 0]
        add(
            "first_mbs_sale_month",
            str(sold[0]) if len(sold) else "none",
            str(res.end_month or frame.index[-1]),  # over the runoff it foresees
            f"qtlab engine ({policy}, prepayment-model paydowns) as of {made}",
        )
    _, c2, _ = project(ds, horizon=24)
    rrp = c2["on_rrp"].iloc[1:]
    src = f"qtlab C2 (ON RRP absorbs first) as of {made}"
    hz = str(rrp.index[-1])
    add("on_rrp_peak", round(float(rrp.max()), 1), hz, src)
    add("on_rrp_peak_month", str(rrp.idxmax()), hz, src)
    return {"source": f"qtlab's own models as of {made}", "forecasts": out}
