"""Tables as people read them, shared by the report and the dashboard.

Display headers (translated, with the unit in brackets), date labels, money in
prose, and the text of each cell (thousands separators, one or two decimals).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qtlab.i18n import money, t

__all__ = [
    "MONEY_SCALE",
    "csv_ready",
    "dated_usd_table",
    "format_cell",
    "formatted_table",
    "headers",
    "money_text",
]


def headers(prefix: str, keys: Iterable[str], lang: str, **values: Any) -> dict[str, str]:
    """Translated column headers: ``{key: t(f"{prefix}.{key}", lang, **values)}``.

    Every header is formatted with the same ``values`` (e.g. ``unit=...``); a header
    whose text has no such field ignores it, so a table's plain and unit-bearing
    columns are named in one call.
    """
    return {k: t(f"{prefix}.{k}", lang, **values) for k in keys}


def dated_usd_table(
    frame: pd.DataFrame, names: Mapping[str, str], lang: str, index_name: str
) -> pd.DataFrame:
    """A date-indexed frame of USD-billion series as an output table.

    Parameters
    ----------
    frame
        Series [USD bn] in columns, indexed by date (a DatetimeIndex or date-likes).
    names
        Display name of each column key, already translated; the header becomes
        ``"<name> [<USD bn unit>]"`` in ``lang``. Columns not named keep their key.
    lang
        Output language (``"en"`` or ``"zh"``).
    index_name
        Header of the date column (already translated).

    Returns
    -------
    pandas.DataFrame
        The same values with translated headers and ISO date strings (``YYYY-MM-DD``)
        as the index.
    """
    usd = t("common.unit.usd_bn", lang)
    tab = frame.rename(
        columns={k: t("history.col_unit", lang, name=v, unit=usd) for k, v in names.items()}
    )
    tab.index = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
    tab.index.name = index_name
    return tab


#: Money in prose: billions in English, hundreds of millions (亿) in Chinese.
MONEY_SCALE: Mapping[str, float] = {"en": 1.0, "zh": 10.0}


def money_text(value: float, lang: str, currency: str = "usd") -> str:
    """An amount [USD bn or EUR bn] as prose: "USD 1,234.5 bn" / "12,345 亿美元".

    ``currency`` is ``"usd"`` or ``"eur"`` (catalogue keys ``intl.money.<currency>``);
    the amount is never converted between currencies.
    """
    if currency == "usd" and lang == "zh":
        return money(value, lang)  # 亿美元 below 1,000 bn, 万亿美元 from there
    return t(f"intl.money.{currency}", lang, v=value * MONEY_SCALE[lang])


#: Decimals kept in CSV files: amounts in USD bn to the thousand dollars, rates in
#: percent to 1e-6; drops the float noise of sums (1142.2393439999998 -> 1142.239344).
CSV_DECIMALS = 6


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its floats rounded to :data:`CSV_DECIMALS` for a CSV file, in float
    columns and in mixed (object) columns such as a recipe table's published and
    reproduced values (a copy; integers, flags, dates and text unchanged)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(CSV_DECIMALS)
        elif out[col].dtype == object:
            out[col] = out[col].map(_rounded)
    return out


def _rounded(value: Any) -> Any:
    """A float (not a flag or an integer) rounded to :data:`CSV_DECIMALS`; else ``value``."""
    if isinstance(value, float | np.floating) and not isinstance(value, bool):
        return round(float(value), CSV_DECIMALS)
    return value


def format_cell(value: Any, decimals: int) -> str:
    """One table cell as text: numbers with thousands separators, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        n = int(value)
        return f"{n:,}" if abs(n) >= 10_000 else str(n)  # years (2017) stay unseparated
    if isinstance(value, float | np.floating):
        if math.isnan(float(value)):
            return "–"
        return f"{float(value):,.{decimals}f}"
    if value is pd.NA or value is pd.NaT:
        return "–"
    return str(value)


def _decimals(col: pd.Series) -> int:
    vals = pd.to_numeric(col, errors="coerce").dropna().abs()
    if vals.empty:
        return 2
    return 1 if float(vals.max()) >= 100 else 2


def formatted_table(
    frame: pd.DataFrame, *, last: int | None = None, rows: Sequence[int] | None = None
) -> tuple[pd.DataFrame, dict[str, bool]]:
    """``frame`` as text cells the way the report shows them, and which columns are numeric.

    A named index becomes the first column; numbers get thousands separators and one
    decimal (two when the column stays below 100), NaN shows as ``–``. ``last``: format
    only the last rows, ``rows``: only the rows at these positions (decimals still follow
    the whole column). The dashboard's tables
    use it too.
    """
    df = frame.reset_index(drop=not _named_index(frame))
    df.columns = [str(c) for c in df.columns]
    numeric = {
        c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    }
    decimals = {c: _decimals(df[c]) for c in df.columns if numeric[c]}
    if rows is not None:
        df = df.iloc[list(rows)]
    elif last is not None and len(df) > last:
        df = df.iloc[-last:]
    text = pd.DataFrame(
        {c: [format_cell(v, decimals.get(c, 2)) for v in df[c].tolist()] for c in df.columns},
        index=df.index,
        columns=df.columns,
        dtype=object,
    )
    return text, numeric


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)
