"""Typed run options, and the one place their text forms are parsed (the edge).

The runs take typed objects only: a mortgage-rate choice (:data:`MortgageRate`: ``"flat"``,
``"realized"`` or a user's monthly path as a Series [%]) and an MBS paydown choice
(:data:`Paydowns`: ``"realized"``, ``"model"`` or a :class:`~qtlab.engine.PaydownPath`
[USD bn]). :func:`mortgage_rate_option` and :func:`paydowns_option` turn what a user
types (a word or a CSV file's path) into them, reading and checking the file once; the
CLI and the run entry points that accept text call them, nothing deeper reads a file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, TypeAlias, get_args

import numpy as np
import pandas as pd

from qtlab.engine import DESK_MBS_LAG, InflationAssumption, MbsSettlement, PaydownPath
from qtlab.errors import SpecError, quoted
from qtlab.sources.user import read_monthly_csv

__all__ = [
    "DEFAULT_INFLATION",
    "DEFAULT_RESERVE_TARGET_TEXT",
    "MortgageRate",
    "PaydownChoice",
    "Paydowns",
    "RateChoice",
    "describe_rate",
    "inflation_option",
    "mortgage_rate_option",
    "paydowns_option",
    "read_inflation_file",
    "read_paydown_file",
    "read_rate_file",
    "reserve_target_option",
    "settlement_option",
]

#: Where the driving mortgage rate comes from: the rates known at the vantage, flat after
#: (``flat``), or every rate in the data, flat after (``realized``).
RateChoice: TypeAlias = Literal["flat", "realized"]
#: A :data:`RateChoice` or a user's monthly mortgage-rate path [%] (PeriodIndex[M]) that
#: replaces the data from its first month.
MortgageRate: TypeAlias = RateChoice | pd.Series
#: Where MBS paydowns come from: the weekly SOMA data (``realized``) or the prepayment
#: model (``model``).
PaydownChoice: TypeAlias = Literal["realized", "model"]
#: A :data:`PaydownChoice` or a user's paydown path [USD bn per month].
Paydowns: TypeAlias = PaydownChoice | PaydownPath


def read_rate_file(path: str | Path) -> pd.Series:
    """A user's mortgage-rate path: CSV with columns ``month`` (YYYY-MM) and ``rate`` [%],
    checked line by line (:func:`qtlab.sources.user.read_monthly_csv`); ``attrs["file"]``
    names the file."""
    s = read_monthly_csv(
        path, "rate", what="mortgage-rate file", units="%", nonnegative=True, upper=100.0
    )
    s.attrs["file"] = str(path)
    return s


def read_paydown_file(path: str | Path) -> PaydownPath:
    """A user's MBS paydown path: CSV with columns ``month`` (YYYY-MM) and ``paydowns``
    [USD bn], checked line by line (:func:`qtlab.sources.user.read_monthly_csv`)."""
    amounts = read_monthly_csv(
        path, "paydowns", what="MBS paydown file", units="USD bn", nonnegative=True, upper=100_000.0
    )
    return PaydownPath(amounts)


def mortgage_rate_option(value: str | Path | pd.Series) -> MortgageRate:
    """``"flat"``, ``"realized"``, a path already read, or a CSV file (read here)."""
    if isinstance(value, pd.Series):
        return value
    if isinstance(value, str) and value in get_args(RateChoice):
        return value  # type: ignore[return-value]
    if isinstance(value, str | Path) and Path(value).is_file():
        return read_rate_file(value)
    raise SpecError(
        f"mortgage_rate={quoted(str(value))} is not 'realized', 'flat' or an existing "
        "CSV file (columns month, rate [%])"
    )


def paydowns_option(value: str | Path | PaydownPath) -> Paydowns:
    """``"realized"``, ``"model"``, a path already read, or a CSV file (read here)."""
    if isinstance(value, PaydownPath):
        return value
    if isinstance(value, str) and value in get_args(PaydownChoice):
        return value  # type: ignore[return-value]
    if isinstance(value, str | Path) and Path(value).is_file():
        return read_paydown_file(value)
    raise SpecError(
        f"mbs_paydowns={quoted(str(value))} is not 'realized', 'model' or an existing CSV "
        "file (columns month, paydowns [USD bn])"
    )


def describe_rate(rate: MortgageRate) -> str:
    """The choice's word, or the file a path was read from (``"a rate path"`` if none)."""
    if isinstance(rate, pd.Series):
        return str(rate.attrs.get("file", "a rate path"))
    return rate


