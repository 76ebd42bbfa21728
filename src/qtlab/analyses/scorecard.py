"""The forecast files E1 scores (:mod:`qtlab.analyses.e1_scorecard`) and their scoring.

A forecast file (YAML) lists dated forecasts::

    source: "who made them (default for every entry)"
    cite: "where they were published (default for every entry)"
    forecasts:
      - quantity: ten_year_peak_level      # one of QUANTITIES
        value: 3.1                         # number, YYYY-MM for months, yes/no, or "none"
        made: 2022-05-31                   # the day the forecast was made
        horizon: 2024-12                   # last month the quantity is measured over
        date: 2023-06-30                   # only for dollar_index_at: the date
        threshold: 3.2                     # only for ten_year_first_above [%]
        note: "95% upper bound"            # optional: what the number is
        source: "..."                      # optional, overrides the file's
        cite: "p. 12, section 3"           # optional, overrides the file's

Each quantity's realized value is computed from the data
(:mod:`qtlab.analyses._scorecard_quantities` says how); the scorecard shows forecast,
realized and error (realized minus forecast; for months, in months). A quantity
measured over a window the data do not yet cover is pending; one no data can score
(a fit statistic) is "n/a". qtlab ships the files in ``analyses/forecasts``: its own
forecasts at several vantages (scripts/make_forecasts.py) and published ones, typed
from the cited publications.
"""

from __future__ import annotations

import importlib.resources
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd
import yaml

from qtlab._yaml import read_yaml
from qtlab.analyses._scorecard_make import VANTAGES, make_forecasts
from qtlab.analyses._scorecard_quantities import QUANTITIES, realized
from qtlab.errors import ParseError, one_of
from qtlab.runs.context import RunContext

__all__ = [
    "DEFAULT_FORECASTS",
    "QUANTITIES",
    "VANTAGES",
    "Forecast",
    "load_forecasts",
    "made_by",
    "make_forecasts",
    "parse_forecasts",
    "realized",
    "score",
    "shipped_files",
]

#: qtlab's own forecasts as of 2022-05-31 (scripts/make_forecasts.py); E1 reads every
#: shipped file (:func:`shipped_files`) unless given one.
DEFAULT_FORECASTS: Final = "qtlab_2022-05-31.yaml"
_MONTHS = {k for k, q in QUANTITIES.items() if q.units == "month"}
_YESNO = {k for k, q in QUANTITIES.items() if q.units == "yes/no"}


@dataclass(frozen=True)
class Forecast:
    """One dated forecast. ``value`` is a float, a ``Period[M]``, a bool (yes/no) or
    ``None`` ("none")."""

    quantity: str
    value: float | pd.Period | bool | None
    made: date
    horizon: pd.Period
    source: str
    date: date | None = None
    threshold: float | None = None  # [%], for ten_year_first_above
    note: str = ""
    cite: str = ""


def _month(v: Any, field: str, file: str) -> pd.Period:
    try:
        return pd.Period(str(v), freq="M")
    except (ValueError, TypeError) as exc:
        raise ParseError("expected a month YYYY-MM", file=file, field=field, value=v) from exc


def _number(raw: Any, field: str, file: str) -> float:
    try:
        value = float(str(raw))
    except (TypeError, ValueError) as exc:
        raise ParseError("expected a number", file=file, field=field, value=raw) from exc
    if not math.isfinite(value):
        raise ParseError(
            "expected a finite number (.nan and .inf are not forecasts)",
            file=file,
            field=field,
            value=raw,
        )
    return value


def _value(q: str, raw: Any, field: str, file: str) -> float | pd.Period | bool | None:
    if q in _MONTHS:
        return None if str(raw).lower() == "none" else _month(raw, field, file)
    if q in _YESNO:
        if isinstance(raw, bool) or str(raw).lower() in ("yes", "no"):
            return raw if isinstance(raw, bool) else str(raw).lower() == "yes"
        raise ParseError("expected yes or no", file=file, field=field, value=raw)
    return _number(raw, field, file)


