"""The dashboard: its callbacks as plain functions, the optional-extra rule, and a browser test.

The callbacks return Dash components for given inputs; the tests read the figures
and tables inside them and compare them with the report's analysis functions. The
browser test starts the server on a free port in a background thread and drives it
with Debian's headless Chromium (``/usr/bin/chromium``; playwright never downloads a
browser here), like the report's browser test.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dash import dcc, html
from dash.dash_table.DataTable import DataTable

from qtlab.analyses.result import registry
from qtlab.analyses.runoff import b2_treasury_path
from qtlab.app import create_app, serve
from qtlab.app._compute import (
    EXPLORER_IDS,
    ResultCache,
    edited_policy,
    explorer_spec,
    preset_rows,
)
from qtlab.app._layout import (
    LABELS,
    analysis_options,
    browser_view,
    explorer_section,
    explorer_state,
    labels,
    preset_table,
)
from qtlab.errors import DateRangeError, SpecError
from qtlab.policy import load_preset
from qtlab.runs import RunContext
from test_report import CHROMIUM, CJK, needs_chromium

REPO = Path(__file__).resolve().parents[1]
VANTAGE = "2022-05-31"  # the eve of QT2: projections from the 2022 holdings, fast to run


def walk(node: Any) -> Iterator[Any]:
    """Every component in a tree of Dash components (and lists of them)."""
    if isinstance(node, list | tuple):
        for x in node:
            yield from walk(x)
        return
    if node is None or isinstance(node, str | int | float):
        return
    yield node
    yield from walk(getattr(node, "children", None))


def text(node: Any) -> str:
    """All the text in a component tree."""
    if isinstance(node, str):
        return node
    if isinstance(node, list | tuple):
        return " ".join(text(x) for x in node)
    return text(getattr(node, "children", None)) if node is not None else ""


def graphs(node: Any) -> dict[str, Any]:
    return {g.id: g.figure for g in walk(node) if isinstance(g, dcc.Graph)}


def tables(node: Any) -> dict[str, DataTable]:
    return {tb.id: tb for tb in walk(node) if isinstance(tb, DataTable)}


def state(**kw: Any) -> tuple[dict[str, Any] | None, Any]:
    args: dict[str, Any] = {
        "preset": "qt2-realized",
        "rows": None,
        "start": "",
        "months": 12,
        "paydowns": "realized",
        "shock": 0,
        "as_of": VANTAGE,
        "lang": "en",
    }
    args.update(kw)
    return explorer_state(**args)


@pytest.fixture(scope="module")
def cache() -> ResultCache:
    return ResultCache()


# --- the explorer's inputs -----------------------------------------------------------------
def test_preset_rows_round_trip_to_the_preset():
    for name in ("qt1-2017", "qt2-announced", "qt2-realized", "rmp-2025"):
        rows = preset_rows(name)
        assert [r["name"] for r in rows] == [r.name for r in load_preset(name).regimes]
        assert edited_policy(name, rows) == load_preset(name)
    rows, cols = preset_table("qt2-announced", "zh")
    assert rows[0]["treasury_cap"] == 30.0 and rows[0]["start"] == "2022-06"
    assert [c["id"] for c in cols] == [
        "name",
        "start",
        "treasury_cap",
        "agency_cap",
        "bill_purchases",
    ]
    assert all(CJK.search(c["name"]) for c in cols) and not cols[0]["editable"]


def test_edited_caps_and_purchase_pace_reach_the_policy():
    rows = preset_rows("qt2-realized")
    rows[1]["treasury_cap"] = "45"  # typed text, as the table sends it
    rows[-1]["bill_purchases"] = 20
    pol = edited_policy("qt2-realized", rows)
    assert pol.name == "qt2-realized (edited)"
    assert pol.regimes[1].treasury_cap == 45.0 and pol.regimes[-1].bill_purchases == 20.0
    assert pol.cap_path("2022-09", "2022-09")["treasury_cap"].tolist() == [45.0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("treasury_cap", "-5", "treasury_cap=-5.0 must be >= 0"),
        ("agency_cap", "lots", "agency_cap='lots' is not a number"),
        ("start", "2022-13", "start='2022-13' is not a month"),
        ("start", "June 2022", "start='June 2022' is not a month"),
        ("start", "2021-01", "regimes must be in increasing start order"),
    ],
)
def test_bad_regime_input_shows_the_library_error(field: str, value: str, message: str):
    rows = preset_rows("qt2-announced")
    rows[1][field] = value
    with pytest.raises(SpecError) as err:
        edited_policy("qt2-announced", rows)
    assert message in str(err.value)
    spec, status = state(preset="qt2-announced", rows=rows)
    assert spec is None
    assert status.className == "qt-error" and message in text(status)
    assert text(status).startswith("Cannot compute this:")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"start": "2022/07"}, "projection start='2022/07' is not a month"),
        ({"months": 0}, "horizon months=0 must be a whole number from 1 to 600"),
        ({"months": "ten"}, "horizon months='ten'"),
        ({"paydowns": "model", "shock": "x"}, "mortgage-rate shock 'x' must be a finite number"),
        ({"as_of": "2022-02-30"}, "vantage date='2022-02-30' is not a valid date"),
        ({"preset": "qt3"}, "unknown policy preset 'qt3'; valid presets are"),
    ],
)
def test_bad_options_show_the_library_error(kw: dict[str, Any], message: str):
    spec, status = state(**kw)
    assert spec is None and message in text(status)


def test_errors_inside_an_analysis_show_in_its_section(cache: ResultCache):
    spec, _ = state(start="1990-01")  # a valid month, but before the holdings
    out = explorer_section("B2", spec, "en", cache)
    assert out.className == "qt-error"
    assert "B2: start=1990-01 is before the Treasury holdings' as-of date" in text(out)
    spec, status = state(as_of="2999-01-01")
    assert spec is None and "as_of=2999-01-01 is in the future" in text(status)


def test_bad_input_in_chinese_keeps_the_library_message():
    spec, status = state(start="bad", lang="zh")
    assert spec is None and text(status).startswith("无法计算：")
    assert "projection start='bad' is not a month" in text(status)


def test_spec_round_trips_and_maps_options_to_the_analyses():
    spec, status = state(paydowns="model", shock="-100", start="2022-07", months="24")
    assert spec is not None and "qt2-realized" in text(status)
    sp = explorer_spec(
        preset="qt2-realized",
        rows=None,
        start="2022-07",
        months=24,
        mbs_paydowns="model",
        shock_bp=-100,
        as_of=VANTAGE,
    )
    assert sp.to_json() == spec
    assert sp.options("B3") == {"months": 24, "shock_bp": -100.0}
    assert sp.options("B4")["mbs_paydowns"] == "model" and sp.options("B4")["shock_bp"] == -100.0
    # the preset as known at the vantage: the 2024-25 regimes were announced later
    assert sp.options("B2") == {
        "policy": load_preset("qt2-realized").known_at(date.fromisoformat(VANTAGE)),
        "start": "2022-07",
        "months": 24,
    }
    realized, _ = state(shock=50)
    assert realized is not None and realized["shock_bp"] == 0.0  # the shock is for the model only
    with pytest.raises(DateRangeError):
        explorer_spec(
            preset="qt2-realized",
            rows=None,
            start=None,
            months=12,
            mbs_paydowns="realized",
            shock_bp=0,
            as_of="yesterday",
        )


# --- the explorer's results ----------------------------------------------------------------
def test_explorer_runs_the_reports_analysis_functions(cache: ResultCache):
    spec, _ = state(preset="qt2-announced", months=12)
    out = explorer_section("B2", spec, "en", cache)
    figs = graphs(out)
    fig = figs["x-fig-b2_path"]
    assert fig.layout.title.text.startswith(
        "Treasury redemptions and rollovers under qt2-announced"
    )
    direct = b2_treasury_path(RunContext(VANTAGE), policy="qt2-announced", months=12)
    want = direct.figure("b2_path")
    assert [tr.name for tr in fig.data] == [tr.name for tr in want.data]
    assert [list(tr.y) for tr in fig.data] == [list(tr.y) for tr in want.data]
    tabs = tables(out)
    path = tabs["x-tab-b2_path"]
    headers = [c["name"] for c in path.columns]
    assert headers[0] == "month" and "treasury_cap [USD bn]" in headers
    assert len(path.data) == 12 and path.data[0]["month"] == "2022-06"
    cap = direct.table("b2_path")["treasury_cap [USD bn]"].iloc[0]
    assert path.data[0]["treasury_cap [USD bn]"] == f"{cap:,.2f}"  # formatted as in the report
    assert "Notes" in text(out)


def test_edited_cap_changes_the_projection(cache: ResultCache):
    rows = preset_rows("qt2-announced")
    rows[0]["treasury_cap"] = 0  # no Treasury runoff in the phase-in months
    spec, _ = state(preset="qt2-announced", rows=rows, months=6)
    out = tables(explorer_section("B2", spec, "en", cache))["x-tab-b2_path"]
    assert [r["treasury_cap [USD bn]"] for r in out.data[:3]] == ["0.00"] * 3
    assert all(r["coupon_redemptions [USD bn]"] == "0.00" for r in out.data[:3])


def test_model_paydowns_with_a_rate_shock_reach_b3_and_b4(cache: ResultCache):
    left = {}
    for shock in (0, -100):
        spec, _ = state(paydowns="model", shock=shock, months=12)
        out = explorer_section("B4", spec, "en", cache)
        b4 = tables(out)["x-tab-b4_portfolio"]
        left[shock] = float(b4.data[-1]["mbs [USD bn]"].replace(",", ""))
        assert ("mortgage rates -100 bp from the vantage date's level" in text(out)) == bool(shock)
    # rates 1 pp lower: faster prepayments, less MBS left after a year
    assert left[-100] < left[0] - 5
    spec, _ = state(paydowns="model", shock=-50, months=12)
    b3 = tables(explorer_section("B3", spec, "en", cache))["x-tab-b3_paydowns"]
    assert "paydowns_-50bp [USD bn]" in [c["name"] for c in b3.columns]


def test_every_explorer_section_renders_in_chinese(cache: ResultCache):
    spec, _ = state(months=6, lang="zh")
    for aid in EXPLORER_IDS:
        out = explorer_section(aid, spec, "zh", cache)
        assert isinstance(out, html.Section) and out.id == f"x-{aid.lower()}"
        assert CJK.search(text(out.children[0])), aid
        assert graphs(out) and tables(out)
    assert explorer_section("B2", None, "en", cache) is None


def test_results_are_cached_per_analysis_options_vantage_and_language():
    c = ResultCache()
    spec, _ = state(months=6)
    explorer_section("B2", spec, "en", c)
    explorer_section("B2", spec, "en", c)
    assert c.computed == 1
    explorer_section("B2", spec, "zh", c)
    spec7, _ = state(months=7)
    explorer_section("B2", spec7, "en", c)
    assert c.computed == 3 and len(c) == 3


def test_concurrent_requests_for_one_result_compute_it_once():
    c = ResultCache()
    spec, _ = state(months=6)
    outs: list[Any] = []
    threads = [
        threading.Thread(target=lambda: outs.append(explorer_section("B1", spec, "en", c)))
        for _ in range(3)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert c.computed == 1 and len(outs) == 3


# --- the analysis browser ------------------------------------------------------------------
def test_browser_offers_every_registered_analysis():
    ids = [o["value"] for o in analysis_options("en")]
    assert ids == [s.id for s in registry()]
    zh = {o["value"]: o["label"] for o in analysis_options("zh")}
    assert CJK.search(zh["B2"])


def test_browser_shows_an_analysis_as_the_report_does(cache: ResultCache):
    out = browser_view("A3", VANTAGE, "zh", cache)
    assert isinstance(out, html.Section) and out.id == "br-a3"
    assert "资产负债表规模与经济总量之比" in text(out.children[0])
    assert graphs(out) and tables(out)
    assert "要点" in text(out)  # the report's heading for notes


def test_browser_errors_show_in_the_page(cache: ResultCache):
    assert "unknown analysis 'Z9'" in text(browser_view("Z9", None, "en", cache))
    assert "is not a valid date" in text(browser_view("A3", "31/05/2022", "en", cache))
    assert browser_view(None, None, "en", cache) is None


# --- the page -------------------------------------------------------------------------------
def test_labels_exist_in_both_languages():
    en, zh = labels("en"), labels("zh")
    assert len(en) == len(zh) == len(LABELS)
    assert all(CJK.search(z) for z in zh) and not any(CJK.search(e) for e in en)
    with pytest.raises(SpecError):
        labels("fr")


def test_app_is_offline_and_wires_every_callback():
    app = create_app("zh", VANTAGE)
    assert app.config.serve_locally and not app.config.external_scripts
    ids = {c.id for c in walk(app.layout) if getattr(c, "id", None)}
    assert {"preset", "regimes", "vantage", "lang", "analysis-id", "browser-out"} <= ids
    assert {f"out-{a.lower()}" for a in EXPLORER_IDS} <= ids
    outputs = " ".join(app.callback_map)
    for target in ("out-b1.children", "out-b4.children", "browser-out.children", "regimes.data"):
        assert target in outputs
    vantage = next(c for c in walk(app.layout) if getattr(c, "id", None) == "vantage")
    assert vantage.value == VANTAGE
    with pytest.raises(SpecError):
        create_app("fr")
    with pytest.raises(DateRangeError):
        create_app("en", "2022-31-05")


def test_core_and_report_work_without_dash_and_the_dashboard_names_the_extra():
    code = (
        "import sys; sys.modules['dash'] = None\n"
        "import qtlab.cli, qtlab.report, qtlab.app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(qtlab.cli.app, ['dashboard', '--port', '0'])\n"
        "print(r.exit_code); print(r.output)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO / "src",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    code_line, *rest = res.stdout.splitlines()
    assert code_line == "1"
    assert "qtlab[app]" in " ".join(rest) and "'app' extra" in " ".join(rest)


def test_cli_rejects_a_bad_language():
    from typer.testing import CliRunner

    from qtlab.cli import app

    r = CliRunner().invoke(app, ["dashboard", "--lang", "fr", "--port", "0"])
    assert r.exit_code == 2 and "unknown language lang='fr'" in r.output


# --- the browser test -----------------------------------------------------------------------
B2_TITLE = "document.querySelector('#x-fig-b2_path .gtitle')"


@needs_chromium
def test_dashboard_in_headless_chromium(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    server = serve(create_app("en", VANTAGE), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on(
                    "request",
                    lambda r: None if r.url.startswith(url) else errors.append(f"off-line {r.url}"),
                )
                page.goto(url)
                page.wait_for_function(
                    f"{B2_TITLE} && {B2_TITLE}.textContent.includes('qt2-realized')",
                    timeout=45_000,
                )
                n_traces = page.evaluate(
                    "document.querySelector('#x-fig-b2_path .js-plotly-plot')._fullData.length"
                )
                # change the preset: the B2 figure follows
                page.click("#preset")
                page.get_by_text("qt2-announced", exact=True).click()
                page.wait_for_function(
                    f"{B2_TITLE}.textContent.includes('qt2-announced')", timeout=30_000
                )
                caps = page.evaluate(  # Array.from: plotly.js may hold y as a typed array
                    "Array.from(document.querySelector('#x-fig-b2_path .js-plotly-plot')"
                    "._fullData.find(t => t.name === 'Treasury cap').y.slice(0, 4))"
                )
                assert caps == [30, 30, 30, 60]  # qt2-announced's phase-in, then full pace
                # switch to Chinese: the words and the figures
                page.locator("#lang input[value='zh']").check()
                page.wait_for_function(
                    f"/[\\u4e00-\\u9fff]/.test({B2_TITLE}.textContent)", timeout=30_000
                )
                title = page.locator("#app-title").text_content() or ""
                tab = page.locator("#tab-explorer").text_content() or ""
                page.screenshot(path=str(tmp_path / "dashboard-zh.png"))
            finally:
                browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert errors == []
    assert n_traces >= 4
    assert title.startswith("qtlab 仪表盘") and CJK.search(tab)
    assert (tmp_path / "dashboard-zh.png").stat().st_size > 10_000
    assert re.search(r"[\u4e00-\u9fff]", title)
