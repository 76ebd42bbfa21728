"""Congressional Budget Office: baseline projections and actual outcomes, by fiscal year.

The files are those of CBO's own evaluation repository (``US-CBO/eval-projections``,
``input_data/``): every baseline since 1982 (``baselines.csv``), the actual
outcomes (``actuals.csv``) and actual nominal GDP by fiscal year
(``actual_GDP.csv``). Amounts are already in USD billions; debt is debt held by
the public; net interest is ``outlay`` / ``Net Interest``.

Series ids follow one rule (:func:`cbo_series_id`)::

    cbo.<kind>.<component>                                   category == subcategory == "Total"
    cbo.<kind>.<component>.<slug(category)>                  subcategory == category
    cbo.<kind>.<component>.<slug(category)>.<slug(subcategory)>   otherwise

e.g. ``cbo.baseline.debt``, ``cbo.baseline.outlay.net_interest``,
``cbo.baseline.outlay.mandatory.medicare``, ``cbo.actual.gdp``. Dates are the
last day of the fiscal year (:func:`fiscal_year_end`). For baselines the
vintage is the baseline date, so every baseline is kept as its own vintage.

References
----------
CBO, *An Evaluation of CBO's Projections of Deficits and Debt*, and the data at
https://github.com/US-CBO/eval-projections
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal

import httpx
import pandas as pd

from qtlab import schema
from qtlab.errors import ParseError, SpecError, one_of
from qtlab.sources._base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    RawInput,
    SourceData,
    SourceMeta,
    checked_csv,
    date_column,
    http_get,
    numeric_column,
    open_binary,
    raw_bytes,
    series_meta,
)

__all__ = [
    "ACTUALS_VINTAGE_LAG",
    "CBO_REPO_URL",
    "COMPONENTS",
    "VARIABLE_MAP",
    "cbo_series_id",
    "fiscal_year_end",
    "get_cbo_actuals",
    "get_cbo_baselines",
    "parse_cbo_actual_gdp",
    "parse_cbo_actuals",
    "parse_cbo_baselines",
    "read_cbo_actual_gdp",
    "read_cbo_actuals",
    "read_cbo_baselines",
]

#: Raw files of CBO's repository; ``{ref}`` is a branch, tag or commit.
CBO_REPO_URL: Final = "https://raw.githubusercontent.com/US-CBO/eval-projections/{ref}/input_data/"
_FILES: Final = {"baselines": "baselines.csv", "actuals": "actuals.csv", "gdp": "actual_GDP.csv"}

#: CBO column -> glossary column, for the three files.
VARIABLE_MAP: Final[Mapping[str, str]] = {
    "component": "component",
    "category": "category",
    "subcategory": "subcategory",
    "baseline_date": "vintage",
    "Spring_flag": "spring_flag",
    "Winter_flag": "winter_flag",
    "projected_fiscal_year": "fiscal_year",
    "fiscal_year": "fiscal_year",
    "projected_year_number": "year_number",
    "value": "value",
    "actual_value": "value",
    "GDP": "value",
}
#: CBO components -> id part.
COMPONENTS: Final[Mapping[str, str]] = {
    "debt": "debt",
    "deficit": "deficit",
    "outlay": "outlay",
    "revenue": "revenue",
}
#: Vintage fallback of the actuals: the end of the last fiscal year in the file
#: plus this lag (to October 31), by when Treasury's final Monthly Treasury
#: Statement (mid-October) and the advance GDP estimate of the July-September
#: quarter (late October) are out.
ACTUALS_VINTAGE_LAG: Final = timedelta(days=31)

_BASELINE_COLUMNS: Final = (
    "component",
    "category",
    "subcategory",
    "baseline_date",
    "Spring_flag",
    "Winter_flag",
    "projected_fiscal_year",
    "value",
)
_ACTUAL_COLUMNS: Final = ("component", "category", "subcategory", "fiscal_year", "actual_value")
_GDP_COLUMNS: Final = ("fiscal_year", "GDP")
_FLAGS: Final = {"True": True, "False": False}


def fiscal_year_end(fy: int) -> date:
    """Last day of US federal fiscal year ``fy``.

    Fiscal years up to 1976 ran July-June (ending June 30); from FY1977 they run
    October-September (ending September 30). The July-September 1976
    "transition quarter" belongs to no fiscal year.
    """
    return date(fy, 9, 30) if fy >= 1977 else date(fy, 6, 30)


def cbo_series_id(kind: str, component: str, category: str, subcategory: str) -> str:
    """The series id of one CBO line (see the module docstring for the rule).

    >>> cbo_series_id("baseline", "outlay", "Mandatory", "Medicare")
    'cbo.baseline.outlay.mandatory.medicare'
    """
    parts = ["cbo", kind, component]
    if not (category == "Total" and subcategory == "Total"):
        parts.append(schema.slug(category))
        if subcategory != category:
            parts.append(schema.slug(subcategory))
    return ".".join(parts)


def _fiscal_years(values: pd.Series, *, file: str, field: str) -> pd.Series:
    years = numeric_column(values, file=file, field=field)
    bad = (years != years.round()) | (years < 1900) | (years > 2200)
    if bad.any():
        raise ParseError(
            "not a fiscal year (expected a four-digit year)",
            file=file,
            field=field,
            value=values[bad].iloc[0],
        )
    return pd.Series(
        pd.to_datetime([fiscal_year_end(int(y)) for y in years]).astype("datetime64[ns]"),
        index=values.index,
    )


def _ids(df: pd.DataFrame, kind: str, *, file: str) -> pd.Series:
    for col in ("component", "category", "subcategory"):
        df[col] = df[col].astype(str).str.strip()
        empty = df[col] == ""
        if empty.any():
            raise ParseError(
                f"empty {col} (row {int(empty.to_numpy().argmax()) + 2})",
                file=file,
                field=col,
                value="",
            )
    unknown = ~df["component"].isin(list(COMPONENTS))
    if unknown.any():
        raise ParseError(
            f"unknown component; valid components are {one_of(COMPONENTS)}",
            file=file,
            field="component",
            value=df.loc[unknown, "component"].iloc[0],
        )
    return pd.Series(
        [
            cbo_series_id(kind, COMPONENTS[c], cat, sub)
            for c, cat, sub in zip(df["component"], df["category"], df["subcategory"], strict=True)
        ],
        index=df.index,
    )


def _flags(values: pd.Series, *, file: str, field: str) -> pd.Series:
    text = values.astype(str).str.strip()
    bad = ~text.isin(list(_FLAGS))
    if bad.any():
        raise ParseError(
            f"not a flag; expected {one_of(_FLAGS)}",
            file=file,
            field=field,
            value=values[bad].iloc[0],
        )
    return text.map(_FLAGS).astype(bool)


def _meta(
    data: pd.DataFrame, *, which: str, raw: bytes, file: str | None, notes: tuple[str, ...] = ()
) -> SourceMeta:
    return series_meta(
        data,
        source="cbo",
        dataset=f"cbo_{which}",
        official_id=f"US-CBO/eval-projections input_data/{_FILES[which]}",
        units=schema.USD_BN,
        raw=raw,
        file=file,
        notes=notes,
    )


def parse_cbo_baselines(raw: RawInput, *, file: str = "<buffer>") -> SourceData:
    """Parse CBO's ``baselines.csv``: every baseline projection, by fiscal year.

    There is no ``vintage`` argument: each row's vintage is its baseline date.

    Returns
    -------
    SourceData
        Series ``cbo.baseline.<component>[.<category>[.<subcategory>]]`` [USD bn],
        ``date`` = end of the projected fiscal year, ``vintage`` = the baseline
        date (CBO dates each baseline to the first of its month).
        ``extra["flags"]``: one row per ``component, baseline_date`` with CBO's
        ``spring_flag`` and ``winter_flag`` (which baselines CBO's evaluation
        uses; they differ between components of the same baseline).

    Raises
    ------
    ParseError
        On a missing column, an unknown component, a bad number, year, flag or
        date, or the same series, year and baseline twice.
    """
    data_bytes, file = raw_bytes(raw, file)
    df = checked_csv(data_bytes, file=file, required=_BASELINE_COLUMNS)
    df = df.rename(columns=VARIABLE_MAP)
    out = pd.DataFrame(
        {
            "series_id": _ids(df, "baseline", file=file),
            "date": _fiscal_years(df["fiscal_year"], file=file, field="projected_fiscal_year"),
            "value": numeric_column(df["value"], file=file, field="value"),
            "vintage": date_column(df["vintage"], file=file, field="baseline_date"),
        }
    )
    flags = pd.DataFrame(
        {
            "component": df["component"],
            "baseline_date": out["vintage"],
            "spring_flag": _flags(df["spring_flag"], file=file, field="Spring_flag"),
            "winter_flag": _flags(df["winter_flag"], file=file, field="Winter_flag"),
        }
    ).drop_duplicates(ignore_index=True)
    series = schema.validate_series(out, file=file)
    series = series.sort_values(["series_id", "vintage", "date"], ignore_index=True)
    meta = _meta(
        series,
        which="baselines",
        raw=data_bytes,
        file=file,
        notes=("vintage = baseline date; date = end of the projected fiscal year",),
    )
    return SourceData(series, meta, extra={"flags": flags})


def _actuals_vintage(dates: pd.Series, vintage: date | None) -> pd.Timestamp:
    if vintage is not None:
        return pd.Timestamp(vintage)
    return pd.Timestamp(dates.max() + ACTUALS_VINTAGE_LAG)


def parse_cbo_actuals(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse CBO's ``actuals.csv``: actual debt, deficits, outlays and revenues by fiscal year.

    Parameters
    ----------
    raw
        CSV with columns ``component, category, subcategory, fiscal_year, actual_value``.
    file
        Name used in error messages.
    vintage
        When the values were published. When None: the end of the last fiscal
        year in the file plus :data:`ACTUALS_VINTAGE_LAG` (October 31), the
        earliest day all its numbers were out.

    Returns
    -------
    SourceData
        Series ``cbo.actual.<component>[.<category>[.<subcategory>]]`` [USD bn],
        dated at the fiscal-year end.
    """
    data_bytes, file = raw_bytes(raw, file)
    df = checked_csv(data_bytes, file=file, required=_ACTUAL_COLUMNS).rename(columns=VARIABLE_MAP)
    dates = _fiscal_years(df["fiscal_year"], file=file, field="fiscal_year")
    out = pd.DataFrame(
        {
            "series_id": _ids(df, "actual", file=file),
            "date": dates,
            "value": numeric_column(df["value"], file=file, field="actual_value"),
            "vintage": _actuals_vintage(dates, vintage),
        }
    )
    series = schema.validate_series(out, file=file).sort_values(
        ["series_id", "date"], ignore_index=True
    )
    return SourceData(series, _meta(series, which="actuals", raw=data_bytes, file=file))


