"""The dashboard: its callbacks as plain functions, the optional-extra rule, and a browser test.

The callbacks return Dash components for given inputs; the tests read the figures
and tables inside them and compare them with the report's analysis functions. The
browser test starts the server on a free port in a background thread and drives it
with Debian's headless Chromium (``/usr/bin/chromium``; playwright never downloads a
browser here), like the report's browser test.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import dash_ag_grid as dag
import pandas as pd
import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate

from _legibility import LEGIBILITY_JS, MONTHLY_POINTS, MONTHS_JS
from qtlab.analyses.result import get_analysis, registry
from qtlab.app import create_app, serve

# private on purpose: the dashboard's callbacks and state are internal to qtlab.app
from qtlab.app._callbacks import _on_lang, regime_rows, restore
from qtlab.app._compute import (
    EXPLORER_IDS,
    ExplorerSpec,
    ResultCache,
    edited_policy,
    explorer_result,
    explorer_spec,
    preset_rows,
)
from qtlab.app._layout import (
    LABELS,
    analysis_options,
    browser_view,
    compare_view,
    explorer_section,
    explorer_state,
    labels,
    layout,
    preset_options,
    preset_table,
)
from qtlab.app._policy_edit import (
    MONEY_FIELDS,
    added_row,
    policy_rows,
    shown_rows,
    stored_row,
)
from qtlab.app._url import from_search, to_search
from qtlab.errors import DateRangeError, SpecError
from qtlab.i18n import t
from qtlab.policy import PRESET_NAMES, load_preset
from qtlab.present import policy_label
from qtlab.present.labels import scenario_label
from qtlab.present.localize import column_label, localized_table
from qtlab.runs import RunContext
from qtlab.runs.baseline import baseline
from qtlab.runs.forward import start_month
from qtlab.runs.inputs import load_inputs
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


@dataclass
class Grid:
    """A grid's headers and its rows keyed by header (values as the grid holds them)."""

    headers: list[str]
    data: list[dict[str, Any]]


def shown(key: str) -> str:
    """The English header a grid shows for a table's column ``key`` (``month`` -> ``Month``)."""
    label = column_label(key, "en")[0]
    assert isinstance(label, str) and label != key, key
    return label


def tables(node: Any) -> dict[str, Grid]:
    """The grids in a component tree by table id, read back by header."""
    out = {}
    for g in walk(node):
        if isinstance(g, dag.AgGrid) and g.id != "regimes":
            names = {c["field"]: c["headerName"] for c in g.columnDefs}
            rows = [{names[k]: v for k, v in r.items()} for r in g.rowData]
            out[g.id] = Grid(list(names.values()), rows)
    return out


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
    assert [c["field"] for c in cols] == [
        "name",
        "start",
        "treasury_cap",
        "agency_cap",
        "bill_purchases",
        "source",
    ]
    assert all(CJK.search(c["headerName"]) for c in cols)
    # a preset regime's name and source are read-only; an added regime's name is typed
    assert cols[0]["editable"] == {"function": "params.data.added === true"}
    assert "editable" not in cols[-1]
    assert rows[0]["source"].endswith("(2022-05-04)") and rows[0]["preset"] == "qt2-announced"


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
        ("treasury_cap", "-5", "Treasury cap = -5 USD bn/month is not valid"),
        ("agency_cap", "lots", "agency cap = 'lots' is not valid"),
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


def test_an_edited_policy_at_a_past_vantage_keeps_no_later_official_regime():
    """Vantage rule: editing qt2-realized on the eve of QT2 must not bring back the regimes
    announced in 2024-25 with their citations; the edited regime is a user scenario."""
    rows = preset_rows("qt2-realized")
    rows[1]["treasury_cap"] = 45  # qt2-full-pace, announced 2022-05-04
    rows[3]["agency_cap"] = 20  # qt2-slowest, announced 2025-03-19: now the user's
    sp = explorer_spec(
        preset="qt2-realized",
        rows=rows,
        start=None,
        months=12,
        mbs_paydowns="realized",
        shock_bp=0,
        as_of=VANTAGE,
    )
    names = [r.name for r in sp.policy.regimes]
    assert names == ["qt2-phase-in", "qt2-full-pace", "qt2-slowest"]
    assert all(r.announced <= date.fromisoformat(VANTAGE) for r in sp.policy.regimes)
    assert sp.policy.regimes[1].source.is_user and sp.policy.regimes[2].source.is_user
    assert not sp.policy.regimes[0].source.is_user


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
    assert spec is not None
    # the policy projected as a table, never a repr: the regimes announced by the vantage
    shown = tables(status)["x-policy"]
    assert shown.headers == [
        "Regime",
        "Start month",
        "Treasury cap [USD bn/month]",
        "Agency cap [USD bn/month]",
        "Reserve-management bill purchases [USD bn/month]",
        "Source",
    ]
    assert [r["Regime"] for r in shown.data] == ["QT2 phase-in", "QT2 at full pace"]
    assert shown.data[1]["Treasury cap [USD bn/month]"] == 60.0
    assert all(r["Source"].endswith("(2022-05-04)") for r in shown.data)
    assert "Policy(" not in repr(status)
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
    ctx = RunContext(VANTAGE)
    assert sp.options("B3", ctx) == {"months": 24, "shock_bp": -100.0}
    b4 = sp.options("B4", ctx)
    assert b4["mbs_paydowns"] == "model" and b4["shock_bp"] == -100.0
    # the preset as known at the vantage: the 2024-25 regimes were announced later
    known = load_preset("qt2-realized").known_at(date.fromisoformat(VANTAGE))
    assert sp.policy == known == sp.preset_policy and not sp.edited
    b2 = sp.options("B2", ctx)
    assert (b2["start"], b2["months"]) == ("2022-07", 24)
    # from the start month on, the chosen policy; before it, the realized one known then
    caps = ["treasury_cap", "agency_cap", "bill_purchases"]
    got, want = (p.cap_path("2022-06", "2022-12")[caps] for p in (b2["policy"], known))
    assert got.equals(want)
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
        "Treasury redemptions and rollovers under QT2 as announced (May 2022)"
    )
    direct = get_analysis("B2").run(RunContext(VANTAGE), policy="qt2-announced", months=12)
    want = direct.figure("b2_path")
    assert [tr.name for tr in fig.data] == [tr.name for tr in want.data]
    assert [list(tr.y) for tr in fig.data] == [list(tr.y) for tr in want.data]
    tabs = tables(out)
    path = tabs["x-tab-b2_path"]
    headers = path.headers
    assert headers[0] == shown("month") and shown("treasury_cap [USD bn]") in headers
    assert len(path.data) == 12 and path.data[0][shown("month")] == "2022-06"
    cap = direct.table("b2_path")["treasury_cap [USD bn]"].iloc[0]
    assert path.data[0][shown("treasury_cap [USD bn]")] == round(cap, 2)  # rounded as in the report
    assert "Notes" in text(out)


