"""A list of series ids as one wide frame, the catalogue as a DataFrame with titles, and
a search over it."""

from __future__ import annotations

import pandas as pd
import pytest

from qtlab.errors import SpecError, UnknownSeriesError
from qtlab.runs import RunContext
from qtlab.store import Dataset


def test_a_list_of_ids_is_a_wide_frame_equal_to_the_single_series():
    ds = Dataset("2022-05-31")
    wide = ds.series(["WALCL", "WRESBAL", "DGS10"], start="2022-01-01")
    assert list(wide.columns) == ["WALCL", "WRESBAL", "DGS10"] and wide.index.name == "date"
    for sid in wide.columns:
        one = ds.series(sid, start="2022-01-01")
        pd.testing.assert_series_equal(wide[sid].dropna(), one, check_names=False, check_freq=False)
    assert wide.attrs["units"]["WALCL"] == ds.series("WALCL").attrs["units"]
    assert wide.index.max() <= pd.Timestamp("2022-05-31")


def test_a_context_hands_out_the_same_wide_frame():
    with RunContext("2022-05-31") as ctx:
        wide = ctx.series(["WALCL", "WRESBAL"])
        assert {r.name for r in ctx.reads} >= {"WALCL", "WRESBAL"}
    assert wide.shape[1] == 2


def test_bad_lists_are_clear_errors():
    ds = Dataset()
    with pytest.raises(SpecError, match="distinct ids"):
        ds.series(["WALCL", "WALCL"])
    with pytest.raises(SpecError, match="distinct ids"):
        ds.series([])
    with pytest.raises(UnknownSeriesError):
        ds.series(["WALCL", "NOPE"])


def test_the_catalogue_frame_has_titles_and_search_finds_by_words():
    ds = Dataset()
    cat = ds.catalog_frame()
    assert list(cat.columns)[:3] == ["id", "title", "units"]
    assert len(cat) == len(ds.catalog())
    walcl = cat.set_index("id").loc["WALCL"]
    assert walcl["title"] and walcl["units"] == ds.series("WALCL").attrs["units"]
    hits = ds.search("reserve balances")
    assert "WRESBAL" in set(hits["id"])
    assert set(ds.search("walcl")["id"]) == {"WALCL"}
    with pytest.raises(SpecError, match="empty"):
        ds.search("  ")
