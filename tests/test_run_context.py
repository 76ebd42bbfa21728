"""RunContext: each input read once per context, recorded, never aliased, never stale;
a plain Dataset reads every time and keeps nothing."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import qtlab.store.dataset as dataset_mod
from qtlab.runs import RunContext
from qtlab.sources import SourceData, SourceMeta
from qtlab.store import Dataset, Store


def _walcl(vintage: str, value: float) -> SourceData:
    df = pd.DataFrame(
        {
            "series_id": "WALCL",
            "date": pd.to_datetime(["2026-08-26"]),
            "value": [value],
            "vintage": pd.Timestamp(vintage),
        }
    )
    meta = SourceMeta(
        source="fred",
        dataset="fred.WALCL",
        official_id="WALCL",
        units={"WALCL": "USD bn"},
        vintage=date.fromisoformat(vintage),
        retrieved_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    return SourceData(df, meta)


def test_a_context_reads_each_input_once(monkeypatch: pytest.MonkeyPatch):
    queries: list[str] = []
    real = Dataset._q

    def counting(self: Dataset, sql: str, params: Any = ()) -> pd.DataFrame:
        queries.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(Dataset, "_q", counting)
    with RunContext("2022-05-31", use_store=False) as ctx:
        walcl, mbs = ctx.series("WALCL"), ctx.holdings(["mbs"])
        dates, table = ctx.holdings_dates(), ctx.table("treasury.mspd_detail.2022-01-31")
        n = len(queries)
        assert n > 0
        pd.testing.assert_series_equal(ctx.series("WALCL"), walcl)
        pd.testing.assert_frame_equal(ctx.holdings(["mbs"]), mbs)
        pd.testing.assert_frame_equal(ctx.holdings_dates(), dates)
        pd.testing.assert_frame_equal(ctx.table("treasury.mspd_detail.2022-01-31"), table)
        # a view at another vantage shares what was read from disk (the same folders)
        later = ctx.at("2022-05-31")
        pd.testing.assert_series_equal(later.series("WALCL"), walcl)
        assert len(queries) == n
        assert ctx.at("2022-05-31") is later and later.at("2022-05-31") is later
        # every read is recorded, each once, under the vantage of the view that made it
        kinds = {(r.kind, r.name) for r in ctx.reads}
        assert {("series", "WALCL"), ("holdings", "mbs"), ("table", table_id())} <= kinds
        # the view of at() is not the context's own: the report's provenance lists only this
        assert ctx.dataset.read_series == {"WALCL"}
        assert later.dataset.read_series == {"WALCL"}
    # a plain Dataset keeps nothing: it reads again
    plain = Dataset("2022-05-31", use_store=False)
    plain.series("WALCL")
    plain.series("WALCL")
    assert len(queries) > n


def table_id() -> str:
    return "treasury.mspd_detail.2022-01-31"


def test_a_context_runs_once_under_threads():
    ctx = RunContext("2022-05-31", use_store=False)
    calls: list[int] = []
    gate = threading.Barrier(4)

    def slow() -> list[int]:
        calls.append(1)
        time.sleep(0.05)
        return [1, 2, 3]

    def ask() -> list[int]:
        gate.wait()
        return ctx.memo(("slow", 1), slow)

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: ask(), range(4)))
    assert calls == [1] and all(o is outs[0] for o in outs)
    assert ctx.runs_made == 1
    assert ctx.memo(("slow", 2), lambda: "other") == "other"
    ctx.close()


def test_closing_a_context_closes_its_views(tmp_path: Path):
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    with RunContext(data_dir=tmp_path) as ctx:
        assert ctx.series("WALCL").loc["2026-08-26"] == pytest.approx(6500.0)
        old = ctx.at("2022-05-31")
        old.series("WALCL")
        assert not ctx.dataset.closed and not old.dataset.closed
    assert ctx.dataset.closed and old.dataset.closed
    # the store is free again: a writer gets it at once
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-10-01", 6600.0)])
    with RunContext(data_dir=tmp_path) as ctx:
        assert ctx.series("WALCL").loc["2026-08-26"] == pytest.approx(6600.0)


def test_a_context_over_a_dataset_takes_its_folders(tmp_path: Path):
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    ds = Dataset("2026-09-15", data_dir=tmp_path)
    with RunContext(ds) as ctx:
        assert ctx.as_of == date(2026, 9, 15)
        assert ctx.dataset.cache_key() == ds.cache_key()
        assert ctx.series("WALCL").loc["2026-08-26"] == pytest.approx(6500.0)
    assert "_con" not in vars(ds)  # the Dataset given is the caller's: never opened here
    with pytest.raises(TypeError, match="either"):
        RunContext(ds, use_store=False)


def test_other_folders_are_other_data(tmp_path: Path):
    base = Dataset(use_store=False)
    empty = tmp_path / "snapshot"
    (empty / "series").mkdir(parents=True)
    other = Dataset(snapshot_dir=empty, use_store=False)
    assert base.series("WALCL").size > 0
    assert other.cache_key() != base.cache_key()
    with pytest.raises(Exception, match="no data"):
        other.series("WALCL")


@pytest.mark.parametrize("kind", ["context", "dataset"])
def test_a_changed_frame_changes_no_later_read(kind: str):
    ds: Any = (
        RunContext("2022-05-31", use_store=False)
        if kind == "context"
        else Dataset("2022-05-31", use_store=False)
    )
    s = ds.series("WALCL")
    want_s = s.copy(deep=True)
    s.iloc[0] = -1.0
    s.index.name = "changed"
    s.attrs["units"] = "changed"
    obs = ds.observations("WALCL")
    want_obs = obs.copy(deep=True)
    obs.loc[0, "value"] = -1.0
    obs["extra"] = 1
    h = ds.holdings(["mbs"])
    want_h = h.copy(deep=True)
    h.loc[0, "par"] = -1.0
    h.columns = [f"x{i}" for i in range(h.shape[1])]
    tab = ds.table("treasury.mspd_detail.2022-01-31")
    want_tab = tab.copy(deep=True)
    tab.iloc[0, 0] = None
    dates = ds.holdings_dates()
    want_dates = dates.copy(deep=True)
    dates.loc[0, "par"] = -1.0
    ids = ds.series_ids()
    ids.clear()
    again = ds  # the same context: every read below is served from what it kept
    pd.testing.assert_series_equal(again.series("WALCL"), want_s)
    assert again.series("WALCL").attrs["units"] == "USD bn"
    pd.testing.assert_frame_equal(again.observations("WALCL"), want_obs)
    pd.testing.assert_frame_equal(again.holdings(["mbs"]), want_h)
    pd.testing.assert_frame_equal(again.table("treasury.mspd_detail.2022-01-31"), want_tab)
    pd.testing.assert_frame_equal(again.holdings_dates(), want_dates)
    assert "WALCL" in again.series_ids()


@pytest.mark.parametrize("blind", ["file_state", "write_generation"])
def test_a_vintage_written_in_this_process_is_read(tmp_path: Path, monkeypatch, blind: str):
    """Either half of the key alone catches a new vintage: the file's state (size,
    modification time, inode: a write by another process) and the count of this
    process's commits (a write whose file state looks unchanged)."""
    if blind == "file_state":
        monkeypatch.setattr(dataset_mod, "_file_state", lambda p: None)
    else:
        monkeypatch.setattr(dataset_mod, "write_generation", lambda: 0)
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    ds = Dataset(data_dir=tmp_path)
    assert ds.series("WALCL").loc["2026-08-26"] == pytest.approx(6500.0)
    old_key = ds.cache_key()
    del ds  # a live view holds the store open; the writer needs it closed
    gc.collect()
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-10-01", 6600.0)])
    new = Dataset(data_dir=tmp_path)
    assert new.cache_key() != old_key
    assert new.series("WALCL").loc["2026-08-26"] == pytest.approx(6600.0)
    assert Dataset("2026-09-15", data_dir=tmp_path).series("WALCL").loc["2026-08-26"] == (
        pytest.approx(6500.0)
    )


