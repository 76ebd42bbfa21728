"""Numbers that mislead: the figures and words a strategist pastes into a note.

Monthly values drawn on their month, direction words that follow the sign of the
change in both languages, B3's figure following the rate shock asked for, A2 drawing
QT2 to its end, and the sentences that used to read wrong at a past or the latest vantage.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from _contexts import shared
from qtlab.analyses import get_analysis
from qtlab.i18n import direction, t, way
from qtlab.present import policy_label

# private on purpose: the month axes of the shared figure helpers
from qtlab.present.figures import month_bar, month_line, month_x
from qtlab.runs import RunContext


def test_month_x_is_mid_month():
    got = month_x([pd.Period("2022-06", "M"), "2022-09", pd.Timestamp("2024-02-29")])
    assert got == [
        pd.Timestamp("2022-06-15"),
        pd.Timestamp("2022-09-15"),
        pd.Timestamp("2024-02-15"),
    ]


def test_month_bar_and_step_line_hover():
    fig = go.Figure()
    idx = pd.period_range("2022-06", periods=4, freq="M")
    month_bar(fig, idx, [1.0, 2.0, 3.0, 4.0], name="Bills", unit="USD bn")
    month_line(fig, idx, [30.0, 30.0, 30.0, 60.0], name="Cap", unit="USD bn", step=True)
    bar, cap = fig.data
    assert list(bar.x) == month_x(idx)
    assert bar.hovertemplate == "Bills: %{y:,.1f} USD bn<extra></extra>"
    assert fig.layout.xaxis.hoverformat == "%b %Y"  # the unified hover header: "Jun 2022"
    # a step between mid-month points ("hvh") changes at the month boundary: the cap of
    # September steps up on September 1, not at the end of the month
    assert cap.line.shape == "hvh"


@pytest.mark.parametrize("aid", ["B1", "B2", "B4"])
def test_runoff_bars_and_lines_sit_on_their_month(aid: str):
    kw = {} if aid == "B1" else {"months": 12}
    r = get_analysis(aid).run(RunContext("2022-05-31"), **kw)
    fig = r.figures[0].figure
    months = pd.PeriodIndex(r.tables[0].frame.index, freq="M")
    for tr in fig.data:
        assert list(pd.to_datetime(tr.x)) == month_x(months), tr.name
        assert "%{y:,.1f}" in tr.hovertemplate


def test_b3_figure_follows_the_shock():
    ds = RunContext("2022-05-31")
    figs = {
        s: get_analysis("B3").run(ds, shock_bp=s).figures[0].figure for s in (0.0, -100.0, -250.0)
    }
    names = {s: [tr.name for tr in f.data] for s, f in figs.items()}
    assert figs[0.0].to_json() != figs[-100.0].to_json() != figs[-250.0].to_json()
    shock = next(tr for tr in figs[-250.0].data if "-250 bp" in tr.name)
    base = next(tr for tr in figs[-250.0].data if tr.name == t("b3.series.minus_100", "en"))
    assert sum(shock.y) > sum(base.y)  # lower rates, faster prepayments
    assert not any("your shock" in n for n in names[0.0])


def test_b3_qt1_calibration_line_says_it_is_the_capped_decline():
    r = get_analysis("B3").run(RunContext())
    cal = next(f.figure for f in r.figures if f.name == "b3_calibration")
    names = [tr.name for tr in cal.data]
    assert t("b3.series.realized_qt1", "en") in names
    model = next(tr for tr in cal.data if tr.name == t("b3.series.model_qt1", "en"))
    # QT1's cap of 20 bn a month bounds the capped model line
    assert max(y for y in model.y if not math.isnan(y)) <= 20.0 + 1e-9


@pytest.mark.parametrize(
    ("a", "b", "en", "zh"),
    [(4222.0, 5525.0, "rise", "升至"), (5.8, 1.9, "fall", "降至"), (5.8, 5.82, "stay", "保持为")],
)
def test_direction_words_follow_the_sign(a: float, b: float, en: str, zh: str):
    assert direction(a, b, "en", tol=0.05) == en
    assert direction(a, b, "zh", tol=0.05) == zh
    assert direction(a, b, "en", tol=0.05, singular=True) == {"rise": "rises", "fall": "falls"}.get(
        en, "stays"
    )
    # a computation without language keeps the id the words come from (F1's notes)
    assert t(f"common.move.{way(a, b, tol=0.05)}", "zh") == zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_b2_holdings_sentence_follows_the_sign(lang: str):
    # at the latest vantage reserve-management purchases make Treasury holdings rise
    # (from F1's start runoff has ended: nothing is redeemed, every maturity rolls over)
    r = get_analysis("B2").run(RunContext(), lang=lang)
    v = r.note_values("b2.note.rolled_only")
    text = r.notes[0].text
    up = v["last"] > v["first"]
    assert (t("common.move.rise", lang) in text) == up
    assert (t("common.move.fall", lang) in text) == (not up)


def test_a2_draws_qt2_to_its_end_and_tells_the_plans_apart():
    r = get_analysis("A2").run(shared())
    fig = r.figure("a2_cap_paths")
    real = next(tr for tr in fig.data if tr.name == policy_label("qt2-realized", "en"))
    ann = next(tr for tr in fig.data if tr.name == policy_label("qt2-announced", "en"))
    # QT2 ran June 2022 - November 2025 (42 months); the line drops to 0 at month 42
    assert real.x[-1] > 42 and real.y[41] > 0 and real.y[42] == 0
    assert ann.line.dash == "dash" and ann.line.width > real.line.width
    plans = r.table("a2_plans").set_index("Plan")
    rows = plans.loc[[policy_label("qt2-announced", "en"), policy_label("qt2-realized", "en")]]
    assert not rows.iloc[0].equals(rows.iloc[1])
    assert rows.iloc[1].iloc[-1] == "2025-11"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a7_counts_days_when_the_earlier_level_is_recent(lang: str):
    # on 2022-05-31 the rate (5.10%) had been as high a week or two before: the note used
    # to say "0.0 years earlier"
    r = get_analysis("A7").run(RunContext("2022-05-31"), lang=lang)
    text = " ".join(n.text for n in r.notes)
    assert "0.0 " not in text
    assert r.note_values("a7.note.since_days")["days"] == 7  # PMMS of 2022-05-19 and -26


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_c2_names_each_scenario_once_and_says_when_lines_coincide(lang: str):
    r = get_analysis("C2").run(shared(), lang=lang)
    for n in (n for n in r.notes if n.key == "c2.note.scenario"):
        # the label is not the description again ("ON RRP absorbs first (ON RRP absorbs ...")
        assert n.text.count(n.values["scenario"]) == 1
        assert n.values["scenario"] not in n.values["assumptions"]
    fig = r.figure("c2_reserves")
    proj = [tr for tr in fig.data if tr.name.startswith(t("c2.legend.rrp_first", lang)[:4])]
    ys = [list(tr.y) for tr in fig.data[2:]]
    with_first = [y for y in ys[1:] if max(abs(a - b) for a, b in zip(ys[0], y, strict=True)) < 5]
    same = len(with_first) == len(ys) - 1
    # the note names the scenarios whose lines lie on the first one's, when any does
    assert bool(with_first) == ("c2.note.coincide" in [n.key for n in r.notes])
    if same:  # drawn so that every coinciding line shows: distinct dashes and widths
        assert len({(tr.line.dash, tr.line.width) for tr in fig.data[2:]}) == len(ys)
    assert proj


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_f1_at_2022_words_follow_the_numbers(lang: str):
    # as of 2022 the note read "bills rise from 5.8% to 1.9%" and "through -, then"
    r = get_analysis("F1").run(RunContext("2022-05-31"), lang=lang)
    v = r.note_values("f1.note.composition")
    want = direction(v["bills0"], v["bills1"], lang, tol=0.05)
    assert v["bills_move"] == want
    assert v["mbs_move"] == direction(v["mbs0"], v["mbs1"], lang, tol=0.5)
    text = " ".join(n.text for n in r.notes)
    assert "through -" not in text and "- 及以前" not in text
