"""``update()`` end to end: every source fetched from mock official endpoints serving
data/raw, written to a store that then overlays the snapshot, vintages kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from _endpoints import OfficialEndpoints, replace_once
from qtlab.sources import fred
from qtlab.store import Dataset, Store, update
from qtlab.store.status import status_report

#: WALCL on 2026-08-19 in data/raw/fred/WALCL.csv [USD mn]
WALCL_LAST = "2026-08-19,6745699"


@pytest.fixture
def fred_ids(raw_data: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """Only the glossary's FRED ids that data/raw holds (not WCURCIR, WLRRAL ...)."""
    held = tuple(i for i in update.FRED_IDS if (raw_data / "fred" / f"{i}.csv").is_file())
    assert "WALCL" in held and "WCURCIR" not in held
    monkeypatch.setattr(update, "FRED_IDS", held)
    monkeypatch.setattr(update, "SEP_IDS", ("FEDTARMD",))  # FEDTARMDLR is not in sep/
    return held


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_update_every_source_then_dataset_overlays_snapshot(
    raw_data: Path, tmp_path: Path, fred_ids: tuple[str, ...]
) -> None:
    endpoints = OfficialEndpoints(raw_data)
    today = datetime.now(UTC).date()
    with Store(tmp_path) as st, endpoints.client() as client:
        outcomes = update.update(st, client=client)
        assert [(o.source, o.ok, o.error) for o in outcomes] == [
            (s, True, None) for s in update.SOURCES
        ]
        by_source = {o.source: o for o in outcomes}
        assert len(by_source["fred"].datasets) == len(fred_ids)
        assert by_source["nyfed"].datasets == ("soma_summary", "soma_holdings", "soma_holdings")
        # the SOMA holdings of 2022-02-16: 1076 CUSIPs (SOURCES.md), Treasury + agency groups
        n_holdings = st.connection.execute("SELECT count(*) FROM holdings").fetchone()
        assert n_holdings == (1076,)
        assert st.vintages("WALCL") == [today]
        assert st.vintages("pmms.frm30") == [today]
        assert st.vintages("soma.bills") == [date(2026, 3, 11)]  # the summary's last week
        prov = st.provenance().set_index("dataset")
    # every request went to an official endpoint in its own shape, and was served
    hosts = {r.url.host for r in endpoints.requests}
    assert hosts == {
        "fred.stlouisfed.org",
        "markets.newyorkfed.org",
        "api.fiscaldata.treasury.gov",
        "raw.githubusercontent.com",
        "www.freddiemac.com",
        "www.philadelphiafed.org",
    }
    assert endpoints.paths("markets.newyorkfed.org")[-2:] == [
        "/api/soma/tsy/get/asof/2022-02-16.csv",
        "/api/soma/agency/get/asof/2022-02-16.csv",
    ]
    assert prov.loc["fred.WALCL", "url"] == (
        "https://fred.stlouisfed.org/graph/fredgraph.csv?id=WALCL"
    )

    # the store overlays the snapshot: the latest view shows the fetched vintage ...
    latest = Dataset(data_dir=tmp_path)
    snap = Dataset(use_store=False)
    cat = {s.id: s for s in latest.catalog()}
    assert cat["WALCL"].vintages == 2 and cat["WALCL"].vintage == today
    assert cat["WALCL"].rows == 1236  # same dates as the snapshot: nothing counted twice
    pd.testing.assert_series_equal(latest.series("WALCL"), snap.series("WALCL"), check_like=True)
    # the May 2022 CBO baseline is the same whichever layer it comes from
    may22 = Dataset("2022-05-31", data_dir=tmp_path).series("cbo.baseline.debt")
    assert may22.loc["2022-09-30"] == pytest.approx(24172.581)
    # ... holdings are not double counted (same as-of date in both layers)
    rep = status_report(latest)
    h = {x["as_of"]: x for x in rep["holdings"]}
    assert h["2022-02-16"]["rows"] == 1076
    assert h["2022-02-16"]["totals_bn"]["bills"] == pytest.approx(326.044, abs=1e-6)
    # ... and as of yesterday nothing fetched today is visible
    if today > date(2026, 8, 20):  # after the snapshot's last FRED vintage
        y = today - timedelta(days=1)
        before = {s.id: s for s in Dataset(y, data_dir=tmp_path).catalog()}
        assert before["WALCL"].vintage == date(2026, 8, 19)
        assert before["pmms.frm30"].vintage == date(2026, 4, 2)