def test_at_keeps_the_folders(tmp_path: Path):
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    ds = Dataset("2022-05-31", data_dir=tmp_path)
    latest = ds.at(None)
    assert type(latest) is Dataset and latest.as_of is None
    assert latest.series("WALCL").loc["2026-08-26"] == pytest.approx(6500.0)
    assert repr(latest).endswith(f"store={tmp_path / 'qtlab.duckdb'})")
    assert ds.at("2022-05-31").cache_key() == ds.cache_key()
    assert Dataset(use_store=False).at(None)._store_path is None


def test_an_analysis_runs_on_a_plain_dataset_in_a_context_of_its_own():
    """``spec.run(Dataset())`` still works for users: the Dataset is wrapped in a new
    context, closed afterwards; a context given is used as is (and stays open)."""
    from qtlab.analyses import get_analysis

    seen: list[RunContext] = []
    spec = get_analysis("A7")
    real = spec.fn

    def spy(ctx: RunContext, **kw: Any) -> Any:
        seen.append(ctx)
        return real(ctx, **kw)

    from dataclasses import replace

    probe = replace(spec, fn=spy)
    ds = Dataset("2022-05-31", use_store=False)
    res = probe.run(ds, lang="en")
    assert res.id == "A7" and isinstance(seen[0], RunContext)
    assert seen[0].as_of == ds.as_of and "_con" not in vars(seen[0].dataset)  # closed
    with RunContext("2022-05-31", use_store=False) as ctx:
        assert probe.run(ctx, lang="en").id == "A7"
        assert seen[1] is ctx and ctx.dataset.read_series  # recorded in the caller's context


