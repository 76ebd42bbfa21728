"""The ``qtlab data`` commands, run through typer's CliRunner on the real snapshot.

Expected numbers come from data/raw (SOURCES.md "Checks done" and
fred/MANIFEST.md).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from _endpoints import OfficialEndpoints
from _helpers import assert_store_unchanged, flat, run_cli, store_contents
from qtlab.schema import HOLDING_KINDS, KIND_TOTAL_KEYS, SERIES
from qtlab.sources import cbo, fred, nyfed
from qtlab.store import Store
from qtlab.store.snapshot import load_manifest

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "index (Jan 2000=100)"; "EUR bn": the ECB's programmes (A8), never converted to dollars
UNITS = re.compile(r"^(USD bn|EUR bn|percent|index)( \([^)]+\))?$")


def _status(*args: str) -> dict[str, Any]:
    res = run_cli("data", "status", "--json", *args)
    assert res.exit_code == 0, res.output
    out: dict[str, Any] = json.loads(res.stdout)  # the JSON alone is on stdout
    return out


# --------------------------------------------------------------------------- status --json


def test_status_json_contract() -> None:
    rep = _status()
    assert list(rep) == [
        "schema_version",
        "command",
        "as_of",
        "options",
        "units",
        "rows",
        "summary",
        "assumptions",
        "snapshot",
        "holdings",
        "tables",
    ]
    assert rep["schema_version"] == 2 and rep["command"] == "data status"
    assert rep["units"]["rows"] == "dimensionless"
    assert rep["as_of"] is None
    manifest = load_manifest()
    assert manifest is not None
    assert rep["snapshot"]["datasets"] == len(manifest.datasets)

    keys = {"id", "source", "units", "first", "last", "rows", "vintage", "vintages", "kind"}
    for s in rep["rows"]:
        assert set(s) == keys, s
        assert isinstance(s["id"], str) and isinstance(s["source"], str)
        assert UNITS.match(s["units"]), s
        assert ISO.match(s["first"]) and ISO.match(s["last"]) and ISO.match(s["vintage"])
        assert s["first"] <= s["last"]
        assert isinstance(s["rows"], int) and s["rows"] > 0
        assert s["kind"] in ("observed", "projection")
    ids = {s["id"] for s in rep["rows"]}
    shipped = {sid for e in manifest.datasets for sid in e.series}
    assert ids == shipped  # every series of the snapshot is listed, nothing else
    by_id = {s["id"]: s for s in rep["rows"]}
    # fred/MANIFEST.md: WALCL 2002-12-18 .. 2026-08-19, 1236 rows, millions -> USD bn
    assert (by_id["WALCL"]["first"], by_id["WALCL"]["last"]) == ("2002-12-18", "2026-08-19")
    assert by_id["WALCL"]["rows"] == 1236
    assert by_id["WALCL"]["units"] == SERIES["WALCL"].units == "USD bn"
    assert by_id["DGS10"]["units"] == "percent"
    # SOURCES.md: the SOMA summary runs 2003-07-09 .. 2026-03-11, 1184 weeks
    assert (by_id["soma.bills"]["first"], by_id["soma.bills"]["last"]) == (
        "2003-07-09",
        "2026-03-11",
    )
    assert by_id["soma.bills"]["rows"] == 1184

    valid_keys = set(KIND_TOTAL_KEYS.values())
    assert valid_keys == {"bills", "notes_bonds", "tips", "frn", "mbs", "cmbs", "agency"}
    assert len(valid_keys) == len(HOLDING_KINDS)
    holdings = {h["as_of"]: h for h in rep["holdings"]}
    assert sorted(holdings) == [
        "2017-10-04",
        "2022-02-16",
        "2022-04-20",
        "2022-05-11",
        "2024-10-02",
    ]
    for h in rep["holdings"]:
        assert set(h) == {"as_of", "rows", "totals_bn"}
        assert set(h["totals_bn"]) <= valid_keys
        assert all(isinstance(v, float) for v in h["totals_bn"].values())
    # SOURCES.md "Checks done": CUSIP sums of 2022-02-16 [USD bn], rows 1076
    tsy = holdings["2022-02-16"]
    assert tsy["rows"] == 1076
    expected = {
        "bills": 326.044,
        "notes_bonds": 4923.673452,
        "tips": 385.089412,
        "frn": 29.152661,
        "agency": 2.347,
        "cmbs": 9.076680,
    }
    assert tsy["totals_bn"] == pytest.approx(expected, abs=1e-6)  # mbs absent: omitted
    assert holdings["2024-10-02"]["totals_bn"] == pytest.approx({"mbs": 2273.971}, abs=1e-3)
    assert holdings["2017-10-04"]["rows"] == 40341

    assert rep["tables"] == [
        {
            "dataset": "treasury.mspd_detail.2022-01-31",
            "source": "treasury",
            "as_of": "2022-01-31",
            "rows": 427,
            "vintage": "2022-01-31",
            "layer": "snapshot",
        }
    ]


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_status_as_of_cuts_the_data() -> None:
    rep = _status("--as-of", "2022-05-31")
    assert rep["as_of"] == "2022-05-31"
    assert all(s["last"] <= "2022-05-31" or s["kind"] == "projection" for s in rep["rows"])
    by_id = {s["id"]: s for s in rep["rows"]}
    assert by_id["WALCL"]["last"] == "2022-05-25"  # the last Wednesday before
    assert by_id["soma.bills"]["last"] == "2022-05-25"
    # projections: only vintages published by then (the March 2022 SEP, not 2026's)
    assert by_id["FEDTARMD"]["vintage"] == "2022-03-16"
    assert by_id["cbo.baseline.debt"]["vintage"] == "2022-05-01"
    assert "fomc.sep" not in json.dumps(rep)  # dataset names are not series ids
    assert [h["as_of"] for h in rep["holdings"]] == [
        "2017-10-04",
        "2022-02-16",
        "2022-04-20",
        "2022-05-11",
    ]
    assert [t["dataset"] for t in rep["tables"]] == ["treasury.mspd_detail.2022-01-31"]
    # before the MSPD record date the table is not visible yet
    assert _status("--as-of", "2022-01-30")["tables"] == []


def test_status_future_as_of_exits_2() -> None:
    future = (date.today() + timedelta(days=1)).isoformat()
    res = run_cli("data", "status", "--json", "--as-of", future)
    assert res.exit_code == 2
    assert res.stdout == ""
    msg = flat(res.stderr)
    assert f"as_of={future} is in the future" in msg
    assert f"give a date on or before {date.today().isoformat()}" in msg


def test_status_bad_as_of_exits_2() -> None:
    res = run_cli("data", "status", "--as-of", "2022-02-30")
    assert res.exit_code == 2
    assert "as_of='2022-02-30' is not a valid date" in flat(res.stderr)


@pytest.mark.slow  # end to end; the lowest-versions run skips it
def test_status_table_output_lists_every_part() -> None:
    res = run_cli("data", "status", "--as-of", "2022-05-31")
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert "Series (as of 2022-05-31)" in text
    assert "SOMA holdings by CUSIP [USD bn]" in text
    assert "Tables" in text and "treasury.mspd_detail.2022-01-31" in text
    # at 80 columns the holdings table is folded in two parts, each starting with as_of
    assert re.search(r"2022-02-16\s+1,076\s+326\.0\s+4,923\.7\s+385\.1\s+29\.2\s+9\.1", text)
    assert re.search(r"2022-02-16\s+2\.3", text)
    assert "2024-10-02" not in text


# --------------------------------------------------------------------------- update offline


@pytest.fixture
def filled_store(raw_data: Path, tmp_path: Path) -> Path:
    """A store holding real data: WALCL (FRED), the SOMA summary and CBO actuals."""
    d = tmp_path / "store"
    with Store(d) as st:
        st.ingest([fred.read_fred_csv(raw_data / "fred" / "WALCL.csv", vintage=date(2026, 8, 20))])
        st.ingest(
            [nyfed.read_soma_summary(raw_data / "soma/soma_summary_2003-07-09_2026-03-11.json")]
        )
        st.ingest([cbo.read_cbo_actuals(raw_data / "cbo/cbo_actuals_by_fiscal_year.csv")])
    return d


def test_store_snapshot_sees_a_change(filled_store: Path, raw_data: Path) -> None:
    before = store_contents(filled_store)
    assert_store_unchanged(filled_store, before)
    with Store(filled_store) as st:
        st.ingest([fred.read_fred_csv(raw_data / "fred" / "WSHOMCB.csv", vintage=date.today())])
    with pytest.raises(AssertionError, match="observations"):
        assert_store_unchanged(filled_store, before)


def test_update_offline_exits_1_names_sources_and_loses_nothing(
    filled_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store_contents(filled_store)
    assert len(before["observations"]) > 1000 and len(before["provenance"]) == 3
    requests: list[str] = []

    def offline(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", offline)
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda s: None)  # no real back-off waits

    res = run_cli("data", "update", "--data-dir", str(filled_store))
    assert res.exit_code == 1, res.output
    msg = flat(res.stderr)
    hosts = {
        "fred": "https://fred.stlouisfed.org/graph/fredgraph.csv",
        "nyfed": "https://markets.newyorkfed.org/api/soma/",
        "treasury": "https://api.fiscaldata.treasury.gov/",
        "cbo": "https://raw.githubusercontent.com/US-CBO/eval-projections/",
        "freddie": "https://www.freddiemac.com/pmms/docs/historicalweeklydata.xlsx",
        "fomc": "https://fred.stlouisfed.org/graph/fredgraph.csv",
        "philly": "https://www.philadelphiafed.org/-/media/frbp/assets/surveys-and-data/",
    }
    for source, url in hosts.items():
        m = re.search(
            rf"failed {source}: could not connect \(ConnectError: [^)]*\); are you offline\?"
            rf".*?\(url: ({re.escape(url)}\S*)\) nothing was changed for {source}",
            msg,
        )
        assert m, f"no offline message for {source} in: {msg}"
    assert "ok " not in msg
    assert "fredgraph.csv?id=" in msg  # the FRED error names the series requested
    # every attempt went to the network and was retried (4 attempts per request)
    assert len(requests) == 4 * len(hosts)
    assert_store_unchanged(filled_store, before)


def test_update_offline_one_source_and_unknown_source(
    filled_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("network is unreachable", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", offline)
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda s: None)
    res = run_cli("data", "update", "--source", "cbo", "--data-dir", str(filled_store))
    assert res.exit_code == 1
    msg = flat(res.stderr)
    assert "failed cbo" in msg and "failed fred" not in msg
    assert "raw.githubusercontent.com/US-CBO/eval-projections/main/input_data/baselines.csv" in msg

    res = run_cli("data", "update", "--source", "ecb", "--data-dir", str(filled_store))
    assert res.exit_code == 2
    msg = flat(res.stderr)
    assert "unknown source 'ecb'" in msg and "'fred'" in msg and "'fomc'" in msg


def test_update_online_writes_the_store(
    raw_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's success path: every request answered by the mock official endpoints."""
    endpoints = OfficialEndpoints(raw_data)

    def serve(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        request.read()
        return endpoints(request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", serve)
    d = tmp_path / "store"
    res = run_cli("data", "update", "--source", "cbo", "--source", "treasury", "--data-dir", str(d))
    assert res.exit_code == 0, res.output
    msg = flat(res.stderr)
    assert "ok cbo: 3 datasets" in msg and "ok treasury: 1 dataset," in msg
    assert f"store: {d / 'qtlab.duckdb'}" in msg
    assert {r.url.host for r in endpoints.requests} == {
        "raw.githubusercontent.com",
        "api.fiscaldata.treasury.gov",
    }
    rep = _status("--data-dir", str(d))
    by_id = {s["id"]: s for s in rep["rows"]}
    assert by_id["cbo.actual.gdp"]["vintages"] == 2  # the snapshot's and today's
    assert by_id["mspd.bills.total"]["vintages"] == 2