def test_edited_cap_changes_the_projection(cache: ResultCache):
    rows = preset_rows("qt2-announced")
    rows[0]["treasury_cap"] = 0  # no Treasury runoff in the phase-in months
    spec, _ = state(preset="qt2-announced", rows=rows, months=6)
    out = tables(explorer_section("B2", spec, "en", cache))["x-tab-b2_path"]
    assert [r[shown("treasury_cap [USD bn]")] for r in out.data[:3]] == [0.0] * 3
    assert all(r[shown("coupon_redemptions [USD bn]")] == 0.0 for r in out.data[:3])


def test_model_paydowns_with_a_rate_shock_reach_b3_and_b4(cache: ResultCache):
    left = {}
    for shock in (0, -100):
        spec, _ = state(paydowns="model", shock=shock, months=12)
        out = explorer_section("B4", spec, "en", cache)
        b4 = tables(out)["x-tab-b4_portfolio"]
        left[shock] = b4.data[-1][shown("mbs [USD bn]")]
        assert ("mortgage rates -100 bp from the vantage date's level" in text(out)) == bool(shock)
    # rates 1 pp lower: faster prepayments, less MBS left after a year
    assert left[-100] < left[0] - 5
    spec, _ = state(paydowns="model", shock=-50, months=12)
    b3 = tables(explorer_section("B3", spec, "en", cache))["x-tab-b3_paydowns"]
    assert shown("paydowns_-50bp [USD bn]") in b3.headers


def test_every_explorer_section_renders_in_chinese(cache: ResultCache):
    spec, _ = state(months=6, lang="zh")
    for aid in EXPLORER_IDS:
        out = explorer_section(aid, spec, "zh", cache)
        assert isinstance(out, html.Section) and out.id == f"x-{aid.lower()}"
        assert CJK.search(text(out.children[0])), aid
        assert graphs(out) and tables(out)
    assert explorer_section("B2", None, "en", cache) is None


def test_explorer_starts_where_f1_starts(cache: ResultCache):
    """At the latest data the explorer projects from F1's first month (the month after the
    latest data), not from the month after the newest holdings-by-CUSIP file."""
    spec, _ = state(as_of="", months=6)
    out = tables(explorer_section("B2", spec, "en", cache))["x-tab-b2_path"]
    ctx = RunContext()
    first = start_month(ctx, load_inputs(ctx, horizon=12))[1]
    newest_cusip = pd.Period(ctx.holdings_dates()["as_of"].max(), freq="M")
    assert out.data[0][shown("month")] == str(first)
    assert first > newest_cusip + 1  # the holdings are carried forward to the latest data
    assert len(out.data) == 6
    # the preset agrees with the realized policy before the start: its regime runs on as is
    assert out.data[0][shown("regime")] == policy_label("qt2-end-rmp", "en")


def test_c2_and_c3_run_on_the_edited_policy(cache: ResultCache):
    rows = preset_rows("qt2-announced")
    for r in rows:  # no runoff at all: every cap at zero
        r["treasury_cap"] = r["agency_cap"] = 0
    edited, _ = state(preset="qt2-announced", rows=rows, months=24)
    plain, _ = state(preset="qt2-announced", months=24)
    c2 = {}
    for name, spec in (("edited", edited), ("preset", plain)):
        out = explorer_section("C2", spec, "en", cache)
        proj = tables(out)["x-tab-c2_projection"].data
        # the scenario column shows labels (ids stay in the results' tables)
        first = scenario_label("rrp_first", "en")
        c2[name] = [r for r in proj if r[shown("scenario")] == first]
        b4 = tables(explorer_section("B4", spec, "en", cache))["x-tab-b4_portfolio"].data
        # C2's assets follow the engine's securities (B4, same start): month-to-month changes
        assets = [r[shown("total_assets [USD bn]")] for r in c2[name][1:]]
        sec = [
            r[shown("total_securities [USD bn]")] + r[shown("tips_inflation_comp [USD bn]")]
            for r in b4
        ]
        for a0, a1, s0, s1 in zip(assets, assets[1:], sec, sec[1:], strict=False):
            assert a1 - a0 == pytest.approx(s1 - s0, abs=0.2)  # cells rounded to 0.1
        c3 = explorer_section("C3", spec, "en", cache)
        assert "x-tab-c3_endpoints" in tables(c3) and graphs(c3)
    # without runoff, assets end the two years far above the preset's, and so do reserves
    # plus ON RRP (ON RRP absorbs the decline first in this scenario)
    end = {k: v[-1] for k, v in c2.items()}
    assert (
        end["edited"][shown("total_assets [USD bn]")]
        > end["preset"][shown("total_assets [USD bn]")] + 1000
    )
    liq = {k: v[shown("reserves [USD bn]")] + v[shown("on_rrp [USD bn]")] for k, v in end.items()}
    assert liq["edited"] > liq["preset"] + 1000
    assert c2["edited"][0][shown("month")] == c2["preset"][0][shown("month")] == "2022-05"