def test_the_dashboard_keeps_one_context_per_vantage_and_state(monkeypatch, tmp_path: Path):
    """The dashboard's results are computed in one RunContext per vantage and state of the
    data: the next request reuses it, a store update starts a new one (no result computed
    before the update is served after it) and the least recently used are closed."""
    # private on purpose: the dashboard's cache is internal to qtlab.app
    from qtlab.app._compute import MAX_CONTEXTS, ResultCache

    monkeypatch.setenv("QTLAB_DATA_DIR", str(tmp_path))
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-09-01", 6500.0)])
    from qtlab.analyses import AnalysisResult, Computed, Table, registry, result

    def walcl(c: RunContext) -> Computed:
        v = pd.DataFrame({"walcl": [c.series("WALCL").loc["2026-08-26"]]})
        return Computed(id="Z1", tables={"z": v})

    def render_z1(c: Computed, lang: str) -> AnalysisResult:
        return AnalysisResult(
            id="Z1", title="z", lang=lang, tables=(Table("z", "z", c.table("z")),)
        )

    registry()  # every module registered before the test's own analysis
    monkeypatch.setitem(result._REGISTRY, "Z1", result.AnalysisSpec("Z1", "test", 999, walcl))
    monkeypatch.setitem(result._RENDERERS, "Z1", render_z1)

    cache = ResultCache()
    ctx = cache.context(None)
    assert cache.context(None) is ctx and cache.context("2022-05-31") is not ctx
    got = cache.get("Z1", {}, None, "en", walcl)
    assert got.table("z")["walcl"].iloc[0] == pytest.approx(6500.0)
    ctx.close()  # the store is written by another command while the page is open
    with Store(tmp_path) as st:
        st.ingest([_walcl("2026-10-01", 6600.0)])
    new = cache.context(None)
    assert new is not ctx
    again = cache.get("Z1", {}, None, "en", walcl)
    assert again.table("z")["walcl"].iloc[0] == pytest.approx(6600.0)
    assert cache.computed == 2
    new.series("WALCL")
    for day in range(1, MAX_CONTEXTS + 1):  # push it out: it is closed
        cache.context(f"2022-05-{day:02d}")
    assert "_con" not in vars(new.dataset)


def test_threads_share_a_context_safely():
    """The dashboard's threads read through one context (one DuckDB connection per view):
    reads from many threads at once equal the same reads one after another."""
    ids = ["WALCL", "WRESBAL", "RRPONTSYD", "WTREGEN", "DGS10", "GDP", "soma.mbs", "WSHOSHO"]
    with RunContext("2022-05-31", use_store=False) as alone:
        want = {i: alone.series(i) for i in ids}
    ctx = RunContext("2022-05-31", use_store=False)
    with ThreadPoolExecutor(8) as pool:
        got = dict(zip(ids, pool.map(ctx.series, ids), strict=True))
        held = list(pool.map(lambda k: ctx.holdings([k]), ["mbs", "bill", "note_bond", "tips"]))
    for i in ids:
        pd.testing.assert_series_equal(got[i], want[i])
    assert all(len(h) > 0 for h in held)
    ctx.close()