#: The word for the default inflation assumption: the trailing twelve months of measured
#: TIPS accrual fading linearly to 2% a year over 24 months.
DEFAULT_INFLATION = "trailing"
#: The default reserve target (the FOMC's December 2025 statement).
DEFAULT_RESERVE_TARGET_TEXT = "fomc-2025-12"
_INFLATION_VALID = (
    "'trailing' (the trailing twelve months fading to 2% a year over 24 months), a flat "
    "annual rate such as 2.5 or 2.5% [% a year, -10..30], or an existing CSV file "
    "(columns month, inflation [% a year])"
)
_TARGET_VALID = (
    "'fomc-2025-12' (reserves at their level when runoff ended, growing with the "
    "non-reserve liabilities), a level in USD bn such as 3000, or a share of GDP such as 8%gdp"
)
_GDP_SHARE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*%\s*gdp\s*$", re.IGNORECASE)


def read_inflation_file(path: str | Path) -> pd.Series:
    """A user's inflation path: CSV with columns ``month`` (YYYY-MM) and ``inflation``
    [% a year], checked line by line (:func:`qtlab.sources.user.read_monthly_csv`)."""
    s = read_monthly_csv(path, "inflation", what="inflation file", units="% a year", upper=50.0)
    s.attrs["file"] = str(path)
    return s


def inflation_option(value: str | Path | float | InflationAssumption) -> InflationAssumption:
    """The TIPS inflation assumption from its text form: ``"trailing"`` (the default
    :class:`~qtlab.engine.InflationAssumption`), a flat annual rate [% a year] from the
    first month after the data (``"2.5"`` or ``"2.5%"``), or a CSV file of a monthly path
    (read here; 2% a year after it)."""
    if isinstance(value, InflationAssumption):
        return value
    if isinstance(value, bool):
        raise SpecError(f"inflation={quoted(str(value))} is not {_INFLATION_VALID}")
    if isinstance(value, int | float):
        rate = float(value)
    elif isinstance(value, str) and value.strip().lower() == DEFAULT_INFLATION:
        return InflationAssumption()
    elif isinstance(value, str | Path) and Path(value).is_file():
        return InflationAssumption(path=read_inflation_file(value))
    else:
        try:
            rate = float(str(value).strip().removesuffix("%"))
        except ValueError:
            raise SpecError(f"inflation={quoted(str(value))} is not {_INFLATION_VALID}") from None
    if not -10.0 <= rate <= 30.0:
        raise SpecError(f"inflation={quoted(str(value))} is not {_INFLATION_VALID}")
    # a flat rate: the fade reaches it in the first month after the data
    return InflationAssumption(long_run=rate, horizon=1)


def settlement_option(value: str | int | MbsSettlement) -> MbsSettlement:
    """The MBS settlement from its lag in months (0..6; the Desk's practice is
    :data:`~qtlab.engine.DESK_MBS_LAG`)."""
    if isinstance(value, MbsSettlement):
        return value
    valid = f"an integer number of months 0..6 (the Desk's practice: {DESK_MBS_LAG})"
    if isinstance(value, bool):
        raise SpecError(f"settlement_lag={quoted(str(value))} is not {valid}")
    try:
        lag = int(str(value).strip())
    except ValueError:
        raise SpecError(f"settlement_lag={quoted(str(value))} is not {valid}") from None
    if not 0 <= lag <= 6:
        raise SpecError(f"settlement_lag={quoted(str(value))} is not {valid}")
    return MbsSettlement(lag=lag)


def _number(text: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise SpecError(f"reserve_target={quoted(text)} is not {_TARGET_VALID}") from None


def reserve_target_option(value: str | float) -> str:
    """The reserve target of reserve-management purchases as the runs take it
    (:func:`qtlab.runs.forward.forward_projection`'s ``target``): ``"fomc-2025-12"``, a
    level [USD bn] (``"3000"`` -> ``"level=3000"``) or a share of GDP (``"8%gdp"`` ->
    ``"gdp_share=0.08"``); the runs' forms (``"level=3000"``, ``"gdp_share=0.08"``) are
    taken as they are."""
    text = str(value).strip()
    if text.lower() == DEFAULT_RESERVE_TARGET_TEXT:
        return DEFAULT_RESERVE_TARGET_TEXT
    kind, sep, raw = text.partition("=")
    if sep and kind in ("level", "gdp_share"):  # the runs' own form, taken as it is
        x = _number(text, raw.strip())
        ok = x > 0 if kind == "level" else 0 < x < 1
        if not (ok and np.isfinite(x)):
            raise SpecError(
                f"reserve_target={quoted(text)}: a level must be positive [USD bn], a "
                "gdp_share in (0, 1)"
            )
        return f"{kind}={x:g}"
    m = _GDP_SHARE.match(text)
    if m:
        share = float(m.group(1))
        if not 0.0 < share < 100.0:
            raise SpecError(f"reserve_target={quoted(text)}: the share of GDP must be in (0, 100)%")
        return f"gdp_share={share / 100.0:g}"
    try:
        level = float(text)
    except ValueError:
        raise SpecError(f"reserve_target={quoted(text)} is not {_TARGET_VALID}") from None
    if not (np.isfinite(level) and level > 0):
        raise SpecError(f"reserve_target={quoted(text)} must be a positive level [USD bn]")
    return f"level={level:g}"
