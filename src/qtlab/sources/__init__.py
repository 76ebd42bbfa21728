"""Loaders for the official sources, one module per provider.

Each provider module offers ``get_*`` (the live official endpoint, over an
injectable :class:`httpx.Client`), ``read_*`` (a file) and ``parse_*`` (bytes or
an open buffer). All return :class:`~qtlab.sources._base.SourceData`: a tidy
frame in glossary units (USD bn, percent) plus :class:`~qtlab.sources._base.SourceMeta`.

This package is the only place that maps provider column names and units to the
glossary, and (with :mod:`qtlab.store`) the only place that does I/O.
"""

from qtlab.sources._base import SourceData, SourceMeta

__all__ = ["SourceData", "SourceMeta"]
