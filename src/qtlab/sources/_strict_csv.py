"""A guard around :func:`qtlab.sources._base.checked_csv` for rows with extra fields.

When the first data rows of a CSV have one field more than the header, pandas
silently turns the first column into the index and shifts every value one
column left (``a,b`` / ``1,2,3`` reads as ``a=2, b=3``). :func:`strict_csv`
turns that into a :class:`~qtlab.errors.ParseError`. (This belongs in
``checked_csv`` itself; it is kept here until the shared module takes it.)
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from qtlab.errors import ParseError
from qtlab.sources._base import checked_csv

__all__ = ["strict_csv"]


def strict_csv(raw: bytes | str, *, file: str, required: Iterable[str]) -> pd.DataFrame:
    """:func:`checked_csv` (every cell as text), refusing rows longer than the header."""
    df = checked_csv(raw, file=file, required=required)
    if not isinstance(df.index, pd.RangeIndex):
        raise ParseError(
            f"the first data row has more fields than the header ({len(df.columns)} columns: "
            "a stray comma, or an unquoted thousands separator?)",
            file=file,
            field=str(df.columns[0]),
            value=str(df.index[0]),
        )
    return df
