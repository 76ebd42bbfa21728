"""Reading one sheet of an official xlsx workbook (Freddie Mac PMMS, Philadelphia Fed RTDSM)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from qtlab.errors import ParseError, one_of

__all__ = ["sheet_rows"]


def sheet_rows(data: bytes, sheet: str, *, file: str) -> list[tuple[Any, ...]]:
    """Every row of ``sheet`` in the workbook ``data`` as a tuple of cell values.

    Raises :class:`ParseError` naming ``file`` if the bytes are not a readable xlsx
    workbook, or if the workbook has no such sheet (listing the sheets it has).
    """
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ParseError(f"not a readable xlsx workbook ({exc})", file=file) from exc
    try:
        if sheet not in wb.sheetnames:
            raise ParseError(
                f"no sheet {sheet!r}; the workbook has sheets {one_of(wb.sheetnames)}",
                file=file,
                field="sheet",
                value=sheet,
            )
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