def parse_cbo_actual_gdp(
    raw: RawInput, *, file: str = "<buffer>", vintage: date | None = None
) -> SourceData:
    """Parse CBO's ``actual_GDP.csv`` (``fiscal_year, GDP``) into ``cbo.actual.gdp`` [USD bn].

    Nominal GDP summed over each fiscal year, dated at the fiscal-year end. The
    vintage fallback is that of :func:`parse_cbo_actuals`.
    """
    data_bytes, file = raw_bytes(raw, file)
    df = checked_csv(data_bytes, file=file, required=_GDP_COLUMNS).rename(columns=VARIABLE_MAP)
    dates = _fiscal_years(df["fiscal_year"], file=file, field="fiscal_year")
    out = pd.DataFrame(
        {
            "series_id": "cbo.actual.gdp",
            "date": dates,
            "value": numeric_column(df["value"], file=file, field="GDP"),
            "vintage": _actuals_vintage(dates, vintage),
        }
    )
    series = schema.validate_series(out, file=file).sort_values("date", ignore_index=True)
    return SourceData(series, _meta(series, which="gdp", raw=data_bytes, file=file))


def read_cbo_baselines(path: str | os.PathLike[str]) -> SourceData:
    """Read ``baselines.csv`` from disk; see :func:`parse_cbo_baselines`."""
    raw, name = open_binary(path)
    return parse_cbo_baselines(raw, file=name)


