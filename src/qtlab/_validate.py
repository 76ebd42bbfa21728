"""Validation of series and holdings frames against the glossary (:mod:`qtlab.schema`):
columns, types, dates and signs, raising :class:`~qtlab.errors.ParseError` naming the
file, field and value. Re-exported by :mod:`qtlab.schema`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from qtlab.errors import ParseError, one_of

__all__ = ["validate_holdings", "validate_series"]


def _require_columns(df: pd.DataFrame, columns: Iterable[str], file: str | None) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParseError(
            f"missing column(s) {one_of(missing)}; expected columns {one_of(columns)}, "
            f"found {one_of(df.columns)}",
            file=file,
            field=missing[0],
        )


def validate_series(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Check a long series frame and return it with canonical dtypes.

    ``date`` and ``vintage`` become ``datetime64[ns]`` (day precision),
    ``value`` float64, ``series_id`` str. Raises :class:`ParseError` naming the
    file, field and first bad value.
    """
    _require_columns(df, SERIES_COLUMNS, file)
    out = df.loc[:, list(SERIES_COLUMNS)].copy()
    for col in ("date", "vintage"):
        conv = pd.to_datetime(out[col], errors="coerce")
        bad = conv.isna() & out[col].notna()
        if bad.any() or conv.isna().any():
            raise ParseError(
                "not a valid date (expected ISO YYYY-MM-DD)",
                file=file,
                field=col,
                value=out.loc[bad | conv.isna(), col].iloc[0],
            )
        outside = (conv < pd.Timestamp.min.ceil("D")) | (conv > pd.Timestamp.max.floor("D"))
        if outside.any():
            raise ParseError(
                f"date outside the supported range {pd.Timestamp.min.ceil('D').date()} to "
                f"{pd.Timestamp.max.floor('D').date()}",
                file=file,
                field=col,
                value=str(out.loc[outside, col].iloc[0]),
            )
        out[col] = conv.dt.normalize().astype("datetime64[ns]")
    vals = pd.to_numeric(out["value"], errors="coerce")
    bad = vals.isna() & out["value"].notna()
    if bad.any():
        raise ParseError(
            "not a number", file=file, field="value", value=out.loc[bad, "value"].iloc[0]
        )
    out["value"] = vals.astype("float64")
    out["series_id"] = out["series_id"].astype(str)
    _check_signs(out, file)
    dup = out.duplicated(["series_id", "date", "vintage"])
    if dup.any():
        row = out.loc[dup].iloc[0]
        raise ParseError(
            f"duplicate observation for series {row['series_id']!r} at the same vintage",
            file=file,
            field="date",
            value=str(row["date"].date()),
        )
    return out.reset_index(drop=True)


def _check_signs(out: pd.DataFrame, file: str | None) -> None:
    """Raise :class:`ParseError` at the first negative value of a non-negative series."""
    neg = out["value"] < 0
    if not neg.any():
        return
    for sid in out.loc[neg, "series_id"].unique():
        if is_known_series(sid) and series_spec(sid).nonnegative:
            row = out.loc[neg & (out["series_id"] == sid)].iloc[0]
            raise ParseError(
                f"negative value of {sid!r} on {row['date'].date()}: the glossary says this "
                "series is non-negative (an amount outstanding, a balance or an index)",
                file=file,
                field="value",
                value=float(row["value"]),
            )


def validate_holdings(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Check a holdings frame and return it with canonical column order and dtypes."""
    _require_columns(df, HOLDINGS_COLUMNS, file)
    out = df.loc[:, list(HOLDINGS_COLUMNS)].copy()
    bad_kind = ~out["kind"].isin(HOLDING_KINDS)
    if bad_kind.any():
        raise ParseError(
            f"unknown holding kind; valid kinds are {one_of(HOLDING_KINDS)}",
            file=file,
            field="kind",
            value=out.loc[bad_kind, "kind"].iloc[0],
        )
    for col in ("as_of", "maturity"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in ("coupon", "spread", "par", "inflation_comp", "pct_outstanding"):
        out[col] = pd.to_numeric(out[col]).astype("float64")
    if out["par"].isna().any():
        row = out.loc[out["par"].isna()].iloc[0]
        raise ParseError("missing par amount", file=file, field="par", value=row["cusip"])
    for col in ("cusip", "kind", "description", "term", "issuer", "program"):
        out[col] = out[col].astype("string")
    out["is_aggregated"] = out["is_aggregated"].astype(bool)
    return out.reset_index(drop=True)


# The glossary is imported after the functions: schema re-exports them at its end, so
# either module can be imported first without a half-initialised import.
from qtlab.schema import (  # noqa: E402
    HOLDING_KINDS,
    HOLDINGS_COLUMNS,
    SERIES_COLUMNS,
    is_known_series,
    series_spec,
)
