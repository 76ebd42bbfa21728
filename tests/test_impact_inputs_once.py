"""C2-D3's inputs are built once per run context, and handed out as copies."""

from __future__ import annotations

import pandas as pd
import pytest

import qtlab.runs.inputs as ii
from qtlab.runs import RunContext


def test_inputs_are_built_once_per_context(monkeypatch: pytest.MonkeyPatch):
    built: list[object] = []
    real = ii._load_inputs  # private on purpose: counting the builds is the point of the test

    def counting(ds: RunContext, **kw: object) -> ii.ImpactInputs:
        built.append(ds)
        return real(ds, **kw)

    monkeypatch.setattr(ii, "_load_inputs", counting)
    ds = RunContext("2024-03-31", use_store=False)
    first = ii.load_inputs(ds, horizon=24)
    reads = set(ds.dataset.read_series)
    assert {"WALCL", "WRESBAL", "GDP"} <= reads
    second = ii.load_inputs(ds, horizon=24)
    assert built == [ds]
    pd.testing.assert_frame_equal(first.h41, second.h41)
    first.h41.loc[first.h41.index[0], "reserves"] = -1.0
    first.gdp.iloc[0] = -1.0
    assert (ii.load_inputs(ds, horizon=24).h41["reserves"].dropna() > 0).all()
    assert ii.load_inputs(ds, horizon=24).gdp.iloc[0] > 0
    ii.load_inputs(ds, horizon=36)  # another horizon: built
    # another context over the same data builds (and records) its own
    other = RunContext("2024-03-31", use_store=False)
    ii.load_inputs(other, horizon=24)
    assert built == [ds, ds, other] and set(other.dataset.read_series) == reads