def test_explorer_c2_states_the_baseline_its_fitted_scenario_refers_to(cache: ResultCache):
    """C2's fitted scenario refers to the model parameters the baseline states ("see top"):
    the explorer shows the Baseline block under C2's heading; B4 refers to none."""
    spec, _ = state(months=12)
    out = explorer_section("C2", spec, "zh", cache)
    assert "拟合模型" in text(out) and "见页首" in text(out)
    block = out.children[1]
    assert isinstance(block, html.Aside) and block.id == "x-baseline"
    with RunContext(VANTAGE) as ctx:
        want = [a.text("zh") for a in baseline(ctx).assumptions]
    assert [text(li) for li in walk(block) if isinstance(li, html.Li)] == want
    b4 = explorer_section("B4", spec, "zh", cache)
    assert not [n for n in walk(b4) if getattr(n, "id", None) == "x-baseline"]


def test_edited_caps_cite_nothing_and_added_regimes_are_user_scenarios():
    rows = preset_rows("qt2-realized")
    rows[2]["treasury_cap"] = 40  # qt2-slower
    rows.append({"name": "", "start": "2027-01", "treasury_cap": "20", "agency_cap": "10"})
    pol = edited_policy("qt2-realized", rows)
    base = load_preset("qt2-realized")
    slower = pol.regimes[2]
    assert slower.name == "qt2-slower" and slower.treasury_cap == 40.0
    assert slower.source.is_user and slower.phase_in is None
    assert slower.note.startswith("caps changed from qt2-slower (") and "2024-05-01" in slower.note
    assert [r.source for r in pol.regimes[:2]] == [r.source for r in base.regimes[:2]]
    added = pol.regime_at("2027-03")
    assert added.name == "user-2027-01" and added.source.is_user
    assert (added.treasury_cap, added.agency_cap, added.bill_purchases) == (20.0, 10.0, 0.0)
    # the page shows the source of each regime: the user's say "user scenario"
    _, status = state(preset="qt2-realized", rows=rows, as_of="")
    shown = {r["Regime"]: r["Source"] for r in tables(status)["x-policy"].data}
    slower, full = policy_label("qt2-slower", "en"), policy_label("qt2-full-pace", "en")
    assert shown[slower] == shown["user-2027-01"] == "user scenario"  # a user's name as typed
    assert shown[full] != "user scenario"
    # a bad added row names the row and the field
    rows[-1]["start"] = "soon"
    with pytest.raises(SpecError, match=r"added regime 1: .*start='soon' is not a month"):
        edited_policy("qt2-realized", rows)


def test_edited_scenario_is_drawn_and_tabled_beside_its_preset(cache: ResultCache):
    rows = preset_rows("qt2-announced")
    rows[1]["treasury_cap"] = 95
    spec, _ = state(preset="qt2-announced", rows=rows, months=24)
    fig = graphs(explorer_section("B2", spec, "en", cache))["x-fig-b2_path"]
    # the preset's lines and column are named by its label, never its id
    preset = "QT2 as announced (May 2022)"
    mine = [tr for tr in fig.data if not tr.name.endswith(f"({preset})")]
    theirs = [tr for tr in fig.data if tr.name.endswith(f"({preset})")]
    assert len(mine) == len(theirs) > 0
    cap = next(tr for tr in theirs if tr.name == f"Treasury cap ({preset})")
    assert list(cap.y[:4]) == [30, 30, 30, 60] and cap.line.dash == "dash"
    out = compare_view(spec, "6, 24", "en", cache)
    diff = tables(out)["x-compare"]
    assert diff.headers == [
        "Quantity",
        "Months after the start",
        "Month",
        f"{preset} (edited) [USD bn]",
        f"{preset} [USD bn]",
        "Difference [USD bn]",
    ]
    by = {(r["Quantity"], r["Months after the start"]): r for r in diff.data}
    assert len(by) == 8  # four quantities at two months
    row = by["Total securities held", 24]
    assert row["Month"] == "2024-05"
    mine_t, theirs_t = row[f"{preset} (edited) [USD bn]"], row[f"{preset} [USD bn]"]
    assert row["Difference [USD bn]"] == pytest.approx(mine_t - theirs_t, abs=0.2)
    assert mine_t < theirs_t - 300  # faster Treasury runoff: fewer securities after two years
    assert by["Reserves (ON RRP absorbs first)", 24]["Difference [USD bn]"] < -300
    zh = tables(compare_view(spec, "6", "zh", cache))["x-compare"]
    assert zh.headers[0] == "指标" and zh.data[0]["指标"] == "持有证券合计"
    # in Chinese the amounts read in 亿美元 (x10), never 十亿美元
    assert "十亿" not in str(zh.headers) and zh.headers[-1].endswith("[亿美元]")
    en6 = tables(compare_view(spec, "6", "en", cache))["x-compare"].data[0]
    assert zh.data[0][zh.headers[-1]] == pytest.approx(10 * en6["Difference [USD bn]"])
    plain, _ = state(preset="qt2-announced", months=24)
    assert "nothing to compare" in text(compare_view(plain, "", "en", cache))
    assert "comparison month '30'" in text(compare_view(spec, "6, 30", "en", cache))


