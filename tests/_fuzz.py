"""Shared pieces of the fuzz suites (tests/test_fuzz_*.py): hostile tokens, mutations of
real files, the invariants every entry point must keep, and a count of the inputs run.

The invariant: a clear :class:`~qtlab.errors.QtlabError` (bounded in length; a
:class:`~qtlab.errors.ParseError` names its file), a clean usage error, or a valid
result in which no number is ``inf`` and no series value is missing; never another
exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from qtlab.errors import ParseError, QtlabError
from qtlab.sources import SourceData

#: Hostile inputs run so far in this session, per suite (printed at the end of the run).
COUNTS: dict[str, int] = {}

#: Values the tester's hostile runs used, and their neighbours.
TOKENS = [
    "", " ", ".", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e308", "-1e308",
    "1e309", "1e-320", "5e-324", "1,5", "12,34", "1,234", "1,,234", "-5", "-0", "0",
    "0x10", "1_000", "\u0661\u0662", "1600-01-01", "9999-12-31", "0001-01-01",
    "2022-02-30", "2022-13-01", "2100-01-01", "2022-1-1", "99999-01-01", "1677-09-21",
    "2262-04-12", "2022-06", "1600-01", "9999-12", "abc", "None", "null", "true", "[",
    "]", "{", "}", "'", '"', ",", ";", "\t", "\\", "\x00", "\ufeff", "\u00ff\u00fe",
    "x" * 300, "9" * 400, "-" * 50, "2022-05-31T00:00:00", "2022/05/31", "-1",
    "100000", "1e6", "65536", "-2147483649", "18446744073709551616",
]  # fmt: skip


def count(suite: str) -> None:
    COUNTS[suite] = COUNTS.get(suite, 0) + 1


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, sep: str = ",") -> bytes:
    """``seed`` (a real file, or its first lines) with one to three mutations: a field or
    a line replaced by a hostile token or random text, lines deleted, duplicated or
    swapped, the file truncated, or random bytes spliced in."""
    text = seed.decode("utf-8", errors="surrogateescape")
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        lines = lines or [""]
        kind = draw(
            st.sampled_from(
                ["field", "field", "field", "line", "delete", "dup", "swap", "cut", "bytes"]
            )
        )
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        token = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=12)))
        if kind == "field" and lines:
            fields = lines[i].split(sep)
            j = draw(st.integers(0, max(0, len(fields) - 1)))
            fields[j] = token
            lines[i] = sep.join(fields)
        elif kind == "line":
            lines[i] = token
        elif kind == "delete" and lines:
            del lines[i]
        elif kind == "dup" and lines:
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "cut":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split("\n")
    out = "\n".join(lines).encode("utf-8", errors="surrogateescape")
    if draw(st.integers(0, 9)) == 0:  # sometimes raw bytes spliced in
        k = draw(st.integers(0, len(out)))
        out = out[:k] + draw(st.binary(max_size=16)) + out[k:]
    return out


def inputs(seed: bytes, sep: str = ",") -> st.SearchStrategy[bytes]:
    """Mutations of ``seed`` mostly, random bytes or text sometimes."""
    return st.one_of(
        mutated(seed, sep),
        mutated(seed, sep),
        mutated(seed, sep),
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", errors="surrogateescape")),
    )


def check_error(exc: BaseException) -> None:
    """A QtlabError that says something, bounded in length; a ParseError names its file."""
    if not isinstance(exc, QtlabError):
        raise AssertionError(f"not a QtlabError: {type(exc).__name__}: {exc}") from exc
    msg = str(exc)
    assert msg.strip(), type(exc).__name__
    assert len(msg) < 3_000, msg[:300]
    if isinstance(exc, ParseError):
        assert exc.file is not None and exc.file in msg, msg


def check_frame(df: pd.DataFrame, *, series: bool) -> None:
    """No ``inf`` in any number; a series has a value in every row."""
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]) or pd.api.types.is_integer_dtype(df[col]):
            vals = df[col].to_numpy(dtype=float, na_value=np.nan)
            assert not np.isinf(vals).any(), f"inf in column {col!r}"
    if series and "value" in df.columns:
        assert df["value"].notna().all(), "a series value is missing"


def check_result(res: Any) -> None:
    if isinstance(res, SourceData):
        check_frame(res.data, series=res.kind == "series")
    elif isinstance(res, pd.Series):
        vals = res.to_numpy(dtype=float)
        assert np.isfinite(vals).all(), "non-finite number in a path"
    elif isinstance(res, float):
        assert math.isfinite(res)


def holds(call: Callable[[], Any], suite: str) -> None:
    """Run one hostile input through ``call`` and check the invariant."""
    count(suite)
    try:
        res = call()
    except Exception as exc:
        check_error(exc)
        return
    check_result(res)
