"""qtlab: project and explain central-bank balance-sheet runoff from official data.

Units everywhere in the public API: money in USD billions, rates and yields in
percent, months as calendar months (``pandas.Period[M]``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qtlab")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