def test_every_table_is_sortable_and_downloads_as_csv(cache: ResultCache):
    spec, _ = state(months=6)
    out = explorer_section("B4", spec, "en", cache)
    grids = [g for g in walk(out) if isinstance(g, dag.AgGrid)]
    links = {a.id: a for a in walk(out) if isinstance(a, html.A)}
    assert grids
    for g in grids:
        assert g.defaultColDef["sortable"] is True
        link = links[f"{g.id}-csv"]
        assert link.download == f"{g.id}.csv"
        head, _, body = link.href.partition(",")
        assert head == "data:text/csv;charset=utf-8"
        csv = pd.read_csv(io.StringIO(unquote(body)))
        grid = tables(out)[g.id]
        assert list(csv.columns) == grid.headers and len(csv) == len(grid.data)
        # every row, numbers as the grid holds them (rounded as shown: no float noise)
        first = csv.iloc[0].to_dict()
        assert {k: first[k] for k in grid.headers if isinstance(grid.data[0][k], float)} == {
            k: v for k, v in grid.data[0].items() if isinstance(v, float)
        }


# --- the page's state in its URL -------------------------------------------------------------
def test_state_round_trips_through_the_url():
    rows = preset_rows("qt2-realized")
    rows[-1]["treasury_cap"] = 30
    rows.append(
        {
            "name": "more-qt",
            "start": "2027-06",
            "treasury_cap": 50,
            "agency_cap": 35,
            "bill_purchases": 0,
        }
    )
    search = to_search(
        {
            "section": "explorer",
            "vantage": "",
            "preset": "qt2-realized",
            "rows": rows,
            "months": 24,
            "paydowns": "model",
            "shock": -50,
            "lang": "zh",
            "compare": "6, 12",
        }
    )
    q = from_search(search)
    assert q["preset"] == "qt2-realized" and q["lang"] == "zh" and q["shock"] == "-50"
    assert "vantage" not in q  # empty values are left out
    out = restore(search, False, "en")
    preset, restored_rows, _start, months, paydowns, shock, _v, lang, section, cmp, _a, done = out
    assert (preset, months, paydowns, shock, lang, section, cmp, done) == (
        "qt2-realized",
        "24",
        "model",
        "-50",
        "zh",
        "explorer",
        "6, 12",
        True,
    )
    assert edited_policy("qt2-realized", restored_rows) == edited_policy("qt2-realized", rows)
    assert restored_rows[-1]["added"] is True and restored_rows[-1]["source"] == "用户情景"
    # the preset's own rows are not written; a restored page is not restored twice
    assert "edits" not in to_search({"preset": "qt2-realized", "rows": preset_rows("qt2-realized")})
    with pytest.raises(PreventUpdate):
        restore(search, True, "en")
    # a mangled query falls back to the defaults; its values are checked where used
    junk = restore("?preset=qt9&edits=%5B1%5D&lang=fr", False, "en")
    assert junk[0] == "qt2-realized" and junk[1] == preset_rows("qt2-realized")
    assert junk[7] == "en"


def test_the_editor_shows_and_reads_caps_in_yi_in_chinese():
    rows = preset_rows("qt2-realized", "zh")  # kept in USD bn/month in every language
    shown_zh = shown_rows(rows, "zh")
    assert shown_rows(rows, "en") == rows
    assert rows[1]["treasury_cap"] == 60.0 and shown_zh[1]["treasury_cap"] == 600.0
    assert rows[1]["agency_cap"] == 35.0 and shown_zh[1]["agency_cap"] == 350.0
    cols = {c["field"]: c["headerName"] for c in preset_table("qt2-realized", "zh")[1]}
    assert all("[亿美元/月]" in cols[f] for f in MONEY_FIELDS)
    assert "十亿" not in str(cols) and "十亿" not in labels("zh")[list(LABELS).index("lbl-regimes")]
    # a row shown and left as it was reads back exactly (no x10 / 10 rounding)
    for name in ("qt1-2017", "qt2-announced", "qt2-realized", "rmp-2025"):
        kept = preset_rows(name, "zh")
        back = [stored_row(k, s, "zh") for k, s in zip(kept, shown_rows(kept, "zh"), strict=True)]
        assert back == kept and edited_policy(name, back) == load_preset(name)
    # the same edit typed in 亿美元 in Chinese and in USD bn in English: the same policy
    zh = regime_rows(
        "regimes",
        "qt2-realized",
        rows,
        [{"rowIndex": 1, "data": {**shown_zh[1], "agency_cap": "250"}}],
        "zh",
    )
    en = regime_rows(
        "regimes",
        "qt2-realized",
        rows,
        [{"rowIndex": 1, "data": {**rows[1], "agency_cap": 25.0}}],
        "en",
    )
    assert zh[1]["agency_cap"] == 25.0 and zh[1]["treasury_cap"] == 60.0
    assert shown_rows(zh, "zh")[1]["agency_cap"] == 250.0
    assert edited_policy("qt2-realized", zh) == edited_policy("qt2-realized", en)
    assert edited_policy("qt2-realized", zh).regimes[1].agency_cap == 25.0
    # the URL holds USD bn whatever the language: the same edits in both
    q = {
        lang: from_search(to_search({"preset": "qt2-realized", "rows": r, "lang": lang}))
        for lang, r in (("zh", zh), ("en", en))
    }
    assert q["zh"]["edits"] == q["en"]["edits"] and q["zh"]["lang"] == "zh"
    # and the projected policy's table shows 亿美元 in Chinese
    pol = edited_policy("qt2-realized", zh)
    assert policy_rows(pol, "zh")[1]["agency_cap"] == 250.0
    assert policy_rows(pol, "en")[1]["agency_cap"] == 25.0
    # a page opened in Chinese shows the grid in 亿美元 while it keeps USD bn
    page = layout("zh", VANTAGE)
    grid = next(n for n in walk(page) if getattr(n, "id", None) == "regimes")
    store = next(n for n in walk(page) if getattr(n, "id", None) == "regime-rows")
    assert grid.rowData[0]["treasury_cap"] == 10 * store.data[0]["treasury_cap"]


