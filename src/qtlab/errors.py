"""The one exceptions module of qtlab.

Every error qtlab raises on purpose derives from :class:`QtlabError`, so callers
can catch one base class. The hierarchy::

    QtlabError
    ├── DataError                 bad or missing data
    │   ├── ParseError            a file or response does not have the expected shape
    │   ├── UnknownSeriesError    a series id that is not in the glossary / store
    │   ├── ReconciliationError   two official sources disagree beyond tolerance
    │   └── DateRangeError        a date outside what the data or the model covers
    ├── FetchError                the live endpoint could not be reached or refused
    ├── StoreError                the local store cannot be opened or updated
    └── SpecError                 an inconsistent or unknown option / policy / spec

Messages name the file, field and value, say what is valid, and how to fix it.
Every class is also a ``ValueError`` (or ``OSError`` for I/O) where that is the
natural built-in meaning, so generic handlers keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "DataError",
    "DateRangeError",
    "FetchError",
    "ParseError",
    "QtlabError",
    "ReconciliationError",
    "SpecError",
    "StoreError",
    "UnknownSeriesError",
    "one_of",
    "quoted",
]

#: Characters of a user's value an error message shows (the rest is counted, not echoed):
#: enough for a long file path, far less than a 1 MB field.
QUOTE_LIMIT = 300


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` for an error message, cut to about ``limit`` characters.

    The one place every message quoting user input goes through, so a 1 MB cell, header
    or form field is shown as its start and its length, never in full.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}... ({len(value):,} characters)"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def one_of(valid: Iterable[object], limit: int = 30) -> str:
    """Render the valid options for an error message: ``'a', 'b' or 'c'``."""
    items = [quoted(v) for v in valid]
    if len(items) > limit:
        items = [*items[:limit], f"... ({len(items) - limit} more)"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


class QtlabError(Exception):
    """Base class of every error qtlab raises on purpose."""


class DataError(QtlabError, ValueError):
    """Data that are malformed, missing or inconsistent."""


class ParseError(DataError):
    """A file or an HTTP response does not have the expected shape.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file
        The file name or URL that was being read.
    field
        The column, key or line that is wrong.
    value
        The offending value, if there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.field = field
        self.value = value
        where = []
        if file is not None:
            where.append(f"file {file!s}")
        if field is not None:
            where.append(f"field {field!r}")
        if value is not None:
            where.append(f"value {quoted(value)}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)


class UnknownSeriesError(DataError, KeyError):
    """A series id that qtlab does not know, or that the store does not hold."""

    def __init__(self, series_id: str, valid: Iterable[str] = (), hint: str = "") -> None:
        self.series_id = series_id
        valid = sorted(valid)
        msg = f"unknown series id {series_id!r}"
        close = difflib.get_close_matches(series_id, valid, n=3)
        if close:  # the list below is cut at 30 ids: name the likely ones first
            msg += f" (closest: {one_of(close)})"
        if valid:
            msg += f"; valid ids are {one_of(valid)}"
        if hint:
            msg += f". {hint}"
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class ReconciliationError(DataError):
    """Two official sources disagree by more than the stated tolerance."""


class DateRangeError(DataError):
    """A date outside the range the data or the model covers."""


class FetchError(QtlabError, OSError):
    """A live official endpoint could not be reached, timed out, or refused."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(f"{message} (url: {url})" if url else message)


class StoreError(QtlabError, OSError):
    """The local store cannot be opened, read or updated."""


class SpecError(QtlabError, ValueError):
    """An option, policy or specification that is unknown or inconsistent."""