def test_second_update_keeps_both_vintages(
    raw_data: Path, tmp_path: Path, fred_ids: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(update, "FRED_IDS", ("WALCL",))
    day1, day2 = date(2026, 9, 1), date(2026, 10, 1)
    revised = "2026-08-19,6700000"

    def fetch_on(day: date, endpoints: OfficialEndpoints) -> None:
        monkeypatch.setattr(
            fred, "utcnow", lambda: datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
        )
        with Store(tmp_path) as st, endpoints.client() as client:
            (outcome,) = update.update(st, ["fred"], client=client)
        assert outcome.ok and outcome.rows == 1236, outcome

    fetch_on(day1, OfficialEndpoints(raw_data))
    edit = {"WALCL": lambda t: replace_once(t, WALCL_LAST, revised)}
    fetch_on(day2, OfficialEndpoints(raw_data, fred_edit=edit))

    with Store(tmp_path, read_only=True) as st:
        assert st.vintages("WALCL") == [day1, day2]
    when = pd.Timestamp("2026-08-19")
    # 6745699 mn -> 6745.699 bn (first fetch) and the revision 6700.000 bn
    assert Dataset("2026-09-15", data_dir=tmp_path).series("WALCL")[when] == pytest.approx(6745.699)
    assert Dataset("2026-10-01", data_dir=tmp_path).series("WALCL")[when] == pytest.approx(6700.0)
    assert Dataset(data_dir=tmp_path).series("WALCL")[when] == pytest.approx(6700.0)
    # before either fetch: the snapshot's copy (vintage 2026-08-19)
    assert Dataset("2026-08-20", data_dir=tmp_path).series("WALCL")[when] == pytest.approx(6745.699)
    obs = Dataset(data_dir=tmp_path).observations("WALCL")
    assert obs.loc[obs["date"] == when, "vintage"].tolist() == [pd.Timestamp(day2)]
    other = Dataset("2026-09-15", data_dir=tmp_path).series("WALCL")
    assert other[pd.Timestamp("2026-08-12")] == pytest.approx(6759.955)  # unchanged dates agree


def test_update_source_failing_midway_keeps_the_store(
    raw_data: Path, tmp_path: Path, fred_ids: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id the server does not know (404) fails the FRED source after some series were
    fetched: none of them is written, and the other sources still update."""
    monkeypatch.setattr(update, "FRED_IDS", ("WALCL", "WLRRAL"))
    with Store(tmp_path) as st, OfficialEndpoints(raw_data).client() as client:
        outcomes = update.update(st, ["fred", "cbo"], client=client)
        assert [(o.source, o.ok) for o in outcomes] == [("fred", False), ("cbo", True)]
        assert "WLRRAL" in (outcomes[0].error or "")
        assert st.vintages("WALCL") == []
        assert st.vintages("cbo.actual.gdp") != []


def test_soma_holdings_csv_and_json_forms_agree(raw_data: Path) -> None:
    """What update() fetches (CSV) equals the JSON form and the CUSIP file, per API group."""
    from qtlab.errors import DateRangeError
    from qtlab.sources import nyfed

    whole = nyfed.read_soma_holdings(raw_data / "soma/soma_tsy_agency_cmbs_2022-02-16.csv")
    with OfficialEndpoints(raw_data).client() as client:
        for group, kinds in (
            ("treasury", {"bill", "note_bond", "tips", "frn"}),
            ("agency", {"agency", "cmbs"}),  # no MBS file for 2022-02-16
        ):
            csv_form = nyfed.get_soma_holdings("2022-02-16", group=group, fmt="csv", client=client)
            json_form = nyfed.get_soma_holdings("2022-02-16", group=group, client=client)
            pd.testing.assert_frame_equal(csv_form.data, json_form.data)
            want = whole.data[whole.data["kind"].isin(kinds)].reset_index(drop=True)
            assert set(csv_form.data["kind"]) == kinds
            pd.testing.assert_frame_equal(csv_form.data, want)
        # a Wednesday without a file: the API's empty answer
        with pytest.raises(DateRangeError, match="no SOMA treasury holdings as of 2022-02-09"):
            nyfed.get_soma_holdings("2022-02-09", group="treasury", fmt="csv", client=client)