@pytest.mark.parametrize(
    ("field", "typed", "quoted_as", "valid"),
    [
        ("treasury_cap", "-50", "-50 亿美元/月", "0 至 1,000,000 亿美元/月"),
        ("agency_cap", "2000000", "2,000,000 亿美元/月", "0 至 1,000,000 亿美元/月"),
        ("bill_purchases", "-3", "-3 亿美元/月", "0 至 1,000,000 亿美元/月"),
        ("treasury_cap", "lots", "'lots'", "或填写 uncapped"),
        ("treasury_cap", "1e400", "'1e400'", "或填写 uncapped"),  # not read as no cap
    ],
)
def test_a_bad_amount_typed_in_chinese_is_quoted_in_yi(
    field: str, typed: str, quoted_as: str, valid: str
):
    """The Chinese editor takes 亿美元/月 and keeps USD bn (/10): the error the user sees
    quotes what they typed and the valid range in 亿美元/月, not the kept USD bn (a typed
    -50 once read "treasury_cap=-5.0 must be >= 0 [USD bn per month]")."""
    rows = preset_rows("qt2-realized")
    change = [{"rowIndex": 1, "data": {**shown_rows(rows, "zh")[1], field: typed}}]
    edited = regime_rows("regimes", "qt2-realized", rows, change, "zh")
    spec, status = state(rows=edited, lang="zh")
    msg = text(status)
    assert spec is None and status.className == "qt-error"
    # the row named as the editor shows it: by the regime's label, not its id
    assert msg.startswith("无法计算：阶段 '第二轮缩表全速阶段'：") and "qt2-full-pace" not in msg
    assert f"填写的 {quoted_as} 无效" in msg and valid in msg, msg
    assert "USD bn" not in msg and "十亿" not in msg and "100,000" not in msg
    assert ("uncapped" in msg) == (field != "bill_purchases")
    # the same amount typed in USD bn in English is quoted in USD bn/month
    if typed.lstrip("-").isdigit():
        change = [{"rowIndex": 1, "data": {**rows[1], field: float(typed) / 10}}]
        edited = regime_rows("regimes", "qt2-realized", rows, change, "en")
        msg = text(state(rows=edited, lang="en")[1])
        assert f"= {float(typed) / 10:,.10g} USD bn/month is not valid" in msg, msg
        assert "from 0 to 100,000 USD bn/month" in msg


def test_a_bad_amount_of_an_added_regime_names_the_row_in_the_readers_words():
    rows = [*preset_rows("qt2-realized"), added_row("qt2-realized", "zh")]
    change = [
        {
            "rowIndex": len(rows) - 1,
            "data": {**shown_rows(rows, "zh")[-1], "start": "2027-01", "agency_cap": "100"},
        }
    ]
    edited = regime_rows("regimes", "qt2-realized", rows, change, "zh")
    msg = text(state(rows=edited, lang="zh", as_of="")[1])
    # the Treasury cap left empty; the empty purchase pace of an added regime means none
    assert msg.startswith("无法计算：新增的第 1 个阶段：国债缩减上限填写的 '' 无效"), msg
    edited[-1]["treasury_cap"] = 2.5  # kept in USD bn: 25 亿美元/月
    spec, status = state(rows=edited, lang="zh", as_of="")
    assert spec is not None, text(status)


def test_regimes_table_follows_what_the_user_does():
    rows = preset_rows("qt2-realized")
    added = regime_rows("btn-add", "qt2-realized", rows, None, "en")
    assert len(added) == len(rows) + 1 and added[-1]["added"] is True
    edit = [{"rowIndex": 1, "data": {**rows[1], "treasury_cap": "55"}}]
    edited = regime_rows("regimes", "qt2-realized", rows, edit, "en")
    assert edited[1]["treasury_cap"] == "55" and rows[1]["treasury_cap"] == 60.0
    assert regime_rows("preset", "qt1-2017", rows, None, "en") == preset_rows("qt1-2017")
    with pytest.raises(PreventUpdate):  # the rows restored with this preset are kept
        regime_rows("preset", "qt2-realized", edited, None, "en")
    assert regime_rows("btn-reset", "qt2-realized", edited, None, "en") == rows
    zh = regime_rows("lang", "qt2-realized", added, None, "zh")
    assert zh[-1]["source"] == "用户情景" and zh[0]["source"] == added[0]["source"]


