"""FRED units: money scales, the magnitude rule for series that changed units, file names.

- :func:`money_scale` turns FRED's money units (``Millions of U.S. Dollars``,
  ``millions``) into the factor to USD bn.
- :func:`detect_units` decides the units of one vintage of a series whose units changed
  between FRED vintages (:data:`UNIT_DETECTION_THRESHOLDS`). Every value of the vintage
  must fall on one side of the threshold; a vintage that straddles it (mixed units, or a
  magnitude neither unit explains) is refused rather than guessed.
- :func:`fred_file_name` reads the naming of the raw files in ``data/raw/fred``:
  ``<ID>.csv``, or ``<ID>[_<units>][_<first>_<last>][_TRANSCRIBED].csv``, where
  ``<units>`` (``thousands``, ``millions``, ``billions``) states the units of the file and
  ``TRANSCRIBED`` marks a file whose text was written out again rather than byte-copied
  (data/raw/SOURCES.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from qtlab.errors import ParseError

__all__ = [
    "BILLIONS",
    "MILLIONS",
    "UNIT_DETECTION_THRESHOLDS",
    "FredFileName",
    "apply_scale",
    "detect_units",
    "fred_file_name",
    "money_scale",
]

MILLIONS: Final = "Millions of U.S. Dollars"
BILLIONS: Final = "Billions of U.S. Dollars"

_POWERS: Final = {"thousands": 1e-6, "millions": 1e-3, "billions": 1.0, "trillions": 1e3}
_MONEY_RE = re.compile(r"^\s*(thousands|millions|billions|trillions)\b(.*\bdollars?\b)?", re.I)


def money_scale(units: str) -> float | None:
    """Factor from FRED money units (``Millions of U.S. Dollars``, ``millions``) to USD bn."""
    m = _MONEY_RE.match(units)
    if m is None or (m.group(2) is None and m.end() != len(units.rstrip())):
        return None
    return _POWERS[m.group(1).lower()]


def apply_scale(values: pd.Series, factor: float) -> pd.Series:
    """``values`` times ``factor``; dividing by the exact power of ten keeps
    6745699 mn -> 6745.699 bn bit-exact."""
    return values / (1.0 / factor) if factor < 1.0 else values * factor


#: Series whose units changed between FRED vintages: id -> (threshold, units above, units
#: at or below). WTREGEN in billions has never passed 1,900 (July 2020: 1,816.687 in the
#: 2024 vintage); in millions its week average has never fallen below 3,745 (2002-2025
#: vintage), near the Treasury's 5,000 target balance before 2008 and far above it since.
UNIT_DETECTION_THRESHOLDS: Final[Mapping[str, tuple[float, str, str]]] = {
    "WTREGEN": (2_500.0, MILLIONS, BILLIONS),
}


def detect_units(series_id: str, values: pd.Series, *, file: str) -> tuple[str, str]:
    """Units of one vintage of ``series_id`` from its magnitude, and how they were decided.

    Every value must lie on one side of the threshold of
    :data:`UNIT_DETECTION_THRESHOLDS`; an empty vintage counts as the smaller unit.

    Raises
    ------
    ParseError
        The vintage has values on both sides (mixed units, or a level neither unit
        explains), naming the file, the series and the two extreme values.
    """
    threshold, above, below = UNIT_DETECTION_THRESHOLDS[series_id]
    mags = values.abs()
    if len(mags) == 0 or float(mags.max()) <= threshold:
        return below, f"detected: every value <= {threshold:,.0f}; pass units= to override"
    if float(mags.min()) > threshold:
        return above, f"detected: every value > {threshold:,.0f}; pass units= to override"
    raise ParseError(
        f"{series_id} has values from {float(mags.min()):,.3f} to {float(mags.max()):,.3f}, "
        f"on both sides of {threshold:,.0f}: in {below} it has never exceeded it and in "
        f"{above} never fallen below it, so this vintage mixes units or is neither; pass "
        "units= (e.g. units='millions') or split the file by vintage",
        file=file,
        field=series_id,
        value=f"{float(mags.min()):g}..{float(mags.max()):g}",
    )


@dataclass(frozen=True)
class FredFileName:
    """What the name of a raw FRED file says: the series, its units, whether transcribed."""

    series_id: str
    units: str | None = None
    transcribed: bool = False


_DAY = r"\d{4}-\d{2}(?:-\d{2})?"
_FILE_RE = re.compile(
    rf"^(?P<id>[A-Za-z0-9]+)(?:_(?P<units>thousands|millions|billions|trillions))?"
    rf"(?:_(?P<first>{_DAY})_(?P<last>{_DAY}))?(?P<transcribed>_TRANSCRIBED)?$"
)


def fred_file_name(stem: str) -> FredFileName | None:
    """The series id, units and transcription mark in a raw FRED file name (no suffix).

    ``WCURCIR`` -> ``WCURCIR``; ``WTREGEN_millions_2002-12-18_2025-11-19`` -> ``WTREGEN``
    in ``millions``; ``WDTGAL_2002-12-18_2026-09-23_TRANSCRIBED`` -> ``WDTGAL``,
    transcribed. None when the name follows neither form.
    """
    m = _FILE_RE.match(stem)
    if m is None:
        return None
    return FredFileName(m.group("id").upper(), m.group("units"), bool(m.group("transcribed")))
