"""Everything that says "from today" starts where F1 starts; what the runoff notes say
there; which rows of a projection table a page shows; D2's duration table in units.

At the latest data runoff has ended (``qt2-end-rmp`` from 2025-12): B1, B2 and B4 start
at F1's first month (the month after the latest weekly SOMA summary or H.4.1), with the
holdings by CUSIP carried forward under the realized policy, as the dashboard explorer
does; at a vantage date they start in the month after it (the golden hashes at
2022-05-31 hold that unchanged).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from _contexts import shared
from _helpers import run_cli
from qtlab.analyses import get_analysis
from qtlab.analyses.result import first_rows
from qtlab.policy import load_preset
from qtlab.present import policy_label
from qtlab.present.localize import localized_table, localized_title
from qtlab.report.html import excerpt_rows
from qtlab.runs import RunContext
from qtlab.runs.forward import forward_projection, run_start, start_month, today_start
from qtlab.runs.forward_policy import known_policy, run_from
from qtlab.runs.inputs import load_inputs

CJK = re.compile(r"[\u4e00-\u9fff]")
#: What an unfilled value used to print: "0 months (-)", "through -, then".
PLACEHOLDER = re.compile(r"\(-\)|\s-[,.;)]|\s-$")


@pytest.fixture(scope="module")
def today() -> RunContext:
    return shared()


@pytest.fixture(scope="module")
def eve() -> RunContext:
    return shared("2022-05-31")


def test_today_start_is_f1s_start_after_the_newest_cusip_file(today: RunContext):
    first = today_start(today)
    assert first == start_month(today, load_inputs(today, horizon=12))[1]
    assert first == forward_projection(today, months=1).start
    newest = pd.Period(today.holdings_dates()["as_of"].max(), freq="M")
    assert first > newest + 1  # carried forward past the newest holdings file
    assert today_start(today) is first  # once per context


@pytest.mark.parametrize("aid", ["B1", "B2", "B4"])
def test_b1_b2_b4_start_at_today_where_f1_starts(today: RunContext, aid: str):
    c = get_analysis(aid).compute(today, months=6)
    frame = next(iter(c.tables.values()))
    assert frame.index[0] == today_start(today)
    assert c.meta["options"]["start"] == str(today_start(today))
    # the realized policy's regime in force then runs on as it is (no restart)
    if "regime" in frame.columns:
        assert set(frame["regime"]) == {"qt2-end-rmp"}


@pytest.mark.parametrize("aid", ["B1", "B2", "B4"])
def test_with_a_vantage_or_a_start_the_old_rule_holds(eve: RunContext, aid: str):
    spec = get_analysis(aid)
    assert next(iter(spec.compute(eve, months=3).tables.values())).index[0] == pd.Period(
        "2022-06", "M"
    )
    given = spec.compute(shared(), start="2025-01", months=3)
    assert next(iter(given.tables.values())).index[0] == pd.Period("2025-01", "M")


def test_run_from_keeps_the_realized_regimes_before_the_start(today: RunContext):
    s = today_start(today)
    realized = known_policy(None)
    assert run_from(realized, today, s) is realized
    announced = load_preset("qt2-announced")
    pol = run_from(announced, today, s)
    assert pol.name == "qt2-announced"
    assert [r for r in pol.regimes if r.start < s] == [r for r in realized.regimes if r.start < s]
    assert pol.regime_at(s).treasury_cap == announced.regime_at(s).treasury_cap
    first, same = run_start(today, announced, None)
    assert first == s and same == pol
    # a start given, or a vantage date: the policy as given
    assert run_start(today, announced, "2025-01") == (pd.Period("2025-01", "M"), announced)
    eve = shared("2022-05-31")
    assert run_start(eve, announced, None) == (pd.Period("2022-06", "M"), announced)


def test_b1_at_today_says_runoff_ended_and_what_reserve_purchases_add(today: RunContext):
    spec = get_analysis("B1")
    c = spec.compute(today)
    facts = {f.key: f.values for f in c.notes}
    assert facts["b1.note.runoff_ended"] == {
        "last": "2025-11",  # the last month of QT2's caps (runoff ended 2025-12-01)
        "regime": "qt2-end-rmp",
        "start": str(today_start(today)),
    }
    rmp = facts["b1.note.rmp"]
    pace = load_preset("qt2-realized").regime_at(today_start(today)).bill_purchases
    assert rmp["pace"] == pace > 0
    assert rmp["total"] == pytest.approx(pace * 24)
    assert "b1.note.bill_runoff" not in facts and "b1.note.no_runoff" not in facts
    # the headline stays the stock maturing within 24 months, the flow apart
    assert facts["b1.note.maturing"]["stock24"] == c.meta["summary"]["stock_maturing_24m"]
    assert facts["b1.note.flow"]["flow"] > facts["b1.note.maturing"]["stock24"]
    en = [n.text for n in spec.render(c, "en").notes]
    zh = [n.text for n in spec.render(c, "zh").notes]
    regime = policy_label("qt2-end-rmp", "en")  # the note names the regime by its label
    assert any("Runoff ended after 2025-11" in n and regime in n for n in en)
    assert any("rolled over at auction" in n for n in en)
    assert any("40 bn a month" in n for n in en)
    assert any("400 亿美元" in n and "储备管理" in n for n in zh)
    for text in (*en, *zh):
        assert not PLACEHOLDER.search(text), text
        assert "十亿" not in text
    assert all(CJK.search(n) for n in zh)


def test_b2_b4_at_today_read_sensibly(today: RunContext):
    b2 = get_analysis("B2")
    c = b2.compute(today)
    facts = {f.key: f.values for f in c.notes}
    v = facts["b2.note.rolled_only"]  # nothing is redeemed after runoff ended
    assert v["move"] == "rise" and v["last"] > v["first"]
    zh = b2.render(c, "zh").notes[0].text
    assert "升至" in zh and "降至" not in zh and "没有证券到期赎回" in zh
    en = b2.render(c, "en").notes[0].text
    assert en.startswith(f"From {today_start(today)}") and "nothing is redeemed" in en
    b4 = get_analysis("B4")
    c4 = b4.compute(today)
    for lang in ("en", "zh"):
        for n in b4.render(c4, lang).notes:
            assert not PLACEHOLDER.search(n.text), n.text


def test_cli_ladder_and_project_start_where_f1_starts_without_start(today: RunContext):
    res = run_cli("ladder", "--policy", "qt2-realized", "--months", "3", "--json")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["options"]["start"] == str(today_start(today))
    res = run_cli("project", "--policy", "qt2-realized", "--months", "2", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["options"]["start"] == str(today_start(today))
    res = run_cli("project", "--policy", "qt2-realized", "--months", "2", "--as-of", "2022-05-31")
    assert res.exit_code == 0, res.output
    res = run_cli(
        "ladder", "--policy", "qt2-realized", "--months", "2", "--as-of", "2022-05-31", "--json"
    )
    assert json.loads(res.stdout)["options"]["start"] == "2022-06"
    # the help's words, without the box rich draws around it (it wraps by version)
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", run_cli("ladder", "--help").stdout).split())
    assert "where F1 starts" in text


def test_first_rows_of_each_group():
    groups = ["a", "a", "a", "b", "b", "b", "b"]
    assert first_rows(groups, 2) == (0, 1, 3, 4)
    assert first_rows(groups, 2, last=True) == (0, 1, 2, 3, 4, 6)
    assert first_rows([], 3) == ()


def _table(ctx: RunContext, aid: str, name: str):
    res = get_analysis(aid).run(ctx)
    return next(tb for tb in res.tables if tb.name == name)


@pytest.mark.parametrize(
    ("aid", "name"), [("B1", "b1_ladder"), ("B2", "b2_path"), ("B4", "b4_portfolio")]
)
def test_runoff_projections_show_their_first_rows(eve: RunContext, aid: str, name: str):
    tb = _table(eve, aid, name)
    assert tb.excerpt == "first"
    rows = excerpt_rows(len(tb.frame), tb.excerpt)
    assert tb.frame.index[rows[0]] == "2022-06"


@pytest.mark.parametrize(
    ("aid", "name", "group", "first"),
    # C2's four scenarios show 11 rows each and the end: the page's 48 (2 x MAX_TABLE_ROWS)
    [("C2", "c2_projection", "scenario", 11), ("F1", "f1_paths", "alternative", 12)],
)
def test_stacked_projections_show_the_first_year_of_each_and_its_end(
    eve: RunContext, aid: str, name: str, group: str, first: int
):
    tb = _table(eve, aid, name)
    rows = excerpt_rows(len(tb.frame), tb.excerpt)
    shown = tb.frame.iloc[rows]
    for _, g in tb.frame.groupby(group, sort=False):
        picked = shown[shown[group] == g[group].iloc[0]]
        assert list(picked["month"]) == [*g["month"].iloc[:first], g["month"].iloc[-1]]


def test_c3_d1_e2_excerpts_are_the_rows_the_notes_discuss(eve: RunContext):
    c3 = _table(eve, "C3", "c3_overlay")
    assert excerpt_rows(len(c3.frame), c3.excerpt) == list(range(48))
    d1 = _table(eve, "D1", "d1_indicators")
    months = list(d1.frame["month"].iloc[excerpt_rows(len(d1.frame), d1.excerpt)])
    assert months[0] == "2021-06" and "2022-05" in months and "2024-05" in months
    assert months[-1] == d1.frame["month"].iloc[-1]  # the projection's end, in the notes
    e2 = get_analysis("E2").compute(eve)
    tb = _table(eve, "E2", "e2_monthly")
    shown = tb.frame.iloc[excerpt_rows(len(tb.frame), tb.excerpt)]
    pairs = set(zip(shown["series"].astype(str), shown["month"].astype(str), strict=True))
    for series, worst in e2.table("errors")["worst_month"].items():
        assert (str(series), str(worst)) in pairs  # the largest error each note names
        assert (str(series), "2022-06") in pairs


def test_d2_duration_headers_carry_units_and_zh_shows_yi(eve: RunContext):
    spec = get_analysis("D2")
    c = spec.compute(eve)
    tidy = c.table("duration")
    for lang in ("en", "zh"):
        tb = next(x for x in spec.render(c, lang).tables if x.name == "d2_duration")
        cols = list(tb.frame.columns)
        assert {"treasury_tye [USD bn]", "mbs_tye [USD bn]", "total_tye [USD bn]"} <= set(cols)
        assert {"tye_to_debt [%]", "ten_year_duration [years]", "mbs_duration [years]"} <= set(cols)
        shown = localized_table(tb.frame, lang)
        title = localized_title(tb.title, lang, tb.frame)
        if lang == "zh":
            assert "亿美元" in title and "十亿" not in title
            money = [h for h in shown.columns if "[亿美元]" in str(h)]
            assert len(money) == 3
            assert shown[money[2]].iloc[0] == pytest.approx(10 * tidy["total_tye"].iloc[0])
            assert any("[年]" in str(h) for h in shown.columns)
            assert all(CJK.search(str(h)) for h in shown.columns)
        else:
            assert shown.iloc[0, 3] == pytest.approx(tidy["total_tye"].iloc[0])