def test_results_are_cached_per_analysis_options_vantage_and_language():
    c = ResultCache()
    spec, _ = state(months=6)
    explorer_section("B2", spec, "en", c)
    explorer_section("B2", spec, "en", c)
    assert c.computed == 1
    explorer_section("B2", spec, "zh", c)
    assert c.computed == 1 and c.rendered == 2  # the language switch only renders
    spec7, _ = state(months=7)
    explorer_section("B2", spec7, "en", c)
    assert c.computed == 2 and len(c) == 3


@pytest.mark.parametrize("aid", ["B2", "C2"])
def test_a_language_switch_computes_nothing_and_shows_the_same_numbers(aid: str):
    c = ResultCache()
    spec, _ = state(months=6)
    sp = ExplorerSpec.from_json(spec)
    en = explorer_result(c, aid, sp, "en")
    ctx = c.context(VANTAGE)
    runs, computed = ctx.runs_made, c.computed
    zh = explorer_result(c, aid, sp, "zh")
    assert ctx.runs_made == runs and c.computed == computed == 1
    assert c.rendered == 2 and zh is not en
    assert [tb.frame.shape for tb in en.tables] == [tb.frame.shape for tb in zh.tables]
    money = 0
    for a, b in zip(en.tables, zh.tables, strict=True):
        shown_en, shown_zh = localized_table(a.frame, "en"), localized_table(b.frame, "zh")
        for col_en, col_zh, key in zip(shown_en, shown_zh, a.frame.columns, strict=True):
            x, y = shown_en[col_en], shown_zh[col_zh]
            if not pd.api.types.is_float_dtype(x):
                continue
            scale = 10.0 if column_label(key, "zh")[1] else 1.0
            money += scale == 10.0
            pd.testing.assert_series_equal(
                x * scale, y, check_names=False, check_index=False, rtol=1e-12
            )
    assert money  # some amounts were shown in 亿美元 (x10) and matched


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


def test_browser_states_the_baseline_its_sections_refer_to(cache: ResultCache):
    """C2's notes say "liabilities as in the baseline (see top)": the browser shows the
    report's Baseline block under the section's heading (its title, intro and the
    baseline's own sentences, in the page's language); A3 runs from no baseline: no block."""
    with RunContext(VANTAGE) as ctx:
        want = {lang: [a.text(lang) for a in baseline(ctx).assumptions] for lang in ("en", "zh")}
    for lang in ("en", "zh"):
        out = browser_view("C2", VANTAGE, lang, cache)
        assert isinstance(out, html.Section) and out.id == "br-c2"
        notes = text([n for n in walk(out) if getattr(n, "className", None) == "qt-notes"])
        assert t("baseline.ref.liabilities", lang) in notes  # the reference ...
        block = out.children[1]  # ... and what it refers to, right under the heading
        assert isinstance(block, html.Aside) and block.id == "br-baseline"
        assert text(block.children[0]) == t("report.baseline.title", lang)
        assert [text(li) for li in walk(block) if isinstance(li, html.Li)] == want[lang]
        assert len(want[lang]) >= 3 and (lang == "en" or CJK.search(text(block)))
    a3 = browser_view("A3", VANTAGE, "en", cache)
    assert not [n for n in walk(a3) if getattr(n, "id", None) == "br-baseline"]


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
    assert {"preset", "regimes", "vantage", "lang", "analysis-id", "browser-out", "url"} <= ids
    assert {f"out-{a.lower()}" for a in EXPLORER_IDS} <= ids
    outputs = " ".join(app.callback_map)
    for target in (
        "out-b1.children",
        "out-c3.children",
        "browser-out.children",
        "regime-rows.data",
        "url-out.search",
        "compare-out.children",
    ):
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
B2_TRACES = "document.querySelector('#x-fig-b2_path .js-plotly-plot')._fullData"


#: How the dropdown, titles and legends name qt2-announced (the preset the browser test picks).
ANNOUNCED = "QT2 as announced (May 2022)"
ANNOUNCED_ZH = "第二轮缩表（2022年5月宣布时）"

#: Every explorer section (B1-B4, C2, C3) on the page with a figure plotly drew with data.
EXPLORER_DRAWN = (
    f"{list(a.lower() for a in EXPLORER_IDS)}.every(a => {{"
    " const g = document.querySelector('#x-' + a + ' .js-plotly-plot');"
    " return g && g._fullData && g._fullData.some(t => t._length > 0); })"
)
#: Every explorer section's figure titled in Chinese (after the language switch).
EXPLORER_ZH = (
    f"{list(a.lower() for a in EXPLORER_IDS)}.every(a => {{"
    " const t = document.querySelector('#x-' + a + ' .js-plotly-plot .gtitle');"
    " return t && /[\\u4e00-\\u9fff]/.test(t.textContent); })"
)
#: The first month of B2's table (its first column) as the page shows it.
B2_FIRST_MONTH = "#x-tab-b2_path .ag-row[row-index='0'] .ag-cell[col-id='c0']"
#: C2's and C3's section titles, figures drawn and table rows shown.
C2_C3 = (
    "['x-c2', 'x-c3'].map(id => { const s = document.getElementById(id); return {"
    " title: s.querySelector('h2, h3').textContent,"
    " traces: [...s.querySelectorAll('.js-plotly-plot')]"
    ".map(g => g._fullData.filter(t => t._length > 0).length),"
    " rows: s.querySelectorAll('.ag-row').length}; })"
)
#: The regimes editor's Treasury-cap cell of qt2-full-pace (the regime the browser test edits).
CAP_SELECTOR = "#regimes .ag-row[row-index='1'] .ag-cell[col-id='treasury_cap']"
CAP_CELL = f'document.querySelector("{CAP_SELECTOR}")'


