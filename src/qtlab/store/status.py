"""What data qtlab holds: the ``qtlab data status`` report."""

from __future__ import annotations

from typing import Any

import pandas as pd

from qtlab.schema import KIND_TOTAL_KEYS
from qtlab.store.dataset import Dataset

__all__ = ["status_report"]


def status_report(ds: Dataset) -> dict[str, Any]:
    """A JSON-ready summary of every series and holdings snapshot visible in ``ds``.

    ``{"series": [{"id", "source", "units", "first", "last", "rows", "vintage"}...],
    "holdings": [{"as_of", "rows", "totals_bn": {kind: USD bn}}...]}`` with ISO dates;
    a kind absent from a holdings date is omitted from its totals. ``"tables"``
    lists the other datasets (e.g. the MSPD detail by CUSIP):
    ``[{"dataset", "source", "as_of", "rows", "vintage", "layer"}...]``.
    """
    series = [
        {
            "id": s.id,
            "source": s.source,
            "units": s.units,
            "first": s.first.isoformat(),
            "last": s.last.isoformat(),
            "rows": s.rows,
            "vintage": s.vintage.isoformat(),
            "vintages": s.vintages,
            "kind": s.kind,
        }
        for s in ds.catalog()
    ]
    holdings = []
    dates = ds.holdings_dates()
    for as_of, grp in dates.groupby("as_of", sort=True):
        holdings.append(
            {
                "as_of": pd.Timestamp(str(as_of)).date().isoformat(),
                "rows": int(grp["rows"].sum()),
                "totals_bn": {
                    KIND_TOTAL_KEYS[str(k)]: round(float(v), 6)
                    for k, v in zip(grp["kind"], grp["par"], strict=True)
                },
            }
        )
    tables = [
        {
            "dataset": t.dataset,
            "source": t.source,
            "as_of": t.as_of.isoformat(),
            "rows": t.rows,
            "vintage": t.vintage.isoformat(),
            "layer": t.layer,
        }
        for t in ds.tables()
    ]
    manifest = ds.manifest
    return {
        "as_of": ds.as_of.isoformat() if ds.as_of else None,
        "snapshot": None
        if manifest is None
        else {"built_at": manifest.built_at.isoformat(), "datasets": len(manifest.datasets)},
        "series": series,
        "holdings": holdings,
        "tables": tables,
    }
