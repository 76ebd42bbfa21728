"""C2's history carries currency in circulation (WCURCIR) as its own line, identity exact."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis


def test_c2_history_splits_currency_from_other_liabilities(raw_data: Path) -> None:
    res = get_analysis("C2").run(shared("2022-05-31"), lang="en")
    h = res.table("c2_history").set_index("month")
    cols = [f"{c} [USD bn]" for c in ("reserves", "on_rrp", "tga", "currency", "other_capital")]
    gap = h["total_assets [USD bn]"] - h[cols].sum(axis=1)
    assert gap.abs().max() < 1e-9  # the identity stays exact
    split = h["currency [USD bn]"] + h["other_capital [USD bn]"] - h["currency_other [USD bn]"]
    assert split.abs().max() < 1e-9
    # May 2022: the mean of the month's four week averages of WCURCIR (millions / 1,000)
    raw = pd.read_csv(
        raw_data / "fred" / "WCURCIR_2002-12-18_2026-09-23_TRANSCRIBED.csv", parse_dates=["date"]
    ).set_index("date")["value"]
    may = raw.loc["2022-05-01":"2022-05-31"] / 1000
    assert len(may) == 4
    assert h.loc["2022-05", "currency [USD bn]"] == pytest.approx(may.mean(), abs=1e-9)