@needs_chromium
@pytest.mark.slow
def test_dashboard_in_headless_chromium(tmp_path: Path):
    """On a 1366x768 laptop screen: the first chart above the fold; a preset change, a cell
    edited in the regimes grid (drawn beside the preset), a table downloaded as CSV, the
    language switched; the URL holds it all and a second page opened on it shows the same."""
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
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on(
                    "request",
                    lambda r: None if r.url.startswith(url) else errors.append(f"off-line {r.url}"),
                )
                page.goto(url)
                page.wait_for_function(
                    f"{B2_TITLE} && {B2_TITLE}.textContent.includes('QT2 as realized')",
                    timeout=60_000,
                )
                top = page.evaluate(
                    "document.querySelector('.qt-main .js-plotly-plot').getBoundingClientRect().top"
                )
                # the explorer starts where F1 starts and shows C2 and C3 (issue 16)
                page.wait_for_function(EXPLORER_DRAWN, timeout=60_000)
                first_month = page.locator(B2_FIRST_MONTH).text_content() or ""
                c2_c3 = page.evaluate(C2_C3)
                # every figure's text inside its canvas, monthly bars on their month
                page.wait_for_timeout(300)
                legible = {"en": page.evaluate(LEGIBILITY_JS)}
                months = {"en": page.evaluate(MONTHS_JS, list(MONTHLY_POINTS))}
                n_traces = page.evaluate(f"{B2_TRACES}.length")
                # change the preset: the B2 figure follows
                page.click("#preset")
                page.get_by_text(ANNOUNCED, exact=True).click()  # the id is the value
                page.wait_for_function(
                    f"{B2_TITLE}.textContent.includes('{ANNOUNCED}')", timeout=30_000
                )
                caps = page.evaluate(  # Array.from: plotly.js may hold y as a typed array
                    f"Array.from({B2_TRACES}.find(t => t.name === 'Treasury cap').y.slice(0, 4))"
                )
                # edit qt2-full-pace's Treasury cap in the grid: the preset is drawn beside it
                page.click("#regimes .ag-row[row-index='1'] .ag-cell[col-id='treasury_cap']")
                page.keyboard.press("Control+A")
                page.keyboard.type("95")
                page.keyboard.press("Enter")
                page.wait_for_function(
                    f"{B2_TRACES}.some(t => t.name === 'Treasury cap ({ANNOUNCED})')",
                    timeout=30_000,
                )
                edited_caps = page.evaluate(
                    f"Array.from({B2_TRACES}.find(t => t.name === 'Treasury cap').y.slice(0, 4))"
                )
                page.wait_for_selector("#compare-out .ag-row", timeout=30_000)
                # every table downloads as CSV
                with page.expect_download() as dl:
                    page.click("#x-tab-b2_path-csv")
                csv_name = dl.value.suggested_filename
                csv_path = tmp_path / csv_name
                dl.value.save_as(csv_path)
                # switch to Chinese: the words and the figures
                page.locator("#lang input[value='zh']").check()
                page.wait_for_function(
                    f"/[\\u4e00-\\u9fff]/.test({B2_TITLE}.textContent)", timeout=30_000
                )
                page.wait_for_function("location.search.includes('lang=zh')", timeout=10_000)
                shared = page.url
                # the editor shows the edited cap in 亿美元/月 (x10); the URL keeps USD bn
                page.wait_for_function(f"{CAP_CELL}?.textContent.trim() === '950'", timeout=10_000)
                zh_header = page.locator("#regimes .ag-header-cell[col-id='treasury_cap']")
                zh_cap_header = zh_header.text_content() or ""
                title = page.locator("#app-title").text_content() or ""
                tab = page.locator("#tab-explorer").text_content() or ""
                # what a Chinese reader sees: no 十亿美元 in the text or on an axis, and
                # no bare column key as a grid header
                zh_text = page.locator("body").inner_text()
                zh_axes = page.evaluate(
                    "Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g =>"
                    " Object.keys(g.layout || {}).filter(k => /^[xy]axis/.test(k))"
                    ".map(k => ((g.layout[k].title || {}).text) || ''))"
                )
                zh_headers = page.locator(".ag-header-cell-text").all_text_contents()
                page.wait_for_function(EXPLORER_ZH, timeout=60_000)
                page.wait_for_timeout(300)
                legible["zh"] = page.evaluate(LEGIBILITY_JS)
                months["zh"] = page.evaluate(MONTHS_JS, list(MONTHLY_POINTS))
                # the editor shows a preset regime by its label (the row keeps its id)
                zh_regime = page.locator(
                    "#regimes .ag-row[row-index='0'] .ag-cell[col-id='name']"
                ).text_content()
                page.screenshot(path=str(tmp_path / "dashboard-zh.png"))
                # a second page on the shared URL: the same preset, edits and language
                other = browser.new_page(viewport={"width": 1366, "height": 768})
                other.on("pageerror", lambda e: errors.append(str(e)))
                other.goto(shared)
                other.wait_for_function(
                    f"{B2_TITLE} && /[\\u4e00-\\u9fff]/.test({B2_TITLE}.textContent)"
                    f" && {B2_TRACES}.some(t => t.name.endsWith('({ANNOUNCED_ZH})'))",
                    timeout=60_000,
                )
                restored_caps = other.evaluate(
                    f"Array.from({B2_TRACES}.filter(t => !t.name.endsWith(')'))"
                    ".find(t => t.name.includes('上限')).y.slice(0, 4))"
                )
                restored_preset = other.locator("#preset").text_content() or ""
                other.wait_for_function(f"{CAP_CELL}?.textContent.trim() === '950'", timeout=10_000)
                # a bad cap typed in 亿美元/月 in the Chinese editor: the error quotes it so
                page.click(CAP_SELECTOR)
                page.keyboard.press("Control+A")
                page.keyboard.type("-50")
                page.keyboard.press("Enter")
                page.wait_for_selector("#explorer-status .qt-error", timeout=30_000)
                zh_error = page.locator("#explorer-status .qt-error").text_content() or ""
            finally:
                browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert errors == []
    assert top < 768, f"the first chart starts at {top} px, below a 768 px laptop screen"
    # F1's start at the vantage: the month after the holdings carried to the latest data
    ctx = RunContext(VANTAGE)
    assert first_month.strip() == str(start_month(ctx, load_inputs(ctx, horizon=12))[1])
    for sec in c2_c3:
        assert sec["traces"] and all(n > 0 for n in sec["traces"]) and sec["rows"] > 0, sec
    titles = [f"{a}  {t(f'{a.lower()}.title', 'en')}" for a in ("C2", "C3")]
    assert [s["title"] for s in c2_c3] == titles
    # in both languages: every figure's text inside its canvas, no label on another, and
    # the monthly bars and points of B1-B4 on their month
    for lang in ("en", "zh"):
        assert len(legible[lang]) >= len(EXPLORER_IDS), legible[lang]
        assert not [f for f in legible[lang] if f["outside"] or f["overlaps"]], legible[lang]
        kinds = {(c["sec"], c["type"]) for c in months[lang]["checked"]}
        assert {("b1", "bar"), ("b2", "bar"), ("b4", "scatter")} <= kinds, kinds
        assert months[lang]["off"] == [], months[lang]["off"]
    assert n_traces >= 4
    assert caps == [30, 30, 30, 60]  # qt2-announced's phase-in, then full pace
    assert edited_caps == [30, 30, 30, 95]
    assert csv_name == "x-tab-b2_path.csv"
    header = csv_path.read_text(encoding="utf-8").splitlines()[0]
    assert shown("treasury_cap [USD bn]") in header
    assert "preset=qt2-announced" in shared and "edits=" in shared and "lang=zh" in shared
    # the shared page opens in Chinese: its chart shows the caps in 亿美元 (x10)
    assert restored_caps == [300, 300, 300, 950] and ANNOUNCED_ZH in restored_preset
    assert "亿美元/月" in zh_cap_header and "十亿" not in zh_cap_header
    edits = json.loads(from_search("?" + shared.split("?", 1)[1])["edits"])
    full_pace = next(r for r in edits if r and r[0] == "qt2-full-pace")
    assert float(full_pace[2]) == 95.0  # the shared state is in USD bn whatever the language
    assert title.startswith("qtlab 仪表盘") and CJK.search(tab)
    assert "十亿美元" not in zh_text and any("亿美元" in a for a in zh_axes), zh_axes
    # presets and regimes by their labels: no id on the Chinese page
    assert (zh_regime or "").strip() == "第二轮缩表起步阶段"
    assert not re.search(r"qt[12]-|rmp-\d|mbs-runoff", zh_text), zh_text
    assert not any("十亿美元" in a for a in zh_axes)
    keyed = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]( \[.*\])?$")
    assert zh_headers and not [h for h in zh_headers if keyed.match(h.strip())], zh_headers
    assert (tmp_path / "dashboard-zh.png").stat().st_size > 10_000
    assert "-50 亿美元/月" in zh_error and "0 至 1,000,000 亿美元/月" in zh_error, zh_error
    assert "USD bn" not in zh_error and "十亿" not in zh_error
    assert re.search(r"[\u4e00-\u9fff]", title)


