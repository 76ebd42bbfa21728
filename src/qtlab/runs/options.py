"""Typed run options, and the one place their text forms are parsed (the edge).

The runs take typed objects only: a mortgage-rate choice (:data:`MortgageRate`: ``"flat"``,
``"realized"`` or a user's monthly path as a Series [%]) and an MBS paydown choice
(:data:`Paydowns`: ``"realized"``, ``"model"`` or a :class:`~qtlab.engine.PaydownPath`
[USD bn]). :func:`mortgage_rate_option` and :func:`paydowns_option` turn what a user
types (a word or a CSV file's path) into them, reading and checking the file once; the
CLI and the run entry points that accept text call them, nothing deeper reads a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeAlias, get_args

import pandas as pd

from qtlab.engine import PaydownPath
from qtlab.errors import SpecError, quoted
from qtlab.sources.user import read_monthly_csv

__all__ = [
    "MortgageRate",
    "PaydownChoice",
    "Paydowns",
    "RateChoice",
    "describe_rate",
    "mortgage_rate_option",
    "paydowns_option",
    "read_paydown_file",
    "read_rate_file",
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