def parse_forecasts(doc: Mapping[str, Any], *, file: str = "<forecasts>") -> tuple[Forecast, ...]:
    """Validate a loaded forecast file (see the module docstring)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("forecasts"), list):
        raise ParseError("expected a mapping with a 'forecasts' list", file=file, field="forecasts")
    default_source = str(doc.get("source", ""))
    default_cite = str(doc.get("cite", ""))
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
        q = str(q)
        value = _value(q, e.get("value"), f"{where}.value", file)
        try:
            made = date.fromisoformat(str(e.get("made")))
        except ValueError as exc:
            raise ParseError(
                "expected an ISO date", file=file, field=f"{where}.made", value=e.get("made")
            ) from exc
        when = None
        if QUANTITIES[q].needs == "date":
            try:
                when = date.fromisoformat(str(e.get("date")))
            except ValueError as exc:
                raise ParseError(
                    f"{q} needs `date` (ISO)",
                    file=file,
                    field=f"{where}.date",
                    value=e.get("date"),
                ) from exc
        threshold = None
        if QUANTITIES[q].needs == "threshold":
            threshold = _number(e.get("threshold"), f"{where}.threshold", file)
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
        out.append(
            Forecast(
                str(q),
                value,
                made,
                horizon,
                source,
                when,
                threshold,
                str(e.get("note", "")),
                str(e.get("cite", default_cite)),
            )
        )
    return tuple(out)


#: What a forecast file holds, for error messages.
_FORM = (
    "a YAML mapping with a 'forecasts' list of {quantity, value, made (ISO date), horizon "
    "(YYYY-MM), source} (the format of qtlab.analyses.scorecard)"
)


def shipped_files() -> list[str]:
    """The forecast files qtlab ships (analyses/forecasts/*.yaml), sorted by name."""
    folder = importlib.resources.files("qtlab.analyses") / "forecasts"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))


def _shipped(name: str) -> tuple[Forecast, ...]:
    res = importlib.resources.files("qtlab.analyses") / "forecasts" / name
    return parse_forecasts(yaml.safe_load(res.read_text(encoding="utf-8")), file=name)


def load_forecasts(path: str | Path | None = None) -> tuple[Forecast, ...]:
    """Read a forecast file; ``None`` reads every shipped file (:func:`shipped_files`):
    qtlab's own at each vantage and the published ones."""
    if path is None:
        return tuple(f for name in shipped_files() for f in _shipped(name))
    doc = read_yaml(path, what="forecast file", form=_FORM)
    return parse_forecasts(doc, file=str(path))


def _error(fc: Any, real: Any) -> float | None:
    if isinstance(real, (str, bool)) or isinstance(fc, bool) or fc is None or real is None:
        return None
    if isinstance(fc, pd.Period) and isinstance(real, pd.Period):
        return float((real - fc).n)
    return float(real) - float(fc)


def _hit(f: Forecast, real: Any) -> bool | None:
    if isinstance(f.value, bool) and isinstance(real, bool):
        return f.value == real
    if f.quantity == "first_mbs_sale_month" and not isinstance(real, str):
        return (f.value is None) == (real is None)
    return None


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 3)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return "none" if v is None else str(v) if isinstance(v, pd.Period) else v


def made_by(forecasts: tuple[Forecast, ...], as_of: date | None) -> tuple[Forecast, ...]:
    """The forecasts made on or before ``as_of`` (all of them for None: today): at a
    vantage, a forecast made later did not exist yet."""
    return forecasts if as_of is None else tuple(f for f in forecasts if f.made <= as_of)


def score(forecasts: tuple[Forecast, ...], ctx: RunContext) -> pd.DataFrame:
    """Forecast, realized and error for each forecast (error: realized - forecast;
    ``hit`` for yes/no outcomes and for whether MBS were sold at all)."""
    rows = []
    for f in forecasts:
        real = realized(f, ctx)
        rows.append(
            {
                "source": f.source,
                "made": f.made.isoformat(),
                "quantity": f.quantity,
                "units": QUANTITIES[f.quantity].units,
                "horizon": str(f.date or f.horizon),
                "forecast": _fmt(f.value),
                "realized": _fmt(real),
                "error": None if (e := _error(f.value, real)) is None else round(e, 3),
                "hit": _hit(f, real),
                "note": f.note,
                "cite": f.cite,
            }
        )
    return pd.DataFrame(rows, columns=list(_SCORE_COLUMNS))


_SCORE_COLUMNS: Final = (
    "source",
    "made",
    "quantity",
    "units",
    "horizon",
    "forecast",
    "realized",
    "error",
    "hit",
    "note",
    "cite",
)