def test_the_preset_dropdown_and_the_policy_table_show_labels_with_ids_as_values():
    """A reader picks "QT2 as realized" / "第二轮缩表（实际执行）"; the page keeps the id (URL,
    callbacks); the regimes editor shows a preset regime's label and keeps its id."""
    for lang in ("en", "zh"):
        page = layout(lang, None)
        (dropdown,) = [c for c in walk(page) if getattr(c, "id", None) == "preset"]
        assert dropdown.value == "qt2-realized"
        assert dropdown.options == [
            {"label": policy_label(n, lang), "value": n} for n in PRESET_NAMES
        ]
        assert preset_options(lang) == dropdown.options
    # the language switch relabels the presets (its last output)
    assert _on_lang("zh")[-1] == preset_options("zh")
    assert preset_options("zh")[2]["label"] == "第二轮缩表（实际执行）"
    name = next(c for c in preset_table("qt2-realized", "zh")[1] if c["field"] == "name")
    assert "第二轮缩表结束后的准备金管理购买" in name["valueFormatter"]["function"]
    assert preset_rows("qt2-realized", "zh")[-1]["name"] == "qt2-end-rmp"
    # the policy projected: regimes by label, an edited one from its month
    rows = preset_rows("qt2-announced")
    rows[1]["treasury_cap"] = 95
    _, table = state(preset="qt2-announced", rows=rows, lang="zh")
    regimes = [r[t("app.explorer.col.regime", "zh")] for r in tables(table)["x-policy"].data]
    assert regimes == ["第二轮缩表起步阶段", "第二轮缩表全速阶段"]