def read_cbo_actuals(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read ``actuals.csv`` from disk; see :func:`parse_cbo_actuals`."""
    raw, name = open_binary(path)
    return parse_cbo_actuals(raw, file=name, vintage=vintage)


def read_cbo_actual_gdp(path: str | os.PathLike[str], *, vintage: date | None = None) -> SourceData:
    """Read ``actual_GDP.csv`` from disk; see :func:`parse_cbo_actual_gdp`."""
    raw, name = open_binary(path)
    return parse_cbo_actual_gdp(raw, file=name, vintage=vintage)


def _get(
    which: str,
    parse: Callable[..., SourceData],
    *,
    ref: str,
    client: httpx.Client | None,
    timeout: float,
    retries: int,
    sleep: Callable[[float], None] | None,
    vintage_is_retrieval_day: bool,
) -> SourceData:
    """Fetch one file of CBO's repository at ``ref`` and parse it with ``parse``."""
    url = CBO_REPO_URL.format(ref=ref) + _FILES[which]
    retrieved_at = datetime.now(UTC)
    resp = http_get(url, client=client, timeout=timeout, retries=retries, sleep=sleep)
    kwargs = {"vintage": retrieved_at.date()} if vintage_is_retrieval_day else {}
    out = parse(resp.content, file=url, **kwargs)
    meta = replace(out.meta, url=url, retrieved_at=retrieved_at, file=None)
    return SourceData(out.data, meta, kind=out.kind, extra=out.extra)


def get_cbo_baselines(
    *,
    ref: str = "main",
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch ``baselines.csv`` from CBO's repository at ``ref``; see :func:`parse_cbo_baselines`.

    Each row keeps its baseline date as its vintage. ``ref`` is a branch, tag or
    commit; ``client, timeout, retries, sleep`` go to
    :func:`qtlab.sources._base.http_get`.
    """
    return _get(
        "baselines",
        parse_cbo_baselines,
        ref=ref,
        client=client,
        timeout=timeout,
        retries=retries,
        sleep=sleep,
        vintage_is_retrieval_day=False,
    )


def get_cbo_actuals(
    *,
    which: Literal["actuals", "gdp"] = "actuals",
    ref: str = "main",
    client: httpx.Client | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] | None = None,
) -> SourceData:
    """Fetch CBO's actuals from its repository; the vintage is the retrieval day (UTC).

    ``which="actuals"`` fetches ``actuals.csv`` (see :func:`parse_cbo_actuals`),
    ``which="gdp"`` fetches ``actual_GDP.csv`` (see :func:`parse_cbo_actual_gdp`).
    Other arguments as :func:`get_cbo_baselines`.
    """
    parsers: dict[str, Callable[..., SourceData]] = {
        "actuals": parse_cbo_actuals,
        "gdp": parse_cbo_actual_gdp,
    }
    if which not in parsers:
        raise SpecError(f"unknown which={which!r}; valid values are {one_of(parsers)}")
    return _get(
        which,
        parsers[which],
        ref=ref,
        client=client,
        timeout=timeout,
        retries=retries,
        sleep=sleep,
        vintage_is_retrieval_day=True,
    )
